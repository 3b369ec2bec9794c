package dev.sluice.namesrv;

import dev.sluice.testing.Deadline;
import dev.sluice.testing.MutableClock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.remoting.ResponseCode;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.protocol.route.TopicRouteData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.apache.rocketmq.tools.command.SubCommandException;
import org.apache.rocketmq.tools.command.namesrv.GetNamesrvConfigCommand;
import org.apache.rocketmq.tools.command.namesrv.UpdateKvConfigCommand;
import org.apache.rocketmq.tools.command.namesrv.UpdateNamesrvConfigCommand;
import org.apache.rocketmq.tools.command.topic.TopicRouteSubCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official mqadmin getNamesrvConfig / updateNamesrvConfig against a name server started from a -c file on disk,
 * as mqnamesrv starts it.
 */
class NamesrvConfigCommandsTest {
    static {
        System.setProperty("rocketmq.client.logUseSlf4j", "true");
    }

    private static final String HEADER = "# the operator's notes\n";

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(1_700_000_000_000L);
    private Path configFile;
    private String initialConfig;
    private NamesrvController namesrv;
    private String namesrvAddr;

    @BeforeEach
    void start() throws Exception {
        configFile = dir.resolve("namesrv.properties");
        initialConfig = HEADER
                + "listenPort=0\n"
                + "bindAddress=127.0.0.1\n"
                + "kvConfigPath=" + dir.resolve("kv.json") + "\n"
                + "brokerChannelExpiredTime=90000\n"
                + "scanNotActiveBrokerInterval=50\n"
                + "serverWorkerThreads=3\n"
                + "rocketmqHome=/opt/rocketmq\n";
        Files.writeString(configFile, initialConfig);
        startFromConfigFile();
    }

    @AfterEach
    void stop() {
        if (namesrv != null) {
            namesrv.close();
        }
    }

    @Test
    void getNamesrvConfigPrintsEverySettingInForce() throws Exception {
        Map<String, String> printed = getNamesrvConfig();
        assertEquals(new NamesrvConfig().effectiveSettings().keySet(), printed.keySet(), "every known key, no other");
        // listenPort=0 asked for a free port: the one bound is what is in force.
        assertEquals(String.valueOf(namesrv.port()), printed.get("listenPort"));
        assertEquals("127.0.0.1", printed.get("bindAddress"));
        assertEquals(dir.resolve("kv.json").toString(), printed.get("kvConfigPath"));
        assertEquals(configFile.toString(), printed.get("configStorePath"));
        assertEquals("90000", printed.get("brokerChannelExpiredTime"));
        assertEquals("3", printed.get("serverWorkerThreads"));
        assertEquals("false", printed.get("orderMessageEnable"));
    }

    @Test
    void anUpdateIsPrintedSavedInPlaceAndSurvivesARestart() throws Exception {
        String output = MqAdmin.run(new UpdateNamesrvConfigCommand(), "-n", namesrvAddr,
                "-k", "brokerChannelExpiredTime", "-v", "45000");
        assertTrue(output.startsWith("update name server config success!"), output);
        MqAdmin.run(new UpdateNamesrvConfigCommand(), "-n", namesrvAddr, "-k", "orderMessageEnable", "-v", "true");

        Map<String, String> printed = getNamesrvConfig();
        assertEquals("45000", printed.get("brokerChannelExpiredTime"));
        assertEquals("true", printed.get("orderMessageEnable"));
        // The changed line is replaced where it was, a new key is appended; comments and foreign keys stay.
        assertEquals(initialConfig.replace("brokerChannelExpiredTime=90000", "brokerChannelExpiredTime=45000")
                + "orderMessageEnable=true\n", Files.readString(configFile));

        namesrv.close();
        startFromConfigFile();
        printed = getNamesrvConfig();
        assertEquals("45000", printed.get("brokerChannelExpiredTime"));
        assertEquals("true", printed.get("orderMessageEnable"));
    }

