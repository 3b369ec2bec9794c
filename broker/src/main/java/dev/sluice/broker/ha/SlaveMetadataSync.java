package dev.sluice.broker.ha;

import dev.sluice.broker.group.SubscriptionGroupTable;
import dev.sluice.broker.offset.ConsumerOffsetTable;
import dev.sluice.broker.schedule.DelayOffsetTable;
import dev.sluice.broker.topic.TopicTable;
import dev.sluice.remoting.RemotingClient;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A slave's copy of its master's metadata (spec §15): topics, consumer offsets, delay offsets and subscription groups,
 * fetched periodically, so clients that move to the slave find their topics and continue from their offsets. Each
 * part is fetched and applied on its own: one failing leaves the others current.
 */
public final class SlaveMetadataSync {
    private static final Logger LOG = LoggerFactory.getLogger(SlaveMetadataSync.class);
    private static final long TIMEOUT_MILLIS = 3000;

    private final RemotingClient client;
    private final TopicTable topics;
    private final SubscriptionGroupTable groups;
    private final ConsumerOffsetTable offsets;
    private final DelayOffsetTable delayOffsets;
    private volatile String masterAddress;

    public SlaveMetadataSync(RemotingClient client, TopicTable topics, SubscriptionGroupTable groups,
                             ConsumerOffsetTable offsets, DelayOffsetTable delayOffsets) {
        this.client = client;
        this.topics = topics;
        this.groups = groups;
        this.offsets = offsets;
        this.delayOffsets = delayOffsets;
    }

    /** The master's client-facing address, as the name server reported it; null/empty when there is none. */
    public void masterAddress(String address) {
        String next = address == null || address.isBlank() ? null : address;
        String before = masterAddress;
        if (java.util.Objects.equals(next, before)) {
            return;
        }
        masterAddress = next;
        if (next == null) {
            LOG.info("no master reported: stopped copying the metadata of {}", before);
        } else {
            LOG.info("metadata of master {} will be copied", next);
        }
    }

    /** Copies everything once; logs what failed. */
    public void syncAll() {
        String master = masterAddress;
        if (master == null) {
            return;
        }
        boolean ok = syncTopics();
        ok &= sync(master, RequestCode.GET_ALL_CONSUMER_OFFSET, body -> offsets.putAll(Json.parseObject(body)));
        ok &= sync(master, RequestCode.GET_ALL_DELAY_OFFSET, body -> {
            delayOffsets.replaceWith(Json.parseObject(body));
            delayOffsets.persist();
        });
        ok &= sync(master, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, body -> groups.replaceFrom(Json.parseObject(body)));
        if (!ok) {
            LOG.debug("copying metadata from master {} was incomplete; retrying at the next round", master);
        }
    }

    /** Copies the master's topic table now; false when no master is known or it did not answer. */
    public boolean syncTopics() {
        String master = masterAddress;
        return master != null
                && sync(master, RequestCode.GET_ALL_TOPIC_CONFIG, body -> topics.replaceFrom(Json.parseObject(body)));
    }

    private interface Apply {
        void apply(byte[] body) throws Exception;
    }

    private boolean sync(String master, int code, Apply apply) {
        try {
            RemotingCommand response = client.invokeSync(master, RemotingCommand.request(code), TIMEOUT_MILLIS);
            if (response.code() != ResponseCode.SUCCESS || response.body() == null) {
                LOG.warn("master {} answered request {} with {} {}", master, code, response.code(), response.remark());
                return false;
            }
            apply.apply(response.body());
            return true;
        } catch (Exception e) {
            LOG.debug("copying metadata (request {}) from master {} failed: {}", code, master, e.toString());
            return false;
        }
    }

}
