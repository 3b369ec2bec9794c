package dev.sluice.client.internal;

import dev.sluice.client.ClientException;
import dev.sluice.remoting.RemotingClient;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingException;
import dev.sluice.remoting.RemotingTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Calls brokers, turning transport failures into {@link ClientException}s that name the broker and its address. */
public final class BrokerCaller {
    private final RemotingClient remoting;

    public BrokerCaller(RemotingClient remoting) {
        this.remoting = remoting;
    }

    /** The broker's response, whatever its code; a {@link ClientException} when none arrived. */
    public RemotingCommand call(String brokerName, String address, RemotingCommand request, long timeoutMillis)
            throws ClientException {
        try {
            return remoting.invokeSync(address, request, timeoutMillis);
        } catch (RemotingException e) {
            throw transportFailure(brokerName, address, request, timeoutMillis, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException("interrupted while calling broker " + brokerName + " at " + address, e);
        }
    }

    /** Completes with the response, or exceptionally with a {@link ClientException}. */
    public CompletableFuture<RemotingCommand> callAsync(String brokerName, String address, RemotingCommand request,
            long timeoutMillis) {
        return remoting.invokeAsync(address, request, timeoutMillis).handle((response, failure) -> {
            if (failure == null) {
                return response;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            throw new CompletionException(cause instanceof RemotingException remoting
                    ? transportFailure(brokerName, address, request, timeoutMillis, remoting)
                    : new ClientException("call to broker " + brokerName + " at " + address + " failed", cause));
        });
    }

    public void oneway(String brokerName, String address, RemotingCommand request, long timeoutMillis)
            throws ClientException {
        try {
            remoting.invokeOneway(address, request, timeoutMillis);
        } catch (RemotingException e) {
            throw transportFailure(brokerName, address, request, timeoutMillis, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException("interrupted while calling broker " + brokerName + " at " + address, e);
        }
    }

    private static ClientException transportFailure(String brokerName, String address, RemotingCommand request,
            long timeoutMillis, RemotingException e) {
        if (e instanceof RemotingTimeoutException) {
            return new ClientException("broker " + brokerName + " at " + address + " did not answer request code "
                    + request.code() + " within " + timeoutMillis + " ms", e);
        }
        return new ClientException("call to broker " + brokerName + " at " + address + " failed: " + e.getMessage(), e);
    }

    /** The broker answered {@code response} with a code the caller does not accept: its code and remark pass through. */
    public static ClientException refused(String what, String brokerName, String address, RemotingCommand response) {
        return new ClientException(what + " refused by broker " + brokerName + " at " + address + ": code "
                + response.code() + ", " + response.remark(), response.code(), response.remark(), null);
    }
}
