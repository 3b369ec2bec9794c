package dev.sluice.namesrv;

import dev.sluice.testing.ProcessOutput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.netty.NettyRemotingClient;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NamesrvStartup as its own JVM: boots from a config file, serves, and stops cleanly on SIGTERM. */
class NamesrvProcessTest {
    private static final Pattern BOOTED = Pattern.compile("The Name Server boot success.*listenPort=(\\d+)");

    @TempDir
    Path dir;

    @Test
    void bootsFromAConfigFileAndStopsCleanlyOnSigterm() throws Exception {
        Path config = dir.resolve("namesrv.properties");
        Files.writeString(config, "listenPort=0\nbindAddress=127.0.0.1\nkvConfigPath=" + dir.resolve("kv.json") + "\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                NamesrvStartup.class.getName(), "-c", config.toString()))
                .redirectErrorStream(true).start();
        ProcessOutput lines = ProcessOutput.follow(process);
        try {
            int port = Integer.parseInt(lines.awaitLine(BOOTED, Duration.ofSeconds(30)).group(1));
            try (NettyRemotingClient client = new NettyRemotingClient(new RemotingClientConfig())) {
                RemotingCommand response = client.invokeSync("127.0.0.1:" + port,
                        RemotingCommand.request(RequestCode.GET_BROKER_CLUSTER_INFO), 5000);
                assertEquals(ResponseCode.SUCCESS, response.code());
            }
            // SIGTERM through the handle: Process.destroy() would also close our end of the output pipe.
            assertTrue(process.toHandle().destroy(), "SIGTERM sent");
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the name server exits after SIGTERM");
            lines.awaitLine("name server stopped", Duration.ofSeconds(30));
            assertEquals(143, process.exitValue(), "exit status of a JVM ended by SIGTERM");
        } finally {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }

}
