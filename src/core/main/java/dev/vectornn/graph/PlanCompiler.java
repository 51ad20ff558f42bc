package dev.vectornn.graph;

import dev.vectornn.tensor.DType;
import dev.vectornn.tensor.Shape;
import dev.vectornn.tensor.ShapeException;
import dev.vectornn.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a graph and its requested outputs into a {@link Plan}: keeps the nodes the outputs need
 * (in build order, which is topological), decides which nodes get gradients, computes every
 * buffer's lifetime on the timeline {@code forward steps 0..K-1, backward steps K..2K-1} and packs
 * them into one arena with {@link ArenaAllocator}.
 *
 * <p>Lifetimes: a value lives from its op's forward step to its last reader, where readers are
 * the consumers' forward steps and, when training, the backward steps of the consumers' VJPs
 * that read it (and of its own VJP if that reads the output). Inputs and the gradients of
 * inputs named in {@code gradInputs} live throughout (callers read them between steps);
 * requested outputs and their views live from their op to the end of the step (valid until the
 * next forward). Any other gradient lives from its first writer's backward step to its own op's
 * backward step; saved state from the op's forward step to its backward step.
 */
final class PlanCompiler {
    private PlanCompiler() {}

    /** Ops whose kernels do not take empty operands (element-wise, shape and reduction ops do). */
    private static final java.util.Set<OpDef> NO_EMPTY_OPERANDS = java.util.Set.of(Ops.MATMUL, Ops.LINEAR, Ops.SOFTMAX,
            Ops.LOG_SOFTMAX, Ops.ATTENTION_SOFTMAX, Ops.PACKED_ATTENTION, Ops.CROSS_ENTROPY, Ops.MSE, Ops.BCE_WITH_LOGITS,
            Ops.LAYER_NORM, Ops.LSTM_CELL, Ops.LSTM_LAYER, Ops.RNN_LAYER);

