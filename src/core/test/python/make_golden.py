#!/usr/bin/python3
"""PyTorch golden files for vectornn's parity tests (src/core/test/java/dev/vectornn/parity/).

Regenerate (Debian's python3-torch; the pyenv ``python3`` first on PATH has no torch):

    OMP_NUM_THREADS=1 /usr/bin/python3 src/core/test/python/make_golden.py [FILE ...]

where each FILE is one of optimizers, schedules, clipping, ops, losses, state_dict (default: all);
naming only the file you added leaves the others untouched.

Generated with torch 1.13.0a0 (Debian bookworm python3-torch), Python 3.11, numpy 1.24, on CPU,
single-threaded. The output is deterministic: every random value comes from torch.Generator
objects seeded below, and the files are written in the safetensors reference layout (tensors
sorted by dtype size then name, header padded to 8 bytes), so rerunning gives identical bytes
with the same torch build. The Java tests only read the committed files; Python is never needed
at test time.

Files (all safetensors, written by the small writer in this script because the ``safetensors``
package is not installed; the Java side reads them with dev.vectornn.io.SafeTensors, so they
also test that reader against files it did not write). Every tensor name is
``<case>.<dtype>.<what>``, dtype being ``f32`` or ``f64``, the element type it is stored in:

optimizers.safetensors
    One case per optimizer configuration (names in OPTIMIZER_CASES). Two parameters, ``w`` [3, 13]
    and ``b`` [13], each in its own param group (the groups differ in lr or weight decay, as
    "no decay on biases" setups do). For each dtype: ``w.init``/``b.init`` (initial values),
    ``w.grads``/``b.grads`` [5, ...] (the gradient assigned to ``.grad`` before step t; fixed
    random values, not computed from a loss, so Java can replay them) and ``w.after``/``b.after``
    [5, ...] (the parameters after step t), and ``w.state.<name>``/``b.state.<name>`` the
    optimizer's per-parameter state after step 5 under PyTorch's names (``momentum_buffer``,
    ``sum``, ``square_avg``, ``grad_avg``, ``exp_avg``, ``exp_avg_sq``, ``max_exp_avg_sq``; ``step``
    stored as F64). The computation runs in that dtype in PyTorch.
    The ``__metadata__`` holds, per case, ``<case>.optimizer`` (SGD, Adagrad, RMSprop, Adam,
    AdamW) and ``<case>.group0``/``<case>.group1``: the group's full hyperparameters as
    ``key=value`` pairs separated by commas, with PyTorch's names (the Java test builds its
    optimizer from them). Group 0's options are also the constructor's defaults: torch 1.13's
    Adagrad fills its accumulator from the constructor's initial_accumulator_value and ignores a
    per-group value, so adagrad_initial_acc uses one value for both groups.

schedules.safetensors (F64)
    ``steplr.lr`` [2, 13]: the lr of two groups (base 0.1 and 0.03) under StepLR(step_size=3,
    gamma=0.5), column e = epoch e (column 0 after construction, then one scheduler.step() each).
    ``warmup_cosine.lr`` [2, 16]: LambdaLR with the lambda equal to the formula of vectornn's
    WarmupCosineLR(warmup 4, total 12, min_lr 0.001), base lrs 0.1 and 0.01.
    ``plateau_min.metric`` [20] and ``plateau_min.lr`` [2, 20] / ``.best`` / ``.num_bad_epochs`` /
    ``.cooldown_counter`` [20]: ReduceLROnPlateau(mode='min', factor=0.5, patience=2,
    threshold=1e-2, threshold_mode='rel', cooldown=1, min_lr=0.004) after each step(metric[e]);
    ``plateau_max.*`` the same for mode='max', threshold_mode='abs', threshold=0.05, patience=1,
    factor=0.3, cooldown=0, min_lr=0, eps=1e-8. Settings are in ``__metadata__``.

clipping.safetensors
    For each case in CLIP_CASES and dtype: ``g0``/``g1`` (gradients [3, 5] and [5] before
    clipping), ``total`` (scalar, clip_grad_norm_'s return value) and ``g0.clipped``/``g1.clipped``.
    ``value.<dtype>.*``: clip_grad_value_(clip 0.3) on the same kind of gradients.

ops.safetensors
    Graph ops. Inputs are drawn in float32 and stored once as F32 (``<case>.in.<name>``; integer
    indices/targets are stored as F64 holding integers); the op runs in PyTorch in float32 and in
    float64 on those same values, and ``<case>.<dtype>.<name>`` holds outputs and gradients.
    Non-scalar outputs are back-propagated with a fixed random output gradient ``in.dy``; scalar
    losses with 1. Cases: softmax, log_softmax ([4, 7] and [2, 3, 6], last axis), layer_norm
    ([4, 6], weight and bias, eps 1e-5: dx, dweight, dbias), gelu and gelu_tanh ([3, 8] over
    [-6, 6]), cross_entropy ([6, 5] with ignore_index -100 on two rows; [2, 3, 4] with ignore
    index 1 and the class axis last), mse ([3, 4]: dpred and dtarget), bce_with_logits ([3, 4]:
    dlogits), matmul ([3, 4] @ [4, 5]; batched [2, 3, 4] @ [2, 4, 5]; shared [2, 3, 4] @ [4, 5];
    [3, 4] @ [5, 4]^T), embedding (table [6, 4], indices [2, 3] with repeats: dtable); and
    ``*_wide``/``*_extreme``/``*_large`` variants: last axes of 37 and 40 elements (vector main
    loops and tails), logits up to +-80 (softmax, log_softmax, cross_entropy up to +-30, BCE up
    to +-40), matmuls [11, 20] @ [20, 13], [20, 11]^T @ [20, 13], [2, 5, 20] @ [2, 20, 7].

losses.safetensors
    Cross-entropy with label smoothing, in the ops.safetensors layout (inputs ``<case>.in.*``,
    outputs and gradients ``<case>.<dtype>.*``), one case per entry of LOSS_CASES:
    F.cross_entropy(logits, targets, ignore_index, label_smoothing) with the class axis last
    (flattened to [N, C] for PyTorch): [6, 5] eps 0.1 with two ignored rows, [2, 3, 4] ignore index
    1 eps 0.25, [8, 37] logits up to +-30 eps 0.2, and [4, 6] at eps 1 and 0. ``__metadata__``
    holds each case's ``ignore_index`` and ``label_smoothing``.

state_dict.safetensors and state_dict_expected.safetensors
    A small state dict as PyTorch names it (``fc1.weight``, ``ln.bias``, ``lstm.weight_ih_l0``,
    ...) in F32, F64, F16 and BF16, including a 0-d tensor, an empty tensor and F16/BF16 special
    values (subnormals, +-0, +-inf, NaN, the largest finite); ``__metadata__`` {"format": "pt"}.
    The second file holds every tensor of the first widened exactly to F64 under the same name,
    which the Java test compares against what its reader converted.

Checking a Java-written file (one-off, not part of the tests):

    /usr/bin/python3 src/core/test/python/make_golden.py --check-java FILE

reads FILE with this script's reader (and safetensors.torch.load_file if installed), loads it
into the module built by ``java_check_module()`` with load_state_dict(strict=True) and compares
its values with the formula the Java test wrote (see JavaWrittenParityTest).
"""

