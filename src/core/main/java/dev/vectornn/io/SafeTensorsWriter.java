package dev.vectornn.io;

import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Writes safetensors files laid out as the reference implementation lays them out, byte for byte
 * for the same input: tensors ordered by descending dtype alignment (F64 before F32) then by name
 * (UTF-8 bytes, as Rust compares strings), packed back to back from offset 0; a compact JSON header
 * with {@code __metadata__} first and the tensors in that order; the header padded with spaces to a
 * multiple of 8 bytes so every tensor's data is aligned to its element size. Stateless.
 */
final class SafeTensorsWriter {
    private static final int CHUNK_BYTES = 1 << 16;
    private static final Comparator<byte[]> UTF8_ORDER = Arrays::compareUnsigned;

    private SafeTensorsWriter() {}

    /** A tensor to write with its name already encoded (for ordering). */
    private record Item(String name, byte[] utf8, Tensor tensor) {}

    static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        List<Item> items = sorted(tensors);
        byte[] header = header(items, metadata);
        // Everything is checked before the target is touched: a bad argument never costs a checkpoint.
        AtomicFiles.write(file, out -> {
            byte[] len = new byte[8];
            ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
            out.write(len);
            out.write(header);
            byte[] chunk = new byte[CHUNK_BYTES];
            for (Item it : items) writeData(out, it.tensor(), chunk);
        });
    }

    /** The tensors in the reference implementation's order, after checking names and values. */
    static List<Item> sorted(Map<String, Tensor> tensors) {
        if (tensors == null) throw new IllegalArgumentException("safetensors write: the tensor map is null");
        List<Item> items = new ArrayList<>(tensors.size());
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null) throw new IllegalArgumentException("safetensors write: a tensor name is null");
            if (name.equals("__metadata__")) {
                throw new IllegalArgumentException("safetensors write: '__metadata__' is reserved and cannot name a tensor");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("safetensors write: tensor " + SafeTensorsFormatException.quote(name)
                        + " is null");
            }
            items.add(new Item(name, utf8(name, "tensor name"), e.getValue()));
        }
        items.sort(Comparator.comparingInt((Item it) -> -SafeTensorsDType.of(it.tensor().dtype()).bytes())
                .thenComparing(Item::utf8, UTF8_ORDER));
        return items;
    }

    /** The padded header bytes for {@code items} (already sorted) and {@code metadata} (may be null). */
    static byte[] header(List<Item> items, Map<String, String> metadata) {
        StringBuilder sb = new StringBuilder(64 + 80 * items.size()).append('{');
        boolean first = true;
        if (metadata != null) {
            List<Map.Entry<String, String>> meta = new ArrayList<>(metadata.entrySet());
            for (Map.Entry<String, String> m : meta) {
                if (m.getKey() == null || m.getValue() == null) {
                    throw new IllegalArgumentException("safetensors write: __metadata__ keys and values must not be null"
                            + " (key " + m.getKey() + ")");
                }
                utf8(m.getKey(), "__metadata__ key");
                utf8(m.getValue(), "__metadata__ value");
            }
            // Sorted so that the same inputs always give the same file (the reference's order is a hash map's).
            meta.sort(Map.Entry.comparingByKey(Comparator.comparing(k -> k.getBytes(StandardCharsets.UTF_8), UTF8_ORDER)));
            sb.append("\"__metadata__\":{");
            for (int i = 0; i < meta.size(); i++) {
                if (i > 0) sb.append(',');
                appendString(sb, meta.get(i).getKey()).append(':');
                appendString(sb, meta.get(i).getValue());
            }
            sb.append('}');
            first = false;
        }
        long offset = 0;
        for (Item it : items) {
            if (!first) sb.append(',');
            first = false;
            Tensor t = it.tensor();
            SafeTensorsDType dt = SafeTensorsDType.of(t.dtype());
            long end = offset + (long) t.numel() * dt.bytes();
            appendString(sb, it.name()).append(":{\"dtype\":\"").append(dt.name()).append("\",\"shape\":[");
            int[] dims = t.shape().dims();
            for (int i = 0; i < dims.length; i++) {
                if (i > 0) sb.append(',');
                sb.append(dims[i]);
            }
            sb.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        sb.append('}');
        byte[] json = sb.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) & ~7;
        if (padded > SafeTensorsReader.MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("safetensors write: the header would be " + padded
                    + " bytes, above the format's limit of " + SafeTensorsReader.MAX_HEADER_BYTES
                    + " (too many tensors or too much metadata)");
        }
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    /** JSON string as serde_json writes it: short escapes, other controls as lowercase \\u00xx, the rest raw UTF-8. */
    private static StringBuilder appendString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"');
    }

    /**
     * {@code s} as UTF-8, refusing unpaired surrogates: Java's encoder would silently write '?' and
     * the reader (ours and the reference) requires valid UTF-8.
     */
    private static byte[] utf8(String s, String what) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("safetensors write: " + what + " "
                        + SafeTensorsFormatException.quote(s) + " has an unpaired surrogate at index " + i
                        + " and cannot be encoded as UTF-8");
            }
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void writeData(OutputStream out, Tensor t, byte[] chunk) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        int n = t.numel();
        if (t.dtype() == DType.F32) {
            float[] f = t.floats();
            int per = chunk.length / 4;
            for (int off = 0; off < n; off += per) {
                int k = Math.min(per, n - off);
                bb.clear();
                bb.asFloatBuffer().put(f, off, k);
                out.write(chunk, 0, k * 4);
            }
        } else {
            double[] d = t.doubles();
            int per = chunk.length / 8;
            for (int off = 0; off < n; off += per) {
                int k = Math.min(per, n - off);
                bb.clear();
                bb.asDoubleBuffer().put(d, off, k);
                out.write(chunk, 0, k * 8);
            }
        }
    }
}
