package dev.vectornn.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vectornn.graph.Node;
import dev.vectornn.graph.Plan;
import dev.vectornn.graph.PlanOptions;
import dev.vectornn.lm.LanguageModel;
import dev.vectornn.lm.ModelConfig;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The language models against their PyTorch twins ({@code make_golden_lm.py}): the same state
 * dict loaded into both gives the same logits, loss, final LSTM state and parameter gradients,
 * computed in float64 on both sides (1e-10 relative), for untied and tied weights and a GPT without biases (nanoGPT's default).
 */
class LanguageModelParityTest {
    private static final String FILE = "lm.safetensors";

    @ParameterizedTest
    @ValueSource(strings = {"gpt", "gpt_tied", "gpt_nobias", "lstm", "lstm_tied"})
    void matchesPyTorch(String name) {
        Map<String, String> cfg = Golden.keyValues(Golden.metadata(FILE).get(name));
        ModelConfig mc = new ModelConfig(ModelConfig.Architecture.parse(cfg.get("architecture")),
                Integer.parseInt(cfg.get("vocab_size")), Integer.parseInt(cfg.get("layers")),
                Integer.parseInt(cfg.get("heads")), Integer.parseInt(cfg.get("d_model")),
                Integer.parseInt(cfg.get("hidden")), Integer.parseInt(cfg.get("context")), 0,
                Boolean.parseBoolean(cfg.get("tied_weights")), Boolean.parseBoolean(cfg.get("bias")));
        LanguageModel model = LanguageModel.create(mc, 1);
        Map<String, Tensor> sd = new LinkedHashMap<>();
        String prefix = name + ".sd.";
        for (var e : Golden.read(FILE).entrySet()) {
            if (e.getKey().startsWith(prefix)) sd.put(e.getKey().substring(prefix.length()), e.getValue());
        }
        // PyTorch lists a tied weight under both names; ours under the embedding's, so the alias must equal it
        assertEquals(sd.keySet(), model.torchStateDict().keySet());
        model.loadStateDict(mc.tiedWeights() ? withoutAlias(sd, model) : sd, true);

        int batch = Integer.parseInt(cfg.get("batch")), length = Integer.parseInt(cfg.get("length"));
        LanguageModel.LmGraph g = model.build(batch, length);
        List<Node> outs = new ArrayList<>(List.of(g.loss(), g.logits()));
        if (g.recurrent()) outs.addAll(List.of(g.hn(), g.cn()));
        Plan plan = g.graph().compile(PlanOptions.forTraining().withDtype(DType.F64), outs.toArray(new Node[0]));
        plan.feed("tokens", Golden.indices(Golden.tensor(FILE, name + ".tokens")));
        plan.feed("targets", Golden.indices(Golden.tensor(FILE, name + ".targets")));
        if (g.recurrent()) {
            plan.feed("h0", new float[g.h0().shape().numel()]);
            plan.feed("c0", new float[g.c0().shape().numel()]);
        }
        plan.forward();
        plan.backward();
        List<String> failures = new ArrayList<>();
        check(failures, name + " loss", Tensor.of(new double[] {plan.scalar(g.loss())}, 1), Golden.tensor(FILE, name + ".loss"));
        check(failures, name + " logits", plan.output(g.logits()), Golden.tensor(FILE, name + ".logits"));
        if (g.recurrent()) {
            check(failures, name + " hn", plan.output(g.hn()), Golden.tensor(FILE, name + ".hn"));
            check(failures, name + " cn", plan.output(g.cn()), Golden.tensor(FILE, name + ".cn"));
        }
        for (String key : model.stateDict().keySet()) {
            check(failures, name + " grad " + key, plan.grad(key), Golden.tensor(FILE, name + ".grad." + key));
        }
        assertNull(failures.isEmpty() ? null : String.join("\n", failures));
    }

    private static Map<String, Tensor> withoutAlias(Map<String, Tensor> sd, LanguageModel model) {
        Map<String, Tensor> own = new LinkedHashMap<>(sd);
        own.keySet().retainAll(model.stateDict().keySet());
        return own;
    }

    private static void check(List<String> failures, String what, Tensor actual, Tensor expected) {
        String err = Golden.compare(what, actual, expected, 1e-10, 1e-12);
        if (err != null) failures.add(err);
    }
}
