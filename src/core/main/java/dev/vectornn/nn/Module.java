package dev.vectornn.nn;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A container of named parameters and named child modules, as PyTorch's {@code nn.Module}.
 *
 * <p><b>Names.</b> A parameter's state-dict key is the path of child names from the module the
 * dictionary is taken from, joined by dots: {@code "fc1.weight"},
 * {@code "layers.0.attn.in_proj_weight"}. Children are attached with {@link #add} (once: a module
 * has at most one parent). A composite model either subclasses {@code Module} or uses a plain
 * instance as a container:
 *
 * <pre>{@code
 * var rng = new SplittableRandom(42);
 * Module net = new Module();
 * Linear fc1 = net.add("fc1", new Linear(784, 128, rng));
 * Linear fc2 = net.add("fc2", new Linear(128, 10, rng));
 * Graph g = new Graph();
 * Node x = g.input("x", 32, 784);
 * Node logits = fc2.forward(g, g.relu(fc1.forward(g, x)));   // parameters "fc1.weight", ...
 * Optimizer<?> opt = new Adam(g.parameters(), Adam.options());
 * }</pre>
 *
 * <p><b>Graphs.</b> Layers add nodes to a caller's {@link Graph}. Each parameter becomes a graph
 * parameter named by its full path from the root module (the topmost ancestor), using the
 * module's own tensor in place: an F32 plan, and an optimizer over {@link Graph#parameters()},
 * train the module's tensors directly, so {@link #stateDict()} always shows the trained values.
 * Calling a module several times on one graph (weight sharing, unrolled time steps) reuses the
 * same parameter node. Two unrelated root modules with clashing names cannot share a graph; put
 * them under one container. One module may serve several graphs (a training graph and an
 * inference graph of another batch size): they share the values, each graph has its own
 * gradients. An F64 plan (gradient checks) works on a converted copy of the values, so
 * training it does not change the module.
 *
 * <p>Not thread-safe. Parameter tensors are F32.
 */
public class Module {
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private Module parent;
    private String nameInParent;

    /** An empty module, usable as a container of children. */
    public Module() {}

    /**
     * Registers {@code child} under {@code name} and returns it.
     *
     * @throws IllegalArgumentException if the name is empty, contains a dot or is taken, or the
     *     child already has a parent or is an ancestor of this module
     */
    public final <M extends Module> M add(String name, M child) {
        checkName(name);
        Module c = Objects.requireNonNull(child, "child"); // private fields are not visible through M
        if (c.parent != null) {
            throw new IllegalArgumentException("module '" + name + "' is already registered as '" + child.path()
                    + "'; a module has one parent");
        }
        for (Module m = this; m != null; m = m.parent) {
            if (m == c) throw new IllegalArgumentException("module '" + name + "' would be its own ancestor");
        }
        children.put(name, child);
        c.parent = this;
        c.nameInParent = name;
        return child;
    }

