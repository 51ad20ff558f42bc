#!/usr/bin/env python3
"""PyTorch twins of vectornn's workload benchmarks (bench/.../workloads/*WorkloadBenchmark.java).

Runs the same five workloads (shapes, losses, optimizers, hyperparameters) on 1 and 2 threads,
times a forward pass (torch.inference_mode) and a train step (zero_grad, forward, backward,
[clip], optimizer step) per step with time.perf_counter, and writes the medians to JSON for
dev.vectornn.bench.report.WorkloadTable, which tables them next to the JMH results.

    bench/torch/compare.py [--threads 1,2] [--workloads mlp,lstm,...] [--quick] [--out FILE]
    bench/torch/compare.py --merge PART.json... --out FILE

`--merge` runs nothing: it joins the JSON of several runs (bench/run workloads makes one per
workload and thread count, each right after vectornn's JMH run of the same pair, so that both
sides of a ratio are timed in the same minutes of a shared machine) into one file of the same form.

Any python3 may start it: torch comes from Debian's python3-torch, so the script re-executes
itself under /usr/bin/python3 (--python to change that), once per thread count, in a clean
environment for that count:
  * OPENBLAS_CORETYPE unset: the machine's environment pins OpenBLAS to its Haswell kernels,
    which run at about half the speed of the ones it picks for this CPU by itself;
  * OMP_NUM_THREADS=N and OPENBLAS_NUM_THREADS=N: torch.set_num_threads(N) sets OpenMP's count,
    but Debian's torch calls the system libblas (OpenBLAS, pthread build) without knowing it is
    OpenBLAS, so OpenBLAS would otherwise use every core even at N = 1;
  * OMP_WAIT_POLICY=PASSIVE for N >= 2: idle OpenMP workers sleep instead of spinning, so they do
    not steal the one other core from OpenBLAS's threads.
The equivalent manual command for one thread count is
    env -u OPENBLAS_CORETYPE OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE \\
        /usr/bin/python3 bench/torch/compare.py --child --threads 2 --out /tmp/t2.json

Each child prints torch's build configuration (torch.__config__.show()) and the BLAS library it
actually loaded, with OpenBLAS's own core name and configuration, and records them in the JSON.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

WORKLOADS = ["mlp", "lstm", "attention", "char-gpt", "word-lstm-lm"]
DEFAULT_PYTHON = "/usr/bin/python3"


# ----------------------------------------------------------------------------- parent

def child_env(threads):
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env["OMP_NUM_THREADS"] = str(threads)
    env["OPENBLAS_NUM_THREADS"] = str(threads)
    env["MKL_NUM_THREADS"] = str(threads)
    if threads >= 2:
        env["OMP_WAIT_POLICY"] = "PASSIVE"
    else:
        env.pop("OMP_WAIT_POLICY", None)
    return env


def run_parent(args):
    results, configs = [], {}
    tmp_dir = os.path.dirname(os.path.abspath(args.out)) or "."
    os.makedirs(tmp_dir, exist_ok=True)
    for n in args.threads:
        part = os.path.join(tmp_dir, ".compare-%d-%d.json" % (os.getpid(), n))
        cmd = [args.python, os.path.abspath(__file__), "--child", "--threads", str(n),
               "--workloads", ",".join(args.workloads), "--out", part,
               "--warmup-seconds", str(args.warmup_seconds), "--seconds", str(args.seconds),
               "--min-iterations", str(args.min_iterations)]
        if args.quick:
            cmd.append("--quick")
        print("compare.py: %d thread(s): %s" % (n, " ".join(cmd)), file=sys.stderr, flush=True)
        rc = subprocess.call(cmd, env=child_env(n))
        if rc != 0:
            print("compare.py: the %d-thread run failed (exit %d)" % (n, rc), file=sys.stderr)
            return rc
        with open(part) as f:
            data = json.load(f)
        os.remove(part)
        results.extend(data["results"])
        configs[str(n)] = data["environment"]
    out = {"tool": "bench/torch/compare.py", "quick": args.quick, "results": results, "environment": configs}
    with open(args.out, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    print("compare.py: wrote %s" % args.out, file=sys.stderr)
    return 0


def merge(parts, out_path):
    """Joins compare.py outputs into one; a (workload, threads) pair measured twice is an error."""
    results, configs, seen, quick = [], {}, {}, None
    for path in parts:
        try:
            with open(path) as f:
                data = json.load(f)
        except (OSError, ValueError) as e:
            print("compare.py --merge: %s: %s" % (path, e), file=sys.stderr)
            return 2
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            print("compare.py --merge: %s: not compare.py output (no 'results' list)" % path, file=sys.stderr)
            return 2
        for r in data["results"]:
            key = (r.get("workload"), r.get("threads"))
            if key in seen:
                print("compare.py --merge: %s thread(s) %s is in both %s and %s" % (key[0], key[1], seen[key], path),
                      file=sys.stderr)
                return 2
            seen[key] = path
            results.append(r)
        for n, env in (data.get("environment") or {}).items():
            configs.setdefault(n, env)
        quick = bool(data.get("quick")) if quick is None else quick or bool(data.get("quick"))
    out = {"tool": "bench/torch/compare.py", "quick": bool(quick), "results": results, "environment": configs,
           "merged_from": [os.path.basename(p) for p in parts]}
    with open(out_path, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    print("compare.py: merged %d run(s) into %s" % (len(parts), out_path), file=sys.stderr)
    return 0


# ----------------------------------------------------------------------------- child

def loaded_blas():
    """The BLAS/LAPACK shared objects mapped into this process, and OpenBLAS's view of itself."""
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                name = os.path.basename(path)
                if any(k in name for k in ("blas", "lapack", "mkl", "dnnl", "gomp", "omp")):
                    libs.add(os.path.realpath(path))
    except OSError:
        pass
    info = {"libraries": sorted(libs)}
    for lib in sorted(libs):
        if "openblas" not in lib and "libblas" not in lib:
            continue
        try:
            import ctypes
            h = ctypes.CDLL(lib)
            for fn, key in (("openblas_get_corename", "openblas_core"), ("openblas_get_config", "openblas_config")):
                if hasattr(h, fn):
                    getattr(h, fn).restype = ctypes.c_char_p
                    info[key] = getattr(h, fn)().decode()
            if hasattr(h, "openblas_get_num_threads"):
                info["openblas_threads"] = h.openblas_get_num_threads()
        except OSError:
            pass
    return info