    static Plan compile(Graph g, PlanOptions o, Node[] outputs) {
        if (outputs.length == 0) throw new IllegalArgumentException("compile: no outputs requested");
        List<Node> all = g.nodeList();
        int total = all.size();
        boolean[] needed = new boolean[total];
        List<Node> work = new ArrayList<>();
        for (Node out : outputs) {
            if (out.graph != g) throw new IllegalArgumentException("compile: output " + out + " belongs to another graph");
            work.add(out);
        }
        while (!work.isEmpty()) {
            Node n = work.remove(work.size() - 1);
            if (needed[n.id]) continue;
            needed[n.id] = true;
            for (Node in : n.inputs) work.add(in);
        }
        List<Node> nodes = new ArrayList<>();
        for (Node n : all) if (needed[n.id]) nodes.add(n);
        for (Node n : nodes) {
            if (n.kind != Node.Kind.OP || !NO_EMPTY_OPERANDS.contains(n.op)) continue;
            // these ops' kernels take matrices with positive leading dimensions: an empty operand
            // would fail deep inside one (a null array, a leading dimension of 0), so say it here
            for (Node in : n.inputs) {
                if (in.shape.numel() == 0) {
                    throw new ShapeException("compile: " + n + " reads " + in + ", which has no elements; ops on empty"
                            + " tensors are not supported");
                }
            }
            if (n.shape.numel() == 0) {
                throw new ShapeException("compile: " + n + " has no elements; ops on empty tensors are not supported");
            }
        }

        boolean training = o.training();
        Node loss = training ? outputs[0] : null;
        if (training && loss.kind != Node.Kind.OP) {
            throw new IllegalArgumentException("compile: a training plan's first output is the loss and must be computed"
                    + " by an op; got " + loss);
        }
        for (String name : o.gradInputs()) {
            Node in = g.inputNode(name);
            if (in == null || in.kind != Node.Kind.INPUT) {
                throw new IllegalArgumentException("compile: gradInputs names '" + name + "', which is not a float input");
            }
            if (!training) throw new IllegalArgumentException("compile: gradInputs needs a training plan");
        }

        // which nodes get a gradient: they depend on something trainable and reach the loss
        boolean[] rg = new boolean[total];
        boolean[] reach = new boolean[total];
        for (Node n : nodes) {
            rg[n.id] = switch (n.kind) {
                case PARAM -> training;
                case INPUT -> training && o.gradInputs().contains(n.name);
                case OP -> anyDifferentiable(n, rg);
                default -> false;
            };
        }
        if (training) {
            reach[loss.id] = true;
            for (int i = nodes.size() - 1; i >= 0; i--) {
                Node n = nodes.get(i);
                if (!reach[n.id] || n.kind != Node.Kind.OP) continue;
                for (int s = 0; s < n.inputs.length; s++) if (n.op.differentiable(s)) reach[n.inputs[s].id] = true;
            }
        }
        boolean[] hasGrad = new boolean[total];
        for (Node n : nodes) hasGrad[n.id] = rg[n.id] && reach[n.id];

        List<Node> ops = new ArrayList<>();
        for (Node n : nodes) if (n.kind == Node.Kind.OP) ops.add(n);
        int k = ops.size();
        int[] opIdx = new int[total];
        for (int i = 0; i < k; i++) opIdx[ops.get(i).id] = i;

        Backend backend = o.dtype() == DType.F32 ? new F32Backend() : new F64Backend();
        Plan plan = new Plan(o, backend, outputs);
        Frame[] frames = new Frame[k];
        for (int i = 0; i < k; i++) frames[i] = new Frame(ops.get(i), backend, plan, training);

        // value lifetimes
        int[] end = new int[total];
        for (Node n : ops) end[n.id] = opIdx[n.id];
        for (Node c : ops) {
            int fc = opIdx[c.id];
            int bc = 2 * k - 1 - fc;
            for (int s = 0; s < c.inputs.length; s++) {
                Node in = c.inputs[s];
                if (in.kind != Node.Kind.OP) continue;
                end[in.id] = Math.max(end[in.id], fc);
                if (hasGrad[c.id] && c.op.vjpReadsInput(s)) end[in.id] = Math.max(end[in.id], bc);
            }
            if (hasGrad[c.id] && c.op.vjpReadsOutput()) end[c.id] = Math.max(end[c.id], bc);
        }
        for (Node out : outputs) if (out.kind == Node.Kind.OP) end[out.id] = ArenaAllocator.FOREVER;
        for (int i = k - 1; i >= 0; i--) {
            Node n = ops.get(i);
            int a = aliasOf(n);
            if (a >= 0 && n.inputs[a].kind == Node.Kind.OP) {
                Node root = n.inputs[a];
                end[root.id] = Math.max(end[root.id], end[n.id]);
            }
        }

        ArenaAllocator al = new ArenaAllocator();
        int[] valHandle = new int[total];
        int[] gradHandle = new int[total];
        java.util.Arrays.fill(valHandle, -1);
        java.util.Arrays.fill(gradHandle, -1);
        int maxNumel = 1;
        for (Node n : nodes) {
            maxNumel = Math.max(maxNumel, n.shape.numel());
            if (n.kind == Node.Kind.INPUT) valHandle[n.id] = al.add(n.shape.numel(), 0, ArenaAllocator.FOREVER);
            if (n.kind == Node.Kind.OP && aliasOf(n) < 0) valHandle[n.id] = al.add(n.shape.numel(), opIdx[n.id], end[n.id]);
        }
        // Gradient storage. An op node whose one gradient contribution is an identity VJP (an add
        // of its shape, a reshape) shares its consumer's gradient storage: the copy would be a
        // full pass over the gradient for nothing. The shared storage lives from the first
        // writer of the chain's root to the last VJP that reads it.
        int[] gStart = new int[total], gStop = new int[total], gradUses = new int[total], shareWith = new int[total];
        java.util.Arrays.fill(shareWith, -1);
        java.util.Arrays.fill(gStart, Integer.MAX_VALUE);
        if (loss != null) gStart[loss.id] = k;
        for (Node c : ops) {
            if (!hasGrad[c.id]) continue;
            for (int s = 0; s < c.inputs.length; s++) {
                Node in = c.inputs[s];
                if (!c.op.differentiable(s) || !hasGrad[in.id]) continue;
                gStart[in.id] = Math.min(gStart[in.id], 2 * k - 1 - opIdx[c.id]);
                gradUses[in.id]++;
            }
        }
        for (Node c : ops) {
            if (!hasGrad[c.id]) continue;
            for (int s = 0; s < c.inputs.length; s++) {
                Node in = c.inputs[s];
                if (in.kind == Node.Kind.OP && in != loss && hasGrad[in.id] && gradUses[in.id] == 1
                        && c.op.differentiable(s) && c.op.vjpIdentity(s, inShapes(c), c.shape, c.attrs)) {
                    shareWith[in.id] = c.id;
                }
            }
        }
        for (Node n : ops) {
            if (!hasGrad[n.id]) continue;
            gStop[n.id] = Math.max(gStart[n.id], 2 * k - 1 - opIdx[n.id]);
        }
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (shareWith[n.id] < 0) continue;
            int root = gradRoot(n.id, shareWith);
            gStop[root] = Math.max(gStop[root], gStop[n.id]);
        }
        for (Node n : nodes) {
            if (!hasGrad[n.id] || n.kind == Node.Kind.PARAM) continue;
            if (n.kind == Node.Kind.INPUT) {
                // read by the caller between steps, so it must survive the next forward too: live throughout
                gradHandle[n.id] = al.add(n.shape.numel(), 0, ArenaAllocator.FOREVER);
            } else if (shareWith[n.id] < 0) {
                gradHandle[n.id] = al.add(n.shape.numel(), gStart[n.id], gStop[n.id]);
            }
        }
        for (Node n : nodes) {
            if (shareWith[n.id] >= 0) gradHandle[n.id] = gradHandle[gradRoot(n.id, shareWith)];
        }
        int[] savedHandle = new int[k];
        int maxScratch = 0;
        for (int i = 0; i < k; i++) {
            Frame f = frames[i];
            f.op.prepare(f);
            int saved = training ? f.op.savedSize(f) : 0;
            savedHandle[i] = saved > 0 ? al.add(saved, i, hasGrad[f.node.id] ? 2 * k - 1 - i : i) : -1;
            maxScratch = Math.max(maxScratch, f.op.scratchSize(f));
        }
        int scratchHandle = maxScratch > 0 ? al.add(maxScratch, 0, ArenaAllocator.FOREVER) : -1;
        int arenaSize = al.plan();
        Object arena = o.dtype().newArray(arenaSize);
        backend.ensureTmp(maxNumel);

