package dev.vectornn.bench.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The issue-5 workloads side by side with PyTorch: renders the JMH results of
 * {@code dev.vectornn.bench.workloads} and the JSON of {@code bench/torch/compare.py} as one
 * Markdown section, with throughput ratios, allocation per step, 2-thread scaling and verdicts
 * against the targets (train step at least {@value #TRAIN_RATIO_TARGET}x PyTorch's throughput,
 * 0 B per steady step, 2 threads at least {@value #SCALING_TARGET}x one thread).
 *
 * <p>Part of the normal report ({@link Report} with {@code --torch FILE}); also runs alone to
 * re-render a finished run:
 * <pre>
 *   java -cp bench/target/benchmarks.jar dev.vectornn.bench.report.WorkloadTable \
 *        --jmh results/RUN.json --torch results/RUN-torch.json [--md out.md]
 * </pre>
 * The table is generated here, in Java, rather than in the Python script because the report
 * package already reads JMH's JSON (units, forks, {@code -prof gc} metrics) and is unit-tested;
 * the Python side only measures and writes plain numbers.
 *
 * <p>Both sides run the same work per step, so the throughput ratio is PyTorch's time per step
 * over vectornn's. Samples or tokens per second are {@link Spec#units} per step divided by the
 * time per step.
 */
public final class WorkloadTable {
    private WorkloadTable() {}

    /** Target: a vectornn train step has at least this many times PyTorch's throughput. */
    static final double TRAIN_RATIO_TARGET = 1.5;
    /** Target: 2 threads are at least this many times faster than 1 thread. */
    static final double SCALING_TARGET = 1.8;
    /**
     * JMH's own allocation per measurement iteration (result objects, timers) is counted by
     * {@code -prof gc} and divided by the steps of that iteration: about 6 KB, i.e. hundreds of
     * bytes per step for a workload that runs 15-40 steps per one-second iteration. A step is
     * judged allocation-free when its {@code gc.alloc.rate.norm} times the steps per iteration
     * stays below this bound.
     */
    static final double JMH_BOOKKEEPING_BYTES_PER_ITERATION = 16 * 1024;

    /**
     * One workload: its id (shared with compare.py), its JMH class and the samples or tokens one
     * step processes.
     */
    record Spec(String id, String className, String shape, int units, String unit) {}

    /** The five workloads of issue 5, in table order. */
    static final List<Spec> SPECS = List.of(
            new Spec("mlp", "MlpWorkloadBenchmark", "MLP 784-512-512-10 ReLU, batch 128, CE, SGD", 128, "samples"),
            new Spec("lstm", "LstmWorkloadBenchmark", "LSTM 128→256, T 64, batch 32, MSE head, Adam", 64 * 32, "tokens"),
            new Spec("attention", "AttentionWorkloadBenchmark", "causal MHA d 256, 8 heads, T 128, batch 16, MSE, Adam",
                    128 * 16, "tokens"),
            new Spec("char-gpt", "CharGptWorkloadBenchmark", "char-GPT V 65, 4 layers, 4 heads, d 128, T 64, batch 12, AdamW",
                    64 * 12, "tokens"),
            new Spec("word-lstm-lm", "WordLstmLmWorkloadBenchmark",
                    "word LSTM LM V 33278, emb 200, 2x200, bptt 35, batch 20, SGD 20, clip 0.25", 35 * 20, "tokens"));

    /** The JMH classes reported by this table (and left out of the report's other sections). */
    static final Set<String> CLASSES = SPECS.stream().map(Spec::className).collect(Collectors.toUnmodifiableSet());

    /** One PyTorch measurement: median milliseconds per forward and per train step. */
    record TorchRow(String workload, int threads, double forwardMs, double trainMs, int units) {}

    /**
     * What compare.py wrote.
     *
     * @param rows        keyed by {@code workload@threads}
     * @param description one line: torch version, BLAS library and core, quick or not
     */
    record TorchData(Map<String, TorchRow> rows, String description) {
        Optional<TorchRow> get(String workload, int threads) {
            return Optional.ofNullable(rows.get(workload + "@" + threads));
        }
    }

    /**
     * Reads compare.py's JSON.
     *
     * @throws IOException if unreadable
     * @throws IllegalArgumentException if it is not compare.py's format, naming what is missing
     */
    static TorchData readTorch(Path p) throws IOException {
        JsonObject o;
        try (Reader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
            JsonElement e = JsonParser.parseReader(r);
            if (!e.isJsonObject() || !e.getAsJsonObject().has("results")) {
                throw new IllegalArgumentException(p + ": not compare.py output (no 'results')");
            }
            o = e.getAsJsonObject();
        } catch (com.google.gson.JsonParseException e) {
            throw new IllegalArgumentException(p + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        Map<String, TorchRow> rows = new LinkedHashMap<>();
        for (JsonElement e : o.getAsJsonArray("results")) {
            JsonObject r = e.getAsJsonObject();
            for (String f : new String[] {"workload", "threads", "forward_ms", "train_ms", "units_per_step"}) {
                if (!r.has(f)) throw new IllegalArgumentException(p + ": a result has no '" + f + "': " + r);
            }
            TorchRow row = new TorchRow(r.get("workload").getAsString(), r.get("threads").getAsInt(),
                    r.get("forward_ms").getAsDouble(), r.get("train_ms").getAsDouble(), r.get("units_per_step").getAsInt());
            rows.put(row.workload() + "@" + row.threads(), row);
        }
        return new TorchData(rows, describe(o));
    }

    private static String describe(JsonObject o) {
        StringBuilder d = new StringBuilder();
        if (o.has("environment") && o.get("environment").isJsonObject()) {
            for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("environment").entrySet()) {
                JsonObject env = e.getValue().getAsJsonObject();
                if (d.length() == 0) {
                    d.append("PyTorch ").append(str(env, "torch")).append(" (").append(str(env, "executable")).append(")");
                    if (env.has("blas") && env.get("blas").isJsonObject()) {
                        JsonObject b = env.getAsJsonObject("blas");
                        d.append(", BLAS: ").append(b.has("openblas_config") ? str(b, "openblas_config") : "?")
                                .append(", core ").append(b.has("openblas_core") ? str(b, "openblas_core") : "?");
                    }
                }
                if (env.has("env") && env.get("env").isJsonObject()) {
                    JsonObject v = env.getAsJsonObject("env");
                    d.append("; ").append(e.getKey()).append(" thread(s): OPENBLAS_CORETYPE=").append(envVar(v, "OPENBLAS_CORETYPE"))
                            .append(", OMP_WAIT_POLICY=").append(envVar(v, "OMP_WAIT_POLICY"));
                }
            }
        }
        if (o.has("quick") && o.get("quick").getAsBoolean()) d.append("; --quick run (indicative only)");
        if (o.has("merged_from") && o.get("merged_from").isJsonArray() && o.getAsJsonArray("merged_from").size() > 1) {
            d.append("; PyTorch results merged from ").append(o.getAsJsonArray("merged_from").size())
                    .append(" runs (`bench/run workloads` times each right after vectornn's JMH run of the same workload")
                    .append(" and thread count)");
        }
        return d.toString();
    }

    /** An environment variable as compare.py recorded it: null (or absent) means unset. */
    private static String envVar(JsonObject env, String name) {
        JsonElement e = env.get(name);
        return e == null || e.isJsonNull() ? "unset" : e.getAsString();
    }

    private static String str(JsonObject o, String f) {
        JsonElement e = o.get(f);
        return e == null || e.isJsonNull() ? "?" : e.getAsString();
    }

    /**
     * The Markdown section for the workload results among {@code results} (others are ignored),
     * or an empty string when there are none.
     *
     * @param torch compare.py's data, or null when PyTorch was not run (its columns show "—")
     */
    static String render(List<BenchResult> results, TorchData torch) {
        return render(results, torch, Double.NaN);
    }

    /**
     * As {@link #render(List, TorchData)}, with the FMA probe's 2-thread over 1-thread rate from
     * the same run ({@link Summary#peakScaling()}, NaN if not measured) set beside each
     * workload's 2-thread scaling: on a machine whose second vCPU adds less than a core, that
     * is what bounds the scaling target.
     */
    static String render(List<BenchResult> results, TorchData torch, double probeScaling) {
        Map<String, BenchResult> byKey = new LinkedHashMap<>();
        List<Integer> threadCounts = new ArrayList<>();
        for (BenchResult r : results) {
            if (!CLASSES.contains(r.className())) continue;
            int t = r.intParam("threads", 1);
            byKey.put(r.className() + "." + r.method() + "@" + t, r);
            if (!threadCounts.contains(t)) threadCounts.add(t);
        }
        if (byKey.isEmpty()) return "";
        threadCounts.sort(null);
        StringBuilder md = new StringBuilder("## Workloads vs PyTorch (issue 5)\n\n");
        if (torch != null) md.append(Format.cell(torch.description())).append("\n\n");
        else md.append("PyTorch was not run (no --torch file): its columns are empty.\n\n");
        md.append("| workload | threads | vectornn forward | vectornn train step | PyTorch forward | PyTorch train step "
                + "| train throughput vectornn/PyTorch | forward vectornn/PyTorch | vectornn train rate "
                + "| allocated/step fwd, train | 2t/1t train vectornn (PyTorch) |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        StringBuilder verdicts = new StringBuilder("| workload | train step ≥ " + Format.sig(TRAIN_RATIO_TARGET)
                + "x PyTorch | 0 B per steady train step | 2 threads ≥ " + Format.sig(SCALING_TARGET) + "x 1 thread |\n|---|---|---|---|\n");
        for (Spec spec : SPECS) {
            boolean any = false;
            List<String> ratioCells = new ArrayList<>(), allocCells = new ArrayList<>();
            boolean ratioOk = true, allocOk = true, ratioKnown = false, allocKnown = false;
            for (int t : threadCounts) {
                BenchResult fwd = byKey.get(spec.className() + ".forward@" + t);
                BenchResult train = byKey.get(spec.className() + ".trainStep@" + t);
                if (fwd == null && train == null) continue;
                any = true;
                Optional<TorchRow> tr = torch == null ? Optional.empty() : torch.get(spec.id(), t);
                double vFwd = fwd == null ? Double.NaN : fwd.nsPerOp();
                double vTrain = train == null ? Double.NaN : train.nsPerOp();
                double pFwd = tr.map(r -> r.forwardMs() * 1e6).orElse(Double.NaN);
                double pTrain = tr.map(r -> r.trainMs() * 1e6).orElse(Double.NaN);
                double trainRatio = pTrain / vTrain, fwdRatio = pFwd / vFwd;
                String scaling = "—";
                if (t != 1) {
                    BenchResult one = byKey.get(spec.className() + ".trainStep@1");
                    double vs = one == null ? Double.NaN : one.nsPerOp() / vTrain;
                    double ps = torch == null ? Double.NaN
                            : torch.get(spec.id(), 1).map(r -> r.trainMs() * 1e6).orElse(Double.NaN) / pTrain;
                    scaling = Format.ratio(vs) + " (" + Format.ratio(ps) + ")";
                }
                md.append("| ").append(spec.id()).append(" | ").append(t)
                        .append(" | ").append(time(fwd)).append(" | ").append(time(train))
                        .append(" | ").append(Format.time(pFwd)).append(" | ").append(Format.time(pTrain))
                        .append(" | ").append(Format.ratio(trainRatio)).append(" | ").append(Format.ratio(fwdRatio))
                        .append(" | ").append(Double.isNaN(vTrain) ? "—" : Format.sig(spec.units() / (vTrain / 1e9)) + " " + spec.unit() + "/s")
                        .append(" | ").append(bytes(alloc(fwd))).append(", ").append(bytes(alloc(train)))
                        .append(" | ").append(scaling).append(" |\n");
                if (!Double.isNaN(trainRatio)) {
                    ratioKnown = true;
                    ratioOk &= trainRatio >= TRAIN_RATIO_TARGET;
                    ratioCells.add(Format.ratio(trainRatio) + " at " + t + "t");
                }
                double a = alloc(train);
                if (!Double.isNaN(a)) {
                    allocKnown = true;
                    double perIteration = a * stepsPerIteration(train);
                    boolean ok = Double.isNaN(perIteration) ? a < 1 : perIteration <= JMH_BOOKKEEPING_BYTES_PER_ITERATION;
                    allocOk &= ok;
                    allocCells.add(bytes(a) + " at " + t + "t" + (ok ? "" : " (" + bytes(perIteration) + " per iteration)"));
                }
            }
            if (!any) continue;
            verdicts.append("| ").append(spec.id())
                    .append(" | ").append(ratioKnown ? verdict(ratioOk, ratioCells) : "— (no PyTorch data)")
                    .append(" | ").append(allocKnown ? verdict(allocOk, allocCells) : "— (run with -prof gc)")
                    .append(" | ").append(scalingVerdict(byKey, spec, probeScaling))
                    .append(" |\n");
        }
        md.append("\n### Targets\n\n").append(verdicts).append('\n');
        md.append("Workloads: ");
        for (int i = 0; i < SPECS.size(); i++) {
            Spec s = SPECS.get(i);
            md.append(i == 0 ? "" : "; ").append("**").append(s.id()).append("** ").append(s.shape())
                    .append(" (").append(s.units()).append(' ').append(s.unit()).append("/step)");
        }
        md.append(".\n\nTimes are per step: JMH's average (vectornn) and the median of timed steps (PyTorch). ")
                .append("Throughput ratio = PyTorch time / vectornn time (same work per step); above 1 vectornn is faster. ")
                .append("A train step is zero_grad, forward, backward, [clip], optimizer step. ")
                .append("allocated/step is JMH's `gc.alloc.rate.norm` (`-prof gc`); JMH's own bookkeeping adds about 6 KB per ")
                .append("measurement iteration, spread over its steps, so a step counts as allocation-free when its bytes times the ")
                .append("steps per iteration stay below ").append(bytes(JMH_BOOKKEEPING_BYTES_PER_ITERATION))
                .append(". 2t/1t is the 1-thread train-step time over the 2-thread one (PyTorch's in parentheses).");
        if (!Double.isNaN(probeScaling)) {
            md.append(" The FMA probe on two threads at once ran ").append(Format.ratio(probeScaling))
                    .append(" as fast as on one in this run (2x on two dedicated cores); a workload bound by ")
                    .append("arithmetic cannot scale further than that.");
        }
        md.append("\n\n");
        return md.toString();
    }

    private static String verdict(boolean ok, List<String> cells) {
        return (ok ? "met: " : "**missed**: ") + String.join(", ", cells);
    }

    private static String scalingVerdict(Map<String, BenchResult> byKey, Spec spec, double probeScaling) {
        BenchResult one = byKey.get(spec.className() + ".trainStep@1");
        BenchResult two = byKey.get(spec.className() + ".trainStep@2");
        if (one == null || two == null) return "— (needs threads 1 and 2)";
        double s = one.nsPerOp() / two.nsPerOp();
        String probe = Double.isNaN(probeScaling) ? "" : "FMA probe " + Format.ratio(probeScaling);
        if (s >= SCALING_TARGET) {
            return "met: " + Format.ratio(s) + (probe.isEmpty() ? "" : " (" + probe + ")");
        }
        return "**missed**: " + Format.ratio(s) + " (" + Format.pct1(100 * s / SCALING_TARGET) + " % of the target"
                + (probe.isEmpty() ? "" : "; " + probe) + ")";
    }

    private static String time(BenchResult r) {
        return r == null ? "—" : Format.time(r.nsPerOp(), r.errorNs());
    }

    /** {@code gc.alloc.rate.norm} in bytes per step, NaN without {@code -prof gc}. */
    static double alloc(BenchResult r) {
        if (r == null) return Double.NaN;
        JsonObject o = r.json();
        if (!o.has("secondaryMetrics") || !o.getAsJsonObject("secondaryMetrics").has("gc.alloc.rate.norm")) {
            return Double.NaN;
        }
        JsonElement score = o.getAsJsonObject("secondaryMetrics").getAsJsonObject("gc.alloc.rate.norm").get("score");
        return score == null || score.isJsonNull() ? Double.NaN : score.getAsDouble();
    }

    /** Steps in one measurement iteration: its length over the time per step; NaN if JMH's "measurementTime" is unreadable. */
    static double stepsPerIteration(BenchResult r) {
        JsonElement e = r.json().get("measurementTime");
        if (e == null || e.isJsonNull()) return Double.NaN;
        String[] parts = e.getAsString().trim().split("\\s+");
        if (parts.length != 2) return Double.NaN;
        double v;
        try {
            v = Double.parseDouble(parts[0]);
        } catch (NumberFormatException ex) {
            return Double.NaN;
        }
        double ns = switch (parts[1]) {
            case "ns" -> v;
            case "us", "µs" -> v * 1e3;
            case "ms" -> v * 1e6;
            case "s" -> v * 1e9;
            case "min" -> v * 60e9;
            default -> Double.NaN;
        };
        // an iteration runs whole steps, at least one
        return Math.max(1, Math.ceil(ns / r.nsPerOp()));
    }

    static String bytes(double b) {
        if (Double.isNaN(b)) return "—";
        if (b < 1024) return Format.sig(b) + " B";
        if (b < 1024 * 1024) return Format.sig(b / 1024) + " KB";
        return Format.sig(b / (1024 * 1024)) + " MB";
    }

    /**
     * Renders the section from JMH JSON files and an optional compare.py JSON; prints it or writes {@code --md}.
     *
     * @param args {@code --jmh FILE} (repeatable), {@code [--torch FILE]}, {@code [--md FILE]}
     */
    public static void main(String[] args) {
        try {
            List<Path> jmh = new ArrayList<>();
            Path torch = null, md = null;
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) throw new IllegalArgumentException("option " + args[i] + " needs a value");
                switch (args[i]) {
                    case "--jmh" -> jmh.add(Path.of(args[i + 1]));
                    case "--torch" -> torch = Path.of(args[i + 1]);
                    case "--md" -> md = Path.of(args[i + 1]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " (expected --jmh, --torch, --md)");
                }
            }
            if (jmh.isEmpty()) throw new IllegalArgumentException("need at least one --jmh FILE");
            List<BenchResult> results = new ArrayList<>();
            for (Path p : jmh) {
                try (Reader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                    JsonElement e = JsonParser.parseReader(r);
                    if (!e.isJsonArray()) throw new IllegalArgumentException(p + ": not a JMH result array");
                    for (JsonElement x : (JsonArray) e) results.add(BenchResult.fromJson(x.getAsJsonObject()));
                }
            }
            String out = render(results, torch == null ? null : readTorch(torch));
            if (out.isEmpty()) throw new IllegalArgumentException("no workload results in " + jmh);
            if (md == null) System.out.print(out);
            else Files.writeString(md, out, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException | IOException | com.google.gson.JsonParseException e) {
            System.err.println("workload table: " + e.getMessage());
            System.exit(2);
        }
    }
}
