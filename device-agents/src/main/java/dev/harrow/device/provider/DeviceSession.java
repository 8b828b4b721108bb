package dev.harrow.device.provider;

import dev.harrow.device.Device;

/** An open session on a device. Closing it ends the Appium session and removes what it left on disk. */
public interface DeviceSession extends Device, AutoCloseable {
    /** Whether the session still answers; a dead one is an infrastructure failure, not a test failure. */
    boolean isResponsive();

    @Override
    void close();
}
