package dev.vectornn.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's arithmetic and output on hand-made JMH results whose right answers are known. */
class ReportTest {

    /** A JMH result as JMH writes it, with one fork per element of {@code forkScores}. */
    static JsonObject result(String benchmark, Map<String, String> params, double score, String unit,
                             double[] forkScores, Double nsPerFlop) {
        JsonObject o = new JsonObject();
        o.addProperty("jmhVersion", "1.37");
        o.addProperty("benchmark", "dev.vectornn.bench." + benchmark);
        o.addProperty("mode", "avgt");
        o.addProperty("forks", forkScores.length);
        o.addProperty("jdkVersion", "25.0.3");
        o.addProperty("vmName", "OpenJDK 64-Bit Server VM");
        o.addProperty("vmVersion", "25.0.3+9-LTS");
        o.addProperty("warmupIterations", 3);
        o.addProperty("warmupTime", "1 s");
        o.addProperty("measurementIterations", 5);
        o.addProperty("measurementTime", "1 s");
        JsonArray args = new JsonArray();
        args.add("--add-modules");
        args.add("jdk.incubator.vector");
        o.add("jvmArgs", args);
        if (!params.isEmpty()) {
            JsonObject p = new JsonObject();
            params.forEach(p::addProperty);
            o.add("params", p);
        }
        JsonObject m = new JsonObject();
        m.addProperty("score", score);
        m.addProperty("scoreError", "NaN");
        m.addProperty("scoreUnit", unit);
        JsonArray raw = new JsonArray();
        for (double f : forkScores) {
            JsonArray fork = new JsonArray();
            fork.add(f);
            fork.add(f);
            raw.add(fork);
        }
        m.add("rawData", raw);
        o.add("primaryMetric", m);
        if (nsPerFlop != null) {
            JsonObject flop = new JsonObject();
            flop.addProperty("score", nsPerFlop);
            flop.addProperty("scoreUnit", unit);
            JsonObject sec = new JsonObject();
            sec.add("flop", flop);
            o.add("secondaryMetrics", sec);
        }
        return o;
    }

    static JsonObject simple(String benchmark, Map<String, String> params, double nsPerOp) {
        return result(benchmark, params, nsPerOp, "ns/op", new double[] {nsPerOp}, null);
    }

    /** Peak 200 GFLOP/s; GEMM 1024 at 160 (1T, 80 %) and 300 (2T, 1.875x); dot 10x; exp 5x. */
    static List<JsonObject> sample() {
        List<JsonObject> r = new ArrayList<>();
        r.add(result("FmaPeakBenchmark.peak", Map.of(), 1e5, "ns/op", new double[] {1e5}, 1 / 200.0));
        double f1024 = 2.0 * 1024 * 1024 * 1024;
        r.add(simple("GemmBenchmark.gemm", Map.of("impl", "vector", "shape", "1024", "threads", "1", "trans", "NN"), f1024 / 160));
        r.add(simple("GemmBenchmark.gemm", Map.of("impl", "vector", "shape", "1024", "threads", "2", "trans", "NN"), f1024 / 300));
        double f64 = 2.0 * 64 * 64 * 64;
        r.add(simple("GemmBenchmark.gemm", Map.of("impl", "vector", "shape", "64", "threads", "1", "trans", "NN"), f64 / 100));
        r.add(simple("GemmScalarBenchmark.gemm", Map.of("impl", "scalar", "shape", "64", "threads", "1", "trans", "NN"), f64 / 2));
        r.add(simple("BlasLevel1Benchmark.dot", Map.of("impl", "scalar", "size", "65536"), 50_000));
        // microseconds and two disagreeing forks: unit conversion and the † flag
        r.add(result("BlasLevel1Benchmark.dot", Map.of("impl", "vector", "size", "65536"), 5, "us/op",
                new double[] {4, 6}, null));
        r.add(simple("UnaryBenchmark.unary", Map.of("impl", "scalar", "size", "65536", "op", "EXP"), 500_000));
        r.add(simple("UnaryBenchmark.unary", Map.of("impl", "vector", "size", "65536", "op", "EXP"), 100_000));
        return r;
    }

    static List<BenchResult> parsed(List<JsonObject> json) {
        return json.stream().map(BenchResult::fromJson).toList();
    }

    @Test
    void unitsAreNormalizedToNanosecondsPerCall() {
        assertEquals(5_000, BenchResult.toNsPerOp(5, "us/op", "t"), 1e-9);
        assertEquals(2e6, BenchResult.toNsPerOp(2, "ms/op", "t"), 1e-6);
        assertEquals(1e3, BenchResult.toNsPerOp(1e6, "ops/s", "t"), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> BenchResult.toNsPerOp(1, "furlongs", "t"));
    }

