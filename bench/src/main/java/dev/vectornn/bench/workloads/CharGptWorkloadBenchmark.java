package dev.vectornn.bench.workloads;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.graph.Plan;
import dev.vectornn.graph.PlanOptions;
import dev.vectornn.kernel.KernelThreads;
import dev.vectornn.nn.Embedding;
import dev.vectornn.nn.LayerNorm;
import dev.vectornn.nn.LearnedPositionalEmbedding;
import dev.vectornn.nn.Linear;
import dev.vectornn.nn.Module;
import dev.vectornn.nn.TransformerBlock;
import dev.vectornn.optim.AdamW;
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
 * Workload "char-gpt": a character-level GPT, vocabulary 65, 4 pre-LayerNorm
 * {@link TransformerBlock}s of width 128 with 4 heads (causal), context 64, batch 12: token
 * {@link Embedding} plus {@link LearnedPositionalEmbedding}, the blocks, a final
 * {@link LayerNorm}, a bias-free {@code Linear(128, 65)} LM head, cross-entropy over every
 * position against random next-token targets; {@link AdamW} with PyTorch's defaults (lr 1e-3,
 * weight decay 1e-2 on every parameter). No dropout and no weight tying between the token
 * embedding and the head, on both sides. PyTorch twin: the same modules ({@code nn.Embedding},
 * a position table, {@code nn.MultiheadAttention(batch_first=True)} with a causal mask,
 * {@code nn.LayerNorm}, GELU MLP 4x), {@code F.cross_entropy}, {@code optim.AdamW()}.
 * 768 tokens per step.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class CharGptWorkloadBenchmark {
    static final int VOCAB = 65;
    static final int LAYERS = 4;
    static final int HEADS = 4;
    static final int D = 128;
    static final int BLOCK = 64;
    static final int BATCH = 12;

    /** Kernel threads ({@link KernelThreads#setThreads}). */
    @Param({"1", "2"})
    public int threads;

    private Plan inference;
    private Plan training;
    private Node loss;
    private AdamW opt;

    /** Builds the model, both plans and the optimizer once, feeds a fixed batch, and runs one step (allocating the optimizer state). */
    @Setup(Level.Trial)
    public void setUp() {
        KernelThreads.setThreads(threads);
        SplittableRandom rng = new SplittableRandom(1);
        Module model = new Module();
        Embedding wte = model.add("wte", new Embedding(VOCAB, D, rng));
        LearnedPositionalEmbedding wpe = model.add("wpe", new LearnedPositionalEmbedding(BLOCK, D, rng));
        Module h = model.add("h", new Module());
        TransformerBlock[] blocks = new TransformerBlock[LAYERS];
        for (int l = 0; l < LAYERS; l++) blocks[l] = h.add(Integer.toString(l), new TransformerBlock(D, HEADS, rng));
        LayerNorm lnF = model.add("ln_f", new LayerNorm(D));
        Linear lmHead = model.add("lm_head", new Linear(D, VOCAB, false, rng));

        Graph g = new Graph();
        Node idx = g.indexInput("idx", BATCH, BLOCK);
        Node x = wpe.forward(g, wte.forward(g, idx)); // [B, T, D]
        for (TransformerBlock b : blocks) x = b.forward(g, x, true);
        Node logits = lmHead.forward(g, lnF.forward(g, x)); // [B, T, V]
        loss = g.crossEntropy(logits, g.indexInput("targets", BATCH, BLOCK));
        inference = g.compile(PlanOptions.forInference(), logits);
        training = g.compile(PlanOptions.forTraining(), loss);
        opt = new AdamW(g.parameters(), AdamW.options());

        int[] tokens = WorkloadData.indices(BATCH * (BLOCK + 1), VOCAB, 2);
        int[] in = new int[BATCH * BLOCK], next = new int[BATCH * BLOCK];
        for (int b = 0; b < BATCH; b++) {
            System.arraycopy(tokens, b * (BLOCK + 1), in, b * BLOCK, BLOCK);
            System.arraycopy(tokens, b * (BLOCK + 1) + 1, next, b * BLOCK, BLOCK); // targets: the input shifted by one
        }
        inference.feed("idx", in);
        training.feed("idx", in);
        training.feed("targets", next);
        trainStep();
    }

    /** Inference forward: the logits of every position of one batch. */
    @Benchmark
    public Plan forward() {
        inference.forward();
        return inference;
    }

    // A 5 x 1 s warm-up ended while C2 was still compiling: at 2 threads JMH reported 198 KB per
    // step, while a standalone Trainer loop on this model allocates megabytes per step over its
    // first 100 steps and about 50 B per step after a few hundred. 4 x 10 s is about 700 steps at
    // one thread.
    /** One AdamW step: zeroGrad, forward, backward, update; returns the loss. */
    @Warmup(iterations = 4, time = 10)
    @Benchmark
    public double trainStep() {
        opt.zeroGrad();
        training.forward();
        training.backward();
        opt.step();
        return training.scalar(loss);
    }
}
