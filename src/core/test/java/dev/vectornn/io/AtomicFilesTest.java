package dev.vectornn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<Path> listing() throws IOException {
        try (var s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void longNonAsciiNamesGetAValidTemporaryName() throws IOException {
        // 80 three-byte euro signs (240 bytes, a valid name) and an emoji that a cut by chars would split
        for (String name : new String[] {"\u20ac".repeat(80), "a" + "\ud83d\ude00".repeat(50)}) {
            Path f = dir.resolve(name);
            AtomicFiles.write(f, out -> out.write(new byte[] {5}));
            assertArrayEquals(new byte[] {5}, Files.readAllBytes(f));
        }
        assertEquals("a\ud83d\ude00", AtomicFiles.utf8Prefix("a\ud83d\ude00\ud83d\ude00", 6));
        assertEquals("\u20ac\u20ac", AtomicFiles.utf8Prefix("\u20ac".repeat(80), 7));
    }

    @Test
    void createsAndReplaces() throws IOException {
        Path f = dir.resolve("ckpt.bin");
        AtomicFiles.write(f, out -> out.write(new byte[] {1, 2, 3}));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f));
        AtomicFiles.write(f, out -> {
            out.write(9);
            out.close(); // allowed
        });
        assertArrayEquals(new byte[] {9}, Files.readAllBytes(f));
        assertEquals(List.of(f), listing());
    }

    @Test
    void oldFileSurvivesAnIOExceptionMidway() throws IOException {
        Path f = dir.resolve("ckpt.bin");
        Files.write(f, new byte[] {42});
        IOException boom = new IOException("disk on fire");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write(new byte[200_000]); // more than the buffer: bytes really reached the temp file
            throw boom;
        }));
        assertSame(boom, e);
        assertArrayEquals(new byte[] {42}, Files.readAllBytes(f));
        assertEquals(List.of(f), listing(), "temporary file removed");
    }

    @Test
    void oldFileSurvivesARuntimeExceptionAndAnError() throws IOException {
        Path f = dir.resolve("ckpt.bin");
        Files.write(f, new byte[] {7});
        assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(f, out -> {
            out.write(1);
            throw new UncheckedIOException(new IOException("x"));
        }));
        assertThrows(StackOverflowError.class, () -> AtomicFiles.write(f, out -> {
            throw new StackOverflowError("simulated");
        }));
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(f));
        assertEquals(List.of(f), listing());
    }

    @Test
    void missingDirectoryFailsWithoutLeavingFiles() throws IOException {
        Path f = dir.resolve("model.safetensors");
        SafeTensors.write(f, Map.of("w", Tensor.of(new float[] {1, 2}, 2)), null);
        byte[] before = Files.readAllBytes(f);
        Path elsewhere = dir.resolve("missing-dir").resolve("model.safetensors");
        assertThrows(IOException.class, () -> SafeTensors.write(elsewhere, Map.of("w", Tensor.zeros(DType.F32, 4)), null));
        assertArrayEquals(before, Files.readAllBytes(f));
        assertEquals(List.of(f), listing());
    }

    @Test
    void targetThatIsADirectoryFailsCleanly() throws IOException {
        Path d = Files.createDirectory(dir.resolve("sub"));
        Files.write(d.resolve("inner"), new byte[] {1});
        assertThrows(IOException.class, () -> AtomicFiles.write(d, out -> out.write(1)));
        assertEquals(List.of(d), listing());
        assertArrayEquals(new byte[] {1}, Files.readAllBytes(d.resolve("inner")));
    }
}
