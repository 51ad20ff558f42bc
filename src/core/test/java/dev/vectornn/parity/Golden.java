package dev.vectornn.parity;

import dev.vectornn.io.SafeTensors;
import dev.vectornn.io.SafeTensorsHeader;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The PyTorch golden files written by {@code src/core/test/python/make_golden.py} (see its
 * docstring for what each holds), read with the project's own {@link SafeTensors} reader, and
 * the element-wise comparison the parity tests share.
 *
 * <p>Files are found in {@code test/resources/golden} under the module directory (surefire's
 * working directory and {@code basedir}); reading from the source tree rather than the class path
 * keeps the module system's resource encapsulation out of the way.
 */
final class Golden {
    private Golden() {}

    private static final Map<String, Map<String, Tensor>> CACHE = new ConcurrentHashMap<>();

    /** The directory holding the golden files. */
    static Path dir() {
        String base = System.getProperty("basedir", ".");
        for (Path p : new Path[] {Path.of(base, "test", "resources", "golden"), Path.of("test", "resources", "golden"),
                Path.of("src", "core", "test", "resources", "golden")}) {
            if (Files.isDirectory(p)) return p;
        }
        throw new IllegalStateException("golden directory not found from " + Path.of(base).toAbsolutePath());
    }

    /** Every tensor of a golden file (cached; callers must not modify the tensors). */
    static Map<String, Tensor> read(String file) {
        return CACHE.computeIfAbsent(file, f -> {
            try {
                return SafeTensors.read(dir().resolve(f));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The {@code __metadata__} of a golden file. */
    static Map<String, String> metadata(String file) {
        try {
            return SafeTensors.readHeader(dir().resolve(file)).metadata();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The header of a golden file. */
    static SafeTensorsHeader header(String file) {
        try {
            return SafeTensors.readHeader(dir().resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Tensor {@code name} of {@code file}; fails clearly when the generator did not write it. */
    static Tensor tensor(String file, String name) {
        Tensor t = read(file).get(name);
        if (t == null) throw new IllegalStateException(file + " has no tensor '" + name + "'; regenerate with make_golden.py");
        return t;
    }

    /** Parses {@code "k=v,k=v"} (the generator's hyperparameter format), keeping order. */
    static Map<String, String> keyValues(String s) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String part : s.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) throw new IllegalArgumentException("not key=value: '" + part + "' in '" + s + "'");
            m.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return m;
    }

    /** Row {@code i} of the first axis of {@code t}, as a new tensor of the same dtype. */
    static Tensor row(Tensor t, int i) {
        int[] dims = t.shape().dims();
        int n = t.numel() / dims[0];
        Tensor r = Tensor.zeros(t.dtype(), Arrays.copyOfRange(dims, 1, dims.length));
        System.arraycopy(t.storage(), i * n, r.storage(), 0, n);
        return r;
    }

    /** All elements as doubles (exact for F32 and F64). */
    static double[] values(Tensor t) {
        double[] d = new double[t.numel()];
        for (int i = 0; i < d.length; i++) d[i] = t.getFlat(i);
        return d;
    }

    /** All elements rounded to float. */
    static float[] floats(Tensor t) {
        float[] f = new float[t.numel()];
        for (int i = 0; i < f.length; i++) f[i] = (float) t.getFlat(i);
        return f;
    }

    /** Integer indices stored by the generator as F64 holding integers. */
    static int[] indices(Tensor t) {
        int[] r = new int[t.numel()];
        for (int i = 0; i < r.length; i++) {
            double v = t.getFlat(i);
            if (v != Math.rint(v)) throw new IllegalStateException("index " + v + " is not an integer");
            r[i] = (int) v;
        }
        return r;
    }

    /** A copy of {@code t} converted to {@code dtype}. */
    static Tensor as(Tensor t, DType dtype) {
        return t.dtype() == dtype ? t.copy() : t.to(dtype);
    }

    /**
     * Null when every element satisfies {@code |a - e| <= rtol * |e| + atol} (and shapes agree),
     * else a description of the worst element: index, both values, absolute and relative error.
     * NaN matches NaN only.
     */
    static String compare(String what, Tensor actual, Tensor expected, double rtol, double atol) {
        if (!actual.shape().equals(expected.shape())) {
            return what + ": shape " + actual.shape() + ", expected " + expected.shape();
        }
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < expected.numel(); i++) {
            double a = actual.getFlat(i), e = expected.getFlat(i);
            if (Double.isNaN(e) || Double.isNaN(a)) {
                if (Double.isNaN(e) != Double.isNaN(a)) return what + ": element " + i + " is " + a + ", expected " + e;
                continue;
            }
            double err = a == e ? 0 : Math.abs(a - e); // a == e also covers equal infinities
            double excess = err / (rtol * Math.abs(e) + atol);
            if (excess > 1 && excess > worstExcess) {
                worst = i;
                worstExcess = excess;
            }
        }
        if (REPORT) {
            System.out.printf("parity %-55s max rel error %.3g (abs %.3g)%n", what, maxRelError(actual, expected, 0),
                    maxAbsError(actual, expected));
        }
        if (worst < 0) return null;
        double a = actual.getFlat(worst), e = expected.getFlat(worst);
        return String.format("%s: element %d of %s: got %.17g, expected %.17g (abs error %.3g, rel error %.3g;"
                        + " tolerance %.1g rel + %.1g abs)", what, worst, expected.shape(), a, e, Math.abs(a - e),
                Math.abs(a - e) / Math.abs(e), rtol, atol);
    }

    /** With {@code -Dparity.report=true}, every comparison prints its measured error. */
    static final boolean REPORT = Boolean.getBoolean("parity.report");

    /** The largest {@code |a - e|}, NaNs skipped. */
    static double maxAbsError(Tensor actual, Tensor expected) {
        double m = 0;
        for (int i = 0; i < expected.numel(); i++) {
            double err = Math.abs(actual.getFlat(i) - expected.getFlat(i));
            if (err == err) m = Math.max(m, err);
        }
        return m;
    }

    /** The largest {@code |a - e| / (|e| + atol)} over the elements, for reporting measured error. */
    static double maxRelError(Tensor actual, Tensor expected, double atol) {
        double m = 0;
        for (int i = 0; i < expected.numel(); i++) {
            double a = actual.getFlat(i), e = expected.getFlat(i);
            if (a == e || (Double.isNaN(a) && Double.isNaN(e))) continue;
            m = Math.max(m, Math.abs(a - e) / (Math.abs(e) + atol));
        }
        return m;
    }
}
