package dev.sluice.index.lmdb;

import dev.sluice.store.spi.IndexBatch;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random sequences of dispatch batches, queries, truncations, retention and reopening: after every step the
 * index answers exactly what a plain in-memory multimap answers. The harness plays the store: it keeps the
 * CommitLog the index confirms candidates in, and re-dispatches from the applied offset after a reopen.
 */
class KeyIndexModelTest {
    /** "o" / "orders" and "a" / "ab" check that one name's entries never leak into another's. */
    private static final List<String> TOPICS = List.of("orders", "o", "%RETRY%group");
    private static final List<String> KEYS = List.of("a", "ab", "b", "ключ", "k".repeat(600), "k".repeat(599) + "j");
    private static final long FIRST_TS = 1_700_000_000_000L;
    /** The most entries retention deletes at once: a block of the shipped shape (appends hold fewer postings). */
    private static final int MAX_UNIT = 2048;

    interface Op {
        void run(Harness h);
    }

    record Msg(int topic, List<Integer> keys, int timeStep, int size) {
    }

    record Append(List<Msg> messages) implements Op {
        public void run(Harness h) {
            h.append(messages);
        }
    }

    /** The store re-dispatching what is already indexed. */
    record ReapplyLast() implements Op {
        public void run(Harness h) {
            h.index.apply(h.lastBatch);
            h.model.apply(h.lastBatch);
        }
    }

    /** key == KEYS.size() asks for a unique key, picked by {@code uniqPick}. */
    record Query(int topic, int key, double uniqPick, double begin, double end, int maxNum) implements Op {
        public void run(Harness h) {
            h.query(this);
        }
    }

    record Truncate(double at) implements Op {
        public void run(Harness h) {
            h.truncateFrom((long) (at * h.model.applied()));
        }
    }

    record DeleteBelow(double at, int maxEntries) implements Op {
        public void run(Harness h) {
            h.deleteBelow((long) (at * h.model.applied()), maxEntries);
        }
    }

    record Reopen() implements Op {
        public void run(Harness h) {
            h.index.close();
            h.reopen();
        }
    }

    /** A crash: the index is dropped unclosed (its thread stopped), so what only its pools held is lost. */
    record Crash() implements Op {
        public void run(Harness h) {
            h.index.abandon();
            h.reopen();
        }
    }

    /** Tiny runs built by puts, one merge step after every put: merges span operations, deterministically. */
    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void agreesWithModel(@ForAll("ops") List<Op> ops) throws IOException {
        run(ops, (dir, log) -> TestIndexes.open(dir, TestIndexes.SMALL_MAP, TestIndexes.TINY_RUNS, log));
    }

    /** Tiny runs built and merged by the index's own thread, concurrently with everything else. */
    @Property(tries = 60, edgeCases = EdgeCasesMode.NONE)
    void agreesWithModelWithBackgroundMerges(@ForAll("ops") List<Op> ops) throws IOException {
        run(ops, (dir, log) -> TestIndexes.open(dir, TestIndexes.SMALL_MAP, TestIndexes.TINY_BACKGROUND, log));
    }

    /** The shipped shape: at this size everything stays in the pool until it is old enough. */
    @Property(tries = 40, edgeCases = EdgeCasesMode.NONE)
    void agreesWithModelAsShipped(@ForAll("ops") List<Op> ops) throws IOException {
        run(ops, (dir, log) -> TestIndexes.open(dir, TestIndexes.SMALL_MAP, Tuning.DEFAULT, log));
    }

    /** Entries hold only hashes: with a hash of two values the CommitLog must still keep names apart. */
    @Property(tries = 60, edgeCases = EdgeCasesMode.NONE)
    void agreesWithModelWhenNamesShareHashes(@ForAll("ops") List<Op> ops) throws IOException {
        IndexKeys.NameHash twoValues = new IndexKeys.NameHash() {
            @Override
            public long topic(String topic) {
                return 0;
            }

            @Override
            public long hash(long topicState, String key) {
                return key.length() & 1;
            }
        };
        run(ops, (dir, log) -> LmdbKeyIndex.open(dir, TestIndexes.SMALL_MAP, twoValues, log, TestIndexes.TINY_RUNS));
    }

