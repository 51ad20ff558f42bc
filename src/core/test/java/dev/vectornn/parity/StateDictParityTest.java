package dev.vectornn.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vectornn.io.SafeTensorsDType;
import dev.vectornn.io.SafeTensorsHeader;
import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A state dict written by PyTorch ({@code state_dict.safetensors}: F32, F64, F16 and BF16
 * tensors with PyTorch's names, a 0-d and an empty tensor, and F16/BF16/F32/F64 special values:
 * signed zeros, subnormals, the largest finite, infinities, NaN) read with vectornn's reader:
 * names, header dtypes, shapes, the dtype each loads as, and every value bit-exactly against
 * PyTorch's own exact widening to float64 ({@code state_dict_expected.safetensors}).
 */
class StateDictParityTest {
    static final String FILE = "state_dict.safetensors";
    static final String EXPECTED = "state_dict_expected.safetensors";

    @Test
    void headerMatchesWhatPyTorchWrote() {
        SafeTensorsHeader h = Golden.header(FILE);
        assertEquals(Map.of("format", "pt"), h.metadata());
        Map<String, SafeTensorsDType> types = new LinkedHashMap<>();
        for (SafeTensorsHeader.Entry e : h.tensors()) types.put(e.name(), e.dtype());
        assertEquals(SafeTensorsDType.F32, types.get("fc1.weight"));
        assertEquals(SafeTensorsDType.F64, types.get("ln.weight"));
        assertEquals(SafeTensorsDType.F16, types.get("emb.weight"));
        assertEquals(SafeTensorsDType.BF16, types.get("lstm.weight_ih_l0"));
        assertEquals(List.of("emb.weight", "empty.weight", "fc1.bias", "fc1.weight", "ln.bias", "ln.weight",
                "lstm.weight_ih_l0", "special.bf16", "special.f16", "special.f32", "special.f64", "temperature"),
                types.keySet().stream().sorted().toList());
    }

    @Test
    void valuesAreExactlyPyTorchs() {
        Map<String, Tensor> got = Golden.read(FILE), want = Golden.read(EXPECTED);
        assertEquals(want.keySet(), got.keySet());
        Map<String, SafeTensorsDType> types = new LinkedHashMap<>();
        for (SafeTensorsHeader.Entry e : Golden.header(FILE).tensors()) types.put(e.name(), e.dtype());
        int specials = 0;
        for (var e : want.entrySet()) {
            String name = e.getKey();
            Tensor w = e.getValue(), t = got.get(name);
            assertEquals(w.shape(), t.shape(), name);
            assertEquals(types.get(name).loadsAs(), t.dtype(), name + ": F16/BF16/F32 load as F32, F64 as F64");
            assertEquals(DType.F64, w.dtype());
            for (int i = 0; i < w.numel(); i++) {
                double a = t.getFlat(i), x = w.getFlat(i);
                // bit-exact, so -0.0 must stay -0.0; NaN matches NaN
                if (Double.doubleToLongBits(a) != Double.doubleToLongBits(x) && !(Double.isNaN(a) && Double.isNaN(x))) {
                    fail(String.format("%s[%d] (%s): read %s, PyTorch holds %s", name, i, types.get(name), a, x));
                }
                if (Double.isNaN(x) || Double.isInfinite(x) || (x == 0 && 1 / x < 0)) specials++;
            }
        }
        assertTrue(specials >= 12, "the file should hold NaN, infinities and -0.0 in every dtype, found " + specials);
        assertEquals(0, got.get("empty.weight").numel());
        assertEquals(0, got.get("temperature").shape().rank());
        assertEquals(0.7f, (float) got.get("temperature").getFlat(0));
    }
}
