package dev.sluice.broker.transaction;

import dev.sluice.broker.metadata.JsonFile;
import dev.sluice.broker.offset.ConsumerOffsetTable;
import dev.sluice.store.AppendRequest;
import dev.sluice.store.DecodedMessage;
import dev.sluice.store.MessageCodec;
import dev.sluice.store.MessageProperties;
import dev.sluice.store.MessageStore;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.mmap.MmapMessageStore;
import dev.sluice.testing.Deadline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.util.function.UnaryOperator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The transaction log against a model of each transaction's state, through ends naming any copy of the half
 * message, check re-writes, give-ups, and restarts with or without the progress saved: every transaction ends at
 * most once, a committed one is on its topic exactly once, and the open set survives restarts.
 */
class TransactionLogProperties {
    private static final byte[] HOST = {127, 0, 0, 1};
    private static final String REAL = "RealTopic";

    sealed interface Step permits Send, End, Check, GiveUp, Restart {
    }

    record Send(int tx) implements Step {
    }

    /** @param copy which copy of the half message the end names, counted from the oldest (clamped) */
    record End(int tx, int copy, boolean commit) implements Step {
    }

    record Check(int tx) implements Step {
    }

    record GiveUp(int tx) implements Step {
    }

    record Restart(boolean progressSaved) implements Step {
    }

    enum State { OPEN, COMMITTED, ROLLED_BACK, GIVEN_UP }

