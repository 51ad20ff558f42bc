package dev.vectornn.bench.workloads;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.graph.Plan;
import dev.vectornn.graph.PlanOptions;
import dev.vectornn.kernel.KernelThreads;
import dev.vectornn.nn.MultiheadAttention;
import dev.vectornn.optim.Adam;
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
 * Workload "attention": causal self-attention, a {@link MultiheadAttention} with d_model 256 and
 * 8 heads (batch-first), on {@code [16, 128, 256]} (batch 16, sequence 128) of random numbers in
 * [-1, 1); loss: MSE of its output against random targets of the same shape; {@link Adam} with
 * PyTorch's defaults. PyTorch twin: {@code nn.MultiheadAttention(256, 8, batch_first=True)}
 * called as {@code attn(x, x, x, attn_mask=causal, need_weights=False)}, {@code F.mse_loss},
 * {@code optim.Adam()}. 2048 tokens per step.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class AttentionWorkloadBenchmark {
    static final int D_MODEL = 256;
    static final int HEADS = 8;
    static final int SEQ = 128;
    static final int BATCH = 16;

    /** Kernel threads ({@link KernelThreads#setThreads}). */
    @Param({"1", "2"})
    public int threads;

    private Plan inference;
    private Plan training;
    private Node loss;
    private Adam opt;

    /** Builds the layer, both plans and the optimizer once, feeds a fixed batch, and runs one step (allocating the optimizer state). */
    @Setup(Level.Trial)
    public void setUp() {
        KernelThreads.setThreads(threads);
        MultiheadAttention attn = new MultiheadAttention(D_MODEL, HEADS, new SplittableRandom(1));
        Graph g = new Graph();
        Node x = g.input("x", BATCH, SEQ, D_MODEL);
        Node y = attn.forward(g, x, true);
        loss = g.mse(y, g.input("target", BATCH, SEQ, D_MODEL));
        inference = g.compile(PlanOptions.forInference(), y);
        training = g.compile(PlanOptions.forTraining(), loss);
        opt = new Adam(g.parameters(), Adam.options());

        float[] xs = WorkloadData.uniform(BATCH * SEQ * D_MODEL, -1, 1, 2);
        inference.feed("x", xs);
        training.feed("x", xs);
        training.feed("target", WorkloadData.uniform(BATCH * SEQ * D_MODEL, -1, 1, 3));
        trainStep();
    }

    /** Inference forward: causal self-attention of one batch. */
    @Benchmark
    public Plan forward() {
        inference.forward();
        return inference;
    }

    /** One Adam step: zeroGrad, forward, backward, update; returns the loss. */
    @Benchmark
    public double trainStep() {
        opt.zeroGrad();
        training.forward();
        training.backward();
        opt.step();
        return training.scalar(loss);
    }
}
