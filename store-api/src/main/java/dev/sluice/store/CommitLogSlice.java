package dev.sluice.store;

import java.nio.ByteBuffer;

/**
 * Raw CommitLog bytes as stored, viewed in place in the mapped file (no copy), for replication. The file cannot be
 * unmapped while the slice is open: close it once the bytes are written out.
 */
public interface CommitLogSlice extends AutoCloseable {

    /** CommitLog offset of the first byte. */
    long offset();

    /** The bytes, position 0 to limit; read-only, valid until {@link #close()}. */
    ByteBuffer buffer();

    /** Releases the file. Idempotent. */
    @Override
    void close();
}
