package dev.sluice.broker.admin;

import dev.sluice.broker.client.ConsumerGroup;
import dev.sluice.broker.client.ConsumerRegistry;
import dev.sluice.broker.client.Subscription;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingCommandException;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.Json;
import dev.sluice.store.MessageStore;
import dev.sluice.store.QueueUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * QUERY_CONSUME_QUEUE (mqadmin queryCq): the ConsumeQueue units of one queue from {@code index} on, each with the
 * CommitLog offset and size of its message and its tag code, and the queue's min and max index. Given a consumer
 * group that is online with a subscription to the topic, also that subscription and, per unit, whether its tag
 * code passes it.
 */
public final class QueryConsumeQueueProcessor implements RequestProcessor {
    /**
     * At most this many units per answer. A unit takes about 90 bytes of JSON, so this keeps the answer far below
     * the official client's 16 MiB frame limit, which RocketMQ's own bound (the rest of the ConsumeQueue file, up
     * to 300,000 units) can exceed.
     */
    private static final int MAX_UNITS = 10_000;

    private final MessageStore store;
    private final ConsumerRegistry consumers;

    public QueryConsumeQueueProcessor(MessageStore store, ConsumerRegistry consumers) {
        this.store = store;
        this.consumers = consumers;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request)
            throws RemotingCommandException {
        String topic = request.requireExtField("topic");
        int queueId = intField(request, "queueId");
        long index = request.requireLongExtField("index");
        int count = intField(request, "count");
        if (count < 1) {
            throw new RemotingCommandException("the custom field <count> must be at least 1");
        }
        String group = request.extField("consumerGroup");
        if (!store.queues().getOrDefault(topic, Set.of()).contains(queueId)) {
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR,
                    String.format("%d@%s is not exist!", queueId, topic));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        Subscription subscription = null;
        if (group != null) {
            ConsumerGroup members = consumers.group(group);
            subscription = members == null ? null : members.subscription(topic);
            if (subscription == null) {
                body.put("filterData", String.format("%s@%s is not online!", group, topic));
            } else {
                body.put("subscriptionData", subscription.toJson());
            }
        }
        body.put("maxQueueIndex", store.maxQueueOffset(topic, queueId));
        body.put("minQueueIndex", store.minQueueOffset(topic, queueId));
        List<Map<String, Object>> units = units(topic, queueId, index, Math.min(count, MAX_UNITS), subscription);
        body.put("queueData", units);
        String remark = units.isEmpty() ? String.format("Index %d of %d@%s is not exist!", index, queueId, topic) : null;
        return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, remark).setBody(Json.writeBytes(body));
    }

    /** The units as RocketMQ's ConsumeQueueData. */
    private List<Map<String, Object>> units(String topic, int queueId, long index, int count, Subscription subscription) {
        List<Map<String, Object>> units = new ArrayList<>();
        for (QueueUnit unit : store.units(topic, queueId, index, count)) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("eval", subscription != null && subscription.filter().accept(unit.tagCode()));
            json.put("physicOffset", unit.commitLogOffset());
            json.put("physicSize", unit.size());
            json.put("tagsCode", unit.tagCode());
            units.add(json);
        }
        return units;
    }

    private static int intField(RemotingCommand request, String field) throws RemotingCommandException {
        long value = request.requireLongExtField(field);
        if (value != (int) value) {
            throw new RemotingCommandException("the custom field <" + field + "> is out of the int range");
        }
        return (int) value;
    }
}
