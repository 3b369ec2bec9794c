package dev.sluice.jmh.stats;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Latencies of a benchmark's operations (appends, key queries) in the measurement iterations, about one call in eight
 * timed, written for {@code BenchmarkReport} to {@code <sluice.jmh.latencyDir>/<impl>.latency}.
 *
 * <p>Why not JMH's sample-time mode: its sample buffer halves every count when full but keeps counts of one, so
 * after the several halvings an iteration of millions of calls goes through, rare slow samples weigh up to 2^k
 * times their share. Its mean and tail came out 1.5-4x too slow against the bytes the stores had written.
 */
public final class SampledLatency {
    static final String DIR_PROPERTY = "sluice.jmh.latencyDir";

    private SampledLatency() {
    }

    /** One trial's histogram, fed by every thread's {@link Sampler}. */
    @State(Scope.Benchmark)
    public static class Trial {
        private final List<Latency> threads = new ArrayList<>();
        private final long[] measured = new long[Latency.BUCKETS];

        synchronized void register(Latency latency) {
            threads.add(latency);
        }

        /** Runs after every thread has left the iteration: warm-up samples are dropped, measured ones kept. */
        @TearDown(Level.Iteration)
        public synchronized void collect(IterationParams iteration) {
            boolean keep = iteration.getType() == IterationType.MEASUREMENT;
            for (Latency latency : threads) {
                long[] counts = latency.drain();
                if (keep) {
                    for (int i = 0; i < counts.length; i++) {
                        measured[i] += counts[i];
                    }
                }
            }
        }

        @TearDown(Level.Trial)
        public synchronized void write(BenchmarkParams params) throws IOException {
            String dir = System.getProperty(DIR_PROPERTY);
            if (dir != null) {
                writeTo(Path.of(dir, params.getParam("impl") + ".latency"));
            }
        }

        synchronized void writeTo(Path file) throws IOException {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < measured.length; i++) {
                if (measured[i] > 0) {
                    text.append(i).append(' ').append(measured[i]).append('\n');
                }
            }
            Files.writeString(file, text, StandardCharsets.UTF_8);
        }
    }

    /** One thread's timer: {@link #start} before a call, {@link #stop} after it. */
    @State(Scope.Thread)
    public static class Sampler {
        private static final long SKIPPED = Long.MIN_VALUE;
        private final Latency latency = new Latency();
        private int rnd;

        @Setup(Level.Trial)
        public void join(Trial trial) {
            rnd = System.identityHashCode(this) | 1;
            trial.register(latency);
        }

        /** A timestamp for about one call in eight, picked at random so no pattern of the calls aliases. */
        public long start() {
            rnd ^= rnd << 13;
            rnd ^= rnd >>> 17;
            rnd ^= rnd << 5;
            return (rnd & 7) == 0 ? System.nanoTime() : SKIPPED;
        }

        public void stop(long started) {
            if (started != SKIPPED) {
                latency.record(System.nanoTime() - started);
            }
        }
    }

    /** The counts {@link Trial#write} wrote, indexed by bucket. */
    public static long[] read(Path file) throws IOException {
        long[] counts = new long[Latency.BUCKETS];
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            counts[Integer.parseInt(f[0])] = Long.parseLong(f[1]);
        }
        return counts;
    }

    /** Where the report points the forked benchmark JVM. */
    public static String dirProperty(Path dir) {
        return "-D" + DIR_PROPERTY + "=" + dir;
    }
}
