package dev.sluice.client.testing;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * An Apache RocketMQ 4.9.7 name server and broker (the Maven Central artifacts on the test classpath), each in its
 * own JVM. Their home ({@code rocketmq.home.dir}, and {@code user.home} so nothing lands in the real home) is the
 * cluster's directory.
 */
public final class ApacheCluster extends ChildJvmCluster {
    /** Apache's startup classes configure logback themselves from {@code <home>/conf}: warnings to the console. */
    private static final String LOGBACK = """
            <configuration>
              <appender name="console" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
              </appender>
              <root level="WARN"><appender-ref ref="console"/></root>
            </configuration>
            """;

    private ApacheCluster(Path home) throws IOException {
        super(home);
    }

    /** Starts both; {@code brokerOverrides} are broker .properties settings that replace the test defaults. */
    public static ApacheCluster start(Path home, Properties brokerOverrides) throws Exception {
        ApacheCluster cluster = new ApacheCluster(home);
        Path conf = Files.createDirectories(home.resolve("conf"));
        for (String name : List.of("logback_namesrv.xml", "logback_broker.xml", "logback_tools.xml")) {
            Files.writeString(conf.resolve(name), LOGBACK);
        }
        cluster.start(brokerOverrides);
        return cluster;
    }

    @Override
    public String kind() {
        return "Apache";
    }

    @Override
    ChildJvm startNamesrv(int port) throws Exception {
        Properties settings = new Properties();
        settings.setProperty("listenPort", String.valueOf(port));
        settings.setProperty("kvConfigPath", home.resolve("namesrv").resolve("kvConfig.json").toString());
        settings.setProperty("configStorePath", home.resolve("namesrv").resolve("namesrv.properties").toString());
        Path config = home.resolve("namesrv.properties");
        try (Writer out = Files.newBufferedWriter(config)) {
            settings.store(out, "Apache name server started by a test");
        }
        return ChildJvm.start("the Apache name server", jvmOptions(), ApacheCluster::keep,
                "org.apache.rocketmq.namesrv.NamesrvStartup", List.of("-c", config.toString()), NAMESRV_BOOT);
    }

    @Override
    ChildJvm startBroker(Path config) throws Exception {
        return ChildJvm.start("the Apache broker", jvmOptions(), ApacheCluster::keep,
                "org.apache.rocketmq.broker.BrokerStartup", List.of("-c", config.toString()), BROKER_BOOT);
    }

    private List<String> jvmOptions() {
        List<String> options = new ArrayList<>(commonJvmOptions());
        // 4.9.7 unmaps files through jdk.internal.ref.Cleaner and reflects into NIO buffers
        options.addAll(List.of("--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED"));
        options.add("-Drocketmq.home.dir=" + home);
        options.add("-Duser.home=" + home);
        options.add("-Drocketmq.client.logUseSlf4j=true");
        // Its default "permissive" TLS makes each server write a self-signed certificate into /tmp and leave it there.
        options.add("-Dtls.server.mode=disabled");
        return options;
    }

    /** Logback is the backend Apache's startup classes insist on; Sluice's own classes are not needed. */
    private static boolean keep(String entry) {
        return !ChildJvm.isNamed(entry, "slf4j-simple") && !isReactorModule(entry);
    }

    private static boolean isReactorModule(String entry) {
        return entry.endsWith("/target/classes") || entry.endsWith("/target/test-classes")
                || ChildJvm.isNamed(entry, "sluice-");
    }
}
