package dev.sluice.remoting.netty;

import dev.sluice.remoting.ConnectionListener;
import dev.sluice.remoting.log.LogLimit;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection that idled too long or produced an error (broken framing included), and tells the
 * listeners and the waiting calls when any connection ends.
 */
@ChannelHandler.Sharable
final class ConnectionEvents extends ChannelDuplexHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionEvents.class);

    private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();
    /** A peer can open connections and send garbage as fast as it likes: it must not write the log as fast. */
    private final LogLimit badFrames = LogLimit.perMinute();
    private final LogLimit connectionErrors = LogLimit.perMinute();
    private final LogLimit outOfMemory = LogLimit.perMinute();
    private final PendingCalls pendingCalls;

    ConnectionEvents(PendingCalls pendingCalls) {
        this.pendingCalls = pendingCalls;
    }

    void addListener(ConnectionListener listener) {
        listeners.add(listener);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            LOG.info("closing idle connection {}", NettyConnection.format(ctx.channel().remoteAddress()));
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String peer = NettyConnection.format(ctx.channel().remoteAddress());
        if (cause instanceof DecoderException) {
            String more = badFrames.next();
            if (more != null) {
                LOG.warn("closing connection {}: bad frame: {}{}", peer, cause.getMessage(), more);
            }
        } else if (outOfMemory(cause)) {
            // Not a peer's doing alone: the process is short of memory, which the operator must hear of.
            String more = outOfMemory.next();
            if (more != null) {
                LOG.warn("closing connection {}: {}{}", peer, cause.toString(), more);
            }
        } else {
            String more = connectionErrors.next();
            if (more != null) {
                LOG.info("closing connection {} after error: {}{}", peer, cause.toString(), more);
            }
        }
        ctx.close();
    }

    static boolean outOfMemory(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        pendingCalls.failCallsOn(ctx.channel());
        NettyConnection connection = NettyConnection.of(ctx.channel());
        for (ConnectionListener listener : listeners) {
            try {
                listener.connectionClosed(connection);
            } catch (RuntimeException e) {
                LOG.warn("connection listener {} failed for {}", listener, connection, e);
            }
        }
        super.channelInactive(ctx);
    }
}
