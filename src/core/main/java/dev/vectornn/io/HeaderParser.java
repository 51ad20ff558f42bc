package dev.vectornn.io;

import dev.vectornn.io.SafeTensorsFormatException.Kind;
import dev.vectornn.tensor.Shape;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A strict parser for exactly the JSON that a safetensors header may hold: an object whose members
 * are tensor entries ({@code {"dtype": string, "shape": [int...], "data_offsets": [int, int]}}) and
 * at most one {@code "__metadata__"} object of string values. It is driven by that schema, so it
 * never recurses and its nesting depth is fixed at three; anything else (a nested array, a number
 * where a string belongs) is a schema error at the byte where it appears. Every allocation is
 * bounded by the header's size, which the caller has already bounded.
 *
 * <p>It parses bytes, not a decoded String, so the header is held in memory once; UTF-8 is
 * validated strictly inside strings, and bytes outside strings must be JSON's ASCII syntax anyway.
 * Not thread-safe: one instance per header.
 */
final class HeaderParser {
    /** Most dimensions a tensor may have; PyTorch and NumPy stop at 64 too. */
    static final int MAX_RANK = 64;

    /**
     * Most elements a tensor may have: the largest array HotSpot allocates (a few below 2^31-1,
     * where it throws OutOfMemoryError "Requested array size exceeds VM limit" instead).
     */
    static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    /**
     * Most tensors a header may list. Each parsed entry costs a few hundred bytes of heap, so
     * without a bound a 100 MB header of tiny entries would need gigabytes; the largest public
     * checkpoints list a few thousand tensors.
     */
    static final int MAX_TENSORS = 1 << 18;

    /** Most {@code __metadata__} entries (same reason; a checkpoint's metadata has dozens). */
    static final int MAX_METADATA_ENTRIES = 1 << 16;

