package dev.sluice.namesrv;

import dev.sluice.remoting.RemotingServerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Name server settings. Property names are RocketMQ's where RocketMQ has one, so existing namesrv.properties
 * files keep working; as in RocketMQ, unknown keys are ignored (and reported by {@link #apply}).
 */
public final class NamesrvConfig {
    static final String ORDER_TOPIC_NAMESPACE = "ORDER_TOPIC_CONFIG";

    private String bindAddress = "0.0.0.0";
    private int listenPort = 9876;
    private String kvConfigPath = Path.of(System.getProperty("user.home"), "namesrv", "kvConfig.json").toString();
    private boolean orderMessageEnable;
    private long scanNotActiveBrokerInterval = 10_000;
    private long brokerChannelExpiredTime = 120_000;
    private int serverSelectorThreads = 3;
    private int serverWorkerThreads = 8;
    private int serverChannelMaxIdleTimeSeconds = 120;
    private int maxFrameLength = RemotingServerConfig.DEFAULT_MAX_FRAME_LENGTH;

    private record Setting(String name, Function<NamesrvConfig, Object> getter, BiConsumer<NamesrvConfig, String> setter) {
    }

    private static final List<Setting> SETTINGS = List.of(
            new Setting("bindAddress", c -> c.bindAddress, (c, v) -> c.bindAddress = v),
            new Setting("listenPort", c -> c.listenPort, (c, v) -> c.listenPort = Integer.parseInt(v)),
            new Setting("kvConfigPath", c -> c.kvConfigPath, (c, v) -> c.kvConfigPath = v),
            new Setting("orderMessageEnable", c -> c.orderMessageEnable, (c, v) -> c.orderMessageEnable = Boolean.parseBoolean(v)),
            new Setting("scanNotActiveBrokerInterval", c -> c.scanNotActiveBrokerInterval,
                    (c, v) -> c.scanNotActiveBrokerInterval = Long.parseLong(v)),
            new Setting("brokerChannelExpiredTime", c -> c.brokerChannelExpiredTime,
                    (c, v) -> c.brokerChannelExpiredTime = Long.parseLong(v)),
            new Setting("serverSelectorThreads", c -> c.serverSelectorThreads, (c, v) -> c.serverSelectorThreads = Integer.parseInt(v)),
            new Setting("serverWorkerThreads", c -> c.serverWorkerThreads, (c, v) -> c.serverWorkerThreads = Integer.parseInt(v)),
            new Setting("serverChannelMaxIdleTimeSeconds", c -> c.serverChannelMaxIdleTimeSeconds,
                    (c, v) -> c.serverChannelMaxIdleTimeSeconds = Integer.parseInt(v)),
            new Setting("maxFrameLength", c -> c.maxFrameLength, (c, v) -> c.maxFrameLength = Integer.parseInt(v)));

    /**
     * Applies every known key of {@code properties}.
     *
     * @return the keys that were not recognised
     * @throws IllegalArgumentException naming the key whose value cannot be parsed
     */
    public List<String> apply(Properties properties) {
        List<String> unknown = new ArrayList<>();
        for (String key : properties.stringPropertyNames()) {
            Setting setting = SETTINGS.stream().filter(s -> s.name.equals(key)).findFirst().orElse(null);
            if (setting == null) {
                unknown.add(key);
                continue;
            }
            String value = properties.getProperty(key).trim();
            try {
                setting.setter.accept(this, value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad value for " + key + ": " + value, e);
            }
        }
        return unknown;
    }

    /** Every setting with its effective value, in a stable order. */
    public Map<String, String> effectiveSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        SETTINGS.forEach(s -> settings.put(s.name, String.valueOf(s.getter.apply(this))));
        return settings;
    }

    public String bindAddress() {
        return bindAddress;
    }

    public int listenPort() {
        return listenPort;
    }

    public NamesrvConfig listenPort(int listenPort) {
        this.listenPort = listenPort;
        return this;
    }

    public NamesrvConfig bindAddress(String bindAddress) {
        this.bindAddress = bindAddress;
        return this;
    }

    public Path kvConfigPath() {
        return Path.of(kvConfigPath);
    }

    public NamesrvConfig kvConfigPath(Path path) {
        this.kvConfigPath = path.toString();
        return this;
    }

    public boolean orderMessageEnable() {
        return orderMessageEnable;
    }

    public NamesrvConfig orderMessageEnable(boolean enable) {
        this.orderMessageEnable = enable;
        return this;
    }

    public long scanNotActiveBrokerInterval() {
        return scanNotActiveBrokerInterval;
    }

    public NamesrvConfig scanNotActiveBrokerInterval(long millis) {
        this.scanNotActiveBrokerInterval = millis;
        return this;
    }

    public long brokerChannelExpiredTime() {
        return brokerChannelExpiredTime;
    }

    public NamesrvConfig brokerChannelExpiredTime(long millis) {
        this.brokerChannelExpiredTime = millis;
        return this;
    }

    public int serverWorkerThreads() {
        return serverWorkerThreads;
    }

    RemotingServerConfig remotingServerConfig() {
        return new RemotingServerConfig()
                .bindAddress(bindAddress)
                .listenPort(listenPort)
                .ioThreads(serverSelectorThreads)
                .maxIdleSeconds(serverChannelMaxIdleTimeSeconds)
                .maxFrameLength(maxFrameLength);
    }
}
