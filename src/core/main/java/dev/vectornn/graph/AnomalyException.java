package dev.vectornn.graph;

/**
 * Thrown by a plan compiled with anomaly mode on when an op's output (forward) or an input
 * gradient it wrote (backward) holds NaN or an infinity. The message names the op, the line of
 * user code that built it, its inputs' shapes and the first bad element.
 */
public final class AnomalyException extends ArithmeticException {
    private static final long serialVersionUID = 1L;

    /** An exception with the given, complete message. */
    public AnomalyException(String message) {
        super(message);
    }
}
