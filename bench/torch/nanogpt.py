#!/usr/bin/python3
"""nanoGPT's small CPU run on shakespeare_char, re-implemented in one file for torch 1.13.

The reference for vectornn's `./vectornn train` defaults (issue 6): karpathy/nanoGPT's model.py and
train.py with the command line of its README's CPU section (config/train_shakespeare_char.py
with --device=cpu --compile=False --eval_iters=20 --log_interval=1 --block_size=64
--batch_size=12 --n_layer=4 --n_head=4 --n_embd=128 --max_iters=2000 --lr_decay_iters=2000
--dropout=0.0), which the README says reaches "a loss of about 1.88".

What is reproduced, and how (written from nanoGPT's code, not copied):
  * data: the characters of the whole text, sorted, are the vocabulary (prepare.py); the first
    int(0.9 * n) characters train, the rest validate;
  * model: token + learned position embeddings, 4 pre-LayerNorm blocks (LayerNorm eps 1e-5 with
    an optional bias; causal self-attention through one c_attn Linear(d, 3d) split into q, k, v and
    a c_proj Linear(d, d), scores scaled by 1/sqrt(head size), masked with -inf and soft-maxed: the
    manual path nanoGPT takes when torch has no scaled_dot_product_attention, as 1.13; MLP c_fc,
    exact nn.GELU(), c_proj), final LayerNorm, lm_head without bias, tied to wte by default;
    modules are created in nanoGPT's order so that torch.manual_seed gives nanoGPT's weights;
    initialization: every Linear and Embedding N(0, 0.02), biases 0, then every *c_proj.weight
    N(0, 0.02 / sqrt(2 * n_layer)); loss: mean cross-entropy over all B*T positions;
  * optimizer: AdamW(lr, betas (0.9, 0.99), eps default 1e-8) with two groups, weight decay 0.1
    on parameters of dim >= 2 (all matrices and both embeddings; the tied matrix once) and 0 on the
    rest (LayerNorm weights, biases);
  * schedule (get_lr of current master): iteration it < warmup: lr * (it + 1) / (warmup + 1);
    it > lr_decay_iters: min_lr; else cosine from lr to min_lr over [warmup, lr_decay_iters];
  * loop: one batch fetched before the loop; per iteration: set lr; if it % eval_interval == 0,
    estimate_loss (eval_iters batches of train, then of val, from the same global torch RNG as the
    training batches); forward; fetch the next batch; backward; clip_grad_norm_(1.0); step;
    zero_grad. The val loss "at step 2000" is the estimate taken before the 2001st update, i.e.
    after 2000 updates, so this script stops there;
  * get_batch: starts = torch.randint(len(split) - block_size, (batch_size,)).

Extras for comparing with vectornn (none changes the computation above):
  --init-from FILE   load the initial weights from a safetensors file of vectornn's
                     LanguageModel.torchStateDict (vectornn names mapped to nanoGPT's);
  --batches FILE     take the training batch starts from a file (one line per step, batch_size
                     integers) instead of torch.randint; evaluation still draws from torch's RNG;
  --log FILE         per-step TSV: step (1-based), lr, train loss, grad norm before clipping;
  --val-batches FILE every validation estimate uses these window starts (as vectornn's fixed
                     evaluation windows); with --iters 0 and --init-from it evaluates given weights;
  --final-eval-iters also estimate the final val loss on this many batches (its own generator,
                     after the run, so the run itself is unchanged).

Run (Debian's torch lives in /usr/bin/python3; OpenBLAS must not pick its own thread count):
    env -u OPENBLAS_CORETYPE OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \\
        /usr/bin/python3 bench/torch/nanogpt.py --seed 1337 --json /tmp/nanogpt-1337.json
"""

import argparse
import json
import math
import os
import struct
import sys
import time

import torch
import torch.nn as nn
from torch.nn import functional as F

