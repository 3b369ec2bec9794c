package dev.sluice.client.admin;

/** How far a consumer group is in one queue: the queue's end, the group's committed offset, the lag between them. */
public record QueueProgress(long brokerOffset, long consumerOffset, long lastTimestamp) {
    public long lag() {
        return brokerOffset - consumerOffset;
    }
}
