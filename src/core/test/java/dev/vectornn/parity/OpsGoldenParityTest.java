package dev.vectornn.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.graph.Plan;
import dev.vectornn.graph.PlanOptions;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Graph ops against {@code ops.safetensors}: each case feeds PyTorch's inputs (float32 values;
 * F64 plans widen them exactly), runs forward, back-propagates PyTorch's output gradient
 * {@code in.dy} (or 1 for a scalar loss) and compares the output and every recorded input and
 * parameter gradient with PyTorch's, computed in the plan's dtype.
 *
 * <p>Tolerance per element {@code |java - torch| <= rtol * |torch| + atol}: F64 plans rtol 1e-10,
 * atol 1e-12 (both sides are double, summing in different orders); F32 plans rtol 1e-5, atol 1e-6
 * (the vector kernels' documented error is a few float ulps, about 5e-7 relative, and values are
 * of order 1, so the atol covers the outputs that are nearly zero, such as GELU at -6, whose
 * relative error is meaningless).
 */
class OpsGoldenParityTest {
    static final String FILE = "ops.safetensors";

    /** Builds a case's graph: inputs, params and index inputs come from the golden file by name. */
    record OpCase(String name, Function<Ctx, Node> build, List<String> grads) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Declares golden inputs in a graph for one dtype and remembers what to feed. */
    static final class Ctx {
        final Graph g = new Graph();
        final String file;
        final String name;
        final DType dtype;
        final Map<String, float[]> floatFeeds = new LinkedHashMap<>();
        final Map<String, int[]> indexFeeds = new LinkedHashMap<>();
        final List<String> inputNames = new ArrayList<>();

        Ctx(String file, String name, DType dtype) {
            this.file = file;
            this.name = name;
            this.dtype = dtype;
        }

        Tensor golden(String in) {
            return Golden.tensor(file, name + ".in." + in);
        }

        Node input(String in) {
            Tensor t = golden(in);
            floatFeeds.put(in, Golden.floats(t));
            inputNames.add(in);
            return g.input(in, t.shape().dims());
        }

        Node param(String in) {
            return g.param(in, Golden.as(golden(in), dtype));
        }

        Node index(String in) {
            Tensor t = golden(in);
            indexFeeds.put(in, Golden.indices(t));
            return g.indexInput(in, t.shape().dims());
        }
    }

    static List<OpCase> cases() {
        List<OpCase> c = new ArrayList<>();
        c.add(new OpCase("softmax", x -> x.g.softmax(x.input("x")), List.of("x")));
        c.add(new OpCase("softmax3d", x -> x.g.softmax(x.input("x")), List.of("x")));
        c.add(new OpCase("log_softmax", x -> x.g.logSoftmax(x.input("x")), List.of("x")));
        c.add(new OpCase("log_softmax3d", x -> x.g.logSoftmax(x.input("x")), List.of("x")));
        c.add(new OpCase("layer_norm", x -> x.g.layerNorm(x.input("x"), x.param("weight"), x.param("bias"), 1e-5),
                List.of("x", "weight", "bias")));
        c.add(new OpCase("gelu", x -> x.g.gelu(x.input("x")), List.of("x")));
        c.add(new OpCase("gelu_tanh", x -> x.g.geluTanh(x.input("x")), List.of("x")));
        c.add(new OpCase("cross_entropy", x -> x.g.crossEntropy(x.input("logits"), x.index("targets")), List.of("logits")));
        c.add(new OpCase("cross_entropy3d", x -> x.g.crossEntropy(x.input("logits"), x.index("targets"), 1),
                List.of("logits")));
        c.add(new OpCase("mse", x -> x.g.mse(x.input("pred"), x.input("target")), List.of("pred", "target")));
        c.add(new OpCase("bce_with_logits", x -> x.g.bceWithLogits(x.input("logits"), x.input("target")),
                List.of("logits")));
        c.add(new OpCase("matmul", x -> x.g.matmul(x.input("a"), x.input("b")), List.of("a", "b")));
        c.add(new OpCase("matmul_batched", x -> x.g.matmul(x.input("a"), x.input("b")), List.of("a", "b")));
        c.add(new OpCase("matmul_shared", x -> x.g.matmul(x.input("a"), x.input("b")), List.of("a", "b")));
        c.add(new OpCase("matmul_transb", x -> x.g.matmul(x.input("a"), x.input("b"), false, true), List.of("a", "b")));
        c.add(new OpCase("embedding", x -> x.g.gather(x.param("table"), x.index("indices")), List.of("table")));
        c.add(new OpCase("softmax_wide", x -> x.g.softmax(x.input("x")), List.of("x")));
        c.add(new OpCase("softmax_extreme", x -> x.g.softmax(x.input("x")), List.of("x")));
        c.add(new OpCase("log_softmax_wide", x -> x.g.logSoftmax(x.input("x")), List.of("x")));
        c.add(new OpCase("log_softmax_extreme", x -> x.g.logSoftmax(x.input("x")), List.of("x")));
        c.add(new OpCase("layer_norm_wide", x -> x.g.layerNorm(x.input("x"), x.param("weight"), x.param("bias"), 1e-5),
                List.of("x", "weight", "bias")));
        c.add(new OpCase("gelu_wide", x -> x.g.gelu(x.input("x")), List.of("x")));
        c.add(new OpCase("gelu_tanh_wide", x -> x.g.geluTanh(x.input("x")), List.of("x")));
        c.add(new OpCase("cross_entropy_wide", x -> x.g.crossEntropy(x.input("logits"), x.index("targets")),
                List.of("logits")));
        c.add(new OpCase("mse_wide", x -> x.g.mse(x.input("pred"), x.input("target")), List.of("pred", "target")));
        c.add(new OpCase("bce_with_logits_extreme", x -> x.g.bceWithLogits(x.input("logits"), x.input("target")),
                List.of("logits")));
        c.add(new OpCase("matmul_large", x -> x.g.matmul(x.input("a"), x.input("b")), List.of("a", "b")));
        c.add(new OpCase("matmul_transa_large", x -> x.g.matmul(x.input("a"), x.input("b"), true, false),
                List.of("a", "b")));
        c.add(new OpCase("matmul_batched_large", x -> x.g.matmul(x.input("a"), x.input("b")), List.of("a", "b")));
        return c;
    }

