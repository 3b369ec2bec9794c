package dev.sluice.store;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Store configuration under Apache RocketMQ's property names and defaults. Immutable; build it with
 * {@link #builder()} or {@link #fromProperties(Properties)}. Every value is validated when set, and a bad
 * one raises a {@link ConfigException} that names the key.
 *
 * <p>Both spellings found in operators' files are accepted ({@code mapedFileSizeCommitLog} and
 * {@code mappedFileSizeCommitLog}, {@code destoryMapedFileIntervalForcibly} and
 * {@code destroyMapedFileIntervalForcibly}, {@code storePathConsumerQueue} and {@code storePathConsumeQueue}),
 * and the per-path keys {@code storePathConsumeQueue}, {@code storePathIndex}, {@code storeCheckpoint} and
 * {@code abortFile} are honoured (Apache 4.x ignores them). A path starting with {@code ~} is in the
 * user's home.
 */
public final class StoreConfig {

    /** One configuration key: canonical name, accepted aliases, default, parser/validator, meaning. */
    public record Key(String name, List<String> aliases, String defaultValue, Function<String, Object> parser,
                      String doc) {
    }

    private static final Map<String, Key> KEYS = new LinkedHashMap<>();
    private static final Map<String, Key> BY_ANY_NAME = new LinkedHashMap<>();

