package dev.sluice.jmh.report;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report's cells, checked before a 50-minute run would find a misnamed one. */
class BenchmarkReportCellsTest {

    @Test
    void everyCellNamesABenchmarkMethodOfItsClass() throws ClassNotFoundException {
        for (boolean full : new boolean[] {false, true}) {
            for (BenchmarkReport.Cell cell : BenchmarkReport.cells(full)) {
                Class<?> benchmark = Class.forName(cell.benchmark());
                boolean found = Arrays.stream(benchmark.getMethods()).anyMatch(
                        (Method m) -> m.getName().equals(cell.method()) && m.isAnnotationPresent(Benchmark.class));
                assertTrue(found, cell + ": no @Benchmark " + cell.method() + " in " + cell.benchmark());
            }
        }
    }

    @Test
    void fullModeRunsThePoolAtEveryThreadCountAndEveryKeyIndexBenchmark() {
        List<BenchmarkReport.Cell> cells = BenchmarkReport.cells(true);
        Set<String> pool = cells.stream().filter(BenchmarkReport.Cell::pool)
                .map(c -> c.bodySize() + "x" + c.threads()).collect(Collectors.toSet());
        assertEquals(Set.of("128x1", "128x4", "128x16", "1024x1", "1024x4", "1024x16", "4096x1", "4096x4", "4096x16"),
                pool);
        Set<String> index = cells.stream().filter(c -> c.benchmark().endsWith("KeyIndexBenchmark"))
                .map(BenchmarkReport.Cell::method).collect(Collectors.toSet());
        assertEquals(Set.of("put", "putDispatchRound", "queryKey", "queryUniqKey"), index);
        assertTrue(cells.stream().filter(c -> c.method().startsWith("query")).allMatch(BenchmarkReport.Cell::timed));
        assertTrue(cells.stream().filter(c -> c.benchmark().endsWith("KeyIndexBenchmark")).noneMatch(
                BenchmarkReport.Cell::stores), "an index cell's rate is not a share of the disk's");
    }
}
