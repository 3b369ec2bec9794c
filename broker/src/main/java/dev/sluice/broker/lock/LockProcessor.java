package dev.sluice.broker.lock;

import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingCommandException;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.Json;
import dev.sluice.remoting.json.JsonException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LOCK_BATCH_MQ and UNLOCK_BATCH_MQ: bodies {@code {"clientId","consumerGroup","mqSet":[MessageQueue]}}; the lock
 * answer is {@code {"lockOKMQSet":[MessageQueue]}}, the queues the client holds now.
 */
public final class LockProcessor implements RequestProcessor {
    private final QueueLocks locks;

    public LockProcessor(QueueLocks locks) {
        this.locks = locks;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request) throws Exception {
        if (request.body() == null) {
            throw new RemotingCommandException("lock request without a body");
        }
        String group;
        String clientId;
        List<QueueLocks.Queue> queues = new ArrayList<>();
        try {
            Map<String, Object> body = Json.parseObject(request.body());
            group = Json.asString(body.get("consumerGroup"), "consumerGroup");
            clientId = Json.asString(body.get("clientId"), "clientId");
            if (body.get("mqSet") instanceof List<?> mqSet) {
                for (Object element : mqSet) {
                    Map<String, Object> mq = Json.asObject(element, "messageQueue");
                    queues.add(new QueueLocks.Queue(Json.asString(mq.get("topic"), "topic"),
                            Json.asString(mq.get("brokerName"), "brokerName"), Json.asInt(mq.get("queueId"), "queueId")));
                }
            }
        } catch (JsonException | IllegalArgumentException e) {
            throw new RemotingCommandException("bad lock request body: " + e.getMessage(), e);
        }
        RemotingCommand response = RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
        switch (request.code()) {
            case RequestCode.LOCK_BATCH_MQ -> response.setBody(Json.writeBytes(
                    Map.of("lockOKMQSet", toJson(locks.tryLock(group, queues, clientId)))));
            case RequestCode.UNLOCK_BATCH_MQ -> locks.unlock(group, queues, clientId);
            default -> throw new IllegalStateException("not registered for request code " + request.code());
        }
        return response;
    }

    private static List<Map<String, Object>> toJson(Set<QueueLocks.Queue> queues) {
        List<Map<String, Object>> list = new ArrayList<>(queues.size());
        for (QueueLocks.Queue q : queues) {
            Map<String, Object> mq = new LinkedHashMap<>();
            mq.put("brokerName", q.brokerName());
            mq.put("queueId", q.queueId());
            mq.put("topic", q.topic());
            list.add(mq);
        }
        return list;
    }
}
