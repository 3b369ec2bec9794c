package dev.sluice.broker.config;

import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingServerConfig;
import dev.sluice.store.ConfigException;
import dev.sluice.store.StoreConfig;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Broker settings under Apache RocketMQ's property names and defaults; store settings are passed through to
 * {@link StoreConfig}. Values are validated when set: a bad one raises a {@link ConfigException} naming the key.
 * A few settings can change while running (UPDATE_BROKER_CONFIG), so reads always see the latest value.
 */
public final class BrokerConfig {
    private record Setting(String name, String defaultValue, Function<String, Object> parser, boolean runtime) {
    }

    private static final Map<String, Setting> SETTINGS = new LinkedHashMap<>();

    public static final String BROKER_CLUSTER_NAME = define("brokerClusterName", "DefaultCluster", BrokerConfig::name, false);
    public static final String BROKER_NAME = define("brokerName", localHostName(), BrokerConfig::name, false);
    public static final String BROKER_ID = define("brokerId", "0", v -> longAtLeast(v, 0), false);
    public static final String BROKER_ROLE = define("brokerRole", "ASYNC_MASTER", BrokerConfig::role, false);
    public static final String NAMESRV_ADDR = define("namesrvAddr", defaultNamesrvAddr(), BrokerConfig::addresses, false);
    /** With no namesrvAddr, ask RocketMQ's address server (system property rocketmq.namesrv.domain) for them. */
    public static final String FETCH_NAMESRV_ADDR_BY_ADDRESS_SERVER = define("fetchNamesrvAddrByAddressServer", "false", BrokerConfig::bool, false);
    public static final String BROKER_IP1 = define("brokerIP1", localAddress(), BrokerConfig::ip, false);
    public static final String BROKER_IP2 = define("brokerIP2", "", v -> v.isEmpty() ? v : ip(v), false);
    public static final String BIND_ADDRESS = define("bindAddress", "0.0.0.0", v -> v.isEmpty() ? "0.0.0.0" : ip(v), false);
    public static final String LISTEN_PORT = define("listenPort", "10911", v -> intBetween(v, 0, 65535), false);
    /**
     * Also serve on listenPort - 2, the "VIP channel" RocketMQ clients use for sends and offset/admin calls when
     * their vipChannelEnabled is on (the default of older clients). Sluice's own key: RocketMQ always listens there.
     */
    public static final String VIP_CHANNEL_ENABLED = define("vipChannelEnabled", "true", BrokerConfig::bool, false);
    public static final String HA_LISTEN_PORT = define("haListenPort", "10912", v -> intBetween(v, 0, 65535), false);
    /** Slave: the master's HA address (host:port); empty to use what the name server reports. */
    public static final String HA_MASTER_ADDRESS = define("haMasterAddress", "", v -> v.isEmpty() ? v : addresses(v), false);
    public static final String HA_SEND_HEARTBEAT_INTERVAL = define("haSendHeartbeatInterval", "5000", v -> longAtLeast(v, 10), false);
    public static final String HA_HOUSEKEEPING_INTERVAL = define("haHousekeepingInterval", "20000", v -> longAtLeast(v, 100), false);
    public static final String HA_TRANSFER_BATCH_SIZE = define("haTransferBatchSize", "32768", v -> intBetween(v, 1024, 64 * 1024 * 1024), false);
    public static final String HA_SLAVE_FALLBEHIND_MAX = define("haSlaveFallbehindMax", "268435456", v -> longAtLeast(v, 1), false);
    /** RocketMQ 5.x's name for haSlaveFallbehindMax; wins when set. */
    public static final String HA_MAX_GAP_NOT_IN_SYNC = define("haMaxGapNotInSync", "0", v -> longAtLeast(v, 0), false);
    public static final String SLAVE_TIMEOUT = define("slaveTimeout", "3000", v -> longAtLeast(v, 1), false);
    /** Sluice's own: how often a slave retries an unreachable master's HA port (RocketMQ: 5 s). */
    public static final String HA_RECONNECT_INTERVAL = define("haReconnectInterval", "5000", v -> longAtLeast(v, 10), false);
    /** Sluice's own: how often a slave copies topics, groups and offsets from its master (RocketMQ: 10 s). */
    public static final String SLAVE_METADATA_SYNC_INTERVAL = define("slaveMetadataSyncInterval", "10000", v -> longAtLeast(v, 100), false);
    public static final String ACCESS_MESSAGE_IN_MEMORY_MAX_RATIO = define("accessMessageInMemoryMaxRatio", "40", v -> intBetween(v, 0, 100), true);
    /**
     * How much one pull answer carries, at least one message: RocketMQ's limits for messages still in memory, and
     * for those further behind the CommitLog's end than accessMessageInMemoryMaxRatio% of RAM.
     */
    public static final String MAX_TRANSFER_BYTES_ON_MESSAGE_IN_MEMORY = define("maxTransferBytesOnMessageInMemory", "262144", v -> intAtLeast(v, 1), true);
    public static final String MAX_TRANSFER_COUNT_ON_MESSAGE_IN_MEMORY = define("maxTransferCountOnMessageInMemory", "32", v -> intBetween(v, 1, 65536), true);
    public static final String MAX_TRANSFER_BYTES_ON_MESSAGE_IN_DISK = define("maxTransferBytesOnMessageInDisk", "65536", v -> intAtLeast(v, 1), true);
    public static final String MAX_TRANSFER_COUNT_ON_MESSAGE_IN_DISK = define("maxTransferCountOnMessageInDisk", "8", v -> intBetween(v, 1, 65536), true);
    /** The most messages one query by key returns. */
    public static final String MAX_MSGS_NUM_BATCH = define("maxMsgsNumBatch", "64", v -> intBetween(v, 1, 65536), true);
    /** What a query by unique key (a message id) asks for, whatever the request says, as RocketMQ sets it. */
    public static final String DEFAULT_QUERY_MAX_NUM = define("defaultQueryMaxNum", "32", v -> intBetween(v, 1, 65536), true);
    public static final String OFFSET_CHECK_IN_SLAVE = define("offsetCheckInSlave", "false", BrokerConfig::bool, true);
    public static final String DEFAULT_TOPIC_QUEUE_NUMS = define("defaultTopicQueueNums", "8", v -> intBetween(v, 1, 1024), true);
    public static final String AUTO_CREATE_TOPIC_ENABLE = define("autoCreateTopicEnable", "true", BrokerConfig::bool, true);
    public static final String AUTO_CREATE_SUBSCRIPTION_GROUP = define("autoCreateSubscriptionGroup", "true", BrokerConfig::bool, true);
    public static final String CLUSTER_TOPIC_ENABLE = define("clusterTopicEnable", "true", BrokerConfig::bool, false);
    public static final String BROKER_TOPIC_ENABLE = define("brokerTopicEnable", "true", BrokerConfig::bool, false);
    public static final String BROKER_PERMISSION = define("brokerPermission", "6", v -> intBetween(v, 0, 7), true);
    public static final String SEND_MESSAGE_THREAD_POOL_NUMS = define("sendMessageThreadPoolNums",
            String.valueOf(Math.min(Runtime.getRuntime().availableProcessors(), 4)), v -> intBetween(v, 1, 1024), false);
    /**
     * Sluice's own: store sends (SEND_MESSAGE, SEND_MESSAGE_V2, SEND_BATCH_MESSAGE) on the connection's I/O thread
     * instead of handing each to the broker-send pool. An append is a copy into a mapped file under a short lock; a
     * flush or a slave's acknowledgement it waits for is answered later from another thread. The hand-off cost more
     * than it isolated: two thread wake-ups per send; without them, 16 threads of the official client sending 1 KiB
     * synchronously went from about 37k to 46k TPS on two cores. false restores RocketMQ's pool of
     * sendMessageThreadPoolNums threads and its SYSTEM_BUSY answer when that pool's queue is full.
     */
    public static final String SEND_ON_IO_THREAD = define("sendOnIoThread", "true", BrokerConfig::bool, false);
    public static final String PULL_MESSAGE_THREAD_POOL_NUMS = define("pullMessageThreadPoolNums",
            String.valueOf(16 + 2 * Runtime.getRuntime().availableProcessors()), v -> intBetween(v, 1, 1024), false);
    public static final String ADMIN_BROKER_THREAD_POOL_NUMS = define("adminBrokerThreadPoolNums", "16", v -> intBetween(v, 1, 1024), false);
    public static final String SEND_THREAD_POOL_QUEUE_CAPACITY = define("sendThreadPoolQueueCapacity", "10000", v -> intAtLeast(v, 1), false);
    public static final String PULL_THREAD_POOL_QUEUE_CAPACITY = define("pullThreadPoolQueueCapacity", "100000", v -> intAtLeast(v, 1), false);
    public static final String QUERY_MESSAGE_THREAD_POOL_NUMS = define("queryMessageThreadPoolNums",
            String.valueOf(8 + Runtime.getRuntime().availableProcessors()), v -> intBetween(v, 1, 1024), false);
    public static final String QUERY_THREAD_POOL_QUEUE_CAPACITY = define("queryThreadPoolQueueCapacity", "20000", v -> intAtLeast(v, 1), false);
    public static final String PROCESS_REPLY_MESSAGE_THREAD_POOL_NUMS = define("processReplyMessageThreadPoolNums",
            String.valueOf(16 + 2 * Runtime.getRuntime().availableProcessors()), v -> intBetween(v, 1, 1024), false);
    public static final String REPLY_THREAD_POOL_QUEUE_CAPACITY = define("replyThreadPoolQueueCapacity", "10000", v -> intAtLeast(v, 1), false);
    public static final String CLIENT_MANAGE_THREAD_POOL_NUMS = define("clientManageThreadPoolNums", "32", v -> intBetween(v, 1, 1024), false);
    public static final String CLIENT_MANAGER_THREAD_POOL_QUEUE_CAPACITY = define("clientManagerThreadPoolQueueCapacity", "1000000", v -> intAtLeast(v, 1), false);
    public static final String CONSUMER_MANAGE_THREAD_POOL_NUMS = define("consumerManageThreadPoolNums", "32", v -> intBetween(v, 1, 1024), false);
    public static final String CONSUMER_MANAGER_THREAD_POOL_QUEUE_CAPACITY = define("consumerManagerThreadPoolQueueCapacity", "1000000", v -> intAtLeast(v, 1), false);
    public static final String HEARTBEAT_THREAD_POOL_NUMS = define("heartbeatThreadPoolNums",
            String.valueOf(Math.min(32, Runtime.getRuntime().availableProcessors())), v -> intBetween(v, 1, 1024), false);
    public static final String HEARTBEAT_THREAD_POOL_QUEUE_CAPACITY = define("heartbeatThreadPoolQueueCapacity", "50000", v -> intAtLeast(v, 1), false);
    /** RocketMQ's default: the larger of 8 + 2 x cores and four times the default send pool. */
    public static final String END_TRANSACTION_THREAD_POOL_NUMS = define("endTransactionThreadPoolNums",
            String.valueOf(Math.max(8 + 2 * Runtime.getRuntime().availableProcessors(),
                    4 * Math.min(Runtime.getRuntime().availableProcessors(), 4))), v -> intBetween(v, 1, 1024), false);
    public static final String END_TRANSACTION_POOL_QUEUE_CAPACITY = define("endTransactionPoolQueueCapacity", "100000", v -> intAtLeast(v, 1), false);
    /**
     * RocketMQ's fast failure: a request that has waited in the send, pull, heartbeat or end-transaction pool's queue
     * longer than that pool's waitTimeMillsIn*Queue is answered SYSTEM_BUSY at once instead of run late, and while
     * the store's append lock has been held longer than osPageCacheBusyTimeOutMills every queued send is.
     */
    public static final String BROKER_FAST_FAILURE_ENABLE = define("brokerFastFailureEnable", "true", BrokerConfig::bool, true);
    public static final String WAIT_TIME_MILLS_IN_SEND_QUEUE = define("waitTimeMillsInSendQueue", "200", v -> longAtLeast(v, 1), true);
    public static final String WAIT_TIME_MILLS_IN_PULL_QUEUE = define("waitTimeMillsInPullQueue", "5000", v -> longAtLeast(v, 1), true);
    public static final String WAIT_TIME_MILLS_IN_HEARTBEAT_QUEUE = define("waitTimeMillsInHeartbeatQueue", "31000", v -> longAtLeast(v, 1), true);
    public static final String WAIT_TIME_MILLS_IN_TRANSACTION_QUEUE = define("waitTimeMillsInTransactionQueue", "3000", v -> longAtLeast(v, 1), true);
    public static final String OS_PAGE_CACHE_BUSY_TIME_OUT_MILLS = define("osPageCacheBusyTimeOutMills", "1000", v -> longAtLeast(v, 1), true);
    public static final String LONG_POLLING_ENABLE = define("longPollingEnable", "true", BrokerConfig::bool, true);
    public static final String SHORT_POLLING_TIME_MILLS = define("shortPollingTimeMills", "1000", v -> longAtLeast(v, 1), true);
    public static final String REGISTER_NAME_SERVER_PERIOD = define("registerNameServerPeriod", "30000", v -> longAtLeast(v, 1000), false);
    /** Registrations in RocketMQ's deflated form, for brokers with many topics. */
    public static final String COMPRESSED_REGISTER = define("compressedRegister", "false", BrokerConfig::bool, true);
    public static final String REGISTER_BROKER_TIMEOUT_MILLS = define("registerBrokerTimeoutMills", "6000", v -> longAtLeast(v, 1), true);
    public static final String FLUSH_CONSUMER_OFFSET_INTERVAL = define("flushConsumerOffsetInterval", "5000", v -> longAtLeast(v, 1), false);
    public static final String TRACE_ON = define("traceOn", "true", BrokerConfig::bool, true);
    /** With traceTopicEnable the broker creates the message-trace topic at start, as RocketMQ's does. */
    public static final String TRACE_TOPIC_ENABLE = define("traceTopicEnable", "false", BrokerConfig::bool, false);
    public static final String MSG_TRACE_TOPIC_NAME = define("msgTraceTopicName", "RMQ_SYS_TRACE_TOPIC", BrokerConfig::name, false);
    /**
     * Keys a RocketMQ broker reports and tools read back (mqadmin exportConfigs), for features Sluice does not have:
     * only the value that means "off" is accepted, so a file that turns one on fails to start instead of running
     * without it.
     */
    public static final String FILTER_SERVER_NUMS = define("filterServerNums", "0",
            v -> only(v, "0", "filter servers are not supported"), false);
    public static final String USE_TLS = define("useTLS", "false",
            v -> only(v.toLowerCase(Locale.ROOT), "false", "TLS is not supported"), false);
    /** Refused when on: a broker that ignored it would take every request unauthenticated. */
    public static final String ACL_ENABLE = define("aclEnable", "false",
            v -> only(v.toLowerCase(Locale.ROOT), "false", "ACL (plain_acl.yml) is not supported"), false);
    public static final String ENABLE_DLEGER_COMMIT_LOG = define("enableDLegerCommitLog", "false",
            v -> only(v.toLowerCase(Locale.ROOT), "false",
                    "DLedger is not supported; Sluice replicates from master to slave as brokerRole says"), false);
    /** RocketMQ 4.9's light message queues, which its MQTT bridge writes through INNER_MULTI_DISPATCH. */
    public static final String ENABLE_LMQ = define("enableLmq", "false",
            v -> only(v.toLowerCase(Locale.ROOT), "false", "light message queues (LMQ) are not supported"), false);
    public static final String ENABLE_MULTI_DISPATCH = define("enableMultiDispatch", "false",
            v -> only(v.toLowerCase(Locale.ROOT), "false", "multi-dispatch (LMQ) is not supported"), false);
    /** Sends are refused (SYSTEM_ERROR) until this time, in epoch milliseconds: RocketMQ's gate for a planned start. */
    public static final String START_ACCEPT_SEND_REQUEST_TIME_STAMP = define("startAcceptSendRequestTimeStamp", "0",
            v -> longAtLeast(v, 0), true);
    public static final String REGION_ID = define("regionId", "DefaultRegion", v -> v, true);
    /** Whether a reply (SEND_REPLY_MESSAGE) is also stored on the cluster's reply topic after it is pushed. */
    public static final String STORE_REPLY_MESSAGE_ENABLE = define("storeReplyMessageEnable", "true", BrokerConfig::bool, true);
    public static final String SLAVE_READ_ENABLE = define("slaveReadEnable", "false", BrokerConfig::bool, true);
    /**
     * RocketMQ's broker protection: with disableConsumeIfConsumerReadSlowly, a group whose latest pull of some queue
     * was more than consumerFallbehindThreshold bytes behind the CommitLog's end is disabled (consumeEnable=false)
     * by the next check. diskFallRecorded is whether pulls record how far behind they are.
     */
    public static final String DISABLE_CONSUME_IF_CONSUMER_READ_SLOWLY = define("disableConsumeIfConsumerReadSlowly", "false", BrokerConfig::bool, true);
    public static final String CONSUMER_FALLBEHIND_THRESHOLD = define("consumerFallbehindThreshold", String.valueOf(16L << 30), v -> longAtLeast(v, 0), true);
    public static final String DISK_FALL_RECORDED = define("diskFallRecorded", "true", BrokerConfig::bool, true);
    /** Sluice's own: how often that check runs (RocketMQ: every 3 minutes, fixed). */
    public static final String CONSUMER_FALLBEHIND_CHECK_INTERVAL = define("consumerFallbehindCheckInterval", "180000", v -> longAtLeast(v, 10), false);
    /** Whether consumers hear when their group's members change; each group's own setting must allow it too. */
    public static final String NOTIFY_CONSUMER_IDS_CHANGED_ENABLE = define("notifyConsumerIdsChangedEnable", "true", BrokerConfig::bool, true);
    public static final String CHANNEL_EXPIRED_TIMEOUT = define("channelExpiredTimeout", "120000", v -> longAtLeast(v, 1000), false);
    public static final String TRANSACTION_TIME_OUT = define("transactionTimeOut", "6000", v -> longAtLeast(v, 0), true);
    public static final String TRANSACTION_CHECK_MAX = define("transactionCheckMax", "15", v -> intAtLeast(v, 0), true);
    public static final String TRANSACTION_CHECK_INTERVAL = define("transactionCheckInterval", "60000", v -> longAtLeast(v, 10), true);
    /**
     * Whether half messages are checked back at all. A RocketMQ 3.x key (4.x always checks); Sluice honours it, so
     * a file carrying {@code checkTransactionMessageEnable=false} turns check-back off.
     */
    public static final String CHECK_TRANSACTION_MESSAGE_ENABLE = define("checkTransactionMessageEnable", "true", BrokerConfig::bool, true);
    public static final String REJECT_TRANSACTION_MESSAGE = define("rejectTransactionMessage", "false", BrokerConfig::bool, true);
    /**
     * How long an orderly consumer's queue lock lasts unrenewed. RocketMQ reads only the system property
     * {@code rocketmq.broker.rebalance.lockMaxLiveTime}; that is the default here, and the key can override it.
     */
    public static final String REBALANCE_LOCK_MAX_LIVE_TIME = define("rebalanceLockMaxLiveTime",
            System.getProperty("rocketmq.broker.rebalance.lockMaxLiveTime", "60000"), v -> longAtLeast(v, 1), true);
    public static final String SERVER_SELECTOR_THREADS = define("serverSelectorThreads", "3", v -> intBetween(v, 1, 64), false);
    public static final String SERVER_CHANNEL_MAX_IDLE_TIME_SECONDS = define("serverChannelMaxIdleTimeSeconds", "120", v -> intAtLeast(v, 1), false);
    /** RocketMQ 5's longest delay a timer message (TIMER_DELAY_SEC / TIMER_DELAY_MS / TIMER_DELIVER_MS) may ask for. */
    public static final String TIMER_MAX_DELAY_SEC = define("timerMaxDelaySec", "259200", v -> longAtLeast(v, 1), true);
    public static final String TIMER_WHEEL_ENABLE = define("timerWheelEnable", "true", BrokerConfig::bool, true);
    /** Whether consumers may select messages with SQL92 expressions over their properties (RocketMQ's default: off). */
    public static final String ENABLE_PROPERTY_FILTER = define("enablePropertyFilter", "false", BrokerConfig::bool, true);
    /** Whether a retry message is selected by its group's SQL92 expression for the topic it was first sent to. */
    public static final String FILTER_SUPPORT_RETRY = define("filterSupportRetry", "false", BrokerConfig::bool, true);
    public static final String MAX_FRAME_LENGTH = define("maxFrameLength", "16777216", v -> intAtLeast(v, 1024), false);
    /** RocketMQ's Netty keys for the broker's sockets (0: the system's default) and for its calls out. */
    public static final String SERVER_SOCKET_BACKLOG = define("serverSocketBacklog", "1024", v -> intAtLeast(v, 1), false);
    public static final String SERVER_SOCKET_SND_BUF_SIZE = define("serverSocketSndBufSize", "0", v -> intAtLeast(v, 0), false);
    public static final String SERVER_SOCKET_RCV_BUF_SIZE = define("serverSocketRcvBufSize", "0", v -> intAtLeast(v, 0), false);
    public static final String SERVER_POOLED_BYTE_BUF_ALLOCATOR_ENABLE = define("serverPooledByteBufAllocatorEnable", "true", BrokerConfig::bool, false);
    /** Both ends' Netty write-buffer water marks, used only when both are set, as RocketMQ does. */
    public static final String WRITE_BUFFER_LOW_WATER_MARK = define("writeBufferLowWaterMark", "0", v -> intAtLeast(v, 0), false);
    public static final String WRITE_BUFFER_HIGH_WATER_MARK = define("writeBufferHighWaterMark", "0", v -> intAtLeast(v, 0), false);
    /** Epoll where the platform has it; RocketMQ's default is false (NIO), Sluice's true. */
    public static final String USE_EPOLL_NATIVE_SELECTOR = define("useEpollNativeSelector", "true", BrokerConfig::bool, false);
    public static final String CONNECT_TIMEOUT_MILLIS = define("connectTimeoutMillis", "3000", v -> intAtLeast(v, 1), false);
    public static final String CLIENT_CHANNEL_MAX_IDLE_TIME_SECONDS = define("clientChannelMaxIdleTimeSeconds", "120", v -> intAtLeast(v, 1), false);
    public static final String CLIENT_SOCKET_SND_BUF_SIZE = define("clientSocketSndBufSize", "0", v -> intAtLeast(v, 0), false);
    public static final String CLIENT_SOCKET_RCV_BUF_SIZE = define("clientSocketRcvBufSize", "0", v -> intAtLeast(v, 0), false);
    public static final String CLIENT_POOLED_BYTE_BUF_ALLOCATOR_ENABLE = define("clientPooledByteBufAllocatorEnable", "false", BrokerConfig::bool, false);

