package dev.sluice.namesrv;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.PosixParser;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.srvutil.ServerUtil;
import org.apache.rocketmq.tools.command.SubCommand;

/**
 * Runs an official mqadmin sub-command in-process and returns what it printed. MQAdminStartup.main0 itself is not
 * used: it insists on configuring logback from ROCKETMQ_HOME; the command is parsed and executed the same way it does.
 */
final class MqAdmin {
    private MqAdmin() {
    }

    static String run(SubCommand command, String... args) throws Exception {
        Options options = command.buildCommandlineOptions(ServerUtil.buildCommandlineOptions(new Options()));
        var commandLine = ServerUtil.parseCmdLine("mqadmin " + command.commandName(), args, options, new PosixParser());
        String namesrvAddr = System.getProperty(MixAll.NAMESRV_ADDR_PROPERTY);
        // mqadmin passes -n on this way; a client left without an address would look one up on the internet.
        if (commandLine.hasOption('n')) {
            System.setProperty(MixAll.NAMESRV_ADDR_PROPERTY, commandLine.getOptionValue('n'));
        }
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            command.execute(commandLine, options, null);
        } finally {
            System.setOut(original);
            if (namesrvAddr == null) {
                System.clearProperty(MixAll.NAMESRV_ADDR_PROPERTY);
            } else {
                System.setProperty(MixAll.NAMESRV_ADDR_PROPERTY, namesrvAddr);
            }
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
