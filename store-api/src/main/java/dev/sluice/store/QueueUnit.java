package dev.sluice.store;

/**
 * One ConsumeQueue unit: where its message lies in the CommitLog, how long the record is, and the tag code the
 * queue keeps for filtering (the tag's hash, or the delivery time for a delayed message).
 */
public record QueueUnit(long commitLogOffset, int size, long tagCode) {
}
