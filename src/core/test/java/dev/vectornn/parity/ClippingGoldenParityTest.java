package dev.vectornn.parity;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vectornn.graph.Parameter;
import dev.vectornn.optim.GradClipping;
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
 * {@code clip_grad_norm_} (2-, 1-, inf- and 3-norm, and a norm already under the limit) and
 * {@code clip_grad_value_} over two gradients [3, 5] and [5], against {@code clipping.safetensors}:
 * the returned total norm and the clipped gradients. Tolerance: F32 rtol 1e-5, atol 1e-7 (PyTorch
 * takes per-tensor norms in float32, vectornn accumulates all in double); F64 rtol 1e-12, atol
 * 1e-15; clip-by-value exact.
 */
class ClippingGoldenParityTest {
    static final String FILE = "clipping.safetensors";

    static Stream<Arguments> cases() {
        return Stream.of("l2", "l1", "linf", "l3", "l2_unclipped")
                .flatMap(c -> Stream.of(Arguments.of(c, DType.F32), Arguments.of(c, DType.F64)));
    }

    private static Parameter param(String name, Tensor grad) {
        return new Parameter(name, Tensor.zeros(grad.dtype(), grad.shape()), grad.copy());
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("cases")
    void clipGradNorm(String name, DType dtype) {
        Map<String, String> h = Golden.keyValues(Golden.metadata(FILE).get(name));
        String p = name + "." + (dtype == DType.F32 ? "f32" : "f64") + ".";
        Parameter a = param("a", Golden.tensor(FILE, p + "g0")), b = param("b", Golden.tensor(FILE, p + "g1"));
        double maxNorm = Double.parseDouble(h.get("max_norm"));
        double normType = h.get("norm_type").equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(h.get("norm_type"));
        double total = GradClipping.clipGradNorm(List.of(a, b), maxNorm, normType);
        double rtol = dtype == DType.F32 ? 1e-5 : 1e-12, atol = dtype == DType.F32 ? 1e-7 : 1e-15;
        double want = Golden.tensor(FILE, p + "total").getFlat(0);
        if (!(Math.abs(total - want) <= rtol * want)) {
            fail(String.format("%s %s: total norm %.17g, PyTorch %.17g (rel error %.3g)", name, dtype, total, want,
                    Math.abs(total - want) / want));
        }
        assertTrue(name.endsWith("unclipped") == (want <= maxNorm), name + ": the golden case does not test what it says");
        String m = Golden.compare(name + " " + dtype + " g0", a.grad(), Golden.tensor(FILE, p + "g0.clipped"), rtol, atol);
        if (m == null) m = Golden.compare(name + " " + dtype + " g1", b.grad(), Golden.tensor(FILE, p + "g1.clipped"), rtol, atol);
        if (m != null) fail(m);
    }

    @ParameterizedTest
    @MethodSource("dtypes")
    void clipGradValue(DType dtype) {
        double clip = Double.parseDouble(Golden.keyValues(Golden.metadata(FILE).get("value")).get("clip_value"));
        String p = "value." + (dtype == DType.F32 ? "f32" : "f64") + ".";
        Parameter a = param("a", Golden.tensor(FILE, p + "g0")), b = param("b", Golden.tensor(FILE, p + "g1"));
        GradClipping.clipGradValue(List.of(a, b), clip);
        String m = Golden.compare("value " + dtype + " g0", a.grad(), Golden.tensor(FILE, p + "g0.clipped"), 0, 0);
        if (m == null) m = Golden.compare("value " + dtype + " g1", b.grad(), Golden.tensor(FILE, p + "g1.clipped"), 0, 0);
        if (m != null) fail(m);
    }

    static Stream<DType> dtypes() {
        return Stream.of(DType.F32, DType.F64);
    }

    @Test
    void clippingChangedSomething() {
        Tensor g = Golden.tensor(FILE, "l2.f64.g0"), c = Golden.tensor(FILE, "l2.f64.g0.clipped");
        assertTrue(Golden.maxRelError(c, g, 0) > 0.1, "the l2 case should shrink the gradients");
    }
}
