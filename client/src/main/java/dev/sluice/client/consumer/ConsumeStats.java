package dev.sluice.client.consumer;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A push consumer's pull and consume rates per topic, as mqadmin consumerStatus shows them (RocketMQ's ConsumeStatus):
 * RT and TPS over the last minute, failed messages over the last hour. Counters only add; a snapshot taken every
 * {@link #SAMPLE_MILLIS} is what a window is measured from, so reading the rates never walks per-message history.
 */
final class ConsumeStats {
    static final long SAMPLE_MILLIS = 10_000;
    private static final long MINUTE_MILLIS = 60_000;
    private static final long HOUR_MILLIS = 3_600_000;

    private final Map<String, Topic> topics = new ConcurrentHashMap<>();

    void pulled(String topic, int messages, long rtMillis, long nowMillis) {
        Topic t = topic(topic, nowMillis);
        t.pulls.increment();
        t.pullRtMillis.add(rtMillis);
        t.pulledMessages.add(messages);
    }

    void consumed(String topic, int ok, int failed, long rtMillis, long nowMillis) {
        Topic t = topic(topic, nowMillis);
        t.consumes.increment();
        t.consumeRtMillis.add(rtMillis);
        t.ok.add(ok);
        t.failed.add(failed);
    }

    private Topic topic(String topic, long nowMillis) {
        Topic t = topics.get(topic);
        return t != null ? t : topics.computeIfAbsent(topic, k -> new Topic(nowMillis));
    }

    /** Takes the periodic snapshot the windows are measured from. */
    void sample(long nowMillis) {
        topics.values().forEach(t -> t.sample(nowMillis));
    }

    /** {@code topic -> ConsumeStatus} in fastjson's field order, for ConsumerRunningInfo.statusTable. */
    Map<String, Object> statusTable(long nowMillis) {
        Map<String, Object> table = new TreeMap<>();
        topics.forEach((name, t) -> table.put(name, t.status(nowMillis)));
        return table;
    }

    private static final class Topic {
        final LongAdder pulls = new LongAdder();
        final LongAdder pullRtMillis = new LongAdder();
        final LongAdder pulledMessages = new LongAdder();
        final LongAdder consumes = new LongAdder();
        final LongAdder consumeRtMillis = new LongAdder();
        final LongAdder ok = new LongAdder();
        final LongAdder failed = new LongAdder();
        /** Oldest first; the first is never older than an hour plus one sample period. */
        private final ArrayDeque<Snapshot> samples = new ArrayDeque<>();

        Topic(long createdMillis) {
            samples.add(new Snapshot(createdMillis, 0, 0, 0, 0, 0, 0, 0));
        }

        Snapshot now(long nowMillis) {
            return new Snapshot(nowMillis, pulls.sum(), pullRtMillis.sum(), pulledMessages.sum(), consumes.sum(),
                    consumeRtMillis.sum(), ok.sum(), failed.sum());
        }

        synchronized void sample(long nowMillis) {
            samples.addLast(now(nowMillis));
            while (samples.size() > 1 && samples.peekFirst().atMillis < nowMillis - HOUR_MILLIS - SAMPLE_MILLIS) {
                samples.removeFirst();
            }
        }

        /** The oldest snapshot no older than {@code windowMillis}, or the newest one if every one is older. */
        private synchronized Snapshot since(long nowMillis, long windowMillis) {
            Snapshot base = samples.peekLast();
            for (var it = samples.descendingIterator(); it.hasNext(); ) {
                Snapshot s = it.next();
                if (s.atMillis < nowMillis - windowMillis) {
                    break;
                }
                base = s;
            }
            return base;
        }

        Map<String, Object> status(long nowMillis) {
            Snapshot now = now(nowMillis);
            Snapshot minute = since(nowMillis, MINUTE_MILLIS);
            Snapshot hour = since(nowMillis, HOUR_MILLIS);
            double seconds = (nowMillis - minute.atMillis) / 1000.0;
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("consumeFailedMsgs", now.failed - hour.failed);
            status.put("consumeFailedTPS", perSecond(now.failed - minute.failed, seconds));
            status.put("consumeOKTPS", perSecond(now.ok - minute.ok, seconds));
            status.put("consumeRT", average(now.consumeRtMillis - minute.consumeRtMillis, now.consumes - minute.consumes));
            status.put("pullRT", average(now.pullRtMillis - minute.pullRtMillis, now.pulls - minute.pulls));
            status.put("pullTPS", perSecond(now.pulledMessages - minute.pulledMessages, seconds));
            return status;
        }

        private static double perSecond(long count, double seconds) {
            return seconds <= 0 ? 0 : count / seconds;
        }

        private static double average(long total, long times) {
            return times == 0 ? 0 : (double) total / times;
        }
    }

    private record Snapshot(long atMillis, long pulls, long pullRtMillis, long pulledMessages, long consumes,
                            long consumeRtMillis, long ok, long failed) {
    }
}
