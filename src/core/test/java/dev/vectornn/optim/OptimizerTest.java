package dev.vectornn.optim;

import static dev.vectornn.optim.OptimizerParityTest.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.graph.Parameter;
import dev.vectornn.kernel.KernelThreads;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Parameter groups, state dictionaries, validation, zeroGrad and allocation-free steps. */
class OptimizerTest {
    /** One factory per optimizer, with every optional state tensor switched on. */
    static Stream<Arguments> fullStateOptimizers() {
        List<Function<List<Parameter>, Optimizer<?>>> f = List.of(
                p -> new SGD(p, SGD.options(0.05).withMomentum(0.9).withNesterov(true).withWeightDecay(0.01)),
                p -> new Adagrad(p, Adagrad.options().withInitialAccumulatorValue(0.1).withLrDecay(0.01)),
                p -> new RMSprop(p, RMSprop.options().withCentered(true).withMomentum(0.5)),
                p -> new Adam(p, Adam.options().withAmsgrad(true).withWeightDecay(0.01)),
                p -> new AdamW(p, AdamW.options().withAmsgrad(true)));
        String[] names = {"SGD", "Adagrad", "RMSprop", "Adam", "AdamW"};
        return Stream.of(DType.F32, DType.F64).flatMap(d ->
                java.util.stream.IntStream.range(0, f.size()).mapToObj(i -> Arguments.of(names[i], d, f.get(i))));
    }

