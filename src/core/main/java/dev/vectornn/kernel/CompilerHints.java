package dev.vectornn.kernel;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Steers HotSpot's C2 at the two places where its inlining heuristics, varying from one JVM to the
 * next, made the vector kernels allocate: one compiler directive (the in-process form of
 * {@code jcmd Compiler.directives_add}), added when the vector kernels load.
 *
 * <p>A vector that crosses a call C2 did not inline becomes a heap object, and a helper whose
 * caller was compiled without it is compiled alone, where its species are not constants and its
 * Vector API calls run as their allocating Java fallbacks. Once a helper such as
 * {@code VectorMath.geluGradFinish} has been compiled on its own (its callers still ran in C1
 * while it got hot), a later compile of its caller may refuse it as "already compiled into a big
 * method". With {@code -XX:+StressIncrementalInlining}, which varies those decisions on purpose,
 * 6 of 12 char-GPT seeds allocated 85 to 94 MB per train step (the one traced: GELU's derivative
 * stage calling that helper un-inlined), none of 12 with the directive.
 * So the directive's {@code inline} list forces the {@link #VECTOR_HELPERS} inline, overriding
 * the size and "already compiled" heuristics for exactly those methods; and it keeps the
 * {@link #SEPARATE} methods out of their callers, whose compiles otherwise outgrew C2's node
 * budget (see there). It applies only to compiles of this library's methods (the {@link #MATCH}),
 * so user code and the rest of the JVM are untouched.
 *
 * <p>{@code -Dvectornn.compilerDirective=false} skips it (the kernels stay correct; only the rare
 * allocating compiles come back). Where the JVM has no diagnostic-command MBean (not HotSpot, or
 * {@code java.management} restricted) the kernels run without it.
 */
final class CompilerHints {

    /** The helpers that take or return vectors, in HotSpot's method-pattern form. */
    static final List<String> VECTOR_HELPERS = List.of(
            "dev/vectornn/kernel/simd/VectorMath.*",
            "dev/vectornn/kernel/simd/Simd.sumLanes",
            "dev/vectornn/kernel/VectorKernels.mad");

    /**
     * Methods C2 compiles on their own and never inlines: array-and-scalar methods whose callers'
     * compiles otherwise grow past C2's inlining node budget. Layer norm's row loop inlined its
     * statistics pass ({@code centeredSums}, with {@code sumChunk} and four lane sums): in the JVMs
     * where that compile reached {@code NodeCountInliningCutoff} (both allocating JVMs of 10 plain
     * char-GPT runs; none of 7 logged JVMs whose layer norm did not allocate), C2 kept the pass's
     * loop-invariant mean vector as a heap array, one {@code float[16]} per row: 553 KB per
     * char-GPT step. On its own the pass is a small compile; a call per row (of 128 to thousands
     * of elements) costs nothing measurable.
     */
    static final List<String> SEPARATE = List.of(
            "dev/vectornn/kernel/VectorRows.centeredSums");

    /** Compiles whose root is one of this library's methods (JMH stubs of its benchmarks included). */
    static final String MATCH = "dev/vectornn/*.*";

    private static final String DIAGNOSTIC_COMMAND = "com.sun.management:type=DiagnosticCommand";

    private CompilerHints() {}

    /** The directive file's text: C2 only (C1 intrinsifies no Vector API call, so inlining there buys nothing). */
    static String directiveJson() {
        StringBuilder inline = new StringBuilder();
        for (String h : VECTOR_HELPERS) {
            if (!inline.isEmpty()) inline.append(", ");
            inline.append("\"+").append(h).append('"');
        }
        for (String h : SEPARATE) {
            inline.append(", \"-").append(h).append('"');
        }
        return "[{ match: \"" + MATCH + "\", c2: { inline: [" + inline + "] } }]\n";
    }

    /**
     * Adds the directive unless {@code property} is {@code "false"}; returns a short phrase for
     * {@link KernelProvider#reason()} saying what happened. Never throws: a JVM that cannot take
     * the directive runs the kernels without it.
     */
    static String install(String property) {
        if (property != null && property.trim().toLowerCase(Locale.ROOT).equals("false")) {
            return "C2 inline directive off (-Dvectornn.compilerDirective=false)";
        }
        Path file = null;
        try {
            file = Files.createTempFile("vectornn-c2-inline", ".json");
            Files.writeString(file, directiveJson(), StandardCharsets.US_ASCII);
            Object out = server().invoke(new ObjectName(DIAGNOSTIC_COMMAND), "compilerDirectivesAdd",
                    new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
            String said = String.valueOf(out).trim();
            // HotSpot answers "1 compiler directives added"; anything else is a parse or limit error
            return said.startsWith("1 ") ? "C2 inline directive added" : "C2 inline directive not added (" + said + ")";
        } catch (IOException | JMException | RuntimeException | LinkageError e) {
            return "C2 inline directive not added (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a leftover temp file of a few hundred bytes; the directive is already in or out
                }
            }
        }
    }

    /** The directives HotSpot holds now, as {@code jcmd Compiler.directives_print} shows them (for tests). */
    static String printDirectives() throws JMException {
        return String.valueOf(server().invoke(new ObjectName(DIAGNOSTIC_COMMAND), "compilerDirectivesPrint",
                new Object[] {new String[0]}, new String[] {String[].class.getName()}));
    }

    private static MBeanServer server() {
        return ManagementFactory.getPlatformMBeanServer();
    }
}
