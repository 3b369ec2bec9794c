package dev.sluice.client.consumer;

import dev.sluice.client.ClientException;
import dev.sluice.client.MessageQueue;
import dev.sluice.client.internal.BrokerCaller;
import dev.sluice.client.internal.ClientRuntime;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** LOCK_BATCH_MQ / UNLOCK_BATCH_MQ on the masters: an orderly member reads a queue only while it holds its lock. */
final class QueueLocks {
    private final ClientRuntime runtime;
    private final String group;

    QueueLocks(ClientRuntime runtime, String group) {
        this.runtime = runtime;
        this.group = group;
    }

    /** Asks each queue's master for its lock; returns the queues granted (failures grant nothing). */
    Set<MessageQueue> lock(Collection<MessageQueue> queues) {
        Set<MessageQueue> granted = new HashSet<>();
        for (Map.Entry<String, List<MessageQueue>> entry : byBroker(queues).entrySet()) {
            List<MessageQueue> batch = entry.getValue();
            MessageQueue first = batch.get(0);
            try {
                String address = runtime.masterAddress(first.topic(), first.brokerName());
                RemotingCommand response = runtime.brokers().call(first.brokerName(), address,
                        RemotingCommand.request(RequestCode.LOCK_BATCH_MQ).setBody(body(batch)), runtime.timeoutMillis());
                if (response.code() != ResponseCode.SUCCESS) {
                    throw BrokerCaller.refused("locking queues", first.brokerName(), address, response);
                }
                Map<String, Object> answer = Json.parseObject(response.body());
                if (answer.get("lockOKMQSet") instanceof List<?> locked) {
                    for (Object item : locked) {
                        Map<String, Object> q = Json.asObject(item, "lockOKMQSet entry");
                        granted.add(new MessageQueue(Json.asString(q.get("topic"), "topic"),
                                Json.asString(q.get("brokerName"), "brokerName"), Json.asInt(q.get("queueId"), "queueId")));
                    }
                }
            } catch (ClientException | RuntimeException e) {
                // not granted this round: the next relock tries again
            }
        }
        return granted;
    }

    void unlock(Collection<MessageQueue> queues) {
        for (List<MessageQueue> batch : byBroker(queues).values()) {
            MessageQueue first = batch.get(0);
            try {
                String address = runtime.masterAddress(first.topic(), first.brokerName());
                runtime.brokers().oneway(first.brokerName(), address,
                        RemotingCommand.request(RequestCode.UNLOCK_BATCH_MQ).setBody(body(batch)), runtime.timeoutMillis());
            } catch (ClientException e) {
                // the broker lets the lock expire (60 s) instead
            }
        }
    }

    private byte[] body(List<MessageQueue> queues) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("clientId", runtime.clientId());
        body.put("consumerGroup", group);
        List<Object> set = new ArrayList<>();
        queues.forEach(q -> set.add(q.toJson()));
        body.put("mqSet", set);
        return Json.writeBytes(body);
    }

    private static Map<String, List<MessageQueue>> byBroker(Collection<MessageQueue> queues) {
        Map<String, List<MessageQueue>> byBroker = new TreeMap<>();
        for (MessageQueue q : queues) {
            byBroker.computeIfAbsent(q.brokerName(), b -> new ArrayList<>()).add(q);
        }
        return byBroker;
    }
}
