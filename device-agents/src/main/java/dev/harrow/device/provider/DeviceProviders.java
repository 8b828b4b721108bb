package dev.harrow.device.provider;

import dev.harrow.device.DeviceKind;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The providers available in one run, by kind. */
public final class DeviceProviders {
    private final Map<DeviceKind, DeviceProvider> byKind = new EnumMap<>(DeviceKind.class);

    public DeviceProviders add(DeviceProvider provider) {
        byKind.put(provider.kind(), provider);
        return this;
    }

    public Optional<DeviceProvider> forKind(DeviceKind kind) {
        return Optional.ofNullable(byKind.get(kind));
    }
}
