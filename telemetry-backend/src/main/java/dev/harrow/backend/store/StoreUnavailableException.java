package dev.harrow.backend.store;

/** The store could not take or serve a request now; the caller may try again later. */
public class StoreUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
