package dev.sluice.broker.stats;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Message counters for mqadmin's clusterList, brokerStatus, consumerProgress and statsAll: totals, today/yesterday
 * totals, rates over the last 10 s, 1 min and 10 min, and RocketMQ's named stats (VIEW_BROKER_STATS_DATA) over the last
 * minute, hour and day: messages and bytes put per topic, got per topic@group, and put and got by the whole broker.
 * {@link #sample()} runs once a second.
 */
public final class BrokerStats {
    private static final int TEN_MINUTES = 600;
    private static final int MINUTE = 60;
    public static final String TOPIC_PUT_NUMS = "TOPIC_PUT_NUMS";
    public static final String TOPIC_PUT_SIZE = "TOPIC_PUT_SIZE";
    public static final String GROUP_GET_NUMS = "GROUP_GET_NUMS";
    public static final String GROUP_GET_SIZE = "GROUP_GET_SIZE";
    public static final String BROKER_PUT_NUMS = "BROKER_PUT_NUMS";
    public static final String BROKER_GET_NUMS = "BROKER_GET_NUMS";

    private final Clock clock;
    private final LongAdder put = new LongAdder();
    private final LongAdder got = new LongAdder();
    private final LongAdder putBytes = new LongAdder();
    private final RateRing putRing = new RateRing(TEN_MINUTES);
    private final RateRing gotRing = new RateRing(TEN_MINUTES);
    private final long bootMillis;
    private final LongAdder putFailed = new LongAdder();
    private final PutLatency putLatency = new PutLatency();
    private final LongAdder pullsFound = new LongAdder();
    private final LongAdder pullsMissed = new LongAdder();
    private final LongAccumulator pullMaxMillis = new LongAccumulator(Math::max, 0);
    private final RateRing foundRing = new RateRing(TEN_MINUTES);
    private final RateRing missedRing = new RateRing(TEN_MINUTES);
    private final RateRing pullRing = new RateRing(TEN_MINUTES);
    private long lastMinute;
    private final Map<String, WindowedCount> topicPutNums = new ConcurrentHashMap<>();
    private final Map<String, WindowedCount> topicPutSize = new ConcurrentHashMap<>();
    private final Map<String, WindowedCount> groupGetNums = new ConcurrentHashMap<>();
    private final Map<String, WindowedCount> groupGetSize = new ConcurrentHashMap<>();
    /** RocketMQ's stats names, each by its key. */
    private final Map<String, Map<String, WindowedCount>> named;
    private final WindowedCount brokerPut;
    private final WindowedCount brokerGot;
    private long lastWindowSample;
    private LocalDate today;
    private long putTodayMorning;
    private long gotTodayMorning;
    private long putYesterdayMorning;
    private long gotYesterdayMorning;

    /** @param clusterName the key of BROKER_PUT_NUMS and BROKER_GET_NUMS, as in RocketMQ */
    public BrokerStats(Clock clock, String clusterName) {
        this.clock = clock;
        this.bootMillis = clock.millis();
        this.lastMinute = bootMillis;
        this.today = LocalDate.now(clock.withZone(ZoneId.systemDefault()));
        this.brokerPut = new WindowedCount(clock.millis());
        this.brokerGot = new WindowedCount(clock.millis());
        this.named = Map.of(TOPIC_PUT_NUMS, topicPutNums, TOPIC_PUT_SIZE, topicPutSize, GROUP_GET_NUMS, groupGetNums,
                GROUP_GET_SIZE, groupGetSize, BROKER_PUT_NUMS, Map.of(clusterName, brokerPut),
                BROKER_GET_NUMS, Map.of(clusterName, brokerGot));
        sample();
    }

    /**
     * A client's put request stored {@code count} messages, {@code bytes} in all, on {@code topic} (statsAll's
     * figures; the store's own totals count at {@link #stored}).
     */
    public void messagesPut(String topic, int count, int bytes) {
        brokerPut.add(count);
        count(topicPutNums, topic, count);
        count(topicPutSize, topic, bytes);
    }

    /** The store took a message ({@code bytes} its record), from whichever writer: brokerStatus's puts. */
    public void stored(int bytes) {
        put.increment();
        putBytes.add(bytes);
    }

    /**
     * A pull handed {@code count} messages, {@code bytes} in all, from a topic to a consumer group (retry topics
     * included, as RocketMQ counts them).
     */
    public void messagesGot(String topic, String group, int count, int bytes) {
        got.add(count);
        brokerGot.add(count);
        String key = key(topic, group);
        count(groupGetNums, key, count);
        count(groupGetSize, key, bytes);
    }

    /** An append took {@code millis}, the store's part of a send (RocketMQ's putMessage time). */
    public void appendTook(long millis) {
        putLatency.record(millis);
    }

    /** An append was refused (RocketMQ's putMessageFailedTimes): a bad message, a full disk. */
    public void putFailed() {
        putFailed.increment();
    }

    /** A pull read the store in {@code millis}, and found messages or not (RocketMQ's getFoundTps, getMissTps). */
    public void pulled(boolean found, long millis) {
        (found ? pullsFound : pullsMissed).increment();
        pullMaxMillis.accumulate(millis);
    }

    /**
     * The runtime keys RocketMQ's store reports (brokerStatus): start time and uptime, put counts, sizes, failures and
     * latencies, pull rates found and missed, the longest put and pull.
     */
    public synchronized Map<String, String> storeRuntimeInfo() {
        long now = clock.millis();
        long up = Math.max(0, now - bootMillis) / 1000;
        Map<String, String> info = new LinkedHashMap<>();
        info.put("bootTimestamp", String.valueOf(bootMillis));
        info.put("runtime", String.format(Locale.ROOT, "[ %d days, %d hours, %d minutes, %d seconds ]",
                up / 86_400, up % 86_400 / 3_600, up % 3_600 / 60, up % 60));
        info.put("putMessageTimesTotal", String.valueOf(put.sum()));
        info.put("putMessageSizeTotal", String.valueOf(putBytes.sum()));
        info.put("putMessageFailedTimes", String.valueOf(putFailed.sum()));
        info.put("putMessageEntireTimeMax", String.valueOf(putLatency.max()));
        info.put("putMessageDistributeTime", putLatency.distribution());
        info.put("putLatency99", putLatency.percentile(0.99));
        info.put("putLatency999", putLatency.percentile(0.999));
        info.put("getMessageEntireTimeMax", String.valueOf(pullMaxMillis.get()));
        info.put("getFoundTps", tps(foundRing));
        info.put("getMissTps", tps(missedRing));
        info.put("getTotalTps", tps(pullRing));
        return info;
    }

    /** Drops the counters of a deleted topic: its puts, and its gets by every group. */
    public void forgetTopic(String topic) {
        topicPutNums.remove(topic);
        topicPutSize.remove(topic);
        groupGetNums.keySet().removeIf(key -> key.startsWith(topic + '@'));
        groupGetSize.keySet().removeIf(key -> key.startsWith(topic + '@'));
    }

    /** Drops the counters of a deleted consumer group, on every topic. */
    public void forgetGroup(String group) {
        groupGetNums.keySet().removeIf(key -> key.endsWith('@' + group));
        groupGetSize.keySet().removeIf(key -> key.endsWith('@' + group));
    }

    private void count(Map<String, WindowedCount> byKey, String key, long value) {
        WindowedCount counter = byKey.get(key);
        if (counter == null) {
            counter = byKey.computeIfAbsent(key, k -> new WindowedCount(clock.millis()));
        }
        counter.add(value);
    }

    public synchronized void sample() {
        long now = clock.millis();
        putRing.sample(put.sum(), now);
        gotRing.sample(got.sum(), now);
        long found = pullsFound.sum();
        long missed = pullsMissed.sum();
        foundRing.sample(found, now);
        missedRing.sample(missed, now);
        pullRing.sample(found + missed, now);
        if (now - lastMinute >= 60_000) {
            putLatency.rotate();
            lastMinute = now;
        }
        if (now - lastWindowSample >= WindowedCount.SAMPLE_MILLIS) {
            named.values().forEach(byKey -> byKey.values().forEach(counter -> counter.sample(now)));
            lastWindowSample = now;
        }
        LocalDate date = LocalDate.now(clock.withZone(ZoneId.systemDefault()));
        if (!date.equals(today)) {
            putYesterdayMorning = putTodayMorning;
            gotYesterdayMorning = gotTodayMorning;
            putTodayMorning = putRing.latest();
            gotTodayMorning = gotRing.latest();
            today = date;
        }
    }

    /** "tps10s tps1min tps10min" as RocketMQ prints it. */
    public synchronized String putTps() {
        return tps(putRing);
    }

    public synchronized String getTransferredTps() {
        return tps(gotRing);
    }

    /** Messages per second the group pulled from the topic over the last minute. */
    public double consumeTps(String topic, String group) {
        WindowedCount counter = groupGetNums.get(key(topic, group));
        return counter == null ? 0 : counter.lastMinute(clock.millis()).tps();
    }

    /**
     * RocketMQ's BrokerStatsData of one named stat: {"statsDay", "statsHour", "statsMinute"}, each {avgpt, sum, tps};
     * empty when the broker has counted nothing under that name and key.
     */
    public Optional<Map<String, Object>> statsData(String name, String key) {
        Map<String, WindowedCount> byKey = named.get(name);
        WindowedCount counter = byKey == null ? null : byKey.get(key);
        if (counter == null) {
            return Optional.empty();
        }
        long now = clock.millis();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("statsDay", item(counter.lastDay(now)));
        data.put("statsHour", item(counter.lastHour(now)));
        data.put("statsMinute", item(counter.lastMinute(now)));
        return Optional.of(data);
    }

    private static Map<String, Object> item(WindowedCount.Stats stats) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("avgpt", stats.avgpt());
        item.put("sum", stats.sum());
        item.put("tps", stats.tps());
        return item;
    }

    /** Bytes per stored message record since the broker started (RocketMQ's putMessageAverageSize). */
    public double putMessageAverageSize() {
        long messages = put.sum();
        return messages == 0 ? 0 : (double) putBytes.sum() / messages;
    }

    public long putTotal() {
        return put.sum();
    }

    public long gotTotal() {
        return got.sum();
    }

    public synchronized long putTodayMorning() {
        return putTodayMorning;
    }

    public synchronized long gotTodayMorning() {
        return gotTodayMorning;
    }

    public synchronized long putYesterdayMorning() {
        return putYesterdayMorning;
    }

    public synchronized long gotYesterdayMorning() {
        return gotYesterdayMorning;
    }

    private static String key(String topic, String group) {
        return topic + '@' + group;
    }

    private static String tps(RateRing ring) {
        return String.format(Locale.ROOT, "%.2f %.2f %.2f", ring.rate(10), ring.rate(MINUTE), ring.rate(TEN_MINUTES));
    }
}
