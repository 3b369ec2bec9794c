package dev.sluice.broker.client;

import dev.sluice.remoting.RemotingConnection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The live members of one consumer group and what the group subscribes to, as told by heartbeats. */
public final class ConsumerGroup {
    private final String name;
    private final Map<RemotingConnection, ClientChannel> members = new ConcurrentHashMap<>();
    private volatile Map<String, Subscription> subscriptions = Map.of();
    private volatile String consumeType = "CONSUME_PASSIVELY";
    private volatile String messageModel = "CLUSTERING";
    private volatile String consumeFromWhere = "CONSUME_FROM_LAST_OFFSET";

    ConsumerGroup(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** @return whether the member is new */
    boolean touch(ClientChannel channel) {
        return members.put(channel.connection(), channel) == null;
    }

    /** @return whether the topics subscribed changed */
    synchronized boolean subscribe(Map<String, Subscription> latest, String type, String model, String fromWhere) {
        consumeType = type;
        messageModel = model;
        consumeFromWhere = fromWhere;
        boolean changed = !latest.keySet().equals(subscriptions.keySet());
        Map<String, Subscription> merged = new ConcurrentHashMap<>(latest);
        // A late heartbeat of an older client must not roll a subscription back.
        subscriptions.forEach((topic, old) -> merged.computeIfPresent(topic,
                (t, now) -> now.subVersion() < old.subVersion() ? old : now));
        subscriptions = merged;
        return changed;
    }

    /** @return whether the connection was a member */
    boolean remove(RemotingConnection connection) {
        return members.remove(connection) != null;
    }

    boolean isEmpty() {
        return members.isEmpty();
    }

    public Collection<ClientChannel> members() {
        return members.values();
    }

    public List<String> clientIds() {
        List<String> ids = new ArrayList<>();
        members.values().forEach(m -> ids.add(m.clientId()));
        return ids;
    }

    public Subscription subscription(String topic) {
        return subscriptions.get(topic);
    }

    public Map<String, Subscription> subscriptions() {
        return subscriptions;
    }

    public String consumeType() {
        return consumeType;
    }

    public String messageModel() {
        return messageModel;
    }

    public String consumeFromWhere() {
        return consumeFromWhere;
    }
}
