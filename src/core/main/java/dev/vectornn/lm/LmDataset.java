package dev.vectornn.lm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A tokenizer and one token stream per split: what a language model trains and evaluates on. Two
 * sources:
 * <ul>
 *   <li>a single corpus ({@link #fromCorpus}): the whole text is encoded and split as nanoGPT's
 *       {@code prepare.py} does, the first {@code int(n * 0.9)} tokens for training and the rest
 *       for validation; there is no test split;</li>
 *   <li>a dataset directory ({@link #fromDirectory}) with {@code train.txt}, {@code valid.txt} and
 *       {@code test.txt}, each encoded on its own, as pytorch/examples' {@code data.py}.</li>
 * </ul>
 * When no tokenizer is given, its vocabulary is fitted on all the text read, as both reference
 * pipelines do (nanoGPT takes the characters of the whole file; {@code data.py} adds the words of all
 * three splits). For tinyshakespeare and WikiText-2 this equals the training split's vocabulary
 * (65 characters; 33,278 words). To evaluate or resume a saved run, pass its tokenizer instead.
 *
 * <p>The arrays are shared, not copied: callers must not modify them. Otherwise immutable.
 */
public final class LmDataset {
    /** The fraction of a single corpus used for training, as nanoGPT. */
    public static final double TRAIN_FRACTION = 0.9;
    /** The split files of a dataset directory, as pytorch/examples' WikiText-2 folder. */
    public static final List<String> SPLIT_FILES = List.of("train.txt", "valid.txt", "test.txt");

    private final Tokenizer tokenizer;
    private final int[] train;
    private final int[] valid;
    private final int[] test;

    private LmDataset(Tokenizer tokenizer, int[] train, int[] valid, int[] test) {
        this.tokenizer = tokenizer;
        this.train = train;
        this.valid = valid;
        this.test = test;
    }

    /**
     * Fits a tokenizer of {@code kind} on the corpus and splits its tokens 90/10.
     *
     * @param corpus the corpus
     * @param kind the tokenizer kind
     * @return the dataset, with an empty test split
     * @throws IllegalArgumentException if the corpus gives fewer than 2 tokens (nothing to split)
     */
    public static LmDataset fromCorpus(Corpus corpus, Tokenizer.Kind kind) {
        return fromCorpus(corpus, Tokenizer.fit(kind, List.of(corpus.text())));
    }

    /**
     * Encodes the corpus with an existing tokenizer and splits its tokens 90/10.
     *
     * @param corpus the corpus
     * @param tokenizer the tokenizer (e.g. loaded from a run)
     * @return the dataset, with an empty test split
     * @throws UnknownTokenException if the corpus holds a token outside the tokenizer's vocabulary
     *     (the message is prefixed with the corpus name)
     * @throws IllegalArgumentException if the corpus gives fewer than 2 tokens
     */
    public static LmDataset fromCorpus(Corpus corpus, Tokenizer tokenizer) {
        int[] all = encode(tokenizer, corpus);
        if (all.length < 2) {
            throw new IllegalArgumentException(corpus.name() + ": " + all.length
                    + " token(s); a train/validation split needs at least 2");
        }
        int n = trainLength(all.length);
        return new LmDataset(tokenizer, Arrays.copyOfRange(all, 0, n), Arrays.copyOfRange(all, n, all.length), new int[0]);
    }

    /**
     * Python's {@code int(n * 0.9)}: the double product, truncated (1,115,394 characters give
     * 1,003,854 for training).
     *
     * @param n the number of tokens
     * @return the number of training tokens
     */
    public static int trainLength(int n) {
        return (int) (n * TRAIN_FRACTION);
    }

    /**
     * Reads {@code train.txt}, {@code valid.txt} and {@code test.txt} from {@code dir} (each checked by
     * {@link Corpus#read(Path)}) and fits a tokenizer of {@code kind} on them, in that order.
     *
     * @param dir the dataset directory
     * @param kind the tokenizer kind
     * @return the dataset
     * @throws CorpusException if the directory or a split file is missing, empty or not text
     * @throws IOException if reading fails
     */
    public static LmDataset fromDirectory(Path dir, Tokenizer.Kind kind) throws IOException {
        Corpus[] splits = readSplits(dir);
        Tokenizer tokenizer = Tokenizer.fit(kind, List.of(splits[0].text(), splits[1].text(), splits[2].text()));
        return fromSplits(splits, tokenizer);
    }

    /**
     * Reads the three split files of {@code dir} and encodes them with an existing tokenizer.
     *
     * @param dir the dataset directory
     * @param tokenizer the tokenizer (e.g. loaded from a run)
     * @return the dataset
     * @throws CorpusException if the directory or a split file is missing, empty or not text
     * @throws UnknownTokenException if a split holds a token outside the vocabulary (message
     *     prefixed with the file name)
     * @throws IOException if reading fails
     */
    public static LmDataset fromDirectory(Path dir, Tokenizer tokenizer) throws IOException {
        return fromSplits(readSplits(dir), tokenizer);
    }

    private static Corpus[] readSplits(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new CorpusException(dir.toString(), -1, Files.exists(dir) ? "not a directory" : "no such directory", null);
        }
        Corpus[] splits = new Corpus[SPLIT_FILES.size()];
        for (int i = 0; i < splits.length; i++) splits[i] = Corpus.read(dir.resolve(SPLIT_FILES.get(i)));
        return splits;
    }

    private static LmDataset fromSplits(Corpus[] splits, Tokenizer tokenizer) {
        return new LmDataset(tokenizer, encode(tokenizer, splits[0]), encode(tokenizer, splits[1]),
                encode(tokenizer, splits[2]));
    }

    private static int[] encode(Tokenizer tokenizer, Corpus corpus) {
        Objects.requireNonNull(tokenizer, "tokenizer");
        try {
            return tokenizer.encode(corpus.text());
        } catch (UnknownTokenException e) {
            UnknownTokenException named = new UnknownTokenException(corpus.name() + ": " + e.getMessage(),
                    e.token(), e.position());
            named.initCause(e);
            throw named;
        }
    }

    /** The tokenizer whose ids the streams hold. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The training token stream (shared; do not modify). */
    public int[] train() {
        return train;
    }

    /** The validation token stream (shared; do not modify). */
    public int[] valid() {
        return valid;
    }

    /** The test token stream (shared; do not modify); empty for a single corpus. */
    public int[] test() {
        return test;
    }

    /**
     * The stream of a split by name: {@code train}, {@code valid} (or {@code val}) or {@code test}.
     *
     * @param name the split name
     * @return its stream
     * @throws IllegalArgumentException for another name, or {@code test} when the dataset has no test
     *     split
     */
    public int[] split(String name) {
        return switch (name) {
            case "train" -> train;
            case "valid", "val" -> valid;
            case "test" -> {
                if (test.length == 0) {
                    throw new IllegalArgumentException("this dataset has no test split (a single corpus is split "
                            + "into train and valid only)");
                }
                yield test;
            }
            default -> throw new IllegalArgumentException("unknown split '" + name + "'; expected train, valid or test");
        };
    }
}
