package dev.sluice.broker.pull;

import dev.sluice.broker.client.ConsumerGroup;
import dev.sluice.broker.client.ConsumerRegistry;
import dev.sluice.broker.client.Subscription;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.filter.SqlSelector;
import dev.sluice.broker.group.SlowConsumerProtection;
import dev.sluice.broker.group.SubscriptionGroupConfig;
import dev.sluice.broker.group.SubscriptionGroupTable;
import dev.sluice.broker.offset.ConsumerOffsetTable;
import dev.sluice.broker.retry.SendBackProcessor;
import dev.sluice.broker.stats.BrokerStats;
import dev.sluice.broker.topic.Perm;
import dev.sluice.broker.topic.SystemTopics;
import dev.sluice.broker.topic.TopicConfig;
import dev.sluice.broker.topic.TopicTable;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RemotingServer;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.store.DispatchListener;
import dev.sluice.store.MessageCodec;
import dev.sluice.store.MessageProperties;
import dev.sluice.store.MessageRecordDescriptor;
import dev.sluice.store.MessageStore;
import dev.sluice.store.ReadResult;
import dev.sluice.store.ReadStatus;
import dev.sluice.store.TagFilter;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * PULL_MESSAGE. Stored records go to the client as they are, straight from the mapped files (released once written).
 * A pull that finds nothing new and may be suspended is parked in {@link LongPolling} and answered when a message
 * arrives for its queue or its suspend time is over.
 */
public final class PullProcessor implements RequestProcessor {
    private static final long TOTAL_MEMORY = totalMemory();

    private final BrokerConfig config;
    private final TopicTable topics;
    private final SubscriptionGroupTable groups;
    private final ConsumerRegistry consumers;
    private final ConsumerOffsetTable offsets;
    private final MessageStore store;
    private final RemotingServer server;
    private final BrokerStats stats;
    private final SlowConsumerProtection slowConsumers;
    private final LongPolling longPolling;
    private final OffsetMovedEvents offsetMoved;

    public PullProcessor(BrokerConfig config, TopicTable topics, SubscriptionGroupTable groups, ConsumerRegistry consumers,
                         ConsumerOffsetTable offsets, MessageStore store, RemotingServer server, BrokerStats stats,
                         SlowConsumerProtection slowConsumers, ScheduledExecutorService timer, Executor pullExecutor,
                         OffsetMovedEvents offsetMoved) {
        this.config = config;
        this.topics = topics;
        this.groups = groups;
        this.consumers = consumers;
        this.offsets = offsets;
        this.store = store;
        this.server = server;
        this.stats = stats;
        this.slowConsumers = slowConsumers;
        this.longPolling = new LongPolling(store, timer, pullExecutor);
        this.offsetMoved = offsetMoved;
    }

    /** Wakes parked pulls; give it to the store as its dispatch listener. */
    public DispatchListener longPolling() {
        return longPolling;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request) throws Exception {
        return pull(connection, request, PullRequest.of(request), true);
    }