    /**
     * Registers a parameter tensor (used in place) under {@code name} and returns it; for
     * subclass constructors.
     *
     * @throws IllegalArgumentException if the name is invalid or taken, or the tensor is not F32
     */
    protected final Tensor registerParameter(String name, Tensor value) {
        checkName(name);
        if (value.dtype() != dev.vectornn.tensor.DType.F32) {
            throw new IllegalArgumentException("parameter '" + name + "' must be F32, got " + value.dtype());
        }
        params.put(name, value);
        return value;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("invalid module or parameter name '" + name + "' (non-empty, no dots)");
        }
        if (params.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("name '" + name + "' is already used in " + describe());
        }
    }

    /** This module's own parameter {@code name} (not a child's). */
    protected final Tensor parameter(String name) {
        Tensor t = params.get(name);
        if (t == null) throw new IllegalArgumentException(describe() + " has no parameter '" + name + "'");
        return t;
    }

    /** The child modules in registration order, by name (an unmodifiable live view). */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** The dotted path from the root module ({@code ""} for a root). */
    public final String path() {
        if (parent == null) return "";
        String p = parent.path();
        return p.isEmpty() ? nameInParent : p + "." + nameInParent;
    }

    private String describe() {
        String p = path();
        return getClass().getSimpleName() + (p.isEmpty() ? " (root)" : " '" + p + "'");
    }

    /**
     * Every parameter of this module and its descendants, depth-first in registration order (own
     * parameters first), keyed by dotted name relative to this module. The tensors are the live
     * parameters, not copies.
     */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out) {
        for (Map.Entry<String, Tensor> e : params.entrySet()) out.put(prefix + e.getKey(), e.getValue());
        for (Map.Entry<String, Module> e : children.entrySet()) e.getValue().collect(prefix + e.getKey() + ".", out);
    }

    /**
     * PyTorch's {@code state_dict()}: the same as {@link #namedParameters()} (these modules have no
     * buffers). Live tensors; copy them for a snapshot.
     */
    public final Map<String, Tensor> stateDict() {
        return namedParameters();
    }

    /** Total number of parameter elements. */
    public final long numParameters() {
        long n = 0;
        for (Tensor t : namedParameters().values()) n += t.numel();
        return n;
    }

    /**
     * Copies values into this module's parameters in place (graphs and plans built from it see
     * them). Entries may be F32 or F64 (rounded). Nothing is copied unless every check passes.
     *
     * @param strict when true, every parameter must be present and no other key may appear
     *     (PyTorch's {@code strict=True}); when false, missing and unexpected keys are skipped
     * @return the keys not loaded: missing ones then unexpected ones (empty when strict succeeded)
     * @throws IllegalArgumentException listing missing and unexpected keys (strict), or naming
     *     the first key whose shape differs (always, as PyTorch) or whose value is null
     */
    public final LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            if (e.getValue() == null) throw new IllegalArgumentException("loadStateDict: the value of key '" + e.getKey() + "' is null");
        }
        Map<String, Tensor> own = namedParameters();
        List<String> missing = new ArrayList<>();
        for (String k : own.keySet()) if (!state.containsKey(k)) missing.add(k);
        Set<String> unexpected = new LinkedHashSet<>(state.keySet());
        unexpected.removeAll(own.keySet());
        if (strict && (!missing.isEmpty() || !unexpected.isEmpty())) {
            throw new IllegalArgumentException("loadStateDict: error(s) loading state dict for " + getClass().getSimpleName()
                    + ": missing keys " + missing + ", unexpected keys " + unexpected);
        }
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src != null && !src.shape().equals(e.getValue().shape())) {
                throw new IllegalArgumentException("loadStateDict: size mismatch for " + e.getKey() + ": copying a param"
                        + " with shape " + src.shape() + ", the shape in the current model is " + e.getValue().shape());
            }
        }
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) continue;
            Tensor dst = e.getValue();
            for (int i = 0; i < dst.numel(); i++) dst.setFlat(i, src.getFlat(i));
        }
        return new LoadResult(List.copyOf(missing), List.copyOf(unexpected));
    }

    /**
     * Keys that {@link #loadStateDict} did not load.
     *
     * @param missingKeys    parameters of the module absent from the dictionary
     * @param unexpectedKeys dictionary keys that name no parameter
     */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {}

    // ---------------------------------------------------------------- graph plumbing

    /**
     * The graph node of this module's parameter {@code name}, named by its full path from the
     * root; declared on the first call for a graph, reused afterwards.
     *
     * @throws IllegalArgumentException if that name is already used in {@code g} by another
     *     tensor or by an input
     */
    protected final Node param(Graph g, String name) {
        Tensor t = parameter(name);
        String p = path();
        String full = p.isEmpty() ? name : p + "." + name;
        List<Node> nodes = g.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (!full.equals(n.name())) continue;
            if (n.kind() == Node.Kind.PARAM && isSameTensor(g, full, t)) return n;
            throw new IllegalArgumentException("parameter '" + full + "' of " + describe() + ": the graph already has "
                    + n + "; give the modules distinct names under one container");
        }
        return g.param(full, t);
    }

    private static boolean isSameTensor(Graph g, String full, Tensor t) {
        for (var p : g.parameters()) if (p.name().equals(full)) return p.value() == t;
        return false;
    }
}
