package dev.vectornn.lm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * Word-level tokenizer, exactly as pytorch/examples' {@code word_language_model/data.py}: each line
 * (Python universal newlines) is split on whitespace (Python's {@code str.split()}, see
 * {@link #encode}) and followed by {@link #EOS}. {@link #fit} numbers the words in order of first
 * appearance over all the given texts, as {@code data.py} fills one dictionary from train, valid
 * and test in turn; for WikiText-2 that is 33,278 words, the same as the training split alone.
 * WikiText's {@link #UNK} is an ordinary word of the data; when it is in the vocabulary, unknown
 * words encode to it, otherwise they are an error.
 *
 * <p>Immutable and thread-safe.
 */
public final class WordTokenizer implements Tokenizer {
    /** The end-of-line token appended to every line. */
    public static final String EOS = "<eos>";
    /** The unknown-word token of WikiText, used for words outside the vocabulary when present. */
    public static final String UNK = "<unk>";

    private final Vocabulary vocabulary;
    private final int eos;
    private final int unk;

    /**
     * A tokenizer over an existing vocabulary (e.g. one loaded with the model).
     *
     * @param vocabulary the vocabulary; it must hold {@link #EOS}, and no token may contain whitespace
     * @throws IllegalArgumentException if {@link #EOS} is missing or a token contains whitespace,
     *     naming its id
     */
    public WordTokenizer(Vocabulary vocabulary) {
        this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
        for (int i = 0; i < vocabulary.size(); i++) {
            String t = vocabulary.token(i);
            if (t.codePoints().anyMatch(PythonText::isSpace)) {
                throw new IllegalArgumentException("word vocabulary: token " + i + " " + Vocabulary.quote(t)
                        + " contains whitespace");
            }
        }
        this.eos = vocabulary.id(EOS);
        if (eos < 0) throw new IllegalArgumentException("word vocabulary has no " + EOS + " token");
        this.unk = vocabulary.id(UNK);
    }

    /**
     * Builds the vocabulary of all {@code texts}: every word and {@link #EOS}, numbered in order of
     * first appearance, the texts taken in order (train, valid, test as {@code data.py}).
     *
     * @param texts the texts
     * @return the tokenizer
     * @throws IllegalArgumentException if the texts hold no line at all
     */
    public static WordTokenizer fit(List<String> texts) {
        LinkedHashSet<String> words = new LinkedHashSet<>();
        for (String text : texts) {
            for (String line : PythonText.lines(text)) {
                words.addAll(PythonText.split(line));
                words.add(EOS);
            }
        }
        if (words.isEmpty()) throw new IllegalArgumentException("word tokenizer: the text has no lines");
        return new WordTokenizer(new Vocabulary(new ArrayList<>(words)));
    }

    /**
     * Builds the vocabulary of one text; see {@link #fit(List)}.
     *
     * @param text the text
     * @return the tokenizer
     * @throws IllegalArgumentException if the text is empty
     */
    public static WordTokenizer fit(String text) {
        return fit(List.of(text));
    }

    @Override
    public Kind kind() {
        return Kind.WORD;
    }

    @Override
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** The id of {@link #EOS}. */
    public int eosId() {
        return eos;
    }

    /** The id of {@link #UNK}, or -1 if the vocabulary has none. */
    public int unkId() {
        return unk;
    }

    /**
     * The words of every line followed by {@link #EOS}. Lines end at {@code \n}, {@code \r\n} or
     * {@code \r}; a last line without a line end still gets its {@code <eos>}. Words are separated by
     * Python whitespace ({@code str.isspace()}: ASCII whitespace, U+001C..U+001F, U+0085, U+00A0,
     * U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
     *
     * @throws UnknownTokenException for a word outside the vocabulary when it has no {@link #UNK}
     */
    @Override
    public int[] encode(String text) {
        return encode(text, true);
    }

    /** As {@link #encode}, but a last line without a line end gets no {@code <eos>}. */
    @Override
    public int[] encodePrompt(String prompt) {
        return encode(prompt, false);
    }

    private int[] encode(String text, boolean eosAfterUnterminatedLine) {
        List<String> lines = PythonText.lines(text);
        boolean unterminated = !text.isEmpty() && text.charAt(text.length() - 1) != '\n'
                && text.charAt(text.length() - 1) != '\r';
        IntList ids = new IntList(Math.max(16, text.length() / 5));
        int lineNo = 0;
        for (String line : lines) {
            lineNo++;
            int wordNo = 0;
            for (String w : PythonText.split(line)) {
                wordNo++;
                int id = vocabulary.id(w);
                if (id < 0) {
                    if (unk < 0) {
                        throw new UnknownTokenException("word " + Vocabulary.quote(w) + " (line " + lineNo + ", word "
                                + wordNo + ") is not in the vocabulary of " + vocabulary.size()
                                + " words, which has no " + UNK, w, ids.size);
                    }
                    id = unk;
                }
                ids.add(id);
            }
            if (eosAfterUnterminatedLine || !unterminated || lineNo < lines.size()) ids.add(eos);
        }
        return ids.toArray();
    }

    /** Words joined by single spaces; {@link #EOS} becomes a line end with no space before it. */
    @Override
    public String decode(int[] ids, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, ids.length);
        StringBuilder sb = new StringBuilder(length * 6);
        boolean lineStart = true;
        for (int i = 0; i < length; i++) {
            int id = ids[offset + i];
            vocabulary.checkId(id, offset + i);
            if (id == eos) {
                sb.append('\n');
                lineStart = true;
            } else {
                if (!lineStart) sb.append(' ');
                sb.append(vocabulary.token(id));
                lineStart = false;
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "WordTokenizer[" + vocabulary.size() + " words]";
    }

    /** A growable int array: WikiText's 2 million ids without boxing. */
    private static final class IntList {
        int[] a;
        int size;

        IntList(int capacity) {
            a = new int[capacity];
        }

        void add(int v) {
            if (size == a.length) a = Arrays.copyOf(a, Math.max(16, size + (size >> 1)));
            a[size++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(a, size);
        }
    }
}
