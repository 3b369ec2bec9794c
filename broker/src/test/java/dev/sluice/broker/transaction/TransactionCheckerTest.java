package dev.sluice.broker.transaction;

import dev.sluice.broker.StubRemotingServer;
import dev.sluice.broker.client.ClientChannel;
import dev.sluice.broker.client.ProducerRegistry;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.metadata.JsonFile;
import dev.sluice.broker.offset.ConsumerOffsetTable;
import dev.sluice.broker.topic.Perm;
import dev.sluice.broker.topic.TopicConfig;
import dev.sluice.broker.topic.TopicTable;
import dev.sluice.remoting.LanguageCode;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RequestCode;
import dev.sluice.store.AppendRequest;
import dev.sluice.store.DecodedMessage;
import dev.sluice.store.MessageCodec;
import dev.sluice.store.MessageProperties;
import dev.sluice.store.MessageStore;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.mmap.MmapMessageStore;
import dev.sluice.testing.CapturedLog;
import dev.sluice.testing.Deadline;
import dev.sluice.testing.MutableClock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.function.UnaryOperator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The check-back pass on an injected clock, with a recording stand-in for the producer's connection. */
class TransactionCheckerTest {
    private static final byte[] HOST = {127, 0, 0, 1};

    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock(System.currentTimeMillis());
    private final List<RemotingCommand> sent = new CopyOnWriteArrayList<>();
    private final RemotingConnection producer = StubRemotingServer.connection(5555);
    private MessageStore store;
    private TransactionLog log;
    private TransactionChecker checker;
    private TopicTable topics;

