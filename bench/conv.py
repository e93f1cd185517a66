#!/usr/bin/env python3
"""ResNet-18's 3x3 convolutions at batch 1: kiln against PyTorch's oneDNN convolution.

For each distinct 3x3 convolution of torchvision's resnet18 (input channels, output
channels, input size, stride), a one-op kiln model (input, weight and bias are inputs)
is compiled with kiln-compile and timed with `kiln-run --benchmark`, and
torch.nn.functional.conv2d (oneDNN / mkldnn on this build) is timed on the same shape with
the same thread count, interleaved over --rounds rounds in this one run. Prints medians,
the spread ((p90 - min) / median) and kiln's throughput relative to PyTorch's.

  bench/conv.py --bin build/bin [--runs 20] [--rounds 3] [--threads 1]

Run with Debian's /usr/bin/python3 (torch, numpy).
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import torch
from kiln_timing import kiln_ms, min_median_p90  # noqa: E402  (beside this script)

# (C_in, C_out, H = W, stride) of resnet18's 3x3 convolutions at 224x224.
SHAPES = [(64, 64, 56, 1), (64, 128, 56, 2), (128, 128, 28, 1), (128, 256, 28, 2),
          (256, 256, 14, 1), (256, 512, 14, 2), (512, 512, 7, 1)]


def torch_ms(c, f, hw, stride, runs, threads):
    torch.set_num_threads(threads)
    x = torch.randn(1, c, hw, hw)
    w = torch.randn(f, c, 3, 3)
    b = torch.randn(f)
    with torch.no_grad():
        for _ in range(3):
            torch.nn.functional.conv2d(x, w, b, stride=stride, padding=1)
        ts = []
        for _ in range(runs):
            t = time.perf_counter()
            torch.nn.functional.conv2d(x, w, b, stride=stride, padding=1)
            ts.append((time.perf_counter() - t) * 1e3)
    return min_median_p90(ts)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    print("| conv (Cin -> Cout, HxW, stride) | kiln ms | oneDNN ms | kiln GFLOP/s | "
          "kiln / oneDNN throughput | spread kiln, torch |")
    print("|---|---|---|---|---|---|")
    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        for c, f, hw, stride in SHAPES:
            o = (hw + 2 - 3) // stride + 1
            src = os.path.join(tmp, "conv.mlir")
            with open(src, "w") as fh:
                fh.write(
                    "func.func @main(%%x: tensor<1x%dx%dx%dxf32> {kiln.name = \"x\"}, "
                    "%%w: tensor<%dx%dx3x3xf32> {kiln.name = \"w\"}, %%b: tensor<%dxf32> "
                    "{kiln.name = \"b\"}) -> tensor<1x%dx%dx%dxf32> {\n"
                    "  %%0 = kiln.conv2d %%x, %%w, %%b {pads = array<i64: 1, 1, 1, 1>, "
                    "strides = array<i64: %d, %d>} : (tensor<1x%dx%dx%dxf32>, "
                    "tensor<%dx%dx3x3xf32>, tensor<%dxf32>) -> tensor<1x%dx%dx%dxf32>\n"
                    "  return %%0 : tensor<1x%dx%dx%dxf32>\n}\n" %
                    (c, hw, hw, f, c, f, f, o, o, stride, stride, c, hw, hw, f, c, f, f, o, o,
                     f, o, o))
            artifact = os.path.join(tmp, "conv.kiln")
            subprocess.run([os.path.join(args.bin, "kiln-compile"), src, "-o", artifact],
                           check=True)
            ks, ts = [], []
            for _ in range(args.rounds):
                ks.append(kiln_ms(args.bin, artifact, args.runs, args.threads, warmup=3))
                ts.append(torch_ms(c, f, hw, stride, args.runs, args.threads))
            k = statistics.median(v[1] for v in ks)
            t = statistics.median(v[1] for v in ts)
            flops = 2.0 * f * o * o * c * 9
            ratios.append(t / k)
            print("| %d -> %d, %dx%d, s%d | %.3f | %.3f | %.1f | %.2f | %.0f%%, %.0f%% |" % (
                c, f, hw, hw, stride, k, t, flops / (k * 1e6), t / k,
                100 * statistics.median((v[2] - v[0]) / v[1] for v in ks),
                100 * statistics.median((v[2] - v[0]) / v[1] for v in ts)))
    print("geometric mean kiln / oneDNN throughput: %.2f (threads=%d)" % (
        statistics.geometric_mean(ratios), args.threads))
    return 0


if __name__ == "__main__":
    sys.exit(main())
