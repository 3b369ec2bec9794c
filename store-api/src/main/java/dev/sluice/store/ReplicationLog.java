package dev.sluice.store;

import java.nio.ByteBuffer;

/**
 * The CommitLog as raw bytes, for replication strategies. A master reads ranges to ship; a slave appends what it
 * receives at exactly the offset it was shipped from, so its CommitLog stays byte-identical to the master's, and
 * the store then dispatches ConsumeQueues and the key index from those bytes as from its own appends.
 *
 * <p>A store opened with {@link StoreContext#replica()} is a replica from the start, and any store that has accepted
 * replicated bytes becomes one: it refuses {@link MessageStore#append} (SERVICE_NOT_AVAILABLE), since two writers
 * would fork the log.
 */
public interface ReplicationLog {

    /** Size of one CommitLog file ({@code mappedFileSizeCommitLog}); replicated ranges never cross a file. */
    int fileSize();

    /**
     * One past the last byte held. On a replica this includes the received head of a record whose tail has not
     * arrived yet (such a record is not readable until it is complete); on a master it equals
     * {@link MessageStore#maxCommitLogOffset()}.
     */
    long writtenOffset();

    /** The start of the oldest CommitLog file still retained: bytes below it can no longer be read. */
    long minOffset();

    /**
     * Up to {@code maxBytes} readable bytes from {@code offset}, within one file.
     *
     * @return null when nothing is readable at {@code offset} (at or past the end, or no longer retained)
     */
    CommitLogSlice read(long offset, int maxBytes);

    /**
     * Appends bytes received from a master at {@code offset}, which must equal {@link #writtenOffset()} (or, on an
     * empty log, be the start of a file), and must not run past the end of the file holding {@code offset}.
     * Copies {@code bytes} from position to limit without consuming them.
     *
     * @return the new {@link #writtenOffset()}
     * @throws StoreException when the offset does not continue the log, the bytes would cross a file, the store is
     *                        closed or out of space, or uses a transient store pool; nothing is written then. Also
     *                        when the bytes do not continue this log's records where one should start (the master's
     *                        log diverged from this one): the whole records before them are kept, the rest dropped
     */
    long append(long offset, ByteBuffer bytes);
}
