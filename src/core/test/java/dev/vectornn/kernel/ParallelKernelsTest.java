package dev.vectornn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vectornn.kernel.parallel.Parallel;
import dev.vectornn.kernel.simd.Simd;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The multi-threaded Vector kernels give the same bits for every thread count: each kernel runs
 * at 1 thread (the serial path), then at 2 and 3, on sizes above its split threshold with odd
 * tails and odd offsets, and every array it writes must be bit-identical (raw float bits, so
 * -0 and NaN payloads count). Each case also checks, through {@link Parallel#sectionsRun}, that
 * the call above the threshold did split and that the one just below it did not, so these tests
 * exercise the parallel paths rather than pass on serial fallbacks.
 */
@ExtendWith(RestoreKernelThreads.class)
class ParallelKernelsTest {

    private static final int L = Simd.LANES;
    private static final int ARITH = (int) VectorParallel.MIN_ARITHMETIC;
    private static final int HEAVY = (int) VectorParallel.MIN_HEAVY;

    private final Kernels v = new VectorKernels();
    private final SplittableRandom rnd = new SplittableRandom(2026);
    /** A kernel call on fixed inputs that allocates its outputs afresh and returns every array it wrote. */
    private interface Call {
        float[][] run();
    }

    /**
     * Runs {@code call} at 1, 2 and 3 threads: the outputs must be bit-identical, and the calls at 2
     * and 3 threads must have run {@code sections} parallel sections each (0: the call must not split).
     */
    private static void check(String what, int sections, Call call) {
        KernelThreads.setThreads(1);
        long before = Parallel.sectionsRun();
        float[][] want = call.run();
        assertEquals(before, Parallel.sectionsRun(), what + ": one thread must not use the pool");
        for (int t : new int[] {2, 3}) {
            KernelThreads.setThreads(t);
            before = Parallel.sectionsRun();
            float[][] got = call.run();
            assertEquals(sections, Parallel.sectionsRun() - before, what + " threads=" + t + ": parallel sections run");
            assertBits(what + " threads=" + t, want, got);
        }
    }

    private static void assertBits(String what, float[][] want, float[][] got) {
        assertEquals(want.length, got.length, what);
        for (int a = 0; a < want.length; a++) {
            if (want[a] == null && got[a] == null) continue;
            assertEquals(want[a].length, got[a].length, what + " output " + a);
            for (int i = 0; i < want[a].length; i++) {
                int w = Float.floatToRawIntBits(want[a][i]), g = Float.floatToRawIntBits(got[a][i]);
                if (w != g) {
                    fail(what + ": output " + a + " differs at " + i + " of " + want[a].length + ": "
                            + want[a][i] + " with one thread, " + got[a][i] + " split");
                }
            }
        }
    }

    private float[] random(int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        return a;
    }

    /** Element counts around a threshold: just below (no split) and above it with an odd tail. */
    private static int[][] around(int min) {
        return new int[][] {{min - 1, 0}, {min + 3 * 1024 + 2 * L + 3, 1}, {7 * min + 5, 1}};
    }

    @Test
    void level1() {
        for (int[] c : around(ARITH)) {
            int n = c[0];
            float[] x = random(n + 3, -2, 2), y0 = random(n + 5, -2, 2);
            check("axpy n=" + n, c[1], () -> {
                float[] y = y0.clone();
                v.axpy(n, 0.7f, x, 3, y, 5);
                return new float[][] {y};
            });
            check("scale n=" + n, c[1], () -> {
                float[] y = y0.clone();
                v.scale(n, -1.3f, x, 3, y, 5);
                return new float[][] {y};
            });
            check("fill n=" + n, c[1], () -> {
                float[] y = y0.clone();
                v.fill(n, 2.5f, y, 5);
                return new float[][] {y};
            });
        }
    }

    @Test
    void addRows() {
        // a word-LM bias gradient shape (scaled down), GPT-like 96 x 128, one column block plus a
        // tail, parts above the column walk's limit at 2 threads and below it at 3 (2.1 M
        // elements: both ways of summing a part), and just under the threshold
        int[][] shapes = {{70, 3327, 1}, {768, 128, 1}, {40, 1024 + L + 3, 1}, {520, 4099, 1}, {4, ARITH / 4 - 1, 0}};
        Kernels scalar = KernelProvider.scalar();
        for (int[] sh : shapes) {
            int rows = sh[0], cols = sh[1], lda = cols + 3;
            float[] a = random(rows * lda + 2, -1, 1), y0 = random(cols + 5, -1, 1);
            String s = rows + "x" + cols;
            // the bits of one axpy per row, in order, on either implementation (an alpha whose
            // products round, so a fused multiply-add would show)
            float[] want = y0.clone(), got = y0.clone(), gotScalar = y0.clone();
            KernelThreads.setThreads(1);
            for (int r = 0; r < rows; r++) v.axpy(cols, -0.3f, a, 2 + r * lda, want, 5);
            v.addRows(rows, cols, -0.3f, a, 2, lda, got, 5);
            scalar.addRows(rows, cols, -0.3f, a, 2, lda, gotScalar, 5);
            assertBits("addRows " + s + " against axpy per row", new float[][] {want}, new float[][] {got});
            assertBits("scalar addRows " + s + " against axpy per row", new float[][] {want}, new float[][] {gotScalar});
            check("addRows " + s, sh[2], () -> {
                float[] y = y0.clone();
                v.addRows(rows, cols, -0.3f, a, 2, lda, y, 5);
                return new float[][] {y};
            });
        }
    }

    @Test
    void gatherRows() {
        // the attention head split [B, T, H, D] -> [B, H, T, D] (scaled down), a strided gather,
        // and just under the threshold; each copying and accumulating
        int[][] shapes = {{8, 64, 4, 32, 1, 1}, {6, 40, 4, 40, 3, 1}, {2, 8, 2, ARITH / 32 - 1, 1, 0}};
        Kernels scalar = KernelProvider.scalar();
        for (int[] sh : shapes) {
            int b = sh[0], t = sh[1], h = sh[2], d = sh[3], inc = sh[4];
            int rows = b * h * t, cols = d, srcLen = b * t * h * d * inc + 7;
            int[] offsets = new int[rows];
            for (int bi = 0, r = 0; bi < b; bi++) {
                for (int hi = 0; hi < h; hi++) {
                    for (int ti = 0; ti < t; ti++) offsets[r++] = ((bi * t + ti) * h + hi) * d * inc;
                }
            }
            float[] src = random(srcLen, -1, 1), y0 = random(rows * cols + 9, -1, 1);
            for (boolean acc : new boolean[] {false, true}) {
                String s = rows + "x" + cols + " inc " + inc + (acc ? " accumulating" : "");
                float[] want = y0.clone(), gotScalar = y0.clone();
                for (int r = 0; r < rows; r++) {
                    for (int i = 0; i < cols; i++) {
                        float x = src[3 + offsets[r] + i * inc];
                        want[4 + r * cols + i] = acc ? want[4 + r * cols + i] + x : x;
                    }
                }
                scalar.gatherRows(rows, cols, src, 3, offsets, inc, gotScalar, 4, acc);
                assertBits("scalar gatherRows " + s + " against the definition", new float[][] {want}, new float[][] {gotScalar});
                KernelThreads.setThreads(1);
                float[] got = y0.clone();
                v.gatherRows(rows, cols, src, 3, offsets, inc, got, 4, acc);
                assertBits("gatherRows " + s + " against the definition", new float[][] {want}, new float[][] {got});
                check("gatherRows " + s, sh[5], () -> {
                    float[] y = y0.clone();
                    v.gatherRows(rows, cols, src, 3, offsets, inc, y, 4, acc);
                    return new float[][] {y};
                });
            }
        }
    }

    @Test
    void dotAndSum() {
        // chunk counts: below the threshold, a partial last chunk, and many chunks with an odd tail
        int[][] cases = {{ARITH - 1, 0}, {ARITH + 4096 + 17, 1}, {61 * 4096 + 2 * L + 5, 1}};
        for (int[] c : cases) {
            int n = c[0];
            float[] x = random(n + 3, -2, 2), y = random(n + 5, -2, 2);
            check("dot n=" + n, c[1], () -> new float[][] {{v.dot(n, x, 3, y, 5)}});
            check("sum n=" + n, c[1], () -> new float[][] {{v.sum(n, x, 3)}});
            // the split result is the serial chunk loop's: float chunk sums added in double, in order
            double total = 0;
            for (int start = 0; start < n; start += 4096) {
                total += VectorKernels.sumChunk(Math.min(4096, n - start), x, 3 + start);
            }
            KernelThreads.setThreads(2);
            assertEquals((float) total, v.sum(n, x, 3), "sum n=" + n + " against the chunk loop");
        }
    }

    @Test
    void binaryAndBroadcasts() {
        for (int[] c : around(ARITH)) {
            int n = c[0];
            float[] a = random(n + 1, -3, 3), b = random(n + 2, 0.5, 2);
            for (BinaryOp op : BinaryOp.values()) {
                check("binary " + op + " n=" + n, c[1], () -> {
                    float[] out = new float[n + 3];
                    v.binary(op, n, a, 1, b, 2, out, 3);
                    return new float[][] {out};
                });
            }
        }
        // broadcasts split rows: 37 rows of 1003 columns, and a shape just under the threshold
        int[][] shapes = {{37, 1003, 1}, {3, ARITH / 3 - 1, 0}, {2, ARITH + 5, 1}};
        for (int[] sh : shapes) {
            int rows = sh[0], cols = sh[1], ld = cols + 2;
            float[] a = random(rows * ld + 1, -3, 3), row = random(cols + 1, 0.5, 2), col = random(rows + 1, 0.5, 2);
            for (BinaryOp op : BinaryOp.values()) {
                String s = rows + "x" + cols + " " + op;
                check("binaryRow " + s, sh[2], () -> {
                    float[] out = new float[rows * ld + 2];
                    v.binaryRow(op, rows, cols, a, 1, ld, row, 1, out, 2, ld);
                    return new float[][] {out};
                });
                check("binaryCol " + s, sh[2], () -> {
                    float[] out = new float[rows * ld + 2];
                    v.binaryCol(op, rows, cols, a, 1, ld, col, 1, out, 2, ld);
                    return new float[][] {out};
                });
            }
        }
    }

    @Test
    void unaryAndBackward() {
        for (UnaryOp op : UnaryOp.values()) {
            boolean cheap = op == UnaryOp.NEG || op == UnaryOp.SQUARE || op == UnaryOp.SQRT || op == UnaryOp.RELU;
            boolean cheapBackward = op != UnaryOp.GELU && op != UnaryOp.GELU_TANH;
            boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT;
            for (boolean backward : new boolean[] {false, true}) {
                int min = (backward ? cheapBackward : cheap) ? ARITH : HEAVY;
                for (int[] c : around(min)) {
                    int n = c[0];
                    float[] x = positive ? random(n + 1, 0.01, 30) : random(n + 1, -12, 12);
                    float[] y = new float[n + 2];
                    v.unary(op, n, x, 1, y, 2);
                    float[] dy = random(n + 3, -1, 1);
                    String s = (backward ? "unaryBackward " : "unary ") + op + " n=" + n;
                    check(s, c[1], () -> {
                        float[] out = new float[n + 4];
                        if (backward) v.unaryBackward(op, n, x, 1, y, 2, dy, 3, out, 4);
                        else v.unary(op, n, x, 1, out, 4);
                        return new float[][] {out};
                    });
                }
            }
        }
        // in place: each range reads and writes only its own elements
        int n = 3 * HEAVY + 7;
        float[] x0 = random(n, -5, 5);
        check("unary GELU in place", 1, () -> {
            float[] x = x0.clone();
            v.unary(UnaryOp.GELU, n, x, 0, x, 0);
            return new float[][] {x};
        });
    }

    @Test
    void geluWithDerivative() {
        for (int[] c : around(HEAVY)) {
            int n = c[0];
            float[] x = random(n + 1, -12, 12);
            check("geluWithDerivative n=" + n, c[1], () -> {
                float[] y = new float[n + 2], d = new float[n + 3];
                v.geluWithDerivative(n, x, 1, y, 2, d, 3);
                return new float[][] {y, d};
            });
        }
        int n = 3 * HEAVY + 7;
        float[] x0 = random(n, -5, 5);
        check("geluWithDerivative in place", 1, () -> {
            float[] x = x0.clone(), d = new float[n];
            v.geluWithDerivative(n, x, 0, x, 0, d, 0);
            return new float[][] {x, d};
        });
    }

    @Test
    void softmaxFamily() {
        // rows x cols (ld = cols + 1): a word-LM-like row length, short rows, one row (never split),
        // and just under the threshold
        int[][] shapes = {{5, 33278 / 4 + 1, 1}, {129, 67, 1}, {1, 3 * HEAVY, 0}, {2, HEAVY / 2 - 1, 0}};
        for (int[] sh : shapes) {
            int rows = sh[0], cols = sh[1], ld = cols + 1, split = sh[2];
            float[] x = random(rows * ld + 1, -8, 8);
            String s = rows + "x" + cols;
            check("softmax " + s, split, () -> {
                float[] y = new float[rows * ld + 2];
                v.softmax(rows, cols, x, 1, ld, y, 2, ld);
                return new float[][] {y};
            });
            check("logSoftmax " + s, split, () -> {
                float[] y = new float[rows * ld + 2];
                v.logSoftmax(rows, cols, x, 1, ld, y, 2, ld);
                return new float[][] {y};
            });
            float[] y = new float[rows * ld], lp = new float[rows * ld];
            v.softmax(rows, cols, x, 1, ld, y, 0, ld);
            v.logSoftmax(rows, cols, x, 1, ld, lp, 0, ld);
            float[] dy = random(rows * ld + 3, -1, 1);
            boolean arithSplit = (long) rows * cols >= ARITH && rows > 1;
            check("softmaxBackward " + s, arithSplit ? 1 : 0, () -> {
                float[] dx = new float[rows * ld + 1];
                v.softmaxBackward(rows, cols, y, 0, ld, dy, 3, ld, dx, 1, ld);
                return new float[][] {dx};
            });
            check("logSoftmaxBackward " + s, split, () -> {
                float[] dx = new float[rows * ld + 1];
                v.logSoftmaxBackward(rows, cols, lp, 0, ld, dy, 3, ld, dx, 1, ld);
                return new float[][] {dx};
            });
            check("logSoftmaxBackward in place " + s, split, () -> {
                float[] d = dy.clone();
                v.logSoftmaxBackward(rows, cols, lp, 0, ld, d, 3, ld, d, 3, ld);
                return new float[][] {d};
            });
        }
    }

    /** Both forms of the cross-entropy VJP (from a saved log-softmax, from logits and their row statistics) and the statistics. */
    @Test
    void crossEntropyBackward() {
        // word-LM rows (split), short rows, and one row (never split)
        int[][] shapes = {{6, 33278 / 3 + 1, 1}, {129, 67, 1}, {1, 3 * HEAVY, 0}};
        for (int[] sh : shapes) {
            int rows = sh[0], classes = sh[1], split = sh[2];
            float[] lp = random(rows * classes + 1, -12, 0);
            float[] x = random(rows * classes + 1, -8, 8);
            int[] t = new int[rows];
            for (int r = 0; r < rows; r++) t[r] = r % 5 == 3 ? -100 : (r * 7919) % classes;
            float[] start = random(rows * classes + 2, -1, 1);
            check("logSoftmaxStats " + rows + "x" + classes, split, () -> {
                float[] st = new float[3 * rows];
                v.logSoftmaxStats(rows, classes, x, 1, classes, st, 0);
                return new float[][] {st};
            });
            float[] st = new float[3 * rows];
            v.logSoftmaxStats(rows, classes, x, 1, classes, st, 0);
            for (boolean acc : new boolean[] {false, true}) {
                check("crossEntropyBackward " + rows + "x" + classes + " acc=" + acc, split, () -> {
                    float[] dx = start.clone();
                    v.crossEntropyBackward(rows, classes, lp, 1, t, 0, -100, 0.1f, 1f / rows, dx, 2, acc);
                    return new float[][] {dx};
                });
                check("crossEntropyBackward from logits " + rows + "x" + classes + " acc=" + acc, split, () -> {
                    float[] dx = start.clone();
                    v.crossEntropyBackward(rows, classes, x, 1, st, 0, t, 0, -100, 0.1f, 1f / rows, dx, 2, acc);
                    return new float[][] {dx};
                });
            }
        }
    }

    @Test
    void layerNorm() {
        // 77 x 203 (odd tails), a GPT-like 96 x 128, and just under the threshold
        int[][] shapes = {{77, 203, 1}, {96, 128, 1}, {2, HEAVY / 2 - 1, 0}};
        for (int[] sh : shapes) {
            int rows = sh[0], cols = sh[1], n = rows * cols, split = sh[2];
            float[] x = random(n + 1, -3, 7), gamma = random(cols + 2, 0.5, 1.5), beta = random(cols + 3, -1, 1);
            for (boolean affine : new boolean[] {true, false}) {
                String s = rows + "x" + cols + (affine ? " affine" : "");
                float[] g = affine ? gamma : null, b = affine ? beta : null;
                check("layerNorm " + s, split, () -> {
                    float[] y = new float[n + 4], mean = new float[rows + 5], rstd = new float[rows + 6];
                    v.layerNorm(rows, cols, x, 1, g, 2, b, 3, 1e-5f, y, 4, mean, 5, rstd, 6);
                    return new float[][] {y, mean, rstd};
                });
                check("layerNorm no stats " + s, split, () -> {
                    float[] y = new float[n + 4];
                    v.layerNorm(rows, cols, x, 1, g, 2, b, 3, 1e-5f, y, 4, null, 0, null, 0);
                    return new float[][] {y};
                });
                float[] mean = new float[rows], rstd = new float[rows];
                v.layerNorm(rows, cols, x, 1, g, 2, b, 3, 1e-5f, new float[n], 0, mean, 0, rstd, 0);
                float[] dy = random(n + 7, -1, 1), dg0 = random(cols + 1, -1, 1), db0 = random(cols + 2, -1, 1);
                // with parameter gradients: a column section, then a row section
                check("layerNormBackward " + s, 2 * split, () -> {
                    float[] dx = new float[n + 3], dg = dg0.clone(), db = db0.clone();
                    v.layerNormBackward(rows, cols, dy, 7, x, 1, mean, 0, rstd, 0, g, 2, dx, 3, dg, 1, db, 2);
                    return new float[][] {dx, dg, db};
                });
                check("layerNormBackward dgamma only " + s, 2 * split, () -> {
                    float[] dx = new float[n + 3], dg = dg0.clone();
                    v.layerNormBackward(rows, cols, dy, 7, x, 1, mean, 0, rstd, 0, g, 2, dx, 3, dg, 1, null, 0);
                    return new float[][] {dx, dg};
                });
                check("layerNormBackward dbeta only " + s, 2 * split, () -> {
                    float[] dx = new float[n + 3], db = db0.clone();
                    v.layerNormBackward(rows, cols, dy, 7, x, 1, mean, 0, rstd, 0, g, 2, dx, 3, null, 0, db, 2);
                    return new float[][] {dx, db};
                });
                check("layerNormBackward no parameter gradients " + s, split, () -> {
                    float[] dx = new float[n + 3];
                    v.layerNormBackward(rows, cols, dy, 7, x, 1, mean, 0, rstd, 0, g, 2, dx, 3, null, 0, null, 0);
                    return new float[][] {dx};
                });
                // dx overwriting dy: the column pass must read dy before any row of dx is written
                check("layerNormBackward dx = dy " + s, 2 * split, () -> {
                    float[] d = dy.clone(), dg = dg0.clone(), db = db0.clone();
                    v.layerNormBackward(rows, cols, d, 7, x, 1, mean, 0, rstd, 0, g, 2, d, 7, dg, 1, db, 2);
                    return new float[][] {d, dg, db};
                });
            }
        }
    }

    @Test
    void attentionSoftmax() {
        // square score matrices; rows not a multiple of L, and one just under the threshold
        int[][] shapes = {{3 * L * 5 + 7, 1}, {128, 1}, {(int) Math.sqrt(HEAVY) - 1, 0}};
        for (int[] sh : shapes) {
            int t = sh[0], n = t * t;
            float[] x = random(n + 1, -4, 4), mask = new float[t + 2];
            mask[2 + 1] = 1;
            mask[2 + t / 2] = 1;
            for (boolean causal : new boolean[] {false, true}) {
                for (boolean masked : new boolean[] {false, true}) {
                    float[] km = masked ? mask : null;
                    long work = (long) n / (causal ? 2 : 1);
                    int split = sh[1] == 1 && work >= HEAVY ? 1 : 0;
                    String s = t + "x" + t + (causal ? " causal" : "") + (masked ? " masked" : "");
                    check("attentionSoftmax " + s, split, () -> {
                        float[] y = new float[n + 3];
                        v.attentionSoftmax(t, t, 0.125f, causal, x, 1, km, 2, y, 3);
                        return new float[][] {y};
                    });
                    float[] y = new float[n];
                    v.attentionSoftmax(t, t, 0.125f, causal, x, 1, km, 2, y, 0);
                    float[] dy = random(n + 4, -1, 1);
                    check("attentionSoftmaxBackward " + s, split, () -> {
                        float[] dx = new float[n + 5];
                        v.attentionSoftmaxBackward(t, t, 0.125f, causal, y, 0, dy, 4, km, 2, dx, 5);
                        return new float[][] {dx};
                    });
                }
            }
        }
    }

    @Test
    void attentionSoftmaxBatched() {
        // batch x (t x t), heads sharing a mask row: 64 x 64 causal heads (too small to split alone,
        // split as a batch), a batch just under the threshold, and a batch of one large matrix
        int[][] shapes = {{12, 64, 4, 1}, {(int) (HEAVY / (64 * 64 / 2)) - 1, 64, 1, 0}, {1, 131, 1, 1}};
        for (int[] sh : shapes) {
            int batch = sh[0], t = sh[1], perMask = sh[2], size = t * t, n = batch * size;
            int maskRows = (batch + perMask - 1) / perMask;
            float[] x = random(n + 1, -4, 4), mask = new float[maskRows * t + 2];
            for (int r = 0; r < maskRows; r++) {
                mask[2 + r * t + (r % t)] = 1;           // a different key masked in each mask row
                if (r % 3 == 0) mask[2 + r * t] = 1;     // and, in some, the first key: a blind first row
            }
            for (boolean masked : new boolean[] {false, true}) {
                float[] km = masked ? mask : null;
                String s = batch + "x" + t + "x" + t + " causal" + (masked ? " masked" : "");
                // one thread: exactly a loop of single calls
                KernelThreads.setThreads(1);
                float[] want = new float[n + 3], got = new float[n + 3];
                for (int i = 0; i < batch; i++) {
                    v.attentionSoftmax(t, t, 0.125f, true, x, 1 + i * size, km, 2 + (i / perMask) * t, want, 3 + i * size);
                }
                v.attentionSoftmaxBatched(batch, t, t, 0.125f, true, x, 1, km, 2, perMask, got, 3);
                assertBits("attentionSoftmaxBatched " + s + " against single calls", new float[][] {want}, new float[][] {got});
                check("attentionSoftmaxBatched " + s, sh[3], () -> {
                    float[] y = new float[n + 3];
                    v.attentionSoftmaxBatched(batch, t, t, 0.125f, true, x, 1, km, 2, perMask, y, 3);
                    return new float[][] {y};
                });
                float[] dy = random(n + 4, -1, 1);
                KernelThreads.setThreads(1);
                float[] wantDx = new float[n + 5], gotDx = new float[n + 5];
                for (int i = 0; i < batch; i++) {
                    v.attentionSoftmaxBackward(t, t, 0.125f, true, want, 3 + i * size, dy, 4 + i * size, km,
                            2 + (i / perMask) * t, wantDx, 5 + i * size);
                }
                v.attentionSoftmaxBackwardBatched(batch, t, t, 0.125f, true, want, 3, dy, 4, km, 2, perMask, gotDx, 5);
                assertBits("attentionSoftmaxBackwardBatched " + s + " against single calls", new float[][] {wantDx},
                        new float[][] {gotDx});
                check("attentionSoftmaxBackwardBatched " + s, sh[3], () -> {
                    float[] dx = new float[n + 5];
                    v.attentionSoftmaxBackwardBatched(batch, t, t, 0.125f, true, want, 3, dy, 4, km, 2, perMask, dx, 5);
                    return new float[][] {dx};
                });
            }
        }
    }

    @Test
    void lstmCell() {
        // word-LM-like 20 x 200, odd 13 x 203, and just under the threshold
        int[][] shapes = {{20, 200, 1}, {13, 203, 1}, {2, HEAVY / 8 - 1, 0}};
        for (int[] sh : shapes) {
            int rows = sh[0], hs = sh[1], n = rows * hs, split = sh[2];
            float[] gates = random(4 * n + 1, -4, 4), cPrev0 = random(n + 2, -2, 2);
            for (boolean zeroState : new boolean[] {false, true}) {
                float[] cPrev = zeroState ? null : cPrev0;
                String s = rows + "x" + hs + (zeroState ? " zero state" : "");
                check("lstmCell " + s, split, () -> {
                    float[] act = new float[4 * n + 3], tc = new float[n + 4], h = new float[n + 5], c = new float[n + 6];
                    v.lstmCell(rows, hs, gates, 1, cPrev, 2, act, 3, tc, 4, h, 5, c, 6);
                    return new float[][] {act, tc, h, c};
                });
                float[] act = new float[4 * n], tc = new float[n];
                v.lstmCell(rows, hs, gates, 1, cPrev, 2, act, 0, tc, 0, new float[n], 0, new float[n], 0);
                float[] dh = random(n + 1, -1, 1), dc = random(n + 2, -1, 1);
                check("lstmCellBackward " + s, split, () -> {
                    float[] dg = new float[4 * n + 2], dcp = zeroState ? null : new float[n + 3];
                    v.lstmCellBackward(rows, hs, act, 0, tc, 0, cPrev, 2, dh, 1, dc, 2, dg, 2, dcp, 3);
                    return new float[][] {dg, dcp};
                });
            }
        }
    }

    @Test
    void optimizers() {
        for (int[] c : around(ARITH)) {
            int n = c[0];
            float[] p0 = random(n + 1, -1, 1), g = random(n + 2, -1, 1), buf0 = random(n + 3, -1, 1);
            for (int variant = 0; variant < 4; variant++) {
                boolean nesterov = variant == 1, first = variant == 2;
                float momentum = variant == 3 ? 0f : 0.9f, wd = variant == 0 ? 0f : 0.01f;
                check("sgd n=" + n + " variant " + variant, c[1], () -> {
                    float[] p = p0.clone(), buf = momentum == 0 ? null : buf0.clone();
                    v.sgdUpdate(n, p, 1, g, 2, buf, 3, 0.1f, momentum, 0f, wd, nesterov, first);
                    return new float[][] {p, buf};
                });
            }
        }
        for (int[] c : around(HEAVY)) {
            int n = c[0];
            float[] p0 = random(n + 1, -1, 1), g = random(n + 2, -1, 1);
            float[] m0 = random(n + 3, -0.1, 0.1), v0 = random(n + 4, 0, 0.01), x0 = random(n + 5, 0, 0.01);
            for (int variant = 0; variant < 4; variant++) {
                boolean decoupled = variant % 2 == 0, ams = variant >= 2;
                check("adam n=" + n + " variant " + variant, c[1], () -> {
                    float[] p = p0.clone(), m = m0.clone(), vv = v0.clone(), vmax = ams ? x0.clone() : null;
                    v.adamUpdate(n, p, 1, g, 2, m, 3, vv, 4, vmax, 5, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, 7);
                    return new float[][] {p, m, vv, vmax};
                });
            }
        }
    }

    /**
     * A kernel called while the pool is taken, by another thread or by the caller itself (a kernel
     * inside a parallel task), runs inline, with the same bits, and without a deadlock.
     */
    @Test
    void busyOrNestedPoolRunsInline() throws InterruptedException {
        int n = 5 * HEAVY + 3;
        float[] x = random(n, -6, 6);
        KernelThreads.setThreads(1);
        float[] want = new float[n];
        v.unary(UnaryOp.GELU, n, x, 0, want, 0);
        KernelThreads.setThreads(2);

        // the caller holds the pool (as part 0 of a section does)
        assertTrue(Parallel.tryAcquire());
        try {
            assertTrue(!Parallel.tryAcquire(), "the pool must not be re-entered by its holder");
            long before = Parallel.sectionsRun();
            float[] got = new float[n];
            v.unary(UnaryOp.GELU, n, x, 0, got, 0);
            assertEquals(before, Parallel.sectionsRun(), "a nested call must run inline");
            assertBits("GELU nested", new float[][] {want}, new float[][] {got});
        } finally {
            Parallel.release();
        }

        // another thread holds the pool
        CountDownLatch held = new CountDownLatch(1), done = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            if (!Parallel.tryAcquire()) throw new AssertionError("pool busy");
            try {
                held.countDown();
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                Parallel.release();
            }
        });
        holder.start();
        held.await();
        try {
            long before = Parallel.sectionsRun();
            float[] got = new float[n];
            v.unary(UnaryOp.GELU, n, x, 0, got, 0);
            assertEquals(before, Parallel.sectionsRun(), "a call finding the pool busy must run inline");
            assertBits("GELU pool busy", new float[][] {want}, new float[][] {got});
        } finally {
            done.countDown();
            holder.join();
        }
    }

    /** Kernels running concurrently from several user threads, each splitting when it gets the pool, all stay correct. */
    @Test
    void concurrentCallersGetTheirOwnResults() throws InterruptedException {
        int n = 4 * ARITH + 11, rows = 40, cols = 1003;
        float[] x = random(n, -6, 6), sx = random(rows * cols, -5, 5);
        KernelThreads.setThreads(1);
        float[] wantU = new float[n], wantS = new float[rows * cols];
        v.unary(UnaryOp.TANH, n, x, 0, wantU, 0);
        v.logSoftmax(rows, cols, sx, 0, cols, wantS, 0, cols);
        KernelThreads.setThreads(2);
        List<Throwable> errors = new ArrayList<>();
        Thread[] ts = new Thread[3];
        for (int i = 0; i < ts.length; i++) {
            boolean unary = i % 2 == 0;
            ts[i] = new Thread(() -> {
                try {
                    for (int rep = 0; rep < 40; rep++) {
                        if (unary) {
                            float[] got = new float[n];
                            v.unary(UnaryOp.TANH, n, x, 0, got, 0);
                            assertBits("concurrent tanh", new float[][] {wantU}, new float[][] {got});
                        } else {
                            float[] got = new float[rows * cols];
                            v.logSoftmax(rows, cols, sx, 0, cols, got, 0, cols);
                            assertBits("concurrent logSoftmax", new float[][] {wantS}, new float[][] {got});
                        }
                    }
                } catch (Throwable e) {
                    synchronized (errors) {
                        errors.add(e);
                    }
                }
            });
            ts[i].start();
        }
        for (Thread t : ts) t.join();
        if (!errors.isEmpty()) {
            AssertionError e = new AssertionError(errors.size() + " caller(s) failed", errors.get(0));
            throw e;
        }
    }
}
