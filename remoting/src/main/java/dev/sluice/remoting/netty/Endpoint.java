package dev.sluice.remoting.netty;

import dev.sluice.remoting.RemotingCommand;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;

/** The protocol side shared by server and client: pipeline, processors, pending calls, connection events. */
final class Endpoint {
    final ProcessorTable processors = new ProcessorTable();
    final PendingCalls pendingCalls = new PendingCalls();
    final ConnectionEvents connectionEvents = new ConnectionEvents(pendingCalls);
    private final Dispatcher dispatcher = new Dispatcher();
    private final int maxFrameLength;
    private final int maxIdleSeconds;
    private final boolean server;

    /** @param server whether this end serves requests: it stops reading a peer that does not read its answers */
    Endpoint(int maxFrameLength, int maxIdleSeconds, boolean server) {
        this.maxFrameLength = maxFrameLength;
        this.maxIdleSeconds = maxIdleSeconds;
        this.server = server;
    }

    void initChannel(Channel channel) {
        channel.pipeline().addLast(
                // Responses written by request threads each arrive as an event-loop task with its own flush; this
                // defers those flushes to the end of the loop's batch (and of a read), so one write(2) carries many:
                // 16-thread 1 KiB sync sends took 16-20 instead of 23 us of broker CPU per message.
                new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true),
                new CommandDecoder(maxFrameLength),
                // Behind the decoder it sees whole commands only: a peer trickling a frame a byte at a time (holding
                // up to a frame's worth of buffer) idles out as a silent one does, as in RocketMQ.
                new IdleStateHandler(0, 0, maxIdleSeconds),
                CommandEncoder.INSTANCE,
                dispatcher,
                connectionEvents);
        if (server) {
            channel.pipeline().addFirst(READS_FOLLOW_WRITES);
        }
    }

    /**
     * Reads a connection's requests only while its answers drain: one that does not read them is not read either,
     * and TCP holds back what it sends. A server only: a client that stopped reading answers while its own requests
     * back up could deadlock with a server doing the same.
     */
    private static final ChannelHandler READS_FOLLOW_WRITES = new ReadsFollowWrites();

    @ChannelHandler.Sharable
    private static final class ReadsFollowWrites extends ChannelInboundHandlerAdapter {
        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
            super.channelWritabilityChanged(ctx);
        }
    }

    @ChannelHandler.Sharable
    private final class Dispatcher extends SimpleChannelInboundHandler<RemotingCommand> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, RemotingCommand command) {
            if (command.isResponse()) {
                pendingCalls.complete(ctx.channel(), command);
            } else {
                processors.dispatch(ctx.channel(), command);
            }
        }
    }
}
