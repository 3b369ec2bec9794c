package dev.sluice.store;

import java.util.Arrays;

/**
 * The delay of each level of {@code messageDelayLevel} ("1s 5s 10s 30s 1m ... 2h"; units s, m, h, d): level 1 is the
 * first entry. A message asking for a level above the last gets the last, as RocketMQ caps it. The store uses it for
 * the ConsumeQueue tag code of {@link #SCHEDULE_TOPIC} (store time + the level's delay: when the message is due); the
 * broker to deliver delayed messages.
 */
public final class DelayLevels {
    /** Where delayed messages wait: queue level-1 holds one level's messages in store order. */
    public static final String SCHEDULE_TOPIC = "SCHEDULE_TOPIC_XXXX";
    public static final String DEFAULT = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h";

    private final long[] millis;
    private final String text;

    private DelayLevels(long[] millis, String text) {
        this.millis = millis;
        this.text = text;
    }

    /** @throws IllegalArgumentException naming the entry that is not a number followed by s, m, h or d */
    public static DelayLevels parse(String text) {
        String[] entries = text.trim().split("\\s+");
        if (entries.length == 0 || entries[0].isEmpty()) {
            throw new IllegalArgumentException("needs at least one delay, e.g. \"1s 5s 1m\"");
        }
        long[] millis = new long[entries.length];
        for (int i = 0; i < entries.length; i++) {
            millis[i] = entryMillis(entries[i]);
        }
        return new DelayLevels(millis, String.join(" ", entries));
    }

    private static long entryMillis(String entry) {
        char unit = Character.toLowerCase(entry.charAt(entry.length() - 1));
        long unitMillis = switch (unit) {
            case 's' -> 1_000L;
            case 'm' -> 60_000L;
            case 'h' -> 3_600_000L;
            case 'd' -> 86_400_000L;
            default -> throw new IllegalArgumentException("'" + entry + "' does not end in s, m, h or d");
        };
        try {
            long amount = Long.parseLong(entry.substring(0, entry.length() - 1));
            if (amount < 0 || amount > Long.MAX_VALUE / unitMillis) {
                throw new IllegalArgumentException("'" + entry + "' is out of range");
            }
            return amount * unitMillis;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + entry + "' is not a whole number of " + unit);
        }
    }

    /** Number of levels; levels are 1..max. */
    public int max() {
        return millis.length;
    }

    /** The level a message asking for {@code requested} (&gt; 0) gets. */
    public int cap(int requested) {
        return Math.min(requested, millis.length);
    }

    /** Delay of a level in 1..{@link #max()}. */
    public long millis(int level) {
        return millis[level - 1];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DelayLevels other && Arrays.equals(millis, other.millis);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(millis);
    }

    @Override
    public String toString() {
        return text;
    }
}
