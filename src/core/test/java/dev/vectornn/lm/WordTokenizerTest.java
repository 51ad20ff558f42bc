package dev.vectornn.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class WordTokenizerTest {
    /** Three lines shaped like WikiText-2: a blank line, a heading, a sentence with <unk> and @-@. */
    static final String TRAIN = " \n = Valkyria Chronicles = \n The <unk> game is a role @-@ playing game . \n";
    static final String VALID = " = Homarus = \n The lobster is a game . \n";

    @Test
    void countsFollowDataPy() {
        WordTokenizer t = WordTokenizer.fit(TRAIN);
        int[] ids = t.encode(TRAIN);
        // line 1: [<eos>]; line 2: = Valkyria Chronicles = <eos>; line 3: 10 words + <eos>
        assertEquals(1 + 5 + 11, ids.length);
        assertEquals(List.of("<eos>", "=", "Valkyria", "Chronicles", "The", "<unk>", "game", "is", "a", "role",
                "@-@", "playing", "."), t.vocabulary().tokens());
        assertArrayEquals(new int[] {0, 1, 2, 3, 1, 0, 4, 5, 6, 7, 8, 9, 10, 11, 6, 12, 0}, ids);
        assertEquals(0, t.eosId());
        assertEquals(5, t.unkId());
        assertEquals(Tokenizer.Kind.WORD, t.kind());
    }

    @Test
    void fitAddsTheWordsOfAllSplitsInOrder() {
        WordTokenizer t = WordTokenizer.fit(List.of(TRAIN, VALID));
        assertEquals(15, t.vocabulary().size());
        assertEquals(13, t.vocabulary().id("Homarus"));
        assertEquals(14, t.vocabulary().id("lobster"));
    }

    @Test
    void unknownWordsBecomeUnkWhenTheVocabularyHasIt() {
        WordTokenizer t = WordTokenizer.fit(TRAIN);
        assertArrayEquals(new int[] {4, 5, 6, 0}, t.encode("The lobster game\n"));
    }

    @Test
    void unknownWordWithoutUnkIsAnError() {
        WordTokenizer t = WordTokenizer.fit("to be or not\nto be\n");
        UnknownTokenException e = assertThrows(UnknownTokenException.class, () -> t.encode("to be\nor xyzzy be"));
        assertEquals("word 'xyzzy' (line 2, word 2) is not in the vocabulary of 5 words, which has no <unk>",
                e.getMessage());
        assertEquals("xyzzy", e.token());
        assertEquals(4, e.position());
        assertEquals(-1, t.unkId());
    }

    @Test
    void lastLineWithoutLineEndStillGetsEosButNotAsAPrompt() {
        WordTokenizer t = WordTokenizer.fit("a b\n");
        assertArrayEquals(new int[] {0, 1, 2}, t.encode("a b"));
        assertArrayEquals(new int[] {0, 1}, t.encodePrompt("a b"));
        assertArrayEquals(new int[] {0, 2, 1}, t.encodePrompt("a\nb"));
        assertArrayEquals(new int[] {0, 2}, t.encodePrompt("a\n"));
        assertArrayEquals(new int[0], t.encode(""));
    }

    @Test
    void linesEndAsInPythonTextModeAndWordsSplitOnPythonWhitespace() {
        WordTokenizer t = WordTokenizer.fit("x y\n");
        // \r\n and \r end lines; tab, vertical tab, U+001F, NBSP and U+3000 separate words;
        // U+200B (zero-width space) and U+180E are not whitespace in Python 3.
        assertArrayEquals(new int[] {0, 1, 2, 0, 2, 1, 0, 1, 2}, t.encode("x\ty\r\nx\r\u000by\u001fx\u00a0y\u3000"));
        // U+2028 separates words but, as in Python file iteration, does not end a line.
        assertEquals(List.of("p\u200bq", "r\u180es", "<eos>"),
                WordTokenizer.fit("p\u200bq\u2028r\u180es").vocabulary().tokens());
    }

    @Test
    void decodeJoinsWithSpacesAndEosIsALineEnd() {
        WordTokenizer t = WordTokenizer.fit(TRAIN);
        String text = "= Valkyria Chronicles =\nThe <unk> game is a role @-@ playing game .\n\n";
        int[] ids = t.encode(text);
        assertEquals(text, t.decode(ids));
        assertArrayEquals(ids, t.encode(t.decode(ids)));
        assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {13}));
    }

    @Test
    void vocabularyMustHoldEosAndNoWhitespace() {
        IllegalArgumentException noEos = assertThrows(IllegalArgumentException.class,
                () -> new WordTokenizer(new Vocabulary(List.of("a", "b"))));
        assertEquals("word vocabulary has no <eos> token", noEos.getMessage());
        IllegalArgumentException space = assertThrows(IllegalArgumentException.class,
                () -> new WordTokenizer(new Vocabulary(List.of("<eos>", "a b"))));
        assertEquals("word vocabulary: token 1 'a b' contains whitespace", space.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WordTokenizer.fit(""));
    }
}
