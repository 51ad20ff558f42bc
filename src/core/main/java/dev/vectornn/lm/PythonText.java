package dev.vectornn.lm;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's rules for splitting text, which the reference data pipelines use and which token counts
 * therefore depend on: {@code str.split()} with no argument and line iteration over a text file.
 */
final class PythonText {
    private PythonText() {}

    /**
     * Python 3's {@code str.isspace()}, which {@code str.split()} splits on: ASCII tab, line feed,
     * vertical tab, form feed, carriage return, the separators U+001C..U+001F, space, and U+0085,
     * U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000. Unlike
     * {@link Character#isWhitespace}, no-break spaces count and U+180E does not.
     */
    static boolean isSpace(int cp) {
        if (cp < 0x80) return (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x20);
        return cp == 0x85 || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a)
                || cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000;
    }

    /**
     * The lines of {@code text} as iterating over a Python text file with universal newlines gives
     * them, without their line ends: {@code \n}, {@code \r\n} and {@code \r} end a line; a final
     * line without a line end is still a line; empty text has no lines.
     */
    static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                lines.add(text.substring(start, i));
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') i++;
                start = i + 1;
            }
        }
        if (start < n) lines.add(text.substring(start));
        return lines;
    }

    /** Python's {@code line.split()}: the maximal runs of non-{@link #isSpace} code points. */
    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        int n = line.length();
        int i = 0;
        while (i < n) {
            int cp = line.codePointAt(i);
            if (isSpace(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int start = i;
            while (i < n) {
                cp = line.codePointAt(i);
                if (isSpace(cp)) break;
                i += Character.charCount(cp);
            }
            words.add(line.substring(start, i));
        }
        return words;
    }
}