    /** Store paths: a remote client must not move the broker's files; the properties file is the place for that. */
    private static final Set<String> PATHS = Set.of(StoreConfig.STORE_PATH_ROOT_DIR, StoreConfig.STORE_PATH_COMMIT_LOG,
            StoreConfig.STORE_PATH_CONSUME_QUEUE, StoreConfig.STORE_PATH_INDEX, StoreConfig.STORE_CHECKPOINT,
            StoreConfig.ABORT_FILE);

    private static final Set<String> FILE_SIZES = Set.of(StoreConfig.MAPPED_FILE_SIZE_COMMIT_LOG,
            StoreConfig.MAPPED_FILE_SIZE_CONSUME_QUEUE);

    private final Map<String, Object> values = new ConcurrentHashMap<>();
    /** RocketMQ keys without effect here ({@link InertKeys}): their values, to report back. */
    private final Map<String, String> inert = new ConcurrentHashMap<>();
    /** Those the properties file gave, which the broker says at start have no effect. */
    private final Set<String> inertGiven = new java.util.TreeSet<>();
    private final Properties storeProperties = new Properties();
    /** The store's maxMessageSize as the last start or change set it; read per batch send, so kept parsed. */
    private volatile int maxMessageSize;

    private BrokerConfig() {
        SETTINGS.values().forEach(s -> values.put(s.name, s.parser.apply(s.defaultValue)));
        InertKeys.all().forEach(k -> inert.put(k.name(), k.defaultValue()));
        maxMessageSize = storeConfig().maxMessageSize();
    }

