package dev.harrow.device.provider;

import dev.harrow.device.DeviceKind;
import dev.harrow.device.config.DeviceSpec;

/** Opens sessions on the devices of one kind. One implementation per {@link DeviceKind}. */
public interface DeviceProvider {
    DeviceKind kind();

    /**
     * Opens a new session on the device {@code spec} describes.
     *
     * @throws DeviceUnavailableException when no session could be created: an infrastructure failure
     */
    DeviceSession open(DeviceSpec spec) throws DeviceUnavailableException;
}
