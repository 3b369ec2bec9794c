package dev.sluice.replication.ha;

import dev.sluice.replication.ReplicationSettings;
import dev.sluice.store.ReplicationLog;
import dev.sluice.store.StoreException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The slave's end of RocketMQ 4.9.x HA (spec §15): connects to the master's HA port, reports its CommitLog end,
 * appends every transfer at exactly its own end, and reconnects (resuming from its end) whenever the connection is
 * lost. All state lives on one event loop.
 */
final class HaClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HaClient.class);
    /** A transfer bigger than this is not a RocketMQ master talking: drop the connection. */
    private static final int MAX_TRANSFER = 64 * 1024 * 1024;
    /** Unanswered connections in a row after which the slave warns that its master may be refusing it. */
    private static final int UNHEARD_BEFORE_WARNING = 3;
    private static final long UNHEARD_WARNING_MILLIS = 60_000;
    /** How often the same failure of a transfer is logged as an error while it repeats on every reconnect. */
    private static final long FAILURE_REPORT_MILLIS = 60_000;

    private final ReplicationSettings settings;
    private final ReplicationLog log;
    private final EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("sluice-ha-slave", true));
    private final Bootstrap bootstrap;
    private volatile String masterAddress;
    private volatile Channel channel;
    private volatile long reported = -1;
    private long lastRead;
    private long lastReport;
    private volatile boolean closed;
    private boolean connecting;
    /** Connections in a row the master closed before sending anything: what a master that refuses this slave does. */
    private int closedUnheard;
    private long lastUnheardWarning = Long.MIN_VALUE / 2;
    private String lastFailure;
    private long lastFailureLogged = Long.MIN_VALUE / 2;
    private long lastFailureAt = Long.MIN_VALUE / 2;

    HaClient(ReplicationSettings settings, ReplicationLog log) {
        this.settings = settings;
        this.log = log;
        this.masterAddress = settings.haMasterAddress() == null || settings.haMasterAddress().isBlank()
                ? null : settings.haMasterAddress().trim();
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new Transfers());
                    }
                });
    }

    HaClient start() {
        long tick = Math.max(10, Math.min(settings.haSendHeartbeatInterval(), 1000));
        group.scheduleAtFixedRate(this::tick, 0, tick, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Connections in a row the master closed without sending anything (a master refusing this slave). */
    int connectionsClosedUnheard() {
        return closedUnheard;
    }

    /** A master HA address learned from the name server; a new one replaces the current connection. */
    public void masterAddress(String address) {
        if (address == null || address.isBlank() || address.equals(masterAddress)) {
            return;
        }
        String old = masterAddress;
        masterAddress = address;
        LOG.info("master HA address is now {} (was {})", address, old);
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }

    public String masterAddress() {
        String a = masterAddress;
        return a == null ? "" : a;
    }

    public boolean connected() {
        Channel ch = channel;
        return ch != null && ch.isActive();
    }

    /** The offset last reported to the master, or -1. */
    public long reportedOffset() {
        return reported;
    }

    private long lastAttempt;

    private void tick() {
        // An exception escaping would cancel the fixed-rate schedule: the slave would never reconnect.
        try {
            tickOnce();
        } catch (RuntimeException e) {
            LOG.error("HA slave housekeeping failed; retrying on the next tick", e);
        }
    }

    private void tickOnce() {
        if (closed) {
            return;
        }
        long now = now();
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            // A lost connection is retried at once, but not one this slave dropped over a failed transfer: that
            // failure would come straight back.
            boolean retry = lastAttempt == 0 || now - lastAttempt >= settings.reconnectInterval()
                    || ch != null && now - lastFailureAt >= settings.reconnectInterval();
            if (!connecting && masterAddress != null && retry) {
                connect(now);
            }
            return;
        }
        if (now - lastRead > settings.haHousekeepingInterval()) {
            LOG.warn("master {} silent for more than {} ms; reconnecting", masterAddress, settings.haHousekeepingInterval());
            ch.close();
            return;
        }
        if (now - lastReport >= settings.haSendHeartbeatInterval()) {
            report(ch);
        }
    }

    private void connect(long now) {
        String address = masterAddress;
        lastAttempt = now;
        InetSocketAddress target = parse(address);
        if (target == null) {
            return;
        }
        connecting = true;
        channel = null;
        ChannelFuture f;
        try {
            f = bootstrap.connect(target);
        } catch (RuntimeException e) {
            connecting = false;
            throw e;
        }
        f.addListener(done -> {
            connecting = false;
            if (done.isSuccess()) {
                channel = f.channel();
                // Set the channel before looking at the address: masterAddress() sets the address before it looks
                // at the channel, so a change during the connect is seen by one of the two and the channel closed.
                if (closed || !address.equals(masterAddress)) {
                    LOG.info("master HA address changed while connecting to {}; dropping that connection", address);
                    f.channel().close();
                    return;
                }
                lastRead = now();
                if (closedUnheard < UNHEARD_BEFORE_WARNING && !failing()) {
                    LOG.info("connected to master HA {} at CommitLog offset {}", address, log.writtenOffset());
                }
                report(channel);
            } else {
                LOG.debug("cannot connect to master HA {}: {}", address, done.cause().toString());
            }
        });
    }

    /** The socket address of {@code host:port}, or null (logged) when it is not one. */
    private static InetSocketAddress parse(String address) {
        int colon = address.lastIndexOf(':');
        if (colon > 0) {
            try {
                int port = Integer.parseInt(address.substring(colon + 1).trim());
                if (port > 0 && port <= 65535) {
                    return new InetSocketAddress(address.substring(0, colon).trim(), port);
                }
            } catch (IllegalArgumentException e) {
                // NumberFormatException included: reported below like any other malformed address.
            }
        }
        LOG.error("master HA address '{}' is not host:port with a port in 1..65535; not connecting", address);
        return null;
    }

    private void report(Channel ch) {
        long offset = log.writtenOffset();
        ByteBuf buf = ch.alloc().ioBuffer(8).writeLong(offset);
        ch.writeAndFlush(buf);
        reported = offset;
        lastReport = now();
    }

    /**
     * Decodes {@code [long offset][int size][bytes]} transfers, appending body bytes as they arrive rather than once
     * a transfer is whole: no copy into a cumulation buffer, and the report (one per read burst) confirms every byte
     * received so far, so a SYNC_MASTER's sends complete without waiting for the rest of their transfer.
     */
    private final class Transfers extends ChannelInboundHandlerAdapter {
        private final ByteBuf header = Unpooled.buffer(SlaveConnection.HEADER, SlaveConnection.HEADER);
        /** CommitLog offset of the next body byte. */
        private long at;
        /** Body bytes of the current transfer still to come; -1 while a header is being read. */
        private int left = -1;
        private boolean appended;
        private boolean failed;
        private boolean heard;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                lastRead = now();
                while (in.isReadable() && !failed) {
                    if (left < 0) {
                        readHeader(ctx, in);
                    } else {
                        appendBody(ctx, in);
                    }
                }
            } finally {
                in.release();
            }
        }

        private void readHeader(ChannelHandlerContext ctx, ByteBuf in) {
            header.writeBytes(in, Math.min(header.writableBytes(), in.readableBytes()));
            if (header.isWritable()) {
                return;
            }
            heard = true;
            long offset = header.readLong();
            int size = header.readInt();
            header.clear();
            if (size < 0 || size > MAX_TRANSFER) {
                fail(ctx, "master {} sent a transfer of {} bytes; closing the connection", masterAddress, size);
                return;
            }
            if (size == 0) {
                return;
            }
            long mine = log.writtenOffset();
            if (mine != 0 && mine != offset) {
                fail(ctx, "master {} sent bytes at {} but this CommitLog ends at {}; reconnecting", masterAddress,
                        offset, mine);
                return;
            }
            at = offset;
            left = size;
        }

        private void appendBody(ChannelHandlerContext ctx, ByteBuf in) {
            int n = Math.min(left, in.readableBytes());
            try {
                log.append(at, in.nioBuffer(in.readerIndex(), n));
            } catch (StoreException e) {
                fail(ctx, "cannot append {} replicated bytes at {}: {}; reconnecting", n, at, e.getMessage());
                return;
            }
            in.skipBytes(n);
            at += n;
            left -= n;
            if (left == 0) {
                left = -1;
            }
            appended = true;
        }

        private void fail(ChannelHandlerContext ctx, String message, Object... args) {
            // The same failure comes back on every reconnect while its cause lasts (a diverged log, a full disk).
            long now = now();
            lastFailureAt = now;
            if (!message.equals(lastFailure) || now - lastFailureLogged >= FAILURE_REPORT_MILLIS) {
                lastFailure = message;
                lastFailureLogged = now;
                LOG.error(message, args);
            } else {
                LOG.debug(message, args);
            }
            failed = true;
            ctx.close();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (appended && !failed) {
                appended = false;
                report(ctx.channel());
            }
            ctx.fireChannelReadComplete();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            closedUnheard = heard || failed ? 0 : closedUnheard + 1;
            if (closedUnheard < UNHEARD_BEFORE_WARNING && !failing()) {
                LOG.info("HA connection to master {} closed", masterAddress);
            } else if (now() - lastUnheardWarning >= UNHEARD_WARNING_MILLIS) {
                // The master says why in its own log; this slave only sees each connection closed unanswered.
                lastUnheardWarning = now();
                LOG.warn("master {} closed {} HA connections in a row without sending anything after this slave "
                        + "reported CommitLog offset {}: it may refuse this slave because their logs diverged (see "
                        + "the master's log)", masterAddress, closedUnheard, log.writtenOffset());
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("HA connection to master {} failed: {}", masterAddress, cause.toString());
            ctx.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        Channel ch = channel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Whether a transfer failed within the last minute: connecting and closing again is then no news. */
    private boolean failing() {
        return now() - lastFailureAt < FAILURE_REPORT_MILLIS;
    }

    private long now() {
        return settings.clock().millis();
    }
}