    @Test
    void aStartOnlyKeyIsSavedForTheNextStartWhileTheOneInForceIsShown() throws Exception {
        String output = MqAdmin.run(new UpdateNamesrvConfigCommand(), "-n", namesrvAddr,
                "-k", "serverWorkerThreads", "-v", "5");
        assertTrue(output.startsWith("update name server config success!"), output);
        assertEquals("3", getNamesrvConfig().get("serverWorkerThreads"), "in force until the next start");
        assertEquals(initialConfig.replace("serverWorkerThreads=3", "serverWorkerThreads=5"), Files.readString(configFile));

        // A value that would leave a file no name server starts from is refused and not saved.
        MqAdmin.run(new UpdateNamesrvConfigCommand(), "-n", namesrvAddr, "-k", "writeBufferHighWaterMark", "-v", "1000");
        String saved = Files.readString(configFile);
        assertRefused(ResponseCode.SYSTEM_ERROR, "bad value for writeBufferLowWaterMark", "writeBufferLowWaterMark", "5000");
        assertEquals(saved, Files.readString(configFile));

        namesrv.close();
        startFromConfigFile();
        assertEquals("5", getNamesrvConfig().get("serverWorkerThreads"));
        assertEquals("1000", getNamesrvConfig().get("writeBufferHighWaterMark"));
    }

    @Test
    void withoutAConfigFileAStartOnlyKeyIsRefused() throws Exception {
        namesrv.close();
        NamesrvConfig fileless = new NamesrvConfig().configStorePath(dir.resolve("never-read.properties"));
        fileless.apply(props("listenPort", "0", "bindAddress", "127.0.0.1", "kvConfigPath", dir.resolve("kv2.json").toString()));
        namesrv = new NamesrvController(fileless, clock);
        namesrv.start();
        namesrvAddr = "127.0.0.1:" + namesrv.port();
        assertRefused(ResponseCode.SYSTEM_ERROR, "serverWorkerThreads takes effect at start only, and this name server was"
                + " started without a -c file", "serverWorkerThreads", "16");
        assertFalse(Files.exists(dir.resolve("never-read.properties")));
    }

    @Test
    void orderMessageEnableAppliesToRoutesAtOnce() throws Exception {
        try (TestBroker broker = new TestBroker("c1", "broker-a", 0, TestBroker.unusedPorts(1)[0]).topic("T", 4, 6)) {
            broker.register(namesrvAddr, false);
            MqAdmin.run(new UpdateKvConfigCommand(), "-n", namesrvAddr, "-s", "ORDER_TOPIC_CONFIG", "-k", "T", "-v", "broker-a:4");
            assertNull(route("T").getOrderTopicConf());

            MqAdmin.run(new UpdateNamesrvConfigCommand(), "-n", namesrvAddr, "-k", "orderMessageEnable", "-v", "true");
            assertEquals("broker-a:4", route("T").getOrderTopicConf());
        }
    }

    @Test
    void aShorterBrokerChannelExpiredTimeAppliesAtTheNextScan() throws Exception {
        try (TestBroker broker = new TestBroker("c1", "broker-a", 0, TestBroker.unusedPorts(1)[0]).topic("T", 4, 6)) {
            broker.register(namesrvAddr, false);
            // 60 s without a registration: within the configured 90 s, beyond the 30 s set next.
            clock.advance(Duration.ofSeconds(60));
            MqAdmin.run(new UpdateNamesrvConfigCommand(), "-n", namesrvAddr, "-k", "brokerChannelExpiredTime", "-v", "30000");
            Deadline.await("the broker expires", Duration.ofSeconds(10), () -> {
                try {
                    route("T");
                    return false;
                } catch (SubCommandException e) {
                    return true;
                }
            });
        }
    }

