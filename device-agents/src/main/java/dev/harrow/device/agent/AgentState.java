package dev.harrow.device.agent;

/** Where a device agent is in its life. */
public enum AgentState {
    /** Opening a session on the device. */
    PROVISIONING,
    /** A session is open and no scenario holds it. */
    READY,
    /** A scenario holds the device. */
    LEASED,
    /** Between two scenarios: the app's data cleared, the device's network and locale put back. */
    RESETTING,
    /** Repeated infrastructure failures: no more work goes to this device in this run. */
    QUARANTINED,
    /** Done: the session is closed. */
    RETIRED
}
