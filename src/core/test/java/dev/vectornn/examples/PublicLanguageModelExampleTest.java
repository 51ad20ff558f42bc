package dev.vectornn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.lm.Checkpoint;
import dev.vectornn.lm.Corpus;
import dev.vectornn.lm.LmDataset;
import dev.vectornn.lm.ModelConfig;
import dev.vectornn.lm.TextGenerator;
import dev.vectornn.lm.Tokenizer;
import dev.vectornn.lm.TrainConfig;
import dev.vectornn.lm.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "From Java" example, with only public API, on a small corpus and a short run. */
class PublicLanguageModelExampleTest {
    @Test
    void readmeExampleRuns(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("input.txt");
        Files.writeString(input, "ROMEO:\nBut soft, what light through yonder window breaks?\n".repeat(40));
        TrainConfig cfg = TrainConfig.gptDefaults().withIters(20);

        LmDataset data = LmDataset.fromCorpus(Corpus.read(input), Tokenizer.Kind.CHAR);
        ModelConfig model = ModelConfig.gpt(data.tokenizer().vocabulary().size(), 2, 2, 16, 16, 0.0, false);
        Trainer t = Trainer.create(model, cfg, data);
        Path latest = dir.resolve("latest.safetensors");
        while (!t.done()) {
            t.step();
            if (t.iteration() % 10 == 0) {
                Trainer.Evaluation e = t.validate();
                assertTrue(Double.isFinite(e.loss()));
                t.checkpoint().write(latest);
            }
        }
        String text = new TextGenerator(t.model(), data.tokenizer()).generate("ROMEO:", 20, 0.8, 40, 1);
        assertTrue(text.startsWith("ROMEO:"));
        Trainer resumed = Trainer.resume(Checkpoint.read(latest), cfg, data);
        assertEquals(20, resumed.iteration());
    }
}
