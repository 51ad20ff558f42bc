package dev.vectornn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsRoundTripTest {
    @TempDir
    Path dir;

    private static final int[][] SHAPES = {{}, {0}, {1}, {7}, {2, 0, 3}, {3, 4}, {2, 3, 4, 5}, {1, 1, 1}};

    private static void assertSameBits(Tensor expected, Tensor actual) {
        assertEquals(expected.dtype(), actual.dtype());
        assertEquals(expected.shape(), actual.shape());
        for (int i = 0; i < expected.numel(); i++) {
            if (expected.dtype() == DType.F32) {
                assertEquals(Float.floatToRawIntBits(expected.floats()[i]), Float.floatToRawIntBits(actual.floats()[i]));
            } else {
                assertEquals(Double.doubleToRawLongBits(expected.doubles()[i]),
                        Double.doubleToRawLongBits(actual.doubles()[i]));
            }
        }
    }

    @Test
    void f32AndF64RoundTripBitExactForAllShapes() throws IOException {
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (int s = 0; s < SHAPES.length; s++) {
            in.put("f32." + s, Tensor.randn(DType.F32, Shape.of(SHAPES[s]), 1.0, s));
            in.put("f64." + s, Tensor.randn(DType.F64, Shape.of(SHAPES[s]), 1.0, 100 + s));
        }
        in.put("special", Tensor.of(new float[] {-0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE, Float.MAX_VALUE, Float.MIN_NORMAL, -1e-40f}, 8));
        in.put("special64", Tensor.of(new double[] {-0.0, Double.NaN, Double.MIN_VALUE, Double.NEGATIVE_INFINITY}, 2, 2));
        Path f = dir.resolve("m.safetensors");
        SafeTensors.write(f, in, Map.of("format", "pt"));
        Map<String, Tensor> out = SafeTensors.read(f);
        assertEquals(in.keySet(), out.keySet());
        for (String k : in.keySet()) assertSameBits(in.get(k), out.get(k));
        assertEquals(Map.of("format", "pt"), SafeTensors.readHeader(f).metadata());
    }

    @Test
    void tensorsLargerThanOneReadChunk() throws IOException {
        int n = SafeTensorsReader.CHUNK_BYTES / 4 * 2 + 12345; // F32: 2 full chunks and a tail
        Tensor a = Tensor.uniform(DType.F32, Shape.of(n), -1, 1, 7);
        Tensor b = Tensor.uniform(DType.F64, Shape.of(3, n / 3), -1, 1, 8);
        Path f = dir.resolve("big.safetensors");
        SafeTensors.write(f, Map.of("a", a, "b", b), null);
        Map<String, Tensor> out = SafeTensors.read(f);
        assertArrayEquals(a.floats(), out.get("a").floats());
        assertArrayEquals(b.doubles(), out.get("b").doubles());
    }

    /** The reference implementation's own serialization examples, reproduced byte for byte. */
    @Test
    void layoutMatchesTheReferenceImplementation() throws IOException {
        Tensor t = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 1, 2, 3);
        String h = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}";
        assertEquals(64, h.length()); // already aligned: no padding
        assertArrayEquals(StBytes.file(h, StBytes.floats(0, 1, 2, 3, 4, 5)), written(Map.of("attn.0", t), null));

        String h2 = "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}" + " ".repeat(7);
        assertArrayEquals(StBytes.file(h2, StBytes.floats(0, 1, 2, 3, 4, 5)),
                written(Map.of("attn0", t.reshape(Shape.of(1, 1, 2, 3))), null));

        assertArrayEquals(StBytes.file("{}      ", new byte[0]), written(Map.of(), null));
        assertArrayEquals(StBytes.file("{\"__metadata__\":{\"framework\":\"pt\"}}     ", new byte[0]),
                written(Map.of(), Map.of("framework", "pt")));
    }

    private byte[] written(Map<String, Tensor> tensors, Map<String, String> meta) throws IOException {
        Path f = dir.resolve("w.safetensors");
        SafeTensors.write(f, tensors, meta);
        return Files.readAllBytes(f);
    }

    @Test
    void orderIsF64FirstThenNameByUtf8BytesAndDataIsContiguousAndAligned() throws IOException {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("b", Tensor.zeros(DType.F32, 3));
        in.put("\uFFFF", Tensor.zeros(DType.F32, 1));
        in.put("\uD83D\uDE00", Tensor.zeros(DType.F32, 1)); // U+1F600: after U+FFFF in UTF-8, before it in UTF-16
        in.put("a", Tensor.zeros(DType.F32, 1));
        in.put("z64", Tensor.zeros(DType.F64, 1));
        in.put("c64", Tensor.zeros(DType.F64, 2));
        Path f = dir.resolve("o.safetensors");
        SafeTensors.write(f, in, null);
        SafeTensorsHeader h = SafeTensors.readHeader(f);
        List<String> names = new ArrayList<>();
        long cursor = 0;
        for (SafeTensorsHeader.Entry e : h.tensors()) {
            names.add(e.name());
            assertEquals(cursor, e.begin());
            assertEquals(0, (h.dataStart() + e.begin()) % e.dtype().bytes(), "aligned");
            cursor = e.end();
        }
        assertEquals(List.of("c64", "z64", "a", "b", "\uFFFF", "\uD83D\uDE00"), names);
        assertEquals(0, h.dataStart() % 8);
        assertEquals(Files.size(f), h.dataStart() + cursor);
    }

    @Test
    void namesAndMetadataWithEscapesAndUnicodeSurvive() throws IOException {
        String odd = "q\"uote\\back\nnl\u0001ctl/é😀";
        Path f = dir.resolve("u.safetensors");
        SafeTensors.write(f, Map.of(odd, Tensor.scalar(DType.F32, 3), "fc1.weight", Tensor.zeros(DType.F32, 2, 2)),
                Map.of(odd, odd, "k", ""));
        assertEquals(3f, SafeTensors.read(f).get(odd).floats()[0]);
        assertEquals(Map.of(odd, odd, "k", ""), SafeTensors.readHeader(f).metadata());
        String header = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
        assertTrue(header.contains("\"q\\\"uote\\\\back\\nnl\\u0001ctl/é😀\""), header); // serde_json's escaping
    }

    @Test
    void readsF16AndBf16AsF32() throws IOException {
        // 1.0, -2.0, 65504 (max), 2^-24 (smallest subnormal), +inf, NaN, -0
        byte[] f16 = StBytes.shorts(0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00, 0x7E00, 0x8000);
        // 1.0, -2.0, 2^-133 (subnormal), -inf, NaN, pi rounded (0x4049 = 3.140625)
        byte[] bf16 = StBytes.shorts(0x3F80, 0xC000, 0x0001, 0xFF80, 0x7FC0, 0x4049);
        String h = "{\"h\":{\"dtype\":\"F16\",\"shape\":[7],\"data_offsets\":[0,14]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2,3],\"data_offsets\":[14,26]}}";
        byte[] data = new byte[26];
        System.arraycopy(f16, 0, data, 0, 14);
        System.arraycopy(bf16, 0, data, 14, 12);
        Path f = StBytes.write(dir, "half.safetensors", StBytes.file(h, data));
        Map<String, Tensor> t = SafeTensors.read(f);
        assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY, Float.NaN, -0f},
                t.get("h").floats());
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(t.get("h").floats()[6]));
        assertEquals(Shape.of(2, 3), t.get("b").shape());
        assertArrayEquals(new float[] {1f, -2f, 0x1p-133f, Float.NEGATIVE_INFINITY, Float.NaN, 3.140625f},
                t.get("b").floats());
        assertEquals(List.of("h", "b"), List.copyOf(t.keySet()), "header order");
    }

    @Test
    void f16SpanningSeveralChunks() throws IOException {
        int n = SafeTensorsReader.CHUNK_BYTES + 3; // elements: more than two chunks of bytes
        ByteBuffer bb = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) bb.putShort((short) i);
        String h = "{\"h\":{\"dtype\":\"F16\",\"shape\":[" + n + "],\"data_offsets\":[0," + 2 * n + "]}}";
        Path f = StBytes.write(dir, "h.safetensors", StBytes.file(h, bb.array()));
        float[] out = SafeTensors.read(f).get("h").floats();
        for (int i = 0; i < n; i++) {
            float want = Float.float16ToFloat((short) i);
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(out[i]), "element " + i);
        }
    }

    @Test
    void badArgumentsAreRejectedBeforeTheOldFileIsTouched() throws IOException {
        Path f = dir.resolve("keep.safetensors");
        SafeTensors.write(f, Map.of("w", Tensor.zeros(DType.F32, 2)), null);
        byte[] before = Files.readAllBytes(f);
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(f, Map.of("__metadata__", Tensor.zeros(DType.F32, 1)), null));
        Map<String, Tensor> nullValue = new LinkedHashMap<>();
        nullValue.put("w", null);
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(f, nullValue, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(f, Map.of("bad\uD800", Tensor.zeros(DType.F32, 1)), null));
        assertTrue(e.getMessage().contains("unpaired surrogate at index 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(f, Map.of(), Map.of("k", "\uDC00")));
        assertArrayEquals(before, Files.readAllBytes(f));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary files left");
        }
    }
}