def build(name, torch, nn, F):
    """(model params, forward(), train_step(), units per step, unit) for one workload, seeded."""
    torch.manual_seed(1)
    g = torch.Generator().manual_seed(2)

    if name == "mlp":
        batch = 128
        model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
        x = torch.rand(batch, 784, generator=g)
        y = torch.randint(10, (batch,), generator=g)
        opt = torch.optim.SGD(model.parameters(), lr=0.01)

        def fwd():
            return model(x)

        def loss_fn():
            return F.cross_entropy(model(x), y)
        return model, fwd, loss_fn, opt, None, batch, "samples"

    if name == "lstm":
        seq, batch = 64, 32

        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm = nn.LSTM(128, 256)
                self.head = nn.Linear(256, 1)

            def forward(self, x):
                _, (h, _) = self.lstm(x)
                return self.head(h[-1])
        model = M()
        x = torch.rand(seq, batch, 128, generator=g) * 2 - 1
        target = torch.rand(batch, 1, generator=g) * 2 - 1
        opt = torch.optim.Adam(model.parameters())
        return model, lambda: model(x), lambda: F.mse_loss(model(x), target), opt, None, seq * batch, "tokens"

    if name == "attention":
        d, heads, seq, batch = 256, 8, 128, 16
        attn = nn.MultiheadAttention(d, heads, batch_first=True)
        mask = torch.triu(torch.ones(seq, seq, dtype=torch.bool), diagonal=1)
        x = torch.rand(batch, seq, d, generator=g) * 2 - 1
        target = torch.rand(batch, seq, d, generator=g) * 2 - 1
        opt = torch.optim.Adam(attn.parameters())

        def fwd():
            return attn(x, x, x, attn_mask=mask, need_weights=False)[0]
        return attn, fwd, lambda: F.mse_loss(fwd(), target), opt, None, seq * batch, "tokens"

    if name == "char-gpt":
        vocab, layers, heads, d, block, batch = 65, 4, 4, 128, 64, 12

        class Block(nn.Module):
            def __init__(self):
                super().__init__()
                self.ln_1 = nn.LayerNorm(d)
                self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
                self.ln_2 = nn.LayerNorm(d)
                self.mlp = nn.ModuleDict({"c_fc": nn.Linear(d, 4 * d), "c_proj": nn.Linear(4 * d, d)})

            def forward(self, x, mask):
                h = self.ln_1(x)
                x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
                return x + self.mlp["c_proj"](F.gelu(self.mlp["c_fc"](self.ln_2(x))))

        class GPT(nn.Module):
            def __init__(self):
                super().__init__()
                self.wte = nn.Embedding(vocab, d)
                self.wpe = nn.Embedding(block, d)
                self.h = nn.ModuleList([Block() for _ in range(layers)])
                self.ln_f = nn.LayerNorm(d)
                self.lm_head = nn.Linear(d, vocab, bias=False)
                self.register_buffer("mask", torch.triu(torch.ones(block, block, dtype=torch.bool), diagonal=1))
                self.register_buffer("pos", torch.arange(block))

            def forward(self, idx):
                x = self.wte(idx) + self.wpe(self.pos)
                for b in self.h:
                    x = b(x, self.mask)
                return self.lm_head(self.ln_f(x))
        model = GPT()
        tokens = torch.randint(vocab, (batch, block + 1), generator=g)
        idx, targets = tokens[:, :-1].contiguous(), tokens[:, 1:].contiguous()
        opt = torch.optim.AdamW(model.parameters())

        def loss_fn():
            return F.cross_entropy(model(idx).view(-1, vocab), targets.view(-1))
        return model, lambda: model(idx), loss_fn, opt, None, batch * block, "tokens"

    if name == "word-lstm-lm":
        vocab, emb, hidden, layers, bptt, batch = 33278, 200, 200, 2, 35, 20

        class LM(nn.Module):
            def __init__(self):
                super().__init__()
                self.encoder = nn.Embedding(vocab, emb)
                self.rnn = nn.LSTM(emb, hidden, layers)
                self.decoder = nn.Linear(hidden, vocab)

            def forward(self, idx, state):
                out, state = self.rnn(self.encoder(idx), state)
                return self.decoder(out), state
        model = LM()
        stream = torch.randint(vocab, (bptt + 1, batch), generator=g)
        idx, targets = stream[:-1].contiguous(), stream[1:].contiguous()
        zeros = (torch.zeros(layers, batch, hidden), torch.zeros(layers, batch, hidden))
        state = [zeros]
        opt = torch.optim.SGD(model.parameters(), lr=20)

        def fwd():
            return model(idx, zeros)[0]

        def loss_fn():
            # as the example: the state of the previous segment, detached (repackage_hidden)
            h, c = state[0]
            logits, new_state = model(idx, (h.detach(), c.detach()))
            state[0] = new_state
            return F.cross_entropy(logits.view(-1, vocab), targets.view(-1))

        def clip():
            torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        return model, fwd, loss_fn, opt, clip, bptt * batch, "tokens"

    raise ValueError("unknown workload " + name)


