package dev.vectornn.lm;

import java.util.List;
import java.util.Locale;

/**
 * Turns text into token ids of a fixed {@link Vocabulary} and back. Two kinds:
 * {@link CharTokenizer} (one token per Unicode code point, as nanoGPT's {@code shakespeare_char})
 * and {@link WordTokenizer} (whitespace-separated words plus {@code <eos>} per line, as
 * pytorch/examples' {@code word_language_model}). {@link VocabularyFile} saves and loads either.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface Tokenizer permits CharTokenizer, WordTokenizer {

    /** The tokenizer kinds, with the names used on the command line and in vocabulary files. */
    enum Kind {
        /** {@link CharTokenizer}: {@code char}. */
        CHAR,
        /** {@link WordTokenizer}: {@code word}. */
        WORD;

        /** The lower-case name: {@code char} or {@code word}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The kind named {@code id} ({@code char} or {@code word}, exact lower case).
         *
         * @throws IllegalArgumentException for any other string, listing the valid names
         */
        public static Kind parse(String id) {
            for (Kind k : values()) if (k.id().equals(id)) return k;
            throw new IllegalArgumentException("unknown tokenizer '" + id + "'; expected char or word");
        }
    }

    /**
     * Builds a tokenizer of the given kind whose vocabulary covers all of {@code texts}, in the
     * reference pipelines' order: {@link CharTokenizer#fit}, {@link WordTokenizer#fit}.
     *
     * @param kind the tokenizer kind
     * @param texts the texts (e.g. train, valid, test), in order
     * @return the tokenizer
     * @throws IllegalArgumentException if the texts hold no token at all
     */
    static Tokenizer fit(Kind kind, List<String> texts) {
        return switch (kind) {
            case CHAR -> CharTokenizer.fit(texts);
            case WORD -> WordTokenizer.fit(texts);
        };
    }

    /** The kind of this tokenizer. */
    Kind kind();

    /** The vocabulary; token ids are indices into it. */
    Vocabulary vocabulary();

    /**
     * Encodes a training or evaluation text as the reference pipeline does.
     *
     * @param text the text
     * @return the token ids, a new array
     * @throws UnknownTokenException if a character (char level), or a word when the vocabulary has no
     *     {@code <unk>} (word level), is not in the vocabulary
     */
    int[] encode(String text);

    /**
     * Encodes a generation prompt: as {@link #encode} except that the word level adds no
     * {@code <eos>} after a last line that has no line end (the prompt continues that line).
     *
     * @param prompt the prompt
     * @return the token ids, a new array
     * @throws UnknownTokenException as {@link #encode}
     */
    int[] encodePrompt(String prompt);

    /**
     * Decodes token ids to text: {@code decode(encode(t))} gives {@code t} back at char level, and at
     * word level gives the words joined by single spaces with each {@code <eos>} as a line end.
     *
     * @param ids the token ids
     * @param offset the first id to decode
     * @param length how many ids to decode
     * @return the text
     * @throws IndexOutOfBoundsException if the range is outside {@code ids}
     * @throws IllegalArgumentException if an id is outside {@code [0, vocabulary().size())}, naming
     *     the id and its position
     */
    String decode(int[] ids, int offset, int length);

    /**
     * Decodes all of {@code ids}; see {@link #decode(int[], int, int)}.
     *
     * @param ids the token ids
     * @return the text
     * @throws IllegalArgumentException if an id is outside the vocabulary
     */
    default String decode(int[] ids) {
        return decode(ids, 0, ids.length);
    }
}
