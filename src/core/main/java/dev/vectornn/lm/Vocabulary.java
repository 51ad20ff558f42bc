package dev.vectornn.lm;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable, ordered set of distinct tokens: token id {@code i} is the {@code i}-th token. Every
 * token is a non-empty, well-formed Unicode string (no unpaired surrogate), so it can be written to
 * and read back from a {@link VocabularyFile} unchanged.
 *
 * <p>Immutable and thread-safe.
 */
public final class Vocabulary {
    /** The largest vocabulary accepted (2^24 ids, so every id is also exact as a {@code float}). */
    public static final int MAX_SIZE = 1 << 24;

    private final List<String> tokens;
    private final Map<String, Integer> ids;

    /**
     * A vocabulary with the given tokens in order.
     *
     * @param tokens the tokens, id = index
     * @throws NullPointerException if {@code tokens} or a token is null
     * @throws IllegalArgumentException if there are more than {@link #MAX_SIZE} tokens, a token is
     *     empty or holds an unpaired surrogate, or a token appears twice (the message names both ids)
     */
    public Vocabulary(List<String> tokens) {
        if (tokens.size() > MAX_SIZE) {
            throw new IllegalArgumentException("vocabulary of " + tokens.size() + " tokens; the limit is " + MAX_SIZE);
        }
        this.tokens = List.copyOf(tokens);
        this.ids = HashMap.newHashMap(tokens.size());
        for (int i = 0; i < this.tokens.size(); i++) {
            String t = this.tokens.get(i);
            if (t.isEmpty()) throw new IllegalArgumentException("token " + i + " is empty");
            int bad = unpairedSurrogate(t);
            if (bad >= 0) {
                throw new IllegalArgumentException("token " + i + " holds an unpaired surrogate at char " + bad);
            }
            Integer before = ids.putIfAbsent(t, i);
            if (before != null) {
                throw new IllegalArgumentException("token " + quote(t) + " appears twice: ids " + before + " and " + i);
            }
        }
    }

    /** The number of tokens. */
    public int size() {
        return tokens.size();
    }

    /**
     * The token with id {@code id}.
     *
     * @throws IndexOutOfBoundsException if {@code id} is not in {@code [0, size())}
     */
    public String token(int id) {
        return tokens.get(id);
    }

    /** The id of {@code token}, or -1 if it is not in the vocabulary. */
    public int id(String token) {
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    /** Whether {@code token} is in the vocabulary. */
    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    /** The tokens in id order (unmodifiable). */
    public List<String> tokens() {
        return tokens;
    }

    /** Vocabularies are equal when they hold the same tokens in the same order. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && tokens.equals(v.tokens);
    }

    @Override
    public int hashCode() {
        return tokens.hashCode();
    }

    @Override
    public String toString() {
        return "Vocabulary[" + tokens.size() + " tokens]";
    }

    /** Checks one id for {@link Tokenizer#decode}: a clear message instead of an IndexOutOfBoundsException. */
    void checkId(int id, int position) {
        if (id < 0 || id >= tokens.size()) {
            throw new IllegalArgumentException("token id " + id + " at position " + position
                    + " is outside the vocabulary [0, " + tokens.size() + ")");
        }
    }

    private static int unpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * {@code s} in single quotes with control characters and whitespace other than a plain space
     * shown as {@code U+XXXX}, cut to 100 code points: tokens come from files and prompts and must not
     * garble an error line.
     */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("'");
        int count = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (++count > 100) {
                sb.append("...");
                break;
            }
            if (cp != ' ' && (Character.isISOControl(cp) || PythonText.isSpace(cp)
                    || Character.getType(cp) == Character.FORMAT)) {
                sb.append(String.format("U+%04X", cp));
            } else {
                sb.appendCodePoint(cp);
            }
            i += Character.charCount(cp);
        }
        return sb.append('\'').toString();
    }
}