import json
import math
import os
import struct
import sys

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden")

DTYPES = {"f32": torch.float32, "f64": torch.float64}
ST_NAMES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16"}
ST_TYPES = {v: k for k, v in ST_NAMES.items()}
ST_TYPES.update({"I64": torch.int64, "I32": torch.int32})


# --------------------------------------------------------------------------- safetensors I/O

def write_safetensors(path, tensors, metadata=None):
    """Writes ``tensors`` (name -> tensor) as the reference implementation does: data sorted by
    dtype size (largest first) then by name, header JSON padded with spaces to a multiple of 8."""
    items = sorted(tensors.items(), key=lambda kv: (-kv[1].element_size(), kv[0]))
    header = {}
    if metadata is not None:
        header["__metadata__"] = {k: metadata[k] for k in sorted(metadata)}
    blobs = []
    offset = 0
    for name, t in items:
        t = t.detach().contiguous().cpu()
        # bytes of the raw storage, little-endian (x86): view as uint8 works for every dtype
        data = t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() > 0 else b""
        header[name] = {"dtype": ST_NAMES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    js = json.dumps(header, separators=(",", ":")).encode("utf-8")
    js += b" " * (-len(js) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(js)))
        f.write(js)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def read_safetensors(path):
    """Returns (tensors, metadata) of a safetensors file, checking the layout strictly."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    if n > len(raw) - 8:
        raise ValueError("header length %d beyond the file (%d bytes)" % (n, len(raw)))
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = raw[8 + n:]
    meta = header.pop("__metadata__", None)
    out = {}
    spans = []
    for name, e in header.items():
        dt = ST_TYPES[e["dtype"]]
        lo, hi = e["data_offsets"]
        numel = math.prod(e["shape"])
        size = torch.empty(0, dtype=dt).element_size()
        if hi - lo != numel * size or not (0 <= lo <= hi <= len(data)):
            raise ValueError("%s: offsets %s do not match shape %s of %s" % (name, e["data_offsets"], e["shape"], e["dtype"]))
        spans.append((lo, hi, name))
        buf = bytearray(data[lo:hi])
        t = torch.frombuffer(buf, dtype=dt) if numel > 0 else torch.empty(0, dtype=dt)
        out[name] = t.reshape(e["shape"]).clone()
    spans.sort()
    end = 0
    for lo, hi, name in spans:
        if lo != end:
            raise ValueError("%s: gap or overlap at %d" % (name, lo))
        end = hi
    if end != len(data):
        raise ValueError("trailing %d bytes after the data" % (len(data) - end))
    return out, meta


# --------------------------------------------------------------------------- optimizers

STEPS = 5
GRAD_SCALE = [2.0, 1.0, 0.1, 0.5, 0.05]  # shrinking gradients make AMSGrad's running max matter
# 39 weights = two 16-float vectors and a tail, so the vectorized F32 updates run main loop and tail
W_SHAPE, B_SHAPE = (3, 13), (13,)

# (case name, optimizer, hyperparameters of group 0 (w), overrides for group 1 (b))
OPTIMIZER_CASES = [
    ("sgd_plain", "SGD", dict(lr=0.1), dict(lr=0.05)),
    ("sgd_momentum", "SGD", dict(lr=0.1, momentum=0.9), dict()),
    ("sgd_dampening", "SGD", dict(lr=0.1, momentum=0.9, dampening=0.1), dict(lr=0.2)),
    ("sgd_nesterov", "SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1), dict(weight_decay=0.0)),
    ("sgd_weight_decay", "SGD", dict(lr=0.1, weight_decay=0.05), dict(weight_decay=0.0)),
    ("adagrad_default", "Adagrad", dict(), dict(lr=0.1)),
    ("adagrad_lr_decay", "Adagrad", dict(lr=0.1, lr_decay=0.1), dict()),
    ("adagrad_weight_decay", "Adagrad", dict(lr=0.1, weight_decay=0.05), dict(weight_decay=0.0)),
    # torch 1.13 fills Adagrad's "sum" from the constructor's initial_accumulator_value, ignoring a
    # per-group value, so both groups share it here (the generator passes group 0's options as
    # the constructor defaults)
    ("adagrad_initial_acc", "Adagrad", dict(lr=0.1, initial_accumulator_value=0.1), dict(lr=0.05)),
    ("rmsprop_default", "RMSprop", dict(), dict(lr=0.001)),
    ("rmsprop_centered", "RMSprop", dict(centered=True), dict()),
    ("rmsprop_momentum", "RMSprop", dict(momentum=0.9, alpha=0.9), dict(momentum=0.5)),
    ("rmsprop_weight_decay", "RMSprop", dict(weight_decay=0.1, centered=True, momentum=0.5, eps=1e-3), dict(weight_decay=0.0)),
    ("adam_default", "Adam", dict(), dict(lr=0.01)),
    ("adam_amsgrad", "Adam", dict(lr=0.05, amsgrad=True), dict()),
    ("adam_weight_decay", "Adam", dict(lr=0.05, weight_decay=0.1, betas=(0.8, 0.99)), dict(weight_decay=0.0)),
    ("adamw_default", "AdamW", dict(), dict(weight_decay=0.0)),
    ("adamw_amsgrad", "AdamW", dict(lr=0.05, weight_decay=0.5, amsgrad=True), dict(lr=0.02)),
]

OPT_CLASSES = {"SGD": torch.optim.SGD, "Adagrad": torch.optim.Adagrad, "RMSprop": torch.optim.RMSprop,
               "Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW}
# hyperparameters recorded in the metadata (PyTorch's names), in this order
OPT_KEYS = {"SGD": ["lr", "momentum", "dampening", "weight_decay", "nesterov"],
            "Adagrad": ["lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"],
            "RMSprop": ["lr", "alpha", "eps", "weight_decay", "momentum", "centered"],
            "Adam": ["lr", "betas", "eps", "weight_decay", "amsgrad"],
            "AdamW": ["lr", "betas", "eps", "weight_decay", "amsgrad"]}


def fmt_hyper(group, keys):
    parts = []
    for k in keys:
        v = group[k]
        if k == "betas":
            parts.append("beta1=%r" % float(v[0]))
            parts.append("beta2=%r" % float(v[1]))
        elif isinstance(v, bool):
            parts.append("%s=%s" % (k, "true" if v else "false"))
        else:
            parts.append("%s=%r" % (k, float(v)))
    return ",".join(parts)


def make_optimizers():
    tensors, meta = {}, {}
    for ci, (case, opt_name, g0, g1) in enumerate(OPTIMIZER_CASES):
        gen = torch.Generator().manual_seed(1000 + ci)
        w0 = torch.rand(*W_SHAPE, generator=gen, dtype=torch.float64) * 2 - 1
        b0 = torch.rand(*B_SHAPE, generator=gen, dtype=torch.float64) * 2 - 1
        gw = torch.stack([s * (torch.rand(*W_SHAPE, generator=gen, dtype=torch.float64) * 2 - 1) for s in GRAD_SCALE])
        gb = torch.stack([s * (torch.rand(*B_SHAPE, generator=gen, dtype=torch.float64) * 2 - 1) for s in GRAD_SCALE])
        for dn, dt in DTYPES.items():
            w = torch.nn.Parameter(w0.to(dt).clone())
            b = torch.nn.Parameter(b0.to(dt).clone())
            # group 0's options are also the constructor defaults (needed by SGD's lr and by
            # Adagrad's initial_accumulator_value, which only the constructor argument sets)
            opt = OPT_CLASSES[opt_name]([dict(params=[w], **g0), dict(params=[b], **{**g0, **g1})], **g0)
            aw, ab = [], []
            for t in range(STEPS):
                w.grad = gw[t].to(dt).clone()
                b.grad = gb[t].to(dt).clone()
                opt.step()
                aw.append(w.detach().clone())
                ab.append(b.detach().clone())
            p = "%s.%s." % (case, dn)
            tensors[p + "w.init"] = w0.to(dt)
            tensors[p + "b.init"] = b0.to(dt)
            tensors[p + "w.grads"] = gw.to(dt)
            tensors[p + "b.grads"] = gb.to(dt)
            tensors[p + "w.after"] = torch.stack(aw)
            tensors[p + "b.after"] = torch.stack(ab)
            # the optimizer state after the last step, under PyTorch's names (SGD without
            # momentum keeps momentum_buffer None: not a tensor, not recorded)
            for pn, param in (("w", w), ("b", b)):
                for k, v in opt.state[param].items():
                    if torch.is_tensor(v):
                        tensors["%s%s.state.%s" % (p, pn, k)] = v.detach().to(torch.float64 if k == "step" else dt).clone()
            if dn == "f64":
                meta[case + ".optimizer"] = opt_name
                for gi, group in enumerate(opt.param_groups):
                    meta["%s.group%d" % (case, gi)] = fmt_hyper(group, OPT_KEYS[opt_name])
    write_safetensors(os.path.join(OUT, "optimizers.safetensors"), tensors, meta)


# --------------------------------------------------------------------------- schedules

def warmup_cosine_factor(t, base, warmup, total, min_lr):
    """vectornn WarmupCosineLR's formula (see its Javadoc) as a LambdaLR multiplier of ``base``."""
    if t < warmup:
        return (t + 1) / warmup
    if t >= total:
        return min_lr / base
    progress = (t - warmup) / (total - warmup)
    return (min_lr + (base - min_lr) * 0.5 * (1 + math.cos(math.pi * progress))) / base


