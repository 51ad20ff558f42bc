package dev.vectornn.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vectornn.parity.OpsGoldenParityTest.OpCase;
import dev.vectornn.tensor.DType;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cross-entropy with label smoothing against {@code losses.safetensors}: PyTorch's
 * {@code F.cross_entropy(logits, targets, ignore_index, label_smoothing)} for the settings the
 * generator records in the file's metadata, compared as {@link OpsGoldenParityTest} does (same
 * layout, same tolerances: F64 rtol 1e-10 atol 1e-12, F32 rtol 1e-5 atol 1e-6).
 */
class LossesGoldenParityTest {
    static final String FILE = "losses.safetensors";
    static final List<String> NAMES = List.of("ce_smooth", "ce_smooth_ignore1_3d", "ce_smooth_wide", "ce_smooth_one",
            "ce_smooth_zero");

    /** A case built from its metadata, with {@code epsShift} added to the label smoothing. */
    static OpCase crossEntropy(String name, double epsShift) {
        Map<String, String> kv = Golden.keyValues(Golden.metadata(FILE).get(name));
        int ignore = Integer.parseInt(kv.get("ignore_index"));
        double eps = Double.parseDouble(kv.get("label_smoothing")) + epsShift;
        return new OpCase(name, x -> x.g.crossEntropy(x.input("logits"), x.index("targets"), ignore, eps),
                List.of("logits"));
    }

    static Stream<Arguments> casesByDtype() {
        return NAMES.stream().flatMap(n -> Stream.of(Arguments.of(n, DType.F32), Arguments.of(n, DType.F64)));
    }

    @Test
    void everyGoldenCaseIsTested() {
        List<String> golden = Golden.read(FILE).keySet().stream().filter(k -> k.endsWith(".f64.y"))
                .map(k -> k.substring(0, k.length() - ".f64.y".length())).sorted().toList();
        assertEquals(golden, NAMES.stream().sorted().toList());
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("casesByDtype")
    void matchesPyTorch(String name, DType dtype) {
        String m = OpsGoldenParityTest.run(FILE, crossEntropy(name, 0), dtype, 1.0);
        if (m != null) fail(m);
    }

    /** The comparison can fail: a label smoothing off by 0.001 is caught in both dtypes. */
    @Test
    void aWrongSmoothingIsCaught() {
        assertNotNull(OpsGoldenParityTest.run(FILE, crossEntropy("ce_smooth", 0.001), DType.F32, 1.0));
        assertNotNull(OpsGoldenParityTest.run(FILE, crossEntropy("ce_smooth_wide", -0.001), DType.F64, 1.0));
    }
}
