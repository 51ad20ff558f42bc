package dev.vectornn.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.io.SafeTensors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a unit test: a tool that records the first steps of {@link Trainer} on nanoGPT's
 * tinyshakespeare configuration so that {@code bench/torch/nanogpt.py} can replay them from the
 * same initial weights and the same batches ({@code bench/torch/nanogpt_compare.py} tables both).
 * It runs only when asked, and does not overwrite an existing recording:
 *
 * <pre>
 * ./mvnw -B -o -q -pl src/core test -Dtest=GptTrajectoryDump -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dvectornn.trajectory.out=/tmp/traj [-Dvectornn.trajectory.steps=200] [-Dvectornn.trajectory.seed=1337]
 * </pre>
 *
 * For each layout ({@code nanogpt}: tied, no biases; {@code default}: untied, biases) it writes
 * {@code <out>/<layout>/init.safetensors} ({@link LanguageModel#torchStateDict()} before the first
 * step), {@code batches.txt} (per step, the batch's 12 window starts in the training split) and
 * {@code trajectory.tsv} (step, lr, train loss, gradient norm before clipping); after the last step
 * {@code final.safetensors} (the weights), {@code val_batches.txt} (the window starts of the
 * validation batches {@link Trainer#validate()} averages) and {@code val_loss.txt} (its result).
 */
@EnabledIfSystemProperty(named = "vectornn.trajectory.out", matches = ".+")
class GptTrajectoryDump {
    private static final Path DATA = Path.of(System.getProperty("vectornn.data", "/work/shared/data"));

    @Test
    void dumpNanoGptLayout() throws IOException {
        dump("nanogpt", true, false);
    }

    @Test
    void dumpDefaultLayout() throws IOException {
        dump("default", false, true);
    }

    private static void dump(String name, boolean tied, boolean bias) throws IOException {
        Path out = Path.of(System.getProperty("vectornn.trajectory.out")).resolve(name);
        int steps = Integer.getInteger("vectornn.trajectory.steps", 200);
        long seed = Long.getLong("vectornn.trajectory.seed", 1337L);
        // -Dtest makes every surefire execution of src/core (there are three) run this class; the
        // first records, the others must not overwrite its files while a replay may be reading them.
        Assumptions.assumeFalse(Files.exists(out.resolve("trajectory.tsv")),
                out + " already holds a trajectory; delete it to record again");
        Files.createDirectories(out);
        LmDataset data = LmDataset.fromCorpus(Corpus.read(DATA.resolve("tinyshakespeare.txt")), Tokenizer.Kind.CHAR);
        ModelConfig mc = ModelConfig.gpt(data.tokenizer().vocabulary().size(), 4, 4, 128, 64, 0.0, tied, bias);
        TrainConfig tc = TrainConfig.gptDefaults();
        tc = new TrainConfig(tc.iters(), tc.batch(), tc.lr(), tc.minLr(), tc.schedule(), tc.warmup(), tc.clip(),
                tc.weightDecay(), tc.optimizer(), tc.beta2(), seed, tc.evalEvery(), tc.evalBatches(), tc.evalBatch());
        Trainer trainer = Trainer.create(mc, tc, data);
        SafeTensors.write(out.resolve("init.safetensors"), trainer.model().torchStateDict(),
                Map.of("layout", name, "seed", Long.toString(seed)));

        // The trainer's batcher draws one nextInt(n - block) per row from SplitMix64(seed) and nothing
        // else touches it, so a twin generator yields the same starts; checked against a real batcher.
        int block = mc.context(), batch = tc.batch(), bound = data.train().length - block;
        SplitMix64 twin = new SplitMix64(seed);
        RandomWindowBatcher check = new RandomWindowBatcher(data.train(), batch, block, seed);
        int[] in = new int[batch * block], tg = new int[batch * block], starts = new int[batch];
        try (PrintWriter batches = new PrintWriter(Files.newBufferedWriter(out.resolve("batches.txt")));
             PrintWriter log = new PrintWriter(Files.newBufferedWriter(out.resolve("trajectory.tsv")))) {
            log.println("step\tlr\tloss\tgrad_norm");
            for (int s = 1; s <= steps; s++) {
                for (int b = 0; b < batch; b++) starts[b] = twin.nextInt(bound);
                check.next(in, tg);
                for (int b = 0; b < batch; b++) {
                    assertArrayEquals(Arrays.copyOfRange(data.train(), starts[b], starts[b] + block),
                            Arrays.copyOfRange(in, b * block, (b + 1) * block), "step " + s + " row " + b);
                }
                double loss = trainer.step();
                StringBuilder line = new StringBuilder();
                for (int b = 0; b < batch; b++) line.append(b == 0 ? "" : " ").append(starts[b]);
                batches.println(line);
                log.println(String.format(Locale.ROOT, "%d\t%.9g\t%.9g\t%.9g", s, trainer.lr(), loss, trainer.lastGradNorm()));
            }
        }
        // The final weights and the validation windows of Trainer.validate(), so that the torch side
        // can evaluate on the same windows (and check the evaluator on vectornn's own weights).
        SafeTensors.write(out.resolve("final.safetensors"), trainer.model().torchStateDict(),
                Map.of("layout", name, "seed", Long.toString(seed), "steps", Integer.toString(steps)));
        SplitMix64 evalTwin = new SplitMix64(Evaluator.evalSeed(seed));
        int valBound = data.valid().length - block;
        try (PrintWriter val = new PrintWriter(Files.newBufferedWriter(out.resolve("val_batches.txt")))) {
            for (int k = 0; k < tc.evalBatches(); k++) {
                StringBuilder line = new StringBuilder();
                for (int b = 0; b < batch; b++) line.append(b == 0 ? "" : " ").append(evalTwin.nextInt(valBound));
                val.println(line);
            }
        }
        Files.writeString(out.resolve("val_loss.txt"),
                String.format(Locale.ROOT, "%.9g%n", trainer.validate().loss()));
        assertTrue(Files.size(out.resolve("trajectory.tsv")) > 0);
    }
}