    /** The defaults. */
    public static BrokerConfig defaults() {
        return new BrokerConfig();
    }

    /**
     * Reads a RocketMQ broker properties file's keys: broker keys here, store keys checked by {@link StoreConfig}.
     *
     * @param unknown receives keys neither knows (the caller logs them)
     * @throws ConfigException naming the first key with a bad value
     */
    public static BrokerConfig fromProperties(Properties properties, List<String> unknown) {
        BrokerConfig config = new BrokerConfig();
        Properties trimmed = new Properties();
        properties.stringPropertyNames().forEach(k -> trimmed.setProperty(k.trim(), properties.getProperty(k).trim()));
        boolean haPortGiven = trimmed.containsKey(HA_LISTEN_PORT);
        for (String key : new java.util.TreeSet<>(trimmed.stringPropertyNames())) {
            String value = trimmed.getProperty(key);
            if (SETTINGS.containsKey(key)) {
                config.set(key, value);
            } else if (StoreConfig.isStoreKey(key)) {
                config.storeProperties.setProperty(key, value);
            } else if (InertKeys.get(key) != null) {
                config.inert.put(key, checkInert(key, value));
                config.inertGiven.add(key);
            } else {
                unknown.add(key);
            }
        }
        // Fail now, naming the key, rather than when the store opens or the server binds.
        config.maxMessageSize = config.storeConfig().maxMessageSize();
        int low = (Integer) config.values.get(WRITE_BUFFER_LOW_WATER_MARK);
        int high = (Integer) config.values.get(WRITE_BUFFER_HIGH_WATER_MARK);
        if (low > 0 && high > 0 && low > high) {
            throw new ConfigException(WRITE_BUFFER_LOW_WATER_MARK, String.valueOf(low),
                    "must not exceed writeBufferHighWaterMark (" + high + ")");
        }
        if (config.brokerRole().equals("SLAVE") && (Long) config.values.get(BROKER_ID) == 0) {
            // It would register as its group's master, and refuse every send routed to it.
            throw new ConfigException(BROKER_ID, "0", "a SLAVE's brokerId must be greater than 0 (0 is the master's)");
        }
        if (!haPortGiven) {
            config.values.put(HA_LISTEN_PORT, config.listenPort() == 0 ? 0 : config.listenPort() + 1);
        }
        return config;
    }

