package dev.sluice.client.testing;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

/** What both kinds of cluster share: ports chosen once, a broker .properties file, and the two child JVMs. */
abstract class ChildJvmCluster implements TestCluster {
    static final String CLUSTER_NAME = "DefaultCluster";
    static final String BROKER_NAME = "broker-a";
    static final Pattern NAMESRV_BOOT = Pattern.compile("The Name Server boot success");
    static final Pattern BROKER_BOOT = Pattern.compile("The broker\\[[^,]+, [0-9.]+:[0-9]+\\] boot success");

    final Path home;
    private final int namesrvPort;
    private final int brokerPort;
    private final Path brokerConfig;
    private ChildJvm namesrv;
    private ChildJvm broker;
    private Properties brokerSettings;
    private ChildJvm slave;
    private int slavePort;

    ChildJvmCluster(Path home) throws IOException {
        this.home = Files.createDirectories(home);
        this.namesrvPort = FreePorts.one();
        this.brokerPort = FreePorts.brokerListenPort();
        this.brokerConfig = home.resolve("broker.properties");
    }

    /**
     * Writes the broker's settings (small files so a test stays light; {@code overrides} win) and starts the name
     * server and the broker, stopping what started if the rest fails.
     */
    final void start(Properties overrides) throws Exception {
        Properties broker = new Properties();
        broker.setProperty("brokerClusterName", CLUSTER_NAME);
        broker.setProperty("brokerName", BROKER_NAME);
        broker.setProperty("brokerId", "0");
        broker.setProperty("brokerIP1", "127.0.0.1");
        broker.setProperty("listenPort", String.valueOf(brokerPort));
        broker.setProperty("haListenPort", String.valueOf(brokerPort + 1));
        broker.setProperty("namesrvAddr", namesrvAddr());
        broker.setProperty("storePathRootDir", home.resolve("store").toString());
        broker.setProperty("storePathCommitLog", home.resolve("store").resolve("commitlog").toString());
        broker.setProperty("mappedFileSizeCommitLog", String.valueOf(16 * 1024 * 1024));
        broker.setProperty("mappedFileSizeConsumeQueue", String.valueOf(3000 * 20));
        broker.setProperty("flushConsumerOffsetInterval", "1000");
        broker.setProperty("autoCreateTopicEnable", "true");
        broker.putAll(ownBrokerSettings());
        broker.putAll(overrides);
        brokerSettings = broker;
        try (Writer out = Files.newBufferedWriter(brokerConfig)) {
            broker.store(out, kind() + " broker started by a test");
        }
        try {
            namesrv = startNamesrv(namesrvPort);
            startBroker();
        } catch (Exception | AssertionError e) {
            close();
            throw e;
        }
    }

    abstract ChildJvm startNamesrv(int port) throws Exception;

    /** Settings only this kind of broker knows. */
    Properties ownBrokerSettings() {
        return new Properties();
    }

    abstract ChildJvm startBroker(Path config) throws Exception;

    static List<String> commonJvmOptions() {
        return List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED");
    }

    @Override
    public final String namesrvAddr() {
        return "127.0.0.1:" + namesrvPort;
    }

    @Override
    public final String clusterName() {
        return CLUSTER_NAME;
    }

    @Override
    public final String brokerName() {
        return BROKER_NAME;
    }

    @Override
    public final String brokerAddr() {
        return "127.0.0.1:" + brokerPort;
    }

    @Override
    public final synchronized void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    @Override
    public final synchronized void killBroker() throws Exception {
        if (broker != null) {
            broker.kill();
            broker = null;
        }
    }

    @Override
    public final synchronized void startBroker() throws Exception {
        if (broker != null) {
            throw new IllegalStateException("the " + kind() + " broker is running");
        }
        broker = startBroker(brokerConfig);
    }

    @Override
    public final synchronized String startSlave() throws Exception {
        if (slave != null) {
            throw new IllegalStateException("the " + kind() + " slave is running");
        }
        if (slavePort == 0) {
            slavePort = FreePorts.brokerListenPort();
        }
        Properties settings = new Properties();
        settings.putAll(brokerSettings);
        settings.setProperty("brokerId", "1");
        settings.setProperty("brokerRole", "SLAVE");
        settings.setProperty("listenPort", String.valueOf(slavePort));
        settings.setProperty("haListenPort", String.valueOf(slavePort + 1));
        settings.setProperty("storePathRootDir", home.resolve("store-slave").toString());
        settings.setProperty("storePathCommitLog", home.resolve("store-slave").resolve("commitlog").toString());
        Path config = home.resolve("broker-slave.properties");
        try (Writer out = Files.newBufferedWriter(config)) {
            settings.store(out, kind() + " slave started by a test");
        }
        slave = startBroker(config);
        return "127.0.0.1:" + slavePort;
    }

    @Override
    public final synchronized void close() throws Exception {
        try {
            if (slave != null) {
                slave.close();
                slave = null;
            }
            stopBroker();
        } finally {
            if (namesrv != null) {
                namesrv.close();
                namesrv = null;
            }
        }
    }

    @Override
    public String toString() {
        return kind();
    }
}
