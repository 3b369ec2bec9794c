package dev.sluice.broker.pull;

import dev.sluice.broker.topic.SystemTopics;
import dev.sluice.remoting.json.Json;
import dev.sluice.remoting.log.LogLimit;
import dev.sluice.store.AppendRequest;
import dev.sluice.store.MessageProperties;
import dev.sluice.store.MessageStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * As RocketMQ's broker, records every pull whose offset it moved (PULL_OFFSET_MOVED) as a message on
 * OFFSET_MOVED_EVENT, tagged and keyed with the consumer group, for tools that watch for consumers reset by the
 * broker. The body is RocketMQ's OffsetMovedEvent JSON.
 */
public final class OffsetMovedEvents {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetMovedEvents.class);

    private final MessageStore store;
    private final String brokerName;
    private final byte[] host;
    private final int port;
    private final Clock clock;
    private final LogLimit failures = LogLimit.perMinute();

    public OffsetMovedEvents(MessageStore store, String brokerName, byte[] host, int port, Clock clock) {
        this.store = store;
        this.brokerName = brokerName;
        this.host = host.clone();
        this.port = port;
        this.clock = clock;
    }

    /** Appends the event; the pull's answer does not wait for it. */
    void record(String group, String topic, int queueId, long requested, long moved) {
        Map<String, Object> queue = new LinkedHashMap<>();
        queue.put("brokerName", brokerName);
        queue.put("queueId", queueId);
        queue.put("topic", topic);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("consumerGroup", group);
        event.put("messageQueue", queue);
        event.put("offsetNew", moved);
        event.put("offsetRequest", requested);
        String properties = MessageProperties.encode(Map.of(MessageProperties.KEYS, group,
                MessageProperties.DELAY, "0", MessageProperties.TAGS, group));
        AppendRequest message = new AppendRequest(SystemTopics.OFFSET_MOVED_EVENT, 0, 0,
                ByteBuffer.wrap(Json.writeBytes(event)), properties.getBytes(StandardCharsets.UTF_8), 0, clock.millis(),
                host, port, 0, 0);
        store.append(message).whenComplete((result, error) -> {
            if (error != null || !result.status().stored()) {
                String more = failures.next();
                if (more != null) {
                    LOG.warn("cannot record the moved offset of group {} on {}: {}{}", group, topic,
                            error != null ? error.toString() : result.status() + " " + result.remark(), more);
                }
            }
        });
    }
}
