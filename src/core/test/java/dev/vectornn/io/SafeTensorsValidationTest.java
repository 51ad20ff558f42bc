package dev.vectornn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.io.SafeTensorsFormatException.Kind;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One small hand-made file per rule of the format: the exception's kind, tensor, offset and message. */
class SafeTensorsValidationTest {
    @TempDir
    Path dir;

    private static final String A = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

    private SafeTensorsFormatException rejected(byte[] bytes, Kind kind, String... fragments) throws IOException {
        Path f = StBytes.write(dir, "bad.safetensors", bytes);
        SafeTensorsFormatException e = assertThrows(SafeTensorsFormatException.class, () -> SafeTensors.read(f));
        String m = e.getMessage();
        assertEquals(kind, e.kind(), m);
        assertTrue(m.startsWith(f + ": "), m);
        for (String s : fragments) assertTrue(m.contains(s), "'" + s + "' not in: " + m);
        if (e.offset() >= 0) assertTrue(m.endsWith("(at byte " + e.offset() + ")"), m);
        // The header-only entry point applies the same rules.
        SafeTensorsFormatException h = assertThrows(SafeTensorsFormatException.class, () -> SafeTensors.readHeader(f));
        assertEquals(m, h.getMessage());
        return e;
    }

    private SafeTensorsFormatException rejected(String header, int dataBytes, Kind kind, String... fragments)
            throws IOException {
        return rejected(StBytes.file(header, new byte[dataBytes]), kind, fragments);
    }

    @Test
    void metadataEntriesAreBoundedBeforeTheyCostMoreHeapThanTheFile() throws IOException {
        // 65,537 tiny entries: half a megabyte of header that would parse into ~13x its size
        StringBuilder h = new StringBuilder("{\"__metadata__\":{");
        for (int i = 0; i <= HeaderParser.MAX_METADATA_ENTRIES; i++) h.append(i > 0 ? "," : "").append("\"k").append(i).append("\":\"\"");
        rejected(h.append("}}").toString(), 0, Kind.HEADER_SCHEMA, "more than 65536 __metadata__ entries");
    }

    @Test
    void theHeapBudgetRefusesWhatCannotFit() throws IOException {
        HeapBudget.require(1024, "a kilobyte");
        var e = assertThrows(HeapBudget.InsufficientHeapException.class, () -> HeapBudget.require(Long.MAX_VALUE / 2, "x.bin"));
        assertTrue(e.getMessage().startsWith("x.bin needs about ") && e.getMessage().endsWith("; raise -Xmx"), e.getMessage());
    }

    @Test
    void baselineIsValid() throws IOException {
        Path f = StBytes.write(dir, "ok.safetensors", StBytes.file(A, StBytes.floats(1f, 2f)));
        assertEquals(2f, SafeTensors.read(f).get("a").floats()[1]);
    }

    @Test
    void nullMetadataMeansNone() throws IOException {
        Path f = StBytes.write(dir, "ok.safetensors", StBytes.file("{\"__metadata__\": null ,"
                + A.substring(1), StBytes.floats(1f, 2f)));
        assertTrue(SafeTensors.readHeader(f).metadata().isEmpty());
        rejected("{\"__metadata__\":nul}", 0, Kind.HEADER_SCHEMA, "__metadata__ must be an object of strings");
    }

    @Test
    void truncatedLengthPrefix() throws IOException {
        rejected(new byte[0], Kind.TRUNCATED, "file is 0 bytes long");
        SafeTensorsFormatException e = rejected(new byte[5], Kind.TRUNCATED, "file is 5 bytes long", "8-byte header length");
        assertEquals(5, e.offset());
    }

    @Test
    void headerLengthPastEndOfFile() throws IOException {
        byte[] full = StBytes.file(A, StBytes.floats(1f, 2f));
        rejected(Arrays.copyOf(full, 30), Kind.HEADER_LENGTH, "header length " + A.length(),
                "runs past the end of the file (30 bytes, so at most 22)");
        rejected(StBytes.file(1000, A.getBytes(StandardCharsets.UTF_8), new byte[8]), Kind.HEADER_LENGTH,
                "header length 1000 runs past the end");
    }

