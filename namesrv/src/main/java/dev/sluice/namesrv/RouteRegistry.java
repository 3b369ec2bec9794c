package dev.sluice.namesrv;

import dev.sluice.remoting.RemotingConnection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The name server's whole state: which brokers exist (per cluster and brokerName), which topics each master
 * serves, and when each broker last registered. Readers get immutable snapshots; every change holds the write lock
 * so a route never shows half an update.
 */
final class RouteRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(RouteRegistry.class);

    record RegisterResult(String masterAddr, String haServerAddr) {
    }

    record TopicRoute(List<QueueData> queueDatas, List<BrokerData> brokerDatas) {
    }

    record ClusterSnapshot(SortedMap<String, BrokerData> brokers, SortedMap<String, SortedSet<String>> clusters) {
    }

    record DataVersionCheck(boolean changed, DataVersion current) {
    }

    /** @param brokerAddr a broker to ask for its own system topics; null when no broker is registered */
    record SystemTopics(SortedSet<String> names, String brokerAddr) {
    }

    record ExpiredBroker(String brokerAddr, RemotingConnection connection) {
    }

    /**
     * @param firstSeen whether its last registration was the first since this name server learnt of it: that one may
     *     have carried some topics only (a broker registers one changed topic alone), so the next is read whole even
     *     at the same data version, or a broker registering one topic right after this name server restarted would
     *     keep its other topics out of the routes until its topics change again
     */
    private record LiveBroker(long lastUpdateMillis, DataVersion dataVersion, RemotingConnection connection,
            String haServerAddr, boolean firstSeen) {
    }

    private static final class Addresses {
        final String cluster;
        final TreeMap<Long, String> byId = new TreeMap<>();

        Addresses(String cluster) {
            this.cluster = cluster;
        }
    }

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, SortedSet<String>> clusters = new TreeMap<>();
    private final Map<String, Addresses> brokers = new TreeMap<>();
    private final Map<String, Map<String, QueueData>> topics = new TreeMap<>();
    private final Map<String, LiveBroker> live = new TreeMap<>();

    RegisterResult register(BrokerRegistration registration, long nowMillis) {
        lock.writeLock().lock();
        try {
            clusters.computeIfAbsent(registration.clusterName(), c -> new TreeSet<>()).add(registration.brokerName());
            Addresses addresses = brokers.get(registration.brokerName());
            boolean firstRegistration = addresses == null;
            if (firstRegistration) {
                addresses = new Addresses(registration.clusterName());
                brokers.put(registration.brokerName(), addresses);
            }
            // An address that moved to another id (a slave promoted to master) must not stay under its old id.
            addresses.byId.entrySet().removeIf(e -> e.getValue().equals(registration.brokerAddr())
                    && e.getKey() != registration.brokerId());
            String previous = addresses.byId.put(registration.brokerId(), registration.brokerAddr());
            firstRegistration |= previous == null;

            LiveBroker before = live.get(registration.brokerAddr());
            boolean changed = before == null || before.firstSeen()
                    || !before.dataVersion().equals(registration.dataVersion());
            if (registration.isMaster() && (changed || firstRegistration)) {
                for (TopicConfig topic : registration.topicConfigs()) {
                    topics.computeIfAbsent(topic.topicName(), t -> new TreeMap<>())
                            .put(registration.brokerName(), QueueData.of(registration.brokerName(), topic));
                }
            }
            live.put(registration.brokerAddr(), new LiveBroker(nowMillis, registration.dataVersion(),
                    registration.connection(), registration.haServerAddr(), before == null));
            if (before == null) {
                LOG.info("new broker registered: {} {} id {} at {}", registration.clusterName(), registration.brokerName(),
                        registration.brokerId(), registration.brokerAddr());
            }

            if (!registration.isMaster()) {
                String masterAddr = addresses.byId.get(0L);
                LiveBroker master = masterAddr == null ? null : live.get(masterAddr);
                if (master != null) {
                    return new RegisterResult(masterAddr, master.haServerAddr());
                }
            }
            return new RegisterResult(null, null);
        } finally {
            lock.writeLock().unlock();
        }
    }

    void unregister(String clusterName, String brokerAddr, String brokerName, long brokerId) {
        lock.writeLock().lock();
        try {
            live.remove(brokerAddr);
            Addresses addresses = brokers.get(brokerName);
            if (addresses != null && Objects.equals(addresses.byId.get(brokerId), brokerAddr)) {
                addresses.byId.remove(brokerId);
                if (addresses.byId.isEmpty()) {
                    dropBrokerName(brokerName);
                }
            }
            LOG.info("broker unregistered: {} {} id {} at {}", clusterName, brokerName, brokerId, brokerAddr);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Forgets the broker that registered over this connection, as when it stops. */
    void connectionClosed(RemotingConnection connection) {
        lock.writeLock().lock();
        try {
            List<String> gone = new ArrayList<>();
            live.forEach((addr, broker) -> {
                if (broker.connection() == connection) {
                    gone.add(addr);
                }
            });
            for (String addr : gone) {
                LOG.info("connection of broker {} closed, removing it", addr);
                removeBrokerAddr(addr);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Removes brokers whose last registration is older than {@code expiryMillis}; the caller closes their connections. */
    List<ExpiredBroker> expire(long nowMillis, long expiryMillis) {
        lock.writeLock().lock();
        try {
            List<ExpiredBroker> expired = new ArrayList<>();
            live.forEach((addr, broker) -> {
                if (nowMillis - broker.lastUpdateMillis() > expiryMillis) {
                    expired.add(new ExpiredBroker(addr, broker.connection()));
                }
            });
            for (ExpiredBroker broker : expired) {
                LOG.warn("broker {} has not registered for more than {} ms, removing it", broker.brokerAddr(), expiryMillis);
                removeBrokerAddr(broker.brokerAddr());
            }
            return expired;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Answers QUERY_DATA_VERSION; a broker asking proves it is alive, so this refreshes its registration time. */
    DataVersionCheck checkDataVersion(String brokerAddr, DataVersion offered, long nowMillis) {
        lock.writeLock().lock();
        try {
            LiveBroker broker = live.get(brokerAddr);
            if (broker == null) {
                return new DataVersionCheck(true, null);
            }
            boolean changed = broker.firstSeen() || !broker.dataVersion().equals(offered);
            if (!changed) {
                live.put(brokerAddr, new LiveBroker(nowMillis, broker.dataVersion(), broker.connection(),
                        broker.haServerAddr(), false));
            }
            return new DataVersionCheck(changed, broker.dataVersion());
        } finally {
            lock.writeLock().unlock();
        }
    }

    Optional<TopicRoute> route(String topic) {
        lock.readLock().lock();
        try {
            Map<String, QueueData> queues = topics.get(topic);
            if (queues == null || queues.isEmpty()) {
                return Optional.empty();
            }
            List<BrokerData> brokerDatas = new ArrayList<>();
            for (String brokerName : queues.keySet()) {
                Addresses addresses = brokers.get(brokerName);
                if (addresses != null) {
                    brokerDatas.add(new BrokerData(addresses.cluster, brokerName, addresses.byId));
                }
            }
            if (brokerDatas.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new TopicRoute(List.copyOf(queues.values()), List.copyOf(brokerDatas)));
        } finally {
            lock.readLock().unlock();
        }
    }

    ClusterSnapshot clusterInfo() {
        lock.readLock().lock();
        try {
            SortedMap<String, BrokerData> brokerSnapshot = new TreeMap<>();
            brokers.forEach((name, addresses) -> brokerSnapshot.put(name, new BrokerData(addresses.cluster, name, addresses.byId)));
            SortedMap<String, SortedSet<String>> clusterSnapshot = new TreeMap<>();
            clusters.forEach((cluster, names) -> clusterSnapshot.put(cluster, Collections.unmodifiableSortedSet(new TreeSet<>(names))));
            return new ClusterSnapshot(Collections.unmodifiableSortedMap(brokerSnapshot),
                    Collections.unmodifiableSortedMap(clusterSnapshot));
        } finally {
            lock.readLock().unlock();
        }
    }

    SortedSet<String> topics() {
        lock.readLock().lock();
        try {
            return Collections.unmodifiableSortedSet(new TreeSet<>(topics.keySet()));
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Every cluster name and brokerName, which RocketMQ counts as system topics, and the address of a master broker
     * (any registered broker when no master is) that clients then ask for the system topics it holds.
     */
    SystemTopics systemTopics() {
        lock.readLock().lock();
        try {
            SortedSet<String> names = new TreeSet<>();
            clusters.forEach((cluster, brokerNames) -> {
                names.add(cluster);
                names.addAll(brokerNames);
            });
            String brokerAddr = brokers.values().stream().map(a -> a.byId.get(0L)).filter(Objects::nonNull).findFirst()
                    .orElseGet(() -> brokers.values().stream().map(a -> a.byId.firstEntry().getValue()).findFirst().orElse(null));
            return new SystemTopics(Collections.unmodifiableSortedSet(names), brokerAddr);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Topics with at least one queue on a broker of {@code cluster}. */
    SortedSet<String> topicsOfCluster(String cluster) {
        lock.readLock().lock();
        try {
            Set<String> brokerNames = clusters.getOrDefault(cluster, Collections.emptySortedSet());
            SortedSet<String> result = new TreeSet<>();
            topics.forEach((topic, queues) -> {
                if (!Collections.disjoint(queues.keySet(), brokerNames)) {
                    result.add(topic);
                }
            });
            return Collections.unmodifiableSortedSet(result);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Deletes the topic, or only its queues on brokers of {@code cluster} when that is not null. */
    void deleteTopic(String topic, String cluster) {
        lock.writeLock().lock();
        try {
            if (cluster == null || cluster.isEmpty()) {
                topics.remove(topic);
                return;
            }
            Map<String, QueueData> queues = topics.get(topic);
            if (queues != null) {
                queues.keySet().removeAll(clusters.getOrDefault(cluster, Collections.emptySortedSet()));
                if (queues.isEmpty()) {
                    topics.remove(topic);
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Takes write permission from (or gives it back to) every topic of the broker; returns how many topics changed. */
    int setWritePermission(String brokerName, boolean writable) {
        lock.writeLock().lock();
        try {
            int count = 0;
            for (Map<String, QueueData> queues : topics.values()) {
                QueueData queue = queues.get(brokerName);
                if (queue != null) {
                    int perm = writable ? queue.perm() | QueueData.PERM_WRITE : queue.perm() & ~QueueData.PERM_WRITE;
                    queues.put(brokerName, queue.withPerm(perm));
                    count++;
                }
            }
            return count;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void removeBrokerAddr(String brokerAddr) {
        live.remove(brokerAddr);
        Set<String> emptied = new HashSet<>();
        brokers.forEach((name, addresses) -> {
            if (addresses.byId.values().removeIf(Predicate.isEqual(brokerAddr)) && addresses.byId.isEmpty()) {
                emptied.add(name);
            }
        });
        emptied.forEach(this::dropBrokerName);
    }

    private void dropBrokerName(String brokerName) {
        brokers.remove(brokerName);
        for (Iterator<SortedSet<String>> it = clusters.values().iterator(); it.hasNext(); ) {
            SortedSet<String> names = it.next();
            if (names.remove(brokerName) && names.isEmpty()) {
                it.remove();
            }
        }
        for (Iterator<Map<String, QueueData>> it = topics.values().iterator(); it.hasNext(); ) {
            Map<String, QueueData> queues = it.next();
            if (queues.remove(brokerName) != null && queues.isEmpty()) {
                it.remove();
            }
        }
        LOG.info("brokerName {} has no address left, removed with its topic queues", brokerName);
    }
}