    @Test
    void resultKeepsParamsForksAndTheFlopCounter() {
        BenchResult peak = BenchResult.fromJson(sample().get(0));
        assertEquals("FmaPeakBenchmark.peak", peak.key());
        assertEquals(1 / 200.0, peak.nsPerFlop(), 1e-15);
        BenchResult dot = BenchResult.fromJson(sample().get(6));
        assertEquals("vector", dot.param("impl"));
        assertEquals(5_000, dot.nsPerOp(), 1e-9);
        assertEquals(0.5, dot.forkSpread(), 1e-12);  // forks at 4 and 6 µs
        assertTrue(Double.isNaN(dot.errorNs()));
    }

    /** JMH's output for the 2-thread probe: throughput mode, the flop counter summed over the threads. */
    static JsonObject twoThreadPeak(double flopPerNs, double error) {
        JsonObject o = result("FmaPeakBenchmark.peakTwoThreads", Map.of(), 1e-5, "ops/ns", new double[] {1e-5}, flopPerNs);
        o.get("secondaryMetrics").getAsJsonObject().getAsJsonObject("flop").addProperty("scoreError", error);
        return o;
    }

    @Test
    void theTwoThreadProbeAndTheRoundTripAreReportedBesideThePeak() {
        List<JsonObject> json = new ArrayList<>(sample());
        json.add(twoThreadPeak(300, 30));
        json.add(simple("CoreToCoreBenchmark.roundTrip", Map.of(), 320));
        Summary s = new Summary(parsed(json));
        assertEquals(320, s.roundTripNs, 1e-9);
        assertEquals(300, s.peakTwoThreadsGflops, 1e-9);
        assertEquals(0.1, s.peakTwoThreadsRelErr, 1e-12);
        assertEquals(1.5, s.peakScaling(), 1e-12);
        Machine m = new Machine("Test CPU", 2, "avx512f", "vector-512", 512, "vector-512");
        String md = new MarkdownReport(s, m, "gemm", "full", "20260101-000000", "x.json", List.of()).render();
        assertTrue(md.contains("| FMA probe, 2 threads at once | 300 GFLOP/s ±10.0% = 1.50x the 1-core peak: "), md);
        assertTrue(md.contains("| Core-to-core round trip | 320 ns for a cache line between two threads and back"), md);
        assertFalse(md.contains("## Other results"), "the round trip is not an unclassified result: " + md);
        Summary without = new Summary(parsed(sample()));
        assertTrue(Double.isNaN(without.peakScaling()));
        assertFalse(new MarkdownReport(without, m, "gemm", "full", "20260101-000000", "x.json", List.of()).render()
                .contains("2 threads at once"));
        assertTrue(Double.isNaN(without.roundTripNs));
    }

    @Test
    void summaryDerivesPeakShareScalingAndRatios() {
        Summary s = new Summary(parsed(sample()));
        assertEquals(200, s.peakGflops, 1e-9);
        Summary.GemmRow one = s.squareGemm(1024, 1).orElseThrow();
        Summary.GemmRow two = s.squareGemm(1024, 2).orElseThrow();
        assertEquals(160, one.gflops(), 1e-9);
        assertEquals(80, s.pctOfPeak(one), 1e-9);
        assertEquals(75, s.pctOfPeak(two), 1e-9);  // 300 of 2 x 200
        assertEquals(1.875, s.scaling(s.gemm, two), 1e-12);
        assertTrue(Double.isNaN(s.scaling(s.gemm, one)));
        Summary.GemmRow small = s.squareGemm(64, 1).orElseThrow();
        assertEquals(50, s.vectorOverScalar(s.gemm, small), 1e-9);
        assertEquals(10, s.kernelRatio("dot", 65536), 1e-12);
        assertEquals(5, s.kernelRatio("exp", 65536), 1e-12);
        assertTrue(Double.isNaN(s.kernelRatio("tanh", 65536)));
    }

