package dev.sluice.remoting;

/** The connection to the remote address could not be established. */
public final class RemotingConnectException extends RemotingException {
    public RemotingConnectException(String message, Throwable cause) {
        super(message, cause);
    }
}
