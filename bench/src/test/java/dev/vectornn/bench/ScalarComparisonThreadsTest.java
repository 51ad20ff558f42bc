package dev.vectornn.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;

/**
 * The vector kernels split large arrays over the kernel threads, the scalar ones never do: a
 * benchmark that runs both must pin the thread count, 1 by default, or its vector/scalar ratio
 * silently compares two cores with one (as the kernel benchmarks did once the element-wise
 * kernels were parallelized).
 */
class ScalarComparisonThreadsTest {

    @Test
    void everyBenchmarkComparingWithScalarRunsOneThreadByDefault() throws Exception {
        List<Class<?>> comparing = benchmarkClasses().stream().filter(ScalarComparisonThreadsTest::comparesWithScalar).toList();
        assertTrue(comparing.size() >= 6, "expected the kernel benchmarks, found " + comparing);
        for (Class<?> c : comparing) {
            Field threads = Arrays.stream(c.getFields()).filter(f -> f.getName().equals("threads")).findFirst().orElse(null);
            assertNotNull(threads, c.getSimpleName() + " runs scalar and vector kernels but has no 'threads' parameter");
            Param p = threads.getAnnotation(Param.class);
            assertNotNull(p, c.getSimpleName() + ".threads is not a JMH @Param");
            assertArrayEquals(new String[] {"1"}, p.value(), c.getSimpleName() + ".threads must default to 1 only");
        }
    }

    private static boolean comparesWithScalar(Class<?> c) {
        return Arrays.stream(c.getFields()).anyMatch(f -> f.getName().equals("impl") && f.isAnnotationPresent(Param.class)
                && Arrays.asList(f.getAnnotation(Param.class).value()).containsAll(List.of("scalar", "vector")));
    }

    private static List<Class<?>> benchmarkClasses() throws IOException, URISyntaxException {
        Path root = Path.of(UnaryBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path pkg = root.resolve("dev/vectornn/bench");
        assertTrue(Files.isDirectory(pkg), "benchmark classes not found under " + root);
        try (Stream<Path> files = Files.list(pkg)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith("Benchmark.class"))
                    .<Class<?>>map(n -> load("dev.vectornn.bench." + n.substring(0, n.length() - ".class".length())))
                    .toList();
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ScalarComparisonThreadsTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }
}
