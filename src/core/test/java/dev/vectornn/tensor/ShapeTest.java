package dev.vectornn.tensor;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ShapeTest {

    @Test
    void basics() {
        Shape s = Shape.of(32, 128);
        assertEquals(2, s.rank());
        assertEquals(4096, s.numel());
        assertEquals(128, s.dim(-1));
        assertEquals("[32, 128]", s.toString());
        assertEquals(Shape.of(32, 128), s);
        assertEquals(Shape.of(32, 128).hashCode(), s.hashCode());
        assertNotEquals(Shape.of(128, 32), s);
        assertArrayEquals(new int[] {128, 1}, s.strides());
        assertEquals(1, Shape.scalar().numel());
        assertEquals("[]", Shape.scalar().toString());
    }

    @Test
    void dimsAreCopied() {
        int[] d = {2, 3};
        Shape s = Shape.of(d);
        d[0] = 7;
        s.dims()[1] = 9;
        assertEquals(Shape.of(2, 3), s);
    }

    @Test
    void rejectsNegativeAndHuge() {
        assertThrows(ShapeException.class, () -> Shape.of(2, -1));
        assertThrows(ShapeException.class, () -> Shape.of(1 << 16, 1 << 16));
        ShapeException e = assertThrows(ShapeException.class, () -> Shape.of(2, 3).axis(2));
        assertTrue(e.getMessage().contains("axis 2 is out of range for shape [2, 3]"), e.getMessage());
    }

    @Test
    void broadcastsLikeNumpy() {
        assertEquals(Shape.of(4, 3), Shape.broadcast(Shape.of(4, 3), Shape.of(3)));
        assertEquals(Shape.of(4, 3), Shape.broadcast(Shape.of(4, 1), Shape.of(1, 3)));
        assertEquals(Shape.of(2, 4, 3), Shape.broadcast(Shape.of(2, 1, 3), Shape.of(4, 1)));
        assertEquals(Shape.of(5), Shape.broadcast(Shape.scalar(), Shape.of(5)));
        ShapeException e = assertThrows(ShapeException.class, () -> Shape.broadcast(Shape.of(4, 3), Shape.of(4)));
        assertTrue(e.getMessage().contains("[4, 3] and [4]"), e.getMessage());
        assertTrue(e.getMessage().contains("dimension -1 is 3 vs 4"), e.getMessage());
        assertTrue(Shape.of(1, 3).broadcastsTo(Shape.of(4, 3)));
        assertFalse(Shape.of(4, 3).broadcastsTo(Shape.of(3)));
    }

    @Test
    void splitPointsOutsideTheRankNameTheShape() {
        Shape s = Shape.of(2, 3, 4);
        assertEquals(6, s.sizeBefore(2));
        assertEquals(1, s.sizeBefore(0));
        assertEquals(1, s.sizeFrom(3));
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> s.sizeBefore(-1));
        assertTrue(e.getMessage().contains("split point -1 out of range [0, 3]") && e.getMessage().contains("[2, 3, 4]"),
                e.getMessage());
        assertTrue(assertThrows(IndexOutOfBoundsException.class, () -> s.sizeFrom(4)).getMessage()
                .contains("split point 4 out of range [0, 3]"));
    }
}
