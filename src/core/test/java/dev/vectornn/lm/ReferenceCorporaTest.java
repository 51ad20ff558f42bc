package dev.vectornn.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The counts stated in the shared data README, checked against the real corpora when they are
 * present (the lead's machine); skipped elsewhere, so the unit tests never need them.
 */
class ReferenceCorporaTest {
    private static final Path DATA = Path.of(System.getProperty("vectornn.data", "/work/shared/data"));

    @Test
    void tinyShakespeareHas65CharactersAndNanoGptsSplit() throws IOException {
        Path file = DATA.resolve("tinyshakespeare.txt");
        assumeTrue(Files.isRegularFile(file), "no " + file);
        LmDataset d = LmDataset.fromCorpus(Corpus.read(file), Tokenizer.Kind.CHAR);
        assertEquals(65, d.tokenizer().vocabulary().size());
        assertEquals(1_003_854, d.train().length);
        assertEquals(111_540, d.valid().length);
        assertEquals(65, CharTokenizer.fit(d.tokenizer().decode(d.train())).vocabulary().size(),
                "the training split alone has all 65 characters");
    }

    @Test
    void wikiText2CountsMatchPytorchExamples() throws IOException {
        Path dir = DATA.resolve("wikitext-2");
        assumeTrue(Files.isRegularFile(dir.resolve("train.txt")), "no " + dir);
        LmDataset d = LmDataset.fromDirectory(dir, Tokenizer.Kind.WORD);
        assertEquals(33_278, d.tokenizer().vocabulary().size());
        assertEquals(2_088_628, d.train().length);
        assertEquals(217_646, d.valid().length);
        assertEquals(245_569, d.test().length);
        String train = Corpus.read(dir.resolve("train.txt")).text();
        assertEquals(33_278, WordTokenizer.fit(List.of(train)).vocabulary().size(), "train alone");
    }
}
