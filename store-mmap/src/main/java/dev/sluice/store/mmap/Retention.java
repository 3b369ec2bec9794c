package dev.sluice.store.mmap;

import dev.sluice.store.StoreConfig;
import dev.sluice.store.spi.DiskUsageProbe;
import dev.sluice.store.spi.KeyIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Deletes expired CommitLog files and the ConsumeQueue files and index entries that pointed into them,
 * following RocketMQ's rules: a pass deletes when the hour is in {@code deleteWhen}, or the disk is fuller
 * than {@code diskMaxUsedSpaceRatio}, or an operator asked; it deletes oldest first, never the newest
 * file, at most 10 files, stopping at the first file not yet expired. Above
 * {@code diskSpaceCleanForciblyRatio} files go before their reserved time; above
 * {@code diskSpaceWarningLevelRatio} appends are refused until space frees.
 */
final class Retention implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    private static final int MAX_FILES_PER_PASS = 10;
    private static final int MANUAL_PASSES = 20;
    private static final long CONSUME_QUEUE_FORCE_AFTER_MILLIS = 60_000;
    private static final int INDEX_DELETE_BATCH = 10_000;
    private static final int INDEX_DELETE_BATCHES_PER_PASS = 100;

    private final CommitLog commitLog;
    private final ConsumeQueueTable queues;
    private final LongSupplier dispatched;
    private final KeyIndex index;
    private final Clock clock;
    private final DiskUsageProbe disk;
    private volatile Set<Integer> deleteHours;
    private volatile long reservedMillis;
    private volatile double maxUsedRatio;
    private volatile double warningRatio;
    private volatile double cleanForciblyRatio;
    private volatile boolean cleanForciblyEnabled;
    private volatile long forceDestroyAfter;
    private volatile long redeleteInterval;
    private final long interval;
    private volatile long commitLogPause;
    private volatile long consumeQueuePause;
    private int manualPassesLeft;
    private long lastRedelete;
    private long cleanedDerivedBelow = -1;
    private boolean indexBehind;

    Retention(StoreConfig config, CommitLog commitLog, ConsumeQueueTable queues, LongSupplier dispatched,
              KeyIndex index, Clock clock, DiskUsageProbe disk) {
        this.commitLog = commitLog;
        this.queues = queues;
        this.dispatched = dispatched;
        this.index = index;
        this.clock = clock;
        this.disk = disk;
        this.interval = config.cleanResourceInterval();
        reconfigure(config);
        this.lastRedelete = clock.millis();
    }

    /**
     * Takes the runtime retention settings of {@code config}. Not under the pass's lock: a pass that pauses between
     * deletions can take seconds, and an operator's request should not wait for it.
     */
    void reconfigure(StoreConfig config) {
        this.deleteHours = config.deleteWhen();
        this.reservedMillis = config.fileReservedTime() * 3_600_000L;
        this.maxUsedRatio = config.diskMaxUsedSpaceRatio() / 100.0;
        this.warningRatio = config.diskSpaceWarningLevelRatio();
        this.cleanForciblyRatio = config.diskSpaceCleanForciblyRatio();
        this.cleanForciblyEnabled = config.cleanFileForciblyEnable();
        this.forceDestroyAfter = config.destroyMapedFileIntervalForcibly();
        this.redeleteInterval = config.redeleteHangedFileInterval();
        this.commitLogPause = config.deleteCommitLogFilesInterval();
        this.consumeQueuePause = config.deleteConsumeQueueFilesInterval();
    }

    @Override
    public String name() {
        return "retention";
    }

    @Override
    public long idleMillis() {
        return interval;
    }

    /** An operator's DELETE_EXPIRED_COMMITLOG: the next 20 passes run whatever the hour. */
    synchronized void requestDeletion() {
        manualPassesLeft = MANUAL_PASSES;
    }

    /** One retention pass. */
    @Override
    public synchronized int doWork() throws IOException {
        long now = clock.millis();
        double used = Math.max(disk.usedRatio(commitLog.segments().dir()), disk.usedRatio(queues.root()));
        boolean unreadable = used < 0;
        updateDiskFull(used);
        boolean cleanNow = used > cleanForciblyRatio;
        boolean byTime = deleteHours.contains(ZonedDateTime.ofInstant(Instant.ofEpochMilli(now), clock.getZone()).getHour());
        boolean bySpace = unreadable || used > maxUsedRatio;
        boolean manual = manualPassesLeft > 0;
        if (manual) {
            manualPassesLeft--;
        }
        int deleted = 0;
        if (byTime || bySpace || manual) {
            deleted = deleteExpired(now, cleanNow && cleanForciblyEnabled);
        }
        if (now - lastRedelete >= redeleteInterval) {
            lastRedelete = now;
            deleted += retryHanged(now);
        }
        cleanDerived(now);
        return deleted;
    }

    /** Refuses or accepts appends according to the disk's usage now (also at open, before any pass). */
    synchronized void checkDisk() {
        updateDiskFull(Math.max(disk.usedRatio(commitLog.segments().dir()), disk.usedRatio(queues.root())));
    }

    private void updateDiskFull(double used) {
        boolean full = used > warningRatio;
        boolean wasFull = commitLog.refusal() != null && commitLog.refusal().startsWith("disk full");
        if (full && !wasFull) {
            String reason = String.format("disk full: %.1f%% used on %s (diskSpaceWarningLevelRatio %.1f%%)",
                    used * 100, commitLog.segments().dir(), warningRatio * 100);
            LOG.error("{}; refusing appends until space frees", reason);
            commitLog.diskFull(reason);
        } else if (!full && wasFull) {
            LOG.info("disk usage {}% is no longer above {}%; accepting appends again", Math.round(used * 100),
                    Math.round(warningRatio * 100));
            commitLog.diskFull(null);
        }
    }

    private int deleteExpired(long now, boolean forced) throws IOException {
        List<MappedSegment> files = commitLog.segments().all();
        int deleted = 0;
        boolean queuesDurable = false;
        for (int i = 0; i < files.size() - 1 && deleted < MAX_FILES_PER_PASS; i++) {
            MappedSegment s = files.get(i);
            if (s.available() && !forced && now < lastModified(s) + reservedMillis) {
                break;
            }
            if (s.endOffset() > dispatched.getAsLong()) {
                break;
            }
            if (!queuesDurable) {
                // Once a file is gone its messages cannot be re-dispatched: their units, and so every
                // queue's max offset, must already be on disk or a crash would hand out offsets again.
                for (ConsumeQueue cq : queues.all()) {
                    cq.flush();
                }
                queuesDurable = true;
            }
            if (!destroy(s, now)) {
                break;
            }
            deleted++;
            pause(commitLogPause);
        }
        return deleted;
    }

    private int retryHanged(long now) throws IOException {
        MappedSegment first = commitLog.segments().first();
        if (first != null && !first.available() && first != commitLog.segments().last()) {
            return destroy(first, now) ? 1 : 0;
        }
        return 0;
    }

    private boolean destroy(MappedSegment s, long now) throws IOException {
        boolean gone = s.destroy(now, forceDestroyAfter);
        if (gone) {
            commitLog.segments().remove(s);
            if (s.references() > 0) {
                LOG.warn("CommitLog file {} destroyed while {} reader(s) still held it (after {} ms);"
                        + " its memory is unmapped when they let go", s.path(), s.references(), forceDestroyAfter);
            } else {
                LOG.info("deleted CommitLog file {}", s.path());
            }
        } else {
            LOG.info("CommitLog file {} is still being read; deleting it once released (or after {} ms)",
                    s.path(), forceDestroyAfter);
        }
        return gone;
    }

    /** ConsumeQueue files and index entries below the CommitLog's new minimum. */
    private void cleanDerived(long now) throws IOException {
        long min = commitLog.minOffset();
        if (min > cleanedDerivedBelow) {
            for (ConsumeQueue cq : queues.all()) {
                int removed = cq.deleteBelow(min, now, CONSUME_QUEUE_FORCE_AFTER_MILLIS, () -> pause(consumeQueuePause));
                if (removed > 0) {
                    LOG.info("ConsumeQueue {}-{}: deleted {} file(s) below CommitLog offset {}", cq.topic(),
                            cq.queueId(), removed, min);
                }
            }
            cleanedDerivedBelow = min;
            indexBehind = index != null;
        }
        if (indexBehind) {
            // Bounded batches so one long write transaction never stalls dispatch.
            boolean more = true;
            for (int i = 0; i < INDEX_DELETE_BATCHES_PER_PASS && more; i++) {
                more = index.deleteBelow(min, INDEX_DELETE_BATCH);
            }
            indexBehind = more;
        }
    }

    private static long lastModified(MappedSegment s) throws IOException {
        return Files.getLastModifiedTime(s.path()).toMillis();
    }

    private static void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
