package dev.vectornn.bench.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Renders one run as Markdown: a header saying where and how it was measured, the issue's
 * targets, GEMM as GFLOP/s and % of the FMA peak with thread scaling and vector/scalar ratios,
 * then one table per kernel family with scalar and vector rates and their ratio.
 */
final class MarkdownReport {

    /** A fork whose mean differs from another's by more than this is flagged (bimodal C2 results). */
    static final double FORK_SPREAD_FLAG = 0.10;

    private static final Map<String, String> SECTIONS = new LinkedHashMap<>();

    static {
        SECTIONS.put("BlasLevel1Benchmark", "Level 1 and reductions");
        SECTIONS.put("BinaryBenchmark", "Element-wise arithmetic (c = a op b)");
        SECTIONS.put("UnaryBenchmark", "Element-wise functions, forward and backward");
        SECTIONS.put("RowKernelsBenchmark", "Row kernels (rows x cols, cols = min(size, 1024))");
        SECTIONS.put("OptimizerBenchmark", "Optimizer updates");
        SECTIONS.put("GemvBenchmark", "GEMV (square matrix, size = m*n)");
    }

    private final Summary s;
    private final Machine machine;
    private final String suite;
    private final String mode;
    private final String stamp;
    private final String jsonName;
    private final List<String> failures;
    private final WorkloadTable.TorchData torch;
    private final StringBuilder md = new StringBuilder();
    private boolean spreadFlagged;

    MarkdownReport(Summary summary, Machine machine, String suite, String mode, String stamp, String jsonName,
                   List<String> failures) {
        this(summary, machine, suite, mode, stamp, jsonName, failures, null);
    }

    /** As the other constructor, with compare.py's PyTorch measurements (null: none) for the workload section. */
    MarkdownReport(Summary summary, Machine machine, String suite, String mode, String stamp, String jsonName,
                   List<String> failures, WorkloadTable.TorchData torch) {
        this.torch = torch;
        this.failures = failures;
        this.s = summary;
        this.machine = machine;
        this.suite = suite;
        this.mode = mode;
        this.stamp = stamp;
        this.jsonName = jsonName;
    }

    String render() {
        header();
        failures();
        targets();
        gemm("GEMM: C = op(A) op(B), single precision", s.gemm, false);
        gemm("Batched GEMM", s.batched, true);
        kernels();
        graph();
        md.append(WorkloadTable.render(s.workloads, torch, s.peakScaling()));
        other();
        notes();
        return md.toString();
    }

    private void header() {
        md.append("# vectornn benchmarks: ").append(suite).append(" (").append(stamp).append(")\n\n");
        JsonObject first = s.results.isEmpty() ? new JsonObject() : s.results.get(0).json();
        md.append("| | |\n|---|---|\n");
        row("CPU", machine.cpuModel() + "; " + machine.logicalCpus() + " logical CPUs; SIMD: " + machine.simdFlags());
        row("Vector kernels", machine.vector());
        row("JDK", str(first, "jdkVersion") + " (" + str(first, "vmName") + " " + str(first, "vmVersion") + ")");
        row("JVM flags (forks)", jvmArgs());
        row("Run mode", switch (mode) {
            case "smoke" -> "smoke: a pipeline check, the numbers mean nothing";
            case "quick" -> "quick: 1 fork and short iterations, indicative only (the peak keeps its settings)";
            default -> mode;
        });
        row("JMH", str(first, "jmhVersion") + "; " + String.join("; ", settings()));
        row("FMA peak, 1 core", Double.isNaN(s.peakGflops) ? "not measured in this run"
                : Format.sig(s.peakGflops) + " GFLOP/s" + (Double.isNaN(s.peakRelErr) ? ""
                : " ±" + Format.pct1(100 * s.peakRelErr) + "%") + " (" + machine.peakProbe() + " probe)");
        if (!Double.isNaN(s.peakTwoThreadsGflops)) {
            row("FMA probe, 2 threads at once", Format.sig(s.peakTwoThreadsGflops) + " GFLOP/s"
                    + (Double.isNaN(s.peakTwoThreadsRelErr) ? "" : " ±" + Format.pct1(100 * s.peakTwoThreadsRelErr) + "%")
                    + (Double.isNaN(s.peakScaling()) ? "" : " = " + Format.ratio(s.peakScaling()) + " the 1-core peak")
                    + ": the most any compute-bound work could gain from a second thread during this run");
        }
        if (!Double.isNaN(s.roundTripNs)) {
            row("Core-to-core round trip", Format.sig(s.roundTripNs) + " ns for a cache line between two threads and back"
                    + " (tens of ns: one die; hundreds: two, and a 2-thread step's handoffs cost more)");
        }
        row("Raw data", "`" + jsonName + "`");
        md.append('\n');
    }

