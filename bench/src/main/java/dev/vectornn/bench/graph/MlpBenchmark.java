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
 * A compiled float32 MLP 784-512-512-10 with ReLU and fused cross-entropy on a batch of 128,
 * layers as PyTorch's {@code nn.Linear} ({@code y = x W^T + b}, {@code weight} stored
 * {@code [out, in]}). 0.171 GFLOP per forward pass in its GEMMs (2 * 128 * (784*512 + 512*512
 * + 512*10)); backward adds about twice that (weight gradients for every layer, input gradients
 * for all but the first).
 *
 * <ul>
 *   <li>{@link #forward}: an inference plan's forward (no activations kept);</li>
 *   <li>{@link #forwardBackward}: a training step: zeroGrad, forward, backward into the
 *       parameter gradients (no optimizer update).</li>
 * </ul>
 * Run with {@code -prof gc}: {@code gc.alloc.rate.norm} of a steady step should be about 0 B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class MlpBenchmark {

    static final int BATCH = 128;
    static final int[] SIZES = {784, 512, 512, 10};

    /** Kernel threads ({@link KernelThreads#setThreads}); results are bit-identical for any count. */
    @Param({"1", "2"})
    public int threads;

    private Plan inference;
    private Plan training;
    private Node logits;
    private Node loss;

    /** Builds the MLP once, compiles both plans and feeds a fixed batch (feeds persist across runs). */
    @Setup(Level.Trial)
    public void setUp() {
        KernelThreads.setThreads(threads);
        Graph g = new Graph();
        Node x = g.input("x", BATCH, SIZES[0]);
        Node h = x;
        for (int l = 0; l + 1 < SIZES.length; l++) {
            int in = SIZES[l], out = SIZES[l + 1];
            // Kaiming-uniform-like scale, as nn.Linear's default init
            double bound = 1 / Math.sqrt(in);
            Node w = g.param("fc" + (l + 1) + ".weight", Tensor.uniform(DType.F32, Shape.of(out, in), -bound, bound, 10 + l));
            Node b = g.param("fc" + (l + 1) + ".bias", Tensor.uniform(DType.F32, Shape.of(out), -bound, bound, 20 + l));
            h = g.add(g.matmul(h, w, false, true), b);
            if (l + 2 < SIZES.length) h = g.relu(h);
        }
        logits = h;
        loss = g.crossEntropy(logits, g.indexInput("y", BATCH));
        inference = g.compile(PlanOptions.forInference(), logits);
        training = g.compile(PlanOptions.forTraining(), loss);

        SplittableRandom r = new SplittableRandom(7);
        float[] xs = new float[BATCH * SIZES[0]];
        for (int i = 0; i < xs.length; i++) xs[i] = (float) r.nextDouble();
        int[] ys = new int[BATCH];
        for (int i = 0; i < BATCH; i++) ys[i] = r.nextInt(SIZES[SIZES.length - 1]);
        inference.feed("x", xs);
        training.feed("x", xs);
        training.feed("y", ys);
    }

    /** Inference forward: the logits of one batch. */
    @Benchmark
    public Plan forward() {
        inference.forward();
        return inference; // the plan holds the logits; returning it keeps the work observable
    }

    /** One training step without the optimizer: zeroGrad, forward, backward. */
    @Benchmark
    public double forwardBackward() {
        training.zeroGrad();
        training.forward();
        training.backward();
        return training.scalar(loss);
    }
}
