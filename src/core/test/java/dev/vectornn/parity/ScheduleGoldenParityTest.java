package dev.vectornn.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vectornn.graph.Parameter;
import dev.vectornn.optim.Optimizer;
import dev.vectornn.optim.ParamGroup;
import dev.vectornn.optim.ReduceLROnPlateau;
import dev.vectornn.optim.SGD;
import dev.vectornn.optim.StepLR;
import dev.vectornn.optim.WarmupCosineLR;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Learning-rate sequences of {@code schedules.safetensors} for two param groups: StepLR
 * (exact: both sides multiply the current lr by gamma), WarmupCosineLR against PyTorch's LambdaLR
 * with the same formula (relative 1e-12: LambdaLR computes {@code base * (f / base)}, this class
 * {@code f} directly, so the last bit may differ), and ReduceLROnPlateau in min/relative and
 * max/absolute modes with cooldown and min_lr, including a NaN metric (lr exact; best,
 * num_bad_epochs and cooldown_counter exact).
 */
class ScheduleGoldenParityTest {
    static final String FILE = "schedules.safetensors";

    private static Optimizer<?> twoGroups(double lr0, double lr1) {
        Parameter a = new Parameter("a", Tensor.zeros(DType.F64, 1), Tensor.zeros(DType.F64, 1));
        Parameter b = new Parameter("b", Tensor.zeros(DType.F64, 1), Tensor.zeros(DType.F64, 1));
        return new SGD(List.of(ParamGroup.of(List.of(a), SGD.options(lr0)), ParamGroup.of(List.of(b), SGD.options(lr1))));
    }

    private static void check(String what, double actual, double expected, double rtol) {
        boolean ok = rtol == 0 ? Double.compare(actual, expected) == 0 : Math.abs(actual - expected) <= rtol * Math.abs(expected);
        if (!ok) {
            fail(String.format("%s: got %.17g, expected %.17g (rel error %.3g, tolerance %s)", what, actual, expected,
                    Math.abs(actual - expected) / Math.abs(expected), rtol == 0 ? "exact" : rtol));
        }
    }

    @Test
    void stepLR() {
        Map<String, String> m = Golden.keyValues(Golden.metadata(FILE).get("steplr"));
        assertEquals("0.1;0.03", m.get("base_lrs"));
        Tensor lr = Golden.tensor(FILE, "steplr.lr");
        Optimizer<?> opt = twoGroups(0.1, 0.03);
        StepLR s = new StepLR(opt, Integer.parseInt(m.get("step_size")), Double.parseDouble(m.get("gamma")));
        for (int e = 0; e < lr.shape().dim(1); e++) {
            if (e > 0) {
                opt.step();
                s.step();
            }
            for (int g = 0; g < 2; g++) check("StepLR epoch " + e + " group " + g, opt.lr(g), lr.get(g, e), 0);
        }
    }

    @Test
    void warmupCosineMatchesLambdaLR() {
        Map<String, String> m = Golden.keyValues(Golden.metadata(FILE).get("warmup_cosine"));
        assertEquals("0.1;0.01", m.get("base_lrs"));
        Tensor lr = Golden.tensor(FILE, "warmup_cosine.lr");
        Optimizer<?> opt = twoGroups(0.1, 0.01);
        WarmupCosineLR s = new WarmupCosineLR(opt, Integer.parseInt(m.get("warmup_steps")),
                Integer.parseInt(m.get("total_steps")), Double.parseDouble(m.get("min_lr")));
        for (int e = 0; e < lr.shape().dim(1); e++) {
            if (e > 0) {
                opt.step();
                s.step();
            }
            for (int g = 0; g < 2; g++) check("WarmupCosineLR step " + e + " group " + g, opt.lr(g), lr.get(g, e), 1e-12);
        }
    }

    @Test
    void reduceOnPlateauMinRelative() {
        plateau("plateau_min");
    }

    @Test
    void reduceOnPlateauMaxAbsolute() {
        plateau("plateau_max");
    }

    private void plateau(String name) {
        Map<String, String> m = Golden.keyValues(Golden.metadata(FILE).get(name));
        assertEquals("0.1;0.01", m.get("base_lrs"));
        Optimizer<?> opt = twoGroups(0.1, 0.01);
        ReduceLROnPlateau s = new ReduceLROnPlateau(opt,
                m.get("mode").equals("min") ? ReduceLROnPlateau.Mode.MIN : ReduceLROnPlateau.Mode.MAX,
                Double.parseDouble(m.get("factor")), Integer.parseInt(m.get("patience")),
                Double.parseDouble(m.get("threshold")),
                m.get("threshold_mode").equals("rel") ? ReduceLROnPlateau.ThresholdMode.REL : ReduceLROnPlateau.ThresholdMode.ABS,
                Integer.parseInt(m.get("cooldown")), Double.parseDouble(m.get("min_lr")), Double.parseDouble(m.get("eps")));
        Tensor metric = Golden.tensor(FILE, name + ".metric"), lr = Golden.tensor(FILE, name + ".lr");
        Tensor best = Golden.tensor(FILE, name + ".best"), bad = Golden.tensor(FILE, name + ".num_bad_epochs");
        Tensor cool = Golden.tensor(FILE, name + ".cooldown_counter");
        int reductions = 0;
        for (int e = 0; e < metric.numel(); e++) {
            opt.step();
            s.step(metric.getFlat(e));
            String at = name + " epoch " + e + " (metric " + metric.getFlat(e) + ")";
            for (int g = 0; g < 2; g++) check(at + " lr of group " + g, opt.lr(g), lr.get(g, e), 0);
            check(at + " best", s.best(), best.getFlat(e), 0);
            check(at + " num_bad_epochs", s.numBadEpochs(), bad.getFlat(e), 0);
            check(at + " cooldown_counter", s.cooldownCounter(), cool.getFlat(e), 0);
            if (e > 0 && lr.get(0, e) != lr.get(0, e - 1)) reductions++;
        }
        assertTrue(reductions >= 3, name + ": the golden sequence should reduce the lr several times, did " + reductions);
    }
}
