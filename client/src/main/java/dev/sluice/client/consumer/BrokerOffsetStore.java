package dev.sluice.client.consumer;

import dev.sluice.client.ClientException;
import dev.sluice.client.MessageQueue;
import dev.sluice.client.internal.BrokerCaller;
import dev.sluice.client.internal.ClientRuntime;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offsets kept by the master of each queue's broker group, or by a slave while the master is away
 * (QUERY_ / UPDATE_CONSUMER_OFFSET).
 */
final class BrokerOffsetStore implements OffsetStore {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerOffsetStore.class);

    private final ClientRuntime runtime;
    private final String group;
    private final Map<MessageQueue, Long> offsets = new ConcurrentHashMap<>();
    private final Map<MessageQueue, Long> persisted = new ConcurrentHashMap<>();

    BrokerOffsetStore(ClientRuntime runtime, String group) {
        this.runtime = runtime;
        this.group = group;
    }

    @Override
    public long read(MessageQueue queue) throws ClientException {
        String address = runtime.offsetAddress(queue.topic(), queue.brokerName());
        RemotingCommand response = runtime.brokers().call(queue.brokerName(), address,
                RemotingCommand.request(RequestCode.QUERY_CONSUMER_OFFSET)
                        .putExtField("consumerGroup", group)
                        .putExtField("topic", queue.topic())
                        .putExtField("queueId", queue.queueId())
                        .putExtField("bname", queue.brokerName()),
                runtime.timeoutMillis());
        if (response.code() == ResponseCode.QUERY_NOT_FOUND) {
            return -1;
        }
        if (response.code() != ResponseCode.SUCCESS || response.extField("offset") == null) {
            throw BrokerCaller.refused("reading the offset of " + queue, queue.brokerName(), address, response);
        }
        long offset = Long.parseLong(response.extField("offset"));
        offsets.put(queue, offset);
        persisted.put(queue, offset);
        return offset;
    }

    @Override
    public void update(MessageQueue queue, long offset) {
        offsets.put(queue, offset);
    }

    @Override
    public void persist(Collection<MessageQueue> queues) {
        for (MessageQueue queue : queues) {
            Long offset = offsets.get(queue);
            if (offset == null || offset.equals(persisted.get(queue))) {
                continue;
            }
            try {
                String address = runtime.offsetAddress(queue.topic(), queue.brokerName());
                runtime.brokers().oneway(queue.brokerName(), address,
                        RemotingCommand.request(RequestCode.UPDATE_CONSUMER_OFFSET)
                                .putExtField("consumerGroup", group)
                                .putExtField("topic", queue.topic())
                                .putExtField("queueId", queue.queueId())
                                .putExtField("commitOffset", offset)
                                .putExtField("bname", queue.brokerName()),
                        runtime.timeoutMillis());
                persisted.put(queue, offset);
            } catch (ClientException e) {
                LOG.warn("committing offset {} of {} failed: {}", offset, queue, e.getMessage());
            }
        }
    }

    @Override
    public void forget(MessageQueue queue) {
        offsets.remove(queue);
        persisted.remove(queue);
    }
}
