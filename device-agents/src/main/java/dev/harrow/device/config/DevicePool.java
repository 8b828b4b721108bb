package dev.harrow.device.config;

import dev.harrow.device.Platform;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The devices of one devices.yml, in file order, and how the farm spends them.
 *
 * @param mode how scenarios are spread over the devices ({@code pool.mode}; matrix when not given)
 */
public record DevicePool(Path source, List<DeviceSpec> devices, PoolMode mode) {
    public DevicePool {
        devices = List.copyOf(devices);
        Objects.requireNonNull(mode, "mode");
    }

    public DevicePool(Path source, List<DeviceSpec> devices) {
        this(source, devices, PoolMode.MATRIX);
    }

    public Optional<DeviceSpec> device(String name) {
        return devices.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    public List<DeviceSpec> onPlatform(Platform platform) {
        return devices.stream().filter(d -> d.platform() == platform).toList();
    }
}