    @Test
    void productEnvNameIsKeptAndClusterTestModeIsRefusedAtStart() throws Exception {
        assertEquals("center", getNamesrvConfig().get("productEnvName"), "RocketMQ's default");
        assertEquals("false", getNamesrvConfig().get("clusterTest"));
        MqAdmin.run(new UpdateNamesrvConfigCommand(), "-n", namesrvAddr, "-k", "productEnvName", "-v", "east");
        assertEquals("east", getNamesrvConfig().get("productEnvName"));
        assertTrue(Files.readString(configFile).contains("productEnvName=east\n"), Files.readString(configFile));

        Path testMode = dir.resolve("cluster-test.properties");
        Files.writeString(testMode, "clusterTest=true\n");
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NamesrvStartup.configFrom(new String[] {"-c", testMode.toString()}, nowhere));
        assertTrue(e.getMessage().contains("clusterTest") && e.getMessage().contains("not supported"), e.getMessage());
    }

    @Test
    void refusedUpdatesChangeNothing() throws Exception {
        byte[] fileBefore = Files.readAllBytes(configFile);
        Map<String, String> before = getNamesrvConfig();

        assertRefused(ResponseCode.SYSTEM_ERROR, "bad value for serverWorkerThreads: 0", "serverWorkerThreads", "0");
        assertRefused(ResponseCode.NO_PERMISSION, "kvConfigPath is a file path", "kvConfigPath", dir.resolve("x").toString());
        assertRefused(ResponseCode.NO_PERMISSION, "configStorePath is a file path", "configStorePath", dir.resolve("x").toString());
        assertRefused(ResponseCode.NO_PERMISSION, "rocketmqHome is a file path", "rocketmqHome", "/elsewhere");
        assertRefused(ResponseCode.SYSTEM_ERROR, "unknown name server setting: noSuchSetting", "noSuchSetting", "1");
        assertRefused(ResponseCode.SYSTEM_ERROR, "bad value for clusterTest: true (cluster test mode is not supported",
                "clusterTest", "true");
        assertRefused(ResponseCode.SYSTEM_ERROR, "bad value for brokerChannelExpiredTime: soon", "brokerChannelExpiredTime", "soon");
        assertRefused(ResponseCode.SYSTEM_ERROR, "bad value for brokerChannelExpiredTime: 0 (must be at least 1)",
                "brokerChannelExpiredTime", "0");
        assertRefused(ResponseCode.SYSTEM_ERROR, "bad value for orderMessageEnable: yes (must be true or false)",
                "orderMessageEnable", "yes");

        // Several keys in one request: the bad one takes the good one down with it.
        Properties mixed = new Properties();
        mixed.setProperty("orderMessageEnable", "true");
        mixed.setProperty("brokerChannelExpiredTime", "-5");
        DefaultMQAdminExt admin = new DefaultMQAdminExt(5000);
        admin.setNamesrvAddr(namesrvAddr);
        admin.setInstanceName("sluice-namesrv-config-" + System.nanoTime());
        admin.start();
        try {
            MQClientException e = assertThrows(MQClientException.class, () -> admin.updateNameServerConfig(mixed, List.of(namesrvAddr)));
            assertEquals(ResponseCode.SYSTEM_ERROR, e.getResponseCode());
            assertTrue(e.getErrorMessage().startsWith("bad value for brokerChannelExpiredTime: -5"), e.getErrorMessage());
        } finally {
            admin.shutdown();
        }

        assertEquals(before, getNamesrvConfig());
        assertArrayEquals(fileBefore, Files.readAllBytes(configFile));
    }

    private void startFromConfigFile() throws Exception {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        namesrv = new NamesrvController(NamesrvStartup.configFrom(new String[] {"-c", configFile.toString()}, nowhere), clock);
        namesrv.start();
        namesrvAddr = "127.0.0.1:" + namesrv.port();
    }

    /** What getNamesrvConfig printed: a header naming the server, then one {@code key  =  value} line per setting. */
    private Map<String, String> getNamesrvConfig() throws Exception {
        List<String> lines = Arrays.asList(MqAdmin.run(new GetNamesrvConfigCommand(), "-n", namesrvAddr).split("\n"));
        assertEquals("============" + namesrvAddr + "============", lines.get(0));
        Map<String, String> settings = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            int separator = line.indexOf("=  ");
            assertTrue(separator > 0, line);
            settings.put(line.substring(0, separator).trim(), line.substring(separator + 3));
        }
        return settings;
    }

    private TopicRouteData route(String topic) throws Exception {
        String json = MqAdmin.run(new TopicRouteSubCommand(), "-n", namesrvAddr, "-t", topic);
        return TopicRouteData.fromJson(json.trim(), TopicRouteData.class);
    }

    private static Properties props(String... keysAndValues) {
        Properties p = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            p.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return p;
    }

    private void assertRefused(int code, String remarkStart, String key, String value) {
        SubCommandException e = assertThrows(SubCommandException.class,
                () -> MqAdmin.run(new UpdateNamesrvConfigCommand(), "-n", namesrvAddr, "-k", key, "-v", value));
        MQClientException cause = (MQClientException) e.getCause();
        assertEquals(code, cause.getResponseCode(), cause.getErrorMessage());
        assertTrue(cause.getErrorMessage().startsWith(remarkStart), cause.getErrorMessage());
    }
}
