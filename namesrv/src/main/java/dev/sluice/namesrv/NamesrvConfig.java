package dev.sluice.namesrv;

import dev.sluice.remoting.RemotingServerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private String configStorePath = Path.of(System.getProperty("user.home"), "namesrv", "namesrv.properties").toString();
    // Read by request and scan threads without a lock: UPDATE_NAMESRV_CONFIG changes these while the server runs.
    private volatile boolean orderMessageEnable;
    private volatile long brokerChannelExpiredTime = 120_000;
    private long scanNotActiveBrokerInterval = 10_000;
    private int serverSelectorThreads = 3;
    private int serverWorkerThreads = 8;
    private int serverChannelMaxIdleTimeSeconds = 120;
    private int maxFrameLength = RemotingServerConfig.DEFAULT_MAX_FRAME_LENGTH;
    private int serverSocketBacklog = 1024;
    private int serverSocketSndBufSize;
    private int serverSocketRcvBufSize;
    private int writeBufferLowWaterMark;
    private int writeBufferHighWaterMark;
    private boolean serverPooledByteBufAllocatorEnable = true;
    /** RocketMQ's default is false (NIO); Sluice uses epoll where the platform has it unless told not to. */
    private boolean useEpollNativeSelector = true;
    /** RocketMQ names the environment for its cluster test mode only; without that mode it changes nothing there either. */
    private volatile String productEnvName = "center";
    private boolean startedFromConfigStore;
    // RocketMQ keys without effect here (its remoting's callback pool and caps on the server's own calls out, its
    // home directory): read and reported with 4.9.7's defaults, so its files and tools find them.
    private int serverCallbackExecutorThreads;
    private int serverOnewaySemaphoreValue = 256;
    private int serverAsyncSemaphoreValue = 64;
    private String rocketmqHome = System.getProperty("rocketmq.home.dir", System.getenv().getOrDefault("ROCKETMQ_HOME", ""));

    /** Whether UPDATE_NAMESRV_CONFIG may change a setting while the name server runs. */
    enum Change {
        /** Read at every use, so a new value applies at once. */
        RUNTIME,
        /** Fixed into sockets, thread pools or schedules at start: only a restart with an edited file changes it. */
        RESTART,
        /**
         * A file path: letting any client point the server at a file of its choosing would let it write anywhere
         * (RocketMQ 4.9.7 refuses these too).
         */
        NEVER
    }

    private record Setting(String name, Change change, Function<NamesrvConfig, Object> getter,
            BiConsumer<NamesrvConfig, String> setter) {
    }

    private static final List<Setting> SETTINGS = List.of(
            new Setting("bindAddress", Change.RESTART, c -> c.bindAddress, (c, v) -> c.bindAddress = v),
            new Setting("listenPort", Change.RESTART, c -> c.listenPort, (c, v) -> c.listenPort = intIn(v, 0, 65_535)),
            new Setting("kvConfigPath", Change.NEVER, c -> c.kvConfigPath, (c, v) -> c.kvConfigPath = v),
            new Setting("configStorePath", Change.NEVER, c -> c.configStorePath, (c, v) -> c.configStorePath = v),
            new Setting("orderMessageEnable", Change.RUNTIME, c -> c.orderMessageEnable,
                    (c, v) -> c.orderMessageEnable = strictBoolean(v)),
            new Setting("scanNotActiveBrokerInterval", Change.RESTART, c -> c.scanNotActiveBrokerInterval,
                    (c, v) -> c.scanNotActiveBrokerInterval = longAtLeast(v, 1)),
            new Setting("brokerChannelExpiredTime", Change.RUNTIME, c -> c.brokerChannelExpiredTime,
                    (c, v) -> c.brokerChannelExpiredTime = longAtLeast(v, 1)),
            new Setting("serverSelectorThreads", Change.RESTART, c -> c.serverSelectorThreads,
                    (c, v) -> c.serverSelectorThreads = intIn(v, 1, Integer.MAX_VALUE)),
            new Setting("serverWorkerThreads", Change.RESTART, c -> c.serverWorkerThreads,
                    (c, v) -> c.serverWorkerThreads = intIn(v, 1, Integer.MAX_VALUE)),
            new Setting("serverChannelMaxIdleTimeSeconds", Change.RESTART, c -> c.serverChannelMaxIdleTimeSeconds,
                    (c, v) -> c.serverChannelMaxIdleTimeSeconds = intIn(v, 0, Integer.MAX_VALUE)),
            new Setting("maxFrameLength", Change.RESTART, c -> c.maxFrameLength,
                    (c, v) -> c.maxFrameLength = intIn(v, 1, Integer.MAX_VALUE)),
            new Setting("serverSocketBacklog", Change.RESTART, c -> c.serverSocketBacklog,
                    (c, v) -> c.serverSocketBacklog = intIn(v, 1, Integer.MAX_VALUE)),
            new Setting("serverSocketSndBufSize", Change.RESTART, c -> c.serverSocketSndBufSize,
                    (c, v) -> c.serverSocketSndBufSize = intIn(v, 0, Integer.MAX_VALUE)),
            new Setting("serverSocketRcvBufSize", Change.RESTART, c -> c.serverSocketRcvBufSize,
                    (c, v) -> c.serverSocketRcvBufSize = intIn(v, 0, Integer.MAX_VALUE)),
            new Setting("writeBufferLowWaterMark", Change.RESTART, c -> c.writeBufferLowWaterMark,
                    (c, v) -> c.writeBufferLowWaterMark = intIn(v, 0, Integer.MAX_VALUE)),
            new Setting("writeBufferHighWaterMark", Change.RESTART, c -> c.writeBufferHighWaterMark,
                    (c, v) -> c.writeBufferHighWaterMark = intIn(v, 0, Integer.MAX_VALUE)),
            new Setting("serverPooledByteBufAllocatorEnable", Change.RESTART, c -> c.serverPooledByteBufAllocatorEnable,
                    (c, v) -> c.serverPooledByteBufAllocatorEnable = strictBoolean(v)),
            new Setting("useEpollNativeSelector", Change.RESTART, c -> c.useEpollNativeSelector,
                    (c, v) -> c.useEpollNativeSelector = strictBoolean(v)),
            new Setting("serverCallbackExecutorThreads", Change.RESTART, c -> c.serverCallbackExecutorThreads,
                    (c, v) -> c.serverCallbackExecutorThreads = intIn(v, 0, Integer.MAX_VALUE)),
            new Setting("serverOnewaySemaphoreValue", Change.RESTART, c -> c.serverOnewaySemaphoreValue,
                    (c, v) -> c.serverOnewaySemaphoreValue = intIn(v, 1, Integer.MAX_VALUE)),
            new Setting("serverAsyncSemaphoreValue", Change.RESTART, c -> c.serverAsyncSemaphoreValue,
                    (c, v) -> c.serverAsyncSemaphoreValue = intIn(v, 1, Integer.MAX_VALUE)),
            new Setting("rocketmqHome", Change.NEVER, c -> c.rocketmqHome, (c, v) -> c.rocketmqHome = v),
            new Setting("productEnvName", Change.RUNTIME, c -> c.productEnvName, (c, v) -> c.productEnvName = v),
            // Only off: a file that turns RocketMQ's cluster test mode on fails to start rather than run without it.
            new Setting("clusterTest", Change.RESTART, c -> false, (c, v) -> {
                if (strictBoolean(v)) {
                    throw new IllegalArgumentException("cluster test mode is not supported; only false is accepted");
                }
            }));

    /**
     * Applies every known key of {@code properties}.
     *
     * @return the keys that were not recognised
     * @throws IllegalArgumentException naming the key whose value cannot be parsed or is out of range
     */
    public synchronized List<String> apply(Properties properties) {
        List<String> unknown = new ArrayList<>();
        for (String key : properties.stringPropertyNames()) {
            Optional<Setting> setting = setting(key);
            if (setting.isEmpty()) {
                unknown.add(key);
                continue;
            }
            String value = properties.getProperty(key).trim();
            try {
                setting.get().setter.accept(this, value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad value for " + key + ": " + value + " (" + e.getMessage() + ")", e);
            }
        }
        if (writeBufferLowWaterMark > 0 && writeBufferHighWaterMark > 0 && writeBufferLowWaterMark > writeBufferHighWaterMark) {
            throw new IllegalArgumentException("bad value for writeBufferLowWaterMark: " + writeBufferLowWaterMark
                    + " (must not exceed writeBufferHighWaterMark, " + writeBufferHighWaterMark + ")");
        }
        return unknown;
    }

    /** How {@code key} may be changed while running; empty for a key this name server does not know. */
    static Optional<Change> changeOf(String key) {
        return setting(key).map(Setting::change);
    }

    /** Every setting with its effective value, in a stable order. */
    public synchronized Map<String, String> effectiveSettings() {
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

    /**
     * The properties file UPDATE_NAMESRV_CONFIG saves to: the -c file when there is one, as in RocketMQ. Without one
     * it is RocketMQ's default path, which, as in RocketMQ, only a later start with {@code -c} of that file reads.
     */
    /** Whether the settings came from the configStorePath file (mqnamesrv -c), which the next start reads again. */
    boolean startedFromConfigStore() {
        return startedFromConfigStore;
    }

    void startedFromConfigStore(boolean started) {
        this.startedFromConfigStore = started;
    }

    public Path configStorePath() {
        return Path.of(configStorePath);
    }

    public NamesrvConfig configStorePath(Path path) {
        this.configStorePath = path.toString();
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

    private static Optional<Setting> setting(String key) {
        return SETTINGS.stream().filter(s -> s.name.equals(key)).findFirst();
    }

    private static int intIn(String value, int min, int max) {
        int parsed = Integer.parseInt(value);
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException("must be between " + min + " and " + max);
        }
        return parsed;
    }

    private static long longAtLeast(String value, long min) {
        long parsed = Long.parseLong(value);
        if (parsed < min) {
            throw new IllegalArgumentException("must be at least " + min);
        }
        return parsed;
    }

    /** Unlike Boolean.parseBoolean, a typo such as "ture" is an error rather than a silent false. */
    private static boolean strictBoolean(String value) {
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new IllegalArgumentException("must be true or false");
    }

    RemotingServerConfig remotingServerConfig() {
        RemotingServerConfig server = new RemotingServerConfig()
                .bindAddress(bindAddress)
                .listenPort(listenPort)
                .ioThreads(serverSelectorThreads)
                .maxIdleSeconds(serverChannelMaxIdleTimeSeconds)
                .maxFrameLength(maxFrameLength)
                .useEpollWhenAvailable(useEpollNativeSelector)
                .socketBacklog(serverSocketBacklog);
        server.socket()
                .sndBufSize(serverSocketSndBufSize)
                .rcvBufSize(serverSocketRcvBufSize)
                .writeBufferWaterMark(writeBufferLowWaterMark, writeBufferHighWaterMark)
                .pooledAllocator(serverPooledByteBufAllocatorEnable);
        return server;
    }
}
