package dev.vectornn.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CharTokenizerTest {

    @Test
    void vocabularyIsTheSortedDistinctCharacters() {
        CharTokenizer t = CharTokenizer.fit("hello, World!\n");
        assertEquals(List.of("\n", " ", "!", ",", "W", "d", "e", "h", "l", "o", "r"), t.vocabulary().tokens());
        assertEquals(Tokenizer.Kind.CHAR, t.kind());
    }

    @Test
    void sortsByCodePointNotByUtf16Unit() {
        // U+1F600 is the surrogate pair D83D DE00, which sorts below U+FF01 as UTF-16 but above it
        // as a code point (Python's order).
        CharTokenizer t = CharTokenizer.fit("\uFF01\uD83D\uDE00a");
        assertEquals(List.of("a", "\uFF01", "\uD83D\uDE00"), t.vocabulary().tokens());
    }

    @Test
    void fitOverSeveralTextsTakesTheirUnion() {
        assertEquals(List.of("a", "b", "c"), CharTokenizer.fit(List.of("ba", "", "cab")).vocabulary().tokens());
    }

    @Test
    void encodesOneIdPerCodePointAndRoundTrips() {
        String text = "To be, or not to be: \uD83D\uDE00 that is\nthe question.";
        CharTokenizer t = CharTokenizer.fit(text);
        int[] ids = t.encode(text);
        assertEquals(text.codePointCount(0, text.length()), ids.length);
        assertEquals(text, t.decode(ids));
        assertEquals("be, or", t.decode(ids, 3, 6));
        assertArrayEquals(t.encode("to be"), t.encodePrompt("to be"));
    }

    @Test
    void idsFollowTheVocabularyOrder() {
        CharTokenizer t = CharTokenizer.fit("cab");
        assertArrayEquals(new int[] {2, 0, 1, 1}, t.encode("cabb"));
    }

    @Test
    void unknownCharacterNamesItsCodePointAndPosition() {
        CharTokenizer t = CharTokenizer.fit("ROMEO:\n abc");
        UnknownTokenException e = assertThrows(UnknownTokenException.class, () -> t.encode("ROMEO: é"));
        assertEquals("character 'é' (U+00E9) at position 7 is not in the vocabulary of 10 characters", e.getMessage());
        assertEquals("é", e.token());
        assertEquals(7, e.position());
    }

    @Test
    void positionCountsCodePointsAndControlCharactersAreShownSafely() {
        CharTokenizer t = CharTokenizer.fit("ab");
        UnknownTokenException emoji = assertThrows(UnknownTokenException.class, () -> t.encode("a\uD83D\uDE00\r"));
        assertEquals(1, emoji.position());
        assertEquals("\uD83D\uDE00", emoji.token());
        UnknownTokenException cr = assertThrows(UnknownTokenException.class, () -> t.encode("ab\r"));
        assertEquals("character 'U+000D' (U+000D) at position 2 is not in the vocabulary of 2 characters",
                cr.getMessage());
        UnknownTokenException lone = assertThrows(UnknownTokenException.class, () -> t.encode("a\uD800b"));
        assertEquals(1, lone.position());
    }

    @Test
    void decodeRejectsIdsOutsideTheVocabulary() {
        CharTokenizer t = CharTokenizer.fit("abc");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {0, 3}));
        assertEquals("token id 3 at position 1 is outside the vocabulary [0, 3)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {-1}));
        assertThrows(IndexOutOfBoundsException.class, () -> t.decode(new int[] {0}, 1, 1));
    }

    @Test
    void constructorRejectsTokensThatAreNotOneCharacter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CharTokenizer(new Vocabulary(List.of("a", "bc"))));
        assertEquals("char vocabulary: token 1 'bc' is not one character", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CharTokenizer.fit(""));
    }

    @Test
    void aLoadedVocabularyNeedNotBeSorted() {
        CharTokenizer t = new CharTokenizer(new Vocabulary(List.of("z", "\uD83D\uDE00", "a")));
        assertArrayEquals(new int[] {2, 1, 0}, t.encode("a\uD83D\uDE00z"));
    }
}
