package dev.vectornn.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vectornn.graph.Parameter;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every optimizer and option combination, five steps on one parameter with a given gradient
 * sequence, against {@link TorchReference}. A case is (optimizer factory, initial values,
 * gradients, oracle); PyTorch golden files plug in as further cases whose oracle returns the
 * recorded parameters instead of running the reference.
 */
class OptimizerParityTest {
    /** 37 elements: two 16-lane vectors plus a tail, so both kernel paths run. */
    static final int N = 37;
    static final int STEPS = 5;
    /** Gradient magnitudes per step: shrinking steps make AMSGrad's maximum matter. */
    static final double[] GRAD_SCALE = {2, 1, 0.1, 0.5, 0.05};

    /** Parameters after each step, {@code [step][element]}, for given (rounded) inputs. */
    interface Oracle {
        double[][] run(double[] init, double[][] grads);
    }

    record Case(String name, Function<List<Parameter>, Optimizer<?>> factory, double[] init, double[][] grads,
                Oracle oracle) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case reference(String name, long seed, Function<List<Parameter>, Optimizer<?>> factory, Oracle oracle) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] init = new double[N];
        for (int i = 0; i < N; i++) init[i] = r.nextDouble(-1, 1);
        double[][] grads = new double[STEPS][N];
        for (int t = 0; t < STEPS; t++) {
            for (int i = 0; i < N; i++) grads[t][i] = GRAD_SCALE[t] * r.nextDouble(-1, 1);
        }
        return new Case(name, factory, init, grads, oracle);
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        for (SGD.Options o : List.of(SGD.options(0.1), SGD.options(0.1).withMomentum(0.9),
                SGD.options(0.05).withMomentum(0.9).withDampening(0.5).withWeightDecay(0.01),
                SGD.options(0.05).withMomentum(0.8).withNesterov(true).withWeightDecay(0.1))) {
            c.add(reference("SGD " + o, 1, p -> new SGD(p, o), (x, g) -> TorchReference.sgd(x, g, o)));
        }
        for (Adagrad.Options o : List.of(Adagrad.options().withLr(0.1),
                Adagrad.options().withLr(0.1).withLrDecay(0.1).withWeightDecay(0.05).withInitialAccumulatorValue(0.1))) {
            c.add(reference("Adagrad " + o, 2, p -> new Adagrad(p, o), (x, g) -> TorchReference.adagrad(x, g, o)));
        }
        for (RMSprop.Options o : List.of(RMSprop.options(), RMSprop.options().withCentered(true),
                RMSprop.options().withMomentum(0.9).withAlpha(0.9),
                RMSprop.options().withCentered(true).withMomentum(0.5).withWeightDecay(0.1).withEps(1e-3))) {
            c.add(reference("RMSprop " + o, 3, p -> new RMSprop(p, o), (x, g) -> TorchReference.rmsprop(x, g, o)));
        }
        for (Adam.Options o : List.of(Adam.options().withLr(0.05), Adam.options().withLr(0.05).withAmsgrad(true),
                Adam.options().withLr(0.05).withWeightDecay(0.1).withBetas(0.8, 0.99),
                Adam.options().withLr(0.05).withWeightDecay(0.1).withAmsgrad(true).withEps(1e-3))) {
            c.add(reference("Adam " + o, 4, p -> new Adam(p, o), (x, g) -> TorchReference.adam(x, g, o, false)));
        }
        for (Adam.Options o : List.of(AdamW.options().withLr(0.05),
                AdamW.options().withLr(0.05).withWeightDecay(0.5).withAmsgrad(true))) {
            c.add(reference("AdamW " + o, 5, p -> new AdamW(p, o), (x, g) -> TorchReference.adam(x, g, o, true)));
        }
        return c;
    }

    static Stream<Arguments> casesByDtype() {
        return cases().stream().flatMap(c -> Stream.of(Arguments.of(c, DType.F32), Arguments.of(c, DType.F64)));
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("casesByDtype")
    void matchesReference(Case c, DType dtype) {
        double rtol = dtype == DType.F32 ? 1e-6 : 1e-12;
        double atol = dtype == DType.F32 ? 1e-7 : 1e-14;
        String mismatch = compare(c, dtype, rtol, atol);
        if (mismatch != null) fail(mismatch);
    }

    /** The comparison must be able to fail: a slightly different hyperparameter is caught. */
    @Test
    void comparisonCatchesAWrongHyperparameter() {
        Adam.Options right = Adam.options().withLr(0.05);
        Adam.Options wrong = right.withBetas(0.9, 0.998);
        Case c = reference("planted", 4, p -> new Adam(p, wrong), (x, g) -> TorchReference.adam(x, g, right, false));
        assertTrue(compare(c, DType.F32, 1e-6, 1e-7) != null, "beta2 0.998 vs 0.999 went unnoticed");
        assertTrue(compare(c, DType.F64, 1e-12, 1e-14) != null, "beta2 0.998 vs 0.999 went unnoticed in F64");
    }

    /**
     * Runs a case; returns null when every step matches within {@code rtol * |expected| + atol},
     * else a description of the first mismatch. Also insists the parameters really moved, so a
     * no-op optimizer cannot pass against a no-op oracle.
     */
    static String compare(Case c, DType dtype, double rtol, double atol) {
        double[] init = round(c.init(), dtype);
        double[][] grads = new double[c.grads().length][];
        for (int t = 0; t < grads.length; t++) grads[t] = round(c.grads()[t], dtype);
        double[][] expected = c.oracle().run(init, grads);
        Parameter p = param("w", init, dtype);
        Optimizer<?> opt = c.factory().apply(List.of(p));
        double moved = 0;
        for (int t = 0; t < grads.length; t++) {
            for (int i = 0; i < init.length; i++) p.grad().setFlat(i, grads[t][i]);
            opt.step();
            for (int i = 0; i < init.length; i++) {
                double a = p.value().getFlat(i), e = expected[t][i];
                if (!(Math.abs(a - e) <= rtol * Math.abs(e) + atol)) {
                    return c.name() + " " + dtype + ": step " + (t + 1) + " element " + i + ": got " + a
                            + ", expected " + e + " (relative error " + Math.abs(a - e) / Math.abs(e) + ")";
                }
                moved = Math.max(moved, Math.abs(a - init[i]));
            }
        }
        assertTrue(moved > 1e-3, c.name() + ": parameters barely moved (" + moved + ")");
        return null;
    }

    static double[] round(double[] x, DType dtype) {
        double[] r = x.clone();
        if (dtype == DType.F32) for (int i = 0; i < r.length; i++) r[i] = (float) r[i];
        return r;
    }

    static Parameter param(String name, double[] values, DType dtype) {
        Tensor v = Tensor.zeros(dtype, values.length);
        for (int i = 0; i < values.length; i++) v.setFlat(i, values[i]);
        return new Parameter(name, v, Tensor.zeros(dtype, values.length));
    }
}
