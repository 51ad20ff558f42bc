package dev.vectornn.io;

import dev.vectornn.io.SafeTensorsFormatException.Kind;
import dev.vectornn.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads safetensors files in two phases: first the length prefix and the header are read and every
 * rule is checked against the file's size, then, only if all hold, tensor storage is allocated and
 * filled in bounded chunks through positional {@link FileChannel} reads. Stateless; each call opens
 * its own channel, so concurrent calls are safe.
 */
final class SafeTensorsReader {
    /** The reference implementation's header limit; a larger header is surely not a checkpoint. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    /** Bytes per read; a multiple of every element size so chunks never split an element. */
    static final int CHUNK_BYTES = 1 << 20;

    private SafeTensorsReader() {}

    /** A header whose rules all hold, and the file size they were checked against. */
    private record Checked(SafeTensorsHeader header, long fileSize) {}

    static SafeTensorsHeader readHeader(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return check(file, ch).header();
        }
    }

    static Map<String, Tensor> read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Checked c = check(file, ch);
            List<SafeTensorsHeader.Entry> entries = c.header().tensors();
            long heapBytes = 0;
            for (SafeTensorsHeader.Entry e : entries) {
                heapBytes += (long) e.shape().numel() * e.dtype().loadsAs().bytes();
            }
            // A valid but huge file should fail with a message, not an OutOfMemoryError halfway;
            // the heap's free part counts, not its maximum (what is in use stays in use)
            HeapBudget.require(heapBytes, file + ": reading its tensors (" + heapBytes + " bytes)");
            long dataBytes = c.fileSize() - c.header().dataStart();
            ByteBuffer buf = ByteBuffer.allocate((int) Math.max(8, Math.min(CHUNK_BYTES, dataBytes)))
                    .order(ByteOrder.LITTLE_ENDIAN);
            // Read in file order (sequential I/O), return in header order.
            Integer[] order = byOffset(entries);
            Tensor[] tensors = new Tensor[entries.size()];
            for (int i : order) {
                tensors[i] = readTensor(file, ch, c.header().dataStart(), entries.get(i), buf);
            }
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (int i = 0; i < tensors.length; i++) out.put(entries.get(i).name(), tensors[i]);
            return out;
        }
    }

    private static Tensor readTensor(Path file, FileChannel ch, long dataStart, SafeTensorsHeader.Entry e,
            ByteBuffer buf) throws IOException {
        int numel = e.shape().numel();
        float[] f = e.dtype().loadsAs() == dev.vectornn.tensor.DType.F32 ? new float[numel] : null;
        double[] d = f == null ? new double[numel] : null;
        long pos = dataStart + e.begin();
        long remaining = e.byteCount();
        int idx = 0;
        while (remaining > 0) {
            buf.clear().limit((int) Math.min(buf.capacity(), remaining));
            readFully(file, ch, buf, pos, e.name());
            buf.flip();
            int len = buf.limit();
            switch (e.dtype()) {
                case F32 -> buf.asFloatBuffer().get(f, idx, len / 4);
                case F64 -> buf.asDoubleBuffer().get(d, idx, len / 8);
                case F16 -> {
                    for (int i = 0; i < len; i += 2) f[idx + i / 2] = HalfFloats.f16ToFloat(buf.getShort(i));
                }
                case BF16 -> {
                    for (int i = 0; i < len; i += 2) f[idx + i / 2] = HalfFloats.bf16ToFloat(buf.getShort(i));
                }
            }
            idx += len / e.dtype().bytes();
            pos += len;
            remaining -= len;
        }
        return Tensor.wrap(f != null ? f : d, e.shape());
    }

    /** Reads the length prefix and header and checks every rule; allocates at most the (bounded) header. */
    private static Checked check(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new SafeTensorsFormatException(file, Kind.TRUNCATED, null, size, "file is " + size
                    + " bytes long; a safetensors file starts with an 8-byte header length");
        }
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, ch, len, 0, null);
        long n = len.getLong(0);
        // Unsigned in the file: a negative long is a length of 2^63 or more.
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new SafeTensorsFormatException(file, Kind.HEADER_LENGTH, null, 0, "header length "
                    + Long.toUnsignedString(n) + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (n > size - 8) {
            throw new SafeTensorsFormatException(file, Kind.HEADER_LENGTH, null, 0, "header length " + n
                    + " runs past the end of the file (" + size + " bytes, so at most " + (size - 8) + ")");
        }
        // the bytes, then the parsed strings and entries: a few times the header's size at most,
        // given the entry limits of HeaderParser
        HeapBudget.require(4 * n, file + ": parsing its header (" + n + " bytes)");
        byte[] bytes = new byte[(int) n];
        readFully(file, ch, ByteBuffer.wrap(bytes), 8, null);
        HeaderParser.Parsed p = HeaderParser.parse(file, bytes);
        long dataStart = 8 + n;
        checkLayout(file, p, dataStart, size - dataStart);
        return new Checked(new SafeTensorsHeader(p.entries(), p.metadata(), dataStart), size);
    }

    /**
     * Each tensor's offsets inside the data section and matching its dtype and shape; the tensors,
     * sorted by offset, tiling the data section exactly: no overlap, no gap, nothing after the last
     * (the reference implementation demands the same, so both accept the same files).
     */
    private static void checkLayout(Path file, HeaderParser.Parsed p, long dataStart, long dataBytes)
            throws SafeTensorsFormatException {
        List<SafeTensorsHeader.Entry> entries = p.entries();
        for (int i = 0; i < entries.size(); i++) {
            SafeTensorsHeader.Entry e = entries.get(i);
            String offs = "data_offsets [" + e.begin() + ", " + e.end() + "]";
            if (e.begin() > e.end()) {
                throw new SafeTensorsFormatException(file, Kind.BAD_OFFSETS, e.name(), p.entryOffsets()[i],
                        offs + " end before they begin");
            }
            if (e.end() > dataBytes) {
                throw new SafeTensorsFormatException(file, Kind.BAD_OFFSETS, e.name(), p.entryOffsets()[i],
                        offs + " end past the data section, which holds " + dataBytes + " bytes (file bytes "
                                + dataStart + " to " + (dataStart + dataBytes) + ")");
            }
            long need = (long) e.shape().numel() * e.dtype().bytes();
            if (e.byteCount() != need) {
                throw new SafeTensorsFormatException(file, Kind.SIZE_MISMATCH, e.name(), p.entryOffsets()[i],
                        offs + " hold " + e.byteCount() + " bytes but " + e.dtype() + " " + e.shape()
                                + " needs " + need);
            }
        }
        long cursor = 0;
        int prev = -1;
        for (int i : byOffset(entries)) {
            SafeTensorsHeader.Entry e = entries.get(i);
            if (e.begin() < cursor) {
                SafeTensorsHeader.Entry q = entries.get(prev);
                throw new SafeTensorsFormatException(file, Kind.OVERLAP, e.name(), p.entryOffsets()[i],
                        "bytes [" + e.begin() + ", " + e.end() + ") overlap tensor "
                                + SafeTensorsFormatException.quote(q.name()) + " at [" + q.begin() + ", "
                                + q.end() + ")");
            }
            if (e.begin() > cursor) {
                throw new SafeTensorsFormatException(file, Kind.GAP, e.name(), p.entryOffsets()[i],
                        "data bytes [" + cursor + ", " + e.begin() + ") before this tensor belong to no tensor");
            }
            cursor = e.end();
            prev = i;
        }
        if (cursor != dataBytes) {
            throw new SafeTensorsFormatException(file, Kind.GAP, null, dataStart + cursor,
                    (dataBytes - cursor) + " bytes after the last tensor belong to no tensor (the data section"
                            + " holds " + dataBytes + " bytes, the tensors end at " + cursor + ")");
        }
    }

    /** Entry indices sorted by (begin, end). */
    private static Integer[] byOffset(List<SafeTensorsHeader.Entry> entries) {
        Integer[] order = new Integer[entries.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.<Integer>comparingLong(i -> entries.get(i).begin())
                .thenComparingLong(i -> entries.get(i).end()));
        return order;
    }

    private static void readFully(Path file, FileChannel ch, ByteBuffer buf, long position, String tensor)
            throws IOException {
        long p = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, p);
            if (r < 0) {
                // Sizes were checked up front, so only a file shrinking under us gets here.
                throw new SafeTensorsFormatException(file, Kind.TRUNCATED, tensor, p,
                        "file ended while reading " + (tensor == null ? "the header" : "the tensor's data"));
            }
            p += r;
        }
    }
}