    /** The RocketMQ keys the properties file gave that have no effect in Sluice, each with the reason. */
    public Map<String, String> givenWithoutEffect() {
        Map<String, String> reasons = new LinkedHashMap<>();
        inertGiven.forEach(key -> reasons.put(key, InertKeys.get(key).reason()));
        return reasons;
    }

    private static String checkInert(String key, String value) {
        try {
            return InertKeys.get(key).check().apply(value);
        } catch (RuntimeException e) {
            throw new ConfigException(key, value, e.getMessage() == null ? "bad value" : e.getMessage());
        }
    }

    /** Sets one broker key from text; {@link ConfigException} names it when the value is bad. */
    public void set(String key, String value) {
        Setting setting = SETTINGS.get(key);
        if (setting == null) {
            throw new ConfigException(key, value, "not a broker key");
        }
        values.put(key, parse(setting, value));
    }

    /**
     * Applies an operator's change at runtime (UPDATE_BROKER_CONFIG): the keys that apply while running take their
     * new values; the others are left for the next start (the caller saves them into the config file). All keys are
     * checked first, so a bad one changes nothing.
     *
     * @throws ConfigException for an unknown key, a file path, or a bad value
     */
    public synchronized void update(Properties changes) {
        Properties store = new Properties();
        Map<String, Object> parsed = parseChange(changes, store, new java.util.TreeSet<>());
        parsed.forEach((key, value) -> {
            if (InertKeys.get(key) != null) {
                inert.put(key, (String) value);
            } else {
                values.put(key, value);
            }
        });
        storeProperties.clear();
        storeProperties.putAll(store);
        maxMessageSize = storeConfig().maxMessageSize();
    }

