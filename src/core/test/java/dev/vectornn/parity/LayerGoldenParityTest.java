package dev.vectornn.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.graph.Parameter;
import dev.vectornn.graph.Plan;
import dev.vectornn.graph.PlanOptions;
import dev.vectornn.nn.Activation;
import dev.vectornn.nn.Embedding;
import dev.vectornn.nn.LSTM;
import dev.vectornn.nn.LayerNorm;
import dev.vectornn.nn.Linear;
import dev.vectornn.nn.MLP;
import dev.vectornn.nn.Module;
import dev.vectornn.nn.MultiheadAttention;
import dev.vectornn.nn.RNN;
import dev.vectornn.nn.TransformerBlock;
import dev.vectornn.optim.Adam;
import dev.vectornn.optim.Optimizer;
import dev.vectornn.optim.SGD;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every layer against PyTorch ({@code nn.safetensors}, and bidirectional RNN and LSTM cases in
 * {@code nn_bidirectional.safetensors}, written by {@code src/core/test/python/make_golden_nn.py};
 * its docstring lists what each case stores).
 * For each case and dtype the layer is built from the configuration in the file's metadata,
 * PyTorch's state dict is loaded with {@code loadStateDict(strict = true)}, and:
 * <ol>
 *   <li>forward: every output ({@code y}; RNN/LSTM {@code output}, {@code hn}, {@code cn}) against
 *       PyTorch's;</li>
 *   <li>backward of {@code L = sum_out sum(out * dy_out)} with PyTorch's fixed random
 *       {@code dy}: the gradient of every float input ({@code x}, {@code h0}, {@code c0},
 *       {@code query}, {@code kv}) and of every parameter;</li>
 *   <li>five optimizer steps (SGD momentum 0.9 or Adam, as the case says) on
 *       {@code sum_out mse(out, target_out)}: the loss before each step and every parameter after
 *       the last.</li>
 * </ol>
 * The modules hold F32 parameters; F64 plans convert them exactly, and PyTorch's F64 run starts
 * from the same float32 values widened, so both dtypes start from identical numbers.
 *
 * <p><b>Tolerance</b> per element {@code |java - torch| <= rtol * |torch| + atol}: F64 rtol
 * 1e-10, atol 1e-12 (both sides double; only summation orders differ). F32 rtol 1e-5 and an atol
 * per layer ({@link #f32Atol}) for elements near zero, whose relative error is meaningless:
 * they are differences of sums of order-1 terms, each side rounding to float in its own order.
 */
class LayerGoldenParityTest {
    static final String FILE = "nn.safetensors";
    /** Bidirectional RNN and LSTM cases, in nn.safetensors' layout. */
    static final String BIDIRECTIONAL_FILE = "nn_bidirectional.safetensors";
    static final List<String> FILES = List.of(FILE, BIDIRECTIONAL_FILE);
    static final int STEPS = 5;
    static final double F64_RTOL = 1e-10, F64_ATOL = 1e-12, F32_RTOL = 1e-5;

    /** The F32 atol of a layer: about 1e-6 times the magnitude of the terms summed. */
    static double f32Atol(String layer) {
        return switch (layer) {
            case "Linear", "MLP", "Embedding", "LayerNorm" -> 1e-6;
            default -> 2e-6; // recurrences and attention: longer chains of rounded products
        };
    }

    static List<String> caseNames() {
        return FILES.stream().flatMap(f -> caseNames(f).stream()).sorted().toList();
    }

    static List<String> caseNames(String file) {
        return Golden.metadata(file).keySet().stream().filter(k -> !k.contains(".") && !k.equals("torch")
                && !k.equals("steps")).sorted().toList();
    }

    /** Case name to the golden file holding it (headers read once). */
    private static final Map<String, String> FILE_OF = new java.util.concurrent.ConcurrentHashMap<>();

    /** The golden file holding case {@code name}. */
    static String file(String name) {
        return FILE_OF.computeIfAbsent(name, n -> {
            for (String f : FILES) if (Golden.metadata(f).containsKey(n)) return f;
            throw new IllegalStateException("no golden file has a case '" + n + "'");
        });
    }

    static Stream<Arguments> cases() {
        return caseNames().stream()
                .flatMap(c -> Stream.of(Arguments.of(c, DType.F32), Arguments.of(c, DType.F64)));
    }

    @Test
    void everyLayerIsCovered() {
        List<String> layers = caseNames(FILE).stream().map(c -> config(c).get("layer")).distinct().sorted().toList();
        assertEquals(List.of("Embedding", "LSTM", "LayerNorm", "Linear", "MLP", "MultiheadAttention", "RNN",
                "TransformerBlock"), layers);
        for (String f : FILES) assertEquals(String.valueOf(STEPS), Golden.metadata(f).get("steps"), f);
        assertTrue(caseNames(FILE).size() >= 25, "cases: " + caseNames(FILE));
        // the bidirectional file: RNN and LSTM, every case bidirectional, one and two layers, both layouts
        List<String> bidi = caseNames(BIDIRECTIONAL_FILE);
        assertEquals(List.of("LSTM", "RNN"), bidi.stream().map(c -> config(c).get("layer")).distinct().sorted().toList());
        for (String c : bidi) assertEquals("true", config(c).get("bidirectional"), c);
        assertEquals(List.of("1", "2"), bidi.stream().map(c -> config(c).get("num_layers")).distinct().sorted().toList());
        assertEquals(List.of("false", "true"), bidi.stream().map(c -> config(c).get("batch_first")).distinct().sorted().toList());
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("cases")
    void forwardAndGradientsMatchPyTorch(String name, DType dtype) {
        String m = runGradients(name, dtype, 1.0);
        if (m != null) fail(m);
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("cases")
    void trainingMatchesPyTorch(String name, DType dtype) {
        String m = runTraining(name, dtype, 1.0);
        if (m != null) fail(m);
    }

    /** The comparisons can fail: a slightly scaled output gradient or learning rate is caught. */
    @Test
    void aPerturbedRunIsCaught() {
        assertNotNull(runGradients("lstm_2layer_h0", DType.F32, 1.0001));
        assertNotNull(runGradients("block_causal_padding", DType.F64, 1.000001));
        assertNotNull(runTraining("mha_causal", DType.F32, 1.001));
        assertNotNull(runTraining("rnn_2layer_bf_h0", DType.F64, 1.000001));
        assertNotNull(runGradients("lstm_bidir_2layer_bf_h0", DType.F32, 1.0001));
        assertNotNull(runTraining("rnn_bidir_2layer_h0", DType.F64, 1.000001));
    }

    // ---------------------------------------------------------------- the runs

    static String dn(DType dtype) {
        return dtype == DType.F32 ? "f32" : "f64";
    }

    static double rtol(DType dtype) {
        return dtype == DType.F32 ? F32_RTOL : F64_RTOL;
    }

    static double atol(String name, DType dtype) {
        return dtype == DType.F32 ? f32Atol(config(name).get("layer")) : F64_ATOL;
    }

    /** Forward and backward of {@code sum(out * dy * dyScale)}; null when everything matches. */
    static String runGradients(String name, DType dtype, double dyScale) {
        Case c = new Case(name);
        Node loss = null;
        for (var e : c.outputs.entrySet()) {
            Node term = c.g.sum(c.g.mul(e.getValue(), c.input("dy." + e.getKey())));
            loss = loss == null ? term : c.g.add(loss, term);
        }
        if (dyScale != 1.0) loss = c.g.mul(loss, dyScale);
        String p = name + "." + dn(dtype) + ".";
        List<String> gradInputs = c.floatInputs.keySet().stream()
                .filter(k -> Golden.read(file(name)).containsKey(p + "grad." + k)).toList();
        Node[] outs = c.outputs.values().toArray(new Node[0]);
        Node[] all = new Node[outs.length + 1];
        all[0] = loss;
        System.arraycopy(outs, 0, all, 1, outs.length);
        Plan plan = c.g.compile(PlanOptions.forTraining().withDtype(dtype).withGradInputs(gradInputs.toArray(new String[0])), all);
        c.feed(plan);
        plan.forward();
        plan.backward();
        double rtol = rtol(dtype), atol = atol(name, dtype);
        for (var e : c.outputs.entrySet()) {
            String m = Golden.compare(name + " " + dtype + " output " + e.getKey(), plan.output(e.getValue()),
                    Golden.tensor(file(name), p + "out." + e.getKey()), rtol, atol);
            if (m != null) return m;
        }
        for (String in : gradInputs) {
            String m = Golden.compare(name + " " + dtype + " gradient of input " + in, plan.grad(in),
                    Golden.tensor(file(name), p + "grad." + in), rtol, atol);
            if (m != null) return m;
        }
        assertEquals(c.stateDict.keySet(), plan.params().keySet(), name + ": the plan trains exactly the state dict");
        for (String k : c.stateDict.keySet()) {
            String m = Golden.compare(name + " " + dtype + " gradient of " + k, plan.grad(k),
                    Golden.tensor(file(name), p + "pgrad." + k), rtol, atol);
            if (m != null) return m;
        }
        return null;
    }

    /** Five optimizer steps (learning rate scaled by {@code lrScale}); null when everything matches. */
    static String runTraining(String name, DType dtype, double lrScale) {
        Case c = new Case(name);
        Node loss = null;
        for (var e : c.outputs.entrySet()) {
            Node term = c.g.mse(e.getValue(), c.input("target." + e.getKey()));
            loss = loss == null ? term : c.g.add(loss, term);
        }
        Plan plan = c.g.compile(PlanOptions.forTraining().withDtype(dtype), loss);
        c.feed(plan);
        Map<String, String> cfg = config(name);
        List<Parameter> params = new ArrayList<>(plan.params().values());
        double lr = Double.parseDouble(cfg.get("lr")) * lrScale;
        Optimizer<?> opt = switch (cfg.get("opt")) {
            case "SGD" -> new SGD(params, SGD.options(lr).withMomentum(Double.parseDouble(cfg.get("momentum"))));
            case "Adam" -> new Adam(params, Adam.options().withLr(lr));
            default -> throw new IllegalStateException("unknown optimizer in " + cfg);
        };
        String p = name + "." + dn(dtype) + ".";
        Tensor wantLosses = Golden.tensor(file(name), p + "losses");
        Tensor losses = Tensor.zeros(dtype, STEPS);
        for (int t = 0; t < STEPS; t++) {
            opt.zeroGrad();
            plan.forward();
            losses.setFlat(t, plan.scalar(loss));
            plan.backward();
            opt.step();
        }
        double rtol = rtol(dtype), atol = atol(name, dtype);
        String m = Golden.compare(name + " " + dtype + " training losses", losses, wantLosses, rtol, atol);
        if (m != null) return m;
        for (String k : c.stateDict.keySet()) {
            Tensor want = Golden.tensor(file(name), p + "trained." + k);
            m = Golden.compare(name + " " + dtype + " trained " + k, plan.param(k).value(), want, rtol, atol);
            if (m != null) return m;
        }
        return null;
    }

    // ---------------------------------------------------------------- building a case

    static Map<String, String> config(String name) {
        String s = Golden.metadata(file(name)).get(name);
        assertNotNull(s, name + " has no configuration in the metadata");
        return Golden.keyValues(s);
    }

    /** The state dict {@code <case>.sd.*} of the file, keys without the prefix, in name order. */
    static Map<String, Tensor> stateDict(String name) {
        String prefix = name + ".sd.";
        Map<String, Tensor> sd = new TreeMap<>();
        for (var e : Golden.read(file(name)).entrySet()) {
            if (e.getKey().startsWith(prefix)) sd.put(e.getKey().substring(prefix.length()), e.getValue());
        }
        return sd;
    }

    /** A case's layer (PyTorch's weights loaded strictly) added to a fresh graph, with its inputs. */
    static final class Case {
        final String name;
        final Graph g = new Graph();
        final Map<String, Node> floatInputs = new LinkedHashMap<>();
        final Map<String, float[]> floatFeeds = new LinkedHashMap<>();
        final Map<String, int[]> indexFeeds = new LinkedHashMap<>();
        final Map<String, Node> outputs = new LinkedHashMap<>();
        final Map<String, Tensor> stateDict;

        Case(String name) {
            this.name = name;
            Map<String, String> cfg = config(name);
            Module module = build(cfg);
            stateDict = stateDict(name);
            Module.LoadResult r = module.loadStateDict(stateDict, true);
            assertEquals(List.of(), r.missingKeys(), name);
            assertEquals(List.of(), r.unexpectedKeys(), name);
            assertEquals(stateDict.keySet(), new java.util.TreeSet<>(module.stateDict().keySet()), name);
            forward(module, cfg);
        }

        /** Float input {@code in.<in>} of the case. */
        Node input(String in) {
            Node n = floatInputs.get(in);
            if (n != null) return n;
            Tensor t = Golden.tensor(file(name), name + ".in." + in);
            n = g.input(in, t.shape().dims());
            floatInputs.put(in, n);
            floatFeeds.put(in, Golden.floats(t));
            return n;
        }

        Node optionalInput(String in) {
            return Golden.read(file(name)).containsKey(name + ".in." + in) ? input(in) : null;
        }

        Node indexInput(String in) {
            Tensor t = Golden.tensor(file(name), name + ".idx." + in);
            indexFeeds.put(in, Golden.indices(t));
            return g.indexInput(in, t.shape().dims());
        }

        void feed(Plan plan) {
            floatFeeds.forEach(plan::feed);
            indexFeeds.forEach(plan::feed);
        }

        private static Module build(Map<String, String> cfg) {
            var rng = new SplittableRandom(1); // every value is overwritten by loadStateDict
            return switch (cfg.get("layer")) {
                case "Linear" -> new Linear(i(cfg, "in_features"), i(cfg, "out_features"), b(cfg, "bias"), rng);
                case "MLP" -> new MLP(Arrays.stream(cfg.get("sizes").split(";")).mapToInt(Integer::parseInt).toArray(),
                        Activation.RELU, rng);
                case "Embedding" -> new Embedding(i(cfg, "num_embeddings"), i(cfg, "embedding_dim"),
                        i(cfg, "padding_idx") < 0 ? Embedding.NO_PADDING : i(cfg, "padding_idx"), rng);
                case "LayerNorm" -> new LayerNorm(i(cfg, "normalized_shape"), Double.parseDouble(cfg.get("eps")));
                case "RNN" -> new RNN(i(cfg, "input_size"), i(cfg, "hidden_size"), i(cfg, "num_layers"), Activation.TANH,
                        b(cfg, "batch_first"), 0.0, bidirectional(cfg), rng);
                case "LSTM" -> new LSTM(i(cfg, "input_size"), i(cfg, "hidden_size"), i(cfg, "num_layers"),
                        b(cfg, "batch_first"), 0.0, bidirectional(cfg), rng);
                case "MultiheadAttention" -> new MultiheadAttention(i(cfg, "embed_dim"), i(cfg, "num_heads"), rng);
                case "TransformerBlock" -> new TransformerBlock(i(cfg, "embed_dim"), i(cfg, "num_heads"), rng);
                default -> throw new IllegalStateException("unknown layer in " + cfg);
            };
        }

        private void forward(Module module, Map<String, String> cfg) {
            switch (module) {
                case MLP m -> outputs.put("y", m.forward(g, input("x")));
                case Linear m -> outputs.put("y", m.forward(g, input("x")));
                case Embedding m -> outputs.put("y", m.forward(g, indexInput("indices")));
                case LayerNorm m -> outputs.put("y", m.forward(g, input("x")));
                case RNN m -> {
                    RNN.Output o = m.forward(g, input("x"), optionalInput("h0"));
                    outputs.put("output", o.output());
                    outputs.put("hn", o.hn());
                }
                case LSTM m -> {
                    LSTM.Output o = m.forward(g, input("x"), optionalInput("h0"), optionalInput("c0"));
                    outputs.put("output", o.output());
                    outputs.put("hn", o.hn());
                    outputs.put("cn", o.cn());
                }
                case MultiheadAttention m -> {
                    Node kpm = optionalInput("key_padding_mask");
                    if (b(cfg, "cross")) {
                        Node kv = input("kv");
                        outputs.put("y", m.forward(g, input("query"), kv, kv, kpm, b(cfg, "causal")));
                    } else {
                        Node x = input("x");
                        outputs.put("y", m.forward(g, x, x, x, kpm, b(cfg, "causal")));
                    }
                }
                case TransformerBlock m -> outputs.put("y", m.forward(g, input("x"), optionalInput("key_padding_mask"),
                        b(cfg, "causal")));
                default -> throw new IllegalStateException("no forward for " + module);
            }
            // every output the golden file has, and no other
            List<String> golden = Golden.read(file(name)).keySet().stream().filter(k -> k.startsWith(name + ".f64.out."))
                    .map(k -> k.substring((name + ".f64.out.").length())).sorted().toList();
            assertEquals(golden, outputs.keySet().stream().sorted().toList(), name + " outputs");
        }

        private static int i(Map<String, String> cfg, String k) {
            String v = cfg.get(k);
            if (v == null) throw new IllegalStateException(k + " missing in " + cfg);
            return Integer.parseInt(v);
        }

        /** {@code bidirectional} of a recurrent case; absent (the cases of nn.safetensors) means false. */
        private static boolean bidirectional(Map<String, String> cfg) {
            return cfg.containsKey("bidirectional") && b(cfg, "bidirectional");
        }

        private static boolean b(Map<String, String> cfg, String k) {
            String v = cfg.get(k);
            if (!"true".equals(v) && !"false".equals(v)) throw new IllegalStateException(k + " is not a boolean in " + cfg);
            return Boolean.parseBoolean(v);
        }
    }
}
