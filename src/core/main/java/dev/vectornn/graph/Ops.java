package dev.vectornn.graph;

import dev.vectornn.kernel.BinaryOp;
import dev.vectornn.kernel.UnaryOp;
import java.util.List;

/**
 * The op table: every op the library offers, in one place (PyTorch's {@code derivatives.yaml}
 * in spirit). Each entry's forward and VJP live side by side in its family file; adding an op
 * means one line here, its definition in a family file and a builder method on {@link Graph}.
 * {@link #all()} lets tests and the CLI iterate the table, so no op escapes the gradient checks.
 */
public final class Ops {
    private Ops() {}

    // element-wise arithmetic (ElementwiseOps)
    /** {@code a + b}, broadcasting. */
    public static final OpDef ADD = new ElementwiseOps.Binary("add", BinaryOp.ADD);
    /** {@code a - b}, broadcasting. */
    public static final OpDef SUB = new ElementwiseOps.Binary("sub", BinaryOp.SUB);
    /** {@code a * b}, broadcasting. */
    public static final OpDef MUL = new ElementwiseOps.Binary("mul", BinaryOp.MUL);
    /** {@code a / b}, broadcasting. */
    public static final OpDef DIV = new ElementwiseOps.Binary("div", BinaryOp.DIV);
    /** {@code x * s}. */
    public static final OpDef MUL_SCALAR = new ElementwiseOps.MulScalar();
    /** {@code x + s}. */
    public static final OpDef ADD_SCALAR = new ElementwiseOps.AddScalar();
    /** {@code x ^ p} for a scalar exponent. */
    public static final OpDef POW = new ElementwiseOps.Pow();

    // element-wise functions (UnaryOps)
    /** {@code -x}. */
    public static final OpDef NEG = new UnaryOps.Unary("neg", UnaryOp.NEG);
    /** {@code x^2}. */
    public static final OpDef SQUARE = new UnaryOps.Unary("square", UnaryOp.SQUARE);
    /** {@code sqrt(x)}. */
    public static final OpDef SQRT = new UnaryOps.Unary("sqrt", UnaryOp.SQRT);
    /** {@code e^x}. */
    public static final OpDef EXP = new UnaryOps.Unary("exp", UnaryOp.EXP);
    /** {@code ln x}. */
    public static final OpDef LOG = new UnaryOps.Unary("log", UnaryOp.LOG);
    /** {@code tanh x}. */
    public static final OpDef TANH = new UnaryOps.Unary("tanh", UnaryOp.TANH);
    /** logistic sigmoid. */
    public static final OpDef SIGMOID = new UnaryOps.Unary("sigmoid", UnaryOp.SIGMOID);
    /** {@code max(x, 0)}. */
    public static final OpDef RELU = new UnaryOps.Unary("relu", UnaryOp.RELU);
    /** exact GELU. */
    public static final OpDef GELU = new UnaryOps.Unary("gelu", UnaryOp.GELU);
    /** tanh-approximated GELU. */
    public static final OpDef GELU_TANH = new UnaryOps.Unary("geluTanh", UnaryOp.GELU_TANH);

    // linear algebra (MatmulOps)
    /** {@code op(a) @ op(b)}, 2-D or batched 3-D. */
    public static final OpDef MATMUL = new MatmulOps.Matmul();
    /** {@code x @ w^T + b}, a linear layer in one GEMM. */
    public static final OpDef LINEAR = new MatmulOps.Linear();

    // reductions (ReduceOps)
    /** sum over axes. */
    public static final OpDef SUM = new ReduceOps.Reduce("sum", false);
    /** mean over axes. */
    public static final OpDef MEAN = new ReduceOps.Reduce("mean", true);

    // movement (ShapeOps)
    /** new shape, same elements (a view). */
    public static final OpDef RESHAPE = new ShapeOps.Reshape();
    /** reorder dimensions. */
    public static final OpDef PERMUTE = new ShapeOps.Permute();
    /** a range along one axis. */
    public static final OpDef SLICE = new ShapeOps.Slice();
    /** join along one axis. */
    public static final OpDef CONCAT = new ShapeOps.Concat();

