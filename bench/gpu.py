#!/usr/bin/env python3
"""The CUDA benchmark of kiln, in two steps on two machines.

  python3 bench/gpu.py prepare [--build build-me] [--out .gpu] [--arch sm_90a]
      here, where LLVM/MLIR are: compiles every model of the benchmark for CUDA (and for the
      CPU, as a numerics reference), computes interpreter references for the numerics
      cases, copies GoogleTest's sources, and writes .gpu/manifest.json.

  python3 bench/gpu.py run [--art .gpu]
      on the GPU machine (CUDA driver, CMake, PyTorch; no LLVM): builds the runtime-only
      configuration and runs its tests (the GPU test included), checks every CUDA artifact
      against the interpreter and the CPU path, then times in the same process
      - loop and row-reduction kernels against the device's measured copy bandwidth,
      - GEMM, fused GEMM + bias + GELU, attention and the models against PyTorch,
      and prints the table last. Rows kiln cannot compile for CUDA say so and show no ratio.

With the device tool: `.gpu` is ignored by git, so carry it:
  run(command="python3 bench/gpu.py run", carry=[".gpu"])
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ELEM = {"f32": 4, "f16": 2, "bf16": 2}


# --- the models -------------------------------------------------------------------------

def t(shape, ty):
    return "tensor<%s%s>" % ("".join("%dx" % d for d in shape), ty)


def loop_model(r, c, ty):
    """bias + GELU + residual: one loop kernel, 3 tensors of r*c moved."""
    x, b = t([r, c], ty), t([c], ty)
    return ("func.func @main(%%x: %s {kiln.name = \"x\"}, %%b: %s {kiln.name = \"b\"}, "
            "%%r: %s {kiln.name = \"r\"}) -> %s {\n"
            "  %%0 = kiln.add %%x, %%b : (%s, %s) -> %s\n"
            "  %%1 = kiln.gelu %%0 : %s\n"
            "  %%2 = kiln.add %%1, %%r : (%s, %s) -> %s\n"
            "  return %%2 : %s\n}\n") % (x, b, x, x, x, b, x, x, x, x, x, x)


def softmax_model(r, c, ty):
    x = t([r, c], ty)
    return ("func.func @main(%%x: %s {kiln.name = \"x\"}) -> %s {\n"
            "  %%0 = kiln.softmax %%x axis = 1 : %s\n  return %%0 : %s\n}\n") % (x, x, x, x)


def layernorm_model(r, c, ty):
    x, g = t([r, c], ty), t([c], ty)
    return ("func.func @main(%%x: %s {kiln.name = \"x\"}, %%g: %s {kiln.name = \"g\"}, "
            "%%b: %s {kiln.name = \"b\"}) -> %s {\n"
            "  %%0 = kiln.layer_norm %%x scale %%g bias %%b axis = 1 epsilon = 1.0e-05 : "
            "(%s, %s, %s) -> %s\n  return %%0 : %s\n}\n") % (x, g, g, x, x, g, g, x, x)


def matmul_model(m, n, k, ty, epilogue):
    a, b, o, bias = t([m, k], ty), t([k, n], ty), t([m, n], ty), t([n], ty)
    if not epilogue:
        return ("func.func @main(%%a: %s {kiln.name = \"a\"}, %%b: %s {kiln.name = \"b\"}) "
                "-> %s {\n  %%0 = kiln.matmul %%a, %%b : (%s, %s) -> %s\n  return %%0 : %s\n}\n"
                ) % (a, b, o, a, b, o, o)
    return ("func.func @main(%%a: %s {kiln.name = \"a\"}, %%b: %s {kiln.name = \"b\"}, "
            "%%c: %s {kiln.name = \"bias\"}) -> %s {\n"
            "  %%0 = kiln.matmul %%a, %%b : (%s, %s) -> %s\n"
            "  %%1 = kiln.add %%0, %%c : (%s, %s) -> %s\n"
            "  %%2 = kiln.gelu %%1 : %s\n  return %%2 : %s\n}\n"
            ) % (a, b, bias, o, a, b, o, o, bias, o, o, o)


def attention_model(b, s, h, d, mask=False):
    """Multi-head attention as ONNX exports it: Q, K, V [b, s, h, d] f32, heads split by
    transposes, scores scaled by 1/sqrt(d) (optionally plus a padding-style mask
    [b, 1, 1, s]), softmax, P V, heads merged. kiln-fuse makes it one attention group;
    compiled with --precision=bf16 its products run on bf16 tensor cores."""
    x, hs, st, sc = t([b, s, h, d], "f32"), t([b, h, s, d], "f32"), t([b, h, d, s], "f32"), \
        t([b, h, s, s], "f32")
    m = t([b, 1, 1, s], "f32")
    args = ", ".join("%%%s: %s {kiln.name = \"%s\"}" % (n, x, n) for n in "qkv")
    if mask:
        args += ", %%m: %s {kiln.name = \"m\"}" % m
    body = ("  %%qt = kiln.transpose %%q permutation = [0, 2, 1, 3] : %s -> %s\n"
            "  %%kt = kiln.transpose %%k permutation = [0, 2, 3, 1] : %s -> %s\n"
            "  %%vt = kiln.transpose %%v permutation = [0, 2, 1, 3] : %s -> %s\n"
            "  %%s = kiln.matmul %%qt, %%kt : (%s, %s) -> %s\n"
            "  %%c = kiln.constant dense<%r> : tensor<f32>\n"
            "  %%d = kiln.div %%s, %%c : (%s, tensor<f32>) -> %s\n") % (
                x, hs, x, st, x, hs, hs, st, sc, float(d) ** 0.5, sc, sc)
    last = "%d"
    if mask:
        body += "  %%a = kiln.add %%d, %%m : (%s, %s) -> %s\n" % (sc, m, sc)
        last = "%a"
    body += ("  %%p = kiln.softmax %s axis = 3 : %s\n"
             "  %%o = kiln.matmul %%p, %%vt : (%s, %s) -> %s\n"
             "  %%r = kiln.transpose %%o permutation = [0, 2, 1, 3] : %s -> %s\n"
             "  return %%r : %s\n") % (last, sc, sc, hs, hs, hs, x, x)
    return "func.func @main(%s) -> %s {\n%s}\n" % (args, x, body)


# f16 with B transposed (K-contiguous) at sizes that are no multiple of the tile, and a
# bf16 batched product large enough for the 128 x 128 tiles.
GEMM_MIXED = """func.func @main(%a: tensor<100x40xf16> {kiln.name = "a"}, %b: tensor<72x40xf16> {kiln.name = "b"}, %x: tensor<16x384x64xbf16> {kiln.name = "x"}, %y: tensor<16x64x384xbf16> {kiln.name = "y"}) -> (tensor<100x72xf16>, tensor<16x384x384xbf16>) {
  %0 = kiln.matmul %a, %b transpose_b : (tensor<100x40xf16>, tensor<72x40xf16>) -> tensor<100x72xf16>
  %1 = kiln.relu %0 : tensor<100x72xf16>
  %2 = kiln.matmul %x, %y : (tensor<16x384x64xbf16>, tensor<16x64x384xbf16>) -> tensor<16x384x384xbf16>
  return %1, %2 : tensor<100x72xf16>, tensor<16x384x384xbf16>
}
"""


# Enough 128 x 256 tiles (4 * 3 * 20 = 240) for the 8-warp kernel, none of them whole
# (M = 400, N = 520) and K = 72 one k-tile and a part.
GEMM_BIG_TILES = """func.func @main(%x: tensor<20x400x72xbf16> {kiln.name = "x"}, %y: tensor<20x72x520xbf16> {kiln.name = "y"}) -> tensor<20x400x520xbf16> {
  %0 = kiln.matmul %x, %y : (tensor<20x400x72xbf16>, tensor<20x72x520xbf16>) -> tensor<20x400x520xbf16>
  return %0 : tensor<20x400x520xbf16>
}
"""


# name, builder, args, bytes moved (each input read once, the output written once)
def bandwidth_cases():
    big_r, big_c = 16384, 4096
    cases = []
    for ty in ("f32", "f16"):
        n = big_r * big_c * ELEM[ty]
        cases.append(("loop_bias_gelu_residual_%s" % ty, loop_model, (big_r, big_c, ty), 3 * n))
        cases.append(("softmax_%s" % ty, softmax_model, (big_r, big_c, ty), 2 * n))
        cases.append(("layernorm_%s" % ty, layernorm_model, (big_r, big_c, ty), 2 * n))
    return cases


def numerics_cases():
    """Small shapes checked against the interpreter: odd widths (scalar lanes, guarded
    columns) and vector widths, f32 and f16."""
    cases = []
    for r, c in ((37, 1000), (64, 4096), (8, 96)):
        cases.append(("loop_%dx%d_f32" % (r, c), loop_model, (r, c, "f32")))
        cases.append(("softmax_%dx%d_f32" % (r, c), softmax_model, (r, c, "f32")))
        cases.append(("layernorm_%dx%d_f32" % (r, c), layernorm_model, (r, c, "f32")))
    cases.append(("gemm_256x256x128_bias_gelu_bf16", matmul_model,
                  (256, 256, 128, "bf16", True)))
    cases.append(("gemm_200x136x72_bf16", matmul_model, (200, 136, 72, "bf16", False)))
    cases.append(("gemm_tb_relu_batched_mixed", lambda: GEMM_MIXED, ()))
    cases.append(("gemm_batched_128x256_tiles", lambda: GEMM_BIG_TILES, ()))
    cases.append(("gemm_linear3d_bias_residual", lambda: open(os.path.join(
        ROOT, "test/codegen/cuda/Inputs/linear3d.mlir")).read(), ()))
    # Attention (bf16 products): keys no multiple of the 64-key block, several query
    # tiles and batch indices, a mask, head dims 32, 64 and 128.
    cases.append(("attention_1x160x2x32", attention_model, (1, 160, 2, 32)))
    cases.append(("attention_2x100x3x64_mask", attention_model, (2, 100, 3, 64, True)))
    cases.append(("attention_1x256x2x128", attention_model, (1, 256, 2, 128)))
    # The same linear layer on [8, 100, 64]: batch x sequence collapsed into M = 800.
    cases.append(("gemm_linear_b8_bias_residual", lambda: open(os.path.join(
        ROOT, "test/codegen/cuda/Inputs/linear3d.mlir")).read().replace("1x100x", "8x100x"),
        ()))
    cases.append(("loop_64x512_f16", loop_model, (64, 512, "f16")))
    cases.append(("softmax_64x512_f16", softmax_model, (64, 512, "f16")))
    return cases


# Kernel variants compiled besides the default: KILN_CUDA_GEMM picks the contraction
# kernel (sm_90a defaults to TMA + wgmma).
GEMM_VARIANTS = [("mma-sync", {"KILN_CUDA_GEMM": "mma-sync"})]


def gemm_cases():
    return [("gemm_bf16_4096", matmul_model, (4096, 4096, 4096, "bf16", False), 2 * 4096**3),
            ("gemm_bf16_8192", matmul_model, (8192, 8192, 8192, "bf16", False), 2 * 8192**3),
            ("gemm_bias_gelu_bf16_4096", matmul_model, (4096, 4096, 4096, "bf16", True),
             2 * 4096**3)]


def attention_cases():
    """Sequence 4096, head dims 64 and 128 (4 x 16 and 4 x 8 heads); FLOPs of the two
    products."""
    return [("attention_s4096_d%d" % d, attention_model, (4, 4096, h, d),
             4 * 4 * h * 4096 * 4096 * d) for h, d in ((16, 64), (8, 128))]


# Block shapes timed besides the default (8 warps and 64 keys for head dims up to 64,
# else 4 warps): warps of 16 query rows, keys per step.
ATTENTION_TILES = ["4,64", "8,32", "4,128"]


# Compile flags per case family: kiln's attention groups are f32 graphs whose products
# --precision=bf16 runs on tensor cores.
def flags_for(name):
    return ["--precision=bf16"] if name.startswith("attention") else []


# --- prepare (here) ---------------------------------------------------------------------

def sh(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def prepare(args):
    out = os.path.abspath(args.out)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "models"))
    os.makedirs(os.path.join(out, "ref"))
    shutil.copytree("/usr/src/googletest", os.path.join(out, "googletest"), symlinks=True)
    bin_dir = os.path.join(os.path.abspath(args.build), "bin")
    compile_ = os.path.join(bin_dir, "kiln-compile")
    manifest = {"arch": args.arch, "bandwidth": [], "numerics": [], "gemm": [],
                "attention": [], "models": []}

    def build(name, text, cpu=False, env=None):
        flags = flags_for(name)
        src = os.path.join(out, "models", name + ".mlir")
        with open(src, "w") as f:
            f.write(text)
        art = os.path.join(out, "models", name + (".cpu" if cpu else "") + ".kiln")
        target = ["--target=cpu", "--cpu=x86-64-v3"] if cpu else [
            "--target=cuda", "--cuda-arch=" + args.arch]
        r = sh([compile_, src, "-o", art] + target + flags,
               env=dict(os.environ, **(env or {})))
        if r.returncode != 0:
            lines = [l for l in r.stderr.splitlines() if "error:" in l] or ["failed"]
            return None, lines[0].split("error:", 1)[-1].strip()
        return os.path.relpath(art, out), None

    for name, fn, a, nbytes in bandwidth_cases():
        art, err = build(name, fn(*a))
        manifest["bandwidth"].append({"name": name, "artifact": art, "error": err,
                                      "bytes": nbytes, "shape": list(a[:2]), "type": a[2],
                                      "kind": name.split("_")[0]})
    for name, fn, a in numerics_cases():
        art, err = build(name, fn(*a))
        cpu, cerr = build(name, fn(*a), cpu=True)
        src = os.path.join(out, "models", name + ".mlir")
        outs = fn(*a).split("return", 1)[1].split(":")[0].count("%")
        refs = [os.path.join(out, "ref", "%s.%d.pb" % (name, i)) for i in range(outs)]
        r = sh([os.path.join(bin_dir, "kiln-interpret"), src, "--random-inputs=7"] +
               ["--output=@" + f for f in refs])
        if r.returncode != 0:
            sys.exit("kiln-interpret %s: %s" % (name, r.stderr))
        entry = {"name": name, "artifact": art, "cpu": cpu, "error": err or cerr,
                 "refs": [os.path.relpath(f, out) for f in refs],
                 "type": "f16" if name.startswith(("gemm", "attention")) else a[2]}
        manifest["numerics"].append(entry)
        # On sm_90a the GEMMs get the TMA + wgmma kernel; check the mma.sync one too.
        for variant, env in GEMM_VARIANTS if name.startswith("gemm") else ():
            vart, verr = build(name + "@" + variant, fn(*a), env=env)
            manifest["numerics"].append(dict(entry, name=name + "@" + variant, artifact=vart,
                                             error=verr or cerr))
    for name, fn, a, flops in gemm_cases():
        art, err = build(name, fn(*a))
        manifest["gemm"].append({"name": name, "artifact": art, "error": err, "flops": flops,
                                 "mnk": list(a[:3]), "epilogue": a[4]})
        # The other kernel, and tile variants (KILN_CUDA_GEMM_TILE=bm,bn,bk,stages[,wm,wn])
        # of the plain GEMMs.
        variants = list(GEMM_VARIANTS)
        for tile in (args.tiles.split(";") if args.tiles and not a[4] else []):
            variants.append((tile.replace(",", "_"), {"KILN_CUDA_GEMM_TILE": tile}))
        for variant, env in variants:
            vname = "%s@%s" % (name, variant)
            art, err = build(vname, fn(*a), env=env)
            manifest["gemm"].append({"name": vname, "artifact": art, "error": err,
                                     "flops": flops, "mnk": list(a[:3]), "epilogue": a[4]})
    for name, fn, a, flops in attention_cases():
        # The default block shape, then KILN_CUDA_ATTENTION_TILE=warps,keys variants.
        for tile in [None] + ATTENTION_TILES:
            vname = name if tile is None else "%s@%s" % (name, tile.replace(",", "_"))
            art, err = build(vname, fn(*a), env={"KILN_CUDA_ATTENTION_TILE": tile} if tile
                             else None)
            manifest["attention"].append({"name": vname, "artifact": art, "error": err,
                                          "flops": flops, "shape": list(a[:4])})
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    for section in ("bandwidth", "numerics", "gemm", "attention"):
        for c in manifest[section]:
            print("%-28s %s" % (c["name"], c["error"] or "compiled"))
    print("prepared %s (%.1f MiB)" % (out, sum(
        os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs) / 2**20))


# --- run (on the GPU machine) -----------------------------------------------------------

def log(*a):
    print(*a, flush=True)


def build_runtime(art):
    build = "/tmp/kiln-rt"
    t0 = time.time()
    r = sh(["cmake", "-S", ROOT, "-B", build, "-G", "Ninja", "-DKILN_RUNTIME_ONLY=ON",
            "-DCMAKE_BUILD_TYPE=Release", "-DKILN_GTEST_SOURCE=" + os.path.join(art, "googletest")])
    if r.returncode != 0:
        sys.exit("cmake failed:\n" + r.stdout[-3000:] + r.stderr[-3000:])
    r = sh(["cmake", "--build", build, "-j16"])
    if r.returncode != 0:
        sys.exit("build failed:\n" + r.stdout[-5000:] + r.stderr[-3000:])
    log("runtime built in %.0f s" % (time.time() - t0))
    r = sh([os.path.join(build, "bin", "kiln-runtime-tests")])
    tail = [l for l in r.stdout.splitlines() if "PASSED" in l or "FAILED" in l or
            "SKIPPED" in l or "CudaGpu" in l or "NVIDIA" in l or "sm_" in l]
    log("runtime tests (rc %d):\n  " % r.returncode + "\n  ".join(tail[-12:]))
    return os.path.join(build, "bin", "kiln-run"), r.returncode == 0


def kiln_run(kr, art, *flags):
    return sh([kr, art] + list(flags))


def numerics(kr, art, manifest, results):
    ok = True
    for c in manifest["numerics"]:
        if c["error"]:
            results.append((c["name"], "not compiled: " + c["error"]))
            ok = False
            continue
        tol = ["--atol=5e-2", "--rtol=2e-2"] if c["type"] == "f16" else ["--atol=1e-4",
                                                                          "--rtol=1e-3"]
        ref = ["--expected-output=@" + os.path.join(art, f)
               for f in c["refs"]]
        gpu = kiln_run(kr, os.path.join(art, c["artifact"]), "--device=cuda",
                       "--random-inputs=7", *ref, *tol)
        cpu = kiln_run(kr, os.path.join(art, c["cpu"]), "--random-inputs=7", *ref, *tol)
        graph = kiln_run(kr, os.path.join(art, c["artifact"]), "--device=cuda", "--cuda-graph",
                         "--random-inputs=7", "--benchmark=3", *ref, *tol)
        verdict = "cuda %s, cuda-graph %s, cpu %s" % tuple(
            "ok" if x.returncode == 0 else "FAIL" for x in (gpu, graph, cpu))
        if gpu.returncode or graph.returncode or cpu.returncode:
            ok = False
            for x in (gpu, graph, cpu):
                if x.returncode:
                    log("  %s: %s" % (c["name"], (x.stdout + x.stderr).strip()[-600:]))
        results.append((c["name"], verdict))
    return ok


def kernel_us(kr, artifact, runs=50, rounds=3):
    """Median kernel time (µs, the sum of the run's kernels) per round, by CUDA events."""
    meds = []
    for i in range(rounds):
        prof = "/tmp/kiln-prof.json"
        r = kiln_run(kr, artifact, "--device=cuda", "--random-inputs=%d" % (i + 1),
                     "--benchmark=%d" % runs, "--warmup=3", "--profile=" + prof)
        if r.returncode:
            raise RuntimeError((r.stdout + r.stderr)[-800:])
        with open(prof) as f:
            ev = json.load(f)["traceEvents"]
        per_run = {}
        for e in ev:
            if e.get("cat") == "kernel":
                per_run[e["args"]["run"]] = per_run.get(e["args"]["run"], 0.0) + e["dur"]
        meds.append(statistics.median(per_run.values()))
    return statistics.median(meds), (max(meds) - min(meds)) / statistics.median(meds)


def torch_us(fn, runs=50, rounds=3):
    import torch
    meds = []
    for _ in range(rounds):
        for _ in range(3):
            fn()
        ts = []
        for _ in range(runs):
            s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            s.record()
            fn()
            e.record()
            e.synchronize()
            ts.append(s.elapsed_time(e) * 1e3)
        meds.append(statistics.median(ts))
    return statistics.median(meds), (max(meds) - min(meds)) / statistics.median(meds)


def torch_dtype(ty):
    import torch
    return {"f32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16}[ty]


def flops_row(kr, art, c, ref_us, ref_spread, anchor):
    """A table row for a compute-bound case: kiln's TFLOP/s and its ratio to the anchor
    (`anchor` timed `ref_us` in this process), or why kiln did not compile it."""
    tf = c["flops"] / ref_us / 1e6
    if c["error"]:
        return (c["name"], "not compiled", c["error"][:60], "%s %.0f TFLOP/s" % (anchor, tf),
                "±%.1f%%" % (100 * ref_spread))
    us, spread = kernel_us(kr, os.path.join(art, c["artifact"]), runs=20)
    return (c["name"], "%.0f TFLOP/s" % (c["flops"] / us / 1e6),
            "%.0f%% of %s" % (100 * ref_us / us, anchor), "%s %.0f TFLOP/s" % (anchor, tf),
            "±%.1f%%" % (100 * spread))


def run(args):
    art = os.path.abspath(args.art)
    with open(os.path.join(art, "manifest.json")) as f:
        manifest = json.load(f)
    import torch
    import torch.nn.functional as F
    log("device:", torch.cuda.get_device_name(0), "| torch", torch.__version__)
    kr, tests_ok = build_runtime(art)
    checks = []
    numerics_ok = numerics(kr, art, manifest, checks)

    rows = []
    # The anchor of the memory-bound rows: a device-to-device copy of 1 GiB.
    src = torch.randn(2**28, device="cuda")
    dst = torch.empty_like(src)
    copy_us, copy_spread = torch_us(lambda: dst.copy_(src), runs=30)
    copy_gbs = 2 * src.numel() * 4 / copy_us / 1e3
    rows.append(("copy 1 GiB (anchor)", "%.0f GB/s" % copy_gbs, "", "", "±%.1f%%" % (
        100 * copy_spread)))
    del src, dst
    for c in manifest["bandwidth"]:
        if c["error"]:
            rows.append((c["name"], "not compiled", c["error"][:60], "", ""))
            continue
        us, spread = kernel_us(kr, os.path.join(art, c["artifact"]))
        gbs = c["bytes"] / us / 1e3
        r_, c_ = c["shape"]
        dt = torch_dtype(c["type"])
        x = torch.randn(r_, c_, device="cuda", dtype=dt)
        if c["kind"] == "loop":
            b, res = torch.randn(c_, device="cuda", dtype=dt), torch.randn_like(x)
            eager = lambda: F.gelu(x + b) + res
        elif c["kind"] == "softmax":
            eager = lambda: torch.softmax(x, dim=1)
        else:
            g, b = torch.randn(c_, device="cuda", dtype=dt), torch.randn(c_, device="cuda",
                                                                         dtype=dt)
            eager = lambda: F.layer_norm(x, (c_,), g, b, 1e-5)
        eager_us, _ = torch_us(eager)
        compiled = torch.compile(eager)
        comp_us, _ = torch_us(compiled)
        rows.append((c["name"], "%.1f us" % us, "%.0f GB/s = %.0f%% of copy" % (
            gbs, 100 * gbs / copy_gbs), "eager %.2fx, compile %.2fx" % (
            eager_us / us, comp_us / us), "±%.1f%%" % (100 * spread)))
        del x
        torch.cuda.empty_cache()
    for c in manifest["gemm"]:
        m, n, k = c["mnk"]
        a = torch.randn(m, k, device="cuda", dtype=torch.bfloat16)
        b = torch.randn(k, n, device="cuda", dtype=torch.bfloat16)
        if c["epilogue"]:
            bias = torch.randn(n, device="cuda", dtype=torch.bfloat16)
            ref_us, spread = torch_us(lambda: F.gelu(a @ b + bias), runs=20)
        else:
            ref_us, spread = torch_us(lambda: a @ b, runs=20)
        rows.append(flops_row(kr, art, c, ref_us, spread, "torch"))
        del a, b
        torch.cuda.empty_cache()

    for c in manifest.get("attention", []):
        bsz, seq, heads, d = c["shape"]
        q, k, v = (torch.randn(bsz, heads, seq, d, device="cuda", dtype=torch.bfloat16)
                   for _ in range(3))
        ref_us, spread = torch_us(lambda: F.scaled_dot_product_attention(q, k, v), runs=20)
        rows.append(flops_row(kr, art, c, ref_us, spread, "sdpa"))
        del q, k, v
        torch.cuda.empty_cache()

    result = {"tests_ok": tests_ok, "numerics_ok": numerics_ok, "checks": checks, "rows": rows}
    if os.environ.get("OUT"):
        with open(os.path.join(os.environ["OUT"], "gpu-results.json"), "w") as f:
            json.dump(result, f, indent=1)
    log("\nnumerics (against kiln-interpret; CPU path alongside):")
    for name, v in checks:
        log("  %-26s %s" % (name, v))
    log("\n%-30s %-14s %-34s %-32s %s" % ("case", "kiln", "ratio", "PyTorch", "spread"))
    for r in rows:
        log("%-30s %-14s %-34s %-32s %s" % r)
    log("\nruntime tests %s, numerics %s" % ("passed" if tests_ok else "FAILED",
                                             "passed" if numerics_ok else "FAILED"))
    return 0 if tests_ok and numerics_ok else 1


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    pp = sub.add_parser("prepare")
    pp.add_argument("--build", default=os.path.join(ROOT, "build-me"))
    pp.add_argument("--out", default=os.path.join(ROOT, ".gpu"))
    pp.add_argument("--arch", default="sm_90a")
    pp.add_argument("--tiles", default="",
                    help="GEMM tile variants to time, 'bm,bn,bk,stages[,wm,wn];...' (wgmma: "
                    "bk 64, bm 64 or 128; mma.sync: all six)")
    pr = sub.add_parser("run")
    pr.add_argument("--art", default=os.path.join(ROOT, ".gpu"))
    a = p.parse_args()
    return prepare(a) if a.cmd == "prepare" else run(a)


if __name__ == "__main__":
    sys.exit(main())