    static List<Parameter> params(DType dtype, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] w = new double[24], b = new double[5];
        for (int i = 0; i < w.length; i++) w[i] = r.nextDouble(-1, 1);
        for (int i = 0; i < b.length; i++) b[i] = r.nextDouble(-1, 1);
        return List.of(param("fc.weight", w, dtype), param("fc.bias", b, dtype));
    }

    static void fillGrads(List<Parameter> ps, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (Parameter p : ps) for (int i = 0; i < p.grad().numel(); i++) p.grad().setFlat(i, r.nextDouble(-1, 1));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("fullStateOptimizers")
    void stateDictRoundTripContinuesBitIdentically(String name, DType dtype, Function<List<Parameter>, Optimizer<?>> factory) {
        List<Parameter> a = params(dtype, 1);
        Optimizer<?> optA = factory.apply(a);
        assertEquals(1, optA.stateDict().size(), "before the first step only the lr is stored");
        for (int t = 0; t < 3; t++) {
            fillGrads(a, 100 + t);
            optA.step();
        }
        optA.setLr(0, optA.lr(0) * 0.5);
        Map<String, Tensor> saved = optA.stateDict();
        assertEquals(3.0, saved.get("state.fc.bias.step").getFlat(0));
        assertEquals(optA.lr(0), saved.get("param_groups.0.lr").getFlat(0));
        List<Parameter> b = params(dtype, 2);
        for (int k = 0; k < a.size(); k++) {
            System.arraycopy(a.get(k).value().storage(), 0, b.get(k).value().storage(), 0, a.get(k).value().numel());
        }
        Optimizer<?> optB = factory.apply(b);
        optB.loadStateDict(saved);
        // the saved copies must not alias live state
        fillGrads(a, 200);
        optA.step();
        assertEquals(3.0, saved.get("state.fc.bias.step").getFlat(0));
        fillGrads(b, 200);
        optB.step();
        for (int t = 1; t < 3; t++) {
            fillGrads(a, 200 + t);
            fillGrads(b, 200 + t);
            optA.step();
            optB.step();
        }
        for (int k = 0; k < a.size(); k++) {
            for (int i = 0; i < a.get(k).value().numel(); i++) {
                assertEquals(Double.doubleToRawLongBits(a.get(k).value().getFlat(i)),
                        Double.doubleToRawLongBits(b.get(k).value().getFlat(i)), name + " " + a.get(k).name() + "[" + i + "]");
            }
        }
        assertEquals(optA.stateDict().keySet(), optB.stateDict().keySet());
        assertEquals(6, optB.stepCount("fc.weight"));
    }

    @Test
    void stateDictNamesFollowPyTorch() {
        List<Parameter> ps = params(DType.F32, 3);
        Adam adam = new Adam(ps, Adam.options().withAmsgrad(true));
        adam.step();
        assertEquals(List.of("param_groups.0.lr", "state.fc.weight.step", "state.fc.weight.exp_avg",
                "state.fc.weight.exp_avg_sq", "state.fc.weight.max_exp_avg_sq", "state.fc.bias.step",
                "state.fc.bias.exp_avg", "state.fc.bias.exp_avg_sq", "state.fc.bias.max_exp_avg_sq"),
                List.copyOf(adam.stateDict().keySet()));
        RMSprop rms = new RMSprop(ps, RMSprop.options().withMomentum(0.9).withCentered(true));
        rms.step();
        assertTrue(rms.stateDict().keySet().containsAll(List.of("state.fc.bias.square_avg",
                "state.fc.bias.momentum_buffer", "state.fc.bias.grad_avg")));
        SGD sgd = new SGD(ps, SGD.options(0.1));
        sgd.step();
        assertEquals(List.of("param_groups.0.lr", "state.fc.weight.step", "state.fc.bias.step"),
                List.copyOf(sgd.stateDict().keySet()));
    }

    @Test
    void loadStateDictRejectsBadDictionariesWithoutChangingAnything() {
        List<Parameter> ps = params(DType.F32, 4);
        Adam opt = new Adam(ps, Adam.options());
        opt.step();
        Map<String, Tensor> good = opt.stateDict();
        Map<String, Tensor> missing = new HashMap<>(good);
        missing.remove("state.fc.bias.exp_avg_sq");
        assertMessage(missing, opt, "Adam: state dict lacks entry 'state.fc.bias.exp_avg_sq'");
        Map<String, Tensor> extra = new HashMap<>(good);
        extra.put("state.fc.bias.momentum_buffer", Tensor.zeros(DType.F32, 5));
        assertMessage(extra, opt, "Adam: unexpected state dict entry 'state.fc.bias.momentum_buffer'");
        Map<String, Tensor> shape = new HashMap<>(good);
        shape.put("state.fc.bias.exp_avg", Tensor.zeros(DType.F32, 6));
        assertMessage(shape, opt, "'state.fc.bias.exp_avg' is F32 [6], parameter is F32 [5]");
        Map<String, Tensor> step = new HashMap<>(good);
        step.put("state.fc.weight.step", Tensor.scalar(DType.F32, 1.5));
        assertMessage(step, opt, "must be a non-negative integer, got 1.5");
        Map<String, Tensor> lr = new HashMap<>(good);
        lr.put("param_groups.0.lr", Tensor.scalar(DType.F64, -1));
        assertMessage(lr, opt, "Adam: param group 0: invalid lr -1.0");
        assertEquals(1, opt.stepCount("fc.weight"));
        assertEquals(1e-3, opt.lr(0));
        // a dictionary saved before the first step resets the state
        opt.loadStateDict(Map.of("param_groups.0.lr", Tensor.scalar(DType.F64, 0.5)));
        assertEquals(0, opt.stepCount("fc.bias"));
        assertEquals(0.5, opt.lr(0));
        assertEquals(1, opt.stateDict().size());
    }

    private static void assertMessage(Map<String, Tensor> dict, Optimizer<?> opt, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(dict));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void parameterGroupsHaveTheirOwnHyperparameters() {
        List<Parameter> ps = params(DType.F32, 5);
        Parameter w = ps.get(0), b = ps.get(1);
        Adam.Options base = AdamW.options().withLr(0.05).withWeightDecay(0.3);
        AdamW opt = new AdamW(List.of(ParamGroup.of(List.of(w), base),
                ParamGroup.of(List.of(b), base.withWeightDecay(0).withLr(0.02))));
        double[] w0 = values(w), b0 = values(b);
        double[][] gw = new double[4][], gb = new double[4][];
        for (int t = 0; t < 4; t++) {
            fillGrads(ps, 300 + t);
            gw[t] = values(w.grad());
            gb[t] = values(b.grad());
            opt.step();
        }
        double[] ew = TorchReference.adam(w0, gw, base, true)[3];
        double[] eb = TorchReference.adam(b0, gb, base.withWeightDecay(0).withLr(0.02), true)[3];
        assertArrayEquals(ew, values(w), 1e-6);
        assertArrayEquals(eb, values(b), 1e-6);
        // the bias group must really differ from what the decayed group would have done
        double[] decayed = TorchReference.adam(b0, gb, base.withLr(0.02), true)[3];
        assertTrue(Math.abs(decayed[0] - eb[0]) > 1e-4);
        assertEquals(2, opt.groupCount());
        assertEquals(List.of(b), opt.groupParams(1));
        assertEquals(0.02, opt.options(1).lr());
        opt.setLr(1, 0.001);
        assertEquals(0.001, opt.options(1).lr());
        assertEquals(0.0, opt.options(1).weightDecay());
    }

    private static double[] values(Tensor t) {
        double[] v = new double[t.numel()];
        for (int i = 0; i < v.length; i++) v[i] = t.getFlat(i);
        return v;
    }

    private static double[] values(Parameter p) {
        return values(p.value());
    }

    @Test
    void invalidHyperparametersAreRejectedWithTheirNameAndValue() {
        List<Parameter> ps = params(DType.F32, 6);
        expect("SGD: param group 0: invalid lr -0.1 (must be finite and >= 0)", () -> new SGD(ps, SGD.options(-0.1)));
        expect("SGD: param group 0: invalid momentum -0.5", () -> new SGD(ps, SGD.options(0.1).withMomentum(-0.5)));
        expect("SGD: param group 0: invalid momentum Infinity", () -> new SGD(ps, SGD.options(0.1).withMomentum(Double.POSITIVE_INFINITY)));
        expect("SGD: param group 0: invalid weight_decay Infinity",
                () -> new SGD(ps, SGD.options(0.1).withWeightDecay(Double.POSITIVE_INFINITY)));
        expect("SGD: param group 0: Nesterov momentum requires a momentum > 0 and zero dampening",
                () -> new SGD(ps, SGD.options(0.1).withNesterov(true)));
        expect("Nesterov momentum requires", () -> new SGD(ps, SGD.options(0.1).withMomentum(0.9).withDampening(0.1).withNesterov(true)));
        expect("Adam: param group 0: invalid beta1 (betas[0]) 1.0 (must be in [0, 1))",
                () -> new Adam(ps, Adam.options().withBetas(1.0, 0.999)));
        expect("AdamW: param group 1: invalid beta2 (betas[1]) -0.1", () -> new AdamW(List.of(
                ParamGroup.of(List.of(ps.get(0)), AdamW.options()),
                ParamGroup.of(List.of(ps.get(1)), AdamW.options().withBetas(0.9, -0.1)))));
        expect("Adam: param group 0: invalid eps -1.0E-8", () -> new Adam(ps, Adam.options().withEps(-1e-8)));
        expect("AdamW: param group 0: invalid weight_decay -0.01", () -> new AdamW(ps, AdamW.options().withWeightDecay(-0.01)));
        expect("Adagrad: param group 0: invalid lr_decay -1.0", () -> new Adagrad(ps, Adagrad.options().withLrDecay(-1)));
        expect("Adagrad: param group 0: invalid initial_accumulator_value -1.0",
                () -> new Adagrad(ps, Adagrad.options().withInitialAccumulatorValue(-1)));
        expect("RMSprop: param group 0: invalid alpha -0.5", () -> new RMSprop(ps, RMSprop.options().withAlpha(-0.5)));
        expect("RMSprop: param group 0: invalid lr NaN", () -> new RMSprop(ps, RMSprop.options().withLr(Double.NaN)));
        Adam ok = new Adam(ps, Adam.options());
        expect("Adam: param group 0: invalid lr -1.0", () -> ok.setLr(0, -1));
        expect("Adam: got an empty parameter list", () -> new Adam(List.of(), Adam.options()));
        expect("Adam: parameter 'fc.bias' appears in param groups 0 and 1", () -> new Adam(List.of(
                ParamGroup.of(ps, Adam.options()), ParamGroup.of(List.of(ps.get(1)), Adam.options()))));
        Parameter clash = param("fc.bias", new double[3], DType.F32);
        expect("Adam: two parameters are named 'fc.bias'", () -> new Adam(List.of(ps.get(1), clash), Adam.options()));
        Parameter mixed = new Parameter("m", Tensor.zeros(DType.F32, 3), Tensor.zeros(DType.F64, 3));
        expect("Adam: parameter 'm' has value F32 [3] but gradient F64 [3]", () -> new Adam(List.of(mixed), Adam.options()));
    }

    private static void expect(String fragment, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }

    @Test
    void zeroGradClearsEveryGradient() {
        List<Parameter> ps = List.of(params(DType.F32, 7).get(0), params(DType.F64, 7).get(1));
        fillGrads(ps, 8);
        new SGD(ps, SGD.options(0.1)).zeroGrad();
        assertGradsZero(ps, "");
    }

    @Test
    void zeroGradClearsLargeGradientsSplitOverThreads() {
        // large enough for the fill to be split over the kernel threads, odd so a part has a tail
        int n = 100_003;
        Parameter big = param("emb.weight", new double[n], DType.F32);
        Parameter small = params(DType.F32, 9).get(1);
        List<Parameter> ps = List.of(big, small);
        int before = KernelThreads.threads();
        try {
            for (int threads : new int[] {1, 2, 3}) {
                KernelThreads.setThreads(threads);
                fillGrads(ps, threads);
                new SGD(ps, SGD.options(0.1)).zeroGrad();
                assertGradsZero(ps, " at " + threads + " threads");
            }
        } finally {
            KernelThreads.setThreads(before);
        }
    }

    private static void assertGradsZero(List<Parameter> ps, String context) {
        for (Parameter p : ps) {
            for (int i = 0; i < p.grad().numel(); i++) {
                int at = i;
                assertEquals(0.0, p.grad().getFlat(i), () -> p.name() + "[" + at + "]" + context);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("fullStateOptimizers")
    void steadyStepsDoNotAllocate(String name, DType dtype, Function<List<Parameter>, Optimizer<?>> factory)
            throws ReflectiveOperationException {
        // com.sun.management is not readable from this module at compile time; reflection is.
        Object mx = java.lang.management.ManagementFactory.getThreadMXBean();
        java.lang.reflect.Method allocatedBytes;
        try {
            allocatedBytes = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        } catch (ClassNotFoundException e) {
            allocatedBytes = null;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(allocatedBytes != null, "no per-thread allocation counter in this JVM");
        List<Parameter> ps = params(dtype, 9);
        fillGrads(ps, 10);
        Optimizer<?> opt = factory.apply(ps);
        LRScheduler schedule = new WarmupCosineLR(opt, 10, 1_000_000, 1e-5);
        ReduceLROnPlateau plateau = new ReduceLROnPlateau(opt);
        // Until C2 compiles the vector kernels the interpreter boxes vectors: repeat rounds
        // until one allocates nothing, or give up after 10 s.
        // The counter's own boxed result is allocated after its first reading: measure that.
        long overhead = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long before = (Long) allocatedBytes.invoke(mx);
            overhead = Math.min(overhead, (Long) allocatedBytes.invoke(mx) - before);
        }
        long allocated = Long.MAX_VALUE;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (allocated > 0 && System.nanoTime() < deadline) {
            long before = (Long) allocatedBytes.invoke(mx);
            for (int i = 0; i < 50; i++) {
                GradClipping.clipGradNorm(opt.parameters(), 0.5);
                GradClipping.clipGradValue(opt.parameters(), 1.0);
                opt.step();
                schedule.step();
                plateau.step(1.0);
                opt.zeroGrad();
            }
            allocated = (Long) allocatedBytes.invoke(mx) - before - overhead;
        }
        assertTrue(allocated <= 0, name + " " + dtype + ": " + allocated + " bytes allocated by 50 steady steps");
    }
}