    @Test
    void hugeHeaderLengthsAreRejectedBeforeAllocating() throws IOException {
        byte[] h = A.getBytes(StandardCharsets.UTF_8);
        rejected(StBytes.file(1L << 62, h, new byte[8]), Kind.HEADER_LENGTH, "header length 4611686018427387904",
                "exceeds the limit of 100000000 bytes");
        // The length is unsigned in the file: all ones is 2^64-1, not -1.
        rejected(StBytes.file(-1L, h, new byte[8]), Kind.HEADER_LENGTH, "18446744073709551615");
        rejected(StBytes.file(100_000_001L, h, new byte[8]), Kind.HEADER_LENGTH, "100000001");
    }

    @Test
    void truncatedData() throws IOException {
        byte[] full = StBytes.file(A, StBytes.floats(1f, 2f));
        rejected(Arrays.copyOf(full, full.length - 3), Kind.BAD_OFFSETS, "tensor 'a'",
                "data_offsets [0, 8] end past the data section, which holds 5 bytes");
    }

    @Test
    void notJson() throws IOException {
        rejected("hello, world", 0, Kind.HEADER_SYNTAX, "header must start with '{'", "(at byte 8)");
        rejected("[1,2]", 0, Kind.HEADER_SYNTAX, "must start with '{'");
        rejected(" {}", 0, Kind.HEADER_SYNTAX, "must start with '{'");
        rejected("{\"a\":", 0, Kind.HEADER_SYNTAX, "found the end of the header");
        rejected("{\"a\"", 0, Kind.HEADER_SYNTAX, "expected ':'");
        rejected("{\"a", 0, Kind.HEADER_SYNTAX, "unterminated string");
        rejected("{} x", 0, Kind.HEADER_SYNTAX, "unexpected 'x' after the header object", "(at byte 11)");
        rejected(A.replace("}}", "}"), 8, Kind.HEADER_SYNTAX, "expected ',' or '}'");
        rejected(A.replace(",\"shape\"", " \"shape\""), 8, Kind.HEADER_SYNTAX, "expected ',' or '}' in the entry");
        rejected(A.replace("[0,8]", "[0,08]"), 8, Kind.HEADER_SYNTAX, "leading zero");
        rejected(A.replace("\"a\"", "\"a\tb\""), 8, Kind.HEADER_SYNTAX, "unescaped control character 0x9");
        rejected(A.replace("\"a\"", "\"\\ud800\""), 8, Kind.HEADER_SYNTAX, "unpaired surrogate");
        rejected(A.replace("\"a\"", "\"\\x\""), 8, Kind.HEADER_SYNTAX, "invalid escape");
    }

    @Test
    void invalidUtf8IsReportedAtItsByte() throws IOException {
        byte[] h = A.getBytes(StandardCharsets.UTF_8);
        h[3] = (byte) 0xFF; // the 'a' of the name; header byte 3 is file byte 11
        SafeTensorsFormatException e = rejected(StBytes.file(h.length, h, new byte[8]), Kind.HEADER_SYNTAX,
                "invalid UTF-8");
        assertEquals(11, e.offset());
        // An encoded surrogate (CESU-8) is not UTF-8 either.
        byte[] s = A.replace("\"a\"", "\"abc\"").getBytes(StandardCharsets.UTF_8);
        s[3] = (byte) 0xED;
        s[4] = (byte) 0xA0;
        s[5] = (byte) 0x80;
        rejected(StBytes.file(s.length, s, new byte[8]), Kind.HEADER_SYNTAX, "invalid UTF-8");
    }

    @Test
    void wrongTypes() throws IOException {
        rejected("{\"a\":\"x\"}", 0, Kind.HEADER_SCHEMA, "tensor 'a'", "entry must be an object");
        rejected(A.replace("\"F32\"", "32"), 8, Kind.HEADER_SCHEMA, "expected dtype");
        rejected(A.replace("[2]", "\"2\""), 8, Kind.HEADER_SCHEMA, "shape must be an array of integers");
        rejected(A.replace("[2]", "[true]"), 8, Kind.HEADER_SCHEMA, "shape must hold integers, found 't'");
        rejected(A.replace("[2]", "[2.0]"), 8, Kind.HEADER_SCHEMA, "fraction or exponent");
        rejected(A.replace("[2]", "[2e0]"), 8, Kind.HEADER_SCHEMA, "fraction or exponent");
        rejected(A.replace("[0,8]", "[8]"), 8, Kind.HEADER_SCHEMA, "data_offsets must hold exactly 2 integers, not 1");
        rejected(A.replace("[0,8]", "[0,8,8]"), 8, Kind.HEADER_SCHEMA, "data_offsets has more than 2 entries");
        rejected(A.replace(",\"shape\":[2]", ""), 8, Kind.HEADER_SCHEMA, "entry has no shape");
        rejected("{\"a\":{}}", 0, Kind.HEADER_SCHEMA, "entry has no dtype, shape or data_offsets");
        rejected(A.replace("\"shape\"", "\"offsets\":1,\"shape\""), 8, Kind.HEADER_SCHEMA, "unknown field 'offsets'");
        rejected("{\"__metadata__\":{\"k\":1}}", 0, Kind.HEADER_SCHEMA, "the __metadata__ value of 'k' (values must be strings)");
        rejected("{\"__metadata__\":[]}", 0, Kind.HEADER_SCHEMA, "__metadata__ must be an object of strings");
        rejected("{1:2}", 0, Kind.HEADER_SCHEMA, "expected a tensor name, found '1'", "(at byte 9)");
    }

