package dev.vectornn.lm;

import java.util.Objects;

/**
 * pytorch/examples' {@code word_language_model} batching for an LSTM language model with truncated
 * backpropagation through time. {@code batchify} drops the stream's last {@code n % batch} tokens and
 * lays the rest out as {@code batch} columns of {@code rows = n / batch} consecutive tokens: column
 * {@code b} holds {@code tokens[b * rows .. (b+1) * rows)}, so {@link #at at(r, b)} is
 * {@code tokens[b * rows + r]}. {@code get_batch} then walks the rows in windows: the window at row
 * {@code i} has {@code seqLen = min(bptt, rows - 1 - i)} time steps, inputs rows
 * {@code [i, i + seqLen)} and targets rows {@code [i + 1, i + 1 + seqLen)}; windows start at
 * {@code i = 0, bptt, 2 bptt, ...} while {@code i < rows - 1}. Each column is an independent stream,
 * so the LSTM state carried from one window to the next stays meaningful.
 *
 * <p>Buffers are time-major like PyTorch's {@code [seq_len, batch]} tensors: element {@code (t, b)}
 * is at {@code t * batch + b}, and the targets use the same layout ({@code target.view(-1)}).
 * {@link #position()} / {@link #seek} save and restore where the iteration is, for resume.
 * {@link #next} allocates nothing.
 *
 * <p>Not thread-safe (it holds a position).
 */
public final class BpttBatcher {
    private final int[] data;
    private final int batch;
    private final int bptt;
    private final int rows;
    private int position;

    /**
     * Batchifies {@code tokens} (copied into the column layout) for windows of up to {@code bptt}.
     *
     * @param tokens the token stream of one split
     * @param batch columns, {@code >= 1} (pytorch/examples: 20 for training, 10 for evaluation)
     * @param bptt the longest window, {@code >= 1} (pytorch/examples: 35)
     * @throws IllegalArgumentException if {@code batch} or {@code bptt} is below 1, or the stream
     *     gives fewer than 2 rows (no window with a target)
     */
    public BpttBatcher(int[] tokens, int batch, int bptt) {
        Objects.requireNonNull(tokens, "tokens");
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        if (bptt < 1) throw new IllegalArgumentException("bptt must be >= 1, got " + bptt);
        int rows = tokens.length / batch;
        if (rows < 2) {
            throw new IllegalArgumentException("a stream of " + tokens.length + " tokens in " + batch
                    + " columns gives " + rows + " row(s); a window needs at least 2");
        }
        this.batch = batch;
        this.bptt = bptt;
        this.rows = rows;
        this.data = new int[rows * batch];
        for (int b = 0; b < batch; b++) {
            for (int r = 0; r < rows; r++) data[r * batch + b] = tokens[b * rows + r];
        }
    }

    /** Columns (the batch size). */
    public int batch() {
        return batch;
    }

    /** The longest window. */
    public int bptt() {
        return bptt;
    }

    /** Rows of the batchified stream: {@code n / batch}. */
    public int rows() {
        return rows;
    }

    /** The number of windows in one pass: {@code ceil((rows - 1) / bptt)}. */
    public int windows() {
        return (rows - 1 + bptt - 1) / bptt;
    }

    /**
     * The batchified token at row {@code row}, column {@code column}.
     *
     * @throws IndexOutOfBoundsException if either index is out of range
     */
    public int at(int row, int column) {
        Objects.checkIndex(row, rows);
        Objects.checkIndex(column, batch);
        return data[row * batch + column];
    }

    /** Whether another window remains in this pass. */
    public boolean hasNext() {
        return position < rows - 1;
    }

    /** The number of time steps the next window will have: {@code min(bptt, rows - 1 - position())}. */
    public int nextLength() {
        if (!hasNext()) throw new IllegalStateException("no window left; call reset() for another pass");
        return Math.min(bptt, rows - 1 - position);
    }

    /**
     * Fills the next window and advances past it.
     *
     * @param inputs receives {@code seqLen * batch} input ids, time-major, from index 0
     * @param targets receives the targets (inputs one row later), same layout
     * @return {@code seqLen}, the number of time steps written
     * @throws IllegalStateException if the pass is over ({@link #hasNext()} is false)
     * @throws IllegalArgumentException if a buffer is shorter than {@code bptt * batch} (nothing
     *     is written and the position does not move)
     */
    public int next(int[] inputs, int[] targets) {
        int size = bptt * batch;
        if (inputs.length < size || targets.length < size) {
            throw new IllegalArgumentException("buffers of " + inputs.length + " and " + targets.length
                    + " ints; bptt " + bptt + " x batch " + batch + " needs " + size);
        }
        int seqLen = nextLength();
        System.arraycopy(data, position * batch, inputs, 0, seqLen * batch);
        System.arraycopy(data, (position + 1) * batch, targets, 0, seqLen * batch);
        position += seqLen;
        return seqLen;
    }

    /** The row where the next window starts: save it with a checkpoint; see {@link #seek}. */
    public int position() {
        return position;
    }

    /**
     * Continues from a position saved by {@link #position()}.
     *
     * @param position a row in {@code [0, rows - 1]}; {@code rows - 1} means the pass is over
     * @throws IllegalArgumentException if {@code position} is out of that range or is not a window
     *     start of this batcher ({@code position % bptt != 0} and not {@code rows - 1})
     */
    public void seek(int position) {
        if (position < 0 || position > rows - 1 || (position % bptt != 0 && position != rows - 1)) {
            throw new IllegalArgumentException("position " + position + " is not a window start of this batcher ("
                    + rows + " rows, bptt " + bptt + ")");
        }
        this.position = position;
    }

    /** Starts a new pass from row 0. */
    public void reset() {
        position = 0;
    }
}
