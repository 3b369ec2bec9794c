package dev.sluice.replication.ha;

import dev.sluice.replication.ReplicationSettings;
import dev.sluice.store.CommitLogSlice;
import dev.sluice.store.ReplicationLog;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One slave on the master: reads its 8-byte offset reports, and writes {@code [long offset][int size][bytes]}
 * transfers of at most {@code haTransferBatchSize} straight from the mapped CommitLog (no heap copy), as fast as the
 * socket drains. Everything runs on the connection's event loop.
 */
final class SlaveConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(SlaveConnection.class);
    static final int HEADER = 12;

    private final HaServer server;
    private final ReplicationSettings settings;
    private final ReplicationLog log;
    private final AtomicBoolean wakeScheduled = new AtomicBoolean();
    private final Runnable pumpTask = () -> pump(false);
    private ChannelHandlerContext ctx;
    private long report;
    private int reportBytes;
    /** Next offset to ship; -1 until the slave's first report. */
    private volatile long next = -1;
    /**
     * End of the last transfer holding less than a full batch, until the slave confirms it; read by appending threads
     * (see {@link #wake}).
     */
    private volatile long shortInFlight = -1;
    private long lastRead;
    private long lastWrite;
    private volatile String remote = "?";

    SlaveConnection(HaServer server, ReplicationSettings settings, ReplicationLog log) {
        this.server = server;
        this.settings = settings;
        this.log = log;
    }

    String remote() {
        return remote;
    }

    /** Whether the slave's first report was accepted: it is shipped the log. */
    boolean accepted() {
        return next >= 0;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        remote = String.valueOf(ctx.channel().remoteAddress());
        lastRead = lastWrite = now();
        server.connected(this);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        server.disconnected(this);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        long latest = -1;
        try {
            // Offsets arrive as 8-byte groups that TCP may split anywhere; only the last complete one matters.
            while (in.isReadable()) {
                report = report << 8 | (in.readByte() & 0xFF);
                if (++reportBytes == 8) {
                    latest = report;
                    report = 0;
                    reportBytes = 0;
                }
            }
        } finally {
            in.release();
        }
        lastRead = now();
        if (latest >= 0) {
            reported(latest);
        }
    }

    private void reported(long offset) {
        long written = log.writtenOffset();
        if (offset > written) {
            server.diverged(offset);
            refuseDiverged("reports CommitLog offset {} beyond this master's end {}", offset, written);
            return;
        }
        if (next < 0) {
            if (!server.mayHold(offset)) {
                // Once this master's end passed such a slave's, shipping from its offset spliced this master's bytes
                // onto its own, mid-record: it dispatched nothing more, while a SYNC_MASTER counted it in sync.
                refuseDiverged("reports CommitLog offset {}, past what this master held at its start or has shipped "
                        + "since (end {})", offset, written);
                return;
            }
            // A slave with nothing starts from the master's last file, as RocketMQ does.
            long from = offset == 0 ? written - written % log.fileSize() : offset;
            if (from < log.minOffset()) {
                refuseBehind(from);
                return;
            }
            next = from;
            LOG.info("slave {} reported offset {}; shipping from {}", remote, offset, next);
        }
        if (offset >= shortInFlight) {
            shortInFlight = -1;
        }
        server.acked(offset);
        pump(false);
    }

    /**
     * Called from any thread once bytes up to {@code endOffset} are appended. While a short transfer awaits the
     * slave's confirmation there is nothing to ship short of a full batch, and the confirmation pumps by itself:
     * waking the event loop then would cost the appending thread a system call (and maybe its CPU) for nothing.
     * The confirmation clears {@link #shortInFlight} before it pumps, and the append is readable before this reads
     * it, so one of the two sees the other.
     */
    void wake(long endOffset) {
        long from = next;
        if (from < 0 || shortInFlight >= 0 && endOffset - from < settings.haTransferBatchSize()) {
            return;
        }
        if (!wakeScheduled.get() && wakeScheduled.compareAndSet(false, true)) {
            ctx.channel().eventLoop().execute(pumpTask);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            pump(false);
        }
    }

    /** Drops this slave's connection. */
    void close() {
        if (ctx != null) {
            ctx.close();
        }
    }

    /** Heartbeat and housekeeping, on the event loop. */
    void tick() {
        if (ctx == null) {
            return;
        }
        if (now() - lastRead > settings.haHousekeepingInterval()) {
            LOG.warn("slave {} silent for more than {} ms; closing its connection", remote,
                    settings.haHousekeepingInterval());
            ctx.close();
            return;
        }
        pump(true);
    }

    /**
     * Ships what the slave lacks, full batches whenever there are any, but less than a batch only while no earlier
     * short transfer awaits the slave's confirmation (unless {@code force}d, by the housekeeping tick). Appends arrive
     * one by one: shipping each at once would cost a write, a read, an append and a report per message on the
     * replication path; holding the remainder for one round trip lets it grow to what the producers wrote meanwhile,
     * and the confirmation that releases it comes as soon as the slave has the previous bytes.
     */
    private void pump(boolean force) {
        wakeScheduled.set(false);
        if (next < 0 || !ctx.channel().isActive()) {
            return;
        }
        boolean wrote = false;
        int batch = settings.haTransferBatchSize();
        while (ctx.channel().isWritable()) {
            CommitLogSlice slice = log.read(next, batch);
            if (slice == null) {
                long oldest = log.minOffset();
                if (next < oldest) {
                    long needed = next;
                    next = -1;
                    refuseBehind(needed);
                    return;
                }
                break;
            }
            int size = slice.buffer().remaining();
            // A short read that ends its file will not grow: ship it.
            boolean shortBatch = size < batch && (next + size) % log.fileSize() != 0;
            if (shortBatch && shortInFlight >= 0 && !force) {
                slice.close();
                break;
            }
            ctx.write(ctx.alloc().ioBuffer(HEADER).writeLong(next).writeInt(size));
            ctx.write(Unpooled.wrappedBuffer(slice.buffer())).addListener(f -> slice.close());
            next += size;
            server.shipped(next);
            if (shortBatch) {
                shortInFlight = next;
            }
            wrote = true;
        }
        long now = now();
        if (!wrote && now - lastWrite > settings.haSendHeartbeatInterval()) {
            ctx.write(ctx.alloc().ioBuffer(HEADER).writeLong(next).writeInt(0));
            wrote = true;
        }
        if (wrote) {
            lastWrite = now;
            ctx.flush();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("HA connection of slave {} failed: {}", remote, cause.toString());
        ctx.close();
    }

    /**
     * Closes the connection of a slave that needs {@code needed}, which retention removed: it can never continue
     * from this master. It reconnects each second, so this logs seldom.
     */
    private void refuseBehind(long needed) {
        if (server.refusalReport(now())) {
            LOG.error("slave {} needs CommitLog offset {} but this master retains only from {}; closing its "
                    + "connection, and every one like it (its store must be rebuilt from this master)", remote, needed,
                    log.minOffset());
        }
        ctx.close();
    }

    /** Closes the connection of a slave whose log is not this master's; it reconnects each second, so logs seldom. */
    private void refuseDiverged(String what, long offset, long written) {
        if (server.refusalReport(now())) {
            LOG.error("slave {} " + what + ": its log has diverged from this one (was this master's store replaced or "
                    + "cut back by a crash?). Closing its connection, and every one like it; rebuild the slave's store "
                    + "from this master", remote, offset, written);
        }
        ctx.close();
    }

    private long now() {
        return settings.clock().millis();
    }
}
