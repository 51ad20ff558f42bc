#!/usr/bin/python3
"""PyTorch golden files for vectornn's layer parity tests (dev.vectornn.parity.LayerGoldenParityTest,
ModelFileParityTest). Companion of make_golden.py (same writer, same conventions).

Regenerate (Debian's python3-torch; the pyenv ``python3`` first on PATH has no torch):

    OMP_NUM_THREADS=1 /usr/bin/python3 src/core/test/python/make_golden_nn.py [nn] [bidirectional]

(``nn`` writes nn.safetensors and nn_model.safetensors, ``bidirectional`` nn_bidirectional.safetensors;
default: both).

Generated with torch 1.13.0a0 (Debian bookworm python3-torch), single-threaded, on CPU. Every
random value comes from a seeded torch.Generator (or torch.manual_seed for default inits), so a
rerun with the same torch build gives identical bytes.

nn.safetensors
    One case per entry of CASES. Every case stores, once, in float32:
      ``<case>.sd.<key>``     the layer's state dict under PyTorch's names (also the values the
                              F64 run starts from: float32 values widen exactly, so the Java side,
                              whose modules hold F32 parameters, starts both dtypes from the same
                              numbers as PyTorch)
      ``<case>.in.<name>``    float inputs (``x``, ``query``, ``kv``, ``h0``, ``c0``,
                              ``key_padding_mask`` as 0/1), the fixed random output gradients
                              ``dy.<out>`` and the training targets ``target.<out>``
      ``<case>.idx.<name>``   integer inputs (embedding indices) stored as F64 holding integers
    and, for ``<dt>`` in f32 and f64 (the computation run by PyTorch in that dtype):
      ``<case>.<dt>.out.<out>``       outputs (``y``; recurrent layers ``output``, ``hn``, ``cn``)
      ``<case>.<dt>.grad.<input>``    gradients of L = sum_out sum(out * dy.<out>) w.r.t. each
                                      float input that has one (not masks, not indices)
      ``<case>.<dt>.pgrad.<key>``     gradients of L w.r.t. every parameter
      ``<case>.<dt>.trained.<key>``   parameters after STEPS optimizer steps on the training
                                      loss sum_out mse_loss(out, target.<out>), starting from
                                      ``sd`` (zero_grad, forward, backward, step each time)
      ``<case>.<dt>.losses``          [STEPS] the training loss before each step
    ``__metadata__``: ``<case>`` = the configuration as ``key=value,...``: ``layer`` (Linear,
    MLP, Embedding, LayerNorm, RNN, LSTM, MultiheadAttention, TransformerBlock), its sizes and
    flags with PyTorch's argument names, and ``opt`` (SGD with ``lr``/``momentum``, or Adam with
    ``lr``, other hyperparameters PyTorch's defaults). Attention cases that use causal masking
    pass a boolean upper-triangular ``attn_mask`` (True = masked); key padding masks only mask
    trailing keys, so no query row is fully masked (vectornn masks with -FLT_MAX, PyTorch with
    -inf: equal unless a row is fully masked).
    ``embedding_padding_nonzero`` loads a padding row that is not zero: PyTorch looks it up as
    stored; vectornn's Embedding zeroes it in forward (a known mismatch, disabled in the Java test).
    Cases where a parameter's gradient is zero in exact arithmetic but not in floating point
    (the key part of in_proj_bias: softmax is shift invariant) train with SGD, since Adam would
    normalize that rounding noise into full-size steps.

nn_bidirectional.safetensors
    Bidirectional RNN and LSTM cases (``bidirectional=True``; config ``bidirectional=true``), in
    the layout of nn.safetensors (same ``steps``; state dicts with PyTorch's ``*_reverse`` names;
    ``h0``/``c0``/``hn``/``cn`` of shape [2 * num_layers, B, H]; outputs 2H wide), seeds 6000 + the
    case's index in BIDIRECTIONAL_CASES. A file of its own, so that adding it left nn.safetensors
    byte-identical.

nn_model.safetensors
    A model file as PyTorch would save it: the state dict (F32, ``__metadata__`` {"format": "pt"})
    of ``model_module()``: a TransformerBlock-style ``block`` (E 8, 2 heads), an ``lstm``
    (input 8, hidden 6, 2 layers, batch_first) and a ``head`` Linear(6, 5). nn.safetensors holds
    its input ``model.in.x`` [2, 4, 8] and PyTorch's output ``model.f32.out.y`` /
    ``model.f64.out.y`` = head(lstm(block(x, causal))[0]).

Checking a Java-written model (one-off, not part of the tests; ModelFileParityTest writes the
files into src/core/target/parity/):

    /usr/bin/python3 src/core/test/python/make_golden_nn.py --check-java-model \
        src/core/target/parity/java_model.safetensors src/core/target/parity/java_model_io.safetensors

loads the Java-written state dict into ``model_module()`` with load_state_dict(strict=True), runs
the Java-written input through it in float64 and float32 and compares with the Java outputs.
"""

