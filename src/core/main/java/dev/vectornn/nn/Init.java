package dev.vectornn.nn;

import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * PyTorch's default initializations ({@code torch.nn.init}) drawn from a caller-supplied seeded
 * generator: the same generator state gives the same tensors. The draws are not PyTorch's bit
 * stream (a different generator), only its distributions.
 *
 * <p>Fan-in and fan-out follow {@code _calculate_fan_in_and_fan_out}: for a 2-D weight
 * {@code [out, in]}, fan-in is {@code in} and fan-out {@code out}.
 */
public final class Init {
    private Init() {}

    /** Fills {@code t} with samples of {@code U(lo, hi)}; returns {@code t}. */
    public static Tensor uniform(Tensor t, double lo, double hi, RandomGenerator rng) {
        for (int i = 0; i < t.numel(); i++) t.setFlat(i, lo + (hi - lo) * rng.nextDouble());
        return t;
    }

    /** Fills {@code t} with samples of {@code N(mean, std^2)}; returns {@code t}. */
    public static Tensor normal(Tensor t, double mean, double std, RandomGenerator rng) {
        for (int i = 0; i < t.numel(); i++) t.setFlat(i, mean + std * rng.nextGaussian());
        return t;
    }

    /** A new F32 tensor of {@code U(-bound, bound)} samples with the given dimensions. */
    public static Tensor uniform(double bound, RandomGenerator rng, int... dims) {
        return uniform(Tensor.zeros(DType.F32, dims), -bound, bound, rng);
    }

    /**
     * {@code kaiming_uniform_(w, a=sqrt(5))}, nn.Linear's weight init: the bound
     * {@code gain * sqrt(3 / fan_in)} with {@code gain = sqrt(2 / (1 + a^2))} equals
     * {@code 1 / sqrt(fan_in)}. A new F32 tensor {@code [out, in]}.
     */
    public static Tensor linearWeight(int out, int in, RandomGenerator rng) {
        return uniform(fanInBound(in), rng, out, in);
    }

    /** {@code 1 / sqrt(fanIn)}, or 0 for {@code fanIn == 0} (as PyTorch): the Linear weight and bias bound. */
    public static double fanInBound(int fanIn) {
        return fanIn > 0 ? 1.0 / Math.sqrt(fanIn) : 0.0;
    }

    /**
     * {@code xavier_uniform_(w)} with gain 1 for a weight {@code [out, in]}: {@code U(-b, b)} with
     * {@code b = sqrt(6 / (in + out))}. A new F32 tensor.
     */
    public static Tensor xavierUniform(int out, int in, RandomGenerator rng) {
        return uniform(Math.sqrt(6.0 / (in + out)), rng, out, in);
    }
}