    @Property(tries = 40)
    void transactionsEndOnceAndSurviveRestarts(@ForAll("steps") List<Step> steps) throws Exception {
        Path root = Files.createTempDirectory("sluice-tx-model");
        StoreConfig config = StoreConfig.builder().storePathRootDir(root)
                .set(StoreConfig.MAPPED_FILE_SIZE_COMMIT_LOG, String.valueOf(1 << 20))
                .set(StoreConfig.MAPPED_FILE_SIZE_CONSUME_QUEUE, "6000")
                .set(StoreConfig.MESSAGE_INDEX_MAP_SIZE, String.valueOf(1 << 20))
                .storeHost(HOST, 10911).build();
        ConsumerOffsetTable offsets = new ConsumerOffsetTable(new JsonFile(root.resolve("consumerOffset.json")));
        MessageStore store = MmapMessageStore.open(config, StoreContext.defaults());
        try {
            TransactionLog log = open(store, offsets);
            Map<Integer, State> model = new LinkedHashMap<>();
            Map<Integer, List<DecodedMessage>> copies = new HashMap<>();
            for (Step step : steps) {
                if (step instanceof Send s) {
                    if (!model.containsKey(s.tx())) {
                        copies.computeIfAbsent(s.tx(), t -> new ArrayList<>()).add(sendHalf(store, s.tx()));
                        model.put(s.tx(), State.OPEN);
                    }
                } else if (step instanceof End e && model.containsKey(e.tx())) {
                    List<DecodedMessage> txCopies = copies.get(e.tx());
                    DecodedMessage named = txCopies.get(Math.min(e.copy(), txCopies.size() - 1));
                    TransactionLog.Outcome expected = model.get(e.tx()) == State.OPEN
                            ? TransactionLog.Outcome.ENDED : TransactionLog.Outcome.ALREADY_ENDED;
                    assertEquals(expected, log.end(named, e.commit()), step.toString());
                    if (expected == TransactionLog.Outcome.ENDED) {
                        model.put(e.tx(), e.commit() ? State.COMMITTED : State.ROLLED_BACK);
                    }
                } else if (step instanceof Check c && model.containsKey(c.tx())) {
                    List<DecodedMessage> txCopies = copies.get(c.tx());
                    DecodedMessage newest = txCopies.get(txCopies.size() - 1);
                    DecodedMessage copy = log.putBack(newest, HalfMessages.checkTimes(newest) + 1);
                    if (model.get(c.tx()) == State.OPEN) {
                        assertNotNull(copy, step.toString());
                        assertEquals(HalfMessages.checkTimes(newest) + 1, HalfMessages.checkTimes(copy));
                        txCopies.add(copy);
                    } else {
                        assertNull(copy, step + " of an ended transaction");
                    }
                } else if (step instanceof GiveUp g && model.containsKey(g.tx())) {
                    List<DecodedMessage> txCopies = copies.get(g.tx());
                    boolean open = model.get(g.tx()) == State.OPEN;
                    assertEquals(open, log.discard(txCopies.get(txCopies.size() - 1)), step.toString());
                    if (open) {
                        model.put(g.tx(), State.GIVEN_UP);
                    }
                } else if (step instanceof Restart r) {
                    if (r.progressSaved()) {
                        log.saveProgress();
                    }
                    store.close();
                    store = MmapMessageStore.open(config, StoreContext.defaults());
                    log = open(store, offsets);
                }
                for (Map.Entry<Integer, List<DecodedMessage>> tx : copies.entrySet()) {
                    List<DecodedMessage> txCopies = tx.getValue();
                    assertEquals(model.get(tx.getKey()) == State.OPEN, log.isOpen(txCopies.get(txCopies.size() - 1)),
                            "transaction " + tx.getKey() + " open after " + step);
                }
            }
            MessageStore finalStore = store;
            // Consume queues are built just after the append: wait for them before reading the topics.
            Deadline.await("committed messages readable", Duration.ofSeconds(10),
                    () -> keysOn(finalStore, REAL).size() >= keys(model, State.COMMITTED).size()
                            && keysOn(finalStore, HalfMessages.CHECK_MAX_TOPIC).size() >= keys(model, State.GIVEN_UP).size());
            assertEquals(keys(model, State.COMMITTED), keysOn(store, REAL), "each committed transaction once on its topic");
            assertEquals(keys(model, State.GIVEN_UP), keysOn(store, HalfMessages.CHECK_MAX_TOPIC));
        } finally {
            store.close();
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Integer> tx = Arbitraries.integers().between(0, 4);
        Arbitrary<Step> send = tx.map(Send::new);
        Arbitrary<Step> end = Combinators.combine(tx, Arbitraries.integers().between(0, 3), Arbitraries.of(true, false))
                .as(End::new);
        Arbitrary<Step> check = tx.map(Check::new);
        Arbitrary<Step> giveUp = tx.map(GiveUp::new);
        Arbitrary<Step> restart = Arbitraries.of(true, false).map(Restart::new);
        return Arbitraries.frequencyOf(Tuple.of(4, send), Tuple.of(4, end), Tuple.of(4, check), Tuple.of(1, giveUp),
                Tuple.of(1, restart)).list().ofMaxSize(40);
    }

    private static TransactionLog open(MessageStore store, ConsumerOffsetTable offsets) {
        TransactionLog log = new TransactionLog(store, offsets, Clock.systemUTC(), HOST, 10911, UnaryOperator.identity());
        log.load();
        return log;
    }

    private static DecodedMessage sendHalf(MessageStore store, int tx) {
        String properties = MessageProperties.encode(Map.of(MessageProperties.UNIQ_KEY, "tx-" + tx,
                HalfMessages.PGROUP, "G", HalfMessages.TRAN_MSG, "true"));
        AppendRequest send = AppendRequest.of(REAL, 0, ("body " + tx).getBytes(StandardCharsets.UTF_8), properties,
                System.currentTimeMillis());
        long offset = store.append(HalfMessages.toHalf(send)).join().commitLogOffset();
        ByteBuffer record = store.lookup(offset).orElseThrow();
        return MessageCodec.decode(record, record.position());
    }

    private static List<String> keys(Map<Integer, State> model, State state) {
        List<String> keys = new ArrayList<>();
        model.forEach((tx, s) -> {
            if (s == state) {
                keys.add("tx-" + tx);
            }
        });
        keys.sort(null);
        return keys;
    }

    private static List<String> keysOn(MessageStore store, String topic) {
        List<String> keys = new ArrayList<>();
        TransactionLog reader = new TransactionLog(store, null, Clock.systemUTC(), HOST, 0, UnaryOperator.identity());
        reader.scan(topic, 0, store.maxQueueOffset(topic, 0), m -> keys.add(m.property(MessageProperties.UNIQ_KEY)));
        keys.sort(null);
        return keys;
    }
}
