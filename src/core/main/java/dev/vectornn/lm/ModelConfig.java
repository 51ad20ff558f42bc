package dev.vectornn.lm;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The shape of a language model: which architecture, its vocabulary and sizes. Saved in every
 * checkpoint, so a run can be evaluated, sampled from or resumed without repeating its options.
 *
 * <p>For {@link Architecture#GPT}: {@code layers} Transformer blocks of width {@code dModel} with
 * {@code heads} heads over a context of {@code context} tokens ({@code hidden} is unused and 0).
 * For {@link Architecture#LSTM}: an embedding of {@code dModel} features, {@code layers} LSTM
 * layers of {@code hidden} units, unrolled over {@code context} steps (bptt); {@code heads} is
 * unused and 0. {@code tiedWeights} shares the token embedding with the output layer (for the
 * LSTM this needs {@code dModel == hidden}, as in pytorch/examples).
 *
 * @param architecture GPT or LSTM
 * @param vocabSize    tokens in the vocabulary, {@code >= 2}
 * @param layers       Transformer blocks or LSTM layers, {@code >= 1}
 * @param heads        attention heads (GPT; must divide {@code dModel}), else 0
 * @param dModel       GPT width, or LSTM embedding size
 * @param hidden       LSTM hidden size, else 0
 * @param context      GPT block size or LSTM bptt length, {@code >= 1}
 * @param dropout      drop probability in {@code [0, 1)}
 * @param tiedWeights  whether the output layer reuses the token embedding
 * @param bias         GPT: whether LayerNorms, attention and MLP have biases (GPT-2: yes;
 *                     nanoGPT's default: no); LSTM: must be true (PyTorch's LSTM and the decoder have biases)
 */
public record ModelConfig(Architecture architecture, int vocabSize, int layers, int heads, int dModel, int hidden,
                          int context, double dropout, boolean tiedWeights, boolean bias) {
    /** The model families. */
    public enum Architecture {
        /** A GPT-style decoder-only Transformer. */
        GPT,
        /** An LSTM language model (pytorch/examples' word_language_model). */
        LSTM;

        /** The lower-case name used in options and files ({@code gpt}, {@code lstm}). */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The architecture named {@code id} (case-insensitive).
         *
         * @throws IllegalArgumentException naming the valid values
         */
        public static Architecture parse(String id) {
            for (Architecture a : values()) if (a.id().equalsIgnoreCase(id)) return a;
            throw new IllegalArgumentException("unknown model '" + id + "'; expected gpt or lstm");
        }
    }

    /** The largest size of any one dimension accepted, to keep a hostile checkpoint from asking for terabytes. */
    public static final int MAX_DIM = 1 << 20;

    /**
     * Validates every field.
     *
     * @throws IllegalArgumentException naming the field and value at fault
     */
    public ModelConfig {
        Objects.requireNonNull(architecture, "architecture");
        check(vocabSize >= 2 && vocabSize <= Vocabulary.MAX_SIZE, "vocabulary size", vocabSize, "in [2, " + Vocabulary.MAX_SIZE + "]");
        check(layers >= 1 && layers <= 1024, "layers", layers, "in [1, 1024]");
        check(dModel >= 1 && dModel <= MAX_DIM, architecture == Architecture.GPT ? "d_model" : "embedding size", dModel,
                "in [1, " + MAX_DIM + "]");
        check(context >= 1 && context <= MAX_DIM, architecture == Architecture.GPT ? "block size" : "bptt", context,
                "in [1, " + MAX_DIM + "]");
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        if (architecture == Architecture.GPT) {
            check(heads >= 1 && dModel % heads == 0, "heads", heads, "at least 1 and dividing d_model " + dModel);
            check(hidden == 0, "hidden", hidden, "0 for a GPT (its MLP is 4 x d_model)");
        } else {
            check(hidden >= 1 && hidden <= MAX_DIM, "hidden", hidden, "in [1, " + MAX_DIM + "]");
            check(heads == 0, "heads", heads, "0 for an LSTM");
            if (!bias) throw new IllegalArgumentException("an LSTM language model always has biases (bias must be true)");
            if (tiedWeights && hidden != dModel) {
                throw new IllegalArgumentException("tied weights need the embedding size (" + dModel
                        + ") to equal the hidden size (" + hidden + ")");
            }
        }
    }

    private static void check(boolean ok, String what, long value, String rule) {
        if (!ok) throw new IllegalArgumentException(what + " must be " + rule + ", got " + value);
    }

    /**
     * A GPT configuration.
     *
     * @param vocabSize tokens
     * @param layers    blocks
     * @param heads     heads per block
     * @param dModel    width
     * @param block     context length
     * @param dropout   drop probability
     * @param tied      share the token embedding with the LM head
     * @param bias      biases in the LayerNorms, attention and MLP
     */
    public static ModelConfig gpt(int vocabSize, int layers, int heads, int dModel, int block, double dropout, boolean tied,
                                  boolean bias) {
        return new ModelConfig(Architecture.GPT, vocabSize, layers, heads, dModel, 0, block, dropout, tied, bias);
    }

    /** {@link #gpt(int, int, int, int, int, double, boolean, boolean)} with biases (GPT-2's layout). */
    public static ModelConfig gpt(int vocabSize, int layers, int heads, int dModel, int block, double dropout, boolean tied) {
        return gpt(vocabSize, layers, heads, dModel, block, dropout, tied, true);
    }

    /**
     * An LSTM LM configuration.
     *
     * @param vocabSize tokens
     * @param layers    LSTM layers
     * @param emsize    embedding size
     * @param hidden    hidden units per layer
     * @param bptt      steps per truncated-BPTT segment
     * @param dropout   drop probability (embedding, between layers, before the decoder)
     * @param tied      share the embedding with the decoder ({@code emsize == hidden})
     */
    public static ModelConfig lstm(int vocabSize, int layers, int emsize, int hidden, int bptt, double dropout, boolean tied) {
        return new ModelConfig(Architecture.LSTM, vocabSize, layers, 0, emsize, hidden, bptt, dropout, tied, true);
    }

    /** The fields as strings under stable keys ({@code model.*}), for checkpoint metadata and config files. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model.architecture", architecture.id());
        m.put("model.vocab_size", Integer.toString(vocabSize));
        m.put("model.layers", Integer.toString(layers));
        m.put("model.heads", Integer.toString(heads));
        m.put("model.d_model", Integer.toString(dModel));
        m.put("model.hidden", Integer.toString(hidden));
        m.put("model.context", Integer.toString(context));
        m.put("model.dropout", Double.toString(dropout));
        m.put("model.tied_weights", Boolean.toString(tiedWeights));
        m.put("model.bias", Boolean.toString(bias));
        return m;
    }

    /**
     * Reads what {@link #toMap()} wrote.
     *
     * @throws IllegalArgumentException naming a missing or malformed key, or a value out of range
     */
    public static ModelConfig fromMap(Map<String, String> m) {
        return new ModelConfig(Architecture.parse(MapValues.string(m, "model.architecture")),
                MapValues.integer(m, "model.vocab_size"), MapValues.integer(m, "model.layers"),
                MapValues.integer(m, "model.heads"), MapValues.integer(m, "model.d_model"),
                MapValues.integer(m, "model.hidden"), MapValues.integer(m, "model.context"),
                MapValues.real(m, "model.dropout"), MapValues.bool(m, "model.tied_weights"),
                MapValues.bool(m, "model.bias"));
    }
}
