package dev.sluice.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock (UTC unless asked otherwise) that moves only when the test says so. */
public final class MutableClock extends Clock {
    private final AtomicLong millis;
    private final ZoneId zone;

    public MutableClock(long startMillis) {
        this(new AtomicLong(startMillis), ZoneOffset.UTC);
    }

    private MutableClock(AtomicLong millis, ZoneId zone) {
        this.millis = millis;
        this.zone = zone;
    }

    public void advance(long byMillis) {
        millis.addAndGet(byMillis);
    }

    public void advance(Duration by) {
        advance(by.toMillis());
    }

    public void set(long toMillis) {
        millis.set(toMillis);
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** The same moving instant, seen in another zone. */
    @Override
    public MutableClock withZone(ZoneId other) {
        return new MutableClock(millis, other);
    }
}