import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import OUT, DTYPES, write_safetensors, read_safetensors  # noqa: E402

STEPS = 5
F = torch.nn.functional


# --------------------------------------------------------------------------- modules

class MLP(torch.nn.Module):
    """vectornn's MLP: ``layers`` a ModuleList of Linear, ReLU between, none after the last."""

    def __init__(self, sizes):
        super().__init__()
        self.layers = torch.nn.ModuleList([torch.nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])])

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i + 1 < len(self.layers):
                x = torch.relu(x)
        return x


class Block(torch.nn.Module):
    """vectornn's TransformerBlock in torch, GPT-2 names: pre-LN, exact GELU, MLP width 4E."""

    def __init__(self, e, heads):
        super().__init__()
        self.ln_1 = torch.nn.LayerNorm(e)
        self.attn = torch.nn.MultiheadAttention(e, heads, batch_first=True)
        self.ln_2 = torch.nn.LayerNorm(e)
        self.mlp = torch.nn.Module()
        self.mlp.c_fc = torch.nn.Linear(e, 4 * e)
        self.mlp.c_proj = torch.nn.Linear(4 * e, e)

    def forward(self, x, attn_mask=None, key_padding_mask=None):
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, attn_mask=attn_mask, key_padding_mask=key_padding_mask, need_weights=False)[0]
        return x + self.mlp.c_proj(F.gelu(self.mlp.c_fc(self.ln_2(x))))


def causal_mask(t):
    return torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)


def padding_mask(b, s, pads):
    """Bool [b, s]: the last pads[i] keys of row i are masked (trailing, so key 0 stays visible)."""
    m = torch.zeros(b, s, dtype=torch.bool)
    for i, p in enumerate(pads):
        if p:
            m[i, s - p:] = True
    return m


# --------------------------------------------------------------------------- cases
# Each case: name -> dict(config=..., build=fn() -> module, inputs=fn(gen) -> (float inputs,
# index inputs), run=fn(module, inputs as dtype, index inputs) -> dict of outputs, grad=[float
# inputs with a gradient], perturb=fn(module, gen) randomizing default-constant parameters).

def rnd(gen, *shape, lo=-1.0, hi=1.0):
    return torch.rand(*shape, generator=gen, dtype=torch.float32) * (hi - lo) + lo


def randomize(module, gen, names, lo=-0.5, hi=0.5):
    """Adds U(lo, hi) noise to the named parameters, whose defaults carry no information
    (LayerNorm's ones and zeros, MHA's zero biases) or hide a case (a zero padding row)."""
    ps = dict(module.named_parameters())
    with torch.no_grad():
        for n in names:
            ps[n].add_(rnd(gen, *ps[n].shape, lo=lo, hi=hi))


def ln_names(prefix):
    return [prefix + "weight", prefix + "bias"]


CASES = []


def case(name, config, build, inputs, run, grad, perturb=()):
    CASES.append(dict(name=name, config=config, build=build, inputs=inputs, run=run, grad=grad, perturb=list(perturb)))


SGD = "opt=SGD,lr=0.1,momentum=0.9"
ADAM = "opt=Adam,lr=0.01"

# Linear
case("linear", "layer=Linear,in_features=5,out_features=3,bias=true," + ADAM, lambda: torch.nn.Linear(5, 3),
     lambda g: ({"x": rnd(g, 4, 5)}, {}), lambda m, x, i: {"y": m(x["x"])}, ["x"])
