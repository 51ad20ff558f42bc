package dev.vectornn.bench.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The graph benchmarks get their own section, with GFLOP/s for the MLP and -prof gc's bytes per call. */
class GraphSectionTest {

    private static JsonObject withAlloc(JsonObject o, double bytes) {
        JsonObject norm = new JsonObject();
        norm.addProperty("score", bytes);
        norm.addProperty("scoreUnit", "B/op");
        JsonObject sec = new JsonObject();
        sec.add("gc.alloc.rate.norm", norm);
        o.add("secondaryMetrics", sec);
        return o;
    }

    @Test
    void graphResultsAreTabledWithRateAndAllocation() {
        List<JsonObject> json = List.of(
                withAlloc(ReportTest.simple("graph.MlpBenchmark.forward", Map.of("threads", "1"), 1.7118e6), 0),
                ReportTest.simple("graph.MlpBenchmark.forwardBackward", Map.of("threads", "2"), 4e6),
                ReportTest.simple("graph.GraphOverheadBenchmark.forward", Map.of("rows", "4", "cols", "8"), 40));
        Summary s = new Summary(ReportTest.parsed(json));
        Machine m = new Machine("Test CPU", 2, "avx512f", "vector-512", 512, "vector-512");
        String md = new MarkdownReport(s, m, "custom", "full", "t", "x.json", List.of()).render();
        assertTrue(md.contains("## Graph executor"), md);
        // 171.18 MFLOP in 1.7118 ms: 100 GFLOP/s; -prof gc said 0 B
        assertTrue(md.contains("| MlpBenchmark.forward | {threads=1} | 1.71 ms | 100 | 0 B |"), md);
        assertTrue(md.contains("| MlpBenchmark.forwardBackward | {threads=2} | 4.00 ms | — | — |"), md);
        assertTrue(md.contains("| GraphOverheadBenchmark.forward |"), md);
        assertFalse(md.contains("## Other results"), "graph results are not listed twice: " + md);
    }
}
