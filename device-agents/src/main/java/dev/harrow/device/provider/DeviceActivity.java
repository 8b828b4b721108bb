package dev.harrow.device.provider;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.openqa.selenium.remote.http.Filter;
import org.openqa.selenium.remote.http.HttpResponse;

/**
 * When a session last did something: a command sent to the device or an answer from it. A scenario that neither
 * asks its device anything nor gets an answer for long has stopped making progress; the farm's watchdog ends it.
 * A command that hangs counts as silence from the moment it was sent.
 */
public final class DeviceActivity {
    private final AtomicLong last = new AtomicLong(System.nanoTime());
    private final CommandLog commands = new CommandLog();

    /** Records activity now. */
    public void touch() {
        last.set(System.nanoTime());
    }

    /** How long the session has been silent. */
    public Duration idle() {
        return Duration.ofNanos(Math.max(0, System.nanoTime() - last.get()));
    }

    /** The commands the session sent, with their answers and timings, for its capture bundle. */
    public CommandLog commands() {
        return commands;
    }

    /**
     * An HTTP filter for the session's WebDriver client: every command and every answer is activity, and goes to the
     * {@link #commands() command log}.
     */
    public Filter filter() {
        Filter touching = next -> request -> {
            touch();
            try {
                HttpResponse response = next.execute(request);
                touch();
                return response;
            } catch (RuntimeException e) {
                touch();
                throw e;
            }
        };
        return touching.andThen(commands.filter());
    }
}
