package dev.sluice.store;

import java.nio.ByteBuffer;

/**
 * Decides from a ConsumeQueue tag code (the Java hash of the TAGS property) whether a message is
 * returned. Hash collisions are possible; clients re-check the tag string, as RocketMQ's do.
 */
@FunctionalInterface
public interface TagFilter {
    /** Accepts everything. */
    TagFilter ALL = tagCode -> true;

    boolean accept(long tagCode);

    /**
     * A second look, at the stored record of a message whose tag code was accepted: for filters that need more than
     * the tag (an SQL92 selector reads the properties). The record runs from the buffer's position to its limit; the
     * buffer must not be kept or changed.
     */
    default boolean acceptRecord(ByteBuffer record) {
        return true;
    }
}
