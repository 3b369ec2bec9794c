package dev.sluice.broker.client;

import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RemotingServer;
import dev.sluice.remoting.RequestCode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumer groups and their live members. When a group's membership or subscribed topics change, every member is
 * told (NOTIFY_CONSUMER_IDS_CHANGED, oneway) so the clients rebalance at once rather than at their next 20 s pass.
 */
public final class ConsumerRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerRegistry.class);

    private final Map<String, ConsumerGroup> groups = new ConcurrentHashMap<>();
    private final RemotingServer server;
    private final Clock clock;
    private final Predicate<String> notifyEnabled;

    /** @param notifyEnabled whether a group's settings allow notifications (notifyConsumerIdsChangedEnable) */
    public ConsumerRegistry(RemotingServer server, Clock clock, Predicate<String> notifyEnabled) {
        this.server = server;
        this.clock = clock;
        this.notifyEnabled = notifyEnabled;
    }

    /** Records a heartbeat of one consumer of {@code group}. */
    public void heartbeat(String group, ClientChannel channel, Map<String, Subscription> subscriptions,
                          String consumeType, String messageModel, String consumeFromWhere) {
        ConsumerGroup consumers = groups.computeIfAbsent(group, ConsumerGroup::new);
        boolean joined = consumers.touch(channel);
        boolean resubscribed = consumers.subscribe(subscriptions, consumeType, messageModel, consumeFromWhere);
        if (joined) {
            LOG.info("consumer {} joined group {} from {}", channel.clientId(), group, channel.connection().remoteAddress());
        }
        if (joined || resubscribed) {
            notifyMembers(consumers);
        }
    }

    public void unregister(String group, RemotingConnection connection) {
        ConsumerGroup consumers = groups.get(group);
        if (consumers != null && consumers.remove(connection)) {
            LOG.info("consumer on {} left group {}", connection.remoteAddress(), group);
            dropIfEmpty(consumers);
            notifyMembers(consumers);
        }
    }

    /** A closed connection leaves every group it was in. */
    public void connectionClosed(RemotingConnection connection) {
        for (ConsumerGroup consumers : groups.values()) {
            if (consumers.remove(connection)) {
                LOG.info("consumer connection {} of group {} closed", connection.remoteAddress(), consumers.name());
                dropIfEmpty(consumers);
                notifyMembers(consumers);
            }
        }
    }

    /** Closes members silent for longer than {@code expiryMillis}; closing removes them (see connectionClosed). */
    public void expire(long expiryMillis) {
        long now = clock.millis();
        for (ConsumerGroup consumers : groups.values()) {
            for (ClientChannel member : consumers.members()) {
                if (now - member.lastUpdateMillis() > expiryMillis) {
                    LOG.warn("consumer {} of group {} sent no heartbeat for {} ms; closing its connection",
                            member.clientId(), consumers.name(), now - member.lastUpdateMillis());
                    member.connection().close();
                    connectionClosed(member.connection());
                }
            }
        }
    }

    public ConsumerGroup group(String group) {
        return groups.get(group);
    }

    public Collection<ConsumerGroup> groups() {
        return groups.values();
    }

    /** Groups with a live member subscribed to {@code topic}. */
    public List<String> groupsSubscribedTo(String topic) {
        List<String> names = new ArrayList<>();
        groups.values().forEach(g -> {
            if (g.subscription(topic) != null) {
                names.add(g.name());
            }
        });
        return names;
    }

    private void dropIfEmpty(ConsumerGroup consumers) {
        if (consumers.isEmpty()) {
            groups.remove(consumers.name(), consumers);
        }
    }

    private void notifyMembers(ConsumerGroup consumers) {
        if (!notifyEnabled.test(consumers.name())) {
            return;
        }
        for (ClientChannel member : consumers.members()) {
            RemotingCommand notice = RemotingCommand.request(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED)
                    .putExtField("consumerGroup", consumers.name());
            if (member.connection().isActive()) {
                server.invokeOneway(member.connection(), notice);
            }
        }
    }
}
