package dev.sluice.client.cli;

import dev.sluice.client.ClientException;
import dev.sluice.client.admin.Admin;
import dev.sluice.client.internal.NameServerList;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code mqadmin <command> [-n <namesrvAddr>] [options]}: RocketMQ's admin commands against Sluice or Apache
 * RocketMQ clusters. Exit status 0 on success, 1 when the command failed, 2 when the command line is wrong; a
 * failure is reported as one line on standard error.
 */
public final class MqAdmin {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private static final List<Command> COMMANDS = Stream.of(ClusterCommands.all(), TopicCommands.all(),
            GroupCommands.all(), MessageCommands.all(), ProbeCommands.all()).flatMap(List::stream).toList();

    private MqAdmin() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err, System.getenv());
        System.out.flush();
        System.exit(status);
    }

    /** Runs one command line; {@code env} supplies NAMESRV_ADDR when {@code -n} is not given. */
    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        if (args.length == 0) {
            err.println("mqadmin: no command given; run 'mqadmin help' for the list");
            return USAGE;
        }
        String name = args[0];
        if (name.equals("help") || name.equals("-h") || name.equals("--help")) {
            if (args.length > 1) {
                Command command = find(args[1]);
                if (command == null) {
                    err.println("mqadmin: unknown command '" + args[1] + "'; run 'mqadmin help' for the list");
                    return USAGE;
                }
                out.print(command.usage());
            } else {
                out.print(overview());
            }
            return OK;
        }
        Command command = find(name);
        if (command == null) {
            err.println("mqadmin: unknown command '" + name + "'; run 'mqadmin help' for the list");
            return USAGE;
        }
        List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
        if (rest.contains("-h") || rest.contains("--help")) {
            out.print(command.usage());
            return OK;
        }
        String namesrv;
        ParsedArgs parsed;
        try {
            namesrv = takeNameServer(rest, env);
            parsed = ParsedArgs.parse(command.options(), rest);
        } catch (UsageException e) {
            err.println("mqadmin " + name + ": " + e.getMessage() + "; see 'mqadmin " + name + " -h'");
            return USAGE;
        }
        List<String> nameServers;
        try {
            nameServers = namesrv == null ? List.of() : NameServerList.parse(namesrv);
        } catch (IllegalArgumentException e) {
            err.println("mqadmin " + name + ": " + e.getMessage());
            return USAGE;
        }
        try (Admin admin = Admin.connect(nameServers, Admin.DEFAULT_TIMEOUT_MILLIS)) {
            command.action().run(parsed, admin, out);
            return OK;
        } catch (UsageException e) {
            err.println("mqadmin " + name + ": " + e.getMessage() + "; see 'mqadmin " + name + " -h'");
            return USAGE;
        } catch (ClientException e) {
            err.println("mqadmin " + name + ": " + oneLine(e.getMessage()));
            return FAILED;
        } catch (Exception e) {
            err.println("mqadmin " + name + ": " + oneLine(e.getMessage() == null ? e.toString() : e.getMessage()));
            return FAILED;
        }
    }

    /** Removes {@code -n <addr>} from the arguments; falls back to the system property, then NAMESRV_ADDR. */
    private static String takeNameServer(List<String> args, Map<String, String> env) throws UsageException {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("-n") || args.get(i).equals("--namesrvAddr")) {
                if (i + 1 >= args.size()) {
                    throw new UsageException("option -n (--namesrvAddr) needs a value");
                }
                String value = args.get(i + 1);
                args.subList(i, i + 2).clear();
                return value;
            }
        }
        String property = System.getProperty(NameServerList.SYSTEM_PROPERTY);
        if (property != null && !property.isBlank()) {
            return property;
        }
        String fromEnv = env.get(NameServerList.ENVIRONMENT_VARIABLE);
        return fromEnv == null || fromEnv.isBlank() ? null : fromEnv;
    }

    private static Command find(String name) {
        for (Command command : COMMANDS) {
            if (command.name().equals(name)) {
                return command;
            }
        }
        return null;
    }

    static String overview() {
        StringBuilder text = new StringBuilder("usage: mqadmin <command> [-n <namesrvAddr>] [options]\n"
                + "The name servers come from -n, else the NAMESRV_ADDR environment variable.\n"
                + "'mqadmin <command> -h' describes a command's options.\n\nCommands:\n");
        for (Command command : COMMANDS) {
            text.append(String.format("   %-22s %s%n", command.name(), command.description()));
        }
        return text.toString();
    }

    private static String oneLine(String message) {
        return message == null ? "failed" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
