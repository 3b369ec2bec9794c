package dev.sluice.client.internal;

import dev.sluice.client.ClientException;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HEART_BEAT to every broker of the client's topics: producer groups to masters, consumer groups (with their
 * subscriptions) to masters and slaves, so brokers know who is alive and what each group subscribes.
 */
public final class HeartbeatSender {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatSender.class);
    /** Every client lists this producer group, as the Java client does. */
    static final String INNER_PRODUCER_GROUP = "CLIENT_INNER_PRODUCER";

    private final ClientRuntime runtime;
    private final Set<String> producerGroups = ConcurrentHashMap.newKeySet();
    private final Map<String, Supplier<Map<String, Object>>> consumers = new ConcurrentHashMap<>();

    public HeartbeatSender(ClientRuntime runtime) {
        this.runtime = runtime;
        producerGroups.add(INNER_PRODUCER_GROUP);
    }

    public void addProducerGroup(String group) {
        producerGroups.add(group);
    }

    /** {@code data} gives the group's ConsumerData JSON object at each heartbeat. */
    public void addConsumer(String group, Supplier<Map<String, Object>> data) {
        consumers.put(group, data);
    }

    byte[] body() {
        Map<String, Object> heartbeat = new LinkedHashMap<>();
        heartbeat.put("clientID", runtime.clientId());
        List<Object> consumerData = new ArrayList<>();
        consumers.values().forEach(data -> consumerData.add(data.get()));
        heartbeat.put("consumerDataSet", consumerData);
        List<Object> producerData = new ArrayList<>();
        producerGroups.stream().sorted().forEach(group -> producerData.add(Map.of("groupName", group)));
        heartbeat.put("producerDataSet", producerData);
        return Json.writeBytes(heartbeat);
    }

    /** Broker addresses (name → id → address) of every cached route; slaves only when this client consumes. */
    Map<String, String> targets() {
        Map<String, String> targets = new TreeMap<>();
        boolean withSlaves = !consumers.isEmpty();
        for (TopicRoute route : runtime.routes().cachedRoutes()) {
            for (BrokerData broker : route.brokers().values()) {
                broker.addresses().forEach((id, address) -> {
                    if (id == BrokerData.MASTER_ID || withSlaves) {
                        targets.put(address, broker.brokerName());
                    }
                });
            }
        }
        return targets;
    }

    /** One heartbeat to every target; failures are logged (the next round tries again). */
    public void sendToAll() {
        byte[] body = body();
        targets().forEach((address, brokerName) -> {
            try {
                RemotingCommand request = RemotingCommand.request(RequestCode.HEART_BEAT).setBody(body);
                RemotingCommand response = runtime.brokers().call(brokerName, address, request, runtime.timeoutMillis());
                if (response.code() != ResponseCode.SUCCESS) {
                    LOG.warn("heartbeat refused by broker {} at {}: code {}, {}", brokerName, address, response.code(),
                            response.remark());
                }
            } catch (ClientException e) {
                LOG.debug("heartbeat to {} failed: {}", address, e.getMessage());
            }
        });
    }

    /** UNREGISTER_CLIENT for the groups this client leaves, sent to every known broker. */
    public void unregister(String producerGroup, String consumerGroup) {
        if (producerGroup != null) {
            producerGroups.remove(producerGroup);
        }
        if (consumerGroup != null) {
            consumers.remove(consumerGroup);
        }
        Map<String, String> targets = new TreeMap<>();
        for (TopicRoute route : runtime.routes().cachedRoutes()) {
            for (BrokerData broker : route.brokers().values()) {
                broker.addresses().values().forEach(address -> targets.put(address, broker.brokerName()));
            }
        }
        targets.forEach((address, brokerName) -> {
            try {
                RemotingCommand request = RemotingCommand.request(RequestCode.UNREGISTER_CLIENT)
                        .putExtField("clientID", runtime.clientId())
                        .putExtField("producerGroup", producerGroup)
                        .putExtField("consumerGroup", consumerGroup);
                runtime.brokers().call(brokerName, address, request, runtime.timeoutMillis());
            } catch (ClientException e) {
                LOG.debug("unregistering from {} failed: {}", address, e.getMessage());
            }
        });
    }
}
