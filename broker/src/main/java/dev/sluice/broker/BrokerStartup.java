package dev.sluice.broker;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.remoting.config.PidFile;
import dev.sluice.remoting.config.PropertiesFile;
import dev.sluice.store.ConfigException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mqbroker [-c file] [-n "host:port;host:port"] [-p | -m] [-h]}: starts a broker that runs until the JVM is told to
 * stop (SIGTERM), then unregisters and shuts down cleanly.
 */
public final class BrokerStartup {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerStartup.class);
    private static final String USAGE = "usage: mqbroker [-c <config file>] [-n <namesrv addresses>] [-p | -m] [-h]\n"
            + "  -c <file>   read settings from a RocketMQ broker properties file\n"
            + "  -n <addrs>  name servers, e.g. \"192.168.0.1:9876;192.168.0.2:9876\" (overrides namesrvAddr)\n"
            + "  -p          print the effective settings and exit\n"
            + "  -m          print the important ones only and exit\n"
            + "  -h          print this help and exit";

    /** The settings RocketMQ 4.9.7 marks important, which its -m prints (those Sluice has). */
    private static final Set<String> IMPORTANT = Set.of("namesrvAddr", "brokerIP1", "brokerName", "brokerClusterName",
            "brokerId", "autoCreateTopicEnable", "autoCreateSubscriptionGroup", "msgTraceTopicName", "traceTopicEnable",
            "rejectTransactionMessage", "fetchNamesrvAddrByAddressServer", "transactionTimeOut", "transactionCheckMax",
            "transactionCheckInterval", "aclEnable", "storePathRootDir", "storePathCommitLog", "flushIntervalCommitLog",
            "commitIntervalCommitLog", "flushCommitLogTimed", "deleteWhen", "fileReservedTime",
            "maxTransferBytesOnMessageInMemory", "maxTransferCountOnMessageInMemory", "maxTransferBytesOnMessageInDisk",
            "maxTransferCountOnMessageInDisk", "accessMessageInMemoryMaxRatio", "messageIndexEnable",
            "messageIndexSafe", "haMasterAddress", "brokerRole", "flushDiskType", "cleanFileForciblyEnable",
            "transientStorePoolEnable");

    private BrokerStartup() {
    }

    public static void main(String[] args) {
        BrokerConfig config;
        try {
            config = configFrom(args, System.out);
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("mqbroker: " + e.getMessage());
            System.err.println(USAGE);
            PidFile.removeIfOurs();
            System.exit(1);
            return;
        }
        if (config == null) {
            return;
        }
        Broker broker = new Broker(config, configFile(args));
        try {
            broker.start();
        } catch (Exception | Error e) { // an Error too, or it reaches only stdout (a fault while recovering the store)
            LOG.error("broker failed to start", e);
            System.err.println("The broker failed to start: " + e);
            broker.close();
            PidFile.removeIfOurs();
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutdown requested, stopping the broker");
            broker.close();
            PidFile.removeIfOurs();
            stopped.countDown();
        }, "broker-shutdown"));
        String namesrv = String.join(";", config.namesrvAddrs());
        System.out.println("The broker[" + config.brokerName() + ", " + broker.address() + "] boot success. serializeType="
                + dev.sluice.remoting.SerializeType.processDefault() + (namesrv.isEmpty() ? "" : " and name server is " + namesrv));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @return the configuration to run with, or null when the arguments asked only for output (-p, -h), which has
     *         then been written to {@code out}
     * @throws IllegalArgumentException for bad arguments or a bad setting (naming the key)
     */
    static BrokerConfig configFrom(String[] args, PrintStream out) throws IOException {
        String namesrv = null;
        boolean print = false;
        boolean importantOnly = false;
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-c" -> file = Path.of(value(args, ++i, "-c needs a file name"));
                case "-n" -> namesrv = value(args, ++i, "-n needs name server addresses");
                case "-p" -> print = true;
                case "-m" -> {
                    print = true;
                    importantOnly = true;
                }
                case "-h" -> {
                    out.println(USAGE);
                    return null;
                }
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        Properties properties = file == null ? new Properties() : PropertiesFile.readStartupFile(file);
        if (namesrv != null) {
            properties.setProperty(BrokerConfig.NAMESRV_ADDR, namesrv);
        }
        List<String> unknown = new ArrayList<>();
        BrokerConfig config;
        try {
            config = BrokerConfig.fromProperties(properties, unknown);
        } catch (ConfigException e) {
            throw new IllegalArgumentException((file == null ? "" : file + ": ") + e.getMessage(), e);
        }
        for (String key : unknown) {
            LOG.warn("ignoring unknown setting {}{}", key, file == null ? "" : " in " + file);
        }
        config.givenWithoutEffect().forEach((key, reason) -> LOG.info("setting {} has no effect in Sluice: {}", key, reason));
        if (print) {
            boolean only = importantOnly;
            config.effectiveSettings().forEach((key, value) -> {
                if (!only || IMPORTANT.contains(key)) {
                    out.println(key + "=" + value);
                }
            });
            return null;
        }
        return config;
    }

    /** The -c file (the last, as configFrom reads it), where updates are saved; null without one. */
    static Path configFile(String[] args) {
        Path file = null;
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("-c")) {
                file = Path.of(args[++i]);
            } else if (args[i].equals("-n")) {
                i++;
            }
        }
        return file;
    }

    private static String value(String[] args, int at, String missing) {
        if (at >= args.length) {
            throw new IllegalArgumentException(missing);
        }
        return args[at];
    }
}
