#!/usr/bin/python3
"""PyTorch golden file for vectornn's language models (dev.vectornn.parity.LanguageModelParityTest).
Companion of make_golden.py and make_golden_nn.py (same writer, same conventions).

Regenerate (Debian's python3-torch; the pyenv ``python3`` first on PATH has no torch):

    OMP_NUM_THREADS=1 /usr/bin/python3 src/core/test/python/make_golden_lm.py

lm.safetensors holds, per case (``gpt``, ``gpt_tied``, ``gpt_nobias``, ``lstm``, ``lstm_tied``), in float64 (the
reference computation; the Java side runs an F64 plan from the same F32 weights, widened exactly):
    ``<case>.sd.<key>``        the model's state dict under PyTorch's names, F32 (both keys of a
                               tied weight, as PyTorch's state_dict lists them)
    ``<case>.tokens``          input ids, F64 holding integers: [B, T] (GPT) or [T, B] (LSTM)
    ``<case>.targets``         the next token of every position, same layout
    ``<case>.loss``            [1] mean cross-entropy of the logits against the targets
    ``<case>.logits``          the logits, tokens.shape + [V]
    ``<case>.grad.<key>``      d loss / d parameter for every state-dict key (a tied weight's
                               gradient is the sum over both uses, under the embedding's key only)
    ``<case>.hn``/``.cn``      LSTM: the final states (initial states are zero)
``__metadata__``: ``<case>`` = the ModelConfig as ``key=value,...`` (architecture, vocab_size,
layers, heads, d_model, hidden, context, tied_weights, bias), dropout 0. ``gpt_nobias`` is nanoGPT's
default layout: no biases in LayerNorms (torch 1.13 has no ``bias=False``: its bias is removed),
attention and MLP.

The models are PyTorch twins of dev.vectornn.lm.GptLanguageModel (nanoGPT's GPT with
nn.MultiheadAttention, biases on, learned positions) and LstmLanguageModel (pytorch/examples'
RNNModel), with random weights so that every parameter matters.
"""

import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import OUT, write_safetensors  # noqa: E402
from make_golden_nn import Block, causal_mask  # noqa: E402


def no_bias_ln(d):
    """nn.LayerNorm(d, bias=False) of torch >= 2.1, on torch 1.13: F.layer_norm takes bias None."""
    ln = torch.nn.LayerNorm(d)
    ln.register_parameter("bias", None)
    return ln


def no_bias_block(d, heads):
    b = Block(d, heads)
    b.ln_1, b.ln_2 = no_bias_ln(d), no_bias_ln(d)
    b.attn = torch.nn.MultiheadAttention(d, heads, bias=False, batch_first=True)
    b.mlp.c_fc = torch.nn.Linear(d, 4 * d, bias=False)
    b.mlp.c_proj = torch.nn.Linear(4 * d, d, bias=False)
    return b


class Gpt(torch.nn.Module):
    def __init__(self, v, layers, heads, d, block, tied, bias=True):
        super().__init__()
        self.wte = torch.nn.Embedding(v, d)
        self.wpe = torch.nn.Embedding(block, d)
        self.h = torch.nn.ModuleList([Block(d, heads) if bias else no_bias_block(d, heads) for _ in range(layers)])
        self.ln_f = torch.nn.LayerNorm(d) if bias else no_bias_ln(d)
        self.lm_head = torch.nn.Linear(d, v, bias=False)
        if tied:
            self.lm_head.weight = self.wte.weight

    def forward(self, idx):
        t = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(t))
        for b in self.h:
            x = b(x, causal_mask(t))
        return self.lm_head(self.ln_f(x)), None


class Lstm(torch.nn.Module):
    def __init__(self, v, layers, emsize, hidden, tied):
        super().__init__()
        self.encoder = torch.nn.Embedding(v, emsize)
        self.rnn = torch.nn.LSTM(emsize, hidden, layers)
        self.decoder = torch.nn.Linear(hidden, v)
        if tied:
            self.decoder.weight = self.encoder.weight

    def forward(self, idx):
        out, (hn, cn) = self.rnn(self.encoder(idx))
        return self.decoder(out), (hn, cn)


CASES = [
    # name, architecture, vocab, layers, heads, d_model, hidden, context, tied, batch, length
    ("gpt", "gpt", 11, 2, 2, 8, 0, 6, False, 2, 5),
    ("gpt_tied", "gpt", 11, 1, 2, 8, 0, 4, True, 3, 4),
    ("lstm", "lstm", 13, 2, 0, 6, 5, 4, False, 3, 4),
    ("gpt_nobias", "gpt", 11, 2, 2, 8, 0, 5, True, 2, 5),
    ("lstm_tied", "lstm", 13, 2, 0, 6, 6, 3, True, 2, 3),
]


def main():
    tensors, meta = {}, {}
    for i, (name, arch, v, layers, heads, d, hidden, ctx, tied, b, t) in enumerate(CASES):
        torch.manual_seed(100 + i)
        bias = not name.endswith("nobias")
        model = Gpt(v, layers, heads, d, ctx, tied, bias) if arch == "gpt" else Lstm(v, layers, d, hidden, tied)
        with torch.no_grad():
            for p in model.parameters():
                p.uniform_(-0.5, 0.5)
        g = torch.Generator().manual_seed(200 + i)
        shape = (b, t) if arch == "gpt" else (t, b)
        tokens = torch.randint(v, shape, generator=g)
        targets = torch.randint(v, shape, generator=g)
        for k, p in model.state_dict().items():
            tensors["%s.sd.%s" % (name, k)] = p.float().clone()
        m64 = model.double()
        logits, state = m64(tokens)
        loss = F.cross_entropy(logits.reshape(-1, v), targets.reshape(-1))
        loss.backward()
        tensors[name + ".tokens"] = tokens.double()
        tensors[name + ".targets"] = targets.double()
        tensors[name + ".loss"] = loss.detach().reshape(1)
        tensors[name + ".logits"] = logits.detach()
        for k, p in m64.named_parameters():  # a tied weight appears once, under its first name
            tensors["%s.grad.%s" % (name, k)] = p.grad.detach()
        if state is not None:
            tensors[name + ".hn"] = state[0].detach()
            tensors[name + ".cn"] = state[1].detach()
        meta[name] = ("architecture=%s,vocab_size=%d,layers=%d,heads=%d,d_model=%d,hidden=%d,context=%d,"
                      "tied_weights=%s,bias=%s,batch=%d,length=%d") % (arch, v, layers, heads, d, hidden, ctx,
                                                                      "true" if tied else "false",
                                                                      "true" if bias else "false", b, t)
    path = os.path.join(OUT, "lm.safetensors")
    write_safetensors(path, tensors, meta)
    print("wrote %s (%d tensors, torch %s)" % (path, len(tensors), torch.__version__))


if __name__ == "__main__":
    main()
