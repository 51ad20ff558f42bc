package dev.vectornn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad arguments are rejected at the boundary, by both implementations alike, with an
 * {@link IllegalArgumentException} (or {@link NullPointerException} for a missing array) whose
 * message starts with the kernel's name and shows the values at fault. Never an
 * {@link ArrayIndexOutOfBoundsException} from inside a loop, never a silent partial write.
 */
class KernelArgumentsTest {

    static Stream<Kernels> kernels() {
        return Stream.of(KernelProvider.scalar(), KernelProvider.vector());
    }

    /** One bad call: what it is, the exception type, and fragments its message must contain (the first is the kernel name). */
    record Bad(String label, Class<? extends RuntimeException> type, Call call, String... fragments) {
        @Override
        public String toString() {
            return label;
        }
    }

    @FunctionalInterface
    interface Call {
        void on(Kernels k);
    }

    static final float[] A10 = new float[10];
    static final float[] B10 = new float[10];
    static final float[] C10 = new float[10];

    static List<Bad> badCalls() {
        List<Bad> bad = new ArrayList<>();
        Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        Class<NullPointerException> npe = NullPointerException.class;
        float[] a = A10, b = B10, c = C10;
        // level 1
        bad.add(new Bad("dot n<0", iae, k -> k.dot(-1, a, 0, b, 0), "dot", "n", "-1"));
        bad.add(new Bad("dot y past end", iae, k -> k.dot(8, a, 0, b, 5), "dot", "y", "8", "5", "10"));
        bad.add(new Bad("axpy x past end", iae, k -> k.axpy(8, 1f, a, 5, b, 0), "axpy", "x", "8", "5", "10"));
        bad.add(new Bad("axpy null y", npe, k -> k.axpy(1, 1f, a, 0, null, 0), "axpy", "y"));
        bad.add(new Bad("scale negative offset", iae, k -> k.scale(1, 2f, a, -3, b, 0), "scale", "x", "offset", "-3"));
        bad.add(new Bad("fill past end", iae, k -> k.fill(11, 0f, a, 0), "fill", "x", "11", "10"));
        bad.add(new Bad("fill overflowing offset+n", iae, k -> k.fill(Integer.MAX_VALUE, 0f, a, 5), "fill", "x", String.valueOf(Integer.MAX_VALUE), "10"));
        // element-wise
        bad.add(new Bad("binary null op", npe, k -> k.binary(null, 1, a, 0, b, 0, c, 0), "binary", "op"));
        bad.add(new Bad("binary c past end", iae, k -> k.binary(BinaryOp.DIV, 6, a, 0, b, 0, c, 6), "binary(DIV)", "c", "6", "10"));
        bad.add(new Bad("binary null b", npe, k -> k.binary(BinaryOp.ADD, 1, a, 0, null, 0, c, 0), "binary(ADD)", "b"));
        bad.add(new Bad("binaryRow lda < cols", iae, k -> k.binaryRow(BinaryOp.MUL, 2, 4, a, 0, 3, b, 0, c, 0, 4),
                "binaryRow(MUL)", "a", "3", "4"));
        bad.add(new Bad("binaryRow matrix past end", iae, k -> k.binaryRow(BinaryOp.SUB, 3, 4, a, 0, 4, b, 0, c, 0, 4),
                "binaryRow(SUB)", "3x4", "12", "10"));
        bad.add(new Bad("binaryCol b shorter than rows", iae, k -> k.binaryCol(BinaryOp.ADD, 3, 2, a, 0, 2, b, 8, c, 0, 2),
                "binaryCol(ADD)", "b", "3", "8", "10"));
        bad.add(new Bad("unary y past end", iae, k -> k.unary(UnaryOp.EXP, 5, a, 0, b, 6), "unary(EXP)", "y", "5", "6", "10"));
        bad.add(new Bad("unary n<0", iae, k -> k.unary(UnaryOp.GELU, -7, a, 0, b, 0), "unary(GELU)", "n", "-7"));
        bad.add(new Bad("unaryBackward null dx", npe, k -> k.unaryBackward(UnaryOp.TANH, 1, a, 0, b, 0, c, 0, null, 0),
                "unaryBackward(TANH)", "dx"));
        bad.add(new Bad("geluWithDerivative d past end", iae, k -> k.geluWithDerivative(4, a, 0, b, 0, c, 7),
                "geluWithDerivative", "d", "4", "7", "10"));
        bad.add(new Bad("geluWithDerivative d overlaps x", iae, k -> k.geluWithDerivative(4, a, 0, b, 0, a, 2),
                "geluWithDerivative", "d", "[2, 6)", "x", "[0, 4)"));
        bad.add(new Bad("geluWithDerivative y shifted onto x", iae, k -> k.geluWithDerivative(4, a, 0, a, 1, c, 0),
                "geluWithDerivative", "y", "[1, 5)", "x"));
        bad.add(new Bad("geluWithDerivative null x", npe, k -> k.geluWithDerivative(1, null, 0, b, 0, c, 0),
                "geluWithDerivative", "x"));
        bad.add(new Bad("addRows lda < cols", iae, k -> k.addRows(2, 4, 1f, a, 0, 3, b, 0), "addRows", "a", "3", "4"));
        bad.add(new Bad("addRows y shorter than cols", iae, k -> k.addRows(1, 4, 1f, a, 0, 4, b, 7), "addRows", "y", "4", "7"));
        bad.add(new Bad("addRows y inside a", iae, k -> k.addRows(2, 3, 1f, a, 0, 3, a, 4), "addRows", "y", "[4, 7)", "[0, 6)"));
        bad.add(new Bad("addRows null a", npe, k -> k.addRows(1, 2, 1f, null, 0, 2, b, 0), "addRows", "a"));
        bad.add(new Bad("gatherRows row past src", iae, k -> k.gatherRows(2, 3, a, 1, new int[] {0, 7}, 1, b, 0, false),
                "gatherRows", "row 1", "[8, 10]", "10"));
        bad.add(new Bad("gatherRows strided row past src", iae, k -> k.gatherRows(1, 3, a, 0, new int[] {2}, 4, b, 0, false),
                "gatherRows", "row 0", "[2, 10]", "srcInc 4"));
        bad.add(new Bad("gatherRows negative start", iae, k -> k.gatherRows(1, 2, a, 1, new int[] {-3}, 1, b, 0, true),
                "gatherRows", "row 0", "-2"));
        bad.add(new Bad("gatherRows too few offsets", iae, k -> k.gatherRows(3, 1, a, 0, new int[] {0, 1}, 1, b, 0, false),
                "gatherRows", "rowOffsets", "2", "3"));
        bad.add(new Bad("gatherRows dst past end", iae, k -> k.gatherRows(2, 3, a, 0, new int[] {0, 3}, 1, b, 5, false),
                "gatherRows", "dst", "6", "5"));
        bad.add(new Bad("gatherRows dst over a source row", iae, k -> k.gatherRows(2, 2, a, 0, new int[] {0, 6}, 1, a, 3, false),
                "gatherRows", "dst [3, 7)", "[0, 7]"));
        bad.add(new Bad("gatherRows negative srcInc", iae, k -> k.gatherRows(1, 2, a, 0, new int[] {0}, -1, b, 0, false),
                "gatherRows", "srcInc", "-1"));
        bad.add(new Bad("gatherRows null offsets", npe, k -> k.gatherRows(1, 2, a, 0, null, 1, b, 0, false),
                "gatherRows", "rowOffsets"));
        // reductions
        bad.add(new Bad("sum past end", iae, k -> k.sum(4, a, 7), "sum", "x", "4", "7", "10"));
        bad.add(new Bad("max n == 0", iae, k -> k.max(0, a, 0), "max", "n", "0"));
        bad.add(new Bad("argmax n == 0", iae, k -> k.argmax(0, a, 0), "argmax", "n", "0"));
        bad.add(new Bad("argmax null", npe, k -> k.argmax(3, null, 0), "argmax", "x"));
        // rows
        bad.add(new Bad("softmax ldx < cols", iae, k -> k.softmax(2, 5, a, 0, 4, b, 0, 5), "softmax", "x", "4", "5"));
        bad.add(new Bad("logSoftmax y past end", iae, k -> k.logSoftmax(2, 5, a, 0, 5, b, 1, 5), "logSoftmax", "y", "11", "10"));
        bad.add(new Bad("softmaxBackward null dx", npe, k -> k.softmaxBackward(1, 2, a, 0, 2, b, 0, 2, null, 0, 2), "softmaxBackward", "dx"));
        bad.add(new Bad("logSoftmaxBackward dy ld < cols", iae, k -> k.logSoftmaxBackward(2, 3, a, 0, 3, b, 0, 2, c, 0, 3),
                "logSoftmaxBackward", "dy", "2", "3"));
        int[] t2 = {1, 4};
        bad.add(new Bad("crossEntropyBackward target out of range", IndexOutOfBoundsException.class,
                k -> k.crossEntropyBackward(2, 5, a, 0, new int[] {1, 7}, 0, -100, 0f, 1f, b, 0, false),
                "crossEntropyBackward", "target 7", "row 1", "[0, 5)", "-100"));
        bad.add(new Bad("crossEntropyBackward negative target", IndexOutOfBoundsException.class,
                k -> k.crossEntropyBackward(2, 5, a, 0, new int[] {-1, 0}, 0, -100, 0f, 1f, b, 0, false),
                "crossEntropyBackward", "target -1", "row 0"));
        bad.add(new Bad("crossEntropyBackward dx past end", iae,
                k -> k.crossEntropyBackward(2, 5, a, 0, t2, 0, -100, 0f, 1f, b, 1, false),
                "crossEntropyBackward", "dx", "10", "1"));
        bad.add(new Bad("crossEntropyBackward targets too short", iae,
                k -> k.crossEntropyBackward(2, 5, a, 0, new int[] {1}, 0, -100, 0f, 1f, b, 0, false),
                "crossEntropyBackward", "targets", "2", "1"));
        bad.add(new Bad("crossEntropyBackward dx overlaps lp", iae,
                k -> k.crossEntropyBackward(1, 5, a, 0, t2, 0, -100, 0f, 1f, a, 3, false),
                "crossEntropyBackward", "overlaps", "[3, 8)", "[0, 5)"));
        bad.add(new Bad("crossEntropyBackward smoothing above 1", iae,
                k -> k.crossEntropyBackward(2, 5, a, 0, t2, 0, -100, 1.5f, 1f, b, 0, false),
                "crossEntropyBackward", "smoothing", "1.5"));
        float[] st6 = new float[6];
        bad.add(new Bad("crossEntropyBackward from logits: stats too short", iae,
                k -> k.crossEntropyBackward(2, 5, a, 0, new float[5], 0, t2, 0, -100, 0f, 1f, b, 0, false),
                "crossEntropyBackward", "stats", "6", "5"));
        bad.add(new Bad("crossEntropyBackward from logits: dx overlaps stats", iae,
                k -> k.crossEntropyBackward(1, 3, a, 0, b, 0, new int[] {1}, 0, -100, 0f, 1f, b, 2, false),
                "crossEntropyBackward", "dx", "overlaps", "stats", "[2, 5)", "[0, 3)"));
        bad.add(new Bad("crossEntropyBackward from logits: dx overlaps x", iae,
                k -> k.crossEntropyBackward(1, 5, a, 0, st6, 0, new int[] {1}, 0, -100, 0f, 1f, a, 4, false),
                "crossEntropyBackward", "dx", "overlaps", "x", "[4, 9)", "[0, 5)"));
        bad.add(new Bad("crossEntropyBackward from logits: stats overlaps x", iae,
                k -> k.crossEntropyBackward(1, 5, a, 0, a, 4, new int[] {1}, 0, -100, 0f, 1f, b, 0, false),
                "crossEntropyBackward", "stats", "overlaps", "x", "[4, 7)", "[0, 5)"));
        bad.add(new Bad("crossEntropyBackward from logits: target out of range", IndexOutOfBoundsException.class,
                k -> k.crossEntropyBackward(2, 5, a, 0, st6, 0, new int[] {1, 5}, 0, -100, 0f, 1f, b, 0, false),
                "crossEntropyBackward", "target 5", "row 1"));
        bad.add(new Bad("logSoftmaxStats stats too short", iae,
                k -> k.logSoftmaxStats(2, 5, a, 0, 5, new float[5], 0), "logSoftmaxStats", "stats", "6", "5"));
        bad.add(new Bad("logSoftmaxStats stats overlaps x", iae,
                k -> k.logSoftmaxStats(1, 5, a, 0, 5, a, 3), "logSoftmaxStats", "stats", "overlaps", "x"));
        bad.add(new Bad("logSoftmaxStats ldx < cols", iae,
                k -> k.logSoftmaxStats(2, 5, a, 0, 4, st6, 0), "logSoftmaxStats", "x", "4", "5"));
        bad.add(new Bad("crossEntropyBackward null targets", npe,
                k -> k.crossEntropyBackward(2, 5, a, 0, null, 0, -100, 0f, 1f, b, 0, false),
                "crossEntropyBackward", "targets"));
        bad.add(new Bad("layerNorm gamma shorter than cols", iae,
                k -> k.layerNorm(1, 5, a, 0, new float[4], 0, null, 0, 1e-5f, b, 0, null, 0, null, 0), "layerNorm", "gamma", "5", "4"));
        bad.add(new Bad("layerNorm negative eps", iae,
                k -> k.layerNorm(1, 5, a, 0, null, 0, null, 0, -1f, b, 0, null, 0, null, 0), "layerNorm", "eps", "-1.0"));
        bad.add(new Bad("layerNorm NaN eps", iae,
                k -> k.layerNorm(1, 5, a, 0, null, 0, null, 0, Float.NaN, b, 0, null, 0, null, 0), "layerNorm", "eps", "NaN"));
        bad.add(new Bad("layerNorm x past end (rows*cols)", iae,
                k -> k.layerNorm(3, 4, a, 0, null, 0, null, 0, 1e-5f, new float[12], 0, null, 0, null, 0), "layerNorm", "x", "12", "10"));
        bad.add(new Bad("layerNormBackward null rstd", npe,
                k -> k.layerNormBackward(1, 2, a, 0, b, 0, c, 0, null, 0, null, 0, new float[2], 0, null, 0, null, 0), "layerNormBackward", "rstd"));
        // attention softmax
        bad.add(new Bad("attentionSoftmax x shorter than rows x cols", iae,
                k -> k.attentionSoftmax(3, 4, 1f, true, a, 0, null, 0, new float[12], 0), "attentionSoftmax", "x", "12", "10"));
        bad.add(new Bad("attentionSoftmax keyMask past end", iae,
                k -> k.attentionSoftmax(2, 4, 1f, false, new float[8], 0, a, 7, new float[8], 0), "attentionSoftmax", "keyMask", "4", "7"));
        bad.add(new Bad("attentionSoftmax NaN scale", iae,
                k -> k.attentionSoftmax(1, 2, Float.NaN, false, a, 0, null, 0, b, 0), "attentionSoftmax", "scale", "NaN"));
        bad.add(new Bad("attentionSoftmax null y", npe,
                k -> k.attentionSoftmax(1, 2, 1f, false, a, 0, null, 0, null, 0), "attentionSoftmax", "y"));
        bad.add(new Bad("attentionSoftmaxBatched keyMask inside y", iae,
                k -> k.attentionSoftmaxBatched(2, 2, 2, 1f, false, a, 0, b, 2, 1, b, 0),
                "attentionSoftmaxBatched", "keyMask", "[2, 6)", "y", "[0, 8)"));
        bad.add(new Bad("attentionSoftmax keyMask inside y", iae,
                k -> k.attentionSoftmax(2, 2, 1f, false, a, 0, b, 3, b, 0), "attentionSoftmax", "keyMask", "[3, 5)", "y", "[0, 4)"));
        bad.add(new Bad("attentionSoftmaxBackward dy past end", iae,
                k -> k.attentionSoftmaxBackward(2, 3, 1f, true, a, 0, b, 5, null, 0, c, 0), "attentionSoftmaxBackward", "dy", "6", "5"));
        bad.add(new Bad("attentionSoftmaxBackward negative cols", iae,
                k -> k.attentionSoftmaxBackward(2, -3, 1f, true, a, 0, b, 0, null, 0, c, 0), "attentionSoftmaxBackward", "cols", "-3"));
        bad.add(new Bad("attentionSoftmaxBackward infinite scale", iae,
                k -> k.attentionSoftmaxBackward(1, 1, Float.POSITIVE_INFINITY, false, a, 0, b, 0, null, 0, c, 0),
                "attentionSoftmaxBackward", "scale", "Infinity"));
        bad.add(new Bad("attentionSoftmaxBatched x shorter than batch x rows x cols", iae,
                k -> k.attentionSoftmaxBatched(2, 2, 3, 1f, true, a, 0, null, 0, 1, new float[12], 0),
                "attentionSoftmaxBatched", "x", "12", "10"));
        bad.add(new Bad("attentionSoftmaxBatched keyMask rows past end", iae,
                k -> k.attentionSoftmaxBatched(4, 1, 2, 1f, false, new float[8], 0, a, 7, 2, new float[8], 0),
                "attentionSoftmaxBatched", "keyMask", "4", "7"));
        bad.add(new Bad("attentionSoftmaxBatched matricesPerMask 0", iae,
                k -> k.attentionSoftmaxBatched(2, 1, 2, 1f, false, new float[4], 0, a, 0, 0, new float[4], 0),
                "attentionSoftmaxBatched", "matricesPerMask", "0"));
        bad.add(new Bad("attentionSoftmaxBatched negative batch", iae,
                k -> k.attentionSoftmaxBatched(-1, 1, 2, 1f, false, a, 0, null, 0, 1, b, 0), "attentionSoftmaxBatched", "batch", "-1"));
        bad.add(new Bad("attentionSoftmaxBatched NaN scale", iae,
                k -> k.attentionSoftmaxBatched(1, 1, 2, Float.NaN, false, a, 0, null, 0, 1, b, 0), "attentionSoftmaxBatched", "scale", "NaN"));
        bad.add(new Bad("attentionSoftmaxBackwardBatched keyMask inside dx", iae,
                k -> k.attentionSoftmaxBackwardBatched(2, 1, 2, 1f, false, a, 0, c, 0, b, 3, 1, b, 0),
                "attentionSoftmaxBackwardBatched", "keyMask", "[3, 7)", "dx", "[0, 4)"));
        bad.add(new Bad("attentionSoftmaxBackwardBatched dy past end", iae,
                k -> k.attentionSoftmaxBackwardBatched(2, 2, 2, 1f, true, new float[8], 0, a, 5, null, 0, 1, new float[8], 0),
                "attentionSoftmaxBackwardBatched", "dy", "8", "5"));
        bad.add(new Bad("attentionSoftmaxBackwardBatched null y", npe,
                k -> k.attentionSoftmaxBackwardBatched(1, 1, 2, 1f, false, null, 0, a, 0, null, 0, 1, b, 0),
                "attentionSoftmaxBackwardBatched", "y"));
        // recurrent cells
        bad.add(new Bad("lstmCell gates shorter than rows x 4H", iae,
                k -> k.lstmCell(2, 2, new float[15], 0, null, 0, new float[16], 0, new float[4], 0, new float[4], 0, new float[4], 0),
                "lstmCell", "gates", "16", "15"));
        bad.add(new Bad("lstmCell cPrev past end", iae,
                k -> k.lstmCell(2, 2, new float[16], 0, a, 7, new float[16], 0, new float[4], 0, new float[4], 0, new float[4], 0),
                "lstmCell", "cPrev", "4", "7", "10"));
        bad.add(new Bad("lstmCell null h", npe,
                k -> k.lstmCell(1, 2, new float[8], 0, null, 0, new float[8], 0, new float[2], 0, null, 0, new float[2], 0),
                "lstmCell", "h"));
        bad.add(new Bad("lstmCell hidden too large for 4H", iae,
                k -> k.lstmCell(1, Integer.MAX_VALUE / 2, a, 0, null, 0, b, 0, c, 0, c, 0, c, 0), "lstmCell", "hidden",
                String.valueOf(Integer.MAX_VALUE / 2)));
        bad.add(new Bad("lstmCellBackward cPrev without dcPrev", iae,
                k -> k.lstmCellBackward(1, 2, new float[8], 0, new float[2], 0, new float[2], 0, new float[2], 0,
                        new float[2], 0, new float[8], 0, null, 0), "lstmCellBackward", "cPrev", "dcPrev"));
        bad.add(new Bad("lstmCellBackward dGates past end", iae,
                k -> k.lstmCellBackward(1, 2, new float[8], 0, new float[2], 0, null, 0, new float[2], 0,
                        new float[2], 0, new float[8], 1, null, 0), "lstmCellBackward", "dGates", "8", "1"));
        bad.add(new Bad("lstmCellBackward negative rows", iae,
                k -> k.lstmCellBackward(-1, 2, a, 0, b, 0, null, 0, c, 0, c, 0, a, 0, null, 0), "lstmCellBackward", "rows", "-1"));
        // optimizers
        bad.add(new Bad("sgd momentum without buffer", npe,
                k -> k.sgdUpdate(2, a, 0, b, 0, null, 0, 0.1f, 0.9f, 0f, 0f, false, false), "sgdUpdate", "buf"));
        bad.add(new Bad("sgd nesterov with dampening", iae,
                k -> k.sgdUpdate(2, a, 0, b, 0, c, 0, 0.1f, 0.9f, 0.5f, 0f, true, false), "sgdUpdate", "Nesterov", "0.5"));
        bad.add(new Bad("adam step 0", iae,
                k -> k.adamUpdate(2, a, 0, b, 0, c, 0, new float[2], 0, null, 0, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, 0), "adamUpdate", "step", "0"));
        bad.add(new Bad("adamW step -5", iae,
                k -> k.adamUpdate(2, a, 0, b, 0, c, 0, new float[2], 0, null, 0, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, true, -5), "adamUpdate(AdamW)", "step", "-5"));
        bad.add(new Bad("adam beta1 = 1", iae,
                k -> k.adamUpdate(2, a, 0, b, 0, c, 0, new float[2], 0, null, 0, 1e-3f, 1f, 0.999f, 1e-8f, 0f, false, 1), "adamUpdate", "betas", "1.0"));
        bad.add(new Bad("adam vMax too short", iae,
                k -> k.adamUpdate(3, a, 0, b, 0, c, 0, new float[3], 0, new float[2], 0, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, 1), "adamUpdate", "vMax", "3", "2"));
        // level 2 and 3
        bad.add(new Bad("gemv T: x must have m elements", iae,
                k -> k.gemv(Transpose.T, 5, 2, 1f, a, 0, 2, new float[2], 0, 0f, new float[2], 0), "gemv", "x", "5", "2"));
        bad.add(new Bad("gemv lda < n", iae, k -> k.gemv(Transpose.N, 2, 3, 1f, a, 0, 2, b, 0, 0f, c, 0), "gemv", "a", "2", "3"));
        bad.add(new Bad("gemv null transA", npe, k -> k.gemv(null, 2, 3, 1f, a, 0, 3, b, 0, 0f, c, 0), "gemv", "transA"));
        bad.add(new Bad("gemm k larger than a holds (lda < k)", iae,
                k -> k.gemm(Transpose.N, Transpose.N, 2, 2, 5, 1f, a, 0, 3, new float[10], 0, 2, 0f, new float[4], 0, 2), "gemm", "a", "3", "5"));
        bad.add(new Bad("gemm b too short for k x n", iae,
                k -> k.gemm(Transpose.N, Transpose.N, 2, 4, 3, 1f, new float[6], 0, 3, new float[11], 0, 4, 0f, new float[8], 0, 4), "gemm", "b", "3x4", "12", "11"));
        bad.add(new Bad("gemm transposed a stored k x m", iae,
                k -> k.gemm(Transpose.T, Transpose.N, 4, 2, 3, 1f, new float[12], 0, 3, new float[6], 0, 2, 0f, new float[8], 0, 2), "gemm", "a (transposed", "3", "4"));
        bad.add(new Bad("gemm ldc < n", iae,
                k -> k.gemm(Transpose.N, Transpose.T, 2, 3, 2, 1f, new float[4], 0, 2, new float[6], 0, 2, 0f, new float[9], 0, 2), "gemm", "c", "2", "3"));
        bad.add(new Bad("gemm c overlaps a in the same array", iae, k -> {
            float[] same = new float[16];
            // a spans [0, 4), c spans [3, 7): one shared element is enough
            k.gemm(Transpose.N, Transpose.N, 2, 2, 2, 1f, same, 0, 2, new float[4], 0, 2, 0f, same, 3, 2);
        }, "gemm", "c spans [3, 7)", "a spans [0, 4)", "overlap"));
        bad.add(new Bad("gemm c overlaps transposed b by its leading dimension", iae, k -> {
            float[] same = new float[32];
            // b is stored n x k = 3x2 with ldb 5: span [10, 22); c is 2x3 at 20: span [20, 26)
            k.gemm(Transpose.N, Transpose.T, 2, 3, 2, 1f, new float[4], 0, 2, same, 10, 5, 0f, same, 20, 3);
        }, "gemm", "c spans [20, 26)", "b spans [10, 22)"));
        bad.add(new Bad("gemmBatched c's later entries overlap a", iae, k -> {
            float[] same = new float[40];
            // a: 3 entries of 2x2 with stride 4: span [0, 12); c from 10 with stride 4: span [10, 22)
            k.gemmBatched(Transpose.N, Transpose.N, 3, 2, 2, 2, 1f, same, 0, 4, 2, new float[4], 0, 0, 2,
                    0f, same, 10, 4, 2);
        }, "gemmBatched", "c spans [10, 22)", "a spans [0, 12)"));
        bad.add(new Bad("packB dst too short for the packed B", iae,
                k -> k.packB(Transpose.N, 3, 2, new float[6], 0, 2, C10, 5), "packB", "dst", "5", "10"));
        bad.add(new Bad("packB null transB", npe, k -> k.packB(null, 1, 1, a, 0, 1, c, 0), "packB", "transB"));
        bad.add(new Bad("packB b too short", iae,
                k -> k.packB(Transpose.T, 3, 4, new float[11], 0, 3, new float[1024], 0), "packB", "b (transposed", "11"));
        bad.add(new Bad("packB dst overlaps b", iae, k -> {
            float[] same = new float[2048];
            k.packB(Transpose.N, 2, 2, same, 0, 2, same, 3);
        }, "packB", "dst spans [3", "b spans [0, 4)", "overlap"));
        bad.add(new Bad("packedBSize past the largest array", iae, k -> k.packedBSize(1 << 16, 1 << 16),
                "packedBSize", "65536x65536", "largest array"));
        bad.add(new Bad("packedBSize whose rounded-up n passes 2^31", iae, k -> k.packedBSize(2, Integer.MAX_VALUE),
                "packedBSize", "largest array"));
        bad.add(new Bad("gemmPacked c overlaps a", iae, k -> {
            float[] same = new float[16];
            k.gemmPacked(Transpose.N, Transpose.N, 2, 2, 2, 1f, same, 0, 2, new float[4096], 0, 0f, same, 3, 2);
        }, "gemmPacked", "c spans [3, 7)", "a spans [0, 4)"));
        bad.add(new Bad("gemmPacked packed too short", iae,
                k -> k.gemmPacked(Transpose.N, Transpose.N, 2, 4, 3, 1f, new float[6], 0, 3, new float[5], 0, 0f, C10, 0, 4),
                "gemmPacked", "packed", "5"));
        bad.add(new Bad("gemmPacked negative k", iae,
                k -> k.gemmPacked(Transpose.N, Transpose.N, 2, 2, -1, 1f, a, 0, 2, b, 0, 0f, c, 0, 2), "gemmPacked", "k", "-1"));
        bad.add(new Bad("gemmPacked c overlaps packed", iae, k -> {
            float[] same = new float[4096];
            k.gemmPacked(Transpose.N, Transpose.N, 2, 2, 2, 1f, new float[4], 0, 2, same, 0, 0f, same, 2, 2);
        }, "gemmPacked", "c spans [2, 6)", "packed spans [0"));
        bad.add(new Bad("gemm addend with a negative ldd", iae,
                k -> k.gemm(Transpose.N, Transpose.N, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2, new float[4], 0, -1),
                "gemm (with addend d)", "ldd", "-1"));
        bad.add(new Bad("gemm addend rows shorter than n", iae,
                k -> k.gemm(Transpose.N, Transpose.N, 2, 3, 2, 1f, a, 0, 2, new float[6], 0, 3, 0f, new float[6], 0, 3,
                        new float[6], 0, 2), "gemm (with addend d)", "leading dimension of d", "2", "3"));
        bad.add(new Bad("gemm addend too short", iae,
                k -> k.gemm(Transpose.N, Transpose.N, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2, new float[3], 0, 2),
                "gemm (with addend d)", "d", "3"));
        bad.add(new Bad("gemm bias row (ldd 0) too short", iae,
                k -> k.gemm(Transpose.N, Transpose.N, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2, new float[3], 2, 0),
                "gemm (with addend d)", "d (one row, ldd 0)", "2", "3"));
        bad.add(new Bad("gemm null addend", NullPointerException.class,
                k -> k.gemm(Transpose.N, Transpose.N, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2, null, 0, 2),
                "gemm (with addend d)", "d"));
        bad.add(new Bad("gemm addend overlaps c", iae, k -> {
            float[] same = new float[16];
            k.gemm(Transpose.N, Transpose.N, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, same, 0, 2, same, 3, 2);
        }, "gemm (with addend d)", "c spans [0, 4)", "d spans [3, 7)", "overlap"));
        bad.add(new Bad("gemm negative m", iae,
                k -> k.gemm(Transpose.N, Transpose.N, -2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2), "gemm", "m", "-2"));
        bad.add(new Bad("gemmBatched overlapping C entries", iae,
                k -> k.gemmBatched(Transpose.N, Transpose.N, 3, 2, 2, 2, 1f, new float[4], 0, 0, 2, new float[4], 0, 0, 2,
                        0f, new float[12], 0, 3, 2), "gemmBatched", "strideC", "3", "overlap"));
        bad.add(new Bad("gemmBatched last entry past the end", iae,
                k -> k.gemmBatched(Transpose.N, Transpose.N, 3, 2, 2, 2, 1f, new float[11], 0, 4, 2, new float[4], 0, 0, 2,
                        0f, new float[12], 0, 4, 2), "gemmBatched", "last batch entry", "a", "11"));
        bad.add(new Bad("gemmBatched negative batch", iae,
                k -> k.gemmBatched(Transpose.N, Transpose.N, -1, 2, 2, 2, 1f, a, 0, 4, 2, b, 0, 4, 2, 0f, c, 0, 4, 2), "gemmBatched", "batch", "-1"));
        bad.add(new Bad("gemmBatched null a with batch 0", npe,
                k -> k.gemmBatched(Transpose.N, Transpose.N, 0, 2, 2, 2, 1f, null, 0, 4, 2, b, 0, 4, 2, 0f, c, 0, 4, 2), "gemmBatched", "a"));
        bad.add(new Bad("gemmBatched null triangle", npe,
                k -> k.gemmBatched(null, Transpose.N, Transpose.N, 1, 2, 2, 2, 1f, a, 0, 4, 2, b, 0, 4, 2, 0f, c, 0, 4, 2),
                "gemmBatched", "triangle"));
        bad.add(new Bad("triangular gemmBatched b too short", iae,
                k -> k.gemmBatched(Triangle.LOWER_A, Transpose.N, Transpose.N, 1, 2, 4, 3, 1f, new float[6], 0, 0, 3,
                        new float[11], 0, 0, 4, 0f, new float[8], 0, 0, 4), "gemmBatched", "b", "3x4", "11"));
        return bad;
    }

