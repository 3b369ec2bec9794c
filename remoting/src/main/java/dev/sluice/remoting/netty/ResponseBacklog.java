package dev.sluice.remoting.netty;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Response bytes handed to Netty that the peer has not taken yet, per connection and in all. A client that sends
 * requests but never reads the answers (200 views of a 4 MiB message, say) would otherwise have every answer held
 * in memory until the heap ran out; past a limit its requests are refused, cheaply, until it reads.
 */
final class ResponseBacklog {
    /** What one connection may have waiting; a reading peer stays far below it. */
    static final long PER_CONNECTION = 16L << 20;
    private static final AttributeKey<AtomicLong> WAITING = AttributeKey.valueOf(ResponseBacklog.class, "waiting");

    private final AtomicLong total = new AtomicLong();
    /** Past it, every connection with anything waiting is refused. */
    private final long totalLimit = Math.max(64L << 20, Runtime.getRuntime().maxMemory() / 8);

    /** Why the next request on {@code channel} is refused, or null when it may be processed. */
    String refusal(Channel channel) {
        long own = waiting(channel).get();
        if (own > PER_CONNECTION || own > 0 && total.get() > totalLimit) {
            return "[OVERLOAD] " + own + " bytes of earlier responses wait for this connection to read them; try later";
        }
        return null;
    }

    /** Counts a response of {@code bytes} handed to Netty; {@code -bytes} once it is written, or failed. */
    void add(Channel channel, long bytes) {
        waiting(channel).addAndGet(bytes);
        total.addAndGet(bytes);
    }

    private static AtomicLong waiting(Channel channel) {
        AtomicLong own = channel.attr(WAITING).get();
        if (own == null) {
            AtomicLong created = new AtomicLong();
            own = channel.attr(WAITING).setIfAbsent(created);
            if (own == null) {
                own = created;
            }
        }
        return own;
    }
}
