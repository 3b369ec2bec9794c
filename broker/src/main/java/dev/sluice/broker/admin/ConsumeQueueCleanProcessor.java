package dev.sluice.broker.admin;

import dev.sluice.broker.topic.SystemTopics;
import dev.sluice.broker.topic.TopicTable;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.store.MessageStore;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CLEAN_UNUSED_TOPIC and CLEAN_EXPIRED_CONSUMEQUEUE (mqadmin cleanUnusedTopic, cleanExpiredCQ): drops the
 * ConsumeQueues of topics this broker no longer has, e.g. after a topic was taken out of {@code topics.json} while
 * the broker was down. Nobody can read them: pulls and routes go by the topic table. The system topics written
 * outside the table (transaction half and op records, the timer wheel) are kept.
 *
 * <p>A slave's topics are the master's as of its last copy, which may miss a topic created since: its queues would look
 * unused. So a slave copies the master's topic table first, and deletes nothing when it cannot (RocketMQ's does not
 * check).
 *
 * <p>For CLEAN_EXPIRED_CONSUMEQUEUE the other part, ConsumeQueue files whose every unit points below the CommitLog's
 * minimum, is the store's retention's: each of its passes after the minimum moved deletes them.
 */
public final class ConsumeQueueCleanProcessor implements RequestProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumeQueueCleanProcessor.class);

    private final TopicTable topics;
    private final MessageStore store;
    private final BooleanSupplier topicsCurrent;

    /** @param topicsCurrent brings the topic table up to date (a slave's copy of its master's) and says whether it is */
    public ConsumeQueueCleanProcessor(TopicTable topics, MessageStore store, BooleanSupplier topicsCurrent) {
        this.topics = topics;
        this.store = store;
        this.topicsCurrent = topicsCurrent;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request) {
        if (!topicsCurrent.getAsBoolean()) {
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR, "this slave could not copy its"
                    + " master's topics, so it cannot tell which ConsumeQueues are unused; nothing was deleted");
        }
        for (String topic : store.queues().keySet()) {
            if (topics.get(topic) == null && !SystemTopics.isSystem(topic)) {
                store.deleteTopic(topic);
                LOG.info("deleted the ConsumeQueues of {}, a topic this broker does not have (request code {} from {})",
                        topic, request.code(), connection.remoteAddress());
            }
        }
        return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
    }
}
