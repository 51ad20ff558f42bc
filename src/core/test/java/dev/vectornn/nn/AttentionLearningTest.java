package dev.vectornn.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.graph.Plan;
import dev.vectornn.graph.PlanOptions;
import dev.vectornn.optim.Adam;
import dev.vectornn.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A small Transformer encoder learns to copy and to reverse short sequences (reversal needs attention by position). Seeded. */
class AttentionLearningTest {
    static final int VOCAB = 8, T = 8, D = 32, HEADS = 4;

    /** Token embedding + learned positions, Transformer blocks, final LayerNorm and a linear read-out per position. */
    static final class Reverser extends Module {
        final Embedding tok;
        final LearnedPositionalEmbedding pos;
        final TransformerBlock[] blocks;
        final LayerNorm lnF;
        final Linear head;

        @SuppressWarnings("this-escape")
        Reverser(int layers, long seed) {
            var rng = new SplittableRandom(seed);
            tok = add("wte", new Embedding(VOCAB, D, rng));
            pos = add("wpe", new LearnedPositionalEmbedding(T, D, rng));
            Module h = add("h", new Module());
            blocks = new TransformerBlock[layers];
            for (int i = 0; i < layers; i++) blocks[i] = h.add(Integer.toString(i), new TransformerBlock(D, HEADS, rng));
            lnF = add("ln_f", new LayerNorm(D));
            head = add("lm_head", new Linear(D, VOCAB, rng));
        }

        Node logits(Graph g, Node ids) {
            Node x = pos.forward(g, tok.forward(g, ids));
            for (TransformerBlock b : blocks) x = b.forward(g, x, false);
            return head.forward(g, lnF.forward(g, x));
        }
    }

    static void batch(SplittableRandom r, int n, int[] in, int[] out, boolean reverse) {
        for (int b = 0; b < n; b++) {
            for (int t = 0; t < T; t++) in[b * T + t] = r.nextInt(VOCAB);
            for (int t = 0; t < T; t++) out[b * T + t] = in[b * T + (reverse ? T - 1 - t : t)];
        }
    }

    @Test
    void learnsToReverseSequences() {
        double acc = train(new Reverser(2, 1), true);
        assertTrue(acc > 0.99, "reverse: token accuracy " + acc);
    }

    @Test
    void learnsToCopySequences() {
        double acc = train(new Reverser(1, 4), false);
        assertTrue(acc > 0.99, "copy: token accuracy " + acc);
    }

    /** Trains until the smoothed loss is below 0.01 (at most 3000 steps); returns the token accuracy on 500 fresh sequences. */
    private static double train(Reverser m, boolean reverse) {
        int bs = 64;
        Graph g = new Graph();
        Node ids = g.indexInput("ids", bs, T);
        Node tgt = g.indexInput("tgt", bs, T);
        Node loss = g.crossEntropy(m.logits(g, ids), tgt);
        Plan plan = g.compile(PlanOptions.forTraining(), loss);
        Adam opt = new Adam(g.parameters(), Adam.options().withLr(3e-3));
        SplittableRandom data = new SplittableRandom(2);
        int[] in = new int[bs * T], out = new int[bs * T];
        double avg = Math.log(VOCAB);
        int step = 0;
        long start = System.nanoTime();
        for (; step < 3000 && avg > 0.01; step++) {
            batch(data, bs, in, out, reverse);
            plan.feed("ids", in);
            plan.feed("tgt", out);
            opt.zeroGrad();
            plan.forward();
            avg = 0.95 * avg + 0.05 * plan.scalar(loss);
            plan.backward();
            opt.step();
        }
        int n = 500;
        Graph eg = new Graph();
        Node eids = eg.indexInput("ids", n, T);
        Node logits = m.logits(eg, eids);
        Plan ep = eg.compile(PlanOptions.forInference(), logits);
        int[] ein = new int[n * T], eout = new int[n * T];
        batch(new SplittableRandom(3), n, ein, eout, reverse);
        ep.feed("ids", ein);
        ep.forward();
        Tensor lg = ep.output(logits);
        int correct = 0;
        for (int i = 0; i < n * T; i++) {
            int best = 0;
            for (int c = 1; c < VOCAB; c++) if (lg.getFlat(i * VOCAB + c) > lg.getFlat(i * VOCAB + best)) best = c;
            if (best == eout[i]) correct++;
        }
        double acc = correct / (double) (n * T);
        System.out.printf("%s: %d steps, %.1f s, smoothed loss %.4f, test token accuracy %.4f%n", reverse ? "reverse" : "copy",
                step, (System.nanoTime() - start) / 1e9, avg, acc);
        return acc;
    }
}
