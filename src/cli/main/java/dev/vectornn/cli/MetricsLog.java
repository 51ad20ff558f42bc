package dev.vectornn.cli;

import dev.vectornn.io.AtomicFiles;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A run's {@code metrics.csv}: one row per optimizer step, appended (and flushed) as training goes,
 * so the file is current even if the process is killed.
 *
 * <pre>
 * iteration,train_loss,val_loss,lr,tokens_per_s,elapsed_s
 * 1,4.2301483154296875,,1.0E-5,10234.5,0.412
 * ...
 * 250,2.0140...,2.0611...,9.7E-4,15012.0,61.250
 * </pre>
 *
 * Losses and learning rates are written in full ({@link Double#toString}, which reads back to the
 * same double), so two runs can be compared bit for bit; {@code val_loss} is empty where no
 * evaluation ran; {@code tokens_per_s} is the throughput of that step alone (evaluation excluded);
 * {@code elapsed_s} is wall time since the run started, summed over resumed sessions.
 */
final class MetricsLog implements Closeable {
    /** The header line. */
    static final String HEADER = "iteration,train_loss,val_loss,lr,tokens_per_s,elapsed_s";

    /**
     * One row.
     *
     * @param iteration  optimizer steps taken (1 for the first)
     * @param trainLoss  the loss of that step's batch
     * @param valLoss    the validation loss after the step, or NaN if none was measured
     * @param lr         the learning rate the step used
     * @param tokensPerS tokens of the step per second of its wall time
     * @param elapsedS   seconds since the run started
     */
    record Row(int iteration, double trainLoss, double valLoss, double lr, double tokensPerS, double elapsedS) {
        boolean evaluated() {
            return !Double.isNaN(valLoss);
        }

        String csv() {
            return iteration + "," + trainLoss + "," + (evaluated() ? Double.toString(valLoss) : "") + "," + lr + ","
                    + String.format(Locale.ROOT, "%.1f,%.3f", tokensPerS, elapsedS);
        }
    }

    private final Path file;
    private final List<Row> rows;
    private final BufferedWriter writer;

    private MetricsLog(Path file, List<Row> rows) throws IOException {
        this.file = file;
        this.rows = rows;
        this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /** Starts a new log holding only the header. */
    static MetricsLog create(Path file) throws IOException {
        AtomicFiles.write(file, out -> out.write((HEADER + "\n").getBytes(StandardCharsets.UTF_8)));
        return new MetricsLog(file, new ArrayList<>());
    }

    /**
     * Continues a log from a checkpoint at {@code iteration}: rows after it (written after the
     * checkpoint, before the process stopped) are dropped, atomically, so that the resumed run's
     * rows follow on without a duplicate. A missing file is started anew.
     *
     * @throws CliErrors.UserException if the file is not a metrics log
     */
    static MetricsLog resume(Path file, int iteration) throws IOException {
        if (!Files.exists(file)) return create(file);
        List<Row> kept = new ArrayList<>();
        for (Row r : read(file)) if (r.iteration() <= iteration) kept.add(r);
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Row r : kept) sb.append(r.csv()).append('\n');
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
        return new MetricsLog(file, kept);
    }

    /**
     * Reads a log.
     *
     * @throws CliErrors.UserException naming the line that is not a row
     */
    static List<Row> read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        // Every row is written with its line end: text after the last one is a write cut short by
        // a kill, and the row it began is dropped (the resumed run writes it again).
        lines.removeLast();
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new CliErrors.UserException(file + ": not a metrics log (the first line must be '" + HEADER + "')");
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            try {
                if (f.length != 6) throw new IllegalArgumentException("expected 6 fields, got " + f.length);
                Row r = new Row(Integer.parseInt(f[0]), Double.parseDouble(f[1]), f[2].isEmpty() ? Double.NaN : Double.parseDouble(f[2]),
                        Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]));
                if (!rows.isEmpty() && r.iteration() <= rows.getLast().iteration()) {
                    throw new IllegalArgumentException("iteration " + r.iteration() + " does not follow " + rows.getLast().iteration());
                }
                rows.add(r);
            } catch (IllegalArgumentException e) {
                throw new CliErrors.UserException(file + ": line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return rows;
    }

    /** Appends a row and flushes it to the file. */
    void append(Row r) throws IOException {
        writer.write(r.csv());
        writer.write('\n');
        writer.flush();
        rows.add(r);
    }

    /** Every row so far, including those of earlier sessions (unmodifiable view). */
    List<Row> rows() {
        return Collections.unmodifiableList(rows);
    }

    /** The file. */
    Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
