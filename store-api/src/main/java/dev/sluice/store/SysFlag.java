package dev.sluice.store;

/** RocketMQ SYSFLAG bits of a stored message. */
public final class SysFlag {
    public static final int COMPRESSED = 0x1;
    public static final int MULTI_TAGS = 0x2;
    public static final int TRANSACTION_NOT_TYPE = 0;
    public static final int TRANSACTION_PREPARED_TYPE = 0x4;
    public static final int TRANSACTION_COMMIT_TYPE = 0x8;
    public static final int TRANSACTION_ROLLBACK_TYPE = 0xC;
    public static final int BORNHOST_V6 = 0x10;
    public static final int STOREHOST_V6 = 0x20;

    private SysFlag() {
    }

    /** The transaction type bits (one of the {@code TRANSACTION_*} values). */
    public static int transactionType(int sysFlag) {
        return sysFlag & TRANSACTION_ROLLBACK_TYPE;
    }
}