    @Test
    void negativeValues() throws IOException {
        SafeTensorsFormatException e = rejected(A.replace("[2]", "[-1,2]"), 8, Kind.BAD_SHAPE, "tensor 'a'",
                "negative value -1 in shape");
        assertEquals(8 + A.indexOf("[2]") + 1, e.offset());
        rejected(A.replace("[0,8]", "[-8,8]"), 8, Kind.BAD_OFFSETS, "negative value -8 in data_offsets");
    }

    @Test
    void shapeProductTooLargeOrOverflowing() throws IOException {
        rejected(A.replace("[2]", "[65536,65536,65536]"), 8, Kind.BAD_SHAPE,
                "shape [65536, 65536, 65536] has more elements than a Java array holds (2147483639)");
        // 2^32 * 2^32 overflows a long; rejected at the first factor past the Java array limit.
        rejected(A.replace("[2]", "[4294967296,4294967296,0]"), 8, Kind.BAD_SHAPE, "more elements than a Java array holds");
        rejected(A.replace("[2]", "[2147483647]"), 8, Kind.BAD_SHAPE, "more elements than a Java array holds");
        rejected(A.replace("[2]", "[99999999999999999999]"), 8, Kind.HEADER_SCHEMA, "larger than 2^63-1");
        String rank65 = "[" + "1,".repeat(64) + "1]";
        rejected(A.replace("[2]", rank65), 8, Kind.HEADER_SCHEMA, "shape has more than 64 entries");
    }

    @Test
    void offsetsOutOfRange() throws IOException {
        rejected(A.replace("[0,8]", "[8,0]"), 8, Kind.BAD_OFFSETS, "data_offsets [8, 0] end before they begin");
        SafeTensorsFormatException e = rejected(A.replace("[0,8]", "[0,1000]"), 8, Kind.BAD_OFFSETS,
                "data_offsets [0, 1000] end past the data section, which holds 8 bytes");
        assertEquals(8 + A.indexOf("{\"dtype\""), e.offset());
        rejected(A.replace("[0,8]", "[9223372036854775800,9223372036854775807]"), 8, Kind.BAD_OFFSETS,
                "end past the data section");
    }

    @Test
    void byteCountMismatch() throws IOException {
        rejected(A.replace("[2]", "[2,3]").replace("[0,8]", "[0,20]"), 20, Kind.SIZE_MISMATCH, "tensor 'a'",
                "data_offsets [0, 20] hold 20 bytes but F32 [2, 3] needs 24");
        rejected(A.replace("F32", "F64"), 8, Kind.SIZE_MISMATCH, "F64 [2] needs 16");
    }

