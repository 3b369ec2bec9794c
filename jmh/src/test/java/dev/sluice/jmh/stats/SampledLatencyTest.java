package dev.sluice.jmh.stats;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.options.TimeValue;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampledLatencyTest {
    private static final IterationParams WARMUP = new IterationParams(IterationType.WARMUP, 1, TimeValue.seconds(1), 1);
    private static final IterationParams MEASURED =
            new IterationParams(IterationType.MEASUREMENT, 1, TimeValue.seconds(1), 1);

    @Test
    void keepsAboutOneCallInEightOfTheMeasuredIterationsOnly(@TempDir Path dir) throws Exception {
        SampledLatency.Trial trial = new SampledLatency.Trial();
        SampledLatency.Sampler a = new SampledLatency.Sampler();
        SampledLatency.Sampler b = new SampledLatency.Sampler();
        a.join(trial);
        b.join(trial);

        time(a, 50_000);
        trial.collect(WARMUP);
        int calls = 80_000;
        time(a, calls);
        time(b, calls);
        trial.collect(MEASURED);
        Path file = dir.resolve("sluice.latency");
        trial.writeTo(file);

        long[] counts = SampledLatency.read(file);
        assertEquals(Latency.BUCKETS, counts.length);
        long sampled = Arrays.stream(counts).sum();
        // the warm-up's 50,000 calls would add ~6,250; two measured threads give ~20,000
        assertTrue(sampled > 2 * calls / 10 && sampled < 2 * calls * 3 / 20, "sampled " + sampled + " of " + 2 * calls);
        trial.collect(MEASURED);
        trial.writeTo(dir.resolve("again.latency"));
        assertArrayEquals(counts, SampledLatency.read(dir.resolve("again.latency")), "collect drained the threads");
    }

    private static void time(SampledLatency.Sampler sampler, int calls) {
        for (int i = 0; i < calls; i++) {
            sampler.stop(sampler.start());
        }
    }
}
