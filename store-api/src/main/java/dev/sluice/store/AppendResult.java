package dev.sluice.store;

/**
 * What an append did.
 *
 * @param status          outcome
 * @param remark          human-readable reason when the append was refused, otherwise {@code null}
 * @param commitLogOffset CommitLog offset of the (first) record, or -1 when nothing was stored
 * @param queueOffset     ConsumeQueue offset of the (first) record, or -1 when nothing was stored
 * @param storeTimestamp  store time in ms of the (first) record, or 0 when nothing was stored
 * @param wroteBytes      bytes written to the CommitLog
 * @param messageCount    number of records written (more than one for a batch)
 */
public record AppendResult(AppendStatus status, String remark, long commitLogOffset, long queueOffset,
                           long storeTimestamp, int wroteBytes, int messageCount) {

    /** A refusal: nothing was written. */
    public static AppendResult refused(AppendStatus status, String remark) {
        return new AppendResult(status, remark, -1, -1, 0, 0, 0);
    }

    /** The same stored result with a different (weaker) durability status. */
    public AppendResult withStatus(AppendStatus newStatus, String newRemark) {
        return new AppendResult(newStatus, newRemark, commitLogOffset, queueOffset, storeTimestamp,
                wroteBytes, messageCount);
    }

    /** CommitLog offset just past the last record written. */
    public long endOffset() {
        return commitLogOffset + wroteBytes;
    }
}
