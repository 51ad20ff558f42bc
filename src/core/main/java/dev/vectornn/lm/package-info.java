/**
 * Language-model data: corpora read with validation ({@link dev.vectornn.lm.Corpus}), character- and
 * word-level tokenizers with their vocabularies and vocabulary files, one token stream per split
 * ({@link dev.vectornn.lm.LmDataset}), and the two batchers: nanoGPT-style random windows and
 * pytorch/examples-style batchify + bptt windows. Depends on {@code dev.vectornn.io} and the JDK only.
 */
package dev.vectornn.lm;
