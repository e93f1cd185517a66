#!/usr/bin/env python3
"""Self-attention at sequence 512, 1024, 2048 (8 heads of 64, batch 1): the fused kernel
(kiln-fuse attention group, blockwise online softmax) against the same model compiled with
--no-fusion (one kernel per op, the score matrix in memory) and PyTorch eager, one run.

The model is what exporters write for multi-head attention on [B, S, H, D] tensors:
transposes splitting the heads, Q K^T, division by sqrt(D), softmax, times V, transpose
merging the heads. For each length, interleaved over --rounds rounds, it times
`kiln-run --benchmark` of both artifacts and the PyTorch eager version on 1 thread and
prints medians, spreads ((p90 - min) / median) and ratios. Memory: the peak resident set
of a kiln-run process (`/usr/bin/time -f %M`, 3 runs; inputs, outputs and code included)
and the artifact's planned arena (intermediates between kernels), for both artifacts:
the unfused arena holds the [8, S, S] score matrices, the fused one nothing.

  bench/attention.py --bin build/bin [--runs 10] [--rounds 3] [--lengths 512,1024,2048]

Run with Debian's /usr/bin/python3 (torch, numpy).
"""
import argparse
import os
import re
import subprocess
import tempfile
import time

import torch
from kiln_timing import kiln_ms, min_median_p90, summary  # noqa: E402  (beside this script)

HEADS, HEAD_DIM = 8, 64


def model_mlir(s, h=HEADS, d=HEAD_DIM):
    t = "tensor<1x%dx%dx%dxf32>" % (s, h, d)
    th = "tensor<1x%dx%dx%dxf32>" % (h, s, d)
    tt = "tensor<1x%dx%dx%dxf32>" % (h, d, s)
    ts = "tensor<1x%dx%dx%dxf32>" % (h, s, s)
    return f"""func.func @main(%q: {t} {{kiln.name = "q"}}, %k: {t} {{kiln.name = "k"}}, %v: {t} {{kiln.name = "v"}}) -> ({t} {{kiln.name = "o"}}) {{
  %qt = kiln.transpose %q permutation = [0, 2, 1, 3] : {t} -> {th}
  %kt = kiln.transpose %k permutation = [0, 2, 3, 1] : {t} -> {tt}
  %vt = kiln.transpose %v permutation = [0, 2, 1, 3] : {t} -> {th}
  %s = kiln.matmul %qt, %kt : ({th}, {tt}) -> {ts}
  %c = kiln.constant dense<{d ** 0.5}> : tensor<f32>
  %x = kiln.div %s, %c : ({ts}, tensor<f32>) -> {ts}
  %p = kiln.softmax %x axis = 3 : {ts}
  %o = kiln.matmul %p, %vt : ({ts}, {th}) -> {th}
  %r = kiln.transpose %o permutation = [0, 2, 1, 3] : {th} -> {t}
  return %r : {t}
}}
"""


def torch_attention(q, k, v):
    qt, kt, vt = q.transpose(1, 2), k.permute(0, 2, 3, 1), v.transpose(1, 2)
    p = torch.softmax(torch.matmul(qt, kt) / HEAD_DIM ** 0.5, dim=-1)
    return torch.matmul(p, vt).transpose(1, 2)


def torch_ms(s, runs):
    torch.set_num_threads(1)
    q, k, v = (torch.randn(1, s, HEADS, HEAD_DIM) for _ in range(3))
    with torch.no_grad():
        for _ in range(2):
            torch_attention(q, k, v)
        ts = []
        for _ in range(runs):
            t = time.perf_counter()
            torch_attention(q, k, v)
            ts.append((time.perf_counter() - t) * 1e3)
    return min_median_p90(ts)


def peak_rss_mb(binary, artifact):
    p = subprocess.run(["/usr/bin/time", "-f", "%M", os.path.join(binary, "kiln-run"), artifact,
                        "--random-inputs=1", "--benchmark=3", "--warmup=0"],
                       capture_output=True, text=True, check=True)
    return int(p.stderr.strip().splitlines()[-1]) / 1024.0


def arena_mb(binary, artifact):
    out = subprocess.run([os.path.join(binary, "kiln-run"), "--inspect", artifact],
                         capture_output=True, text=True, check=True).stdout
    return int(re.search(r"memory: arena (\d+) bytes", out).group(1)) / 2.0 ** 20


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--lengths", default="512,1024,2048")
    args = ap.parse_args()
    print("| seq | fused ms | --no-fusion ms | speed-up of fusion | PyTorch eager ms | "
          "fused / PyTorch latency | spread fused, unfused, torch | peak RSS fused / "
          "unfused MB | arena fused / unfused MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for s in (int(x) for x in args.lengths.split(",")):
            src = os.path.join(tmp, "attention%d.mlir" % s)
            with open(src, "w") as f:
                f.write(model_mlir(s))
            fused, unfused = (os.path.join(tmp, "a%d%s.kiln" % (s, tag)) for tag in ("", "-nf"))
            for artifact, flags in ((fused, []), (unfused, ["--no-fusion"])):
                subprocess.run([os.path.join(args.bin, "kiln-compile"), src, "-o", artifact]
                               + flags, check=True)
            samples = {"fused": [], "unfused": [], "torch": []}
            for _ in range(args.rounds):
                samples["fused"].append(kiln_ms(args.bin, fused, args.runs))
                samples["unfused"].append(kiln_ms(args.bin, unfused, args.runs))
                samples["torch"].append(torch_ms(s, args.runs))
            (f, fs), (u, us), (t, ts) = (summary(samples[k]) for k in ("fused", "unfused", "torch"))
            rss = [peak_rss_mb(args.bin, a) for a in (fused, unfused)]
            arena = [arena_mb(args.bin, a) for a in (fused, unfused)]
            print("| %d | %.2f | %.2f | %.2fx | %.2f | %.2f | %.0f%%, %.0f%%, %.0f%% | "
                  "%.1f / %.1f | %.1f / %.1f |" % (s, f, u, u / f, t, f / t, 100 * fs, 100 * us,
                                                  100 * ts, rss[0], rss[1], arena[0], arena[1]))


if __name__ == "__main__":
    main()
