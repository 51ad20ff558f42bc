package dev.vectornn.bench.graph;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.graph.Plan;
import dev.vectornn.graph.PlanOptions;
import dev.vectornn.kernel.KernelThreads;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A recurrent-style graph: an Elman RNN ({@code nn.RNN}'s tanh cell,
 * {@code h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)}) unrolled over {@code steps}
 * time steps on a {@code [steps, batch, input]} sequence, then a linear readout of the last
 * state and cross-entropy. The weights are shared by every step, so backward accumulates
 * their gradients across steps, and the per-step GEMMs are small ({@code [32, 64] x [64, 128]}):
 * the regime where executor overhead would show.
 *
 * <p>Run with {@code -prof gc}: a steady {@link #forwardBackward} should allocate about 0 B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class RnnBenchmark {

    static final int BATCH = 32;
    static final int INPUT = 64;
    static final int HIDDEN = 128;
    static final int CLASSES = 10;

    /** Unrolled time steps. */
    @Param({"16"})
    public int steps;

    /** Kernel threads. */
    @Param({"1"})
    public int threads;

    private Plan inference;
    private Plan training;
    private Node loss;

    /** Builds and compiles the unrolled RNN once and feeds a fixed sequence. */
    @Setup(Level.Trial)
    public void setUp() {
        KernelThreads.setThreads(threads);
        Graph g = new Graph();
        double k = 1 / Math.sqrt(HIDDEN);
        Node x = g.input("x", steps, BATCH, INPUT);
        Node wih = g.param("weight_ih_l0", Tensor.uniform(DType.F32, Shape.of(HIDDEN, INPUT), -k, k, 1));
        Node whh = g.param("weight_hh_l0", Tensor.uniform(DType.F32, Shape.of(HIDDEN, HIDDEN), -k, k, 2));
        Node bih = g.param("bias_ih_l0", Tensor.uniform(DType.F32, Shape.of(HIDDEN), -k, k, 3));
        Node bhh = g.param("bias_hh_l0", Tensor.uniform(DType.F32, Shape.of(HIDDEN), -k, k, 4));
        Node wout = g.param("fc.weight", Tensor.uniform(DType.F32, Shape.of(CLASSES, HIDDEN), -k, k, 5));
        Node h = null;
        for (int t = 0; t < steps; t++) {
            Node xt = g.reshape(g.slice(x, 0, t, t + 1), BATCH, INPUT);
            Node pre = g.add(g.matmul(xt, wih, false, true), bih);
            if (h != null) pre = g.add(pre, g.add(g.matmul(h, whh, false, true), bhh));
            else pre = g.add(pre, bhh);
            h = g.tanh(pre);
        }
        Node logits = g.matmul(h, wout, false, true);
        loss = g.crossEntropy(logits, g.indexInput("y", BATCH));
        inference = g.compile(PlanOptions.forInference(), logits);
        training = g.compile(PlanOptions.forTraining(), loss);

        SplittableRandom r = new SplittableRandom(11);
        float[] xs = new float[steps * BATCH * INPUT];
        for (int i = 0; i < xs.length; i++) xs[i] = (float) r.nextDouble(-1, 1);
        int[] ys = new int[BATCH];
        for (int i = 0; i < BATCH; i++) ys[i] = r.nextInt(CLASSES);
        inference.feed("x", xs);
        training.feed("x", xs);
        training.feed("y", ys);
    }

    /** Inference forward over the whole sequence. */
    @Benchmark
    public Plan forward() {
        inference.forward();
        return inference;
    }

    /** Training step without the optimizer: zeroGrad, forward, backward through time. */
    @Benchmark
    public double forwardBackward() {
        training.zeroGrad();
        training.forward();
        training.backward();
        return training.scalar(loss);
    }
}
