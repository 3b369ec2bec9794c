package dev.sluice.jmh.report;

import dev.sluice.jmh.Dirs;
import dev.sluice.jmh.stats.Latency;
import dev.sluice.jmh.stats.SampledLatency;
import dev.sluice.store.MessageProperties;
import dev.sluice.store.MessageRecordDescriptor;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.annotations.Mode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs the store and key-index benchmarks, Sluice and Apache RocketMQ side by side in the same run, and writes one
 * Markdown table: throughput, p50/p99/p99.9 latency, the ratio Sluice/Apache, and the append rate as a share of this
 * machine's memory-copy bandwidth, of the rate it fills fresh page cache, and of its disk-write bandwidth. On the VMs
 * we run on, fresh page cache is the limit of both stores: the kernel zeroes every new page of a sparse CommitLog file,
 * and the first touch of guest memory is slow.
 *
 * <p>Each cell runs in JMH's throughput mode, every thread calling back to back; the percentiles of appends and key
 * queries come from the same trials, about one call in eight timed by {@link SampledLatency} (not JMH's sample-time
 * mode, whose buffer over-weighs rare samples). Pipelined cells would time the wait for the oldest of 256 appends in
 * flight, not an append's latency, so they report throughput only, as do the key index's puts (a round of 128 or
 * 4096 messages is not one message's latency).
 *
 * <pre>
 * BenchmarkReport --mode short|full --out report.md [--page-cache-mbps 1500] [--disk-mbps 440] [--fdatasync-per-s 5000]
 *                 [--settle-seconds 10] [--memory fresh|full] [--only REGEX]
 * </pre>
 *
 * <p>{@code --memory full} runs every trial with the memory no process uses taken up by clean page cache
 * ({@link PageCacheBallast}), as on a broker that has run a while; {@code fresh} (the default) with it free.
 * {@code --only} keeps the cells whose label (the report's first column) contains a match.
 */
public final class BenchmarkReport {
    private static final String APPEND = "dev.sluice.jmh.store.StoreAppendBenchmark";
    private static final String READ = "dev.sluice.jmh.store.ConsumeQueueReadBenchmark";
    private static final String REPLICATION = "dev.sluice.jmh.store.ReplicationBenchmark";
    private static final String KEY_INDEX = "dev.sluice.jmh.index.KeyIndexBenchmark";
    /** Memory left free beside the ballast: about what a trial's JVM takes before its pages reclaim the cache. */
    private static final long BALLAST_LEAVES_FREE = 1L << 30;

    /** One row of the report: a benchmark method under one setting. */
    record Cell(String method, String flush, boolean pool, int bodySize, int threads, String replication) {
        Cell(String method, String flush, boolean pool, int bodySize, int threads) {
            this(method, flush, pool, bodySize, threads, null);
        }

        /** A KeyIndexBenchmark cell: no body size, flush or replication. */
        static Cell keyIndex(String method) {
            return new Cell(method, null, false, 0, 1, null);
        }

        String label() {
            String mode = replication != null ? "replication " + replication
                    : flush + (pool ? " + transientStorePool" : "");
            return switch (method) {
                case "appendPipelined" -> "append, 256 in flight/thread, " + mode;
                case "read" -> "ConsumeQueue read (32/pull)";
                case "put" -> "key index put, 128-message rounds";
                case "putDispatchRound" -> "key index put, 4096-message rounds";
                case "queryKey" -> "key index query, key (32 answers), queries/s";
                case "queryUniqKey" -> "key index query, unique key, queries/s";
                default -> "append, " + mode;
            };
        }

        String benchmark() {
            if (bodySize == 0) {
                return KEY_INDEX;
            }
            return method.equals("read") ? READ : replication != null ? REPLICATION : APPEND;
        }

        /** Appends that store messages: their rate is set against the machine's copy, page-cache and disk rates. */
        boolean stores() {
            return bodySize > 0 && !method.equals("read");
        }

        /** Cells whose operations are timed one in eight ({@link SampledLatency}). */
        boolean timed() {
            return method.equals("append") || method.startsWith("query");
        }
    }

    record Measured(double opsPerSecond, double p50, double p99, double p999, boolean latency) {
    }

    private BenchmarkReport() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        String mode = "short";
        Path out = Path.of("benchmark-report.md");
        double diskMbps = Double.NaN;
        double pageCacheMbps = Double.NaN;
        double syncsPerSecond = Double.NaN;
        int settleSeconds = 10;
        boolean fullMemory = false;
        Pattern only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mode" -> mode = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                case "--disk-mbps" -> diskMbps = Double.parseDouble(args[++i]);
                case "--page-cache-mbps" -> pageCacheMbps = Double.parseDouble(args[++i]);
                case "--fdatasync-per-s" -> syncsPerSecond = Double.parseDouble(args[++i]);
                case "--settle-seconds" -> settleSeconds = Integer.parseInt(args[++i]);
                case "--memory" -> fullMemory = switch (args[++i]) {
                    case "full" -> true;
                    case "fresh" -> false;
                    default -> throw new IllegalArgumentException("--memory is fresh or full, not " + args[i]);
                };
                case "--only" -> only = Pattern.compile(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: --mode short|full --out file.md [--page-cache-mbps N] [--disk-mbps N]"
                        + " [--fdatasync-per-s N] [--settle-seconds N] [--memory fresh|full] [--only REGEX]");
            }
        }
        boolean full = mode.equals("full");
        if (!full && !mode.equals("short")) {
            throw new IllegalArgumentException("--mode is short or full, not " + mode);
        }
        double copyMbps = MemoryBandwidth.copyMegabytesPerSecond();
        PageCacheBallast ballast = fullMemory
                ? PageCacheBallast.create(Path.of(System.getProperty("java.io.tmpdir")), BALLAST_LEAVES_FREE) : null;
        try {
            report(mode, out, full, only, new Bandwidths(copyMbps, pageCacheMbps, diskMbps), syncsPerSecond,
                    new BeforeTrial(settleSeconds, ballast));
        } finally {
            if (ballast != null) {
                ballast.close();
            }
        }
        System.out.println("report written to " + out.toAbsolutePath());
    }

    private static void report(String mode, Path out, boolean full, Pattern only, Bandwidths limits,
                               double syncsPerSecond, BeforeTrial beforeTrial)
            throws IOException, InterruptedException {
        double copyMbps = limits.copy();
        double pageCacheMbps = limits.pageCache();
        double diskMbps = limits.disk();
        StringBuilder md = new StringBuilder();
        md.append("# Sluice store benchmarks (").append(mode).append(" mode, ").append(Instant.now()).append(")\n\n");
        md.append(String.format(Locale.ROOT, "Machine: %d cores, Java %s. Memory copy %.0f MB/s (measured here)",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), copyMbps));
        if (!Double.isNaN(pageCacheMbps)) {
            md.append(String.format(Locale.ROOT, ", fresh page cache filled at %.0f MB/s (dd into a new file, no sync)",
                    pageCacheMbps));
        }
        if (!Double.isNaN(diskMbps)) {
            md.append(String.format(Locale.ROOT, ", disk write %.0f MB/s (dd conv=fdatasync)", diskMbps));
        }
        if (!Double.isNaN(syncsPerSecond)) {
            md.append(String.format(Locale.ROOT, ", %.0f fdatasync/s (4 KiB writes, dd oflag=dsync)",
                    syncsPerSecond));
        }
        md.append(".\nThroughput in messages/s (key index queries: queries/s); latency in µs per append or query (one in ")
                .append("eight timed). Ratio = Sluice / Apache RocketMQ 4.9.7, same run, same settings: its ")
                .append("DefaultMessageStore, and for the key index its hash-file IndexFile, driven as IndexService ")
                .append("drives it; ")
                .append(beforeTrial.describe())
                .append("\"copy\", \"page cache\" and \"disk\": Sluice's stored bytes/s as a share of the three ")
                .append("rates.\n\n");
        md.append("| benchmark | body | threads | Sluice msg/s | Apache msg/s | ratio | Sluice p50/p99/p99.9 µs "
                + "| Apache p50/p99/p99.9 µs | copy | page cache | disk |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Cell cell : cells(full)) {
            if (only != null && !only.matcher(cell.label()).find()) {
                continue;
            }
            Path latencies = Files.createTempDirectory("sluice-latency");
            String row;
            try {
                row = measureRow(cell, full, latencies, limits, beforeTrial);
            } catch (RunnerException e) {
                // e.g. no SYNC_MASTER strategy on the class path yet: say so in the row, go on with the rest
                row = String.format(Locale.ROOT, "| %s | %s | %d | failed: %s | | | | | | | |", cell.label(),
                        cell.bodySize() > 0 ? String.valueOf(cell.bodySize()) : "", cell.threads(), firstLine(e));
            } finally {
                Dirs.deleteTree(latencies);
            }
            md.append(row).append('\n');
            Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
            System.out.println(row);
        }
    }

    /** What happens before each store's trial: a pause, or a refill of the ballast and a shorter one. */
    private record BeforeTrial(int settleSeconds, PageCacheBallast ballast) {
        private static final int AFTER_REFILL_SECONDS = 3;

        void run() throws IOException, InterruptedException {
            if (ballast != null) {
                ballast.refill();
                TimeUnit.SECONDS.sleep(AFTER_REFILL_SECONDS);
            } else {
                TimeUnit.SECONDS.sleep(settleSeconds);
            }
        }

        String describe() throws IOException {
            if (ballast == null) {
                return String.format(Locale.ROOT, "memory fresh: each store's trial starts %d s after the last "
                        + "teardown. ", settleSeconds);
            }
            return String.format(Locale.ROOT, "memory full: before each store's trial, %.1f GiB of clean page cache "
                    + "(a file read back whole) takes up all but ~%d GiB of the memory no process uses, as on a "
                    + "broker that has run a while, so the trial's new pages come from reclaiming it; the trial "
                    + "starts %d s after the read. ", ballast.size() / (double) (1L << 30),
                    BALLAST_LEAVES_FREE >> 30, AFTER_REFILL_SECONDS);
        }
    }

    static List<Cell> cells(boolean full) {
        List<Cell> cells = new ArrayList<>();
        int[] bodies = full ? new int[] {128, 1024, 4096} : new int[] {128, 1024};
        int[] threads = full ? new int[] {1, 4, 16} : new int[] {4};
        for (int body : bodies) {
            for (int t : threads) {
                cells.add(new Cell("append", "ASYNC_FLUSH", false, body, t));
            }
        }
        for (int body : bodies) {
            for (int t : full ? threads : new int[] {1}) {
                cells.add(new Cell("append", "SYNC_FLUSH", false, body, t));
            }
        }
        for (int body : full ? bodies : new int[] {1024}) {
            for (int t : full ? new int[] {1, 4} : new int[] {1}) {
                cells.add(new Cell("appendPipelined", "SYNC_FLUSH", false, body, t));
                cells.add(new Cell("appendPipelined", "ASYNC_FLUSH", false, body, t));
            }
        }
        if (full) {
            for (int body : bodies) {
                for (int t : threads) {
                    cells.add(new Cell("append", "ASYNC_FLUSH", true, body, t));
                }
            }
        }
        cells.add(new Cell("read", "ASYNC_FLUSH", false, 1024, 1));
        for (String replication : new String[] {"none", "async", "sync"}) {
            cells.add(new Cell("appendPipelined", "ASYNC_FLUSH", false, 1024, 1, replication));
            if (full) {
                cells.add(new Cell("append", "ASYNC_FLUSH", false, 1024, 4, replication));
            }
        }
        for (String method : full ? new String[] {"put", "putDispatchRound", "queryKey", "queryUniqKey"}
                : new String[] {"put", "queryKey"}) {
            cells.add(Cell.keyIndex(method));
        }
        return cells;
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String m = String.valueOf(root.getMessage());
        return m.lines().findFirst().orElse(m).replace('|', '/');
    }

    private static String measureRow(Cell cell, boolean full, Path latencies, Bandwidths limits,
                                     BeforeTrial beforeTrial) throws RunnerException, IOException, InterruptedException {
        Measured sluice = null;
        Measured apache = null;
        for (RunResult r : run(cell, full, latencies, beforeTrial)) {
            String impl = r.getParams().getParam("impl");
            Measured m = measured(cell, r, latencies.resolve(impl + ".latency"));
            if ("sluice".equals(impl)) {
                sluice = m;
            } else {
                apache = m;
            }
        }
        return row(cell, sluice, apache, limits);
    }

    /**
     * Runs the cell for each store, one JVM each, each after {@code beforeTrial}. With memory fresh, the pause is
     * for fairness: a trial that starts right after another deleted its files gets that memory back from the
     * guest's free lists while the host still backs it (dd of 2 GiB here: 4.7 GB/s at once, 2.1 GB/s 3 s later,
     * 0.9 GB/s after 8 s, 0.7 GB/s after 15 s), so the second store of a pair ran on faster pages. With memory
     * full, the refill takes that memory up again.
     */
    private static List<RunResult> run(Cell cell, boolean full, Path latencies, BeforeTrial beforeTrial)
            throws RunnerException, IOException, InterruptedException {
        List<RunResult> results = new ArrayList<>();
        for (String impl : new String[] {"sluice", "apache"}) {
            beforeTrial.run();
            results.addAll(runStore(cell, full, latencies, impl));
        }
        return results;
    }

    private static Collection<RunResult> runStore(Cell cell, boolean full, Path latencies, String impl)
            throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(cell.benchmark() + "\\." + cell.method() + "$")
                .param("impl", impl)
                .threads(cell.threads())
                .forks(1)
                .warmupIterations(1)
                .warmupTime(TimeValue.seconds(full ? 3 : 2))
                .measurementIterations(full ? 3 : 2)
                .measurementTime(TimeValue.seconds(3))
                .mode(Mode.Throughput)
                .timeUnit(TimeUnit.SECONDS)
                .jvmArgsPrepend(SampledLatency.dirProperty(latencies),
                        // the forks write their stores where the ballast and the dd probes are
                        "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"))
                .shouldFailOnError(true);
        if (cell.bodySize() > 0) {
            options.param("bodySize", String.valueOf(cell.bodySize()));
        }
        if (cell.replication() != null) {
            options.param("replication", cell.replication());
        } else if (cell.flush() != null && !cell.method().equals("read")) {
            options.param("flush", cell.flush()).param("transientStorePool", String.valueOf(cell.pool()));
        }
        return new Runner(options.build()).run();
    }

    /** Throughput is JMH's (all threads together); latency, for timed cells, from the trial's sampled times. */
    private static Measured measured(Cell cell, RunResult r, Path latencyFile) throws IOException {
        double opsPerSecond = r.getPrimaryResult().getScore();
        if (!cell.timed()) {
            return new Measured(opsPerSecond, Double.NaN, Double.NaN, Double.NaN, false);
        }
        long[] nanos = SampledLatency.read(latencyFile);
        return new Measured(opsPerSecond, Latency.percentile(nanos, 50) / 1000.0,
                Latency.percentile(nanos, 99) / 1000.0, Latency.percentile(nanos, 99.9) / 1000.0, true);
    }

    /** What this machine can do, in MB/s; NaN where not measured. */
    record Bandwidths(double copy, double pageCache, double disk) {
    }

    private static String row(Cell c, Measured sluice, Measured apache, Bandwidths limits) {
        double ratio = sluice != null && apache != null ? sluice.opsPerSecond() / apache.opsPerSecond() : Double.NaN;
        String copyShare = "";
        String pageCacheShare = "";
        String diskShare = "";
        if (sluice != null && c.stores()) {
            double mbps = sluice.opsPerSecond() * recordBytes(c.bodySize()) / 1e6;
            copyShare = String.format(Locale.ROOT, "%.1f%%", 100 * mbps / limits.copy());
            pageCacheShare = share(mbps, limits.pageCache());
            diskShare = share(mbps, limits.disk());
        }
        return String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |", c.label(),
                c.bodySize() > 0 ? String.valueOf(c.bodySize()) : "", c.threads(), ops(sluice), ops(apache),
                Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "**%.2f×**", ratio),
                latency(sluice), latency(apache), copyShare, pageCacheShare, diskShare);
    }

    private static String share(double mbps, double limit) {
        return Double.isNaN(limit) ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * mbps / limit);
    }

    /** Bytes one benchmark message takes in the CommitLog. */
    static int recordBytes(int bodySize) {
        return MessageRecordDescriptor.recordLength(0, bodySize, "BenchmarkTest".length(),
                MessageProperties.bytes("TAGS\u0001TagA\u0002KEYS\u0001order-1\u0002UNIQ_KEY\u0001"
                        + "7F0000010001B4AAC2A2").length);
    }

    private static String ops(Measured m) {
        return m == null ? "n/a" : String.format(Locale.ROOT, "%,.0f", m.opsPerSecond());
    }

    private static String latency(Measured m) {
        if (m == null || !m.latency()) {
            return "";
        }
        return String.format(Locale.ROOT, "%s / %s / %s", micros(m.p50()), micros(m.p99()), micros(m.p999()));
    }

    private static String micros(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    /** Single-threaded heap-to-direct copy rate, the same kind of copy an append does into a mapped file. */
    static final class MemoryBandwidth {
        private MemoryBandwidth() {
        }

        static double copyMegabytesPerSecond() {
            byte[] src = new byte[64 << 20];
            ByteBuffer dst = ByteBuffer.allocateDirect(src.length);
            for (int warm = 0; warm < 3; warm++) {
                dst.clear();
                dst.put(src);
            }
            long bytes = 0;
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(1);
            long now;
            do {
                dst.clear();
                dst.put(src);
                bytes += src.length;
                now = System.nanoTime();
            } while (now < end);
            return bytes / ((now - start) / 1e9) / 1e6;
        }
    }
}
