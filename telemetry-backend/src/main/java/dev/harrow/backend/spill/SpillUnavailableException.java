package dev.harrow.backend.spill;

/** The spill cannot be reached or refused the operation. */
public class SpillUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public SpillUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
