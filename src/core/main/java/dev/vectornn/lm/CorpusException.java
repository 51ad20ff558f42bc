package dev.vectornn.lm;

import java.io.IOException;

/**
 * A corpus that cannot be used as text: missing, not a regular file, empty, too large, binary (a NUL
 * byte), not valid UTF-8, or a corrupt gzip stream. The message starts with the source name (a file
 * path or the name given for a stream) and, when the problem sits at a place in the bytes, ends with
 * its byte offset, e.g. {@code data/input.bin: binary file: NUL byte (at byte 17)}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class CorpusException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final long offset;

    /**
     * An exception whose message is {@code source + ": " + detail}, plus the offset when known.
     *
     * @param source the file path or stream name being read
     * @param offset the byte offset of the problem in the (uncompressed) bytes, or -1 if none applies
     * @param detail what is wrong, without the source name
     * @param cause the underlying exception, or {@code null}
     */
    public CorpusException(String source, long offset, String detail, Throwable cause) {
        super(source + ": " + detail + (offset >= 0 ? " (at byte " + offset + ")" : ""), cause);
        this.source = source;
        this.offset = offset;
    }

    /** The file path or stream name that was being read. */
    public String source() {
        return source;
    }

    /** The byte offset of the problem in the uncompressed bytes, or -1. */
    public long offset() {
        return offset;
    }
}