    private static void run(List<Op> ops, BiFunction<Path, TestIndexes.TestLog, LmdbKeyIndex> opener)
            throws IOException {
        Path root = Files.createTempDirectory("key-index-model");
        try (Harness h = new Harness(root.resolve("index"), opener)) {
            for (Op op : ops) {
                op.run(h);
                assertTrue(h.index.appliedOffset() <= h.model.applied(), () -> "applied offset after " + op);
            }
            h.checkEveryName();
        } finally {
            TestIndexes.deleteRecursively(root);
        }
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> topic = Arbitraries.integers().between(0, TOPICS.size() - 1);
        Arbitrary<Msg> msg = Combinators.combine(topic,
                Arbitraries.integers().between(0, KEYS.size() - 1).list().ofMaxSize(3),
                Arbitraries.integers().between(-3, 10), Arbitraries.integers().between(1, 300)).as(Msg::new);
        Arbitrary<Op> append = msg.list().ofMaxSize(12).withSizeDistribution(RandomDistribution.uniform()).map(Append::new);
        Arbitrary<Op> query = Combinators.combine(topic, Arbitraries.integers().between(0, KEYS.size()),
                Arbitraries.doubles().between(0, 1), Arbitraries.doubles().between(-0.1, 1.1),
                Arbitraries.doubles().between(-0.1, 1.1), Arbitraries.integers().between(1, 12)).as(Query::new);
        Arbitrary<Op> truncate = Arbitraries.doubles().between(0, 1.2).map(Truncate::new);
        Arbitrary<Op> delete = Combinators.combine(Arbitraries.doubles().between(0, 1.2),
                Arbitraries.integers().between(1, 6)).as(DeleteBelow::new);
        return Arbitraries.frequencyOf(
                Tuple.of(8, append), Tuple.of(8, query), Tuple.of(2, truncate), Tuple.of(2, delete),
                Tuple.of(1, Arbitraries.just(new ReapplyLast())), Tuple.of(1, Arbitraries.just(new Reopen())),
                Tuple.of(1, Arbitraries.just(new Crash()))
        ).list().ofMinSize(1).ofMaxSize(60).withSizeDistribution(RandomDistribution.uniform());
    }

    static final class Harness implements AutoCloseable {
        private final Path dir;
        private final BiFunction<Path, TestIndexes.TestLog, LmdbKeyIndex> opener;
        private final IndexModel model = new IndexModel();
        private final TestIndexes.TestLog log = new TestIndexes.TestLog();
        /** Every batch dispatched, as the CommitLog would dispatch it again (truncation trims it). */
        private final List<IndexBatch> dispatched = new ArrayList<>();
        private LmdbKeyIndex index;
        private IndexBatch lastBatch = new IndexBatch();
        private long lastTs = FIRST_TS;
        private long uniqKeys;

        Harness(Path dir, BiFunction<Path, TestIndexes.TestLog, LmdbKeyIndex> opener) {
            this.dir = dir;
            this.opener = opener;
            this.index = opener.apply(dir, log);
        }

        /** Opens the index again and re-dispatches from its applied offset, as the store does. */
        void reopen() {
            index = opener.apply(dir, log);
            long from = index.appliedOffset();
            for (IndexBatch batch : dispatched) {
                if (batch.endOffset() > from) {
                    index.apply(batch);
                }
            }
        }

        void truncateFrom(long offset) {
            index.truncateFrom(offset);
            model.truncateFrom(offset);
            log.truncateFrom(offset);
            List<IndexBatch> kept = new ArrayList<>();
            for (IndexBatch batch : dispatched) {
                IndexBatch below = new IndexBatch();
                for (int i = 0; i < batch.size(); i++) {
                    if (batch.commitLogOffset(i) < offset) {
                        below.add(batch.topic(i), batch.key(i), batch.storeTimestamp(i), batch.commitLogOffset(i));
                    }
                }
                below.endOffset(Math.min(batch.endOffset(), offset));
                kept.add(below);
            }
            dispatched.clear();
            dispatched.addAll(kept);
            lastBatch = kept.isEmpty() ? new IndexBatch() : kept.get(kept.size() - 1);
        }

