package dev.vectornn.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.vectornn.io.AtomicFiles;
import dev.vectornn.lm.LanguageModel;
import dev.vectornn.lm.LmDataset;
import dev.vectornn.lm.ModelConfig;
import dev.vectornn.lm.Tokenizer;
import dev.vectornn.lm.TrainConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The folder of one training run and the files in it:
 * <ul>
 *   <li>{@value #CONFIG}: model and training settings, the corpus source, tokenizer, threads,
 *       vectornn version and command line (and one entry per resume);</li>
 *   <li>{@value #VOCAB}: the tokenizer ({@link dev.vectornn.lm.VocabularyFile});</li>
 *   <li>{@value #METRICS}: one row per iteration ({@link MetricsLog});</li>
 *   <li>{@value #PLOT}: train and validation loss curves ({@link LossPlot});</li>
 *   <li>{@value #LATEST}: the checkpoint written at every evaluation and when training stops;</li>
 *   <li>{@value #BEST}: the checkpoint of the lowest validation loss;</li>
 *   <li>{@value #SAMPLE}: text generated at the end of training.</li>
 * </ul>
 * Every file is replaced atomically, so an interrupted write leaves the previous version.
 */
final class RunFolder {
    static final String CONFIG = "config.json";
    static final String VOCAB = "vocab.txt";
    static final String METRICS = "metrics.csv";
    static final String PLOT = "loss.png";
    static final String LATEST = "latest.safetensors";
    static final String BEST = "best.safetensors";
    static final String SAMPLE = "sample.txt";
    /** The {@code format} entry of {@value #CONFIG}. */
    static final String FORMAT = "vectornn-run 1";
    /** The files whose presence marks a folder as holding a run. */
    private static final List<String> RUN_FILES = List.of(CONFIG, LATEST, BEST, METRICS, VOCAB);
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private final Path dir;

    private RunFolder(Path dir) {
        this.dir = dir;
    }

    /** The folder. */
    Path dir() {
        return dir;
    }

    /** A file of the run, e.g. {@code file(LATEST)}. */
    Path file(String name) {
        return dir.resolve(name);
    }

    /**
     * The default folder of a new run, {@code runs/<model>-<tokenizer>-<yyyyMMdd-HHmmss>} under the
     * current folder, with {@code -2}, {@code -3}, ... appended if two runs start in one second.
     */
    static Path defaultPath(ModelConfig.Architecture model, Tokenizer.Kind tokenizer, LocalDateTime now) {
        String base = model.id() + "-" + tokenizer.id() + "-" + now.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path p = Path.of("runs", base);
        for (int i = 2; Files.exists(p); i++) p = Path.of("runs", base + "-" + i);
        return p;
    }

    /**
     * Checks that {@code dir} can hold a new run: it does not exist, or is an empty folder. Nothing
     * is created yet, so a run that fails to start leaves no folder behind.
     *
     * @throws CliErrors.UserException if it is a file, holds a run, or holds anything else
     */
    static void checkFresh(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        if (!Files.isDirectory(dir)) throw new CliErrors.UserException("--out " + dir + " exists and is not a folder");
        List<String> found;
        try (Stream<Path> s = Files.list(dir)) {
            found = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        List<String> run = found.stream().filter(RUN_FILES::contains).toList();
        if (!run.isEmpty()) {
            throw new CliErrors.UserException(dir + " already holds a run (" + String.join(", ", run)
                    + "); continue it with --resume " + dir + ", or choose another --out");
        }
        if (!found.isEmpty()) {
            throw new CliErrors.UserException(dir + " is not empty (" + String.join(", ", found.subList(0, Math.min(3, found.size())))
                    + (found.size() > 3 ? ", ..." : "") + "); choose another --out");
        }
    }

    /** Creates the folder of a new run (checked by {@link #checkFresh} before). */
    static RunFolder create(Path dir) throws IOException {
        checkFresh(dir);
        Files.createDirectories(dir);
        return new RunFolder(dir);
    }

    /**
     * An existing run folder: a folder with a {@value #CONFIG}.
     *
     * @param dir    the folder
     * @param option the option that named it, for messages ({@code --run}, {@code --resume})
     * @throws CliErrors.UserException if it is missing or holds no run
     */
    static RunFolder open(Path dir, String option) {
        if (!Files.isDirectory(dir)) {
            throw new CliErrors.UserException(option + " " + dir + ": " + (Files.exists(dir) ? "not a folder" : "no such folder"));
        }
        if (!Files.isRegularFile(dir.resolve(CONFIG))) {
            throw new CliErrors.UserException(option + " " + dir + ": not a run folder (it has no " + CONFIG + ")");
        }
        return new RunFolder(dir);
    }

    /** The checkpoint to sample from or evaluate: {@value #BEST} if present, else {@value #LATEST}. */
    Path bestOrLatest() {
        if (Files.isRegularFile(file(BEST))) return file(BEST);
        if (Files.isRegularFile(file(LATEST))) return file(LATEST);
        throw new CliErrors.UserException(dir + " has no checkpoint yet (" + BEST + " or " + LATEST
                + "): the run stopped before its first evaluation");
    }

    /**
     * What {@value #CONFIG} says about the data: where it came from, how it was tokenized and
     * the fingerprint of the tokenized splits.
     *
     * @param corpus      the source
     * @param tokenizer   the tokenizer kind
     * @param fingerprint {@link CorpusSource#fingerprint} of the data the run started with
     * @param json        the whole file
     */
    record Info(CorpusSource corpus, Tokenizer.Kind tokenizer, String fingerprint, JsonObject json) {}

    /**
     * Reads {@value #CONFIG}.
     *
     * @throws CliErrors.UserException naming the file and the entry at fault
     */
    Info readInfo() throws IOException {
        Path f = file(CONFIG);
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(Files.readString(f, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) throw new JsonParseException("not a JSON object");
            o = e.getAsJsonObject();
        } catch (JsonParseException | java.nio.charset.MalformedInputException e) {
            throw new CliErrors.UserException(f + ": not valid JSON (" + CliErrors.oneLine(e.getMessage()) + ")", e);
        }
        try {
            String format = string(o, "format");
            if (!FORMAT.equals(format)) {
                throw new IllegalArgumentException("format is '" + format + "', expected '" + FORMAT + "'");
            }
            JsonObject c = o.getAsJsonObject("corpus");
            if (c == null) throw new IllegalArgumentException("entry 'corpus' is missing");
            CorpusSource src = new CorpusSource(CorpusSource.Kind.parse(string(c, "kind")), string(c, "location"));
            return new Info(src, Tokenizer.Kind.parse(string(o, "tokenizer")), string(c, "tokens_sha256"), o);
        } catch (IllegalArgumentException | ClassCastException | IllegalStateException e) {
            throw new CliErrors.UserException(f + ": " + e.getMessage(), e);
        }
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive()) throw new IllegalArgumentException("entry '" + key + "' is missing or not a string");
        return e.getAsString();
    }

    /**
     * The {@value #CONFIG} of a new run.
     *
     * @param model     model settings
     * @param train     training settings
     * @param source    where the text came from
     * @param data      the tokenized data (for its sizes and fingerprint)
     * @param threads   kernel threads
     * @param args      the command line after {@code vectornn}
     */
    static JsonObject newConfig(ModelConfig model, TrainConfig train, CorpusSource source, LmDataset data, int threads,
                                List<String> args) {
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.addProperty("vectornn_version", Main.version());
        o.addProperty("created", Instant.now().toString());
        o.addProperty("command_line", commandLine(args));
        JsonObject c = new JsonObject();
        c.addProperty("kind", source.kind().id());
        c.addProperty("location", source.location());
        c.addProperty("train_tokens", data.train().length);
        c.addProperty("valid_tokens", data.valid().length);
        c.addProperty("test_tokens", data.test().length);
        c.addProperty("tokens_sha256", CorpusSource.fingerprint(data));
        o.add("corpus", c);
        o.addProperty("tokenizer", data.tokenizer().kind().id());
        o.addProperty("vocab_size", data.tokenizer().vocabulary().size());
        o.addProperty("parameters", LanguageModel.parameterCount(model));
        o.addProperty("threads", threads);
        o.add("model", typed(model.toMap(), "model."));
        o.add("train", typed(train.toMap(), "train."));
        o.add("resumes", new JsonArray());
        return o;
    }

    /**
     * Records a resume in the config: when, the command line, the iteration it continued from,
     * the threads, and the training settings now in force (only {@code iters} can differ).
     */
    static void addResume(JsonObject config, TrainConfig train, int fromIteration, int threads, List<String> args) {
        JsonObject r = new JsonObject();
        r.addProperty("time", Instant.now().toString());
        r.addProperty("command_line", commandLine(args));
        r.addProperty("from_iteration", fromIteration);
        r.addProperty("iters", train.iters());
        r.addProperty("threads", threads);
        if (!config.has("resumes") || !config.get("resumes").isJsonArray()) config.add("resumes", new JsonArray());
        config.getAsJsonArray("resumes").add(r);
        config.add("train", typed(train.toMap(), "train."));
    }

    /** Writes {@value #CONFIG} atomically. */
    void writeConfig(JsonObject config) throws IOException {
        byte[] bytes = (GSON.toJson(config) + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file(CONFIG), out -> out.write(bytes));
    }

    /** The settings map with its key prefix removed and numbers and booleans as JSON values. */
    private static JsonObject typed(Map<String, String> m, String prefix) {
        JsonObject o = new JsonObject();
        for (Map.Entry<String, String> e : m.entrySet()) {
            String k = e.getKey().startsWith(prefix) ? e.getKey().substring(prefix.length()) : e.getKey();
            o.add(k, value(e.getValue()));
        }
        return o;
    }

    private static JsonPrimitive value(String s) {
        if (s.equals("true") || s.equals("false")) return new JsonPrimitive(Boolean.parseBoolean(s));
        if (s.matches("-?\\d{1,18}")) return new JsonPrimitive(Long.parseLong(s));
        if (s.matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?")) return new JsonPrimitive(Double.parseDouble(s));
        return new JsonPrimitive(s);
    }

    /** The command line as a shell would take it back: {@code vectornn train --prompt 'a b'}. */
    static String commandLine(List<String> args) {
        List<String> words = new ArrayList<>();
        words.add("vectornn");
        for (String a : args) words.add(a.matches("[A-Za-z0-9_./:=,+@%-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        return words.stream().collect(Collectors.joining(" "));
    }
}
