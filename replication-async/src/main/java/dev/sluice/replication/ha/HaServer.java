package dev.sluice.replication.ha;

import dev.sluice.replication.ReplicationSettings;
import dev.sluice.store.ReplicationLog;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The master's end of RocketMQ 4.9.x HA (spec §15): listens on {@code haListenPort}, and streams the CommitLog to
 * every slave that connects, from the offset it reports.
 */
public final class HaServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HaServer.class);
    private static final long REFUSAL_REPORT_MILLIS = 60_000;
    private static final int MAX_DIVERGED_REMEMBERED = 64;

    private final ReplicationSettings settings;
    private final ReplicationLog log;
    private final LongConsumer onAck;
    private final Set<SlaveConnection> slaves = ConcurrentHashMap.newKeySet();
    /** {@link #slaves} as an array for {@link #appended}, which runs per append: no iterator to allocate. */
    private volatile SlaveConnection[] wakeList = new SlaveConnection[0];
    private final AtomicLong ackedOffset = new AtomicLong(-1);
    private final AtomicLong lastRefusalReport = new AtomicLong(Long.MIN_VALUE / 2);
    private volatile long endAtStart;
    private final AtomicLong shipped = new AtomicLong();
    private final Set<Long> diverged = ConcurrentHashMap.newKeySet();
    private final EventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory("sluice-ha-accept", true));
    private final EventLoopGroup workers = new NioEventLoopGroup(1, new DefaultThreadFactory("sluice-ha-master", true));
    private Channel channel;

    /** @param onAck told (on the HA thread) each time a slave confirms an offset beyond every earlier confirmation */
    HaServer(ReplicationSettings settings, ReplicationLog log, LongConsumer onAck) {
        this.settings = settings;
        this.log = log;
        this.onAck = onAck;
    }

    /**
     * Whether a slave may hold this master's log up to {@code offset}: what the log held when this server started
     * (a slave may have it from before), or what this server has shipped since. A slave claiming more has bytes this
     * master never had, or lost in a crash, so its log forked from this one.
     */
    boolean mayHold(long offset) {
        return offset <= Math.max(endAtStart, shipped.get()) && !diverged.contains(offset);
    }

    /** Records that a slave reported {@code offset} past this master's end: it stays refused when the log grows. */
    void diverged(long offset) {
        if (diverged.size() < MAX_DIVERGED_REMEMBERED) {
            diverged.add(offset);
        }
    }

    /** Bytes up to {@code endOffset} were written to some slave's connection. */
    void shipped(long endOffset) {
        shipped.accumulateAndGet(endOffset, Math::max);
    }

    /** Whether to log a refused slave now: once a minute at most, as such a slave reconnects every second. */
    boolean refusalReport(long nowMillis) {
        long last = lastRefusalReport.get();
        return nowMillis - last >= REFUSAL_REPORT_MILLIS && lastRefusalReport.compareAndSet(last, nowMillis);
    }

    /** Binds the HA port. */
    HaServer start() throws InterruptedException {
        endAtStart = log.writtenOffset();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SlaveConnection slave = new SlaveConnection(HaServer.this, settings, log);
                        ch.pipeline().addLast(slave);
                    }
                });
        try {
            channel = bootstrap.bind(settings.bindAddress(), settings.haListenPort()).sync().channel();
        } catch (InterruptedException | RuntimeException | Error e) {
            // The caller never gets this server to close: release its threads here.
            shutdownGroups();
            throw e;
        } catch (Exception e) {
            shutdownGroups();
            // a BindException says only "Address already in use": name the port, and which of the broker's it is
            throw new IllegalStateException("cannot listen on HA port " + settings.haListenPort() + " (haListenPort): "
                    + e.getMessage(), e);
        }
        long tick = Math.max(10, Math.min(settings.haSendHeartbeatInterval(), 1000));
        workers.scheduleAtFixedRate(this::tick, tick, tick, TimeUnit.MILLISECONDS);
        LOG.info("HA service listening on {}", channel.localAddress());
        return this;
    }

    /** Heartbeats every slave; one slave's failure must neither skip the others nor cancel the schedule. */
    private void tick() {
        for (SlaveConnection slave : slaves) {
            try {
                slave.tick();
            } catch (RuntimeException e) {
                LOG.error("HA housekeeping of slave {} failed; closing its connection", slave.remote(), e);
                slave.close();
            }
        }
    }

    /** The bound HA port. */
    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** New CommitLog bytes up to {@code endOffset}: wakes every slave connection that is waiting for data. */
    void appended(long endOffset) {
        for (SlaveConnection s : wakeList) {
            s.wake(endOffset);
        }
    }

    /** The furthest offset any slave has confirmed, or -1. */
    public long ackedOffset() {
        return ackedOffset.get();
    }

    /** Slaves connected now. */
    public int connectedSlaves() {
        return slaves.size();
    }

    /** The connected slaves' addresses. */
    public List<String> slaveAddresses() {
        return slaves.stream().map(SlaveConnection::remote).toList();
    }

    /**
     * A slave's connection, logged at INFO only once its first report is accepted ("reported offset ..."): a refused
     * slave reconnects every second, and its connections would fill the log.
     */
    void connected(SlaveConnection slave) {
        slaves.add(slave);
        refreshWakeList();
        LOG.debug("slave {} connected to the HA service", slave.remote());
    }

    void disconnected(SlaveConnection slave) {
        if (slaves.remove(slave)) {
            refreshWakeList();
            if (slave.accepted()) {
                LOG.info("slave {} disconnected from the HA service", slave.remote());
            } else {
                LOG.debug("slave {} disconnected from the HA service before it was shipped anything", slave.remote());
            }
        }
    }

    private synchronized void refreshWakeList() {
        wakeList = slaves.toArray(new SlaveConnection[0]);
    }

    void acked(long offset) {
        long before;
        do {
            before = ackedOffset.get();
            if (offset <= before) {
                return;
            }
        } while (!ackedOffset.compareAndSet(before, offset));
        onAck.accept(offset);
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        shutdownGroups();
    }

    private void shutdownGroups() {
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** True once both event loop groups have stopped. */
    boolean terminated() {
        return boss.isTerminated() && workers.isTerminated();
    }
}
