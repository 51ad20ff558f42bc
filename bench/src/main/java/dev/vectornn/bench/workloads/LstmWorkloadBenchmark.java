package dev.vectornn.bench.workloads;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.graph.Plan;
import dev.vectornn.graph.PlanOptions;
import dev.vectornn.kernel.BinaryOp;
import dev.vectornn.kernel.KernelProvider;
import dev.vectornn.kernel.KernelThreads;
import dev.vectornn.kernel.Kernels;
import dev.vectornn.nn.LSTM;
import dev.vectornn.nn.Linear;
import dev.vectornn.nn.Module;
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
 * Workload "lstm": a one-layer {@link LSTM}, input 128, hidden 256, on a sequence-first batch
 * {@code [64, 32, 128]} (64 steps, batch 32) of random numbers in [-1, 1), starting from zero
 * states; loss: MSE of a {@code Linear(256, 1)} head on the final hidden state {@code h_n[0]}
 * against random targets {@code [32, 1]} (back-propagation still runs through all 64 steps);
 * {@link Adam} with PyTorch's defaults (lr 1e-3). PyTorch twin: {@code nn.LSTM(128, 256)},
 * {@code nn.Linear(256, 1)} on {@code h_n[-1]}, {@code F.mse_loss}, {@code optim.Adam()}.
 * 2048 tokens (time steps x batch) per step.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class LstmWorkloadBenchmark {
    static final int INPUT = 128;
    static final int HIDDEN = 256;
    static final int SEQ = 64;
    static final int BATCH = 32;

    /** Kernel threads ({@link KernelThreads#setThreads}). */
    @Param({"1", "2"})
    public int threads;

    private Plan inference;
    private Plan training;
    private Node loss;
    private Adam opt;

    /** Builds the model, both plans and the optimizer once, feeds a fixed batch, and runs one step (allocating the optimizer state). */
    @Setup(Level.Trial)
    public void setUp() {
        KernelThreads.setThreads(threads);
        SplittableRandom rng = new SplittableRandom(1);
        Module model = new Module();
        LSTM lstm = model.add("lstm", new LSTM(INPUT, HIDDEN, rng));
        Linear head = model.add("head", new Linear(HIDDEN, 1, rng));
        Graph g = new Graph();
        Node x = g.input("x", SEQ, BATCH, INPUT);
        LSTM.Output o = lstm.forward(g, x);
        Node pred = head.forward(g, g.reshape(o.hn(), BATCH, HIDDEN));
        loss = g.mse(pred, g.input("target", BATCH, 1));
        inference = g.compile(PlanOptions.forInference(), pred);
        training = g.compile(PlanOptions.forTraining(), loss);
        opt = new Adam(g.parameters(), Adam.options());

        float[] xs = WorkloadData.uniform(SEQ * BATCH * INPUT, -1, 1, 2);
        inference.feed("x", xs);
        training.feed("x", xs);
        training.feed("target", WorkloadData.uniform(BATCH, -1, 1, 3));
        trainStep();
        warmOncePerStepKernels(KernelProvider.get());
    }

    /**
     * Calls the four kernels the train step runs only once per step (the MSE loss's dot and its
     * gradient's scale, the head bias gradient's sum and the bias's broadcast add) 12,000 times
     * at the step's shapes,
     * so HotSpot has compiled them with C2 when JMH measures, as a plain loop of train steps has
     * from step 7000 on (see {@link #trainStep}). Without it JMH measures a warm-up phase that
     * allocates 3.8 KB per step. Only scratch arrays are touched, not the model.
     */
    static void warmOncePerStepKernels(Kernels k) {
        float[] a = new float[BATCH], b = new float[BATCH], c = new float[BATCH];
        float[] bias = {0.5f};
        double sink = 0;
        for (int i = 0; i < 12_000; i++) {
            sink += k.dot(BATCH, a, 0, b, 0);
            sink += k.sum(BATCH, a, 0);
            k.binaryCol(BinaryOp.ADD, 1, BATCH, a, 0, BATCH, bias, 0, c, 0, BATCH);
            k.scale(BATCH, 0.5f, a, 0, c, 0);
        }
        if (sink != 0) throw new AssertionError("zeros summed to " + sink);
    }

    /**
     * Inference forward over the whole sequence and the head. Warmed up for 4 x 5 s: a plain
     * loop of forwards allocates 670 KB per call at call 200, 98 KB at 800, 7 KB at 1000 and
     * 16 B from 1200 on (methods reaching C2, as for the train step below); the class's 5 x 1 s
     * (about 550 calls at 1 thread) measured that phase: 50-67 KB per call in three full runs.
     */
    @Warmup(iterations = 4, time = 5)
    @Benchmark
    public Plan forward() {
        inference.forward();
        return inference;
    }

    // Methods that run once per step (the head's GEMV, the loss, the optimizer's per-parameter
    // calls) reach C2 only after HotSpot's minimum invocation count; until then their C1 code
    // boxes vectors (about 240 KB per step). Measured here with a plain loop: 245 KB per step
    // until step ~460, 124 KB until ~800, then 3.8 KB, falling to 0.0 KB from step 7000 as the
    // last of them (the MSE loss's dot and gradient scale, the head bias's sum and broadcast
    // add, each called once per step) are compiled. A 5 x 1 s warm-up measured the first phase;
    // reaching step 7000 would take an 8-minute warm-up per fork, so setUp warms those kernels
    // directly (warmOncePerStepKernels): a plain loop then allocates 0.0 KB per step from step
    // 900 (96 KB per step at step 800), and 8 x 10 s of warm-up is about 1,200 steps at 1 thread.
    /** One Adam step: zeroGrad, forward, backward through time, update; returns the loss. */
    @Warmup(iterations = 8, time = 10)
    @Benchmark
    public double trainStep() {
        opt.zeroGrad();
        training.forward();
        training.backward();
        opt.step();
        return training.scalar(loss);
    }
}