    static Stream<Arguments> casesByDtype() {
        return cases().stream().flatMap(c -> Stream.of(Arguments.of(c, DType.F32), Arguments.of(c, DType.F64)));
    }

    @Test
    void everyGoldenCaseIsTested() {
        List<String> golden = Golden.read(FILE).keySet().stream().filter(k -> k.endsWith(".f64.y"))
                .map(k -> k.substring(0, k.length() - ".f64.y".length())).sorted().toList();
        assertEquals(golden, cases().stream().map(OpCase::name).sorted().toList());
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("casesByDtype")
    void matchesPyTorch(OpCase c, DType dtype) {
        String m = run(FILE, c, dtype, 1.0);
        if (m != null) fail(m);
    }

    /** The comparison can fail: a slightly scaled output gradient is caught in the input gradient. */
    @Test
    void aWrongOutputGradientIsCaught() {
        assertNotNull(run(FILE, cases().get(0), DType.F32, 1.001));
        assertNotNull(run(FILE, cases().get(4), DType.F64, 1.000001));
    }

    /**
     * Runs a case of golden file {@code file} (ops.safetensors layout) with the output gradient
     * scaled by {@code dyScale}; null if everything matches.
     */
    static String run(String file, OpCase c, DType dtype, double dyScale) {
        Ctx x = new Ctx(file, c.name(), dtype);
        Node out = c.build().apply(x);
        List<String> inputGrads = c.grads().stream().filter(x.inputNames::contains).toList();
        Plan plan = x.g.compile(PlanOptions.forTraining().withDtype(dtype).withGradInputs(inputGrads.toArray(new String[0])),
                out);
        x.floatFeeds.forEach(plan::feed);
        x.indexFeeds.forEach(plan::feed);
        plan.forward();
        String dn = dtype == DType.F32 ? "f32" : "f64";
        Tensor dy = Golden.read(file).get(c.name() + ".in.dy");
        if (dy == null) {
            if (dyScale != 1.0) {
                // a scalar loss: scale through the seed instead
                Tensor seed = Tensor.full(dtype, out.shape(), dyScale);
                plan.backward(seed);
            } else {
                plan.backward();
            }
        } else {
            Tensor d = Tensor.zeros(dtype, dy.shape());
            for (int i = 0; i < d.numel(); i++) d.setFlat(i, dy.getFlat(i) * dyScale);
            plan.backward(d);
        }
        double rtol = dtype == DType.F32 ? 1e-5 : 1e-10, atol = dtype == DType.F32 ? 1e-6 : 1e-12;
        Tensor y = plan.output(out);
        Tensor wantY = Golden.tensor(file, c.name() + "." + dn + ".y");
        String m = Golden.compare(c.name() + " " + dtype + " output", y, wantY, rtol, atol);
        if (m != null) return m;
        for (String gname : c.grads()) {
            Tensor want = Golden.tensor(file, c.name() + "." + dn + ".d" + gname);
            m = Golden.compare(c.name() + " " + dtype + " gradient of " + gname, plan.grad(gname), want, rtol, atol);
            if (m != null) return m;
        }
        return null;
    }
}
