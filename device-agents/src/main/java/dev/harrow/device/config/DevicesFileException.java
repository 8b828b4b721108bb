package dev.harrow.device.config;

/** devices.yml is invalid. The message reads {@code file:line:column: field: problem}. */
public class DevicesFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DevicesFileException(String message) {
        super(message);
    }

    public DevicesFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
