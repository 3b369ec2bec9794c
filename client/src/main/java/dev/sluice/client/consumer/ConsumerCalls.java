package dev.sluice.client.consumer;

import dev.sluice.client.ClientConfig;
import dev.sluice.client.MessageQueue;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.internal.MessageDecoder;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.Json;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Answers what an operator asks a consumer through its broker: GET_CONSUMER_RUNNING_INFO (mqadmin consumerStatus),
 * CONSUME_MESSAGE_DIRECTLY (mqadmin queryMsgById -g -d) and GET_CONSUMER_STATUS_FROM_CLIENT (mqadmin getConsumerStatus),
 * with the bodies RocketMQ's client sends. As in RocketMQ, a lite pull consumer reports its settings and
 * subscriptions but no queues or rates, and cannot consume directly.
 */
final class ConsumerCalls {
    private static final DateTimeFormatter CONSUME_TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneId.systemDefault());
    private final String group;
    private final Supplier<Map<String, String>> properties;
    private final Supplier<Collection<Map<String, Object>>> subscriptions;
    private final Map<MessageQueue, ProcessQueue> queues;
    private final ConsumeStats stats;
    private final Consumption consumption;

    /**
     * @param properties    the consumer's settings under RocketMQ's property names, plus the PROP_ entries
     * @param subscriptions SubscriptionData of every subscribed topic, as the heartbeat carries them
     * @param queues        the queues whose state and offsets are reported (none for a lite pull consumer)
     * @param consumption   what consumes a message directly, or null when this consumer cannot
     */
    ConsumerCalls(String group, Supplier<Map<String, String>> properties,
                  Supplier<Collection<Map<String, Object>>> subscriptions, Map<MessageQueue, ProcessQueue> queues,
                  ConsumeStats stats, Consumption consumption) {
        this.group = group;
        this.properties = properties;
        this.subscriptions = subscriptions;
        this.queues = queues;
        this.stats = stats;
        this.consumption = consumption;
    }

    RemotingCommand runningInfo(RemotingCommand request) {
        RemotingCommand refused = refuseOtherGroup(request);
        if (refused != null) {
            return refused;
        }
        long now = System.currentTimeMillis();
        Map<MessageQueue, Map<String, Object>> byQueue = new TreeMap<>();
        queues.forEach((queue, pq) -> byQueue.put(queue, pq.info(now)));
        Map<Object, Object> mqTable = new LinkedHashMap<>();
        byQueue.forEach((queue, info) -> mqTable.put(queue.toJson(), info));

        Map<String, Object> info = new LinkedHashMap<>();
        if (Boolean.parseBoolean(request.extField("jstackEnable"))) {
            info.put("jstack", threadDump());
        }
        info.put("mqTable", mqTable);
        info.put("properties", new TreeMap<>(properties.get()));
        info.put("statusTable", stats.statusTable(now));
        info.put("subscriptionSet", new ArrayList<>(subscriptions.get()));
        return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null).setBody(Json.writeBytes(info));
    }

    RemotingCommand consumeDirectly(RemotingCommand request) {
        RemotingCommand refused = refuseOtherGroup(request);
        if (refused != null || consumption == null) {
            return refused != null ? refused : notThisGroup(request);
        }
        List<ReceivedMessage> messages;
        try {
            messages = request.body() == null ? List.of()
                    : MessageDecoder.decodeAll(request.body(), request.extField("brokerName"));
        } catch (IllegalArgumentException e) {
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR, e.getMessage());
        }
        if (messages.size() != 1) {
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR,
                    "expected one message record, got " + messages.size());
        }
        DirectResult result = consumption.consumeDirectly(messages);
        return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null).setBody(Json.writeBytes(result.toJson()));
    }

    /**
     * GET_CONSUMER_STATUS_FROM_CLIENT (mqadmin getConsumerStatus): the offsets this member would commit for the queues
     * of the topic it reads (every topic when none is named). Like RocketMQ's client, it answers another group with
     * an empty table rather than an error.
     */
    RemotingCommand offsets(RemotingCommand request) {
        String topic = request.extField("topic");
        Map<MessageQueue, Long> owned = new TreeMap<>();
        if (group.equals(request.extField("group"))) {
            queues.forEach((queue, pq) -> {
                if (topic == null || topic.isBlank() || queue.topic().equals(topic)) {
                    owned.put(queue, pq.tracker.committable());
                }
            });
        }
        Map<Object, Object> table = new LinkedHashMap<>();
        owned.forEach((queue, offset) -> table.put(queue.toJson(), offset));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("consumerTable", Map.of());
        body.put("messageQueueTable", table);
        return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null).setBody(Json.writeBytes(body));
    }

    /** RocketMQ's client answers a group it does not run with this error, and so does this one. */
    private RemotingCommand refuseOtherGroup(RemotingCommand request) {
        return group.equals(request.extField("consumerGroup")) ? null : notThisGroup(request);
    }

    private static RemotingCommand notThisGroup(RemotingCommand request) {
        return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR,
                String.format("The Consumer Group <%s> not exist in this consumer", request.extField("consumerGroup")));
    }

    /** A consumeTimestamp setting as RocketMQ writes it: yyyyMMddHHmmss, local time. */
    static String consumeTimestamp(long epochMillis) {
        return CONSUME_TIMESTAMP.format(Instant.ofEpochMilli(epochMillis));
    }

    /**
     * Adds the client's settings and the PROP_ entries every RocketMQ consumer reports, leaving out unset ones: the
     * admin reads them into java.util.Properties, which refuses null values.
     *
     * @param consumeType CONSUME_PASSIVELY (push) or CONSUME_ACTIVELY (pull)
     */
    static Map<String, String> withClientProperties(Map<String, String> own, ClientConfig config, String clientIp,
                                                    String consumeType, long startedMillis) {
        Map<String, String> p = new LinkedHashMap<>(own);
        p.put("namesrvAddr", config.namesrvAddr());
        p.put("instanceName", config.instanceName());
        p.put("clientIP", clientIp);
        p.put("pollNameServerInterval", String.valueOf(config.pollNameServerIntervalMillis()));
        p.put("heartbeatBrokerInterval", String.valueOf(config.heartbeatIntervalMillis()));
        p.put("persistConsumerOffsetInterval", String.valueOf(config.persistOffsetIntervalMillis()));
        p.put("PROP_NAMESERVER_ADDR", config.namesrvAddr());
        p.put("PROP_CONSUME_TYPE", consumeType);
        p.put("PROP_CLIENT_VERSION", "V4_9_7");
        p.put("PROP_CONSUMER_START_TIMESTAMP", String.valueOf(startedMillis));
        p.values().removeIf(Objects::isNull);
        return p;
    }

    /** Every thread's stack, in the shape RocketMQ's client prints for consumerStatus -s. */
    static String threadDump() {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, frames) -> {
            if (frames.length == 0) {
                return;
            }
            out.append("Thread: ").append(thread.getName()).append(' ').append(thread.getState()).append('\n');
            for (StackTraceElement frame : frames) {
                out.append('\t').append(frame).append('\n');
            }
            out.append('\n');
        });
        return out.toString();
    }
}
