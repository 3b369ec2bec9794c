package dev.sluice.broker.stats;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * Message counters for mqadmin's clusterList and brokerStatus: totals, today/yesterday totals, and rates over the
 * last 10 s, 1 min and 10 min. {@link #sample()} runs once a second and keeps a ring of the totals it saw.
 */
public final class BrokerStats {
    private static final int RING = 601;

    private final Clock clock;
    private final LongAdder put = new LongAdder();
    private final LongAdder got = new LongAdder();
    private final long[] putRing = new long[RING];
    private final long[] gotRing = new long[RING];
    private final long[] timeRing = new long[RING];
    private int head;
    private int samples;
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

    public void messagesGot(int count) {
        got.add(count);
    }

    public synchronized void sample() {
        head = (head + 1) % RING;
        putRing[head] = put.sum();
        gotRing[head] = got.sum();
        timeRing[head] = clock.millis();
        samples = Math.min(samples + 1, RING);
        LocalDate now = LocalDate.now(clock.withZone(ZoneId.systemDefault()));
        if (!now.equals(today)) {
            putYesterdayMorning = putTodayMorning;
            gotYesterdayMorning = gotTodayMorning;
            putTodayMorning = putRing[head];
            gotTodayMorning = gotRing[head];
            today = now;
        }
    }

    /** "tps10s tps1min tps10min" as RocketMQ prints it. */
    public synchronized String putTps() {
        return tps(putRing);
    }

    public synchronized String getTransferredTps() {
        return tps(gotRing);
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

    private String tps(long[] ring) {
        return String.format(Locale.ROOT, "%.2f %.2f %.2f", rate(ring, 10), rate(ring, 60), rate(ring, 600));
    }

    private double rate(long[] ring, int seconds) {
        int back = Math.min(seconds, samples - 1);
        if (back <= 0) {
            return 0;
        }
        int from = Math.floorMod(head - back, RING);
        long millis = timeRing[head] - timeRing[from];
        return millis <= 0 ? 0 : (ring[head] - ring[from]) * 1000.0 / millis;
    }
}
