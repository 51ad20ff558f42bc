package dev.vectornn.tensor;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void factoriesAndAccess() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertEquals(DType.F32, t.dtype());
        assertEquals(6.0, t.get(1, 2));
        t.set(9.5, 0, 1);
        assertEquals(9.5, t.getFlat(1));
        assertEquals("Tensor(F32, [2, 3]) [[1.0, 9.5, 3.0], [4.0, 5.0, 6.0]]", t.toString());
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0));
        assertTrue(e.getMessage().contains("index 2 out of range [0, 2) in dimension 0"), e.getMessage());
        assertThrows(ShapeException.class, () -> Tensor.of(new float[5], 2, 3));
        assertThrows(IllegalStateException.class, t::doubles);
    }

    @Test
    void copyConvertReshape() {
        Tensor t = Tensor.of(new double[] {0.1, 0.2, 0.3, 0.4}, 2, 2);
        Tensor c = t.copy();
        c.setFlat(0, 7);
        assertEquals(0.1, t.getFlat(0));
        Tensor f = t.to(DType.F32);
        assertEquals((float) 0.3, f.floats()[2]);
        Tensor r = t.reshape(Shape.of(4));
        r.setFlat(3, 1.5);
        assertEquals(1.5, t.get(1, 1), "reshape shares storage");
        assertThrows(ShapeException.class, () -> t.reshape(Shape.of(3)));
        assertEquals("Tensor(F64, []) 2.5", Tensor.scalar(DType.F64, 2.5).toString());
    }

    @Test
    void seededRandomIsReproducible() {
        Tensor a = Tensor.randn(DType.F32, Shape.of(100), 1.0, 7);
        Tensor b = Tensor.randn(DType.F32, Shape.of(100), 1.0, 7);
        assertArrayEquals(a.floats(), b.floats());
        Tensor u = Tensor.uniform(DType.F64, Shape.of(50), -2, 3, 1);
        for (double v : u.doubles()) assertTrue(v >= -2 && v < 3);
    }

    @Test
    void flatIndexOutsideTheTensorNamesTheShape() {
        Tensor t = Tensor.zeros(DType.F32, 2, 3);
        t.setFlat(5, 2.5);
        assertEquals(2.5, t.getFlat(5));
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> t.getFlat(6));
        assertTrue(e.getMessage().contains("flat index 6 out of range [0, 6)") && e.getMessage().contains("[2, 3]"),
                e.getMessage());
        // ArrayIndexOutOfBoundsException is an IndexOutOfBoundsException too: check the message
        assertTrue(assertThrows(IndexOutOfBoundsException.class, () -> t.setFlat(-1, 0)).getMessage()
                .contains("flat index -1 out of range [0, 6)"));
        assertTrue(assertThrows(IndexOutOfBoundsException.class, () -> Tensor.zeros(DType.F64, 2).getFlat(2)).getMessage()
                .contains("flat index 2 out of range [0, 2) for shape [2]"));
    }
}
