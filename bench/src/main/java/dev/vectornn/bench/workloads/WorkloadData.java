package dev.vectornn.bench.workloads;

import java.util.SplittableRandom;

/** Seeded inputs for the workload benchmarks: the same seed gives the same data in every fork. */
final class WorkloadData {
    private WorkloadData() {}

    /** {@code n} floats uniform in {@code [lo, hi)} from {@code seed}. */
    static float[] uniform(int n, double lo, double hi, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextDouble(lo, hi);
        return a;
    }

    /** {@code n} class indices uniform in {@code [0, classes)} from {@code seed}. */
    static int[] indices(int n, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = r.nextInt(classes);
        return a;
    }
}
