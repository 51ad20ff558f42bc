package dev.vectornn.bench.report;

import java.util.Locale;

/** Number formatting shared by the report's tables: short, fixed-locale, three significant digits. */
final class Format {
    private Format() {}

    /** A duration in the largest unit that keeps it at or above 1, e.g. {@code "3.41 µs"}. */
    static String time(double ns) {
        if (Double.isNaN(ns)) {
            return "n/a";
        }
        if (ns < 1e3) {
            return sig(ns) + " ns";
        }
        if (ns < 1e6) {
            return sig(ns / 1e3) + " µs";
        }
        if (ns < 1e9) {
            return sig(ns / 1e6) + " ms";
        }
        return sig(ns / 1e9) + " s";
    }

    /** A time with JMH's error as a percentage, e.g. {@code "3.41 µs ±1.2%"}. */
    static String time(double ns, double errNs) {
        if (Double.isNaN(errNs) || Double.isNaN(ns) || ns == 0) {
            return time(ns);
        }
        return time(ns) + " ±" + pct1(100 * errNs / ns) + "%";
    }

    /** Three significant digits without exponent: 1234 → 1234, 12.34 → 12.3, 0.01234 → 0.0123. */
    static String sig(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        if (a == 0) {
            return "0";
        }
        int decimals = 2 - (int) Math.floor(Math.log10(a));
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** A ratio such as a speedup: {@code "8.41x"}, {@code "12.3x"}. */
    static String ratio(double r) {
        return Double.isNaN(r) ? "—" : sig(r) + "x";
    }

    /** A percentage with one decimal, without the sign. */
    static String pct1(double p) {
        return String.format(Locale.ROOT, "%.1f", p);
    }

    /** An element count as 64, 1K, 64K, 1M when it is a multiple of 1024, else the plain number. */
    static String size(long n) {
        if (n >= 1 << 20 && n % (1 << 20) == 0) {
            return (n >> 20) + "M";
        }
        if (n >= 1 << 10 && n % (1 << 10) == 0) {
            return (n >> 10) + "K";
        }
        return Long.toString(n);
    }

    /** Escapes the characters that would break a Markdown table cell. */
    static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
