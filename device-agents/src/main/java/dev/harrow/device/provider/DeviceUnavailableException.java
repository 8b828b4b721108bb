package dev.harrow.device.provider;

/**
 * A device could not be reached or its session could not be created. This is an infrastructure failure: the
 * scenario did not run, so it says nothing about the app.
 */
public class DeviceUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public DeviceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