def dummy_optimizer(lrs):
    ps = [torch.nn.Parameter(torch.zeros(1, dtype=torch.float64)) for _ in lrs]
    return torch.optim.SGD([dict(params=[p], lr=lr) for p, lr in zip(ps, lrs)], lr=lrs[0])


def make_schedules():
    tensors, meta = {}, {}
    opt = dummy_optimizer([0.1, 0.03])
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    lrs = []
    for e in range(13):
        if e > 0:
            opt.step()
            sched.step()
        lrs.append([g["lr"] for g in opt.param_groups])
    tensors["steplr.lr"] = torch.tensor(lrs, dtype=torch.float64).T.contiguous()
    meta["steplr"] = "base_lrs=0.1;0.03,step_size=3,gamma=0.5"

    bases, W, T, M = [0.1, 0.01], 4, 12, 0.001
    opt = dummy_optimizer(bases)
    lambdas = [lambda t, b=b: warmup_cosine_factor(t, b, W, T, M) for b in bases]
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambdas)
    lrs = []
    for e in range(16):
        if e > 0:
            opt.step()
            sched.step()
        lrs.append([g["lr"] for g in opt.param_groups])
    tensors["warmup_cosine.lr"] = torch.tensor(lrs, dtype=torch.float64).T.contiguous()
    meta["warmup_cosine"] = "base_lrs=0.1;0.01,warmup_steps=4,total_steps=12,min_lr=0.001"

    metric_min = [1.0, 0.9, 0.85, 0.849, 0.85, 0.86, 0.8, 0.79, 0.795, 0.80, 0.81, 0.82, 0.5, 0.5, 0.499,
                  0.6, float("nan"), 0.7, 0.7, 0.7]
    metric_max = [0.1, 0.2, 0.22, 0.24, 0.3, 0.31, 0.32, 0.5, 0.5, 0.4, 0.3, 0.56, 0.57, 0.58, 0.59, 0.7,
                  0.7, 0.7, 0.7, 0.7]
    settings = {
        "plateau_min": (metric_min, dict(mode="min", factor=0.5, patience=2, threshold=1e-2, threshold_mode="rel",
                                         cooldown=1, min_lr=0.004, eps=1e-8)),
        "plateau_max": (metric_max, dict(mode="max", factor=0.3, patience=1, threshold=0.05, threshold_mode="abs",
                                         cooldown=0, min_lr=0.0, eps=1e-8)),
    }
    for name, (metrics, kw) in settings.items():
        opt = dummy_optimizer([0.1, 0.01])
        sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
        lrs, best, bad, cool = [], [], [], []
        for m in metrics:
            opt.step()
            sched.step(m)
            lrs.append([g["lr"] for g in opt.param_groups])
            best.append(sched.best)
            bad.append(sched.num_bad_epochs)
            cool.append(sched.cooldown_counter)
        tensors[name + ".metric"] = torch.tensor(metrics, dtype=torch.float64)
        tensors[name + ".lr"] = torch.tensor(lrs, dtype=torch.float64).T.contiguous()
        tensors[name + ".best"] = torch.tensor(best, dtype=torch.float64)
        tensors[name + ".num_bad_epochs"] = torch.tensor(bad, dtype=torch.float64)
        tensors[name + ".cooldown_counter"] = torch.tensor(cool, dtype=torch.float64)
        meta[name] = "base_lrs=0.1;0.01," + ",".join("%s=%s" % (k, kw[k]) for k in sorted(kw))
    write_safetensors(os.path.join(OUT, "schedules.safetensors"), tensors, meta)


