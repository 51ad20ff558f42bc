package dev.vectornn.graph;

import static org.junit.jupiter.api.Assertions.*;

import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Op by op, the float32 path (the provider's kernels, Vector API when available) agrees with the
 * float64 scalar path: outputs and gradients within {@code 1e-4 * (1 + |reference|)} per element
 * (a few float roundings on values of order 1; sums are relative to their magnitude).
 */
class PrecisionParityTest {
    private static final double TOL = 1e-4;

    @TestFactory
    Stream<DynamicTest> f32MatchesF64() {
        return OpSamples.all().values().stream().flatMap(List::stream).map(s -> DynamicTest.dynamicTest(s.name(), () -> {
            Graph g = new Graph();
            OpSamples.Feeds f = new OpSamples.Feeds(7);
            Node out = s.builder().build(g, f);
            // project to a scalar so backward runs; the same v for both dtypes
            Tensor v = Tensor.uniform(DType.F64, out.shape(), -1, 1, 3);
            Tensor[] outs = new Tensor[2];
            Tensor[][] grads = new Tensor[2][];
            DType[] types = {DType.F32, DType.F64};
            List<String> inputs = f.values().entrySet().stream().filter(e -> !(e.getValue() instanceof int[]))
                    .map(java.util.Map.Entry::getKey).toList();
            for (int k = 0; k < 2; k++) {
                Plan p = g.compile(PlanOptions.forTraining().withDtype(types[k]).withSeed(5)
                        .withGradInputs(inputs.toArray(new String[0])), out);
                for (var e : f.values().entrySet()) {
                    Object val = e.getValue();
                    if (val instanceof double[] d && k == 0) {
                        float[] fl = new float[d.length];
                        for (int i = 0; i < d.length; i++) fl[i] = (float) d[i];
                        val = fl;
                    }
                    GradCheck.feed(p, e.getKey(), val);
                }
                p.forward();
                outs[k] = p.output(out);
                p.backward(v.to(types[k]));
                List<String> names = new java.util.ArrayList<>(inputs);
                names.addAll(p.params().keySet());
                grads[k] = names.stream().map(n -> p.grad(n).copy()).toArray(Tensor[]::new);
            }
            assertClose("output", outs[1], outs[0]);
            for (int i = 0; i < grads[0].length; i++) assertClose("gradient " + i, grads[1][i], grads[0][i]);
        }));
    }

    private static void assertClose(String what, Tensor ref, Tensor got) {
        assertEquals(ref.shape(), got.shape());
        for (int i = 0; i < ref.numel(); i++) {
            double r = ref.getFlat(i), x = got.getFlat(i);
            // the causal mask's fill value is the dtype's own lowest finite number
            if (Math.abs(r) > 1e30) continue;
            assertTrue(Math.abs(r - x) <= TOL * (1 + Math.abs(r)), what + " element " + i + ": f64 " + r + ", f32 " + x);
        }
    }
}
