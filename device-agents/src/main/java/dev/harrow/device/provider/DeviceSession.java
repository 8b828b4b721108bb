package dev.harrow.device.provider;

import dev.harrow.device.Device;

/** An open session on a device. Closing it ends the Appium session and removes what it left on disk. */
public interface DeviceSession extends Device, AutoCloseable {
    /** Whether the session still answers; a dead one is an infrastructure failure, not a test failure. */
    boolean isResponsive();

    /**
     * Makes the device as a fresh install for the next scenario, keeping the session: the app's data cleared, the
     * app closed, network and localization back to what devices.yml says. Much cheaper than a new session.
     */
    void reset();

    /** When the session last sent a command to the device or got an answer: what the farm's watchdog reads. */
    DeviceActivity activity();

    @Override
    void close();
}
