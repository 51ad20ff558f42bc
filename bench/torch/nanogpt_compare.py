#!/usr/bin/python3
"""Tables two per-step logs (step, lr, loss, grad_norm TSV) side by side: vectornn's
(GptTrajectoryDump) and bench/torch/nanogpt.py's on the same initial weights and batches.

    bench/torch/nanogpt_compare.py VECTORNN.tsv TORCH.tsv [--steps 1,2,5,10,50,100,200]

Prints the chosen steps, then the largest relative difference of loss, grad norm and lr over
steps 1-10, 1-50 and all common steps. Plain python3 (no torch needed).
"""
import argparse


def read(path):
    rows = {}
    with open(path) as f:
        header = f.readline().split()
        if header != ["step", "lr", "loss", "grad_norm"]:
            raise SystemExit("%s: unexpected header %s" % (path, header))
        for line in f:
            s, lr, loss, gn = line.split()
            rows[int(s)] = (float(lr), float(loss), float(gn))
    return rows


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-30)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vectornn")
    ap.add_argument("torch")
    ap.add_argument("--steps", default="1,2,5,10,50,100,200")
    a = ap.parse_args()
    j, t = read(a.vectornn), read(a.torch)
    common = sorted(set(j) & set(t))
    print("| step | lr vectornn | lr torch | loss vectornn | loss torch | rel diff | grad norm vectornn | grad norm torch | rel diff |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in [int(x) for x in a.steps.split(",")]:
        if s in j and s in t:
            (lj, xj, gj), (lt, xt, gt) = j[s], t[s]
            print("| %d | %.6g | %.6g | %.6f | %.6f | %.1e | %.6f | %.6f | %.1e |"
                  % (s, lj, lt, xj, xt, rel(xj, xt), gj, gt, rel(gj, gt)))
    for hi in (10, 50, common[-1] if common else 0):
        win = [s for s in common if s <= hi]
        if not win:
            continue
        print("steps 1-%d: max rel diff loss %.2e, grad norm %.2e, lr %.2e" % (
            hi, max(rel(j[s][1], t[s][1]) for s in win), max(rel(j[s][2], t[s][2]) for s in win),
            max(rel(j[s][0], t[s][0]) for s in win)))


if __name__ == "__main__":
    main()
