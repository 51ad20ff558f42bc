/**
 * Language models end to end. Data: corpora read with validation ({@link dev.vectornn.lm.Corpus}),
 * character- and word-level tokenizers with their vocabularies and vocabulary files, one token
 * stream per split ({@link dev.vectornn.lm.LmDataset}), and two batchers (nanoGPT-style random
 * windows; pytorch/examples-style batchify + bptt windows). Models: {@link
 * dev.vectornn.lm.GptLanguageModel} and {@link dev.vectornn.lm.LstmLanguageModel}, sized by
 * {@link dev.vectornn.lm.ModelConfig}. Training: {@link dev.vectornn.lm.Trainer} with its
 * {@link dev.vectornn.lm.TrainConfig} (optimizer, schedule, clipping, evaluation), atomic
 * safetensors {@link dev.vectornn.lm.Checkpoint}s that resume bit for bit, and sampling with
 * {@link dev.vectornn.lm.TextGenerator}. Built on {@code dev.vectornn.nn}, {@code .graph},
 * {@code .optim}, {@code .tensor} and {@code .io}; nothing beyond the JDK.
 */
package dev.vectornn.lm;
