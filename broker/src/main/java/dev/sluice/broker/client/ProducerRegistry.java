package dev.sluice.broker.client;

import dev.sluice.remoting.RemotingConnection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Live producer connections per producer group, from heartbeats. The broker needs them to ask a transactional
 * producer group about a transaction it has not ended (CHECK_TRANSACTION_STATE), to push a reply to the producer
 * that sent a request (PUSH_REPLY_MESSAGE_TO_CLIENT), and lists them to operators (GET_PRODUCER_CONNECTION_LIST).
 */
public final class ProducerRegistry {
    private final Map<String, Map<RemotingConnection, ClientChannel>> groups = new ConcurrentHashMap<>();
    private final Clock clock;

    public ProducerRegistry(Clock clock) {
        this.clock = clock;
    }

    public void heartbeat(String group, ClientChannel channel) {
        groups.computeIfAbsent(group, g -> new ConcurrentHashMap<>()).put(channel.connection(), channel);
    }

    public void unregister(String group, RemotingConnection connection) {
        Map<RemotingConnection, ClientChannel> members = groups.get(group);
        if (members != null) {
            members.remove(connection);
        }
    }

    public void connectionClosed(RemotingConnection connection) {
        groups.values().forEach(members -> members.remove(connection));
    }

    /** Forgets producers silent for longer than {@code expiryMillis}. */
    public void expire(long expiryMillis) {
        long now = clock.millis();
        groups.values().forEach(members -> members.values()
                .removeIf(member -> now - member.lastUpdateMillis() > expiryMillis));
    }

    /** Every group that has producers, with them. */
    public Map<String, List<ClientChannel>> all() {
        Map<String, List<ClientChannel>> all = new TreeMap<>();
        groups.forEach((group, members) -> {
            if (!members.isEmpty()) {
                all.put(group, List.copyOf(members.values()));
            }
        });
        return all;
    }

    /** The group's producers (empty when none is connected). */
    public List<ClientChannel> members(String group) {
        Map<RemotingConnection, ClientChannel> members = groups.get(group);
        return members == null ? List.of() : List.copyOf(members.values());
    }

    /**
     * An active connection of the producer with this client id, in any group: where a reply to its request goes.
     * A scan, not an index: replies are rarer than sends, and producers per broker are few.
     */
    public Optional<RemotingConnection> byClientId(String clientId) {
        for (Map<RemotingConnection, ClientChannel> members : groups.values()) {
            for (ClientChannel member : members.values()) {
                if (member.clientId().equals(clientId) && member.connection().isActive()) {
                    return Optional.of(member.connection());
                }
            }
        }
        return Optional.empty();
    }

    /** One active connection of the group, picked at random so checks spread over its producers. */
    public Optional<RemotingConnection> anyActive(String group) {
        Map<RemotingConnection, ClientChannel> members = groups.get(group);
        if (members == null) {
            return Optional.empty();
        }
        List<RemotingConnection> active = new ArrayList<>();
        members.keySet().forEach(c -> {
            if (c.isActive()) {
                active.add(c);
            }
        });
        return active.isEmpty() ? Optional.empty()
                : Optional.of(active.get(ThreadLocalRandom.current().nextInt(active.size())));
    }
}
