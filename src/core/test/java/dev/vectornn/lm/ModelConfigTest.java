package dev.vectornn.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelConfigTest {
    @Test
    void parameterCountMatchesTheBuiltModels() {
        ModelConfig[] configs = {
            ModelConfig.gpt(65, 4, 4, 128, 64, 0, false), ModelConfig.gpt(65, 2, 2, 16, 8, 0.1, true),
            ModelConfig.gpt(65, 3, 2, 16, 8, 0, true, false), ModelConfig.gpt(65, 1, 4, 8, 8, 0, false, false),
            ModelConfig.lstm(100, 2, 20, 30, 35, 0.2, false), ModelConfig.lstm(100, 3, 24, 24, 5, 0, true),
        };
        for (ModelConfig c : configs) {
            assertEquals(LanguageModel.create(c, 1).numParameters(), LanguageModel.parameterCount(c), c.toString());
        }
        // nanoGPT counts 795,904 ("0.80M") for its small CPU config: tied, no biases (11 d per
        // block here, and ln_f's), position table excluded
        long ours = LanguageModel.parameterCount(ModelConfig.gpt(65, 4, 4, 128, 64, 0, true));
        assertEquals(795_904, ours - (4 * 11 + 1) * 128 - 64 * 128);
        assertEquals(795_904, LanguageModel.parameterCount(ModelConfig.gpt(65, 4, 4, 128, 64, 0, true, false)) - 64 * 128);
    }

    @Test
    void namesFollowTheReferenceModules() {
        var gpt = LanguageModel.create(ModelConfig.gpt(65, 1, 2, 8, 4, 0, false), 1).stateDict().keySet();
        assertTrue(gpt.containsAll(java.util.List.of("wte.weight", "wpe.weight", "h.0.ln_1.weight", "h.0.attn.in_proj_weight",
                "h.0.mlp.c_fc.weight", "ln_f.bias", "lm_head.weight")), gpt.toString());
        var tied = LanguageModel.create(ModelConfig.gpt(65, 1, 2, 8, 4, 0, true), 1);
        assertFalse(tied.stateDict().containsKey("lm_head.weight"));
        assertTrue(tied.torchStateDict().get("lm_head.weight") == tied.stateDict().get("wte.weight"));
        var lstm = LanguageModel.create(ModelConfig.lstm(50, 2, 8, 8, 4, 0, true), 1).stateDict().keySet();
        assertEquals(java.util.List.of("encoder.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0",
                "rnn.bias_hh_l0", "rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_ih_l1", "rnn.bias_hh_l1",
                "decoder.bias"), java.util.List.copyOf(lstm));
    }

    @Test
    void initializationFollowsTheReferences() {
        var gpt = LanguageModel.create(ModelConfig.gpt(65, 2, 2, 64, 16, 0, false), 3).stateDict();
        assertEquals(0.02, std(gpt.get("wte.weight").floats()), 0.002);
        assertEquals(0.02 / Math.sqrt(4), std(gpt.get("h.1.mlp.c_proj.weight").floats()), 0.001);
        assertEquals(0, std(gpt.get("h.0.attn.in_proj_bias").floats()));
        assertEquals(1f, gpt.get("h.0.ln_1.weight").floats()[5]);
        var lstm = LanguageModel.create(ModelConfig.lstm(500, 1, 16, 16, 4, 0, false), 3).stateDict();
        float max = 0;
        for (float f : lstm.get("decoder.weight").floats()) max = Math.max(max, Math.abs(f));
        assertTrue(max <= 0.1f && max > 0.09f, "U(-0.1, 0.1): max |w| " + max);
    }

    private static double std(float[] v) {
        double s = 0, s2 = 0;
        for (float f : v) {
            s += f;
            s2 += (double) f * f;
        }
        double m = s / v.length;
        return Math.sqrt(Math.max(0, s2 / v.length - m * m));
    }

    @Test
    void invalidSettingsNameTheFieldAndValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.gpt(65, 4, 3, 128, 64, 0, false));
        assertTrue(e.getMessage().contains("heads") && e.getMessage().contains("3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.lstm(65, 2, 100, 200, 35, 0, true));
        assertTrue(e.getMessage().contains("tied"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.gpt(65, 4, 4, 128, 64, 1.0, false));
        assertTrue(e.getMessage().contains("dropout"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new ModelConfig(ModelConfig.Architecture.LSTM, 65, 2, 0, 8, 8, 4, 0, false, false));
        assertTrue(e.getMessage().contains("bias"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.gpt(1, 4, 4, 128, 64, 0, false));
        assertTrue(e.getMessage().contains("vocabulary"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.gptDefaults().withIters(0));
        assertTrue(e.getMessage().contains("iters"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.Schedule.parse("linear"));
        assertTrue(e.getMessage().contains("cosine, constant or plateau"), e.getMessage());
    }

    @Test
    void mapsRoundTripAndRejectMalformedEntries() {
        ModelConfig m = ModelConfig.lstm(33278, 2, 200, 200, 35, 0.2, false);
        TrainConfig t = TrainConfig.lstmDefaults(2983, 6);
        assertEquals(m, ModelConfig.fromMap(m.toMap()));
        assertEquals(t, TrainConfig.fromMap(t.toMap()));
        Map<String, String> bad = new HashMap<>(m.toMap());
        bad.put("model.layers", "two");
        var e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.fromMap(bad));
        assertTrue(e.getMessage().contains("model.layers"), e.getMessage());
        bad.remove("model.layers");
        e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.fromMap(bad));
        assertTrue(e.getMessage().contains("missing entry 'model.layers'"), e.getMessage());
    }

    @Test
    void cosineScheduleIsNanoGpts() {
        TrainConfig c = TrainConfig.gptDefaults();
        assertEquals(1e-3 / 101, Trainer.learningRate(c, 0), 1e-15);
        assertEquals(1e-3, Trainer.learningRate(c, 100), 1e-15);
        assertEquals(1e-4 + 0.5 * 9e-4, Trainer.learningRate(c, 1050), 1e-12);
        assertEquals(1e-4, Trainer.learningRate(c, 2000), 1e-15);
        // extended to 3000 steps, the schedule keeps its horizon: the rate stays at the final one
        TrainConfig longer = c.extendedTo(3000);
        assertEquals(1e-4 + 0.5 * 9e-4, Trainer.learningRate(longer, 1050), 1e-12);
        assertEquals(1e-4, Trainer.learningRate(longer, 2500), 1e-15);
        // a new run of 3000 steps (withIters) decays over all of them
        assertEquals(1e-4 + 0.5 * 9e-4, Trainer.learningRate(c.withIters(3000), 1550), 1e-12);
        assertEquals(1e-4 + 0.5 * 9e-4, Trainer.learningRate(longer.withDecayIters(3000), 1550), 1e-12);
    }

    @Test
    void checkpointsWrittenBeforeTheDecayHorizonExistedReadAsSpanningTheirIters() {
        TrainConfig t = TrainConfig.gptDefaults().extendedTo(2600);
        assertEquals(2000, t.decayIters());
        assertEquals(t, TrainConfig.fromMap(t.toMap()));
        Map<String, String> old = new HashMap<>(t.toMap());
        old.remove("train.decay_iters");
        assertEquals(t.withDecayIters(2600), TrainConfig.fromMap(old));
        for (String loose : new String[] {"1e-3d", "0x1p-10", " 0.001", "1e-3 "}) {
            Map<String, String> m = new HashMap<>(t.toMap());
            m.put("train.lr", loose);
            var bad = assertThrows(IllegalArgumentException.class, () -> TrainConfig.fromMap(m));
            assertTrue(bad.getMessage().contains("entry 'train.lr' is not a number"), bad.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> t.withDecayIters(0));
        assertTrue(e.getMessage().contains("decay iters must be >= 1, got 0"), e.getMessage());
    }
}