DEFAULT_DATA = "/work/shared/data/tinyshakespeare.txt"


# ----------------------------------------------------------------------------- model

class LayerNorm(nn.Module):
    """LayerNorm with an optional bias (torch 1.13's nn.LayerNorm cannot drop it)."""

    def __init__(self, ndim, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(ndim))
        self.bias = nn.Parameter(torch.zeros(ndim)) if bias else None

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)


class CausalSelfAttention(nn.Module):
    def __init__(self, d, heads, block, bias):
        super().__init__()
        self.c_attn = nn.Linear(d, 3 * d, bias=bias)
        self.c_proj = nn.Linear(d, d, bias=bias)
        self.n_head = heads
        self.n_embd = d
        # nanoGPT registers the causal mask as a buffer named "bias" on torch < 2.0
        self.register_buffer("bias", torch.tril(torch.ones(block, block)).view(1, 1, block, block))

    def forward(self, x):
        b, t, c = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        hs = c // self.n_head
        q = q.view(b, t, self.n_head, hs).transpose(1, 2)
        k = k.view(b, t, self.n_head, hs).transpose(1, 2)
        v = v.view(b, t, self.n_head, hs).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :t, :t] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self, d, bias):
        super().__init__()
        self.c_fc = nn.Linear(d, 4 * d, bias=bias)
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * d, d, bias=bias)

    def forward(self, x):
        return self.c_proj(self.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, d, heads, block, bias):
        super().__init__()
        self.ln_1 = LayerNorm(d, bias)
        self.attn = CausalSelfAttention(d, heads, block, bias)
        self.ln_2 = LayerNorm(d, bias)
        self.mlp = MLP(d, bias)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, vocab, layers, heads, d, block, bias, tie):
        super().__init__()
        self.block_size = block
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(vocab, d),
            wpe=nn.Embedding(block, d),
            drop=nn.Dropout(0.0),
            h=nn.ModuleList([Block(d, heads, block, bias) for _ in range(layers)]),
            ln_f=LayerNorm(d, bias),
        ))
        self.lm_head = nn.Linear(d, vocab, bias=False)
        if tie:
            self.transformer.wte.weight = self.lm_head.weight
        self.apply(self._init_weights)
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * layers))

    @staticmethod
    def _init_weights(module):
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, idx, targets):
        t = idx.size(1)
        pos = torch.arange(0, t, dtype=torch.long)
        x = self.transformer.drop(self.transformer.wte(idx) + self.transformer.wpe(pos))
        for blk in self.transformer.h:
            x = blk(x)
        logits = self.lm_head(self.transformer.ln_f(x))
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)

    def configure_optimizers(self, weight_decay, lr, betas):
        params = {n: p for n, p in self.named_parameters() if p.requires_grad}
        decay = [p for p in params.values() if p.dim() >= 2]
        no_decay = [p for p in params.values() if p.dim() < 2]
        groups = [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
        return torch.optim.AdamW(groups, lr=lr, betas=betas)


# ----------------------------------------------------------------------------- vectornn weights

def read_safetensors(path):
    """name -> tensor of a safetensors file (F32/F64/I32/I64), without the safetensors package."""
    types = {"F32": torch.float32, "F64": torch.float64, "I32": torch.int32, "I64": torch.int64}
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    data = raw[8 + n:]
    out = {}
    for name, e in header.items():
        lo, hi = e["data_offsets"]
        t = torch.frombuffer(bytearray(data[lo:hi]), dtype=types[e["dtype"]]) if hi > lo else torch.empty(0)
        out[name] = t.reshape(e["shape"]).clone()
    return out


def vectornn_to_nanogpt(key):
    """vectornn's GptLanguageModel names (nn.MultiheadAttention-style attention) to nanoGPT's."""
    if key == "lm_head.weight":
        return key
    k = key.replace("attn.in_proj_weight", "attn.c_attn.weight").replace("attn.in_proj_bias", "attn.c_attn.bias")
    k = k.replace("attn.out_proj.", "attn.c_proj.")
    return "transformer." + k


def load_vectornn_init(model, path):
    sd = {vectornn_to_nanogpt(k): v for k, v in read_safetensors(path).items()}
    own = {k: v for k, v in model.state_dict().items() if not k.endswith("attn.bias") or k in sd}
    missing = sorted(set(own) - set(sd))
    unexpected = sorted(set(sd) - set(own))
    if missing or unexpected:
        raise SystemExit("--init-from %s: does not fit the model (layout flags?): missing %s, unexpected %s"
                         % (path, missing, unexpected))
    for k, v in sd.items():
        if tuple(v.shape) != tuple(own[k].shape):
            raise SystemExit("--init-from %s: %s has shape %s, the model %s" % (path, k, tuple(v.shape), tuple(own[k].shape)))
    with torch.no_grad():
        for k, v in sd.items():
            own[k].copy_(v)  # a tied matrix is written twice with the same values


# ----------------------------------------------------------------------------- run

def load_data(path):
    with open(path, "r", encoding="utf-8") as f:
        text = f.read()
    chars = sorted(set(text))
    stoi = {ch: i for i, ch in enumerate(chars)}
    ids = torch.tensor([stoi[c] for c in text], dtype=torch.long)
    n = int(len(ids) * 0.9)
    return ids[:n], ids[n:], len(chars)


def read_batches(path, batch):
    rows = []
    with open(path) as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            row = [int(x) for x in line.split()]
            if len(row) != batch:
                raise SystemExit("%s:%d: %d starts, batch is %d" % (path, line_no, len(row), batch))
            rows.append(torch.tensor(row, dtype=torch.long))
    return rows


def windows(data, starts, block):
    x = torch.stack([data[i:i + block] for i in starts.tolist()])
    y = torch.stack([data[i + 1:i + 1 + block] for i in starts.tolist()])
    return x, y


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1337)
    ap.add_argument("--iters", type=int, default=2000, help="max_iters (and lr_decay_iters unless --lr-decay-iters)")
    ap.add_argument("--lr-decay-iters", type=int, default=None)
    ap.add_argument("--no-tie", action="store_true", help="untied lm_head (vectornn's default layout)")
    ap.add_argument("--bias", action="store_true", help="biases in LayerNorms and Linears (vectornn's default layout)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--init-from", metavar="FILE")
    ap.add_argument("--batches", metavar="FILE")
    ap.add_argument("--log", metavar="FILE")
    ap.add_argument("--val-batches", metavar="FILE",
                    help="validation estimates use these window starts (one line per batch) instead of torch.randint")
    ap.add_argument("--json", metavar="FILE", help="write the evaluations and settings as JSON")
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--eval-interval", type=int, default=250)
    ap.add_argument("--eval-iters", type=int, default=20)
    ap.add_argument("--final-eval-iters", type=int, default=0)
    ap.add_argument("--float64", action="store_true", help="train in float64 (a reference with less rounding)")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    block, batch, layers, heads, d = 64, 12, 4, 4, 128
    lr_max, min_lr, warmup, wd, betas, clip = 1e-3, 1e-4, 100, 0.1, (0.9, 0.99), 1.0
    lr_decay_iters = a.lr_decay_iters if a.lr_decay_iters is not None else a.iters

    torch.manual_seed(a.seed)
    train, val, vocab = load_data(a.data)
    model = GPT(vocab, layers, heads, d, block, a.bias, not a.no_tie)
    if a.init_from:
        load_vectornn_init(model, a.init_from)
    if a.float64:
        model = model.double()
    optimizer = model.configure_optimizers(wd, lr_max, betas)
    fixed = read_batches(a.batches, batch) if a.batches else None
    fixed_val = read_batches(a.val_batches, batch) if a.val_batches else None
    if fixed_val is not None and len(fixed_val) < a.eval_iters:
        raise SystemExit("--val-batches %s has %d batches, --eval-iters is %d" % (a.val_batches, len(fixed_val), a.eval_iters))
    if fixed is not None and len(fixed) < a.iters:
        raise SystemExit("--batches %s has %d steps, --iters is %d" % (a.batches, len(fixed), a.iters))

    def get_lr(it):
        if it < warmup:
            return lr_max * (it + 1) / (warmup + 1)
        if it > lr_decay_iters:
            return min_lr
        ratio = (it - warmup) / (lr_decay_iters - warmup)
        return min_lr + 0.5 * (1.0 + math.cos(math.pi * ratio)) * (lr_max - min_lr)

    def get_batch(split, index=None):
        """nanoGPT's get_batch; index picks a row of --batches (train) or --val-batches (val) when given."""
        data = train if split == "train" else val
        rows = fixed if split == "train" else fixed_val
        if rows is not None and index is not None:
            return windows(data, rows[index], block)
        return windows(data, torch.randint(len(data) - block, (batch,)), block)

    @torch.no_grad()
    def estimate_loss(iters, gen_batch, per_batch=None):
        model.eval()
        out = {}
        for split in ("train", "val"):
            losses = torch.zeros(iters)  # float32, as nanoGPT
            for k in range(iters):
                x, y = gen_batch(split, k) if split == "val" else gen_batch(split)
                losses[k] = model(x, y).item()
            out[split] = losses.mean().item()
            if per_batch is not None:
                per_batch[split] = losses.tolist()
        model.train()
        return out

    log = open(a.log, "w") if a.log else None
    if log:
        log.write("step\tlr\tloss\tgrad_norm\n")
    evals = []
    t0 = time.time()
    x, y = get_batch("train", 0)
    it = 0
    while True:
        lr = get_lr(it)
        for g in optimizer.param_groups:
            g["lr"] = lr
        if a.eval_interval > 0 and it % a.eval_interval == 0:
            losses = estimate_loss(a.eval_iters, get_batch)
            evals.append({"iter": it, "train": losses["train"], "val": losses["val"]})
            print("step %d: train loss %.4f, val loss %.4f (%.0f s)" % (it, losses["train"], losses["val"], time.time() - t0),
                  flush=True)
        if it >= a.iters:
            break
        loss = model(x, y)
        if it + 1 < a.iters or fixed is None:
            x, y = get_batch("train", it + 1 if fixed is not None else None)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), clip).item()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if log:
            log.write("%d\t%.9g\t%.9g\t%.9g\n" % (it + 1, lr, loss.item(), norm))
        it += 1
    if log:
        log.close()
    result = {"seed": a.seed, "iters": a.iters, "tied": not a.no_tie, "bias": a.bias, "init_from": a.init_from,
              "batches": a.batches, "eval_iters": a.eval_iters, "evals": evals,
              "final_val_loss": evals[-1]["val"] if evals else None, "seconds": time.time() - t0,
              "torch": torch.__version__}
    if a.final_eval_iters > 0:
        g = torch.Generator().manual_seed(10_000 + a.seed)

        def own_batch(split, _k=None):
            data = train if split == "train" else val
            return windows(data, torch.randint(len(data) - block, (batch,), generator=g), block)

        per_batch = {}
        result["final_val_loss_%d" % a.final_eval_iters] = estimate_loss(a.final_eval_iters, own_batch, per_batch)["val"]
        result["final_val_batch_losses"] = per_batch["val"]  # for the spread of a 20-batch estimate
        print("final val loss on %d batches: %.4f" % (a.final_eval_iters, result["final_val_loss_%d" % a.final_eval_iters]))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f, indent=1)
    print("done: %d iterations in %.0f s; val loss %.4f" % (a.iters, time.time() - t0, result["final_val_loss"] or float("nan")))


if __name__ == "__main__":
    sys.exit(main())
