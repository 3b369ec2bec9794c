package dev.sluice.client.consumer;

import dev.sluice.client.ReceivedMessage;
import java.util.List;

/** Consumes messages on many threads at once, in no particular order. A thrown exception means RETRY_LATER. */
@FunctionalInterface
public interface ConcurrentListener {
    ConsumeResult consume(List<ReceivedMessage> messages) throws Exception;
}
