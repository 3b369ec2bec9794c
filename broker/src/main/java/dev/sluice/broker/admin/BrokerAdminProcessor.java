package dev.sluice.broker.admin;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.ha.ReplicationInfo;
import dev.sluice.broker.schedule.DelayOffsetTable;
import dev.sluice.broker.stats.BrokerStats;
import dev.sluice.broker.stats.RequestPool;
import dev.sluice.broker.topic.SystemTopics;
import dev.sluice.broker.topic.TopicTable;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.spi.DiskUsageProbe;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingCommandException;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.config.PropertiesFile;
import dev.sluice.remoting.json.Json;
import dev.sluice.store.ConfigException;
import dev.sluice.store.mmap.MmapMessageStore;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker as a whole: GET_BROKER_CONFIG, UPDATE_BROKER_CONFIG (e.g. brokerPermission for maintenance),
 * GET_BROKER_RUNTIME_INFO (clusterList, brokerStatus) and DELETE_EXPIRED_COMMITLOG.
 */
public final class BrokerAdminProcessor implements RequestProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerAdminProcessor.class);
    private static final String VERSION_DESC = "V4_9_7";

    private final BrokerConfig config;
    private final TopicTable topics;
    private final MmapMessageStore store;
    private final BrokerStats stats;
    private final Map<BrokerConfig.Pool, RequestPool> pools;
    private final File commitLogDir;
    private final File consumeQueueDir;
    private final ReplicationInfo replication;
    private final DelayOffsetTable delayOffsets;
    private final Path configFile;

    /** @param configFile the -c file that changes are saved into, as RocketMQ saves them; null when started without */
    public BrokerAdminProcessor(BrokerConfig config, TopicTable topics, MmapMessageStore store, BrokerStats stats,
                                Map<BrokerConfig.Pool, RequestPool> pools, File commitLogDir,
                                File consumeQueueDir, ReplicationInfo replication, DelayOffsetTable delayOffsets,
                                Path configFile) {
        this.config = config;
        this.topics = topics;
        this.store = store;
        this.stats = stats;
        this.pools = Map.copyOf(pools);
        this.commitLogDir = commitLogDir;
        this.consumeQueueDir = consumeQueueDir;
        this.replication = replication;
        this.delayOffsets = delayOffsets;
        this.configFile = configFile;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request) throws Exception {
        return switch (request.code()) {
            case RequestCode.GET_BROKER_CONFIG -> getConfig(request);
            case RequestCode.UPDATE_BROKER_CONFIG -> updateConfig(connection, request);
            case RequestCode.GET_BROKER_RUNTIME_INFO -> ok(request).setBody(Json.writeBytes(Map.of("table", runtimeInfo())));
            case RequestCode.DELETE_EXPIRED_COMMITLOG -> {
                store.requestDeletion();
                yield ok(request);
            }
            default -> throw new IllegalStateException("not registered for request code " + request.code());
        };
    }

    private RemotingCommand getConfig(RemotingCommand request) {
        StringBuilder body = new StringBuilder();
        config.effectiveSettings().forEach((k, v) -> body.append(k).append('=').append(v).append('\n'));
        return ok(request)
                .putExtField("version", Json.write(topics.dataVersion().toJson()))
                .setBody(body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Checks the change, saves it into the -c file (only the changed lines, so the next start keeps it) and then
     * applies what applies while running; the rest waits for the next start, as in RocketMQ. Without a -c file there
     * is nowhere to keep such keys, so they are refused. Synchronized: two updates must not interleave their
     * read-modify-write of the file.
     */
    private synchronized RemotingCommand updateConfig(RemotingConnection connection, RemotingCommand request)
            throws RemotingCommandException, IOException {
        if (request.body() == null) {
            return ok(request);
        }
        Properties changes = new Properties();
        changes.load(new StringReader(new String(request.body(), StandardCharsets.UTF_8)));
        int permissionBefore = config.brokerPermission();
        if (configFile != null && !Files.exists(configFile)) {
            // Created anew it would hold this key alone, and the next start would run on defaults for the rest.
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR, "the settings file " + configFile
                    + " this broker started from is gone (moved or deleted); nothing was changed: restore it first");
        }
        Properties saved;
        try {
            saved = configFile == null ? new Properties() : PropertiesFile.read(configFile);
        } catch (IOException e) {
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR,
                    "could not read the settings in " + configFile + ": " + e);
        }
        Set<String> nextStart;
        try {
            nextStart = config.check(changes, saved);
        } catch (ConfigException e) {
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR, e.getMessage());
        }
        if (!nextStart.isEmpty() && configFile == null) {
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR, String.join(", ", nextStart)
                    + " take effect at the next start only, and this broker was started without a -c file to save them"
                    + " into; edit the properties file");
        }
        if (configFile != null) {
            Map<String, String> values = new TreeMap<>();
            changes.stringPropertyNames().forEach(k -> values.put(k.trim(), changes.getProperty(k).trim()));
            try {
                PropertiesFile.update(configFile, values, BrokerConfig::canonicalName);
            } catch (IOException e) {
                LOG.error("could not save broker settings to {}", configFile, e);
                return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR,
                        "could not save the settings to " + configFile + ": " + e);
            }
        }
        config.update(changes);
        if (changes.stringPropertyNames().stream().anyMatch(k -> StoreConfig.isStoreKey(k.trim()))) {
            store.reconfigure(config.storeConfig());
        }
        LOG.info("broker config updated by {}: {}{}{}", connection.remoteAddress(), changes,
                configFile == null ? " (not saved: started without -c)" : ", saved to " + configFile,
                nextStart.isEmpty() ? "" : "; " + nextStart + " take effect at the next start");
        if (config.brokerPermission() != permissionBefore) {
            topics.touch();
        }
        return ok(request);
    }

    private Map<String, String> runtimeInfo() {
        Map<String, String> info = new TreeMap<>();
        info.put("brokerVersionDesc", VERSION_DESC);
        info.put("brokerVersion", String.valueOf(RemotingCommand.CURRENT_VERSION));
        info.put("putTps", stats.putTps());
        String outTps = stats.getTransferredTps();
        info.put("getTransferedTps", outTps);
        info.put("getTransferredTps", outTps);
        poolInfo(info, BrokerConfig.Pool.SEND, "sendThreadPoolQueue");
        poolInfo(info, BrokerConfig.Pool.PULL, "pullThreadPoolQueue");
        poolInfo(info, BrokerConfig.Pool.QUERY, "queryThreadPoolQueue");
        RequestPool transactions = pools.get(BrokerConfig.Pool.END_TRANSACTION);
        info.put("EndTransactionQueueSize", String.valueOf(transactions.getQueue().size()));
        info.put("EndTransactionThreadPoolQueueCapacity",
                String.valueOf(config.queueCapacity(BrokerConfig.Pool.END_TRANSACTION)));
        info.putAll(stats.storeRuntimeInfo());
        info.put("startAcceptSendRequestTimeStamp", String.valueOf(config.startAcceptSendRequestTimeStamp()));
        // Sluice dispatches straight from the mapped CommitLog, with no buffer to report.
        info.put("dispatchMaxBuffer", "0");
        int freePoolBuffers = store.freePoolBuffers();
        info.put("remainTransientStoreBufferNumbs", String.valueOf(freePoolBuffers));
        if (freePoolBuffers != Integer.MAX_VALUE) {
            info.put("remainHowManyDataToCommit", humanReadable(store.uncommittedBytes()));
        }
        info.put("remainHowManyDataToFlush", humanReadable(store.unflushedBytes()));
        info.put("commitLogDirCapacity", String.format(Locale.ROOT, "Total : %s, Free : %s.",
                humanReadable(commitLogDir.getTotalSpace()), humanReadable(commitLogDir.getUsableSpace())));
        info.put("pageCacheLockTimeMills", String.valueOf(store.appendLockHeldMillis()));
        info.put("earliestMessageTimeStamp", String.valueOf(store.earliestMessageTime()));
        String commitLogRatio = String.format(Locale.ROOT, "%.2f", diskRatio(commitLogDir));
        info.put("commitLogDiskRatio", commitLogRatio);
        // RocketMQ also reports each CommitLog path's ratio under its own key; Sluice has one path.
        info.put("commitLogDiskRatio_" + commitLogDir, commitLogRatio);
        info.put("consumeQueueDiskRatio", String.format(Locale.ROOT, "%.2f", diskRatio(consumeQueueDir)));
        info.put("putMessageAverageSize", String.valueOf(stats.putMessageAverageSize()));
        info.put("commitLogMinOffset", String.valueOf(store.minCommitLogOffset()));
        info.put("commitLogMaxOffset", String.valueOf(store.maxCommitLogOffset()));
        info.put("dispatchBehindBytes", String.valueOf(store.maxCommitLogOffset() - store.dispatchedOffset()));
        info.put("msgPutTotalTodayNow", String.valueOf(stats.putTotal()));
        info.put("msgGetTotalTodayNow", String.valueOf(stats.gotTotal()));
        info.put("msgPutTotalTodayMorning", String.valueOf(stats.putTodayMorning()));
        info.put("msgGetTotalTodayMorning", String.valueOf(stats.gotTodayMorning()));
        info.put("msgPutTotalYesterdayMorning", String.valueOf(stats.putYesterdayMorning()));
        info.put("msgGetTotalYesterdayMorning", String.valueOf(stats.gotYesterdayMorning()));
        info.put("brokerActive", "true");
        // As RocketMQ's schedule service reports each delay level it has progress for: "next offset,max offset".
        delayOffsets.snapshot().forEach((level, next) -> info.put("scheduleMessageOffset_" + level,
                next + "," + store.maxQueueOffset(SystemTopics.SCHEDULE, level - 1)));
        replication.addTo(info);
        return info;
    }

    private void poolInfo(Map<String, String> info, BrokerConfig.Pool pool, String prefix) {
        RequestPool executor = pools.get(pool);
        info.put(prefix + "Size", String.valueOf(executor.getQueue().size()));
        info.put(prefix + "Capacity", String.valueOf(config.queueCapacity(pool)));
        info.put(prefix + "HeadWaitTimeMills", String.valueOf(executor.headWaitMillis()));
    }

    /** Bytes as RocketMQ prints them in runtime info: "512 B", "1.5 KiB", "20.0 GiB". */
    static String humanReadable(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int exp = (63 - Long.numberOfLeadingZeros(bytes)) / 10;
        return String.format(Locale.ROOT, "%.1f %siB", bytes / Math.pow(1024, exp), "KMGTPE".charAt(exp - 1));
    }

    /** Used fraction of the directory's partition as retention reads it, rounded up to two decimals as RocketMQ. */
    private static double diskRatio(File dir) {
        double used = DiskUsageProbe.FILE_SYSTEM.usedRatio(dir.toPath());
        return used < 0 ? 0 : Math.ceil(used * 100) / 100;
    }

    private static RemotingCommand ok(RemotingCommand request) {
        return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
    }
}
