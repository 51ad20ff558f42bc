package dev.vectornn.bench.report;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one call of a kernel benchmark does, so a time becomes a rate: FLOPs, bytes moved and
 * elements processed, and which of the three is the meaningful rate for that kernel.
 *
 * <p>Bytes count each float read once and each float written once (4 bytes each), ignoring small
 * broadcast operands and the write-allocate reads the hardware may add: a nominal traffic, the
 * same for scalar and vector, so ratios are exact and GB/s comparable with a memory bandwidth.
 * FLOPs count one per add or multiply. Transcendental and normalizing kernels are rated in
 * elements per second, because their FLOP count is the implementation's own business.
 *
 * @param kernel the row label, e.g. {@code "dot"}, {@code "exp backward"}
 * @param size elements per call (the benchmark's {@code size})
 * @param flops floating-point operations per call (0 when not meaningful)
 * @param bytes nominal bytes moved per call
 * @param unit the rate the report shows
 */
public record Workload(String kernel, long size, double flops, double bytes, Unit unit) {

    /** The rate a kernel is reported in. */
    public enum Unit {
        /** 10^9 floating-point operations per second. */
        GFLOPS("GFLOP/s"),
        /** 10^9 bytes per second of nominal traffic. */
        GBPS("GB/s"),
        /** 10^9 elements per second. */
        GELEMS("Gelem/s");

        private final String label;

        Unit(String label) {
            this.label = label;
        }

        /** The unit as printed in tables. */
        public String label() {
            return label;
        }
    }

    /** The rate in {@link #unit()} for a call taking {@code nsPerOp} nanoseconds. */
    public double rate(double nsPerOp) {
        return switch (unit) {
            case GFLOPS -> flops / nsPerOp;
            case GBPS -> bytes / nsPerOp;
            case GELEMS -> size / nsPerOp;
        };
    }

    /** Parameters that identify the implementation or the size, not the kernel variant. */
    private static final Set<String> NOT_VARIANT = Set.of("impl", "size", "op", "trans");

    /**
     * The workload of a kernel benchmark result, or empty for GEMM, the peak probe and
     * benchmarks this class does not know (the report lists those by time only).
     */
    public static Optional<Workload> of(BenchResult r) {
        if (r.param("size") == null) {
            return Optional.empty();
        }
        long n = Long.parseLong(r.param("size").trim());
        String op = r.param("op") == null ? "" : r.param("op").toLowerCase(Locale.ROOT).replace('_', '-');
        Workload w = switch (r.key()) {
            case "BlasLevel1Benchmark.dot" -> new Workload("dot", n, 2.0 * n, 8.0 * n, Unit.GFLOPS);
            case "BlasLevel1Benchmark.axpy" -> new Workload("axpy", n, 2.0 * n, 12.0 * n, Unit.GBPS);
            case "BlasLevel1Benchmark.scale" -> new Workload("scale", n, n, 8.0 * n, Unit.GBPS);
            case "BlasLevel1Benchmark.fill" -> new Workload("fill", n, 0, 4.0 * n, Unit.GBPS);
            case "BlasLevel1Benchmark.sum" -> new Workload("sum", n, n, 4.0 * n, Unit.GBPS);
            case "BlasLevel1Benchmark.max" -> new Workload("max", n, 0, 4.0 * n, Unit.GBPS);
            case "BlasLevel1Benchmark.argmax" -> new Workload("argmax", n, 0, 4.0 * n, Unit.GBPS);
            case "BlasLevel1Benchmark.gatherRows" -> new Workload("gatherRows", n, 0, 8.0 * n, Unit.GBPS);
            case "BlasLevel1Benchmark.addRows" -> new Workload("addRows", n, 2.0 * n, 4.0 * n, Unit.GBPS);
            case "BinaryBenchmark.binary" -> new Workload(op, n, n, 12.0 * n, Unit.GBPS);
            case "UnaryBenchmark.unary" -> new Workload(op, n, 0, 8.0 * n, Unit.GELEMS);
            case "UnaryBenchmark.unaryBackward" -> new Workload(op + " backward", n, 0, 16.0 * n, Unit.GELEMS);
            case "GeluWithDerivativeBenchmark.geluWithDerivative" -> new Workload("gelu with derivative", n, 0, 12.0 * n, Unit.GELEMS);
            case "AttentionSoftmaxBenchmark.forward" -> new Workload("attention softmax", n, 0, 8.0 * n, Unit.GELEMS);
            case "AttentionSoftmaxBenchmark.backward" -> new Workload("attention softmax backward", n, 0, 12.0 * n, Unit.GELEMS);
            case "RowKernelsBenchmark.softmax" -> new Workload("softmax", n, 0, 8.0 * n, Unit.GELEMS);
            case "RowKernelsBenchmark.logSoftmax" -> new Workload("log-softmax", n, 0, 8.0 * n, Unit.GELEMS);
            case "RowKernelsBenchmark.softmaxBackward" -> new Workload("softmax backward", n, 0, 12.0 * n, Unit.GELEMS);
            case "RowKernelsBenchmark.logSoftmaxBackward" -> new Workload("log-softmax backward", n, 0, 12.0 * n, Unit.GELEMS);
            case "RowKernelsBenchmark.layerNorm" -> new Workload("layer-norm", n, 0, 8.0 * n, Unit.GELEMS);
            case "RowKernelsBenchmark.layerNormBackward" -> new Workload("layer-norm backward", n, 0, 12.0 * n, Unit.GELEMS);
            case "RowKernelsBenchmark.crossEntropyBackward" -> new Workload("cross-entropy backward", n, 0, 8.0 * n, Unit.GELEMS);
            case "RowKernelsBenchmark.crossEntropyBackwardFromLogits" ->
                    new Workload("cross-entropy backward from logits", n, 0, 8.0 * n, Unit.GELEMS);
            case "RowKernelsBenchmark.logSoftmaxStats" -> new Workload("log-softmax stats", n, 0, 4.0 * n, Unit.GELEMS);
            case "RowKernelsBenchmark.binaryRowAdd" -> new Workload("add, row broadcast", n, n, 8.0 * n, Unit.GBPS);
            case "RowKernelsBenchmark.binaryColMul" -> new Workload("mul, column broadcast", n, n, 8.0 * n, Unit.GBPS);
            case "OptimizerBenchmark.sgdMomentum" -> new Workload("sgd (momentum)", n, 0, 20.0 * n, Unit.GBPS);
            case "OptimizerBenchmark.adam" -> new Workload("adam", n, 0, 28.0 * n, Unit.GBPS);
            case "OptimizerBenchmark.adamW" -> new Workload("adamw", n, 0, 28.0 * n, Unit.GBPS);
            case "GemvBenchmark.gemv" -> new Workload("T".equals(r.param("trans")) ? "gemv (A^T x)" : "gemv (A x)",
                    n, 2.0 * n, 4.0 * n, Unit.GFLOPS);
            default -> null;
        };
        if (w == null) {
            return Optional.empty();
        }
        return Optional.of(new Workload(w.kernel() + variant(r.params()), w.size(), w.flops(), w.bytes(), w.unit()));
    }

    /** Extra parameters (e.g. {@code threads=2} on GEMV) appended to the label so rows stay distinct. */
    private static String variant(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (NOT_VARIANT.contains(e.getKey()) || (e.getKey().equals("threads") && e.getValue().equals("1"))) {
                continue;
            }
            sb.append(sb.isEmpty() ? " [" : ", ").append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.isEmpty() ? "" : sb.append(']').toString();
    }
}
