package dev.sluice.remoting;

/**
 * What a server hands a processor's executor for each request: run, it processes the request and answers it. An
 * executor that finds it waited too long may {@link #refuse} it instead, so the caller hears at once (RocketMQ's
 * fast failure) rather than timing out.
 */
public interface QueuedRequest extends Runnable {
    /** Answers the request with {@code responseCode} and {@code remark}, without processing it (oneway: drops it). */
    void refuse(int responseCode, String remark);
}
