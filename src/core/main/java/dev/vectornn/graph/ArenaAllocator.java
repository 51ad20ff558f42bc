package dev.vectornn.graph;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Packs buffers with known lifetimes into one array: two buffers may share elements only if
 * their lifetimes (inclusive step intervals) are disjoint. Greedy by size, largest first, each
 * placed at the lowest offset that fits among the already-placed buffers alive at the same time
 * (the "greedy by size" heuristic of TFLite's arena planner): simple, deterministic and within a
 * small factor of optimal for the chain-like lifetimes of neural networks.
 */
final class ArenaAllocator {
    /** A step index later than every real step: "live until the plan is discarded". */
    static final int FOREVER = Integer.MAX_VALUE;

    private static final class Req {
        final int id;
        final int size;
        final int start;
        final int end;
        int offset = -1;

        Req(int id, int size, int start, int end) {
            this.id = id;
            this.size = size;
            this.start = start;
            this.end = end;
        }

        boolean overlapsInTime(Req o) {
            return start <= o.end && o.start <= end;
        }
    }

    private final List<Req> reqs = new ArrayList<>();
    private int total = -1;

    /**
     * Registers a buffer of {@code size} elements alive from step {@code start} to {@code end}
     * inclusive; returns a handle for {@link #offset}.
     */
    int add(int size, int start, int end) {
        if (start > end) throw new IllegalStateException("buffer lifetime [" + start + ", " + end + "] is empty");
        reqs.add(new Req(reqs.size(), size, start, end));
        return reqs.size() - 1;
    }

    /** Assigns every offset; returns the arena length. Idempotent. */
    int plan() {
        if (total >= 0) return total;
        List<Req> order = new ArrayList<>(reqs);
        order.sort(Comparator.comparingInt((Req r) -> -r.size).thenComparingInt(r -> r.id));
        List<Req> placed = new ArrayList<>();
        int max = 0;
        for (Req r : order) {
            List<Req> clash = new ArrayList<>();
            for (Req p : placed) {
                if (p.size > 0 && p.overlapsInTime(r)) clash.add(p);
            }
            clash.sort(Comparator.comparingInt(p -> p.offset));
            int off = 0;
            for (Req p : clash) {
                if (off + r.size <= p.offset) break;
                off = Math.max(off, p.offset + p.size);
            }
            r.offset = off;
            placed.add(r);
            max = Math.max(max, off + r.size);
        }
        total = max;
        return total;
    }

    /** The offset assigned to a handle (after {@link #plan}). */
    int offset(int handle) {
        plan();
        return reqs.get(handle).offset;
    }
}
