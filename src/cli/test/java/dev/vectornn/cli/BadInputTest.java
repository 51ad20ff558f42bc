package dev.vectornn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input gives one error line on standard error naming what is wrong, a
 * non-zero exit (2 for usage errors, 1 otherwise), no stack trace unless {@code --verbose}, and
 * leaves an earlier run's files exactly as they were.
 */
class BadInputTest {
    @TempDir
    static Path tmp;
    /** A finished tiny run the cases below try to damage. */
    static Path run;
    static Path corpus;

    @BeforeAll
    static void trainOnce() throws IOException {
        corpus = Cli.corpus(tmp);
        run = tmp.resolve("run");
        List<String> a = new ArrayList<>(List.of("train", "--corpus", corpus.toString(), "--iters", "6", "--eval-every", "3",
                "--out", run.toString(), "--sample-tokens", "0"));
        a.addAll(Cli.tinyGpt());
        Cli.Run r = Cli.run(a.toArray(String[]::new));
        assertEquals(0, r.code(), r.toString());
    }

    /** Asserts exit code, one error line starting with the prefix and containing every fragment, no output. */
    private static void assertError(Cli.Run r, int code, String prefix, String... fragments) {
        assertEquals(code, r.code(), r.toString());
        assertEquals(1, r.errLines().size(), "exactly one line: " + r);
        String line = r.errLines().getFirst();
        assertTrue(line.startsWith(prefix + ": error: "), line);
        for (String f : fragments) assertTrue(line.contains(f), "'" + f + "' in: " + line);
        assertFalse(line.contains("Exception"), "no exception class names: " + line);
    }

    private static Cli.Run train(String... more) {
        List<String> a = new ArrayList<>(List.of("train"));
        a.addAll(Arrays.asList(more));
        a.addAll(Cli.tinyGpt());
        return Cli.run(a.toArray(String[]::new));
    }

