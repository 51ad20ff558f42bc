package dev.vectornn.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class VocabularyTest {

    @Test
    void idsAreIndices() {
        Vocabulary v = new Vocabulary(List.of("<eos>", "the", "cat"));
        assertEquals(3, v.size());
        assertEquals(1, v.id("the"));
        assertEquals(-1, v.id("dog"));
        assertEquals("cat", v.token(2));
        assertTrue(v.contains("<eos>"));
        assertFalse(v.contains("dog"));
        assertThrows(IndexOutOfBoundsException.class, () -> v.token(3));
        assertEquals(new Vocabulary(List.of("<eos>", "the", "cat")), v);
        assertNotEquals(new Vocabulary(List.of("the", "<eos>", "cat")), v);
    }

    @Test
    void tokensAreCopied() {
        List<String> tokens = new ArrayList<>(List.of("a", "b"));
        Vocabulary v = new Vocabulary(tokens);
        tokens.set(0, "z");
        assertEquals("a", v.token(0));
        assertThrows(UnsupportedOperationException.class, () -> v.tokens().set(0, "z"));
    }

    @Test
    void duplicatesAreRejectedWithBothIds() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Vocabulary(List.of("a", "b", "c", "b")));
        assertEquals("token 'b' appears twice: ids 1 and 3", e.getMessage());
    }

    @Test
    void emptyNullAndBrokenTokensAreRejected() {
        assertEquals("token 1 is empty",
                assertThrows(IllegalArgumentException.class, () -> new Vocabulary(List.of("a", ""))).getMessage());
        assertEquals("token 0 holds an unpaired surrogate at char 1",
                assertThrows(IllegalArgumentException.class, () -> new Vocabulary(List.of("x\uDC00"))).getMessage());
        assertThrows(NullPointerException.class, () -> new Vocabulary(Arrays.asList("a", null)));
    }

    @Test
    void sizeIsBounded() {
        List<String> tooMany = new java.util.AbstractList<>() {
            @Override
            public String get(int i) {
                return Integer.toString(i);
            }

            @Override
            public int size() {
                return Vocabulary.MAX_SIZE + 1;
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Vocabulary(tooMany));
        assertEquals("vocabulary of 16777217 tokens; the limit is 16777216", e.getMessage());
    }

    @Test
    void quoteShowsInvisibleCharactersAndCutsLongTokens() {
        assertEquals("'a b U+000A U+00A0 U+200B'", Vocabulary.quote("a b \n \u00a0 \u200b"));
        assertEquals("'" + "x".repeat(100) + "...'", Vocabulary.quote("x".repeat(150)));
    }
}
