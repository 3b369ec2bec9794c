package dev.sluice.store.mmap;

import dev.sluice.testing.MutableClock;

import dev.sluice.store.AppendRequest;
import dev.sluice.store.AppendResult;
import dev.sluice.store.AppendStatus;
import dev.sluice.store.DecodedMessage;
import dev.sluice.store.DispatchListener;
import dev.sluice.store.FlushDiskType;
import dev.sluice.store.MessageStore;
import dev.sluice.store.QueueUnit;
import dev.sluice.store.ReadResult;
import dev.sluice.store.ReadStatus;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.TagFilter;
import dev.sluice.store.spi.ReplicationHook;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Random sequences of store operations checked against an in-memory model of what must be there.
 * The store runs without background threads; the test drives its agents, so every run is repeatable.
 */
class StoreModelProperties {
    private static final String[] TOPICS = {"A", "B", "%RETRY%g"};
    private static final String[] TAGS = {null, "TagA", "TagB"};
    private static final int FILE_SIZE = 4096;
    private static final long HOUR = 3_600_000L;

    sealed interface Op permits Append, Read, Flush, Reopen, Crash, Retain {
    }

    record Append(int topic, int queue, int batch, int bodySize, int tag) implements Op {
    }

    record Read(int topic, int queue, int offsetPick, int maxCount, boolean filterTagA) implements Op {
    }

    record Flush() implements Op {
    }

    record Reopen() implements Op {
    }

    /** kind: 0 process kill, 1 power loss (unflushed bytes zero), 2 power loss with garbage tail, 3 last file cut. */
    record Crash(int kind, long seed) implements Op {
    }

    record Retain(int advanceHours, double diskRatio) implements Op {
    }

    record Msg(String topic, int queue, long queueOffset, long physical, int size, byte[] body, String tag,
               boolean acked) {
        long end() {
            return physical + size;
        }
    }