# --------------------------------------------------------------------------- clipping

# (case name, max_norm, norm_type, gradient scale); scale 0.05 leaves the norm under max_norm
CLIP_CASES = [("l2", 1.0, 2.0, 1.0), ("l1", 2.0, 1.0, 1.0), ("linf", 0.5, math.inf, 1.0),
              ("l3", 0.7, 3.0, 1.0), ("l2_unclipped", 1.0, 2.0, 0.05)]


def make_clipping():
    tensors, meta = {}, {}
    gen = torch.Generator().manual_seed(77)
    for case, max_norm, norm_type, scale in CLIP_CASES:
        g0 = (torch.rand(3, 5, generator=gen, dtype=torch.float64) * 2 - 1) * scale
        g1 = (torch.rand(5, generator=gen, dtype=torch.float64) * 2 - 1) * scale
        meta[case] = "max_norm=%r,norm_type=%r" % (max_norm, norm_type)
        for dn, dt in DTYPES.items():
            p0 = torch.nn.Parameter(torch.zeros(3, 5, dtype=dt))
            p1 = torch.nn.Parameter(torch.zeros(5, dtype=dt))
            p0.grad = g0.to(dt).clone()
            p1.grad = g1.to(dt).clone()
            total = torch.nn.utils.clip_grad_norm_([p0, p1], max_norm, norm_type)
            p = "%s.%s." % (case, dn)
            tensors[p + "g0"] = g0.to(dt)
            tensors[p + "g1"] = g1.to(dt)
            tensors[p + "total"] = total.detach().to(dt).reshape(())
            tensors[p + "g0.clipped"] = p0.grad.clone()
            tensors[p + "g1.clipped"] = p1.grad.clone()
    g0 = (torch.rand(3, 5, generator=gen, dtype=torch.float64) * 2 - 1)
    g1 = (torch.rand(5, generator=gen, dtype=torch.float64) * 2 - 1)
    meta["value"] = "clip_value=0.3"
    for dn, dt in DTYPES.items():
        p0 = torch.nn.Parameter(torch.zeros(3, 5, dtype=dt))
        p1 = torch.nn.Parameter(torch.zeros(5, dtype=dt))
        p0.grad = g0.to(dt).clone()
        p1.grad = g1.to(dt).clone()
        torch.nn.utils.clip_grad_value_([p0, p1], 0.3)
        p = "value.%s." % dn
        tensors[p + "g0"] = g0.to(dt)
        tensors[p + "g1"] = g1.to(dt)
        tensors[p + "g0.clipped"] = p0.grad.clone()
        tensors[p + "g1.clipped"] = p1.grad.clone()
    write_safetensors(os.path.join(OUT, "clipping.safetensors"), tensors, meta)