        void append(List<Msg> messages) {
            IndexBatch batch = new IndexBatch();
            long offset = model.applied();
            for (Msg m : messages) {
                lastTs += m.timeStep();
                String topic = TOPICS.get(m.topic());
                for (int k : m.keys()) {
                    batch.add(topic, KEYS.get(k), lastTs, offset);
                }
                batch.add(topic, "U" + uniqKeys++, lastTs, offset);
                offset += m.size();
            }
            batch.endOffset(offset);
            log.record(batch);
            dispatched.add(batch);
            index.apply(batch);
            model.apply(batch);
            lastBatch = batch;
        }

        void query(Query q) {
            String topic = TOPICS.get(q.topic());
            String key = q.key() < KEYS.size() ? KEYS.get(q.key()) : "U" + (long) (q.uniqPick() * uniqKeys);
            long span = lastTs - FIRST_TS + 20;
            long begin = FIRST_TS - 10 + (long) (q.begin() * span);
            long end = FIRST_TS - 10 + (long) (q.end() * span);
            assertEquals(model.query(topic, key, q.maxNum(), begin, end),
                    index.query(topic, key, q.maxNum(), begin, end), () -> "answer to " + q);
        }

        /**
         * Retention: entries below {@code min} stop being answered at the first call; storage goes in calls that
         * each delete fewer than maxEntries plus one unit (a block or a batch's postings), and as few calls as
         * that allows (one more for the runs the first call finds wholly below).
         */
        void deleteBelow(long min, int maxEntries) {
            LmdbKeyIndex lmdb = index;
            long stored = lmdb.storedEntries();
            long maxCalls = 2 + stored / maxEntries;
            long calls = 1;
            boolean more = index.deleteBelow(min, maxEntries);
            model.deleteBelow(min);
            // The CommitLog's files below min are gone: confirmed and dispatched again no more.
            log.deleteBelow(min);
            dispatched.replaceAll(batch -> {
                IndexBatch above = new IndexBatch();
                for (int i = 0; i < batch.size(); i++) {
                    if (batch.commitLogOffset(i) >= min) {
                        above.add(batch.topic(i), batch.key(i), batch.storeTimestamp(i), batch.commitLogOffset(i));
                    }
                }
                above.endOffset(batch.endOffset());
                return above;
            });
            checkKeys();
            while (true) {
                long reclaimed = lmdb.lastReclaimed();
                assertTrue(reclaimed < maxEntries + MAX_UNIT, () -> "one call deleted " + reclaimed + " entries, "
                        + "asked for " + maxEntries);
                if (!more) {
                    break;
                }
                calls++;
                assertTrue(calls <= maxCalls, () -> "more than " + maxCalls + " calls to delete below " + min
                        + " by " + maxEntries + " with " + stored + " entries stored");
                more = index.deleteBelow(min, maxEntries);
            }
        }

        /** Every fixed key of every topic over all time. */
        void checkKeys() {
            for (String topic : TOPICS) {
                for (String key : KEYS) {
                    assertEquals(model.query(topic, key, Integer.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE),
                            index.query(topic, key, Integer.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE),
                            () -> "every entry of " + topic + "/" + key.substring(0, Math.min(key.length(), 9)));
                }
            }
        }

        void checkEveryName() {
            for (List<String> name : model.names()) {
                assertEquals(model.query(name.get(0), name.get(1), Integer.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE),
                        index.query(name.get(0), name.get(1), Integer.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE),
                        () -> "every entry of " + name);
            }
            for (String topic : TOPICS) {
                assertEquals(List.of(), index.query(topic, "never-used", 10, Long.MIN_VALUE, Long.MAX_VALUE));
            }
        }

        @Override
        public void close() {
            index.close();
        }
    }
}
