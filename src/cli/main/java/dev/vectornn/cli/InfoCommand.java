package dev.vectornn.cli;

import dev.vectornn.kernel.KernelProvider;
import dev.vectornn.kernel.KernelThreads;
import dev.vectornn.kernel.Kernels;
import dev.vectornn.kernel.PeakProbe;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vectornn info}: what this JVM and machine give the kernels. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print the JDK, the chosen kernels and why, vector width, threads, CPU and a measured FMA peak.")
final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--probe-ms", defaultValue = "400",
            description = "How long the FMA-peak probe measures, in milliseconds (default: ${DEFAULT-VALUE}; 0 skips it).")
    long probeMillis;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Kernels k = KernelProvider.get();
        out.printf("JDK:        %s (%s), %s%n", Runtime.version(), System.getProperty("java.vendor"),
                System.getProperty("java.home"));
        out.printf("Kernels:    %s%n", k.name());
        out.printf("Why:        %s%n", KernelProvider.reason());
        out.printf("Vector:     %s%n", k.vectorBits() == 0 ? "none (scalar)" : k.vectorBits() + " bits, " + k.lanes() + " float lanes");
        out.printf("Threads:    %d (set with -Dvectornn.threads=N)%n", KernelThreads.threads());
        out.printf("CPU:        %s, %d cores available to the JVM%n", cpuModel(), Runtime.getRuntime().availableProcessors());
        if (probeMillis > 0) {
            double gflops = PeakProbe.measureGflops(probeMillis);
            out.printf("FMA peak:   %.1f GFLOP/s single-thread float (%s, measured for %d ms)%n", gflops,
                    PeakProbe.method(), probeMillis);
        }
        out.flush();
        return 0;
    }

    static String cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try (Stream<String> lines = Files.lines(cpuinfo)) {
                return lines.filter(l -> l.startsWith("model name"))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim())
                        .findFirst()
                        .orElse(System.getProperty("os.arch"));
            } catch (IOException | RuntimeException e) {
                return System.getProperty("os.arch") + " (cpuinfo unreadable: " + e.getMessage() + ")";
            }
        }
        return System.getProperty("os.arch");
    }
}
