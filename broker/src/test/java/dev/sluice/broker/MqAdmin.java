package dev.sluice.broker;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.PosixParser;
import org.apache.rocketmq.srvutil.ServerUtil;
import org.apache.rocketmq.tools.command.SubCommand;

/**
 * Runs an official 4.9.7 mqadmin sub-command in this JVM and returns what it printed. MQAdminStartup.main0 is not
 * used: it insists on configuring logback from ROCKETMQ_HOME; the command is parsed and executed the way it does.
 * The name server is the one in the {@code rocketmq.namesrv.addr} property, as mqadmin's -n option leaves it.
 */
final class MqAdmin {
    private MqAdmin() {
    }

    static String run(SubCommand command, String... args) throws Exception {
        Options options = command.buildCommandlineOptions(ServerUtil.buildCommandlineOptions(new Options()));
        var commandLine = ServerUtil.parseCmdLine("mqadmin " + command.commandName(), args, options, new PosixParser());
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            command.execute(commandLine, options, null);
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** The output's non-blank lines, trimmed. */
    static List<String> lines(String output) {
        return Arrays.stream(output.split("\\R")).map(String::trim).filter(line -> !line.isEmpty()).toList();
    }
}
