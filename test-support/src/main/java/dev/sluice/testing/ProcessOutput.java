package dev.sluice.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process's output, read line by line on a daemon thread, so a test can wait for a line with a
 * deadline and still read what came before it.
 */
public final class ProcessOutput {
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder seen = new StringBuilder();

    private ProcessOutput() {
    }

    /** Starts reading {@code process}'s standard output (merge stderr into it to see both). */
    public static ProcessOutput follow(Process process) {
        ProcessOutput output = new ProcessOutput();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                in.lines().forEach(output.lines::add);
            } catch (IOException | UncheckedIOException e) {
                // destroying the process closes its stream under the reader: nothing more to read
                output.lines.add("reader stopped: " + e);
            }
        }, "process-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        return output;
    }

    /** Waits for a line containing {@code fragment}. */
    public void awaitLine(String fragment, Duration timeout) throws InterruptedException {
        awaitLine(Pattern.compile(Pattern.quote(fragment)), timeout);
    }

    /** Waits for a line matching {@code pattern}; returns the match so callers can read its groups. */
    public Matcher awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line == null) {
                continue;
            }
            seen.append(line).append('\n');
            Matcher matcher = pattern.matcher(line);
            if (matcher.find()) {
                return matcher;
            }
        }
        throw new AssertionError("no line matching " + pattern + " within " + timeout + "; output was:\n" + seen);
    }
}