# --------------------------------------------------------------------------- graph ops

def op_cases(tensors, seed):
    """The ``rnd`` and ``case`` helpers of an op golden file (ops.safetensors layout) writing
    into ``tensors``, with every random value drawn from one generator seeded with ``seed``."""
    gen = torch.Generator().manual_seed(seed)

    def rnd(*shape, lo=-1.0, hi=1.0):
        return (torch.rand(*shape, generator=gen, dtype=torch.float32) * (hi - lo) + lo)

    def case(name, inputs, fn, grad_of, index_inputs=None, dy_shape=None):
        """inputs: name -> float32 tensor; fn(dict of tensors in dtype, indices) -> output;
        grad_of: input names whose gradients are recorded. A scalar output gets gradient 1,
        any other the random ``dy`` stored as ``in.dy``."""
        index_inputs = index_inputs or {}
        for k, v in inputs.items():
            tensors["%s.in.%s" % (name, k)] = v
        for k, v in index_inputs.items():
            tensors["%s.in.%s" % (name, k)] = v.to(torch.float64)
        dy = None
        for dn, dt in DTYPES.items():
            xs = {k: v.to(dt).clone().requires_grad_(k in grad_of) for k, v in inputs.items()}
            y = fn(xs, index_inputs)
            if y.dim() == 0:
                y.backward()
            else:
                if dy is None:
                    dy = rnd(*y.shape)
                    tensors["%s.in.dy" % name] = dy
                y.backward(dy.to(dt))
            tensors["%s.%s.y" % (name, dn)] = y.detach()
            for k in grad_of:
                tensors["%s.%s.d%s" % (name, dn, k)] = xs[k].grad.detach()

    return rnd, case


