/**
 * Turns JMH's JSON into the Markdown table and history line {@code bench/run} writes: GFLOP/s,
 * GB/s or elements/s per kernel, vector/scalar ratios, GEMM as a share of the FMA peak measured in
 * the same run, and thread scaling. Reads the JSON with gson (a bench-only dependency).
 */
package dev.vectornn.bench.report;