case("linear_3d", "layer=Linear,in_features=37,out_features=19,bias=true," + SGD, lambda: torch.nn.Linear(37, 19),
     lambda g: ({"x": rnd(g, 2, 3, 37)}, {}), lambda m, x, i: {"y": m(x["x"])}, ["x"])
case("linear_nobias", "layer=Linear,in_features=6,out_features=4,bias=false," + SGD,
     lambda: torch.nn.Linear(6, 4, bias=False),
     lambda g: ({"x": rnd(g, 3, 6)}, {}), lambda m, x, i: {"y": m(x["x"])}, ["x"])
# MLP
case("mlp", "layer=MLP,sizes=4;8;3," + ADAM, lambda: MLP([4, 8, 3]),
     lambda g: ({"x": rnd(g, 5, 4)}, {}), lambda m, x, i: {"y": m(x["x"])}, ["x"])
case("mlp_deep", "layer=MLP,sizes=20;33;17;5," + SGD, lambda: MLP([20, 33, 17, 5]),
     lambda g: ({"x": rnd(g, 2, 3, 20)}, {}), lambda m, x, i: {"y": m(x["x"])}, ["x"])
# Embedding
case("embedding_padding", "layer=Embedding,num_embeddings=7,embedding_dim=5,padding_idx=2," + ADAM,
     lambda: torch.nn.Embedding(7, 5, padding_idx=2),
     lambda g: ({}, {"indices": torch.tensor([[0, 2, 5, 2], [6, 1, 2, 0], [3, 3, 4, 2]])}),
     lambda m, x, i: {"y": m(i["indices"])}, [])
case("embedding", "layer=Embedding,num_embeddings=11,embedding_dim=17,padding_idx=-1," + SGD,
     lambda: torch.nn.Embedding(11, 17),
     lambda g: ({}, {"indices": torch.tensor([[10, 0, 3], [3, 3, 7]])}),
     lambda m, x, i: {"y": m(i["indices"])}, [])
# A padding row that is not zero (a checkpoint may hold anything there): PyTorch looks it up as
# stored and only withholds its gradient.
case("embedding_padding_nonzero", "layer=Embedding,num_embeddings=6,embedding_dim=4,padding_idx=1," + SGD,
     lambda: torch.nn.Embedding(6, 4, padding_idx=1),
     lambda g: ({}, {"indices": torch.tensor([[1, 0, 5], [1, 1, 2]])}),
     lambda m, x, i: {"y": m(i["indices"])}, [], perturb=["weight"])
# LayerNorm
case("layernorm", "layer=LayerNorm,normalized_shape=6,eps=1e-05," + SGD, lambda: torch.nn.LayerNorm(6),
     lambda g: ({"x": rnd(g, 4, 6, lo=-3, hi=3)}, {}), lambda m, x, i: {"y": m(x["x"])}, ["x"],
     perturb=["weight", "bias"])
case("layernorm_3d", "layer=LayerNorm,normalized_shape=37,eps=1e-05," + ADAM, lambda: torch.nn.LayerNorm(37),
     lambda g: ({"x": rnd(g, 2, 3, 37, lo=-2, hi=4)}, {}), lambda m, x, i: {"y": m(x["x"])}, ["x"],
     perturb=["weight", "bias"])