    /**
     * Checks a change as {@link #update} would, without applying it, and that the next start could read the file it
     * is saved into.
     *
     * @param saved what the file holds now (keys earlier changes saved for the next start among them)
     * @return the keys that take effect only at the next start
     */
    public synchronized Set<String> check(Properties changes, Properties saved) {
        Set<String> nextStart = new java.util.TreeSet<>();
        parseChange(changes, new Properties(), nextStart);
        Properties next = new Properties();
        values.forEach((k, v) -> next.setProperty(k, String.valueOf(v)));
        next.putAll(storeProperties);
        saved.stringPropertyNames().forEach(k -> next.setProperty(k.trim(), saved.getProperty(k).trim()));
        changes.stringPropertyNames().forEach(k -> next.setProperty(k.trim(), changes.getProperty(k).trim()));
        fromProperties(next, new ArrayList<>());
        return nextStart;
    }

    /** The name a key is known by: a store key's canonical spelling, any other key itself. */
    public static String canonicalName(String key) {
        return StoreConfig.keys().stream().filter(k -> k.aliases().contains(key)).map(StoreConfig.Key::name)
                .findFirst().orElse(key);
    }

    /**
     * @param store     receives the store settings in force after the change
     * @param nextStart receives the keys that apply only at the next start
     */
    private Map<String, Object> parseChange(Properties changes, Properties store, Set<String> nextStart) {
        Map<String, Object> parsed = new LinkedHashMap<>();
        store.putAll(storeProperties);
        for (String name : changes.stringPropertyNames()) {
            String key = name.trim();
            String value = changes.getProperty(name).trim();
            if (PATHS.contains(canonicalName(key))) {
                throw new ConfigException(key, value, "a file path cannot be changed remotely; edit the properties file");
            }
            if (FILE_SIZES.contains(canonicalName(key))) {
                // Saved for the next start, it would leave a store whose files the broker refuses to open.
                throw new ConfigException(key, value, "the store's files keep the size they were made with");
            }
            Setting setting = SETTINGS.get(key);
            if (setting == null && StoreConfig.isRuntimeKey(key)) {
                // Whichever spelling the file used gives way to this one.
                StoreConfig.keys().stream().filter(k -> k.name().equals(key) || k.aliases().contains(key)).findFirst()
                        .ifPresent(k -> {
                            store.remove(k.name());
                            k.aliases().forEach(store::remove);
                        });
                store.setProperty(key, value);
                continue;
            }
            if (setting == null && StoreConfig.isStoreKey(key)) {
                nextStart.add(key);
                continue;
            }
            if (setting == null && InertKeys.get(key) != null) {
                parsed.put(key, checkInert(key, value));
                continue;
            }
            if (setting == null) {
                throw new ConfigException(key, value, "not a broker key");
            }
            Object v = parse(setting, value);
            if (setting.runtime) {
                parsed.put(setting.name, v);
            } else {
                nextStart.add(key);
            }
        }
        StoreConfig.fromProperties(store); // names the first bad store value
        return parsed;
    }

