package dev.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.config.BrokerConfig.Pool;
import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingServerConfig;
import dev.sluice.store.ConfigException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mqbroker's -c / -n / -p handling, against the distribution's conf files and bad ones. */
class BrokerStartupConfigTest {
    private static final Path CONF = Path.of("..", "distribution", "src", "conf");

    @TempDir
    Path dir;

    @Test
    void everyShippedConfigFileIsUnderstoodWithoutUnknownKeys() throws Exception {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(CONF)) {
            files = walk.filter(f -> f.toString().endsWith(".properties") || f.toString().endsWith(".conf"))
                    .filter(f -> !f.getFileName().toString().startsWith("namesrv")).toList();
        }
        assertTrue(files.size() >= 11, "broker.conf and the three layouts: " + files);
        for (Path file : files) {
            Properties properties = new Properties();
            try (var in = Files.newBufferedReader(file)) {
                properties.load(in);
            }
            List<String> unknown = new ArrayList<>();
            BrokerConfig config = BrokerConfig.fromProperties(properties, unknown);
            assertEquals(List.of(), unknown, file.toString());
            assertEquals(properties.getProperty("brokerName").trim(), config.brokerName());
        }
    }

    @Test
    void aMastersBrokerIdIsZeroWhateverTheFileSaysASlaveKeepsItsOwn() {
        for (String[] roleIdShown : new String[][] {{"ASYNC_MASTER", "1", "0"}, {"SYNC_MASTER", "3", "0"},
                {"SLAVE", "2", "2"}}) {
            Properties p = new Properties();
            p.setProperty("brokerRole", roleIdShown[0]);
            p.setProperty("brokerId", roleIdShown[1]);
            BrokerConfig config = BrokerConfig.fromProperties(p, new ArrayList<>());
            assertEquals(roleIdShown[2], config.effectiveSettings().get("brokerId"), roleIdShown[0]);
            assertEquals(Long.parseLong(roleIdShown[2]), config.brokerId(), "the id it registers with");
        }
    }

    /**
     * A SLAVE with brokerId 0 would register as its group's master and refuse every send routed to it: refused at
     * start (RocketMQ exits with "Slave's brokerId must be > 0"), and as a change that the next start would read.
     */
    @Test
    void aSlaveWithTheMastersBrokerIdIsRefusedAtStartAndAsAChange() {
        Properties slave = new Properties();
        slave.setProperty("brokerRole", "SLAVE");
        ConfigException e = assertThrows(ConfigException.class, () -> BrokerConfig.fromProperties(slave, new ArrayList<>()));
        assertTrue(e.getMessage().contains("brokerId") && e.getMessage().contains("greater than 0"), e.getMessage());

        BrokerConfig master = BrokerConfig.fromProperties(new Properties(), new ArrayList<>());
        Properties toSlave = new Properties();
        toSlave.setProperty("brokerRole", "SLAVE");
        assertThrows(ConfigException.class, () -> master.check(toSlave, new Properties()));
        Properties savedId = new Properties();
        savedId.setProperty("brokerId", "1");
        assertEquals(Set.of("brokerRole"), master.check(toSlave, savedId), "with brokerId 1 saved for the next start");
    }

    @Test
    void dashNOverridesNamesrvAddrAndDashPPrintsTheEffectiveConfig() throws Exception {
        Path file = dir.resolve("broker-a.properties");
        Files.writeString(file, "brokerName=broker-a\nnamesrvAddr=10.0.0.1:9876\nmapedFileSizeCommitLog=1048576\n"
                + "storePathRootDir=" + dir.resolve("store") + "\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertNull(BrokerStartup.configFrom(new String[] {"-c", file.toString(), "-n", "127.0.0.1:9876;127.0.0.1:9877", "-p"},
                new PrintStream(out, true, StandardCharsets.UTF_8)));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("namesrvAddr=127.0.0.1:9876;127.0.0.1:9877\n"), printed);
        assertTrue(printed.contains("mappedFileSizeCommitLog=1048576\n"), "the old spelling is honoured: " + printed);
        assertTrue(printed.contains("brokerPermission=6\n"), printed);
        assertTrue(printed.contains("storePathConsumeQueue=" + dir.resolve("store").resolve("consumequeue") + "\n"), printed);

        // -m: only what RocketMQ marks important (brokerName, brokerRole, ...), not brokerPermission or the paths
        // derived from the root
        out.reset();
        assertNull(BrokerStartup.configFrom(new String[] {"-c", file.toString(), "-m"},
                new PrintStream(out, true, StandardCharsets.UTF_8)));
        String important = out.toString(StandardCharsets.UTF_8);
        assertTrue(important.contains("brokerName=broker-a\n") && important.contains("brokerRole=ASYNC_MASTER\n")
                && important.contains("storePathRootDir=" + dir.resolve("store") + "\n"), important);
        assertFalse(important.contains("brokerPermission=") || important.contains("storePathConsumeQueue="), important);
    }

    @Test
    void aBadValueStopsStartUpNamingTheKey() throws Exception {
        for (String bad : List.of("brokerPermission=9", "listenPort=ten", "mappedFileSizeCommitLog=-1", "brokerIP1=my-host",
                "namesrvAddr=nohostport", "autoCreateTopicEnable=yes", "useTLS=true", "filterServerNums=1",
                "aclEnable=true", "enableDLegerCommitLog=true", "enableLmq=true", "enableMultiDispatch=true",
                "messageStorePlugIn=com.example.Store", "readOnlyCommitLogStorePaths=/data/old", "maxIndexNum=many",
                "forceRegister=maybe")) {
            Path file = dir.resolve("bad.properties");
            Files.writeString(file, bad + "\n");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BrokerStartup.configFrom(new String[] {"-c", file.toString()}, System.out));
            String key = bad.substring(0, bad.indexOf('='));
            assertTrue(e.getMessage().contains(key), e.getMessage());
        }
        Path missing = dir.resolve("missing.properties");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BrokerStartup.configFrom(new String[] {"-c", missing.toString()}, System.out));
        assertTrue(e.getMessage().contains(missing + " does not exist"), e.getMessage());
    }

    @Test
    void unknownKeysAreReportedNotFatal() {
        Properties properties = new Properties();
        properties.setProperty("brokerName", "broker-x");
        properties.setProperty("noSuchSetting", "1");
        properties.setProperty("checkTransactionMessageEnable", "false");
        List<String> unknown = new ArrayList<>();
        BrokerConfig.fromProperties(properties, unknown);
        assertEquals(List.of("noSuchSetting"), unknown, "RocketMQ 3.x's checkTransactionMessageEnable is a known key");
    }

    @Test
    void rocketMqsKeysWithoutEffectAreReadReportedAndExplained() {
        Properties properties = new Properties();
        properties.setProperty("brokerName", "broker-x");
        properties.setProperty("forceRegister", "false");
        properties.setProperty("maxIndexNum", "123");
        properties.setProperty("flushDelayOffsetInterval", "5000");
        List<String> unknown = new ArrayList<>();
        BrokerConfig config = BrokerConfig.fromProperties(properties, unknown);
        assertEquals(List.of(), unknown);
        assertEquals(Set.of("forceRegister", "maxIndexNum", "flushDelayOffsetInterval"),
                config.givenWithoutEffect().keySet());
        config.givenWithoutEffect().forEach((key, reason) -> assertFalse(reason.isBlank(), key));
        Map<String, String> reported = config.effectiveSettings();
        assertEquals("false", reported.get("forceRegister"));
        assertEquals("123", reported.get("maxIndexNum"));
        assertEquals("true", reported.get("transferMsgByHeap"), "4.9.7's default where the file says nothing");
        // mqadmin exportMetrics reads it as the broker's CPU count.
        assertEquals(String.valueOf(Runtime.getRuntime().availableProcessors()),
                reported.get("clientCallbackExecutorThreads"));

        Properties change = new Properties();
        change.setProperty("forceRegister", "true");
        config.update(change);
        assertEquals("true", config.effectiveSettings().get("forceRegister"));
        change.setProperty("forceRegister", "often");
        assertThrows(ConfigException.class, () -> config.update(change));
    }

    /** What 4.9.7's GET_BROKER_CONFIG reports of its broker and Netty settings, Sluice reports too. */
    @Test
    void everyBrokerAndNettyKeyOfRocketMqIsReported() throws Exception {
        Set<String> reported = BrokerConfig.defaults().effectiveSettings().keySet();
        for (Object official : List.of(new org.apache.rocketmq.common.BrokerConfig(),
                new org.apache.rocketmq.remoting.netty.NettyServerConfig(),
                new org.apache.rocketmq.remoting.netty.NettyClientConfig())) {
            Properties keys = org.apache.rocketmq.common.MixAll.object2Properties(official);
            for (String key : keys.stringPropertyNames()) {
                assertTrue(reported.contains(key), official.getClass().getSimpleName() + "." + key);
            }
        }
    }

    @Test
    void rocketMqsRequestPoolAndFastFailureKeysAreReadWithItsDefaults() {
        int cores = Runtime.getRuntime().availableProcessors();
        BrokerConfig defaults = BrokerConfig.defaults();
        assertEquals(8 + cores, defaults.threads(Pool.QUERY));
        assertEquals(16 + 2 * cores, defaults.threads(Pool.REPLY));
        assertEquals(32, defaults.threads(Pool.CLIENT_MANAGE));
        assertEquals(32, defaults.threads(Pool.CONSUMER_MANAGE));
        assertEquals(Math.min(32, cores), defaults.threads(Pool.HEARTBEAT));
        assertEquals(Math.max(8 + 2 * cores, 4 * Math.min(cores, 4)), defaults.threads(Pool.END_TRANSACTION));
        assertEquals(1_000_000, defaults.queueCapacity(Pool.CLIENT_MANAGE));
        assertTrue(defaults.brokerFastFailureEnable());
        assertEquals(200, defaults.waitTimeMillsInQueue(Pool.SEND));
        assertEquals(5000, defaults.waitTimeMillsInQueue(Pool.PULL));
        assertEquals(31000, defaults.waitTimeMillsInQueue(Pool.HEARTBEAT));
        assertEquals(3000, defaults.waitTimeMillsInQueue(Pool.END_TRANSACTION));
        assertEquals(0, defaults.waitTimeMillsInQueue(Pool.QUERY), "RocketMQ's fast failure spares the query pool");

        Properties properties = new Properties();
        properties.setProperty("brokerName", "broker-x");
        String[] keys = {"sendMessageThreadPoolNums", "sendThreadPoolQueueCapacity", "pullMessageThreadPoolNums",
                "pullThreadPoolQueueCapacity", "queryMessageThreadPoolNums", "queryThreadPoolQueueCapacity",
                "processReplyMessageThreadPoolNums", "replyThreadPoolQueueCapacity", "clientManageThreadPoolNums",
                "clientManagerThreadPoolQueueCapacity", "consumerManageThreadPoolNums",
                "consumerManagerThreadPoolQueueCapacity", "heartbeatThreadPoolNums", "heartbeatThreadPoolQueueCapacity",
                "endTransactionThreadPoolNums", "endTransactionPoolQueueCapacity"};
        for (int i = 0; i < keys.length; i++) {
            properties.setProperty(keys[i], String.valueOf(i + 1));
        }
        properties.setProperty("waitTimeMillsInPullQueue", "700");
        List<String> unknown = new ArrayList<>();
        BrokerConfig config = BrokerConfig.fromProperties(properties, unknown);
        assertEquals(List.of(), unknown);
        Pool[] pools = {Pool.SEND, Pool.PULL, Pool.QUERY, Pool.REPLY, Pool.CLIENT_MANAGE, Pool.CONSUMER_MANAGE,
                Pool.HEARTBEAT, Pool.END_TRANSACTION};
        for (int i = 0; i < pools.length; i++) {
            assertEquals(2 * i + 1, config.threads(pools[i]), keys[2 * i]);
            assertEquals(2 * i + 2, config.queueCapacity(pools[i]), keys[2 * i + 1]);
        }
        assertEquals(700, config.waitTimeMillsInQueue(Pool.PULL));
    }

    @Test
    void rocketMqsNettyKeysReachTheServerAndClientSockets() {
        Properties properties = new Properties();
        properties.setProperty("brokerName", "broker-x");
        properties.setProperty("serverSocketBacklog", "77");
        properties.setProperty("serverSocketSndBufSize", "1001");
        properties.setProperty("serverSocketRcvBufSize", "1002");
        properties.setProperty("clientSocketSndBufSize", "1003");
        properties.setProperty("clientSocketRcvBufSize", "1004");
        properties.setProperty("writeBufferLowWaterMark", "1005");
        properties.setProperty("writeBufferHighWaterMark", "1006");
        properties.setProperty("serverPooledByteBufAllocatorEnable", "false");
        properties.setProperty("clientPooledByteBufAllocatorEnable", "true");
        properties.setProperty("useEpollNativeSelector", "false");
        properties.setProperty("connectTimeoutMillis", "1007");
        properties.setProperty("clientChannelMaxIdleTimeSeconds", "1008");
        List<String> unknown = new ArrayList<>();
        BrokerConfig config = BrokerConfig.fromProperties(properties, unknown);
        assertEquals(List.of(), unknown);

        RemotingServerConfig server = config.remotingServerConfig(10911);
        assertEquals(77, server.socketBacklog());
        assertEquals(1001, server.socket().sndBufSize());
        assertEquals(1002, server.socket().rcvBufSize());
        assertEquals(1005, server.socket().writeBufferLowWaterMark());
        assertEquals(1006, server.socket().writeBufferHighWaterMark());
        assertFalse(server.socket().pooledAllocator());
        assertFalse(server.useEpollWhenAvailable());
        RemotingClientConfig client = config.remotingClientConfig();
        assertEquals(1003, client.socket().sndBufSize());
        assertEquals(1004, client.socket().rcvBufSize());
        assertEquals(1005, client.socket().writeBufferLowWaterMark());
        assertEquals(1006, client.socket().writeBufferHighWaterMark());
        assertTrue(client.socket().pooledAllocator());
        assertFalse(client.useEpollWhenAvailable());
        assertEquals(1007, client.connectTimeoutMillis());
        assertEquals(1008, client.maxIdleSeconds());

        properties.setProperty("writeBufferLowWaterMark", "1007");
        ConfigException e = assertThrows(ConfigException.class, () -> BrokerConfig.fromProperties(properties, unknown));
        assertTrue(e.getMessage().contains("writeBufferLowWaterMark"), e.getMessage());
    }
}
