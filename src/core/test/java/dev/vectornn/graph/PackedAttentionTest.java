package dev.vectornn.graph;

import static dev.vectornn.graph.TestTensors.doubles;
import static dev.vectornn.graph.TestTensors.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.kernel.KernelThreads;
import dev.vectornn.kernel.Triangle;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;
import dev.vectornn.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code packedAttention} against the composition its Javadoc spells out (head split, selects,
 * scores, attention softmax, weighted sum, head merge): the same output and the same gradient of
 * {@code qkv}, bit for bit, at 1 and 3 threads, in float32 and float64, causal or not, with and
 * without a key-padding mask (rows that see no key included), from one head of width 1 to
 * sequences longer than the GEMM's tiles; an inference plan gives the training plan's output.
 * Its float64 gradients are checked with the other ops' samples ({@link OpSamples}).
 */
class PackedAttentionTest {
    /** B, T, E, heads. */
    private static final int[][] SHAPES = {{1, 1, 1, 1}, {2, 5, 8, 2}, {3, 17, 32, 4}, {2, 40, 64, 2}, {1, 70, 96, 3}};

    @Test
    void matchesComposedOpsBitForBit() {
        int before = KernelThreads.threads();
        try {
            for (DType dtype : new DType[] {DType.F32, DType.F64}) {
                for (int threads : new int[] {1, 3}) {
                    KernelThreads.setThreads(threads);
                    for (int[] s : SHAPES) {
                        for (boolean causal : new boolean[] {false, true}) {
                            for (boolean masked : new boolean[] {false, true}) {
                                String what = dtype + " B,T,E,heads " + java.util.Arrays.toString(s) + " causal "
                                        + causal + " masked " + masked + " at " + threads + " threads";
                                double[][] composed = run(dtype, false, s, causal, masked, false);
                                double[][] fused = run(dtype, true, s, causal, masked, false);
                                assertArrayEquals(composed[0], fused[0], what + ": output");
                                assertArrayEquals(composed[1], fused[1], what + ": qkv's gradient");
                                double[][] inference = run(dtype, true, s, causal, masked, true);
                                assertArrayEquals(fused[0], inference[0], what + ": inference output");
                            }
                        }
                    }
                }
            }
        } finally {
            KernelThreads.setThreads(before);
        }
    }

    /**
     * qkv also feeds a second term of the loss, so one of its two gradients is added to the
     * other: the VJP's accumulating form (beta 1 in its products).
     */
    @Test
    void addsToAGradientAlreadyThere() {
        for (boolean causal : new boolean[] {false, true}) {
            int[] s = {2, 9, 12, 3};
            double[] composed = run(DType.F64, false, s, causal, false, false, true)[1];
            double[] fused = run(DType.F64, true, s, causal, false, false, true)[1];
            for (int i = 0; i < composed.length; i++) {
                assertEquals(composed[i], fused[i], 1e-12 * (1 + Math.abs(composed[i])), "causal " + causal + ", element " + i);
            }
        }
    }

    private static double[][] run(DType dtype, boolean fused, int[] s, boolean causal, boolean masked, boolean inference) {
        return run(dtype, fused, s, causal, masked, inference, false);
    }

    /** Output and qkv's gradient of {@code sum(r * attention(qkv))} (plus {@code sum(qkv^2)} when {@code twice}). */
    private static double[][] run(DType dtype, boolean fused, int[] s, boolean causal, boolean masked, boolean inference,
                                  boolean twice) {
        int b = s[0], t = s[1], e = s[2], heads = s[3], hd = e / heads;
        double scale = 1 / Math.sqrt(hd);
        Graph g = new Graph();
        Node qkv = g.input("qkv", b, t, 3 * e);
        Node mask = masked ? g.constant(mask(b, t)) : null;
        Node y;
        if (fused) {
            y = g.packedAttention(qkv, heads, scale, causal, mask);
        } else {
            Node h = g.reshape(g.permute(g.reshape(qkv, b, t, 3, heads, hd), 2, 0, 3, 1, 4), 3, b * heads, t, hd);
            Node scores = g.matmul(g.select(h, 0, 0), g.select(h, 0, 1), false, true,
                    causal ? Triangle.LOWER_RESULT : Triangle.FULL);
            Node p = g.attentionSoftmax(scores, scale, causal, mask);
            Node c = g.matmul(p, g.select(h, 0, 2), false, false, causal ? Triangle.LOWER_A : Triangle.FULL);
            y = g.reshape(g.permute(g.reshape(c, b, heads, t, hd), 0, 2, 1, 3), b, t, e);
        }
        Node loss = g.sum(g.mul(y, g.constant(uniform(dtype, 4, b, t, e))));
        if (twice) loss = g.add(loss, g.sum(g.square(qkv)));
        PlanOptions o = inference ? PlanOptions.forInference() : PlanOptions.forTraining().withGradInputs("qkv");
        Plan p = g.compile(o.withDtype(dtype), loss, y);
        p.feed("qkv", uniform(dtype, 1, b, t, 3 * e));
        p.forward();
        if (inference) return new double[][] {doubles(p.output(y))};
        p.backward();
        return new double[][] {doubles(p.output(y)), doubles(p.grad("qkv"))};
    }

    /** Random key padding, with batch entry 0's first key padded (so under the causal mask its first query sees no key). */
    private static Tensor mask(int b, int t) {
        float[] m = new float[b * t];
        Random r = new Random(11L * b + t);
        for (int i = 0; i < m.length; i++) m[i] = r.nextInt(4) == 0 ? 1 : 0;
        m[0] = 1;
        return Tensor.of(m, b, t);
    }

    @Test
    void shapesAndArgumentsAreCheckedAtBuildTime() {
        Graph g = new Graph();
        Node qkv = g.input("qkv", 2, 5, 12);
        assertEquals(Shape.of(2, 5, 4), g.packedAttention(qkv, 2, 0.5, true, null).shape());
        ShapeException e = assertThrows(ShapeException.class, () -> g.packedAttention(qkv, 3, 0.5, false, null));
        assertTrue(e.getMessage().contains("packedAttention") && e.getMessage().contains("[2, 5, 12]")
                && e.getMessage().contains("3 heads"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> g.packedAttention(g.input("flat", 10, 12), 1, 0.5, false, null));
        assertTrue(e.getMessage().contains("[B, T, 3E]"), e.getMessage());
        e = assertThrows(ShapeException.class, () -> g.packedAttention(qkv, 1, 0.5, false, g.input("m", 2, 4)));
        assertTrue(e.getMessage().contains("keyPaddingMask is [2, 4]") && e.getMessage().contains("[2, 5]"), e.getMessage());
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
                () -> g.packedAttention(qkv, 0, 0.5, false, null));
        assertTrue(a.getMessage().contains("heads 0"), a.getMessage());
        a = assertThrows(IllegalArgumentException.class, () -> g.packedAttention(qkv, 1, Double.NaN, false, null));
        assertTrue(a.getMessage().contains("scale NaN"), a.getMessage());
    }
}
