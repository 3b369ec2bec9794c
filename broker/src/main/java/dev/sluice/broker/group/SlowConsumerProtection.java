package dev.sluice.broker.group;

import dev.sluice.broker.config.BrokerConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RocketMQ's protection against groups that read far behind (its protectBroker): pulls record how many bytes their
 * last message lies before the CommitLog's end, per group and queue, while diskFallRecorded is on. Each run looks at
 * what was recorded since the last one and, with disableConsumeIfConsumerReadSlowly on, disables every group whose
 * latest pull of some queue was more than consumerFallbehindThreshold bytes behind. A disabled group's pulls are
 * refused NO_PERMISSION until an operator enables it again (mqadmin updateSubGroup).
 */
public final class SlowConsumerProtection implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SlowConsumerProtection.class);

    private record GroupQueue(String group, String topic, int queueId) {
    }

    private final BrokerConfig config;
    private final SubscriptionGroupTable groups;
    private final Map<GroupQueue, Long> behind = new ConcurrentHashMap<>();

    public SlowConsumerProtection(BrokerConfig config, SubscriptionGroupTable groups) {
        this.config = config;
        this.groups = groups;
    }

    /** A pull of {@code group} from the queue answered messages, the last {@code bytesBehind} before the end. */
    public void pulled(String group, String topic, int queueId, long bytesBehind) {
        if (config.diskFallRecorded()) {
            behind.put(new GroupQueue(group, topic, queueId), bytesBehind);
        }
    }

    @Override
    public void run() {
        boolean protect = config.disableConsumeIfConsumerReadSlowly();
        long threshold = config.consumerFallbehindThreshold();
        Map<String, Long> slow = new HashMap<>();
        behind.forEach((queue, bytes) -> {
            // A value recorded after this read stays for the next run, as RocketMQ's stay until its periodic reset.
            behind.remove(queue, bytes);
            if (protect && bytes > threshold) {
                slow.merge(queue.group(), bytes, Math::max);
            }
        });
        slow.forEach((group, bytes) -> {
            try {
                if (groups.disableConsume(group)) {
                    LOG.info("[PROTECT_BROKER] the consumer[{}] consume slowly, {} bytes, disable it", group, bytes);
                }
            } catch (RuntimeException e) {
                // Disabled in memory already; a scheduled run that threw would never run again.
                LOG.warn("[PROTECT_BROKER] disabled the consumer[{}] but could not save the groups", group, e);
            }
        });
    }
}
