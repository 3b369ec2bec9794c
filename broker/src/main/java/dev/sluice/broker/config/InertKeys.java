package dev.sluice.broker.config;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Keys of RocketMQ 4.9.7's broker, store and Netty configuration that Sluice has no use for. A file carrying one is
 * read without complaint about an unknown key, the broker logs why it has no effect, and the key is reported back
 * (mqbroker -p, GET_BROKER_CONFIG) with the value given or 4.9.7's default, as tools such as mqadmin exportMetrics
 * read some of them. A value whose meaning Sluice would silently drop (a store plug-in, read-only CommitLog paths) is
 * refused instead.
 */
final class InertKeys {
    record Key(String name, String defaultValue, UnaryOperator<String> check, String reason) {
    }

    private static final Map<String, Key> KEYS = new TreeMap<>();

    static {
        String netty = "RocketMQ's Netty tuning; Sluice's remoting runs its codec on the I/O threads and hands requests to"
                + " the pools the *ThreadPoolNums keys size";
        String semaphore = "RocketMQ's cap on a process's own oneway and async calls in flight; Sluice does not cap them";
        key("serverWorkerThreads", "8", InertKeys::integer, netty);
        key("serverCallbackExecutorThreads", "0", InertKeys::integer, netty);
        key("serverOnewaySemaphoreValue", "256", InertKeys::integer, semaphore);
        key("serverAsyncSemaphoreValue", "64", InertKeys::integer, semaphore);
        key("clientWorkerThreads", "4", InertKeys::integer, netty);
        // mqadmin exportMetrics reports this one as the broker's CPU count, 4.9.7's default.
        key("clientCallbackExecutorThreads", String.valueOf(Runtime.getRuntime().availableProcessors()),
                InertKeys::integer, netty);
        key("clientOnewaySemaphoreValue", "65535", InertKeys::integer, semaphore);
        key("clientAsyncSemaphoreValue", "65535", InertKeys::integer, semaphore);
        key("channelNotActiveInterval", "60000", InertKeys::integer, "unused by RocketMQ 4.9.7 too");
        key("clientCloseSocketIfTimeout", "true", InertKeys::bool,
                "the broker's calls out keep their connection after a timeout");

        key("forceRegister", "true", InertKeys::bool,
                "every round registers in full, as forceRegister=true does; name servers keep only what changed");
        key("putMessageFutureThreadPoolNums", "2", InertKeys::integer,
                "appends complete on the store's own flush and replication threads");
        key("putThreadPoolQueueCapacity", "10000", InertKeys::integer, "see putMessageFutureThreadPoolNums");
        key("transferMsgByHeap", "true", InertKeys::bool,
                "Sluice chooses how pull answers are copied itself");
        key("flushConsumerOffsetHistoryInterval", "60000", InertKeys::integer, "unused by RocketMQ 4.9.7 too");
        key("maxDelayTime", "40", InertKeys::integer, "unused by RocketMQ 4.9.7 too");
        key("highSpeedMode", "false", InertKeys::bool, "unused by RocketMQ 4.9.7 too");
        key("autoDeleteUnusedStats", "false", InertKeys::bool,
                "a deleted topic's or group's statistics are always dropped with it");
        key("isolateLogEnable", "false", InertKeys::bool,
                "each broker on a host writes its logs where its SLUICE_LOG_DIR says");
        key("enableDetailStat", "true", InertKeys::bool, "per-topic and per-group statistics are always kept");
        for (String commercial : new String[] {"commercialBaseCount", "commercialBigCount", "commercialTimerCount",
                "commercialTransCount"}) {
            key(commercial, "1", InertKeys::integer, "Alibaba Cloud's billing statistics");
        }
        key("commercialEnable", "true", InertKeys::bool, "Alibaba Cloud's billing statistics");
        key("messageStorePlugIn", "", v -> only(v, "", "store plug-ins are not supported"), "it names no plug-in");
        key("rocketmqHome", System.getProperty("rocketmq.home.dir", System.getenv().getOrDefault("ROCKETMQ_HOME", "")),
                v -> v, "Sluice finds its files through its bin/ scripts, not ROCKETMQ_HOME");

        String filter = "RocketMQ's ConsumeQueue extension for bitmap filtering; Sluice filters by tag code and SQL92"
                + " on the message itself";
        key("enableConsumeQueueExt", "false", InertKeys::bool, filter);
        key("mappedFileSizeConsumeQueueExt", "50331648", InertKeys::integer, filter);
        key("bitMapLengthConsumeQueueExt", "64", InertKeys::integer, filter);
        key("enableCalcFilterBitMap", "false", InertKeys::bool, filter);
        key("expectConsumerNumUseFilter", "32", InertKeys::integer, filter);
        key("maxErrorRateOfBloomFilter", "20", InertKeys::integer, filter);
        key("filterDataCleanTimeSpan", "86400000", InertKeys::integer, filter);

        String index = "the key index is LMDB: no hash slots or entry limit, and what a crash loses of it is indexed"
                + " again from the CommitLog";
        key("maxHashSlotNum", "5000000", InertKeys::integer, index);
        key("maxIndexNum", "20000000", InertKeys::integer, index);
        key("messageIndexSafe", "false", InertKeys::bool, index);
        key("putMsgIndexHightWater", "600000", InertKeys::integer, "unused by RocketMQ 4.9.7 too");

        key("flushCommitLogTimed", "true", InertKeys::bool,
                "the CommitLog is forced every flushIntervalCommitLog whichever way the flusher waits");
        key("flushDelayOffsetInterval", "10000", InertKeys::integer,
                "delayOffset.json is saved after every delivery pass that moves it");
        key("flushLeastPagesWhenWarmMapedFile", "4096", InertKeys::integer,
                "new CommitLog pages are brought in ahead of the writer, never flushed early");
        key("fastFailIfNoBufferInStorePool", "false", InertKeys::bool,
                "with every pool buffer in use, new CommitLog files are written through their mapping");
        key("useReentrantLockWhenPutMessage", "true", InertKeys::bool, "appends take the store's own short lock");
        key("debugLockEnable", "false", InertKeys::bool, "see useReentrantLockWhenPutMessage");
        key("duplicationEnable", "false", InertKeys::bool, "a DLedger setting; DLedger is not supported");
        key("enableScheduleAsyncDeliver", "false", InertKeys::bool,
                "delayed messages are delivered by appends the store acknowledges, then the level's offset moves");
        key("scheduleAsyncDeliverMaxPendingLimit", "2000", InertKeys::integer, "see enableScheduleAsyncDeliver");
        key("scheduleAsyncDeliverMaxResendNum2Blocked", "3", InertKeys::integer, "see enableScheduleAsyncDeliver");
        key("enableScheduleMessageStats", "true", InertKeys::bool, "brokerStatus reports each delay level's offset, no delivery statistics");
        key("isEnableBatchPush", "false", InertKeys::bool, "a DLedger setting; DLedger is not supported");
        key("maxLmqConsumeQueueNum", "20000", InertKeys::integer, "light message queues are not supported");
        key("readOnlyCommitLogStorePaths", "",
                v -> only(v, "", "extra read-only CommitLog paths are not supported; their messages would not be read"),
                "it names no path");
    }

    private InertKeys() {
    }

    static Key get(String name) {
        return KEYS.get(name);
    }

    static Iterable<Key> all() {
        return KEYS.values();
    }

    private static void key(String name, String defaultValue, UnaryOperator<String> check, String reason) {
        KEYS.put(name, new Key(name, defaultValue, check, reason));
    }

    private static String integer(String v) {
        Long.parseLong(v); // a NumberFormatException names the value
        return v;
    }

    private static String bool(String v) {
        String lower = v.toLowerCase(Locale.ROOT);
        if (!lower.equals("true") && !lower.equals("false")) {
            throw new IllegalArgumentException("must be true or false");
        }
        return lower;
    }

    private static String only(String v, String allowed, String otherwise) {
        if (!v.equals(allowed)) {
            throw new IllegalArgumentException(otherwise);
        }
        return v;
    }
}
