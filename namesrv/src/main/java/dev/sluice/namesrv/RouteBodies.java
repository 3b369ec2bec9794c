package dev.sluice.namesrv;

import dev.sluice.remoting.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** JSON bodies the name server answers with, in the shapes (and key order) fastjson gives Java clients. */
final class RouteBodies {
    private RouteBodies() {
    }

    /**
     * @param standardJson quote the numeric broker-id keys; newer clients ask for this, older ones get fastjson's
     *                     unquoted form, which they also parse
     */
    static byte[] topicRouteData(RouteRegistry.TopicRoute route, String orderTopicConf, boolean standardJson) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("brokerDatas", route.brokerDatas().stream().map(BrokerData::toJson).toList());
        json.put("filterServerTable", Map.of());
        if (orderTopicConf != null) {
            json.put("orderTopicConf", orderTopicConf);
        }
        json.put("queueDatas", route.queueDatas().stream().map(QueueData::toJson).toList());
        String text = standardJson ? Json.writeStandard(json) : Json.write(json);
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] clusterInfo(RouteRegistry.ClusterSnapshot snapshot) {
        SortedMap<String, Object> brokerAddrTable = new TreeMap<>();
        snapshot.brokers().forEach((name, broker) -> brokerAddrTable.put(name, broker.toJson()));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("brokerAddrTable", brokerAddrTable);
        json.put("clusterAddrTable", snapshot.clusters());
        return Json.writeBytes(json);
    }

    static byte[] topicList(Collection<String> topics) {
        return Json.writeBytes(Map.of("topicList", List.copyOf(topics)));
    }

    /** RocketMQ's TopicList with its brokerAddr, which fastjson writes first and leaves out when null. */
    static byte[] systemTopicList(RouteRegistry.SystemTopics topics) {
        Map<String, Object> json = new LinkedHashMap<>();
        if (topics.brokerAddr() != null) {
            json.put("brokerAddr", topics.brokerAddr());
        }
        json.put("topicList", List.copyOf(topics.names()));
        return Json.writeBytes(json);
    }

    static byte[] kvTable(Map<String, String> table) {
        return Json.writeBytes(Map.of("table", new TreeMap<>(table)));
    }
}
