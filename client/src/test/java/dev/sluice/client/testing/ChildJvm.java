package dev.sluice.client.testing;

import dev.sluice.testing.ProcessOutput;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A server started as {@code java <options> -cp <this JVM's classpath, filtered> main args}. */
final class ChildJvm implements AutoCloseable {
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final String what;

    private ChildJvm(Process process, String what) {
        this.process = process;
        this.what = what;
    }

    /**
     * Starts the JVM and waits until a line of its output matches {@code bootLine}; if it exits or the deadline
     * passes first, it is stopped and the failure names what it printed.
     */
    static ChildJvm start(String what, List<String> jvmOptions, Predicate<String> keepOnClasspath, String mainClass,
            List<String> args, Pattern bootLine) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath(keepOnClasspath));
        command.add(mainClass);
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ChildJvm jvm = new ChildJvm(process, what);
        ProcessOutput output = ProcessOutput.follow(process);
        try {
            output.awaitLine(bootLine, BOOT_TIMEOUT);
        } catch (AssertionError | InterruptedException e) {
            jvm.kill();
            throw new AssertionError(what + " did not boot (exit " + (process.isAlive() ? "-" : process.exitValue())
                    + ")", e);
        }
        return jvm;
    }

    private static String classpath(Predicate<String> keep) {
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(keep)
                .collect(Collectors.joining(File.pathSeparator));
    }

    static boolean isNamed(String entry, String prefix) {
        return Path.of(entry).getFileName().toString().startsWith(prefix);
    }

    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError(what + " survived SIGKILL for " + STOP_TIMEOUT);
        }
    }

    /** SIGTERM, and SIGKILL if the shutdown hooks take longer than the deadline. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            kill();
        }
    }
}
