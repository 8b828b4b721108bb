package dev.harrow.device;

import java.util.List;

/** The device's own log: the browser console on emulated devices, logcat on Android, syslog on iOS. */
public interface DeviceLogs {
    /** The lines logged since the last call (the first call: since the session started). */
    List<DeviceLogEntry> drain();

    /** Every line read so far in this session, for the report. */
    List<DeviceLogEntry> all();
}
