package dev.sluice.broker;

import dev.sluice.testing.Deadline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VIP channel: with a fixed listenPort the broker also serves on listenPort - 2, where a client with
 * vipChannelEnabled sends, queries offsets and views messages. The 4.9.7 client's default is off
 * (com.rocketmq.sendMessageWithVIPChannel defaults to "false"), older clients' was on; here it is switched on.
 */
class VipChannelTest {
    @TempDir
    Path home;

    @Test
    void aClientWithTheVipChannelOnSendsAndReadsThroughListenPortMinusTwo() throws Exception {
        assertFalse(new DefaultMQProducer("probe").isVipChannelEnabled(), "the 4.9.7 client's own default");
        try (Cluster cluster = new Cluster(home)) {
            int port = portWithFreeVip();
            Properties props = cluster.brokerProperties("vip-a");
            props.setProperty("listenPort", String.valueOf(port));
            cluster.startBroker(props);
            assertTrue(accepts(port - 2), "the VIP port listens");

            DefaultMQProducer producer = cluster.producer("VipProducer", true);
            byte[] body = "over the VIP channel".getBytes(StandardCharsets.UTF_8);
            SendResult result = producer.send(new Message("VipTopic", "TagA", "vip-key", body));
            assertEquals(SendStatus.SEND_OK, result.getSendStatus());
            MessageExt stored = producer.viewMessage(result.getOffsetMsgId());
            assertArrayEquals(body, stored.getBody());
            assertEquals("127.0.0.1:" + port, stored.getStoreHost().toString().substring(1),
                    "the store host stays the main listen port");
            // The consume queue is written just after the append: the offset query may briefly see 0.
            Deadline.await("the queue's max offset is 1", Duration.ofSeconds(10),
                    () -> producer.maxOffset(result.getMessageQueue()) == 1);
        }
    }

    @Test
    void noVipPortWhenDisabled() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            int port = portWithFreeVip();
            Properties props = cluster.brokerProperties("vip-b");
            props.setProperty("listenPort", String.valueOf(port));
            props.setProperty("vipChannelEnabled", "false");
            cluster.startBroker(props);
            assertFalse(accepts(port - 2));
            assertThrows(Exception.class, () -> cluster.producer("NoVipProducer", true)
                    .send(new Message("VipTopic", "TagA", "k", new byte[] {1})));
            assertEquals(SendStatus.SEND_OK, cluster.producer("PlainProducer")
                    .send(new Message("VipTopic", "TagA", "k", new byte[] {1})).getSendStatus());
        }
    }

    /** A free port p above 1024 whose p - 2 (VIP) and p + 1 (HA) are free too, checked by binding them; a few tries. */
    private static int portWithFreeVip() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket main = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = main.getLocalPort();
                if (port - 2 <= 1024) {
                    continue;
                }
                try (ServerSocket vip = new ServerSocket(port - 2, 1, InetAddress.getLoopbackAddress());
                     ServerSocket ha = new ServerSocket(port + 1, 1, InetAddress.getLoopbackAddress())) {
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IllegalStateException("no port p with p - 2 and p + 1 free after 20 tries");
    }

    private static boolean accepts(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return true;
        } catch (ConnectException refused) {
            return false;
        }
    }
}
