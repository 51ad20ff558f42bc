package dev.vectornn.cli;

import com.google.gson.JsonObject;
import dev.vectornn.io.AtomicFiles;
import dev.vectornn.kernel.KernelThreads;
import dev.vectornn.lm.Checkpoint;
import dev.vectornn.lm.LanguageModel;
import dev.vectornn.lm.LmDataset;
import dev.vectornn.lm.ModelConfig;
import dev.vectornn.lm.TextGenerator;
import dev.vectornn.lm.Tokenizer;
import dev.vectornn.lm.TrainConfig;
import dev.vectornn.lm.Trainer;
import dev.vectornn.lm.UnknownTokenException;
import dev.vectornn.lm.VocabularyFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vectornn train}: trains a character- or word-level language model (a GPT or an LSTM) on a
 * corpus, with a progress bar, a run folder of checkpoints, metrics and a loss plot, and a sample
 * of generated text at the end. With no options it trains nanoGPT's small CPU configuration on the
 * embedded tinyshakespeare. {@code --resume} continues a stopped run, bit for bit as if it had
 * never stopped.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Train a language model and write a run folder: config.json, vocab.txt, metrics.csv, loss.png, "
                    + "latest.safetensors, best.safetensors and sample.txt.",
            "",
            "With no options: a character-level GPT (nanoGPT's shakespeare_char CPU run: 4 layers, 4 heads, "
                    + "d_model 128, block 64, batch 12, 2000 iterations) on the tinyshakespeare corpus inside the CLI.",
            "--model lstm takes pytorch/examples' word_language_model settings (2 x 200 LSTM, bptt 35, dropout 0.2, "
                    + "SGD lr 20 divided by 4 when validation stalls, clip 0.25, batch 20), word tokens, "
                    + "evaluating every epoch.",
            "",
            "Ctrl-C stops after the current step with a checkpoint; --resume DIR continues the run.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:training done, or stopped with a checkpoint (--stop-at, --time-limit)",
            "1:runtime error (bad corpus, corrupt checkpoint, diverged training, ...)",
            "2:usage error (unknown option or value, invalid size)",
            "130/143:interrupted by Ctrl-C / SIGTERM (after saving a checkpoint)"})
final class TrainCommand implements Callable<Integer> {
    /** pytorch/examples' word_language_model trains 40 epochs; see the LSTM note in {@link #epochs}. */
    static final int DEFAULT_LSTM_EPOCHS = 6;
    /** How long the shutdown hook waits for the loop to save after Ctrl-C. */
    static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(60);
    /** Options that may accompany --resume: they change how long or how fast, not what is trained. */
    private static final Set<String> RESUME_OPTIONS = Set.of("--resume", "--iters", "--epochs", "--decay-iters", "--time-limit",
            "--stop-at", "--threads", "--sample-tokens", "--verbose");

    @Spec
    CommandSpec spec;

    /** --corpus or --dataset; neither means the embedded tinyshakespeare. */
    static final class Source {
        @Option(names = "--corpus", paramLabel = "FILE", description = "A UTF-8 text file, split 90/10 into train and "
                + "validation (default: tinyshakespeare, embedded).")
        Path corpus;

        @Option(names = "--dataset", paramLabel = "DIR", description = "A folder with train.txt, valid.txt and test.txt "
                + "(e.g. WikiText-2).")
        Path dataset;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Source source;

    @Option(names = "--model", paramLabel = "gpt|lstm", converter = Converters.Model.class,
            description = "Model family (default: gpt).")
    ModelConfig.Architecture model;

    @Option(names = "--tokenizer", paramLabel = "char|word", converter = Converters.TokenizerKind.class,
            description = "Tokens: characters or whitespace-separated words (default: char for gpt, word for lstm).")
    Tokenizer.Kind tokenizer;

    @Option(names = "--layers", paramLabel = "N", description = "Transformer blocks or LSTM layers (default: 4 gpt, 2 lstm).")
    Integer layers;

    @Option(names = "--heads", paramLabel = "N", description = "GPT attention heads (default: 4).")
    Integer heads;

