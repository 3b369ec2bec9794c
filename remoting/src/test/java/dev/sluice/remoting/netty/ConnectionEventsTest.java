package dev.sluice.remoting.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.testing.CapturedLog;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a connection's end is told: a peer's reset is routine, the process running out of memory is not. */
class ConnectionEventsTest {
    @Test
    void runningOutOfMemoryIsAWarningAndAResetIsNot() throws Exception {
        try (CapturedLog log = new CapturedLog()) {
            EmbeddedChannel reset = new EmbeddedChannel(new ConnectionEvents(new PendingCalls()));
            reset.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
            assertFalse(reset.isOpen());
            EmbeddedChannel starved = new EmbeddedChannel(new ConnectionEvents(new PendingCalls()));
            starved.pipeline().fireExceptionCaught(new RuntimeException(
                    new OutOfMemoryError("Cannot reserve 16777216 bytes of direct buffer memory")));
            assertFalse(starved.isOpen());

            List<String> lines = log.text().lines().filter(l -> l.contains("ConnectionEvents")).toList();
            assertEquals(2, lines.size(), String.join("\n", lines));
            assertTrue(lines.get(0).contains("INFO") && lines.get(0).contains("Connection reset"), lines.get(0));
            assertTrue(lines.get(1).contains("WARN") && lines.get(1).contains("direct buffer memory"), lines.get(1));
        }
    }
}
