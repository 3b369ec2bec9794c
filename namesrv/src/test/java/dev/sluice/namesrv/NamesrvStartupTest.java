package dev.sluice.namesrv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.remoting.RemotingServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamesrvStartupTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

    @Test
    void defaultsListenOn9876() throws Exception {
        NamesrvConfig config = NamesrvStartup.configFrom(new String[0], out);
        assertEquals(9876, config.listenPort());
        assertEquals(10_000, config.scanNotActiveBrokerInterval());
        assertEquals(120_000, config.brokerChannelExpiredTime());
        assertEquals("", output.toString(StandardCharsets.UTF_8));
    }

    @Test
    void configFileOverridesAndPrintShowsTheEffectiveSettings() throws Exception {
        Path file = dir.resolve("namesrv.properties");
        Files.writeString(file, "listenPort=19876\nkvConfigPath=" + dir.resolve("kv.json")
                + "\nrocketmqHome=/opt/rocketmq\nnoSuchSetting=1\n");
        assertNull(NamesrvStartup.configFrom(new String[] {"-c", file.toString(), "-p"}, out));
        String printed = output.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("listenPort=19876\n"), printed);
        assertTrue(printed.contains("kvConfigPath=" + dir.resolve("kv.json") + "\n"), printed);
        assertTrue(printed.contains("orderMessageEnable=false\n"), printed);
        assertTrue(printed.contains("configStorePath=" + file + "\n"), "updates are saved to the -c file: " + printed);
        assertTrue(printed.contains("rocketmqHome=/opt/rocketmq\n"), "a RocketMQ key, reported back: " + printed);
        assertTrue(!printed.contains("noSuchSetting"), "unknown keys are ignored");

        NamesrvConfig config = NamesrvStartup.configFrom(new String[] {"-c", file.toString()}, out);
        assertEquals(19876, config.listenPort());
    }

    @Test
    void badArgumentsAndValuesAreRejectedWithTheirName() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> NamesrvStartup.configFrom(new String[] {"-x"}, out));
        assertThrows(IllegalArgumentException.class, () -> NamesrvStartup.configFrom(new String[] {"-c"}, out));
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "listenPort=many\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NamesrvStartup.configFrom(new String[] {"-c", file.toString()}, out));
        assertTrue(e.getMessage().contains("listenPort"), e.getMessage());
        Files.writeString(file, "orderMessageEnable=yes\n");
        e = assertThrows(IllegalArgumentException.class, () -> NamesrvStartup.configFrom(new String[] {"-c", file.toString()}, out));
        assertTrue(e.getMessage().contains("orderMessageEnable: yes (must be true or false)"), e.getMessage());
        Path missing = dir.resolve("missing.properties");
        e = assertThrows(IllegalArgumentException.class, () -> NamesrvStartup.configFrom(new String[] {"-c", missing.toString()}, out));
        assertTrue(e.getMessage().contains(missing + " does not exist"), e.getMessage());
    }

    /** What 4.9.7's GET_NAMESRV_CONFIG reports, Sluice reports too. */
    @Test
    void everyKeyOfRocketMqsNameServerIsReported() {
        java.util.Set<String> reported = new NamesrvConfig().effectiveSettings().keySet();
        for (Object official : java.util.List.of(new org.apache.rocketmq.common.namesrv.NamesrvConfig(),
                new org.apache.rocketmq.remoting.netty.NettyServerConfig())) {
            java.util.Properties keys = org.apache.rocketmq.common.MixAll.object2Properties(official);
            for (String key : keys.stringPropertyNames()) {
                assertTrue(reported.contains(key), official.getClass().getSimpleName() + "." + key);
            }
        }
    }

    @Test
    void helpPrintsUsage() throws Exception {
        assertNull(NamesrvStartup.configFrom(new String[] {"-h"}, out));
        assertTrue(output.toString(StandardCharsets.UTF_8).startsWith("usage: mqnamesrv"));
    }

    @Test
    void rocketMqsNettyServerKeysReachTheListeningSocket() throws Exception {
        Path file = dir.resolve("netty.properties");
        Files.writeString(file, "serverSocketBacklog=77\nserverSocketSndBufSize=1001\nserverSocketRcvBufSize=1002\n"
                + "writeBufferLowWaterMark=1003\nwriteBufferHighWaterMark=1004\nserverPooledByteBufAllocatorEnable=false\n"
                + "useEpollNativeSelector=false\n");
        RemotingServerConfig server = NamesrvStartup.configFrom(new String[] {"-c", file.toString()}, out)
                .remotingServerConfig();
        assertEquals(77, server.socketBacklog());
        assertEquals(1001, server.socket().sndBufSize());
        assertEquals(1002, server.socket().rcvBufSize());
        assertEquals(1003, server.socket().writeBufferLowWaterMark());
        assertEquals(1004, server.socket().writeBufferHighWaterMark());
        assertFalse(server.socket().pooledAllocator());
        assertFalse(server.useEpollWhenAvailable());

        Files.writeString(file, "writeBufferLowWaterMark=2000\nwriteBufferHighWaterMark=1000\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NamesrvStartup.configFrom(new String[] {"-c", file.toString()}, out));
        assertTrue(e.getMessage().contains("writeBufferLowWaterMark"), e.getMessage());
    }
}
