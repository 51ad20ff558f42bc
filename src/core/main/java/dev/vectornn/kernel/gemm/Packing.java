package dev.vectornn.kernel.gemm;

import static dev.vectornn.kernel.gemm.VectorGemm.MR;
import static dev.vectornn.kernel.gemm.VectorGemm.NR;
import static dev.vectornn.kernel.simd.Simd.F;

import dev.vectornn.kernel.Transpose;
import dev.vectornn.kernel.simd.Simd;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Copies blocks of op(A) and op(B) into the panel layout the micro-kernels stream through,
 * whatever the operand's transpose, so one micro-kernel serves all four combinations.
 *
 * <p>A block of {@code mc x kc} becomes {@code ceil(mc/MR)} panels; panel {@code t} starts at
 * {@code t*MR*kc} and holds op(A)(t*MR + r, p) at {@code p*MR + r}. A block of {@code kc x nc}
 * becomes {@code ceil(nc/NR)} panels; panel {@code t} starts at {@code t*NR*kc} and holds
 * op(B)(p, t*NR + j) at {@code p*NR + j}. Rows/columns past the edge are zero, so edge tiles
 * run the same kernel and their padding never touches a valid element's sum.
 */
final class Packing {
    private Packing() {}

    private static final int L = Simd.LANES;

    /** The first {@code MR} lanes (all lanes when a panel is wider than a vector: then unused). */
    private static final VectorMask<Float> PANEL_ROWS = F.indexInRange(0, Math.min(MR, L));

