/**
 * Plain data: {@link dev.vectornn.tensor.Shape}, {@link dev.vectornn.tensor.DType} and
 * {@link dev.vectornn.tensor.Tensor} (a shape plus contiguous row-major storage). No math lives
 * here beyond element access; computation goes through {@code dev.vectornn.kernel}. Depends only
 * on the JDK.
 */
package dev.vectornn.tensor;
