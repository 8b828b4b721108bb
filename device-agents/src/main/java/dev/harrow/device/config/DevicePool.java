package dev.harrow.device.config;

import dev.harrow.device.Platform;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The devices of one devices.yml, in file order. */
public record DevicePool(Path source, List<DeviceSpec> devices) {
    public DevicePool {
        devices = List.copyOf(devices);
    }

    public Optional<DeviceSpec> device(String name) {
        return devices.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    public List<DeviceSpec> onPlatform(Platform platform) {
        return devices.stream().filter(d -> d.platform() == platform).toList();
    }
}
