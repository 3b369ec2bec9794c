package dev.sluice.client.cli;

/**
 * A command-line option: {@code -t value} or {@code --topic value}; a flag takes no value.
 *
 * @param letter      the short name, used as {@code -letter}
 * @param name        the long name, used as {@code --name}
 * @param valueName   what the value is, for the help; null for a flag
 */
record Option(String letter, String name, String valueName, boolean required, String description) {
    static Option required(String letter, String name, String valueName, String description) {
        return new Option(letter, name, valueName, true, description);
    }

    static Option optional(String letter, String name, String valueName, String description) {
        return new Option(letter, name, valueName, false, description);
    }

    static Option flag(String letter, String name, String description) {
        return new Option(letter, name, null, false, description);
    }

    boolean takesValue() {
        return valueName != null;
    }

    String usage() {
        String text = "-" + letter + (takesValue() ? " <" + valueName + ">" : "");
        return required ? text : "[" + text + "]";
    }
}
