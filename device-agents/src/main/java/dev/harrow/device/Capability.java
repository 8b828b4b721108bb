package dev.harrow.device;

import java.util.Objects;
import java.util.Optional;
import org.opentest4j.TestAbortedException;

/**
 * A capability a device kind offers, or declines with the reason. A scenario that needs it calls {@link #orSkip()}:
 * on a device that cannot do it the scenario is skipped with that reason, never run against a fake.
 */
public final class Capability<T> {
    private final T value;
    private final String declined;

    private Capability(T value, String declined) {
        this.value = value;
        this.declined = declined;
    }

    public static <T> Capability<T> of(T value) {
        return new Capability<>(Objects.requireNonNull(value), null);
    }

    public static <T> Capability<T> declined(String reason) {
        return new Capability<>(null, Objects.requireNonNull(reason));
    }

    public boolean offered() {
        return value != null;
    }

    /** The capability; an {@link IllegalStateException} with the reason when the device declines it. */
    public T get() {
        if (value == null) {
            throw new IllegalStateException(declined);
        }
        return value;
    }

    /** The capability; on a device that declines it, aborts the calling test with the reason (JUnit: skipped). */
    public T orSkip() {
        if (value == null) {
            throw new TestAbortedException("the device cannot do this: " + declined);
        }
        return value;
    }

    public Optional<T> asOptional() {
        return Optional.ofNullable(value);
    }

    /** Why the device declines it; empty when it offers it. */
    public Optional<String> reason() {
        return Optional.ofNullable(declined);
    }

    @Override
    public String toString() {
        return value != null ? "offered" : "declined: " + declined;
    }
}
