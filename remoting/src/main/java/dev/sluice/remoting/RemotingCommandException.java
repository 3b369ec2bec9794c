package dev.sluice.remoting;

/** A request's header or body is not acceptable (missing mandatory field, malformed value). */
public final class RemotingCommandException extends Exception {
    public RemotingCommandException(String message) {
        super(message);
    }

    public RemotingCommandException(String message, Throwable cause) {
        super(message, cause);
    }
}
