package dev.vectornn.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vectornn.graph.Parameter;
import dev.vectornn.optim.Adagrad;
import dev.vectornn.optim.Adam;
import dev.vectornn.optim.AdamW;
import dev.vectornn.optim.Optimizer;
import dev.vectornn.optim.ParamGroup;
import dev.vectornn.optim.RMSprop;
import dev.vectornn.optim.SGD;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every optimizer configuration of {@code optimizers.safetensors} (SGD plain / momentum /
 * dampening / Nesterov / weight decay, Adagrad default / lr_decay / weight decay /
 * initial_accumulator_value, RMSprop default / centered / momentum / weight decay, Adam default /
 * AMSGrad / weight decay, AdamW default / AMSGrad): a weight [3, 13] and a bias [13] (39 and 13
 * elements: vector main loops and tails) in two param groups, built from the hyperparameters
 * PyTorch recorded in the file's metadata, fed PyTorch's five gradients, and compared with
 * PyTorch's parameters after every step and with its optimizer state after the last one.
 *
 * <p>Tolerance per element {@code |java - torch| <= rtol * |torch| + atol}: F32 rtol 1e-5, atol
 * 1e-6 (parameters are of order 1; both sides round each operation to float, in different
 * orders); F64 rtol 1e-12, atol 1e-14.
 */
class OptimizerGoldenParityTest {
    static final String FILE = "optimizers.safetensors";
    static final int STEPS = 5;

    static Stream<Arguments> cases() {
        return Golden.metadata(FILE).keySet().stream().filter(k -> k.endsWith(".optimizer")).sorted()
                .map(k -> k.substring(0, k.length() - ".optimizer".length()))
                .flatMap(c -> Stream.of(Arguments.of(c, DType.F32), Arguments.of(c, DType.F64)));
    }

