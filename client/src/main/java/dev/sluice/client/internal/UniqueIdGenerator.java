package dev.sluice.client.internal;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Client-generated message ids (UNIQ_KEY, spec §6.1): upper-case hex of client IP (4 or 16 bytes), process id (low
 * 16 bits), a class-loader hash (4), milliseconds since the start of the current month in local time (4) and a
 * 16-bit counter. Brokers index the id; tools decode its IP and time.
 */
public final class UniqueIdGenerator {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private final String prefix;
    private final LongSupplier clockMillis;
    private final ZoneId zone;
    private final AtomicInteger counter = new AtomicInteger();
    private volatile long monthStart;
    private volatile long nextMonthStart;

    public UniqueIdGenerator(InetAddress ip, int pid, int classLoaderHash, LongSupplier clockMillis, ZoneId zone) {
        byte[] address = ip.getAddress();
        ByteBuffer fixed = ByteBuffer.allocate(address.length + 2 + 4);
        fixed.put(address).putShort((short) pid).putInt(classLoaderHash);
        this.prefix = HEX.formatHex(fixed.array());
        this.clockMillis = clockMillis;
        this.zone = zone;
    }

    /** For this process: its IP, pid and this class's loader. */
    public static UniqueIdGenerator forThisProcess(InetAddress ip) {
        return new UniqueIdGenerator(ip, (int) ProcessHandle.current().pid(),
                System.identityHashCode(UniqueIdGenerator.class.getClassLoader()), System::currentTimeMillis,
                ZoneId.systemDefault());
    }

    public String next() {
        long now = clockMillis.getAsLong();
        if (now >= nextMonthStart || now < monthStart) {
            startMonthOf(now);
        }
        StringBuilder id = new StringBuilder(prefix.length() + 12).append(prefix);
        id.append(HEX.toHexDigits((int) (now - monthStart)));
        id.append(HEX.toHexDigits((short) counter.getAndIncrement()));
        return id.toString();
    }

    private synchronized void startMonthOf(long now) {
        LocalDate day = Instant.ofEpochMilli(now).atZone(zone).toLocalDate().withDayOfMonth(1);
        monthStart = day.atStartOfDay(zone).toInstant().toEpochMilli();
        nextMonthStart = day.plusMonths(1).atStartOfDay(zone).toInstant().toEpochMilli();
    }
}
