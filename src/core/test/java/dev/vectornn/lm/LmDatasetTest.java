package dev.vectornn.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LmDatasetTest {
    @TempDir
    Path dir;

    @Test
    void trainLengthIsPythonsIntOfNTimesPointNine() {
        assertEquals(1_003_854, LmDataset.trainLength(1_115_394));
        assertEquals(9, LmDataset.trainLength(10));
        assertEquals(1, LmDataset.trainLength(2));
        assertEquals(26, LmDataset.trainLength(29)); // 29 * 0.9 = 26.1
    }

    @Test
    void singleCorpusIsSplitNinetyTen() {
        String text = "abcdefghij".repeat(3) + "z"; // 31 chars -> 27 train, 4 valid
        LmDataset d = LmDataset.fromCorpus(new Corpus("c", text), Tokenizer.Kind.CHAR);
        int[] all = d.tokenizer().encode(text);
        assertArrayEquals(Arrays.copyOfRange(all, 0, 27), d.train());
        assertArrayEquals(Arrays.copyOfRange(all, 27, 31), d.valid());
        assertEquals(0, d.test().length);
        assertEquals(11, d.tokenizer().vocabulary().size()); // 'z' only in the valid part, as nanoGPT
        assertSame(d.valid(), d.split("valid"));
        assertSame(d.valid(), d.split("val"));
        assertSame(d.train(), d.split("train"));
        assertEquals("this dataset has no test split (a single corpus is split into train and valid only)",
                assertThrows(IllegalArgumentException.class, () -> d.split("test")).getMessage());
        assertEquals("unknown split 'dev'; expected train, valid or test",
                assertThrows(IllegalArgumentException.class, () -> d.split("dev")).getMessage());
    }

    @Test
    void wordLevelCorpusSplitsTokensNotCharacters() {
        String text = "a b c d e f g h i\n"; // 10 tokens with <eos> -> 9 train, 1 valid
        LmDataset d = LmDataset.fromCorpus(new Corpus("c", text), Tokenizer.Kind.WORD);
        assertEquals(9, d.train().length);
        assertArrayEquals(new int[] {((WordTokenizer) d.tokenizer()).eosId()}, d.valid());
    }

    @Test
    void tooShortCorpusIsRejected() {
        assertEquals("tiny: 1 token(s); a train/validation split needs at least 2",
                assertThrows(IllegalArgumentException.class,
                        () -> LmDataset.fromCorpus(new Corpus("tiny", "x"), Tokenizer.Kind.CHAR)).getMessage());
    }

    @Test
    void existingTokenizerIsUsedAndUnknownsNameTheCorpus() {
        Tokenizer t = CharTokenizer.fit("abc\n");
        LmDataset d = LmDataset.fromCorpus(new Corpus("c", "abcabcabca\n"), t);
        assertSame(t, d.tokenizer());
        UnknownTokenException e = assertThrows(UnknownTokenException.class,
                () -> LmDataset.fromCorpus(new Corpus("run.txt", "abd"), t));
        assertEquals("run.txt: character 'd' (U+0064) at position 2 is not in the vocabulary of 4 characters",
                e.getMessage());
        assertEquals(2, e.position());
    }

    private void writeSplits(String train, String valid, String test) throws IOException {
        Files.writeString(dir.resolve("train.txt"), train);
        Files.writeString(dir.resolve("valid.txt"), valid);
        Files.writeString(dir.resolve("test.txt"), test);
    }

    @Test
    void directoryGivesThreeStreamsAndOneVocabularyOverAllSplits() throws IOException {
        writeSplits(WordTokenizerTest.TRAIN, WordTokenizerTest.VALID, " The lobster <unk> . \n");
        LmDataset d = LmDataset.fromDirectory(dir, Tokenizer.Kind.WORD);
        assertEquals(15, d.tokenizer().vocabulary().size());
        assertEquals(17, d.train().length);
        assertEquals(4 + 7, d.valid().length);
        assertArrayEquals(d.tokenizer().encode(" The lobster <unk> . \n"), d.test());
        assertSame(d.test(), d.split("test"));
        LmDataset again = LmDataset.fromDirectory(dir, d.tokenizer());
        assertArrayEquals(d.train(), again.train());
    }

    @Test
    void directoryErrorsNameTheFile() throws IOException {
        Path missing = dir.resolve("none");
        assertEquals(missing + ": no such directory", assertThrows(CorpusException.class,
                () -> LmDataset.fromDirectory(missing, Tokenizer.Kind.WORD)).getMessage());
        Path file = Files.writeString(dir.resolve("f.txt"), "x");
        assertEquals(file + ": not a directory", assertThrows(CorpusException.class,
                () -> LmDataset.fromDirectory(file, Tokenizer.Kind.WORD)).getMessage());
        Files.writeString(dir.resolve("train.txt"), "a b\n");
        Files.writeString(dir.resolve("valid.txt"), "a\n");
        assertEquals(dir.resolve("test.txt") + ": no such file", assertThrows(CorpusException.class,
                () -> LmDataset.fromDirectory(dir, Tokenizer.Kind.WORD)).getMessage());
        Files.writeString(dir.resolve("test.txt"), "");
        assertEquals(dir.resolve("test.txt") + ": empty file", assertThrows(CorpusException.class,
                () -> LmDataset.fromDirectory(dir, Tokenizer.Kind.WORD)).getMessage());
        Files.write(dir.resolve("valid.txt"), new byte[] {'a', 0});
        CorpusException bin = assertThrows(CorpusException.class, () -> LmDataset.fromDirectory(dir, Tokenizer.Kind.CHAR));
        assertTrue(bin.getMessage().startsWith(dir.resolve("valid.txt") + ": binary file"), bin.getMessage());
    }
}
