package dev.vectornn.tensor;

/**
 * Thrown when shapes do not fit together: an op's arguments when a graph is built, a fed array
 * when a plan runs, or tensor construction. The message names the operation, the argument, the
 * shapes at fault and, for graph ops, the line of user code that built the op.
 */
public class ShapeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** An exception with the given, complete message. */
    public ShapeException(String message) {
        super(message);
    }
}