    /** Packs op(A)(ic .. ic+mc, pc .. pc+kc) into {@code ap}. */
    static void packA(Transpose ta, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int base = ir * kc;
            if (ta == Transpose.N) {
                // Row r of the panel is contiguous in A: read it straight, write with stride MR.
                for (int r = 0; r < mr; r++) {
                    int src = aOff + (ic + ir + r) * lda + pc;
                    int dst = base + r;
                    for (int p = 0; p < kc; p++) {
                        ap[dst + p * MR] = a[src + p];
                    }
                }
            } else if (mr == MR && MR <= L) {
                // op(A)(i, p) = a[p*lda + i]: each p gives MR contiguous values, copied as one
                // vector whose lanes past MR spill into the next p's slots, written next. Only a
                // store that would pass the panel's end, or a load A's end, is masked: AVX2 has no
                // mask registers, and there a masked copy of every p ran 1.5x as long as the
                // element loop, the spilling copy 0.4x (Zen 3, 8 lanes, a 190 x 128 block of a
                // transposed A with lda 512: 35, 25 and 10.5 us). With masks (Zen 5, 16 lanes) the
                // masked copy beat the element loop: 512 x 128 x 768 TN 487 -> 475 us.
                int end = base + kc * MR, lastLoad = a.length - L;
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + ic + ir, dst = base + p * MR;
                    FloatVector v = src <= lastLoad
                            ? FloatVector.fromArray(F, a, src)
                            : FloatVector.fromArray(F, a, src, PANEL_ROWS);
                    if (dst + L <= end) {
                        v.intoArray(ap, dst);
                    } else {
                        v.intoArray(ap, dst, PANEL_ROWS);
                    }
                }
            } else {
                // the same, element by element: a partial panel, or a panel wider than a vector
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + ic + ir;
                    int dst = base + p * MR;
                    for (int r = 0; r < mr; r++) {
                        ap[dst + r] = a[src + r];
                    }
                }
            }
            if (mr < MR) {
                for (int p = 0; p < kc; p++) {
                    for (int r = mr; r < MR; r++) {
                        ap[base + p * MR + r] = 0f;
                    }
                }
            }
        }
    }

    /** Floats a {@link #packALower} buffer needs past its panels (whole vectors of a panel's last row). */
    static final int LOWER_SLACK = (MR + L - 1) / L * L;

    /**
     * Copies the lower triangle of A (block rows {@code ic .. ic+mc}, depths {@code pc .. pc+kc})
     * that the tiles of a {@link dev.vectornn.kernel.Triangle#LOWER_A} product read, with the
     * entries above A's diagonal that a tile still covers set to 0. As stored ({@link
     * Transpose#N}) the copy is row-major with row length {@code kc} (a row-kernel operand): row
     * {@code i} up to the end of its tile's range {@code p < i0 + MR}, by {@code System.arraycopy}.
     * Transposed, it is the packed panel layout from the tile's first depth {@code p >= i0} on,
     * one vector copy per {@code p} where A and {@code ap} (with {@link #LOWER_SLACK}) have room:
     * its spill past {@code MR} lands on the next {@code p}'s slots, written next, or on depths
     * the next panel never reads. Nothing else of the buffer is written.
     */
    static void packALower(Transpose ta, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int i0 = ic + ir, base = ir * kc;
            if (ta == Transpose.N) {
                int end = Math.min(kc, i0 + MR - pc);
                for (int r = 0; r < MR; r++) {
                    int row = base + r * kc;
                    int copied = r < mr ? Math.max(0, Math.min(end, i0 + r + 1 - pc)) : 0;
                    if (copied > 0) System.arraycopy(a, aOff + (i0 + r) * lda + pc, ap, row, copied);
                    for (int p = copied; p < end; p++) ap[row + p] = 0f;
                }
            } else {
                int lo = Math.max(0, i0 - pc);
                for (int p = lo; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + i0, dst = base + p * MR;
                    if (mr == MR && src + LOWER_SLACK <= a.length && dst + LOWER_SLACK <= ap.length) {
                        for (int v = 0; v < LOWER_SLACK; v += L) {
                            FloatVector.fromArray(F, a, src + v).intoArray(ap, dst + v);
                        }
                    } else {
                        for (int r = 0; r < mr; r++) ap[dst + r] = a[src + r];
                        for (int r = mr; r < MR; r++) ap[dst + r] = 0f;
                    }
                    // op(A)(i0 + r, pc + p) = A[pc + p][i0 + r] is above A's diagonal for i0 + r > pc + p
                    for (int r = Math.max(0, pc + p - i0 + 1); r < MR; r++) ap[dst + r] = 0f;
                }
            }
        }
    }

    /**
     * For the full panels of a {@link dev.vectornn.kernel.Triangle#LOWER_A} product whose A is
     * read in place, copies each panel's diagonal block: the depths of this k block where some but
     * not all of its {@code MR} rows of op(tril(A)) are nonzero ({@link #lowerDiagonalStart} to
     * {@link #lowerDiagonalEnd}, at most {@code MR - 1}), in the packed panel layout, with the
     * entries above A's diagonal set to 0. The panel at rows {@code ic + ir} starts at
     * {@code apOff + ir*dk}; {@code dk >= min(kc, MR - 1)}. The rest of a panel's range has all
     * rows nonzero and is read from A itself: this copies at most {@code MR*(MR - 1)} floats per
     * panel where {@link #packALower} copies the panel's whole triangle.
     */
    static void packLowerDiagonals(Transpose ta, float[] a, int aOff, int lda, int ic, int full, int pc, int kc,
                                   float[] ap, int apOff, int dk) {
        for (int ir = 0; ir < full; ir += MR) {
            int i = ic + ir, d0 = lowerDiagonalStart(ta, i, pc), d1 = lowerDiagonalEnd(ta, i, pc, kc);
            int base = apOff + ir * dk;
            for (int p = d0; p < d1; p++) {
                int dst = base + (p - d0) * MR;
                for (int r = 0; r < MR; r++) {
                    // op(tril(A))(i + r, p): A[i + r][p] as stored, A[p][i + r] transposed
                    if (ta == Transpose.N) {
                        ap[dst + r] = p <= i + r ? a[aOff + (i + r) * lda + p] : 0f;
                    } else {
                        ap[dst + r] = i + r <= p ? a[aOff + p * lda + i + r] : 0f;
                    }
                }
            }
        }
    }

    /**
     * First depth of the diagonal block of the panel at row {@code i} in the k block from
     * {@code pc}: as stored, row {@code i} is nonzero up to depth {@code i}, so the block starts
     * after it; transposed, rows {@code i + r} are nonzero from depth {@code i + r} on.
     */
    static int lowerDiagonalStart(Transpose ta, int i, int pc) {
        return Math.max(pc, ta == Transpose.N ? i + 1 : i);
    }

    /** End (exclusive) of the diagonal block that {@link #lowerDiagonalStart} begins, within the k block. */
    static int lowerDiagonalEnd(Transpose ta, int i, int pc, int kc) {
        return Math.min(pc + kc, ta == Transpose.N ? i + MR : i + MR - 1);
    }

    /**
     * Depths per block when packing a transposed B deeper than {@code 2 * T_BLOCK}. Measured on
     * Zen 4 at 512 bits, one thread: the MLP's forward products (NT, m 128, n 512, k 784 and 512)
     * ran 1.08x with blocks of 128 (1.06x with 64, 1.05x with 256); at k 200 blocks of 128 cost
     * 3 %, so shallower panels are filled in one pass.
     */
    static final int T_BLOCK = 128;

    /**
     * Packs op(B)(pc .. pc+kc, jc .. jc+nc) into {@code bp} from {@code bpOff}: panel by panel of
     * {@code NR} columns, each {@code kc} rows of {@code NR} (a partial panel zero-padded).
     */
    static void packB(Transpose tb, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp, int bpOff) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int base = bpOff + jr * kc;
            if (tb == Transpose.N) {
                int src = bOff + pc * ldb + jc + jr;
                if (nr == NR) {
                    for (int p = 0; p < kc; p++) {
                        int s = src + p * ldb;
                        int d = base + p * NR;
                        for (int v = 0; v < NR; v += L) {
                            FloatVector.fromArray(F, b, s + v).intoArray(bp, d + v);
                        }
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        int s = src + p * ldb;
                        int d = base + p * NR;
                        for (int j = 0; j < nr; j++) bp[d + j] = b[s + j];
                        for (int j = nr; j < NR; j++) bp[d + j] = 0f;
                    }
                }
            } else {
                // op(B)(p, j) = b[j*ldb + p]: each column j of the panel is a contiguous run of B.
                // A deep panel is filled T_BLOCK depths at a time, so that the panel rows being
                // written stay in L1 while all NR columns fill them
                int block = kc > 2 * T_BLOCK ? T_BLOCK : kc;
                for (int p0 = 0; p0 < kc; p0 += block) {
                    int p1 = Math.min(kc, p0 + block);
                    for (int j = 0; j < nr; j++) {
                        int s = bOff + (jc + jr + j) * ldb + pc;
                        int d = base + j;
                        for (int p = p0; p < p1; p++) {
                            bp[d + p * NR] = b[s + p];
                        }
                    }
                }
                if (nr < NR) {
                    for (int p = 0; p < kc; p++) {
                        for (int j = nr; j < NR; j++) bp[base + p * NR + j] = 0f;
                    }
                }
            }
        }
    }
}
