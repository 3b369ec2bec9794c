package dev.sluice.index.lmdb;

import dev.sluice.store.spi.IndexBatch;
import dev.sluice.store.spi.KeyIndex;
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
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random sequences of dispatch batches, queries, truncations, retention and reopening: after every step the
 * index answers exactly what a plain in-memory multimap answers.
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
            long offset = (long) (at * h.model.applied());
            h.index.truncateFrom(offset);
            h.model.truncateFrom(offset);
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
            h.index = h.opener.apply(h.dir);
        }
    }

    /** Tiny runs built by puts, one merge step after every put: merges span operations, deterministically. */
    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void agreesWithModel(@ForAll("ops") List<Op> ops) throws IOException {
        run(ops, dir -> TestIndexes.open(dir, TestIndexes.SMALL_MAP, TestIndexes.TINY_RUNS));
    }

    /** Tiny runs built and merged by the index's own thread, concurrently with everything else. */
    @Property(tries = 60, edgeCases = EdgeCasesMode.NONE)
    void agreesWithModelWithBackgroundMerges(@ForAll("ops") List<Op> ops) throws IOException {
        run(ops, dir -> TestIndexes.open(dir, TestIndexes.SMALL_MAP, TestIndexes.TINY_BACKGROUND));
    }

    /** The shipped shape: at this size everything stays in the tail until it is old enough. */
    @Property(tries = 40, edgeCases = EdgeCasesMode.NONE)
    void agreesWithModelAsShipped(@ForAll("ops") List<Op> ops) throws IOException {
        run(ops, dir -> TestIndexes.open(dir, TestIndexes.SMALL_MAP));
    }

    /** Runs hold only name hashes: with a hash of two values the names must still stay apart. */
    @Property(tries = 60, edgeCases = EdgeCasesMode.NONE)
    void agreesWithModelWhenNamesShareHashes(@ForAll("ops") List<Op> ops) throws IOException {
        run(ops, dir -> LmdbKeyIndex.open(dir, TestIndexes.SMALL_MAP, (name, length) -> length & 1,
                TestIndexes.TINY_RUNS));
    }

    private static void run(List<Op> ops, Function<Path, KeyIndex> opener) throws IOException {
        Path root = Files.createTempDirectory("key-index-model");
        try (Harness h = new Harness(root.resolve("index"), opener)) {
            for (Op op : ops) {
                op.run(h);
                assertEquals(h.model.applied(), h.index.appliedOffset(), () -> "applied offset after " + op);
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
                Tuple.of(1, Arbitraries.just(new ReapplyLast())), Tuple.of(1, Arbitraries.just(new Reopen()))
        ).list().ofMinSize(1).ofMaxSize(60).withSizeDistribution(RandomDistribution.uniform());
    }

    static final class Harness implements AutoCloseable {
        private final Path dir;
        private final Function<Path, KeyIndex> opener;
        private final IndexModel model = new IndexModel();
        private KeyIndex index;
        private IndexBatch lastBatch = new IndexBatch();
        private long lastTs = FIRST_TS;
        private long uniqKeys;

        Harness(Path dir, Function<Path, KeyIndex> opener) {
            this.dir = dir;
            this.opener = opener;
            this.index = opener.apply(dir);
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
            LmdbKeyIndex lmdb = (LmdbKeyIndex) index;
            long stored = lmdb.storedEntries();
            long maxCalls = 2 + stored / maxEntries;
            long calls = 1;
            boolean more = index.deleteBelow(min, maxEntries);
            model.deleteBelow(min);
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
