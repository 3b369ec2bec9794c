package dev.sluice.broker;

import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.json.Json;
import dev.sluice.remoting.netty.NettyRemotingClient;
import dev.sluice.testing.Deadline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.apache.rocketmq.common.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The master in its own process, killed with SIGKILL under load; the slave in this JVM. SYNC_MASTER loses nothing a
 * producer was told SEND_OK; ASYNC_MASTER's slave is byte-identical after a quiet period and loses at most the lag the
 * master reported.
 */
class ReplicationFailoverTest {
    private static final String TOPIC = "FailoverTopic";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    @Test
    void syncMasterKilledUnderLoad_everySendOkMessageIsOnTheSlaveByteForByte() throws Exception {
        try (Cluster cluster = new Cluster(home); NettyRemotingClient raw = new NettyRemotingClient(new RemotingClientConfig())) {
            Properties m = MasterSlaveTest.brokerA(cluster, home, "SYNC_MASTER");
            m.setProperty("flushDiskType", "SYNC_FLUSH");
            BrokerProcess master = new BrokerProcess(home.resolve("master.properties"), m);
            try {
                Broker slave = startSlaveWithTopic(cluster, raw, master.address);
                DefaultMQProducer producer = cluster.producer("FailoverProducer");
                producer.setRetryTimesWhenSendFailed(0);
                Map<String, byte[]> ok = new ConcurrentHashMap<>();
                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger attempts = new AtomicInteger();
                List<Thread> senders = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int id = t;
                    Thread sender = new Thread(() -> {
                        Random random = new Random(id);
                        for (int i = 0; !stop.get(); i++) {
                            byte[] body = new byte[16 + random.nextInt(512)];
                            random.nextBytes(body);
                            String key = "k-" + id + "-" + i;
                            attempts.incrementAndGet();
                            try {
                                SendResult r = producer.send(new Message(TOPIC, "TagA", key, body));
                                if (r.getSendStatus() == SendStatus.SEND_OK) {
                                    ok.put(key, body);
                                }
                            } catch (Exception e) {
                                // the master is gone: not acknowledged, so no promise to keep
                            }
                        }
                    }, "failover-sender-" + t);
                    senders.add(sender);
                    sender.start();
                }
                Deadline.await("sends are acknowledged", WAIT, () -> ok.size() >= 300);
                master.kill();
                stop.set(true);
                for (Thread sender : senders) {
                    sender.join(30_000);
                }
                assertTrue(attempts.get() > ok.size() || ok.size() >= 300);

                Map<String, byte[]> onSlave = readAll(cluster, raw, TOPIC);
                for (Map.Entry<String, byte[]> sent : ok.entrySet()) {
                    assertTrue(onSlave.containsKey(sent.getKey()), "acknowledged " + sent.getKey() + " is on the slave");
                    assertArrayEquals(sent.getValue(), onSlave.get(sent.getKey()), sent.getKey());
                }
                // And the slave's CommitLog is the master's, byte for byte, as far as it goes.
                long slaveEnd = slave.replicator().status().localOffset();
                assertSamePrefix(home.resolve("store-broker-a/commitlog"), home.resolve("store-broker-a-s/commitlog"), slaveEnd);
            } finally {
                master.close();
            }
        }
    }

    @Test
    void asyncSlaveIsByteIdenticalAfterAQuietPeriod_andLosesNoMoreThanTheReportedLag() throws Exception {
        try (Cluster cluster = new Cluster(home); NettyRemotingClient raw = new NettyRemotingClient(new RemotingClientConfig())) {
            BrokerProcess master = new BrokerProcess(home.resolve("master.properties"),
                    MasterSlaveTest.brokerA(cluster, home, "ASYNC_MASTER"));
            try {
                startSlaveWithTopic(cluster, raw, master.address);
                DefaultMQProducer producer = cluster.producer("AsyncProducer");
                Map<String, byte[]> ok = new ConcurrentHashMap<>();
                Random random = new Random(7);
                for (int i = 0; i < 300; i++) {
                    byte[] body = new byte[16 + random.nextInt(2048)];
                    random.nextBytes(body);
                    assertEquals(SendStatus.SEND_OK, producer.send(new Message(TOPIC, "TagA", "a-" + i, body)).getSendStatus());
                    ok.put("a-" + i, body);
                }
                Deadline.await("the slave has everything", WAIT, () -> slaveCaughtUp(raw, master.address));
                long end = Long.parseLong(runtimeInfo(raw, master.address).get("commitLogMaxOffset"));
                assertEquals(checksums(home.resolve("store-broker-a/commitlog"), end),
                        checksums(home.resolve("store-broker-a-s/commitlog"), end));

                for (int i = 0; i < 300; i++) {
                    byte[] body = new byte[16 + random.nextInt(2048)];
                    random.nextBytes(body);
                    assertEquals(SendStatus.SEND_OK, producer.send(new Message(TOPIC, "TagA", "b-" + i, body)).getSendStatus());
                    ok.put("b-" + i, body);
                }
                Map<String, String> reported = runtimeInfo(raw, master.address);
                master.kill();
                long lagMessages = Long.parseLong(reported.get("slaveFallBehindMessages"));
                Map<String, byte[]> onSlave = readAll(cluster, raw, TOPIC);
                long lost = ok.keySet().stream().filter(k -> !onSlave.containsKey(k)).count();
                assertTrue(lost <= lagMessages, lost + " messages lost, the master reported a lag of " + lagMessages);
                onSlave.forEach((key, body) -> assertArrayEquals(ok.get(key), body, key));
            } finally {
                master.close();
            }
        }
    }

    /** A slave of broker-a in this JVM, once it is connected and holds the test topic (created on the master). */
    private Broker startSlaveWithTopic(Cluster cluster, NettyRemotingClient raw, String masterAddress) throws Exception {
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(cluster.namesrvAddr);
        admin.setInstanceName("failover-admin-" + System.nanoTime());
        admin.start();
        try {
            TopicConfig topic = new TopicConfig(TOPIC, 4, 4, 6);
            admin.createAndUpdateTopicConfig(masterAddress, topic);
        } finally {
            admin.shutdown();
        }
        Broker slave = cluster.startBroker(MasterSlaveTest.brokerA(cluster, home, "SLAVE"));
        Deadline.await("the slave connects and copies the topic", WAIT, () ->
                runtimeInfo(raw, masterAddress).get("haConnections").equals("1")
                        && Json.asObject(Json.parseObject(raw.invokeSync(slave.address(),
                        RemotingCommand.request(RequestCode.GET_ALL_TOPIC_CONFIG), 5000).body()).get("topicConfigTable"), "t")
                        .containsKey(TOPIC));
        return slave;
    }

    /**
     * Every message of the topic, by key, read with the official pull consumer from the slave (the master is gone),
     * once the slave's ConsumeQueues hold all of its CommitLog.
     */
    static Map<String, byte[]> readAll(Cluster cluster, NettyRemotingClient raw, String topic) throws Exception {
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(cluster.namesrvAddr);
        admin.setInstanceName("failover-reader-admin-" + System.nanoTime());
        admin.start();
        String slave;
        try {
            Deadline.await("the name server drops the dead master from the route", WAIT, () ->
                    !admin.examineTopicRouteInfo(topic).getBrokerDatas().get(0).getBrokerAddrs().containsKey(0L));
            slave = admin.examineTopicRouteInfo(topic).getBrokerDatas().get(0).getBrokerAddrs().get(1L);
        } finally {
            admin.shutdown();
        }
        Deadline.await("the slave dispatched its whole CommitLog", WAIT, () ->
                runtimeInfo(raw, slave).get("dispatchBehindBytes").equals("0"));
        DefaultMQPullConsumer consumer = cluster.pullConsumer("FailoverReader" + System.nanoTime());
        Map<String, byte[]> found = new TreeMap<>();
        for (MessageExt m : Cluster.pullAll(consumer, topic)) {
            assertNull(found.put(m.getKeys(), m.getBody()), "no duplicate of " + m.getKeys());
        }
        return found;
    }

    /**
     * Whether the master at {@code address} has a slave connected that confirmed all of its CommitLog, by one
     * runtime-info answer: a lag of 0 alone also means no slave is connected and none ever confirmed anything.
     */
    static boolean slaveCaughtUp(NettyRemotingClient raw, String address) throws Exception {
        Map<String, String> info = runtimeInfo(raw, address);
        return info.get("slaveFallBehindBytes").equals("0") && !info.get("haConnections").equals("0");
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> runtimeInfo(NettyRemotingClient raw, String address) throws Exception {
        RemotingCommand r = raw.invokeSync(address, RemotingCommand.request(RequestCode.GET_BROKER_RUNTIME_INFO), 5000);
        return (Map<String, String>) (Map<?, ?>) Json.asObject(Json.parseObject(r.body()).get("table"), "table");
    }

    /** SHA-256 of each CommitLog file that starts below {@code end}. */
    static Map<String, String> checksums(Path dir, long end) throws Exception {
        Map<String, String> sums = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.matches("[0-9]{20}") && Long.parseLong(name) < end) {
                    sums.put(name, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
                }
            }
        }
        return sums;
    }

    /** Where each differing CommitLog file first differs, for a failure message. */
    static String firstDifferences(Path masterDir, Path slaveDir, long end) throws Exception {
        StringBuilder out = new StringBuilder("end " + end);
        try (Stream<Path> files = Files.list(masterDir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (!name.matches("[0-9]{20}") || Long.parseLong(name) >= end) {
                    continue;
                }
                byte[] master = Files.readAllBytes(f);
                byte[] slave = Files.readAllBytes(slaveDir.resolve(name));
                int at = Arrays.mismatch(master, slave);
                if (at >= 0) {
                    int last = master.length - 1;
                    while (last > at && (last >= slave.length || master[last] == slave[last])) {
                        last--;
                    }
                    out.append("; ").append(name).append(" differs from offset ").append(Long.parseLong(name) + at)
                            .append(" to ").append(Long.parseLong(name) + last).append(" (sizes ").append(master.length)
                            .append(" / ").append(slave.length).append(')');
                }
            }
        }
        return out.toString();
    }

    /** Every slave file holds exactly the master's bytes below {@code end}. */
    static void assertSamePrefix(Path masterDir, Path slaveDir, long end) throws Exception {
        try (Stream<Path> files = Files.list(slaveDir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (!name.matches("[0-9]{20}") || Long.parseLong(name) >= end) {
                    continue;
                }
                int length = (int) Math.min(Files.size(f), end - Long.parseLong(name));
                byte[] slave = Arrays.copyOf(Files.readAllBytes(f), length);
                byte[] master = Arrays.copyOf(Files.readAllBytes(masterDir.resolve(name)), length);
                assertArrayEquals(master, slave, "CommitLog file " + name);
            }
        }
    }
}
