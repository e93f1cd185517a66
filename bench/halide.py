#!/usr/bin/env python3
"""Fused loop and row-reduction groups against Halide 14's autoschedulers, one run.

Three pipelines on [ROWS, COLS] f32 (default 4096 x 1024, 16 MiB per tensor), one thread:
softmax over rows, layer_norm with scale and bias, and GELU (erf) of x + bias plus a
residual. kiln compiles each as a kiln graph (softmax and layer_norm are one row
kernel each, the GELU chain one loop group) and `kiln-run --benchmark` times it; the same
pipelines written in Halide (bench/halide/pipelines.cpp, built here with g++ (or clang++-22) against
Debian's libhalide14-0-dev) are scheduled by the Mullapudi2016 and Adams2019
autoschedulers (Adams2019 with its bundled default weights), JIT-compiled for this CPU and
timed in the same rounds. Prints medians, spreads ((p90 - min) / median) and
kiln's throughput relative to the better Halide schedule (above 1: kiln is faster).

  bench/halide.py --bin build/bin [--rows 4096] [--cols 1024] [--runs 10] [--rounds 3]

Run with Debian's /usr/bin/python3.
"""
import argparse
import os
import re
import shutil
import subprocess
import tempfile
from kiln_timing import kiln_ms, summary  # noqa: E402  (beside this script)

HERE = os.path.dirname(os.path.abspath(__file__))


def models(rows, cols):
    t = "tensor<%dx%dxf32>" % (rows, cols)
    v = "tensor<%dxf32>" % cols
    return {
        "softmax": f"""func.func @main(%x: {t} {{kiln.name = "x"}}) -> ({t} {{kiln.name = "y"}}) {{
  %y = kiln.softmax %x axis = 1 : {t}
  return %y : {t}
}}""",
        "layernorm": f"""func.func @main(%x: {t} {{kiln.name = "x"}}, %g: {v} {{kiln.name = "g"}}, %b: {v} {{kiln.name = "b"}}) -> ({t} {{kiln.name = "y"}}) {{
  %y = kiln.layer_norm %x scale %g bias %b axis = 1 epsilon = 1.0e-05 : ({t}, {v}, {v}) -> {t}
  return %y : {t}
}}""",
        "gelu": f"""func.func @main(%x: {t} {{kiln.name = "x"}}, %b: {v} {{kiln.name = "b"}}, %r: {t} {{kiln.name = "res"}}) -> ({t} {{kiln.name = "y"}}) {{
  %a = kiln.add %x, %b : ({t}, {v}) -> {t}
  %g = kiln.gelu %a : {t}
  %y = kiln.add %g, %r : ({t}, {t}) -> {t}
  return %y : {t}
}}""",
    }


def halide_ms(exe, name, rows, cols, runs, scheduler):
    env = dict(os.environ, HL_NUM_THREADS="1")
    out = subprocess.run([exe, name, str(rows), str(cols), str(runs), scheduler],
                         capture_output=True, text=True, check=True, env=env).stdout
    m = re.search(r"median_ms ([\d.]+) min_ms ([\d.]+) p90_ms ([\d.]+)", out)
    return [float(m.group(2)), float(m.group(1)), float(m.group(3))]


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--rows", type=int, default=4096)
    ap.add_argument("--cols", type=int, default=1024)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    schedulers = ["Mullapudi2016", "Adams2019"]
    with tempfile.TemporaryDirectory() as tmp:
        exe = os.path.join(tmp, "halide-pipelines")
        cxx = shutil.which("g++") or shutil.which("clang++-22") or "c++"
        subprocess.run([cxx, "-O2", "-std=c++17", "-I/usr/include/halide14",
                        os.path.join(HERE, "halide", "pipelines.cpp"), "-o", exe,
                        "-lHalide14", "-lpthread", "-ldl"], check=True)
        print("| pipeline (%dx%d f32) | kiln ms | Halide %s ms | Halide %s ms | spread kiln, "
              "M16, A19 | kiln throughput / best Halide |" % (args.rows, args.cols,
                                                               *schedulers))
        print("|---|---|---|---|---|---|")
        for name, text in models(args.rows, args.cols).items():
            src, artifact = (os.path.join(tmp, name + ext) for ext in (".mlir", ".kiln"))
            with open(src, "w") as f:
                f.write(text)
            subprocess.run([os.path.join(args.bin, "kiln-compile"), src, "-o", artifact],
                           check=True)
            samples = {k: [] for k in ["kiln"] + schedulers}
            for _ in range(args.rounds):
                samples["kiln"].append(kiln_ms(args.bin, artifact, args.runs))
                for s in schedulers:
                    samples[s].append(halide_ms(exe, name, args.rows, args.cols, args.runs, s))
            k, h1, h2 = (summary(samples[x]) for x in ["kiln"] + schedulers)
            print("| %s | %.2f | %.2f | %.2f | %.0f%%, %.0f%%, %.0f%% | %.2f |" % (
                name, k[0], h1[0], h2[0], 100 * k[1], 100 * h1[1], 100 * h2[1],
                min(h1[0], h2[0]) / k[0]))


if __name__ == "__main__":
    main()
