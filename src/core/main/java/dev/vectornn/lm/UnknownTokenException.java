package dev.vectornn.lm;

/**
 * Text to encode holds a character (char level) or a word (word level, when the vocabulary has no
 * {@code <unk>}) that is not in the vocabulary. The message is one line that names the symbol,
 * its code point for a character, and where it is, e.g.
 * {@code character 'é' (U+00E9) at position 3 is not in the vocabulary of 65 characters}.
 *
 * <p>Immutable and thread-safe.
 */
public class UnknownTokenException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String token;
    private final int position;

    /**
     * An exception with a ready message.
     *
     * @param message the one-line message
     * @param token the unknown character (as a string) or word
     * @param position the position in the text: code-point index (char level) or word index counting
     *     every token including {@code <eos>} (word level)
     */
    public UnknownTokenException(String message, String token, int position) {
        super(message);
        this.token = token;
        this.position = position;
    }

    /** The unknown character (as a one-code-point string) or word. */
    public String token() {
        return token;
    }

    /**
     * Where the unknown token is: the 0-based code-point index in the text at char level, the
     * 0-based token index at word level.
     */
    public int position() {
        return position;
    }
}
