package dev.vectornn.io;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corrupts a valid file thousands of times (seeded, so a failure reproduces) and requires that
 * reading either succeeds or throws an IOException: never an unchecked exception or an error.
 * Checked against a planted bug: dropping the end-of-header bound in HeaderParser.peek() makes it
 * fail at iteration 69 with an ArrayIndexOutOfBoundsException.
 */
class SafeTensorsFuzzTest {
    private static final byte[] JSON_BYTES = "{}[]\":,-0123456789eE. \\u\u00ffFBIa_".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    @TempDir
    Path dir;

    @Test
    void mutatedAndTruncatedFilesOnlyEverThrowIOException() throws IOException {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("fc1.weight", Tensor.randn(DType.F32, Shape.of(3, 4), 1, 1));
        m.put("fc1.bias", Tensor.randn(DType.F32, Shape.of(3), 1, 2));
        m.put("s", Tensor.scalar(DType.F64, 2));
        m.put("empty", Tensor.zeros(DType.F32, 0, 5));
        Path valid = dir.resolve("valid.safetensors");
        SafeTensors.write(valid, m, Map.of("format", "pt"));
        byte[] original = Files.readAllBytes(valid);
        int headerEnd = 8 + (int) ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN).getLong(0);

        SplittableRandom r = new SplittableRandom(20261125);
        Path f = dir.resolve("fuzz.safetensors");
        int accepted = 0;
        int rejected = 0;
        for (int iter = 0; iter < 3000; iter++) {
            byte[] b = mutate(original, headerEnd, r);
            Files.write(f, b);
            try {
                SafeTensors.read(f);
                accepted++;
            } catch (IOException expected) {
                rejected++;
            } catch (Throwable t) {
                fail("iteration " + iter + " threw " + t + " for bytes " + Arrays.toString(b), t);
            }
        }
        // Both outcomes must occur, or the mutations are not exercising the reader.
        assertTrue(accepted > 50 && rejected > 1000, "accepted " + accepted + ", rejected " + rejected);
    }

    private static byte[] mutate(byte[] original, int headerEnd, SplittableRandom r) {
        byte[] b = original.clone();
        switch (r.nextInt(6)) {
            case 0 -> { // truncate anywhere
                return Arrays.copyOf(b, r.nextInt(b.length));
            }
            case 1 -> { // random bytes anywhere
                for (int k = 1 + r.nextInt(4); k > 0; k--) b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
            case 2 -> { // JSON-significant bytes inside the header
                for (int k = 1 + r.nextInt(3); k > 0; k--) {
                    b[8 + r.nextInt(headerEnd - 8)] = JSON_BYTES[r.nextInt(JSON_BYTES.length)];
                }
            }
            case 3 -> { // a wrong length prefix, small or huge
                long n = r.nextBoolean() ? r.nextLong(b.length + 16) : r.nextLong();
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
            }
            case 4 -> { // change a digit (shapes and offsets)
                for (int k = 1 + r.nextInt(2); k > 0; k--) {
                    int i = 8 + r.nextInt(headerEnd - 8);
                    if (b[i] >= '0' && b[i] <= '9') b[i] = (byte) ('0' + r.nextInt(10));
                }
            }
            default -> { // data-section bytes only: must still read
                b[headerEnd + r.nextInt(b.length - headerEnd)] ^= (byte) (1 + r.nextInt(255));
            }
        }
        return b;
    }
}
