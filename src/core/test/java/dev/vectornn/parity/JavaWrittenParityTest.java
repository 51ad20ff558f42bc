package dev.vectornn.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vectornn.io.SafeTensors;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Writes, with {@link SafeTensors#write}, the state dict of the PyTorch module that
 * {@code make_golden.py}'s {@code java_check_module()} builds ({@code fc1} Linear(3, 4),
 * {@code ln} LayerNorm(4), {@code emb} Embedding(5, 3), {@code lstm} LSTM(2, 2)) plus one F64
 * tensor {@code extra.f64}, to {@code target/parity/java_written.safetensors}. Element {@code i} of
 * the {@code k}-th tensor in name order holds {@code (k + 1) / 4 + i / 8 - 1}, exact in binary.
 *
 * <p>This test checks the file reads back here; the PyTorch side is a manual check, since tests
 * must not need Python:
 * <pre>
 *   /usr/bin/python3 src/core/test/python/make_golden.py --check-java src/core/target/parity/java_written.safetensors
 * </pre>
 * which loads it with {@code load_state_dict(strict=True)} and compares every value.
 */
class JavaWrittenParityTest {
    /** Names and shapes of {@code java_check_module().state_dict()} in PyTorch. */
    static final Map<String, int[]> MODULE = new LinkedHashMap<>();

    static {
        MODULE.put("fc1.weight", new int[] {4, 3});
        MODULE.put("fc1.bias", new int[] {4});
        MODULE.put("ln.weight", new int[] {4});
        MODULE.put("ln.bias", new int[] {4});
        MODULE.put("emb.weight", new int[] {5, 3});
        MODULE.put("lstm.weight_ih_l0", new int[] {8, 2});
        MODULE.put("lstm.weight_hh_l0", new int[] {8, 2});
        MODULE.put("lstm.bias_ih_l0", new int[] {8});
        MODULE.put("lstm.bias_hh_l0", new int[] {8});
    }

    static double value(int k, int i) {
        return (k + 1) * 0.25 + i / 8.0 - 1.0;
    }

    @Test
    void writesAFilePyTorchCanLoad() throws Exception {
        Map<String, int[]> all = new LinkedHashMap<>(MODULE);
        all.put("extra.f64", new int[] {2, 3});
        List<String> sorted = all.keySet().stream().sorted().toList();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (var e : all.entrySet()) {
            int k = sorted.indexOf(e.getKey());
            Tensor t = Tensor.zeros(e.getKey().startsWith("extra.") ? DType.F64 : DType.F32, e.getValue());
            for (int i = 0; i < t.numel(); i++) t.setFlat(i, value(k, i));
            tensors.put(e.getKey(), t);
        }
        Path dir = Path.of(System.getProperty("basedir", "."), "target", "parity");
        Files.createDirectories(dir);
        Path file = dir.resolve("java_written.safetensors");
        SafeTensors.write(file, tensors, Map.of("format", "pt"));

        Map<String, Tensor> back = SafeTensors.read(file);
        assertEquals(tensors.keySet().stream().sorted().toList(), back.keySet().stream().sorted().toList());
        for (var e : tensors.entrySet()) {
            Tensor b = back.get(e.getKey());
            assertEquals(e.getValue().dtype(), b.dtype(), e.getKey());
            assertEquals(e.getValue().shape(), b.shape(), e.getKey());
            for (int i = 0; i < b.numel(); i++) assertEquals(e.getValue().getFlat(i), b.getFlat(i), e.getKey() + "[" + i + "]");
        }
        assertEquals(Map.of("format", "pt"), SafeTensors.readHeader(file).metadata());
    }
}