# RNN / LSTM
def rnn_case(name, kind, inp, hid, layers, batch_first, t, b, state, opt, bidirectional=False, into=None):
    cfg = "layer=%s,input_size=%d,hidden_size=%d,num_layers=%d,batch_first=%s,initial_state=%s,%s" % (
        kind, inp, hid, layers, "true" if batch_first else "false", "true" if state else "false", opt)
    if bidirectional:
        cfg += ",bidirectional=true"
    d = 2 if bidirectional else 1
    if kind == "RNN":
        build = lambda: torch.nn.RNN(inp, hid, num_layers=layers, nonlinearity="tanh", batch_first=batch_first,
                                     bidirectional=bidirectional)
    else:
        build = lambda: torch.nn.LSTM(inp, hid, num_layers=layers, batch_first=batch_first, bidirectional=bidirectional)

    def inputs(g):
        xs = {"x": rnd(g, *((b, t, inp) if batch_first else (t, b, inp)))}
        if state:
            xs["h0"] = rnd(g, d * layers, b, hid)
            if kind == "LSTM":
                xs["c0"] = rnd(g, d * layers, b, hid, lo=-2, hi=2)
        return xs, {}

    def run(m, x, i):
        if kind == "RNN":
            out, hn = m(x["x"], x["h0"]) if state else m(x["x"])
            return {"output": out, "hn": hn}
        out, (hn, cn) = m(x["x"], (x["h0"], x["c0"])) if state else m(x["x"])
        return {"output": out, "hn": hn, "cn": cn}

    if into is None:
        case(name, cfg, build, inputs, run, ["x", "h0", "c0"] if state else ["x"])
    else:
        into.append(dict(name=name, config=cfg, build=build, inputs=inputs, run=run,
                         grad=["x", "h0", "c0"] if state else ["x"], perturb=[]))


rnn_case("rnn_2layer", "RNN", 3, 5, 2, False, 4, 2, False, ADAM)
rnn_case("rnn_2layer_bf_h0", "RNN", 4, 6, 2, True, 5, 3, True, ADAM)
rnn_case("lstm_1layer", "LSTM", 3, 4, 1, False, 5, 2, False, ADAM)
rnn_case("lstm_1layer_bf_h0", "LSTM", 5, 4, 1, True, 3, 2, True, ADAM)
rnn_case("lstm_2layer_h0", "LSTM", 3, 5, 2, False, 4, 3, True, ADAM)
rnn_case("lstm_2layer_bf_h0", "LSTM", 4, 6, 2, True, 6, 2, True, ADAM)

# Bidirectional RNN / LSTM (nn_bidirectional.safetensors, so that nn.safetensors stays as it was)
BIDIRECTIONAL_CASES = []
rnn_case("rnn_bidir_2layer_h0", "RNN", 3, 4, 2, False, 4, 2, True, ADAM, True, BIDIRECTIONAL_CASES)
rnn_case("rnn_bidir_1layer_bf", "RNN", 5, 3, 1, True, 3, 2, False, SGD, True, BIDIRECTIONAL_CASES)
rnn_case("lstm_bidir_1layer", "LSTM", 3, 4, 1, False, 5, 2, False, ADAM, True, BIDIRECTIONAL_CASES)
rnn_case("lstm_bidir_2layer_h0", "LSTM", 3, 5, 2, False, 4, 3, True, ADAM, True, BIDIRECTIONAL_CASES)
rnn_case("lstm_bidir_2layer_bf_h0", "LSTM", 4, 6, 2, True, 6, 2, True, SGD, True, BIDIRECTIONAL_CASES)


# MultiheadAttention (self-attention unless "cross")
def mha_case(name, e, heads, b, t, causal, pads, s=None):
    cross = s is not None
    s = s if cross else t
    cfg = "layer=MultiheadAttention,embed_dim=%d,num_heads=%d,causal=%s,key_padding=%s,cross=%s,%s" % (
        e, heads, "true" if causal else "false", "true" if pads else "false", "true" if cross else "false", SGD)

    def inputs(g):
        xs = {"query": rnd(g, b, t, e)} if cross else {"x": rnd(g, b, t, e)}
        if cross:
            xs["kv"] = rnd(g, b, s, e)
        if pads:
            xs["key_padding_mask"] = padding_mask(b, s, pads).to(torch.float32)
        return xs, {}

    def run(m, x, i):
        kpm = x["key_padding_mask"].bool() if pads else None
        am = causal_mask(t) if causal else None
        q = x["query"] if cross else x["x"]
        kv = x["kv"] if cross else x["x"]
        return {"y": m(q, kv, kv, attn_mask=am, key_padding_mask=kpm, need_weights=False)[0]}

    case(name, cfg, lambda: torch.nn.MultiheadAttention(e, heads, batch_first=True), inputs, run,
         ["query", "kv"] if cross else ["x"], perturb=["in_proj_bias", "out_proj.bias"])


