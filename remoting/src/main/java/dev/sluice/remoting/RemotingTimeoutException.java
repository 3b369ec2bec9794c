package dev.sluice.remoting;

/** No response arrived within the call's timeout. */
public final class RemotingTimeoutException extends RemotingException {
    public RemotingTimeoutException(String message) {
        super(message);
    }
}
