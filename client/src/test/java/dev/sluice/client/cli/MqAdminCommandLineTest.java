package dev.sluice.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line without a cluster: help, and every way it can be wrong (exit status and one line saying why). */
class MqAdminCommandLineTest {
    private static final List<String> COMMANDS = List.of("clusterList", "topicList", "topicRoute", "topicStatus",
            "brokerStatus", "updateTopic", "deleteTopic", "updateSubGroup", "deleteSubGroup", "consumerProgress",
            "consumerConnection", "queryMsgByKey", "queryMsgById", "queryMsgByOffset", "resetOffsetByTime",
            "wipeWritePerm", "addWritePerm", "getBrokerConfig", "updateBrokerConfig", "queryMsgByUniqueKey",
            "topicClusterList", "cleanExpiredCQ", "cleanUnusedTopic", "brokerConsumeStats");

    @Test
    void helpListsEveryCommand() {
        CliRun run = CliRun.of("help").ok();
        for (String command : COMMANDS) {
            assertTrue(run.out().contains("   " + command + " "), command + " missing from:\n" + run.out());
        }
    }

    @Test
    void dashHOfEachCommandDescribesItsOptionsAndSucceeds() {
        for (String command : COMMANDS) {
            CliRun run = CliRun.of(command, "-h").ok();
            assertTrue(run.out().startsWith("usage: mqadmin " + command + " [-n <namesrvAddr>]"), run.out());
            assertTrue(run.out().contains("-n, --namesrvAddr"), run.out());
            assertEquals(run.out(), CliRun.of("help", command).ok().out());
        }
        String topicRoute = CliRun.of("topicRoute", "-h").out();
        assertTrue(topicRoute.contains("-t, --topic <topic>"), topicRoute);
        // a required option is shown bare in the synopsis, an optional one in brackets
        assertTrue(topicRoute.startsWith("usage: mqadmin topicRoute [-n <namesrvAddr>] -t <topic>\n"), topicRoute);
        assertTrue(CliRun.of("updateTopic", "-h").out().contains("[-r <n>]"));
    }

    @Test
    void unknownCommandOrNoCommandIsAUsageError() {
        assertUsageError(CliRun.of("clusterLst"), "unknown command 'clusterLst'");
        assertUsageError(CliRun.of(), "no command given");
        assertUsageError(CliRun.of("help", "nope"), "unknown command 'nope'");
    }

    @Test
    void badArgumentsAreUsageErrorsNamingTheProblem() {
        assertUsageError(CliRun.of("topicRoute", "-n", "127.0.0.1:9876"), "missing required option -t (--topic)");
        assertUsageError(CliRun.of("topicRoute", "-n", "127.0.0.1:9876", "-t"), "option -t (--topic) needs a value");
        assertUsageError(CliRun.of("topicRoute", "-n", "127.0.0.1:9876", "-t", "A", "-x"), "unknown option -x");
        assertUsageError(CliRun.of("topicRoute", "-n", "127.0.0.1:9876", "-t", "A", "stray"), "unexpected argument 'stray'");
        assertUsageError(CliRun.of("topicRoute", "-n", "127.0.0.1:9876", "-t", "A", "-t", "B"), "given twice");
        assertUsageError(CliRun.of("updateTopic", "-n", "127.0.0.1:9876", "-b", "127.0.0.1:10911", "-t", "A", "-r", "many"),
                "--readQueueNums must be an integer, not 'many'");
        assertUsageError(CliRun.of("updateTopic", "-n", "127.0.0.1:9876", "-b", "127.0.0.1:10911", "-t", "A", "-p", "7"),
                "--perm must be 2 (write), 4 (read) or 6 (read/write), not 7");
        assertUsageError(CliRun.of("updateTopic", "-n", "127.0.0.1:9876", "-t", "A"), "give either -b <brokerAddr> or -c <clusterName>");
        assertUsageError(CliRun.of("updateTopic", "-n", "127.0.0.1:9876", "-t", "A", "-b", "x:1", "-c", "C"),
                "give either -b <brokerAddr> or -c <clusterName>");
        assertUsageError(CliRun.of("updateSubGroup", "-n", "127.0.0.1:9876", "-b", "x:1", "-g", "G", "-s", "maybe"),
                "--consumeEnable must be true or false, not 'maybe'");
        assertUsageError(CliRun.of("resetOffsetByTime", "-n", "127.0.0.1:9876", "-g", "G", "-t", "T", "-s", "yesterday"),
                "--timestamp must be now, milliseconds or yyyy-MM-dd#HH:mm:ss:SSS, not 'yesterday'");
        assertUsageError(CliRun.of("clusterList", "-n", "localhost"), "name server address must be host:port");
        assertUsageError(CliRun.of("clusterRT", "-n", "127.0.0.1:9876", "-a", "1"), "--amount must be at least 2");
    }

    @Test
    void unreachableNameServerFailsWithOneLineNamingIt() throws IOException {
        String dead = "127.0.0.1:" + closedPort();
        CliRun run = CliRun.of("clusterList", "-n", dead);
        assertFailure(run, dead);
        assertTrue(run.out().isEmpty(), "nothing printed on stdout: " + run.out());
        // NAMESRV_ADDR is used when -n is not given
        assertFailure(CliRun.withEnv(Map.of("NAMESRV_ADDR", dead), "topicRoute", "-t", "T"), dead);
        // and -n wins over it
        assertFailure(CliRun.withEnv(Map.of("NAMESRV_ADDR", "127.0.0.1:1"), "topicList", "-n", dead), dead);
    }

    @Test
    void noNameServerAtAllIsAFailureSayingHowToGiveOne() {
        assertFailure(CliRun.withEnv(Map.of(), "topicList"), "no name server address: give -n host:port or set the NAMESRV_ADDR");
    }

    @Test
    void unreachableBrokerFailsWithOneLineNamingIt() throws IOException {
        String dead = "127.0.0.1:" + closedPort();
        assertFailure(CliRun.of("brokerStatus", "-b", dead), dead);
        assertFailure(CliRun.of("getBrokerConfig", "-b", dead), dead);
    }

    @Test
    void timestampsAreParsedAsRocketMqWritesThem() throws UsageException {
        assertEquals(1_700_000_000_123L, GroupCommands.parseTimestamp("1700000000123"));
        long parsed = GroupCommands.parseTimestamp("2024-03-05#06:07:08:009");
        assertEquals("2024-03-05#06:07:08:009", Format.date(parsed, Format.HASH_MILLIS));
        long now = System.currentTimeMillis();
        assertTrue(Math.abs(GroupCommands.parseTimestamp("now") - now) < 60_000);
    }

    private static void assertUsageError(CliRun run, String reason) {
        assertEquals(MqAdmin.USAGE, run.status(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains(reason), "expected '" + reason + "' in: " + run.err());
        assertTrue(run.err().startsWith("mqadmin"), run.err());
    }

    private static void assertFailure(CliRun run, String reason) {
        assertEquals(MqAdmin.FAILED, run.status(), run.out() + run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains(reason), "expected '" + reason + "' in: " + run.err());
    }

    /** A port nothing listens on: bound a moment ago, then released. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