mha_case("mha", 8, 2, 2, 5, False, None)
mha_case("mha_causal", 8, 2, 2, 5, True, None)
mha_case("mha_padding", 12, 3, 3, 4, False, [0, 1, 2])
mha_case("mha_causal_padding", 8, 4, 2, 6, True, [2, 0])
mha_case("mha_one_head", 6, 1, 2, 3, True, None)
mha_case("mha_cross_padding", 8, 2, 2, 3, False, [1, 3], s=5)


# TransformerBlock
def block_case(name, e, heads, b, t, causal, pads):
    cfg = "layer=TransformerBlock,embed_dim=%d,num_heads=%d,causal=%s,key_padding=%s,%s" % (
        e, heads, "true" if causal else "false", "true" if pads else "false", SGD)

    def inputs(g):
        xs = {"x": rnd(g, b, t, e)}
        if pads:
            xs["key_padding_mask"] = padding_mask(b, t, pads).to(torch.float32)
        return xs, {}

    def run(m, x, i):
        return {"y": m(x["x"], causal_mask(t) if causal else None, x["key_padding_mask"].bool() if pads else None)}

    case(name, cfg, lambda: Block(e, heads), inputs, run, ["x"],
         perturb=ln_names("ln_1.") + ln_names("ln_2.") + ["attn.in_proj_bias", "attn.out_proj.bias"])


block_case("block", 8, 2, 2, 4, False, None)
block_case("block_causal", 8, 2, 2, 5, True, None)
block_case("block_causal_padding", 12, 3, 2, 4, True, [0, 2])


# --------------------------------------------------------------------------- generation

def make_case(c, seed, tensors, meta):
    name = c["name"]
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)  # the default initializations
    base = c["build"]()
    if c["perturb"]:
        randomize(base, gen, c["perturb"])
    sd = {k: v.detach().clone() for k, v in base.state_dict().items()}
    for k, v in sd.items():
        assert v.dtype == torch.float32
        tensors["%s.sd.%s" % (name, k)] = v
    xs, idx = c["inputs"](gen)
    for k, v in xs.items():
        tensors["%s.in.%s" % (name, k)] = v
    for k, v in idx.items():
        tensors["%s.idx.%s" % (name, k)] = v.to(torch.float64)
    dys, targets = None, None
    meta[name] = c["config"]
    opt_cfg = dict(kv.split("=") for kv in c["config"].split(",") if kv.split("=")[0] in ("opt", "lr", "momentum"))
    for dn, dt in DTYPES.items():
        # gradients of L = sum(out * dy)
        m = c["build"]().to(dt)
        m.load_state_dict(sd, strict=True)
        xin = {k: v.to(dt).clone().requires_grad_(k in c["grad"]) for k, v in xs.items()}
        outs = c["run"](m, xin, idx)
        if dys is None:
            dys = {k: rnd(gen, *v.shape) for k, v in outs.items()}
            targets = {k: rnd(gen, *v.shape) for k, v in outs.items()}
            for k in outs:
                tensors["%s.in.dy.%s" % (name, k)] = dys[k]
                tensors["%s.in.target.%s" % (name, k)] = targets[k]
        loss = sum((outs[k] * dys[k].to(dt)).sum() for k in outs)
        loss.backward()
        p = "%s.%s." % (name, dn)
        for k, v in outs.items():
            tensors[p + "out." + k] = v.detach()
        for k in c["grad"]:
            if k in xin:
                tensors[p + "grad." + k] = xin[k].grad.detach()
        for k, v in m.named_parameters():
            tensors[p + "pgrad." + k] = v.grad.detach().clone()
        # training
        m = c["build"]().to(dt)
        m.load_state_dict(sd, strict=True)
        if opt_cfg["opt"] == "SGD":
            opt = torch.optim.SGD(m.parameters(), lr=float(opt_cfg["lr"]), momentum=float(opt_cfg["momentum"]))
        else:
            opt = torch.optim.Adam(m.parameters(), lr=float(opt_cfg["lr"]))
        xd = {k: v.to(dt) for k, v in xs.items()}
        losses = []
        for _ in range(STEPS):
            opt.zero_grad()
            outs = c["run"](m, xd, idx)
            loss = sum(F.mse_loss(outs[k], targets[k].to(dt)) for k in outs)
            losses.append(loss.item())
            loss.backward()
            opt.step()
        tensors[p + "losses"] = torch.tensor(losses, dtype=dt)
        for k, v in m.named_parameters():
            tensors[p + "trained." + k] = v.detach().clone()
        # the state dict must be the parameters only (no buffers), as vectornn's
        assert set(m.state_dict().keys()) == set(dict(m.named_parameters()).keys()), name


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.block = Block(8, 2)
        self.lstm = torch.nn.LSTM(8, 6, num_layers=2, batch_first=True)
        self.head = torch.nn.Linear(6, 5)

    def forward(self, x):
        return self.head(self.lstm(self.block(x, causal_mask(x.shape[1])))[0])


