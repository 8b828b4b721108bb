package dev.harrow.device.config;

import dev.harrow.device.DeviceKind;
import dev.harrow.device.Platform;
import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One device of devices.yml, validated, with the pool defaults applied.
 *
 * @param profile the emulation profile of a web-emulated device (a Chromium device name such as "Pixel 7")
 * @param capabilities Appium capabilities that override what the provider would send
 */
public record DeviceSpec(
        String name,
        Platform platform,
        DeviceKind kind,
        String profile,
        ZoneId timeZone,
        String locale,
        Set<String> tags,
        Map<String, Object> capabilities) {

    public DeviceSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(kind, "kind");
        tags = Set.copyOf(tags);
        // keeps order and allows null values (a null capability removes the provider's default)
        capabilities = Collections.unmodifiableMap(new LinkedHashMap<>(capabilities));
    }

    public Optional<ZoneId> timeZoneIfSet() {
        return Optional.ofNullable(timeZone);
    }

    public Optional<String> localeIfSet() {
        return Optional.ofNullable(locale);
    }

    @Override
    public String toString() {
        return name + " (" + platform.wire() + ", " + kind.wire() + (profile == null ? "" : ", " + profile) + ")";
    }
}
