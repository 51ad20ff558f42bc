package dev.vectornn.properties.graph;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.graph.OpDef;
import dev.vectornn.graph.Ops;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Fails when a registered op has no gradcheck property (a method of {@link OpGradientProperties} named as the op). */
class OpCoverageTest {

    @Test
    void everyRegisteredOpHasAGradcheckProperty() {
        Set<String> properties = new HashSet<>();
        for (Method m : OpGradientProperties.class.getDeclaredMethods()) {
            if (m.isAnnotationPresent(Property.class)) properties.add(m.getName());
        }
        List<String> missing = new ArrayList<>();
        for (OpDef op : Ops.all()) if (!properties.contains(op.name())) missing.add(op.name());
        assertTrue(missing.isEmpty(), "registered ops without a gradcheck property in OpGradientProperties: " + missing);
    }
}
