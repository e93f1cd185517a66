#!/usr/bin/env python3
"""Every kiln op, compiled against the reference interpreter on random inputs.

For every case of the given .mlir files (cases separated by `// -----`, one entry
function each, as in the dialect's ops.mlir), kiln-compile builds an artifact, kiln-run
runs it on seeded random inputs and kiln-interpret evaluates the same function on the
same inputs (`--random-inputs=SEED` gives input i the seed SEED+i in both tools); the
outputs are compared per dtype: f64 rtol 1e-9, f32 rtol 1e-4 / atol 1e-5 (relative to
the output's largest magnitude for sums of many terms), f16 / bf16 1e-2, integers and
bools exactly.

  compiled_vs_interpreter.py --bin build/bin FILE.mlir... [--seed 7] [--skip NAME]...
                             [--unfused]

With --unfused every case is also compiled with --no-fusion (one kernel per op) and
both artifacts are compared against the interpreter: fused, unfused and reference.

A case whose function has dynamic dims is skipped (the compiler needs static shapes and
says so); --skip names cases that are expected not to compile, with the reason printed.
Prints one line per case and a summary; exits 1 if any case fails.
Run with Debian's /usr/bin/python3 (numpy, onnx).
"""
import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

TOL = {np.dtype(np.float64): (1e-9, 1e-12), np.dtype(np.float32): (1e-4, 1e-5),
       np.dtype(np.float16): (1e-2, 1e-2)}


def split_cases(path):
    text = open(path).read()
    for i, chunk in enumerate(re.split(r"^// -----\s*$", text, flags=re.M)):
        names = re.findall(r"func\.func\s+@([\w.$-]+)\s*\(", chunk)
        public = [n for n, decl in zip(names, re.findall(r"func\.func\s+(private\s+)?@", chunk))
                  if not decl]
        if public:
            yield "%s#%d:%s" % (os.path.basename(path), i, public[0]), chunk


def load_pb(path):
    """A TensorProto file as numpy; bf16 as its uint16 bit patterns."""
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    if t.data_type == onnx.TensorProto.BFLOAT16:
        return np.frombuffer(t.raw_data, dtype=np.uint16).reshape(tuple(t.dims))
    return numpy_helper.to_array(t)


def compare(ref, got):
    if ref.shape != got.shape:
        return "shape %s vs %s" % (got.shape, ref.shape)
    if ref.dtype.kind in "iub":
        bad = np.count_nonzero(ref != got)
        return "%d of %d values differ" % (bad, ref.size) if bad else None
    if ref.dtype == np.uint16:  # bf16 bit patterns
        ref = (ref.astype(np.uint32) << 16).view(np.float32)
        got = (got.astype(np.uint32) << 16).view(np.float32)
        rtol, atol = 1e-2, 1e-2
    else:
        rtol, atol = TOL.get(ref.dtype, (1e-4, 1e-5))
    ref64, got64 = ref.astype(np.float64), got.astype(np.float64)
    nan_ok = np.isnan(ref64) == np.isnan(got64)
    finite = ~np.isnan(ref64)
    scale = max(1.0, float(np.max(np.abs(ref64[np.isfinite(ref64)]), initial=0.0)))
    close = np.isclose(got64, ref64, rtol=rtol, atol=atol * scale, equal_nan=True)
    bad = np.count_nonzero(~(close & nan_ok) & finite) + np.count_nonzero(~nan_ok)
    if bad:
        err = np.max(np.abs(got64 - ref64)[finite & np.isfinite(got64)], initial=0.0)
        return "%d of %d values differ (max abs err %.3g)" % (bad, ref.size, err)
    return None


def run_case(args, name, text):
    sig = re.search(r"func\.func\s+@\w+\s*\((.*?)\{\s*$", text, flags=re.M | re.S)
    if sig and "?" in sig.group(1):
        return name, "skip", "dynamic dims"
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "case.mlir")
        with open(src, "w") as f:
            f.write(text)
        variants = [("", [])] + ([(" --no-fusion", ["--no-fusion"])] if args.unfused else [])
        artifacts = []
        for label, flags in variants:
            artifact = os.path.join(tmp, "case%d.kiln" % len(artifacts))
            p = subprocess.run([os.path.join(args.bin, "kiln-compile"), src, "-o", artifact]
                               + args.compile_arg + flags, capture_output=True, text=True,
                               timeout=600)
            if p.returncode != 0:
                why = (p.stderr.strip().splitlines() or ["exit %d" % p.returncode])[0]
                return name, "fail", "kiln-compile%s: %s" % (label, why)
            artifacts.append((label, artifact))
        artifact = artifacts[0][1]
        info = subprocess.run([os.path.join(args.bin, "kiln-run"), "--inspect", artifact],
                              capture_output=True, text=True).stdout
        m = re.search(r"^outputs: (\d+)", info, flags=re.M)
        n_out = int(m.group(1)) if m else 0
        # .pb, not .npy: numpy has no bfloat16.
        refs = [os.path.join(tmp, "ref%d.pb" % i) for i in range(n_out)]
        outs = [os.path.join(tmp, "out%d.pb" % i) for i in range(n_out)]
        p = subprocess.run([os.path.join(args.bin, "kiln-interpret"), src,
                            "--random-inputs=%d" % args.seed] + ["--output=@" + r for r in refs],
                           capture_output=True, text=True, timeout=600)
        if p.returncode != 0:
            return name, "fail", "kiln-interpret: " + p.stderr.strip()[:200]
        for label, artifact in artifacts:
            p = subprocess.run([os.path.join(args.bin, "kiln-run"), artifact,
                                "--random-inputs=%d" % args.seed] + ["--output=@" + o for o in outs],
                               capture_output=True, text=True, timeout=600)
            if p.returncode != 0:
                return name, "fail", "kiln-run%s: %s" % (label, p.stderr.strip()[:200])
            for i, (r, o) in enumerate(zip(refs, outs)):
                why = compare(load_pb(r), load_pb(o))
                if why:
                    return name, "fail", "output %d%s: %s" % (i, label, why)
    return name, "ok", ""


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--bin", required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--skip", action="append", default=[],
                    help="NAME=REASON: a case expected not to compile")
    ap.add_argument("--filter", default="")
    ap.add_argument("--unfused", action="store_true",
                    help="also compile every case with --no-fusion and check it too")
    ap.add_argument("--compile-arg", action="append", default=[],
                    help="extra kiln-compile flag for every artifact (repeatable), "
                         "e.g. --compile-arg=--cpu=x86-64-v3")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    skips = dict(s.split("=", 1) for s in args.skip)
    cases = [(n, t) for f in args.files for n, t in split_cases(f) if args.filter in n]
    todo = [(n, t) for n, t in cases if n.split(":")[-1] not in skips]
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda c: run_case(args, *c), todo))
    results += [(n, "skip", skips[n.split(":")[-1]]) for n, _ in cases
                if n.split(":")[-1] in skips]
    for name, status, why in sorted(results):
        print("%-4s %s%s" % (status.upper(), name, ": " + why if why else ""))
    counts = {s: sum(r[1] == s for r in results) for s in ("ok", "fail", "skip")}
    print("%d cases: %d ok, %d fail, %d skipped" % (len(results), counts["ok"],
                                                   counts["fail"], counts["skip"]))
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
