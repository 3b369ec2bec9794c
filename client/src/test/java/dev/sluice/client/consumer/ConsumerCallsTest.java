package dev.sluice.client.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.client.MessageQueue;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.internal.MessageDecoder;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.protocol.body.CMResult;
import org.apache.rocketmq.common.protocol.body.ConsumeMessageDirectlyResult;
import org.apache.rocketmq.common.protocol.body.ConsumeStatus;
import org.apache.rocketmq.common.protocol.body.ConsumerRunningInfo;
import org.apache.rocketmq.common.protocol.body.GetConsumerStatusBody;
import org.apache.rocketmq.common.protocol.body.ProcessQueueInfo;
import org.apache.rocketmq.common.protocol.heartbeat.SubscriptionData;
import org.junit.jupiter.api.Test;

/** The answers to GET_CONSUMER_RUNNING_INFO and CONSUME_MESSAGE_DIRECTLY, read back with the official 4.9.7 classes. */
class ConsumerCallsTest {
    private static final String GROUP = "CallsGroup";
    private static final MessageQueue QUEUE = new MessageQueue("CallsTopic", "broker-a", 1);

    private final Map<MessageQueue, ProcessQueue> queues = new ConcurrentHashMap<>();
    private final ConsumeStats stats = new ConsumeStats();
    private final AtomicReference<List<ReceivedMessage>> seen = new AtomicReference<>();
    private final AtomicReference<Object> answer = new AtomicReference<>(ConsumeResult.SUCCESS);

    private ConsumerCalls calls(Consumption consumption) {
        return new ConsumerCalls(GROUP, () -> Map.of("consumerGroup", GROUP, "PROP_CONSUME_TYPE", "CONSUME_PASSIVELY",
                "PROP_CONSUMER_START_TIMESTAMP", "1700000000000"),
                () -> List.of(Subscription.of("CallsTopic", "TagA || TagB").expression().toSubscriptionData("CallsTopic", 7)),
                queues, stats, consumption);
    }

    private ConcurrentConsumption concurrent() {
        return new ConcurrentConsumption(messages -> {
            seen.set(messages);
            if (answer.get() instanceof RuntimeException e) {
                throw e;
            }
            return (ConsumeResult) answer.get();
        }, null, null, 1, MessageModel.CLUSTERING, null, null, stats);
    }

    private OrderlyConsumption orderly() {
        return new OrderlyConsumption(messages -> {
            seen.set(messages);
            return OrderlyResult.SUSPEND_CURRENT_QUEUE_A_MOMENT;
        }, null, null, 1, true, 1000, null, null, Integer.MAX_VALUE, stats);
    }

