package dev.sluice.broker;

import dev.sluice.namesrv.NamesrvConfig;
import dev.sluice.namesrv.NamesrvController;
import dev.sluice.replication.ReplicationStrategy;
import dev.sluice.testing.ClasspathJar;
import dev.sluice.testing.ProcessOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Replication is a plug-in: a jar dropped into the distribution's lib/ with a ReplicationStrategy service entry is
 * used by the unchanged broker (started by bin/mqbroker) for its role, and clients see its decisions.
 */
class ReplicationPluginTest {
    private static final Path BIN = Path.of("..", "distribution", "src", "bin");

    @TempDir
    Path home;

    @Test
    void aStrategyJarInLibIsPickedUpWithoutChangingBrokerOrStore() throws Exception {
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("lib"));
        Files.copy(BIN.resolve("mqbroker"), home.resolve("bin/mqbroker"));
        ClasspathJar.write(home.resolve("lib/classpath.jar"));
        pluginJar(home.resolve("lib/timeout-replication.jar"));

        NamesrvController namesrv = new NamesrvController(new NamesrvConfig().bindAddress("127.0.0.1").listenPort(0)
                .kvConfigPath(home.resolve("kv.json")), Clock.systemUTC());
        namesrv.start();
        Process broker = null;
        DefaultMQProducer producer = null;
        try {
            Path config = home.resolve("broker-a.properties");
            Files.writeString(config, "brokerName=broker-a\nbrokerRole=ASYNC_MASTER\nbrokerIP1=127.0.0.1\n"
                    + "bindAddress=127.0.0.1\nlistenPort=0\nnamesrvAddr=127.0.0.1:" + namesrv.port() + "\n"
                    + "storePathRootDir=" + home.resolve("store") + "\nmappedFileSizeCommitLog=1048576\n");
            ProcessBuilder builder = new ProcessBuilder(List.of("bash", home.resolve("bin/mqbroker").toString(), "-c",
                    config.toString())).redirectErrorStream(true);
            builder.environment().put("SLUICE_LOG_DIR", home.resolve("logs").toString());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            builder.environment().put("JAVA_OPT", "-Xms64m -Xmx256m");
            broker = builder.start();
            ProcessOutput.follow(broker).awaitLine("boot success", Duration.ofSeconds(60));

            producer = new DefaultMQProducer("PluginProducer");
            producer.setNamesrvAddr("127.0.0.1:" + namesrv.port());
            producer.setInstanceName("plugin-" + ProcessHandle.current().pid());
            producer.start();
            assertEquals(SendStatus.FLUSH_SLAVE_TIMEOUT,
                    producer.send(new Message("PluginTopic", "m".getBytes(StandardCharsets.UTF_8))).getSendStatus());
        } finally {
            if (producer != null) {
                producer.shutdown();
            }
            if (broker != null) {
                broker.destroy();
                if (!broker.waitFor(30, TimeUnit.SECONDS)) {
                    broker.destroyForcibly();
                    broker.waitFor(20, TimeUnit.SECONDS);
                }
            }
            namesrv.close();
        }
    }

    /** The strategy's class and its service entry; the class is also on the test class path, the entry is not. */
    private static void pluginJar(Path jar) throws IOException {
        String classFile = TimeoutReplicationStrategy.class.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
             InputStream bytes = ReplicationPluginTest.class.getClassLoader().getResourceAsStream(classFile)) {
            j.putNextEntry(new JarEntry(classFile));
            bytes.transferTo(j);
            j.closeEntry();
            j.putNextEntry(new JarEntry("META-INF/services/" + ReplicationStrategy.class.getName()));
            j.write((TimeoutReplicationStrategy.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            j.closeEntry();
        }
    }
}