    /** The bytes of every file of the run, to prove a failed command changed none. */
    private static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) m.put(p.getFileName().toString(), Files.readAllBytes(p));
        }
        return m;
    }

    private static void assertUnchanged(Map<String, byte[]> before, Path dir) throws IOException {
        Map<String, byte[]> after = snapshot(dir);
        assertEquals(before.keySet(), after.keySet());
        for (String k : before.keySet()) assertArrayEquals(before.get(k), after.get(k), k + " changed");
    }

    private static Path copyRun(String name) throws IOException {
        Path copy = Files.createDirectories(tmp.resolve(name));
        try (Stream<Path> s = Files.list(run)) {
            for (Path p : s.toList()) Files.copy(p, copy.resolve(p.getFileName()));
        }
        return copy;
    }

    @Test
    void missingEmptyAndBinaryCorporaNameTheFileAndCreateNoRunFolder() throws IOException {
        Path out = tmp.resolve("never");
        assertError(train("--corpus", tmp.resolve("nope.txt").toString(), "--out", out.toString()), 1, "vectornn train",
                "nope.txt: no such file");
        Path empty = Files.write(tmp.resolve("empty.txt"), new byte[0]);
        assertError(train("--corpus", empty.toString(), "--out", out.toString()), 1, "vectornn train", "empty.txt: empty file");
        byte[] bin = "First Citizen:\nhello".getBytes(StandardCharsets.UTF_8);
        bin[6] = 0;
        Path binary = Files.write(tmp.resolve("model.bin"), bin);
        assertError(train("--corpus", binary.toString(), "--out", out.toString()), 1, "vectornn train",
                "model.bin: binary file: NUL byte (at byte 6)");
        Path latin1 = Files.write(tmp.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'});
        assertError(train("--corpus", latin1.toString(), "--out", out.toString()), 1, "vectornn train", "not UTF-8 text", "at byte 3");
        assertError(train("--dataset", tmp.resolve("nodir").toString(), "--out", out.toString()), 1, "vectornn train",
                "nodir: no such directory");
        assertFalse(Files.exists(out), "a run that cannot start leaves no folder");
    }

    @Test
    void aCorpusTooShortForTheModelIsOneLine() throws IOException {
        Path small = Files.writeString(tmp.resolve("small.txt"), "to be or not to be\n");
        assertError(train("--corpus", small.toString(), "--out", tmp.resolve("small-run").toString()), 1, "vectornn train",
                "split has", "tokens; this model and batch need at least 17");
        assertFalse(Files.exists(tmp.resolve("small-run")));
    }

    @Test
    void unknownOptionValuesAreUsageErrors() {
        assertError(train("--model", "transformer"), 2, "vectornn train", "--model", "unknown model 'transformer'; expected gpt or lstm");
        assertError(train("--tokenizer", "bpe"), 2, "vectornn train", "unknown tokenizer 'bpe'; expected char or word");
        assertError(train("--schedule", "linear"), 2, "vectornn train", "expected cosine, constant or plateau");
        assertError(train("--optimizer", "adam"), 2, "vectornn train", "expected adamw or sgd");
        assertError(train("--time-limit", "soon"), 2, "vectornn train", "'soon' is not a duration; write e.g. 90s, 10m, 1h");
        assertError(train("--iters", "many"), 2, "vectornn train", "--iters", "many");
        assertError(train("--frobnicate"), 2, "vectornn train", "frobnicate");
        assertError(train("--corpus", "a.txt", "--dataset", "d"), 2, "vectornn train", "mutually exclusive");
        assertError(Cli.run("eval", "--run", run.toString(), "--split", "dev"), 2, "vectornn eval", "--split must be valid, test or train");
        assertError(Cli.run("generate", "--run", run.toString(), "--temperature", "0"), 2, "vectornn generate",
                "--temperature must be a positive number");
        assertError(Cli.run("generate"), 2, "vectornn generate", "give --run DIR");
    }

    /** train with one size changed on the default model; every case fails before training starts. */
    private static Cli.Run sized(String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--corpus", corpus.toString(), "--iters", "1", "--sample-tokens", "0",
                "--out", tmp.resolve("sized").toString()));
        a.addAll(Arrays.asList(more));
        return Cli.run(a.toArray(String[]::new));
    }

    @Test
    void invalidSizesAreUsageErrorsWithTheLibrarysMessage() {
        assertError(sized("--heads", "3"), 2, "vectornn train", "heads must be at least 1 and dividing d_model 128, got 3");
        assertError(sized("--layers", "0"), 2, "vectornn train", "layers must be in [1, 1024], got 0");
        assertError(sized("--dropout", "1.5"), 2, "vectornn train", "dropout must be in [0, 1), got 1.5");
        assertError(sized("--lr", "-1"), 2, "vectornn train", "lr must be a positive number, got -1.0");
        assertError(sized("--batch", "0"), 2, "vectornn train", "batch must be in [1,");
        assertError(sized("--hidden", "32"), 2, "vectornn train", "--hidden does not apply to --model gpt");
        assertError(sized("--threads", "0"), 2, "vectornn train", "--threads must be >= 1");
        assertError(sized("--decay-iters", "0"), 2, "vectornn train", "--decay-iters must be >= 1, got 0");
        assertError(sized("--schedule", "constant", "--decay-iters", "5"), 2, "vectornn train",
                "--decay-iters applies to the cosine schedule only; this run's schedule is constant");
        assertError(sized("--model", "lstm", "--block", "8"), 2, "vectornn train", "--block does not apply to --model lstm");
        assertError(sized("--model", "lstm", "--no-bias"), 2, "vectornn train", "--[no-]bias does not apply to --model lstm");
        assertError(sized("--model", "lstm", "--d-model", "8", "--hidden", "16", "--tied"), 2, "vectornn train",
                "tied weights need the embedding size (8) to equal the hidden size (16)");
        assertError(Cli.run("train", "--model", "lstm", "--epochs", "2", "--iters", "5"), 2, "vectornn train", "give --iters or --epochs, not both");
        assertFalse(Files.exists(tmp.resolve("sized")));
    }

    @Test
    void anOutputFolderHoldingARunIsRefusedAndLeftAlone() throws IOException {
        Map<String, byte[]> before = snapshot(run);
        assertError(train("--corpus", corpus.toString(), "--out", run.toString()), 1, "vectornn train",
                run + " already holds a run (best.safetensors, config.json, latest.safetensors, metrics.csv, vocab.txt); continue it with --resume "
                        + run + ", or choose another --out");
        assertUnchanged(before, run);
        Path other = Files.createDirectories(tmp.resolve("notes"));
        Files.writeString(other.resolve("todo.txt"), "x");
        assertError(train("--corpus", corpus.toString(), "--out", other.toString()), 1, "vectornn train", "is not empty (todo.txt)");
        assertError(train("--corpus", corpus.toString(), "--out", other.resolve("todo.txt").toString()), 1, "vectornn train",
                "exists and is not a folder");
    }

    @Test
    void aPromptOutsideTheVocabularyPrintsNothingButTheError() {
        Cli.Run r = Cli.run("generate", "--run", run.toString(), "--prompt", "KING: Ω");
        assertError(r, 1, "vectornn generate", "--prompt: character 'Ω' (U+03A9) at position 6 is not in the vocabulary of");
        assertEquals("", r.out());
    }

    @Test
    void corruptOrTruncatedCheckpointsAreOneLineAndNeverOverwritten() throws IOException {
        Path broken = copyRun("broken");
        byte[] good = Files.readAllBytes(broken.resolve(RunFolder.LATEST));
        Files.write(broken.resolve(RunFolder.LATEST), Arrays.copyOf(good, good.length / 2));
        Files.write(broken.resolve(RunFolder.BEST), "not a checkpoint at all, just some text".getBytes(StandardCharsets.UTF_8));
        Map<String, byte[]> before = snapshot(broken);

        assertError(Cli.run("generate", "--run", broken.toString()), 1, "vectornn generate", RunFolder.BEST);
        assertError(Cli.run("eval", "--run", broken.toString(), "--checkpoint", broken.resolve(RunFolder.LATEST).toString()), 1,
                "vectornn eval", RunFolder.LATEST);
        assertError(Cli.run("train", "--resume", broken.toString(), "--iters", "9"), 1, "vectornn train", RunFolder.LATEST);
        assertUnchanged(before, broken);

        Path notVectornn = copyRun("plain");
        dev.vectornn.io.SafeTensors.write(notVectornn.resolve(RunFolder.BEST),
                Map.of("w", dev.vectornn.tensor.Tensor.zeros(dev.vectornn.tensor.DType.F32, 2, 2)), null);
        assertError(Cli.run("generate", "--run", notVectornn.toString()), 1, "vectornn generate", "not a vectornn checkpoint");
    }

    @Test
    void resumeRefusesOptionsThatWouldChangeTheRunAndTouchesNothing() throws IOException {
        Path r = copyRun("resume-options");
        Map<String, byte[]> before = snapshot(r);
        assertError(Cli.run("train", "--resume", r.toString(), "--lr", "0.1"), 2, "vectornn train",
                "--lr cannot be combined with --resume", "only --iters/--epochs, --decay-iters, --time-limit, --stop-at, --threads, --sample-tokens");
        assertError(Cli.run("train", "--resume", r.toString(), "--iters", "9", "--stop-at", "4"), 2, "vectornn train",
                "--stop-at 4 is not after the checkpoint's iteration 6");
        assertError(Cli.run("train", "--resume", tmp.resolve("nowhere").toString()), 1, "vectornn train", "--resume", "no such folder");
        Files.delete(r.resolve(RunFolder.CONFIG));
        assertError(Cli.run("train", "--resume", r.toString(), "--iters", "9"), 1, "vectornn train", "not a run folder (it has no config.json)");
        before.remove(RunFolder.CONFIG);
        assertUnchanged(before, r);
    }

    @Test
    void evalAndResumeSayWhenTheCorpusIsGoneOrChanged() throws IOException {
        Path own = tmp.resolve("own.txt");
        Files.copy(corpus, own);
        Path r = tmp.resolve("own-run");
        List<String> a = new ArrayList<>(List.of("train", "--corpus", own.toString(), "--iters", "4", "--eval-every", "2",
                "--out", r.toString(), "--sample-tokens", "0", "--stop-at", "2"));
        a.addAll(Cli.tinyGpt());
        assertEquals(0, Cli.run(a.toArray(String[]::new)).code());

        Files.writeString(own, Files.readString(own).replace("king", "kong"));
        assertError(Cli.run("train", "--resume", r.toString()), 1, "vectornn train", "changed since the run started");
        Cli.Run changed = Cli.run("eval", "--run", r.toString());
        assertEquals(0, changed.code(), changed.toString());
        assertTrue(changed.err().contains("warning: " + own.toAbsolutePath() + " changed since the run was trained"), changed.err());
        Files.writeString(own, "ÿ unknown characters", StandardCharsets.UTF_8);
        assertError(Cli.run("eval", "--run", r.toString()), 1, "vectornn eval", "the run's corpus no longer fits its vocabulary");
        Files.delete(own);
        assertError(Cli.run("eval", "--run", r.toString()), 1, "vectornn eval",
                "cannot read the run's corpus again (recorded in " + r.resolve(RunFolder.CONFIG) + "): " + own.toAbsolutePath() + ": no such file");
        assertError(Cli.run("train", "--resume", r.toString()), 1, "vectornn train", own.toAbsolutePath() + ": no such file");
    }

    @Test
    void verboseAddsTheStackTrace() {
        Cli.Run quiet = train("--corpus", tmp.resolve("nope.txt").toString());
        Cli.Run verbose = train("--corpus", tmp.resolve("nope.txt").toString(), "--verbose");
        assertEquals(1, verbose.code());
        assertEquals(quiet.errLines().getFirst(), verbose.errLines().getFirst());
        assertTrue(verbose.err().contains("CorpusException") && verbose.err().contains("dev.vectornn.lm.Corpus.read("), verbose.err());
    }
}
