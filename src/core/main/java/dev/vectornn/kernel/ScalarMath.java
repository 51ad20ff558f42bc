package dev.vectornn.kernel;

/**
 * Double-precision reference functions the JDK lacks (erf, erfc) and the activation formulas
 * built on them. The scalar kernels evaluate every transcendental in double and round to float
 * once, so their float results are within one rounding (0.5 ulp) plus the double error here
 * (below 1e-10 relative, far below float's 6e-8) of the true value: they are the oracle the vector math is measured
 * against.
 */
public final class ScalarMath {
    private ScalarMath() {}

    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
    private static final double ONE_OVER_SQRT_PI = 0.5641895835477563;
    private static final double SQRT_HALF = 0.7071067811865476;
    private static final double ONE_OVER_SQRT_2PI = 0.3989422804014327;
    /** sqrt(2/pi), PyTorch's kBeta for the tanh approximation of GELU. */
    static final double GELU_TANH_BETA = 0.7978845608028654;
    /** PyTorch's kKappa for the tanh approximation of GELU. */
    static final double GELU_TANH_KAPPA = 0.044715;

    /** Where the power series hands over to the continued fraction for erfc. */
    private static final double SERIES_LIMIT = 3.0;

    /**
     * The error function. Relative error below 1e-14: for {@code |x| < 3} the all-positive series
     * {@code erf(x) = 2/sqrt(pi) e^{-x^2} sum 2^n x^{2n+1} / (2n+1)!!} (no cancellation), beyond
     * that {@code 1 - erfc(|x|)} from the continued fraction.
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        if (ax < SERIES_LIMIT) {
            return erfSeries(x);
        }
        double r = 1.0 - erfcContinuedFraction(ax);
        return x < 0 ? -r : r;
    }

    /**
     * The complementary error function {@code 1 - erf(x)}, accurate in the tails: relative error
     * below 1e-14 for {@code |x| >= 3} (continued fraction), below 1e-10 elsewhere (where
     * {@code 1 - erf} cancels, worst near 3).
     */
    public static double erfc(double x) {
        if (Double.isNaN(x)) return x;
        if (x >= SERIES_LIMIT) {
            return erfcContinuedFraction(x);
        }
        if (x <= -SERIES_LIMIT) {
            return 2.0 - erfcContinuedFraction(-x);
        }
        return 1.0 - erfSeries(x);
    }

    private static double erfSeries(double x) {
        double x2 = x * x;
        double term = x;
        double sum = x;
        // term_n = term_{n-1} * 2x^2 / (2n+1); all terms share x's sign, so nothing cancels.
        for (int n = 1; n < 200; n++) {
            term *= 2.0 * x2 / (2 * n + 1);
            sum += term;
            if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
        }
        return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    }

    /** erfc(x) for x >= 3 by the Laplace continued fraction, evaluated with Lentz's method. */
    private static double erfcContinuedFraction(double x) {
        if (x == Double.POSITIVE_INFINITY) return 0.0;
        // erfc(x) = e^{-x^2}/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
        double tiny = 1e-300;
        double f = x;
        double c = f;
        double d = 0.0;
        for (int n = 1; n < 500; n++) {
            double a = 0.5 * n;
            d = x + a * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = x + a / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1.0 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1.0) < 1e-16) break;
        }
        return Math.exp(-x * x) * ONE_OVER_SQRT_PI / f;
    }

    /** Standard normal CDF {@code Phi(x) = erfc(-x/sqrt 2)/2}, accurate in both tails. */
    public static double normalCdf(double x) {
        return 0.5 * erfc(-x * SQRT_HALF);
    }

    /** Standard normal density {@code phi(x)}. */
    public static double normalPdf(double x) {
        return ONE_OVER_SQRT_2PI * Math.exp(-0.5 * x * x);
    }

    /** Exact GELU {@code x * Phi(x)}; GELU(-inf) = -0 by the limit, GELU(+inf) = +inf. */
    public static double gelu(double x) {
        if (x == Double.NEGATIVE_INFINITY) return -0.0;
        return x * normalCdf(x);
    }

    /** Derivative of exact GELU: {@code Phi(x) + x phi(x)}. */
    public static double geluDerivative(double x) {
        if (Double.isInfinite(x)) return x > 0 ? 1.0 : 0.0;
        return normalCdf(x) + x * normalPdf(x);
    }

    /** PyTorch's tanh approximation {@code 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3)))}. */
    public static double geluTanh(double x) {
        if (x == Double.NEGATIVE_INFINITY) return -0.0;
        double inner = GELU_TANH_BETA * (x + GELU_TANH_KAPPA * x * x * x);
        return 0.5 * x * (1.0 + Math.tanh(inner));
    }

    /** Derivative of {@link #geluTanh}, as PyTorch's {@code gelu_backward} with {@code approximate='tanh'}. */
    public static double geluTanhDerivative(double x) {
        if (Double.isInfinite(x)) return x > 0 ? 1.0 : 0.0;
        double x2 = x * x;
        double t = Math.tanh(GELU_TANH_BETA * (x + GELU_TANH_KAPPA * x2 * x));
        double left = 0.5 * x;
        double right = 1.0 + t;
        return 0.5 * right + left * (1.0 - t * t) * GELU_TANH_BETA * (1.0 + 3.0 * GELU_TANH_KAPPA * x2);
    }

    /** Logistic sigmoid in double, stable for large |x|. */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }
}
