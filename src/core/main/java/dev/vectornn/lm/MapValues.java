package dev.vectornn.lm;

import java.util.Map;

/** Typed reads of string maps (checkpoint metadata), each failure naming the key. */
final class MapValues {
    private MapValues() {}

    static String string(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) throw new IllegalArgumentException("missing entry '" + key + "'");
        return v;
    }

    static int integer(Map<String, String> m, String key) {
        String v = string(m, key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("entry '" + key + "' is not an integer: '" + v + "'");
        }
    }

    static long longValue(Map<String, String> m, String key) {
        String v = string(m, key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("entry '" + key + "' is not an integer: '" + v + "'");
        }
    }

    /** Double.toString's forms only: parseDouble also takes " 1e-3 ", "1e-3d" and hex, which no writer here makes. */
    private static final java.util.regex.Pattern DECIMAL =
            java.util.regex.Pattern.compile("-?(?:Infinity|NaN|[0-9]+(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)");

    static double real(Map<String, String> m, String key) {
        String v = string(m, key);
        if (!DECIMAL.matcher(v).matches()) throw new IllegalArgumentException("entry '" + key + "' is not a number: '" + v + "'");
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("entry '" + key + "' is not a number: '" + v + "'");
        }
    }

    static boolean bool(Map<String, String> m, String key) {
        String v = string(m, key);
        if (v.equals("true")) return true;
        if (v.equals("false")) return false;
        throw new IllegalArgumentException("entry '" + key + "' is not true or false: '" + v + "'");
    }
}
