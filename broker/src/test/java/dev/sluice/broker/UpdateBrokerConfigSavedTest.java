package dev.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.broker.config.BrokerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official admin's updateBrokerConfig on a broker started with -c: as RocketMQ does, the change is saved into
 * that file, so the next start keeps it, and a key that applies only at start takes effect then. Only the changed
 * lines are rewritten; a refused change (a file path, a combination that could not start, also with what earlier
 * changes saved, an unknown key), or one made while the file cannot be read, changes neither the file nor the running
 * broker.
 */
class UpdateBrokerConfigSavedTest {
    @TempDir
    Path home;

    @Test
    void aChangeIsSavedIntoTheConfigFileAndKeptByTheNextStart() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Path file = home.resolve("broker.properties");
            StringBuilder text = new StringBuilder("# maintained by the operator\n");
            cluster.brokerProperties("broker-saved").forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
            text.append("# retention, RocketMQ's misspelled key\ndestoryMapedFileIntervalForcibly=120000\n");
            Files.writeString(file, text);
            String[] args = {"-c", file.toString()};
            DefaultMQAdminExt admin = cluster.admin();

            try (Broker broker = cluster.start(broker(args))) {
                admin.updateBrokerConfig(broker.address(), props("brokerPermission", "4"));
                admin.updateBrokerConfig(broker.address(), props("destroyMapedFileIntervalForcibly", "60000"));
                // Start-only keys are saved for the next start, as RocketMQ saves them; the running value stays.
                admin.updateBrokerConfig(broker.address(), props("sendMessageThreadPoolNums", "3"));
                admin.updateBrokerConfig(broker.address(), props("flushIntervalCommitLog", "700"));
                assertEquals("500", admin.getBrokerConfig(broker.address()).getProperty("flushIntervalCommitLog"));
                String saved = Files.readString(file);
                for (Properties refusedChange : new Properties[] {props("storePathRootDir", home.resolve("x").toString()),
                        props("mappedFileSizeCommitLog", "2097152"), props("mapedFileSizeConsumeQueue", "12000"),
                        props("writeBufferLowWaterMark", "5000", "writeBufferHighWaterMark", "1000"),
                        props("noSuchKey", "1")}) {
                    MQBrokerException refused = assertThrows(MQBrokerException.class,
                            () -> admin.updateBrokerConfig(broker.address(), refusedChange));
                    assertTrue(refused.getErrorMessage().contains(refusedChange.stringPropertyNames().iterator().next())
                            || refused.getErrorMessage().contains("writeBufferLowWaterMark"), refused.getErrorMessage());
                    assertEquals(saved, Files.readString(file), "a refused change is not saved: " + refusedChange);
                }

                assertEquals(text.toString().replace("destoryMapedFileIntervalForcibly=120000",
                        "destroyMapedFileIntervalForcibly=60000")
                        + "brokerPermission=4\nsendMessageThreadPoolNums=3\nflushIntervalCommitLog=700\n", saved);
                assertEquals("4", admin.getBrokerConfig(broker.address()).getProperty("brokerPermission"));
            }
            try (Broker restarted = cluster.start(broker(args))) {
                Properties inForce = admin.getBrokerConfig(restarted.address());
                assertEquals("4", inForce.getProperty("brokerPermission"));
                assertEquals("60000", inForce.getProperty("destroyMapedFileIntervalForcibly"));
                assertEquals("3", inForce.getProperty("sendMessageThreadPoolNums"));
                assertEquals("700", inForce.getProperty("flushIntervalCommitLog"));
            }
        }
    }

    @Test
    void aChangeIsCheckedWithWhatEarlierChangesSavedForTheNextStart() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Path file = home.resolve("broker.properties");
            StringBuilder text = new StringBuilder();
            cluster.brokerProperties("broker-checked").forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
            Files.writeString(file, text);
            String[] args = {"-c", file.toString()};
            DefaultMQAdminExt admin = cluster.admin();
            try (Broker broker = cluster.start(broker(args))) {
                admin.updateBrokerConfig(broker.address(), props("writeBufferHighWaterMark", "1000"));
                String saved = Files.readString(file);
                MQBrokerException refused = assertThrows(MQBrokerException.class,
                        () -> admin.updateBrokerConfig(broker.address(), props("writeBufferLowWaterMark", "5000")));
                assertTrue(refused.getErrorMessage().contains("must not exceed writeBufferHighWaterMark (1000)"),
                        refused.getErrorMessage());
                assertEquals(saved, Files.readString(file));
            }
            try (Broker restarted = cluster.start(broker(args))) {
                assertEquals("1000", admin.getBrokerConfig(restarted.address()).getProperty("writeBufferHighWaterMark"));
            }
        }
    }

    @Test
    void aChangeIsNotAppliedWhenTheConfigFileCannotBeRead() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Path notAFile = Files.createDirectories(home.resolve("a-directory.properties"));
            BrokerConfig config = BrokerConfig.fromProperties(cluster.brokerProperties("broker-unsaved"),
                    new java.util.ArrayList<>());
            try (Broker broker = cluster.start(new Broker(config, notAFile))) {
                DefaultMQAdminExt admin = cluster.admin();
                MQBrokerException refused = assertThrows(MQBrokerException.class,
                        () -> admin.updateBrokerConfig(broker.address(), props("brokerPermission", "4")));
                assertTrue(refused.getErrorMessage().contains("could not read the settings in " + notAFile),
                        refused.getErrorMessage());
                assertEquals("6", admin.getBrokerConfig(broker.address()).getProperty("brokerPermission"));
            }
        }
    }

    /** Recreated, the file would hold the one changed key, and the next start would run on defaults otherwise. */
    @Test
    void aChangeIsRefusedWhenTheConfigFileIsGone() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Path file = home.resolve("gone.properties");
            BrokerConfig config = BrokerConfig.fromProperties(cluster.brokerProperties("broker-gone"),
                    new java.util.ArrayList<>());
            try (Broker broker = cluster.start(new Broker(config, file))) {
                DefaultMQAdminExt admin = cluster.admin();
                MQBrokerException refused = assertThrows(MQBrokerException.class,
                        () -> admin.updateBrokerConfig(broker.address(), props("brokerPermission", "4")));
                assertTrue(refused.getErrorMessage().contains("the settings file " + file + " this broker started from "
                        + "is gone"), refused.getErrorMessage());
                assertFalse(Files.exists(file), "not created with the one key");
                assertEquals("6", admin.getBrokerConfig(broker.address()).getProperty("brokerPermission"));
            }
        }
    }

    private static Broker broker(String[] args) throws Exception {
        BrokerConfig config = BrokerStartup.configFrom(args,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        return new Broker(config, BrokerStartup.configFile(args));
    }

    private static Properties props(String... keysAndValues) {
        Properties p = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            p.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return p;
    }
}