    public static final String STORE_PATH_ROOT_DIR = define("storePathRootDir", "~/store", StoreConfig::rootPath,
            "root of every store file");
    public static final String STORE_PATH_COMMIT_LOG = define("storePathCommitLog", "", StoreConfig::path,
            "CommitLog directory (default <root>/commitlog)");
    public static final String STORE_PATH_CONSUME_QUEUE = define("storePathConsumeQueue", "", StoreConfig::path,
            "ConsumeQueue directory (default <root>/consumequeue)", "storePathConsumerQueue");
    public static final String STORE_PATH_INDEX = define("storePathIndex", "", StoreConfig::path,
            "key index directory (default <root>/index)");
    public static final String STORE_CHECKPOINT = define("storeCheckpoint", "", StoreConfig::path,
            "checkpoint file (default <root>/checkpoint)");
    public static final String ABORT_FILE = define("abortFile", "", StoreConfig::path,
            "abort marker file (default <root>/abort)");
    public static final String MAPPED_FILE_SIZE_COMMIT_LOG = define("mappedFileSizeCommitLog", "1073741824",
            v -> intAtLeast(v, 4096), "bytes per CommitLog file", "mapedFileSizeCommitLog");
    public static final String MAPPED_FILE_SIZE_CONSUME_QUEUE = define("mappedFileSizeConsumeQueue", "6000000",
            v -> intAtLeast(v, 20), "bytes per ConsumeQueue file, rounded up to 20-byte units",
            "mapedFileSizeConsumeQueue");
    public static final String MAX_MESSAGE_SIZE = define("maxMessageSize", "4194304", v -> intAtLeast(v, 1),
            "largest message body in bytes");
    public static final String FLUSH_DISK_TYPE = define("flushDiskType", "ASYNC_FLUSH",
            v -> enumValue(FlushDiskType.class, v), "ASYNC_FLUSH or SYNC_FLUSH");
    public static final String FLUSH_INTERVAL_COMMIT_LOG = define("flushIntervalCommitLog", "500",
            v -> longAtLeast(v, 1), "ms between async CommitLog flushes");
    public static final String FLUSH_COMMIT_LOG_LEAST_PAGES = define("flushCommitLogLeastPages", "4",
            v -> intAtLeast(v, 0), "dirty 4 KiB pages needed for an async CommitLog flush");
    public static final String FLUSH_COMMIT_LOG_THOROUGH_INTERVAL = define("flushCommitLogThoroughInterval",
            "10000", v -> longAtLeast(v, 0), "ms after which everything dirty is flushed");
    public static final String FLUSH_INTERVAL_CONSUME_QUEUE = define("flushIntervalConsumeQueue", "1000",
            v -> longAtLeast(v, 1), "ms between ConsumeQueue flushes");
    public static final String FLUSH_CONSUME_QUEUE_LEAST_PAGES = define("flushConsumeQueueLeastPages", "2",
            v -> intAtLeast(v, 0), "dirty 4 KiB pages needed for a ConsumeQueue flush");
    public static final String FLUSH_CONSUME_QUEUE_THOROUGH_INTERVAL = define("flushConsumeQueueThoroughInterval",
            "60000", v -> longAtLeast(v, 0), "ms after which every dirty ConsumeQueue page is flushed");
    public static final String SYNC_FLUSH_TIMEOUT = define("syncFlushTimeout", "5000", v -> longAtLeast(v, 1),
            "ms a SYNC_FLUSH append waits before FLUSH_DISK_TIMEOUT");
    public static final String TRANSIENT_STORE_POOL_ENABLE = define("transientStorePoolEnable", "false",
            StoreConfig::bool, "write into off-heap buffers committed to the file channel");
    public static final String TRANSIENT_STORE_POOL_SIZE = define("transientStorePoolSize", "5",
            v -> intAtLeast(v, 1), "off-heap write buffers (one CommitLog file each)");
    public static final String COMMIT_INTERVAL_COMMIT_LOG = define("commitIntervalCommitLog", "200",
            v -> longAtLeast(v, 1), "ms between commits of the off-heap buffer");
    public static final String COMMIT_COMMIT_LOG_LEAST_PAGES = define("commitCommitLogLeastPages", "4",
            v -> intAtLeast(v, 0), "pages needed for a commit of the off-heap buffer");
    public static final String COMMIT_COMMIT_LOG_THOROUGH_INTERVAL = define("commitCommitLogThoroughInterval",
            "200", v -> longAtLeast(v, 0), "ms after which the whole off-heap buffer is committed");
    public static final String DELETE_WHEN = define("deleteWhen", "04", StoreConfig::hours,
            "hours of the day (00-23, ';'-separated) when expired files are deleted");
    public static final String FILE_RESERVED_TIME = define("fileReservedTime", "72", v -> intAtLeast(v, 0),
            "hours a CommitLog file is kept after its last modification");
    /** Any integer is taken, as RocketMQ takes it, and acted on within 10..95. */
    public static final String DISK_MAX_USED_SPACE_RATIO = define("diskMaxUsedSpaceRatio", "75",
            v -> intBetween(v, Integer.MIN_VALUE, Integer.MAX_VALUE),
            "disk use in percent above which expired files go at any hour (acted on within 10..95)");
    /** RocketMQ 4.9 reads these two only as system properties (rocketmq.broker.*): those give the defaults. */
    public static final String DISK_SPACE_WARNING_LEVEL_RATIO = define("diskSpaceWarningLevelRatio",
            System.getProperty("rocketmq.broker.diskSpaceWarningLevelRatio", "0.90"),
            StoreConfig::ratio, "disk use above which appends are refused (fraction, or percent)");
    public static final String DISK_SPACE_CLEAN_FORCIBLY_RATIO = define("diskSpaceCleanForciblyRatio",
            System.getProperty("rocketmq.broker.diskSpaceCleanForciblyRatio", "0.85"),
            StoreConfig::ratio, "disk use above which files go even before their reserved time");
    public static final String CLEAN_FILE_FORCIBLY_ENABLE = define("cleanFileForciblyEnable", "true",
            StoreConfig::bool, "allow deleting unexpired files when the disk is nearly full");
    public static final String DESTROY_MAPED_FILE_INTERVAL_FORCIBLY = define("destroyMapedFileIntervalForcibly",
            "120000", v -> longAtLeast(v, 0), "ms after which a file still in use is destroyed anyway",
            "destoryMapedFileIntervalForcibly");
    public static final String REDELETE_HANGED_FILE_INTERVAL = define("redeleteHangedFileInterval", "120000",
            v -> longAtLeast(v, 0), "ms between retries of a file whose deletion hung");
    public static final String CLEAN_RESOURCE_INTERVAL = define("cleanResourceInterval", "10000",
            v -> longAtLeast(v, 1), "ms between retention passes");
    public static final String DELETE_COMMIT_LOG_FILES_INTERVAL = define("deleteCommitLogFilesInterval", "100",
            v -> longAtLeast(v, 0), "ms pause between two CommitLog file deletions");
    public static final String DELETE_CONSUME_QUEUE_FILES_INTERVAL = define("deleteConsumeQueueFilesInterval",
            "100", v -> longAtLeast(v, 0), "ms pause between two ConsumeQueue file deletions");
    public static final String WARM_MAPED_FILE_ENABLE = define("warmMapedFileEnable", "false", StoreConfig::bool,
            "write zeros through new CommitLog files: a full disk then fails file creation, not a write;"
                    + " otherwise files are sparse and diskSpaceWarningLevelRatio guards the disk",
            "warmMappedFileEnable");
    public static final String CHECK_CRC_ON_RECOVER = define("checkCRCOnRecover", "true", StoreConfig::bool,
            "verify body CRCs while recovering after a crash");
    public static final String MESSAGE_INDEX_ENABLE = define("messageIndexEnable", "true", StoreConfig::bool,
            "index message keys and ids");
    public static final String MESSAGE_INDEX_MAP_SIZE = define("messageIndexMapSize", "67108864",
            v -> longAtLeast(v, 1 << 16), "bytes the key index maps at first; the map doubles whenever it fills");

