package dev.vectornn.bench.report;

import com.google.gson.JsonObject;
import dev.vectornn.bench.GemmShape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The numbers a run is judged by, computed once from the results and shared by the Markdown
 * tables, the targets section and the history line: the FMA peak, GEMM rows with their % of
 * peak, thread scaling and vector/scalar ratio, and the kernel ratios.
 */
final class Summary {

    /** One GEMM (or batched GEMM) result with its derived numbers. */
    record GemmRow(BenchResult result, GemmShape shape, String trans, String impl, int threads, int batch,
                   double gflops) {
        boolean sameProblem(GemmRow o) {
            return shape.equals(o.shape) && trans.equals(o.trans) && batch == o.batch;
        }
    }

    /** A kernel result paired with its workload. */
    record KernelRow(BenchResult result, Workload work, String impl) {}

    final List<BenchResult> results;
    /** Single-thread FMA peak in GFLOP/s, NaN if the peak probe was not part of the run. */
    final double peakGflops;
    /** The peak's 99.9 % error as a fraction of it, NaN if unknown. */
    final double peakRelErr;
    /**
     * The FMA probe's combined rate on two threads at once in GFLOP/s, NaN if not measured: the
     * ceiling on compute-bound 2-thread scaling on this machine during this run.
     */
    final double peakTwoThreadsGflops;
    /** That rate's 99.9 % error as a fraction of it, NaN if unknown. */
    final double peakTwoThreadsRelErr;
    /** {@code CoreToCoreBenchmark}'s round trip of a cache line between two threads in ns, NaN if not measured. */
    final double roundTripNs;
    final List<GemmRow> gemm = new ArrayList<>();
    final List<GemmRow> batched = new ArrayList<>();
    /** Kernel rows keyed by (label, size) in first-seen order, each mapping impl → row. */
    final Map<String, Map<String, KernelRow>> kernels = new LinkedHashMap<>();
    /** Graph executor benchmarks (package {@code dev.vectornn.bench.graph}), in run order. */
    final List<BenchResult> graph = new ArrayList<>();
    /** Issue-5 workload benchmarks (package {@code dev.vectornn.bench.workloads}), tabled by {@link WorkloadTable}. */
    final List<BenchResult> workloads = new ArrayList<>();
    final List<BenchResult> other = new ArrayList<>();

    /** The benchmark classes of {@code dev.vectornn.bench.graph}, reported in their own section. */
    static final java.util.Set<String> GRAPH_CLASSES = java.util.Set.of("GraphOverheadBenchmark", "MlpBenchmark", "RnnBenchmark");

    Summary(List<BenchResult> results) {
        this.results = results;
        double peak = Double.NaN, err = Double.NaN, peak2 = Double.NaN, err2 = Double.NaN, trip = Double.NaN;
        for (BenchResult r : results) {
            switch (r.key()) {
                case "FmaPeakBenchmark.peak" -> {
                    if (!Double.isNaN(r.nsPerFlop()) && Double.isNaN(peak)) {
                        peak = 1 / r.nsPerFlop();
                        err = r.errorNs() / r.nsPerOp();
                    }
                }
                case "FmaPeakBenchmark.peakTwoThreads" -> {
                    if (!Double.isNaN(r.nsPerFlop()) && Double.isNaN(peak2)) {
                        peak2 = 1 / r.nsPerFlop();
                        err2 = flopRelErr(r);
                    }
                }
                case "CoreToCoreBenchmark.roundTrip" -> trip = r.nsPerOp();
                case "GemmBenchmark.gemm", "GemmScalarBenchmark.gemm" -> gemm.add(gemmRow(r, 1));
                case "GemmBatchedBenchmark.gemmBatched" -> batched.add(gemmRow(r, r.intParam("batch", 1)));
                case "GemmPackedBenchmark.gemm" -> gemm.add(gemmRow(r, 1, "vector, B packed per call"));
                case "GemmPackedBenchmark.gemmPacked" -> gemm.add(gemmRow(r, 1, "vector, B packed once"));
                default -> {
                    if (GRAPH_CLASSES.contains(r.className())) {
                        graph.add(r);
                        continue;
                    }
                    if (WorkloadTable.CLASSES.contains(r.className())) {
                        workloads.add(r);
                        continue;
                    }
                    Optional<Workload> w = Workload.of(r);
                    if (w.isPresent()) {
                        String impl = r.param("impl") == null ? "?" : r.param("impl");
                        kernels.computeIfAbsent(kernelKey(w.get().kernel(), w.get().size()), k -> new LinkedHashMap<>())
                                .put(impl, new KernelRow(r, w.get(), impl));
                    } else {
                        other.add(r);
                    }
                }
            }
        }
        peakGflops = peak;
        peakRelErr = err;
        peakTwoThreadsGflops = peak2;
        peakTwoThreadsRelErr = err2;
        roundTripNs = trip;
    }

