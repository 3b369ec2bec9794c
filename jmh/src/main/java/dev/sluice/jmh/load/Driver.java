package dev.sluice.jmh.load;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One client library speaking to a RocketMQ-protocol cluster: Sluice's own remoting client or Apache's official
 * client. The load tool drives either through this, so the same load runs against any broker.
 */
interface Driver extends AutoCloseable {

    /** How a message is sent. */
    enum SendMode { SYNC, ASYNC, ONEWAY }

    /** A queue of a topic on one broker. */
    record Queue(String brokerName, String brokerAddress, int queueId) {
    }

    /** What one pull returned: message bodies in queue order and where to pull next. */
    record Pulled(List<byte[]> bodies, long nextOffset) {
    }

    /** Creates the topic with {@code queues} read and write queues on every master the name server knows. */
    void createTopic(String topic, int queues) throws Exception;

    /** The topic's writable queues (masters only). */
    List<Queue> queues(String topic) throws Exception;

    /**
     * Sends one message. SYNC and ONEWAY return once the call has returned (a completed future, or a failed one);
     * ASYNC returns at once and completes when the broker answers.
     */
    CompletableFuture<Void> send(String topic, Queue queue, byte[] body, SendMode mode);

    /** Up to {@code max} messages from {@code offset}; an empty list when the queue has nothing there. */
    Pulled pull(String topic, Queue queue, long offset, int max) throws Exception;

    /** One past the last message of the queue. */
    long maxOffset(String topic, Queue queue) throws Exception;

    @Override
    void close();
}
