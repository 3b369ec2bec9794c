package dev.sluice.client.consumer;

import dev.sluice.client.ClientException;
import dev.sluice.client.MessageQueue;
import java.util.Collection;

/** Where a consumer group's progress lives: on the brokers (clustering) or in a local file (broadcasting). */
interface OffsetStore {
    /** The stored offset, or -1 when none is stored for the queue. */
    long read(MessageQueue queue) throws ClientException;

    /** Remembers the offset in memory; {@link #persist} writes it. */
    void update(MessageQueue queue, long offset);

    /** Writes the remembered offsets of these queues. */
    void persist(Collection<MessageQueue> queues);

    /** Stops remembering the queue (it was given to another member). */
    void forget(MessageQueue queue);
}
