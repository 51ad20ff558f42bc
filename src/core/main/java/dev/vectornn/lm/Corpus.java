package dev.vectornn.lm;

import dev.vectornn.io.HeapBudget;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The text of a corpus, read and validated once. The rule for "text":
 * <ul>
 *   <li>the bytes must be non-empty and at most {@link #MAX_BYTES} (after gzip decompression);</li>
 *   <li>no NUL byte (a NUL is the usual mark of a binary file, and never part of prose);</li>
 *   <li>well-formed UTF-8 (no malformed, overlong or truncated sequences, no encoded surrogates).</li>
 * </ul>
 * A violation throws {@link CorpusException} naming the source and the byte offset of the first bad
 * byte. Other control characters are allowed. Line ends are then translated as Python's text mode
 * does (universal newlines, which nanoGPT's {@code prepare.py} and pytorch/examples' {@code data.py}
 * both read with): {@code \r\n} and a lone {@code \r} become {@code \n}. A leading byte-order mark
 * is kept as the character U+FEFF, as Python's {@code utf-8} codec does.
 *
 * @param name the source: a file path, or the name given for a stream; used in error messages
 * @param text the decoded text, never empty
 */
public record Corpus(String name, String text) {
    /**
     * The largest accepted corpus: 1 GiB of UTF-8. Larger text would not fit the {@code int[]} token
     * stream and {@code String} this package builds in memory on a 2-core machine's heap anyway.
     */
    public static final long MAX_BYTES = 1L << 30;

    /** Heap per byte of text while it is read and decoded (the bytes, a char buffer, the String). */
    static final long HEAP_PER_BYTE = 5;

    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code text} is empty
     */
    public Corpus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) throw new IllegalArgumentException(name + ": corpus text is empty");
    }

    /**
     * Reads and validates a UTF-8 text file.
     *
     * @param file the file
     * @return the corpus, named by {@code file}
     * @throws CorpusException if the file is missing, not a regular file, empty, larger than
     *     {@link #MAX_BYTES}, or not text by the rule above
     * @throws IOException if reading fails for another reason
     */
    public static Corpus read(Path file) throws IOException {
        return read(file, MAX_BYTES);
    }

    /**
     * As {@link #read(Path)} with a smaller size limit (tests use it to check the limit cheaply).
     *
     * @param file the file
     * @param maxBytes the largest accepted size in bytes, {@code 1 <= maxBytes <= MAX_BYTES}
     * @return the corpus
     * @throws CorpusException as {@link #read(Path)}
     * @throws IOException if reading fails for another reason
     */
    public static Corpus read(Path file, long maxBytes) throws IOException {
        checkLimit(maxBytes);
        String name = file.toString();
        if (!Files.exists(file)) throw new CorpusException(name, -1, "no such file", null);
        if (!Files.isRegularFile(file)) throw new CorpusException(name, -1, "not a regular file", null);
        long size = Files.size(file);
        if (size > maxBytes) {
            throw new CorpusException(name, -1, "file is " + size + " bytes; the limit is " + maxBytes, null);
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            // The file may grow between size() and the read: read through the bounded stream path.
            bytes = readBounded(in, name, maxBytes, size);
        } catch (NoSuchFileException e) {
            throw new CorpusException(name, -1, "no such file", e);
        }
        return new Corpus(name, decode(bytes, name));
    }

    /**
     * Reads and validates UTF-8 text from a stream (read to its end, not closed).
     *
     * @param in the stream
     * @param name the name to use in messages, e.g. a resource path
     * @return the corpus
     * @throws CorpusException if the stream is empty, longer than {@link #MAX_BYTES}, or not text
     * @throws IOException if reading fails
     */
    public static Corpus read(InputStream in, String name) throws IOException {
        return read(in, name, MAX_BYTES);
    }

    /**
     * As {@link #read(InputStream, String)} with a smaller size limit.
     *
     * @param in the stream
     * @param name the name to use in messages
     * @param maxBytes the largest accepted size in bytes, {@code 1 <= maxBytes <= MAX_BYTES}
     * @return the corpus
     * @throws CorpusException as {@link #read(InputStream, String)}
     * @throws IOException if reading fails
     */
    public static Corpus read(InputStream in, String name, long maxBytes) throws IOException {
        checkLimit(maxBytes);
        return new Corpus(name, decode(readBounded(in, name, maxBytes, -1), name));
    }

    /**
     * Reads and validates gzip-compressed UTF-8 text from a stream (not closed), e.g. the corpus
     * embedded in the CLI. The limit applies to the decompressed bytes, so a gzip bomb stops at
     * {@link #MAX_BYTES}, or sooner at what the heap's free part can hold (then a
     * {@link HeapBudget.InsufficientHeapException}).
     *
     * @param in the compressed stream
     * @param name the name to use in messages
     * @return the corpus
     * @throws CorpusException if the gzip data is corrupt or truncated, or the text breaks the rule
     * @throws IOException if reading fails
     */
    public static Corpus readGzip(InputStream in, String name) throws IOException {
        return readGzip(in, name, MAX_BYTES);
    }

    /**
     * As {@link #readGzip(InputStream, String)} with a smaller limit on the decompressed size.
     *
     * @param in the compressed stream
     * @param name the name to use in messages
     * @param maxBytes the largest accepted decompressed size, {@code 1 <= maxBytes <= MAX_BYTES}
     * @return the corpus
     * @throws CorpusException as {@link #readGzip(InputStream, String)}
     * @throws IOException if reading fails
     */
    public static Corpus readGzip(InputStream in, String name, long maxBytes) throws IOException {
        checkLimit(maxBytes);
        byte[] bytes;
        try {
            // Not closed: closing would close the caller's stream.
            GZIPInputStream gz = new GZIPInputStream(in, 1 << 16);
            bytes = readBounded(gz, name, maxBytes, -1);
        } catch (ZipException | EOFException e) {
            throw new CorpusException(name, -1, "corrupt or truncated gzip data: " + e.getMessage(), e);
        }
        return new Corpus(name, decode(bytes, name));
    }

    private static void checkLimit(long maxBytes) {
        if (maxBytes < 1 || maxBytes > MAX_BYTES) {
            throw new IllegalArgumentException("maxBytes must be in [1, " + MAX_BYTES + "], got " + maxBytes);
        }
    }

    /**
     * The stream's bytes, at most {@code maxBytes} and at most what the heap's free part can take
     * with their decoding (about {@link #HEAP_PER_BYTE} per byte): a stream's length is unknown (a
     * gzip bomb's above all), so it is read only that far. {@code knownSize} (a file's size, else
     * -1) lets the check collect garbage first when the free part looks too small for it.
     */
    private static byte[] readBounded(InputStream in, String name, long maxBytes, long knownSize) throws IOException {
        long fits = HeapBudget.available(knownSize < 0 ? 0 : HEAP_PER_BYTE * knownSize) / HEAP_PER_BYTE;
        long cap = Math.min(maxBytes, fits);
        byte[] bytes = in.readNBytes((int) cap + 1);
        if (bytes.length > cap) {
            if (cap == maxBytes) {
                throw new CorpusException(name, -1, "more than " + maxBytes + " bytes; the limit is " + maxBytes, null);
            }
            throw new HeapBudget.InsufficientHeapException(name + ": more than " + cap + " bytes of text, the most the"
                    + " heap's free part can hold (about " + HEAP_PER_BYTE + " bytes of heap per byte); raise -Xmx");
        }
        if (bytes.length == 0) throw new CorpusException(name, -1, "empty file", null);
        return bytes;
    }

    /** Validates by the class rule and decodes, then translates line ends (universal newlines). */
    static String decode(byte[] bytes, String name) throws CorpusException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = decoder.decode(in, out, true);
        if (r.isUnderflow()) r = decoder.flush(out);
        int malformedAt = r.isError() ? in.position() : bytes.length;
        for (int i = 0; i < malformedAt; i++) {
            if (bytes[i] == 0) throw new CorpusException(name, i, "binary file: NUL byte", null);
        }
        if (r.isError()) {
            throw new CorpusException(name, malformedAt, "not UTF-8 text: malformed sequence of " + r.length() + " byte(s)", null);
        }
        out.flip();
        return normalizeNewlines(out);
    }

    private static String normalizeNewlines(CharSequence s) {
        int n = s.length();
        StringBuilder sb = null;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '\r') {
                if (sb == null) sb = new StringBuilder(n).append(s, 0, i);
                sb.append('\n');
                if (i + 1 < n && s.charAt(i + 1) == '\n') i++;
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s.toString() : sb.toString();
    }
}
