package dev.vectornn.graph;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every registered op through GradCheck, from the shared sample list, so no op can be forgotten. */
class GradCheckOpsTest {

    @Test
    void everyRegisteredOpHasASample() {
        List<String> missing = new ArrayList<>();
        for (OpDef op : Ops.all()) if (!OpSamples.all().containsKey(op)) missing.add(op.name());
        assertTrue(missing.isEmpty(), "ops without a gradcheck sample: " + missing);
    }

    private static Stream<DynamicTest> run(GradCheck.Options o) {
        return OpSamples.all().values().stream().flatMap(List::stream).map(s -> DynamicTest.dynamicTest(s.name(), () -> {
            Graph g = new Graph();
            OpSamples.Feeds f = new OpSamples.Feeds(42);
            Node out = s.builder().build(g, f);
            GradCheck.Report r = GradCheck.check(g, out, f.values(), o);
            assertTrue(r.passed(), r.toString());
            assertTrue(r.checked() > 0, "nothing was compared: " + r);
            assertEquals(0, r.kinks(), "inputs are drawn away from kinks: " + r);
        }));
    }

    @TestFactory
    Stream<DynamicTest> f64Full() {
        return run(GradCheck.f64());
    }

    @TestFactory
    Stream<DynamicTest> f64Fast() {
        return run(GradCheck.f64().withFast(true));
    }

    @TestFactory
    Stream<DynamicTest> f32Full() {
        return run(GradCheck.f32());
    }
}
