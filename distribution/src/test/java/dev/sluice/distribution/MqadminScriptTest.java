package dev.sluice.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.namesrv.NamesrvConfig;
import dev.sluice.namesrv.NamesrvController;
import dev.sluice.testing.Deadline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/mqadmin of the assembled distribution (target/sluice-&lt;version&gt;/, with its lib/), run as operators run
 * it against a name server and broker started in this JVM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MqadminScriptTest {
    private static final Path DISTRIBUTION = Path.of(System.getProperty("sluice.distribution.dir", "target/sluice"));

    @TempDir
    static Path home;
    private NamesrvController namesrv;
    private Broker broker;
    private String namesrvAddr;

    @BeforeAll
    void startCluster() throws Exception {
        namesrv = new NamesrvController(new NamesrvConfig().bindAddress("127.0.0.1").listenPort(0)
                .kvConfigPath(home.resolve("namesrv/kvConfig.json")), Clock.systemUTC());
        namesrv.start();
        namesrvAddr = "127.0.0.1:" + namesrv.port();
        Properties p = new Properties();
        p.setProperty("brokerName", "broker-a");
        p.setProperty("brokerClusterName", "ScriptCluster");
        p.setProperty("brokerIP1", "127.0.0.1");
        p.setProperty("bindAddress", "127.0.0.1");
        p.setProperty("listenPort", "0");
        p.setProperty("namesrvAddr", namesrvAddr);
        p.setProperty("storePathRootDir", home.resolve("store").toString());
        p.setProperty("mappedFileSizeCommitLog", String.valueOf(4 * 1024 * 1024));
        broker = new Broker(BrokerConfig.fromProperties(p, new ArrayList<>()));
        broker.start();
    }

    @AfterAll
    void stopCluster() {
        if (broker != null) {
            broker.close();
        }
        if (namesrv != null) {
            namesrv.close();
        }
    }

    @Test
    void listsTheClusterCreatesATopicAndPrintsItsRoute() throws Exception {
        Deadline.await("the broker is listed", Duration.ofSeconds(30),
                () -> mqadmin("clusterList", "-n", namesrvAddr).stdout.contains(broker.address()));
        Result list = mqadmin("clusterList", "-n", namesrvAddr);
        assertEquals(0, list.status, list.stderr);
        String[] row = list.stdout.lines().filter(l -> l.startsWith("ScriptCluster")).findFirst().orElseThrow().trim().split("\\s+");
        assertEquals(List.of("ScriptCluster", "broker-a", "0", broker.address()), List.of(row).subList(0, 4));

        Result update = mqadmin("updateTopic", "-n", namesrvAddr, "-c", "ScriptCluster", "-t", "ScriptTopic", "-r", "3", "-w", "3");
        assertEquals(0, update.status, update.stderr);
        assertTrue(update.stdout.contains("create topic to " + broker.address() + " success."), update.stdout);

        Deadline.await("the route shows 3 queues", Duration.ofSeconds(30), () -> {
            Result route = mqadmin("topicRoute", "-n", namesrvAddr, "-t", "ScriptTopic");
            return route.status == 0 && route.stdout.contains("\"readQueueNums\":3") && route.stdout.contains("\"writeQueueNums\":3");
        });
    }

    @Test
    void failsWithOneLineAndNonZeroStatus() throws Exception {
        Result unknown = mqadmin("noSuchCommand");
        assertEquals(2, unknown.status);
        assertEquals(1, unknown.stderr.lines().count(), unknown.stderr);

        Result noRoute = mqadmin("topicRoute", "-n", namesrvAddr, "-t", "NoSuchTopic");
        assertEquals(1, noRoute.status);
        assertEquals(1, noRoute.stderr.lines().count(), noRoute.stderr);
        assertTrue(noRoute.stderr.contains("no route info for topic NoSuchTopic"), noRoute.stderr);
    }

    private record Result(int status, String stdout, String stderr) {
    }

    private Result mqadmin(String... args) throws Exception {
        Path script = DISTRIBUTION.resolve("bin/mqadmin");
        assertTrue(Files.isExecutable(script), "assembled script missing: " + script);
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("NAMESRV_ADDR");
        Process process = builder.start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return process.getErrorStream().readAllBytes();
            } catch (java.io.IOException e) {
                return new byte[0];
            }
        });
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("mqadmin " + String.join(" ", args) + " did not finish");
        }
        return new Result(process.exitValue(), out, new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    }
}