    /** Valid safetensors dtypes that vectornn does not read, so the message can say which case it is. */
    private static final Set<String> KNOWN_UNSUPPORTED = Set.of("BOOL", "U8", "I8", "I16", "U16", "I32",
            "U32", "I64", "U64", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64");

    /** The parsed header: entries in header order and, parallel to them, where each entry starts in the file. */
    record Parsed(List<SafeTensorsHeader.Entry> entries, long[] entryOffsets, Map<String, String> metadata) {}

    private final Path file;
    private final byte[] b;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private int pos;

    private HeaderParser(Path file, byte[] header) {
        this.file = file;
        this.b = header;
    }

    /**
     * Parses {@code header}, the bytes after the 8-byte length prefix of {@code file}.
     *
     * @throws SafeTensorsFormatException at the first violation, with its file offset
     */
    static Parsed parse(Path file, byte[] header) throws SafeTensorsFormatException {
        return new HeaderParser(file, header).root();
    }

    private Parsed root() throws SafeTensorsFormatException {
        // The reference implementation rejects a header that does not start with '{' (no leading
        // whitespace), so a file we accept is one it accepts.
        if (b.length == 0 || b[0] != '{') {
            throw fail(Kind.HEADER_SYNTAX, null, "header must start with '{'");
        }
        pos = 1;
        List<SafeTensorsHeader.Entry> entries = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Map<String, String> metadata = null;
        skipWs();
        if (peek() != '}') {
            while (true) {
                skipWs();
                long keyAt = at();
                String key = string(Kind.HEADER_SCHEMA, null, "a tensor name");
                if (!names.add(key)) {
                    throw new SafeTensorsFormatException(file, Kind.DUPLICATE_KEY, key, keyAt,
                            "name appears twice in the header");
                }
                colon(key);
                if (key.equals("__metadata__")) {
                    // The reference reads an Option, so it accepts null as "no metadata"; so do we.
                    if (isNull()) pos += 4;
                    else metadata = metadata();
                } else {
                    if (entries.size() == MAX_TENSORS) {
                        throw new SafeTensorsFormatException(file, Kind.HEADER_SCHEMA, key, keyAt,
                                "more than " + MAX_TENSORS + " tensors in the header");
                    }
                    offsets.add(at());
                    entries.add(entry(key));
                }
                skipWs();
                if (peek() == ',') {
                    pos++;
                } else if (peek() == '}') {
                    break;
                } else {
                    throw fail(Kind.HEADER_SYNTAX, null, "expected ',' or '}' after a header member, found "
                            + describe());
                }
            }
        }
        pos++;
        // The reference writer pads with spaces to 8-byte alignment; JSON allows any whitespace here.
        skipWs();
        if (pos != b.length) {
            throw fail(Kind.HEADER_SYNTAX, null, "unexpected " + describe() + " after the header object");
        }
        long[] at = new long[offsets.size()];
        for (int i = 0; i < at.length; i++) at[i] = offsets.get(i);
        return new Parsed(entries, at, metadata == null ? Map.of() : metadata);
    }

    private Map<String, String> metadata() throws SafeTensorsFormatException {
        Map<String, String> m = new LinkedHashMap<>();
        open('{', Kind.HEADER_SCHEMA, null, "__metadata__ must be an object of strings");
        skipWs();
        if (peek() == '}') {
            pos++;
            return m;
        }
        while (true) {
            skipWs();
            long keyAt = at();
            if (m.size() == MAX_METADATA_ENTRIES) {
                throw fail(Kind.HEADER_SCHEMA, null, keyAt, "more than " + MAX_METADATA_ENTRIES + " __metadata__ entries");
            }
            String key = string(Kind.HEADER_SCHEMA, null, "a __metadata__ key");
            if (m.containsKey(key)) {
                throw fail(Kind.DUPLICATE_KEY, null, keyAt, "__metadata__ key "
                        + SafeTensorsFormatException.quote(key) + " appears twice");
            }
            colon(null);
            m.put(key, string(Kind.HEADER_SCHEMA, null, "the __metadata__ value of "
                    + SafeTensorsFormatException.quote(key) + " (values must be strings)"));
            if (closeOrComma('}', null, "__metadata__")) return m;
        }
    }

    private SafeTensorsHeader.Entry entry(String name) throws SafeTensorsFormatException {
        open('{', Kind.HEADER_SCHEMA, name, "entry must be an object with dtype, shape and data_offsets");
        String dtypeName = null;
        long dtypeAt = -1;
        long[] shape = null;
        long shapeAt = -1;
        long[] offsets = null;
        long offsetsAt = -1;
        skipWs();
        if (peek() == '}') throw fail(Kind.HEADER_SCHEMA, name, "entry has no dtype, shape or data_offsets");
        while (true) {
            skipWs();
            long keyAt = at();
            String key = string(Kind.HEADER_SCHEMA, name, "a field name");
            colon(name);
            switch (key) {
                case "dtype" -> {
                    if (dtypeName != null) throw duplicateField(name, key, keyAt);
                    dtypeAt = at();
                    dtypeName = string(Kind.HEADER_SCHEMA, name, "dtype (a string such as \"F32\")");
                }
                case "shape" -> {
                    if (shape != null) throw duplicateField(name, key, keyAt);
                    shapeAt = at();
                    shape = integers(name, "shape", MAX_RANK, Kind.BAD_SHAPE);
                }
                case "data_offsets" -> {
                    if (offsets != null) throw duplicateField(name, key, keyAt);
                    offsetsAt = at();
                    offsets = integers(name, "data_offsets", 2, Kind.BAD_OFFSETS);
                    if (offsets.length != 2) {
                        throw fail(Kind.HEADER_SCHEMA, name, offsetsAt, "data_offsets must hold exactly 2 integers, not "
                                + offsets.length);
                    }
                }
                default -> throw fail(Kind.HEADER_SCHEMA, name, keyAt, "unknown field "
                        + SafeTensorsFormatException.quote(key) + " (expected dtype, shape, data_offsets)");
            }
            if (closeOrComma('}', name, "the entry")) break;
        }
        if (dtypeName == null) throw fail(Kind.HEADER_SCHEMA, name, "entry has no dtype");
        if (shape == null) throw fail(Kind.HEADER_SCHEMA, name, "entry has no shape");
        if (offsets == null) throw fail(Kind.HEADER_SCHEMA, name, "entry has no data_offsets");
        SafeTensorsDType dtype = SafeTensorsDType.byName(dtypeName);
        if (dtype == null) {
            String q = SafeTensorsFormatException.quote(dtypeName);
            throw KNOWN_UNSUPPORTED.contains(dtypeName)
                    ? fail(Kind.UNSUPPORTED_DTYPE, name, dtypeAt, "dtype " + q
                            + " is not supported (vectornn reads F32, F64, F16 and BF16)")
                    : fail(Kind.UNKNOWN_DTYPE, name, dtypeAt, "unknown dtype " + q);
        }
        return new SafeTensorsHeader.Entry(name, dtype, shape(name, shape, shapeAt), offsets[0], offsets[1]);
    }

    /** The shape as a {@link Shape}: int dimensions, at most {@link #MAX_ELEMENTS} elements (one Java array). */
    private Shape shape(String name, long[] dims, long shapeAt) throws SafeTensorsFormatException {
        int[] d = new int[dims.length];
        long n = 1;
        for (int i = 0; i < dims.length; i++) {
            // Checked prefix by prefix, as Shape.of does (so [2^40, 0] is refused too); each product
            // fits in a long because both factors are below 2^31.
            if (dims[i] > MAX_ELEMENTS || (n *= dims[i]) > MAX_ELEMENTS) {
                throw fail(Kind.BAD_SHAPE, name, shapeAt, "shape " + java.util.Arrays.toString(dims)
                        + " has more elements than a Java array holds (" + MAX_ELEMENTS + ")");
            }
            d[i] = (int) dims[i];
        }
        return Shape.of(d);
    }

    private SafeTensorsFormatException duplicateField(String name, String key, long keyAt) {
        return fail(Kind.DUPLICATE_KEY, name, keyAt, "field " + SafeTensorsFormatException.quote(key) + " appears twice");
    }

    /** A JSON array of at most {@code max} non-negative integers (a negative one is a {@code negKind} error). */
    private long[] integers(String name, String what, int max, Kind negKind) throws SafeTensorsFormatException {
        open('[', Kind.HEADER_SCHEMA, name, what + " must be an array of integers");
        long[] out = new long[Math.min(max, 8)];
        int n = 0;
        skipWs();
        if (peek() == ']') {
            pos++;
            return new long[0];
        }
        while (true) {
            skipWs();
            if (n == max) {
                throw fail(Kind.HEADER_SCHEMA, name, what + " has more than " + max + " entries");
            }
            if (n == out.length) out = java.util.Arrays.copyOf(out, Math.min(max, 2 * n));
            out[n++] = integer(name, what, negKind);
            if (closeOrComma(']', name, what)) return java.util.Arrays.copyOf(out, n);
        }
    }

    /** A non-negative JSON integer without fraction or exponent, as the reference's usize fields require. */
    private long integer(String name, String what, Kind negKind) throws SafeTensorsFormatException {
        long start = at();
        boolean negative = peek() == '-';
        if (negative) pos++;
        if (!isDigit(peek())) {
            throw fail(Kind.HEADER_SCHEMA, name, start, what + " must hold integers, found " + describe());
        }
        if (peek() == '0' && pos + 1 < b.length && isDigit(b[pos + 1])) {
            throw fail(Kind.HEADER_SYNTAX, name, start, "number with a leading zero in " + what);
        }
        long v = 0;
        while (isDigit(peek())) {
            int digit = b[pos++] - '0';
            if (v > (Long.MAX_VALUE - digit) / 10) {
                throw fail(Kind.HEADER_SCHEMA, name, start, "integer in " + what + " is larger than 2^63-1");
            }
            v = v * 10 + digit;
        }
        if (peek() == '.' || peek() == 'e' || peek() == 'E') {
            throw fail(Kind.HEADER_SCHEMA, name, start, what + " must hold integers, found a fraction or exponent");
        }
        if (negative) {
            throw fail(negKind, name, start, "negative value -" + v + " in " + what);
        }
        return v;
    }

    /** A JSON string, decoding escapes and validating UTF-8 strictly (unpaired surrogates are errors, as in Rust). */
    private String string(Kind kind, String name, String what) throws SafeTensorsFormatException {
        if (peek() != '"') throw fail(kind, name, "expected " + what + ", found " + describe());
        pos++;
        StringBuilder sb = new StringBuilder();
        int run = pos;
        while (true) {
            if (pos >= b.length) throw fail(Kind.HEADER_SYNTAX, name, "unterminated string");
            int c = b[pos] & 0xFF;
            if (c == '"') {
                decodeRun(sb, run, pos, name);
                pos++;
                return sb.toString();
            }
            if (c == '\\') {
                decodeRun(sb, run, pos, name);
                pos++;
                escape(sb, name);
                run = pos;
            } else if (c < 0x20) {
                throw fail(Kind.HEADER_SYNTAX, name, "unescaped control character 0x" + Integer.toHexString(c)
                        + " in a string");
            } else {
                pos++;
            }
        }
    }

    private void decodeRun(StringBuilder sb, int from, int to, String name) throws SafeTensorsFormatException {
        if (from == to) return;
        ByteBuffer in = ByteBuffer.wrap(b, from, to - from);
        try {
            CharBuffer out = utf8.reset().decode(in);
            sb.append(out);
        } catch (CharacterCodingException e) {
            // decode() leaves the input positioned at the start of the malformed sequence.
            throw fail(Kind.HEADER_SYNTAX, name, 8L + in.position(), "invalid UTF-8 in a string");
        }
    }

    private void escape(StringBuilder sb, String name) throws SafeTensorsFormatException {
        long start = at() - 1;
        int c = pos < b.length ? b[pos++] : -1;
        switch (c) {
            case '"' -> sb.append('"');
            case '\\' -> sb.append('\\');
            case '/' -> sb.append('/');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case 'u' -> {
                char ch = hex4(name, start);
                if (Character.isHighSurrogate(ch)) {
                    if (pos + 1 < b.length && b[pos] == '\\' && b[pos + 1] == 'u') {
                        pos += 2;
                        char lo = hex4(name, start);
                        if (!Character.isLowSurrogate(lo)) {
                            throw fail(Kind.HEADER_SYNTAX, name, start, "unpaired surrogate in a \\u escape");
                        }
                        sb.append(ch).append(lo);
                        return;
                    }
                    throw fail(Kind.HEADER_SYNTAX, name, start, "unpaired surrogate in a \\u escape");
                }
                if (Character.isLowSurrogate(ch)) {
                    throw fail(Kind.HEADER_SYNTAX, name, start, "unpaired surrogate in a \\u escape");
                }
                sb.append(ch);
            }
            default -> throw fail(Kind.HEADER_SYNTAX, name, start, "invalid escape in a string");
        }
    }

    private char hex4(String name, long start) throws SafeTensorsFormatException {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = pos < b.length ? Character.digit(b[pos], 16) : -1;
            if (d < 0) throw fail(Kind.HEADER_SYNTAX, name, start, "\\u escape needs 4 hex digits");
            v = v * 16 + d;
            pos++;
        }
        return (char) v;
    }

