package dev.vectornn.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BpttBatcherTest {
    /** 26 tokens 0..25 in 4 columns: 6 rows, tokens 24 and 25 dropped, as batchify does. */
    static final int[] STREAM = IntStream.range(0, 26).toArray();

    @Test
    void batchifyLayoutMatchesPytorchExamples() {
        BpttBatcher b = new BpttBatcher(STREAM, 4, 4);
        assertEquals(6, b.rows());
        // torch: data.narrow(0, 0, 24).view(4, -1).t() -> row r = [r, 6 + r, 12 + r, 18 + r]
        int[][] expected = {
            {0, 6, 12, 18}, {1, 7, 13, 19}, {2, 8, 14, 20}, {3, 9, 15, 21}, {4, 10, 16, 22}, {5, 11, 17, 23}};
        for (int r = 0; r < 6; r++) {
            for (int c = 0; c < 4; c++) assertEquals(expected[r][c], b.at(r, c), "row " + r + " col " + c);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> b.at(6, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> b.at(0, 4));
    }

    @Test
    void windowsFollowGetBatch() {
        BpttBatcher b = new BpttBatcher(STREAM, 4, 4);
        assertEquals(2, b.windows());
        int[] x = new int[16];
        int[] y = new int[16];
        // i = 0: seq_len = min(4, 6 - 1 - 0) = 4
        assertEquals(4, b.nextLength());
        assertEquals(4, b.next(x, y));
        assertArrayEquals(new int[] {0, 6, 12, 18, 1, 7, 13, 19, 2, 8, 14, 20, 3, 9, 15, 21}, x);
        assertArrayEquals(new int[] {1, 7, 13, 19, 2, 8, 14, 20, 3, 9, 15, 21, 4, 10, 16, 22}, y);
        assertEquals(4, b.position());
        // i = 4: seq_len = min(4, 6 - 1 - 4) = 1
        Arrays.fill(x, -1);
        Arrays.fill(y, -1);
        assertEquals(1, b.next(x, y));
        assertArrayEquals(new int[] {4, 10, 16, 22}, Arrays.copyOf(x, 4));
        assertArrayEquals(new int[] {5, 11, 17, 23}, Arrays.copyOf(y, 4));
        assertEquals(-1, x[4]); // nothing written past seq_len * batch
        assertFalse(b.hasNext());
        assertThrows(IllegalStateException.class, () -> b.next(x, y));
        b.reset();
        assertTrue(b.hasNext());
        assertEquals(0, b.position());
    }

    @Test
    void windowCountMatchesRangeOverRows() {
        // for i in range(0, rows - 1, bptt): one window per start
        for (int n = 2; n < 60; n++) {
            for (int batch = 1; batch <= 3 && n / batch >= 2; batch++) {
                for (int bptt = 1; bptt <= 7; bptt++) {
                    BpttBatcher b = new BpttBatcher(IntStream.range(0, n).toArray(), batch, bptt);
                    int[] x = new int[bptt * batch], y = new int[bptt * batch];
                    int windows = 0, steps = 0;
                    while (b.hasNext()) {
                        steps += b.next(x, y);
                        windows++;
                    }
                    int rows = n / batch;
                    assertEquals((rows - 1 + bptt - 1) / bptt, windows);
                    assertEquals(windows, b.windows());
                    assertEquals(rows - 1, steps, "every row but the last is an input once");
                }
            }
        }
    }

    @Test
    void savedPositionResumesWithTheSameWindows() {
        int[] tokens = IntStream.range(0, 200).map(i -> (i * 37) % 101).toArray();
        BpttBatcher a = new BpttBatcher(tokens, 5, 6);
        int[] x = new int[30], y = new int[30];
        a.next(x, y);
        a.next(x, y);
        int saved = a.position();
        assertEquals(12, saved);
        int[] ex = new int[30], ey = new int[30];
        a.next(ex, ey);
        BpttBatcher b = new BpttBatcher(tokens, 5, 6);
        b.seek(saved);
        b.next(x, y);
        assertArrayEquals(ex, x);
        assertArrayEquals(ey, y);
        b.seek(b.rows() - 1);
        assertFalse(b.hasNext());
    }

    @Test
    void badArgumentsAreRejected() {
        assertEquals("a stream of 7 tokens in 4 columns gives 1 row(s); a window needs at least 2",
                assertThrows(IllegalArgumentException.class, () -> new BpttBatcher(new int[7], 4, 2)).getMessage());
        new BpttBatcher(new int[8], 4, 2);
        assertThrows(IllegalArgumentException.class, () -> new BpttBatcher(STREAM, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> new BpttBatcher(STREAM, 2, 0));
        BpttBatcher b = new BpttBatcher(STREAM, 4, 4);
        assertEquals("buffers of 15 and 16 ints; bptt 4 x batch 4 needs 16",
                assertThrows(IllegalArgumentException.class, () -> b.next(new int[15], new int[16])).getMessage());
        assertEquals(0, b.position());
        for (int bad : new int[] {-1, 1, 3, 6}) {
            assertThrows(IllegalArgumentException.class, () -> b.seek(bad), "position " + bad);
        }
        b.seek(4);
        b.seek(5);
        b.seek(0);
    }
}
