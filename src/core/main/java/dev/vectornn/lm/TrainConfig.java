package dev.vectornn.lm;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How a language model is trained: steps, batch, optimizer, learning-rate schedule, clipping,
 * evaluation cadence and seed. Saved in every checkpoint so that a resumed run continues with the
 * same settings.
 *
 * @param iters        optimizer steps in the whole run, {@code >= 1}
 * @param batch        sequences per step, {@code >= 1}
 * @param lr           peak learning rate, {@code > 0}
 * @param minLr        final learning rate of the cosine schedule, in {@code [0, lr]}
 * @param schedule     how the learning rate moves
 * @param warmup       linear warm-up steps (cosine and constant schedules), {@code >= 0}
 * @param clip         maximum global gradient norm, or 0 for no clipping
 * @param weightDecay  decoupled weight decay (AdamW; applied to matrices and embeddings only, not
 *                     to biases and norms, as nanoGPT) or L2 penalty (SGD), {@code >= 0}
 * @param optimizer    the optimizer
 * @param beta2        AdamW's second-moment decay, in {@code [0, 1)} (nanoGPT's char run: 0.99)
 * @param seed         seeds the initialization, the batches and dropout
 * @param evalEvery    steps between evaluations (and checkpoints), {@code >= 1}
 * @param evalBatches  GPT: random validation batches averaged per evaluation (nanoGPT's
 *                     {@code eval_iters}); LSTM: ignored (a full pass over the split)
 * @param evalBatch    LSTM: columns of the evaluation batchify (pytorch/examples: 10); GPT: ignored
 * @param decayIters   the cosine schedule's horizon (nanoGPT's {@code lr_decay_iters}): the
 *                     learning rate reaches {@code minLr} at this step and stays there, {@code >= 1};
 *                     the same as {@code iters} unless a run was {@linkplain #extendedTo extended}
 */
public record TrainConfig(int iters, int batch, double lr, double minLr, Schedule schedule, int warmup, double clip,
                          double weightDecay, Optimizer optimizer, double beta2, long seed, int evalEvery,
                          int evalBatches, int evalBatch, int decayIters) {
    /** Learning-rate schedules. */
    public enum Schedule {
        /** Linear warm-up to {@code lr}, then cosine decay to {@code minLr} at {@code decayIters} (nanoGPT). */
        COSINE,
        /** Linear warm-up, then {@code lr}. */
        CONSTANT,
        /** {@code lr}, divided by 4 after every evaluation that does not improve on the best (pytorch/examples). */
        PLATEAU;

        /** The lower-case option value. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The schedule named {@code id} (case-insensitive).
         *
         * @throws IllegalArgumentException naming the valid values
         */
        public static Schedule parse(String id) {
            for (Schedule s : values()) if (s.id().equalsIgnoreCase(id)) return s;
            throw new IllegalArgumentException("unknown schedule '" + id + "'; expected cosine, constant or plateau");
        }
    }

    /** Optimizers. */
    public enum Optimizer {
        /** AdamW, beta1 0.9. */
        ADAMW,
        /** Plain SGD (no momentum), as pytorch/examples' word_language_model. */
        SGD;

        /** The lower-case option value. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The optimizer named {@code id} (case-insensitive).
         *
         * @throws IllegalArgumentException naming the valid values
         */
        public static Optimizer parse(String id) {
            for (Optimizer o : values()) if (o.id().equalsIgnoreCase(id)) return o;
            throw new IllegalArgumentException("unknown optimizer '" + id + "'; expected adamw or sgd");
        }
    }

    /**
     * Validates every field.
     *
     * @throws IllegalArgumentException naming the field and value at fault
     */
    public TrainConfig {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(optimizer, "optimizer");
        if (iters < 1) throw new IllegalArgumentException("iters must be >= 1, got " + iters);
        if (batch < 1 || batch > ModelConfig.MAX_DIM) throw new IllegalArgumentException("batch must be in [1, " + ModelConfig.MAX_DIM + "], got " + batch);
        if (!(lr > 0 && Double.isFinite(lr))) throw new IllegalArgumentException("lr must be a positive number, got " + lr);
        if (!(minLr >= 0 && minLr <= lr)) throw new IllegalArgumentException("min lr must be in [0, lr=" + lr + "], got " + minLr);
        if (warmup < 0) throw new IllegalArgumentException("warmup must be >= 0, got " + warmup);
        if (!(clip >= 0 && Double.isFinite(clip))) throw new IllegalArgumentException("clip must be >= 0 (0: off), got " + clip);
        if (!(weightDecay >= 0 && Double.isFinite(weightDecay))) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
        if (evalEvery < 1) throw new IllegalArgumentException("eval-every must be >= 1, got " + evalEvery);
        if (evalBatches < 1) throw new IllegalArgumentException("eval batches must be >= 1, got " + evalBatches);
        if (evalBatch < 1) throw new IllegalArgumentException("eval batch must be >= 1, got " + evalBatch);
        if (decayIters < 1) throw new IllegalArgumentException("decay iters must be >= 1, got " + decayIters);
    }

    /** The settings of a run whose schedule spans all of its {@code iters} ({@code decayIters = iters}). */
    public TrainConfig(int iters, int batch, double lr, double minLr, Schedule schedule, int warmup, double clip,
                       double weightDecay, Optimizer optimizer, double beta2, long seed, int evalEvery,
                       int evalBatches, int evalBatch) {
        this(iters, batch, lr, minLr, schedule, warmup, clip, weightDecay, optimizer, beta2, seed, evalEvery, evalBatches,
                evalBatch, iters);
    }

    /**
     * nanoGPT's small CPU run on shakespeare_char: 2000 steps of batch 12, AdamW (0.9, 0.99),
     * lr 1e-3 with 100 warm-up steps and cosine decay to 1e-4, weight decay 0.1, clip 1.0,
     * evaluation every 250 steps on 20 batches.
     */
    public static TrainConfig gptDefaults() {
        return new TrainConfig(2000, 12, 1e-3, 1e-4, Schedule.COSINE, 100, 1.0, 0.1, Optimizer.ADAMW, 0.99, 1337,
                250, 20, 10);
    }

    /**
     * pytorch/examples' word_language_model: batch 20, plain SGD at lr 20 divided by 4 when the
     * validation loss does not improve, clip 0.25, no weight decay; {@code iters} and
     * {@code evalEvery} are one epoch of {@code epochSteps} windows.
     *
     * @param epochSteps training windows per epoch
     * @param epochs     epochs to run
     */
    public static TrainConfig lstmDefaults(int epochSteps, int epochs) {
        return new TrainConfig(Math.multiplyExact(epochSteps, epochs), 20, 20, 0, Schedule.PLATEAU, 0, 0.25, 0,
                Optimizer.SGD, 0.999, 1111, epochSteps, 20, 10);
    }

    /** A copy for a run of {@code iters} steps, its schedule spanning them ({@code decayIters = iters}). */
    public TrainConfig withIters(int iters) {
        return new TrainConfig(iters, batch, lr, minLr, schedule, warmup, clip, weightDecay, optimizer, beta2, seed,
                evalEvery, evalBatches, evalBatch, iters);
    }

    /**
     * A copy that trains on to {@code iters} steps with the schedule unchanged ({@code decayIters}
     * kept): how a resumed run goes longer (or stops sooner) without its learning rate jumping.
     * Steps past {@code decayIters} run at {@code minLr}, as in nanoGPT.
     */
    public TrainConfig extendedTo(int iters) {
        return new TrainConfig(iters, batch, lr, minLr, schedule, warmup, clip, weightDecay, optimizer, beta2, seed,
                evalEvery, evalBatches, evalBatch, decayIters);
    }

    /** A copy whose cosine schedule reaches {@code minLr} at step {@code decayIters}. */
    public TrainConfig withDecayIters(int decayIters) {
        return new TrainConfig(iters, batch, lr, minLr, schedule, warmup, clip, weightDecay, optimizer, beta2, seed,
                evalEvery, evalBatches, evalBatch, decayIters);
    }

    /** A copy that averages {@code evalBatches} validation batches (GPT). */
    public TrainConfig withEvalBatches(int evalBatches) {
        return new TrainConfig(iters, batch, lr, minLr, schedule, warmup, clip, weightDecay, optimizer, beta2, seed,
                evalEvery, evalBatches, evalBatch, decayIters);
    }

    /** The fields as strings under stable keys ({@code train.*}). */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("train.iters", Integer.toString(iters));
        m.put("train.batch", Integer.toString(batch));
        m.put("train.lr", Double.toString(lr));
        m.put("train.min_lr", Double.toString(minLr));
        m.put("train.schedule", schedule.id());
        m.put("train.warmup", Integer.toString(warmup));
        m.put("train.clip", Double.toString(clip));
        m.put("train.weight_decay", Double.toString(weightDecay));
        m.put("train.optimizer", optimizer.id());
        m.put("train.beta2", Double.toString(beta2));
        m.put("train.seed", Long.toString(seed));
        m.put("train.eval_every", Integer.toString(evalEvery));
        m.put("train.eval_batches", Integer.toString(evalBatches));
        m.put("train.eval_batch", Integer.toString(evalBatch));
        m.put("train.decay_iters", Integer.toString(decayIters));
        return m;
    }

    /**
     * Reads what {@link #toMap()} wrote. {@code train.decay_iters} may be absent (checkpoints
     * written before it existed): the schedule then spans {@code train.iters}.
     *
     * @throws IllegalArgumentException naming a missing or malformed key, or a value out of range
     */
    public static TrainConfig fromMap(Map<String, String> m) {
        int iters = MapValues.integer(m, "train.iters");
        return new TrainConfig(iters, MapValues.integer(m, "train.batch"),
                MapValues.real(m, "train.lr"), MapValues.real(m, "train.min_lr"),
                Schedule.parse(MapValues.string(m, "train.schedule")), MapValues.integer(m, "train.warmup"),
                MapValues.real(m, "train.clip"), MapValues.real(m, "train.weight_decay"),
                Optimizer.parse(MapValues.string(m, "train.optimizer")), MapValues.real(m, "train.beta2"),
                MapValues.longValue(m, "train.seed"), MapValues.integer(m, "train.eval_every"),
                MapValues.integer(m, "train.eval_batches"), MapValues.integer(m, "train.eval_batch"),
                m.containsKey("train.decay_iters") ? MapValues.integer(m, "train.decay_iters") : iters);
    }
}
