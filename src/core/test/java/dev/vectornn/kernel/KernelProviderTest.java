package dev.vectornn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ResourceBundle;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The provider's one-time decision: which kernels, why, and exactly one log record when it falls
 * back to scalar. Part (a) drives {@link KernelProvider#decide} with a capturing logger; part (b)
 * starts real JVMs without {@code --add-modules jdk.incubator.vector}, which is how most users will
 * first run the library.
 */
class KernelProviderTest {

    static final String HOW = "--add-modules jdk.incubator.vector";

    /** Records every log call, whatever the level. */
    static final class CapturingLogger implements System.Logger {
        record Entry(Level level, String message) {}

        final List<Entry> entries = new ArrayList<>();

        @Override
        public String getName() {
            return "capture";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            entries.add(new Entry(level, msg));
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            entries.add(new Entry(level, params == null || params.length == 0 ? format : java.text.MessageFormat.format(format, params)));
        }

        Entry only() {
            assertEquals(1, entries.size(), () -> "expected exactly one log record, got " + entries);
            return entries.get(0);
        }
    }

    private static final Optional<String> NONE = Optional.empty();

    // ------------------------------------------------------------------ (a) decide()

    @Test
    void forcedScalarLogsOneInfoRecord() {
        CapturingLogger log = new CapturingLogger();
        KernelProvider.Choice c = KernelProvider.decide("scalar", log, NONE, NONE);
        assertSame(KernelProvider.scalar(), c.kernels());
        assertNull(c.failure());
        CapturingLogger.Entry e = log.only();
        assertEquals(System.Logger.Level.INFO, e.level());
        assertTrue(e.message().contains("vectornn.kernels=scalar"), e.message());
        assertEquals(c.reason(), e.message());
    }

    @Test
    void modeIsTrimmedAndCaseInsensitive() {
        CapturingLogger log = new CapturingLogger();
        assertSame(KernelProvider.scalar(), KernelProvider.decide("  Scalar ", log, NONE, NONE).kernels());
        log.only();
    }

    @Test
    void autoWithModuleProblemFallsBackWithOneWarningSayingHow() {
        CapturingLogger log = new CapturingLogger();
        String problem = "the jdk.incubator.vector module is not loaded";
        KernelProvider.Choice c = KernelProvider.decide("auto", log, Optional.of(problem), NONE);
        assertSame(KernelProvider.scalar(), c.kernels());
        assertNull(c.failure());
        CapturingLogger.Entry e = log.only();
        assertEquals(System.Logger.Level.WARNING, e.level());
        assertTrue(e.message().contains(problem), e.message());
        assertTrue(e.message().contains(HOW), e.message());
    }

    @Test
    void autoWithCompilerProblemFallsBackWithOneWarning() {
        CapturingLogger log = new CapturingLogger();
        KernelProvider.Choice c = KernelProvider.decide("auto", log, NONE, Optional.of("C2 is disabled (-XX:TieredStopAtLevel=1)"));
        assertSame(KernelProvider.scalar(), c.kernels());
        CapturingLogger.Entry e = log.only();
        assertEquals(System.Logger.Level.WARNING, e.level());
        assertTrue(e.message().contains("TieredStopAtLevel=1"), e.message());
    }

    /** The fast path says why at DEBUG only: one record, invisible at the default level. */
    @Test
    void autoWithoutProblemsChoosesVectorQuietly() {
        CapturingLogger log = new CapturingLogger();
        KernelProvider.Choice c = KernelProvider.decide("auto", log, NONE, NONE);
        assertSame(KernelProvider.vector(), c.kernels());
        assertNotEquals(0, c.kernels().vectorBits());
        CapturingLogger.Entry e = log.only();
        assertEquals(System.Logger.Level.DEBUG, e.level());
    }

    /**
     * An unknown mode is a configuration error: no kernels, and the failure (thrown by get())
     * carries the message. Nothing is logged, because the exception is the one report the user
     * gets; logging it as well would say it twice.
     */
    @Test
    void unknownModeFailsNamingTheValue() {
        CapturingLogger log = new CapturingLogger();
        KernelProvider.Choice c = KernelProvider.decide("turbo", log, NONE, NONE);
        assertNull(c.kernels());
        assertNotNull(c.failure());
        assertTrue(c.failure().getMessage().contains("vectornn.kernels=turbo"), c.failure().getMessage());
        assertTrue(c.failure().getMessage().contains("scalar"), c.failure().getMessage());
        assertEquals(List.of(), log.entries);
    }

    /** Forced vector that cannot be had: a failure, never a silent scalar, with what is wrong and how to fix it. */
    @Test
    void forcedVectorWithProblemFails() {
        CapturingLogger log = new CapturingLogger();
        String problem = "the jdk.incubator.vector module is not loaded";
        KernelProvider.Choice c = KernelProvider.decide("vector", log, Optional.of(problem), NONE);
        assertNull(c.kernels());
        assertNotNull(c.failure());
        String msg = c.failure().getMessage();
        assertTrue(msg.contains("vectornn.kernels=vector"), msg);
        assertTrue(msg.contains(problem), msg);
        assertTrue(msg.contains(HOW), () -> "the failure should say how to enable the Vector API: " + msg);
        assertEquals(List.of(), log.entries);
    }

    @Test
    void forcedVectorWithoutProblemChoosesVector() {
        CapturingLogger log = new CapturingLogger();
        KernelProvider.Choice c = KernelProvider.decide("vector", log, NONE, NONE);
        assertSame(KernelProvider.vector(), c.kernels());
        assertNull(c.failure());
        assertTrue(log.entries.size() <= 1, () -> "at most one record: " + log.entries);
    }

    // ------------------------------------------------------------------ (b) real JVMs

    /** The child's entry point: prints the chosen kernels' name (get() throws when the choice failed). */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println(KernelProvider.get().name());
        }
    }

    record Run(int exit, String out, String err, List<String> cmd) {}

    /** JUL's default format puts the level at the start of the second line of each record. */
    private static final Pattern RECORD = Pattern.compile("(?m)^(SEVERE|WARNING|INFO|CONFIG|FINE|FINER|FINEST): (.*)$");

    @Test
    void withoutTheModuleOnTheClassPathTheChildRunsScalarAndLogsOnce() throws Exception {
        Run r = run(classPathCommand(List.of()));
        assertEquals(0, r.exit(), () -> "child failed: " + r);
        assertEquals("scalar", r.out().strip(), () -> "child chose: " + r);
        assertOneRecordSayingHow(r);
    }

    @Test
    void withoutTheModuleOnTheModulePathTheChildRunsScalarAndLogsOnce() throws Exception {
        Run r = run(modulePathCommand(List.of()));
        assertEquals(0, r.exit(), () -> "child failed: " + r);
        assertEquals("scalar", r.out().strip(), () -> "child chose: " + r);
        assertOneRecordSayingHow(r);
    }

    @Test
    void forcedVectorWithoutTheModuleFailsClearly() throws Exception {
        Run r = run(classPathCommand(List.of("-Dvectornn.kernels=vector")));
        assertNotEquals(0, r.exit(), () -> "child should fail: " + r);
        assertEquals("", r.out().strip(), () -> "child printed kernels: " + r);
        assertTrue(r.err().contains("IllegalStateException"), r::toString);
        assertTrue(r.err().contains("vectornn.kernels=vector"), r::toString);
        assertTrue(r.err().contains("jdk.incubator.vector"), r::toString);
        assertTrue(r.err().contains(HOW), () -> "the failure should say how to enable the Vector API: " + r);
    }

    private static void assertOneRecordSayingHow(Run r) {
        Matcher m = RECORD.matcher(r.err());
        List<String> records = new ArrayList<>();
        while (m.find()) records.add(m.group());
        assertEquals(1, records.size(), () -> "expected one log record on stderr, got " + records + " in:\n" + r.err());
        assertTrue(records.get(0).startsWith("WARNING"), records.get(0));
        assertTrue(records.get(0).contains(HOW), records.get(0));
        assertTrue(!r.err().contains("Using incubator modules"), "the incubator module must not be loaded in this child");
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Where the library's classes are: target/classes (on the module path or the class path, as surefire chose). */
    private static String mainClasses() throws URISyntaxException {
        return Path.of(KernelProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    /** Where this test's classes are: target/test-classes (patched into the module, or on the class path). */
    private static String testClasses() throws URISyntaxException {
        String resource = Probe.class.getName().replace('.', '/') + ".class";
        String url = Probe.class.getResource("/" + resource) != null
                ? Probe.class.getResource("/" + resource).toString()
                : Probe.class.getProtectionDomain().getCodeSource().getLocation().toString() + resource;
        assertTrue(url.startsWith("file:") && url.endsWith(resource), () -> "test classes not in a directory: " + url);
        return Path.of(new java.net.URI(url.substring(0, url.length() - resource.length()))).toString();
    }

    private static List<String> classPathCommand(List<String> props) throws URISyntaxException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xshare:auto"));
        cmd.addAll(props);
        cmd.addAll(List.of("-cp", mainClasses() + File.pathSeparator + testClasses(), Probe.class.getName()));
        return cmd;
    }

    private static List<String> modulePathCommand(List<String> props) throws URISyntaxException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xshare:auto"));
        cmd.addAll(props);
        cmd.addAll(List.of("--module-path", mainClasses(), "--patch-module", "dev.vectornn=" + testClasses(),
                "--module", "dev.vectornn/" + Probe.class.getName()));
        return cmd;
    }

    private static Run run(List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process p = pb.start();
        // outputs are a few lines: read them after exit without risking a full pipe
        var out = p.getInputStream();
        var err = p.getErrorStream();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child did not finish in 30 s: " + cmd);
        }
        return new Run(p.exitValue(), new String(out.readAllBytes(), StandardCharsets.UTF_8),
                new String(err.readAllBytes(), StandardCharsets.UTF_8), cmd);
    }
}