def make_ops():
    tensors = {}
    F = torch.nn.functional
    rnd, case = op_cases(tensors, 4242)

    case("softmax", {"x": rnd(4, 7, lo=-4, hi=4)}, lambda v, i: torch.softmax(v["x"], -1), ["x"])
    case("softmax3d", {"x": rnd(2, 3, 6, lo=-8, hi=8)}, lambda v, i: torch.softmax(v["x"], -1), ["x"])
    case("log_softmax", {"x": rnd(4, 7, lo=-4, hi=4)}, lambda v, i: torch.log_softmax(v["x"], -1), ["x"])
    case("log_softmax3d", {"x": rnd(2, 3, 6, lo=-8, hi=8)}, lambda v, i: torch.log_softmax(v["x"], -1), ["x"])
    case("layer_norm", {"x": rnd(4, 6, lo=-3, hi=3), "weight": rnd(6, lo=0.5, hi=1.5), "bias": rnd(6)},
         lambda v, i: F.layer_norm(v["x"], (6,), v["weight"], v["bias"], eps=1e-5), ["x", "weight", "bias"])
    case("gelu", {"x": rnd(3, 8, lo=-6, hi=6)}, lambda v, i: F.gelu(v["x"]), ["x"])
    case("gelu_tanh", {"x": rnd(3, 8, lo=-6, hi=6)}, lambda v, i: F.gelu(v["x"], approximate="tanh"), ["x"])
    targets = torch.tensor([3, -100, 0, 4, -100, 1])
    case("cross_entropy", {"logits": rnd(6, 5, lo=-3, hi=3)},
         lambda v, i: F.cross_entropy(v["logits"], i["targets"]), ["logits"], {"targets": targets})
    targets3 = torch.tensor([[0, 1, 3], [2, 1, 1]])
    case("cross_entropy3d", {"logits": rnd(2, 3, 4, lo=-3, hi=3)},
         lambda v, i: F.cross_entropy(v["logits"].reshape(6, 4), i["targets"].reshape(6), ignore_index=1),
         ["logits"], {"targets": targets3})
    case("mse", {"pred": rnd(3, 4, lo=-2, hi=2), "target": rnd(3, 4, lo=-2, hi=2)},
         lambda v, i: F.mse_loss(v["pred"], v["target"]), ["pred", "target"])
    case("bce_with_logits", {"logits": rnd(3, 4, lo=-5, hi=5), "target": rnd(3, 4, lo=0, hi=1)},
         lambda v, i: F.binary_cross_entropy_with_logits(v["logits"], v["target"]), ["logits"])
    case("matmul", {"a": rnd(3, 4), "b": rnd(4, 5)}, lambda v, i: v["a"] @ v["b"], ["a", "b"])
    case("matmul_batched", {"a": rnd(2, 3, 4), "b": rnd(2, 4, 5)}, lambda v, i: v["a"] @ v["b"], ["a", "b"])
    case("matmul_shared", {"a": rnd(2, 3, 4), "b": rnd(4, 5)}, lambda v, i: v["a"] @ v["b"], ["a", "b"])
    case("matmul_transb", {"a": rnd(3, 4), "b": rnd(5, 4)}, lambda v, i: v["a"] @ v["b"].T, ["a", "b"])
    indices = torch.tensor([[0, 2, 5], [2, 2, 1]])
    case("embedding", {"table": rnd(6, 4)}, lambda v, i: F.embedding(i["indices"], v["table"]), ["table"],
         {"indices": indices})
    # Wider last axes (37 = two 16-float vectors and a tail, 40 = five 8-float vectors) so the
    # vector kernels' main loops and tails both run, larger matmuls for the GEMM blocking, and
    # extreme logits for the numerical stability of softmax, log-softmax, CE and BCE.
    case("softmax_wide", {"x": rnd(3, 37, lo=-4, hi=4)}, lambda v, i: torch.softmax(v["x"], -1), ["x"])
    case("softmax_extreme", {"x": rnd(2, 37, lo=-80, hi=80)}, lambda v, i: torch.softmax(v["x"], -1), ["x"])
    case("log_softmax_wide", {"x": rnd(3, 37, lo=-4, hi=4)}, lambda v, i: torch.log_softmax(v["x"], -1), ["x"])
    case("log_softmax_extreme", {"x": rnd(2, 37, lo=-80, hi=80)}, lambda v, i: torch.log_softmax(v["x"], -1), ["x"])
    case("layer_norm_wide", {"x": rnd(5, 40, lo=-3, hi=3) + 2, "weight": rnd(40, lo=0.5, hi=1.5), "bias": rnd(40)},
         lambda v, i: F.layer_norm(v["x"], (40,), v["weight"], v["bias"], eps=1e-5), ["x", "weight", "bias"])
    case("gelu_wide", {"x": rnd(2, 37, lo=-6, hi=6)}, lambda v, i: F.gelu(v["x"]), ["x"])
    case("gelu_tanh_wide", {"x": rnd(2, 37, lo=-6, hi=6)}, lambda v, i: F.gelu(v["x"], approximate="tanh"), ["x"])
    targets_w = torch.tensor([36, -100, 0, 17, 5, -100, 20, 1])
    case("cross_entropy_wide", {"logits": rnd(8, 37, lo=-30, hi=30)},
         lambda v, i: F.cross_entropy(v["logits"], i["targets"]), ["logits"], {"targets": targets_w})
    case("mse_wide", {"pred": rnd(3, 37, lo=-2, hi=2), "target": rnd(3, 37, lo=-2, hi=2)},
         lambda v, i: F.mse_loss(v["pred"], v["target"]), ["pred", "target"])
    case("bce_with_logits_extreme", {"logits": rnd(2, 37, lo=-40, hi=40), "target": rnd(2, 37, lo=0, hi=1)},
         lambda v, i: F.binary_cross_entropy_with_logits(v["logits"], v["target"]), ["logits"])
    case("matmul_large", {"a": rnd(11, 20), "b": rnd(20, 13)}, lambda v, i: v["a"] @ v["b"], ["a", "b"])
    case("matmul_transa_large", {"a": rnd(20, 11), "b": rnd(20, 13)}, lambda v, i: v["a"].T @ v["b"], ["a", "b"])
    case("matmul_batched_large", {"a": rnd(2, 5, 20), "b": rnd(2, 20, 7)}, lambda v, i: v["a"] @ v["b"], ["a", "b"])
    write_safetensors(os.path.join(OUT, "ops.safetensors"), tensors, {"torch": torch.__version__})


