package dev.sluice.broker;

import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.netty.NettyRemotingClient;
import dev.sluice.testing.Deadline;
import dev.sluice.testing.TcpProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * broker-a's slave follows its master through a proxy that cuts the connection mid-stream, through its own restart
 * and through the master's: in the end its CommitLog and ConsumeQueues are the master's, file for file.
 */
class SlaveCatchUpTest {
    private static final String TOPIC = "CatchUpTopic";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path home;

    @Test
    void networkCutsAndRestartsOfEitherSideLeaveNoGapsOrDuplicates() throws Exception {
        try (Cluster cluster = new Cluster(home); NettyRemotingClient raw = new NettyRemotingClient(new RemotingClientConfig())) {
            Properties m = MasterSlaveTest.brokerA(cluster, home, "ASYNC_MASTER");
            int port = ConsumerFailoverTest.freePortPair();
            m.setProperty("listenPort", String.valueOf(port));
            m.setProperty("vipChannelEnabled", "false");
            m.setProperty("mappedFileSizeCommitLog", String.valueOf(256 * 1024));
            Broker master = cluster.startBroker(m);
            try (TcpProxy proxy = new TcpProxy("127.0.0.1", port + 1)) {
                Properties s = MasterSlaveTest.brokerA(cluster, home, "SLAVE");
                s.setProperty("haMasterAddress", proxy.address());
                s.setProperty("mappedFileSizeCommitLog", String.valueOf(256 * 1024));
                Broker slave = cluster.startBroker(s);
                DefaultMQProducer producer = cluster.producer("CatchUpProducer");
                int sent = 0;
                for (int round = 0; round < 4; round++) {
                    sent = send(producer, sent, 150);
                    long relayed = proxy.relayedBytes();
                    Deadline.await("bytes flow to the slave", WAIT, () -> proxy.relayedBytes() > relayed);
                    proxy.cut();
                }
                slave.close();
                sent = send(producer, sent, 200);
                slave = cluster.startBroker(s);
                sent = send(producer, sent, 100);
                master.close();
                master = cluster.startBroker(m);
                sent = send(producer, sent, 200);
                Broker current = master;
                Deadline.await("the slave caught up", WAIT,
                        () -> ReplicationFailoverTest.slaveCaughtUp(raw, current.address()));
                long end = Long.parseLong(ReplicationFailoverTest.runtimeInfo(raw, master.address()).get("commitLogMaxOffset"));
                assertEquals(ReplicationFailoverTest.checksums(home.resolve("store-broker-a/commitlog"), end),
                        ReplicationFailoverTest.checksums(home.resolve("store-broker-a-s/commitlog"), end),
                        () -> {
                            try {
                                return ReplicationFailoverTest.firstDifferences(home.resolve("store-broker-a/commitlog"),
                                        home.resolve("store-broker-a-s/commitlog"), end);
                            } catch (Exception e) {
                                return e.toString();
                            }
                        });
                Broker s2 = slave;
                Deadline.await("the slave's ConsumeQueues are the master's", WAIT, () ->
                        queueFiles(home.resolve("store-broker-a/consumequeue/" + TOPIC))
                                .equals(queueFiles(home.resolve("store-broker-a-s/consumequeue/" + TOPIC))));
                assertEquals(1100, sent);
                assertTrue(s2.replicator().status().replicas() == 1);
            }
        }
    }

    private static int send(DefaultMQProducer producer, int from, int count) throws Exception {
        for (int i = from; i < from + count; i++) {
            assertEquals(SendStatus.SEND_OK, producer.send(new Message(TOPIC, "TagA", "k" + i, new byte[100 + i % 700]))
                    .getSendStatus());
        }
        return from + count;
    }

    /** Each ConsumeQueue file's written units (up to the last non-zero byte), by queue and file name. */
    private static Map<String, String> queueFiles(Path topicDir) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(topicDir)) {
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                int end = bytes.length;
                while (end > 0 && bytes[end - 1] == 0) {
                    end--;
                }
                files.put(topicDir.relativize(f).toString(), java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(java.util.Arrays.copyOf(bytes, end))));
            }
        }
        return files;
    }
}