        // resolve every node's value and gradient storage
        Object[] valArr = new Object[total];
        int[] valOff = new int[total];
        Object[] gArr = new Object[total];
        int[] gOff = new int[total];
        Map<String, Parameter> params = new LinkedHashMap<>();
        Map<String, Plan.Feed> feeds = new LinkedHashMap<>();
        for (Node n : nodes) {
            switch (n.kind) {
                case INPUT -> {
                    valArr[n.id] = arena;
                    valOff[n.id] = al.offset(valHandle[n.id]);
                    feeds.put(n.name, new Plan.Feed(n, arena, valOff[n.id], null));
                }
                case INDEX_INPUT -> {
                    int[] ints = new int[n.shape.numel()];
                    valArr[n.id] = ints;
                    feeds.put(n.name, new Plan.Feed(n, null, 0, ints));
                }
                case PARAM -> {
                    Parameter p = n.param;
                    if (p.value().dtype() != o.dtype()) {
                        // a plan of another dtype trains its own converted copy (documented on Plan)
                        p = new Parameter(p.name(), p.value().to(o.dtype()), Tensor.zeros(o.dtype(), n.shape));
                    }
                    params.put(p.name(), p);
                    valArr[n.id] = p.value().storage();
                    gArr[n.id] = p.grad().storage();
                }
                case CONSTANT -> valArr[n.id] = n.constant.to(o.dtype()).storage();
                case OP -> {
                    int a = aliasOf(n);
                    if (a >= 0) {
                        valArr[n.id] = valArr[n.inputs[a].id];
                        valOff[n.id] = valOff[n.inputs[a].id] + n.op.aliasOffset(inShapes(n), n.attrs);
                    } else {
                        valArr[n.id] = arena;
                        valOff[n.id] = al.offset(valHandle[n.id]);
                    }
                }
            }
            if (gradHandle[n.id] >= 0) {
                gArr[n.id] = arena;
                gOff[n.id] = al.offset(gradHandle[n.id]);
            }
        }

