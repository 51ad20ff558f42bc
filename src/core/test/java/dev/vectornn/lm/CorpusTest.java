package dev.vectornn.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusTest {
    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    @Test
    void readsUtf8TextAndNamesItByThePath() throws IOException {
        Path f = write("c.txt", utf8("First Citizen:\nCafé \uD83D\uDE00\n"));
        Corpus c = Corpus.read(f);
        assertEquals("First Citizen:\nCafé \uD83D\uDE00\n", c.text());
        assertEquals(f.toString(), c.name());
    }

    @Test
    void lineEndsAreTranslatedAsPythonTextMode() throws IOException {
        assertEquals("a\nb\nc\n\nd", Corpus.read(write("crlf.txt", utf8("a\r\nb\rc\n\r\nd"))).text());
    }

    @Test
    void byteOrderMarkIsKeptAsACharacter() throws IOException {
        assertEquals("\uFEFFhi", Corpus.read(write("bom.txt", utf8("\uFEFFhi"))).text());
    }

    @Test
    void missingFileIsNamed() {
        Path f = dir.resolve("nope.txt");
        CorpusException e = assertThrows(CorpusException.class, () -> Corpus.read(f));
        assertEquals(f + ": no such file", e.getMessage());
        assertEquals(f.toString(), e.source());
    }

    @Test
    void directoryIsNotACorpus() {
        CorpusException e = assertThrows(CorpusException.class, () -> Corpus.read(dir));
        assertEquals(dir + ": not a regular file", e.getMessage());
    }

    @Test
    void emptyFileIsRejected() throws IOException {
        Path f = write("empty.txt", new byte[0]);
        CorpusException e = assertThrows(CorpusException.class, () -> Corpus.read(f));
        assertEquals(f + ": empty file", e.getMessage());
    }

    @Test
    void nulByteMeansBinaryAndGivesItsOffset() throws IOException {
        Path f = write("bin.dat", new byte[] {'a', 'b', 'c', 0, 'd'});
        CorpusException e = assertThrows(CorpusException.class, () -> Corpus.read(f));
        assertEquals(f + ": binary file: NUL byte (at byte 3)", e.getMessage());
        assertEquals(3, e.offset());
    }

    @Test
    void malformedUtf8GivesItsOffset() throws IOException {
        // "é" in Latin-1 (0xE9) followed by ASCII is not a valid UTF-8 sequence.
        Path f = write("latin1.txt", new byte[] {'c', 'a', 'f', (byte) 0xE9, ' ', 'x'});
        CorpusException e = assertThrows(CorpusException.class, () -> Corpus.read(f));
        assertEquals(3, e.offset());
        assertTrue(e.getMessage().startsWith(f + ": not UTF-8 text"), e.getMessage());
    }

    @Test
    void truncatedSequenceAtTheEndAndEncodedSurrogatesAreMalformed() throws IOException {
        byte[] euro = utf8("ab€");
        Path cut = write("cut.txt", Arrays.copyOf(euro, euro.length - 1));
        assertEquals(2, assertThrows(CorpusException.class, () -> Corpus.read(cut)).offset());
        Path surrogate = write("sur.txt", new byte[] {'x', (byte) 0xED, (byte) 0xA0, (byte) 0x80});
        assertEquals(1, assertThrows(CorpusException.class, () -> Corpus.read(surrogate)).offset());
        Path overlong = write("over.txt", new byte[] {'x', 'y', (byte) 0xC0, (byte) 0xAF});
        assertEquals(2, assertThrows(CorpusException.class, () -> Corpus.read(overlong)).offset());
    }

    @Test
    void theFirstProblemIsReported() throws IOException {
        Path nulFirst = write("a.bin", new byte[] {'a', 0, (byte) 0xFF});
        assertEquals(1, assertThrows(CorpusException.class, () -> Corpus.read(nulFirst)).offset());
        Path badFirst = write("b.bin", new byte[] {'a', (byte) 0xFF, 0});
        CorpusException e = assertThrows(CorpusException.class, () -> Corpus.read(badFirst));
        assertEquals(1, e.offset());
        assertTrue(e.getMessage().contains("not UTF-8"), e.getMessage());
    }

    @Test
    void sizeLimitIsCheckedBeforeReading() throws IOException {
        Path f = write("big.txt", utf8("0123456789"));
        assertEquals("0123456789", Corpus.read(f, 10).text());
        CorpusException e = assertThrows(CorpusException.class, () -> Corpus.read(f, 9));
        assertEquals(f + ": file is 10 bytes; the limit is 9", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Corpus.read(f, Corpus.MAX_BYTES + 1));
        assertThrows(IllegalArgumentException.class, () -> Corpus.read(f, 0));
    }

    @Test
    void streamsAreValidatedTheSameWay() throws IOException {
        assertEquals("hi\n", Corpus.read(new ByteArrayInputStream(utf8("hi\r\n")), "res").text());
        CorpusException empty = assertThrows(CorpusException.class,
                () -> Corpus.read(new ByteArrayInputStream(new byte[0]), "res"));
        assertEquals("res: empty file", empty.getMessage());
        CorpusException big = assertThrows(CorpusException.class,
                () -> Corpus.read(new ByteArrayInputStream(new byte[5]), "res", 4));
        assertTrue(big.getMessage().startsWith("res: more than 4 bytes"), big.getMessage());
        CorpusException nul = assertThrows(CorpusException.class,
                () -> Corpus.read(new ByteArrayInputStream(new byte[] {'x', 0}), "res"));
        assertEquals(1, nul.offset());
    }

    @Test
    void gzipStreamRoundTrips() throws IOException {
        String text = "ROMEO:\nBut soft, what light through yonder window breaks?\n".repeat(50);
        Corpus c = Corpus.readGzip(new ByteArrayInputStream(gzip(utf8(text))), "corpus/x.txt.gz");
        assertEquals(text, c.text());
        assertEquals("corpus/x.txt.gz", c.name());
    }

    @Test
    void corruptOrTruncatedGzipIsACorpusError() throws IOException {
        byte[] gz = gzip(utf8("hello world, hello world, hello world\n".repeat(20)));
        CorpusException truncated = assertThrows(CorpusException.class,
                () -> Corpus.readGzip(new ByteArrayInputStream(Arrays.copyOf(gz, gz.length / 2)), "x.gz"));
        assertTrue(truncated.getMessage().startsWith("x.gz: corrupt or truncated gzip data"), truncated.getMessage());
        CorpusException notGzip = assertThrows(CorpusException.class,
                () -> Corpus.readGzip(new ByteArrayInputStream(utf8("plain text")), "y.gz"));
        assertTrue(notGzip.getMessage().startsWith("y.gz: corrupt or truncated gzip data"), notGzip.getMessage());
    }

    @Test
    void gzipLimitAppliesToDecompressedBytes() throws IOException {
        byte[] bomb = gzip(new byte[100_000]); // compresses to about 100 bytes
        CorpusException e = assertThrows(CorpusException.class,
                () -> Corpus.readGzip(new ByteArrayInputStream(bomb), "bomb.gz", 1000));
        assertTrue(e.getMessage().startsWith("bomb.gz: more than 1000 bytes"), e.getMessage());
        CorpusException bin = assertThrows(CorpusException.class,
                () -> Corpus.readGzip(new ByteArrayInputStream(bomb), "zeros.gz"));
        assertEquals("zeros.gz: binary file: NUL byte (at byte 0)", bin.getMessage());
    }
}