# --------------------------------------------------------------------------- losses (session 2)

# (case, logits shape, logit range, targets, ignore_index, label_smoothing); the Java test
# (LossesGoldenParityTest) builds the same calls. Targets equal to ignore_index are skipped.
LOSS_CASES = [
    ("ce_smooth", (6, 5), 3.0, [3, -100, 0, 4, -100, 1], -100, 0.1),
    ("ce_smooth_ignore1_3d", (2, 3, 4), 3.0, [[0, 1, 3], [2, 1, 1]], 1, 0.25),
    ("ce_smooth_wide", (8, 37), 30.0, [36, -100, 0, 17, 5, -100, 20, 1], -100, 0.2),
    ("ce_smooth_one", (4, 6), 3.0, [5, 0, -100, 2], -100, 1.0),
    ("ce_smooth_zero", (4, 6), 3.0, [5, 0, -100, 2], -100, 0.0),
]


def make_losses():
    """losses.safetensors: F.cross_entropy with label_smoothing (and ignore_index), in the
    ops.safetensors layout; each case's settings are also in ``__metadata__``."""
    tensors, meta = {}, {"torch": torch.__version__}
    F = torch.nn.functional
    rnd, case = op_cases(tensors, 5151)
    for name, shape, r, targets, ignore, eps in LOSS_CASES:
        t = torch.tensor(targets)
        classes = shape[-1]
        case(name, {"logits": rnd(*shape, lo=-r, hi=r)},
             lambda v, i, c=classes, ig=ignore, e=eps: F.cross_entropy(
                 v["logits"].reshape(-1, c), i["targets"].reshape(-1), ignore_index=ig, label_smoothing=e),
             ["logits"], {"targets": t})
        meta[name] = "ignore_index=%d,label_smoothing=%r" % (ignore, eps)
    write_safetensors(os.path.join(OUT, "losses.safetensors"), tensors, meta)


# --------------------------------------------------------------------------- state dict interop

