package dev.sluice.broker.admin;

import dev.sluice.broker.client.ConsumerRegistry;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.offset.ConsumerOffsetTable;
import dev.sluice.broker.stats.BrokerStats;
import dev.sluice.broker.registry.NameServerRegistrar;
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
import dev.sluice.store.MessageStore;
import dev.sluice.store.TopicNames;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topic administration as mqadmin does it: UPDATE_AND_CREATE_TOPIC, DELETE_TOPIC_IN_BROKER, GET_ALL_TOPIC_CONFIG,
 * GET_SYSTEM_TOPIC_LIST_FROM_BROKER, GET_TOPIC_STATS_INFO and QUERY_TOPIC_CONSUME_BY_WHO.
 */
public final class TopicAdminProcessor implements RequestProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(TopicAdminProcessor.class);

    private final BrokerConfig config;
    private final TopicTable topics;
    private final ConsumerOffsetTable offsets;
    private final ConsumerRegistry consumers;
    private final BrokerStats stats;
    private final MessageStore store;

    public TopicAdminProcessor(BrokerConfig config, TopicTable topics, ConsumerOffsetTable offsets,
                               ConsumerRegistry consumers, MessageStore store, BrokerStats stats) {
        this.stats = stats;
        this.config = config;
        this.topics = topics;
        this.offsets = offsets;
        this.consumers = consumers;
        this.store = store;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request) throws Exception {
        RemotingCommand onSlave = MasterOnly.refusal(config, request);
        if (onSlave != null) {
            return onSlave;
        }
        return switch (request.code()) {
            case RequestCode.UPDATE_AND_CREATE_TOPIC -> update(request);
            case RequestCode.DELETE_TOPIC_IN_BROKER -> delete(request);
            case RequestCode.GET_ALL_TOPIC_CONFIG -> ok(request).setBody(Json.writeBytes(topics.toJson()));
            case RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_BROKER -> ok(request).setBody(Json.writeBytes(Map.of("topicList",
                    SystemTopics.listedBy(config))));
            case RequestCode.GET_TOPIC_STATS_INFO -> stats(request);
            case RequestCode.QUERY_TOPIC_CONSUME_BY_WHO -> consumedBy(request);
            default -> throw new IllegalStateException("not registered for request code " + request.code());
        };
    }

    private RemotingCommand update(RemotingCommand request) throws RemotingCommandException {
        String topic = request.requireExtField("topic");
        String problem = TopicNames.problem(topic);
        if (problem != null) {
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR, "The specified topic is not legal: " + problem);
        }
        if (SystemTopics.isReserved(topic, config)) {
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR,
                    "The topic[" + topic + "] is conflict with system topic.");
        }
        int read = positive(request, "readQueueNums");
        int write = positive(request, "writeQueueNums");
        int perm = (int) request.requireLongExtField("perm");
        if (perm < 0 || perm > 15) {
            throw new RemotingCommandException("the custom field <perm> must be between 0 and 15");
        }
        String filterType = request.extField("topicFilterType") == null ? TopicConfig.SINGLE_TAG
                : request.extField("topicFilterType");
        if (!filterType.equals(TopicConfig.SINGLE_TAG) && !filterType.equals("MULTI_TAG")) {
            throw new RemotingCommandException("the custom field <topicFilterType> must be SINGLE_TAG or MULTI_TAG");
        }
        int sysFlag = request.extField("topicSysFlag") == null ? 0 : (int) request.requireLongExtField("topicSysFlag");
        TopicConfig updated = new TopicConfig(topic, read, write, perm, filterType, sysFlag,
                Boolean.parseBoolean(request.extField("order")));
        CompletableFuture<?> registered = topics.put(updated);
        LOG.info("topic {} created or updated: {}", topic, updated);
        awaitRegistration(topic, registered);
        return ok(request);
    }

    /**
     * Answers once the name servers have the change, as RocketMQ's broker does: a producer that asks for the route
     * right after {@code mqadmin updateTopic} returns must see the new queues and permission, not the old route or
     * the auto-create template's. A name server that does not answer in time delays the answer, never fails it.
     */
    private void awaitRegistration(String topic, CompletableFuture<?> registered) {
        long timeout = NameServerRegistrar.longestWaitMillis(config);
        try {
            registered.get(timeout, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("topic {}: registering the change with the name servers did not finish within {} ms ({}); they "
                    + "learn it with the next periodic registration", topic, timeout, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private RemotingCommand delete(RemotingCommand request) throws RemotingCommandException {
        String topic = request.requireExtField("topic");
        String problem = TopicNames.problem(topic);
        if (problem != null) {
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR, "The specified topic is not legal: " + problem);
        }
        if (SystemTopics.isReserved(topic, config)) {
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR,
                    "The topic[" + topic + "] is conflict with system topic.");
        }
        topics.remove(topic);
        offsets.removeTopic(topic);
        stats.forgetTopic(topic);
        store.deleteTopic(topic);
        LOG.info("topic {} deleted", topic);
        return ok(request);
    }

    private RemotingCommand stats(RemotingCommand request) throws RemotingCommandException {
        String topic = request.requireExtField("topic");
        TopicConfig config = topics.get(topic);
        if (config == null) {
            return RemotingCommand.responseTo(request, ResponseCode.TOPIC_NOT_EXIST, "topic[" + topic + "] not exist");
        }
        Map<Object, Object> table = new LinkedHashMap<>();
        for (int queueId = 0; queueId < config.writeQueueNums(); queueId++) {
            long max = store.maxQueueOffset(topic, queueId);
            Map<String, Object> offsetsOfQueue = new LinkedHashMap<>();
            offsetsOfQueue.put("lastUpdateTimestamp", max > 0 ? Math.max(0, store.storeTimeAt(topic, queueId, max - 1)) : 0L);
            offsetsOfQueue.put("maxOffset", max);
            offsetsOfQueue.put("minOffset", store.minQueueOffset(topic, queueId));
            table.put(MessageQueues.of(this.config.brokerName(), queueId, topic), offsetsOfQueue);
        }
        return ok(request).setBody(Json.writeBytes(Map.of("offsetTable", table)));
    }

    private RemotingCommand consumedBy(RemotingCommand request) throws RemotingCommandException {
        String topic = request.requireExtField("topic");
        TreeSet<String> groups = new TreeSet<>(offsets.groupsOf(topic));
        groups.addAll(consumers.groupsSubscribedTo(topic));
        return ok(request).setBody(Json.writeBytes(Map.of("groupList", groups)));
    }

    private static int positive(RemotingCommand request, String field) throws RemotingCommandException {
        long value = request.requireLongExtField(field);
        if (value < 1 || value > 1024) {
            throw new RemotingCommandException("the custom field <" + field + "> must be between 1 and 1024");
        }
        return (int) value;
    }

    private static RemotingCommand ok(RemotingCommand request) {
        return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
    }
}
