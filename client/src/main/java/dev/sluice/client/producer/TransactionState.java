package dev.sluice.client.producer;

/** How a local transaction ended, as END_TRANSACTION's commitOrRollback says it. */
public enum TransactionState {
    /** The half message becomes visible to consumers. */
    COMMIT(8),
    /** The half message is dropped. */
    ROLLBACK(12),
    /** Not known yet: the broker asks again later (after transactionTimeOut, every transactionCheckInterval). */
    UNKNOWN(0);

    private final int wireCode;

    TransactionState(int wireCode) {
        this.wireCode = wireCode;
    }

    int wireCode() {
        return wireCode;
    }
}
