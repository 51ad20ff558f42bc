package dev.vectornn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectornn.lm.CharTokenizer;
import dev.vectornn.lm.Corpus;
import dev.vectornn.lm.LmDataset;
import dev.vectornn.lm.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The tinyshakespeare corpus shipped inside the CLI is the exact file the data README describes. */
class EmbeddedCorpusTest {
    private static final String GZ = "corpus/tinyshakespeare.txt.gz";
    /** sha256 of the uncompressed bytes, from ../shared/data/README.md and corpus/README.txt. */
    private static final String SHA256 = "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed";

    private static InputStream resource(String name) {
        InputStream in = EmbeddedCorpusTest.class.getResourceAsStream(name);
        assertNotNull(in, "resource " + name + " is missing");
        return in;
    }

    @Test
    void uncompressedBytesHaveTheDocumentedChecksum() throws IOException, NoSuchAlgorithmException {
        byte[] bytes;
        try (InputStream in = new GZIPInputStream(resource(GZ))) {
            bytes = in.readAllBytes();
        }
        assertEquals(1_115_394, bytes.length);
        assertEquals(SHA256, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        try (InputStream readme = resource("corpus/README.txt")) {
            String text = new String(readme.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(text.contains(SHA256), "README.txt states the checksum");
        }
    }

    @Test
    void loadsThroughTheCorpusLoaderWith65Characters() throws IOException {
        Corpus corpus;
        try (InputStream in = resource(GZ)) {
            corpus = Corpus.readGzip(in, GZ);
        }
        assertEquals(1_115_394, corpus.text().length());
        assertTrue(corpus.text().startsWith("First Citizen:\n"));
        assertEquals(65, CharTokenizer.fit(corpus.text()).vocabulary().size());
        LmDataset d = LmDataset.fromCorpus(corpus, Tokenizer.Kind.CHAR);
        assertEquals(1_003_854, d.train().length);
        assertEquals(111_540, d.valid().length);
    }
}
