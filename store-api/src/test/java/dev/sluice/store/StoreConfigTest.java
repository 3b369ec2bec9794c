package dev.sluice.store;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class StoreConfigTest {
    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void defaultsAreRocketMqs() {
        StoreConfig c = StoreConfig.builder().build();
        assertEquals(Path.of(System.getProperty("user.home"), "store"), c.storePathRootDir());
        assertEquals(c.storePathRootDir().resolve("commitlog"), c.storePathCommitLog());
        assertEquals(c.storePathRootDir().resolve("consumequeue"), c.storePathConsumeQueue());
        assertEquals(1073741824, c.mappedFileSizeCommitLog());
        assertEquals(6000000, c.mappedFileSizeConsumeQueue());
        assertEquals(4194304, c.maxMessageSize());
        assertEquals(FlushDiskType.ASYNC_FLUSH, c.flushDiskType());
        assertEquals(java.util.Set.of(4), c.deleteWhen());
        assertEquals(72, c.fileReservedTime());
        assertEquals(75, c.diskMaxUsedSpaceRatio());
        assertEquals(0.90, c.diskSpaceWarningLevelRatio());
        assertEquals(0.85, c.diskSpaceCleanForciblyRatio());
        assertEquals(120000, c.destroyMapedFileIntervalForcibly());
        assertEquals(5000, c.syncFlushTimeout());
    }

    @Test
    void anEmptyRootDirectoryIsAConfigErrorNamingIt() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> StoreConfig.fromProperties(props("storePathRootDir", " ")));
        assertTrue(e.getMessage().contains("storePathRootDir") && e.getMessage().contains("must not be empty"),
                e.getMessage());
        ConfigException built = assertThrows(ConfigException.class,
                () -> StoreConfig.builder().storePathRootDir(Path.of("")));
        assertEquals(e.getMessage(), built.getMessage(), "the builder refuses it as the property form does");
    }

    /** RocketMQ 4.9.7 reads only the canonical spelling: given both, that one wins, whatever the order of the lines. */
    @Test
    void givenBothSpellingsTheCanonicalOneWins() {
        for (String[] lines : new String[][] {
                {"mappedFileSizeCommitLog", "33554432", "mapedFileSizeCommitLog", "67108864"},
                {"mapedFileSizeCommitLog", "67108864", "mappedFileSizeCommitLog", "33554432"}}) {
            assertEquals(33554432, StoreConfig.fromProperties(props(lines)).mappedFileSizeCommitLog());
        }
        assertEquals(1200, StoreConfig.fromProperties(props("mapedFileSizeConsumeQueue", "600000",
                "mappedFileSizeConsumeQueue", "1200")).mappedFileSizeConsumeQueue());
    }

    @Test
    void bothSpellingsAndTheOldPathKeysAreHonoured() {
        StoreConfig c = StoreConfig.fromProperties(props(
                "storePathRootDir", "~/store-a",
                "mapedFileSizeCommitLog", "65536",
                "mapedFileSizeConsumeQueue", "300000",
                "destoryMapedFileIntervalForcibly", "5000",
                "storePathConsumerQueue", "/data/cq",
                "storePathIndex", "/data/idx",
                "storeCheckpoint", "/data/cp",
                "abortFile", "/data/abort",
                "deleteWhen", "01;02;03",
                "diskSpaceWarningLevelRatio", "95",
                "brokerName", "not-a-store-key"));
        assertEquals(Path.of(System.getProperty("user.home"), "store-a"), c.storePathRootDir());
        assertEquals(65536, c.mappedFileSizeCommitLog());
        assertEquals(300000, c.mappedFileSizeConsumeQueue());
        assertEquals(5000, c.destroyMapedFileIntervalForcibly());
        assertEquals(Path.of("/data/cq"), c.storePathConsumeQueue());
        assertEquals(Path.of("/data/idx"), c.storePathIndex());
        assertEquals(Path.of("/data/cp"), c.storeCheckpoint());
        assertEquals(Path.of("/data/abort"), c.abortFile());
        assertEquals(java.util.Set.of(1, 2, 3), c.deleteWhen());
        assertEquals(0.95, c.diskSpaceWarningLevelRatio(), 1e-9, "5.x writes these in percent");
        assertEquals(c.storePathRootDir().resolve("commitlog"), c.storePathCommitLog());
    }

    @Test
    void settingsAreWrittenBackAsRocketMqWritesThemAndReadAgainUnchanged() {
        StoreConfig config = StoreConfig.builder().set(StoreConfig.DELETE_WHEN, "1;13").build();
        Properties written = config.toProperties();
        assertEquals("01;13", written.getProperty("deleteWhen"));
        assertEquals("04", StoreConfig.builder().build().toProperties().getProperty("deleteWhen"));
        assertEquals("72", written.getProperty("fileReservedTime"));
        assertEquals(config.toProperties(), StoreConfig.fromProperties(written).toProperties());
    }

    @Test
    void onlyRetentionKeysAndMaxMessageSizeChangeWhileRunning() {
        for (String key : List.of("deleteWhen", "fileReservedTime", "diskMaxUsedSpaceRatio", "cleanFileForciblyEnable",
                "destroyMapedFileIntervalForcibly", "destoryMapedFileIntervalForcibly", "redeleteHangedFileInterval",
                "deleteCommitLogFilesInterval", "deleteConsumeQueueFilesInterval", "maxMessageSize")) {
            assertTrue(StoreConfig.isRuntimeKey(key), key);
        }
        for (String key : List.of("mappedFileSizeCommitLog", "storePathRootDir", "flushDiskType",
                "transientStorePoolEnable", "messageDelayLevel", "cleanResourceInterval", "noSuchKey")) {
            assertFalse(StoreConfig.isRuntimeKey(key), key);
        }
    }

    @Test
    void consumeQueueSizeRoundsUpToWholeUnits() {
        assertEquals(40, StoreConfig.builder().set("mappedFileSizeConsumeQueue", "21").build().mappedFileSizeConsumeQueue());
    }

    /** A warning level set below the forced-cleaning default brings that default down with it. */
    @Test
    void aLowWarningLevelAloneBringsForcedCleaningDownWithIt() {
        StoreConfig c = StoreConfig.fromProperties(props("diskSpaceWarningLevelRatio", "0.25"));
        assertEquals(0.25, c.diskSpaceWarningLevelRatio());
        assertEquals(0.25, c.diskSpaceCleanForciblyRatio());
        assertEquals(0.85, StoreConfig.fromProperties(props("diskSpaceWarningLevelRatio", "0.95"))
                .diskSpaceCleanForciblyRatio());
    }

    /** RocketMQ takes any diskMaxUsedSpaceRatio, reports it as given, and acts on it within 10..95. */
    @Test
    void diskMaxUsedSpaceRatioIsTakenAsGivenAndActedOnWithin10And95() {
        for (String[] givenActed : new String[][] {{"1", "10"}, {"-5", "10"}, {"42", "42"}, {"101", "95"}}) {
            StoreConfig c = StoreConfig.fromProperties(props("diskMaxUsedSpaceRatio", givenActed[0]));
            assertEquals(Integer.parseInt(givenActed[1]), c.diskMaxUsedSpaceRatio());
            assertEquals(givenActed[0], c.toProperties().getProperty("diskMaxUsedSpaceRatio"));
        }
    }

    @Test
    void badValuesNameTheKeyAndValue() {
        List<String[]> bad = List.of(
                new String[] {"mappedFileSizeCommitLog", "big"},
                new String[] {"mapedFileSizeCommitLog", "-1"},
                new String[] {"flushDiskType", "SOMETIMES"},
                new String[] {"deleteWhen", "25"},
                new String[] {"deleteWhen", "4am"},
                new String[] {"diskMaxUsedSpaceRatio", "most"},
                new String[] {"transientStorePoolEnable", "yes"},
                new String[] {"diskSpaceWarningLevelRatio", "0"});
        for (String[] kv : bad) {
            ConfigException e = assertThrows(ConfigException.class, () -> StoreConfig.fromProperties(props(kv[0], kv[1])));
            assertEquals(kv[0], e.key());
            assertTrue(e.getMessage().contains(kv[0]) && e.getMessage().contains(kv[1]), e.getMessage());
        }
        ConfigException order = assertThrows(ConfigException.class, () -> StoreConfig.fromProperties(
                props("diskSpaceCleanForciblyRatio", "0.95", "diskSpaceWarningLevelRatio", "0.90")));
        assertEquals("diskSpaceCleanForciblyRatio", order.key());
        // A remote operator's megabyte value comes back as its start and its length, not whole.
        String huge = "9".repeat(1 << 20);
        ConfigException tooLong = assertThrows(ConfigException.class, () -> StoreConfig.fromProperties(props("deleteWhen", huge)));
        assertTrue(tooLong.getMessage().startsWith("bad value for deleteWhen: '" + "9".repeat(200) + "...' (1048576 characters) ("),
                tooLong.getMessage());
        assertTrue(tooLong.getMessage().length() < 400, "message of " + tooLong.getMessage().length() + " characters");
    }

    @Test
    void everyOperatorSampleFileIsAccepted() throws IOException {
        Path samples = Path.of("..", "..", "shared", "conf-samples").toAbsolutePath().normalize();
        if (!Files.isDirectory(samples)) {
            samples = Path.of(System.getProperty("user.dir")).resolve("../../shared/conf-samples").normalize();
        }
        assertTrue(Files.isDirectory(samples), "conf samples at " + samples);
        List<Path> files;
        try (Stream<Path> s = Files.walk(samples)) {
            files = s.filter(p -> p.toString().endsWith(".properties") || p.toString().endsWith(".conf")).toList();
        }
        assertTrue(files.size() >= 10, "found " + files);
        for (Path f : files) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(f)) {
                p.load(r);
            }
            StoreConfig c = StoreConfig.fromProperties(p);
            if (p.containsKey("storePathCommitLog")) {
                assertFalse(c.storePathCommitLog().toString().contains("~"), f + ": ~ expanded");
            }
        }
        Properties full = new Properties();
        try (Reader r = Files.newBufferedReader(samples.resolve("full-reference.properties"))) {
            full.load(r);
        }
        StoreConfig c = StoreConfig.fromProperties(full);
        assertEquals(Path.of("/tmp/sluice-ref/store-a/consumequeue"), c.storePathConsumeQueue());
        assertEquals(300000, c.mappedFileSizeConsumeQueue());
        assertEquals(65536, c.maxMessageSize());
        assertEquals(FlushDiskType.SYNC_FLUSH, c.flushDiskType());
        assertEquals(88, c.diskMaxUsedSpaceRatio());
    }
}
