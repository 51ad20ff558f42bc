package dev.vectornn.bench.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command-line entry of the report generator, run by {@code bench/run} after JMH:
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.vectornn.bench.report.Report \
 *        --in peak.json --in main.json --json results/RUN.json --md results/RUN.md \
 *        [--history results/history.csv] [--suite gemm] [--mode full] [--stamp 20260101-120000] \
 *        [--failures failed.txt] [--cpuinfo /proc/cpuinfo] [--torch torch.json]
 * </pre>
 * Merges the JMH JSON inputs (in order) into {@code --json}, renders the Markdown to
 * {@code --md} (listing the benchmarks named in {@code --failures}, one per line, first), and
 * appends a line to {@code --history}. {@code --torch} is {@code bench/torch/compare.py}'s JSON,
 * tabled next to the workload benchmarks (see {@link WorkloadTable}). Exit code 2 on bad arguments or
 * unreadable input, with one line on stderr saying which.
 */
public final class Report {
    private Report() {}

    /**
     * Runs the generator.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) {
        try {
            run(args);
        } catch (IllegalArgumentException | IOException | IllegalStateException e) {
            System.err.println("report: " + e.getMessage());
            System.exit(2);
        }
    }

    static void run(String[] args) throws IOException {
        List<Path> in = new ArrayList<>();
        Path json = null, md = null, history = null, failuresFile = null, torch = null, cpuinfo = Path.of("/proc/cpuinfo");
        String suite = "custom", mode = "custom", stamp = java.time.LocalDateTime.now().withNano(0).toString();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--in" -> in.add(Path.of(v));
                case "--json" -> json = Path.of(v);
                case "--md" -> md = Path.of(v);
                case "--history" -> history = Path.of(v);
                case "--suite" -> suite = v;
                case "--mode" -> mode = v;
                case "--stamp" -> stamp = v;
                case "--cpuinfo" -> cpuinfo = Path.of(v);
                case "--failures" -> failuresFile = Path.of(v);
                case "--torch" -> torch = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a
                        + " (expected --in, --json, --md, --history, --suite, --mode, --stamp, --cpuinfo, --failures, --torch)");
            }
        }
        if (in.isEmpty() || md == null) {
            throw new IllegalArgumentException("need at least one --in FILE and an --md FILE");
        }

        JsonArray merged = new JsonArray();
        for (Path p : in) {
            if (!Files.isReadable(p)) {
                throw new IOException(p + ": no such file (did JMH fail before writing it?)");
            }
            try (Reader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                JsonElement e = JsonParser.parseReader(r);
                if (!e.isJsonArray()) {
                    throw new IllegalArgumentException(p + ": not a JMH result array");
                }
                merged.addAll(e.getAsJsonArray());
            } catch (com.google.gson.JsonParseException e) {
                throw new IllegalArgumentException(p + ": not valid JSON (" + e.getMessage() + ")", e);
            }
        }
        if (json != null) {
            Files.writeString(json, new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeSpecialFloatingPointValues()
                    .create().toJson(merged) + "\n", StandardCharsets.UTF_8);
        }
        List<BenchResult> results = new ArrayList<>();
        for (JsonElement e : merged) {
            results.add(BenchResult.fromJson(e.getAsJsonObject()));
        }
        List<String> failures = new ArrayList<>();
        if (failuresFile != null && Files.isReadable(failuresFile)) {
            for (String l : Files.readAllLines(failuresFile, StandardCharsets.UTF_8)) {
                if (!l.isBlank()) {
                    failures.add(l.trim());
                }
            }
        }
        if (results.isEmpty() && failures.isEmpty()) {
            throw new IllegalArgumentException("no benchmark results in " + in + " (did the regex match nothing?)");
        }

        Machine machine = Machine.describe(cpuinfo);
        Summary summary = new Summary(results);
        String jsonName = (json != null ? json : in.get(in.size() - 1)).getFileName().toString();
        Files.writeString(md, new MarkdownReport(summary, machine, suite, mode, stamp, jsonName, failures,
                torch == null ? null : WorkloadTable.readTorch(torch)).render(), StandardCharsets.UTF_8);
        if (history != null) {
            String jdk = !results.isEmpty() && results.get(0).json().has("jdkVersion")
                    ? results.get(0).json().get("jdkVersion").getAsString() : "?";
            History.append(history, History.line(stamp, suite, mode, machine, jdk, summary, jsonName));
        }
    }
}
