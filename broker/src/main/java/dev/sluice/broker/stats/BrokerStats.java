package dev.sluice.broker.stats;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Message counters for mqadmin's clusterList, brokerStatus and consumerProgress: totals, today/yesterday totals,
 * rates over the last 10 s, 1 min and 10 min, and per topic@group the rate pulled over the last minute (what
 * RocketMQ reports as a group's consumeTps). {@link #sample()} runs once a second.
 */
public final class BrokerStats {
    private static final int TEN_MINUTES = 600;
    private static final int MINUTE = 60;

    private final Clock clock;
    private final LongAdder put = new LongAdder();
    private final LongAdder got = new LongAdder();
    private final RateRing putRing = new RateRing(TEN_MINUTES);
    private final RateRing gotRing = new RateRing(TEN_MINUTES);
    private final Map<String, LongAdder> gotByGroup = new ConcurrentHashMap<>();
    private final Map<String, RateRing> gotByGroupRings = new ConcurrentHashMap<>();
    private long lastSample;
    private LocalDate today;
    private long putTodayMorning;
    private long gotTodayMorning;
    private long putYesterdayMorning;
    private long gotYesterdayMorning;

    public BrokerStats(Clock clock) {
        this.clock = clock;
        this.today = LocalDate.now(clock.withZone(ZoneId.systemDefault()));
        sample();
    }

    public void messagesPut(int count) {
        put.add(count);
    }

    /** Counts messages handed to a consumer group from a topic (retry topics included, as RocketMQ counts them). */
    public void messagesGot(String topic, String group, int count) {
        got.add(count);
        gotByGroup.computeIfAbsent(key(topic, group), k -> new LongAdder()).add(count);
    }

    public synchronized void sample() {
        long now = clock.millis();
        putRing.sample(put.sum(), now);
        gotRing.sample(got.sum(), now);
        // A key seen for the first time starts from zero at the previous tick, so its first second counts.
        gotByGroup.forEach((key, total) -> gotByGroupRings.computeIfAbsent(key, k -> startedRing()).sample(total.sum(), now));
        lastSample = now;
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
    public synchronized double consumeTps(String topic, String group) {
        RateRing ring = gotByGroupRings.get(key(topic, group));
        return ring == null ? 0 : ring.rate(MINUTE);
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

    private RateRing startedRing() {
        RateRing ring = new RateRing(MINUTE);
        ring.sample(0, lastSample);
        return ring;
    }

    private static String key(String topic, String group) {
        return topic + '@' + group;
    }

    private static String tps(RateRing ring) {
        return String.format(Locale.ROOT, "%.2f %.2f %.2f", ring.rate(10), ring.rate(MINUTE), ring.rate(TEN_MINUTES));
    }
}