    /**
     * GemmPackedBenchmark's two methods become GEMM rows of their own impl labels, each scaled
     * against its own 1-thread row, and never taken for the plain vector GEMM.
     */
    @Test
    void packedGemmRowsKeepTheirOwnLabels() {
        List<JsonObject> json = sample();
        double f = 2.0 * 32 * 1024 * 256;
        for (String[] m : new String[][] {{"gemm", "40"}, {"gemmPacked", "50"}}) {
            for (String t : new String[] {"1", "2"}) {
                double gflops = Double.parseDouble(m[1]) * Integer.parseInt(t);
                json.add(simple("GemmPackedBenchmark." + m[0], Map.of("shape", "32x1024x256", "threads", t, "trans", "NT"),
                        f / gflops));
            }
        }
        Summary s = new Summary(parsed(json));
        Summary.GemmRow once = s.gemm.stream().filter(g -> g.impl().equals("vector, B packed once") && g.threads() == 2)
                .findFirst().orElseThrow();
        assertEquals(100, once.gflops(), 1e-9);
        assertEquals(2, s.scaling(s.gemm, once), 1e-12);
        assertTrue(s.gemm.stream().anyMatch(g -> g.impl().equals("vector, B packed per call") && g.gflops() == 40));
        assertEquals(160, s.squareGemm(1024, 1).orElseThrow().gflops(), 1e-9);
        Machine m = new Machine("Test CPU", 2, "avx512f", "vector-512: 512-bit float vectors, 16 lanes", 512, "vector-512");
        String md = new MarkdownReport(s, m, "gemm", "full", "20260101-000000", "x.json", List.of()).render();
        assertTrue(md.contains("| 32x1024x256 | NT | vector, B packed once | 2 |"), md);
    }

    @Test
    void markdownJudgesTargetsAndFlagsBimodalForks() {
        Summary s = new Summary(parsed(sample()));
        Machine m = new Machine("Test CPU", 2, "avx512f", "vector-512: 512-bit float vectors, 16 lanes", 512, "vector-512");
        String md = new MarkdownReport(s, m, "all", "full", "20260101-000000", "x.json", List.of()).render();
        assertTrue(md.contains("| GEMM n=1024, 1 thread >= 85 % of the FMA peak | 160 GFLOP/s = 80.0 % | **missed**"), md);
        assertTrue(md.contains("| GEMM 2 threads >= 1.8x 1 thread for n >= 512 | lowest 1.88x (n=1024) | met |"), md);
        assertTrue(md.contains("| dot vector >= 8x scalar at 64K | 10.0x | met |"), md);
        assertTrue(md.contains("| exp vector >= 6x scalar at 64K | 5.00x | **missed**"), md);
        assertTrue(md.contains("| dot | 64K | 50.0 µs | 5.00 µs † | 2.62 GFLOP/s | 26.2 GFLOP/s | 10.0x |"), md);
        assertTrue(md.contains("| Test CPU; 2 logical CPUs; SIMD: avx512f |"), md);
        assertFalse(md.contains("Failed benchmarks"));
        String withFailure = new MarkdownReport(s, m, "all", "full", "t", "x.json",
                List.of("GemmBenchmark.gemm (shape = 64): java.lang.OutOfMemoryError")).render();
        assertTrue(withFailure.contains("- GemmBenchmark.gemm (shape = 64): java.lang.OutOfMemoryError"));
    }

    @Test
    void endToEndWritesMergedJsonMarkdownAndOneHistoryLinePerRun(@TempDir Path dir) throws IOException {
        List<JsonObject> all = sample();
        JsonArray peak = new JsonArray();
        peak.add(all.get(0));
        JsonArray main = new JsonArray();
        all.subList(1, all.size()).forEach(main::add);
        Files.writeString(dir.resolve("peak.json"), peak.toString());
        Files.writeString(dir.resolve("main.json"), main.toString());
        String[] args = {"--in", dir.resolve("peak.json").toString(), "--in", dir.resolve("main.json").toString(),
                "--json", dir.resolve("run.json").toString(), "--md", dir.resolve("run.md").toString(),
                "--history", dir.resolve("history.csv").toString(), "--suite", "all", "--mode", "full",
                "--stamp", "20260101-000000", "--cpuinfo", dir.resolve("no-cpuinfo").toString()};
        Report.run(args);
        Report.run(args);

        assertEquals(all.size(), com.google.gson.JsonParser.parseString(Files.readString(dir.resolve("run.json")))
                .getAsJsonArray().size());
        assertTrue(Files.readString(dir.resolve("run.md")).contains("| FMA peak, 1 core | 200 GFLOP/s"));
        List<String> lines = Files.readAllLines(dir.resolve("history.csv"));
        assertEquals(3, lines.size(), "header once, then one line per run");
        assertEquals(History.HEADER, lines.get(0));
        String[] f = lines.get(1).split(",", -1);
        assertEquals(History.HEADER.split(",").length, f.length);
        assertEquals("200.000", f[6]);
        assertEquals("160.000", f[7]);
        assertEquals("80.000", f[8]);
        assertEquals("", f[13], "tanh was not measured: the column stays empty");
        assertEquals("run.json", f[16]);
    }

    @Test
    void rejectsMissingInputWithTheFileName(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> Report.run(new String[] {
                "--in", dir.resolve("absent.json").toString(), "--md", dir.resolve("x.md").toString()}));
        assertTrue(e.getMessage().contains("absent.json"), e.getMessage());
    }
}