    static Stream<Arguments> cases() {
        return kernels().flatMap(k -> badCalls().stream().map(b -> Arguments.of(k.name(), k, b)));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("cases")
    void rejectsWithMessageNamingKernelAndValues(String name, Kernels k, Bad bad) {
        // The output arrays are shared and zero: a rejected call must leave them untouched.
        Executable call = () -> bad.call().on(k);
        RuntimeException e = assertThrows(RuntimeException.class, call);
        assertEquals(bad.type(), e.getClass(), () -> name + " " + bad + ": expected " + bad.type().getSimpleName() + ", got " + e);
        String msg = e.getMessage();
        assertTrue(msg != null && msg.startsWith(bad.fragments()[0]),
                () -> name + " " + bad + ": message should start with the kernel name '" + bad.fragments()[0] + "': " + msg);
        for (String f : bad.fragments()) {
            assertTrue(msg.contains(f), () -> name + " " + bad + ": message lacks '" + f + "': " + msg);
        }
        for (float[] shared : new float[][] {A10, B10, C10}) {
            for (float f : shared) assertEquals(0f, f, () -> name + " " + bad + " wrote into an argument before rejecting");
        }
    }

    /** Sizes whose end index overflows int must be caught by the long arithmetic, for matrices too. */
    @ParameterizedTest
    @MethodSource("kernels")
    void hugeSizesDoNotWrapAround(Kernels k) {
        float[] x = new float[16];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> k.binaryRow(BinaryOp.ADD, 1 << 16, 1 << 16, x, 0, 1 << 16, x, 0, x, 0, 1 << 16));
        assertTrue(e.getMessage().startsWith("binaryRow(ADD)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> k.dot(Integer.MAX_VALUE, x, 1, x, 0));
        assertThrows(IllegalArgumentException.class,
                () -> k.layerNorm(1 << 16, 1 << 16, x, 0, null, 0, null, 0, 0f, x, 0, null, 0, null, 0));
    }

    /**
     * A, B and C may share one array when their index ranges are disjoint (a graph plan keeps
     * every buffer in one arena): the result equals the one computed with separate arrays,
     * and nothing outside C's range changes.
     */
    @ParameterizedTest
    @MethodSource("kernels")
    void gemmAcceptsOneArrayWithDisjointRanges(Kernels k) {
        int m = 5, n = 7, kk = 6;
        java.util.Random r = new java.util.Random(3);
        float[] a = new float[m * kk], b = new float[kk * n], c0 = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() - 0.5f;
        for (int i = 0; i < b.length; i++) b[i] = r.nextFloat() - 0.5f;
        for (int i = 0; i < c0.length; i++) c0[i] = r.nextFloat() - 0.5f;
        float[] expected = c0.clone();
        // a stored transposed (k x m) to exercise the transposed span too
        float[] at = new float[kk * m];
        for (int i = 0; i < m; i++) for (int p = 0; p < kk; p++) at[p * m + i] = a[i * kk + p];
        k.gemm(Transpose.T, Transpose.N, m, n, kk, 0.5f, at, 0, m, b, 0, n, 2f, expected, 0, n);

        // layout in one arena: [c | gap | a^T | b | guard], c first so that it is adjacent to nothing it may touch
        int cOff = 0, aOff = m * n + 3, bOff = aOff + kk * m, end = bOff + kk * n + 4;
        float[] arena = new float[end];
        java.util.Arrays.fill(arena, 42f);
        System.arraycopy(c0, 0, arena, cOff, c0.length);
        System.arraycopy(at, 0, arena, aOff, at.length);
        System.arraycopy(b, 0, arena, bOff, b.length);
        k.gemm(Transpose.T, Transpose.N, m, n, kk, 0.5f, arena, aOff, m, arena, bOff, n, 2f, arena, cOff, n);
        for (int i = 0; i < m * n; i++) assertEquals(expected[i], arena[cOff + i], k.name() + " c[" + i + "]");
        for (int i = m * n; i < aOff; i++) assertEquals(42f, arena[i], k.name() + " gap[" + i + "] written");
        for (int i = 0; i < at.length; i++) assertEquals(at[i], arena[aOff + i], "a changed");
        for (int i = 0; i < b.length; i++) assertEquals(b[i], arena[bOff + i], "b changed");
        for (int i = bOff + b.length; i < end; i++) assertEquals(42f, arena[i], "guard written");

        // batched: C after A and B in the same array, C's entries strided with padding
        int batch = 3, sa = m * kk, sb = kk * n, sc = m * n + 2;
        float[] one = new float[batch * (sa + sb + sc)];
        float[] ea = new float[batch * sa], eb = new float[batch * sb], ec = new float[batch * sc];
        for (int i = 0; i < ea.length; i++) ea[i] = r.nextFloat() - 0.5f;
        for (int i = 0; i < eb.length; i++) eb[i] = r.nextFloat() - 0.5f;
        k.gemmBatched(Transpose.N, Transpose.N, batch, m, n, kk, 1f, ea, 0, sa, kk, eb, 0, sb, n, 0f, ec, 0, sc, n);
        int oa = 0, ob = batch * sa, oc = ob + batch * sb;
        System.arraycopy(ea, 0, one, oa, ea.length);
        System.arraycopy(eb, 0, one, ob, eb.length);
        k.gemmBatched(Transpose.N, Transpose.N, batch, m, n, kk, 1f, one, oa, sa, kk, one, ob, sb, n, 0f, one, oc, sc, n);
        for (int e = 0; e < batch; e++) {
            for (int i = 0; i < m * n; i++) {
                assertEquals(ec[e * sc + i], one[oc + e * sc + i], k.name() + " batched c[" + e + "][" + i + "]");
            }
        }
    }

    /** Empty sizes with valid arrays are legal and do nothing (max and argmax excepted, above). */
    @ParameterizedTest
    @MethodSource("kernels")
    void zeroSizesAreAccepted(Kernels k) {
        float[] x = {Float.NaN};
        assertEquals(0f, k.dot(0, x, 1, x, 1));
        assertEquals(0f, k.sum(0, x, 1));
        k.softmax(0, 3, x, 0, 3, x, 0, 3);
        k.gemm(Transpose.N, Transpose.N, 0, 0, 0, 1f, x, 0, 1, new float[1], 0, 1, 0f, new float[1], 0, 1);
        float[] c = {Float.NaN, 7f};
        k.gemm(Transpose.N, Transpose.N, 1, 1, 0, 1f, x, 0, 1, new float[1], 0, 1, 0f, c, 0, 1);
        assertEquals(0f, c[0], "k = 0 with beta = 0 gives C = 0 (NaN overwritten)");
        assertEquals(7f, c[1]);
    }
}
