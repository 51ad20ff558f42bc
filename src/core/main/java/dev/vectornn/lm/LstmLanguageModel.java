package dev.vectornn.lm;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.nn.Embedding;
import dev.vectornn.nn.Init;
import dev.vectornn.nn.LSTM;
import dev.vectornn.nn.Linear;
import dev.vectornn.nn.Module;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * pytorch/examples' word-level {@code RNNModel} with an LSTM: embedding, dropout, a multi-layer
 * {@link LSTM} (dropout between layers), dropout, and a linear decoder over the vocabulary,
 * optionally tied to the embedding. Time-major ({@code [T, B]} tokens), as the example.
 *
 * <p>Names: {@code encoder.weight}, {@code rnn.weight_ih_l<k>} etc., {@code decoder.weight}
 * (absent when tied) and {@code decoder.bias}. Initialization as the example:
 * encoder and decoder weights {@code U(-0.1, 0.1)}, decoder bias 0, the LSTM as PyTorch's.
 */
public final class LstmLanguageModel extends LanguageModel {
    private final Embedding encoder;
    private final LSTM rnn;
    private final Linear decoder;
    private final DecoderBias tiedBias;

    /** The decoder of a tied model: only its bias is its own. */
    private static final class DecoderBias extends Module {
        @SuppressWarnings("this-escape") // registerParameter only stores into this module's own map
        DecoderBias(int n) {
            registerParameter("bias", Tensor.zeros(DType.F32, n));
        }

        Node node(Graph g) {
            return param(g, "bias");
        }
    }

    @SuppressWarnings("this-escape") // add only stores into this module's own map
    LstmLanguageModel(ModelConfig c, RandomGenerator rng) {
        super(c);
        encoder = add("encoder", new Embedding(c.vocabSize(), c.dModel(), rng));
        rnn = add("rnn", new LSTM(c.dModel(), c.hidden(), c.layers(), false, c.dropout(), rng));
        Init.uniform(encoder.weight(), -0.1, 0.1, rng);
        if (c.tiedWeights()) {
            // the decoder keeps only its bias: its weight is the encoder's table
            decoder = null;
            tiedBias = add("decoder", new DecoderBias(c.vocabSize()));
        } else {
            decoder = add("decoder", new Linear(c.hidden(), c.vocabSize(), rng));
            tiedBias = null;
            Init.uniform(decoder.weight(), -0.1, 0.1, rng);
            java.util.Arrays.fill(decoder.bias().floats(), 0f);
        }
    }

    @Override
    public LmGraph build(int batch, int length) {
        if (batch < 1 || length < 1) {
            throw new IllegalArgumentException("LSTM LM: batch and length must be >= 1, got " + batch + ", " + length);
        }
        ModelConfig c = config();
        Graph g = new Graph();
        Node tokens = g.indexInput("tokens", length, batch);
        Node targets = g.indexInput("targets", length, batch);
        Node h0 = g.input("h0", c.layers(), batch, c.hidden());
        Node c0 = g.input("c0", c.layers(), batch, c.hidden());
        Node emb = encoder.forward(g, tokens);
        if (c.dropout() > 0) emb = g.dropout(emb, c.dropout());
        LSTM.Output o = rnn.forward(g, emb, h0, c0);
        Node out = o.output();
        if (c.dropout() > 0) out = g.dropout(out, c.dropout());
        Node logits = c.tiedWeights()
                ? g.add(g.matmul(out, encoder.weightNode(g), false, true), tiedBias.node(g))
                : decoder.forward(g, out);
        Node loss = g.crossEntropy(logits, targets);
        return new LmGraph(g, tokens, targets, logits, loss, h0, c0, o.hn(), o.cn());
    }

    @Override
    String embeddingKey() {
        return "encoder.weight";
    }

    @Override
    String tiedOutputKey() {
        return "decoder.weight";
    }
}
