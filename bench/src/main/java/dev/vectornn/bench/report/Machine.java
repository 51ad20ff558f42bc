package dev.vectornn.bench.report;

import dev.vectornn.kernel.KernelProvider;
import dev.vectornn.kernel.Kernels;
import dev.vectornn.kernel.PeakProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where the numbers were measured: CPU model and SIMD features, the vector kernels' width, and
 * the JDK. The CPU comes from {@code /proc/cpuinfo} of the machine writing the report (the same
 * machine that ran JMH, since {@code bench/run} does both); the vector width from the kernels
 * this JVM picks, which {@code bench/run} starts with the same {@code vectornn.*} properties as
 * the forks.
 *
 * @param cpuModel e.g. {@code "AMD EPYC 9R14 96-Core Processor (family 25, model 17)"}, or what the OS says when
 *     {@code /proc/cpuinfo} is absent
 * @param logicalCpus processors visible to the JVM
 * @param simdFlags the vector instruction sets the CPU reports, e.g. {@code "avx512f avx2 fma"}
 * @param vector e.g. {@code "vector-512: 512-bit float vectors, 16 lanes"}
 * @param vectorBits the kernels' width, 0 when the Vector API is unavailable
 * @param peakProbe which loop {@link PeakProbe} runs here, e.g. {@code "vector-512"}
 */
public record Machine(String cpuModel, int logicalCpus, String simdFlags, String vector, int vectorBits,
                      String peakProbe) {

    // the features that decide how fast the kernels can be, in the order worth printing
    private static final List<String> SIMD = List.of("avx512f", "avx512bw", "avx512vl", "avx2", "fma",
            "avx", "sse4_2", "asimd", "sve", "sve2");

    /** Describes this machine, reading {@code cpuinfo} (normally {@code /proc/cpuinfo}). */
    public static Machine describe(Path cpuinfo) {
        String model = System.getProperty("os.arch") + " (no " + cpuinfo + ")";
        Set<String> flags = Set.of();
        if (Files.isReadable(cpuinfo)) {
            try {
                List<String> lines = Files.readAllLines(cpuinfo);
                model = field(lines, "model name").or(() -> field(lines, "Hardware"))
                        .or(() -> field(lines, "CPU part").map(p -> "CPU part " + p)).orElse(model)
                        + generation(lines);
                flags = Set.of(field(lines, "flags").or(() -> field(lines, "Features")).orElse("")
                        .toLowerCase(Locale.ROOT).split("\\s+"));
            } catch (IOException e) {
                model = System.getProperty("os.arch") + " (" + cpuinfo + " unreadable: " + e.getMessage() + ")";
            }
        }
        List<String> simd = new ArrayList<>();
        for (String f : SIMD) {
            if (flags.contains(f)) {
                simd.add(f);
            }
        }
        String vector;
        int bits;
        try {
            Kernels v = KernelProvider.vector();
            bits = v.vectorBits();
            vector = v.name() + ": " + bits + "-bit float vectors, " + v.lanes() + " lanes";
        } catch (RuntimeException | LinkageError e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            bits = 0;
            vector = "unavailable (" + root + ")";
        }
        String probe;
        try {
            probe = PeakProbe.method();
        } catch (RuntimeException | LinkageError e) {
            probe = "unknown";
        }
        return new Machine(model, Runtime.getRuntime().availableProcessors(),
                simd.isEmpty() ? "none reported" : String.join(" ", simd), vector, bits, probe);
    }

    /**
     * {@code " (family F, model M)"} from x86 cpuinfo, else empty. A cloud VM may name its CPU
     * only "AMD EPYC", which hides the core generation that decides the FMA peak: a Zen 4
     * (family 25, as Zen 3) splits a 512-bit FMA into two 256-bit halves, a Zen 5 (family 26) does not.
     */
    private static String generation(List<String> lines) {
        Optional<String> family = field(lines, "cpu family"), model = field(lines, "model");
        return family.isPresent() && model.isPresent()
                ? " (family " + family.get() + ", model " + model.get() + ")" : "";
    }

    private static Optional<String> field(List<String> lines, String name) {
        for (String l : lines) {
            int colon = l.indexOf(':');
            if (colon > 0 && l.substring(0, colon).trim().equals(name)) {
                return Optional.of(l.substring(colon + 1).trim());
            }
        }
        return Optional.empty();
    }
}
