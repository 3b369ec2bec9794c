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
 * DELETE_SUBSCRIPTIONGROUP, GET_CONSUMER_CONNECTION_LIST, GET_CONSUME_STATS (mqadmin consumerProgress),
 * GET_BROKER_CONSUME_STATS (mqadmin brokerConsumeStats) and CLONE_GROUP_OFFSET (mqadmin cloneGroupOffset).
 */
public final class GroupAdminProcessor implements RequestProcessor {
    private final BrokerConfig config;
    private final SubscriptionGroupTable groups;
    private final ConsumerRegistry consumers;
    private final ConsumerOffsetTable offsets;
    private final TopicTable topics;
    private final BrokerStats stats;
    private final ConsumeProgress progress;
    private final String brokerAddr;

    public GroupAdminProcessor(BrokerConfig config, SubscriptionGroupTable groups, ConsumerRegistry consumers,
                               ConsumerOffsetTable offsets, TopicTable topics, MessageStore store,
                               BrokerStats stats, String brokerAddr) {
        this.config = config;
        this.groups = groups;
        this.consumers = consumers;
        this.offsets = offsets;
        this.topics = topics;
        this.progress = new ConsumeProgress(config.brokerName(), offsets, store, stats);
        this.stats = stats;
        this.brokerAddr = brokerAddr;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request) throws Exception {
        RemotingCommand onSlave = MasterOnly.refusal(config, request);
        if (onSlave != null) {
            return onSlave;
        }
        return switch (request.code()) {
            case RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP -> update(request);
            case RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG -> ok(request).setBody(Json.writeBytes(groups.toJson()));
            case RequestCode.DELETE_SUBSCRIPTIONGROUP -> delete(request);
            case RequestCode.GET_CONSUMER_CONNECTION_LIST -> connections(request);
            case RequestCode.GET_CONSUME_STATS -> consumeStats(request);
            case RequestCode.GET_BROKER_CONSUME_STATS -> brokerConsumeStats(request);
            case RequestCode.CLONE_GROUP_OFFSET -> cloneOffsets(request);
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
        stats.forgetGroup(group);
        if (Boolean.parseBoolean(request.extField("removeOffset"))) {
            offsets.removeGroup(group);
        }
        return ok(request);
    }

    /**
     * Gives {@code destGroup} the committed offsets {@code srcGroup} has on the topic, or on every topic it has
     * offsets for when none is named. Topics the broker does not have are skipped, and unless {@code offline}, so
     * are topics an online source group does not subscribe, as in RocketMQ. (RocketMQ's broker copies only the named
     * topic even when it loops over all of them; here each topic of the loop is copied.)
     */
    private RemotingCommand cloneOffsets(RemotingCommand request) throws RemotingCommandException {
        String src = request.requireExtField("srcGroup");
        String dest = request.requireExtField("destGroup");
        String topic = request.extField("topic");
        boolean offline = Boolean.parseBoolean(request.extField("offline"));
        Set<String> cloned = topic == null || topic.isBlank() ? offsets.topicsOf(src) : Set.of(topic);
        ConsumerGroup online = consumers.group(src);
        boolean srcOnline = online != null && !online.members().isEmpty();
        for (String t : cloned) {
            if (topics.get(t) == null) {
                continue;
            }
            if (!offline && srcOnline && online.subscription(t) == null) {
                continue;
            }
            offsets.copy(src, dest, t);
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
        List<TopicConfig> shown = new ArrayList<>();
        for (String topic : groupTopics) {
            TopicConfig topicConfig = topics.get(topic);
            if (topicConfig != null && (onlyTopic == null || onlyTopic.isEmpty() || onlyTopic.equals(topic))) {
                shown.add(topicConfig);
            }
        }
        return ok(request).setBody(Json.writeBytes(progress.of(group, shown).json()));
    }

    /**
     * Every subscription group's progress on each topic it has offsets for, as RocketMQ's broker answers it: with
     * {@code isOrder} only on orderly topics, and never on a topic an online group no longer subscribes to.
     */
    private RemotingCommand brokerConsumeStats(RemotingCommand request) throws RemotingCommandException {
        boolean orderOnly = requireBoolean(request, "isOrder");
        List<Object> consumeStatsList = new ArrayList<>();
        long totalDiff = 0;
        for (String group : groups.all().stream().map(SubscriptionGroupConfig::groupName).sorted().toList()) {
            ConsumerGroup members = consumers.group(group);
            List<Object> perTopic = new ArrayList<>();
            for (String topic : offsets.topicsOf(group)) {
                TopicConfig topicConfig = topics.get(topic);
                if (topicConfig == null || (orderOnly && !topicConfig.order()) || unsubscribed(members, topic)) {
                    continue;
                }
                ConsumeProgress.Stats stats = progress.of(group, List.of(topicConfig));
                perTopic.add(stats.json());
                totalDiff += stats.totalDiff();
            }
            consumeStatsList.add(Map.of(group, perTopic));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("brokerAddr", brokerAddr);
        body.put("consumeStatsList", consumeStatsList);
        body.put("totalDiff", totalDiff);
        return ok(request).setBody(Json.writeBytes(body));
    }

    private static boolean unsubscribed(ConsumerGroup members, String topic) {
        return members != null && !members.subscriptions().isEmpty() && members.subscription(topic) == null;
    }

    private static boolean requireBoolean(RemotingCommand request, String field) throws RemotingCommandException {
        String value = request.requireExtField(field);
        if (!value.equals("true") && !value.equals("false")) {
            throw new RemotingCommandException("the custom field <" + field + "> must be true or false");
        }
        return Boolean.parseBoolean(value);
    }

    private static RemotingCommand ok(RemotingCommand request) {
        return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
    }
}
