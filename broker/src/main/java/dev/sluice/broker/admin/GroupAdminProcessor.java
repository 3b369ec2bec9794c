package dev.sluice.broker.admin;

import dev.sluice.broker.client.ClientChannel;
import dev.sluice.broker.client.ConsumerGroup;
import dev.sluice.broker.client.ConsumerRegistry;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.group.SubscriptionGroupConfig;
import dev.sluice.broker.group.SubscriptionGroupTable;
import dev.sluice.broker.offset.ConsumerOffsetTable;
import dev.sluice.broker.stats.BrokerStats;
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
import dev.sluice.store.MessageStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Consumer group administration and progress: UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, GET_ALL_SUBSCRIPTIONGROUP_CONFIG,
 * DELETE_SUBSCRIPTIONGROUP, GET_CONSUMER_CONNECTION_LIST and GET_CONSUME_STATS (mqadmin consumerProgress).
 */
public final class GroupAdminProcessor implements RequestProcessor {
    private final BrokerConfig config;
    private final SubscriptionGroupTable groups;
    private final ConsumerRegistry consumers;
    private final ConsumerOffsetTable offsets;
    private final TopicTable topics;
    private final MessageStore store;
    private final BrokerStats stats;

    public GroupAdminProcessor(BrokerConfig config, SubscriptionGroupTable groups, ConsumerRegistry consumers,
                               ConsumerOffsetTable offsets, TopicTable topics, MessageStore store,
                               BrokerStats stats) {
        this.config = config;
        this.groups = groups;
        this.consumers = consumers;
        this.offsets = offsets;
        this.topics = topics;
        this.store = store;
        this.stats = stats;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request) throws Exception {
        return switch (request.code()) {
            case RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP -> update(request);
            case RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG -> ok(request).setBody(Json.writeBytes(groups.toJson()));
            case RequestCode.DELETE_SUBSCRIPTIONGROUP -> delete(request);
            case RequestCode.GET_CONSUMER_CONNECTION_LIST -> connections(request);
            case RequestCode.GET_CONSUME_STATS -> consumeStats(request);
            default -> throw new IllegalStateException("not registered for request code " + request.code());
        };
    }

    private RemotingCommand update(RemotingCommand request) throws RemotingCommandException {
        if (request.body() == null) {
            throw new RemotingCommandException("subscription group config body is missing");
        }
        try {
            groups.put(SubscriptionGroupConfig.fromJson(Json.parseObject(request.body())));
        } catch (JsonException | IllegalArgumentException e) {
            throw new RemotingCommandException("bad subscription group config: " + e.getMessage(), e);
        }
        return ok(request);
    }

    private RemotingCommand delete(RemotingCommand request) throws RemotingCommandException {
        String group = request.requireExtField("groupName");
        groups.remove(group);
        if (Boolean.parseBoolean(request.extField("removeOffset"))) {
            offsets.removeGroup(group);
        }
        return ok(request);
    }

    private RemotingCommand connections(RemotingCommand request) throws RemotingCommandException {
        String group = request.requireExtField("consumerGroup");
        ConsumerGroup members = consumers.group(group);
        if (members == null || members.members().isEmpty()) {
            return RemotingCommand.responseTo(request, ResponseCode.CONSUMER_NOT_ONLINE,
                    "the consumer group[" + group + "] not online");
        }
        List<Object> connectionSet = new ArrayList<>();
        for (ClientChannel member : members.members()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("clientAddr", member.connection().remoteAddress());
            c.put("clientId", member.clientId());
            c.put("language", member.language());
            c.put("version", member.version());
            connectionSet.add(c);
        }
        Map<String, Object> subscriptionTable = new TreeMap<>();
        members.subscriptions().forEach((topic, s) -> subscriptionTable.put(topic, s.toJson()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("connectionSet", connectionSet);
        body.put("consumeFromWhere", members.consumeFromWhere());
        body.put("consumeType", members.consumeType());
        body.put("messageModel", members.messageModel());
        body.put("subscriptionTable", subscriptionTable);
        return ok(request).setBody(Json.writeBytes(body));
    }

    private RemotingCommand consumeStats(RemotingCommand request) throws RemotingCommandException {
        String group = request.requireExtField("consumerGroup");
        String onlyTopic = request.extField("topic");
        Set<String> groupTopics = new TreeSet<>(offsets.topicsOf(group));
        ConsumerGroup members = consumers.group(group);
        if (members != null) {
            groupTopics.addAll(members.subscriptions().keySet());
        }
        Map<Object, Object> table = new LinkedHashMap<>();
        double consumeTps = 0;
        for (String topic : groupTopics) {
            TopicConfig topicConfig = topics.get(topic);
            if (topicConfig == null || (onlyTopic != null && !onlyTopic.isEmpty() && !onlyTopic.equals(topic))) {
                continue;
            }
            consumeTps += stats.consumeTps(topic, group);
            for (int queueId = 0; queueId < topicConfig.writeQueueNums(); queueId++) {
                long consumed = Math.max(0, offsets.query(group, topic, queueId));
                Map<String, Object> wrapper = new LinkedHashMap<>();
                wrapper.put("brokerOffset", store.maxQueueOffset(topic, queueId));
                wrapper.put("consumerOffset", consumed);
                wrapper.put("lastTimestamp", consumed > 0 ? Math.max(0, store.storeTimeAt(topic, queueId, consumed - 1)) : 0L);
                table.put(MessageQueues.of(config.brokerName(), queueId, topic), wrapper);
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("consumeTps", consumeTps);
        body.put("offsetTable", table);
        return ok(request).setBody(Json.writeBytes(body));
    }

    private static RemotingCommand ok(RemotingCommand request) {
        return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
    }
}
