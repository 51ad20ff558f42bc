package dev.vectornn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

/** The pieces of the train command on their own: durations, the metrics log, progress lines, messages. */
class CliPartsTest {
    @TempDir
    Path tmp;

    @Test
    void timeLimitsParseAsDurations() {
        assertEquals(Duration.ofSeconds(90), Converters.TimeLimit.parse("90s"));
        assertEquals(Duration.ofMinutes(10), Converters.TimeLimit.parse("10m"));
        assertEquals(Duration.ofMinutes(90), Converters.TimeLimit.parse("1h30m"));
        assertEquals(Duration.ofMinutes(150), Converters.TimeLimit.parse("2.5h"));
        assertEquals(Duration.ofSeconds(45), Converters.TimeLimit.parse("45"));
        assertEquals(Duration.ofSeconds(61), Converters.TimeLimit.parse("1M1S"));
        for (String bad : new String[] {"", "s", "10", "x10m", "10m x", "10 m", "-5s", "0s", "1d", "10000h"}) {
            if (bad.equals("10")) continue; // a bare number is seconds
            TypeConversionException e = assertThrows(TypeConversionException.class, () -> Converters.TimeLimit.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        assertEquals("1:05", Converters.clock(Duration.ofSeconds(65)));
        assertEquals("2:00:05", Converters.clock(Duration.ofSeconds(7205)));
    }

    @Test
    void metricsRoundTripAndResumeDropsRowsAfterTheCheckpoint() throws IOException {
        Path f = tmp.resolve("metrics.csv");
        try (MetricsLog log = MetricsLog.create(f)) {
            for (int i = 1; i <= 5; i++) {
                log.append(new MetricsLog.Row(i, 4.0 / i, i % 2 == 0 ? 3.0 / i : Double.NaN, 1e-3 * i, 1000.5, i * 0.25));
            }
        }
        List<String> lines = Files.readAllLines(f);
        assertEquals(MetricsLog.HEADER, lines.getFirst());
        assertEquals("2,2.0,1.5,0.002,1000.5,0.500", lines.get(2));
        assertEquals("3,1.3333333333333333,,0.003,1000.5,0.750", lines.get(3), "full precision, empty val_loss");
        List<MetricsLog.Row> rows = MetricsLog.read(f);
        assertEquals(4.0 / 3, rows.get(2).trainLoss(), 0.0, "exact round trip");
        assertFalse(rows.get(2).evaluated());

        Files.writeString(f, "6,9.9,,0.1,1.0,2.", java.nio.file.StandardOpenOption.APPEND); // a write cut short by a kill
        assertEquals(5, MetricsLog.read(f).size(), "a torn last line is dropped");
        try (MetricsLog log = MetricsLog.resume(f, 3)) {
            assertEquals(3, log.rows().size());
            log.append(new MetricsLog.Row(4, 1.0, Double.NaN, 0.004, 1.0, 1.0));
        }
        assertEquals(List.of(1, 2, 3, 4), MetricsLog.read(f).stream().map(MetricsLog.Row::iteration).toList());

        Files.writeString(f, MetricsLog.HEADER + "\n1,2.0,,0.1,1.0,1.0\nbroken\n2,2.0,,0.1,1.0,1.0\n");
        CliErrors.UserException e = assertThrows(CliErrors.UserException.class, () -> MetricsLog.read(f));
        assertTrue(e.getMessage().contains("metrics.csv: line 3: expected 6 fields, got 1"), e.getMessage());
        Files.writeString(f, "step,loss\n");
        e = assertThrows(CliErrors.UserException.class, () -> MetricsLog.resume(f, 1));
        assertTrue(e.getMessage().contains("not a metrics log"), e.getMessage());
        try (MetricsLog log = MetricsLog.resume(tmp.resolve("absent.csv"), 7)) {
            assertTrue(log.rows().isEmpty(), "a missing log starts anew");
        }
    }

    @Test
    void progressInLinesModeIsSparseAndHasNoCarriageReturns() throws Exception {
        StringWriter sw = new StringWriter();
        PrintWriter out = new PrintWriter(sw);
        try (ProgressDisplay d = ProgressDisplay.lines(out, 0, 200, Duration.ZERO)) {
            for (int i = 1; i <= 200; i++) {
                d.update(i, "loss 1.000 | val - | 1.0k tok/s");
                if (i == 100) d.log("iter 100/200: an evaluation line");
                if (i % 20 == 0) Thread.sleep(300); // let the bar's timer see each tenth
            }
        }
        String text = sw.toString();
        assertFalse(text.contains("\r"), text);
        long bars = text.lines().filter(l -> l.startsWith("train ")).count();
        assertTrue(bars >= 5 && bars <= 11, bars + " progress lines:\n" + text);
        assertTrue(text.contains("iter 100/200: an evaluation line\n"), text);
        assertTrue(text.lines().toList().getLast().matches("train 100% .* 200/200 .*loss 1.000 \\| val - \\| 1.0k tok/s"), text);
    }

    @Test
    void commandLinesAreRecordedAsAShellWouldReadThem() {
        assertEquals("vectornn train --prompt 'ROMEO: hi' --out runs/x 'it'\\''s'",
                RunFolder.commandLine(List.of("train", "--prompt", "ROMEO: hi", "--out", "runs/x", "it's")));
    }

    @Test
    void errorMessagesAreOneLineAndNameTheFile() {
        assertEquals("a.txt: no such file or folder", CliErrors.message(new NoSuchFileException("a.txt"), false));
        assertEquals("first; second", CliErrors.message(new IllegalArgumentException("first\n  second\n"), false));
        assertEquals("internal error: java.lang.NullPointerException: x (run with --verbose for the stack trace)",
                CliErrors.message(new NullPointerException("x"), false));
        assertEquals("internal error: java.lang.NullPointerException: x", CliErrors.message(new NullPointerException("x"), true));
        assertEquals("disk full", CliErrors.message(new java.io.UncheckedIOException(new IOException("disk full")), false));
    }

    @Test
    void defaultRunFoldersAreNamedByModelTokenizerAndTime() {
        Path p = RunFolder.defaultPath(dev.vectornn.lm.ModelConfig.Architecture.LSTM, dev.vectornn.lm.Tokenizer.Kind.WORD,
                java.time.LocalDateTime.of(2025, 3, 4, 5, 6, 7));
        assertEquals(Path.of("runs", "lstm-word-20250304-050607"), p);
    }
}