    private RemotingCommand pull(RemotingConnection connection, RemotingCommand request, PullRequest header,
                                 boolean firstAttempt) {
        RemotingCommand response = RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
        if (!Perm.readable(config.brokerPermission())) {
            return refuse(response, ResponseCode.NO_PERMISSION, "the broker[" + config.brokerIP1() + "] pulling message is forbidden");
        }
        SubscriptionGroupConfig group = groups.findOrCreate(header.consumerGroup());
        if (group == null) {
            return refuse(response, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
                    "subscription group [" + header.consumerGroup() + "] does not exist");
        }
        if (!group.consumeEnable()) {
            return refuse(response, ResponseCode.NO_PERMISSION, "subscription group no permission, " + header.consumerGroup());
        }
        TopicConfig topic = topics.get(header.topic());
        if (topic == null) {
            return refuse(response, ResponseCode.TOPIC_NOT_EXIST, "topic[" + header.topic() + "] not exist, apply first please!");
        }
        if (!Perm.readable(topic.perm())) {
            return refuse(response, ResponseCode.NO_PERMISSION, "the topic[" + header.topic() + "] pulling message is forbidden");
        }
        if (header.queueId() < 0 || header.queueId() >= topic.readQueueNums()) {
            return refuse(response, ResponseCode.SYSTEM_ERROR, "queueId[" + header.queueId() + "] is illegal, topic:["
                    + header.topic() + "] topicConfig.readQueueNums:[" + topic.readQueueNums() + "]");
        }
        Subscription subscription;
        if (header.carriesSubscription()) {
            String type = header.expressionType();
            if (type != null && !type.isEmpty() && !Subscription.TAG.equals(type) && !config.enablePropertyFilter()) {
                return refuse(response, ResponseCode.SYSTEM_ERROR, Subscription.unsupported(type));
            }
            try {
                subscription = Subscription.parse(header.topic(), header.subscription(), header.expressionType(),
                        header.subVersion());
            } catch (IllegalArgumentException e) {
                return refuse(response, ResponseCode.SUBSCRIPTION_PARSE_FAILED, "parse the consumer's subscription failed: "
                        + e.getMessage());
            }
        } else {
            ConsumerGroup members = consumers.group(header.consumerGroup());
            if (members == null) {
                return refuse(response, ResponseCode.SUBSCRIPTION_NOT_EXIST, "the consumer's group info not exist");
            }
            subscription = members.subscription(header.topic());
            if (subscription == null) {
                return refuse(response, ResponseCode.SUBSCRIPTION_NOT_EXIST, "the consumer's subscription not exist");
            }
            if (subscription.subVersion() < header.subVersion()) {
                return refuse(response, ResponseCode.SUBSCRIPTION_NOT_LATEST, "the consumer's subscription not latest");
            }
            if (SqlSelector.TYPE.equals(subscription.expressionType()) && subscription.selector() == null) {
                return refuse(response, ResponseCode.FILTER_DATA_NOT_EXIST,
                        "The broker's consumer filter data is not exist!Your expression may be wrong!");
            }
            if (!subscription.isTag() && !config.enablePropertyFilter()) {
                return refuse(response, ResponseCode.SYSTEM_ERROR,
                        Subscription.unsupported(subscription.expressionType()));
            }
            if (!subscription.isTag() && !SqlSelector.TYPE.equals(subscription.expressionType())) {
                return refuse(response, ResponseCode.SUBSCRIPTION_PARSE_FAILED, "expression type "
                        + subscription.expressionType() + " is not supported; use TAG or SQL92");
            }
        }
        TagFilter filter = subscription.filter();
        if (config.filterSupportRetry() && SystemTopics.isRetry(header.topic())) {
            ConsumerGroup members = consumers.group(header.consumerGroup());
            if (members != null && members.subscriptions().values().stream().anyMatch(s -> s.selector() != null)) {
                filter = new RetryFilter(filter, members);
            }
        }
        if (firstAttempt && header.commitsOffset() && !config.isSlave()) {
            // Committed on the first pass only, as RocketMQ does, so a woken pull does not commit again. A slave takes
            // offsets from its master (and from UPDATE_CONSUMER_OFFSET while the master is away), not from pulls.
            offsets.commit(header.consumerGroup(), header.topic(), header.queueId(), header.commitOffset());
        }

        int maxCount = Math.max(1, Math.min(header.maxMsgNums(),
                Math.max(config.maxTransferCount(false), config.maxTransferCount(true))));
        long started = System.nanoTime();
        ReadResult read = store.read(header.topic(), header.queueId(), header.queueOffset(), maxCount, filter);
        stats.pulled(read.status() == ReadStatus.FOUND, (System.nanoTime() - started) / 1_000_000);
        int code;
        long next = read.nextOffset();
        switch (read.status()) {
            case FOUND -> code = ResponseCode.SUCCESS;
            case NO_MATCHED_MESSAGE -> code = ResponseCode.PULL_RETRY_IMMEDIATELY;
            case NO_NEW_MESSAGE -> code = ResponseCode.PULL_NOT_FOUND;
            case NO_MESSAGE_IN_QUEUE -> code = header.queueOffset() == next
                    ? ResponseCode.PULL_NOT_FOUND : ResponseCode.PULL_OFFSET_MOVED;
            default -> code = ResponseCode.PULL_OFFSET_MOVED;
        }
        if (code == ResponseCode.PULL_NOT_FOUND && firstAttempt && header.maySuspend()) {
            long suspend = config.longPollingEnable() ? header.suspendTimeoutMillis() : config.shortPollingTimeMills();
            longPolling.park(new LongPolling.Parked(header.topic(), header.queueId(), header.queueOffset(),
                    filter, () -> resume(connection, request, header)), suspend);
            read.close();
            return null;
        }
        long suggest = 0;
        if (code == ResponseCode.SUCCESS && config.slaveReadEnable()) {
            suggest = behind(read.messages()) ? group.whichBrokerWhenConsumeSlowly() : group.brokerId();
        } else if (code == ResponseCode.PULL_OFFSET_MOVED && config.isSlave() && !config.offsetCheckInSlave()) {
            // A slave may just be behind its master: keep the consumer where it is rather than move it back.
            code = ResponseCode.PULL_RETRY_IMMEDIATELY;
            next = header.queueOffset();
            suggest = group.brokerId();
        } else if (config.slaveReadEnable()) {
            suggest = group.brokerId();
        }
        if (code == ResponseCode.PULL_OFFSET_MOVED && !config.isSlave()) { // a slave's CommitLog is its master's copy
            offsetMoved.record(header.consumerGroup(), header.topic(), header.queueId(), header.queueOffset(), next);
        }
        response.setCode(code);
        response.setRemark(read.status().name());
        response.putExtField("suggestWhichBrokerId", suggest);
        response.putExtField("minOffset", read.minOffset());
        response.putExtField("maxOffset", read.maxOffset());
        if (code == ResponseCode.SUCCESS) {
            List<ByteBuffer> messages = limit(read.messages());
            if (messages.size() < read.messages().size()) {
                ByteBuffer last = messages.get(messages.size() - 1);
                next = MessageRecordDescriptor.queueOffset(last, last.position()) + 1;
            }
            int bytes = 0;
            for (ByteBuffer m : messages) {
                bytes += m.remaining();
            }
            stats.messagesGot(header.topic(), header.consumerGroup(), messages.size(), bytes);
            ByteBuffer last = messages.get(messages.size() - 1);
            slowConsumers.pulled(header.consumerGroup(), header.topic(), header.queueId(),
                    store.maxCommitLogOffset() - MessageRecordDescriptor.physicalOffset(last, last.position()));
            response.setBodyParts(messages, read::close);
        } else {
            read.close();
        }
        response.putExtField("nextBeginOffset", next);
        return response;
    }

