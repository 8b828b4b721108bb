package dev.harrow.device.config;

import dev.harrow.device.DeviceKind;
import dev.harrow.device.Platform;
import dev.harrow.device.network.NetworkProfile;
import java.net.URI;
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
 * @param options what the device's kind needs beyond these ({@link KindOptions})
 * @param network the network the device starts every session on ({@code network:} in devices.yml; full by default)
 */
public record DeviceSpec(
        String name,
        Platform platform,
        DeviceKind kind,
        String profile,
        ZoneId timeZone,
        String locale,
        Set<String> tags,
        Map<String, Object> capabilities,
        KindOptions options,
        NetworkProfile network) {

    public DeviceSpec(String name, Platform platform, DeviceKind kind, String profile, ZoneId timeZone, String locale,
                      Set<String> tags, Map<String, Object> capabilities, KindOptions options) {
        this(name, platform, kind, profile, timeZone, locale, tags, capabilities, options, NetworkProfile.FULL);
    }

    public DeviceSpec {
        network = network == null ? NetworkProfile.FULL : network;
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(kind, "kind");
        tags = Set.copyOf(tags);
        // keeps order and allows null values (a null capability removes the provider's default)
        capabilities = Collections.unmodifiableMap(new LinkedHashMap<>(capabilities));
        Objects.requireNonNull(options, "options");
    }

    /** A web-emulated device, or one whose kind needs nothing beyond the common fields. */
    public DeviceSpec(String name, Platform platform, DeviceKind kind, String profile, ZoneId timeZone, String locale,
                      Set<String> tags, Map<String, Object> capabilities) {
        this(name, platform, kind, profile, timeZone, locale, tags, capabilities, new KindOptions.WebEmulated());
    }

    /** The kind's own options, as the record the kind expects. */
    public <T extends KindOptions> T options(Class<T> expected) {
        if (!expected.isInstance(options)) {
            throw new IllegalStateException(name + " (" + kind.wire() + ") has no " + expected.getSimpleName()
                    + " options");
        }
        return expected.cast(options);
    }

    /** The same device on another network (a scenario's or a run's choice). */
    public DeviceSpec withNetwork(NetworkProfile value) {
        return new DeviceSpec(name, platform, kind, profile, timeZone, locale, tags, capabilities, options, value);
    }

    /**
     * The web app this device opens, when devices.yml names one ({@code app:} of a web-emulated or grid device, or
     * under {@code defaults}); empty for the farm's sample app, and for native devices, whose app is installed.
     */
    public Optional<URI> webApp() {
        if (options instanceof KindOptions.WebEmulated web) {
            return Optional.ofNullable(web.app());
        }
        if (options instanceof KindOptions.Grid grid) {
            return Optional.ofNullable(grid.app());
        }
        return Optional.empty();
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
