/**
 * Neural-network modules that add nodes to a {@link dev.vectornn.graph.Graph} and own named
 * parameters with PyTorch's state-dict names, layouts and default initializations: Linear,
 * Perceptron, MLP, Embedding, positional encodings, LayerNorm, Dropout, RNN, LSTM,
 * MultiheadAttention and a pre-LayerNorm TransformerBlock. Depends on {@code graph} and {@code tensor}.
 */
package dev.vectornn.nn;