    private void resume(RemotingConnection connection, RemotingCommand request, PullRequest header) {
        if (!connection.isActive()) {
            return;
        }
        RemotingCommand response;
        try {
            response = pull(connection, request, header, false);
        } catch (RuntimeException e) {
            response = RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR, "pull failed: " + e);
        }
        server.respond(connection, response);
    }

    /** Whether the last message read is no longer in memory: RocketMQ then suggests reading from the slave. */
    private boolean behind(List<ByteBuffer> messages) {
        return inDisk(messages.get(messages.size() - 1), store.maxCommitLogOffset(), inMemoryBytes());
    }

    /**
     * How far behind the CommitLog's end a message may be and still count as in memory: accessMessageInMemoryMaxRatio%
     * of RAM, 10 points less on a slave, as RocketMQ sets it.
     */
    private long inMemoryBytes() {
        int ratio = Math.max(0, config.accessMessageInMemoryMaxRatio() - (config.isSlave() ? 10 : 0));
        return (long) (TOTAL_MEMORY * (ratio / 100.0));
    }

    private static boolean inDisk(ByteBuffer message, long end, long inMemoryBytes) {
        return end - MessageRecordDescriptor.physicalOffset(message, message.position()) > inMemoryBytes;
    }

    private static long totalMemory() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory();
    }

    /**
     * The leading messages within the transfer limits, at least one: each message, by whether it is still in memory,
     * may fill the answer only to that kind's bytes and count (RocketMQ's maxTransfer*OnMessageIn* settings).
     */
    private List<ByteBuffer> limit(List<ByteBuffer> messages) {
        long end = store.maxCommitLogOffset();
        long inMemoryBytes = inMemoryBytes();
        long bytes = 0;
        for (int i = 0; i < messages.size(); i++) {
            ByteBuffer m = messages.get(i);
            boolean disk = inDisk(m, end, inMemoryBytes);
            if (i > 0 && (bytes + m.remaining() > config.maxTransferBytes(disk) || i >= config.maxTransferCount(disk))) {
                return messages.subList(0, i);
            }
            bytes += m.remaining();
        }
        return messages;
    }

    /**
     * With filterSupportRetry, a retry message is also checked against the group's SQL92 expression for the topic it
     * was first sent to (its RETRY_TOPIC property), as RocketMQ does; without such an expression it passes.
     */
    private record RetryFilter(TagFilter own, ConsumerGroup members) implements TagFilter {
        @Override
        public boolean accept(long tagCode) {
            return own.accept(tagCode);
        }

        @Override
        public boolean acceptRecord(ByteBuffer record) {
            if (!own.acceptRecord(record)) {
                return false;
            }
            String properties = MessageCodec.properties(record, record.position());
            String firstTopic = MessageProperties.get(properties, SendBackProcessor.RETRY_TOPIC);
            Subscription original = firstTopic == null ? null : members.subscription(firstTopic);
            SqlSelector selector = original == null ? null : original.selector();
            return selector == null || selector.matches(name -> MessageProperties.get(properties, name));
        }
    }

    private static RemotingCommand refuse(RemotingCommand response, int code, String remark) {
        response.setCode(code);
        response.setRemark(remark);
        return response;
    }
}