    @Property(tries = 200)
    void storeAgreesWithModel(@ForAll("ops") List<Op> ops, @ForAll boolean syncFlush, @ForAll boolean pool)
            throws IOException {
        Path root = Files.createTempDirectory("sluice-model");
        try {
            new Run(root, syncFlush, pool).run(ops);
        } finally {
            StoreFixture.deleteTree(root);
        }
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> append = Combinators.combine(Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(0, 300), Arbitraries.integers().between(0, 2)).as(Append::new);
        Arbitrary<Op> read = Combinators.combine(Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 100),
                Arbitraries.integers().between(1, 40), Arbitraries.of(true, false)).as(Read::new);
        Arbitrary<Op> crash = Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.longs())
                .as(Crash::new);
        Arbitrary<Op> retain = Combinators.combine(Arbitraries.integers().between(0, 2),
                Arbitraries.of(0.10, 0.80, 0.87, 0.95)).as(Retain::new);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(12, append), net.jqwik.api.Tuple.of(5, read),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(new Flush())),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Reopen())),
                net.jqwik.api.Tuple.of(2, crash), net.jqwik.api.Tuple.of(2, retain));
        return op.list().ofMinSize(5).ofMaxSize(80);
    }

    private final class Run {
        private final boolean syncFlush;
        private final StoreConfig config;
        private final MutableClock clock;
        private final double[] disk = {0.10};
        private final List<Msg> log = new ArrayList<>();
        private final Map<String, Long> next = new TreeMap<>();
        private MmapMessageStore store;
        private int bodyCounter;
        private final List<String> trace = new ArrayList<>();

        Run(Path root, boolean syncFlush, boolean pool) {
            this.syncFlush = syncFlush;
            // Never the configured delete hour unless the test moves the clock there.
            long start = ZonedDateTime.now(ZoneOffset.UTC).withHour(12).toInstant().toEpochMilli();
            this.clock = new MutableClock(Math.max(start, System.currentTimeMillis()));
            int hour = ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).getHour();
            this.config = StoreConfig.builder().storePathRootDir(root)
                    .set(StoreConfig.MAPPED_FILE_SIZE_COMMIT_LOG, String.valueOf(FILE_SIZE))
                    .set(StoreConfig.MAPPED_FILE_SIZE_CONSUME_QUEUE, "200")
                    .set(StoreConfig.MAX_MESSAGE_SIZE, "512")
                    .set(StoreConfig.FLUSH_DISK_TYPE, syncFlush ? FlushDiskType.SYNC_FLUSH.name() : "ASYNC_FLUSH")
                    .set(StoreConfig.TRANSIENT_STORE_POOL_ENABLE, String.valueOf(pool))
                    .set(StoreConfig.TRANSIENT_STORE_POOL_SIZE, "2")
                    // Every flusher round commits the whole pool, so an append is readable after the round that
                    // follows it (TransientStorePoolCommitTest covers least pages and the thorough interval).
                    .set(StoreConfig.COMMIT_COMMIT_LOG_LEAST_PAGES, "0")
                    .set(StoreConfig.FILE_RESERVED_TIME, "1")
                    .set(StoreConfig.DELETE_WHEN, String.valueOf((hour + 2) % 24))
                    .set(StoreConfig.DELETE_COMMIT_LOG_FILES_INTERVAL, "0")
                    .set(StoreConfig.DELETE_CONSUME_QUEUE_FILES_INTERVAL, "0")
                    .build();
        }

        void run(List<Op> ops) throws IOException {
            open();
            try {
                for (Op op : ops) {
                    trace.add(op.toString());
                    apply(op);
                    trace.add("  -> store max=" + store.maxCommitLogOffset() + " min=" + store.minCommitLogOffset()
                            + " files=" + commitLogFiles().stream().map(f -> f.getFileName().toString().replaceFirst("^0+(?=.)", "")).toList());
                }
                reopen(new Crash(0, 0));
                checkAll();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + "\n" + String.join("\n", trace), e);
            } finally {
                store.close();
            }
        }

        private void open() {
            StoreContext ctx = StoreContext.defaults().withClock(clock).withDiskUsage(p -> disk[0])
                    .withKeyIndexFactory(null).withReplicationHook(ReplicationHook.NONE)
                    .withDispatchListener(DispatchListener.NONE);
            store = MmapMessageStore.open(config, ctx, false);
        }

        private void apply(Op op) throws IOException {
            if (op instanceof Append a) {
                append(a);
            } else if (op instanceof Read r) {
                read(r);
            } else if (op instanceof Flush) {
                store.commitAndFlushAll();
                store.consumeQueueFlusher().flushAll();
            } else if (op instanceof Reopen) {
                store.close();
                open();
                checkAll();
            } else if (op instanceof Crash c) {
                reopen(c);
                checkAll();
            } else if (op instanceof Retain t) {
                retain(t);
            }
        }

        private void append(Append a) {
            String topic = TOPICS[a.topic()];
            String tag = TAGS[a.tag()];
            List<AppendRequest> batch = new ArrayList<>();
            List<byte[]> bodies = new ArrayList<>();
            for (int i = 0; i < a.batch(); i++) {
                byte[] body = new byte[a.bodySize()];
                new Random(bodyCounter++).nextBytes(body);
                bodies.add(body);
                batch.add(StoreFixture.message(topic, a.queue(), body, tag, "k" + bodyCounter, null));
            }
            CompletableFuture<AppendResult> f = store.appendBatch(batch);
            store.commitAndFlushRound();
            assertTrue(f.isDone(), "append acknowledged after one flusher round");
            AppendResult r = f.join();
            boolean diskFull = disk[0] > 0.90;
            if (diskFull) {
                assertEquals(AppendStatus.SERVICE_NOT_AVAILABLE, r.status(), "refused while the disk is full");
                return;
            }
            assertEquals(AppendStatus.PUT_OK, r.status(), r.remark());
            String key = topic + "/" + a.queue();
            long expectedOffset = next.getOrDefault(key, 0L);
            assertEquals(expectedOffset, r.queueOffset(), "queue offsets are dense");
            long physical = r.commitLogOffset();
            int pos = 0;
            for (int i = 0; i < batch.size(); i++) {
                ByteBuffer rec = store.lookup(physical + pos).orElseThrow();
                int size = rec.remaining();
                log.add(new Msg(topic, a.queue(), expectedOffset + i, physical + pos, size, bodies.get(i), tag, true));
                pos += size;
            }
            assertEquals(r.wroteBytes(), pos);
            next.put(key, expectedOffset + batch.size());
            dispatch();
        }

        private void dispatch() {
            try {
                store.dispatcher().catchUp();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        private void read(Read r) {
            String topic = TOPICS[r.topic()];
            List<Msg> queue = queue(topic, r.queue());
            long max = next.getOrDefault(topic + "/" + r.queue(), 0L);
            long min = modelMin(queue, max);
            long offset = r.offsetPick() < 90 ? min + (max - min + 1) * r.offsetPick() / 90 : max + r.offsetPick() - 88;
            TagFilter filter = r.filterTagA() ? code -> code == "TagA".hashCode() : TagFilter.ALL;
            try (ReadResult rr = store.read(topic, r.queue(), offset, r.maxCount(), filter)) {
                if (max <= min) {
                    assertEquals(ReadStatus.NO_MESSAGE_IN_QUEUE, rr.status(), "empty queue " + topic + r.queue());
                    return;
                }
                assertEquals(min, store.minQueueOffset(topic, r.queue()), "min offset");
                assertEquals(max, store.maxQueueOffset(topic, r.queue()), "max offset");
                if (offset == max) {
                    assertEquals(ReadStatus.NO_NEW_MESSAGE, rr.status());
                    return;
                }
                if (offset > max) {
                    assertEquals(ReadStatus.OFFSET_ILLEGAL, rr.status());
                    return;
                }
                // the first maxCount accepted messages among the entries a filtered read may look at
                List<Msg> expected = new ArrayList<>();
                long scanEnd = Math.min(max, offset + Math.max(r.maxCount(), MessageStore.FILTER_SCAN_UNITS));
                for (Msg m : queue) {
                    if (m.queueOffset() >= offset && m.queueOffset() < scanEnd && expected.size() < r.maxCount()
                            && (!r.filterTagA() || "TagA".equals(m.tag()))) {
                        expected.add(m);
                    }
                }
                long expectedNext = expected.size() == r.maxCount()
                        ? expected.get(expected.size() - 1).queueOffset() + 1 : scanEnd;
                long end = Math.min(max, offset + r.maxCount());
                List<QueueUnit> units = store.units(topic, r.queue(), offset, r.maxCount());
                assertEquals(end - offset, units.size(), "units from " + offset);
                for (Msg m : queue) {
                    if (m.queueOffset() >= offset && m.queueOffset() < end) {
                        QueueUnit unit = units.get((int) (m.queueOffset() - offset));
                        assertEquals(new QueueUnit(m.physical(), m.size(), m.tag() == null ? 0 : m.tag().hashCode()),
                                unit, "unit " + m.queueOffset());
                    }
                }
                assertEquals(expected.isEmpty() ? ReadStatus.NO_MATCHED_MESSAGE : ReadStatus.FOUND, rr.status());
                assertEquals(expectedNext, rr.nextOffset());
                assertEquals(expected.size(), rr.messages().size());
                for (int i = 0; i < expected.size(); i++) {
                    DecodedMessage got = StoreFixture.decode(rr.messages().get(i));
                    Msg want = expected.get(i);
                    assertEquals(want.queueOffset(), got.queueOffset());
                    assertEquals(want.physical(), got.physicalOffset());
                    assertArrayEquals(want.body(), got.body(), "body at " + want.queueOffset());
                    assertTrue(got.crcValid());
                    assertEquals(want.tag(), got.property("TAGS"));
                }
            }
        }

        private List<Msg> queue(String topic, int queueId) {
            return log.stream().filter(m -> m.topic().equals(topic) && m.queue() == queueId).toList();
        }

        private long modelMin(List<Msg> queue, long max) {
            long storeMin = store.minCommitLogOffset();
            return queue.stream().filter(m -> m.physical() >= storeMin).mapToLong(Msg::queueOffset).min().orElse(max);
        }

        private void reopen(Crash c) throws IOException {
            Map<Path, Integer> durable = store.crash();
            trace.add("  durable " + durable);
            Random random = new Random(c.seed());
            long keepBelow = Long.MAX_VALUE;
            if (c.kind() == 1 || c.kind() == 2) {
                keepBelow = durableCommitLogEnd(durable);
                for (Map.Entry<Path, Integer> e : durable.entrySet()) {
                    boolean commitLog = e.getKey().startsWith(config.storePathCommitLog());
                    damage(e.getKey(), e.getValue(), c.kind() == 2 && commitLog ? random : null);
                }
            } else if (c.kind() == 3) {
                List<Path> files = commitLogFiles();
                if (!files.isEmpty()) {
                    Path last = files.get(files.size() - 1);
                    int cut = random.nextInt(FILE_SIZE);
                    try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
                        f.setLength(cut);
                    }
                    trace.add("cut " + last.getFileName() + " at " + cut + " size now " + Files.size(last));
                    keepBelow = Long.parseLong(last.getFileName().toString()) + cut;
                }
            }
            if (syncFlush && (c.kind() == 1 || c.kind() == 2)) {
                for (Msg m : log) {
                    assertTrue(!m.acked() || m.end() <= keepBelow, "acknowledged SYNC_FLUSH message lost at " + m.physical());
                }
            }
            final long limit = keepBelow;
            for (Msg lost : log.stream().filter(m -> m.end() > limit).toList()) {
                // A lost tail: the queue continues where its first lost message was.
                next.merge(lost.topic() + "/" + lost.queue(), lost.queueOffset(), Math::min);
            }
            log.removeIf(m -> m.end() > limit);
            open();
        }

        private long durableCommitLogEnd(Map<Path, Integer> durable) {
            long end = 0;
            for (Path p : commitLogFiles()) {
                long base = Long.parseLong(p.getFileName().toString());
                int flushed = durable.getOrDefault(p, 0);
                end = base + flushed;
                if (flushed < FILE_SIZE) {
                    break;
                }
            }
            return end;
        }

        private List<Path> commitLogFiles() {
            long end = store.maxCommitLogOffset();
            try (var files = Files.list(config.storePathCommitLog())) {
                // Not the next file, which the store creates ahead of time.
                return files.filter(p -> p.getFileName().toString().length() == 20)
                        .filter(p -> Long.parseLong(p.getFileName().toString()) <= end).sorted().toList();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        /** Replaces everything after the durable length with zeros, or with some garbage then zeros. */
        private void damage(Path file, int durableLength, Random garbage) throws IOException {
            if (!Files.exists(file)) {
                return;
            }
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                long length = f.length();
                if (durableLength >= length) {
                    return;
                }
                byte[] tail = new byte[(int) (length - durableLength)];
                if (garbage != null) {
                    byte[] junk = new byte[Math.min(tail.length, 1 + garbage.nextInt(200))];
                    garbage.nextBytes(junk);
                    System.arraycopy(junk, 0, tail, 0, junk.length);
                }
                f.seek(durableLength);
                f.write(tail);
            }
        }

        private void retain(Retain t) throws IOException {
            clock.advance(t.advanceHours() * HOUR);
            disk[0] = t.diskRatio();
            long before = store.minCommitLogOffset();
            List<Path> files = commitLogFiles();
            int hour = ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).getHour();
            boolean byTime = config.deleteWhen().contains(hour);
            boolean bySpace = t.diskRatio() > 0.75;
            boolean forced = t.diskRatio() > 0.85;
            boolean expired = clock.millis() - System.currentTimeMillis() >= HOUR + 60_000;
            store.retention().doWork();
            long after = store.minCommitLogOffset();
            int deletable = Math.min(10, files.size() - 1);
            long expected = before;
            if ((byTime || bySpace) && (forced || expired) && deletable > 0) {
                expected = Long.parseLong(files.get(deletable).getFileName().toString());
            }
            if (!(byTime || bySpace) || (!forced && !expired && clock.millis() - System.currentTimeMillis() < HOUR - 60_000)) {
                assertEquals(before, after, "nothing is due for deletion");
            } else if (forced || expired) {
                assertEquals(Math.max(before, expected), after, "expired files deleted, oldest first, at most 10, never the newest");
            }
            assertEquals(0, after % FILE_SIZE, "min offset is a file start");
            log.removeIf(m -> m.physical() < after);
        }

        private void checkAll() {
            trace.add("check model=" + log.stream().map(m -> m.physical() + "-" + m.end()).toList()
                    + " store max=" + store.maxCommitLogOffset() + " min=" + store.minCommitLogOffset());
            if (!log.isEmpty()) {
                long modelEnd = log.get(log.size() - 1).end();
                assertTrue(store.maxCommitLogOffset() >= modelEnd, "CommitLog keeps the model's messages");
                assertTrue(store.lookup(modelEnd).isEmpty(), "no message the model lost is still in the CommitLog");
            }
            for (String topic : TOPICS) {
                for (int q = 0; q < 3; q++) {
                    long max = next.getOrDefault(topic + "/" + q, 0L);
                    if (max > 0) {
                        read(new Read(indexOf(topic), q, 0, 1000, false));
                    }
                }
            }
        }

        private int indexOf(String topic) {
            for (int i = 0; i < TOPICS.length; i++) {
                if (TOPICS[i].equals(topic)) {
                    return i;
                }
            }
            throw new IllegalArgumentException(topic);
        }
    }

}
