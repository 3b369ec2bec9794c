package dev.sluice.jmh.store;

import dev.sluice.store.AppendRequest;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.mmap.MmapMessageStore;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.store.DefaultMessageStore;
import org.apache.rocketmq.store.MessageExtBrokerInner;
import org.apache.rocketmq.store.config.FlushDiskType;
import org.apache.rocketmq.store.config.MessageStoreConfig;
import org.apache.rocketmq.store.stats.BrokerStatsManager;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens Sluice's store and Apache RocketMQ 4.9.7's {@link DefaultMessageStore} with the same settings, and
 * builds the same message for both. Files are 256 MiB (instead of 1 GiB) so a run does not fill the disk, and
 * the transient pool holds 3 of them; everything else is each store's default.
 */
final class Peers {
    static final String TOPIC = "BenchmarkTest";
    static final String PROPERTIES = "TAGS\u0001TagA\u0002KEYS\u0001order-1\u0002UNIQ_KEY\u00017F0000010001B4AAC2A2";
    static final int FILE_SIZE = 256 << 20;
    static final int POOL_FILES = 3;

    private Peers() {
    }

    static MmapMessageStore sluice(Path dir, String flush, boolean transientStorePool) {
        StoreConfig config = StoreConfig.builder().storePathRootDir(dir)
                .set(StoreConfig.MAPPED_FILE_SIZE_COMMIT_LOG, String.valueOf(FILE_SIZE))
                .set(StoreConfig.FLUSH_DISK_TYPE, flush)
                .set(StoreConfig.TRANSIENT_STORE_POOL_ENABLE, String.valueOf(transientStorePool))
                .set(StoreConfig.TRANSIENT_STORE_POOL_SIZE, String.valueOf(POOL_FILES))
                .set(StoreConfig.MESSAGE_INDEX_ENABLE, "false")
                .build();
        return MmapMessageStore.open(config, StoreContext.defaults());
    }

    /** Apache's store and the stats manager that must be shut down with it (else its JVM lingers ~30 s). */
    record Apache(DefaultMessageStore store, BrokerStatsManager stats) {
        void close() {
            store.shutdown();
            store.destroy();
            stats.shutdown();
        }
    }

    static Apache apache(Path dir, String flush, boolean transientStorePool) throws IOException {
        MessageStoreConfig config = new MessageStoreConfig();
        config.setStorePathRootDir(dir.toString());
        config.setStorePathCommitLog(dir.resolve("commitlog").toString());
        config.setMappedFileSizeCommitLog(FILE_SIZE);
        config.setFlushDiskType(FlushDiskType.valueOf(flush));
        config.setTransientStorePoolEnable(transientStorePool);
        config.setTransientStorePoolSize(POOL_FILES);
        config.setMessageIndexEnable(false);
        BrokerStatsManager stats = new BrokerStatsManager("bench", false);
        DefaultMessageStore store = new DefaultMessageStore(config, stats, null, new BrokerConfig());
        if (!store.load()) {
            stats.shutdown();
            throw new IOException("Apache store did not load from " + dir);
        }
        try {
            store.start();
        } catch (Exception e) {
            throw new IOException("Apache store did not start: " + e, e);
        }
        return new Apache(store, stats);
    }

    static AppendRequest sluiceMessage(byte[] body, int queue) {
        return AppendRequest.of(TOPIC, queue, body, PROPERTIES, System.currentTimeMillis());
    }

    static MessageExtBrokerInner apacheMessage(byte[] body, int queue) {
        MessageExtBrokerInner m = new MessageExtBrokerInner();
        m.setTopic(TOPIC);
        m.setQueueId(queue);
        m.setBody(body);
        m.setPropertiesString(PROPERTIES);
        MessageAccessor.setProperties(m, MessageDecoder.string2messageProperties(PROPERTIES));
        m.setTagsCode(MessageExtBrokerInner.tagsString2tagsCode("TagA"));
        m.setBornTimestamp(System.currentTimeMillis());
        m.setBornHost(new InetSocketAddress("127.0.0.1", 40000));
        m.setStoreHost(new InetSocketAddress("127.0.0.1", 10911));
        return m;
    }
}
