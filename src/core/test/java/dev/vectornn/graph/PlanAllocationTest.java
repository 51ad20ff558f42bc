package dev.vectornn.graph;

import static org.junit.jupiter.api.Assertions.*;

import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A steady feed + forward + backward + zeroGrad step allocates nothing. Measured with the
 * thread's allocated-bytes counter on the F64 backend, whose loops are the executor's own: the
 * F32 path adds the kernels, whose Vector API code allocates until C2 compiles it, so its
 * steady-state figure belongs to the JMH {@code -prof gc} benchmark, not to a unit test.
 */
class PlanAllocationTest {

    private static Method allocated;
    private static Object bean;

    private static long allocatedBytes() throws Exception {
        return (Long) allocated.invoke(bean, Thread.currentThread().threadId());
    }

    @Test
    void steadyStepAllocatesNothing() throws Exception {
        bean = ManagementFactory.getThreadMXBean();
        Class<?> ext;
        try {
            ext = Class.forName("com.sun.management.ThreadMXBean");
        } catch (ClassNotFoundException e) {
            Assumptions.abort("no com.sun.management.ThreadMXBean in this JVM");
            return;
        }
        Assumptions.assumeTrue(ext.isInstance(bean), "thread allocation counter unavailable");
        allocated = ext.getMethod("getThreadAllocatedBytes", long.class);

        Graph g = new Graph();
        Node x = g.input("x", 8, 12);
        Node ids = g.indexInput("ids", 8);
        Node emb = g.param("emb", Tensor.randn(DType.F64, Shape.of(10, 12), 0.5, 1));
        Node w = g.param("w", Tensor.randn(DType.F64, Shape.of(12, 6), 0.5, 2));
        Node gamma = g.param("gamma", Tensor.full(DType.F64, Shape.of(12), 1));
        Node beta = g.param("beta", Tensor.zeros(DType.F64, 12));
        Node h = g.layerNorm(g.add(x, g.gather(emb, ids)), gamma, beta, 1e-5);
        h = g.dropout(g.gelu(h), 0.2);
        Node logits = g.matmul(h, w);
        Node scores = g.softmax(g.causalMask(g.reshape(g.slice(logits, 0, 0, 6), 6, 6)));
        Node loss = g.add(g.crossEntropy(logits, g.indexInput("t", 8)), g.mean(g.transpose(scores, 0, 1)));
        // the fused attention softmax, causal and with a key-padding mask (which blinds query 0 of batch 1)
        Node pad = g.constant(Tensor.of(new float[] {0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0}, 2, 6));
        Node att = g.attentionSoftmax(g.reshape(g.slice(logits, 0, 0, 6), 1, 6, 6), 0.5, true);
        Node attPad = g.attentionSoftmax(g.reshape(g.tanh(g.slice(logits, 0, 0, 6)), 2, 3, 6), 0.7, false, pad);
        Node attBoth = g.attentionSoftmax(g.reshape(g.concat(0, g.slice(logits, 0, 0, 6), g.slice(logits, 0, 2, 8)), 2, 6, 6),
                0.3, true, pad);
        loss = g.add(loss, g.add(g.mean(g.mul(att, att)), g.add(g.mean(g.mul(attPad, attPad)), g.mean(g.mul(attBoth, attBoth)))));
        // a fused LSTM cell whose previous state is a view of another cell's output
        Node w4 = g.param("w4", Tensor.randn(DType.F64, Shape.of(12, 8), 0.5, 3));
        Node cell = g.lstmCell(g.matmul(h, w4), g.select(g.lstmCell(g.matmul(x, w4), null), 0, 1));
        loss = g.add(loss, g.mean(cell));
        Plan p = g.compile(PlanOptions.forTraining().withDtype(DType.F64), loss);
        double[] xs = new double[96];
        int[] idv = {1, 2, 3, 4, 5, 6, 7, 8};
        int[] tv = {0, 1, 2, 3, 4, 5, 0, -100};
        Runnable step = () -> {
            p.feed("x", xs);
            p.feed("ids", idv);
            p.feed("t", tv);
            p.zeroGrad();
            p.forward();
            p.backward();
        };
        for (int i = 0; i < 200; i++) step.run();
        long empty0 = allocatedBytes();
        long empty1 = allocatedBytes();
        long before = allocatedBytes();
        for (int i = 0; i < 100; i++) step.run();
        long after = allocatedBytes();
        long perStep = ((after - before) - (empty1 - empty0)) / 100;
        assertEquals(0, perStep, "bytes allocated per step (" + (after - before) + " over 100 steps)");
        assertTrue(Double.isFinite(p.scalar(loss)));
    }
}
