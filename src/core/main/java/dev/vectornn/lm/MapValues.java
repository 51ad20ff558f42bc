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

    static double real(Map<String, String> m, String key) {
        String v = string(m, key);
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
