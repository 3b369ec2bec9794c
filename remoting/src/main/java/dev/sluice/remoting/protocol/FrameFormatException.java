package dev.sluice.remoting.protocol;

/** A frame whose bytes do not form a command; the connection it came from cannot be trusted any more. */
public final class FrameFormatException extends Exception {
    public FrameFormatException(String message) {
        super(message);
    }

    public FrameFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
