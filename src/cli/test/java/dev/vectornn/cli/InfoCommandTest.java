package dev.vectornn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.kernel.KernelProvider;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class InfoCommandTest {

    @Test
    void printsTheChosenKernelsAndWhy() {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        int code = cl.execute("info", "--probe-ms", "50");
        String text = out.toString();
        assertEquals(0, code, text);
        assertTrue(text.contains("Kernels:    " + KernelProvider.get().name()), text);
        assertTrue(text.contains("Why:        " + KernelProvider.reason()), text);
        assertTrue(text.matches("(?s).*FMA peak: +[0-9.]+ GFLOP/s.*"), text);
        assertTrue(text.contains("JDK:        " + Runtime.version()), text);
    }

    @Test
    void unknownOptionIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("info", "--no-such-option"));
        assertTrue(err.toString().contains("--no-such-option"), err.toString());
    }
}