    private void failures() {
        if (failures.isEmpty()) {
            return;
        }
        md.append("## Failed benchmarks (not in the tables below)\n\n");
        for (String f : failures) {
            md.append("- ").append(f).append('\n');
        }
        md.append('\n');
    }

    private String jvmArgs() {
        Set<String> all = new LinkedHashSet<>();
        for (BenchResult r : s.results) {
            List<String> a = new ArrayList<>();
            if (r.json().has("jvmArgs")) {
                for (JsonElement e : r.json().getAsJsonArray("jvmArgs")) {
                    a.add(e.getAsString());
                }
            }
            all.add(a.isEmpty() ? "(none)" : "`" + String.join(" ", a) + "`");
        }
        return all.isEmpty() ? "n/a" : String.join(" / ", all);
    }

    /** The distinct fork/warmup/measurement settings of the run, each with the classes that used it. */
    private List<String> settings() {
        Map<String, Set<String>> by = new LinkedHashMap<>();
        for (BenchResult r : s.results) {
            JsonObject o = r.json();
            String k = str(o, "forks") + " fork(s), warmup " + str(o, "warmupIterations") + " x " + str(o, "warmupTime")
                    + ", measurement " + str(o, "measurementIterations") + " x " + str(o, "measurementTime");
            by.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(r.className());
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : by.entrySet()) {
            out.add(by.size() == 1 ? e.getKey() : e.getKey() + " (" + String.join(", ", e.getValue()) + ")");
        }
        return out;
    }

