package dev.vectornn.lm;

import dev.vectornn.graph.Plan;
import dev.vectornn.graph.PlanOptions;
import dev.vectornn.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The mean next-token loss of a {@link LanguageModel} on a token stream, measured as its
 * reference pipeline does: for a GPT, nanoGPT's {@code estimate_loss} (the mean over
 * {@code evalBatches} random windows of {@code batch x block}, drawn here with a fixed seed so that
 * every evaluation sees the same windows); for an LSTM, pytorch/examples' {@code evaluate} (one
 * pass over the stream batchified into {@code evalBatch} columns, windows of {@code bptt} with the
 * state carried, each window's mean loss weighted by its length). Perplexity is {@code exp(loss)}.
 *
 * <p>Plans are compiled once and reused; the model's current weights are read at every call.
 * Not thread-safe.
 */
public final class Evaluator {
    private final LanguageModel model;
    private final TrainConfig config;
    private final Map<Integer, Compiled> plans = new HashMap<>();
    private int[] inputs = new int[0];
    private int[] targets = new int[0];

    private record Compiled(LanguageModel.LmGraph graph, Plan plan) {}

    /**
     * An evaluator with the batch sizes and sample counts of {@code config}.
     *
     * @param model  the model (its weights may change between calls)
     * @param config supplies {@code batch} and {@code evalBatches} (GPT), {@code evalBatch} (LSTM), and the seed
     */
    public Evaluator(LanguageModel model, TrainConfig config) {
        this.model = Objects.requireNonNull(model, "model");
        this.config = Objects.requireNonNull(config, "config");
    }

    private Compiled plan(int batch, int length) {
        return plans.computeIfAbsent(length, len -> {
            LanguageModel.LmGraph g = model.build(batch, len);
            Plan p = model.config().architecture() == ModelConfig.Architecture.GPT
                    ? g.graph().compile(PlanOptions.forInference(), g.loss())
                    : g.graph().compile(PlanOptions.forInference(), g.loss(), g.hn(), g.cn());
            return new Compiled(g, p);
        });
    }

    /**
     * The mean loss on {@code tokens}.
     *
     * @throws IllegalArgumentException if the stream is too short for one window
     */
    public double loss(int[] tokens) {
        int ctx = model.config().context();
        if (model.config().architecture() == ModelConfig.Architecture.GPT) {
            if (tokens.length <= ctx) {
                throw new IllegalArgumentException("evaluation needs more than the block size (" + ctx + ") tokens, got "
                        + tokens.length);
            }
            ensureBuffers(config.batch() * ctx);
            Compiled c = plan(config.batch(), ctx);
            double[] sum = {0};
            RandomWindowBatcher.forEachEvalBatch(tokens, config.batch(), ctx, config.evalBatches(), evalSeed(config.seed()),
                    inputs, targets, (k, in, tg) -> {
                        c.plan.feed("tokens", in);
                        c.plan.feed("targets", tg);
                        c.plan.forward();
                        sum[0] += c.plan.scalar(c.graph.loss());
                    });
            return sum[0] / config.evalBatches();
        }
        int batch = config.evalBatch();
        if (tokens.length / batch < 2) {
            throw new IllegalArgumentException("evaluation needs at least " + 2 * batch + " tokens for "
                    + batch + " columns, got " + tokens.length);
        }
        BpttBatcher b = new BpttBatcher(tokens, batch, ctx);
        ensureBuffers(batch * ctx);
        ModelConfig mc = model.config();
        float[] zeros = new float[mc.layers() * batch * mc.hidden()];
        Compiled prev = null;
        double total = 0;
        while (b.hasNext()) {
            int len = b.next(inputs, targets);
            Compiled c = plan(batch, len);
            if (len != ctx) { // the tail plan reads only its own length
                c.plan.feed("tokens", java.util.Arrays.copyOf(inputs, len * batch));
                c.plan.feed("targets", java.util.Arrays.copyOf(targets, len * batch));
            } else {
                c.plan.feed("tokens", inputs);
                c.plan.feed("targets", targets);
            }
            if (prev == null) {
                c.plan.feed("h0", zeros);
                c.plan.feed("c0", zeros);
            } else if (prev == c) {
                c.plan.copyOutputToInput(c.graph.hn(), "h0");
                c.plan.copyOutputToInput(c.graph.cn(), "c0");
            } else {
                Tensor h = prev.plan.output(prev.graph.hn()), cc = prev.plan.output(prev.graph.cn());
                c.plan.feed("h0", h);
                c.plan.feed("c0", cc);
            }
            c.plan.forward();
            total += len * c.plan.scalar(c.graph.loss());
            prev = c;
        }
        return total / (b.rows() - 1);
    }

    private void ensureBuffers(int size) {
        if (inputs.length < size) {
            inputs = new int[size];
            targets = new int[size];
        }
    }

    /**
     * The seed of the validation windows of a run seeded {@code seed}: a hash of it, so that the
     * windows of different seeds are independent draws. (It was {@code seed * GAMMA + c}, GAMMA
     * being SplitMix64's own increment: the stream of seed {@code s + 1} was then the stream of
     * {@code s} one draw later, and runs seeded 1, 2, 3 were all scored on 239 of the same 240
     * windows, so a seed sweep measured the evaluation set once instead of three times.)
     */
    static long evalSeed(long seed) {
        return new SplitMix64(seed ^ 0x632BE59BD9B4E019L).nextLong();
    }
}
