package dev.vectornn.kernel;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Chooses the {@link Kernels} implementation once per JVM, at first use.
 *
 * <p>The Vector API implementation is chosen when the {@code jdk.incubator.vector} module is
 * readable, the C2 compiler is on (only C2 intrinsifies the Vector API; elsewhere every vector
 * operation allocates) and the preferred float species is at least 128 bits wide. Otherwise the
 * scalar reference serves, and <b>exactly one</b> line is logged through {@link System.Logger}
 * saying why and how to enable the fast path.
 *
 * <p>System properties:
 * <ul>
 *   <li>{@code vectornn.kernels=auto|scalar|vector} (default {@code auto}) forces a choice; a
 *       forced {@code vector} that cannot be had makes {@link #get()} throw rather than silently
 *       run scalar.</li>
 *   <li>{@code vectornn.vectorBits=128|256|512} forces a narrower species than the machine's
 *       preferred one, so the 128- and 256-bit code paths (NEON, AVX2) are tested on wider
 *       machines. A width above the machine's is clamped to it, and {@link #reason()} says so.</li>
 *   <li>{@code vectornn.compilerDirective=false} keeps the vector kernels from adding their C2
 *       inline directive ({@link CompilerHints}: without it, about one JVM in 20 compiled a kernel
 *       whose vectors then allocated).</li>
 * </ul>
 */
public final class KernelProvider {

    static final String LOGGER_NAME = "dev.vectornn.kernel";
    private static final String VECTOR_CLASS = "dev.vectornn.kernel.VectorKernels";

    private KernelProvider() {}

    /** The outcome of the one-time decision: the kernels and a sentence saying why. */
    record Choice(Kernels kernels, String reason, RuntimeException failure) {}

    private static final class Holder {
        static final Choice CHOICE = decide(System.getProperty("vectornn.kernels", "auto"),
                System.getLogger(LOGGER_NAME), vectorModuleStatus(), compilerStatus());
    }

    /**
     * The kernels for this JVM. The first call decides (and may log one line); later calls
     * return the same instance.
     *
     * @throws IllegalStateException if {@code -Dvectornn.kernels=vector} was given and the Vector
     *     API cannot be used, or the property has an unknown value
     */
    public static Kernels get() {
        Choice c = Holder.CHOICE;
        if (c.failure() != null) {
            throw c.failure();
        }
        return c.kernels();
    }

    /** Why {@link #get()} returns what it returns, e.g. for {@code vectornn info}. */
    public static String reason() {
        return Holder.CHOICE.reason();
    }

    /** The scalar reference implementation, whatever the provider chose. */
    public static Kernels scalar() {
        return ScalarHolder.SCALAR;
    }

    private static final class ScalarHolder {
        static final Kernels SCALAR = new ScalarKernels();
    }

    /**
     * The Vector API implementation, whatever the provider chose (benchmarks and tests compare
     * it with {@link #scalar()}).
     *
     * @throws IllegalStateException if it cannot be used in this JVM, with the reason
     */
    public static Kernels vector() {
        Optional<String> problem = vectorModuleStatus();
        if (problem.isPresent()) {
            throw new IllegalStateException("vector kernels unavailable: " + problem.get());
        }
        return VectorHolder.VECTOR;
    }

    private static final class VectorHolder {
        static final Kernels VECTOR = loadVector();
        /** Installed with the vector kernels, before any of them runs hot (see {@link CompilerHints}). */
        static final String HINTS = CompilerHints.install(System.getProperty("vectornn.compilerDirective"));
    }

    /** Whether the Vector API implementation can be loaded here (module present and readable). */
    public static boolean vectorAvailable() {
        return vectorModuleStatus().isEmpty();
    }

    static Choice decide(String mode, System.Logger log, Optional<String> moduleProblem,
                         Optional<String> compilerProblem) {
        String how = "; start the JVM with --add-modules jdk.incubator.vector (and C2 on) for the Vector API kernels";
        switch (mode.trim().toLowerCase(Locale.ROOT)) {
            case "scalar" -> {
                String reason = "scalar kernels: forced by -Dvectornn.kernels=scalar";
                log.log(System.Logger.Level.INFO, reason);
                return new Choice(scalar(), reason, null);
            }
            case "vector" -> {
                Optional<String> problem = moduleProblem.or(() -> compilerProblem);
                if (problem.isPresent()) {
                    String msg = "-Dvectornn.kernels=vector was given but the Vector API cannot be used: "
                            + problem.get() + how;
                    return new Choice(null, msg, new IllegalStateException(msg));
                }
                return tryVector("forced by -Dvectornn.kernels=vector", log);
            }
            case "auto" -> {
                Optional<String> problem = moduleProblem.or(() -> compilerProblem);
                if (problem.isPresent()) {
                    String reason = "scalar kernels: " + problem.get() + how;
                    log.log(System.Logger.Level.WARNING, reason);
                    return new Choice(scalar(), reason, null);
                }
                return tryVector("auto", log);
            }
            default -> {
                String msg = "unknown -Dvectornn.kernels=" + mode + " (expected auto, scalar or vector)";
                return new Choice(null, msg, new IllegalStateException(msg));
            }
        }
    }

    private static Choice tryVector(String why, System.Logger log) {
        try {
            Kernels v = VectorHolder.VECTOR;
            String reason = "vector kernels (" + why + "): " + v + "; " + VectorHolder.HINTS;
            log.log(System.Logger.Level.DEBUG, reason);
            return new Choice(v, reason, null);
        } catch (RuntimeException | LinkageError e) {
            Throwable cause = e instanceof ExceptionInInitializerError && e.getCause() != null ? e.getCause() : e;
            // The module is there, so --add-modules is not the remedy: say what broke.
            String reason = "scalar kernels: the Vector API implementation could not start ("
                    + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")";
            if (why.startsWith("forced")) {
                return new Choice(null, reason, new IllegalStateException(reason, cause));
            }
            log.log(System.Logger.Level.WARNING, reason);
            return new Choice(scalar(), reason, null);
        }
    }

    private static Kernels loadVector() {
        try {
            return (Kernels) Class.forName(VECTOR_CLASS).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof RuntimeException re) throw re;
            throw new IllegalStateException("cannot instantiate " + VECTOR_CLASS + ": " + cause, cause);
        }
    }

    /** Empty when jdk.incubator.vector is in the boot layer and our module reads it; else why not. */
    static Optional<String> vectorModuleStatus() {
        Optional<Module> vm = ModuleLayer.boot().findModule("jdk.incubator.vector");
        if (vm.isEmpty()) {
            return Optional.of("the jdk.incubator.vector module is not loaded");
        }
        Module self = KernelProvider.class.getModule();
        if (!self.canRead(vm.get())) {
            return Optional.of("module " + self.getName() + " does not read jdk.incubator.vector");
        }
        return Optional.empty();
    }

    /** Empty when the C2 compiler will compile hot code; else why not. */
    static Optional<String> compilerStatus() {
        String vmName = System.getProperty("java.vm.name", "");
        String vmInfo = System.getProperty("java.vm.info", "");
        if (!vmName.contains("HotSpot") && !vmName.contains("OpenJDK")) {
            return Optional.of("the JVM (" + vmName + ") is not HotSpot, whose C2 compiler intrinsifies the Vector API");
        }
        if (vmInfo.contains("interpreted mode")) {
            return Optional.of("the JVM runs interpreted only (-Xint)");
        }
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String a : args) {
            if (a.startsWith("-XX:TieredStopAtLevel=") && !a.endsWith("=4")) {
                return Optional.of("C2 is disabled (" + a + ")");
            }
            if (a.equals("-XX:+UseJVMCICompiler")) {
                return Optional.of("a JVMCI compiler replaces C2 (" + a + ")");
            }
            if (a.equals("-XX:-UseCompiler")) {
                return Optional.of("the JIT is off (" + a + ")");
            }
        }
        return Optional.empty();
    }
}