    public static final String MESSAGE_DELAY_LEVEL = define("messageDelayLevel", DelayLevels.DEFAULT, DelayLevels::parse,
            "delay of each level of delayed messages, e.g. \"1s 5s 1m 2h\" (units s, m, h, d); sets the tag code"
                    + " of SCHEDULE_TOPIC_XXXX's ConsumeQueue (due time) and when the broker delivers them");

    /**
     * Keys a running store takes through {@link MessageStore#reconfigure}: retention's and maxMessageSize, which
     * RocketMQ reads afresh on every clean pass or put, so an operator's updateBrokerConfig applies at once.
     */
    private static final Set<String> RUNTIME = Set.of(DELETE_WHEN, FILE_RESERVED_TIME, DISK_MAX_USED_SPACE_RATIO,
            DISK_SPACE_WARNING_LEVEL_RATIO, DISK_SPACE_CLEAN_FORCIBLY_RATIO, CLEAN_FILE_FORCIBLY_ENABLE,
            DESTROY_MAPED_FILE_INTERVAL_FORCIBLY, REDELETE_HANGED_FILE_INTERVAL, DELETE_COMMIT_LOG_FILES_INTERVAL,
            DELETE_CONSUME_QUEUE_FILES_INTERVAL, MAX_MESSAGE_SIZE);

    private final Map<String, Object> values;
    private final byte[] storeHost;
    private final int storePort;

