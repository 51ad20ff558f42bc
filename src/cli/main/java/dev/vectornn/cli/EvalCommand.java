package dev.vectornn.cli;

import dev.vectornn.lm.CorpusException;
import dev.vectornn.lm.Evaluator;
import dev.vectornn.lm.LmDataset;
import dev.vectornn.lm.ModelConfig;
import dev.vectornn.lm.TrainConfig;
import dev.vectornn.lm.UnknownTokenException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vectornn eval}: the loss and perplexity of a trained run on a split of its corpus, read
 * again from where {@code config.json} says it came from, measured as in training (a GPT: the mean
 * of random batches with a fixed seed, as nanoGPT's {@code estimate_loss}; an LSTM: one full pass,
 * as pytorch/examples' {@code evaluate}).
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Print a trained run's loss and perplexity on a split of its corpus.",
            "The corpus is read again from the path recorded in the run's config.json."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:evaluated", "1:runtime error (corpus gone, no such split, corrupt checkpoint)", "2:usage error"})
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--run", paramLabel = "DIR", required = true, description = "The run folder (from vectornn train).")
    Path run;

    @Option(names = "--split", paramLabel = "valid|test|train", defaultValue = "valid",
            description = "The split (default: ${DEFAULT-VALUE}; a single corpus file has no test split).")
    String split;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "Evaluate this checkpoint (default: the run's best.safetensors, else latest.safetensors).")
    Path checkpoint;

    @Option(names = "--eval-batches", paramLabel = "N",
            description = "GPT: random batches to average (default: the run's; more gives a closer estimate).")
    Integer evalBatches;

    @Option(names = "--threads", paramLabel = "N", description = "Kernel threads (default: all cores).")
    Integer threads;

    @Option(names = "--verbose", description = "Stack traces with errors.")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        if (!split.equals("valid") && !split.equals("test") && !split.equals("train")) {
            throw usage("--split must be valid, test or train, got '" + split + "'");
        }
        if (evalBatches != null && evalBatches < 1) throw usage("--eval-batches must be >= 1, got " + evalBatches);
        Converters.applyThreads(spec.commandLine(), threads);
        RunFolder folder = RunFolder.open(run, "--run");
        RunFolder.Info info = folder.readInfo();
        SavedModel m = SavedModel.load(folder, checkpoint);
        LmDataset data;
        try {
            data = info.corpus().load(m.tokenizer());
        } catch (CorpusException e) {
            throw new CliErrors.UserException("cannot read the run's corpus again (recorded in " + folder.file(RunFolder.CONFIG)
                    + "): " + e.getMessage(), e);
        } catch (UnknownTokenException e) {
            throw new CliErrors.UserException("the run's corpus no longer fits its vocabulary: " + e.getMessage(), e);
        }
        PrintWriter err = spec.commandLine().getErr();
        if (info.fingerprint() != null && !info.fingerprint().equals(CorpusSource.fingerprint(data))) {
            err.println("vectornn eval: warning: " + info.corpus().describe() + " changed since the run was trained; "
                    + "this is the loss on the text as it is now");
            err.flush();
        }
        int[] tokens;
        try {
            tokens = data.split(split);
        } catch (IllegalArgumentException e) {
            throw new CliErrors.UserException(info.corpus().describe() + ": " + e.getMessage(), e);
        }
        TrainConfig tc = m.checkpoint().trainConfig();
        if (evalBatches != null) tc = tc.withEvalBatches(evalBatches);
        ModelConfig mc = m.checkpoint().modelConfig();
        double loss = new Evaluator(m.checkpoint().model(), tc).loss(tokens);
        String how = mc.architecture() == ModelConfig.Architecture.GPT
                ? String.format(Locale.ROOT, "%d random batches of %d x %d tokens", tc.evalBatches(), tc.batch(), mc.context())
                : String.format(Locale.ROOT, "one pass over %,d tokens in %d columns", tokens.length, tc.evalBatch());
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s: loss %.4f, perplexity %.2f (%s at iteration %,d; %s)%n", split, loss, Math.exp(loss), m.file(),
                m.checkpoint().iteration(), how);
        out.flush();
        return 0;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
