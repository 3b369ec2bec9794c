package dev.sluice.client.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import dev.sluice.testing.Deadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** One mqadmin command line run in this JVM: its exit status and what it printed. */
record CliRun(int status, String out, String err) {
    static CliRun of(String... args) {
        return withEnv(Map.of(), args);
    }

    static CliRun withEnv(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = MqAdmin.run(args, o, e, env);
        }
        return new CliRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * Runs a command that goes on until interrupted (clusterRT) until its output satisfies {@code enough}, then
     * interrupts it; fails unless it then ends with status 0.
     */
    static CliRun until(Predicate<String> enough, Duration limit, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int[] status = {-1};
        Thread runner = new Thread(() -> {
            try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                 PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                status[0] = MqAdmin.run(args, o, e, Map.of());
            }
        }, "mqadmin-" + args[0]);
        runner.start();
        String printed = waitFor(runner, out, enough, limit);
        return new CliRun(status[0], printed, err.toString(StandardCharsets.UTF_8)).ok();
    }

    /** Polls the output until it is enough (or the runner ended), interrupts the runner and waits for it to end. */
    static String waitFor(Thread runner, ByteArrayOutputStream out, Predicate<String> enough, Duration limit)
            throws Exception {
        try {
            Deadline.await(runner.getName() + " printed enough", limit,
                    () -> enough.test(out.toString(StandardCharsets.UTF_8)) || !runner.isAlive());
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; it printed:\n" + out.toString(StandardCharsets.UTF_8), e);
        } finally {
            // again and again: an interrupt that lands inside a send may be swallowed as a failed send
            long end = System.nanoTime() + limit.toNanos();
            while (runner.isAlive() && System.nanoTime() < end) {
                runner.interrupt();
                runner.join(100);
            }
        }
        if (runner.isAlive()) {
            throw new AssertionError(runner.getName() + " did not end when interrupted");
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Fails with everything printed unless the command succeeded. */
    CliRun ok() {
        if (status != 0) {
            throw new AssertionError("mqadmin exited " + status + "\nstdout:\n" + out + "\nstderr:\n" + err);
        }
        return this;
    }

    /** Output lines that are not headers (headers start with '#') nor blank, split on whitespace. */
    List<String[]> rows() {
        List<String[]> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                rows.add(line.trim().split("\\s+"));
            }
        }
        return rows;
    }
}
