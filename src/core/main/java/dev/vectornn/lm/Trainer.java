package dev.vectornn.lm;

import dev.vectornn.graph.Parameter;
import dev.vectornn.graph.Plan;
import dev.vectornn.graph.PlanOptions;
import dev.vectornn.optim.AdamW;
import dev.vectornn.optim.GradClipping;
import dev.vectornn.optim.Optimizer;
import dev.vectornn.optim.ParamGroup;
import dev.vectornn.optim.SGD;
import dev.vectornn.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Trains a {@link LanguageModel} one optimizer step at a time: batches, forward, backward,
 * clipping, the update and the learning-rate schedule, with evaluation and checkpoints. The
 * caller owns the loop (progress display, time limits, when to save):
 *
 * <pre>{@code
 * Trainer t = Trainer.create(modelConfig, trainConfig, dataset);
 * while (!t.done()) {
 *     double loss = t.step();
 *     if (t.iteration() % trainConfig.evalEvery() == 0) {
 *         Trainer.Evaluation e = t.validate();
 *         t.checkpoint().write(runDir.resolve("latest.safetensors"));
 *     }
 * }
 * }</pre>
 *
 * <p><b>GPT</b>: nanoGPT's loop: random windows of the training split ({@link RandomWindowBatcher}),
 * validation as the mean loss of {@code evalBatches} windows of the validation split drawn with a
 * fixed seed (the same windows every time, so successive evaluations compare like with like).
 * <b>LSTM</b>: pytorch/examples' loop: the training split batchified into {@code batch} columns
 * and walked in windows of {@code bptt} ({@link BpttBatcher}) with the hidden state carried,
 * detached, from one window to the next; a new epoch restarts from zero state. The last, shorter
 * window of an epoch is skipped in training (one window in thousands; the plan has fixed shapes)
 * and included in evaluation, which is a full pass over the split batchified into
 * {@code evalBatch} columns, weighted by window length as the example's {@code evaluate}.
 *
 * <p><b>Determinism.</b> Everything random comes from the config's seed; the result does not
 * depend on the number of kernel threads. A trainer resumed from a {@link Checkpoint} continues
 * the bit-identical loss curve of one that never stopped. A steady {@link #step()} allocates
 * nothing.
 *
 * <p>Not thread-safe.
 */
public final class Trainer {
    private final LanguageModel model;
    private final TrainConfig config;
    private final LmDataset data;
    private final LanguageModel.LmGraph graph;
    private final Plan plan;
    private final Optimizer<?> optimizer;
    private final List<Parameter> params;
    private final int[] inputs;
    private final int[] targets;
    private final RandomWindowBatcher windows;
    private final BpttBatcher bptt;
    private final Evaluator evaluator;
    private int iteration;
    private int epoch;
    private boolean carrying;
    /**
     * The carried LSTM state a resume fed into h0/c0, until the first step replaces it: no
     * forward has run yet, so the plan has no hn/cn output to save in a checkpoint.
     */
    private Tensor restoredH, restoredC;
    private float[] zeros;
    private double bestValLoss = Double.POSITIVE_INFINITY;
    private double lastLoss = Double.NaN;
    private double lastGradNorm = Double.NaN;

    /**
     * The result of {@link #validate()}.
     *
     * @param loss     mean validation loss
     * @param improved whether it is the lowest so far (the caller keeps a "best" checkpoint then)
     * @param lr       the learning rate after the schedule has seen it
     */
    public record Evaluation(double loss, boolean improved, double lr) {
        /** {@code exp(loss)}. */
        public double perplexity() {
            return Math.exp(loss);
        }
    }

    private Trainer(LanguageModel model, TrainConfig config, LmDataset data) {
        this.model = Objects.requireNonNull(model, "model");
        this.config = Objects.requireNonNull(config, "config");
        this.data = Objects.requireNonNull(data, "data");
        ModelConfig mc = model.config();
        if (data.tokenizer().vocabulary().size() != mc.vocabSize()) {
            throw new IllegalArgumentException("the dataset's vocabulary has " + data.tokenizer().vocabulary().size()
                    + " tokens, the model " + mc.vocabSize());
        }
        int ctx = mc.context();
        boolean gpt = mc.architecture() == ModelConfig.Architecture.GPT;
        requireLength("training", data.train(), gpt ? ctx + 1 : 2L * config.batch());
        requireLength("validation", data.valid(), gpt ? ctx + 1 : 2L * config.evalBatch());
        if (!gpt && lstmStepsPerEpoch(data.train().length, config.batch(), ctx) < 1) {
            throw new IllegalArgumentException("the training split (" + data.train().length + " tokens) batchified into "
                    + config.batch() + " columns has no full window of bptt " + ctx + "; lower --batch or --bptt");
        }
        graph = model.build(config.batch(), ctx);
        PlanOptions po = PlanOptions.forTraining().withSeed(dropoutSeed(config.seed()));
        plan = gpt ? graph.graph().compile(po, graph.loss()) : graph.graph().compile(po, graph.loss(), graph.hn(), graph.cn());
        params = graph.graph().parameters();
        optimizer = optimizer(params, config);
        inputs = new int[config.batch() * ctx];
        targets = new int[config.batch() * ctx];
        if (gpt) {
            windows = new RandomWindowBatcher(data.train(), config.batch(), ctx, config.seed());
            bptt = null;
        } else {
            windows = null;
            bptt = new BpttBatcher(data.train(), config.batch(), ctx);
            zeroState();
        }
        evaluator = new Evaluator(model, config);
    }

    private static void requireLength(String split, int[] tokens, long needed) {
        if (tokens.length < needed) {
            throw new IllegalArgumentException("the " + split + " split has " + tokens.length + " tokens; this model and"
                    + " batch need at least " + needed + " (use a larger corpus, or a smaller block/bptt or batch)");
        }
    }

    private static long dropoutSeed(long seed) {
        return seed ^ 0x5DEECE66DL;
    }

    private static Optimizer<?> optimizer(List<Parameter> params, TrainConfig c) {
        // nanoGPT: decay matrices and embeddings, not biases and norm gains
        List<Parameter> decay = new ArrayList<>(), noDecay = new ArrayList<>();
        for (Parameter p : params) (p.value().shape().rank() >= 2 ? decay : noDecay).add(p);
        return switch (c.optimizer()) {
            case ADAMW -> {
                AdamW.Options o = AdamW.options().withLr(c.lr()).withBetas(0.9, c.beta2());
                List<ParamGroup<AdamW.Options>> groups = new ArrayList<>();
                if (!decay.isEmpty()) groups.add(ParamGroup.of(decay, o.withWeightDecay(c.weightDecay())));
                if (!noDecay.isEmpty()) groups.add(ParamGroup.of(noDecay, o.withWeightDecay(0)));
                yield new AdamW(groups);
            }
            case SGD -> {
                SGD.Options o = SGD.options(c.lr());
                List<ParamGroup<SGD.Options>> groups = new ArrayList<>();
                if (!decay.isEmpty()) groups.add(ParamGroup.of(decay, o.withWeightDecay(c.weightDecay())));
                if (!noDecay.isEmpty()) groups.add(ParamGroup.of(noDecay, o.withWeightDecay(0)));
                yield new SGD(groups);
            }
        };
    }

    /**
     * A trainer of a new model initialized from {@code train.seed()}.
     *
     * @throws IllegalArgumentException if the dataset's vocabulary does not match, or a split is
     *     too short for the context and batch
     */
    public static Trainer create(ModelConfig model, TrainConfig train, LmDataset data) {
        return new Trainer(LanguageModel.create(model, train.seed()), train, data);
    }

    /**
     * A trainer that continues from a checkpoint: weights, optimizer state, schedule, batch
     * position and random state as they were when it was written.
     *
     * @param checkpoint the checkpoint
     * @param train      the training settings; usually {@code checkpoint.trainConfig()}, possibly
     *                   {@linkplain TrainConfig#extendedTo extended} to train longer, or with another
     *                   {@linkplain TrainConfig#withDecayIters decay horizon}
     * @param data       the dataset, tokenized with the checkpoint's vocabulary
     * @throws IllegalArgumentException if the dataset or settings do not fit the checkpoint
     */
    public static Trainer resume(Checkpoint checkpoint, TrainConfig train, LmDataset data) {
        TrainConfig saved = checkpoint.trainConfig();
        if (!saved.extendedTo(train.iters()).withDecayIters(train.decayIters()).equals(train)) {
            throw new IllegalArgumentException("resume: only the number of iterations and the decay horizon may change; the checkpoint was"
                    + " trained with " + saved + ", asked for " + train);
        }
        Trainer t = new Trainer(checkpoint.model(), train, data);
        t.restore(checkpoint);
        return t;
    }

    private void restore(Checkpoint c) {
        Map<String, String> p = c.progress();
        try {
            optimizer.loadStateDict(c.optimizerState());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("resume: the optimizer state does not fit: " + e.getMessage(), e);
        }
        iteration = MapValues.integer(p, "progress.iteration");
        epoch = MapValues.integer(p, "progress.epoch");
        bestValLoss = MapValues.real(p, "progress.best_val_loss");
        if (iteration < 0 || iteration > c.trainConfig().iters() || epoch < 0 || Double.isNaN(bestValLoss)) {
            throw new IllegalArgumentException("resume: the checkpoint's progress is inconsistent: iteration " + iteration
                    + " of " + c.trainConfig().iters() + ", epoch " + epoch + ", best validation loss " + bestValLoss);
        }
        lastLoss = MapValues.real(p, "progress.last_loss");
        plan.setSeed(MapValues.longValue(p, "progress.dropout_rng"));
        if (windows != null) {
            windows.setRngState(MapValues.longValue(p, "progress.batcher_rng"));
        } else {
            bptt.seek(MapValues.integer(p, "progress.batcher_position"));
            carrying = MapValues.bool(p, "progress.carrying");
            if (carrying) {
                Tensor h = c.carry().get("h"), cc = c.carry().get("c");
                if (h == null || cc == null) throw new IllegalArgumentException("resume: the checkpoint lacks the carried LSTM state");
                plan.feed("h0", h);
                plan.feed("c0", cc);
                restoredH = h.copy();
                restoredC = cc.copy();
            }
        }
    }

    private void zeroState() {
        if (zeros == null) zeros = new float[model.config().layers() * config.batch() * model.config().hidden()];
        plan.feed("h0", zeros);
        plan.feed("c0", zeros);
        carrying = false;
        restoredH = restoredC = null;
    }

    /**
     * Training windows per LSTM epoch: full {@code bptt} windows of the training split batchified
     * into {@code batch} columns (the last, shorter window is skipped).
     */
    public static int lstmStepsPerEpoch(int trainTokens, int batch, int bptt) {
        return Math.max(0, (trainTokens / batch - 1) / bptt);
    }

    /** Whether {@link #iteration()} has reached the configured {@code iters}. */
    public boolean done() {
        return iteration >= config.iters();
    }

    /**
     * Takes one optimizer step and returns the training loss of its batch.
     *
     * @throws IllegalStateException once {@link #done()}
     */
    public double step() {
        if (done()) throw new IllegalStateException("training is done: " + iteration + " of " + config.iters() + " iterations");
        applySchedule();
        if (windows != null) {
            windows.next(inputs, targets);
        } else {
            if (!bptt.hasNext() || bptt.nextLength() < model.config().context()) {
                bptt.reset();
                epoch++;
                zeroState();
            }
            bptt.next(inputs, targets);
        }
        plan.feed("tokens", inputs);
        plan.feed("targets", targets);
        optimizer.zeroGrad();
        plan.forward();
        plan.backward();
        lastGradNorm = config.clip() > 0 ? GradClipping.clipGradNorm(params, config.clip()) : Double.NaN;
        optimizer.step();
        if (bptt != null) {
            plan.copyOutputToInput(graph.hn(), "h0");
            plan.copyOutputToInput(graph.cn(), "c0");
            carrying = true;
            restoredH = restoredC = null;
        }
        iteration++;
        lastLoss = plan.scalar(graph.loss());
        return lastLoss;
    }

    private void applySchedule() {
        if (config.schedule() == TrainConfig.Schedule.PLATEAU) return;
        double lr = learningRate(config, iteration);
        for (int g = 0; g < optimizer.groupCount(); g++) optimizer.setLr(g, lr);
    }

    /**
     * The scheduled learning rate at iteration {@code it} (0-based) for the cosine and constant
     * schedules, as nanoGPT's {@code get_lr}: linear warm-up {@code lr * (it + 1) / (warmup + 1)},
     * then constant, or cosine from {@code lr} to {@code minLr} at {@code decayIters} and
     * {@code minLr} after it. (Not
     * {@link dev.vectornn.optim.WarmupCosineLR}: that one ramps PyTorch-style, reaching {@code lr}
     * one step earlier, and the run is meant to follow nanoGPT's curve.)
     */
    public static double learningRate(TrainConfig c, int it) {
        if (it < c.warmup()) return c.lr() * (it + 1) / (c.warmup() + 1);
        if (c.schedule() != TrainConfig.Schedule.COSINE) return c.lr();
        if (it >= c.decayIters()) return c.minLr();
        // here warmup <= it < decayIters, so the denominator is positive
        double ratio = (double) (it - c.warmup()) / (c.decayIters() - c.warmup());
        double coeff = 0.5 * (1 + Math.cos(Math.PI * ratio));
        return c.minLr() + coeff * (c.lr() - c.minLr());
    }

    /**
     * Evaluates on the validation split, remembers the best loss, and for the plateau schedule
     * divides the learning rate by 4 when the loss did not improve. Does not touch the training
     * batches or random state.
     */
    public Evaluation validate() {
        double loss = evaluator.loss(data.valid());
        boolean improved = loss < bestValLoss;
        if (improved) {
            bestValLoss = loss;
        } else if (config.schedule() == TrainConfig.Schedule.PLATEAU) {
            for (int g = 0; g < optimizer.groupCount(); g++) optimizer.setLr(g, optimizer.lr(g) / 4);
        }
        return new Evaluation(loss, improved, lr());
    }

    /**
     * The mean loss on a split ({@code "train"}, {@code "valid"} or {@code "test"}), without side effects.
     *
     * @throws IllegalArgumentException for an unknown or empty split
     */
    public double evaluate(String split) {
        return evaluator.loss(data.split(split));
    }

    /** A snapshot of everything needed to resume; write it with {@link Checkpoint#write}. */
    public Checkpoint checkpoint() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("progress.iteration", Integer.toString(iteration));
        p.put("progress.epoch", Integer.toString(epoch));
        p.put("progress.best_val_loss", Double.toString(bestValLoss));
        p.put("progress.last_loss", Double.toString(lastLoss));
        p.put("progress.dropout_rng", Long.toString(plan.rngState()));
        Map<String, Tensor> carry = new LinkedHashMap<>();
        if (windows != null) {
            p.put("progress.batcher_rng", Long.toString(windows.rngState()));
        } else {
            p.put("progress.batcher_position", Integer.toString(bptt.position()));
            p.put("progress.carrying", Boolean.toString(carrying));
            if (carrying) {
                carry.put("h", restoredH != null ? restoredH.copy() : plan.output(graph.hn()));
                carry.put("c", restoredC != null ? restoredC.copy() : plan.output(graph.cn()));
            }
        }
        return new Checkpoint(model, config, p, optimizer.stateDict(), carry);
    }

    /** Optimizer steps taken. */
    public int iteration() {
        return iteration;
    }

    /** LSTM: epochs completed; GPT: 0. */
    public int epoch() {
        return epoch;
    }

    /** LSTM: fraction of the current epoch done, in [0, 1]; GPT: 0. */
    public double epochProgress() {
        return bptt == null ? 0 : (double) bptt.position() / Math.max(1, bptt.rows() - 1);
    }

    /** The learning rate of the first parameter group. */
    public double lr() {
        return optimizer.lr(0);
    }

    /** The lowest validation loss seen, or +infinity before the first {@link #validate()}. */
    public double bestValLoss() {
        return bestValLoss;
    }

    /** The loss of the last step, or NaN before the first. */
    public double lastLoss() {
        return lastLoss;
    }

    /** The gradient norm before clipping at the last step, or NaN without clipping. */
    public double lastGradNorm() {
        return lastGradNorm;
    }

    /** Tokens predicted per step ({@code batch * context}). */
    public long tokensPerStep() {
        return (long) config.batch() * model.config().context();
    }

    /** The model being trained (its tensors are live). */
    public LanguageModel model() {
        return model;
    }

    /** The training settings. */
    public TrainConfig config() {
        return config;
    }

    /** The dataset. */
    public LmDataset data() {
        return data;
    }
}
