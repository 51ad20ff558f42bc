package dev.vectornn.cli;

import dev.vectornn.graph.GradCheck;
import dev.vectornn.graph.Node;
import dev.vectornn.graph.OpDef;
import dev.vectornn.graph.OpSamples;
import dev.vectornn.graph.Ops;
import dev.vectornn.kernel.KernelProvider;
import dev.vectornn.tensor.DType;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vectornn gradcheck}: every registered op (or one) through {@link GradCheck}, on the
 * shared sample graphs of {@link OpSamples}, as a table. Exit code 0 when every sample passes,
 * 1 when any fails (the worst element of each failure is printed under the table), 2 on a usage
 * error such as an unknown op name.
 */
@Command(name = "gradcheck", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Check every op's analytic gradient (its VJP) against central finite differences, "
                    + "on the sample graphs the tests use. These are the library's built-in ops; check "
                    + "your own functions and hand-written gradients with the GradCheck Java API "
                    + "(check, checkClaimed, checkVjp).",
            "",
            "Columns: VALUES compared elements (projections in --fast mode), KINKS elements skipped "
                    + "at non-differentiable points, WORST REL ERR |analytic - numeric| / |numeric| "
                    + "of the element closest to failing, ERR/TOL the largest |analytic - numeric| / "
                    + "(atol + rtol |numeric|) (a sample passes when it is <= 1).",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every sample passed", "1:a sample failed", "2:usage error (e.g. unknown op)"})
final class GradcheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--op", paramLabel = "NAME",
            description = "Check only this op (default: every registered op).")
    String op;

    @Option(names = "--fast",
            description = "Check one random projection v^T J u per variable instead of the full Jacobian.")
    boolean fast;

    @Option(names = "--dtype", defaultValue = "F64", paramLabel = "f64|f32",
            description = "F64: the plan runs in double, eps 1e-6, atol 1e-5, rtol 1e-3 (PyTorch's defaults). "
                    + "F32: the float32 kernels, eps 1e-3, atol = rtol = 2e-3 (JAX's). Default: ${DEFAULT-VALUE}.")
    DType dtype;

    @Option(names = "--seed", defaultValue = "" + GradCheck.DEFAULT_SEED,
            description = "Seed of the sample inputs and of the random vectors (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--eps", paramLabel = "H", description = "Override the finite-difference step.")
    Double eps;

    @Option(names = "--atol", description = "Override the absolute tolerance.")
    Double atol;

    @Option(names = "--rtol", description = "Override the relative tolerance.")
    Double rtol;

    @Override
    public Integer call() {
        List<OpDef> ops = selectedOps();
        GradCheck.Options o = dtype == DType.F32 ? GradCheck.f32() : GradCheck.f64();
        o = o.withFast(fast).withSeed(seed);
        if (eps != null) o = o.withEps(eps);
        if (atol != null || rtol != null) o = o.withTolerances(atol != null ? atol : o.atol(), rtol != null ? rtol : o.rtol());
        return run(ops, o, spec.commandLine().getOut());
    }

    private List<OpDef> selectedOps() {
        if (op == null) return Ops.all();
        for (OpDef d : Ops.all()) if (d.name().equals(op)) return List.of(d);
        String names = Ops.all().stream().map(OpDef::name).collect(Collectors.joining(", "));
        throw new ParameterException(spec.commandLine(), "unknown op '" + op + "'; the ops are: " + names);
    }

    /** One table row. */
    private record Row(String op, String shapes, String values, String kinks, String rel, String ratio, String result,
                       String sample, String failure) {}

    private int run(List<OpDef> ops, GradCheck.Options o, PrintWriter out) {
        out.printf(Locale.ROOT, "gradcheck: %s, eps %s, atol %s, rtol %s, %s, seed %d, kernels %s%n", o.dtype(),
                o.eps(), o.atol(), o.rtol(), o.fast() ? "fast mode (random projections)" : "full Jacobian", o.seed(),
                o.dtype() == DType.F32 ? KernelProvider.get().name() : "scalar F64");
        List<Row> rows = new ArrayList<>();
        int samples = 0;
        for (OpDef d : ops) {
            List<OpSamples.Sample> list = OpSamples.of(d);
            if (list.isEmpty()) {
                rows.add(new Row(d.name(), "-", "-", "-", "-", "-", "FAIL", "(no sample)",
                        d.name() + ": the op has no sample in OpSamples, so it is never checked"));
                continue;
            }
            for (OpSamples.Sample s : list) {
                samples++;
                rows.add(check(d, s, o));
            }
        }
        printTable(rows, out);
        List<String> failures = rows.stream().map(Row::failure).filter(f -> f != null).toList();
        out.println();
        if (failures.isEmpty()) {
            out.printf(Locale.ROOT, "all %d samples of %d ops passed%n", samples, ops.size());
        } else {
            out.printf(Locale.ROOT, "%d of %d samples FAILED:%n", failures.size(), rows.size());
            for (String f : failures) out.println("  " + f);
        }
        out.flush();
        return failures.isEmpty() ? 0 : 1;
    }

    private static Row check(OpDef d, OpSamples.Sample s, GradCheck.Options o) {
        String label = s.name().substring(s.name().indexOf(':') + 1).trim();
        OpSamples.Built b;
        GradCheck.Report r;
        try {
            b = s.build(o.seed());
            r = GradCheck.check(b.graph(), b.output(), b.feeds(), o);
        } catch (RuntimeException e) {
            // a sample that cannot even run is a failure of that op, reported with the cause
            return new Row(d.name(), "-", "-", "-", "-", "-", "ERROR", label, s.name() + ": " + e);
        }
        GradCheck.Mismatch w = r.worst();
        return new Row(d.name(), shapes(b, d), Integer.toString(r.checked()), Integer.toString(r.kinks()),
                w == null ? "-" : sci(w.relError()), sci(r.maxRelError()), r.passed() ? "pass" : "FAIL", label,
                r.passed() ? null : s.name() + ": " + r);
    }

    /** The input shapes of the sample's first node of op {@code d}, e.g. {@code [3, 4] [4]}. */
    private static String shapes(OpSamples.Built b, OpDef d) {
        for (Node n : b.graph().nodes()) {
            if (n.op() == d) return n.inputs().stream().map(i -> i.shape().toString()).collect(Collectors.joining(" "));
        }
        return "?";
    }

    private static String sci(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return "inf";
        return String.format(Locale.ROOT, "%.2e", v);
    }

    private static void printTable(List<Row> rows, PrintWriter out) {
        String[] head = {"OP", "SHAPES", "VALUES", "KINKS", "WORST REL ERR", "ERR/TOL", "RESULT", "SAMPLE"};
        boolean[] right = {false, false, true, true, true, true, false, false};
        List<String[]> cells = new ArrayList<>();
        cells.add(head);
        for (Row r : rows) cells.add(new String[] {r.op(), r.shapes(), r.values(), r.kinks(), r.rel(), r.ratio(), r.result(), r.sample()});
        int[] w = new int[head.length];
        for (String[] c : cells) for (int i = 0; i < c.length; i++) w[i] = Math.max(w[i], c[i].length());
        for (String[] c : cells) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < c.length; i++) {
                if (i > 0) line.append("  ");
                boolean last = i == c.length - 1;
                String pad = " ".repeat(w[i] - c[i].length());
                if (right[i]) line.append(pad).append(c[i]);
                else line.append(c[i]).append(last ? "" : pad);
            }
            out.println(line);
        }
    }
}
