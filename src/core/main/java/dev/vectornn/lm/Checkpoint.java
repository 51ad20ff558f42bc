package dev.vectornn.lm;

import dev.vectornn.io.SafeTensors;
import dev.vectornn.io.SafeTensorsHeader;
import dev.vectornn.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a training run needs to continue: the model's weights, the optimizer's state, the
 * model and training settings, the progress (iteration, epoch, best validation loss), the random
 * and batch state and, for an LSTM, the recurrent state carried into the next window. One
 * safetensors file, written atomically (temporary file, fsync, rename), so an interrupted write
 * never replaces a good checkpoint with a broken one.
 *
 * <p><b>Layout.</b> Tensors {@code model.<state-dict name>} (F32; strip the prefix for PyTorch's
 * {@code load_state_dict}), {@code optim.<key>} (see {@code Optimizer.stateDict}) and
 * {@code carry.h}, {@code carry.c}; string metadata {@code vectornn.format}, {@code model.*}
 * ({@link ModelConfig#toMap}), {@code train.*} ({@link TrainConfig#toMap}) and {@code progress.*}.
 * The vocabulary is not inside: a run folder keeps it beside the checkpoints.
 *
 * <p><b>Reading</b> checks the header, the settings and that the tensors hold exactly the
 * parameters the settings describe before it allocates the model, so a corrupt, truncated or
 * hostile file gives a {@link CheckpointException} or
 * {@link dev.vectornn.io.SafeTensorsFormatException}, and tensors too large for the heap's free
 * part a {@link dev.vectornn.io.HeapBudget.InsufficientHeapException} (the model built from them
 * needs about as much again, which is not checked beforehand).
 */
public final class Checkpoint {
    /** The value of the {@code vectornn.format} metadata entry. */
    public static final String FORMAT = "vectornn-checkpoint 1";

    private final LanguageModel model;
    private final TrainConfig train;
    private final Map<String, String> progress;
    private final Map<String, Tensor> optimizerState;
    private final Map<String, Tensor> carry;

    Checkpoint(LanguageModel model, TrainConfig train, Map<String, String> progress, Map<String, Tensor> optimizerState,
               Map<String, Tensor> carry) {
        this.model = Objects.requireNonNull(model);
        this.train = Objects.requireNonNull(train);
        this.progress = Collections.unmodifiableMap(new LinkedHashMap<>(progress));
        this.optimizerState = Collections.unmodifiableMap(new LinkedHashMap<>(optimizerState));
        this.carry = Collections.unmodifiableMap(new LinkedHashMap<>(carry));
    }

    /** The model with the checkpoint's weights (live: a trainer resumed from it trains these tensors). */
    public LanguageModel model() {
        return model;
    }

    /** The model settings. */
    public ModelConfig modelConfig() {
        return model.config();
    }

    /** The training settings. */
    public TrainConfig trainConfig() {
        return train;
    }

    /** The {@code progress.*} entries. */
    public Map<String, String> progress() {
        return progress;
    }

    /** Optimizer steps taken when it was written. */
    public int iteration() {
        return MapValues.integer(progress, "progress.iteration");
    }

    /** The lowest validation loss seen when it was written (+infinity if none yet). */
    public double bestValLoss() {
        return MapValues.real(progress, "progress.best_val_loss");
    }

    /** The optimizer's state dict. */
    public Map<String, Tensor> optimizerState() {
        return optimizerState;
    }

    /** LSTM: the carried state {@code h} and {@code c}; empty otherwise or at an epoch start. */
    public Map<String, Tensor> carry() {
        return carry;
    }

    /**
     * Writes the checkpoint to {@code file}, replacing it atomically.
     *
     * @throws IOException if writing fails (an earlier file at that path is then unchanged)
     */
    public void write(Path file) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) tensors.put("model." + e.getKey(), e.getValue());
        for (Map.Entry<String, Tensor> e : optimizerState.entrySet()) tensors.put("optim." + e.getKey(), e.getValue());
        for (Map.Entry<String, Tensor> e : carry.entrySet()) tensors.put("carry." + e.getKey(), e.getValue());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("vectornn.format", FORMAT);
        meta.putAll(model.config().toMap());
        meta.putAll(train.toMap());
        meta.putAll(progress);
        SafeTensors.write(file, tensors, meta);
    }

    /**
     * Reads and validates a checkpoint.
     *
     * @throws dev.vectornn.io.SafeTensorsFormatException if the file is not valid safetensors
     * @throws CheckpointException if it is not a vectornn checkpoint, its settings are invalid, or
     *     its tensors do not match them
     * @throws IOException if it cannot be read
     */
    public static Checkpoint read(Path file) throws IOException {
        SafeTensorsHeader header = SafeTensors.readHeader(file);
        Map<String, String> meta = header.metadata() == null ? Map.of() : header.metadata();
        if (!FORMAT.equals(meta.get("vectornn.format"))) {
            throw new CheckpointException(file, "not a vectornn checkpoint (metadata 'vectornn.format' is "
                    + (meta.get("vectornn.format") == null ? "missing" : "'" + meta.get("vectornn.format") + "'")
                    + ", expected '" + FORMAT + "')", null);
        }
        ModelConfig mc;
        TrainConfig tc;
        Map<String, String> progress = new LinkedHashMap<>();
        try {
            mc = ModelConfig.fromMap(meta);
            tc = TrainConfig.fromMap(meta);
            for (Map.Entry<String, String> e : meta.entrySet()) if (e.getKey().startsWith("progress.")) progress.put(e.getKey(), e.getValue());
            int it = MapValues.integer(progress, "progress.iteration");
            if (it < 0) throw new IllegalArgumentException("progress.iteration is negative: " + it);
            MapValues.integer(progress, "progress.epoch");
            MapValues.real(progress, "progress.best_val_loss");
            MapValues.longValue(progress, "progress.dropout_rng");
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, "invalid settings: " + e.getMessage(), e);
        }
        long expected = LanguageModel.parameterCount(mc), found = 0;
        for (SafeTensorsHeader.Entry e : header.tensors()) if (e.name().startsWith("model.")) found += e.shape().numel();
        if (found != expected) {
            throw new CheckpointException(file, "its model tensors hold " + found + " values, but the settings (" + mc
                    + ") describe " + expected, null);
        }
        Map<String, Tensor> all = SafeTensors.read(file);
        Map<String, Tensor> weights = new LinkedHashMap<>(), optim = new LinkedHashMap<>(), carry = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : all.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("model.")) weights.put(k.substring(6), e.getValue());
            else if (k.startsWith("optim.")) optim.put(k.substring(6), e.getValue());
            else if (k.startsWith("carry.")) carry.put(k.substring(6), e.getValue());
            else throw new CheckpointException(file, "unexpected tensor '" + k + "'", null);
        }
        LanguageModel model = LanguageModel.create(mc, 0);
        try {
            model.loadStateDict(weights, true);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, "the weights do not fit the model: " + e.getMessage(), e);
        }
        return new Checkpoint(model, tc, progress, optim, carry);
    }
}
