package dev.sluice.remoting;

/** A remote call could not be completed: no connection, a failed write, a timeout or a closed connection. */
public class RemotingException extends Exception {
    public RemotingException(String message) {
        super(message);
    }

    public RemotingException(String message, Throwable cause) {
        super(message, cause);
    }
}
