package dev.sluice.broker.transaction;

import dev.sluice.broker.client.ProducerRegistry;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.send.MessageIds;
import dev.sluice.broker.topic.Perm;
import dev.sluice.broker.topic.TopicConfig;
import dev.sluice.broker.topic.TopicTable;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RemotingServer;
import dev.sluice.remoting.RequestCode;
import dev.sluice.store.AppendRequest;
import dev.sluice.store.DecodedMessage;
import dev.sluice.store.MessageCodec;
import dev.sluice.store.MessageProperties;
import dev.sluice.store.MessageRecordDescriptor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code transactionCheckInterval}, asks a live producer of the group how each half message older than
 * {@code transactionTimeOut} (or its CHECK_IMMUNITY_TIME_IN_SECONDS) ended (CHECK_TRANSACTION_STATE, oneway; the
 * producer answers with END_TRANSACTION). A half message checked {@code transactionCheckMax} times without an end
 * is given up to the check-max topic.
 */
public final class TransactionChecker {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionChecker.class);

    private final BrokerConfig config;
    private final TransactionLog log;
    private final ProducerRegistry producers;
    private final RemotingServer server;
    private final TopicTable topics;
    private final Clock clock;
    /** Per producer group, the half messages of this pass that no producer was online to be asked about. */
    private final Map<String, Integer> unasked = new TreeMap<>();

    TransactionChecker(BrokerConfig config, TransactionLog log, ProducerRegistry producers, RemotingServer server,
                       TopicTable topics, Clock clock) {
        this.config = config;
        this.log = log;
        this.producers = producers;
        this.server = server;
        this.topics = topics;
        this.clock = clock;
    }

    /** Runs a check round every {@code transactionCheckInterval} (re-read each time) on {@code executor}. */
    void start(ScheduledExecutorService executor) {
        executor.schedule(() -> {
            try {
                checkOnce();
            } catch (RuntimeException e) {
                LOG.error("transaction check round failed", e);
            }
            if (!executor.isShutdown()) {
                start(executor);
            }
        }, config.transactionCheckInterval(), TimeUnit.MILLISECONDS);
    }

    /** One pass over the open half messages; a slave leaves checking to its master. */
    void checkOnce() {
        if ("SLAVE".equals(config.brokerRole())) {
            return;
        }
        // As RocketMQ's first check pass does: the half topic is listed (topicList, wipeWritePerm) before any
        // transaction has used it.
        topics.getOrCreate(TopicConfig.of(HalfMessages.HALF_TOPIC, 1, Perm.READ | Perm.WRITE));
        if (config.checkTransactionMessageEnable()) {
            long now = clock.millis();
            // Copies written during this pass land beyond this end: each transaction is checked once per pass.
            long end = log.halfEnd();
            log.scan(HalfMessages.HALF_TOPIC, log.halfProgress(), end, half -> visit(half, now));
            reportUnasked();
        }
        log.saveProgress();
    }

    /**
     * One line per group and pass (RocketMQ warns for each message): the checks still count, so a group whose
     * producers stay away has its transactions given up after transactionCheckMax passes.
     */
    private void reportUnasked() {
        unasked.forEach((group, count) -> LOG.warn("no producer of group {} is online: {} half messages could not be "
                + "checked this pass (each pass counts toward transactionCheckMax {})", group, count,
                config.transactionCheckMax()));
        unasked.clear();
    }

    /** @return false to end the pass: later half messages are younger */
    private boolean visit(DecodedMessage half, long now) {
        if (!log.isOpen(half)) {
            return true;
        }
        // Born time is the producer's clock: one running ahead must not hold the check back (or the whole pass).
        long age = now - Math.min(half.bornTimestamp(), half.storeTimestamp());
        int checks = HalfMessages.checkTimes(half);
        String immunity = half.property(HalfMessages.CHECK_IMMUNITY_SECONDS);
        if (immunity != null) {
            if (age < immunityMillis(immunity)) {
                if (half.queueOffset() == log.halfProgress()) {
                    // Moved to the end, uncounted, so one long immunity does not pin the progress of every pass.
                    log.putBack(half, checks);
                }
                return true;
            }
        } else if (age < config.transactionTimeOut()) {
            return false;
        }
        if (checks >= config.transactionCheckMax() || !HalfMessages.hasDestination(half)) {
            topics.getOrCreate(TopicConfig.of(HalfMessages.CHECK_MAX_TOPIC, 1, Perm.READ | Perm.WRITE));
            if (log.discard(half)) {
                LOG.warn("half message {} of producer group {} given up after {} checks; kept on {}",
                        half.property(MessageProperties.UNIQ_KEY), half.property(HalfMessages.PGROUP), checks,
                        HalfMessages.CHECK_MAX_TOPIC);
            }
            return true;
        }
        DecodedMessage copy = log.putBack(half, checks + 1);
        if (copy == null) {
            if (log.isOpen(half)) {
                LOG.warn("could not re-write half message at {}: {}", half.queueOffset(), log.lastFailure());
            }
            return true;
        }
        String group = half.property(HalfMessages.PGROUP);
        Optional<RemotingConnection> producer = group == null ? Optional.empty() : producers.anyActive(group);
        if (producer.isPresent()) {
            server.invokeOneway(producer.get(), checkRequest(copy));
        } else {
            unasked.merge(String.valueOf(group), 1, Integer::sum);
        }
        return true;
    }

    /** The header names both offsets of the copy; the body is the copy as it would sit on its real topic. */
    static RemotingCommand checkRequest(DecodedMessage copy) {
        String uniq = copy.property(MessageProperties.UNIQ_KEY);
        RemotingCommand request = RemotingCommand.request(RequestCode.CHECK_TRANSACTION_STATE)
                .putExtField("tranStateTableOffset", copy.queueOffset())
                .putExtField("commitLogOffset", copy.physicalOffset())
                .putExtField("offsetMsgId", MessageIds.offsetMsgId(copy.storeHost(), copy.storePort(), copy.physicalOffset()));
        if (uniq != null) {
            request.putExtField("msgId", uniq).putExtField("transactionId", uniq);
        }
        return request.setBody(asOnRealTopic(copy));
    }

    private static byte[] asOnRealTopic(DecodedMessage copy) {
        String topic = copy.property(HalfMessages.REAL_TOPIC);
        AppendRequest m = new AppendRequest(topic, HalfMessages.realQueueId(copy), copy.flag(), ByteBuffer.wrap(copy.body()),
                copy.properties().getBytes(StandardCharsets.UTF_8), copy.sysFlag(), copy.bornTimestamp(),
                copy.bornHost(), copy.bornPort(), copy.reconsumeTimes(), copy.preparedTransactionOffset());
        ByteBuffer out = ByteBuffer.allocate(copy.totalSize() + 128);
        int length = MessageCodec.encode(m, MessageCodec.topicBytes(topic), copy.storeHost(), copy.storePort(),
                new CRC32(), out);
        MessageRecordDescriptor.stamp(out, 0, copy.queueOffset(), copy.physicalOffset(), copy.storeTimestamp());
        byte[] record = new byte[length];
        out.get(0, record);
        return record;
    }

    private static long immunityMillis(String seconds) {
        try {
            return Long.parseLong(seconds.trim()) * 1000;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
