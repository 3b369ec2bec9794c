package dev.sluice.client.producer;

import dev.sluice.client.Message;
import dev.sluice.client.ReceivedMessage;

/**
 * The local side of a transactional send ({@link Producer#sendInTransaction}). An exception, or null, counts as
 * {@link TransactionState#UNKNOWN}.
 */
public interface TransactionListener {
    /** Runs the local transaction once the half message is stored; on the sending thread. */
    TransactionState execute(Message message, Object arg);

    /**
     * Answers a broker asking how a transaction left UNKNOWN ended; on the producer's check thread. The message is
     * the half message as stored, under its real topic; its UNIQ_KEY is the transaction id.
     */
    TransactionState check(ReceivedMessage message);
}
