package dev.sluice.jmh.load;

import dev.sluice.jmh.stats.Latency;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load generator for any RocketMQ-protocol cluster (Sluice or Apache RocketMQ), after RocketMQ's benchmark
 * Producer/Consumer. Producer threads send bodies that carry a run id and a sequence number; the verifier then
 * pulls every queue from where the run started and counts what is lost or duplicated.
 *
 * <p>{@link #USAGE} says how it is called. Before it verifies, it waits until the queues hold what was
 * acknowledged (or, oneway, sent) or stop growing: the broker stores a oneway send after the call returned, and
 * makes an acknowledged one readable a moment after. Broker calls while verifying are retried for a minute, so a
 * broker restarted during the run is verified once it is back.
 */
public final class LoadTool {
    static final int HEADER = 16;
    static final String USAGE = """
            usage: loadtest [run|produce|consume] [-n 127.0.0.1:9876] [-t topic] [--client sluice|apache]
                            [--threads 16] [--size 1024] [--mode sync|async|oneway] [--count N | --duration SECONDS]
                            [--queues 8] [--inflight 1024] [--interval 5] [--warmup SECONDS] [--acks FILE]
              run      (default) produces, then reads the run's messages back: lost and duplicate counts
              produce  only sends; with --acks, writes the run id and every acknowledged sequence number to FILE
              consume  reads every queue from offset 0 and reports, per run id found, distinct, duplicate and
                       missing messages: without --acks, missing counts only gaps below the highest sequence
                       received (a lost tail goes unseen); with --acks FILE from produce, lost counts every
                       acknowledged message of that run that is not there
            The last line is a machine-readable SUMMARY key=value ... With --warmup, the sends of the first seconds
            (while both JVMs compile) are verified like the others but left out of the summary's TPS and
            percentiles; --duration is the measured time after them. Without --count or --duration: 30 s.
            """;
    /** How long calls to the broker are retried while verifying (a broker restarted during the run). */
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** How long the queues may stay the same size before verification stops waiting for them to grow. */
    private static final long SETTLED_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Options options;
    private final Driver driver;
    private final Latency interval = new Latency();
    private final Latency total = new Latency();
    private final LongAdder sent = new LongAdder();
    /** Sends begun at or after {@link #measureFrom}: those in the summary. */
    private final LongAdder measured = new LongAdder();
    /** When the warm-up ends (System.nanoTime); set by {@link #produce}. */
    volatile long measureFrom;
    private final LongAdder failed = new LongAdder();
    private final AtomicLong nextSeq = new AtomicLong();
    private final SeqSet acknowledged = new SeqSet();
    private final long runId = System.nanoTime() ^ ((long) ProcessHandle.current().pid() << 40);
    private volatile String firstError;

    LoadTool(Options options, Driver driver) {
        this.options = options;
        this.driver = driver;
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && List.of("-h", "--help", "help").contains(args[0])) {
            System.out.print(USAGE);
            System.exit(0);
            return;
        }
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("loadtest: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        int exit;
        try (Driver driver = o.client.equals("apache") ? new ApacheDriver(o.nameServer) : new SluiceDriver(o.nameServer)) {
            LoadTool tool = new LoadTool(o, driver);
            exit = switch (o.command) {
                case "produce" -> tool.produceOnly();
                case "consume" -> tool.consumeOnly();
                default -> tool.run();
            };
        } catch (Exception e) {
            // e.g. no name server at -n: one line, not a stack trace
            System.err.println("loadtest: " + o.command + " failed (name server " + o.nameServer + "): " + e);
            exit = 1;
        }
        System.exit(exit);
    }

    private List<Driver.Queue> route() throws Exception {
        List<Driver.Queue> queues = driver.queues(options.topic);
        if (queues.isEmpty()) {
            driver.createTopic(options.topic, options.queues);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((queues = driver.queues(options.topic)).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + options.topic + " has no route 30 s after creating it");
                }
                TimeUnit.MILLISECONDS.sleep(200); // polling the name server for the route, bounded above
            }
        }
        return queues;
    }

    int run() throws Exception {
        List<Driver.Queue> queues = route();
        long[] start = new long[queues.size()];
        for (int i = 0; i < queues.size(); i++) {
            Driver.Queue q = queues.get(i);
            start[i] = retrying("max offset of " + q, () -> driver.maxOffset(options.topic, q));
        }
        Produced p = produce(queues);
        settle(queues, start, options.mode == Driver.SendMode.ONEWAY ? p.sentCount : acknowledged.size());
        Verified v = verify(queues, start, p.sentCount);
        long[] all = total.snapshot();
        System.out.printf(Locale.ROOT, "SUMMARY client=%s mode=%s threads=%d size=%d sent=%d failed=%d warmup_s=%d "
                        + "tps=%.0f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f received=%d lost=%d duplicates=%d%n",
                options.client, options.mode.name().toLowerCase(Locale.ROOT), options.threads, options.size,
                p.sentCount, failed.sum(), options.warmupSeconds, p.tps, Latency.percentile(all, 50) / 1000.0,
                Latency.percentile(all, 99) / 1000.0, Latency.percentile(all, 99.9) / 1000.0,
                v.received, v.lost, v.duplicates);
        return failed.sum() == 0 && v.lost == 0 && v.duplicates == 0 ? 0 : 1;
    }

    int produceOnly() throws Exception {
        Produced p = produce(route());
        if (options.acksFile != null) {
            writeAcks(options.acksFile);
        }
        long[] all = total.snapshot();
        System.out.printf(Locale.ROOT, "SUMMARY client=%s mode=%s threads=%d size=%d sent=%d failed=%d warmup_s=%d "
                        + "tps=%.0f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f run=%x%n", options.client,
                options.mode.name().toLowerCase(Locale.ROOT), options.threads, options.size, p.sentCount, failed.sum(),
                options.warmupSeconds, p.tps, Latency.percentile(all, 50) / 1000.0, Latency.percentile(all, 99) / 1000.0,
                Latency.percentile(all, 99.9) / 1000.0, runId);
        return failed.sum() == 0 ? 0 : 1;
    }

    /** All sends acknowledged (or sent, oneway), those begun after the warm-up, and their rate. */
    record Produced(long sentCount, long measuredCount, double tps) {
    }

    Produced produce(List<Driver.Queue> queues) throws Exception {
        Semaphore window = new Semaphore(options.inflight);
        List<Thread> threads = new ArrayList<>();
        long began = System.nanoTime();
        measureFrom = began + TimeUnit.SECONDS.toNanos(options.warmupSeconds);
        long stopAt = options.durationSeconds > 0 ? measureFrom + TimeUnit.SECONDS.toNanos(options.durationSeconds)
                : Long.MAX_VALUE;
        for (int t = 0; t < options.threads; t++) {
            Thread thread = new Thread(() -> sendLoop(queues, window, stopAt), "producer-" + t);
            thread.start();
            threads.add(thread);
        }
        Thread reporter = new Thread(() -> report(began), "reporter");
        reporter.setDaemon(true);
        reporter.start();
        for (Thread thread : threads) {
            thread.join();
        }
        if (!window.tryAcquire(options.inflight, 30, TimeUnit.SECONDS)) {
            System.err.println("warning: async sends still unanswered 30 s after the last one was sent");
        }
        double seconds = (System.nanoTime() - measureFrom) / 1e9;
        reporter.interrupt();
        reporter.join(); // no interval line after the summary
        if (firstError != null) {
            System.err.println("first send error: " + firstError);
        }
        if (measured.sum() == 0) {
            System.err.println("warning: every send began during the warm-up; the summary has no measurements");
        }
        return new Produced(sent.sum(), measured.sum(), seconds > 0 ? measured.sum() / seconds : 0);
    }

    private void sendLoop(List<Driver.Queue> queues, Semaphore window, long stopAt) {
        byte[] body = new byte[Math.max(HEADER, options.size)];
        ByteBuffer header = ByteBuffer.wrap(body);
        while (System.nanoTime() < stopAt) {
            long seq = nextSeq.getAndIncrement();
            if (options.count > 0 && seq >= options.count) {
                return;
            }
            header.putLong(0, runId).putLong(8, seq);
            Driver.Queue queue = queues.get((int) (seq % queues.size()));
            long start = System.nanoTime();
            if (options.mode == Driver.SendMode.ASYNC) {
                window.acquireUninterruptibly();
                // The driver must not keep the array: the next iteration rewrites it.
                driver.send(options.topic, queue, body.clone(), options.mode)
                        .whenComplete((ok, e) -> {
                            window.release();
                            done(seq, start, e);
                        });
            } else {
                // A oneway send may still be encoding the array when it returns; only a sync send is done with it.
                byte[] bytes = options.mode == Driver.SendMode.SYNC ? body : body.clone();
                CompletableFuture<Void> f = driver.send(options.topic, queue, bytes, options.mode);
                done(seq, start, f.isCompletedExceptionally() ? f.handle((v, e) -> e).join() : null);
            }
        }
    }

    private void done(long seq, long startNanos, Throwable error) {
        if (error != null) {
            failed.increment();
            if (firstError == null) {
                firstError = String.valueOf(error);
            }
            return;
        }
        long nanos = System.nanoTime() - startNanos;
        interval.record(nanos / 1000);
        if (startNanos >= measureFrom) {
            total.record(nanos / 1000);
            measured.increment();
        }
        sent.increment();
        if (options.mode != Driver.SendMode.ONEWAY) {
            acknowledged.add(seq);
        }
    }

    private void report(long began) {
        long last = 0;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                TimeUnit.SECONDS.sleep(options.intervalSeconds); // the reporting period itself, not a wait
                long now = sent.sum();
                long[] counts = interval.drain();
                long at = System.nanoTime();
                System.out.printf(Locale.ROOT, "%6.0fs  tps %9.0f  p50 %7.3f ms  p99 %7.3f ms  p99.9 %7.3f ms"
                                + "  sent %d  failed %d%s%n", (at - began) / 1e9,
                        (now - last) / (double) options.intervalSeconds, Latency.percentile(counts, 50) / 1000.0,
                        Latency.percentile(counts, 99) / 1000.0, Latency.percentile(counts, 99.9) / 1000.0, now,
                        failed.sum(), at <= measureFrom ? "  (warm-up)" : "");
                last = now;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    record Verified(long received, long lost, long duplicates) {
    }

    /**
     * Waits until the queues have grown by {@code expected} messages since {@code start}, or have not grown for
     * {@link #SETTLED_NANOS} (what is missing then is lost), or a minute has passed.
     */
    private void settle(List<Driver.Queue> queues, long[] start, long expected) throws Exception {
        long deadline = System.nanoTime() + RETRY_NANOS;
        long last = -1;
        long lastChange = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long stored = 0;
            for (int i = 0; i < queues.size(); i++) {
                Driver.Queue q = queues.get(i);
                stored += retrying("max offset of " + q, () -> driver.maxOffset(options.topic, q)) - start[i];
            }
            if (stored >= expected) {
                return;
            }
            long now = System.nanoTime();
            if (stored != last) {
                last = stored;
                lastChange = now;
            } else if (now - lastChange >= SETTLED_NANOS) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling the broker, bounded by the deadline above
        }
    }

    /** Runs {@code call}, retrying failures for {@link #RETRY_NANOS}: a broker restarted mid-run comes back. */
    private <T> T retrying(String what, Callable<T> call) throws Exception {
        long deadline = System.nanoTime() + RETRY_NANOS;
        boolean told = false;
        while (true) {
            try {
                return call.call();
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                if (!told) {
                    System.err.println("retrying (for up to 60 s) " + what + ": " + e);
                    told = true;
                }
                TimeUnit.MILLISECONDS.sleep(500); // the broker's restart, bounded by the deadline above
            }
        }
    }

    /** Pulls every queue from where the run started to its end and checks each acknowledged message came once. */
    private Verified verify(List<Driver.Queue> queues, long[] start, long sentCount) throws Exception {
        SeqSet seen = new SeqSet();
        long received = 0;
        long duplicates = 0;
        for (int i = 0; i < queues.size(); i++) {
            Driver.Queue q = queues.get(i);
            long end = retrying("max offset of " + q, () -> driver.maxOffset(options.topic, q));
            long at = start[i];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (at < end) {
                long from = at;
                Driver.Pulled pulled = retrying("pull of " + q, () -> driver.pull(options.topic, q, from, 32));
                for (byte[] body : pulled.bodies()) {
                    ByteBuffer b = ByteBuffer.wrap(body);
                    if (body.length < HEADER || b.getLong(0) != runId) {
                        continue;
                    }
                    received++;
                    if (!seen.add(b.getLong(8))) {
                        duplicates++;
                    }
                }
                if (pulled.nextOffset() <= at && System.nanoTime() > deadline) {
                    throw new IllegalStateException("queue " + q + " stuck at offset " + at + " of " + end);
                }
                at = Math.max(at, pulled.nextOffset());
            }
        }
        long lost = options.mode == Driver.SendMode.ONEWAY ? Math.max(0, sentCount - seen.size())
                : acknowledged.missingFrom(seen);
        return new Verified(received, lost, duplicates);
    }

    /** Reads every queue from offset 0 and reports, per run id, what arrived. */
    int consumeOnly() throws Exception {
        Acks acks = options.acksFile == null ? null : readAcks(options.acksFile);
        Map<Long, SeqSet> runs = new HashMap<>();
        Map<Long, long[]> stats = new HashMap<>(); // received, duplicates, max seq
        for (Driver.Queue q : route()) {
            long end = retrying("max offset of " + q, () -> driver.maxOffset(options.topic, q));
            long at = 0;
            while (at < end) {
                long from = at;
                Driver.Pulled pulled = retrying("pull of " + q, () -> driver.pull(options.topic, q, from, 32));
                for (byte[] body : pulled.bodies()) {
                    if (body.length < HEADER) {
                        continue;
                    }
                    ByteBuffer b = ByteBuffer.wrap(body);
                    long run = b.getLong(0);
                    long seq = b.getLong(8);
                    long[] s = stats.computeIfAbsent(run, r -> new long[3]);
                    s[0]++;
                    if (!runs.computeIfAbsent(run, r -> new SeqSet()).add(seq)) {
                        s[1]++;
                    }
                    s[2] = Math.max(s[2], seq);
                }
                if (pulled.nextOffset() <= at) {
                    break;
                }
                at = pulled.nextOffset();
            }
        }
        long problems = 0;
        for (var e : stats.entrySet()) {
            if (acks != null && e.getKey() == acks.run()) {
                continue; // reported below, against what was acknowledged
            }
            long[] s = e.getValue();
            long distinct = runs.get(e.getKey()).size();
            long missing = s[2] + 1 - distinct;
            problems += missing + s[1];
            System.out.printf(Locale.ROOT, "SUMMARY run=%x received=%d distinct=%d duplicates=%d missing=%d%n",
                    e.getKey(), s[0], distinct, s[1], missing);
        }
        if (acks != null) {
            long[] s = stats.getOrDefault(acks.run(), new long[3]);
            SeqSet seen = runs.getOrDefault(acks.run(), new SeqSet());
            long lost = acks.acknowledged().missingFrom(seen);
            problems += lost + s[1];
            System.out.printf(Locale.ROOT, "SUMMARY run=%x acknowledged=%d received=%d distinct=%d duplicates=%d "
                    + "lost=%d%n", acks.run(), acks.acknowledged().size(), s[0], seen.size(), s[1], lost);
        }
        return problems == 0 ? 0 : 1;
    }

    /** A produce run's id and what it had acknowledged ({@code --acks}). */
    record Acks(long run, SeqSet acknowledged) {
    }

    /** {@code run <hex id>}, then one {@code first-last} line per run of acknowledged sequence numbers. */
    private void writeAcks(Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write("run " + Long.toHexString(runId) + "\n");
            IOException[] failed = new IOException[1];
            acknowledged.forEachRange((first, last) -> {
                try {
                    out.write(first + "-" + last + "\n");
                } catch (IOException e) {
                    failed[0] = e;
                }
            });
            if (failed[0] != null) {
                throw failed[0];
            }
        }
    }

    static Acks readAcks(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        if (lines.isEmpty() || !lines.get(0).startsWith("run ")) {
            throw new IOException(file + " is not an --acks file of loadtest produce");
        }
        long run = Long.parseUnsignedLong(lines.get(0).substring(4).trim(), 16);
        SeqSet acknowledged = new SeqSet();
        for (String line : lines.subList(1, lines.size())) {
            int dash = line.indexOf('-');
            long first = Long.parseLong(line.substring(0, dash));
            long last = Long.parseLong(line.substring(dash + 1));
            for (long seq = first; seq <= last; seq++) {
                acknowledged.add(seq);
            }
        }
        return new Acks(run, acknowledged);
    }

    /** Command-line settings. */
    static final class Options {
        String command = "run";
        String nameServer = "127.0.0.1:9876";
        String topic = "SluiceLoadTest";
        String client = "sluice";
        int threads = 16;
        int size = 1024;
        Driver.SendMode mode = Driver.SendMode.SYNC;
        long count;
        long durationSeconds;
        int queues = 8;
        int inflight = 1024;
        int intervalSeconds = 5;
        long warmupSeconds;
        Path acksFile;

        static Options parse(String[] args) {
            Options o = new Options();
            int i = 0;
            if (args.length > 0 && !args[0].startsWith("-")) {
                o.command = args[i++];
            }
            for (; i < args.length; i++) {
                String option = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(option + " needs a value");
                }
                String value = args[++i];
                switch (option) {
                    case "-n", "--namesrv" -> o.nameServer = value;
                    case "-t", "--topic" -> o.topic = value;
                    case "--client" -> o.client = value;
                    case "--threads" -> o.threads = (int) positive(option, value);
                    case "--size" -> o.size = (int) positive(option, value);
                    case "--mode" -> o.mode = mode(value);
                    case "--count" -> o.count = positive(option, value);
                    case "--duration" -> o.durationSeconds = positive(option, value);
                    case "--queues" -> o.queues = (int) positive(option, value);
                    case "--inflight" -> o.inflight = (int) positive(option, value);
                    case "--interval" -> o.intervalSeconds = (int) positive(option, value);
                    case "--warmup" -> o.warmupSeconds = notNegative(option, value);
                    case "--acks" -> o.acksFile = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            }
            if (!List.of("run", "produce", "consume").contains(o.command)) {
                throw new IllegalArgumentException("command is run, produce or consume, not " + o.command);
            }
            if (!o.client.equals("sluice") && !o.client.equals("apache")) {
                throw new IllegalArgumentException("--client is sluice or apache");
            }
            if (o.count <= 0 && o.durationSeconds <= 0) {
                o.durationSeconds = 30;
            }
            return o;
        }

        private static long notNegative(String option, String value) {
            return value.equals("0") ? 0 : positive(option, value);
        }

        private static long positive(String option, String value) {
            long n;
            try {
                n = Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " takes a number, not '" + value + "'");
            }
            if (n <= 0 || n > Integer.MAX_VALUE && !option.equals("--count") && !option.equals("--duration")) {
                throw new IllegalArgumentException(option + " must be a positive number, not " + value);
            }
            return n;
        }

        private static Driver.SendMode mode(String value) {
            try {
                return Driver.SendMode.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--mode is sync, async or oneway, not " + value);
            }
        }
    }
}
