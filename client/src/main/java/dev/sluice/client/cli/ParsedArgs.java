package dev.sluice.client.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The options given to one command, with typed access that turns a bad value into a {@link UsageException}. */
final class ParsedArgs {
    private final Map<String, String> values;

    private ParsedArgs(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Parses {@code args} against {@code options}: every argument must be a known option, values must follow the
     * options that take one, and every required option must be present.
     */
    static ParsedArgs parse(List<Option> options, List<String> args) throws UsageException {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            Option option = find(options, arg);
            if (option == null) {
                throw new UsageException(arg.startsWith("-") ? "unknown option " + arg : "unexpected argument '" + arg + "'");
            }
            String value = "true";
            if (option.takesValue()) {
                if (i + 1 >= args.size()) {
                    throw new UsageException("option -" + option.letter() + " (--" + option.name() + ") needs a value");
                }
                value = args.get(++i);
            }
            if (values.put(option.name(), value) != null) {
                throw new UsageException("option -" + option.letter() + " (--" + option.name() + ") given twice");
            }
        }
        for (Option option : options) {
            if (option.required() && !values.containsKey(option.name())) {
                throw new UsageException("missing required option -" + option.letter() + " (--" + option.name() + ")");
            }
        }
        return new ParsedArgs(values);
    }

    private static Option find(List<Option> options, String arg) {
        for (Option option : options) {
            if (arg.equals("-" + option.letter()) || arg.equals("--" + option.name())) {
                return option;
            }
        }
        return null;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    /** The value, or null when the option was not given. */
    String get(String name) {
        return values.get(name);
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int getInt(String name, int fallback) throws UsageException {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be an integer, not '" + value + "'");
        }
    }

    long getLong(String name, long fallback) throws UsageException {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be an integer, not '" + value + "'");
        }
    }

    boolean getBoolean(String name, boolean fallback) throws UsageException {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new UsageException("--" + name + " must be true or false, not '" + value + "'");
        };
    }
}