    @Test
    void everyOptimizerAndOptionIsCovered() {
        List<String> names = cases().map(a -> (String) a.get()[0]).distinct().toList();
        assertEquals(18, names.size(), "cases: " + names);
        for (String o : List.of("SGD", "Adagrad", "RMSprop", "Adam", "AdamW")) {
            assertTrue(Golden.metadata(FILE).containsValue(o), o + " has no golden case");
        }
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("cases")
    void matchesPyTorch(String name, DType dtype) {
        String mismatch = run(name, dtype, Map.of());
        if (mismatch != null) fail(mismatch);
    }

    /** The comparison can fail: the same case with one hyperparameter nudged is caught. */
    @Test
    void aNudgedHyperparameterIsCaught() {
        assertNotNull(run("adam_amsgrad", DType.F32, Map.of("beta2", "0.998")));
        assertNotNull(run("sgd_dampening", DType.F64, Map.of("dampening", "0.11")));
        assertNotNull(run("rmsprop_centered", DType.F32, Map.of("centered", "false")));
    }

    /** Runs a case; null if it matches, else the first mismatch. {@code override} replaces hyperparameters. */
    static String run(String name, DType dtype, Map<String, String> override) {
        String optName = Golden.metadata(FILE).get(name + ".optimizer");
        String p = name + "." + (dtype == DType.F32 ? "f32" : "f64") + ".";
        Tensor wInit = Golden.tensor(FILE, p + "w.init"), bInit = Golden.tensor(FILE, p + "b.init");
        assertEquals(dtype, wInit.dtype());
        Parameter w = new Parameter("w", wInit.copy(), Tensor.zeros(dtype, wInit.shape()));
        Parameter b = new Parameter("b", bInit.copy(), Tensor.zeros(dtype, bInit.shape()));
        Optimizer<?> opt = build(optName, List.of(w, b), hyper(name, 0, override), hyper(name, 1, override));
        Tensor wGrads = Golden.tensor(FILE, p + "w.grads"), bGrads = Golden.tensor(FILE, p + "b.grads");
        Tensor wAfter = Golden.tensor(FILE, p + "w.after"), bAfter = Golden.tensor(FILE, p + "b.after");
        double rtol = dtype == DType.F32 ? 1e-5 : 1e-12, atol = dtype == DType.F32 ? 1e-6 : 1e-14;
        // the golden run must have moved the parameters, or a no-op optimizer would pass
        assertTrue(Golden.maxRelError(Golden.row(wAfter, STEPS - 1), wInit, 1) > 1e-4, name + ": golden w did not move");
        for (int t = 0; t < STEPS; t++) {
            copyInto(Golden.row(wGrads, t), w.grad());
            copyInto(Golden.row(bGrads, t), b.grad());
            opt.step();
            String m = Golden.compare(name + " " + dtype + " step " + (t + 1) + " w", w.value(), Golden.row(wAfter, t), rtol, atol);
            if (m == null) m = Golden.compare(name + " " + dtype + " step " + (t + 1) + " b", b.value(), Golden.row(bAfter, t), rtol, atol);
            if (m != null) return m;
        }
        return compareState(name, dtype, opt, p);
    }

    /**
     * The state after the last step against PyTorch's {@code optimizer.state}: the same state
     * names (so checkpoints map one to one), the same step count, values within rtol 1e-5, atol
     * 1e-7 in F32 (state values are as small as 1e-4) and rtol 1e-12, atol 1e-15 in F64.
     */
    private static String compareState(String name, DType dtype, Optimizer<?> opt, String prefix) {
        Map<String, Tensor> mine = opt.stateDict();
        double rtol = dtype == DType.F32 ? 1e-5 : 1e-12, atol = dtype == DType.F32 ? 1e-7 : 1e-15;
        for (String param : List.of("w", "b")) {
            String torchPrefix = prefix + param + ".state.";
            java.util.TreeSet<String> torchNames = new java.util.TreeSet<>(), javaNames = new java.util.TreeSet<>();
            for (String k : Golden.read(FILE).keySet()) {
                if (k.startsWith(torchPrefix)) torchNames.add(k.substring(torchPrefix.length()));
            }
            for (String k : mine.keySet()) {
                if (k.startsWith("state." + param + ".")) javaNames.add(k.substring(("state." + param + ".").length()));
            }
            // torch 1.13 keeps SGD's and RMSprop's step as a plain int (not recorded); vectornn always has one
            if (!torchNames.contains("step")) javaNames.remove("step");
            if (!torchNames.equals(javaNames)) {
                return name + " " + dtype + ": state of " + param + " is " + javaNames + ", PyTorch's is " + torchNames;
            }
            for (String s : torchNames) {
                String m = Golden.compare(name + " " + dtype + " state " + param + "." + s, mine.get("state." + param + "." + s),
                        Golden.tensor(FILE, torchPrefix + s), s.equals("step") ? 0 : rtol, s.equals("step") ? 0 : atol);
                if (m != null) return m;
            }
        }
        return null;
    }

    private static Map<String, String> hyper(String name, int group, Map<String, String> override) {
        String s = Golden.metadata(FILE).get(name + ".group" + group);
        assertNotNull(s, name + ".group" + group + " missing in the metadata");
        Map<String, String> h = Golden.keyValues(s);
        h.putAll(override);
        return h;
    }

    private static void copyInto(Tensor src, Tensor dst) {
        System.arraycopy(src.storage(), 0, dst.storage(), 0, src.numel());
    }

    private static double d(Map<String, String> h, String k) {
        String v = h.get(k);
        if (v == null) throw new IllegalStateException("hyperparameter " + k + " missing in " + h);
        return Double.parseDouble(v);
    }

    private static boolean bool(Map<String, String> h, String k) {
        String v = h.get(k);
        if (!"true".equals(v) && !"false".equals(v)) throw new IllegalStateException(k + " is not a boolean in " + h);
        return Boolean.parseBoolean(v);
    }

    static Optimizer<?> build(String opt, List<Parameter> ps, Map<String, String> h0, Map<String, String> h1) {
        List<Parameter> g0 = List.of(ps.get(0)), g1 = List.of(ps.get(1));
        return switch (opt) {
            case "SGD" -> new SGD(List.of(ParamGroup.of(g0, sgd(h0)), ParamGroup.of(g1, sgd(h1))));
            case "Adagrad" -> new Adagrad(List.of(ParamGroup.of(g0, adagrad(h0)), ParamGroup.of(g1, adagrad(h1))));
            case "RMSprop" -> new RMSprop(List.of(ParamGroup.of(g0, rmsprop(h0)), ParamGroup.of(g1, rmsprop(h1))));
            case "Adam" -> new Adam(List.of(ParamGroup.of(g0, adam(h0)), ParamGroup.of(g1, adam(h1))));
            case "AdamW" -> new AdamW(List.of(ParamGroup.of(g0, adam(h0)), ParamGroup.of(g1, adam(h1))));
            default -> throw new IllegalStateException("unknown optimizer " + opt);
        };
    }

    private static SGD.Options sgd(Map<String, String> h) {
        return new SGD.Options(d(h, "lr"), d(h, "momentum"), d(h, "dampening"), d(h, "weight_decay"), bool(h, "nesterov"));
    }

    private static Adagrad.Options adagrad(Map<String, String> h) {
        return new Adagrad.Options(d(h, "lr"), d(h, "lr_decay"), d(h, "weight_decay"), d(h, "initial_accumulator_value"),
                d(h, "eps"));
    }

    private static RMSprop.Options rmsprop(Map<String, String> h) {
        return new RMSprop.Options(d(h, "lr"), d(h, "alpha"), d(h, "eps"), d(h, "weight_decay"), d(h, "momentum"),
                bool(h, "centered"));
    }

    private static Adam.Options adam(Map<String, String> h) {
        return new Adam.Options(d(h, "lr"), d(h, "beta1"), d(h, "beta2"), d(h, "eps"), d(h, "weight_decay"),
                bool(h, "amsgrad"));
    }
}
