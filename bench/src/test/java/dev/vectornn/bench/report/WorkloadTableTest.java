package dev.vectornn.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workload table's ratios, scaling and verdicts on hand-made JMH and compare.py results. */
class WorkloadTableTest {

    private static JsonObject withAlloc(JsonObject o, double bytes) {
        JsonObject norm = new JsonObject();
        norm.addProperty("score", bytes);
        norm.addProperty("scoreUnit", "B/op");
        JsonObject sec = new JsonObject();
        sec.add("gc.alloc.rate.norm", norm);
        o.add("secondaryMetrics", sec);
        return o;
    }

    private static JsonObject wl(String cls, String method, int threads, double ns, double bytes) {
        return withAlloc(ReportTest.simple("workloads." + cls + "." + method, Map.of("threads", Integer.toString(threads)), ns), bytes);
    }

    private static final String TORCH = """
            {"tool": "bench/torch/compare.py", "quick": false, "results": [
              {"workload": "mlp", "threads": 1, "units_per_step": 128, "unit": "samples", "forward_ms": 2.0, "train_ms": 8.0},
              {"workload": "mlp", "threads": 2, "units_per_step": 128, "unit": "samples", "forward_ms": 1.5, "train_ms": 4.0},
              {"workload": "lstm", "threads": 1, "units_per_step": 2048, "unit": "tokens", "forward_ms": 5.0, "train_ms": 10.0}],
             "environment": {"1": {"torch": "1.13.0a0", "executable": "/usr/bin/python3",
                "blas": {"openblas_config": "OpenBLAS 0.3.21", "openblas_core": "Cooperlake"},
                "env": {"OPENBLAS_CORETYPE": null, "OMP_WAIT_POLICY": null}}}}
            """;

    private static List<BenchResult> sample() {
        return ReportTest.parsed(List.of(
                wl("MlpWorkloadBenchmark", "forward", 1, 1e6, 0),
                wl("MlpWorkloadBenchmark", "trainStep", 1, 4e6, 0),
                wl("MlpWorkloadBenchmark", "forward", 2, 1e6, 0),
                // 100 B on each of 500 steps per 1 s iteration: 50 KB, more than JMH's own bookkeeping
                wl("MlpWorkloadBenchmark", "trainStep", 2, 2e6, 100),
                wl("LstmWorkloadBenchmark", "trainStep", 1, 1e7, 100)));
    }

    @Test
    void ratiosScalingAndVerdicts(@TempDir Path dir) throws IOException {
        Path t = dir.resolve("torch.json");
        Files.writeString(t, TORCH);
        String md = WorkloadTable.render(sample(), WorkloadTable.readTorch(t));
        // PyTorch 8 ms vs 4 ms: 2x; forward 2 ms vs 1 ms: 2x; 128 samples in 4 ms: 32000/s
        assertTrue(md.contains("| mlp | 1 | 1.00 ms | 4.00 ms | 2.00 ms | 8.00 ms | 2.00x | 2.00x | 32000 samples/s | 0 B, 0 B | — |"), md);
        // 2 threads: scaling 4/2 for vectornn and 8/4 for PyTorch
        assertTrue(md.contains("| mlp | 2 | 1.00 ms | 2.00 ms | 1.50 ms | 4.00 ms | 2.00x | 1.50x | 64000 samples/s | 0 B, 100 B | 2.00x (2.00x) |"), md);
        assertTrue(md.contains("| mlp | met: 2.00x at 1t, 2.00x at 2t | **missed**: 0 B at 1t, 100 B at 2t (48.8 KB per iteration) | met: 2.00x |"), md);
        // 100 B on 100 steps per 1 s iteration (10 KB) is within JMH's own bookkeeping
        assertTrue(md.contains("| lstm | **missed**: 1.00x at 1t | met: 100 B at 1t | — (needs threads 1 and 2) |"), md);
        assertTrue(md.contains("Cooperlake"), md);
        assertFalse(md.contains("char-gpt |"), "workloads without results get no row: " + md);
    }

    @Test
    void theProbesTwoThreadScalingStandsBesideTheVerdict() {
        String md = WorkloadTable.render(sample(), null, 1.25);
        assertTrue(md.contains("| met: 2.00x (FMA probe 1.25x) |"), md);
        assertTrue(md.contains("The FMA probe on two threads at once ran 1.25x as fast as on one in this run"), md);
        List<BenchResult> slow = ReportTest.parsed(List.of(wl("MlpWorkloadBenchmark", "trainStep", 1, 4e6, 0),
                wl("MlpWorkloadBenchmark", "trainStep", 2, 3.2e6, 0)));
        assertTrue(WorkloadTable.render(slow, null, 1.25).contains("| **missed**: 1.25x (69.4 % of the target; FMA probe 1.25x) |"));
        assertFalse(WorkloadTable.render(sample(), null).contains("FMA probe"));
    }

    @Test
    void withoutTorchThePyTorchColumnsAreEmpty() {
        String md = WorkloadTable.render(sample(), null);
        assertTrue(md.contains("| mlp | 1 | 1.00 ms | 4.00 ms | n/a | n/a | — | — |"), md);
        assertTrue(md.contains("— (no PyTorch data)"), md);
    }

    @Test
    void theFullReportHasTheSectionAndDoesNotRepeatTheResults(@TempDir Path dir) throws IOException {
        Path t = dir.resolve("torch.json");
        Files.writeString(t, TORCH);
        Summary s = new Summary(sample());
        Machine m = new Machine("Test CPU", 2, "avx512f", "vector-512", 512, "vector-512");
        String md = new MarkdownReport(s, m, "workloads", "full", "t", "x.json", List.of(), WorkloadTable.readTorch(t)).render();
        assertTrue(md.contains("## Workloads vs PyTorch (issue 5)"), md);
        assertFalse(md.contains("## Other results"), md);
        assertEquals("", WorkloadTable.render(ReportTest.parsed(List.of(ReportTest.simple("graph.MlpBenchmark.forward", Map.of(), 1))), null));
    }

    @Test
    void aMergedFileSaysItWasTimedInParts(@TempDir Path dir) throws IOException {
        Path t = dir.resolve("torch.json");
        Files.writeString(t, TORCH.replace("\"quick\": false,", "\"quick\": false, \"merged_from\": [\"a.json\", \"b.json\"],"));
        assertTrue(WorkloadTable.readTorch(t).description().contains("PyTorch results merged from 2 runs"),
                WorkloadTable.readTorch(t).description());
        Files.writeString(t, TORCH);
        assertFalse(WorkloadTable.readTorch(t).description().contains("merged"), WorkloadTable.readTorch(t).description());
    }

    @Test
    void aFileThatIsNotComparePyOutputIsRejected(@TempDir Path dir) throws IOException {
        Path t = dir.resolve("bad.json");
        Files.writeString(t, "[1, 2]");
        assertThrows(IllegalArgumentException.class, () -> WorkloadTable.readTorch(t));
        Files.writeString(t, "{\"results\": [{\"workload\": \"mlp\"}]}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WorkloadTable.readTorch(t));
        assertTrue(e.getMessage().contains("threads"), e.getMessage());
    }
}
