package dev.sluice.namesrv;

import dev.sluice.testing.ClasspathJar;
import dev.sluice.testing.ProcessOutput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher distribution/src/bin/mqnamesrv, run from a layout like the assembled one: bin/ beside a lib/
 * whose single jar points (by manifest Class-Path) at this test's classpath.
 */
class MqnamesrvScriptTest {
    private static final Path SCRIPT = Path.of("..", "distribution", "src", "bin", "mqnamesrv");

    @TempDir
    Path home;

    @Test
    void printsTheEffectiveConfig() throws Exception {
        Process process = launch(List.of("-p"), "");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("listenPort=9876\n"), output);
    }

    @Test
    void writesItsPidAndStopsCleanlyOnSigterm() throws Exception {
        Path config = home.resolve("namesrv.properties");
        Files.writeString(config, "listenPort=0\nbindAddress=127.0.0.1\nkvConfigPath=" + home.resolve("kv.json") + "\n");
        Process process = launch(List.of("-c", config.toString()), "-Dsluice.test.marker=yes");
        ProcessOutput lines = ProcessOutput.follow(process);
        try {
            lines.awaitLine("The Name Server boot success", Duration.ofSeconds(30));
            long pid = Long.parseLong(Files.readString(home.resolve("logs/namesrv.pid")).trim());
            assertEquals(process.pid(), pid, "the script execs the JVM, so the pid file names it");
            // A second start with the same log directory is refused before it takes the pid file.
            Process second = launch(List.of("-c", config.toString()), "");
            String refused = new String(second.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(second.waitFor(30, TimeUnit.SECONDS));
            assertEquals(1, second.exitValue(), refused);
            assertTrue(refused.contains("already runs"), refused);
            assertEquals(pid, Long.parseLong(Files.readString(home.resolve("logs/namesrv.pid")).trim()));
            String commandLine = process.info().commandLine().orElse("");
            assertTrue(commandLine.isEmpty() || commandLine.contains("-Dsluice.test.marker=yes"), commandLine);

            assertTrue(process.toHandle().destroy(), "SIGTERM sent");
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the name server exits after SIGTERM");
            lines.awaitLine("name server stopped", Duration.ofSeconds(30));
            assertEquals(143, process.exitValue());
            assertFalse(Files.exists(home.resolve("logs/namesrv.pid")), "a server told to stop removes its pid file");
        } finally {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFailedStartLeavesNoPidFile() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path config = home.resolve("namesrv.properties");
            Files.writeString(config, "listenPort=" + taken.getLocalPort() + "\nbindAddress=127.0.0.1\nkvConfigPath="
                    + home.resolve("kv.json") + "\n");
            Process process = launch(List.of("-c", config.toString()), "");
            try {
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(process.waitFor(30, TimeUnit.SECONDS));
                assertEquals(1, process.exitValue(), output);
                assertTrue(output.contains("failed to start"), output);
                assertFalse(Files.exists(home.resolve("logs/namesrv.pid")), output);
            } finally {
                process.destroyForcibly();
                process.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    private Process launch(List<String> args, String javaOpt) throws IOException {
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("lib"));
        Path script = home.resolve("bin/mqnamesrv");
        if (!Files.exists(script)) {
            Files.copy(SCRIPT, script);
            ClasspathJar.write(home.resolve("lib/classpath.jar"));
        }
        ProcessBuilder builder = new ProcessBuilder(Stream.concat(Stream.of("bash", script.toString()), args.stream()).toList())
                .redirectErrorStream(true);
        builder.environment().put("SLUICE_LOG_DIR", home.resolve("logs").toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_OPT", "-Xms64m -Xmx128m " + javaOpt);
        return builder.start();
    }

}