    /** The store configuration these settings describe, writing STOREHOST as brokerIP1 and the bound port. */
    public StoreConfig storeConfig(int boundPort) {
        try {
            return StoreConfig.fromProperties(storeProperties).toBuilder()
                    .storeHost(InetAddress.getByName(brokerIP1()).getAddress(), boundPort)
                    .build();
        } catch (UnknownHostException e) {
            throw new ConfigException(BROKER_IP1, brokerIP1(), "not an IP address");
        }
    }

    /** The largest batch body a send may carry (the store's maxMessageSize, which updateBrokerConfig changes). */
    public int maxMessageSize() {
        return maxMessageSize;
    }

    /** The store settings, without the store host (what a running store takes through reconfigure). */
    public synchronized StoreConfig storeConfig() {
        return StoreConfig.fromProperties(storeProperties);
    }

    /** Every broker and store setting with its effective value, sorted by name (mqbroker -p, GET_BROKER_CONFIG). */
    public Map<String, String> effectiveSettings() {
        Map<String, String> all = new java.util.TreeMap<>();
        values.forEach((k, v) -> all.put(k, String.valueOf(v)));
        all.putAll(inert);
        all.put(BROKER_ID, String.valueOf(brokerId())); // a master is 0 whatever the file says, as in RocketMQ
        storeConfig().toProperties().forEach((k, v) -> all.put(String.valueOf(k), String.valueOf(v)));
        return Collections.unmodifiableMap(all);
    }

    public String brokerClusterName() {
        return (String) values.get(BROKER_CLUSTER_NAME);
    }

    public String brokerName() {
        return (String) values.get(BROKER_NAME);
    }

    /** 0 for a master, whatever the file says, as RocketMQ forces it. */
    public long brokerId() {
        return brokerRole().equals("SLAVE") ? (Long) values.get(BROKER_ID) : 0L;
    }

    public String brokerRole() {
        return (String) values.get(BROKER_ROLE);
    }

    /** Name server addresses, possibly empty. */
    public List<String> namesrvAddrs() {
        String addrs = (String) values.get(NAMESRV_ADDR);
        List<String> list = new ArrayList<>();
        for (String a : addrs.split(";")) {
            if (!a.isBlank()) {
                list.add(a.trim());
            }
        }
        return list;
    }

    public String brokerIP1() {
        return (String) values.get(BROKER_IP1);
    }

    public String brokerIP2() {
        String ip2 = (String) values.get(BROKER_IP2);
        return ip2.isEmpty() ? brokerIP1() : ip2;
    }

    public String bindAddress() {
        return (String) values.get(BIND_ADDRESS);
    }

    public int listenPort() {
        return (Integer) values.get(LISTEN_PORT);
    }

    public int haListenPort() {
        return (Integer) values.get(HA_LISTEN_PORT);
    }

    public boolean isSlave() {
        return brokerRole().equals("SLAVE");
    }

    public String haMasterAddress() {
        return (String) values.get(HA_MASTER_ADDRESS);
    }

    public long haSendHeartbeatInterval() {
        return (Long) values.get(HA_SEND_HEARTBEAT_INTERVAL);
    }

    public long haHousekeepingInterval() {
        return (Long) values.get(HA_HOUSEKEEPING_INTERVAL);
    }

    public int haTransferBatchSize() {
        return (Integer) values.get(HA_TRANSFER_BATCH_SIZE);
    }

    /** haMaxGapNotInSync when set (5.x files), else haSlaveFallbehindMax. */
    public long haSlaveFallbehindMax() {
        long gap = (Long) values.get(HA_MAX_GAP_NOT_IN_SYNC);
        return gap > 0 ? gap : (Long) values.get(HA_SLAVE_FALLBEHIND_MAX);
    }

    public long slaveTimeout() {
        return (Long) values.get(SLAVE_TIMEOUT);
    }

    public long haReconnectInterval() {
        return (Long) values.get(HA_RECONNECT_INTERVAL);
    }

    public long slaveMetadataSyncInterval() {
        return (Long) values.get(SLAVE_METADATA_SYNC_INTERVAL);
    }

    public int accessMessageInMemoryMaxRatio() {
        return (Integer) values.get(ACCESS_MESSAGE_IN_MEMORY_MAX_RATIO);
    }

    public int maxTransferBytes(boolean inDisk) {
        return (Integer) values.get(inDisk ? MAX_TRANSFER_BYTES_ON_MESSAGE_IN_DISK : MAX_TRANSFER_BYTES_ON_MESSAGE_IN_MEMORY);
    }

    public int maxTransferCount(boolean inDisk) {
        return (Integer) values.get(inDisk ? MAX_TRANSFER_COUNT_ON_MESSAGE_IN_DISK : MAX_TRANSFER_COUNT_ON_MESSAGE_IN_MEMORY);
    }

    public int maxMsgsNumBatch() {
        return (Integer) values.get(MAX_MSGS_NUM_BATCH);
    }

    public boolean offsetCheckInSlave() {
        return (Boolean) values.get(OFFSET_CHECK_IN_SLAVE);
    }

    public boolean notifyConsumerIdsChangedEnable() {
        return (Boolean) values.get(NOTIFY_CONSUMER_IDS_CHANGED_ENABLE);
    }

    public boolean enablePropertyFilter() {
        return (Boolean) values.get(ENABLE_PROPERTY_FILTER);
    }

    public boolean filterSupportRetry() {
        return (Boolean) values.get(FILTER_SUPPORT_RETRY);
    }

    public boolean slaveReadEnable() {
        return (Boolean) values.get(SLAVE_READ_ENABLE);
    }

    /** The broker's listening sockets, as RocketMQ's Netty server keys say. */
    public RemotingServerConfig remotingServerConfig(int port) {
        RemotingServerConfig server = new RemotingServerConfig()
                .bindAddress(bindAddress())
                .listenPort(port)
                .ioThreads(serverSelectorThreads())
                .maxIdleSeconds(serverChannelMaxIdleTimeSeconds())
                .maxFrameLength(maxFrameLength())
                .useEpollWhenAvailable((Boolean) values.get(USE_EPOLL_NATIVE_SELECTOR))
                .socketBacklog((Integer) values.get(SERVER_SOCKET_BACKLOG));
        server.socket()
                .sndBufSize((Integer) values.get(SERVER_SOCKET_SND_BUF_SIZE))
                .rcvBufSize((Integer) values.get(SERVER_SOCKET_RCV_BUF_SIZE))
                .writeBufferWaterMark((Integer) values.get(WRITE_BUFFER_LOW_WATER_MARK),
                        (Integer) values.get(WRITE_BUFFER_HIGH_WATER_MARK))
                .pooledAllocator((Boolean) values.get(SERVER_POOLED_BYTE_BUF_ALLOCATOR_ENABLE));
        return server;
    }