    private StoreConfig(Map<String, Object> values, byte[] storeHost, int storePort) {
        this.values = values;
        this.storeHost = storeHost;
        this.storePort = storePort;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads every store key (either spelling) from a RocketMQ properties file; other keys are left
     * for the caller (see {@link #isStoreKey}).
     */
    public static StoreConfig fromProperties(Properties properties) {
        Builder b = builder();
        // Other spellings first, so that a file giving both takes the canonical one, the only one RocketMQ reads.
        for (boolean canonical : new boolean[] {false, true}) {
            for (String name : properties.stringPropertyNames()) {
                if (isStoreKey(name) && BY_ANY_NAME.get(name).name().equals(name) == canonical) {
                    b.set(name, properties.getProperty(name));
                }
            }
        }
        return b.build();
    }

    /** Whether a property name (either spelling) is a store key. */
    public static boolean isStoreKey(String name) {
        return BY_ANY_NAME.containsKey(name);
    }

    /** Whether a running store applies a change of this key (either spelling) at once; see {@link MessageStore#reconfigure}. */
    public static boolean isRuntimeKey(String name) {
        Key key = BY_ANY_NAME.get(name);
        return key != null && RUNTIME.contains(key.name());
    }

    /** Every key, canonical names first, in definition order. */
    public static List<Key> keys() {
        return List.copyOf(KEYS.values());
    }

    /** The effective configuration under canonical names, paths resolved. */
    public Properties toProperties() {
        Properties p = new Properties();
        // deleteWhen's hours are a set: written back as RocketMQ writes them, "04" or "01;13".
        values.forEach((k, v) -> p.setProperty(k, v instanceof Set<?> hours
                ? hours.stream().map(h -> String.format(Locale.ROOT, "%02d", h)).collect(Collectors.joining(";"))
                : String.valueOf(v)));
        return p;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.values.putAll(values);
        b.storeHost = storeHost;
        b.storePort = storePort;
        return b;
    }

    public Path storePathRootDir() {
        return (Path) values.get(STORE_PATH_ROOT_DIR);
    }

    public Path storePathCommitLog() {
        return (Path) values.get(STORE_PATH_COMMIT_LOG);
    }

    public Path storePathConsumeQueue() {
        return (Path) values.get(STORE_PATH_CONSUME_QUEUE);
    }

    public Path storePathIndex() {
        return (Path) values.get(STORE_PATH_INDEX);
    }

    public Path storeCheckpoint() {
        return (Path) values.get(STORE_CHECKPOINT);
    }

    public Path abortFile() {
        return (Path) values.get(ABORT_FILE);
    }

    public int mappedFileSizeCommitLog() {
        return (Integer) values.get(MAPPED_FILE_SIZE_COMMIT_LOG);
    }

    /** ConsumeQueue file size, a multiple of the 20-byte unit. */
    public int mappedFileSizeConsumeQueue() {
        int size = (Integer) values.get(MAPPED_FILE_SIZE_CONSUME_QUEUE);
        return (size + 19) / 20 * 20;
    }

    public int maxMessageSize() {
        return (Integer) values.get(MAX_MESSAGE_SIZE);
    }

    public FlushDiskType flushDiskType() {
        return (FlushDiskType) values.get(FLUSH_DISK_TYPE);
    }

    public long flushIntervalCommitLog() {
        return (Long) values.get(FLUSH_INTERVAL_COMMIT_LOG);
    }

    public int flushCommitLogLeastPages() {
        return (Integer) values.get(FLUSH_COMMIT_LOG_LEAST_PAGES);
    }

    public long flushCommitLogThoroughInterval() {
        return (Long) values.get(FLUSH_COMMIT_LOG_THOROUGH_INTERVAL);
    }

    public long flushIntervalConsumeQueue() {
        return (Long) values.get(FLUSH_INTERVAL_CONSUME_QUEUE);
    }

    public int flushConsumeQueueLeastPages() {
        return (Integer) values.get(FLUSH_CONSUME_QUEUE_LEAST_PAGES);
    }

    public long flushConsumeQueueThoroughInterval() {
        return (Long) values.get(FLUSH_CONSUME_QUEUE_THOROUGH_INTERVAL);
    }

    public long syncFlushTimeout() {
        return (Long) values.get(SYNC_FLUSH_TIMEOUT);
    }

    public boolean transientStorePoolEnable() {
        return (Boolean) values.get(TRANSIENT_STORE_POOL_ENABLE);
    }

    public int transientStorePoolSize() {
        return (Integer) values.get(TRANSIENT_STORE_POOL_SIZE);
    }

    public long commitIntervalCommitLog() {
        return (Long) values.get(COMMIT_INTERVAL_COMMIT_LOG);
    }

    public int commitCommitLogLeastPages() {
        return (Integer) values.get(COMMIT_COMMIT_LOG_LEAST_PAGES);
    }

    public long commitCommitLogThoroughInterval() {
        return (Long) values.get(COMMIT_COMMIT_LOG_THOROUGH_INTERVAL);
    }

    /** Hours of the day (0-23) at which expired files are deleted. */
    @SuppressWarnings("unchecked")
    public Set<Integer> deleteWhen() {
        return (Set<Integer>) values.get(DELETE_WHEN);
    }

    public int fileReservedTime() {
        return (Integer) values.get(FILE_RESERVED_TIME);
    }

    /** In percent, as RocketMQ writes it, within 10..95 whatever was set (as RocketMQ acts on it). */
    public int diskMaxUsedSpaceRatio() {
        return Math.max(10, Math.min(95, (Integer) values.get(DISK_MAX_USED_SPACE_RATIO)));
    }

    /** As a fraction 0..1. */
    public double diskSpaceWarningLevelRatio() {
        return (Double) values.get(DISK_SPACE_WARNING_LEVEL_RATIO);
    }

    /** As a fraction 0..1. */
    public double diskSpaceCleanForciblyRatio() {
        return (Double) values.get(DISK_SPACE_CLEAN_FORCIBLY_RATIO);
    }

    public boolean cleanFileForciblyEnable() {
        return (Boolean) values.get(CLEAN_FILE_FORCIBLY_ENABLE);
    }

    public long destroyMapedFileIntervalForcibly() {
        return (Long) values.get(DESTROY_MAPED_FILE_INTERVAL_FORCIBLY);
    }

    public long redeleteHangedFileInterval() {
        return (Long) values.get(REDELETE_HANGED_FILE_INTERVAL);
    }

    public long cleanResourceInterval() {
        return (Long) values.get(CLEAN_RESOURCE_INTERVAL);
    }

    public long deleteCommitLogFilesInterval() {
        return (Long) values.get(DELETE_COMMIT_LOG_FILES_INTERVAL);
    }

    public long deleteConsumeQueueFilesInterval() {
        return (Long) values.get(DELETE_CONSUME_QUEUE_FILES_INTERVAL);
    }

    public boolean warmMapedFileEnable() {
        return (Boolean) values.get(WARM_MAPED_FILE_ENABLE);
    }

    public boolean checkCRCOnRecover() {
        return (Boolean) values.get(CHECK_CRC_ON_RECOVER);
    }

    public DelayLevels messageDelayLevel() {
        return (DelayLevels) values.get(MESSAGE_DELAY_LEVEL);
    }

    public boolean messageIndexEnable() {
        return (Boolean) values.get(MESSAGE_INDEX_ENABLE);
    }

    public long messageIndexMapSize() {
        return (Long) values.get(MESSAGE_INDEX_MAP_SIZE);
    }

    /** Address written as STOREHOST into every record: 4 or 16 bytes. */
    public byte[] storeHost() {
        return storeHost.clone();
    }

    /** Port written as STOREHOST port into every record. */
    public int storePort() {
        return storePort;
    }

    /** Collects values; {@link #build()} resolves derived paths. */
    public static final class Builder {
        private final Map<String, Object> values = new LinkedHashMap<>();
        private byte[] storeHost = {127, 0, 0, 1};
        private int storePort = 10911;

        private Builder() {
        }

        /**
         * Sets a key by any of its names from its text form.
         *
         * @throws ConfigException when the key is unknown or the value invalid
         */
        public Builder set(String name, String value) {
            Key key = BY_ANY_NAME.get(name);
            if (key == null) {
                throw new ConfigException(name, value, "not a store key");
            }
            String trimmed = value == null ? "" : value.trim();
            try {
                values.put(key.name(), key.parser().apply(trimmed));
            } catch (ConfigException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new ConfigException(name, trimmed, e.getMessage() == null ? e.toString() : e.getMessage());
            }
            return this;
        }

        /** Shorthand for {@code set(STORE_PATH_ROOT_DIR, root)}; an empty path is refused as the property is. */
        public Builder storePathRootDir(Path root) {
            if (root.toString().isEmpty()) {
                throw new ConfigException(STORE_PATH_ROOT_DIR, "", "must not be empty");
            }
            values.put(STORE_PATH_ROOT_DIR, root.toAbsolutePath());
            return this;
        }

        /** The STOREHOST written into records: the broker's reachable address and listen port. */
        public Builder storeHost(byte[] address, int port) {
            if (address.length != 4 && address.length != 16) {
                throw new ConfigException("storeHost", java.util.Arrays.toString(address), "need 4 or 16 bytes");
            }
            if (port < 0 || port > 65535) {
                throw new ConfigException("listenPort", String.valueOf(port), "not a port");
            }
            this.storeHost = address.clone();
            this.storePort = port;
            return this;
        }

        public StoreConfig build() {
            Map<String, Object> resolved = new LinkedHashMap<>();
            for (Key key : KEYS.values()) {
                resolved.put(key.name(), values.containsKey(key.name())
                        ? values.get(key.name()) : key.parser().apply(key.defaultValue()));
            }
            Path root = (Path) resolved.get(STORE_PATH_ROOT_DIR);
            defaultPath(resolved, STORE_PATH_COMMIT_LOG, root.resolve("commitlog"));
            defaultPath(resolved, STORE_PATH_CONSUME_QUEUE, root.resolve("consumequeue"));
            defaultPath(resolved, STORE_PATH_INDEX, root.resolve("index"));
            defaultPath(resolved, STORE_CHECKPOINT, root.resolve("checkpoint"));
            defaultPath(resolved, ABORT_FILE, root.resolve("abort"));
            double warn = (Double) resolved.get(DISK_SPACE_WARNING_LEVEL_RATIO);
            double clean = (Double) resolved.get(DISK_SPACE_CLEAN_FORCIBLY_RATIO);
            if (clean > warn && !values.containsKey(DISK_SPACE_CLEAN_FORCIBLY_RATIO)) {
                // Only the warning level was lowered: forced cleaning starts there too, or appends would stop
                // before it ever began.
                clean = warn;
                resolved.put(DISK_SPACE_CLEAN_FORCIBLY_RATIO, warn);
            }
            if (clean > warn) {
                throw new ConfigException(DISK_SPACE_CLEAN_FORCIBLY_RATIO, String.valueOf(clean),
                        "must not exceed " + DISK_SPACE_WARNING_LEVEL_RATIO + " " + warn);
            }
            return new StoreConfig(Collections.unmodifiableMap(resolved), storeHost, storePort);
        }

        private static void defaultPath(Map<String, Object> resolved, String key, Path value) {
            if (resolved.get(key) == null) {
                resolved.put(key, value);
            }
        }
    }

    private static String define(String name, String defaultValue, Function<String, Object> parser, String doc,
                                 String... aliases) {
        Key key = new Key(name, List.of(aliases), defaultValue, parser, doc);
        KEYS.put(name, key);
        BY_ANY_NAME.put(name, key);
        for (String alias : aliases) {
            BY_ANY_NAME.put(alias, key);
        }
        return name;
    }

    /** The other paths default to places under it when empty; it has nothing to default to. */
    private static Object rootPath(String v) {
        if (v.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return path(v);
    }

    private static Object path(String v) {
        if (v.isEmpty()) {
            return null;
        }
        String expanded = v.startsWith("~") ? System.getProperty("user.home") + v.substring(1) : v;
        return Paths.get(expanded).toAbsolutePath().normalize();
    }

    private static Object intAtLeast(String v, int min) {
        return intBetween(v, min, Integer.MAX_VALUE);
    }

    private static Object intBetween(String v, int min, int max) {
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an integer");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(max == Integer.MAX_VALUE
                    ? "must be at least " + min : "must be between " + min + " and " + max);
        }
        return n;
    }

    private static Object longAtLeast(String v, long min) {
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an integer");
        }
        if (n < min) {
            throw new IllegalArgumentException("must be at least " + min);
        }
        return n;
    }

    private static Object bool(String v) {
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("must be true or false");
    }

    /** A fraction 0..1, or a percentage above 1 as RocketMQ 5.x writes these keys. */
    private static Object ratio(String v) {
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number");
        }
        if (d > 1) {
            d = d / 100;
        }
        if (!(d > 0 && d <= 1)) {
            throw new IllegalArgumentException("must be a fraction in (0, 1] or a percentage in (1, 100]");
        }
        return d;
    }

    private static Object hours(String v) {
        Set<Integer> hours = new TreeSet<>();
        for (String part : v.split(";")) {
            String h = part.trim();
            if (h.isEmpty()) {
                continue;
            }
            hours.add((Integer) intBetween(h, 0, 23));
        }
        if (hours.isEmpty()) {
            throw new IllegalArgumentException("needs at least one hour 00-23");
        }
        return Collections.unmodifiableSet(hours);
    }

    private static <E extends Enum<E>> Object enumValue(Class<E> type, String v) {
        try {
            return Enum.valueOf(type, v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be one of " + java.util.Arrays.toString(type.getEnumConstants()));
        }
    }
}