    private void open(char c, Kind kind, String name, String what) throws SafeTensorsFormatException {
        skipWs();
        if (peek() != c) throw fail(kind, name, what + ", found " + describe());
        pos++;
    }

    private void colon(String name) throws SafeTensorsFormatException {
        skipWs();
        if (peek() != ':') throw fail(Kind.HEADER_SYNTAX, name, "expected ':' after a key, found " + describe());
        pos++;
        skipWs();
    }

    /** After a member: true at {@code close} (consumed), false at ',' (consumed), else an error. */
    private boolean closeOrComma(char close, String name, String what) throws SafeTensorsFormatException {
        skipWs();
        int c = peek();
        pos++;
        if (c == close) return true;
        if (c == ',') return false;
        pos--;
        throw fail(Kind.HEADER_SYNTAX, name, "expected ',' or '" + close + "' in " + what + ", found " + describe());
    }

    private void skipWs() {
        while (pos < b.length && (b[pos] == ' ' || b[pos] == '\n' || b[pos] == '\r' || b[pos] == '\t')) pos++;
    }

    /** The byte at the cursor, or -1 at the end. */
    private int peek() {
        return pos < b.length ? b[pos] & 0xFF : -1;
    }

    /** Whether the literal {@code null} starts at the cursor. */
    private boolean isNull() {
        return pos + 4 <= b.length && b[pos] == 'n' && b[pos + 1] == 'u' && b[pos + 2] == 'l' && b[pos + 3] == 'l';
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /** The file offset of the cursor: the header starts after the 8-byte length. */
    private long at() {
        return 8L + pos;
    }

    private String describe() {
        int c = peek();
        if (c < 0) return "the end of the header";
        if (c >= 0x21 && c < 0x7f) return "'" + (char) c + "'";
        return "byte 0x" + Integer.toHexString(c);
    }

    private SafeTensorsFormatException fail(Kind kind, String name, String detail) {
        return fail(kind, name, at(), detail);
    }

    private SafeTensorsFormatException fail(Kind kind, String name, long offset, String detail) {
        // Whatever was expected, a header that simply stops is broken JSON, not the wrong schema.
        if (kind == Kind.HEADER_SCHEMA && pos >= b.length) kind = Kind.HEADER_SYNTAX;
        return new SafeTensorsFormatException(file, kind, name, offset, detail);
    }
}
