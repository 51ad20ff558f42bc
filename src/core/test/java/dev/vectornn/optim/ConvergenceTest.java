package dev.vectornn.optim;

import static dev.vectornn.optim.OptimizerParityTest.param;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.graph.Parameter;
import dev.vectornn.tensor.DType;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * End to end: each optimizer minimizes the ill-conditioned quadratic
 * {@code f(w) = 1/2 sum a_i (w_i - c_i)^2} (curvatures 0.2 to 5), with a warmup-cosine schedule
 * annealing the lr to 0 so adaptive methods settle instead of hovering at lr's scale.
 */
class ConvergenceTest {
    static final int N = 20;
    static final int STEPS = 600;

    static Stream<Arguments> optimizers() {
        List<Object[]> list = List.of(
                new Object[] {"SGD momentum", (Function<List<Parameter>, Optimizer<?>>) p -> new SGD(p, SGD.options(0.1).withMomentum(0.9))},
                new Object[] {"SGD nesterov", (Function<List<Parameter>, Optimizer<?>>) p -> new SGD(p, SGD.options(0.1).withMomentum(0.9).withNesterov(true))},
                new Object[] {"Adagrad", (Function<List<Parameter>, Optimizer<?>>) p -> new Adagrad(p, Adagrad.options().withLr(1.0))},
                new Object[] {"RMSprop", (Function<List<Parameter>, Optimizer<?>>) p -> new RMSprop(p, RMSprop.options().withLr(0.05))},
                new Object[] {"RMSprop centered momentum", (Function<List<Parameter>, Optimizer<?>>) p -> new RMSprop(p, RMSprop.options().withLr(0.01).withCentered(true).withMomentum(0.9))},
                new Object[] {"Adam", (Function<List<Parameter>, Optimizer<?>>) p -> new Adam(p, Adam.options().withLr(0.1))},
                new Object[] {"Adam amsgrad", (Function<List<Parameter>, Optimizer<?>>) p -> new Adam(p, Adam.options().withLr(0.1).withAmsgrad(true))},
                new Object[] {"AdamW", (Function<List<Parameter>, Optimizer<?>>) p -> new AdamW(p, AdamW.options().withLr(0.1).withWeightDecay(1e-4))});
        return Stream.of(DType.F32, DType.F64).flatMap(d -> list.stream().map(o -> Arguments.of(o[0], d, o[1])));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("optimizers")
    void minimizesAQuadratic(String name, DType dtype, Function<List<Parameter>, Optimizer<?>> factory) {
        double[] a = new double[N], c = new double[N], w0 = new double[N];
        for (int i = 0; i < N; i++) {
            a[i] = 0.2 * Math.pow(25, i / (N - 1.0));
            c[i] = Math.sin(i + 1);
            w0[i] = -2 * c[i] + 0.5;
        }
        Parameter w = param("w", w0, dtype);
        Optimizer<?> opt = factory.apply(List.of(w));
        LRScheduler schedule = new WarmupCosineLR(opt, 20, STEPS, 0);
        double start = loss(w, a, c);
        for (int t = 0; t < STEPS; t++) {
            for (int i = 0; i < N; i++) w.grad().setFlat(i, a[i] * (w.value().getFlat(i) - c[i]));
            opt.step();
            schedule.step();
        }
        double end = loss(w, a, c);
        double dist = 0;
        for (int i = 0; i < N; i++) dist = Math.max(dist, Math.abs(w.value().getFlat(i) - c[i]));
        assertTrue(end < 1e-4 * start && dist < 1e-2, name + " " + dtype + ": loss " + start + " -> " + end
                + ", max distance to the minimum " + dist);
    }

    private static double loss(Parameter w, double[] a, double[] c) {
        double s = 0;
        for (int i = 0; i < N; i++) {
            double d = w.value().getFlat(i) - c[i];
            s += 0.5 * a[i] * d * d;
        }
        return s;
    }
}
