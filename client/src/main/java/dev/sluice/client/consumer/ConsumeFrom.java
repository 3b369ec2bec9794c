package dev.sluice.client.consumer;

/** Where a group with no stored offset starts reading a queue. */
public enum ConsumeFrom {
    LAST_OFFSET("CONSUME_FROM_LAST_OFFSET"),
    FIRST_OFFSET("CONSUME_FROM_FIRST_OFFSET"),
    TIMESTAMP("CONSUME_FROM_TIMESTAMP");

    private final String wireName;

    ConsumeFrom(String wireName) {
        this.wireName = wireName;
    }

    /** The name heartbeats carry. */
    public String wireName() {
        return wireName;
    }
}
