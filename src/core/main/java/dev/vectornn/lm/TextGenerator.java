package dev.vectornn.lm;

import dev.vectornn.graph.Plan;
import dev.vectornn.graph.PlanOptions;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Samples text from a {@link LanguageModel}, as nanoGPT's {@code generate}: logits of the last
 * position divided by the temperature, optionally cut to the {@code topK} most likely tokens,
 * softmax, one draw from a seeded generator; the GPT sees the last {@code block} tokens, the LSTM
 * carries its state token by token. The same seed, prompt and weights give the same text.
 *
 * <p>Not thread-safe.
 */
public final class TextGenerator {
    /**
     * Most tokens one {@link #generate} call adds: the text is returned as one String, so the
     * count is bounded well before a String's limit.
     */
    public static final int MAX_TOKENS = 1 << 26;

    private final LanguageModel model;
    private final Tokenizer tokenizer;
    private final LanguageModel.LmGraph graph;
    private final Plan plan;
    private final int vocab;
    private final boolean feedsTargets;

    /**
     * A generator for {@code model}, decoding with {@code tokenizer}.
     *
     * @throws IllegalArgumentException if the tokenizer's vocabulary size differs from the model's
     */
    public TextGenerator(LanguageModel model, Tokenizer tokenizer) {
        this.model = Objects.requireNonNull(model, "model");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        vocab = model.config().vocabSize();
        if (tokenizer.vocabulary().size() != vocab) {
            throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabulary().size() + " tokens, the model "
                    + vocab);
        }
        boolean gpt = model.config().architecture() == ModelConfig.Architecture.GPT;
        graph = model.build(1, gpt ? model.config().context() : 1);
        plan = gpt ? graph.graph().compile(PlanOptions.forInference(), graph.logits())
                : graph.graph().compile(PlanOptions.forInference(), graph.logits(), graph.hn(), graph.cn());
        feedsTargets = plan.inputNames().contains("targets");
    }

    /**
     * Generates {@code tokens} tokens after {@code prompt} and returns the prompt followed by them.
     *
     * @see #generate(String, int, double, int, long, Consumer)
     */
    public String generate(String prompt, int tokens, double temperature, int topK, long seed) {
        return generate(prompt, tokens, temperature, topK, seed, s -> {});
    }

    /**
     * Generates {@code tokens} tokens after {@code prompt}, passing the text to {@code sink} as it
     * grows (the prompt first, then each new token's text), and returns all of it. An empty prompt
     * starts from a line break (char level) or {@code <eos>} (word level), or token 0.
     *
     * @param prompt      text in the model's vocabulary
     * @param tokens      how many tokens to add, {@code >= 0}
     * @param temperature {@code > 0}; below 1 sharpens, above 1 flattens the distribution
     * @param topK        keep only the {@code topK} most likely tokens; 0 keeps all
     * @param seed        the sampling seed
     * @param sink        receives the text piece by piece
     * @throws UnknownTokenException if the prompt holds a token outside the vocabulary
     * @throws IllegalArgumentException for a count outside {@code [0, MAX_TOKENS]}, a temperature
     *     that is not positive and finite, or a negative {@code topK}
     * @throws IllegalStateException if the model's logits are not finite (NaN or infinite weights)
     */
    public String generate(String prompt, int tokens, double temperature, int topK, long seed, Consumer<String> sink) {
        Objects.requireNonNull(prompt, "prompt");
        if (tokens < 0 || tokens > MAX_TOKENS) {
            throw new IllegalArgumentException("the number of tokens must be in [0, " + MAX_TOKENS + "], got " + tokens);
        }
        if (!(temperature > 0 && Double.isFinite(temperature))) {
            throw new IllegalArgumentException("temperature must be a positive number, got " + temperature);
        }
        if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0 (0: all tokens), got " + topK);
        int[] promptIds = tokenizer.encodePrompt(prompt);
        if (promptIds.length == 0) promptIds = new int[] {startToken()};
        // grown as the text grows: a large count must not reserve its array up front
        int[] ids = Arrays.copyOf(promptIds, promptIds.length + Math.min(tokens, 1024));
        int n = promptIds.length;
        String text = tokenizer.decode(ids, 0, n);
        sink.accept(text);
        StringBuilder out = new StringBuilder(text);
        SplitMix64 rng = new SplitMix64(seed);
        double[] p = new double[vocab];
        boolean gpt = !graph.recurrent();
        int ctx = model.config().context();
        if (!gpt) {
            float[] zeros = new float[model.config().layers() * model.config().hidden()];
            plan.feed("h0", zeros);
            plan.feed("c0", zeros);
            for (int i = 0; i < n - 1; i++) stepLstm(ids[i]); // warm the state on all but the last prompt token
        }
        int[] window = new int[ctx];
        for (int k = 0; k < tokens; k++) {
            float[] logits;
            int pos;
            if (gpt) {
                int start = Math.max(0, n - ctx);
                Arrays.fill(window, 0); // positions after the last real token never reach it: the attention is causal
                System.arraycopy(ids, start, window, 0, n - start);
                plan.feed("tokens", window);
                if (feedsTargets) plan.feed("targets", window);
                plan.forward();
                logits = plan.output(graph.logits()).floats();
                pos = n - start - 1;
            } else {
                logits = stepLstm(ids[n - 1]);
                pos = 0;
            }
            if (n == ids.length) ids = Arrays.copyOf(ids, (int) Math.min(2L * n, (long) promptIds.length + tokens));
            ids[n] = sample(logits, pos * vocab, temperature, topK, rng, p, k);
            n++;
            // both tokenizers render a token from itself and the token before it (the word level's
            // space or line break), so the new piece is the last two tokens' text after the first's
            String piece = tokenizer.decode(ids, n - 2, 2).substring(tokenizer.decode(ids, n - 2, 1).length());
            sink.accept(piece);
            out.append(piece);
        }
        return out.toString();
    }

    private float[] stepLstm(int token) {
        plan.feed("tokens", new int[] {token});
        if (feedsTargets) plan.feed("targets", new int[] {token});
        plan.forward();
        plan.copyOutputToInput(graph.hn(), "h0");
        plan.copyOutputToInput(graph.cn(), "c0");
        return plan.output(graph.logits()).floats();
    }

    private int startToken() {
        Vocabulary v = tokenizer.vocabulary();
        int id = v.id(tokenizer instanceof WordTokenizer ? WordTokenizer.EOS : "\n");
        return Math.max(id, 0);
    }

    /** Draws from softmax(logits[off .. off+V) / temperature), restricted to the top k; {@code k} is the new token's index. */
    private int sample(float[] logits, int off, double temperature, int topK, SplitMix64 rng, double[] p, int k) {
        double threshold = Double.NEGATIVE_INFINITY;
        if (topK > 0 && topK < vocab) {
            float[] sorted = Arrays.copyOfRange(logits, off, off + vocab);
            Arrays.sort(sorted);
            threshold = sorted[vocab - topK];
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) if (logits[off + i] >= threshold) max = Math.max(max, logits[off + i]);
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            double l = logits[off + i];
            p[i] = l >= threshold ? Math.exp((l - max) / temperature) : 0;
            sum += p[i];
        }
        if (!(sum > 0 && Double.isFinite(sum))) {
            throw new IllegalStateException("generate: the model's logits for new token " + k + " are not finite (NaN or"
                    + " infinity): its weights are corrupt or training diverged");
        }
        double u = rng.nextDouble() * sum;
        int last = -1;
        for (int i = 0; i < vocab; i++) {
            if (p[i] == 0) continue;
            last = i;
            u -= p[i];
            if (u < 0) return i;
        }
        return last; // rounding left u just above 0: the last candidate
    }

    /** The model. */
    public LanguageModel model() {
        return model;
    }
}
