package dev.sluice.client.admin;

import dev.sluice.client.MessageQueue;
import dev.sluice.client.internal.BrokerData;
import dev.sluice.client.internal.TopicRoute;
import dev.sluice.remoting.json.Json;
import dev.sluice.remoting.json.JsonException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** Parses the JSON bodies admin requests get back (spec §4); a wrong shape is a {@link JsonException}. */
final class Bodies {
    private Bodies() {
    }

    static ClusterInfo clusterInfo(byte[] body) {
        Map<String, Object> root = Json.parseObject(body);
        Map<String, BrokerData> brokers = new TreeMap<>();
        for (Map.Entry<String, Object> e : object(root.get("brokerAddrTable"), "brokerAddrTable").entrySet()) {
            brokers.put(e.getKey(), TopicRoute.parseBrokerData(Json.asObject(e.getValue(), "brokerAddrTable value")));
        }
        Map<String, List<String>> clusters = new TreeMap<>();
        for (Map.Entry<String, Object> e : object(root.get("clusterAddrTable"), "clusterAddrTable").entrySet()) {
            List<String> names = new ArrayList<>(strings(e.getValue(), "clusterAddrTable value"));
            names.sort(null);
            clusters.put(e.getKey(), names);
        }
        return ClusterInfo.of(brokers, clusters);
    }

    /** KVTable {@code {"table":{k:v}}}, sorted by key. */
    static TreeMap<String, String> kvTable(byte[] body) {
        TreeMap<String, String> table = new TreeMap<>();
        for (Map.Entry<String, Object> e : object(Json.parseObject(body).get("table"), "table").entrySet()) {
            table.put(e.getKey(), e.getValue() == null ? "" : e.getValue().toString());
        }
        return table;
    }

    static List<String> stringList(byte[] body, String key) {
        return strings(Json.parseObject(body).get(key), key);
    }

    static Map<MessageQueue, TopicOffset> topicStats(byte[] body) {
        return queueTable(body, value -> {
            Map<String, Object> o = Json.asObject(value, "offsetTable value");
            return new TopicOffset(longOf(o, "minOffset"), longOf(o, "maxOffset"), longOf(o, "lastUpdateTimestamp"));
        });
    }

    static ConsumeStats consumeStats(byte[] body) {
        return consumeStats(Json.parseObject(body));
    }

    private static ConsumeStats consumeStats(Map<String, Object> root) {
        Map<MessageQueue, QueueProgress> queues = queueTable(root, value -> {
            Map<String, Object> o = Json.asObject(value, "offsetTable value");
            return new QueueProgress(longOf(o, "brokerOffset"), longOf(o, "consumerOffset"), longOf(o, "lastTimestamp"));
        });
        return new ConsumeStats(doubleOf(root.get("consumeTps")), new TreeMap<>(queues));
    }

    /** ConsumeStatsList: {@code {"consumeStatsList":[{group:[ConsumeStats, ...]}, ...], "totalDiff":n}}. */
    static BrokerConsumeStats brokerConsumeStats(byte[] body) {
        Map<String, Object> root = Json.parseObject(body);
        List<BrokerConsumeStats.Group> groups = new ArrayList<>();
        Object list = root.get("consumeStatsList");
        if (list instanceof List<?> items) {
            for (Object item : items) {
                for (Map.Entry<String, Object> group : Json.asObject(item, "consumeStatsList element").entrySet()) {
                    if (!(group.getValue() instanceof List<?> stats)) {
                        throw new JsonException("the consume stats of group " + group.getKey() + " are not a JSON array");
                    }
                    for (Object one : stats) {
                        groups.add(new BrokerConsumeStats.Group(group.getKey(),
                                consumeStats(Json.asObject(one, "consume stats"))));
                    }
                }
            }
        }
        return new BrokerConsumeStats(groups, longOf(root, "totalDiff"));
    }

    /** BrokerStatsData: {@code {"statsDay":{avgpt, sum, tps}, "statsHour":..., "statsMinute":...}}. */
    static BrokerStatsData brokerStats(byte[] body) {
        Map<String, Object> root = Json.parseObject(body);
        return new BrokerStatsData(statsItem(root, "statsMinute"), statsItem(root, "statsHour"), statsItem(root, "statsDay"));
    }

    private static BrokerStatsData.Item statsItem(Map<String, Object> root, String name) {
        Map<String, Object> item = Json.asObject(root.get(name), name);
        return new BrokerStatsData.Item(longOf(item, "sum"), doubleOf(item.get("tps")), doubleOf(item.get("avgpt")));
    }

    static Map<MessageQueue, Long> resetOffsets(byte[] body) {
        return queueTable(body, value -> Json.asLong(value, "offsetTable value"));
    }

