package dev.sluice.remoting.netty;

import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingException;
import dev.sluice.remoting.RemotingTimeoutException;
import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Requests sent and waiting for their response, matched by opaque; each is bounded by its own timeout. */
final class PendingCalls {
    private static final Logger LOG = LoggerFactory.getLogger(PendingCalls.class);

    private record Call(Channel channel, CompletableFuture<RemotingCommand> future) {
    }

    private final ConcurrentMap<Integer, Call> calls = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    CompletableFuture<RemotingCommand> send(Channel channel, RemotingCommand request, long timeoutMillis) {
        CompletableFuture<RemotingCommand> future = new CompletableFuture<>();
        if (closed.get()) {
            future.completeExceptionally(new RemotingException("remoting endpoint is closed"));
            return future;
        }
        int opaque = request.opaque();
        String peer = NettyConnection.format(channel.remoteAddress());
        // Registered before the write so that even an immediate response finds its call.
        calls.put(opaque, new Call(channel, future));
        try {
            var timeout = channel.eventLoop().schedule(() -> fail(opaque, new RemotingTimeoutException(
                    "no response from " + peer + " to request code " + request.code() + " within " + timeoutMillis + " ms")),
                    timeoutMillis, TimeUnit.MILLISECONDS);
            future.whenComplete((response, error) -> timeout.cancel(false));
        } catch (RejectedExecutionException e) {
            fail(opaque, new RemotingException("remoting endpoint is closing"));
            return future;
        }
        channel.writeAndFlush(request).addListener(write -> {
            if (!write.isSuccess()) {
                fail(opaque, new RemotingException("sending request code " + request.code() + " to " + peer + " failed",
                        write.cause()));
            }
        });
        return future;
    }

    /** Only the connection a request went out on may answer it, so one peer cannot complete another's call. */
    void complete(Channel channel, RemotingCommand response) {
        Call call = calls.get(response.opaque());
        if (call == null || call.channel != channel || !calls.remove(response.opaque(), call)) {
            LOG.debug("dropping response with opaque {} that matches no call on this connection: {}", response.opaque(),
                    response);
            return;
        }
        call.future.complete(response);
    }

    void failCallsOn(Channel channel) {
        calls.forEach((opaque, call) -> {
            if (call.channel == channel) {
                fail(opaque, new RemotingException("connection to " + NettyConnection.format(channel.remoteAddress())
                        + " closed before the response arrived"));
            }
        });
    }

    void close() {
        closed.set(true);
        calls.keySet().forEach(opaque -> fail(opaque, new RemotingException("remoting endpoint is closed")));
    }

    private void fail(int opaque, RemotingException error) {
        Call call = calls.remove(opaque);
        if (call != null) {
            call.future.completeExceptionally(error);
        }
    }
}
