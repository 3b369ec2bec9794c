package dev.sluice.broker.admin;

import dev.sluice.broker.client.ClientChannel;
import dev.sluice.broker.client.ConsumerGroup;
import dev.sluice.broker.client.ConsumerRegistry;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.offset.ConsumerOffsetTable;
import dev.sluice.broker.topic.TopicConfig;
import dev.sluice.broker.topic.TopicTable;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RemotingServer;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.Json;
import dev.sluice.store.MessageStore;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * INVOKE_BROKER_TO_RESET_OFFSET (mqadmin resetOffsetByTime): works out, per queue of the topic, the offset of the
 * first message stored at or after the timestamp (-1: the queue's end) and sends it to every online member of the
 * group (RESET_CONSUMER_CLIENT_OFFSET, oneway), which adopt and commit it. Without {@code isForce} a queue only moves
 * backwards. The committed offsets are not touched here: the clients own them while they are online, and a group
 * with no member online is answered CONSUMER_NOT_ONLINE, on which the tool rewrites the offsets itself.
 */
public final class ResetOffsetProcessor implements RequestProcessor {
    private final BrokerConfig config;
    private final TopicTable topics;
    private final ConsumerOffsetTable offsets;
    private final ConsumerRegistry consumers;
    private final MessageStore store;
    private final RemotingServer server;

    public ResetOffsetProcessor(BrokerConfig config, TopicTable topics, ConsumerOffsetTable offsets,
                                ConsumerRegistry consumers, MessageStore store, RemotingServer server) {
        this.config = config;
        this.topics = topics;
        this.offsets = offsets;
        this.consumers = consumers;
        this.store = store;
        this.server = server;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request) throws Exception {
        String topic = request.requireExtField("topic");
        String group = request.requireExtField("group");
        long timestamp = request.requireLongExtField("timestamp");
        boolean force = Boolean.parseBoolean(request.extField("isForce"));
        TopicConfig topicConfig = topics.get(topic);
        if (topicConfig == null) {
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR,
                    "[reset-offset] reset offset failed, no topic in this broker. topic=" + topic);
        }
        Map<Object, Object> table = new LinkedHashMap<>();
        for (int queueId = 0; queueId < topicConfig.writeQueueNums(); queueId++) {
            long committed = offsets.query(group, topic, queueId);
            if (committed < 0) {
                return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR,
                        "consumer group <" + group + "> has no offset on " + topic + " queue " + queueId);
            }
            long target = timestamp == -1 ? store.maxQueueOffset(topic, queueId)
                    : store.queueOffsetByTime(topic, queueId, timestamp);
            target = Math.max(0, target);
            table.put(MessageQueues.of(config.brokerName(), queueId, topic), force || target < committed ? target : committed);
        }
        byte[] body = Json.writeBytes(Map.of("offsetTable", table));

        ConsumerGroup members = consumers.group(group);
        if (members == null || members.members().isEmpty()) {
            return RemotingCommand.responseTo(request, ResponseCode.CONSUMER_NOT_ONLINE,
                    "Consumer not online, so can not reset offset, Group: " + group + " Topic: " + topic
                            + " Timestamp: " + timestamp);
        }
        for (ClientChannel member : members.members()) {
            if (member.connection().isActive()) {
                server.invokeOneway(member.connection(), RemotingCommand.request(RequestCode.RESET_CONSUMER_CLIENT_OFFSET)
                        .putExtField("topic", topic).putExtField("group", group)
                        .putExtField("timestamp", timestamp).putExtField("isForce", force)
                        .setBody(body));
            }
        }
        return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null).setBody(body);
    }
}
