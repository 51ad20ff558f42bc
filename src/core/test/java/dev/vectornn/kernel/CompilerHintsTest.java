package dev.vectornn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The C2 inline directive the vector kernels add ({@link CompilerHints}): it reaches HotSpot, it
 * can be switched off, and it names every kernel method that takes or returns a vector, so a new
 * helper cannot silently reopen the allocating compile it exists to prevent.
 */
class CompilerHintsTest {

    @Test
    void theVectorKernelsInstallTheDirective() throws Exception {
        Assumptions.assumeTrue(KernelProvider.vectorAvailable(), "no jdk.incubator.vector in this JVM");
        KernelProvider.vector();
        String held = CompilerHints.printDirectives();
        assertTrue(held.contains("matching: " + CompilerHints.MATCH), held);
        for (String h : CompilerHints.VECTOR_HELPERS) {
            assertTrue(held.contains("+" + h), h + " missing from the directives HotSpot holds:\n" + held);
        }
        if (KernelProvider.get().vectorBits() > 0) {
            assertTrue(KernelProvider.reason().endsWith("C2 inline directive added"), KernelProvider.reason());
        }
    }

    @Test
    void falseSkipsTheDirective() throws Exception {
        int before = count(CompilerHints.printDirectives(), "matching: " + CompilerHints.MATCH);
        assertEquals("C2 inline directive off (-Dvectornn.compilerDirective=false)", CompilerHints.install(" FALSE "));
        assertEquals(before, count(CompilerHints.printDirectives(), "matching: " + CompilerHints.MATCH));
    }

    @Test
    void directiveIsForC2AndListsEachHelper() {
        String json = CompilerHints.directiveJson();
        assertTrue(json.startsWith("[{ match: \"dev/vectornn/*.*\", c2: { inline: ["), json);
        for (String h : CompilerHints.VECTOR_HELPERS) {
            assertTrue(json.contains("\"+" + h + "\""), json);
        }
    }

    /**
     * Every method of the kernel packages whose parameters or result include a Vector API type
     * (vector, mask or shuffle) is covered by one of the directive's patterns.
     */
    @Test
    void everyMethodPassingAVectorIsInlined() throws Exception {
        Assumptions.assumeTrue(KernelProvider.vectorAvailable(), "no jdk.incubator.vector in this JVM");
        List<String> uncovered = new ArrayList<>();
        int seen = 0;
        for (Class<?> c : kernelClasses()) {
            for (Method m : c.getDeclaredMethods()) {
                boolean vectors = isVectorType(m.getReturnType());
                for (Class<?> p : m.getParameterTypes()) vectors |= isVectorType(p);
                if (!vectors || m.isSynthetic()) continue;
                seen++;
                String name = c.getName().replace('.', '/') + "." + m.getName();
                if (CompilerHints.VECTOR_HELPERS.stream().noneMatch(p -> covers(p, name))) uncovered.add(name);
            }
        }
        assertTrue(seen >= 40, "found only " + seen + " vector-passing methods; is the class scan broken?");
        assertTrue(uncovered.isEmpty(), "methods passing vectors that the C2 directive does not inline: " + uncovered);
    }

    /** The methods kept out of their callers exist, and pass no vector (which would then be boxed at every call). */
    @Test
    void separateMethodsExistAndPassNoVectors() throws Exception {
        Assumptions.assumeTrue(KernelProvider.vectorAvailable(), "no jdk.incubator.vector in this JVM");
        assertTrue(CompilerHints.directiveJson().contains("\"-" + CompilerHints.SEPARATE.get(0) + "\""));
        for (String pattern : CompilerHints.SEPARATE) {
            int dot = pattern.lastIndexOf('.');
            Class<?> c = Class.forName(pattern.substring(0, dot).replace('/', '.'), false, CompilerHints.class.getClassLoader());
            List<Method> found = Stream.of(c.getDeclaredMethods()).filter(m -> m.getName().equals(pattern.substring(dot + 1))).toList();
            assertTrue(!found.isEmpty(), pattern + " names no method");
            for (Method m : found) {
                assertTrue(!isVectorType(m.getReturnType()) && Stream.of(m.getParameterTypes()).noneMatch(CompilerHintsTest::isVectorType),
                        m + " passes a vector but is kept out of its callers");
            }
        }
    }

    private static boolean covers(String pattern, String method) {
        return pattern.endsWith(".*")
                ? method.startsWith(pattern.substring(0, pattern.length() - 1))
                : method.equals(pattern);
    }

    /** Vectors, masks and shuffles: the values C2 boxes at a call it did not inline (species are plain constants). */
    private static boolean isVectorType(Class<?> t) {
        String n = t.getName();
        return n.startsWith("jdk.incubator.vector.")
                && (n.endsWith("Vector") || n.endsWith("VectorMask") || n.endsWith("VectorShuffle"));
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }

    /** The compiled classes of dev.vectornn.kernel and its subpackages. */
    private static List<Class<?>> kernelClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(CompilerHints.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Assumptions.assumeTrue(Files.isDirectory(root), "classes are not in a directory: " + root);
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root.resolve("dev/vectornn/kernel"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String rel = root.relativize(f).toString();
                if (!rel.endsWith(".class") || rel.endsWith("package-info.class")) continue;
                String name = rel.substring(0, rel.length() - ".class".length()).replace('/', '.');
                out.add(Class.forName(name, false, CompilerHints.class.getClassLoader()));
            }
        }
        return out;
    }
}
