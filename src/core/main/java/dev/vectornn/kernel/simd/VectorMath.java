package dev.vectornn.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transcendental functions on {@link FloatVector}s of species {@link Simd#F}, built only from
 * basic lane-wise operations (add, mul, FMA, divide, compare/blend, integer shifts and bit
 * reinterpretation): a Cody-Waite/Cephes-style range reduction followed by a polynomial.
 *
 * <p><b>Why not {@code VectorOperators.EXP/LOG/TANH}.</b> On x86 those call Intel SVML (and
 * SLEEF elsewhere) through a native library chosen at run time: results then depend on the
 * machine's library build and CPU dispatch, and the fallback where the library is missing is a
 * per-lane {@code Math} call that allocates. The functions here give the same bits on every
 * machine with the same vector width and FMA availability, are fully intrinsified by C2, and
 * their error is measured ({@code VectorMathAccuracyTest}) rather than assumed.
 *
 * <p><b>Accuracy</b> is stated per function as the largest distance, in units in the last place
 * of the float result, to the scalar oracle (the exact value computed in double and rounded to
 * float once), measured over every 2^12-th float bit pattern, 1M evenly spaced points in [-10, 10] and 0.5M in
 * [-1, 1]. The oracle itself is within 0.5 ulp of the true value, so the distance to the true
 * value is at most 0.5 ulp more. Polynomial coefficients were fitted for these reductions
 * (weighted least squares approaching minimax relative error, coefficients rounded to float one
 * at a time and the rest refitted); exp, log and the small-argument tanh use Cephes'
 * {@code expf/logf/tanhf} polynomials.
 *
 * <p><b>FMA.</b> When the JVM does not use hardware FMA ({@code -XX:-UseFMA}, or a CPU without
 * it) a vector {@code fma} would fall back to a very slow exact emulation, so {@link #FAST_FMA}
 * switches every multiply-add here to a multiply and an add. The range reductions are written so
 * they stay exact either way (split constants with few significant bits), the exact error of a
 * square comes from Dekker's product instead of an fma, and GELU's Gaussian factor is computed in
 * three steps instead of one ({@link #geluGaussian}); the documented bounds hold in both modes
 * (the accuracy test also runs under {@code -XX:-UseFMA}).
 *
 * <p>All methods are static, allocation-free once inlined, and thread-safe.
 */
public final class VectorMath {
    private VectorMath() {}

    private static final VectorSpecies<Float> F = Simd.F;

    /** Whether multiply-adds here use a fused multiply-add (hardware FMA is in use). */
    public static final boolean FAST_FMA = FmaSupport.HARDWARE;

    // ---------------------------------------------------------------- constants

    private static final float LOG2E = 1.44269504088896341f;
    /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer in the low bits. */
    private static final float ROUND_MAGIC = 12582912f;
    private static final int ROUND_MAGIC_BITS = 0x4B40_0000;
    /** ln 2 split so that {@code n * LN2_HI} is exact for |n| < 2^15 (Cephes). */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** Beyond these, exp underflows to +0 (e^-104 < 2^-150) or overflows to +inf (e^89 > 2^128). */
    private static final float EXP_MIN = -104f;
    private static final float EXP_MAX = 89f;

    private static final float SQRT_HALF = 0.70710678118654752f;
    private static final float MIN_NORMAL = Float.MIN_NORMAL;
    private static final float TWO_23 = 8388608f;

    private static final float TANH_SMALL = 0.625f;

    /** 2/sqrt(pi) split in two floats: the leading term of erf's series must not lose 0.9 ulp. */
    private static final float TWO_OVER_SQRT_PI_HI = 1.128379225730896f;
    private static final float TWO_OVER_SQRT_PI_LO = -5.8635382771399236e-08f;
    private static final float SQRT_HALF_F = 0.70710678118654752f;
    private static final float INV_SQRT_2PI = 0.39894228040143268f;
    /** Below this |x|/sqrt 2, erf uses its odd series; at and above it, erfc = e^-z^2 * erfcx(z). */
    private static final float ERF_SPLIT = 0.5f;
    /** erfc(z) for z >= 10.5 is below 2^-160: clamping there keeps e^-z^2 and erfcx finite. */
    private static final float ERF_CLAMP = 10.5f;
    /** e^{-x^2/2} for |x| >= 14.5 is below 2^-151 (a float +0): expNegHalfSquare clamps there. */
    private static final float GAUSS_CLAMP = 14.5f;

    /** sqrt(2/pi), the GELU tanh form's scale, and twice it (the form is x * sigmoid(2u)). */
    private static final float GELU_TANH_K = 0.7978845608028654f;
    private static final float GELU_TANH_2K = 1.5957691216057308f;
    private static final float GELU_TANH_C = 0.044715f;
    /** Below this, sigmoid(2u) underflows to exactly 0 (2u < -1.6 * 400). */
    private static final float GELU_TANH_LIMIT_NEG = -20f;

    // ---------------------------------------------------------------- helpers

    /** {@code a * b + c}, fused when the hardware has FMA. */
    private static FloatVector mad(FloatVector a, FloatVector b, FloatVector c) {
        return FAST_FMA ? a.fma(b, c) : a.mul(b).add(c);
    }

    private static FloatVector mad(FloatVector a, float b, FloatVector c) {
        return FAST_FMA ? a.fma(bc(b), c) : a.mul(b).add(c);
    }

    private static FloatVector bc(float v) {
        return FloatVector.broadcast(F, v);
    }

    private static FloatVector mad(FloatVector a, FloatVector b, float c) {
        return FAST_FMA ? a.fma(b, bc(c)) : a.mul(b).add(c);
    }

    /** Replaces lanes above {@code hi} or below {@code lo} by the bound; NaN lanes stay NaN. */
    private static FloatVector clamp(FloatVector x, float lo, float hi) {
        // max/min follow Math.max/min, so NaN lanes stay NaN; two IR nodes where compare+blend
        // took four (C2's inlining node budget is what limits these composed functions)
        return x.max(lo).min(hi);
    }

    /**
     * {@code min(|x|, hi)} for {@code hi >= 0} as two integer operations on the bits (a
     * non-negative float orders as its bits do); NaN lanes become {@code hi}, so callers must
     * carry NaN through another term. A float clamp costs far more here: Java's min and max
     * (NaN and signed-zero rules) compile to about six AVX-512 instructions each, and a
     * measured max-min pair costs a stage about 1 ns per 16-lane vector.
     */
    private static FloatVector absMin(FloatVector x, float hi) {
        return x.reinterpretAsInts().and(0x7fff_ffff).min(Float.floatToRawIntBits(hi)).reinterpretAsFloats();
    }

    /**
     * {@code x^2 - h} exactly, {@code h} the rounded {@code x^2}, for 2^-60 < |x| < 2^60 (exact
     * below too with FMA; without, {@code lo*lo} may underflow there, where it cannot matter): one fma
     * with hardware FMA; without, Dekker's product of x split in two 12-bit halves (Veltkamp).
     * Without this correction an exp of {@code -x^2/2} is off by up to 60 ulp at |x| = 12.
     */
    private static FloatVector squareError(FloatVector x, FloatVector h) {
        if (FAST_FMA) return x.fma(x, h.neg());
        FloatVector c = x.mul(4097f);   // 2^12 + 1
        FloatVector hi = c.sub(c.sub(x));
        FloatVector lo = x.sub(hi);
        return hi.mul(hi).sub(h).add(hi.mul(lo).mul(2f)).add(lo.mul(lo));
    }

    /** {@code |r|} with the sign bit of {@code x}, lane by lane (NaN lanes of r stay NaN). */
    private static FloatVector withSignOf(FloatVector r, FloatVector x) {
        IntVector sign = x.reinterpretAsInts().and(0x8000_0000);
        return r.reinterpretAsInts().and(0x7fff_ffff).or(sign).reinterpretAsFloats();
    }

    /** {@code 2^n} for integer lanes {@code -126 <= n <= 127}, built in the exponent field. */
    private static FloatVector pow2(IntVector n) {
        return n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    // ---------------------------------------------------------------- exp

    /**
     * {@code e^x} per lane. Range reduction {@code x = n ln2 + r}, |r| <= ln2/2, with ln2 in two
     * parts (Cody-Waite); Cephes' degree-6 polynomial for {@code e^r}; scaling by {@code 2^n}
     * done as two multiplies by {@code 2^(n/2)} and {@code 2^(n - n/2)}, so results that
     * overflow become +inf and subnormal results are rounded once, correctly up to the
     * polynomial's error.
     *
     * <p>Specials: NaN to NaN, +inf to +inf, -inf to +0, x > 88.73 to +inf, x < -103.98 to +0.
     * <b>Measured max error: 1 ulp</b> against the oracle (over all ranges including subnormal
     * results).
     */
    public static FloatVector exp(FloatVector x) {
        FloatVector xc = clampNoNaN(x, EXP_MIN, EXP_MAX);
        FloatVector t = mad(xc, LOG2E, bc(ROUND_MAGIC));   // round(x log2 e) in the low bits
        FloatVector n = t.sub(ROUND_MAGIC);
        IntVector ni = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
        FloatVector r = mad(n, -LN2_HI, xc);
        r = mad(n, -LN2_LO, r);
        return scaleByPow2(expPoly(r), ni).blend(x, x.test(VectorOperators.IS_NAN));
    }

    /**
     * {@code x} clamped to [lo, hi] for {@code lo < 0 < hi}, as two integer operations on the
     * bits (see {@link #absMin}): an unsigned min limits the negative lanes (whose bits grow
     * with their magnitude, above every positive lane's), a signed min the positive ones. NaN
     * lanes become {@code lo} or {@code hi}.
     */
    private static FloatVector clampNoNaN(FloatVector x, float lo, float hi) {
        return x.reinterpretAsInts().lanewise(VectorOperators.UMIN, Float.floatToRawIntBits(lo))
                .min(Float.floatToRawIntBits(hi)).reinterpretAsFloats();
    }

    /** {@code p * 2^n} for integer lanes n in [-252, 254], rounded once when the result is subnormal. */
    private static FloatVector scaleByPow2(FloatVector p, IntVector n) {
        // halves keep each factor 2^n1, 2^n2 a normal float
        IntVector n1 = n.lanewise(VectorOperators.ASHR, 1);
        IntVector n2 = n.sub(n1);
        return p.mul(pow2(n1)).mul(pow2(n2));
    }

    /** {@code e^r} for |r| <= ln2/2 (Cephes expf: 1 + r + r^2 P(r)). */
    private static FloatVector expPoly(FloatVector r) {
        FloatVector p = mad(r, 1.9875691500E-4f, bc(1.3981999507E-3f));
        p = mad(p, r, 8.3334519073E-3f);
        p = mad(p, r, 4.1665795894E-2f);
        p = mad(p, r, 1.6666665459E-1f);
        p = mad(p, r, 5.0000001201E-1f);
        p = mad(p, r.mul(r), r);
        return p.add(1f);
    }

    /**
     * {@code e^(-(h + l))} for {@code h >= 0} and a tiny correction {@code l} (|l| <= ulp(h)/2):
     * lets callers pass an argument computed exactly as a float pair, since an argument error of
     * one ulp of 50 would be an error of 50 ulp in the result.
     */
    private static FloatVector expNegPair(FloatVector h, FloatVector l) {
        FloatVector e = exp(h.neg());
        return mad(e, l.neg(), e);   // e^-(h+l) = e^-h (1 - l) to well below an ulp
    }

    // ---------------------------------------------------------------- log

    /**
     * Natural logarithm per lane. Subnormal inputs are first scaled by 2^23; the input is split
     * into {@code 2^e * m} with {@code m} in [sqrt(1/2), sqrt 2); Cephes' degree-9 polynomial for
     * {@code log(1+f)}, {@code f = m - 1}; {@code e ln2} added in two parts.
     *
     * <p>Specials: NaN and x < 0 (including -inf) to NaN, +-0 to -inf, +inf to +inf.
     * <b>Measured max error: 1 ulp</b> against the oracle, subnormal inputs included.
     */
    public static FloatVector log(FloatVector x) {
        return logFinish(x, logMantissa(x), logExponent(x));
    }

    // log in stages (the kernels run each stage as its own loop over a chunk, see the class
    // comment): logMantissa and logExponent share their first operations, which C2 computes once
    // when both are inlined into one loop.

    /** {@code x} scaled by 2^23 when subnormal, so its exponent field is that of a normal float. */
    private static FloatVector logScaled(FloatVector x) {
        return x.blend(x.mul(TWO_23), x.compare(VectorOperators.LT, MIN_NORMAL));
    }

    /**
     * Stage 1a of {@link #log}: {@code f = m - 1} where {@code x = 2^e m}, {@code m} in
     * [sqrt(1/2), sqrt 2) (only meaningful for finite x > 0; {@link #logFinish} handles the rest).
     */
    public static FloatVector logMantissa(FloatVector x) {
        FloatVector m = logScaled(x).reinterpretAsInts().and(0x007F_FFFF).or(0x3F00_0000).reinterpretAsFloats();   // [0.5, 1)
        // m < sqrt(1/2): use 2m - 1 (and e - 1), so that f stays in [-0.29, 0.41]
        return m.add(m.blend(bc(0f), m.compare(VectorOperators.GE, SQRT_HALF))).sub(1f);
    }

    /** Stage 1b of {@link #log}: the exponent {@code e} of {@code x = 2^e m} as a float. */
    public static FloatVector logExponent(FloatVector x) {
        VectorMask<Float> sub = x.compare(VectorOperators.LT, MIN_NORMAL);
        IntVector bits = logScaled(x).reinterpretAsInts();
        // biased exponent - 126 as a float, via the same magic-number trick as exp (an int-to-float
        // convert here failed to intrinsify inside this method on JDK 25)
        FloatVector ef = bits.lanewise(VectorOperators.LSHR, 23).add(ROUND_MAGIC_BITS - 126)
                .reinterpretAsFloats().sub(ROUND_MAGIC);
        FloatVector m = bits.and(0x007F_FFFF).or(0x3F00_0000).reinterpretAsFloats();   // [0.5, 1)
        VectorMask<Float> low = m.compare(VectorOperators.LT, SQRT_HALF);
        return ef.sub(bc(0f).blend(bc(1f), low).add(bc(0f).blend(bc(23f), sub)));
    }

    /** Stage 2 of {@link #log}: {@code e ln2 + log(1 + f)}, then the special inputs of x. */
    public static FloatVector logFinish(FloatVector x, FloatVector f, FloatVector ef) {
        return logSpecials(x, logPolynomial(f, ef));
    }

    /** Stage 2b of {@link #log}: {@code r = log(x)} for finite x > 0; the specials of x replace it. */
    public static FloatVector logSpecials(FloatVector x, FloatVector r) {
        r = r.blend(bc(Float.POSITIVE_INFINITY), x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
        r = r.blend(bc(Float.NEGATIVE_INFINITY), x.compare(VectorOperators.EQ, 0f));
        return r.blend(bc(Float.NaN), x.compare(VectorOperators.GE, 0f).not());   // x < 0 or NaN
    }

    /**
     * Stage 2a of {@link #log}: {@code e ln2 + log(1 + f)} for f in [-0.29, 0.41] (Cephes logf's
     * polynomial). Stages 2a and 2b are separate loops in the kernels: C2 compiles a function
     * like this on its own first while its loop is still interpreted, and refuses to inline code
     * it compiled above InlineSmallCode (2500 bytes); logFinish with both inside was seen at 3808
     * bytes, its calls then boxing every vector.
     */
    public static FloatVector logPolynomial(FloatVector f, FloatVector ef) {
        FloatVector z = f.mul(f);
        FloatVector p = mad(f, 7.0376836292E-2f, bc(-1.1514610310E-1f));
        p = mad(p, f, 1.1676998740E-1f);
        p = mad(p, f, -1.2420140846E-1f);
        p = mad(p, f, 1.4249322787E-1f);
        p = mad(p, f, -1.6668057665E-1f);
        p = mad(p, f, 2.0000714765E-1f);
        p = mad(p, f, -2.4999993993E-1f);
        p = mad(p, f, 3.3333331174E-1f);
        FloatVector y = p.mul(f).mul(z);
        y = mad(ef, LN2_LO, y);
        y = mad(z, -0.5f, y);
        FloatVector r = f.add(y);
        return mad(ef, LN2_HI, r);
    }

    // ---------------------------------------------------------------- tanh, sigmoid

    /**
     * Hyperbolic tangent per lane. For |x| < 0.625 an odd polynomial {@code x + x^3 P(x^2)}
     * (accurate near 0, no cancellation); above, {@code (1 - e)/(1 + e)} with
     * {@code e = e^{-2|x|}} and the sign of x restored (large |x| gives +-1 exactly).
     *
     * <p>Specials: NaN to NaN, +-inf to +-1, -0 to -0. <b>Measured max error: 1 ulp.</b>
     */
    public static FloatVector tanh(FloatVector x) {
        return tanhFinish(x, tanhExp(x));
    }

    /** {@code e^{-2|x|}}, the first half of {@link #tanh} (kernels run the halves as separate loops). */
    public static FloatVector tanhExp(FloatVector x) {
        return exp(x.abs().mul(-2f));
    }

    /** {@link #tanh} of {@code x} given {@code e = tanhExp(x)}; the same bits as {@code tanh(x)}. */
    public static FloatVector tanhFinish(FloatVector x, FloatVector e) {
        FloatVector a = x.abs();
        FloatVector z = x.mul(x);
        FloatVector p = mad(z, -5.70498872745E-3f, bc(2.06390887954E-2f));
        p = mad(p, z, -5.37397155531E-2f);
        p = mad(p, z, 1.33314422036E-1f);
        p = mad(p, z, -3.33332819422E-1f);
        FloatVector small = mad(p, z.mul(x), x);
        // e^{-2|x|} <= 0.29 here, so (1 - e)/(1 + e) has no cancellation and e cannot overflow
        FloatVector large = e.neg().add(1f).div(e.add(1f));   // scalar operands: no bc() call
        FloatVector r = large.blend(small, a.compare(VectorOperators.LT, TANH_SMALL));
        // tanh is odd and has the sign of x, zeros included: x's sign bit on |r| (large is
        // non-negative; small's x + x z p is +0 for x = -0, a sum of opposite zeros)
        return withSignOf(r, x);
    }

    /**
     * Logistic function {@code 1/(1+e^-x)} per lane, computed as {@code 1/(1+e)} for x >= 0 and
     * {@code e/(1+e)} for x < 0 with {@code e = e^-|x|}, so e never overflows and tiny results
     * (down to subnormals) keep their relative accuracy.
     *
     * <p>Specials: NaN to NaN, -inf to 0, +inf to 1. <b>Measured max error: 2 ulp.</b>
     */
    public static FloatVector sigmoid(FloatVector x) {
        return sigmoidFinish(x, exp(x.abs().neg()));
    }

    /** {@link #sigmoid} of {@code x} given {@code e = e^-|x|}; the same bits as {@code sigmoid(x)}. */
    public static FloatVector sigmoidFinish(FloatVector x, FloatVector e) {
        FloatVector num = bc(1f).blend(e, x.compare(VectorOperators.LT, 0f));
        return num.div(e.add(1f));
    }

    // ---------------------------------------------------------------- erf, GELU

    /** {@code erf(z)/z} for |z| < 0.5 minus its leading term's high part: odd series in z^2. */
    private static FloatVector erfSmallTail(FloatVector z2) {
        FloatVector p = mad(z2, -7.393296109512448e-4f, bc(5.1825218833982944e-3f));
        p = mad(p, z2, -2.685951627790928e-2f);
        p = mad(p, z2, 1.1283745616674423e-1f);
        p = mad(p, z2, -3.7612637877464294e-1f);
        return mad(p, z2, TWO_OVER_SQRT_PI_LO);
    }

    /** {@code erf(z)} for |z| < 0.5 (odd; sign of z kept). */
    private static FloatVector erfSmall(FloatVector z) {
        FloatVector tail = erfSmallTail(z.mul(z));
        return mad(z, TWO_OVER_SQRT_PI_HI, z.mul(tail));
    }

    /**
     * {@code erfcx(z) = e^{z^2} erfc(z)} for 0.5 <= z (fitted on [0.5, 10.5]) as {@code t P(t)},
     * {@code t = 1/(1 + z/2)}: this factor is smooth, so the Gaussian decay lives in an exp whose
     * argument the callers compute exactly.
     */
    private static FloatVector erfcx(FloatVector z) {
        FloatVector d = mad(z, 0.5f, bc(1f));
        FloatVector t = bc(1f).div(d);
        FloatVector p = mad(t, -0.03199772164225578f, bc(0.07412903755903244f));
        p = mad(p, t, 0.04895740747451782f);
        p = mad(p, t, -0.256512314081192f);
        p = mad(p, t, 0.14167608320713043f);
        p = mad(p, t, 0.023169029504060745f);
        p = mad(p, t, 0.19170419871807098f);
        p = mad(p, t, 0.24445874989032745f);
        p = mad(p, t, 0.28229865431785583f);
        p = mad(p, t, 0.2820873260498047f);
        // t is rounded; the outer factor uses its exact residual 1 - t d (one fma) to take back
        // most of that rounding: t P (1 + (1 - t d)) is t_exact P to second order
        FloatVector pt = p.mul(t);
        return FAST_FMA ? pt.fma(t.neg().fma(d, bc(1f)), pt) : pt;
    }

    /** {@code e^{-x^2}} with x^2 carried as an exact float pair. */
    private static FloatVector expNegSquare(FloatVector x) {
        FloatVector h = x.mul(x);
        FloatVector l = squareError(x, h);
        return expNegPair(h, l);
    }

    /**
     * Error function per lane: {@code z P(z^2)} for |z| < 0.5 (leading coefficient in two parts);
     * above, {@code 1 - e^{-z^2} erfcx(z)} with {@code z^2} as an exact float pair and the sign
     * restored.
     *
     * <p>Specials: NaN to NaN, +-inf to +-1, -0 to -0. <b>Measured max error: 3 ulp</b> (just
     * above the split, where {@code 1 - erfc} turns erfc's 2-ulp error into up to 3 ulp of erf).
     */
    public static FloatVector erf(FloatVector x) {
        FloatVector a = clamp(x.abs(), 0f, ERF_CLAMP);
        FloatVector small = erfSmall(x);
        FloatVector large = bc(1f).sub(expNegSquare(a).mul(erfcx(a)));   // >= 0
        FloatVector r = large.blend(small, a.compare(VectorOperators.LT, ERF_SPLIT));
        // erf is odd and has the sign of x, zeros included (the series gives +0 for -0: its
        // correction term z * (-5.9e-8) is +0 there, and -0 + +0 = +0)
        return withSignOf(r, x);
    }

    /**
     * Exact GELU {@code x Phi(x) = 0.5 x (1 + erf(x/sqrt 2))} per lane (PyTorch's default form).
     * For |x|/sqrt 2 < 0.5, {@code x (1 + erf(x/sqrt 2))/2} with erf's odd series; above,
     * {@code Phi(x) = erfc(|x|/sqrt 2)/2} (or 1 minus it for x > 0) with
     * {@code erfc(z) = e^{-x^2/2} erfcx(z)}: no {@code 1 + erf} cancellation, so the lower tail
     * keeps its relative accuracy, and the Gaussian factor (which may be subnormal) is applied
     * last so that small results are rounded once.
     *
     * <p>Specials: NaN to NaN, +inf to +inf, -inf to -0 (the limit, as the scalar oracle).
     * <b>Measured max error: 6 ulp</b> everywhere, subnormal results included (the oracle also
     * uses erfc in the tail, so there is no cancellation allowance); the worst case is in
     * |x| in [1.5, 3], where the roundings of erfcx's reduction, its polynomial, the Gaussian
     * factor and three products add up. This is above the 4-ulp target; 3 ulp for |x| < 0.7.
     */
    public static FloatVector gelu(FloatVector x) {
        return geluFinish(x, geluHalfErfcx(x), geluGaussian(x));
    }

    // GELU and its derivative in stages: composed in one method they exceed C2's inlining node
    // budget, a part left as a call then boxes every vector it takes or returns (measured: 100 KB
    // allocated per 1000-element call, 10 ns per element). The kernels run each stage as its own
    // loop over a chunk, passing the intermediate vectors through a float scratch array; a float
    // lane stores the same bits the vector held, so staged and composed results are identical.

    /**
     * {@code x} clamped to [-21, 21], where GELU's tail term is exactly 0, in integer operations
     * (see {@link #absMin}); NaN lanes become +-21, so the callers take NaN lanes from a term
     * computed from the unclamped x.
     */
    private static FloatVector geluClamp(FloatVector x) {
        // beyond |x| = 21 the tail term is exactly 0; the clamp turns the infinities' inf * 0
        // into -0 for -inf (the limit) and keeps +inf - 0 = +inf
        return withSignOf(absMin(x, 2 * ERF_CLAMP), x);
    }

    /** Stage 1 of {@link #gelu} and {@link #geluGrad}: {@code erfcx(|xc|/sqrt 2)/2}, {@code xc} the clamped x. */
    public static FloatVector geluHalfErfcx(FloatVector x) {
        // NaN lanes give a finite erfcx here; geluFinish and geluGradFinish return NaN for them
        return erfcx(absMin(x, 2 * ERF_CLAMP).mul(SQRT_HALF_F)).mul(0.5f);
    }

    /**
     * {@code e^{-xc^2/2}}, {@code xc} the clamped x: stage 2 of {@link #gelu} and {@link #geluGrad}.
     * With FMA, one function ({@link #expNegHalfSquare}); without, three stages
     * ({@link #geluHalfSquare}, {@link #exp} of its negation, {@link #geluGaussianFix}).
     */
    public static FloatVector geluGaussian(FloatVector x) {
        return FAST_FMA ? expNegHalfSquare(x) : geluGaussianFix(x, exp(geluHalfSquare(x).neg()));
    }

    /**
     * {@code e^{-x^2/2}} with the square entering exp's range reduction exactly: {@code r} is
     * {@code -x^2/2 - n ln2_hi} from one fma of the exact product {@code (-x/2) x} (n ln2_hi is
     * exact for |n| < 2^15), so the argument is rounded once, at the size of that difference
     * (below 0.38), instead of at the size of x^2/2 (up to 105, where one rounding is 2^-18
     * absolute: about 60 ulp in the result). Needs hardware FMA; {@code FAST_FMA} callers only.
     */
    private static FloatVector expNegHalfSquare(FloatVector x) {
        // beyond |x| = 14.5, e^{-x^2/2} < 2^-151 rounds to +0 (as exp's own clamp at -104 does);
        // NaN lanes give a finite value, the callers' other terms keep them NaN
        FloatVector a = absMin(x, GAUSS_CLAMP);
        FloatVector m = a.mul(-0.5f);                           // exact
        FloatVector t = m.mul(a).fma(bc(LOG2E), bc(ROUND_MAGIC));   // round(-x^2/2 log2 e) in the low bits
        FloatVector n = t.sub(ROUND_MAGIC);
        IntVector ni = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
        FloatVector r = m.fma(a, n.mul(-LN2_HI));
        r = n.fma(bc(-LN2_LO), r);
        return scaleByPow2(expPoly(r), ni);
    }

    /**
     * Without hardware FMA, stage 2a of {@link #gelu} and {@link #geluGrad}: {@code xc^2/2}
     * rounded, {@code xc} the clamped x.
     */
    public static FloatVector geluHalfSquare(FloatVector x) {
        FloatVector xc = geluClamp(x);
        return xc.mul(xc).mul(0.5f);
    }

    /**
     * Without hardware FMA, stage 2b of {@link #gelu} and {@link #geluGrad}: {@code e^{-xc^2/2}} from
     * {@code e = }{@link #exp}{@code (-}{@link #geluHalfSquare}{@code (x))}, corrected for the
     * rounding error of the square (as {@link #expNegPair}).
     */
    public static FloatVector geluGaussianFix(FloatVector x, FloatVector e) {
        FloatVector xc = geluClamp(x);
        FloatVector l = squareError(xc, xc.mul(xc));
        return mad(e, l.mul(0.5f).neg(), e);
    }

    /**
     * Stage 3 of {@link #gelu}: GELU from x, {@code halfErfcx = }{@link #geluHalfErfcx}{@code (x)}
     * and {@code gauss = }{@link #geluGaussian}{@code (x)}, the same inputs as {@link #geluGradFinish}.
     */
    public static FloatVector geluFinish(FloatVector x, FloatVector halfErfcx, FloatVector gauss) {
        FloatVector xc = geluClamp(x);
        FloatVector z = x.mul(SQRT_HALF_F);
        FloatVector tail = xc.mul(halfErfcx).mul(gauss);   // x erfc(|z|)/2
        FloatVector large = tail.blend(x.sub(tail), x.compare(VectorOperators.GT, 0f));
        FloatVector small = x.mul(mad(erfSmall(z), 0.5f, bc(0.5f)));
        // "not small" rather than "large": a NaN lane compares false and takes small's NaN
        return small.blend(large, z.abs().compare(VectorOperators.GE, ERF_SPLIT));
    }

    /**
     * GELU derivative {@code Phi(x) + x phi(x)}, {@code phi} the standard normal density, for
     * the backward pass; Phi as in {@link #gelu}, and in the tail
     * {@code (erfcx(z)/2 + x/sqrt(2 pi)) e^{-x^2/2}} with the Gaussian factor applied once, last.
     *
     * <p>Specials: NaN to NaN, +inf to 1, -inf to -0 (the limits; the result approaches 0 from
     * below, the scalar oracle returns +0).
     * The result crosses zero near x = -0.75 where the two terms (about 0.22 each) cancel, so
     * the error there is absolute; <b>measured max error: 17 ulp where |result| >= 0.05
     * (cancellation between the terms), and an absolute error below 1e-7 everywhere.</b>
     */
    public static FloatVector geluGrad(FloatVector x) {
        return geluGradFinish(x, geluHalfErfcx(x), geluGaussian(x));
    }

    /**
     * Stage 3 of {@link #geluGrad}: the derivative from x,
     * {@code halfErfcx = }{@link #geluHalfErfcx}{@code (x)} and {@code gauss = }{@link #geluGaussian}{@code (x)}.
     */
    public static FloatVector geluGradFinish(FloatVector x, FloatVector halfErfcx, FloatVector gauss) {
        FloatVector xc = geluClamp(x);
        FloatVector z = x.mul(SQRT_HALF_F);
        FloatVector xPdf = xc.mul(INV_SQRT_2PI);   // x phi(x) / e^{-x^2/2}
        FloatVector neg = halfErfcx.add(xPdf).mul(gauss);
        FloatVector pos = mad(xPdf.sub(halfErfcx), gauss, bc(1f));
        FloatVector large = neg.blend(pos, x.compare(VectorOperators.GT, 0f));
        FloatVector small = mad(xPdf, gauss, mad(erfSmall(z), 0.5f, bc(0.5f)));
        // a NaN lane compares false and takes small's NaN (erfSmall of NaN)
        return small.blend(large, z.abs().compare(VectorOperators.GE, ERF_SPLIT));
    }

    /**
     * tanh-approximated GELU {@code 0.5 x (1 + tanh(u))}, {@code u = sqrt(2/pi)(x + 0.044715 x^3)}
     * (PyTorch's {@code approximate='tanh'}), evaluated as the equal {@code x * sigmoid(2u)} so
     * the negative side has no {@code 1 + tanh} cancellation.
     *
     * <p>Specials: NaN to NaN, +inf to +inf, -inf to -0 (the limit, as the scalar oracle).
     * <b>Measured max error: 3 ulp for x >= -1</b>; below, the float rounding of u is amplified
     * by the exponential tail (relative error up to about 4|u| ulp): an absolute error below
     * 6e-8.
     */
    public static FloatVector geluTanh(FloatVector x) {
        return geluTanhFinish(x, sigmoid(geluTanhArg2(x)));
    }

    /**
     * Last stage of {@link #geluTanh}: {@code x sigmoid(2u)} from x and
     * {@code s = }{@link #sigmoid}{@code (}{@link #geluTanhArg2}{@code (x))}.
     */
    public static FloatVector geluTanhFinish(FloatVector x, FloatVector s) {
        // sigmoid(2u) is exactly 0 below x = -20, so clamping x there maps -inf to -0 (the limit)
        return clamp(x, GELU_TANH_LIMIT_NEG, Float.POSITIVE_INFINITY).mul(s);
    }

    /** {@code 2u = 2 sqrt(2/pi) (x + 0.044715 x^3)}, the argument of the sigmoid in {@link #geluTanh}. */
    public static FloatVector geluTanhArg2(FloatVector x) {
        FloatVector x2 = x.mul(x);
        return mad(x.mul(GELU_TANH_C), x2, x).mul(GELU_TANH_2K);
    }

    /**
     * Derivative of the tanh-approximated GELU, PyTorch's {@code gelu_backward} tanh branch
     * {@code 0.5(1+t) + 0.5x(1-t^2) k(1 + 3c x^2)} with {@code t = tanh(u)}, evaluated via
     * {@code 1 + t = 2s}, {@code 1 - t = 2(1-s)}, {@code s = sigmoid(2u)} (both factors
     * computed without cancellation).
     *
     * <p>Specials: NaN to NaN, +inf to 1, -inf to -0 (the limits; the result approaches 0 from
     * below, the scalar oracle returns +0). <b>Measured
     * max error: 17 ulp where x >= -1 and |result| >= 0.05 (cancellation near the zero at
     * x = -0.75); absolute error below 1e-7 everywhere.</b>
     */
    public static FloatVector geluTanhGrad(FloatVector x) {
        FloatVector u2 = geluTanhGradArg2(x);
        return geluTanhGradFinish(x, u2, exp(u2.abs().neg()));
    }

    /** Stage 1 of {@link #geluTanhGrad}: {@code 2u} of the clamped x. */
    public static FloatVector geluTanhGradArg2(FloatVector x) {
        // beyond |x| = 20 the derivative is exactly 1 or 0 in float; clamping avoids inf * 0
        return geluTanhArg2(clamp(x, GELU_TANH_LIMIT_NEG, -GELU_TANH_LIMIT_NEG));
    }

    /**
     * Last stage of {@link #geluTanhGrad}: the derivative from x, {@code u2 = }{@link #geluTanhGradArg2}{@code (x)}
     * and {@code e = }{@link #exp}{@code (-|u2|)}.
     */
    public static FloatVector geluTanhGradFinish(FloatVector x, FloatVector u2, FloatVector e) {
        x = clamp(x, GELU_TANH_LIMIT_NEG, -GELU_TANH_LIMIT_NEG);
        FloatVector q = bc(1f).div(e.add(1f));
        FloatVector eq = e.mul(q);
        VectorMask<Float> pos = u2.compare(VectorOperators.GE, 0f);
        FloatVector s = eq.blend(q, pos);       // sigmoid(2u)
        FloatVector sm = q.blend(eq, pos);      // sigmoid(-2u) = 1 - s
        FloatVector x2 = x.mul(x);
        FloatVector inner = mad(x2, 3 * GELU_TANH_C, bc(1f)).mul(GELU_TANH_K);   // du/dx
        // 0.5(1+t) = s; 0.5x(1-t^2)u' = 2x s (1-s) u'
        FloatVector right = x.mul(2f).mul(sm).mul(inner);
        return mad(s, right, s);
    }
}
