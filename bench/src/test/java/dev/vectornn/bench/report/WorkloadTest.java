package dev.vectornn.bench.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.bench.AttentionSoftmaxBenchmark;
import dev.vectornn.bench.BinaryBenchmark;
import dev.vectornn.bench.BlasLevel1Benchmark;
import dev.vectornn.bench.GeluWithDerivativeBenchmark;
import dev.vectornn.bench.GemvBenchmark;
import dev.vectornn.bench.OptimizerBenchmark;
import dev.vectornn.bench.RowKernelsBenchmark;
import dev.vectornn.bench.UnaryBenchmark;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;

/** The FLOP and byte counts the report turns kernel times into rates with. */
class WorkloadTest {

    /**
     * A kernel benchmark without a case in {@link Workload#of} is only listed by time, with no
     * rate; the switch is keyed by method name, so nothing but this test notices a missing case.
     */
    @Test
    void everyKernelSuiteBenchmarkHasAWorkload() {
        List<String> missing = new ArrayList<>();
        // the classes of bench/run's kernels suite
        for (Class<?> c : List.of(BlasLevel1Benchmark.class, BinaryBenchmark.class, UnaryBenchmark.class, GeluWithDerivativeBenchmark.class,
                RowKernelsBenchmark.class, AttentionSoftmaxBenchmark.class, OptimizerBenchmark.class, GemvBenchmark.class)) {
            for (Method m : c.getDeclaredMethods()) {
                if (!m.isAnnotationPresent(Benchmark.class)) {
                    continue;
                }
                String key = c.getSimpleName() + "." + m.getName();
                BenchResult r = BenchResult.fromJson(ReportTest.simple(key, Map.of("impl", "vector", "size", "1024"), 1));
                if (Workload.of(r).isEmpty()) {
                    missing.add(key);
                }
            }
        }
        assertTrue(missing.isEmpty(), "benchmarks without a workload: " + missing);
    }
}
