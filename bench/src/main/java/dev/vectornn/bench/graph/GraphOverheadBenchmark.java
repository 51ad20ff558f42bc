package dev.vectornn.bench.graph;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.graph.Plan;
import dev.vectornn.graph.PlanOptions;
import dev.vectornn.kernel.BinaryOp;
import dev.vectornn.kernel.KernelProvider;
import dev.vectornn.kernel.Kernels;
import dev.vectornn.kernel.UnaryOp;
import dev.vectornn.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the executor costs per op when the tensors are tiny, so the kernels' work is a few
 * nanoseconds and the plan's dispatch is what remains: a chain of {@value #CHAIN} element-wise
 * ops on a {@code [rows, cols]} tensor (default {@code [4, 8]}, 32 floats) cycling through
 * tanh, multiply by a parameter, add a broadcast bias parameter, multiply by a scalar and
 * sigmoid, then a sum to a scalar loss. Times are per op ({@value #OPS} ops per call).
 *
 * <ul>
 *   <li>{@link #kernelsOnly}: the same forward computation as direct {@link Kernels} calls on
 *       preallocated arrays, the floor the executor adds to;</li>
 *   <li>{@link #forward}: an inference plan's forward;</li>
 *   <li>{@link #forwardBackward}: a training step (zeroGrad, forward, backward; a backward op
 *       counts with its forward op, so this is the cost of one op in both directions).</li>
 * </ul>
 * {@code forward - kernelsOnly} is the executor's per-op overhead.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class GraphOverheadBenchmark {

    /** Element-wise ops in the chain. */
    static final int CHAIN = 50;

    /** Ops per call: the chain plus the final sum. */
    static final int OPS = CHAIN + 1;

    /** Rows of the chained tensor. */
    @Param({"4"})
    public int rows;

    /** Columns of the chained tensor. */
    @Param({"8"})
    public int cols;

    private Plan inference;
    private Plan training;
    private Node inferenceLoss;
    private Node trainingLoss;

    private Kernels k;
    private float[] x;
    private float[] scaleParam;
    private float[] biasParam;
    private float[] ping;
    private float[] pong;

    /** Builds the chain, compiles both plans and feeds them once (feeds persist across runs). */
    @Setup(Level.Trial)
    public void setUp() {
        int n = rows * cols;
        x = uniform(n, 1, -1, 1);
        scaleParam = uniform(n, 2, 0.5f, 1.5f);
        biasParam = uniform(cols, 3, -0.5f, 0.5f);

        Graph g = new Graph();
        Node in = g.input("x", rows, cols);
        Node s = g.param("scale", Tensor.of(scaleParam.clone(), rows, cols));
        Node b = g.param("bias", Tensor.of(biasParam.clone(), cols));
        Node h = in;
        for (int i = 0; i < CHAIN; i++) {
            h = switch (i % 5) {
                case 0 -> g.tanh(h);
                case 1 -> g.mul(h, s);
                case 2 -> g.add(h, b);
                case 3 -> g.mul(h, 0.9);
                default -> g.sigmoid(h);
            };
        }
        Node loss = g.sum(h);
        inferenceLoss = loss;
        trainingLoss = loss;
        inference = g.compile(PlanOptions.forInference(), loss);
        training = g.compile(PlanOptions.forTraining(), loss);
        inference.feed("x", x);
        training.feed("x", x);

        k = KernelProvider.get();
        ping = new float[n];
        pong = new float[n];
    }

    private static float[] uniform(int n, long seed, float lo, float hi) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = lo + (hi - lo) * (float) r.nextDouble();
        return a;
    }

    /** The chain as direct kernel calls: no executor. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public float kernelsOnly() {
        int n = rows * cols;
        float[] src = x, dst = ping;
        for (int i = 0; i < CHAIN; i++) {
            switch (i % 5) {
                case 0 -> k.unary(UnaryOp.TANH, n, src, 0, dst, 0);
                case 1 -> k.binary(BinaryOp.MUL, n, src, 0, scaleParam, 0, dst, 0);
                case 2 -> k.binaryRow(BinaryOp.ADD, rows, cols, src, 0, cols, biasParam, 0, dst, 0, cols);
                case 3 -> k.scale(n, 0.9f, src, 0, dst, 0);
                default -> k.unary(UnaryOp.SIGMOID, n, src, 0, dst, 0);
            }
            src = dst;
            dst = dst == ping ? pong : ping;
        }
        return k.sum(n, src, 0);
    }

    /** An inference plan's forward pass over the chain. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public double forward() {
        inference.forward();
        return inference.scalar(inferenceLoss);
    }

    /** A training step over the chain: zeroGrad, forward, backward. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public double forwardBackward() {
        training.zeroGrad();
        training.forward();
        training.backward();
        return training.scalar(trainingLoss);
    }
}
