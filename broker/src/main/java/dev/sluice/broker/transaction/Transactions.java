package dev.sluice.broker.transaction;

import dev.sluice.broker.client.ProducerRegistry;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.offset.ConsumerOffsetTable;
import dev.sluice.broker.schedule.DelayRouter;
import dev.sluice.broker.topic.TopicTable;
import dev.sluice.remoting.RemotingServer;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.store.MessageStore;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;

/** Transactional messages on one broker: the END_TRANSACTION processor and the check-back service. */
public final class Transactions {
    private final TransactionLog log;
    private final EndTransactionProcessor endProcessor;
    private final TransactionChecker checker;
    private final boolean slave;

    private Transactions(TransactionLog log, EndTransactionProcessor endProcessor, TransactionChecker checker,
                         boolean slave) {
        this.log = log;
        this.slave = slave;
        this.endProcessor = endProcessor;
        this.checker = checker;
    }

    /**
     * Rebuilds the open transactions from the store.
     *
     * @param host the broker's address bytes and {@code port} its listen port, written as op records' born host
     * @param delays where a committed message asking for a delay is stored instead of its topic
     */
    public static Transactions open(BrokerConfig config, MessageStore store, ConsumerOffsetTable offsets,
                                    ProducerRegistry producers, RemotingServer server, TopicTable topics, Clock clock,
                                    byte[] host, int port, DelayRouter delays) {
        TransactionLog log = new TransactionLog(store, offsets, clock, host, port, delays::routeCommitted);
        if (!config.isSlave()) {
            // A slave runs no transactions, and load may write op records: its CommitLog is the master's copy.
            log.load();
        }
        return new Transactions(log, new EndTransactionProcessor(config, store, log),
                new TransactionChecker(config, log, producers, server, topics, clock), config.isSlave());
    }

    public RequestProcessor endTransactionProcessor() {
        return endProcessor;
    }

    /** Starts the periodic check-back on {@code executor}, which it then occupies while a round runs. */
    public void startChecking(ScheduledExecutorService executor) {
        checker.start(executor);
    }

    /** Saves the progress through the half and op queues (into the consumer offsets). */
    public void saveProgress() {
        if (!slave) {
            // A slave's progress (in the consumer offsets) is the master's copy, and it loaded none of its own.
            log.saveProgress();
        }
    }
}