def timed(step, warmup_seconds, seconds, min_iterations):
    """Per-step times in seconds after a warm-up: at least min_iterations steps and `seconds` in all."""
    t0 = time.perf_counter()
    n = 0
    while n < max(1, min_iterations // 2) or time.perf_counter() - t0 < warmup_seconds:
        step()
        n += 1
    times = []
    t0 = time.perf_counter()
    while len(times) < min_iterations or time.perf_counter() - t0 < seconds:
        s = time.perf_counter()
        step()
        times.append(time.perf_counter() - s)
    return times


def run_child(args):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    n = args.threads[0]
    torch.set_num_threads(n)
    env = {
        "torch": torch.__version__,
        "python": platform.python_version(),
        "executable": sys.executable,
        "threads": torch.get_num_threads(),
        "config": torch.__config__.show(),
        "parallel_info": torch.__config__.parallel_info(),
        "blas": loaded_blas(),
        "env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                               "OMP_WAIT_POLICY", "MKL_NUM_THREADS")},
    }
    print("compare.py [%d thread(s)]: torch %s, %s" % (n, env["torch"], env["executable"]), file=sys.stderr)
    print(env["config"].rstrip(), file=sys.stderr)
    b = env["blas"]
    print("BLAS loaded: %s; OpenBLAS core %s, config %s, threads %s; environment %s" % (
        ", ".join(b["libraries"]) or "?", b.get("openblas_core", "?"), b.get("openblas_config", "?"),
        b.get("openblas_threads", "?"), env["env"]), file=sys.stderr, flush=True)

    results = []
    for name in args.workloads:
        model, fwd, loss_fn, opt, clip, units, unit = build(name, torch, nn, F)
        model.train()  # no dropout anywhere: train and eval compute the same

        def train_step():
            opt.zero_grad()
            loss = loss_fn()
            loss.backward()
            if clip is not None:
                clip()
            opt.step()
            return loss

        def forward_step():
            with torch.inference_mode():
                fwd()

        fwd_t = timed(forward_step, args.warmup_seconds, args.seconds, args.min_iterations)
        train_t = timed(train_step, args.warmup_seconds, args.seconds, args.min_iterations)
        r = {
            "workload": name, "threads": n, "units_per_step": units, "unit": unit,
            "forward_ms": 1e3 * statistics.median(fwd_t), "train_ms": 1e3 * statistics.median(train_t),
            "forward_samples_ms": [1e3 * t for t in fwd_t], "train_samples_ms": [1e3 * t for t in train_t],
            "final_loss": float(train_step().item()),
        }
        results.append(r)
        print("  %-13s threads %d  forward %9.3f ms  train step %9.3f ms  (%d / %d steps timed; %.0f %s/s training)" % (
            name, n, r["forward_ms"], r["train_ms"], len(fwd_t), len(train_t), units / (r["train_ms"] / 1e3), unit),
            file=sys.stderr, flush=True)
    with open(args.out, "w") as f:
        json.dump({"results": results, "environment": env}, f, indent=2)
        f.write("\n")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", default="1,2", help="comma-separated thread counts (default 1,2)")
    p.add_argument("--workloads", default=",".join(WORKLOADS), help="comma-separated subset of " + ",".join(WORKLOADS))
    p.add_argument("--quick", action="store_true", help="0.3 s warm-up and 1 s (>= 3 steps) per measurement: proves the pipeline")
    p.add_argument("--warmup-seconds", type=float, default=None, help="warm-up per measurement (default 3, --quick 0.3)")
    p.add_argument("--seconds", type=float, default=None, help="timed seconds per measurement (default 10, --quick 1)")
    p.add_argument("--min-iterations", type=int, default=None, help="at least this many timed steps (default 20, --quick 3)")
    p.add_argument("--out", default="bench/results/torch.json", help="JSON output (default bench/results/torch.json)")
    p.add_argument("--python", default=DEFAULT_PYTHON, help="interpreter with torch for the runs (default /usr/bin/python3)")
    p.add_argument("--merge", nargs="+", metavar="JSON", help="join these outputs of earlier runs into --out; runs nothing")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.merge:
        return merge(args.merge, args.out)
    try:
        args.threads = [int(t) for t in args.threads.split(",") if t]
    except ValueError:
        p.error("--threads takes integers, e.g. 1,2")
    if not args.threads or min(args.threads) < 1:
        p.error("--threads needs counts >= 1")
    args.workloads = [w for w in args.workloads.split(",") if w]
    unknown = [w for w in args.workloads if w not in WORKLOADS]
    if unknown:
        p.error("unknown workload(s) %s; choose from %s" % (",".join(unknown), ",".join(WORKLOADS)))
    if args.warmup_seconds is None:
        args.warmup_seconds = 0.3 if args.quick else 3.0
    if args.seconds is None:
        args.seconds = 1.0 if args.quick else 10.0
    if args.min_iterations is None:
        args.min_iterations = 3 if args.quick else 20
    if args.child:
        if len(args.threads) != 1:
            p.error("--child runs one thread count")
        return run_child(args)
    if not os.access(args.python, os.X_OK):
        p.error("no interpreter at %s (Debian's python3-torch lives under /usr/bin/python3; see --python)" % args.python)
    return run_parent(args)


if __name__ == "__main__":
    sys.exit(main())