    @BeforeEach
    void open() throws Exception {
        store = MmapMessageStore.open(StoreConfig.builder().storePathRootDir(root)
                .set(StoreConfig.MAPPED_FILE_SIZE_COMMIT_LOG, String.valueOf(1 << 20))
                .set(StoreConfig.MESSAGE_INDEX_MAP_SIZE, String.valueOf(1 << 20))
                .storeHost(HOST, 10911).build(), StoreContext.defaults());
        BrokerConfig config = BrokerConfig.defaults();
        config.set(BrokerConfig.TRANSACTION_CHECK_MAX, "2");
        ConsumerOffsetTable offsets = new ConsumerOffsetTable(new JsonFile(root.resolve("consumerOffset.json")));
        topics = new TopicTable(config, new JsonFile(root.resolve("topics.json")));
        log = new TransactionLog(store, offsets, clock, HOST, 10911, UnaryOperator.identity());
        log.load();
        ProducerRegistry producers = new ProducerRegistry(clock);
        producers.heartbeat("G", new ClientChannel(producer, "producer-1", LanguageCode.JAVA, 407, clock.millis()));
        checker = new TransactionChecker(config, log, producers, new Recorder(), topics, clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void theFirstPassCreatesTheHalfTopicWithOneQueueAsRocketMqDoes() throws Exception {
        assertEquals(null, topics.get(HalfMessages.HALF_TOPIC), "no transaction has run");
        checkOnce();
        TopicConfig half = topics.get(HalfMessages.HALF_TOPIC);
        assertEquals(1, half.readQueueNums());
        assertEquals(1, half.writeQueueNums());
        assertEquals(Perm.READ | Perm.WRITE, half.perm());
    }

    @Test
    void checksAfterTheTimeoutThenGivesUpAfterTheMaximum() throws Exception {
        DecodedMessage half = half("tx-1", clock.millis(), Map.of());
        clock.advance(5_999);
        checkOnce();
        assertEquals(List.of(), sent, "not before transactionTimeOut (6 s)");

        clock.advance(2);
        checkOnce();
        assertEquals(1, sent.size());
        RemotingCommand check = sent.get(0);
        assertEquals(RequestCode.CHECK_TRANSACTION_STATE, check.code());
        assertEquals("tx-1", check.extField("msgId"));
        assertEquals("tx-1", check.extField("transactionId"));
        DecodedMessage copy = lookup(Long.parseLong(check.extField("commitLogOffset")));
        assertEquals(HalfMessages.HALF_TOPIC, copy.topic(), "the check names the re-written half message");
        assertEquals(copy.queueOffset(), Long.parseLong(check.extField("tranStateTableOffset")));
        assertEquals(1, HalfMessages.checkTimes(copy));
        assertFalse(log.isOpen(half), "the first copy is finished");
        DecodedMessage asSent = MessageCodec.decode(ByteBuffer.wrap(check.body()), 0);
        assertEquals("RealTopic", asSent.topic(), "the body is the message as on its real topic");
        assertEquals(3, asSent.queueId());
        assertEquals(copy.physicalOffset(), asSent.physicalOffset());
        assertEquals("body of tx-1", new String(asSent.body(), StandardCharsets.UTF_8));

        clock.advance(60_000);
        checkOnce();
        assertEquals(2, sent.size());
        DecodedMessage second = lookup(Long.parseLong(sent.get(1).extField("commitLogOffset")));
        assertEquals(2, HalfMessages.checkTimes(second));

        clock.advance(60_000);
        checkOnce();
        assertEquals(2, sent.size(), "transactionCheckMax checks, then no more");
        assertFalse(log.isOpen(second));
        Deadline.await("the half message is on the check-max topic", Duration.ofSeconds(10),
                () -> store.maxQueueOffset(HalfMessages.CHECK_MAX_TOPIC, 0) == 1);
    }

    @Test
    void immunityPostponesTheFirstCheck() throws Exception {
        half("tx-2", clock.millis(), Map.of(HalfMessages.CHECK_IMMUNITY_SECONDS, "20"));
        half("tx-3", clock.millis(), Map.of());
        clock.advance(10_000);
        checkOnce();
        assertEquals(List.of("tx-3"), checkedIds(), "only the transaction without immunity");
        clock.advance(10_001);
        checkOnce();
        assertEquals(List.of("tx-2", "tx-3", "tx-3"), checkedIds().stream().sorted().toList());
    }

    @Test
    void aProducerClockRunningAheadHoldsNeitherItsCheckNorOthers() throws Exception {
        // The broker's own clock (the store time) is the real one here.
        clock.set(System.currentTimeMillis());
        half("tx-ahead", clock.millis() + 3_600_000, Map.of());
        half("tx-on-time", clock.millis(), Map.of());
        clock.advance(6_500);
        checkOnce();
        assertEquals(List.of("tx-ahead", "tx-on-time"), checkedIds());
    }

    /** A group with no producer online: its checks count, and each pass says so once for the group. */
    @Test
    void aGroupWithoutAProducerOnlineIsReportedOncePerPassAndItsChecksCount() throws Exception {
        Map<String, String> gone = Map.of(HalfMessages.PGROUP, "Gone");
        DecodedMessage first = half("tx-gone-1", clock.millis(), gone);
        half("tx-gone-2", clock.millis(), gone);
        half("tx-here", clock.millis(), Map.of());
        clock.advance(6_001);
        try (CapturedLog captured = new CapturedLog()) {
            checkOnce();
            List<String> warned = captured.text().lines().filter(l -> l.contains("no producer of group")).toList();
            assertEquals(1, warned.size(), captured.text());
            assertTrue(warned.get(0).contains("WARN") && warned.get(0).contains("group Gone is online: 2 half messages"),
                    warned.get(0));
        }
        assertEquals(List.of("tx-here"), checkedIds());
        assertFalse(log.isOpen(first));

        clock.advance(60_000);
        checkOnce();
        clock.advance(60_000);
        try (CapturedLog captured = new CapturedLog()) {
            checkOnce();
            assertFalse(captured.text().contains("group Gone is online"), "given up, not checked: " + captured.text());
        }
        Deadline.await("both of Gone's half messages and tx-here are on the check-max topic", Duration.ofSeconds(10),
                () -> store.maxQueueOffset(HalfMessages.CHECK_MAX_TOPIC, 0) == 3);
    }

    private void checkOnce() throws Exception {
        // The pass reads the half queue, which the store builds just after each append.
        Deadline.await("the half queue holds every half message written", Duration.ofSeconds(10),
                () -> store.maxQueueOffset(HalfMessages.HALF_TOPIC, 0) == halfRecordsInCommitLog());
        checker.checkOnce();
    }

    private long halfRecordsInCommitLog() {
        long count = 0;
        long offset = store.minCommitLogOffset();
        while (offset < store.maxCommitLogOffset()) {
            ByteBuffer record = store.lookup(offset).orElseThrow();
            if (HalfMessages.HALF_TOPIC.equals(MessageCodec.topic(record, record.position()))) {
                count++;
            }
            offset += record.getInt(record.position());
        }
        return count;
    }

    private List<String> checkedIds() {
        return sent.stream().map(c -> c.extField("msgId")).toList();
    }

    private DecodedMessage half(String uniqKey, long born, Map<String, String> extra) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(MessageProperties.UNIQ_KEY, uniqKey);
        properties.put(HalfMessages.PGROUP, "G");
        properties.put(HalfMessages.TRAN_MSG, "true");
        properties.putAll(extra);
        AppendRequest send = new AppendRequest("RealTopic", 3, 0,
                ByteBuffer.wrap(("body of " + uniqKey).getBytes(StandardCharsets.UTF_8)),
                MessageProperties.bytes(MessageProperties.encode(properties)), 0, born, HOST, 5555, 0, 0);
        return lookup(store.append(HalfMessages.toHalf(send)).join().commitLogOffset());
    }

    private DecodedMessage lookup(long commitLogOffset) {
        ByteBuffer record = store.lookup(commitLogOffset).orElseThrow();
        return MessageCodec.decode(record, record.position());
    }

    private final class Recorder extends StubRemotingServer {
        @Override
        public void invokeOneway(RemotingConnection connection, RemotingCommand request) {
            assertSame(producer, connection);
            sent.add(request);
        }
    }
}
