package dev.vectornn.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RandomWindowBatcherTest {
    /** tokens[i] = 1000 + i, so a window's start is readable from its first id. */
    static final int[] STREAM = IntStream.range(0, 50).map(i -> 1000 + i).toArray();

    @Test
    void rowsAreContiguousWindowsAndTargetsAreShiftedByOne() {
        RandomWindowBatcher b = new RandomWindowBatcher(STREAM, 3, 8, 42);
        int[] x = new int[3 * 8];
        int[] y = new int[3 * 8];
        for (int step = 0; step < 100; step++) {
            b.next(x, y);
            for (int row = 0; row < 3; row++) {
                int start = x[row * 8] - 1000;
                assertTrue(start >= 0 && start < STREAM.length - 8, "start " + start);
                for (int t = 0; t < 8; t++) {
                    assertEquals(STREAM[start + t], x[row * 8 + t]);
                    assertEquals(STREAM[start + t + 1], y[row * 8 + t]);
                }
            }
        }
    }

    @Test
    void offsetsCoverTheWholeRangeIncludingTheLastWindow() {
        int[] tokens = {0, 1, 2, 3, 4, 5};
        RandomWindowBatcher b = new RandomWindowBatcher(tokens, 1, 3, 1);
        boolean[] seen = new boolean[tokens.length];
        int[] x = new int[3];
        int[] y = new int[3];
        for (int i = 0; i < 200; i++) {
            b.next(x, y);
            seen[x[0]] = true;
            assertTrue(y[2] <= 5);
        }
        assertArrayEquals(new boolean[] {true, true, true, false, false, false}, seen);
    }

    @Test
    void aSeedFixesTheBatchesAndSavedStateResumesThem() {
        RandomWindowBatcher a = new RandomWindowBatcher(STREAM, 4, 5, 7);
        RandomWindowBatcher same = new RandomWindowBatcher(STREAM, 4, 5, 7);
        int[] x1 = new int[20], y1 = new int[20], x2 = new int[20], y2 = new int[20];
        for (int i = 0; i < 5; i++) {
            a.next(x1, y1);
            same.next(x2, y2);
            assertArrayEquals(x1, x2);
            assertArrayEquals(y1, y2);
        }
        long saved = a.rngState();
        List<int[]> expected = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            a.next(x1, y1);
            expected.add(x1.clone());
        }
        RandomWindowBatcher resumed = new RandomWindowBatcher(STREAM, 4, 5, 999);
        resumed.setRngState(saved);
        for (int[] e : expected) {
            resumed.next(x2, y2);
            assertArrayEquals(e, x2);
        }
        RandomWindowBatcher other = new RandomWindowBatcher(STREAM, 4, 5, 8);
        other.next(x2, y2);
        new RandomWindowBatcher(STREAM, 4, 5, 7).next(x1, y1);
        assertFalse(java.util.Arrays.equals(x1, x2), "different seeds gave the same batch");
    }

    @Test
    void writesOnlyThePrefixOfLargerBuffers() {
        RandomWindowBatcher b = new RandomWindowBatcher(STREAM, 2, 3, 1);
        int[] x = new int[10];
        int[] y = new int[10];
        java.util.Arrays.fill(x, -1);
        java.util.Arrays.fill(y, -1);
        b.next(x, y);
        for (int i = 6; i < 10; i++) {
            assertEquals(-1, x[i]);
            assertEquals(-1, y[i]);
        }
    }

    @Test
    void evalBatchesAreFixedBySeedAndLeaveTrainingAlone() {
        RandomWindowBatcher train = new RandomWindowBatcher(STREAM, 2, 4, 3);
        long before = train.rngState();
        List<int[]> first = new ArrayList<>();
        int[] x = new int[8], y = new int[8];
        RandomWindowBatcher.forEachEvalBatch(STREAM, 2, 4, 5, 11, x, y, (k, in, tg) -> {
            assertEquals(first.size(), k);
            first.add(in.clone());
            for (int i = 0; i < 8; i++) assertEquals(in[i] + 1, tg[i]);
        });
        assertEquals(5, first.size());
        int[] count = {0};
        RandomWindowBatcher.forEachEvalBatch(STREAM, 2, 4, 5, 11, x, y, (k, in, tg) -> {
            assertArrayEquals(first.get(k), in);
            count[0]++;
        });
        assertEquals(5, count[0]);
        assertEquals(before, train.rngState());
        RandomWindowBatcher.forEachEvalBatch(STREAM, 2, 4, 0, 11, x, y, (k, in, tg) -> count[0]++);
        assertEquals(5, count[0]);
        assertThrows(IllegalArgumentException.class,
                () -> RandomWindowBatcher.forEachEvalBatch(STREAM, 2, 4, -1, 11, x, y, (k, in, tg) -> { }));
    }

    @Test
    void badArgumentsAreRejected() {
        assertEquals("a stream of 8 tokens is too short for block 8: it needs at least 9",
                assertThrows(IllegalArgumentException.class,
                        () -> new RandomWindowBatcher(new int[8], 1, 8, 0)).getMessage());
        new RandomWindowBatcher(new int[9], 1, 8, 0); // exactly one window fits
        assertThrows(IllegalArgumentException.class, () -> new RandomWindowBatcher(STREAM, 0, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> new RandomWindowBatcher(STREAM, 2, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RandomWindowBatcher(new int[(1 << 16) + 1], 1 << 16, 1 << 16, 0));
        RandomWindowBatcher b = new RandomWindowBatcher(STREAM, 2, 4, 0);
        long state = b.rngState();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.next(new int[7], new int[8]));
        assertEquals("buffers of 7 and 8 ints; batch 2 x block 4 needs 8", e.getMessage());
        assertEquals(state, b.rngState());
    }
}
