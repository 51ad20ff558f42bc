package dev.vectornn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GradcheckCommandTest {

    /** Exit code, standard output and standard error of one run. */
    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void oneOpPassesWithATableRowPerSample() {
        Run r = run("gradcheck", "--op", "softmax");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("F64, eps 1.0E-6, atol 1.0E-5, rtol 0.001"), r.out());
        assertTrue(r.out().matches("(?s).*OP +SHAPES +VALUES +KINKS +WORST REL ERR +ERR/TOL +RESULT +SAMPLE.*"), r.out());
        // softmax has one sample, [3,5]: 15 compared elements, none skipped
        assertTrue(r.out().matches("(?s).*\nsoftmax +\\[3, 5\\] +225 +0 +\\S+ +\\S+ +pass +\\[3,5\\]\n.*"), r.out());
        assertTrue(r.out().contains("all 1 samples of 1 ops passed"), r.out());
        assertTrue(!r.out().contains("softmax: "), "no failure lines: " + r.out());
    }

    @Test
    void f32FastModeOfAnOpWithSeveralSamples() {
        Run r = run("gradcheck", "--op", "matmul", "--dtype", "f32", "--fast", "--seed", "7");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("gradcheck: F32,") && r.out().contains("fast mode") && r.out().contains("seed 7"), r.out());
        long rows = r.out().lines().filter(l -> l.startsWith("matmul ")).count();
        assertTrue(rows >= 5, "one row per matmul sample: " + r.out());
        // fast mode compares one projection per variable
        assertTrue(r.out().lines().filter(l -> l.startsWith("matmul ")).allMatch(l -> l.matches("matmul .*  [12]  +0 .*pass.*")), r.out());
    }

    @Test
    void aFailureExitsWith1AndReportsTheWorstElement() {
        // float32 differences cannot meet a 1e-12 tolerance: every sample must fail, loudly
        Run r = run("gradcheck", "--op", "exp", "--dtype", "f32", "--atol", "1e-12", "--rtol", "1e-12");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().matches("(?s).*\nexp .* FAIL .*"), r.out());
        assertTrue(r.out().contains("1 of 1 samples FAILED"), r.out());
        assertTrue(r.out().matches("(?s).*exp: \\[3,4\\]: gradcheck FAILED: .*worst x\\[\\d+\\] of output element \\d+: analytic .*, numeric .*"
                + ", abs error .*, rel error .*"), r.out());
    }

    @Test
    void unknownOpIsAUsageErrorListingTheValidNames() {
        Run r = run("gradcheck", "--op", "softmaxx");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("unknown op 'softmaxx'"), r.err());
        assertTrue(r.err().contains("add, sub, mul, div") && r.err().contains("bceWithLogits"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void unknownDtypeIsAUsageError() {
        Run r = run("gradcheck", "--dtype", "f16");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("f16"), r.err());
    }
}
