package dev.sluice.client.producer;

/** A transactional send: the half message's send result and the state the producer reported for it. */
public record TransactionResult(SendResult send, TransactionState state) {
}