def make_state_dict():
    gen = torch.Generator().manual_seed(2024)
    sd = {
        "fc1.weight": torch.randn(4, 3, generator=gen, dtype=torch.float32),
        "fc1.bias": torch.randn(4, generator=gen, dtype=torch.float32),
        "ln.weight": torch.randn(4, generator=gen, dtype=torch.float64),
        "ln.bias": torch.randn(4, generator=gen, dtype=torch.float64),
        "emb.weight": (torch.randn(5, 3, generator=gen) * 100).to(torch.float16),
        "lstm.weight_ih_l0": (torch.randn(8, 2, generator=gen) * 1e-3).to(torch.bfloat16),
        "temperature": torch.tensor(0.7, dtype=torch.float32),
        "empty.weight": torch.zeros(0, 3, dtype=torch.float32),
        "special.f16": torch.tensor([0.0, -0.0, 65504.0, -65504.0, 2.0 ** -24, 2.0 ** -14, float("inf"),
                                     float("-inf"), float("nan"), 1.0 / 3], dtype=torch.float16),
        "special.bf16": torch.tensor([0.0, -0.0, 3.3895313892515355e38, 2.0 ** -133, 2.0 ** -126, float("inf"),
                                      float("-inf"), float("nan"), 1.0 / 3, -1e10], dtype=torch.bfloat16),
        "special.f32": torch.tensor([-0.0, 1.4e-45, 3.4028234663852886e38, float("inf"), float("nan")],
                                    dtype=torch.float32),
        "special.f64": torch.tensor([-0.0, 5e-324, 1.7976931348623157e308, float("-inf"), float("nan")],
                                    dtype=torch.float64),
    }
    write_safetensors(os.path.join(OUT, "state_dict.safetensors"), sd, {"format": "pt"})
    write_safetensors(os.path.join(OUT, "state_dict_expected.safetensors"),
                      {k: v.to(torch.float64) for k, v in sd.items()}, {"format": "pt"})
    back, meta = read_safetensors(os.path.join(OUT, "state_dict.safetensors"))
    assert meta == {"format": "pt"}
    for k, v in sd.items():
        assert back[k].dtype == v.dtype and torch.equal(back[k].view(-1).view(torch.uint8) if v.numel() else back[k],
                                                        v.view(-1).view(torch.uint8) if v.numel() else v), k


# --------------------------------------------------------------------------- Java-written check

def java_check_module():
    """The module whose state dict JavaWrittenParityTest writes (names, shapes)."""
    torch.manual_seed(0)
    m = torch.nn.Module()
    m.fc1 = torch.nn.Linear(3, 4)
    m.ln = torch.nn.LayerNorm(4)
    m.emb = torch.nn.Embedding(5, 3)
    m.lstm = torch.nn.LSTM(2, 2)
    return m


def java_value(name_index, i):
    """The value JavaWrittenParityTest stores at flat index i of the tensor with sorted index k:
    (k + 1) * 0.25 + i / 8 - 1 (all exact in binary)."""
    return (name_index + 1) * 0.25 + i / 8.0 - 1.0


def check_java(path):
    tensors, meta = read_safetensors(path)
    print("read %d tensors, metadata %s" % (len(tensors), meta))
    try:
        from safetensors.torch import load_file  # absent on this machine
        ref = load_file(path)
        assert ref.keys() == tensors.keys()
        for k in ref:
            assert torch.equal(ref[k], tensors[k]), k
        print("safetensors.torch.load_file agrees")
    except ImportError:
        print("safetensors package not installed: only this script's reader was used")
    m = java_check_module()
    f32 = {k: v for k, v in tensors.items() if not k.startswith("extra.")}
    m.load_state_dict(f32, strict=True)
    print("load_state_dict(strict=True) OK for %d tensors" % len(f32))
    bad = 0
    for k, name in enumerate(sorted(tensors)):
        t = tensors[name]
        want = torch.tensor([java_value(k, i) for i in range(t.numel())], dtype=torch.float64).reshape(t.shape)
        if not torch.equal(t.to(torch.float64), want):
            print("MISMATCH", name, t, want)
            bad += 1
        print("  %-22s %s %s ok" % (name, ST_NAMES[t.dtype], list(t.shape)))
    sd = m.state_dict()
    for k in f32:
        assert torch.equal(sd[k], f32[k].to(sd[k].dtype)), k
    print("values:", "all equal" if bad == 0 else "%d tensors differ" % bad)
    return bad == 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--check-java":
        sys.exit(0 if check_java(sys.argv[2]) else 1)
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    makers = {"optimizers": make_optimizers, "schedules": make_schedules, "clipping": make_clipping,
              "ops": make_ops, "losses": make_losses, "state_dict": make_state_dict}
    wanted = sys.argv[1:] or list(makers)
    unknown = [w for w in wanted if w not in makers]
    if unknown:
        sys.exit("unknown file(s) %s; choose from %s" % (unknown, list(makers)))
    for w in wanted:
        makers[w]()
    for f in sorted(os.listdir(OUT)):
        print("%-36s %7d bytes" % (f, os.path.getsize(os.path.join(OUT, f))))


if __name__ == "__main__":
    main()