    /** One stored record, as the official encoder writes it, on {@code topic}. */
    private static byte[] record(String topic, long queueOffset, Map<String, String> properties) {
        MessageExt m = new MessageExt();
        m.setTopic(topic);
        m.setQueueId(QUEUE.queueId());
        m.setQueueOffset(queueOffset);
        m.setCommitLogOffset(4096 + queueOffset);
        m.setBornTimestamp(1_700_000_000_000L);
        m.setStoreTimestamp(1_700_000_000_100L);
        m.setBornHost(new InetSocketAddress("10.1.2.3", 40000));
        m.setStoreHost(new InetSocketAddress("127.0.0.1", 10911));
        properties.forEach((key, value) -> org.apache.rocketmq.common.message.MessageAccessor.putProperty(m, key, value));
        m.setBody(("body " + queueOffset).getBytes(StandardCharsets.UTF_8));
        try {
            return org.apache.rocketmq.common.message.MessageDecoder.encode(m, false);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static RemotingCommand request(int code, String group) {
        return RemotingCommand.request(code).putExtField("consumerGroup", group).putExtField("clientId", "127.0.0.1@x")
                .putExtField("brokerName", "broker-a");
    }

    @Test
    void runningInfoIsWhatTheOfficialAdminReads() throws Exception {
        ProcessQueue pq = new ProcessQueue(QUEUE, 5);
        List<ReceivedMessage> fetched = new ArrayList<>();
        for (long offset = 5; offset < 8; offset++) {
            fetched.addAll(MessageDecoder.decodeAll(record(QUEUE.topic(), offset, Map.of()), "broker-a"));
        }
        pq.tracker.fetched(new long[] {5, 6, 7}, 8);
        pq.buffered(fetched);
        pq.released(fetched.get(1));
        queues.put(QUEUE, pq);
        long now = System.currentTimeMillis();
        stats.pulled(QUEUE.topic(), 3, 4, now);
        stats.consumed(QUEUE.topic(), 1, 0, 2, now);

        RemotingCommand response = calls(concurrent()).runningInfo(request(RequestCode.GET_CONSUMER_RUNNING_INFO, GROUP));
        assertEquals(ResponseCode.SUCCESS, response.code(), response.remark());
        ConsumerRunningInfo info = ConsumerRunningInfo.decode(response.body(), ConsumerRunningInfo.class);
        ProcessQueueInfo queue = info.getMqTable().get(new org.apache.rocketmq.common.message.MessageQueue(
                QUEUE.topic(), QUEUE.brokerName(), QUEUE.queueId()));
        assertEquals(5, queue.getCommitOffset(), "offset 5 is not processed yet");
        assertEquals(5, queue.getCachedMsgMinOffset());
        assertEquals(7, queue.getCachedMsgMaxOffset());
        assertEquals(2, queue.getCachedMsgCount());
        assertFalse(queue.isDroped());
        assertTrue(queue.getLastConsumeTimestamp() > 0);
        SubscriptionData subscription = info.getSubscriptionSet().first();
        assertEquals("TagA || TagB", subscription.getSubString());
        assertEquals(7, subscription.getSubVersion());
        assertEquals(GROUP, info.getProperties().getProperty("consumerGroup"));
        ConsumeStatus status = info.getStatusTable().get(QUEUE.topic());
        assertEquals(4.0, status.getPullRT(), 1e-9);
        assertEquals(2.0, status.getConsumeRT(), 1e-9);
        assertNull(info.getJstack(), "not asked for");
        // what mqadmin consumerStatus does with it
        assertTrue(info.formatString().contains("CallsTopic"));
        assertTrue(ConsumerRunningInfo.analyzeSubscription(new TreeMap<>(Map.of("127.0.0.1@x", info))));
        assertEquals("", ConsumerRunningInfo.analyzeProcessQueue("127.0.0.1@x", info), "nothing looks stuck");

        RemotingCommand withStacks = calls(concurrent()).runningInfo(request(RequestCode.GET_CONSUMER_RUNNING_INFO, GROUP)
                .putExtField("jstackEnable", true));
        String jstack = ConsumerRunningInfo.decode(withStacks.body(), ConsumerRunningInfo.class).getJstack();
        assertTrue(jstack.contains("Thread: " + Thread.currentThread().getName()), jstack);
    }

    @Test
    void offsetsAreWhatEachQueueOfTheTopicWouldCommit() {
        ProcessQueue pq = new ProcessQueue(QUEUE, 5);
        pq.tracker.fetched(new long[] {5, 6}, 7);
        pq.tracker.processed(5);
        queues.put(QUEUE, pq);
        MessageQueue other = new MessageQueue("OtherTopic", "broker-a", 0);
        queues.put(other, new ProcessQueue(other, 9));
        RemotingCommand asked = RemotingCommand.request(RequestCode.GET_CONSUMER_STATUS_FROM_CLIENT)
                .putExtField("topic", QUEUE.topic()).putExtField("group", GROUP);
        RemotingCommand response = calls(concurrent()).offsets(asked);
        assertEquals(ResponseCode.SUCCESS, response.code());
        GetConsumerStatusBody body = GetConsumerStatusBody.decode(response.body(), GetConsumerStatusBody.class);
        assertEquals(Map.of(new org.apache.rocketmq.common.message.MessageQueue(QUEUE.topic(), QUEUE.brokerName(),
                QUEUE.queueId()), 6L), body.getMessageQueueTable(), "offset 6 is still being consumed");

        RemotingCommand otherGroup = calls(concurrent()).offsets(RemotingCommand.request(
                RequestCode.GET_CONSUMER_STATUS_FROM_CLIENT).putExtField("topic", QUEUE.topic()).putExtField("group", "G2"));
        assertEquals(Map.of(), GetConsumerStatusBody.decode(otherGroup.body(), GetConsumerStatusBody.class)
                .getMessageQueueTable());
    }

    @Test
    void anotherGroupIsRefusedAsRocketMqsClientDoes() {
        for (int code : new int[] {RequestCode.GET_CONSUMER_RUNNING_INFO, RequestCode.CONSUME_MESSAGE_DIRECTLY}) {
            ConsumerCalls calls = calls(concurrent());
            RemotingCommand request = request(code, "OtherGroup").setBody(record(QUEUE.topic(), 0, Map.of()));
            RemotingCommand response = code == RequestCode.GET_CONSUMER_RUNNING_INFO ? calls.runningInfo(request)
                    : calls.consumeDirectly(request);
            assertEquals(ResponseCode.SYSTEM_ERROR, response.code());
            assertEquals("The Consumer Group <OtherGroup> not exist in this consumer", response.remark());
        }
        assertNull(seen.get(), "the listener was not called");
    }

    private ConsumeMessageDirectlyResult direct(Consumption consumption, byte[] body) {
        RemotingCommand response = calls(consumption).consumeDirectly(
                request(RequestCode.CONSUME_MESSAGE_DIRECTLY, GROUP).setBody(body));
        assertEquals(ResponseCode.SUCCESS, response.code(), response.remark());
        return ConsumeMessageDirectlyResult.decode(response.body(), ConsumeMessageDirectlyResult.class);
    }

    @Test
    void directConsumptionReportsWhatTheListenerAnswered() {
        byte[] retried = record("%RETRY%" + GROUP, 3, Map.of("RETRY_TOPIC", QUEUE.topic()));
        ConsumeMessageDirectlyResult ok = direct(concurrent(), retried);
        assertEquals(CMResult.CR_SUCCESS, ok.getConsumeResult());
        assertFalse(ok.isOrder());
        assertTrue(ok.isAutoCommit());
        assertEquals(QUEUE.topic(), seen.get().get(0).topic(), "a retried message is shown under its first topic");
        assertEquals("body 3", new String(seen.get().get(0).body(), StandardCharsets.UTF_8));

        byte[] plain = record(QUEUE.topic(), 4, Map.of());
        answer.set(ConsumeResult.RETRY_LATER);
        assertEquals(CMResult.CR_LATER, direct(concurrent(), plain).getConsumeResult());
        answer.set(null);
        assertEquals(CMResult.CR_RETURN_NULL, direct(concurrent(), plain).getConsumeResult());
        answer.set(new IllegalStateException("listener broke"));
        ConsumeMessageDirectlyResult threw = direct(concurrent(), plain);
        assertEquals(CMResult.CR_THROW_EXCEPTION, threw.getConsumeResult());
        assertTrue(threw.getRemark().contains("listener broke"), threw.getRemark());

        ConsumeMessageDirectlyResult suspended = direct(orderly(), plain);
        assertEquals(CMResult.CR_LATER, suspended.getConsumeResult());
        assertTrue(suspended.isOrder());
        assertEquals(Map.of(), stats.statusTable(System.currentTimeMillis()), "direct consumption is not counted");
    }

    @Test
    void aConsumerWithoutConsumptionCannotConsumeDirectly() {
        RemotingCommand response = calls(null).consumeDirectly(request(RequestCode.CONSUME_MESSAGE_DIRECTLY, GROUP)
                .setBody(record(QUEUE.topic(), 0, Map.of())));
        assertEquals(ResponseCode.SYSTEM_ERROR, response.code());
        assertEquals("The Consumer Group <CallsGroup> not exist in this consumer", response.remark());
    }

    @Test
    void aBodyThatIsNotOneRecordIsRefused() {
        ConsumerCalls calls = calls(concurrent());
        RemotingCommand garbage = calls.consumeDirectly(request(RequestCode.CONSUME_MESSAGE_DIRECTLY, GROUP)
                .setBody(new byte[] {1, 2, 3}));
        assertEquals(ResponseCode.SYSTEM_ERROR, garbage.code());
        assertTrue(garbage.remark().contains("malformed message record"), garbage.remark());
        byte[] one = record(QUEUE.topic(), 0, Map.of());
        byte[] two = new byte[one.length * 2];
        System.arraycopy(one, 0, two, 0, one.length);
        System.arraycopy(one, 0, two, one.length, one.length);
        RemotingCommand twoRecords = calls.consumeDirectly(request(RequestCode.CONSUME_MESSAGE_DIRECTLY, GROUP).setBody(two));
        assertEquals("expected one message record, got 2", twoRecords.remark());
        assertNull(seen.get(), "the listener was not called");
    }
}
