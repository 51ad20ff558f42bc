package dev.vectornn.optim;

import static dev.vectornn.optim.OptimizerParityTest.param;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.graph.Parameter;
import dev.vectornn.tensor.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Learning-rate sequences of the schedules against hand-computed values. */
class ScheduleTest {
    private static SGD twoGroups(double lr0, double lr1) {
        Parameter a = param("a", new double[] {1, 2}, DType.F32), b = param("b", new double[] {3}, DType.F64);
        return new SGD(List.of(ParamGroup.of(List.of(a), SGD.options(lr0)), ParamGroup.of(List.of(b), SGD.options(lr1))));
    }

    @Test
    void stepLrMultipliesByGammaEveryStepSizeEpochsLikePyTorch() {
        SGD opt = twoGroups(1.0, 0.5);
        StepLR s = new StepLR(opt, 3, 0.1);
        // PyTorch chains multiplications: epoch 6 is (1 * 0.1) * 0.1 = 0.010000000000000002, not 0.01
        double[] expected = {1, 1, 1, 0.1, 0.1, 0.1, 0.1 * 0.1, 0.1 * 0.1, 0.1 * 0.1, 0.1 * 0.1 * 0.1};
        assertEquals(0.010000000000000002, expected[6]);
        for (int e = 0; e < expected.length; e++) {
            assertEquals(e, s.lastEpoch());
            assertEquals(expected[e], opt.lr(0), "epoch " + e);
            assertEquals(0.5 * expected[e], opt.lr(1), 1e-18, "epoch " + e);
            s.step();
        }
        s.resumeAt(4);
        assertEquals(0.1, opt.lr(0));
        assertEquals(1.0, s.baseLr(0));
        assertThrows(IllegalArgumentException.class, () -> new StepLR(opt, 0, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new StepLR(opt, 1, -0.1));
    }

    @Test
    void warmupCosineFollowsItsDocumentedFormula() {
        SGD opt = twoGroups(1.0, 2.0);
        WarmupCosineLR s = new WarmupCosineLR(opt, 4, 10, 0.1);
        // W = 4, T = 10, minLr 0.1, base 1: warmup (t+1)/4, then 0.1 + 0.45 * (1 + cos(pi * (t - 4) / 6))
        double[] expected = {0.25, 0.5, 0.75, 1.0, 1.0, 0.9397114317029974, 0.775, 0.55, 0.325,
                             0.16028856829700258, 0.1, 0.1, 0.1};
        for (int t = 0; t < expected.length; t++) {
            assertEquals(expected[t], opt.lr(0), 1e-15, "t = " + t);
            double other = t < 4 ? 2 * expected[t] : 0.1 + (2.0 - 0.1) / 0.9 * (expected[t] - 0.1);
            assertEquals(other, opt.lr(1), 1e-14, "group 1, t = " + t);
            s.step();
        }
        s.resumeAt(7);
        assertEquals(0.55, opt.lr(0), 1e-15);
        SGD plain = twoGroups(1.0, 1.0);
        new WarmupCosineLR(plain, 0, 4, 0);
        assertEquals(1.0, plain.lr(0), "no warmup: cosine starts at the base lr");
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosineLR(opt, 5, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosineLR(opt, 1, 4, -1));
    }

    @Test
    void reduceOnPlateauTraceWithPatienceCooldownAndFloor() {
        SGD opt = twoGroups(1.0, 0.05);
        ReduceLROnPlateau p = new ReduceLROnPlateau(opt, ReduceLROnPlateau.Mode.MIN, 0.5, 2, 0.1,
                ReduceLROnPlateau.ThresholdMode.REL, 1, 0.1, 1e-8);
        double[] metrics = {10, 9.5, 8.9, 8.9, 8.9, 8.9, 8.9, 8.9, 8.9, 8.9, 8.9, 8.9, 8.9, 8.9, 8.9, 8.9, 8.9, 8.9,
                            8.9, 8.9, 8.9, 8.9};
        // 9.5 is not below 10 * (1 - 0.1); 8.9 is. Bad epochs > 2 reduce; one cooldown epoch follows.
        double[] expected = {1, 1, 1, 1, 1, .5, .5, .5, .5, .25, .25, .25, .25, .125, .125, .125, .125, .1, .1, .1, .1, .1};
        for (int e = 0; e < metrics.length; e++) {
            p.step(metrics[e]);
            assertEquals(expected[e], opt.lr(0), "epoch " + (e + 1));
            assertEquals(0.05, opt.lr(1), "group 1 is below min_lr already: max(lr * factor, min_lr) > lr is never applied");
        }
        assertEquals(8.9, p.best());
        assertEquals(metrics.length, p.lastEpoch());
    }

    @Test
    void reduceOnPlateauDefaultsAreTorchs() {
        Adam opt = new Adam(List.of(param("w", new double[] {1}, DType.F32)), Adam.options());
        ReduceLROnPlateau p = new ReduceLROnPlateau(opt);
        for (int e = 1; e <= 11; e++) {
            p.step(1.0);
            assertEquals(1e-3, opt.lr(0), "epoch " + e);
        }
        p.step(1.0); // twelfth epoch: 11 bad epochs > patience 10
        assertEquals(1e-3 * 0.1, opt.lr(0));
        assertEquals(0, p.numBadEpochs());
        p.step(0.99995); // within the relative threshold 1e-4 of 1.0: not an improvement
        assertEquals(1, p.numBadEpochs());
        p.step(0.9998);
        assertEquals(0, p.numBadEpochs());
        p.step(Double.NaN);
        assertEquals(1, p.numBadEpochs(), "NaN is never better");
    }

    @Test
    void reduceOnPlateauMaxModeAbsoluteThreshold() {
        SGD opt = twoGroups(1.0, 1.0);
        ReduceLROnPlateau p = new ReduceLROnPlateau(opt, ReduceLROnPlateau.Mode.MAX, 0.1, 0, 1.0,
                ReduceLROnPlateau.ThresholdMode.ABS, 0, 0, 1e-8);
        p.step(0);
        assertEquals(1.0, opt.lr(0));
        p.step(0.5); // needs > 0 + 1: bad epoch, patience 0 reduces at once
        assertEquals(0.1, opt.lr(0), 1e-17);
        p.step(1.5);
        assertEquals(0.1, opt.lr(0), 1e-17);
        assertEquals(1.5, p.best());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ReduceLROnPlateau(opt,
                ReduceLROnPlateau.Mode.MIN, 1.0, 10, 1e-4, ReduceLROnPlateau.ThresholdMode.REL, 0, 0, 1e-8));
        assertTrue(e.getMessage().contains("ReduceLROnPlateau: invalid factor 1.0"), e.getMessage());
    }
}
