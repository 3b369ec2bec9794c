package dev.sluice.remoting.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogLimitTest {
    @Test
    void linesPastTheLimitAreLeftOutAndCountedOnTheNextLineLetThrough() {
        AtomicLong nanos = new AtomicLong(1_000);
        LogLimit limit = new LogLimit(2, 1_000, nanos::get);
        assertEquals("", limit.next());
        assertEquals("", limit.next());
        for (int i = 0; i < 5; i++) {
            assertNull(limit.next());
        }
        nanos.addAndGet(999_999_999);
        assertNull(limit.next(), "the window has not ended");
        nanos.addAndGet(1);
        assertEquals(" (6 more like it not logged)", limit.next());
        assertEquals("", limit.next(), "counted once");
        assertNull(limit.next());
    }
}
