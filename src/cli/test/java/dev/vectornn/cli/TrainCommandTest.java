package dev.vectornn.cli;

import static dev.vectornn.cli.Cli.args;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.vectornn.lm.Checkpoint;
import dev.vectornn.lm.TextGenerator;
import dev.vectornn.lm.Tokenizer;
import dev.vectornn.lm.VocabularyFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train}, {@code --resume}, {@code eval} and {@code generate} end to end on tiny corpora
 * and models: the run folder's files, the bit-identical loss curve of a stopped and resumed run,
 * and the numbers {@code eval} and {@code generate} give back.
 */
class TrainCommandTest {
    @TempDir
    Path tmp;

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /** The deterministic columns of metrics.csv (iteration, train_loss, val_loss, lr) of each row. */
    private static List<String> curve(Path run) throws IOException {
        return Files.readAllLines(run.resolve(RunFolder.METRICS)).stream().skip(1)
                .map(l -> String.join(",", List.of(l.split(",", -1)).subList(0, 4))).toList();
    }

    private static void assertRunFiles(Path run, boolean sample) throws IOException {
        for (String f : List.of(RunFolder.CONFIG, RunFolder.VOCAB, RunFolder.METRICS, RunFolder.PLOT, RunFolder.LATEST, RunFolder.BEST)) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f + " in " + run);
        }
        assertEquals(sample, Files.exists(run.resolve(RunFolder.SAMPLE)), "sample.txt");
        byte[] png = Files.readAllBytes(run.resolve(RunFolder.PLOT));
        assertArrayEquals(PNG, java.util.Arrays.copyOf(png, 8), "loss.png is a PNG");
        assertTrue(png.length > 5000, "the plot has content: " + png.length + " bytes");
    }

    @Test
    void gptTrainsThenResumesBitIdenticallyThenEvaluatesAndGenerates() throws IOException {
        Path corpus = Cli.corpus(tmp);
        List<String> common = new java.util.ArrayList<>(List.of("train", "--corpus", corpus.toString(), "--iters", "24",
                "--eval-every", "8", "--warmup", "4"));
        common.addAll(Cli.tinyGpt());

        Path straight = tmp.resolve("straight");
        Cli.Run a = Cli.run(args(common, "--out", straight.toString(), "--sample-tokens", "40"));
        assertEquals(0, a.code(), a.toString());
        assertEquals("", a.err(), a.toString());
        assertTrue(a.out().contains("model:    gpt, 1 layers, 2 heads, d_model 16, block 16"), a.out());
        assertTrue(a.out().contains("done: 24 iterations"), a.out());
        assertTrue(a.out().contains("iter 8/24: train loss"), a.out());
        assertTrue(a.out().contains("--- sample: 40 tokens"), a.out());
        assertFalse(a.out().contains("\r"), "no carriage returns when stdout is not a terminal");
        assertRunFiles(straight, true);
        List<String> curve = curve(straight);
        assertEquals(24, curve.size());
        assertEquals(3, curve.stream().filter(r -> !r.split(",", -1)[2].isEmpty()).count(), "val loss at 8, 16, 24");
        String sample = Files.readString(straight.resolve(RunFolder.SAMPLE));
        assertTrue(a.out().contains(sample.strip()), "the printed sample is the saved one");

        JsonObject config = JsonParser.parseString(Files.readString(straight.resolve(RunFolder.CONFIG))).getAsJsonObject();
        assertEquals("file", config.getAsJsonObject("corpus").get("kind").getAsString());
        assertEquals(corpus.toAbsolutePath().toString(), config.getAsJsonObject("corpus").get("location").getAsString());
        assertEquals("char", config.get("tokenizer").getAsString());
        assertEquals(1, config.get("threads").getAsInt());
        assertEquals(16, config.getAsJsonObject("model").get("d_model").getAsInt());
        assertEquals(24, config.getAsJsonObject("train").get("iters").getAsInt());
        assertTrue(config.get("command_line").getAsString().startsWith("vectornn train --corpus " + corpus), config.toString());
        assertTrue(config.has("vectornn_version"));
        Tokenizer tok = VocabularyFile.load(straight.resolve(RunFolder.VOCAB));
        assertEquals(Tokenizer.Kind.CHAR, tok.kind());
        assertEquals(Checkpoint.read(straight.resolve(RunFolder.LATEST)).modelConfig().vocabSize(), tok.vocabulary().size());

        // the same run, stopped after 11 and killed after writing row 12 but before its next checkpoint
        Path split = tmp.resolve("split");
        Cli.Run b = Cli.run(args(common, "--out", split.toString(), "--stop-at", "11"));
        assertEquals(0, b.code(), b.toString());
        assertTrue(b.out().contains("stopped after iteration 11 (--stop-at): saved " + split.resolve(RunFolder.LATEST)), b.out());
        assertFalse(Files.exists(split.resolve(RunFolder.SAMPLE)), "a stop prints no sample");
        assertEquals(11, Checkpoint.read(split.resolve(RunFolder.LATEST)).iteration());
        assertEquals(8, Checkpoint.read(split.resolve(RunFolder.BEST)).iteration());
        assertEquals(curve.subList(0, 11), curve(split));
        Files.writeString(split.resolve(RunFolder.METRICS), "12,9.0,,0.001,1.0,1.0\n13,9.0,,0.001,1.0,1.", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);

        Cli.Run c = Cli.run("train", "--resume", split.toString(), "--sample-tokens", "40");
        assertEquals(0, c.code(), c.toString());
        assertTrue(c.out().contains("training: from 11 to 24 iterations"), c.out());
        assertEquals(curve, curve(split), "a stopped and resumed run has the loss curve of one that never stopped");
        assertRunFiles(split, true);
        assertEquals(sample, Files.readString(split.resolve(RunFolder.SAMPLE)), "and ends with the same weights");
        JsonObject resumed = JsonParser.parseString(Files.readString(split.resolve(RunFolder.CONFIG))).getAsJsonObject();
        assertEquals(11, resumed.getAsJsonArray("resumes").get(0).getAsJsonObject().get("from_iteration").getAsInt());

        // a finished run continues only with more iterations
        Cli.Run done = Cli.run("train", "--resume", split.toString());
        assertEquals(1, done.code(), done.toString());
        assertTrue(done.err().contains("the run is complete: its checkpoint is at iteration 24 of 24; give a larger --iters"), done.err());
        Cli.Run more = Cli.run("train", "--resume", split.toString(), "--iters", "28", "--sample-tokens", "0");
        assertEquals(0, more.code(), more.toString());
        assertEquals(28, curve(split).size());
        assertEquals(curve, curve(split).subList(0, 24));
        // the cosine schedule keeps its horizon (24): the added steps run at the final rate, no jump back up
        for (String row : curve(split).subList(24, 28)) assertEquals(1e-4, Double.parseDouble(row.split(",", -1)[3]), 1e-12, row);
        // unless a new horizon is asked for: from 28 to 32 decaying at 40, the rate is above the final one again
        Cli.Run redecay = Cli.run("train", "--resume", split.toString(), "--iters", "32", "--decay-iters", "40", "--sample-tokens", "0");
        assertEquals(0, redecay.code(), redecay.toString());
        assertTrue(redecay.out().contains("cosine to 1.0e-04 at 40"), redecay.out());
        double lr29 = Double.parseDouble(curve(split).get(28).split(",", -1)[3]);
        assertEquals(1e-4 + 0.5 * (1 + Math.cos(Math.PI * (28 - 4) / (40 - 4.0))) * 9e-4, lr29, 1e-12);
        assertEquals(40, JsonParser.parseString(Files.readString(split.resolve(RunFolder.CONFIG))).getAsJsonObject()
                .getAsJsonObject("train").get("decay_iters").getAsInt());

        // eval reads the best checkpoint and measures as training did (same batches): the best val loss
        double bestVal = curve.stream().map(r -> r.split(",", -1)[2]).filter(s -> !s.isEmpty())
                .mapToDouble(Double::parseDouble).min().orElseThrow();
        Cli.Run e = Cli.run("eval", "--run", straight.toString());
        assertEquals(0, e.code(), e.toString());
        assertTrue(e.out().startsWith(String.format(Locale.ROOT, "valid: loss %.4f, perplexity %.2f (%s at iteration ",
                bestVal, Math.exp(bestVal), straight.resolve(RunFolder.BEST))), e.out());
        Cli.Run train = Cli.run("eval", "--run", straight.toString(), "--split", "train", "--eval-batches", "4");
        assertEquals(0, train.code(), train.toString());
        assertTrue(train.out().contains("4 random batches of 4 x 16 tokens"), train.out());
        Cli.Run test = Cli.run("eval", "--run", straight.toString(), "--split", "test");
        assertEquals(1, test.code(), test.toString());
        assertEquals(List.of("vectornn eval: error: " + corpus.toAbsolutePath()
                + ": this dataset has no test split (a single corpus is split into train and valid only)"), test.errLines());

        // generate streams the prompt and its continuation, the same for the same seed
        Cli.Run g1 = Cli.run("generate", "--run", straight.toString(), "--prompt", "KING:", "--tokens", "30", "--seed", "1");
        Cli.Run g2 = Cli.run("generate", "--run", straight.toString(), "--prompt", "KING:", "--tokens", "30", "--seed", "1");
        Cli.Run g3 = Cli.run("generate", "--run", straight.toString(), "--prompt", "KING:", "--tokens", "30", "--seed", "2");
        assertEquals(0, g1.code(), g1.toString());
        SavedModel m = SavedModel.load(RunFolder.open(straight, "--run"), null);
        String expected = new TextGenerator(m.checkpoint().model(), m.tokenizer()).generate("KING:", 30, 0.8, 200, 1);
        assertEquals(5 + 30, expected.codePoints().count());
        assertEquals(expected + (expected.endsWith("\n") ? "" : "\n"), g1.out(), "the defaults: temperature 0.8, top-k 200");
        assertEquals(g1.out(), g2.out());
        assertNotEquals(g1.out(), g3.out());
        Cli.Run fromLatest = Cli.run("generate", "--checkpoint", straight.resolve(RunFolder.LATEST).toString(), "--tokens", "5");
        assertEquals(0, fromLatest.code(), fromLatest.toString());
    }

    @Test
    void lstmOnADatasetFolderWithWordTokensResumesBitIdentically() throws IOException {
        Path data = Cli.dataset(tmp);
        List<String> common = new java.util.ArrayList<>(List.of("train", "--dataset", data.toString(), "--epochs", "2"));
        common.addAll(Cli.tinyLstm());

        Path straight = tmp.resolve("straight");
        Cli.Run a = Cli.run(args(common, "--out", straight.toString(), "--sample-tokens", "15"));
        assertEquals(0, a.code(), a.toString());
        assertTrue(a.out().contains("model:    lstm, 1 layers, embedding 16, hidden 16, bptt 8, dropout 0.2"), a.out());
        assertTrue(a.out().contains("word tokenizer"), a.out());
        assertRunFiles(straight, true);
        List<String> curve = curve(straight);
        // the word stream of train.txt in 4 columns gives (n / 4 - 1) / 8 full windows per epoch
        int words = Files.readString(data.resolve("train.txt")).split("\\s+").length
                + (int) Files.readString(data.resolve("train.txt")).lines().count(); // one <eos> per line
        int perEpoch = (words / 4 - 1) / 8;
        assertEquals(2 * perEpoch, curve.size(), "two epochs");
        assertEquals(List.of(perEpoch, 2 * perEpoch), curve.stream().filter(r -> !r.split(",", -1)[2].isEmpty())
                .map(r -> Integer.parseInt(r.split(",")[0])).toList(), "an evaluation per epoch");
        assertEquals(Tokenizer.Kind.WORD, VocabularyFile.load(straight.resolve(RunFolder.VOCAB)).kind());

        Path split = tmp.resolve("split");
        int stop = perEpoch + 3; // mid-epoch: the carried LSTM state must be saved and restored
        Cli.Run b = Cli.run(args(common, "--out", split.toString(), "--stop-at", Integer.toString(stop)));
        assertEquals(0, b.code(), b.toString());
        assertEquals(stop, Checkpoint.read(split.resolve(RunFolder.LATEST)).iteration());
        Cli.Run c = Cli.run("train", "--resume", split.toString(), "--sample-tokens", "15");
        assertEquals(0, c.code(), c.toString());
        assertEquals(curve, curve(split), "a stopped and resumed LSTM has the loss curve of one that never stopped");
        assertEquals(Files.readString(straight.resolve(RunFolder.SAMPLE)), Files.readString(split.resolve(RunFolder.SAMPLE)));

        Cli.Run test = Cli.run("eval", "--run", straight.toString(), "--split", "test");
        assertEquals(0, test.code(), test.toString());
        assertTrue(test.out().matches("test: loss [0-9.]+, perplexity [0-9.]+ \\(.*best.safetensors at iteration \\d+; one pass over "
                + "[0-9,]+ tokens in 10 columns\\)\n"), test.out());
        Cli.Run valid = Cli.run("eval", "--run", straight.toString());
        double lastVal = Double.parseDouble(curve.getLast().split(",")[2]);
        double bestVal = curve.stream().map(r -> r.split(",", -1)[2]).filter(s -> !s.isEmpty()).mapToDouble(Double::parseDouble).min().orElseThrow();
        assertTrue(valid.out().startsWith(String.format(Locale.ROOT, "valid: loss %.4f", bestVal)), valid.out() + " vs " + lastVal);

        Cli.Run g = Cli.run("generate", "--run", straight.toString(), "--prompt", "the king", "--tokens", "12", "--seed", "3");
        assertEquals(0, g.code(), g.toString());
        assertTrue(g.out().startsWith("the king"), g.out());
        SavedModel m = SavedModel.load(RunFolder.open(straight, "--run"), null);
        String expected = new TextGenerator(m.checkpoint().model(), m.tokenizer()).generate("the king", 12, 0.8, 200, 3);
        assertEquals(expected + (expected.endsWith("\n") ? "" : "\n"), g.out());
    }

    @Test
    void timeLimitStopsCleanlyWithACheckpointAndASample() throws IOException {
        Path run = tmp.resolve("run");
        List<String> a = new java.util.ArrayList<>(List.of("train", "--corpus", Cli.corpus(tmp).toString(), "--iters", "1000000",
                "--eval-every", "999999", "--time-limit", "1s", "--out", run.toString(), "--sample-tokens", "10"));
        a.addAll(Cli.tinyGpt());
        Cli.Run r = Cli.run(a.toArray(String[]::new));
        assertEquals(0, r.code(), r.toString());
        // the run stopping at all (1,000,000 iterations would take hours) is the time limit's effect
        assertTrue(r.out().matches("(?s).*time limit reached after iteration [0-9,]+ \\([0-9:]+\\): saved .*"), r.out());
        int it = Checkpoint.read(run.resolve(RunFolder.LATEST)).iteration();
        assertTrue(it > 0 && it < 1000000, "iteration " + it);
        assertEquals(it, curve(run).size(), "the metrics end at the checkpoint");
        assertTrue(Files.exists(run.resolve(RunFolder.SAMPLE)), "a time limit ends the session normally: a sample");
        assertTrue(Files.exists(run.resolve(RunFolder.PLOT)));
        assertFalse(Files.exists(run.resolve(RunFolder.BEST)), "no evaluation ran: no best checkpoint");
    }
}
