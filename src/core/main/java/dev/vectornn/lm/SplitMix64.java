package dev.vectornn.lm;

/**
 * SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014;
 * the generator behind {@link java.util.SplittableRandom}), with its one {@code long} of state
 * readable and settable so a training run can save it in a checkpoint and resume bit-identically.
 * The state advances by the golden-ratio gamma {@code 0x9e3779b97f4a7c15} per draw and each output is
 * the state passed through the MurmurHash3-style mix of Stafford's variant 13; the seed is the
 * initial state.
 *
 * <p>Not thread-safe: one instance per consumer.
 */
public final class SplitMix64 {
    private static final long GAMMA = 0x9e3779b97f4a7c15L;

    private long state;

    /**
     * A generator whose first state is {@code seed}.
     *
     * @param seed any value; equal seeds give equal sequences
     */
    public SplitMix64(long seed) {
        this.state = seed;
    }

    /** The current state: {@code new SplitMix64(state())} continues with the same draws as this one. */
    public long state() {
        return state;
    }

    /**
     * Sets the state, e.g. to a value saved by {@link #state()} before a checkpoint.
     *
     * @param state the state to continue from
     */
    public void setState(long state) {
        this.state = state;
    }

    /** The next 64 uniformly distributed bits. */
    public long nextLong() {
        long z = (state += GAMMA);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * A uniformly distributed int in {@code [0, bound)}, without modulo bias: Lemire's multiply-shift
     * on the top 32 bits of {@link #nextLong()}, redrawing in the rare biased zone.
     *
     * @param bound the exclusive upper bound, {@code >= 1}
     * @throws IllegalArgumentException if {@code bound < 1}
     */
    public int nextInt(int bound) {
        if (bound < 1) throw new IllegalArgumentException("bound must be >= 1, got " + bound);
        long m = (nextLong() >>> 32) * bound;
        if ((m & 0xffffffffL) < bound) {
            long threshold = (0x1_0000_0000L - bound) % bound;
            while ((m & 0xffffffffL) < threshold) m = (nextLong() >>> 32) * bound;
        }
        return (int) (m >>> 32);
    }

    /** A uniformly distributed double in {@code [0, 1)} with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** A uniformly distributed float in {@code [0, 1)} with 24 random bits. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }
}
