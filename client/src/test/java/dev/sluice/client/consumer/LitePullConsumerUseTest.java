package dev.sluice.client.consumer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.client.ClientConfig;
import org.junit.jupiter.api.Test;

class LitePullConsumerUseTest {
    /** Taken after start, a subscription was never read (nothing polled, nothing assigned): it is refused instead. */
    @Test
    void subscribingAfterStartIsRefused() throws Exception {
        try (LitePullConsumer consumer = new LitePullConsumer("G", new ClientConfig().namesrvAddr("127.0.0.1:1")
                .instanceName("lite-use")).start()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> consumer.subscribe("T", "*"));
            assertTrue(e.getMessage().contains("subscribe before start()"), e.getMessage());
        }
    }
}