    /** The broker's calls to name servers and its master, as RocketMQ's Netty client keys say. */
    public RemotingClientConfig remotingClientConfig() {
        RemotingClientConfig client = new RemotingClientConfig()
                .connectTimeoutMillis((Integer) values.get(CONNECT_TIMEOUT_MILLIS))
                .maxIdleSeconds((Integer) values.get(CLIENT_CHANNEL_MAX_IDLE_TIME_SECONDS))
                .maxFrameLength(maxFrameLength())
                .useEpollWhenAvailable((Boolean) values.get(USE_EPOLL_NATIVE_SELECTOR));
        client.socket()
                .sndBufSize((Integer) values.get(CLIENT_SOCKET_SND_BUF_SIZE))
                .rcvBufSize((Integer) values.get(CLIENT_SOCKET_RCV_BUF_SIZE))
                .writeBufferWaterMark((Integer) values.get(WRITE_BUFFER_LOW_WATER_MARK),
                        (Integer) values.get(WRITE_BUFFER_HIGH_WATER_MARK))
                .pooledAllocator((Boolean) values.get(CLIENT_POOLED_BYTE_BUF_ALLOCATOR_ENABLE));
        return client;
    }

    public boolean compressedRegister() {
        return (Boolean) values.get(COMPRESSED_REGISTER);
    }

    public boolean fetchNamesrvAddrByAddressServer() {
        return (Boolean) values.get(FETCH_NAMESRV_ADDR_BY_ADDRESS_SERVER);
    }

    public int defaultQueryMaxNum() {
        return (Integer) values.get(DEFAULT_QUERY_MAX_NUM);
    }

    public boolean disableConsumeIfConsumerReadSlowly() {
        return (Boolean) values.get(DISABLE_CONSUME_IF_CONSUMER_READ_SLOWLY);
    }

    public long consumerFallbehindThreshold() {
        return (Long) values.get(CONSUMER_FALLBEHIND_THRESHOLD);
    }

    public boolean diskFallRecorded() {
        return (Boolean) values.get(DISK_FALL_RECORDED);
    }

    public long consumerFallbehindCheckInterval() {
        return (Long) values.get(CONSUMER_FALLBEHIND_CHECK_INTERVAL);
    }

    public int defaultTopicQueueNums() {
        return (Integer) values.get(DEFAULT_TOPIC_QUEUE_NUMS);
    }

    public boolean autoCreateTopicEnable() {
        return (Boolean) values.get(AUTO_CREATE_TOPIC_ENABLE);
    }

    public boolean autoCreateSubscriptionGroup() {
        return (Boolean) values.get(AUTO_CREATE_SUBSCRIPTION_GROUP);
    }

    public boolean clusterTopicEnable() {
        return (Boolean) values.get(CLUSTER_TOPIC_ENABLE);
    }

    public boolean brokerTopicEnable() {
        return (Boolean) values.get(BROKER_TOPIC_ENABLE);
    }

    public int brokerPermission() {
        return (Integer) values.get(BROKER_PERMISSION);
    }

    public boolean sendOnIoThread() {
        return (Boolean) values.get(SEND_ON_IO_THREAD);
    }

    public int adminBrokerThreadPoolNums() {
        return (Integer) values.get(ADMIN_BROKER_THREAD_POOL_NUMS);
    }

    /** RocketMQ's request pools, each sized by a threads key and a queue capacity key. */
    public enum Pool {
        SEND(SEND_MESSAGE_THREAD_POOL_NUMS, SEND_THREAD_POOL_QUEUE_CAPACITY),
        PULL(PULL_MESSAGE_THREAD_POOL_NUMS, PULL_THREAD_POOL_QUEUE_CAPACITY),
        QUERY(QUERY_MESSAGE_THREAD_POOL_NUMS, QUERY_THREAD_POOL_QUEUE_CAPACITY),
        REPLY(PROCESS_REPLY_MESSAGE_THREAD_POOL_NUMS, REPLY_THREAD_POOL_QUEUE_CAPACITY),
        CLIENT_MANAGE(CLIENT_MANAGE_THREAD_POOL_NUMS, CLIENT_MANAGER_THREAD_POOL_QUEUE_CAPACITY),
        CONSUMER_MANAGE(CONSUMER_MANAGE_THREAD_POOL_NUMS, CONSUMER_MANAGER_THREAD_POOL_QUEUE_CAPACITY),
        HEARTBEAT(HEARTBEAT_THREAD_POOL_NUMS, HEARTBEAT_THREAD_POOL_QUEUE_CAPACITY),
        END_TRANSACTION(END_TRANSACTION_THREAD_POOL_NUMS, END_TRANSACTION_POOL_QUEUE_CAPACITY);

        private final String threadsKey;
        private final String capacityKey;

        Pool(String threadsKey, String capacityKey) {
            this.threadsKey = threadsKey;
            this.capacityKey = capacityKey;
        }
    }

    public int threads(Pool pool) {
        return (Integer) values.get(pool.threadsKey);
    }

    public int queueCapacity(Pool pool) {
        return (Integer) values.get(pool.capacityKey);
    }

    public boolean brokerFastFailureEnable() {
        return (Boolean) values.get(BROKER_FAST_FAILURE_ENABLE);
    }

    /** How long a request may wait in {@code pool}'s queue before fast failure refuses it; 0 for pools it spares. */
    public long waitTimeMillsInQueue(Pool pool) {
        String key = switch (pool) {
            case SEND -> WAIT_TIME_MILLS_IN_SEND_QUEUE;
            case PULL -> WAIT_TIME_MILLS_IN_PULL_QUEUE;
            case HEARTBEAT -> WAIT_TIME_MILLS_IN_HEARTBEAT_QUEUE;
            case END_TRANSACTION -> WAIT_TIME_MILLS_IN_TRANSACTION_QUEUE;
            default -> null;
        };
        return key == null ? 0 : (Long) values.get(key);
    }

    public long osPageCacheBusyTimeOutMills() {
        return (Long) values.get(OS_PAGE_CACHE_BUSY_TIME_OUT_MILLS);
    }

    public boolean longPollingEnable() {
        return (Boolean) values.get(LONG_POLLING_ENABLE);
    }

