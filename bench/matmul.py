#!/usr/bin/env python3
"""f32 matmul: kiln against OpenBLAS (through torch.mm), measured in one run.

For each shape M x K x N it writes a one-op kiln model (A and B are inputs), compiles it
with kiln-compile, times it with `kiln-run --benchmark` on 1 and 2 threads, and times
OpenBLAS's cblas_sgemm (Debian's libopenblas0-pthread, loaded in this process with
ctypes, openblas_set_num_threads(1 / 2)) on the same shape. Note: torch.mm is no anchor
here: Debian's torch 1.13 reaches the reference BLAS through libblas.so.3 unless the
OpenBLAS alternative is installed. Every timing is the median of --runs runs after a warmup; the spread printed is
(p90 - min) / median. The interleaving (kiln, blas, kiln, blas ...) is repeated --rounds
times and the median ratio reported, because this machine is shared and noisy.

  bench/matmul.py --bin build/bin [--runs 20] [--rounds 3] [--shapes 1024x1024x1024,128x768x3072]

Run with Debian's /usr/bin/python3 (numpy).
"""
import argparse
import ctypes
import os
import statistics
import subprocess
import sys
import tempfile
import time

# OpenBLAS 0.3.21 does not know CPUs newer than it (it took an Emerald Rapids for a
# Prescott: SSE3 kernels): pick its best kernel for the ISA the CPU reports, unless
# OPENBLAS_CORETYPE is set already. This must precede `import numpy`, which loads
# OpenBLAS through libblas.so.3 when the OpenBLAS alternative is installed.
if "OPENBLAS_CORETYPE" not in os.environ:
    _flags = open("/proc/cpuinfo").read()
    if " avx512f" in _flags:
        os.environ["OPENBLAS_CORETYPE"] = "SkylakeX"
    elif " avx2" in _flags:
        os.environ["OPENBLAS_CORETYPE"] = "Haswell"

import numpy as np  # noqa: E402
from kiln_timing import kiln_ms, min_median_p90  # noqa: E402  (beside this script)

OPENBLAS = "/usr/lib/x86_64-linux-gnu/libopenblas.so.0"  # libopenblas0-pthread


class OpenBlas:
    """cblas_sgemm from Debian's OpenBLAS, called in this process through ctypes."""

    def __init__(self):
        self.lib = ctypes.CDLL(OPENBLAS)
        self.lib.openblas_set_num_threads.argtypes = [ctypes.c_int]
        f = ctypes.c_float
        p = ctypes.POINTER(ctypes.c_float)
        i = ctypes.c_int
        self.lib.cblas_sgemm.argtypes = [i, i, i, i, i, i, f, p, i, p, i, f, p, i]
        self.lib.openblas_get_corename.restype = ctypes.c_char_p

    def time_ms(self, m, k, n, runs, threads):
        self.lib.openblas_set_num_threads(threads)
        rng = np.random.default_rng(1)
        a = rng.standard_normal((m, k), dtype=np.float32)
        b = rng.standard_normal((k, n), dtype=np.float32)
        c = np.empty((m, n), dtype=np.float32)
        ptr = lambda x: x.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        call = lambda: self.lib.cblas_sgemm(101, 111, 111, m, n, k, 1.0, ptr(a), k, ptr(b), n,
                                            0.0, ptr(c), n)  # row major, no transposes
        call()
        call()
        ts = []
        for _ in range(runs):
            t = time.perf_counter()
            call()
            ts.append((time.perf_counter() - t) * 1e3)
        return min_median_p90(ts)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--shapes", default="1024x1024x1024,128x768x3072")
    args = ap.parse_args()
    print("| shape (MxKxN) | threads | kiln ms (median) | OpenBLAS ms | kiln GFLOP/s | "
          "kiln / OpenBLAS throughput | spread kiln, blas |")
    print("|---|---|---|---|---|---|---|")
    blas = OpenBlas()
    print("OpenBLAS core: %s" % blas.lib.openblas_get_corename().decode())
    with tempfile.TemporaryDirectory() as tmp:
        for shape in args.shapes.split(","):
            m, k, n = map(int, shape.split("x"))
            src = os.path.join(tmp, "mm.mlir")
            with open(src, "w") as f:
                f.write("func.func @main(%%a: tensor<%dx%dxf32> {kiln.name = \"a\"}, "
                        "%%b: tensor<%dx%dxf32> {kiln.name = \"b\"}) -> tensor<%dx%dxf32> {\n"
                        "  %%0 = kiln.matmul %%a, %%b : (tensor<%dx%dxf32>, tensor<%dx%dxf32>)"
                        " -> tensor<%dx%dxf32>\n  return %%0 : tensor<%dx%dxf32>\n}\n" %
                        (m, k, k, n, m, n, m, k, k, n, m, n, m, n))
            artifact = os.path.join(tmp, "mm.kiln")
            subprocess.run([os.path.join(args.bin, "kiln-compile"), src, "-o", artifact],
                           check=True)
            single_kiln = None
            for threads in (1, 2):
                ratios, ks, bs = [], [], []
                for _ in range(args.rounds):
                    kv = kiln_ms(args.bin, artifact, args.runs, threads)
                    bv = blas.time_ms(m, k, n, args.runs, threads)
                    ks.append(kv)
                    bs.append(bv)
                    ratios.append(bv[1] / kv[1])
                kmed = statistics.median(v[1] for v in ks)
                bmed = statistics.median(v[1] for v in bs)
                kspread = statistics.median((v[2] - v[0]) / v[1] for v in ks)
                bspread = statistics.median((v[2] - v[0]) / v[1] for v in bs)
                gflops = 2.0 * m * n * k / (kmed * 1e6)
                print("| %s | %d | %.3f | %.3f | %.1f | %.2f | %.0f%%, %.0f%% |" % (
                    shape, threads, kmed, bmed, gflops, statistics.median(ratios),
                    100 * kspread, 100 * bspread))
                if threads == 1:
                    single_kiln = kmed
                else:
                    print("|  | scaling 1 -> 2 threads (kiln) | %.2fx |  |  |  |  |" %
                          (single_kiln / kmed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
