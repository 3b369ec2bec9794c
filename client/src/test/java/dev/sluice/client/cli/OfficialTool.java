package dev.sluice.client.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.PosixParser;
import org.apache.rocketmq.srvutil.ServerUtil;
import org.apache.rocketmq.tools.command.SubCommand;

/**
 * Runs one of the official 4.9.7 mqadmin sub-commands in this JVM and returns what it printed, the way
 * MQAdminStartup would (which itself cannot run here: it insists on configuring logback from ROCKETMQ_HOME).
 */
final class OfficialTool {
    private OfficialTool() {
    }

    static String run(String namesrvAddr, SubCommand command, String... args) throws Exception {
        return capturing(namesrvAddr, command, args, (execute, captured) -> {
            execute.run();
            return captured.toString(StandardCharsets.UTF_8);
        });
    }

    /**
     * Runs a sub-command that never ends by itself (clusterRT) until what it printed satisfies {@code enough}, then
     * interrupts it and returns its output.
     */
    static String runUntil(String namesrvAddr, SubCommand command, Predicate<String> enough, Duration limit,
                           String... args) throws Exception {
        return capturing(namesrvAddr, command, args, (execute, captured) -> {
            Thread runner = new Thread(() -> {
                try {
                    execute.run();
                } catch (Exception e) {
                    // the interrupt that ends it surfaces as a SubCommandException
                }
            }, "official-" + command.commandName());
            runner.start();
            return CliRun.waitFor(runner, captured, enough, limit);
        });
    }

    private interface Execution {
        void run() throws Exception;
    }

    private interface Capture {
        String apply(Execution execute, ByteArrayOutputStream captured) throws Exception;
    }

    /** Parses the arguments and has {@code capture} run the command while System.out goes to a buffer. */
    private static synchronized String capturing(String namesrvAddr, SubCommand command, String[] args, Capture capture)
            throws Exception {
        Options options = command.buildCommandlineOptions(ServerUtil.buildCommandlineOptions(new Options()));
        var commandLine = ServerUtil.parseCmdLine("mqadmin " + command.commandName(), args, options, new PosixParser());
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        // the tool's admin client finds the name server only through this property (as -n sets it in MQAdminStartup)
        System.setProperty("rocketmq.namesrv.addr", namesrvAddr);
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            return capture.apply(() -> command.execute(commandLine, options, null), captured);
        } finally {
            System.setOut(original);
            System.clearProperty("rocketmq.namesrv.addr");
        }
    }
}
