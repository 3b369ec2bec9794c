package dev.sluice.broker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A broker in its own JVM ({@code BrokerStartup -c file}), so a test can kill it with SIGKILL. */
final class BrokerProcess implements AutoCloseable {
    private static final Pattern BOOT = Pattern.compile("The broker\\[[^,]+, ([0-9.]+:[0-9]+)\\] boot success");

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final String address;

    BrokerProcess(Path configFile, Properties properties) throws Exception {
        try (var out = Files.newBufferedWriter(configFile)) {
            properties.store(out, "broker started by a test");
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        process = new ProcessBuilder(List.of(java.toString(), "-Xmx256m",
                "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), BrokerStartup.class.getName(), "-c", configFile.toString()))
                .redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
            } catch (IOException e) {
                lines.add("output reader failed: " + e);
            }
        }, "broker-process-output");
        reader.setDaemon(true);
        reader.start();
        address = awaitBoot();
    }

    private String awaitBoot() throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < end) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                seen.append(line).append('\n');
                Matcher boot = BOOT.matcher(line);
                if (boot.find()) {
                    return boot.group(1);
                }
            }
            if (line == null && !process.isAlive()) {
                break;
            }
        }
        close();
        throw new AssertionError("the broker process did not boot; its output:\n" + seen);
    }

    /** SIGKILL: no shutdown hook, no unregistration, store left as after a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
