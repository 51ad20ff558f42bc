package dev.vectornn.lm;

import java.io.IOException;

/**
 * A vocabulary file that is corrupt, truncated, of an unknown version or inconsistent. The message
 * names the file and the 1-based line at fault, e.g.
 * {@code run/vocab.txt: line 7: token '\s' appears twice (first at line 4)}.
 *
 * <p>Immutable and thread-safe.
 */
public class VocabularyFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;

    /**
     * An exception whose message is {@code source + ": line " + line + ": " + detail}.
     *
     * @param source the file path or stream name being read
     * @param line the 1-based line at fault, or 0 when the problem concerns the whole file
     * @param detail what is wrong, without the file or line
     */
    public VocabularyFormatException(String source, int line, String detail) {
        super(source + ": " + (line > 0 ? "line " + line + ": " : "") + detail);
        this.source = source;
        this.line = line;
    }

    /** The file path or stream name that was being read. */
    public String source() {
        return source;
    }

    /** The 1-based line at fault, or 0 when the problem concerns the whole file. */
    public int line() {
        return line;
    }
}
