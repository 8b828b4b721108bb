package dev.harrow.backend.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/** The platform an event came from, as the wire spells it. */
public enum Platform {
    ANDROID("android"),
    IOS("ios"),
    WEB("web");

    private final String wire;

    Platform(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    public static Optional<Platform> fromWire(String value) {
        for (Platform p : values()) {
            if (p.wire.equals(value)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @JsonCreator
    static Platform parse(String value) {
        return fromWire(value).orElseThrow(() -> new IllegalArgumentException("unknown platform: " + value));
    }
}
