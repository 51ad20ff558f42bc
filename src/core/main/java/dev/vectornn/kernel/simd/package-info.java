/**
 * Internal (not exported): the one float species every Vector API kernel uses, and vector
 * math (exp, log, tanh, erf, ...) built from basic lane-wise operations. Only code under
 * {@code dev.vectornn.kernel} may use it.
 */
package dev.vectornn.kernel.simd;
