package dev.sluice.broker.client;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.group.SubscriptionGroupConfig;
import dev.sluice.broker.group.SubscriptionGroupTable;
import dev.sluice.broker.topic.Perm;
import dev.sluice.broker.topic.SystemTopics;
import dev.sluice.broker.topic.TopicConfig;
import dev.sluice.broker.topic.TopicTable;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingCommandException;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.Json;
import dev.sluice.remoting.json.JsonException;
import dev.sluice.store.TopicNames;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HEART_BEAT, UNREGISTER_CLIENT and GET_CONSUMER_LIST_BY_GROUP: how clients join, leave and find their peers; and
 * CHECK_CLIENT_CONFIG, which a consumer with an SQL92 subscription sends before it starts.
 */
public final class ClientProcessor implements RequestProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(ClientProcessor.class);

    private final ConsumerRegistry consumers;
    private final ProducerRegistry producers;
    private final SubscriptionGroupTable groups;
    private final TopicTable topics;
    private final Clock clock;
    private final BrokerConfig config;

    public ClientProcessor(ConsumerRegistry consumers, ProducerRegistry producers, SubscriptionGroupTable groups,
                           TopicTable topics, Clock clock, BrokerConfig config) {
        this.consumers = consumers;
        this.producers = producers;
        this.groups = groups;
        this.topics = topics;
        this.clock = clock;
        this.config = config;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request) throws Exception {
        return switch (request.code()) {
            case RequestCode.HEART_BEAT -> heartbeat(connection, request);
            case RequestCode.UNREGISTER_CLIENT -> unregister(connection, request);
            case RequestCode.GET_CONSUMER_LIST_BY_GROUP -> consumerList(request);
            case RequestCode.CHECK_CLIENT_CONFIG -> checkClientConfig(request);
            default -> throw new IllegalStateException("not registered for request code " + request.code());
        };
    }

    private RemotingCommand heartbeat(RemotingConnection connection, RemotingCommand request) throws RemotingCommandException {
        if (request.body() == null) {
            throw new RemotingCommandException("heartbeat without a body");
        }
        try {
            Map<String, Object> heartbeat = Json.parseObject(request.body());
            String clientId = Json.asString(heartbeat.get("clientID"), "clientID");
            ClientChannel channel = new ClientChannel(connection, clientId, request.language(), request.version(),
                    clock.millis());
            if (heartbeat.get("consumerDataSet") instanceof List<?> consumerDataSet) {
                for (Object element : consumerDataSet) {
                    registerConsumer(channel, Json.asObject(element, "consumerData"));
                }
            }
            if (heartbeat.get("producerDataSet") instanceof List<?> producerDataSet) {
                for (Object element : producerDataSet) {
                    Map<String, Object> producer = Json.asObject(element, "producerData");
                    producers.heartbeat(Json.asString(producer.get("groupName"), "groupName"), channel);
                }
            }
        } catch (JsonException | IllegalArgumentException e) {
            throw new RemotingCommandException("bad heartbeat body: " + e.getMessage(), e);
        }
        return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
    }

    private void registerConsumer(ClientChannel channel, Map<String, Object> data) {
        String group = Json.asString(data.get("groupName"), "groupName");
        SubscriptionGroupConfig config = groups.findOrCreate(group);
        String problem = TopicNames.problem(SystemTopics.retryTopic(group));
        if (problem != null) {
            // The official client refuses such a group name before it starts; a raw client gets no retry topic.
            LOG.warn("consumer group [{}] of client {} gets no retry topic: {}", group, channel.clientId(), problem);
        } else if (config != null && config.retryQueueNums() > 0) {
            // consumerProgress and send-back rely on the retry topic's route existing: as RocketMQ's broker, this one
            // answers the heartbeat that created it once the name servers know it.
            String retry = SystemTopics.retryTopic(group);
            topics.getOrCreate(TopicConfig.of(retry, config.retryQueueNums(), Perm.READ | Perm.WRITE));
            topics.announced(retry).join();
        }
        Map<String, Subscription> subscriptions = new LinkedHashMap<>();
        if (data.get("subscriptionDataSet") instanceof List<?> set) {
            for (Object element : set) {
                Subscription s = Subscription.fromJson(Json.asObject(element, "subscriptionData"));
                subscriptions.put(s.topic(), s);
            }
        }
        consumers.heartbeat(group, channel, subscriptions, text(data, "consumeType", "CONSUME_PASSIVELY"),
                text(data, "messageModel", "CLUSTERING"), text(data, "consumeFromWhere", "CONSUME_FROM_LAST_OFFSET"));
    }

    /**
     * Whether this broker takes a consumer's subscription: any TAG one, an SQL92 one only with enablePropertyFilter
     * and when it compiles. The official client refuses to start on anything but SUCCESS, showing the remark.
     */
    private RemotingCommand checkClientConfig(RemotingCommand request) throws RemotingCommandException {
        Map<String, Object> subscription;
        try {
            Object data = request.body() == null ? null : Json.parseObject(request.body()).get("subscriptionData");
            subscription = data == null ? null : Json.asObject(data, "subscriptionData");
        } catch (JsonException | IllegalArgumentException e) {
            throw new RemotingCommandException("bad CHECK_CLIENT_CONFIG body: " + e.getMessage(), e);
        }
        Object type = subscription == null ? null : subscription.get("expressionType");
        if (type == null || type.equals("") || type.equals(Subscription.TAG)) {
            return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
        }
        if (!config.enablePropertyFilter()) {
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR,
                    Subscription.unsupported(String.valueOf(type)));
        }
        try {
            Object subString = subscription.get("subString");
            Subscription.parse(Json.asString(subscription.get("topic"), "topic"),
                    subString == null ? null : Json.asString(subString, "subString"), String.valueOf(type), 0);
        } catch (IllegalArgumentException e) {
            return RemotingCommand.responseTo(request, ResponseCode.SUBSCRIPTION_PARSE_FAILED, e.getMessage());
        }
        return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
    }

    private RemotingCommand unregister(RemotingConnection connection, RemotingCommand request) throws RemotingCommandException {
        request.requireExtField("clientID");
        String group = request.extField("consumerGroup");
        if (group != null) {
            consumers.unregister(group, connection);
        }
        String producerGroup = request.extField("producerGroup");
        if (producerGroup != null) {
            producers.unregister(producerGroup, connection);
        }
        return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
    }

    private RemotingCommand consumerList(RemotingCommand request) throws RemotingCommandException {
        String group = request.requireExtField("consumerGroup");
        ConsumerGroup members = consumers.group(group);
        List<String> ids = members == null ? List.of() : members.clientIds();
        if (ids.isEmpty()) {
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR, "no consumer for this group, " + group);
        }
        return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null)
                .setBody(Json.writeBytes(Map.of("consumerIdList", ids)));
    }

    private static String text(Map<String, Object> data, String key, String fallback) {
        Object v = data.get(key);
        return v == null ? fallback : Json.asString(v, key);
    }
}
