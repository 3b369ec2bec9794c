package dev.sluice.client.consumer;

import dev.sluice.client.ClientException;
import dev.sluice.client.MessageQueue;
import dev.sluice.client.internal.BrokerCaller;
import dev.sluice.client.internal.BrokerData;
import dev.sluice.client.internal.ClientRuntime;
import dev.sluice.client.internal.TopicRoute;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which queues of a topic this member reads: all of them when broadcasting; when clustering, its share of
 * the readable queues among the group's members as a broker of the topic lists them (GET_CONSUMER_LIST_BY_GROUP).
 */
final class Rebalancer {
    private final ClientRuntime runtime;
    private final String group;
    private final MessageModel model;

    Rebalancer(ClientRuntime runtime, String group, MessageModel model) {
        this.runtime = runtime;
        this.group = group;
        this.model = model;
    }

    /** This member's queues of {@code topic}; a {@link ClientException} when the route or the members are unknown. */
    Set<MessageQueue> queuesFor(String topic) throws ClientException {
        TopicRoute route = runtime.routes().route(topic);
        List<MessageQueue> all = route.readableQueues();
        if (model == MessageModel.BROADCASTING) {
            return new LinkedHashSet<>(all);
        }
        List<String> members = members(route);
        return new LinkedHashSet<>(AllocateAverage.allocate(runtime.clientId(), all, members));
    }

    /** The group's live members as one broker of the route sees them (masters first). */
    List<String> members(TopicRoute route) throws ClientException {
        ClientException last = null;
        for (BrokerData broker : route.brokers().values()) {
            for (String address : broker.addresses().values()) {
                try {
                    RemotingCommand response = runtime.brokers().call(broker.brokerName(), address,
                            RemotingCommand.request(RequestCode.GET_CONSUMER_LIST_BY_GROUP).putExtField("consumerGroup", group),
                            runtime.timeoutMillis());
                    if (response.code() != ResponseCode.SUCCESS || response.body() == null) {
                        throw BrokerCaller.refused("listing the members of group " + group, broker.brokerName(), address,
                                response);
                    }
                    Map<String, Object> body = Json.parseObject(response.body());
                    List<String> ids = new ArrayList<>();
                    if (body.get("consumerIdList") instanceof List<?> list) {
                        list.forEach(id -> ids.add(String.valueOf(id)));
                    }
                    return ids;
                } catch (ClientException e) {
                    last = e;
                }
            }
        }
        throw last != null ? last : new ClientException("topic " + route.topic() + " has no broker to ask for the members of "
                + group);
    }
}