    @SuppressWarnings("unchecked")
    static ConsumerConnection consumerConnection(byte[] body) {
        Map<String, Object> root = Json.parseObject(body);
        List<ConsumerConnection.Connection> connections = new ArrayList<>();
        Object set = root.get("connectionSet");
        if (set instanceof List<?> list) {
            for (Object item : list) {
                Map<String, Object> c = Json.asObject(item, "connection");
                connections.add(new ConsumerConnection.Connection(stringOf(c, "clientId"), stringOf(c, "clientAddr"),
                        stringOf(c, "language"), (int) longOf(c, "version")));
            }
        }
        connections.sort((a, b) -> a.clientId().compareTo(b.clientId()));
        TreeMap<String, String> subscriptions = new TreeMap<>();
        for (Map.Entry<String, Object> e : object(root.get("subscriptionTable"), "subscriptionTable").entrySet()) {
            subscriptions.put(e.getKey(), stringOf(Json.asObject(e.getValue(), "subscription"), "subString"));
        }
        return new ConsumerConnection(connections, stringOf(root, "consumeType"), stringOf(root, "messageModel"),
                stringOf(root, "consumeFromWhere"), subscriptions);
    }

    static TreeMap<String, SubscriptionGroupSettings> subscriptionGroups(byte[] body) {
        TreeMap<String, SubscriptionGroupSettings> groups = new TreeMap<>();
        Map<String, Object> table = object(Json.parseObject(body).get("subscriptionGroupTable"), "subscriptionGroupTable");
        for (Map.Entry<String, Object> e : table.entrySet()) {
            Map<String, Object> g = Json.asObject(e.getValue(), "subscription group");
            SubscriptionGroupSettings d = SubscriptionGroupSettings.defaults(e.getKey());
            groups.put(e.getKey(), new SubscriptionGroupSettings(e.getKey(),
                    booleanOf(g, "consumeEnable", d.consumeEnable()),
                    booleanOf(g, "consumeFromMinEnable", d.consumeFromMinEnable()),
                    booleanOf(g, "consumeBroadcastEnable", d.consumeBroadcastEnable()),
                    (int) longOf(g, "retryQueueNums", d.retryQueueNums()),
                    (int) longOf(g, "retryMaxTimes", d.retryMaxTimes()),
                    longOf(g, "brokerId", d.brokerId()),
                    longOf(g, "whichBrokerWhenConsumeSlowly", d.whichBrokerWhenConsumeSlowly()),
                    booleanOf(g, "notifyConsumerIdsChangedEnable", d.notifyConsumerIdsChangedEnable())));
        }
        return groups;
    }

    private static boolean booleanOf(Map<String, Object> o, String key, boolean fallback) {
        Object value = o.get(key);
        return value instanceof Boolean b ? b : fallback;
    }

    private static long longOf(Map<String, Object> o, String key, long fallback) {
        return o.get(key) == null ? fallback : Json.asLong(o.get(key), key);
    }

    /** An offset table keyed by MessageQueue objects, as fastjson writes it. */
    private static <V> Map<MessageQueue, V> queueTable(byte[] body, Function<Object, V> value) {
        return queueTable(Json.parseObject(body), value);
    }

    private static <V> Map<MessageQueue, V> queueTable(Map<String, Object> root, Function<Object, V> value) {
        Map<MessageQueue, V> table = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : object(root.get("offsetTable"), "offsetTable").entrySet()) {
            Map<String, Object> key = Json.asObject(Json.parse(e.getKey()), "offsetTable key");
            table.put(new MessageQueue(Json.asString(key.get("topic"), "topic"),
                    Json.asString(key.get("brokerName"), "brokerName"), Json.asInt(key.get("queueId"), "queueId")),
                    value.apply(e.getValue()));
        }
        return table;
    }

    private static Map<String, Object> object(Object value, String what) {
        return value == null ? Map.of() : Json.asObject(value, what);
    }

    private static List<String> strings(Object value, String what) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new JsonException(what + " is not a JSON array");
        }
        List<String> result = new ArrayList<>();
        for (Object item : list) {
            result.add(Json.asString(item, what + " element"));
        }
        return result;
    }

    private static long longOf(Map<String, Object> o, String key) {
        Object value = o.get(key);
        return value == null ? 0 : Json.asLong(value, key);
    }

    private static String stringOf(Map<String, Object> o, String key) {
        Object value = o.get(key);
        return value == null ? "" : value.toString();
    }

    private static double doubleOf(Object value) {
        if (value instanceof BigDecimal d) {
            return d.doubleValue();
        }
        if (value instanceof Long l) {
            return l;
        }
        return 0;
    }
}
