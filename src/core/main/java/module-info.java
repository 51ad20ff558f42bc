/**
 * vectornn: a pure-Java deep-learning runtime whose numeric primitives use the Java Vector API.
 *
 * <p>The incubator module is optional at run time ({@code requires static}): without
 * {@code --add-modules jdk.incubator.vector} the kernel provider falls back to the scalar
 * kernels and says so once through {@link System.Logger}.
 */
module dev.vectornn {
    requires static jdk.incubator.vector;
    requires java.management;

    exports dev.vectornn.kernel;
    exports dev.vectornn.tensor;
    exports dev.vectornn.graph;
    exports dev.vectornn.io;
    exports dev.vectornn.optim;
    exports dev.vectornn.nn;
    exports dev.vectornn.lm;
}
