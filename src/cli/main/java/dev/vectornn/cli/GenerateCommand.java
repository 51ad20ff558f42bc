package dev.vectornn.cli;

import dev.vectornn.lm.TextGenerator;
import dev.vectornn.lm.UnknownTokenException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vectornn generate}: samples text from a trained run and streams it to standard output,
 * token by token, as nanoGPT's {@code sample.py}: temperature, top-k, a seed (the same seed,
 * prompt and checkpoint give the same text).
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Generate text from a trained run, streamed to standard output.",
            "Uses the run's best.safetensors (or latest.safetensors when no evaluation improved yet) and vocab.txt."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:text generated", "1:runtime error (no checkpoint, corrupt file, prompt outside the vocabulary)",
            "2:usage error"})
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--run", paramLabel = "DIR", description = "The run folder (from vectornn train).")
    Path run;

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "Sample from this checkpoint instead "
            + "(its folder's vocab.txt is used unless --run is given).")
    Path checkpoint;

    @Option(names = "--prompt", paramLabel = "TEXT", defaultValue = "",
            description = "Text to continue (default: none; starts from a line break, or <eos> for words).")
    String prompt;

    @Option(names = "--tokens", paramLabel = "N", defaultValue = "500", description = "Tokens to generate (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.8",
            description = "Below 1 sharpens the distribution, above 1 flattens it (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "200",
            description = "Sample among the K most likely tokens; 0 for all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1337", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "Kernel threads (default: all cores).")
    Integer threads;

    @Option(names = "--verbose", description = "Stack traces with errors.")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        if (run == null && checkpoint == null) throw usage("give --run DIR (or --checkpoint FILE)");
        if (tokens < 0) throw usage("--tokens must be >= 0, got " + tokens);
        if (!(temperature > 0 && Double.isFinite(temperature))) throw usage("--temperature must be a positive number, got " + temperature);
        if (topK < 0) throw usage("--top-k must be >= 0 (0: all tokens), got " + topK);
        Converters.applyThreads(spec.commandLine(), threads);
        SavedModel m = SavedModel.load(run != null ? RunFolder.open(run, "--run") : null, checkpoint);
        try {
            m.tokenizer().encodePrompt(prompt); // checked before anything is printed
        } catch (UnknownTokenException e) {
            throw new CliErrors.UserException("--prompt: " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        TextGenerator g = new TextGenerator(m.checkpoint().model(), m.tokenizer());
        String text = g.generate(prompt, tokens, temperature, topK, seed, piece -> {
            out.print(piece);
            out.flush();
        });
        if (!text.endsWith("\n")) out.println();
        out.flush();
        return 0;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
