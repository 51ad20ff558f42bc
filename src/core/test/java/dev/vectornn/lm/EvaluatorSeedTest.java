package dev.vectornn.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The validation windows of runs with different seeds must be independent draws, and independent
 * of the training batches: a seed sweep is meant to sample the evaluation set anew each time.
 */
class EvaluatorSeedTest {
    private static Set<Long> stream(long state, int n) {
        SplitMix64 r = new SplitMix64(state);
        Set<Long> s = new HashSet<>();
        for (int i = 0; i < n; i++) s.add(r.nextLong());
        return s;
    }

    @Test
    void consecutiveSeedsDrawDisjointValidationWindows() {
        int n = 10_000;
        for (long a = 0; a < 5; a++) {
            for (long b = a + 1; b < 6; b++) {
                Set<Long> common = stream(Evaluator.evalSeed(a), n);
                common.retainAll(stream(Evaluator.evalSeed(b), n));
                assertEquals(0, common.size(), "draws shared by the eval streams of seeds " + a + " and " + b);
            }
        }
    }

    @Test
    void validationStreamIsNotTheTrainingStream() {
        int n = 10_000;
        for (long seed : new long[] {0, 1, 2, 1337}) {
            // RandomWindowBatcher draws the training windows from SplitMix64(seed)
            Set<Long> common = stream(Evaluator.evalSeed(seed), n);
            common.retainAll(stream(seed, n));
            assertEquals(0, common.size(), "draws shared by the eval and training streams of seed " + seed);
        }
    }
}
