/**
 * JMH benchmarks of vectornn's kernels: the FMA-peak probe, every {@code Kernels} method scalar
 * vs vector, and GEMM on square and LSTM/attention shapes. Depends on the public
 * {@code dev.vectornn.kernel} API only; run through {@code bench/run} (see bench/README.md).
 */
package dev.vectornn.bench;
