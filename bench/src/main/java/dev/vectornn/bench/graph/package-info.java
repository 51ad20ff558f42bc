/**
 * JMH benchmarks of the graph executor: per-op overhead on tiny tensors (the regime of small
 * LSTM and attention steps), a compiled MLP and an unrolled RNN training step, whose {@code -prof gc}
 * {@code gc.alloc.rate.norm} shows that a steady step allocates nothing. Depends on the public
 * {@code dev.vectornn.graph}, {@code tensor} and {@code kernel} APIs; select with
 * {@code bench/run '\.graph\.'}.
 */
package dev.vectornn.bench.graph;