    /**
     * The 2-thread probe's combined rate over the 1-thread peak (2 on two dedicated cores), NaN
     * unless both were measured.
     */
    double peakScaling() {
        return peakTwoThreadsGflops / peakGflops;
    }

    /** The {@code flop} metric's 99.9 % error as a fraction of its score, NaN if unknown. */
    private static double flopRelErr(BenchResult r) {
        JsonObject f = r.json().getAsJsonObject("secondaryMetrics").getAsJsonObject("flop");
        return BenchResult.errorOf(f) / f.get("score").getAsDouble();
    }

    private static GemmRow gemmRow(BenchResult r, int batch) {
        return gemmRow(r, batch, r.param("impl") == null ? "vector" : r.param("impl"));
    }

    private static GemmRow gemmRow(BenchResult r, int batch, String impl) {
        GemmShape s = GemmShape.parse(r.param("shape"));
        String trans = r.param("trans") == null ? "NN" : r.param("trans");
        int threads = r.intParam("threads", 1);
        return new GemmRow(r, s, trans, impl, threads, batch, s.flops() * batch / r.nsPerOp());
    }

    static String kernelKey(String label, long size) {
        return label + "@" + size;
    }

    /** GFLOP/s of the same problem and implementation on one thread, if measured. */
    Optional<GemmRow> oneThread(List<GemmRow> rows, GemmRow row) {
        return rows.stream().filter(o -> o.sameProblem(row) && o.impl.equals(row.impl) && o.threads == 1).findFirst();
    }

    /** The scalar single-thread row of the same problem, if measured. */
    Optional<GemmRow> scalarOf(List<GemmRow> rows, GemmRow row) {
        return rows.stream().filter(o -> o.sameProblem(row) && o.impl.equals("scalar") && o.threads == 1).findFirst();
    }

    /** {@code threads}-thread over 1-thread GFLOP/s, NaN when either is missing or threads is 1. */
    double scaling(List<GemmRow> rows, GemmRow row) {
        if (row.threads == 1) {
            return Double.NaN;
        }
        return oneThread(rows, row).map(o -> row.gflops / o.gflops).orElse(Double.NaN);
    }

    /** Vector over scalar GFLOP/s on one thread, NaN unless this is a 1-thread vector row with a scalar twin. */
    double vectorOverScalar(List<GemmRow> rows, GemmRow row) {
        if (row.threads != 1 || !row.impl.equals("vector")) {
            return Double.NaN;
        }
        return scalarOf(rows, row).map(s -> row.gflops / s.gflops).orElse(Double.NaN);
    }

    /** Share of the peak of {@code threads} cores, in percent; NaN without a peak. */
    double pctOfPeak(GemmRow row) {
        return 100 * row.gflops / (peakGflops * row.threads);
    }

    /** The vector NN GEMM row of a square size on a thread count, if measured. */
    Optional<GemmRow> squareGemm(int n, int threads) {
        return gemm.stream().filter(g -> g.shape.square() && g.shape.m() == n && g.threads == threads
                && g.impl.equals("vector") && g.trans.equals("NN")).findFirst();
    }

    /** Vector/scalar time ratio of a kernel row, NaN unless both were measured. */
    double kernelRatio(String label, long size) {
        Map<String, KernelRow> m = kernels.get(kernelKey(label, size));
        if (m == null || !m.containsKey("scalar") || !m.containsKey("vector")) {
            return Double.NaN;
        }
        return m.get("scalar").result().nsPerOp() / m.get("vector").result().nsPerOp();
    }

    /** The smallest 2-thread/1-thread scaling of the square vector GEMMs with n >= 512, with its n. */
    Optional<double[]> minScalingFrom512() {
        double best = Double.NaN, at = 0;
        for (GemmRow g : gemm) {
            if (g.shape.square() && g.shape.m() >= 512 && g.threads == 2 && g.impl.equals("vector") && g.trans.equals("NN")) {
                double s = scaling(gemm, g);
                if (!Double.isNaN(s) && (Double.isNaN(best) || s < best)) {
                    best = s;
                    at = g.shape.m();
                }
            }
        }
        return Double.isNaN(best) ? Optional.empty() : Optional.of(new double[] {best, at});
    }
}
