package dev.vectornn.bench.workloads;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.graph.Plan;
import dev.vectornn.graph.PlanOptions;
import dev.vectornn.kernel.KernelThreads;
import dev.vectornn.nn.Activation;
import dev.vectornn.nn.MLP;
import dev.vectornn.optim.SGD;
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
 * Workload "mlp": an {@link MLP} 784-512-512-10 with ReLU on a batch of 128 (MNIST-sized random
 * inputs in [0, 1)), cross-entropy on random labels, {@link SGD} with lr 0.01 (no momentum).
 * PyTorch twin: {@code nn.Sequential(Linear(784,512), ReLU, Linear(512,512), ReLU, Linear(512,10))},
 * {@code F.cross_entropy}, {@code optim.SGD(lr=0.01)}. 128 samples per step.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class MlpWorkloadBenchmark {
    static final int BATCH = 128;
    static final int[] SIZES = {784, 512, 512, 10};

    /** Kernel threads ({@link KernelThreads#setThreads}). */
    @Param({"1", "2"})
    public int threads;

    private Plan inference;
    private Plan training;
    private Node loss;
    private SGD opt;

    /** Builds the model, both plans and the optimizer once, feeds a fixed batch, and runs one step (allocating the optimizer state). */
    @Setup(Level.Trial)
    public void setUp() {
        KernelThreads.setThreads(threads);
        MLP mlp = new MLP(SIZES, Activation.RELU, new SplittableRandom(1));
        Graph g = new Graph();
        Node x = g.input("x", BATCH, SIZES[0]);
        Node logits = mlp.forward(g, x);
        loss = g.crossEntropy(logits, g.indexInput("y", BATCH));
        inference = g.compile(PlanOptions.forInference(), logits);
        training = g.compile(PlanOptions.forTraining(), loss);
        opt = new SGD(g.parameters(), SGD.options(0.01));

        float[] xs = WorkloadData.uniform(BATCH * SIZES[0], 0, 1, 2);
        inference.feed("x", xs);
        training.feed("x", xs);
        training.feed("y", WorkloadData.indices(BATCH, SIZES[SIZES.length - 1], 3));
        trainStep();
    }

    /** Inference forward of one batch (the logits stay in the plan). */
    @Benchmark
    public Plan forward() {
        inference.forward();
        return inference;
    }

    // The loss, the optimizer's per-parameter calls and the small bias kernels run a few times
    // per step, so they reach C2 (and stop boxing vectors in C1 code) only after thousands of
    // steps: a plain loop at 1 thread allocates 0.2 KB per step over steps 2000-4000 and 0.0 KB
    // from step 6000. A 5 x 1 s warm-up (about 900 steps) measured the warm-up; 6 x 10 s is
    // about 11000 steps at 1 thread.
    /** One SGD step: zeroGrad, forward, backward, update; returns the loss. */
    @Warmup(iterations = 6, time = 10)
    @Benchmark
    public double trainStep() {
        opt.zeroGrad();
        training.forward();
        training.backward();
        opt.step();
        return training.scalar(loss);
    }
}