        boolean[] written = new boolean[total];
        if (loss != null) written[loss.id] = true;
        List<Frame> bwd = new ArrayList<>();
        for (int i = k - 1; i >= 0; i--) {
            Frame f = frames[i];
            Node n = f.node;
            if (hasGrad[n.id]) {
                f.gOut = gArr[n.id];
                f.gOutOff = gOff[n.id];
                bwd.add(f);
                List<Integer> zero = new ArrayList<>();
                for (int s = 0; s < n.inputs.length; s++) {
                    Node in = n.inputs[s];
                    if (!n.op.differentiable(s) || !hasGrad[in.id]) continue;
                    f.needGrad[s] = true;
                    f.gIn[s] = gArr[in.id];
                    f.gInOff[s] = gOff[in.id];
                    if (in.kind == Node.Kind.PARAM || written[in.id]) {
                        f.acc[s] = true;
                    } else if (occurrences(n, in, hasGrad) > 1) {
                        zero.add(s);
                        for (int t = 0; t < n.inputs.length; t++) if (n.inputs[t] == in) f.acc[t] = true;
                        written[in.id] = true;
                    } else {
                        f.acc[s] = false;
                        written[in.id] = true;
                    }
                }
                f.zeroSlots = zero.stream().mapToInt(Integer::intValue).toArray();
            }
            for (int s = 0; s < n.inputs.length; s++) {
                f.in[s] = valArr[n.inputs[s].id];
                f.inOff[s] = valOff[n.inputs[s].id];
            }
            f.out = valArr[n.id];
            f.outOff = valOff[n.id];
            if (savedHandle[i] >= 0) {
                f.saved = arena;
                f.savedOff = al.offset(savedHandle[i]);
            }
            if (scratchHandle >= 0) {
                f.scratch = arena;
                f.scratchOff = al.offset(scratchHandle);
            }
        }
        Map<String, Object[]> inputGrads = new LinkedHashMap<>();
        for (String name : o.gradInputs()) {
            Node in = g.inputNode(name);
            if (gradHandle[in.id] >= 0) inputGrads.put(name, new Object[] {arena, gOff[in.id]});
        }
        plan.init(arena, frames, bwd.toArray(new Frame[0]), valArr, valOff, gArr, gOff, loss, feeds, params, inputGrads);
        return plan;
    }

    private static Shape[] inShapes(Node n) {
        Shape[] s = new Shape[n.inputs.length];
        for (int i = 0; i < s.length; i++) s[i] = n.inputs[i].shape;
        return s;
    }

    /** The input slot an op node is a view of, or -1. */
    private static int aliasOf(Node n) {
        return n.op.aliasOf(inShapes(n), n.attrs);
    }

    private static boolean anyDifferentiable(Node n, boolean[] rg) {
        for (int s = 0; s < n.inputs.length; s++) {
            if (n.op.differentiable(s) && rg[n.inputs[s].id]) return true;
        }
        return false;
    }

    /** The node whose gradient storage {@code id} shares, following {@code shareWith} to its end. */
    private static int gradRoot(int id, int[] shareWith) {
        int r = id;
        while (shareWith[r] >= 0) r = shareWith[r];
        return r;
    }

    private static int occurrences(Node consumer, Node in, boolean[] hasGrad) {
        int c = 0;
        for (int s = 0; s < consumer.inputs.length; s++) {
            if (consumer.inputs[s] == in && consumer.op.differentiable(s) && hasGrad[in.id]) c++;
        }
        return c;
    }
}
