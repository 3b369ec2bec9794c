package dev.sluice.client.admin;

import dev.sluice.client.internal.BrokerData;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the name server knows of the clusters (GET_BROKER_CLUSTER_INFO).
 *
 * @param brokers  broker name → its addresses
 * @param clusters cluster name → its broker names, sorted
 */
public record ClusterInfo(SortedMap<String, BrokerData> brokers, SortedMap<String, List<String>> clusters) {
    public ClusterInfo {
        brokers = Collections.unmodifiableSortedMap(new TreeMap<>(brokers));
        clusters = Collections.unmodifiableSortedMap(new TreeMap<>(clusters));
    }

    /** The master addresses of the cluster's broker groups (groups without a live master are skipped). */
    public List<String> masterAddresses(String cluster) {
        return clusters.getOrDefault(cluster, List.of()).stream()
                .map(brokers::get)
                .filter(b -> b != null && b.masterAddress() != null)
                .map(BrokerData::masterAddress)
                .toList();
    }

    /** The broker group of {@code brokerName}, or null. */
    public BrokerData broker(String brokerName) {
        return brokers.get(brokerName);
    }

    static ClusterInfo of(Map<String, BrokerData> brokers, Map<String, List<String>> clusters) {
        return new ClusterInfo(new TreeMap<>(brokers), new TreeMap<>(clusters));
    }
}
