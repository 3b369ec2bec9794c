package dev.sluice.store;

/** A store failure that is not a refusal of one message: IO errors, a store that cannot open. */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
