/**
 * Internal (not exported): GEMM and GEMV. A scalar reference and a packed, cache-blocked,
 * register-blocked, multi-threaded Vector API SGEMM in the BLIS/GotoBLAS spirit. Used only by
 * the kernel implementations in {@code dev.vectornn.kernel}.
 */
package dev.vectornn.kernel.gemm;
