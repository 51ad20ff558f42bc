package dev.vectornn.optim;

import static dev.vectornn.optim.OptimizerParityTest.param;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.graph.Parameter;
import dev.vectornn.tensor.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** clipGradNorm returns the pre-clip norm and scales all gradients together; clipGradValue clamps. */
class GradClippingTest {
    /** An F32 gradient (3, 4) and an F64 gradient (12): joint 2-norm 13, 1-norm 19, max 12. */
    private static List<Parameter> grads() {
        Parameter a = param("a", new double[2], DType.F32), b = param("b", new double[1], DType.F64);
        a.grad().setFlat(0, 3);
        a.grad().setFlat(1, -4);
        b.grad().setFlat(0, 12);
        return List.of(a, b);
    }

    private static double[] flat(List<Parameter> ps) {
        return new double[] {ps.get(0).grad().getFlat(0), ps.get(0).grad().getFlat(1), ps.get(1).grad().getFlat(0)};
    }

    @Test
    void clipsToTheMaximumNormAndReturnsTheNormBefore() {
        List<Parameter> ps = grads();
        assertEquals(13.0, GradClipping.clipGradNorm(ps, 6.5));
        double coef = 6.5 / (13 + 1e-6);
        double[] g = flat(ps);
        assertEquals(3 * (float) coef, g[0]);
        assertEquals(-4 * (float) coef, g[1]);
        assertEquals(12 * coef, g[2], 0);
        assertEquals(6.5, Math.sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]), 1e-6);
        assertEquals(6.5, GradClipping.clipGradNorm(ps, 100), 1e-6);
    }

    @Test
    void normsBelowTheMaximumLeaveGradientsUntouched() {
        List<Parameter> ps = grads();
        assertEquals(13.0, GradClipping.clipGradNorm(ps, 14.0));
        assertEquals(List.of(3.0, -4.0, 12.0), java.util.Arrays.stream(flat(ps)).boxed().toList());
        // at exactly the maximum PyTorch's 1e-6 still scales by 13 / (13 + 1e-6)
        assertEquals(13.0, GradClipping.clipGradNorm(ps, 13.0));
        assertTrue(flat(ps)[2] < 12.0);
    }

    @Test
    void otherNormTypes() {
        List<Parameter> ps = grads();
        assertEquals(19.0, GradClipping.clipGradNorm(ps, 100, 1.0));
        assertEquals(12.0, GradClipping.clipGradNorm(ps, 100, Double.POSITIVE_INFINITY));
        assertEquals(Math.pow(27 + 64 + 1728, 1 / 3.0), GradClipping.clipGradNorm(ps, 100, 3.0), 1e-12);
        assertEquals(12.0, GradClipping.clipGradNorm(ps, 1.2, Double.POSITIVE_INFINITY));
        assertEquals(1.2, Math.abs(flat(ps)[2]), 1e-6);
    }

    @Test
    void nonFiniteNormsPoisonTheGradientsLikePyTorch() {
        List<Parameter> ps = grads();
        ps.get(1).grad().setFlat(0, Double.NaN);
        assertTrue(Double.isNaN(GradClipping.clipGradNorm(ps, 1.0)));
        assertTrue(Double.isNaN(flat(ps)[0]), "PyTorch multiplies by a NaN coefficient");
        List<Parameter> inf = grads();
        inf.get(1).grad().setFlat(0, Double.NaN);
        assertTrue(Double.isNaN(GradClipping.clipGradNorm(inf, 1.0, Double.POSITIVE_INFINITY)), "NaN beats max");
    }

    @Test
    void clipGradValueClampsEveryElement() {
        List<Parameter> ps = grads();
        ps.get(0).grad().setFlat(0, Float.NaN);
        GradClipping.clipGradValue(ps, 3.5);
        double[] g = flat(ps);
        assertTrue(Double.isNaN(g[0]));
        assertEquals(-3.5, g[1]);
        assertEquals(3.5, g[2]);
    }

    @Test
    void badArgumentsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradClipping.clipGradNorm(grads(), -1));
        assertTrue(e.getMessage().contains("max_norm must be >= 0, got -1.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GradClipping.clipGradNorm(grads(), 1, 0));
        assertThrows(IllegalArgumentException.class, () -> GradClipping.clipGradValue(grads(), Double.NaN));
    }
}
