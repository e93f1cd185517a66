#!/usr/bin/env python3
"""Model latency at batch 1: kiln (compiled for this CPU) against PyTorch eager, one run.

Exports ResNet-18, MobileNetV2 and the transformer block of test/models/export_models.py
(random init, eval mode), compiles each with kiln-compile, and for 1 and 2 threads times
`kiln-run --benchmark` and PyTorch eager (torch.set_num_threads, no_grad) on the same input,
interleaved over --rounds rounds; prints medians, the spread ((p90 - min) / median) and
the ratio kiln / PyTorch latency (below 1 is faster than PyTorch). Each model is compiled
twice, fused (the default) and with --no-fusion (one kernel per op), in the same run: the
table gives both latencies, their ratio and the kernel counts.

  bench/models.py --bin build/bin [--runs 20] [--rounds 3] [--models resnet18,...]

Run with Debian's /usr/bin/python3 (torch, torchvision, onnx, numpy).
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test",
                                "models"))
import export_models  # noqa: E402
from kiln_timing import kiln_ms, min_median_p90  # noqa: E402  (beside this script)


def torch_ms(model, x, runs, threads):
    torch.set_num_threads(threads)
    with torch.no_grad():
        for _ in range(3):
            model(x)
        ts = []
        for _ in range(runs):
            t = time.perf_counter()
            model(x)
            ts.append((time.perf_counter() - t) * 1e3)
    return min_median_p90(ts)


def fmt_ms(v):
    """Four significant digits: the transformer block runs in ~0.015 ms."""
    return "%.4g" % v


def kernel_count(binary, artifact):
    out = subprocess.run([os.path.join(binary, "kiln-run"), "--inspect", artifact],
                         capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^kernels: (\d+)", out, re.M).group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--models", default=",".join(export_models.MODELS),
                    help="comma-separated subset of: " + ", ".join(export_models.MODELS))
    args = ap.parse_args()
    chosen = args.models.split(",")
    unknown = sorted(set(chosen) - set(export_models.MODELS))
    if unknown:
        ap.error("unknown model(s): " + ", ".join(unknown))
    print("| model | threads | kiln ms | PyTorch eager ms | kiln / PyTorch latency | "
          "--no-fusion ms | speed-up of fusion | kernels fused / unfused | "
          "spread kiln, unfused, torch | compile s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        export_models.export(tmp)
        models = export_models.build_models()
        for name in [m for m in export_models.MODELS if m in chosen]:
            model = models[name][0]  # same architecture; weights do not change latency
            model.eval()
            inp = os.path.join(tmp, name + ".input.npy")
            x = torch.from_numpy(np.load(inp))
            artifact = os.path.join(tmp, name + ".kiln")
            unfused = os.path.join(tmp, name + ".unfused.kiln")
            t0 = time.time()
            subprocess.run([os.path.join(args.bin, "kiln-compile"),
                            os.path.join(tmp, name + ".onnx"), "-o", artifact], check=True)
            compile_s = time.time() - t0
            subprocess.run([os.path.join(args.bin, "kiln-compile"), "--no-fusion",
                            os.path.join(tmp, name + ".onnx"), "-o", unfused], check=True)
            kernels = "%d / %d" % (kernel_count(args.bin, artifact),
                                   kernel_count(args.bin, unfused))
            for threads in (1, 2):
                ks, us, ts = [], [], []
                for _ in range(args.rounds):
                    ks.append(kiln_ms(args.bin, artifact, args.runs, threads, warmup=3, inp=inp))
                    us.append(kiln_ms(args.bin, unfused, args.runs, threads, warmup=3, inp=inp))
                    ts.append(torch_ms(model, x, args.runs, threads))
                    # PyTorch's OpenMP workers spin for a while after their last parallel
                    # region and would hold the second core while the next kiln-run
                    # measures microsecond-scale kernels on 2 threads (the transformer
                    # block then read 0.12 ms instead of 0.02).
                    time.sleep(0.5)
                k = statistics.median(v[1] for v in ks)
                u = statistics.median(v[1] for v in us)
                t = statistics.median(v[1] for v in ts)
                spread = lambda vs: 100 * statistics.median((v[2] - v[0]) / v[1] for v in vs)
                print("| %s | %d | %s | %s | %.2f | %s | %.2fx | %s | %.0f%%, %.0f%%, "
                      "%.0f%% | %.1f |" % (name, threads, fmt_ms(k), fmt_ms(t), k / t, fmt_ms(u),
                                           u / k, kernels, spread(ks), spread(us), spread(ts),
                                           compile_s))
    return 0


if __name__ == "__main__":
    sys.exit(main())
