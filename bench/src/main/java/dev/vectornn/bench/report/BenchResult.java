package dev.vectornn.bench.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JMH result (one benchmark method with one set of parameters), with times normalized to
 * nanoseconds per operation whatever mode and unit JMH ran with.
 *
 * @param className simple name of the benchmark class, e.g. {@code GemmBenchmark}
 * @param method the benchmark method, e.g. {@code gemm}
 * @param params the JMH parameters in JSON order (empty if none)
 * @param nsPerOp the primary score as nanoseconds per operation
 * @param errorNs JMH's 99.9 % confidence half-width in ns, NaN when too few samples
 * @param forkMeansNs the mean of each fork's measurement iterations, in ns per operation
 * @param nsPerFlop the {@code flop} auxiliary counter as ns per FLOP (NaN if absent)
 * @param json the result's JSON object as JMH wrote it
 */
public record BenchResult(String className, String method, Map<String, String> params, double nsPerOp,
                          double errorNs, double[] forkMeansNs, double nsPerFlop, JsonObject json) {

    /** {@code Class.method}, the key the report's tables use. */
    public String key() {
        return className + "." + method;
    }

    /** A parameter's value, or {@code null} when the benchmark has no such parameter. */
    public String param(String name) {
        return params.get(name);
    }

    /** An integer parameter, or {@code dflt} when absent. */
    public int intParam(String name, int dflt) {
        String v = params.get(name);
        return v == null ? dflt : Integer.parseInt(v.trim());
    }

    /**
     * The largest relative gap between fork means, {@code (max - min) / min}, or 0 with fewer
     * than two forks. Vector API code can compile differently from one JVM to the next, so a
     * large gap says the mean hides two modes.
     */
    public double forkSpread() {
        if (forkMeansNs.length < 2) {
            return 0;
        }
        double lo = Double.POSITIVE_INFINITY, hi = 0;
        for (double f : forkMeansNs) {
            lo = Math.min(lo, f);
            hi = Math.max(hi, f);
        }
        return (hi - lo) / lo;
    }

    /**
     * Reads one element of JMH's JSON result array.
     *
     * @throws IllegalArgumentException if a field JMH always writes is missing, naming it
     */
    public static BenchResult fromJson(JsonObject o) {
        String fq = string(o, "benchmark");
        int dot = fq.lastIndexOf('.');
        String cls = fq.substring(0, dot);
        cls = cls.substring(cls.lastIndexOf('.') + 1);
        String method = fq.substring(dot + 1);

        Map<String, String> params = new LinkedHashMap<>();
        if (o.has("params")) {
            for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("params").entrySet()) {
                params.put(e.getKey(), e.getValue().getAsString());
            }
        }
        JsonObject primary = object(o, "primaryMetric", fq);
        String unit = string(primary, "scoreUnit");
        double score = primary.get("score").getAsDouble();
        double ns = toNsPerOp(score, unit, fq);
        double err = errorOf(primary);
        double errNs = Double.isNaN(err) ? Double.NaN : ns * err / score;

        List<Double> forks = new ArrayList<>();
        if (primary.has("rawData")) {
            for (JsonElement fork : primary.getAsJsonArray("rawData")) {
                double s = 0;
                int c = 0;
                for (JsonElement it : fork.getAsJsonArray()) {
                    s += it.getAsDouble();
                    c++;
                }
                if (c > 0) {
                    forks.add(toNsPerOp(s / c, unit, fq));
                }
            }
        }
        double nsPerFlop = Double.NaN;
        if (o.has("secondaryMetrics") && o.getAsJsonObject("secondaryMetrics").has("flop")) {
            JsonObject f = o.getAsJsonObject("secondaryMetrics").getAsJsonObject("flop");
            nsPerFlop = toNsPerOp(f.get("score").getAsDouble(), string(f, "scoreUnit"), fq + ":flop");
        }
        return new BenchResult(cls, method, Collections.unmodifiableMap(params), ns, errNs,
                forks.stream().mapToDouble(Double::doubleValue).toArray(), nsPerFlop, o);
    }

    /** A metric's {@code scoreError}, NaN when JMH had too few samples for one. */
    static double errorOf(JsonObject metric) {
        JsonElement e = metric.get("scoreError");
        if (e == null || e.isJsonNull()) {
            return Double.NaN;
        }
        // JMH writes "NaN" as a string when there are too few samples for an interval
        try {
            return e.getAsDouble();
        } catch (NumberFormatException ex) {
            return Double.NaN;
        }
    }

    /**
     * Converts a JMH score to nanoseconds per operation: time units ({@code ns/op} ...
     * {@code s/op}) scale, rate units ({@code ops/s} ...) invert.
     */
    static double toNsPerOp(double score, String unit, String what) {
        return switch (unit) {
            case "ns/op" -> score;
            case "us/op" -> score * 1e3;
            case "ms/op" -> score * 1e6;
            case "s/op" -> score * 1e9;
            case "ops/ns" -> 1 / score;
            case "ops/us" -> 1e3 / score;
            case "ops/ms" -> 1e6 / score;
            case "ops/s" -> 1e9 / score;
            case "ops/min" -> 60e9 / score;
            default -> throw new IllegalArgumentException(what + ": unsupported JMH score unit '" + unit
                    + "' (run with -bm avgt or -bm thrpt)");
        };
    }

    private static String string(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            throw new IllegalArgumentException("JMH result has no '" + field + "' field: " + abbreviate(o));
        }
        return e.getAsString();
    }

    private static JsonObject object(JsonObject o, String field, String what) {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonObject()) {
            throw new IllegalArgumentException(what + ": JMH result has no '" + field + "' object");
        }
        return e.getAsJsonObject();
    }

    private static String abbreviate(JsonObject o) {
        String s = o.toString();
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
