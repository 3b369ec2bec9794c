package dev.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * that file, so the next start keeps it. Only the changed lines are rewritten; a refused change, or one that cannot
 * be saved, changes neither the file nor the running broker.
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

            try (Broker broker = start(args)) {
                admin.updateBrokerConfig(broker.address(), props("brokerPermission", "4"));
                admin.updateBrokerConfig(broker.address(), props("destroyMapedFileIntervalForcibly", "60000"));
                String saved = Files.readString(file);
                MQBrokerException refused = assertThrows(MQBrokerException.class,
                        () -> admin.updateBrokerConfig(broker.address(), props("mappedFileSizeCommitLog", "4096")));
                assertTrue(refused.getErrorMessage().contains("next start only"), refused.getErrorMessage());
                assertEquals(saved, Files.readString(file), "a refused change is not saved");

                assertEquals(text.toString().replace("destoryMapedFileIntervalForcibly=120000",
                        "destroyMapedFileIntervalForcibly=60000") + "brokerPermission=4\n", saved);
                assertEquals("4", admin.getBrokerConfig(broker.address()).getProperty("brokerPermission"));
            }
            try (Broker restarted = start(args)) {
                Properties inForce = admin.getBrokerConfig(restarted.address());
                assertEquals("4", inForce.getProperty("brokerPermission"));
                assertEquals("60000", inForce.getProperty("destroyMapedFileIntervalForcibly"));
            }
        }
    }

    @Test
    void aChangeThatCannotBeSavedIsNotApplied() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Path notAFile = Files.createDirectories(home.resolve("a-directory.properties"));
            BrokerConfig config = BrokerConfig.fromProperties(cluster.brokerProperties("broker-unsaved"),
                    new java.util.ArrayList<>());
            try (Broker broker = new Broker(config, notAFile)) {
                broker.start();
                DefaultMQAdminExt admin = cluster.admin();
                MQBrokerException refused = assertThrows(MQBrokerException.class,
                        () -> admin.updateBrokerConfig(broker.address(), props("brokerPermission", "4")));
                assertTrue(refused.getErrorMessage().contains("could not save the settings to " + notAFile),
                        refused.getErrorMessage());
                assertEquals("6", admin.getBrokerConfig(broker.address()).getProperty("brokerPermission"));
            }
        }
    }

    private static Broker start(String[] args) throws Exception {
        BrokerConfig config = BrokerStartup.configFrom(args,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        Broker broker = new Broker(config, BrokerStartup.configFile(args));
        try {
            broker.start();
        } catch (Exception e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    private static Properties props(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        return p;
    }
}