    @Option(names = "--d-model", paramLabel = "N", description = "GPT width, or LSTM embedding size (default: 128 gpt, 200 lstm).")
    Integer dModel;

    @Option(names = "--hidden", paramLabel = "N", description = "LSTM hidden units per layer (default: 200).")
    Integer hidden;

    @Option(names = "--block", paramLabel = "N", description = "GPT context length in tokens (default: 64).")
    Integer block;

    @Option(names = "--bptt", paramLabel = "N", description = "LSTM steps per truncated-BPTT window (default: 35).")
    Integer bptt;

    @Option(names = "--dropout", paramLabel = "P", description = "Dropout probability (default: 0.0 gpt, 0.2 lstm).")
    Double dropout;

    @Option(names = "--tied", negatable = true, description = "Share the token embedding with the output layer "
            + "(default: untied; nanoGPT ties, but on tinyshakespeare its untied twin with biases reached a lower "
            + "validation loss here: 1.881 against 1.913 on 200 batches at 2000 iterations, seed 1337).")
    Boolean tied;

    @Option(names = "--bias", negatable = true, description = "GPT: biases in the LayerNorms, attention and MLP "
            + "(default: on, GPT-2's layout; --no-bias --tied is nanoGPT's exact layout).")
    Boolean bias;

    @Option(names = "--iters", paramLabel = "N", description = "Optimizer steps of the whole run (default: 2000 gpt; "
            + "lstm: --epochs worth). With --resume: train on to N, the cosine schedule unchanged (steps past "
            + "its --decay-iters run at --min-lr).")
    Integer iters;

    @Option(names = "--decay-iters", paramLabel = "N", description = "Cosine schedule: the step at which the learning rate "
            + "reaches --min-lr and stays (nanoGPT's lr_decay_iters; default: --iters of the run's start). With --resume: "
            + "a new horizon from here on.")
    Integer decayIters;

    @Option(names = "--epochs", paramLabel = "N", description = "LSTM: passes over the training split (iters = epochs x "
            + "windows per epoch; default: " + DEFAULT_LSTM_EPOCHS + "; pytorch/examples uses 40).")
    Integer epochs;

    @Option(names = "--batch", paramLabel = "N", description = "Sequences per step (default: 12 gpt, 20 lstm).")
    Integer batch;

    @Option(names = "--lr", paramLabel = "X", description = "Peak learning rate (default: 1e-3 gpt, 20 lstm).")
    Double lr;

    @Option(names = "--min-lr", paramLabel = "X", description = "Final learning rate of the cosine schedule (default: gpt 1e-4, or --lr / 10 when --lr is given; lstm 0).")
    Double minLr;

    @Option(names = "--schedule", paramLabel = "cosine|constant|plateau", converter = Converters.Schedule.class,
            description = "Learning-rate schedule (default: cosine gpt, plateau lstm).")
    TrainConfig.Schedule schedule;

    @Option(names = "--warmup", paramLabel = "N", description = "Linear warm-up steps (default: 100 gpt, 0 lstm).")
    Integer warmup;

    @Option(names = "--optimizer", paramLabel = "adamw|sgd", converter = Converters.Optimizer.class,
            description = "Optimizer (default: adamw gpt, sgd lstm).")
    TrainConfig.Optimizer optimizer;

    @Option(names = "--beta2", paramLabel = "X", description = "AdamW second-moment decay (default: gpt 0.99, lstm 0.999).")
    Double beta2;

    @Option(names = "--clip", paramLabel = "X", description = "Clip the global gradient norm to X; 0 turns it off "
            + "(default: 1.0 gpt, 0.25 lstm).")
    Double clip;

    @Option(names = "--weight-decay", paramLabel = "X", description = "AdamW decoupled weight decay or SGD L2 penalty "
            + "(default: 0.1 gpt, 0 lstm).")
    Double weightDecay;

    @Option(names = "--seed", paramLabel = "N", description = "Seeds initialization, batches, dropout and the final sample "
            + "(default: 1337 gpt, 1111 lstm).")
    Long seed;

    @Option(names = "--eval-every", paramLabel = "N", description = "Steps between evaluations and checkpoints "
            + "(default: 250 gpt, one epoch lstm).")
    Integer evalEvery;

