package dev.vectornn.graph;

/**
 * Anomaly mode's checks: after an op's forward, its output must be finite; after its VJP, every
 * input gradient it wrote must be. The messages name the op, its call site, its inputs' shapes
 * and the first bad element, which is what one needs to find where a NaN was born.
 */
final class Anomalies {
    private Anomalies() {}

    static void checkForward(Frame f) {
        int bad = f.b.firstNonFinite(f.n(), f.out, f.outOff);
        if (bad >= 0) {
            throw new AnomalyException(f.op.name() + " (built at " + f.node.callSite + ") produced "
                    + f.b.get(f.out, f.outOff + bad) + " at flat index " + bad + " of its output " + f.outShape
                    + "; inputs: " + describeInputs(f));
        }
    }

    static void checkBackward(Frame f) {
        for (int s = 0; s < f.in.length; s++) {
            if (!f.needGrad[s]) continue;
            int n = f.inShapes[s].numel();
            int bad = f.b.firstNonFinite(n, f.gIn[s], f.gInOff[s]);
            if (bad >= 0) {
                throw new AnomalyException("backward of " + f.op.name() + " (built at " + f.node.callSite
                        + ") wrote " + f.b.get(f.gIn[s], f.gInOff[s] + bad) + " at flat index " + bad
                        + " of the gradient of " + f.op.argName(s) + "; inputs: " + describeInputs(f));
            }
        }
    }

    private static String describeInputs(Frame f) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < f.in.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(f.op.argName(i)).append(' ').append(f.inShapes[i]);
        }
        return sb.toString();
    }
}
