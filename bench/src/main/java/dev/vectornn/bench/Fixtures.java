package dev.vectornn.bench;

import dev.vectornn.kernel.KernelProvider;
import dev.vectornn.kernel.Kernels;
import java.util.SplittableRandom;

/**
 * What every benchmark's {@code @Setup} needs: the kernels named by the {@code impl} parameter
 * and reproducible input arrays. Called only from {@code @Setup(Level.Trial)}, never while timing.
 */
final class Fixtures {
    private Fixtures() {}

    /** The {@code @Param} values every kernel benchmark uses for {@code impl}. */
    static final String SCALAR = "scalar";
    static final String VECTOR = "vector";

    /**
     * The kernels for an {@code impl} parameter: {@code "scalar"} is {@link KernelProvider#scalar()},
     * {@code "vector"} is {@link KernelProvider#vector()} (which throws, with the reason, when the
     * fork cannot run the Vector API, so a misconfigured run fails loudly instead of timing the
     * wrong implementation).
     *
     * @throws IllegalArgumentException for any other name
     */
    static Kernels kernels(String impl) {
        return switch (impl) {
            case SCALAR -> KernelProvider.scalar();
            case VECTOR -> KernelProvider.vector();
            default -> throw new IllegalArgumentException("impl must be 'scalar' or 'vector', got '" + impl + "'");
        };
    }

    /**
     * {@code n} floats uniform in {@code [lo, hi)} from a fixed seed: every fork and every run sees
     * the same data, so timings of data-dependent kernels (argmax, transcendentals) are comparable.
     */
    static float[] uniform(int n, long seed, float lo, float hi) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = lo + (hi - lo) * (float) r.nextDouble();
        }
        return a;
    }

    /**
     * Splits {@code size} elements into rows of {@code cols = min(size, 1024)}: row kernels
     * (softmax, layer norm, broadcasts) see the same element counts as the flat kernels, with rows
     * as long as a typical hidden size once the size allows it.
     */
    static int cols(int size) {
        return Math.min(size, 1024);
    }

    /** {@code size / cols(size)}; every benchmarked size is a multiple of its column count. */
    static int rows(int size) {
        int cols = cols(size);
        if (size % cols != 0) {
            throw new IllegalArgumentException("size " + size + " is not a multiple of " + cols + " columns");
        }
        return size / cols;
    }
}
