package dev.sluice.broker.retry;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.group.SubscriptionGroupConfig;
import dev.sluice.broker.group.SubscriptionGroupTable;
import dev.sluice.broker.schedule.DelayRouter;
import dev.sluice.broker.send.MessageIds;
import dev.sluice.broker.topic.Perm;
import dev.sluice.broker.topic.SystemTopics;
import dev.sluice.broker.topic.TopicConfig;
import dev.sluice.broker.topic.TopicTable;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingCommandException;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RemotingServer;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.store.AppendRequest;
import dev.sluice.store.AppendResult;
import dev.sluice.store.DecodedMessage;
import dev.sluice.store.MessageCodec;
import dev.sluice.store.MessageProperties;
import dev.sluice.store.MessageStore;
import dev.sluice.store.SysFlag;
import dev.sluice.store.TopicNames;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * CONSUMER_SEND_MSG_BACK: a consumer could not process a message. The stored message is copied to the group's
 * {@code %RETRY%<group>} topic, delayed by the next level (3 + times already reconsumed, unless the consumer chose
 * one); once it has been reconsumed the group's {@code retryMaxTimes} (or the request's maxReconsumeTimes) it goes to
 * {@code %DLQ%<group>} instead, undelayed. The copy keeps body, flag, keys, tags and UNIQ_KEY (the client's msgId),
 * records where it came from in {@code RETRY_TOPIC} and {@code ORIGIN_MESSAGE_ID}, and counts one more reconsume.
 */
public final class SendBackProcessor implements RequestProcessor {
    public static final String RETRY_TOPIC = "RETRY_TOPIC";
    static final String ORIGIN_MESSAGE_ID = "ORIGIN_MESSAGE_ID";
    /** Oldest client version whose maxReconsumeTimes header is honoured (V3_4_9). */
    private static final int MAX_RECONSUME_HEADER_VERSION = 121;
    private static final int DLQ_QUEUES = 1;

    private final BrokerConfig config;
    private final TopicTable topics;
    private final SubscriptionGroupTable groups;
    private final MessageStore store;
    private final DelayRouter router;
    private final RemotingServer server;

    public SendBackProcessor(BrokerConfig config, TopicTable topics, SubscriptionGroupTable groups, MessageStore store,
                             DelayRouter router, RemotingServer server) {
        this.config = config;
        this.topics = topics;
        this.groups = groups;
        this.store = store;
        this.router = router;
        this.server = server;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request) throws Exception {
        long offset = request.requireLongExtField("offset");
        String group = request.requireExtField("group");
        int delayLevel = intField(request, "delayLevel", 0);
        Integer maxHeader = request.extField("maxReconsumeTimes") == null ? null
                : intField(request, "maxReconsumeTimes", 0);
        RemotingCommand response = RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
        if (config.isSlave()) {
            // As a slave answers a send: the 4.9.7 client then sends the message to the retry topic itself.
            return fail(response, ResponseCode.SERVICE_NOT_AVAILABLE, "service not available now: the broker["
                    + config.brokerIP1() + "] is a slave (brokerRole=SLAVE) and takes no sends back");
        }

        String problem = TopicNames.problem(SystemTopics.retryTopic(group));
        if (problem != null) {
            // Else the message is acknowledged here and dropped when its delay ends: the store refuses the topic.
            return fail(response, ResponseCode.SYSTEM_ERROR, "the consumer group [" + group
                    + "] cannot have a retry topic: " + problem);
        }
        SubscriptionGroupConfig groupConfig = groups.findOrCreate(group);
        if (groupConfig == null) {
            return fail(response, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, "subscription group not exist, " + group);
        }
        if (!Perm.writeable(config.brokerPermission())) {
            return fail(response, ResponseCode.NO_PERMISSION,
                    "the broker[" + config.brokerIP1() + "] sending message is forbidden");
        }
        if (groupConfig.retryQueueNums() <= 0) {
            return response;
        }
        String retryTopic = SystemTopics.retryTopic(group);
        TopicConfig retry = topics.getOrCreate(TopicConfig.of(retryTopic, groupConfig.retryQueueNums(),
                Perm.READ | Perm.WRITE));
        if (!Perm.writeable(retry.perm())) {
            return fail(response, ResponseCode.NO_PERMISSION, "the topic[" + retryTopic + "] sending message is forbidden");
        }
        Optional<ByteBuffer> record = store.lookup(offset);
        if (record.isEmpty()) {
            return fail(response, ResponseCode.SYSTEM_ERROR, "look message by offset failed, " + offset);
        }
        ByteBuffer buf = record.get();
        DecodedMessage original = MessageCodec.decode(buf, buf.position());

        int maxReconsumeTimes = groupConfig.retryMaxTimes();
        if (maxHeader != null && request.version() >= MAX_RECONSUME_HEADER_VERSION) {
            maxReconsumeTimes = maxHeader;
        }
        Map<String, String> properties = original.propertyMap();
        properties.putIfAbsent(RETRY_TOPIC, original.topic());
        String origin = properties.get(ORIGIN_MESSAGE_ID);
        if (origin == null || origin.isBlank()) {
            String uniqueKey = properties.get(MessageProperties.UNIQ_KEY);
            properties.put(ORIGIN_MESSAGE_ID, uniqueKey != null && !uniqueKey.isBlank() ? uniqueKey
                    : MessageIds.offsetMsgId(original.storeHost(), original.storePort(), original.physicalOffset()));
        }
        properties.put(MessageProperties.WAIT, "false");

        String topic;
        int queueId;
        String encoded;
        int sysFlag = original.sysFlag() & ~(SysFlag.BORNHOST_V6 | SysFlag.STOREHOST_V6);
        if (original.reconsumeTimes() >= maxReconsumeTimes || delayLevel < 0) {
            topic = SystemTopics.DLQ_PREFIX + group;
            queueId = 0;
            // 4.9.x creates the dead-letter topic readable and writable (older brokers made it write-only).
            TopicConfig dlq = topics.getOrCreate(TopicConfig.of(topic, DLQ_QUEUES, Perm.READ | Perm.WRITE));
            if (!Perm.writeable(dlq.perm())) {
                return fail(response, ResponseCode.NO_PERMISSION, "the topic[" + topic + "] sending message is forbidden");
            }
            properties.remove(MessageProperties.DELAY);
            properties.remove(DelayRouter.TIMER_DELAY_SEC);
            properties.remove(DelayRouter.TIMER_DELAY_MS);
            properties.remove(DelayRouter.TIMER_DELIVER_MS);
            encoded = MessageProperties.encode(properties);
        } else {
            int level = delayLevel == 0 ? 3 + original.reconsumeTimes() : delayLevel;
            properties.put(MessageProperties.DELAY, String.valueOf(level));
            int retryQueue = ThreadLocalRandom.current().nextInt(Math.max(1, retry.writeQueueNums()));
            encoded = MessageProperties.encode(properties);
            DelayRouter.Route route = router.route(retryTopic, retryQueue, encoded, sysFlag);
            if (route == null) {
                topic = retryTopic;
                queueId = retryQueue;
            } else if (route.refusal() != null) {
                return fail(response, route.refusalCode(), route.refusal());
            } else {
                topic = route.topic();
                queueId = route.queueId();
                encoded = route.properties();
            }
        }
        AppendRequest copy = new AppendRequest(topic, queueId, original.flag(), ByteBuffer.wrap(original.body()),
                MessageProperties.bytes(encoded), sysFlag, original.bornTimestamp(), original.bornHost(),
                original.bornPort(), original.reconsumeTimes() + 1, original.preparedTransactionOffset());
        CompletableFuture<AppendResult> appended = store.append(copy);
        if (appended.isDone()) {
            return answer(response, appended.join());
        }
        appended.whenComplete((result, error) -> {
            RemotingCommand answer = error != null
                    ? fail(response, ResponseCode.SYSTEM_ERROR, "store failed: " + error)
                    : answer(response, result);
            if (!request.isOneway()) {
                server.respond(connection, answer);
            }
        });
        return null;
    }

    private static RemotingCommand answer(RemotingCommand response, AppendResult result) {
        return switch (result.status()) {
            case PUT_OK -> response;
            default -> fail(response, ResponseCode.SYSTEM_ERROR, result.status().name());
        };
    }

    private static RemotingCommand fail(RemotingCommand response, int code, String remark) {
        response.setCode(code);
        response.setRemark(remark);
        return response;
    }

    private static int intField(RemotingCommand request, String name, int absent) throws RemotingCommandException {
        if (request.extField(name) == null) {
            return absent;
        }
        long value = request.requireLongExtField(name);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new RemotingCommandException("the custom field <" + name + "> is out of int range");
        }
        return (int) value;
    }
}