    public long shortPollingTimeMills() {
        return (Long) values.get(SHORT_POLLING_TIME_MILLS);
    }

    public long registerNameServerPeriod() {
        return (Long) values.get(REGISTER_NAME_SERVER_PERIOD);
    }

    public long registerBrokerTimeoutMills() {
        return (Long) values.get(REGISTER_BROKER_TIMEOUT_MILLS);
    }

    public long flushConsumerOffsetInterval() {
        return (Long) values.get(FLUSH_CONSUMER_OFFSET_INTERVAL);
    }

    /** listenPort - 2 when the VIP channel is on and the listen port is fixed, else 0 (none). */
    public int vipListenPort() {
        int port = listenPort();
        return (Boolean) values.get(VIP_CHANNEL_ENABLED) && port > 2 ? port - 2 : 0;
    }

    public boolean traceTopicEnable() {
        return (Boolean) values.get(TRACE_TOPIC_ENABLE);
    }

    public String msgTraceTopicName() {
        return (String) values.get(MSG_TRACE_TOPIC_NAME);
    }

    public boolean traceOn() {
        return (Boolean) values.get(TRACE_ON);
    }

    public String regionId() {
        return (String) values.get(REGION_ID);
    }

    public boolean storeReplyMessageEnable() {
        return (Boolean) values.get(STORE_REPLY_MESSAGE_ENABLE);
    }

    public long channelExpiredTimeout() {
        return (Long) values.get(CHANNEL_EXPIRED_TIMEOUT);
    }

    public long transactionTimeOut() {
        return (Long) values.get(TRANSACTION_TIME_OUT);
    }

    public int transactionCheckMax() {
        return (Integer) values.get(TRANSACTION_CHECK_MAX);
    }

    public long transactionCheckInterval() {
        return (Long) values.get(TRANSACTION_CHECK_INTERVAL);
    }

    public boolean checkTransactionMessageEnable() {
        return (Boolean) values.get(CHECK_TRANSACTION_MESSAGE_ENABLE);
    }

    public boolean rejectTransactionMessage() {
        return (Boolean) values.get(REJECT_TRANSACTION_MESSAGE);
    }

    public long rebalanceLockMaxLiveTime() {
        return (Long) values.get(REBALANCE_LOCK_MAX_LIVE_TIME);
    }

    public int serverSelectorThreads() {
        return (Integer) values.get(SERVER_SELECTOR_THREADS);
    }

    public int serverChannelMaxIdleTimeSeconds() {
        return (Integer) values.get(SERVER_CHANNEL_MAX_IDLE_TIME_SECONDS);
    }

    public int maxFrameLength() {
        return (Integer) values.get(MAX_FRAME_LENGTH);
    }

    public long timerMaxDelaySec() {
        return (Long) values.get(TIMER_MAX_DELAY_SEC);
    }

    public long startAcceptSendRequestTimeStamp() {
        return (Long) values.get(START_ACCEPT_SEND_REQUEST_TIME_STAMP);
    }

    public boolean timerWheelEnable() {
        return (Boolean) values.get(TIMER_WHEEL_ENABLE);
    }

    private static String define(String name, String defaultValue, Function<String, Object> parser, boolean runtime) {
        SETTINGS.put(name, new Setting(name, defaultValue, parser, runtime));
        return name;
    }

    private static Object parse(Setting setting, String value) {
        try {
            return setting.parser.apply(value.trim());
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ConfigException(setting.name, value, e.getMessage() == null ? "bad value" : e.getMessage());
        }
    }

    private static Object bool(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("must be true or false");
        };
    }

    private static Object only(String v, String allowed, String otherwise) {
        if (!v.equals(allowed)) {
            throw new IllegalArgumentException(otherwise + "; only " + allowed + " is accepted");
        }
        return v;
    }

    private static Object intBetween(String v, int min, int max) {
        int i;
        try {
            i = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be an integer");
        }
        if (i < min || i > max) {
            throw new IllegalArgumentException("must be between " + min + " and " + max);
        }
        return i;
    }

    private static Object intAtLeast(String v, int min) {
        return intBetween(v, min, Integer.MAX_VALUE);
    }

    private static Object longAtLeast(String v, long min) {
        long l;
        try {
            l = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be an integer");
        }
        if (l < min) {
            throw new IllegalArgumentException("must be at least " + min);
        }
        return l;
    }

    private static Object name(String v) {
        if (v.isEmpty() || !v.matches("[a-zA-Z0-9_%|-]+")) {
            throw new IllegalArgumentException("must be non-empty and made of [a-zA-Z0-9_%|-]");
        }
        return v;
    }

    private static Object role(String v) {
        String role = v.toUpperCase(Locale.ROOT);
        if (!List.of("ASYNC_MASTER", "SYNC_MASTER", "SLAVE").contains(role)) {
            throw new IllegalArgumentException("must be ASYNC_MASTER, SYNC_MASTER or SLAVE");
        }
        return role;
    }

    private static Object addresses(String v) {
        for (String a : v.split(";")) {
            String addr = a.trim();
            if (addr.isEmpty()) {
                continue;
            }
            int colon = addr.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("'" + addr + "' is not host:port");
            }
            intBetween(addr.substring(colon + 1), 1, 65535);
        }
        return v;
    }

    /** A literal IPv4 or IPv6 address: it is written into every message, so a host name will not do. */
    private static Object ip(String v) {
        boolean literal = v.matches("[0-9.]+") || v.contains(":");
        if (!literal) {
            throw new IllegalArgumentException("must be an IP address");
        }
        try {
            InetAddress.getByName(v);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("must be an IP address");
        }
        return v;
    }

    private static String defaultNamesrvAddr() {
        String addr = System.getProperty("rocketmq.namesrv.addr", System.getenv("NAMESRV_ADDR"));
        return addr == null ? "" : addr;
    }

    private static String localHostName() {
        try {
            String host = InetAddress.getLocalHost().getHostName().replaceAll("[^a-zA-Z0-9_-]", "-");
            return host.isEmpty() ? "DEFAULT_BROKER" : host;
        } catch (UnknownHostException e) {
            return "DEFAULT_BROKER";
        }
    }

    /** First site-reachable IPv4 address that is not loopback, as RocketMQ prefers; loopback when there is none. */
    private static String localAddress() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback() || nic.isVirtual()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                        return address.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // fall through to loopback
        }
        return "127.0.0.1";
    }
}
