package dev.vectornn.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * Appends one line per run to {@code bench/results/history.csv}: when, what, where, and the key
 * metrics (empty where the run did not measure them), so progress and regressions show up across
 * runs without opening every JSON file.
 */
final class History {
    private History() {}

    static final String HEADER = "date,suite,mode,cpu,vector,jdk,peak_gflops,gemm1024_1t_gflops,"
            + "gemm1024_1t_pct_peak,gemm1024_2t_over_1t,gemm_min_2t_over_1t_n512plus,"
            + "dot_64k_vs_scalar,exp_64k_vs_scalar,tanh_64k_vs_scalar,sigmoid_64k_vs_scalar,softmax_64k_vs_scalar,json";

    /** The CSV line for a run (without newline). */
    static String line(String stamp, String suite, String mode, Machine m, String jdk, Summary s, String jsonName) {
        List<String> f = new ArrayList<>();
        f.add(stamp);
        f.add(suite);
        f.add(mode);
        f.add(m.cpuModel());
        f.add(m.vector().split(":")[0]);
        f.add(jdk);
        f.add(num(() -> s.peakGflops));
        var g1 = s.squareGemm(1024, 1);
        var g2 = s.squareGemm(1024, 2);
        f.add(num(() -> g1.map(Summary.GemmRow::gflops).orElse(Double.NaN)));
        f.add(num(() -> g1.map(s::pctOfPeak).orElse(Double.NaN)));
        f.add(num(() -> g2.map(g -> s.scaling(s.gemm, g)).orElse(Double.NaN)));
        f.add(num(() -> s.minScalingFrom512().map(a -> a[0]).orElse(Double.NaN)));
        for (String k : new String[] {"dot", "exp", "tanh", "sigmoid", "softmax"}) {
            f.add(num(() -> s.kernelRatio(k, 65536)));
        }
        f.add(jsonName);
        StringBuilder sb = new StringBuilder();
        for (String x : f) {
            sb.append(sb.isEmpty() ? "" : ",").append(csv(x));
        }
        return sb.toString();
    }

    /** Appends {@code line}, writing the header first when the file is new or empty. */
    static void append(Path file, String line) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        boolean fresh = !Files.exists(file) || Files.size(file) == 0;
        String text = (fresh ? HEADER + "\n" : "") + line + "\n";
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static String num(DoubleSupplier v) {
        double d = v.getAsDouble();
        return Double.isNaN(d) || Double.isInfinite(d) ? "" : String.format(Locale.ROOT, "%.3f", d);
    }

    private static String csv(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
