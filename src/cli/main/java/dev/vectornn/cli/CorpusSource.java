package dev.vectornn.cli;

import dev.vectornn.lm.Corpus;
import dev.vectornn.lm.CorpusException;
import dev.vectornn.lm.LmDataset;
import dev.vectornn.lm.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Where a run's text comes from: the tinyshakespeare corpus inside the CLI, one text file (split
 * 90/10 as nanoGPT), or a dataset folder with {@code train.txt}, {@code valid.txt} and
 * {@code test.txt} (as pytorch/examples). Recorded in the run's {@code config.json} so that
 * {@code eval} and {@code --resume} read the same text again.
 *
 * @param kind     the kind of source
 * @param location {@value #EMBEDDED} or the absolute path of the file or folder
 */
record CorpusSource(Kind kind, String location) {
    /** The location recorded for the embedded corpus. */
    static final String EMBEDDED = "embedded:tinyshakespeare";
    private static final String RESOURCE = "corpus/tinyshakespeare.txt.gz";

    /** Kinds of source, with the names written to {@code config.json}. */
    enum Kind {
        /** The corpus shipped in the CLI jar. */
        EMBEDDED,
        /** One text file. */
        FILE,
        /** A folder of split files. */
        DATASET;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Kind parse(String id) {
            for (Kind k : values()) if (k.id().equals(id)) return k;
            throw new IllegalArgumentException("unknown corpus kind '" + id + "'; expected embedded, file or dataset");
        }
    }

    /** The embedded tinyshakespeare. */
    static CorpusSource embedded() {
        return new CorpusSource(Kind.EMBEDDED, EMBEDDED);
    }

    /** A text file, recorded by its absolute path so the run can be evaluated from any folder. */
    static CorpusSource file(Path file) {
        return new CorpusSource(Kind.FILE, file.toAbsolutePath().normalize().toString());
    }

    /** A dataset folder, recorded by its absolute path. */
    static CorpusSource dataset(Path dir) {
        return new CorpusSource(Kind.DATASET, dir.toAbsolutePath().normalize().toString());
    }

    /** For messages: the path, or "tinyshakespeare (embedded)". */
    String describe() {
        return kind == Kind.EMBEDDED ? "tinyshakespeare (embedded)" : location;
    }

    /**
     * Reads the text and fits a new tokenizer of {@code kind} on it.
     *
     * @throws CorpusException if the text is missing, empty or not UTF-8 text
     * @throws IOException if reading fails
     */
    LmDataset fit(Tokenizer.Kind tokenizer) throws IOException {
        return kind == Kind.DATASET ? LmDataset.fromDirectory(Path.of(location), tokenizer)
                : LmDataset.fromCorpus(corpus(), tokenizer);
    }

    /**
     * Reads the text and encodes it with an existing tokenizer (a saved run's).
     *
     * @throws CorpusException if the text is missing, empty or not UTF-8 text
     * @throws dev.vectornn.lm.UnknownTokenException if it holds a token outside the vocabulary
     * @throws IOException if reading fails
     */
    LmDataset load(Tokenizer tokenizer) throws IOException {
        return kind == Kind.DATASET ? LmDataset.fromDirectory(Path.of(location), tokenizer)
                : LmDataset.fromCorpus(corpus(), tokenizer);
    }

    private Corpus corpus() throws IOException {
        if (kind == Kind.FILE) return Corpus.read(Path.of(location));
        try (InputStream in = Main.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new CorpusException(EMBEDDED, -1, "the CLI jar lacks " + RESOURCE, null);
            return Corpus.readGzip(in, describe());
        }
    }

    /**
     * A fingerprint of the tokenized splits (SHA-256 over train, valid and test ids, each prefixed
     * by its length): equal fingerprints mean a resumed run sees exactly the data it started with.
     */
    static String fingerprint(LmDataset data) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        for (int[] split : new int[][] {data.train(), data.valid(), data.test()}) {
            put(md, buf, split.length);
            for (int id : split) put(md, buf, id);
        }
        md.update(buf.flip());
        return HexFormat.of().formatHex(md.digest());
    }

    private static void put(MessageDigest md, ByteBuffer buf, int value) {
        if (buf.remaining() < Integer.BYTES) {
            md.update(buf.flip());
            buf.clear();
        }
        buf.putInt(value);
    }
}
