package dev.vectornn.lm;

import dev.vectornn.io.AtomicFiles;
import dev.vectornn.io.HeapBudget;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves and loads a tokenizer (its kind and vocabulary) as a small, versioned, human-readable UTF-8
 * text file, one token per line in id order:
 * <pre>
 * vectornn-vocab 1
 * tokenizer char
 * size 65
 * \n
 * \s
 * !
 * ...
 * </pre>
 * Lines end with {@code \n} (the last one too). In token lines a backslash starts an escape:
 * {@code \\} backslash, {@code \n}, {@code \r}, {@code \t}, {@code \s} space, and {@code \x{HEX}} any
 * code point (1 to 6 hex digits). The writer escapes the backslash, every Python whitespace
 * character, control (Cc) and format (Cf) character, so no token line has invisible or trailing
 * characters; the reader rejects such characters unescaped, so a hand edit cannot slip one in.
 *
 * <p>Reading validates everything before building the tokenizer and throws
 * {@link VocabularyFormatException} (file name and line) for: a file over {@link #MAX_BYTES}, bytes
 * that are not UTF-8, an unknown header or version, an unknown tokenizer, a size that is not a number
 * or outside {@code [1, }{@link Vocabulary#MAX_SIZE}{@code ]}, fewer or more token lines than the size,
 * a missing final line end (a truncated file), a bad escape, an empty token, a duplicate token, or a
 * token the tokenizer kind cannot hold (not one character for {@code char}, whitespace or no
 * {@code <eos>} for {@code word}).
 *
 * <p>Stateless and thread-safe.
 */
public final class VocabularyFile {
    /** The first line of every vocabulary file; the number is the format version. */
    public static final String HEADER = "vectornn-vocab 1";
    /** The largest accepted file: 256 MiB (WikiText-103's 267,735 words take about 2.5 MB). */
    public static final long MAX_BYTES = 256L << 20;

    /**
     * Heap a file takes while it is read, per byte, at worst: with tokens of one to four
     * characters each line becomes a String, a map entry and its copies (measured: a 30 MB file
     * of six million short tokens did not fit in a 512 MB heap). A file that needs more than the
     * heap's free part is refused before parsing ({@link HeapBudget}).
     */
    static final long HEAP_PER_BYTE = 24;

    private VocabularyFile() {}

    /**
     * Writes {@code tokenizer} to {@code file} atomically (temporary file, fsync, rename), so a crash
     * never leaves a torn vocabulary next to a checkpoint.
     *
     * @param tokenizer the tokenizer
     * @param file the target; its directory must exist
     * @throws IOException if writing fails; the old file is then unchanged
     */
    public static void save(Tokenizer tokenizer, Path file) throws IOException {
        AtomicFiles.write(file, out -> write(tokenizer, out));
    }

    /**
     * Writes {@code tokenizer} in the file format to {@code out} (not closed).
     *
     * @param tokenizer the tokenizer
     * @param out the stream
     * @throws IOException if writing fails
     */
    public static void write(Tokenizer tokenizer, OutputStream out) throws IOException {
        Vocabulary v = tokenizer.vocabulary();
        StringBuilder sb = new StringBuilder(64 + v.size() * 8);
        sb.append(HEADER).append('\n');
        sb.append("tokenizer ").append(tokenizer.kind().id()).append('\n');
        sb.append("size ").append(v.size()).append('\n');
        for (String t : v.tokens()) escape(t, sb).append('\n');
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /**
     * Reads a tokenizer saved by {@link #save}.
     *
     * @param file the file
     * @return the tokenizer, of the kind and with the vocabulary in the file
     * @throws VocabularyFormatException if the file breaks the format (see the class comment)
     * @throws IOException if the file is missing or cannot be read
     */
    public static Tokenizer load(Path file) throws IOException {
        String name = file.toString();
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new VocabularyFormatException(name, 0, "file is " + size + " bytes; the limit is " + MAX_BYTES);
        }
        HeapBudget.require(HEAP_PER_BYTE * size, name + ": reading " + size + " bytes of vocabulary");
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, name);
        }
    }

    /**
     * Reads a tokenizer in the file format from {@code in} (read to its end, not closed).
     *
     * @param in the stream
     * @param name the name to use in messages
     * @return the tokenizer
     * @throws VocabularyFormatException if the content breaks the format
     * @throws IOException if reading fails
     */
    public static Tokenizer read(InputStream in, String name) throws IOException {
        byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
            throw new VocabularyFormatException(name, 0, "more than " + MAX_BYTES + " bytes");
        }
        HeapBudget.require(HEAP_PER_BYTE * bytes.length, name + ": reading " + bytes.length + " bytes of vocabulary");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new VocabularyFormatException(name, 0, "not UTF-8 text");
        }
        if (text.isEmpty()) throw new VocabularyFormatException(name, 0, "empty file");
        if (text.charAt(text.length() - 1) != '\n') {
            throw new VocabularyFormatException(name, lineCount(text), "truncated: the last line has no line end");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (!lines[0].equals(HEADER)) {
            String detail = lines[0].startsWith("vectornn-vocab ")
                    ? "unsupported version '" + lines[0].substring(15) + "'; this build reads " + HEADER
                    : "not a vectornn vocabulary file (the first line must be '" + HEADER + "')";
            throw new VocabularyFormatException(name, 1, detail);
        }
        Tokenizer.Kind kind = parseKind(lines, name);
        int size = parseSize(lines, name);
        int tokenLines = lines.length - 3;
        if (tokenLines != size) {
            throw new VocabularyFormatException(name, tokenLines < size ? lines.length + 1 : 3 + size + 1,
                    (tokenLines < size ? "truncated: " : "") + "size is " + size + " but the file holds "
                            + tokenLines + " token line(s)");
        }
        List<String> tokens = new ArrayList<>(size);
        Map<String, Integer> firstLine = HashMap.newHashMap(size);
        for (int i = 0; i < size; i++) {
            int lineNo = i + 4;
            String t = unescape(lines[i + 3], name, lineNo);
            if (t.isEmpty()) throw new VocabularyFormatException(name, lineNo, "empty token");
            Integer before = firstLine.putIfAbsent(t, lineNo);
            if (before != null) {
                throw new VocabularyFormatException(name, lineNo, "token " + Vocabulary.quote(t)
                        + " appears twice (first at line " + before + ")");
            }
            if (kind == Tokenizer.Kind.CHAR && t.codePointCount(0, t.length()) != 1) {
                throw new VocabularyFormatException(name, lineNo, "token " + Vocabulary.quote(t)
                        + " is not one character, as a char vocabulary needs");
            }
            if (kind == Tokenizer.Kind.WORD && t.codePoints().anyMatch(PythonText::isSpace)) {
                throw new VocabularyFormatException(name, lineNo, "word " + Vocabulary.quote(t) + " contains whitespace");
            }
            tokens.add(t);
        }
        Vocabulary v = new Vocabulary(tokens);
        if (kind == Tokenizer.Kind.CHAR) return new CharTokenizer(v);
        if (!v.contains(WordTokenizer.EOS)) {
            throw new VocabularyFormatException(name, 0, "word vocabulary has no " + WordTokenizer.EOS + " token");
        }
        return new WordTokenizer(v);
    }

    private static Tokenizer.Kind parseKind(String[] lines, String name) throws VocabularyFormatException {
        if (lines.length < 2 || !lines[1].startsWith("tokenizer ")) {
            throw new VocabularyFormatException(name, 2, "expected 'tokenizer char' or 'tokenizer word'");
        }
        try {
            return Tokenizer.Kind.parse(lines[1].substring(10));
        } catch (IllegalArgumentException e) {
            throw new VocabularyFormatException(name, 2, e.getMessage());
        }
    }

    private static int parseSize(String[] lines, String name) throws VocabularyFormatException {
        if (lines.length < 3 || !lines[2].startsWith("size ")) {
            throw new VocabularyFormatException(name, 3, "expected 'size N'");
        }
        String s = lines[2].substring(5);
        if (!s.matches("[1-9][0-9]{0,8}") || Long.parseLong(s) > Vocabulary.MAX_SIZE) {
            throw new VocabularyFormatException(name, 3, "size '" + s + "' is not an integer in [1, "
                    + Vocabulary.MAX_SIZE + "]");
        }
        return Integer.parseInt(s);
    }

    private static int lineCount(String text) {
        int n = 1;
        for (int i = 0; i < text.length(); i++) if (text.charAt(i) == '\n') n++;
        return n;
    }

    /** Whether the writer escapes {@code cp} and the reader rejects it raw. */
    private static boolean mustEscape(int cp) {
        int type = Character.getType(cp);
        return cp == '\\' || PythonText.isSpace(cp) || type == Character.CONTROL || type == Character.FORMAT
                || type == Character.SURROGATE;
    }

    static StringBuilder escape(String token, StringBuilder sb) {
        for (int i = 0; i < token.length(); ) {
            int cp = token.codePointAt(i);
            i += Character.charCount(cp);
            if (!mustEscape(cp)) {
                sb.appendCodePoint(cp);
                continue;
            }
            switch (cp) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case ' ' -> sb.append("\\s");
                default -> sb.append("\\x{").append(Integer.toHexString(cp)).append('}');
            }
        }
        return sb;
    }

    static String unescape(String line, String name, int lineNo) throws VocabularyFormatException {
        StringBuilder sb = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); ) {
            int cp = line.codePointAt(i);
            int col = i + 1;
            i += Character.charCount(cp);
            if (cp != '\\') {
                if (mustEscape(cp)) {
                    throw new VocabularyFormatException(name, lineNo, String.format(
                            "unescaped U+%04X at column %d (write it as an escape)", cp, col));
                }
                sb.appendCodePoint(cp);
                continue;
            }
            if (i >= line.length()) throw new VocabularyFormatException(name, lineNo, "backslash at the end of the line");
            char e = line.charAt(i++);
            switch (e) {
                case '\\' -> sb.append('\\');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 's' -> sb.append(' ');
                case 'x' -> {
                    int close = i < line.length() ? line.indexOf('}', i) : -1;
                    String hex = close < 0 || line.charAt(i) != '{' || close == i + 1 ? "" : line.substring(i + 1, close);
                    if (!hex.matches("[0-9a-fA-F]{1,6}") || Integer.parseInt(hex, 16) > Character.MAX_CODE_POINT
                            || Character.getType(Integer.parseInt(hex, 16)) == Character.SURROGATE) {
                        throw new VocabularyFormatException(name, lineNo, "bad escape at column " + col
                                + " (expected \\x{HEX} with a code point of 1 to 6 hex digits, not a surrogate)");
                    }
                    sb.appendCodePoint(Integer.parseInt(hex, 16));
                    i = close + 1;
                }
                default -> throw new VocabularyFormatException(name, lineNo, "unknown escape '\\" + e
                        + "' at column " + col + " (known: \\\\ \\n \\r \\t \\s \\x{HEX})");
            }
        }
        return sb.toString();
    }
}
