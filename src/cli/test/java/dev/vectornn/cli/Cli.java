package dev.vectornn.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import picocli.CommandLine;

/** Runs the CLI in-process with captured output, and writes the small corpora the tests train on. */
final class Cli {
    private Cli() {}

    /** Exit code, standard output and standard error of one command. */
    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out:\n" + out + "\n--- err:\n" + err;
        }

        /** The lines of standard error. */
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Arguments that make every size tiny, so a run takes a fraction of a second. */
    static List<String> tinyGpt() {
        return List.of("--layers", "1", "--heads", "2", "--d-model", "16", "--block", "16", "--batch", "4",
                "--eval-batches", "2", "--threads", "1");
    }

    /** The LSTM counterpart of {@link #tinyGpt()}. */
    static List<String> tinyLstm() {
        return List.of("--model", "lstm", "--layers", "1", "--d-model", "16", "--hidden", "16", "--bptt", "8", "--batch", "4",
                "--lr", "5", "--threads", "1");
    }

    static String[] args(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static final String[] WORDS = ("the king queen lord lady good night day love heart sword crown "
            + "speak hear come go now then why what thou thee thy my our your his her shall will not no yes "
            + "fair foul sweet death life blood honour war peace rome england france friend enemy").split(" ");

    /**
     * Play-like text of about {@code words} words: speaker lines and verse made from a fixed word
     * list with a seeded generator (a vocabulary of about 60 words and 30 characters).
     */
    static String text(int words, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder();
        int n = 0;
        while (n < words) {
            sb.append(r.nextBoolean() ? "KING:" : "QUEEN:").append('\n');
            int lines = 1 + r.nextInt(3);
            for (int l = 0; l < lines; l++) {
                int len = 4 + r.nextInt(6);
                for (int w = 0; w < len; w++) {
                    sb.append(w == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
                    n++;
                }
                sb.append(r.nextInt(4) == 0 ? "!" : ".").append('\n');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Writes a corpus file of about 600 words (3.5 KB). */
    static Path corpus(Path dir) throws IOException {
        Path f = dir.resolve("corpus.txt");
        Files.writeString(f, text(600, 1), StandardCharsets.UTF_8);
        return f;
    }

    /** Writes a dataset folder: train.txt, valid.txt, test.txt from one word list. */
    static Path dataset(Path dir) throws IOException {
        Path d = Files.createDirectories(dir.resolve("dataset"));
        Files.writeString(d.resolve("train.txt"), text(900, 2), StandardCharsets.UTF_8);
        Files.writeString(d.resolve("valid.txt"), text(150, 3), StandardCharsets.UTF_8);
        Files.writeString(d.resolve("test.txt"), text(150, 4), StandardCharsets.UTF_8);
        return d;
    }
}
