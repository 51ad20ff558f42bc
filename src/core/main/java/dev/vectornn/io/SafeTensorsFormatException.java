package dev.vectornn.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A safetensors file that is malformed, truncated, inconsistent or uses a type vectornn does not
 * read. The message names the file, the tensor when one is at fault, what is wrong and the byte
 * offset in the file where it was found, e.g.
 * {@code model.safetensors: tensor 'fc1.weight': data_offsets [0, 20] hold 20 bytes but F32 [2, 3]
 * needs 24 (at byte 41)}. {@link #kind()} classifies the violation for programs.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class SafeTensorsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What kind of rule the file breaks. */
    public enum Kind {
        /** The file ends before a part it declares (length prefix, header or tensor data). */
        TRUNCATED,
        /** The 8-byte header length is above the limit or runs past the end of the file. */
        HEADER_LENGTH,
        /** The header is not valid UTF-8 JSON (or does not start with '{'). */
        HEADER_SYNTAX,
        /** The header is JSON but not the safetensors schema (wrong types, missing or unknown fields). */
        HEADER_SCHEMA,
        /** A tensor name, a field or a metadata key appears twice. */
        DUPLICATE_KEY,
        /** A dtype that is not part of the safetensors format. */
        UNKNOWN_DTYPE,
        /** A valid safetensors dtype that vectornn does not read (integers, booleans, 8-bit floats). */
        UNSUPPORTED_DTYPE,
        /** A negative dimension, or more dimensions or elements than a Java array can hold. */
        BAD_SHAPE,
        /** data_offsets negative, reversed, or outside the data section. */
        BAD_OFFSETS,
        /** data_offsets span a byte count different from the element count times the dtype size. */
        SIZE_MISMATCH,
        /** Two tensors share bytes. */
        OVERLAP,
        /** Bytes of the data section belong to no tensor (the reference implementation rejects these too). */
        GAP
    }

    private final transient Path file;
    private final Kind kind;
    private final String tensor;
    private final long offset;

    /**
     * An exception whose message is assembled from the parts below.
     *
     * @param file the file being read
     * @param kind the violated rule
     * @param tensor the tensor at fault, or {@code null} when the problem is not about one tensor
     * @param offset the byte offset in the file where the problem was found, or -1 if none applies
     * @param detail what is wrong, as a sentence fragment without the file or tensor name
     */
    public SafeTensorsFormatException(Path file, Kind kind, String tensor, long offset, String detail) {
        super(file + ": " + (tensor == null ? "" : "tensor " + quote(tensor) + ": ") + detail
                + (offset >= 0 ? " (at byte " + offset + ")" : ""));
        this.file = file;
        this.kind = kind;
        this.tensor = tensor;
        this.offset = offset;
    }

    /** The file that was being read. */
    public Path file() {
        return file;
    }

    /** The rule the file breaks. */
    public Kind kind() {
        return kind;
    }

    /** The name of the tensor at fault, or {@code null}. */
    public String tensor() {
        return tensor;
    }

    /** The byte offset in the file where the problem was found, or -1. */
    public long offset() {
        return offset;
    }

    /**
     * {@code s} in single quotes, with control characters escaped and cut to 200 characters: names
     * come from the file, which may be hostile, and must not garble or flood a log.
     */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 200) + 8).append('\'');
        for (int i = 0; i < s.length(); i++) {
            if (i == 200) {
                sb.append("...(").append(s.length()).append(" chars)");
                break;
            }
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.append('\'').toString();
    }
}
