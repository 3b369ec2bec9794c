package dev.sluice.client.testing;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/** A Sluice name server and broker, each in its own JVM running this build's classes. */
public final class SluiceCluster extends ChildJvmCluster {
    private SluiceCluster(Path home) throws IOException {
        super(home);
    }

    /** Starts both; {@code brokerOverrides} are broker .properties settings that replace the test defaults. */
    public static SluiceCluster start(Path home, Properties brokerOverrides) throws Exception {
        SluiceCluster cluster = new SluiceCluster(home);
        cluster.start(brokerOverrides);
        return cluster;
    }

    @Override
    public String kind() {
        return "Sluice";
    }

    @Override
    ChildJvm startNamesrv(int port) throws Exception {
        Properties settings = new Properties();
        settings.setProperty("bindAddress", "127.0.0.1");
        settings.setProperty("listenPort", String.valueOf(port));
        settings.setProperty("kvConfigPath", home.resolve("namesrv").resolve("kvConfig.json").toString());
        Path config = home.resolve("namesrv.properties");
        try (Writer out = Files.newBufferedWriter(config)) {
            settings.store(out, "name server started by a test");
        }
        return ChildJvm.start("the Sluice name server", commonJvmOptions(), SluiceCluster::keep,
                "dev.sluice.namesrv.NamesrvStartup", List.of("-c", config.toString()), NAMESRV_BOOT);
    }

    @Override
    Properties ownBrokerSettings() {
        // Sluice's own setting: Apache 4.9.7 has none and always binds every interface
        Properties settings = new Properties();
        settings.setProperty("bindAddress", "127.0.0.1");
        return settings;
    }

    @Override
    ChildJvm startBroker(Path config) throws Exception {
        return ChildJvm.start("the Sluice broker", commonJvmOptions(), SluiceCluster::keep,
                "dev.sluice.broker.BrokerStartup", List.of("-c", config.toString()), BROKER_BOOT);
    }

    /** slf4j-simple is the servers' backend here; the Apache jars are not needed. */
    private static boolean keep(String entry) {
        return !ChildJvm.isNamed(entry, "logback-") && !ChildJvm.isNamed(entry, "rocketmq-");
    }
}
