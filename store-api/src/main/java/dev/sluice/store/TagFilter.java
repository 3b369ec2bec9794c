package dev.sluice.store;

/**
 * Decides from a ConsumeQueue tag code (the Java hash of the TAGS property) whether a message is
 * returned. Hash collisions are possible; clients re-check the tag string, as RocketMQ's do.
 */
@FunctionalInterface
public interface TagFilter {
    /** Accepts everything. */
    TagFilter ALL = tagCode -> true;

    boolean accept(long tagCode);
}