    // softmax family (SoftmaxOps)
    /** softmax over the last axis. */
    public static final OpDef SOFTMAX = new SoftmaxOps.Softmax("softmax", false);
    /** log-softmax over the last axis. */
    public static final OpDef LOG_SOFTMAX = new SoftmaxOps.Softmax("logSoftmax", true);

    // normalization and regularization (NormOps)
    /** layer norm over the last axis. */
    public static final OpDef LAYER_NORM = new NormOps.LayerNorm();
    /** inverted dropout (training plans). */
    public static final OpDef DROPOUT = new NormOps.Dropout();

    // indices and masks (IndexOps)
    /** embedding lookup. */
    public static final OpDef GATHER = new IndexOps.Gather();
    /** {@code mask ? value : x}. */
    public static final OpDef MASKED_FILL = new IndexOps.MaskedFill();
    /** causal attention mask on {@code [..., T, T]} scores. */
    public static final OpDef CAUSAL_MASK = new IndexOps.CausalMask();
    /** attention weights: scale, causal and key-padding masks and softmax over {@code [..., T, S]} scores, fused. */
    public static final OpDef ATTENTION_SOFTMAX = new SoftmaxOps.AttentionSoftmax();
    /** multi-head attention from a packed {@code [B, T, 3E]} projection to {@code [B, T, E]}, heads read and written in place. */
    public static final OpDef PACKED_ATTENTION = new AttentionOps.PackedAttention();

    // recurrent cells (RecurrentOps)
    /** fused LSTM gate nonlinearities and state update: {@code [B,4H]} gates (and {@code [B,H]} c) to {@code [2,B,H]} (h, c). */
    public static final OpDef LSTM_CELL = new RecurrentOps.LstmCell();
    /** a whole LSTM layer's recurrence: {@code [T,B,4H]} input projections and {@code W_hh} to {@code [T+1,B,H]} (every h, the last c). */
    public static final OpDef LSTM_LAYER = new RecurrentOps.LstmLayer();
    /** a whole Elman RNN layer's recurrence: {@code [T,B,H]} input projections and {@code W_hh} to every {@code h_t}. */
    public static final OpDef RNN_LAYER = new RecurrentOps.RnnLayer();

    // losses (LossOps)
    /** fused cross-entropy from logits with integer targets, ignore index and label smoothing. */
    public static final OpDef CROSS_ENTROPY = new LossOps.CrossEntropy();
    /** mean squared error. */
    public static final OpDef MSE = new LossOps.Mse();
    /** binary cross-entropy with logits. */
    public static final OpDef BCE_WITH_LOGITS = new LossOps.BceWithLogits();

    private static final List<OpDef> ALL = List.of(
            ADD, SUB, MUL, DIV, MUL_SCALAR, ADD_SCALAR, POW,
            NEG, SQUARE, SQRT, EXP, LOG, TANH, SIGMOID, RELU, GELU, GELU_TANH,
            MATMUL, LINEAR, SUM, MEAN, RESHAPE, PERMUTE, SLICE, CONCAT, SOFTMAX, LOG_SOFTMAX,
            LAYER_NORM, DROPOUT, GATHER, MASKED_FILL, CAUSAL_MASK, ATTENTION_SOFTMAX, PACKED_ATTENTION, LSTM_CELL, LSTM_LAYER, RNN_LAYER, CROSS_ENTROPY, MSE, BCE_WITH_LOGITS);

    /** Every registered op, in table order. */
    public static List<OpDef> all() {
        return ALL;
    }

    /**
     * The op named {@code name}.
     *
     * @throws IllegalArgumentException if there is none, listing the known names
     */
    public static OpDef byName(String name) {
        for (OpDef op : ALL) if (op.name().equals(name)) return op;
        throw new IllegalArgumentException("no op named '" + name + "'; ops are "
                + ALL.stream().map(OpDef::name).toList());
    }
}
