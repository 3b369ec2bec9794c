package dev.sluice.broker.admin;

import dev.sluice.broker.offset.ConsumerOffsetTable;
import dev.sluice.broker.stats.BrokerStats;
import dev.sluice.broker.topic.TopicConfig;
import dev.sluice.store.MessageStore;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A consumer group's progress as RocketMQ's ConsumeStats: for each writable queue of the given topics, the queue's
 * end (brokerOffset), the group's committed offset and the store time of the last message it consumed, plus the
 * group's consume rate. GET_CONSUME_STATS answers one for all of a group's topics, GET_BROKER_CONSUME_STATS one per
 * group and topic.
 */
final class ConsumeProgress {
    /** The ConsumeStats body and its backlog: what RocketMQ's {@code ConsumeStats.computeTotalDiff()} sums. */
    record Stats(Map<String, Object> json, long totalDiff) {
    }

    private final String brokerName;
    private final ConsumerOffsetTable offsets;
    private final MessageStore store;
    private final BrokerStats stats;

    ConsumeProgress(String brokerName, ConsumerOffsetTable offsets, MessageStore store, BrokerStats stats) {
        this.brokerName = brokerName;
        this.offsets = offsets;
        this.store = store;
        this.stats = stats;
    }

    Stats of(String group, Collection<TopicConfig> topics) {
        Map<Object, Object> table = new LinkedHashMap<>();
        double consumeTps = 0;
        long totalDiff = 0;
        for (TopicConfig topicConfig : topics) {
            String topic = topicConfig.topicName();
            consumeTps += stats.consumeTps(topic, group);
            for (int queueId = 0; queueId < topicConfig.writeQueueNums(); queueId++) {
                long brokerOffset = store.maxQueueOffset(topic, queueId);
                long consumed = Math.max(0, offsets.query(group, topic, queueId));
                Map<String, Object> wrapper = new LinkedHashMap<>();
                wrapper.put("brokerOffset", brokerOffset);
                wrapper.put("consumerOffset", consumed);
                wrapper.put("lastTimestamp", consumed > 0 ? Math.max(0, store.storeTimeAt(topic, queueId, consumed - 1)) : 0L);
                table.put(MessageQueues.of(brokerName, queueId, topic), wrapper);
                totalDiff += brokerOffset - consumed;
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("consumeTps", consumeTps);
        json.put("offsetTable", table);
        return new Stats(json, totalDiff);
    }
}
