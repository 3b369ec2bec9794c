package dev.sluice.client.internal;

import dev.sluice.client.MessageQueue;
import dev.sluice.remoting.json.Json;
import dev.sluice.remoting.json.JsonException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A topic's route (GET_ROUTEINFO_BY_TOPIC body): its queue data per broker group and those groups' addresses. */
public record TopicRoute(String topic, List<QueueData> queueDatas, Map<String, BrokerData> brokers) {
    public TopicRoute {
        queueDatas = List.copyOf(queueDatas);
        brokers = Collections.unmodifiableMap(new TreeMap<>(brokers));
    }

    /** Parses a TopicRouteData body; numeric {@code brokerAddrs} keys may be quoted or not. */
    public static TopicRoute parse(String topic, byte[] body) {
        Map<String, Object> root = Json.parseObject(body);
        List<QueueData> queues = new ArrayList<>();
        for (Object item : list(root.get("queueDatas"), "queueDatas")) {
            Map<String, Object> q = Json.asObject(item, "queueData");
            queues.add(new QueueData(Json.asString(q.get("brokerName"), "queueData.brokerName"),
                    Json.asInt(q.get("readQueueNums"), "queueData.readQueueNums"),
                    Json.asInt(q.get("writeQueueNums"), "queueData.writeQueueNums"),
                    Json.asInt(q.get("perm"), "queueData.perm"),
                    q.get("topicSysFlag") == null ? 0 : Json.asInt(q.get("topicSysFlag"), "queueData.topicSysFlag")));
        }
        Map<String, BrokerData> brokers = new TreeMap<>();
        for (Object item : list(root.get("brokerDatas"), "brokerDatas")) {
            BrokerData broker = parseBrokerData(Json.asObject(item, "brokerData"));
            brokers.put(broker.brokerName(), broker);
        }
        return new TopicRoute(topic, queues, brokers);
    }

    /** A BrokerData object: {@code {"brokerAddrs":{0:"ip:port"},"brokerName":..,"cluster":..}}. */
    public static BrokerData parseBrokerData(Map<String, Object> b) {
        TreeMap<Long, String> addresses = new TreeMap<>();
        Object addrs = b.get("brokerAddrs");
        if (addrs != null) {
            for (Map.Entry<String, Object> e : Json.asObject(addrs, "brokerAddrs").entrySet()) {
                try {
                    addresses.put(Long.parseLong(e.getKey()), Json.asString(e.getValue(), "brokerAddrs value"));
                } catch (NumberFormatException ex) {
                    throw new JsonException("brokerAddrs key is not a broker id");
                }
            }
        }
        Object cluster = b.get("cluster");
        return new BrokerData(cluster == null ? "" : Json.asString(cluster, "cluster"),
                Json.asString(b.get("brokerName"), "brokerData.brokerName"), addresses);
    }

    private static List<Object> list(Object value, String what) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> l) {
            @SuppressWarnings("unchecked")
            List<Object> objects = (List<Object>) l;
            return objects;
        }
        throw new JsonException(what + " is not a JSON array");
    }

    /** Queues a producer may send to: writable queue data of groups that have a live master. */
    public List<MessageQueue> writableQueues() {
        List<MessageQueue> result = new ArrayList<>();
        for (QueueData q : sortedQueueDatas()) {
            BrokerData broker = brokers.get(q.brokerName());
            if (q.writable() && broker != null && broker.masterAddress() != null) {
                for (int i = 0; i < q.writeQueueNums(); i++) {
                    result.add(new MessageQueue(topic, q.brokerName(), i));
                }
            }
        }
        return result;
    }

    /** Queues a consumer reads: readable queue data (slaves may serve them while a master is away). */
    public List<MessageQueue> readableQueues() {
        List<MessageQueue> result = new ArrayList<>();
        for (QueueData q : sortedQueueDatas()) {
            if (q.readable()) {
                for (int i = 0; i < q.readQueueNums(); i++) {
                    result.add(new MessageQueue(topic, q.brokerName(), i));
                }
            }
        }
        return result;
    }

    private List<QueueData> sortedQueueDatas() {
        List<QueueData> sorted = new ArrayList<>(queueDatas);
        sorted.sort((a, b) -> a.brokerName().compareTo(b.brokerName()));
        return sorted;
    }

    public String masterAddress(String brokerName) {
        BrokerData broker = brokers.get(brokerName);
        return broker == null ? null : broker.masterAddress();
    }
}
