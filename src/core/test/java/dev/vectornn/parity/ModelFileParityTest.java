package dev.vectornn.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.graph.Plan;
import dev.vectornn.graph.PlanOptions;
import dev.vectornn.io.SafeTensors;
import dev.vectornn.nn.LSTM;
import dev.vectornn.nn.Linear;
import dev.vectornn.nn.Module;
import dev.vectornn.nn.TransformerBlock;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Whole-model files both ways between vectornn and PyTorch. The model is
 * {@code make_golden_nn.py}'s {@code model_module()}: {@code block} a {@link TransformerBlock}
 * (E 8, 2 heads, causal), {@code lstm} an {@link LSTM} (input 8, hidden 6, 2 layers,
 * batch-first), {@code head} a {@link Linear}(6, 5); {@code y = head(lstm(block(x)).output)}.
 *
 * <ul>
 *   <li>PyTorch to vectornn: {@code nn_model.safetensors} (PyTorch's state dict) loads with
 *       {@code loadStateDict(strict = true)} and gives PyTorch's output ({@code model.*} in
 *       {@code nn.safetensors}) within rtol 1e-5, atol 2e-6 in F32 and rtol 1e-10, atol 1e-12 in
 *       F64.</li>
 *   <li>vectornn to PyTorch: {@link #writesAModelPyTorchCanLoad} writes a randomly initialized
 *       model's {@code stateDict()} with {@link SafeTensors#write} to
 *       {@code target/parity/java_model.safetensors}, and its input and F32/F64 outputs to
 *       {@code java_model_io.safetensors}. Tests must not need Python, so the PyTorch side is a
 *       manual check:
 * <pre>
 *   /usr/bin/python3 src/core/test/python/make_golden_nn.py --check-java-model \
 *       src/core/target/parity/java_model.safetensors src/core/target/parity/java_model_io.safetensors
 * </pre>
 *       which loads the file with {@code load_state_dict(strict=True)} and compares PyTorch's
 *       outputs with vectornn's.</li>
 * </ul>
 */
class ModelFileParityTest {
    static final String MODEL = "nn_model.safetensors";
    static final String FILE = LayerGoldenParityTest.FILE;

    /** The model of {@code model_module()}, freshly initialized from {@code seed}. */
    static final class Model {
        final Module root = new Module();
        final TransformerBlock block;
        final LSTM lstm;
        final Linear head;

        Model(long seed) {
            var rng = new SplittableRandom(seed);
            block = root.add("block", new TransformerBlock(8, 2, rng));
            lstm = root.add("lstm", new LSTM(8, 6, 2, true, 0.0, rng));
            head = root.add("head", new Linear(6, 5, rng));
        }

        /** {@code y [B, T, 5]} of {@code x [B, T, 8]} in an inference plan of {@code dtype}. */
        Tensor run(Tensor x, DType dtype) {
            Graph g = new Graph();
            Node in = g.input("x", x.shape().dims());
            Node y = head.forward(g, lstm.forward(g, block.forward(g, in, true)).output());
            Plan plan = g.compile(PlanOptions.forInference().withDtype(dtype), y);
            plan.feed("x", Golden.floats(x));
            plan.forward();
            return plan.output(y);
        }
    }

    @Test
    void aPyTorchModelFileLoadsStrictlyAndComputesTheSame() {
        Map<String, Tensor> sd = Golden.read(MODEL);
        assertEquals(Map.of("format", "pt"), Golden.metadata(MODEL));
        Model m = new Model(3);
        assertEquals(new TreeSet<>(m.root.stateDict().keySet()), new TreeSet<>(sd.keySet()),
                "vectornn's names are PyTorch's");
        Module.LoadResult r = m.root.loadStateDict(sd, true);
        assertEquals(List.of(), r.missingKeys());
        assertEquals(List.of(), r.unexpectedKeys());
        for (var e : sd.entrySet()) {
            String msg = Golden.compare("loaded " + e.getKey(), m.root.stateDict().get(e.getKey()), e.getValue(), 0, 0);
            if (msg != null) fail(msg);
        }
        Tensor x = Golden.tensor(FILE, "model.in.x");
        for (DType d : List.of(DType.F32, DType.F64)) {
            Tensor want = Golden.tensor(FILE, "model." + (d == DType.F32 ? "f32" : "f64") + ".out.y");
            String msg = Golden.compare("torch model " + d + " output", m.run(x, d), want, d == DType.F32 ? 1e-5 : 1e-10,
                    d == DType.F32 ? 2e-6 : 1e-12);
            if (msg != null) fail(msg);
        }
    }

    @Test
    void strictLoadingRejectsAMissingOrAnExtraKey() {
        Map<String, Tensor> sd = new HashMap<>(Golden.read(MODEL));
        Tensor w = sd.remove("lstm.weight_hh_l1");
        Model m = new Model(3);
        assertThrows(IllegalArgumentException.class, () -> m.root.loadStateDict(sd, true));
        sd.put("lstm.weight_hh_l1", w);
        sd.put("lstm.weight_hh_l2", w);
        assertThrows(IllegalArgumentException.class, () -> m.root.loadStateDict(sd, true));
    }

    @Test
    void writesAModelPyTorchCanLoad() throws Exception {
        Model m = new Model(11);
        // LayerNorm starts at ones and zeros and attention biases at zero: give every parameter
        // distinct values so that a swapped or skipped tensor shows in PyTorch's output
        var rng = new SplittableRandom(12);
        for (var e : m.root.stateDict().entrySet()) {
            if (e.getKey().contains("ln_") || e.getKey().endsWith("_bias") || e.getKey().endsWith("out_proj.bias")) {
                Tensor t = e.getValue();
                for (int i = 0; i < t.numel(); i++) t.setFlat(i, t.getFlat(i) + rng.nextDouble(-0.5, 0.5));
            }
        }
        Tensor x = Tensor.zeros(DType.F32, 2, 5, 8);
        for (int i = 0; i < x.numel(); i++) x.setFlat(i, rng.nextDouble(-1, 1));
        Map<String, Tensor> io = new LinkedHashMap<>();
        io.put("x", x);
        io.put("y.f32", m.run(x, DType.F32));
        io.put("y.f64", m.run(x, DType.F64));

        Path dir = Path.of(System.getProperty("basedir", "."), "target", "parity");
        Files.createDirectories(dir);
        Path model = dir.resolve("java_model.safetensors"), ioFile = dir.resolve("java_model_io.safetensors");
        SafeTensors.write(model, m.root.stateDict(), Map.of("format", "pt"));
        SafeTensors.write(ioFile, io, Map.of());

        // what PyTorch will read: the same names, dtypes and values, and a fresh model loads it strictly
        Map<String, Tensor> back = SafeTensors.read(model);
        assertEquals(new TreeSet<>(m.root.stateDict().keySet()), new TreeSet<>(back.keySet()));
        Model fresh = new Model(99);
        fresh.root.loadStateDict(back, true);
        for (var e : m.root.stateDict().entrySet()) {
            assertEquals(DType.F32, back.get(e.getKey()).dtype(), e.getKey());
            String msg = Golden.compare("written " + e.getKey(), fresh.root.stateDict().get(e.getKey()), e.getValue(), 0, 0);
            if (msg != null) fail(msg);
        }
        String msg = Golden.compare("reloaded model output", fresh.run(x, DType.F32), io.get("y.f32"), 0, 0);
        if (msg != null) fail(msg);
    }
}
