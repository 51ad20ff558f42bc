package dev.vectornn.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.vectornn.graph.Graph;
import dev.vectornn.graph.Node;
import dev.vectornn.graph.Parameter;
import dev.vectornn.graph.Plan;
import dev.vectornn.graph.PlanOptions;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ModuleTest {

    private static Module twoLayers() {
        var rng = new SplittableRandom(1);
        Module net = new Module();
        net.add("fc1", new Linear(3, 4, rng));
        Module enc = net.add("encoder", new Module());
        enc.add("fc2", new Linear(4, 2, false, rng));
        return net;
    }

    @Test
    void namesAreDottedPathsInRegistrationOrder() {
        Module net = twoLayers();
        assertEquals(List.of("fc1.weight", "fc1.bias", "encoder.fc2.weight"), List.copyOf(net.stateDict().keySet()));
        assertEquals(Shape.of(4, 3), net.stateDict().get("fc1.weight").shape());
        assertEquals(12 + 4 + 8, net.numParameters());
        Module enc = net.children().get("encoder");
        assertEquals("encoder", enc.path());
        assertEquals(List.of("fc2.weight"), List.copyOf(enc.namedParameters().keySet()));
        assertEquals("encoder.fc2", enc.children().get("fc2").path());
    }

    @Test
    void badRegistrationsAreRejected() {
        Module net = twoLayers();
        var rng = new SplittableRandom(2);
        assertThrows(IllegalArgumentException.class, () -> net.add("fc1", new Linear(1, 1, rng)));
        assertThrows(IllegalArgumentException.class, () -> net.add("a.b", new Linear(1, 1, rng)));
        Linear shared = net.add("x", new Linear(1, 1, rng));
        var e = assertThrows(IllegalArgumentException.class, () -> new Module().add("y", shared));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> net.children().get("encoder").add("up", net));
    }

    @Test
    void loadStateDictCopiesInPlaceAndReportsKeys() {
        Module a = twoLayers(), b = new Module();
        var rng = new SplittableRandom(9);
        b.add("fc1", new Linear(3, 4, rng));
        b.add("encoder", new Module()).add("fc2", new Linear(4, 2, false, rng));
        Tensor live = b.stateDict().get("fc1.weight");
        Module.LoadResult r = b.loadStateDict(a.stateDict(), true);
        assertTrue(r.missingKeys().isEmpty() && r.unexpectedKeys().isEmpty());
        assertSame(live, b.stateDict().get("fc1.weight"), "loading must not replace tensors");
        assertArrayEquals(a.stateDict().get("fc1.weight").floats(), live.floats());

        Map<String, Tensor> partial = new LinkedHashMap<>(a.stateDict());
        partial.remove("fc1.bias");
        partial.put("head.weight", Tensor.zeros(DType.F32, 1));
        var e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(partial, true));
        assertTrue(e.getMessage().contains("missing keys [fc1.bias]") && e.getMessage().contains("unexpected keys [head.weight]"),
                e.getMessage());
        r = b.loadStateDict(partial, false);
        assertEquals(List.of("fc1.bias"), r.missingKeys());
        Map<String, Tensor> withNull = new java.util.HashMap<>(a.stateDict());
        withNull.put("fc1.weight", null);
        e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(withNull, true));
        assertTrue(e.getMessage().contains("the value of key 'fc1.weight' is null"), e.getMessage());
        assertEquals(List.of("head.weight"), r.unexpectedKeys());

        Map<String, Tensor> wrong = new LinkedHashMap<>(a.stateDict());
        float before = b.stateDict().get("fc1.bias").floats()[0];
        wrong.put("fc1.bias", Tensor.zeros(DType.F32, 5));
        wrong.put("fc1.weight", Tensor.zeros(DType.F32, 4, 3));
        e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(wrong, false));
        assertTrue(e.getMessage().contains("size mismatch for fc1.bias") && e.getMessage().contains("[5]"), e.getMessage());
        assertEquals(before, b.stateDict().get("fc1.bias").floats()[0]);
        assertNotEquals(0f, b.stateDict().get("fc1.weight").floats()[0], "nothing is copied when a check fails");
    }

    @Test
    void graphParametersAreTheModuleTensorsNamedFromTheRoot() {
        Module net = twoLayers();
        Linear fc1 = (Linear) net.children().get("fc1");
        Linear fc2 = (Linear) net.children().get("encoder").children().get("fc2");
        Graph g = new Graph();
        Node x = g.input("x", 2, 3);
        Node y = fc2.forward(g, fc1.forward(g, x));
        Node y2 = fc1.forward(g, x); // reuse: no second parameter node
        assertEquals(List.of("fc1.weight", "fc1.bias", "encoder.fc2.weight"),
                g.parameters().stream().map(Parameter::name).toList());
        for (Parameter p : g.parameters()) assertSame(net.stateDict().get(p.name()), p.value());
        Node loss = g.add(g.sum(y), g.sum(y2));
        Plan plan = g.compile(PlanOptions.forTraining(), loss);
        plan.feed("x", new float[6]);
        plan.forward();
        plan.backward();
        float before = fc1.bias().floats()[0];
        Parameter p = plan.param("fc1.bias");
        p.value().floats()[0] -= p.grad().floats()[0];
        assertEquals(before - p.grad().floats()[0], fc1.bias().floats()[0], "optimizer updates reach the module");
    }

    @Test
    void clashingRootsInOneGraphAreRejected() {
        var rng = new SplittableRandom(3);
        Linear a = new Linear(2, 2, rng), b = new Linear(2, 2, rng);
        Graph g = new Graph();
        Node x = g.input("x", 1, 2);
        a.forward(g, x);
        var e = assertThrows(IllegalArgumentException.class, () -> b.forward(g, x));
        assertTrue(e.getMessage().contains("'weight'"), e.getMessage());
    }

    @Test
    void initializationFollowsPyTorchDefaultsAndIsSeeded() {
        Linear l = new Linear(16, 300, new SplittableRandom(5));
        NnTesting.assertAllWithin(l.weight(), -0.25, 0.25, "weight");
        NnTesting.assertAllWithin(l.bias(), -0.25, 0.25, "bias");
        double max = 0;
        for (float v : l.weight().floats()) max = Math.max(max, Math.abs(v));
        assertTrue(max > 0.24, "uses the whole range: " + max);
        Linear same = new Linear(16, 300, new SplittableRandom(5));
        assertArrayEquals(l.weight().floats(), same.weight().floats());
        Tensor x = Init.xavierUniform(30, 10, new SplittableRandom(1));
        NnTesting.assertAllWithin(x, -Math.sqrt(6.0 / 40), Math.sqrt(6.0 / 40), "xavier");
        assertEquals(0.0, Init.fanInBound(0));
    }
}