    @Test
    void overlappingTensors() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}";
        rejected(h, 24, Kind.OVERLAP, "tensor 'b'", "bytes [8, 24) overlap tensor 'a' at [0, 16)");
        // Same bytes twice (aliasing) is an overlap too.
        rejected(h.replace("[8,24]", "[0,16]"), 16, Kind.OVERLAP, "overlap tensor 'a'");
        // An empty tensor placed inside another one: the reference implementation rejects it too.
        String z = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"z\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]}}";
        rejected(z, 16, Kind.OVERLAP, "tensor 'z'");
    }

    @Test
    void gapsAndTrailingBytes() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}";
        rejected(h, 20, Kind.GAP, "tensor 'b'", "data bytes [8, 12) before this tensor belong to no tensor");
        SafeTensorsFormatException e = rejected(A, 12, Kind.GAP,
                "4 bytes after the last tensor belong to no tensor (the data section holds 12 bytes, the tensors end at 8)");
        assertNull(e.tensor());
        assertEquals(8 + A.length() + 8, e.offset());
        rejected("{}", 1, Kind.GAP, "1 bytes after the last tensor");
    }

    @Test
    void dtypes() throws IOException {
        rejected(A.replace("F32", "F128"), 8, Kind.UNKNOWN_DTYPE, "tensor 'a'", "unknown dtype 'F128'");
        rejected(A.replace("F32", "f32"), 8, Kind.UNKNOWN_DTYPE, "unknown dtype 'f32'");
        for (String t : new String[] {"I64", "I32", "U8", "I8", "BOOL", "F8_E4M3", "F8_E5M2"}) {
            rejected(A.replace("F32", t), 8, Kind.UNSUPPORTED_DTYPE, "tensor 'a'", "dtype '" + t
                    + "' is not supported (vectornn reads F32, F64, F16 and BF16)");
        }
    }

    @Test
    void duplicateKeys() throws IOException {
        String two = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        SafeTensorsFormatException e = rejected(two, 8, Kind.DUPLICATE_KEY, "tensor 'a'", "name appears twice");
        assertEquals(8 + two.lastIndexOf("\"a\""), e.offset());
        rejected(A.replace("\"shape\"", "\"dtype\":\"F32\",\"shape\""), 8, Kind.DUPLICATE_KEY, "field 'dtype' appears twice");
        rejected("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", 0, Kind.DUPLICATE_KEY, "__metadata__ key 'k' appears twice");
        rejected("{\"__metadata__\":{},\"__metadata__\":{}}", 0, Kind.DUPLICATE_KEY, "'__metadata__'");
    }

    @Test
    void deepNestingIsASchemaErrorNotAStackOverflow() throws IOException {
        String deep = "[".repeat(200_000);
        rejected("{\"a\":" + deep, 0, Kind.HEADER_SCHEMA, "entry must be an object");
        rejected(A.replace("[2]", "[" + deep), 8, Kind.HEADER_SCHEMA, "shape must hold integers, found '['");
        rejected("{\"__metadata__\":{\"k\":" + "{".repeat(200_000), 0, Kind.HEADER_SCHEMA, "values must be strings");
    }

    @Test
    void largeMetadataWithinTheLimitIsAccepted() throws IOException {
        String big = "x".repeat(2_000_000);
        String h = "{\"__metadata__\":{\"note\":\"" + big + "\"}," + A.substring(1);
        Path f = StBytes.write(dir, "meta.safetensors", StBytes.file(h, new byte[8]));
        assertEquals(big, SafeTensors.readHeader(f).metadata().get("note"));
    }

    @Test
    void validFileLargerThanTheHeapFailsWithAMessageNotAnOutOfMemoryError() throws IOException {
        long per = (long) HeaderParser.MAX_ELEMENTS * 8; // one maximal F64 tensor, ~16 GiB
        int count = (int) (Runtime.getRuntime().maxMemory() / per + 1);
        StringBuilder h = new StringBuilder("{");
        for (int i = 0; i < count; i++) {
            if (i > 0) h.append(',');
            h.append("\"t").append(i).append("\":{\"dtype\":\"F64\",\"shape\":[").append(HeaderParser.MAX_ELEMENTS)
                    .append("],\"data_offsets\":[").append(i * per).append(',').append((i + 1) * per).append("]}");
        }
        byte[] head = StBytes.file(h.append('}').toString(), new byte[0]);
        Path f = dir.resolve("huge.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.write(head);
            raf.setLength(head.length + count * per); // sparse: no disk space used, nothing is read
        } catch (IOException e) {
            Assumptions.abort("file system cannot hold a sparse file of " + count * per + " bytes: " + e);
        }
        HeapBudget.InsufficientHeapException e = assertThrows(HeapBudget.InsufficientHeapException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains(": reading its tensors (") && e.getMessage().contains("of heap but about")
                && e.getMessage().endsWith("raise -Xmx"), e.getMessage());
        assertEquals(count, SafeTensors.readHeader(f).tensors().size());
    }

    @Test
    void hostileNamesAreEscapedAndCutInMessages() throws IOException {
        String name = "\\u001b[31m" + "n".repeat(500);
        SafeTensorsFormatException e = rejected(A.replace("\"a\"", "\"" + name + "\"").replace("F32", "I64"), 8,
                Kind.UNSUPPORTED_DTYPE, "tensor '\\u001b[31mnnn", "...(505 chars)'");
        assertEquals(505, e.tensor().length());
    }
}
