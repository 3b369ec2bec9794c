package dev.sluice.client.cli;

import dev.sluice.client.admin.Admin;
import java.io.PrintStream;
import java.util.List;

/** One mqadmin sub-command: its name, options, and what it does with an {@link Admin}. */
record Command(String name, String description, List<Option> options, Action action) {
    /** Runs the command; output goes to {@code out}, failures are thrown (the caller prints one line). */
    @FunctionalInterface
    interface Action {
        void run(ParsedArgs args, Admin admin, PrintStream out) throws Exception;
    }

    String usage() {
        StringBuilder text = new StringBuilder("usage: mqadmin ").append(name).append(" [-n <namesrvAddr>]");
        for (Option option : options) {
            text.append(' ').append(option.usage());
        }
        text.append('\n').append(description).append('\n');
        text.append(String.format(" %-28s %s%n", "-h, --help", "print this help"));
        text.append(String.format(" %-28s %s%n", "-n, --namesrvAddr <addr>",
                "name servers, e.g. '192.168.0.1:9876;192.168.0.2:9876' (else NAMESRV_ADDR)"));
        for (Option option : options) {
            String names = "-" + option.letter() + ", --" + option.name()
                    + (option.takesValue() ? " <" + option.valueName() + ">" : "");
            text.append(String.format(" %-28s %s%n", names, option.description()));
        }
        return text.toString();
    }
}