def model_module():
    return Model()


def make_model(tensors):
    torch.manual_seed(99)
    gen = torch.Generator().manual_seed(99)
    m = model_module()
    randomize(m, gen, ln_names("block.ln_1.") + ln_names("block.ln_2.") + ["block.attn.in_proj_bias",
                                                                            "block.attn.out_proj.bias"])
    sd = {k: v.detach().clone() for k, v in m.state_dict().items()}
    write_safetensors(os.path.join(OUT, "nn_model.safetensors"), sd, {"format": "pt"})
    x = rnd(gen, 2, 4, 8)
    tensors["model.in.x"] = x
    for dn, dt in DTYPES.items():
        md = model_module().to(dt)
        md.load_state_dict(sd, strict=True)
        with torch.no_grad():
            tensors["model.%s.out.y" % dn] = md(x.to(dt))


def check_java_model(model_path, io_path):
    sd, meta = read_safetensors(model_path)
    io, _ = read_safetensors(io_path)
    print("read %d tensors from %s, metadata %s" % (len(sd), model_path, meta))
    ok = True
    for dn, dt in DTYPES.items():
        m = model_module().to(dt)
        res = m.load_state_dict(sd, strict=True)
        with torch.no_grad():
            own = m.state_dict()
            for k, v in sd.items():
                assert torch.equal(own[k], v.to(dt)), k
            y = m(io["x"].to(dt))
        want = io["y.%s" % dn]
        err = (y - want.to(dt)).abs()
        rel = (err / (want.to(dt).abs() + 1e-6)).max().item()
        tol = 1e-5 if dn == "f32" else 1e-10
        good = torch.allclose(y, want.to(dt), rtol=tol, atol=tol * 0.1)
        ok &= good
        print("%s: load_state_dict(strict=True) %s; output %s: max abs error %.3g, max rel error %.3g -> %s"
              % (dn, res, list(y.shape), err.max().item(), rel, "OK" if good else "MISMATCH"))
    return ok


def make_nn():
    tensors, meta = {}, {"torch": torch.__version__, "steps": str(STEPS)}
    for ci, c in enumerate(CASES):
        make_case(c, 5000 + ci, tensors, meta)
    make_model(tensors)
    write_safetensors(os.path.join(OUT, "nn.safetensors"), tensors, meta)
    return ["nn.safetensors", "nn_model.safetensors"]


def make_bidirectional():
    tensors, meta = {}, {"torch": torch.__version__, "steps": str(STEPS)}
    for ci, c in enumerate(BIDIRECTIONAL_CASES):
        make_case(c, 6000 + ci, tensors, meta)
    write_safetensors(os.path.join(OUT, "nn_bidirectional.safetensors"), tensors, meta)
    return ["nn_bidirectional.safetensors"]


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--check-java-model":
        sys.exit(0 if check_java_model(sys.argv[2], sys.argv[3]) else 1)
    torch.set_num_threads(1)
    makers = {"nn": make_nn, "bidirectional": make_bidirectional}
    wanted = sys.argv[1:] or list(makers)
    unknown = [w for w in wanted if w not in makers]
    if unknown:
        sys.exit("unknown file(s) %s; choose from %s" % (unknown, list(makers)))
    for w in wanted:
        for f in makers[w]():
            print("%-32s %7d bytes" % (f, os.path.getsize(os.path.join(OUT, f))))


if __name__ == "__main__":
    main()
