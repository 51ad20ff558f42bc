package dev.vectornn.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    static final String TEXT = """
            First Citizen:
            Before we proceed any further, hear me speak.

            All:
            Speak, speak.

            First Citizen:
            You are all resolved rather to die than to famish?

            All:
            Resolved. resolved.

            First Citizen:
            First, you know Caius Marcius is chief enemy to the people.
            """.repeat(6);

    static LmDataset charData() {
        return LmDataset.fromCorpus(new Corpus("tiny", TEXT), Tokenizer.Kind.CHAR);
    }

    static ModelConfig tinyGpt(int vocab) {
        return ModelConfig.gpt(vocab, 2, 2, 16, 16, 0.1, false);
    }

    static TrainConfig gptTrain(int iters) {
        return new TrainConfig(iters, 4, 3e-3, 3e-4, TrainConfig.Schedule.COSINE, 5, 1.0, 0.1,
                TrainConfig.Optimizer.ADAMW, 0.99, 7, 10, 3, 4);
    }

    static ModelConfig tinyLstm(int vocab, boolean tied) {
        return ModelConfig.lstm(vocab, 2, 16, 16, 8, 0.2, tied);
    }

    static TrainConfig lstmTrain(int iters) {
        return new TrainConfig(iters, 4, 1.0, 0, TrainConfig.Schedule.PLATEAU, 0, 0.25, 0, TrainConfig.Optimizer.SGD,
                0.999, 3, 10, 3, 2);
    }

    static double[] run(Trainer t, int steps) {
        double[] losses = new double[steps];
        for (int i = 0; i < steps; i++) losses[i] = t.step();
        return losses;
    }

    @Test
    void gptLossFallsAndValidationImproves() {
        LmDataset d = charData();
        Trainer t = Trainer.create(tinyGpt(d.tokenizer().vocabulary().size()), gptTrain(120), d);
        double before = t.validate().loss();
        double[] l = run(t, 120);
        Trainer.Evaluation e = t.validate();
        assertTrue(e.loss() < before - 0.5, "val loss " + before + " -> " + e.loss());
        assertTrue(l[119] < l[0] - 0.5, "train loss " + l[0] + " -> " + l[119]);
        assertTrue(t.done());
        assertThrows(IllegalStateException.class, t::step);
    }

    @Test
    void lstmLossFalls() {
        LmDataset d = charData();
        Trainer t = Trainer.create(tinyLstm(d.tokenizer().vocabulary().size(), true), lstmTrain(150), d);
        double before = t.evaluate("valid");
        double[] l = run(t, 150);
        assertTrue(t.epoch() >= 1, "epochs " + t.epoch());
        assertTrue(t.evaluate("valid") < before - 0.3, before + " -> " + t.evaluate("valid"));
        assertTrue(l[149] < l[0], l[0] + " -> " + l[149]);
    }

    @Test
    void resumeContinuesTheIdenticalLossCurve(@TempDir Path dir) throws Exception {
        for (boolean gpt : new boolean[] {true, false}) {
            LmDataset d = charData();
            int v = d.tokenizer().vocabulary().size();
            ModelConfig mc = gpt ? tinyGpt(v) : tinyLstm(v, false);
            TrainConfig tc = gpt ? gptTrain(40) : lstmTrain(40);
            double[] straight = run(Trainer.create(mc, tc, d), 40);

            Trainer first = Trainer.create(mc, tc, d);
            double[] a = run(first, 17); // mid-epoch for the LSTM: the carried state must survive
            first.validate();
            Path file = dir.resolve(gpt + ".safetensors");
            first.checkpoint().write(file);
            Checkpoint c = Checkpoint.read(file);
            assertEquals(17, c.iteration());
            // a checkpoint written right after resuming, before any step (Ctrl-C at once), holds
            // the same carried state and resumes the same curve
            Path again = dir.resolve(gpt + "-again.safetensors");
            Trainer.resume(c, tc, d).checkpoint().write(again);
            Trainer second = Trainer.resume(Checkpoint.read(again), tc, d);
            double[] b = run(second, 23);
            double[] joined = new double[40];
            System.arraycopy(a, 0, joined, 0, 17);
            System.arraycopy(b, 0, joined, 17, 23);
            assertArrayEquals(straight, joined, 0.0, gpt ? "gpt" : "lstm");
        }
    }

    @Test
    void checkpointRoundTripsWeightsAndRejectsAnotherFile(@TempDir Path dir) throws Exception {
        LmDataset d = charData();
        Trainer t = Trainer.create(tinyGpt(d.tokenizer().vocabulary().size()), gptTrain(5), d);
        run(t, 5);
        Path f = dir.resolve("c.safetensors");
        t.checkpoint().write(f);
        Checkpoint c = Checkpoint.read(f);
        for (Map.Entry<String, Tensor> e : t.model().stateDict().entrySet()) {
            assertArrayEquals(e.getValue().floats(), c.model().stateDict().get(e.getKey()).floats(), 0f, e.getKey());
        }
        Path other = dir.resolve("plain.safetensors");
        dev.vectornn.io.SafeTensors.write(other, t.model().stateDict(), null);
        var ex = assertThrows(CheckpointException.class, () -> Checkpoint.read(other));
        assertTrue(ex.getMessage().contains("not a vectornn checkpoint"), ex.getMessage());
        byte[] bytes = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThrows(java.io.IOException.class, () -> Checkpoint.read(cut));
    }

    @Test
    void generatesFromThePromptDeterministically() {
        LmDataset d = charData();
        for (boolean gpt : new boolean[] {true, false}) {
            int v = d.tokenizer().vocabulary().size();
            Trainer t = Trainer.create(gpt ? tinyGpt(v) : tinyLstm(v, false), gpt ? gptTrain(30) : lstmTrain(30), d);
            run(t, 30);
            TextGenerator g = new TextGenerator(t.model(), d.tokenizer());
            StringBuilder streamed = new StringBuilder();
            String s = g.generate("All:", 40, 0.8, 5, 1, streamed::append);
            assertTrue(s.startsWith("All:"), s);
            assertEquals(s, streamed.toString());
            assertEquals(4 + 40, s.codePoints().count());
            assertEquals(s, g.generate("All:", 40, 0.8, 5, 1));
            assertThrows(UnknownTokenException.class, () -> g.generate("Zebra€", 5, 1, 0, 1));
            assertThrows(IllegalArgumentException.class, () -> g.generate("All", 5, 0, 0, 1));
            var e = assertThrows(IllegalArgumentException.class, () -> g.generate("ab", Integer.MAX_VALUE, 1, 0, 1));
            assertTrue(e.getMessage().contains("must be in [0, " + TextGenerator.MAX_TOKENS + "]"), e.getMessage());
            // a model with a NaN weight: the sampler says so instead of blaming the vocabulary
            for (Tensor p : t.model().stateDict().values()) for (int i = 0; i < p.numel(); i++) p.setFlat(i, Double.NaN);
            TextGenerator broken = new TextGenerator(t.model(), d.tokenizer());
            var s2 = assertThrows(IllegalStateException.class, () -> broken.generate("All:", 3, 1, 0, 1));
            assertTrue(s2.getMessage().contains("are not finite"), s2.getMessage());
        }
    }
}
