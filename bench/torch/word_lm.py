#!/usr/bin/env python3
"""PyTorch reference for the WikiText-2 acceptance run of issue 6: pytorch/examples'
word_language_model (main.py + model.py + data.py) with its defaults -- LSTM, emsize 200,
nhid 200, 2 layers, dropout 0.2, lr 20 divided by 4 when validation does not improve, clip 0.25,
bptt 35, batch 20 (evaluation batch 10), seed 1111 -- re-stated here (the example is not vendored)
so that both sides can be run on this machine and compared epoch by epoch.

Prints one line per epoch (time, validation and test perplexity) and writes them as JSON.

    env -u OPENBLAS_CORETYPE OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE \\
        /usr/bin/python3 bench/torch/word_lm.py --data ../shared/data/wikitext-2 --epochs 2 --threads 2

Differences from the example, none of which changes the arithmetic: the test split is evaluated
after every epoch (the example evaluates it once, at the end, with the best model), and nothing
is saved.
"""

import argparse
import json
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Corpus:
    """data.py: every line split on whitespace, followed by <eos>; the dictionary spans all three splits."""

    def __init__(self, path):
        self.word2idx = {}
        self.splits = {name: self.tokenize(os.path.join(path, name + ".txt")) for name in ("train", "valid", "test")}

    def tokenize(self, path):
        ids = []
        with open(path, "r", encoding="utf8") as f:
            for line in f:
                for w in line.split() + ["<eos>"]:
                    ids.append(self.word2idx.setdefault(w, len(self.word2idx)))
        return torch.tensor(ids, dtype=torch.int64)


class RNNModel(nn.Module):
    def __init__(self, ntoken, ninp, nhid, nlayers, dropout, tie):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = nn.LSTM(ninp, nhid, nlayers, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        if tie:
            self.decoder.weight = self.encoder.weight
        nn.init.uniform_(self.encoder.weight, -0.1, 0.1)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -0.1, 0.1)
        self.nlayers, self.nhid = nlayers, nhid

    def forward(self, x, hidden):
        emb = self.drop(self.encoder(x))
        output, hidden = self.rnn(emb, hidden)
        decoded = self.decoder(self.drop(output)).view(-1, self.decoder.out_features)
        return F.log_softmax(decoded, dim=1), hidden

    def init_hidden(self, bsz):
        w = next(self.parameters())
        return (w.new_zeros(self.nlayers, bsz, self.nhid), w.new_zeros(self.nlayers, bsz, self.nhid))


def batchify(data, bsz):
    nbatch = data.size(0) // bsz
    return data.narrow(0, 0, nbatch * bsz).view(bsz, -1).t().contiguous()


def get_batch(source, i, bptt):
    seq_len = min(bptt, len(source) - 1 - i)
    return source[i:i + seq_len], source[i + 1:i + 1 + seq_len].reshape(-1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--tied", action="store_true")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1111)
    corpus = Corpus(a.data)
    train = batchify(corpus.splits["train"], 20)
    val = batchify(corpus.splits["valid"], 10)
    test = batchify(corpus.splits["test"], 10)
    ntokens = len(corpus.word2idx)
    model = RNNModel(ntokens, 200, 200, 2, 0.2, a.tied)
    criterion = nn.NLLLoss()
    bptt, lr, best = 35, 20.0, None

    def evaluate(source):
        model.eval()
        total, hidden = 0.0, model.init_hidden(10)
        with torch.no_grad():
            for i in range(0, source.size(0) - 1, bptt):
                data, targets = get_batch(source, i, bptt)
                output, hidden = model(data, hidden)
                total += len(data) * criterion(output, targets).item()
        return total / (len(source) - 1)

    print(f"torch {torch.__version__}, {a.threads} threads, vocab {ntokens}, {train.size(0) // bptt} windows/epoch",
          flush=True)
    rows = []
    for epoch in range(1, a.epochs + 1):
        t0 = time.perf_counter()
        model.train()
        hidden = model.init_hidden(20)
        for batch, i in enumerate(range(0, train.size(0) - 1, bptt)):
            data, targets = get_batch(train, i, bptt)
            hidden = tuple(h.detach() for h in hidden)
            model.zero_grad()
            output, hidden = model(data, hidden)
            loss = criterion(output, targets)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
            for p in model.parameters():
                p.data.add_(p.grad, alpha=-lr)
            if batch % 200 == 0 and batch > 0:
                ms = (time.perf_counter() - t0) * 1000 / batch
                print(f"  epoch {epoch} batch {batch} loss {loss.item():.3f} {ms:.1f} ms/batch", flush=True)
        train_s = time.perf_counter() - t0
        val_loss = evaluate(val)
        test_loss = evaluate(test)
        row = {"epoch": epoch, "train_s": train_s, "epoch_s": time.perf_counter() - t0, "valid_ppl": math.exp(val_loss),
               "test_ppl": math.exp(test_loss), "lr": lr}
        rows.append(row)
        print(f"end of epoch {epoch} | {row['epoch_s']:.0f} s | valid ppl {row['valid_ppl']:.2f} | "
              f"test ppl {row['test_ppl']:.2f} | lr {lr:g}", flush=True)
        if best is None or val_loss < best:
            best = val_loss
        else:
            lr /= 4.0
    if a.out:
        with open(a.out, "w") as f:
            json.dump({"torch": torch.__version__, "threads": a.threads, "epochs": rows}, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
