package dev.sluice.broker;

import dev.sluice.testing.ClasspathJar;
import dev.sluice.testing.ProcessOutput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.namesrv.NamesrvConfig;
import dev.sluice.namesrv.NamesrvController;
import java.time.Duration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launchers distribution/src/bin/mqbroker and mqshutdown, run from a layout like the assembled one: bin/ beside a
 * lib/ whose single jar points (by manifest Class-Path) at this test's classpath.
 */
class MqbrokerScriptTest {
    private static final Path BIN = Path.of("..", "distribution", "src", "bin");

    @TempDir
    Path home;

    @Test
    void printsTheEffectiveConfig() throws Exception {
        layout();
        // RocketMQ 4.9 reads the disk ratios from these system properties only; they stay the keys' defaults.
        Process process = start(List.of("bash", home.resolve("bin/mqbroker").toString(), "-n", "127.0.0.1:9999", "-p"),
                "-Drocketmq.broker.diskSpaceWarningLevelRatio=0.25 -Drocketmq.broker.diskSpaceCleanForciblyRatio=0.2");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("namesrvAddr=127.0.0.1:9999\n"), output);
        assertTrue(output.contains("listenPort=10911\n"), output);
        assertTrue(output.contains("diskSpaceWarningLevelRatio=0.25\n"), output);
        assertTrue(output.contains("diskSpaceCleanForciblyRatio=0.2\n"), output);
    }

    @Test
    void startsFromAPropertiesFileAndStopsGracefullyThroughMqshutdown() throws Exception {
        layout();
        NamesrvController namesrv = new NamesrvController(new NamesrvConfig().bindAddress("127.0.0.1").listenPort(0)
                .kvConfigPath(home.resolve("kv.json")), Clock.systemUTC());
        namesrv.start();
        Process broker = null;
        try {
            Path config = home.resolve("broker-a.properties");
            Files.writeString(config, "brokerName=broker-a\nbrokerIP1=127.0.0.1\nbindAddress=127.0.0.1\nlistenPort=0\n"
                    + "namesrvAddr=127.0.0.1:" + namesrv.port() + "\nstorePathRootDir=" + home.resolve("store") + "\n"
                    + "mappedFileSizeCommitLog=1048576\n");
            broker = start(List.of("bash", home.resolve("bin/mqbroker").toString(), "-c", config.toString()));
            ProcessOutput lines = ProcessOutput.follow(broker);
            lines.awaitLine("boot success", Duration.ofSeconds(60));
            long pid = Long.parseLong(Files.readString(home.resolve("logs/broker.pid")).trim());
            assertEquals(broker.pid(), pid, "the script execs the JVM, so the pid file names it");

            // A second start with the same log directory is refused before it takes the pid file, and printing the
            // config leaves the pid file alone: mqshutdown still stops the running broker.
            Process second = start(List.of("bash", home.resolve("bin/mqbroker").toString(), "-c", config.toString()));
            String refused = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(second.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, second.exitValue(), refused);
            assertTrue(refused.contains("already runs"), refused);
            Process print = start(List.of("bash", home.resolve("bin/mqbroker").toString(), "-c", config.toString(),
                    "-p"));
            String printed = new String(print.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(print.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, print.exitValue(), printed);
            assertEquals(String.valueOf(broker.pid()), Files.readString(home.resolve("logs/broker.pid")).trim());

            Process shutdown = start(List.of("bash", home.resolve("bin/mqshutdown").toString(), "broker"));
            String said = new String(shutdown.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(shutdown.waitFor(90, TimeUnit.SECONDS));
            assertEquals(0, shutdown.exitValue(), said);
            assertTrue(said.contains("stopped"), said);
            assertTrue(broker.waitFor(10, TimeUnit.SECONDS));
            lines.awaitLine("broker broker-a stopped", Duration.ofSeconds(60));
            assertFalse(Files.exists(home.resolve("logs/broker.pid")));
            assertFalse(Files.exists(home.resolve("store/abort")), "the store was closed cleanly");
        } finally {
            if (broker != null) {
                broker.destroyForcibly();
                broker.waitFor(20, TimeUnit.SECONDS);
            }
            namesrv.close();
        }
    }

    @Test
    void aFailedStartLeavesNoPidFile() throws Exception {
        layout();
        Path notADirectory = Files.writeString(home.resolve("store"), "a file where the store should be");
        Path config = home.resolve("broker-a.properties");
        Files.writeString(config, "brokerName=broker-a\nbrokerIP1=127.0.0.1\nbindAddress=127.0.0.1\nlistenPort=0\n"
                + "storePathRootDir=" + notADirectory + "\n");
        Process broker = start(List.of("bash", home.resolve("bin/mqbroker").toString(), "-c", config.toString()));
        try {
            String output = new String(broker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(broker.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, broker.exitValue(), output);
            assertTrue(output.contains("failed to start"), output);
            assertFalse(Files.exists(home.resolve("logs/broker.pid")), output);
        } finally {
            broker.destroyForcibly();
            broker.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void mqshutdownRefusesAPidThatIsNotABroker() throws Exception {
        layout();
        Files.createDirectories(home.resolve("logs"));
        Files.writeString(home.resolve("logs/broker.pid"), ProcessHandle.current().pid() + "\n");
        Process shutdown = start(List.of("bash", home.resolve("bin/mqshutdown").toString(), "broker"));
        String said = new String(shutdown.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(shutdown.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, shutdown.exitValue(), said);
        assertTrue(said.contains("no running broker"), said);
        assertTrue(ProcessHandle.current().isAlive());
    }

    private void layout() throws IOException {
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("lib"));
        Files.createDirectories(home.resolve("conf"));
        for (String script : List.of("mqbroker", "mqshutdown")) {
            Files.copy(BIN.resolve(script), home.resolve("bin").resolve(script));
        }
        ClasspathJar.write(home.resolve("lib/classpath.jar"));
    }

    private Process start(List<String> command) throws IOException {
        return start(command, "");
    }

    private Process start(List<String> command, String javaOpt) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SLUICE_LOG_DIR", home.resolve("logs").toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_OPT", "-Xms64m -Xmx256m " + javaOpt);
        return builder.start();
    }

}
