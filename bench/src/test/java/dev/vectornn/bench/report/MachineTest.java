package dev.vectornn.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineTest {
    @TempDir
    Path dir;

    @Test
    void x86CpuLineCarriesFamilyAndModel() throws IOException {
        // a cloud VM's cpuinfo: the model name alone does not tell a Zen 4 from a Zen 5
        Machine m = describe("processor\t: 0", "vendor_id\t: AuthenticAMD", "cpu family\t: 26", "model\t\t: 2",
                "model name\t: AMD EPYC", "flags\t\t: fpu sse4_2 avx fma avx2 avx512f avx512bw avx512vl");
        assertEquals("AMD EPYC (family 26, model 2)", m.cpuModel());
        assertEquals("avx512f avx512bw avx512vl avx2 fma avx sse4_2", m.simdFlags());
    }

    @Test
    void armCpuLineHasNoFamily() throws IOException {
        Machine m = describe("processor\t: 0", "BogoMIPS\t: 243.75", "Features\t: fp asimd sve", "CPU part\t: 0xd40");
        assertEquals("CPU part 0xd40", m.cpuModel());
        assertEquals("asimd sve", m.simdFlags());
    }

    private Machine describe(String... cpuinfoLines) throws IOException {
        return Machine.describe(Files.writeString(dir.resolve("cpuinfo"), String.join("\n", cpuinfoLines) + "\n"));
    }
}
