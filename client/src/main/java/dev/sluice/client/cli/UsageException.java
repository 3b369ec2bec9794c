package dev.sluice.client.cli;

/** The command line itself is wrong: the message says how, in one line. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}
