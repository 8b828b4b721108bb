package dev.harrow.device.runtime;

/** A program the device runtime needs is not installed; the message names the package that provides it. */
public class MissingPrerequisiteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MissingPrerequisiteException(String message) {
        super(message);
    }
}
