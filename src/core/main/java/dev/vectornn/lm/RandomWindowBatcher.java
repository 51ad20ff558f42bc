package dev.vectornn.lm;

import java.util.Objects;

/**
 * nanoGPT-style batches for a GPT language model: each of the {@code batch} rows is a window of
 * {@code block} tokens starting at a uniformly drawn offset {@code i} in {@code [0, n - block)}
 * ({@code torch.randint(len(data) - block_size, ...)} in nanoGPT's {@code get_batch}); the input row
 * is {@code tokens[i .. i+block)} and the target row the same window shifted by one,
 * {@code tokens[i+1 .. i+block]}. Buffers are batch-major: element {@code (b, t)} is at
 * {@code b * block + t}.
 *
 * <p>Offsets come from a {@link SplitMix64} seeded with the given seed, one {@code nextInt} per row,
 * so a seed fixes the whole sequence of batches, and {@link #rngState()} / {@link #setRngState} let a
 * checkpoint resume with the identical next batch. {@link #next} allocates nothing.
 *
 * <p>Not thread-safe (it owns a generator).
 */
public final class RandomWindowBatcher {
    /** Receives the batches of {@link #forEachEvalBatch}. */
    @FunctionalInterface
    public interface BatchConsumer {
        /**
         * Called once per batch; the buffers are reused for the next batch.
         *
         * @param index the batch number, from 0
         * @param inputs the input ids, {@code batch * block} batch-major
         * @param targets the target ids, same layout
         */
        void accept(int index, int[] inputs, int[] targets);
    }

    private final int[] tokens;
    private final int batch;
    private final int block;
    private final SplitMix64 rng;

    /**
     * A batcher over {@code tokens} (shared, not copied).
     *
     * @param tokens the token stream of one split
     * @param batch rows per batch, {@code >= 1}
     * @param block tokens per row, {@code >= 1}
     * @param seed the generator seed
     * @throws IllegalArgumentException if {@code batch} or {@code block} is below 1, or the stream
     *     has {@code block} tokens or fewer (no window with a target fits)
     */
    public RandomWindowBatcher(int[] tokens, int batch, int block, long seed) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        if (block < 1) throw new IllegalArgumentException("block must be >= 1, got " + block);
        if (tokens.length <= block) {
            throw new IllegalArgumentException("a stream of " + tokens.length + " tokens is too short for block "
                    + block + ": it needs at least " + (block + 1));
        }
        if ((long) batch * block > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("batch " + batch + " x block " + block + " exceeds an int[] buffer");
        }
        this.batch = batch;
        this.block = block;
        this.rng = new SplitMix64(seed);
    }

    /** Rows per batch. */
    public int batch() {
        return batch;
    }

    /** Tokens per row. */
    public int block() {
        return block;
    }

    /**
     * Fills the next batch.
     *
     * @param inputs receives {@code batch * block} input ids, batch-major, from index 0
     * @param targets receives the targets (inputs shifted by one token), same layout
     * @throws IllegalArgumentException if a buffer is shorter than {@code batch * block} (the
     *     generator is then not advanced)
     */
    public void next(int[] inputs, int[] targets) {
        int size = batch * block;
        if (inputs.length < size || targets.length < size) {
            throw new IllegalArgumentException("buffers of " + inputs.length + " and " + targets.length
                    + " ints; batch " + batch + " x block " + block + " needs " + size);
        }
        int bound = tokens.length - block;
        for (int b = 0; b < batch; b++) {
            int i = rng.nextInt(bound);
            System.arraycopy(tokens, i, inputs, b * block, block);
            System.arraycopy(tokens, i + 1, targets, b * block, block);
        }
    }

    /** The generator state to save with a checkpoint; see {@link #setRngState}. */
    public long rngState() {
        return rng.state();
    }

    /**
     * Restores a state from {@link #rngState()}: the following batches are those that followed it.
     *
     * @param state the saved state
     */
    public void setRngState(long state) {
        rng.setState(state);
    }

    /**
     * Draws {@code count} batches from {@code tokens} with a batcher of its own seeded with
     * {@code seed}, leaving any training batcher untouched; the same seed always gives the same
     * batches, so successive evaluations compare like with like (nanoGPT's {@code estimate_loss}
     * averages {@code eval_iters} such batches per split).
     *
     * @param tokens the split's token stream
     * @param batch rows per batch
     * @param block tokens per row
     * @param count how many batches, {@code >= 0}
     * @param seed the evaluation seed
     * @param inputs the input buffer, at least {@code batch * block}
     * @param targets the target buffer, at least {@code batch * block}
     * @param consumer called once per batch, in order
     * @throws IllegalArgumentException as {@link #RandomWindowBatcher} and {@link #next}, or if
     *     {@code count < 0}
     */
    public static void forEachEvalBatch(int[] tokens, int batch, int block, int count, long seed,
                                        int[] inputs, int[] targets, BatchConsumer consumer) {
        if (count < 0) throw new IllegalArgumentException("count must be >= 0, got " + count);
        RandomWindowBatcher batcher = new RandomWindowBatcher(tokens, batch, block, seed);
        for (int k = 0; k < count; k++) {
            batcher.next(inputs, targets);
            consumer.accept(k, inputs, targets);
        }
    }
}