    @Option(names = "--eval-batches", paramLabel = "N", description = "GPT: random validation batches per evaluation "
            + "(default: 20).")
    Integer evalBatches;

    @Option(names = "--threads", paramLabel = "N", description = "Kernel threads (default: all cores, or -Dvectornn.threads).")
    Integer threads;

    @Option(names = "--time-limit", paramLabel = "DURATION", converter = Converters.TimeLimit.class,
            description = "Stop cleanly, with a checkpoint, after this long (e.g. 90s, 10m, 1h30m).")
    Duration timeLimit;

    @Option(names = "--stop-at", paramLabel = "ITER", description = "Stop after this iteration with a checkpoint, as "
            + "Ctrl-C would (then --resume continues).")
    Integer stopAt;

    @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/<model>-<tokenizer>-<yyyyMMdd-HHmmss>); "
            + "must not exist or be empty.")
    Path outDir;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR from its latest.safetensors, "
            + "with its settings; only --iters/--epochs, --decay-iters, --time-limit, --stop-at, --threads, --sample-tokens may be given.")
    Path resume;

    @Option(names = "--sample-tokens", paramLabel = "N", description = "Tokens of the sample printed at the end; 0 skips it "
            + "(default: 500 char, 200 word).")
    Integer sampleTokens;

    @Option(names = "--verbose", description = "A line per step, and stack traces with errors.")
    boolean verbose;

    /** What a new or resumed run needs before the loop. */
    private record Setup(RunFolder run, Trainer trainer, MetricsLog metrics, Tokenizer tokenizer, CorpusSource source) {}

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Converters.applyThreads(spec.commandLine(), threads);
        if (stopAt != null && stopAt < 1) throw usage("--stop-at must be >= 1, got " + stopAt);
        if (sampleTokens != null && sampleTokens < 0) throw usage("--sample-tokens must be >= 0, got " + sampleTokens);
        Setup s = resume != null ? resumeRun(out) : newRun(out);
        Trainer t = s.trainer();
        out.printf(Locale.ROOT, "run:      %s  (Ctrl-C stops with a checkpoint; --resume %s continues)%n", s.run().dir(), s.run().dir());
        out.flush();

        StopControl stop = new StopControl();
        TrainingLoop.Outcome o;
        try (MetricsLog metrics = s.metrics()) {
            stop.installShutdownHook(err, SHUTDOWN_WAIT);
            Duration before = Duration.ofMillis(metrics.rows().isEmpty() ? 0 : (long) (metrics.rows().getLast().elapsedS() * 1000));
            ProgressDisplay display = ProgressDisplay.stdoutIsTerminal()
                    ? ProgressDisplay.terminal(out, t.iteration(), t.config().iters(), before)
                    : ProgressDisplay.lines(out, t.iteration(), t.config().iters(), before);
            try {
                TrainingLoop loop = new TrainingLoop(t, s.run(), metrics, display, stop, stopAt, timeLimit, verbose, err);
                o = loop.run();
            } finally {
                display.close();
            }
            report(out, s, o, metrics.rows());
        } finally {
            // releases a shutdown hook waiting for the save, then lets the JVM shut down normally
            stop.finished();
            stop.removeShutdownHook();
        }
        if (o.end() == TrainingLoop.End.DONE || o.end() == TrainingLoop.End.TIME_LIMIT) sample(out, s);
        return 0;
    }

    // ---------------------------------------------------------------- a new run

    private Setup newRun(PrintWriter out) throws IOException {
        ModelConfig.Architecture arch = model != null ? model : ModelConfig.Architecture.GPT;
        boolean gpt = arch == ModelConfig.Architecture.GPT;
        rejectFor(gpt ? "gpt" : "lstm", gpt ? List.of("--hidden", "--bptt", "--epochs") : List.of("--heads", "--block", "--eval-batches"));
        if (!gpt && matched("--bias")) {
            throw usage("--[no-]bias does not apply to --model lstm: its layers always have biases (as PyTorch's nn.LSTM and Linear)");
        }
        if (iters != null && epochs != null) throw usage("give --iters or --epochs, not both");
        Tokenizer.Kind kind = tokenizer != null ? tokenizer : gpt ? Tokenizer.Kind.CHAR : Tokenizer.Kind.WORD;
        Path dir = outDir != null ? outDir : RunFolder.defaultPath(arch, kind, LocalDateTime.now());
        RunFolder.checkFresh(dir);
        CorpusSource src = source == null ? CorpusSource.embedded()
                : source.corpus != null ? CorpusSource.file(source.corpus) : CorpusSource.dataset(source.dataset);

        LmDataset data = src.fit(kind);
        int vocab = data.tokenizer().vocabulary().size();
        ModelConfig mc;
        TrainConfig tc;
        try {
            mc = gpt ? ModelConfig.gpt(vocab, or(layers, 4), or(heads, 4), or(dModel, 128), or(block, 64), or(dropout, 0.0), or(tied, false),
                    or(bias, true))
                    : ModelConfig.lstm(vocab, or(layers, 2), or(dModel, 200), or(hidden, 200), or(bptt, 35), or(dropout, 0.2), or(tied, false));
            tc = trainConfig(mc, data);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        Trainer trainer = Trainer.create(mc, tc, data); // checks the splits are long enough for the sizes

        RunFolder run = RunFolder.create(dir);
        VocabularyFile.save(data.tokenizer(), run.file(RunFolder.VOCAB));
        run.writeConfig(RunFolder.newConfig(mc, tc, src, data, KernelThreads.threads(), args()));
        MetricsLog metrics = MetricsLog.create(run.file(RunFolder.METRICS));
        describe(out, mc, tc, src, data, 0);
        return new Setup(run, trainer, metrics, data.tokenizer(), src);
    }

    /** The training settings: the model family's defaults with the options given on top. */
    private TrainConfig trainConfig(ModelConfig mc, LmDataset data) {
        boolean gpt = mc.architecture() == ModelConfig.Architecture.GPT;
        TrainConfig d;
        if (gpt) {
            d = TrainConfig.gptDefaults();
        } else {
            int b = or(batch, 20);
            int perEpoch = Trainer.lstmStepsPerEpoch(data.train().length, b, mc.context());
            if (perEpoch < 1) {
                throw new IllegalArgumentException("the training split (" + data.train().length + " tokens) in " + b
                        + " columns holds no full window of bptt " + mc.context() + "; lower --batch or --bptt");
            }
            d = TrainConfig.lstmDefaults(perEpoch, or(epochs, DEFAULT_LSTM_EPOCHS));
        }
        if (decayIters != null) checkDecayIters(or(schedule, d.schedule()));
        return new TrainConfig(or(iters, d.iters()), or(batch, d.batch()), or(lr, d.lr()),
                or(minLr, lr != null && gpt ? lr / 10 : Math.min(d.minLr(), or(lr, d.lr()))), or(schedule, d.schedule()),
                or(warmup, d.warmup()), or(clip, d.clip()), or(weightDecay, d.weightDecay()), or(optimizer, d.optimizer()),
                or(beta2, d.beta2()), or(seed, d.seed()), or(evalEvery, d.evalEvery()), or(evalBatches, d.evalBatches()),
                d.evalBatch(), or(decayIters, or(iters, d.iters())));
    }

    /** --decay-iters: positive, and only where it does something (the cosine schedule). */
    private void checkDecayIters(TrainConfig.Schedule schedule) {
        if (decayIters < 1) throw usage("--decay-iters must be >= 1, got " + decayIters);
        if (schedule != TrainConfig.Schedule.COSINE) {
            throw usage("--decay-iters applies to the cosine schedule only; this run's schedule is " + schedule.id());
        }
    }

    private void rejectFor(String model, List<String> options) {
        for (String o : options) {
            if (matched(o)) throw usage(o + " does not apply to --model " + model);
        }
    }

    // ---------------------------------------------------------------- --resume

    private Setup resumeRun(PrintWriter out) throws IOException {
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            if (!RESUME_OPTIONS.contains(o.longestName()) && !o.usageHelp() && !o.versionHelp()) {
                throw usage(o.longestName() + " cannot be combined with --resume: a resumed run keeps the settings it "
                        + "started with (only --iters/--epochs, --decay-iters, --time-limit, --stop-at, --threads, --sample-tokens may change)");
            }
        }
        if (iters != null && epochs != null) throw usage("give --iters or --epochs, not both");
        RunFolder run = RunFolder.open(resume, "--resume");
        RunFolder.Info info = run.readInfo();
        Path latest = run.file(RunFolder.LATEST);
        if (!Files.isRegularFile(latest)) {
            throw new CliErrors.UserException(run.dir() + " has no " + RunFolder.LATEST + " (the run stopped before its first "
                    + "checkpoint); start a new run instead");
        }
        Tokenizer tok = VocabularyFile.load(run.file(RunFolder.VOCAB));
        Checkpoint c = Checkpoint.read(latest);
        ModelConfig mc = c.modelConfig();
        if (epochs != null && mc.architecture() != ModelConfig.Architecture.LSTM) throw usage("--epochs applies to --model lstm; use --iters");
        LmDataset data;
        try {
            data = info.corpus().load(tok);
        } catch (UnknownTokenException e) {
            throw new CliErrors.UserException("the run's corpus no longer fits its vocabulary: " + e.getMessage(), e);
        }
        if (info.fingerprint() != null && !info.fingerprint().equals(CorpusSource.fingerprint(data))) {
            throw new CliErrors.UserException("the run's corpus " + info.corpus().describe() + " changed since the run started "
                    + "(its tokens differ from those recorded in " + RunFolder.CONFIG + "); a resumed run needs the same data");
        }
        TrainConfig tc = c.trainConfig();
        int target = iters != null ? iters
                : epochs != null ? Math.multiplyExact(epochs, Trainer.lstmStepsPerEpoch(data.train().length, tc.batch(), mc.context()))
                : tc.iters();
        if (target <= c.iteration()) {
            throw new CliErrors.UserException("the run is " + (target == tc.iters() ? "complete" : "past that point") + ": its checkpoint is at iteration "
                    + c.iteration() + " of " + tc.iters() + "; give a larger --iters to train on");
        }
        if (stopAt != null && stopAt <= c.iteration()) {
            throw usage("--stop-at " + stopAt + " is not after the checkpoint's iteration " + c.iteration());
        }
        tc = tc.extendedTo(target);
        if (decayIters != null) {
            checkDecayIters(tc.schedule());
            tc = tc.withDecayIters(decayIters);
        }
        Trainer trainer = Trainer.resume(c, tc, data);
        // Every check has passed: only now touch the run's files.
        MetricsLog metrics = MetricsLog.resume(run.file(RunFolder.METRICS), c.iteration());
        JsonObject config = info.json();
        RunFolder.addResume(config, tc, c.iteration(), KernelThreads.threads(), args());
        run.writeConfig(config);
        describe(out, mc, tc, info.corpus(), data, c.iteration());
        return new Setup(run, trainer, metrics, tok, info.corpus());
    }

    // ---------------------------------------------------------------- output

    private static void describe(PrintWriter out, ModelConfig m, TrainConfig t, CorpusSource src, LmDataset data, int from) {
        boolean gpt = m.architecture() == ModelConfig.Architecture.GPT;
        double params = LanguageModel.parameterCount(m) / 1e6;
        out.printf(Locale.ROOT, "model:    %s%n", gpt
                ? String.format(Locale.ROOT, "gpt, %d layers, %d heads, d_model %d, block %d, dropout %s%s (%.2fM parameters)",
                        m.layers(), m.heads(), m.dModel(), m.context(), m.dropout(), (m.tiedWeights() ? ", tied" : "") + (m.bias() ? "" : ", no biases"), params)
                : String.format(Locale.ROOT, "lstm, %d layers, embedding %d, hidden %d, bptt %d, dropout %s%s (%.2fM parameters)",
                        m.layers(), m.dModel(), m.hidden(), m.context(), m.dropout(), (m.tiedWeights() ? ", tied" : "") + (m.bias() ? "" : ", no biases"), params));
        out.printf(Locale.ROOT, "data:     %s, %s tokenizer (%,d tokens): %,d train / %,d valid%s tokens%n", src.describe(),
                data.tokenizer().kind().id(), data.tokenizer().vocabulary().size(), data.train().length, data.valid().length,
                data.test().length > 0 ? String.format(Locale.ROOT, " / %,d test", data.test().length) : "");
        String sched = switch (t.schedule()) {
            case COSINE -> String.format(Locale.ROOT, "cosine to %.1e%s, warmup %d", t.minLr(),
                    t.decayIters() == t.iters() ? "" : String.format(Locale.ROOT, " at %,d", t.decayIters()), t.warmup());
            case CONSTANT -> "constant, warmup " + t.warmup();
            case PLATEAU -> "divided by 4 when validation stalls";
        };
        out.printf(Locale.ROOT, "training: %s%,d iterations of %d x %d tokens, %s lr %.1e (%s), clip %s, weight decay %s, "
                        + "eval every %,d, %d threads%n", from > 0 ? String.format(Locale.ROOT, "from %,d to ", from) : "",
                t.iters(), t.batch(), m.context(), t.optimizer().id(), t.lr(), sched, t.clip(), t.weightDecay(), t.evalEvery(),
                KernelThreads.threads());
    }

    private static void report(PrintWriter out, Setup s, TrainingLoop.Outcome o, List<MetricsLog.Row> rows) {
        String latest = s.run().file(RunFolder.LATEST).toString();
        String clock = Converters.clock(o.elapsed());
        switch (o.end()) {
            case DONE -> {
                MetricsLog.Row best = null, last = null;
                for (MetricsLog.Row r : rows) {
                    if (!r.evaluated()) continue;
                    last = r;
                    if (best == null || r.valLoss() < best.valLoss()) best = r;
                }
                out.printf(Locale.ROOT, "done: %,d iterations in %s; final val loss %.4f (ppl %.2f), best %.4f at iteration %,d; "
                                + "run folder %s%n", o.iteration(), clock, last == null ? Double.NaN : last.valLoss(),
                        last == null ? Double.NaN : Math.exp(last.valLoss()), best == null ? Double.NaN : best.valLoss(),
                        best == null ? 0 : best.iteration(), s.run().dir());
            }
            case STOP_AT -> out.printf(Locale.ROOT, "stopped after iteration %,d (--stop-at): saved %s; continue with: "
                    + "vectornn train --resume %s%n", o.iteration(), latest, s.run().dir());
            case TIME_LIMIT -> out.printf(Locale.ROOT, "time limit reached after iteration %,d (%s): saved %s; continue with: "
                    + "vectornn train --resume %s%n", o.iteration(), clock, latest, s.run().dir());
            case INTERRUPTED -> out.printf(Locale.ROOT, "interrupted after iteration %,d: saved %s; continue with: "
                    + "vectornn train --resume %s%n", o.iteration(), latest, s.run().dir());
        }
        out.flush();
    }

    /** Prints a sample from the trained weights and saves it as sample.txt. */
    private void sample(PrintWriter out, Setup s) throws IOException {
        boolean word = s.tokenizer().kind() == Tokenizer.Kind.WORD;
        int n = sampleTokens != null ? sampleTokens : word ? 200 : 500;
        if (n == 0) return;
        double temperature = 0.8;
        int topK = 200;
        long sampleSeed = s.trainer().config().seed();
        out.printf(Locale.ROOT, "%n--- sample: %d tokens, temperature %s, top-k %d (more: vectornn generate --run %s) ---%n",
                n, temperature, topK, s.run().dir());
        out.flush();
        TextGenerator g = new TextGenerator(s.trainer().model(), s.tokenizer());
        String text = g.generate("", n, temperature, topK, sampleSeed, piece -> {
            out.print(piece);
            out.flush();
        });
        if (!text.endsWith("\n")) out.println();
        out.flush();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(s.run().file(RunFolder.SAMPLE), o -> o.write(bytes));
    }

    // ---------------------------------------------------------------- helpers

    private boolean matched(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private List<String> args() {
        return spec.commandLine().getParseResult().originalArgs();
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
