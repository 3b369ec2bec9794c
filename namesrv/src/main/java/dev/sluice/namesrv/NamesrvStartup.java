package dev.sluice.namesrv;

import dev.sluice.remoting.SerializeType;
import dev.sluice.remoting.config.PidFile;
import dev.sluice.remoting.config.PropertiesFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code mqnamesrv [-c file] [-p] [-h]}: starts a name server that runs until the JVM is told to stop (SIGTERM). */
public final class NamesrvStartup {
    private static final Logger LOG = LoggerFactory.getLogger(NamesrvStartup.class);
    private static final String USAGE = "usage: mqnamesrv [-c <config file>] [-p] [-h]\n"
            + "  -c <file>  read settings from a properties file (listenPort, kvConfigPath, ...)\n"
            + "  -p         print the effective settings and exit\n"
            + "  -h         print this help and exit";

    private NamesrvStartup() {
    }

    public static void main(String[] args) {
        NamesrvConfig config;
        try {
            config = configFrom(args, System.out);
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("mqnamesrv: " + e.getMessage());
            System.err.println(USAGE);
            PidFile.removeIfOurs();
            System.exit(1);
            return;
        }
        if (config == null) {
            return;
        }
        NamesrvController controller = new NamesrvController(config, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            controller.start();
        } catch (Exception e) {
            LOG.error("name server failed to start", e);
            System.err.println("The Name Server failed to start: " + e);
            controller.close();
            PidFile.removeIfOurs();
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutdown requested, stopping the name server");
            controller.close();
            PidFile.removeIfOurs();
            stopped.countDown();
        }, "namesrv-shutdown"));
        System.out.println("The Name Server boot success. serializeType=" + SerializeType.processDefault()
                + ", listenPort=" + controller.port());
        // Network threads are daemons: this thread keeps the JVM alive until the shutdown hook has run.
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @return the configuration to run with, or null when the arguments asked only for output (-p, -h),
     *         which has then been written to {@code out}
     */
    static NamesrvConfig configFrom(String[] args, PrintStream out) throws IOException {
        NamesrvConfig config = new NamesrvConfig();
        boolean print = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-c" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("-c needs a file name");
                    }
                    load(config, Path.of(args[++i]));
                }
                case "-p" -> print = true;
                case "-h" -> {
                    out.println(USAGE);
                    return null;
                }
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (print) {
            config.effectiveSettings().forEach((key, value) -> out.println(key + "=" + value));
            return null;
        }
        return config;
    }

    private static void load(NamesrvConfig config, Path file) throws IOException {
        List<String> unknown = config.apply(PropertiesFile.readStartupFile(file));
        if (!unknown.isEmpty()) {
            LOG.warn("ignoring unknown settings in {}: {}", file, unknown);
        }
        // As in RocketMQ the file wins over a configStorePath inside it: updates must land where the next start reads.
        config.configStorePath(file.toAbsolutePath());
        config.startedFromConfigStore(true);
        LOG.info("loaded settings from {}", file);
    }
}