    private void targets() {
        List<String[]> rows = new ArrayList<>();
        s.squareGemm(1024, 1).ifPresent(g -> {
            double pct = s.pctOfPeak(g);
            rows.add(new String[] {"GEMM n=1024, 1 thread >= 85 % of the FMA peak",
                    Format.sig(g.gflops()) + " GFLOP/s = " + (Double.isNaN(pct) ? "n/a (no peak)" : Format.pct1(pct) + " %"),
                    Double.isNaN(pct) ? "n/a" : verdict(pct >= 85, pct / 85)});
        });
        s.minScalingFrom512().ifPresent(m -> rows.add(new String[] {
                "GEMM 2 threads >= 1.8x 1 thread for n >= 512",
                "lowest " + Format.ratio(m[0]) + " (n=" + (int) m[1] + ")", verdict(m[0] >= 1.8, m[0] / 1.8)}));
        for (String[] t : new String[][] {{"exp", "6"}, {"tanh", "6"}, {"sigmoid", "6"}, {"softmax", "6"}, {"dot", "8"}}) {
            double r = s.kernelRatio(t[0], 65536);
            if (!Double.isNaN(r)) {
                double want = Double.parseDouble(t[1]);
                rows.add(new String[] {t[0] + " vector >= " + t[1] + "x scalar at 64K", Format.ratio(r),
                        verdict(r >= want, r / want)});
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        md.append("## Targets (issue 3)\n\n| target | measured | verdict |\n|---|---|---|\n");
        for (String[] r : rows) {
            md.append("| ").append(r[0]).append(" | ").append(r[1]).append(" | ").append(r[2]).append(" |\n");
        }
        md.append('\n');
    }

    private static String verdict(boolean met, double fraction) {
        return met ? "met" : "**missed** (at " + Format.pct1(100 * fraction) + " % of the target)";
    }

    private void gemm(String title, List<Summary.GemmRow> rows, boolean batched) {
        if (rows.isEmpty()) {
            return;
        }
        md.append("## ").append(title).append("\n\n");
        md.append("| M x N x K | ").append(batched ? "batch | " : "")
                .append("op | impl | threads | time/call | GFLOP/s | % of peak | vs 1 thread | vector/scalar |\n");
        md.append("|---|").append(batched ? "---:|" : "").append("---|---|---:|---:|---:|---:|---:|---:|\n");
        // vector rows first, in the order measured; scalar rows after, for reference
        List<Summary.GemmRow> ordered = new ArrayList<>();
        rows.stream().filter(g -> !g.impl().equals("scalar")).forEach(ordered::add);
        rows.stream().filter(g -> g.impl().equals("scalar")).forEach(ordered::add);
        for (Summary.GemmRow g : ordered) {
            md.append("| ").append(g.shape()).append(" | ");
            if (batched) {
                md.append(g.batch()).append(" | ");
            }
            md.append(g.trans()).append(" | ").append(g.impl()).append(" | ").append(g.threads()).append(" | ")
                    .append(timeCell(g.result())).append(" | ")
                    .append(Format.sig(g.gflops())).append(" | ")
                    .append(Double.isNaN(s.peakGflops) ? "n/a" : Format.pct1(s.pctOfPeak(g)) + " %").append(" | ")
                    .append(Format.ratio(s.scaling(rows, g))).append(" | ")
                    .append(Format.ratio(s.vectorOverScalar(rows, g))).append(" |\n");
        }
        md.append('\n');
    }

    private void kernels() {
        // section (benchmark class) → label → size → impl → row
        Map<String, Map<String, TreeMap<Long, Map<String, Summary.KernelRow>>>> sections = new LinkedHashMap<>();
        for (String cls : SECTIONS.keySet()) {
            sections.put(cls, new LinkedHashMap<>());
        }
        for (Map<String, Summary.KernelRow> byImpl : s.kernels.values()) {
            Summary.KernelRow any = byImpl.values().iterator().next();
            sections.computeIfAbsent(any.result().className(), c -> new LinkedHashMap<>())
                    .computeIfAbsent(any.work().kernel(), l -> new TreeMap<>())
                    .put(any.work().size(), byImpl);
        }
        for (Map.Entry<String, Map<String, TreeMap<Long, Map<String, Summary.KernelRow>>>> sec : sections.entrySet()) {
            if (sec.getValue().isEmpty()) {
                continue;
            }
            md.append("## ").append(SECTIONS.getOrDefault(sec.getKey(), sec.getKey())).append("\n\n");
            md.append("| kernel | size | scalar time | vector time | scalar | vector | vector/scalar |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|\n");
            for (Map.Entry<String, TreeMap<Long, Map<String, Summary.KernelRow>>> k : sec.getValue().entrySet()) {
                for (Map.Entry<Long, Map<String, Summary.KernelRow>> bySize : k.getValue().entrySet()) {
                    Summary.KernelRow sc = bySize.getValue().get("scalar");
                    Summary.KernelRow ve = bySize.getValue().get("vector");
                    md.append("| ").append(Format.cell(k.getKey())).append(" | ").append(Format.size(bySize.getKey()))
                            .append(" | ").append(sc == null ? "—" : timeCell(sc.result()))
                            .append(" | ").append(ve == null ? "—" : timeCell(ve.result()))
                            .append(" | ").append(rateCell(sc)).append(" | ").append(rateCell(ve))
                            .append(" | ").append(Format.ratio(s.kernelRatio(k.getKey(), bySize.getKey())))
                            .append(" |\n");
                }
            }
            md.append('\n');
        }
    }

    private static String rateCell(Summary.KernelRow r) {
        if (r == null) {
            return "—";
        }
        return Format.sig(r.work().rate(r.result().nsPerOp())) + " " + r.work().unit().label();
    }

    /** FLOPs of one forward pass of MlpBenchmark's 784-512-512-10 MLP at batch 128 (GEMMs only). */
    private static final double MLP_FORWARD_FLOPS = 2.0 * 128 * (784 * 512 + 512 * 512 + 512 * 10);

    /**
     * The graph executor: time per call (per op for GraphOverheadBenchmark, which declares its
     * ops per invocation), the MLP's forward GFLOP/s, and bytes allocated per call when the run
     * used {@code -prof gc}.
     */
    private void graph() {
        if (s.graph.isEmpty()) {
            return;
        }
        md.append("## Graph executor\n\n")
                .append("| benchmark | parameters | time/call | forward GFLOP/s | allocated/call |\n|---|---|---:|---:|---:|\n");
        for (BenchResult r : s.graph) {
            String gflops = "—";
            if (r.className().equals("MlpBenchmark") && r.method().equals("forward")) {
                gflops = Format.sig(MLP_FORWARD_FLOPS / r.nsPerOp());
            }
            md.append("| ").append(r.key()).append(" | ").append(Format.cell(r.params().toString()))
                    .append(" | ").append(timeCell(r)).append(" | ").append(gflops)
                    .append(" | ").append(allocCell(r)).append(" |\n");
        }
        md.append("\nGraphOverheadBenchmark times are per op (a 50-op element-wise chain plus a sum on [4, 8]); ")
                .append("`forward` minus `kernelsOnly` is the executor's own cost per op. ")
                .append("allocated/call is `gc.alloc.rate.norm` (run with `-- -prof gc`); a steady training ")
                .append("step should allocate about 0 B.\n\n");
    }

    private static String allocCell(BenchResult r) {
        JsonObject o = r.json();
        if (!o.has("secondaryMetrics") || !o.getAsJsonObject("secondaryMetrics").has("gc.alloc.rate.norm")) {
            return "—";
        }
        JsonElement score = o.getAsJsonObject("secondaryMetrics").getAsJsonObject("gc.alloc.rate.norm").get("score");
        return score == null || score.isJsonNull() ? "—" : Format.sig(score.getAsDouble()) + " B";
    }

    private void other() {
        if (s.other.isEmpty()) {
            return;
        }
        md.append("## Other results\n\n| benchmark | parameters | time/call |\n|---|---|---:|\n");
        for (BenchResult r : s.other) {
            md.append("| ").append(r.key()).append(" | ").append(Format.cell(r.params().toString()))
                    .append(" | ").append(timeCell(r)).append(" |\n");
        }
        md.append('\n');
    }

    private String timeCell(BenchResult r) {
        String t = Format.time(r.nsPerOp(), r.errorNs());
        if (r.forkSpread() > FORK_SPREAD_FLAG) {
            spreadFlagged = true;
            return t + " †";
        }
        return t;
    }

    private void notes() {
        md.append("Notes: time/call is JMH's average time per call with its 99.9 % error. ")
                .append("Rates are nominal: GFLOP/s counts one FLOP per add or multiply (GEMM: 2·M·N·K); ")
                .append("GB/s counts each float read or written once; Gelem/s is elements per second. ")
                .append("% of peak divides by the FMA peak times the thread count. ")
                .append("vector/scalar is the scalar time over the vector time. See bench/README.md.\n");
        if (spreadFlagged) {
            md.append("\n† the forks' means differ by more than ").append((int) (100 * FORK_SPREAD_FLAG))
                    .append(" %: C2 compiled the forks differently; the mean hides two modes. ")
                    .append("Look at `rawData` in the JSON, and rerun with more forks (`-- -f 5`).\n");
        }
    }

    private void row(String k, String v) {
        md.append("| ").append(k).append(" | ").append(Format.cell(v)).append(" |\n");
    }

    private static String str(JsonObject o, String field) {
        JsonElement e = o.get(field);
        return e == null || e.isJsonNull() ? "?" : e.getAsString();
    }
}
