package dev.vectornn.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabularyFileTest {
    @TempDir
    Path dir;

    private static String written(Tokenizer t) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        VocabularyFile.write(t, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Tokenizer parse(String content) throws IOException {
        return VocabularyFile.read(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), "v.txt");
    }

    private static String corruptionMessage(String content) {
        return assertThrows(VocabularyFormatException.class, () -> parse(content)).getMessage();
    }

    @Test
    void charVocabularyIsWrittenReadablyWithEscapes() throws IOException {
        CharTokenizer t = CharTokenizer.fit("a\\b c\n\t\r\u00a0\u200b\uD83D\uDE00é");
        assertEquals("vectornn-vocab 1\ntokenizer char\nsize 12\n"
                + "\\t\n\\n\n\\r\n\\s\n\\\\\na\nb\nc\n\\x{a0}\n\u00e9\n\\x{200b}\n\uD83D\uDE00\n", written(t));
    }

    @Test
    void saveAndLoadRoundTripBothKinds() throws IOException {
        Tokenizer chars = CharTokenizer.fit("To be,\tor not\\ to be:\r\n \uD83D\uDE00 \u00a0\u2028é");
        Path f = dir.resolve("vocab.txt");
        VocabularyFile.save(chars, f);
        Tokenizer back = VocabularyFile.load(f);
        assertInstanceOf(CharTokenizer.class, back);
        assertEquals(chars.vocabulary(), back.vocabulary());

        Tokenizer words = WordTokenizer.fit(WordTokenizerTest.TRAIN + "back\\slash x{41} caf\u00e9\u200b\n");
        VocabularyFile.save(words, f);
        Tokenizer wordsBack = VocabularyFile.load(f);
        assertInstanceOf(WordTokenizer.class, wordsBack);
        assertEquals(words.vocabulary(), wordsBack.vocabulary());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList()); // no temporary file left behind
        }
    }

    @Test
    void handWrittenFileIsAccepted() throws IOException {
        Tokenizer t = parse("vectornn-vocab 1\ntokenizer word\nsize 3\n<eos>\nx{41}\n\\x{41}\\x{1F600}\n");
        assertEquals(List.of("<eos>", "x{41}", "A\uD83D\uDE00"), t.vocabulary().tokens());
    }

    @Test
    void headerVersionKindAndSizeAreChecked() {
        assertEquals("v.txt: empty file", corruptionMessage(""));
        assertEquals("v.txt: line 1: not a vectornn vocabulary file (the first line must be 'vectornn-vocab 1')",
                corruptionMessage("hello\n"));
        assertEquals("v.txt: line 1: unsupported version '2'; this build reads vectornn-vocab 1",
                corruptionMessage("vectornn-vocab 2\ntokenizer char\nsize 1\na\n"));
        assertEquals("v.txt: line 2: unknown tokenizer 'bpe'; expected char or word",
                corruptionMessage("vectornn-vocab 1\ntokenizer bpe\nsize 1\na\n"));
        assertEquals("v.txt: line 2: expected 'tokenizer char' or 'tokenizer word'",
                corruptionMessage("vectornn-vocab 1\n"));
        assertEquals("v.txt: line 3: expected 'size N'", corruptionMessage("vectornn-vocab 1\ntokenizer char\n"));
        for (String size : List.of("0", "-1", "x", "016", "99999999999", "16777217", " 1")) {
            assertEquals("v.txt: line 3: size '" + size + "' is not an integer in [1, 16777216]",
                    corruptionMessage("vectornn-vocab 1\ntokenizer char\nsize " + size + "\na\n"), size);
        }
    }

    @Test
    void truncationIsDetected() {
        assertEquals("v.txt: line 5: truncated: the last line has no line end",
                corruptionMessage("vectornn-vocab 1\ntokenizer char\nsize 3\na\nb"));
        assertEquals("v.txt: line 6: truncated: size is 3 but the file holds 2 token line(s)",
                corruptionMessage("vectornn-vocab 1\ntokenizer char\nsize 3\na\nb\n"));
        assertEquals("v.txt: line 5: size is 1 but the file holds 2 token line(s)",
                corruptionMessage("vectornn-vocab 1\ntokenizer char\nsize 1\na\nb\n"));
    }

    @Test
    void tokenLinesAreChecked() {
        String head = "vectornn-vocab 1\ntokenizer char\nsize 3\n";
        assertEquals("v.txt: line 6: token 'a' appears twice (first at line 4)", corruptionMessage(head + "a\nb\na\n"));
        assertEquals("v.txt: line 5: empty token", corruptionMessage(head + "a\n\nb\n"));
        assertEquals("v.txt: line 5: token 'bc' is not one character, as a char vocabulary needs",
                corruptionMessage(head + "a\nbc\nd\n"));
        assertEquals("v.txt: line 4: unescaped U+0009 at column 1 (write it as an escape)",
                corruptionMessage(head + "\t\nb\nc\n"));
        assertEquals("v.txt: line 4: unescaped U+0020 at column 2 (write it as an escape)",
                corruptionMessage(head + "a \nb\nc\n"));
        assertEquals("v.txt: line 4: unescaped U+000D at column 2 (write it as an escape)",
                corruptionMessage(head.replace("size 3", "size 1") + "a\r\n"));
        assertEquals("v.txt: line 4: unknown escape '\\q' at column 1 (known: \\\\ \\n \\r \\t \\s \\x{HEX})",
                corruptionMessage(head + "\\q\nb\nc\n"));
        assertEquals("v.txt: line 4: backslash at the end of the line", corruptionMessage(head + "a\\\nb\nc\n"));
        for (String bad : List.of("\\x{}", "\\x{110000}", "\\x{d800}", "\\x41", "\\x{1234567}", "\\x", "\\x{41")) {
            assertEquals("v.txt: line 4: bad escape at column 1 (expected \\x{HEX} with a code point of 1 to 6 hex"
                    + " digits, not a surrogate)", corruptionMessage(head + bad + "\nb\nc\n"), bad);
        }
    }

    @Test
    void wordVocabularyRules() {
        String head = "vectornn-vocab 1\ntokenizer word\nsize 2\n";
        assertEquals("v.txt: line 5: word 'a b' contains whitespace", corruptionMessage(head + "<eos>\na\\sb\n"));
        assertEquals("v.txt: word vocabulary has no <eos> token", corruptionMessage(head + "a\nb\n"));
    }

    @Test
    void bytesMustBeUtf8() {
        byte[] bytes = {'v', (byte) 0xFF, '\n'};
        VocabularyFormatException e = assertThrows(VocabularyFormatException.class,
                () -> VocabularyFile.read(new ByteArrayInputStream(bytes), "v.txt"));
        assertEquals("v.txt: not UTF-8 text", e.getMessage());
        assertEquals(0, e.line());
    }

    @Test
    void fileErrorsNameTheFile() throws IOException {
        Path f = Files.writeString(dir.resolve("bad.vocab"), "vectornn-vocab 1\ntokenizer char\nsize 2\na\n");
        VocabularyFormatException e = assertThrows(VocabularyFormatException.class, () -> VocabularyFile.load(f));
        assertEquals(f + ": line 5: truncated: size is 2 but the file holds 1 token line(s)", e.getMessage());
        assertEquals(f.toString(), e.source());
        assertEquals(5, e.line());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> VocabularyFile.load(dir.resolve("none")));
    }
}
