package dev.sluice.client.admin;

/** One queue of a topic on a broker: its offset range and when it was last written (0 if never). */
public record TopicOffset(long minOffset, long maxOffset, long lastUpdateTimestamp) {
}
