package dev.vectornn.lm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Character-level tokenizer: one token per Unicode code point (a Python {@code str} character, so a
 * character outside the Basic Multilingual Plane is one token, not two UTF-16 chars). Built by
 * {@link #fit} as nanoGPT's {@code data/shakespeare_char/prepare.py} does: the vocabulary is the
 * sorted set of distinct characters, ordered by code point (tinyshakespeare gives 65).
 *
 * <p>Immutable and thread-safe.
 */
public final class CharTokenizer implements Tokenizer {
    private final Vocabulary vocabulary;
    /** Ids of BMP code points, -1 where absent: the common case without hashing or boxing. */
    private final int[] bmpIds;
    private final Map<Integer, Integer> supplementaryIds = new HashMap<>();

    /**
     * A tokenizer over an existing vocabulary (e.g. one loaded with the model).
     *
     * @param vocabulary the vocabulary; every token must be exactly one code point
     * @throws IllegalArgumentException if a token is not exactly one code point, naming its id
     */
    public CharTokenizer(Vocabulary vocabulary) {
        this.vocabulary = vocabulary;
        int maxBmp = -1;
        for (int i = 0; i < vocabulary.size(); i++) {
            String t = vocabulary.token(i);
            if (t.codePointCount(0, t.length()) != 1) {
                throw new IllegalArgumentException("char vocabulary: token " + i + " " + Vocabulary.quote(t)
                        + " is not one character");
            }
            int cp = t.codePointAt(0);
            if (cp < 0x10000) maxBmp = Math.max(maxBmp, cp);
        }
        bmpIds = new int[maxBmp + 1];
        Arrays.fill(bmpIds, -1);
        for (int i = 0; i < vocabulary.size(); i++) {
            int cp = vocabulary.token(i).codePointAt(0);
            if (cp < 0x10000) bmpIds[cp] = i;
            else supplementaryIds.put(cp, i);
        }
    }

    /**
     * Builds the vocabulary of {@code text}: its distinct characters sorted by code point.
     *
     * @param text the training text
     * @return the tokenizer
     * @throws IllegalArgumentException if {@code text} is empty
     */
    public static CharTokenizer fit(String text) {
        return fit(List.of(text));
    }

    /**
     * Builds the vocabulary of all {@code texts}: their distinct characters sorted by code point.
     *
     * @param texts the texts
     * @return the tokenizer
     * @throws IllegalArgumentException if the texts are all empty
     */
    public static CharTokenizer fit(List<String> texts) {
        boolean[] seenBmp = new boolean[0x10000];
        TreeSet<Integer> supplementary = new TreeSet<>();
        for (String text : texts) {
            for (int i = 0; i < text.length(); ) {
                int cp = text.codePointAt(i);
                if (cp < 0x10000) seenBmp[cp] = true;
                else supplementary.add(cp);
                i += Character.charCount(cp);
            }
        }
        List<String> tokens = new ArrayList<>();
        IntStream.range(0, 0x10000).filter(cp -> seenBmp[cp]).forEach(cp -> tokens.add(Character.toString(cp)));
        for (int cp : supplementary) tokens.add(Character.toString(cp));
        if (tokens.isEmpty()) throw new IllegalArgumentException("char tokenizer: the text is empty");
        return new CharTokenizer(new Vocabulary(tokens));
    }

    @Override
    public Kind kind() {
        return Kind.CHAR;
    }

    @Override
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * One id per code point of {@code text}.
     *
     * @throws UnknownTokenException naming the first character outside the vocabulary, its code point
     *     and its 0-based code-point position
     */
    @Override
    public int[] encode(String text) {
        int[] ids = new int[text.codePointCount(0, text.length())];
        int pos = 0;
        for (int i = 0; i < text.length(); pos++) {
            int cp = text.codePointAt(i);
            int id = idOf(cp);
            if (id < 0) {
                String s = Character.toString(cp);
                throw new UnknownTokenException("character " + Vocabulary.quote(s) + String.format(" (U+%04X)", cp)
                        + " at position " + pos + " is not in the vocabulary of " + vocabulary.size()
                        + " characters", s, pos);
            }
            ids[pos] = id;
            i += Character.charCount(cp);
        }
        return ids;
    }

    /** Same as {@link #encode}: at char level a prompt is just text. */
    @Override
    public int[] encodePrompt(String prompt) {
        return encode(prompt);
    }

    @Override
    public String decode(int[] ids, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, ids.length);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int id = ids[offset + i];
            vocabulary.checkId(id, offset + i);
            sb.append(vocabulary.token(id));
        }
        return sb.toString();
    }

    private int idOf(int cp) {
        if (cp < bmpIds.length) return bmpIds[cp];
        if (cp < 0x10000) return -1;
        Integer id = supplementaryIds.get(cp);
        return id == null ? -1 : id;
    }

    @Override
    public String toString() {
        return "CharTokenizer[" + vocabulary.size() + " characters]";
    }
}
