package dev.vectornn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.lm.Checkpoint;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C: the shutdown hook's logic on its own, and a real {@code vectornn train} process sent
 * SIGTERM (what {@link Process#destroy()} sends on Linux and macOS; the JVM runs shutdown hooks
 * for it exactly as for Ctrl-C's SIGINT), which must leave a readable checkpoint that resumes.
 */
class StopTest {
    @TempDir
    Path tmp;

    @Test
    void theHookRequestsTheStopAndWaitsForTheLoopToSave() throws Exception {
        StopControl stop = new StopControl();
        StringWriter err = new StringWriter();
        Thread hook = new Thread(stop.hookAction(new PrintWriter(err), Duration.ofSeconds(30)));
        hook.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!stop.requested() && System.nanoTime() < deadline) Thread.sleep(5);
        assertEquals("interrupted", stop.reason());
        Thread.sleep(100);
        assertTrue(hook.isAlive(), "the hook waits while the loop saves");
        stop.finished();
        hook.join(5000);
        assertFalse(hook.isAlive(), "and returns once it has");
        assertTrue(err.toString().contains("stopping after the current step to save a checkpoint"), err.toString());
        assertFalse(err.toString().contains("gave up"), err.toString());
    }

    @Test
    void theHookGivesUpAfterItsTimeout() {
        StopControl stop = new StopControl();
        StringWriter err = new StringWriter();
        long t0 = System.nanoTime();
        stop.hookAction(new PrintWriter(err), Duration.ofMillis(200)).run();
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(200));
        assertTrue(err.toString().contains("gave up waiting after 0 s; the last checkpoint written is intact"), err.toString());
    }

    @Test
    void afterTrainingTheHookNeitherRequestsNorWaits() {
        StopControl stop = new StopControl();
        stop.finished();
        StringWriter err = new StringWriter();
        stop.hookAction(new PrintWriter(err), Duration.ofSeconds(30)).run();
        assertNull(stop.reason());
        assertEquals("", err.toString());
    }

    @Test
    void theFirstReasonWins() {
        StopControl stop = new StopControl();
        stop.request("stop-at");
        stop.request("interrupted");
        assertEquals("stop-at", stop.reason());
    }

    /** The JVM running these tests, and its class and module paths as one class path (as the launcher runs the CLI). */
    private static List<String> javaCommand() {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Set<String> path = new LinkedHashSet<>();
        for (String p : new String[] {System.getProperty("jdk.module.path"), System.getProperty("java.class.path")}) {
            if (p != null) for (String e : p.split(File.pathSeparator)) if (!e.isBlank()) path.add(e);
        }
        return new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-Djava.awt.headless=true", "-cp",
                String.join(File.pathSeparator, path), "dev.vectornn.cli.Main"));
    }

    @Test
    void sigtermDuringTrainingLeavesACheckpointThatResumes() throws Exception {
        Path corpus = Cli.corpus(tmp);
        Path run = tmp.resolve("run");
        List<String> cmd = javaCommand();
        cmd.addAll(List.of("train", "--corpus", corpus.toString(), "--iters", "1000000", "--eval-every", "25", "--out", run.toString()));
        cmd.addAll(Cli.tinyGpt());
        Path out = tmp.resolve("out.txt"), err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            // wait until it is well into training: past its first checkpoint, a few steps on
            Path metrics = run.resolve(RunFolder.METRICS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && p.isAlive()
                    && !(Files.exists(metrics) && Files.readAllLines(metrics).size() > 30)) {
                Thread.sleep(20);
            }
            assertTrue(p.isAlive(), "training runs: " + Files.readString(out) + Files.readString(err));
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the process ends after saving");
        } finally {
            p.destroyForcibly();
        }
        String stdout = Files.readString(out), stderr = Files.readString(err);
        assertEquals(143, p.exitValue(), "killed by SIGTERM (128 + 15) after the hook ran\n" + stdout + stderr);
        assertTrue(stderr.contains("stopping after the current step to save a checkpoint"), stderr);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("interrupted after iteration ([0-9,]+): saved ").matcher(stdout);
        assertTrue(m.find(), stdout);
        int it = Integer.parseInt(m.group(1).replace(",", ""));
        assertTrue(it > 30, "iteration " + it);
        assertEquals(it, Checkpoint.read(run.resolve(RunFolder.LATEST)).iteration(), "latest.safetensors is at the last step");
        List<String> rows = Files.readAllLines(run.resolve(RunFolder.METRICS));
        assertEquals(it, Integer.parseInt(rows.getLast().split(",")[0]), "the metrics end at the checkpoint");

        Cli.Run resumed = Cli.run("train", "--resume", run.toString(), "--iters", Integer.toString(it + 3), "--sample-tokens", "5");
        assertEquals(0, resumed.code(), resumed.toString());
        assertEquals(it + 3, Checkpoint.read(run.resolve(RunFolder.LATEST)).iteration());
    }

    /**
     * Ctrl-C with standard output on a terminal: the progress bar's terminal handling must leave
     * the JVM's SIGINT handler (and so the shutdown hook) in place. Runs the CLI under
     * util-linux {@code script}, which gives it a pseudo-terminal; skipped where there is none.
     */
    @Test
    void ctrlCWithTheBarOnATerminalAlsoSaves() throws Exception {
        Path script = Path.of("/usr/bin/script");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(script) && System.getProperty("os.name").equals("Linux"),
                "needs util-linux script for a pseudo-terminal");
        Path corpus = Cli.corpus(tmp);
        Path run = tmp.resolve("run");
        List<String> cmd = javaCommand();
        cmd.addAll(List.of("train", "--corpus", corpus.toString(), "--iters", "1000000", "--eval-every", "25", "--out", run.toString()));
        cmd.addAll(Cli.tinyGpt());
        String shell = String.join(" ", cmd.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").toList());
        Path out = tmp.resolve("tty.txt");
        Process p = new ProcessBuilder(script.toString(), "-qfec", shell, "/dev/null").redirectOutput(out.toFile())
                .redirectErrorStream(true).start();
        try {
            Path metrics = run.resolve(RunFolder.METRICS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && p.isAlive()
                    && !(Files.exists(metrics) && Files.readAllLines(metrics).size() > 30)) {
                Thread.sleep(20);
            }
            ProcessHandle java = p.descendants().filter(h -> h.info().command().orElse("").endsWith("java")).findFirst()
                    .orElseThrow(() -> new AssertionError("no java process under script"));
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(java.pid())).start();
            assertEquals(0, kill.waitFor());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the process ends after saving");
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String tty = Files.readString(out);
        assertTrue(tty.contains("\r"), "the bar redraws in place on a terminal: " + tty);
        assertEquals(130, p.exitValue(), "killed by SIGINT (128 + 2) after the hook ran\n" + tty);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("interrupted after iteration ([0-9,]+): saved ").matcher(tty);
        assertTrue(m.find(), tty);
        int it = Integer.parseInt(m.group(1).replace(",", ""));
        assertEquals(it, Checkpoint.read(run.resolve(RunFolder.LATEST)).iteration(), "latest.safetensors is at the last step");
    }
}
