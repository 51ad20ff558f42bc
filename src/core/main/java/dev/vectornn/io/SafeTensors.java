package dev.vectornn.io;

import dev.vectornn.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads and writes <a href="https://huggingface.co/docs/safetensors">safetensors</a> files, the
 * format of {@code safetensors.torch.save_file}/{@code load_file}: an 8-byte little-endian header
 * length {@code N}, {@code N} bytes of UTF-8 JSON mapping each tensor name to its {@code dtype},
 * {@code shape} and {@code data_offsets} (relative to the data section), an optional
 * {@code __metadata__} map of strings, then the raw little-endian, row-major tensor data.
 *
 * <p>Names are kept exactly, so a PyTorch {@code state_dict} ({@code fc1.weight},
 * {@code lstm.weight_ih_l0}) round-trips with {@code load_state_dict(strict=True)}.
 *
 * <p><b>Reading is safe on hostile input.</b> The whole header is validated before any tensor
 * storage is allocated: header length at most 100,000,000 bytes and inside the file; strict UTF-8
 * JSON of exactly the safetensors schema (no duplicate keys, no unknown fields, integers only);
 * every dtype known and supported; dimensions non-negative, at most 64 of them, and at most
 * 2^31-9 elements per tensor (one Java array); offsets ordered, inside the data section and
 * spanning exactly {@code numel * dtype size} bytes; tensors neither overlapping nor leaving gaps
 * or trailing bytes (as the reference implementation demands). So memory use is bounded by the
 * file: the parsed header takes a small multiple of its size (itself at most the file's size and
 * 100 MB; at most 262,144 tensors and 65,536 {@code __metadata__} entries), the tensors take the
 * size of their data (twice for F16/BF16, which widen to F32), and both are checked against the
 * heap's free part ({@link HeapBudget}) before allocating, an {@link HeapBudget.InsufficientHeapException}
 * when they would not fit; data is read in 1 MiB chunks. Each violation is a
 * {@link SafeTensorsFormatException} naming the file, the tensor, the byte offset and the rule.
 *
 * <p>All methods are static and thread-safe; each call opens its own file channel. Reading a file
 * while another thread or process rewrites it in place may fail (never crash); files written by
 * {@link #write} are replaced atomically, so readers see the old or the new version.
 */
public final class SafeTensors {
    /** Largest header accepted or written, in bytes (the reference implementation's limit). */
    public static final long MAX_HEADER_BYTES = SafeTensorsReader.MAX_HEADER_BYTES;

    private SafeTensors() {}

    /**
     * Reads every tensor of a safetensors file. F32 and F64 load as themselves; F16 and BF16 widen
     * exactly to F32 (see {@link SafeTensorsDType}). The {@code __metadata__} map is available from
     * {@link #readHeader(Path)}.
     *
     * @param file the file to read
     * @return the tensors by name, in the header's order (a mutable map the caller owns)
     * @throws SafeTensorsFormatException if the file breaks any rule of the format or holds a
     *     dtype vectornn does not read (integers, booleans, 8-bit floats), before any tensor
     *     storage is allocated
     * @throws IOException if the file cannot be read, or its tensors need more heap than the JVM's
     *     maximum ({@code -Xmx})
     */
    public static Map<String, Tensor> read(Path file) throws IOException {
        return SafeTensorsReader.read(file);
    }

    /**
     * Reads and validates only the header: names, dtypes, shapes, offsets and metadata, with the
     * same checks as {@link #read(Path)} but without reading tensor data.
     *
     * @throws SafeTensorsFormatException if the header breaks any rule of the format
     * @throws IOException if the file cannot be read
     */
    public static SafeTensorsHeader readHeader(Path file) throws IOException {
        return SafeTensorsReader.readHeader(file);
    }

    /**
     * Writes {@code tensors} as a safetensors file that {@code safetensors.torch.load_file} reads,
     * replacing {@code file} atomically through {@link AtomicFiles#write}: on any failure the
     * previous file is left untouched. F32 tensors are written as {@code "F32"}, F64 as
     * {@code "F64"}, in the reference implementation's layout (F64 first, then by name; header
     * padded to 8 bytes), so equal inputs give byte-identical files.
     *
     * @param file the file to create or replace; its directory must exist
     * @param tensors the tensors by state_dict name; the map is read once and not kept
     * @param metadata string entries for {@code __metadata__} (written sorted by key), or
     *     {@code null} to omit it. Hugging Face {@code transformers} expects {@code {"format": "pt"}}.
     * @throws IllegalArgumentException before touching the file, if a name, tensor, key or value is
     *     null, a tensor is named {@code __metadata__}, a string has an unpaired surrogate, or the
     *     header would exceed {@link #MAX_HEADER_BYTES}
     * @throws IOException if writing, forcing or renaming fails (the old file is then unchanged)
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        SafeTensorsWriter.write(file, tensors, metadata);
    }
}
