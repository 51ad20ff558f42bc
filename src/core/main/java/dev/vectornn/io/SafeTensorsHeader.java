package dev.vectornn.io;

import dev.vectornn.tensor.Shape;
import java.util.List;
import java.util.Map;

/**
 * The validated header of a safetensors file: its tensors in header order and its
 * {@code __metadata__} map. Obtained from {@link SafeTensors#readHeader(java.nio.file.Path)}, which
 * has already checked every rule {@link SafeTensors#read(java.nio.file.Path)} checks, so the
 * entries are consistent with each other and with the file's size.
 *
 * @param tensors the tensors in the order the header lists them (unmodifiable)
 * @param metadata the {@code __metadata__} entries, empty if absent (unmodifiable, header order)
 * @param dataStart the file offset of the data section, {@code 8 + header length}
 */
public record SafeTensorsHeader(List<Entry> tensors, Map<String, String> metadata, long dataStart) {

    /** Copies the collections so the record stays immutable. */
    public SafeTensorsHeader {
        tensors = List.copyOf(tensors);
        metadata = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
    }

    /**
     * One tensor's header entry.
     *
     * @param name the state_dict name, e.g. {@code fc1.weight}
     * @param dtype its element type in the file
     * @param shape its shape ({@code []} for a scalar)
     * @param begin start of its bytes, relative to the data section
     * @param end end (exclusive) of its bytes, relative to the data section
     */
    public record Entry(String name, SafeTensorsDType dtype, Shape shape, long begin, long end) {
        /** Number of bytes the tensor occupies in the file. */
        public long byteCount() {
            return end - begin;
        }
    }
}
