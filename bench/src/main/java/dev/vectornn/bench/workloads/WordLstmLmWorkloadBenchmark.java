package dev.vectornn.bench.workloads;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.graph.Parameter;
import dev.vectornn.graph.Plan;
import dev.vectornn.graph.PlanOptions;
import dev.vectornn.kernel.BinaryOp;
import dev.vectornn.kernel.KernelProvider;
import dev.vectornn.kernel.KernelThreads;
import dev.vectornn.kernel.Kernels;
import dev.vectornn.nn.Embedding;
import dev.vectornn.nn.LSTM;
import dev.vectornn.nn.Linear;
import dev.vectornn.nn.Module;
import dev.vectornn.optim.GradClipping;
import dev.vectornn.optim.SGD;
import java.util.List;
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
 * Workload "word-lstm-lm": the word-level language model of PyTorch's {@code word_language_model}
 * example at WikiText-2's vocabulary: {@link Embedding} 33278 x 200, a 2-layer {@link LSTM} with
 * hidden 200 (sequence-first), a {@code Linear(200, 33278)} decoder, cross-entropy over every
 * position of a 35-step segment (bptt 35) of batch 20; plain {@link SGD} with lr 20 after
 * {@link GradClipping#clipGradNorm} to 0.25. No dropout and no weight tying, on both sides.
 * PyTorch twin: the same modules, {@code clip_grad_norm_(params, 0.25)}, {@code optim.SGD(lr=20)}.
 * 700 tokens per step.
 *
 * <p><b>State.</b> As in the example, the training step carries the hidden state from one
 * segment into the next, detached: the training plan outputs {@code h_n} and {@code c_n} besides
 * the loss, and after the update {@link LSTM.Output#carry} copies them into the {@code h0} and
 * {@code c0} inputs with {@code Plan.copyOutputToInput} (two {@code [2, 20, 200]} array copies,
 * no allocation). The inference forward starts every segment from zero states, as the PyTorch
 * twin's forward does ({@code model(idx, zeros)}), while its training step carries the state
 * with {@code repackage_hidden}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class WordLstmLmWorkloadBenchmark {
    static final int VOCAB = 33278;
    static final int EMBED = 200;
    static final int HIDDEN = 200;
    static final int LAYERS = 2;
    static final int BPTT = 35;
    static final int BATCH = 20;
    static final double LR = 20;
    static final double CLIP = 0.25;

    /** Kernel threads ({@link KernelThreads#setThreads}). */
    @Param({"1", "2"})
    public int threads;

    private Plan inference;
    private Plan training;
    private Node loss;
    private LSTM.Output state;
    private SGD opt;
    private List<Parameter> params;

    /** Builds the model, both plans and the optimizer once, feeds a fixed segment, and runs one step. */
    @Setup(Level.Trial)
    public void setUp() {
        KernelThreads.setThreads(threads);
        SplittableRandom rng = new SplittableRandom(1);
        Module model = new Module();
        Embedding encoder = model.add("encoder", new Embedding(VOCAB, EMBED, rng));
        LSTM rnn = model.add("rnn", new LSTM(EMBED, HIDDEN, LAYERS, false, 0.0, rng));
        Linear decoder = model.add("decoder", new Linear(HIDDEN, VOCAB, rng));

        Graph g = new Graph();
        Node idx = g.indexInput("idx", BPTT, BATCH);
        Node h0 = g.input("h0", LAYERS, BATCH, HIDDEN), c0 = g.input("c0", LAYERS, BATCH, HIDDEN);
        state = rnn.forward(g, encoder.forward(g, idx), h0, c0); // output [T, B, H]
        Node logits = decoder.forward(g, state.output()); // [T, B, V]
        loss = g.crossEntropy(logits, g.indexInput("targets", BPTT, BATCH));
        inference = g.compile(PlanOptions.forInference(), logits);
        // the final states are outputs too, so that they can be carried into the next segment
        training = g.compile(PlanOptions.forTraining(), loss, state.hn(), state.cn());
        params = g.parameters();
        opt = new SGD(params, SGD.options(LR));

        // a time-major token stream: column b is one stream, targets are the next tokens
        int[] stream = WorkloadData.indices((BPTT + 1) * BATCH, VOCAB, 2);
        int[] in = java.util.Arrays.copyOfRange(stream, 0, BPTT * BATCH);
        int[] next = java.util.Arrays.copyOfRange(stream, BATCH, (BPTT + 1) * BATCH);
        float[] zeros = new float[LAYERS * BATCH * HIDDEN];
        for (Plan p : new Plan[] {inference, training}) {
            p.feed("idx", in);
            p.feed("h0", zeros);
            p.feed("c0", zeros);
        }
        training.feed("targets", next);
        trainStep();
        warmOncePerStepKernels(KernelProvider.get());
    }

    /**
     * Calls the one kernel a step runs only twice, the element-wise add of each layer's two
     * LSTM biases ({@code [4H]}), 12,000 times, so HotSpot has compiled it with C2 when JMH
     * measures. Its C1 code boxes vectors: measured with a plain loop of train steps, 28.8 KB
     * per step until step ~400, then 40 B. (Before the bias went into the GEMM's write-back, the
     * per-element bias adds kept the same kernel code hot from the first steps.) Only scratch
     * arrays are touched, not the model.
     */
    static void warmOncePerStepKernels(Kernels k) {
        float[] a = new float[4 * HIDDEN], b = new float[4 * HIDDEN], c = new float[4 * HIDDEN];
        for (int i = 0; i < 12_000; i++) k.binary(BinaryOp.ADD, 4 * HIDDEN, a, 0, b, 0, c, 0);
        for (float v : c) if (v != 0f) throw new AssertionError("zeros added to " + v);
    }

    /** Inference forward: the decoder's logits for every position of one segment. */
    @Benchmark
    public Plan forward() {
        inference.forward();
        return inference;
    }

    /**
     * One step of the example's loop: zeroGrad, forward, backward, clip to norm 0.25, SGD update,
     * then the final states carried (detached) into the next step's initial states; returns the loss.
     */
    @Benchmark
    public double trainStep() {
        opt.zeroGrad();
        training.forward();
        training.backward();
        GradClipping.clipGradNorm(params, CLIP);
        opt.step();
        state.carry(training, "h0", "c0");
        return training.scalar(loss);
    }
}
