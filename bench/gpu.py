#!/usr/bin/env python3
"""The CUDA benchmark of kiln, in two steps on two machines.

  python3 bench/gpu.py prepare [--build build-me] [--out .gpu] [--arch sm_90a]
                               [--sections ...] [--models resnet18,...] [--max-mib 56]
      here, where LLVM/MLIR are: compiles every model of the benchmark for CUDA (and for the
      CPU, as a numerics reference), computes interpreter references for the numerics
      cases, copies GoogleTest's sources, and writes .gpu/manifest.json. For the model rows
      it exports test/models/export_models.py's ResNet-18, MobileNetV2 and transformer block
      at batch 1 and 32 to ONNX (into --onnx-dir, not carried), compiles them with
      --precision=bf16, saves each network's state_dict and PyTorch's f32 CPU output on a
      seeded NumPy input. The model rows need torch, torchvision and onnx: without them the
      script re-runs itself under Debian's /usr/bin/python3. .gpu travels to the device
      (64 MiB with the working tree): within --max-mib it keeps the model artifacts,
      smallest first, then the state_dicts of the networks carried; the rows left out say
      so (ResNet-18's two artifacts, 50 MiB, fit alone: --sections models --models resnet18).

  python3 bench/gpu.py run [--art .gpu] [--sections ...] [--budget-s 450]
      on the GPU machine (CUDA driver, CMake, PyTorch; no LLVM): builds the runtime-only
      configuration and runs its tests (the GPU test included), checks every CUDA artifact
      against the interpreter and the CPU path, then times in the same process
      - loop and row-reduction kernels against the device's measured copy bandwidth,
      - GEMM, fused GEMM + bias + GELU and attention against PyTorch,
      - the models (batch 1 and 32) against PyTorch eager and torch.compile, both under
        bf16 autocast and no_grad: kiln's output is checked against the f32 reference
        (|kiln - ref| <= 3e-2 * (max|ref| + |ref|), PyTorch's own bf16 error printed
        beside), kiln's time is end to end with --cuda-graph (the sum of its kernels by
        CUDA events beside), ratios are PyTorch time / kiln time (above 1: kiln faster);
        torch.compile is skipped for rows kiln did not compile and once --budget-s is near,
      and prints the table last. Rows kiln cannot compile for CUDA say so and show no ratio
      (model rows kiln did not compile do not fail the numerics).

  python3 bench/gpu.py emulate [--art .gpu] [--build build-me]
      here, after prepare: runs the numerics cases on the CUDA emulator (the fake libcuda
      of the test build, test/unit/runtime/CudaEmulator.h) against the same references, so
      a kernel that computes wrong values shows before a GPU is lent; it says nothing
      about speed.

Sections (both steps): numerics, bandwidth, gemm, attention, models (default all), and
conformance, only when named: the ONNX node tests that kiln-interpret passes, compiled for
the GPU by test/conformance/run_node_tests.py (--cuda-keep) and run there on each test's
inputs against ONNX's expected outputs. It has its own folder (about 10 MiB):
  python3 bench/gpu.py prepare --sections conformance --out .gpu-conf
  run(command="python3 bench/gpu.py run --art .gpu-conf --sections conformance",
      carry=[".gpu-conf"])

With the device tool: `.gpu` is ignored by git, so carry it:
  run(command="python3 bench/gpu.py run", carry=[".gpu"])
"""
import argparse
import gc
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ELEM = {"f32": 4, "f16": 2, "bf16": 2}
SECTIONS = ("numerics", "bandwidth", "gemm", "attention", "models")
# Sections prepared only when named: the ONNX node tests compiled for CUDA (about 14 MiB,
# which the default folder has no room for): prepare --sections conformance --out
# .gpu-conf, then run --art .gpu-conf --sections conformance.
EXTRA_SECTIONS = ("conformance",)


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


def attention_model(b, s, h, d, mask=False, io="f32"):
    """Multi-head attention as ONNX exports it: Q, K, V [b, s, h, d], heads split by
    transposes, scores scaled by 1/sqrt(d) (optionally plus a padding-style mask
    [b, 1, 1, s]), softmax, P V, heads merged. kiln-fuse makes it one attention group;
    compiled with --precision=bf16 its products run on bf16 tensor cores. io="bf16":
    Q, K, V and the result are bf16 tensors, widened to f32 before the attention and
    narrowed after it (a bf16 model's export, and what SDPA reads and writes); the group
    takes the casts, so the flash kernel reads and writes bf16 and takes K and V by
    cp.async."""
    x, hs, st, sc = t([b, s, h, d], "f32"), t([b, h, s, d], "f32"), t([b, h, d, s], "f32"), \
        t([b, h, s, s], "f32")
    xio = t([b, s, h, d], io)
    m = t([b, 1, 1, s], "f32")
    args = ", ".join("%%%s: %s {kiln.name = \"%s\"}" % (n, xio, n) for n in "qkv")
    if mask:
        args += ", %%m: %s {kiln.name = \"m\"}" % m
    body = ""
    src = {n: "%" + n for n in "qkv"}
    if io != "f32":
        for n in "qkv":
            body += "  %%%sw = kiln.cast %%%s : %s to %s\n" % (n, n, xio, x)
            src[n] = "%%%sw" % n
    body += ("  %%qt = kiln.transpose %s permutation = [0, 2, 1, 3] : %s -> %s\n"
             "  %%kt = kiln.transpose %s permutation = [0, 2, 3, 1] : %s -> %s\n"
             "  %%vt = kiln.transpose %s permutation = [0, 2, 1, 3] : %s -> %s\n"
             "  %%s = kiln.matmul %%qt, %%kt : (%s, %s) -> %s\n"
             "  %%c = kiln.constant dense<%r> : tensor<f32>\n"
             "  %%d = kiln.div %%s, %%c : (%s, tensor<f32>) -> %s\n") % (
                 src["q"], x, hs, src["k"], x, st, src["v"], x, hs, hs, st, sc,
                 float(d) ** 0.5, sc, sc)
    last = "%d"
    if mask:
        body += "  %%a = kiln.add %%d, %%m : (%s, %s) -> %s\n" % (sc, m, sc)
        last = "%a"
    body += ("  %%p = kiln.softmax %s axis = 3 : %s\n"
             "  %%o = kiln.matmul %%p, %%vt : (%s, %s) -> %s\n"
             "  %%r = kiln.transpose %%o permutation = [0, 2, 1, 3] : %s -> %s\n") % (
                 last, sc, sc, hs, hs, hs, x)
    if io != "f32":
        body += "  %%n = kiln.cast %%r : %s to %s\n  return %%n : %s\n" % (x, xio, xio)
    else:
        body += "  return %%r : %s\n" % x
    return "func.func @main(%s) -> %s {\n%s}\n" % (args, xio, body)


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
    # The tf32 products of ptx-contraction.mlir, the large one cut to 256 x 512 (its
    # 2048 x 4096 f32 reference alone would be 32 MiB of the carry).
    cases.append(("gemm_tf32_bias_relu_tb", lambda: open(os.path.join(
        ROOT, "test/codegen/cuda/Inputs/gemm-tf32.mlir")).read().replace(
            "2048x256", "256x256").replace("256x4096", "256x512").replace(
            "2048x4096", "256x512"), ()))
    cases.append(("gemm_linear3d_bias_residual", lambda: open(os.path.join(
        ROOT, "test/codegen/cuda/Inputs/linear3d.mlir")).read(), ()))
    # Attention (bf16 products): keys no multiple of the 64-key block, several query
    # tiles and batch indices, a mask, head dims 32, 64 and 128.
    cases.append(("attention_1x160x2x32", attention_model, (1, 160, 2, 32)))
    cases.append(("attention_2x100x3x64_mask", attention_model, (2, 100, 3, 64, True)))
    cases.append(("attention_1x256x2x128", attention_model, (1, 256, 2, 128)))
    # bf16 in and out: the casts join the group, K and V arrive by cp.async into two
    # stages (three key blocks, the last partial), the result is written in bf16.
    cases.append(("attention_2x150x3x64_bf16io", attention_model,
                  (2, 150, 3, 64, False, "bf16")))
    cases.append(("attention_1x200x2x128_bf16io_mask", attention_model,
                  (1, 200, 2, 128, True, "bf16")))
    # The same linear layer on [8, 100, 64]: batch x sequence collapsed into M = 800.
    cases.append(("gemm_linear_b8_bias_residual", lambda: open(os.path.join(
        ROOT, "test/codegen/cuda/Inputs/linear3d.mlir")).read().replace("1x100x", "8x100x"),
        ()))
    # Convolutions: the implicit GEMM (bf16 under --precision: padding, bias, residual,
    # batch 2; a 7x7 stride-2 stem whose weight rows are gathered; the block in tf32) and
    # the window kernels (depthwise + relu6, max pooling, global average pooling, in f32).
    inputs = os.path.join(ROOT, "test/codegen/cuda/Inputs")
    # conv_residual: the input casts computed in the gather (kiln-fuse
    # conv-input-prologues), one whose temporary shares the output buffer, and a relu
    # computed at every tap of a depthwise window kernel.
    # qkv_*: horizontally fused Q/K/V projections, three column-slice outputs (bf16 on
    # wgmma on sm_90a, tf32 on mma.sync). attention_mask_tf32: the flash kernel at tf32
    # (m16n8k8). attn_mask_cores_f32: an attention at fp32, run as its products ([2, 3]
    # batches on grid z) and its softmax, not the flash kernel.
    for name, path in (("conv_block_b2", "conv-block.mlir"), ("conv_stem", "conv-stem.mlir"),
                       ("conv_windows", "windows.mlir"),
                       ("conv_block_b2_tf32", "conv-block.mlir"),
                       ("conv_residual", "conv-residual.mlir"),
                       ("qkv_bf16", "qkv.mlir"), ("qkv_tf32", "qkv.mlir"),
                       ("attention_mask_tf32", "attention-mask.mlir"),
                       ("attn_mask_cores_f32", "attention-mask.mlir")):
        cases.append((name, lambda p=path: open(os.path.join(inputs, p)).read(), ()))
    cases.append(("loop_64x512_f16", loop_model, (64, 512, "f16")))
    cases.append(("softmax_64x512_f16", softmax_model, (64, 512, "f16")))
    return cases


# Kernel variants compiled besides the default: KILN_CUDA_GEMM picks the contraction
# kernel (sm_90a defaults to TMA + wgmma).
GEMM_VARIANTS = [("mma-sync", {"KILN_CUDA_GEMM": "mma-sync"})]


def variant_env(name):
    """The environment a numerics case `name` (base@variant) is compiled under: the
    mma.sync variant of a GEMM or an attention on sm_90a, where the default is wgmma."""
    base, _, variant = name.partition("@")
    if variant != "mma-sync":
        return {}
    return dict(GEMM_VARIANTS)["mma-sync"] if base.startswith("gemm") else MMA_SYNC_ATTENTION


def gemm_cases():
    return [("gemm_bf16_4096", matmul_model, (4096, 4096, 4096, "bf16", False), 2 * 4096**3),
            ("gemm_bf16_8192", matmul_model, (8192, 8192, 8192, "bf16", False), 2 * 8192**3),
            ("gemm_bias_gelu_bf16_4096", matmul_model, (4096, 4096, 4096, "bf16", True),
             2 * 4096**3),
            # --precision=tf32: f32 operands on tf32 tensor cores, against torch.matmul in
            # f32 with torch.backends.cuda.matmul.allow_tf32 (cuBLAS's tf32 kernels).
            ("gemm_tf32_4096", matmul_model, (4096, 4096, 4096, "f32", False), 2 * 4096**3)]


def attention_cases():
    """Sequence 4096, head dims 64 and 128 (4 x 16 and 4 x 8 heads); FLOPs of the two
    products. Q, K, V and the result in bf16, as SDPA reads and writes them (the flash
    kernel's cp.async path); the f32-input form (converted as loaded) beside it; and f32
    in and out at --precision=tf32 (the flash kernel on m16n8k8) against SDPA in f32."""
    cases = []
    for h, d in ((16, 64), (8, 128)):
        flops = 4 * 4 * h * 4096 * 4096 * d
        cases.append(("attention_s4096_d%d" % d, attention_model,
                      (4, 4096, h, d, False, "bf16"), flops))
        cases.append(("attention_s4096_d%d_f32io" % d, attention_model, (4, 4096, h, d),
                      flops))
        cases.append(("attention_s4096_d%d_tf32" % d, attention_model, (4, 4096, h, d),
                      flops))
    return cases


# Block shapes timed besides the default (KILN_CUDA_ATTENTION_TILE=warps,keys). The
# mma.sync kernel (8 warps and 64 keys for head dims up to 64, else 4 warps): warps of 16
# query rows, keys per step. The sm_90a TMA + wgmma kernel (bf16 Q, K and V; default 8
# consumer warps, 128 keys, 3 stages): 4 or 8 consumer warps, keys a multiple of 64,
# stages.
ATTENTION_TILES = ["4,64", "8,32", "4,128"]
WGMMA_ATTENTION_TILES = ["4,128", "8,64", "8,128,2"]
MMA_SYNC_ATTENTION = {"KILN_CUDA_ATTENTION": "mma-sync"}


# Compile flags per case family: kiln's attention groups are f32 graphs whose products
# --precision=bf16 runs on tensor cores.
def flags_for(name):
    if "tf32" in name:
        return ["--precision=tf32"]
    return ["--precision=bf16"] if name.startswith(("attention", "conv", "qkv")) else []


# The model rows: export_models.py's networks at these batches (the transformer block's
# input is [batch, 16, 64]), compiled with --precision=bf16.
MODELS = ("resnet18", "mobilenet_v2", "transformer_block")
MODEL_BATCHES = (1, 32)
MODEL_SEED = 7
# bf16 products through a whole network, against PyTorch's f32 output:
# |kiln - ref| <= MODEL_TOL * max|ref| + MODEL_TOL * |ref|. PyTorch's own bf16 autocast
# error is about 1e-2 of max|ref| on ResNet-18, 4e-3 on MobileNetV2, 1e-3 on the block.
MODEL_TOL = 3e-2
# torch.compile costs tens of seconds per model and batch: few runs, and --budget-s.
MODEL_RUNS, MODEL_ROUNDS = 20, 3


def model_input(shape, seed=MODEL_SEED):
    """The input of a model row, the same on both machines without carrying it (a batch-32
    image is 19 MB of f32; .gpu has 64 MiB with the working tree): NumPy's legacy
    RandomState stream is frozen across NumPy versions, torch's generators are not across
    torch versions. Its SHA-256 in the manifest checks that on the device."""
    import numpy as np
    return np.random.RandomState(seed).standard_normal(shape).astype(np.float32)


def input_digest(x):
    return hashlib.sha256(x.tobytes()).hexdigest()[:16]


def tree_bytes(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


# --- prepare (here) ---------------------------------------------------------------------

def sh(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


DEBIAN_PYTHON = "/usr/bin/python3"


def have_torch():
    import importlib.util
    return all(importlib.util.find_spec(m) for m in ("torch", "torchvision", "onnx", "numpy"))


def parse_sections(text):
    sections = [x for x in text.split(",") if x]
    unknown = sorted(set(sections) - set(SECTIONS) - set(EXTRA_SECTIONS))
    if unknown:
        sys.exit("unknown section(s) %s (known: %s)" % (", ".join(unknown),
                                                        ", ".join(SECTIONS + EXTRA_SECTIONS)))
    return sections


def prepare(args):
    sections = parse_sections(args.sections)
    models = [m for m in args.models.split(",") if m] if "models" in sections else []
    unknown = sorted(set(models) - set(MODELS))
    if unknown:
        sys.exit("prepare: unknown model(s) %s (known: %s)" % (", ".join(unknown),
                                                              ", ".join(MODELS)))
    if (models or "conformance" in sections) and not have_torch():
        # The export needs torch, torchvision and onnx: Debian's python3 has them.
        if os.path.exists(DEBIAN_PYTHON) and sys.executable != DEBIAN_PYTHON:
            log("prepare: no torch in %s; running under %s" % (sys.executable, DEBIAN_PYTHON))
            os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON, os.path.abspath(__file__)] + sys.argv[1:])
        sys.exit("prepare: the model rows need torch, torchvision and onnx (or --sections "
                 "without models)")
    out = os.path.abspath(args.out)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "models"))
    os.makedirs(os.path.join(out, "ref"))
    shutil.copytree("/usr/src/googletest", os.path.join(out, "googletest"), symlinks=True)
    bin_dir = os.path.join(os.path.abspath(args.build), "bin")
    compile_ = os.path.join(bin_dir, "kiln-compile")
    manifest = {"arch": args.arch, "bandwidth": [], "numerics": [], "gemm": [],
                "attention": [], "models": []}

    def compile_file(name, src, flags, cpu=False, env=None):
        """kiln-compile src (.mlir or .onnx) into models/NAME[.cpu].kiln: (the artifact
        relative to out, None), or (None, the first error line)."""
        art = os.path.join(out, "models", name + (".cpu" if cpu else "") + ".kiln")
        target = ["--target=cpu", "--cpu=x86-64-v3"] if cpu else [
            "--target=cuda", "--cuda-arch=" + args.arch]
        r = sh([compile_, src, "-o", art] + target + flags,
               env=dict(os.environ, **(env or {})))
        if r.returncode != 0:
            lines = [l for l in r.stderr.splitlines() if "error:" in l] or ["failed"]
            return None, lines[0].split("error:", 1)[-1].strip()
        return os.path.relpath(art, out), None

    def build(name, text, cpu=False, env=None):
        src = os.path.join(out, "models", name + ".mlir")
        with open(src, "w") as f:
            f.write(text)
        return compile_file(name, src, flags_for(name), cpu, env)

    for name, fn, a, nbytes in bandwidth_cases() if "bandwidth" in sections else ():
        art, err = build(name, fn(*a))
        manifest["bandwidth"].append({"name": name, "artifact": art, "error": err,
                                      "bytes": nbytes, "shape": list(a[:2]), "type": a[2],
                                      "kind": name.split("_")[0]})
    for name, fn, a in numerics_cases() if "numerics" in sections else ():
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
                 # Loose tolerances for 16-bit and tf32 products, f32 ones for the rest.
                 "type": "f16" if name.startswith(("gemm", "attention", "conv", "qkv")) or
                         "tf32" in name else "f32" if not a else a[2]}
        manifest["numerics"].append(entry)
        # On sm_90a the GEMMs and the bf16-io attentions get the TMA + wgmma kernels;
        # check the mma.sync ones too.
        checked = name.startswith("gemm") or (name.startswith("attention") and "bf16io" in name)
        for variant in ["mma-sync"] if checked else []:
            vname = name + "@" + variant
            vart, verr = build(vname, fn(*a), env=variant_env(vname))
            manifest["numerics"].append(dict(entry, name=vname, artifact=vart,
                                             error=verr or cerr))
    for name, fn, a, flops in gemm_cases() if "gemm" in sections else ():
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
    for name, fn, a, flops in attention_cases() if "attention" in sections else ():
        # The default kernel and block shape, then (bf16 in and out) KILN_CUDA_ATTENTION_
        # TILE=warps,keys variants and the K/V loads without cp.async (what the pipeline
        # gains). On sm_90a bf16 attention takes the TMA + wgmma kernel: its tiles, then
        # the mma.sync kernel's (@mma-sync...) beside it.
        variants = [(None, None)]
        hopper = args.arch == "sm_90a" and not name.endswith(("_f32io", "_tf32"))
        mma = dict(MMA_SYNC_ATTENTION) if hopper else {}
        if hopper:
            variants += [(tile.replace(",", "_"), {"KILN_CUDA_ATTENTION_TILE": tile})
                         for tile in WGMMA_ATTENTION_TILES]
            variants.append(("mma-sync", mma))
        if not name.endswith(("_f32io", "_tf32")):
            variants += [(("mma-sync_" if hopper else "") + tile.replace(",", "_"),
                          dict(mma, KILN_CUDA_ATTENTION_TILE=tile))
                         for tile in ATTENTION_TILES]
        if not name.endswith("_f32io"):
            variants.append((("mma-sync_" if hopper else "") + "nopipe",
                             dict(mma, KILN_CUDA_ATTENTION_PIPELINE="0")))
        for variant, env in variants:
            vname = name if variant is None else "%s@%s" % (name, variant)
            art, err = build(vname, fn(*a), env=env)
            manifest["attention"].append({"name": vname, "artifact": art, "error": err,
                                          "flops": flops, "shape": list(a[:4])})
    if models:
        prepare_models(args, out, models, compile_file, manifest)
    if "conformance" in sections:
        # test/conformance's runner finds each test's compile-time inputs, compiles it for
        # the GPU and keeps the artifact with its inputs and expected outputs.
        r = sh([sys.executable, os.path.join(ROOT, "test/conformance/run_node_tests.py"),
                "--kiln-interpret", os.path.join(bin_dir, "kiln-interpret"),
                "--kiln-compile", compile_, "--cuda-arch", args.arch,
                "--cuda-keep", os.path.join(out, "conformance"),
                "--expected", os.path.join(ROOT, "test/conformance/expected-pass.txt"),
                "--only-expected"])
        if r.returncode != 0:
            sys.exit("run_node_tests.py: " + (r.stdout + r.stderr)[-2000:])
        manifest["conformance"] = "conformance/conformance.json"
        log(r.stdout.strip().splitlines()[-1])
    fit_carry(out, manifest, args.max_mib)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    for section in ("bandwidth", "numerics", "gemm", "attention"):
        for c in manifest[section]:
            print("%-28s %s" % (c["name"], c["error"] or "compiled"))
    for c in manifest["models"]:
        print("%-28s %s (input %s, max|ref| %.3g, compile %.1f s, weights %s)" % (
            c["name"], c["error"] or "compiled", "x".join(map(str, c["input_shape"])),
            c["ref_scale"], c["compile_s"], c["weights"] or "not carried"))
    print("prepared %s (%.1f MiB)" % (out, tree_bytes(out) / 2**20))


def prepare_models(args, out, models, compile_file, manifest):
    """The model rows: for each network, its state_dict once; for each batch, the ONNX
    export (as export_models.export does it: opset 13, static shapes, eval mode), the CUDA
    artifact, and PyTorch's f32 CPU output on model_input(shape) as the reference."""
    sys.path.insert(0, os.path.join(ROOT, "test", "models"))
    import export_models  # noqa: E402  (first: it keeps torch to 2 threads)
    import numpy as np
    import torch
    onnx_dir = os.path.abspath(args.onnx_dir)
    os.makedirs(onnx_dir, exist_ok=True)
    os.makedirs(os.path.join(out, "weights"))
    t0 = time.time()
    built = export_models.build_models()
    log("built the PyTorch models in %.1f s" % (time.time() - t0))
    for model in models:
        net, example = built[model]
        net.eval()
        # The device loads these weights into the same architecture (seeded init differs
        # between torch versions). Matrices and convolution kernels as bf16 (half the
        # bytes; autocast rounds them to bf16 anyway, so PyTorch's bf16 output is the
        # same), vectors (biases, norms, running statistics) as f32. kiln's numerics do
        # not depend on them (the reference is computed here), nor does the timing.
        weights = os.path.join(out, "weights", model + ".pt")
        torch.save({k: v.to(torch.bfloat16) if v.is_floating_point() and v.dim() >= 2 else v
                    for k, v in net.state_dict().items()}, weights)
        for batch in args.batches:
            name = "%s_b%d" % (model, batch)
            shape = [batch] + list(example.shape[1:])
            x = model_input(shape)
            xt = torch.from_numpy(x)
            with torch.no_grad():
                y = net(xt).numpy()
            ref = os.path.join(out, "ref", name + ".torch.npy")
            np.save(ref, y)
            onnx_path = os.path.join(onnx_dir, name + ".onnx")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.onnx.export(net, (xt,), onnx_path, opset_version=13,
                                  do_constant_folding=True, input_names=["input"],
                                  output_names=["output"])
            t1 = time.time()
            art, err = compile_file(name, onnx_path, ["--precision=bf16"])
            manifest["models"].append({
                "name": name, "model": model, "batch": batch, "artifact": art, "error": err,
                "compile_s": round(time.time() - t1, 2), "input_shape": shape,
                "seed": MODEL_SEED, "input_sha256": input_digest(x), "onnx": onnx_path,
                "ref": os.path.relpath(ref, out), "ref_scale": float(np.abs(y).max()),
                "output_shape": list(y.shape), "weights": os.path.relpath(weights, out)})
            log("%s: exported and compiled in %.1f s (%s)" % (
                name, time.time() - t1, "ok" if art else "error"))


def fit_carry(out, manifest, max_mib):
    """Keeps `out` within max_mib: .gpu travels to the device with the working tree, 64 MiB
    in all. The other sections and the references always go; then the model artifacts,
    smallest first, while they fit; then the state_dicts of the networks with an artifact
    carried, smallest first (PyTorch's timing does not need them, only its bf16 error).
    Rows whose artifact is left out say how to prepare them alone."""
    size = lambda rel: os.path.getsize(os.path.join(out, rel))
    models = manifest["models"]
    weights = sorted({c["weights"] for c in models if c["weights"]}, key=size)
    arts = sorted((c for c in models if c["artifact"]), key=lambda c: size(c["artifact"]))
    room = max_mib * 2**20 - tree_bytes(out) + sum(map(size, weights)) + sum(
        size(c["artifact"]) for c in arts)
    kept_models = set()
    for c in arts:
        if size(c["artifact"]) <= room:
            room -= size(c["artifact"])
            kept_models.add(c["model"])
            continue
        mib = size(c["artifact"]) / 2**20
        log("carry: leaving out %s (%.1f MiB)" % (c["artifact"], mib))
        os.remove(os.path.join(out, c["artifact"]))
        c["artifact"], c["dropped"] = None, True
        c["error"] = ("its %.0f MiB artifact puts %s over --max-mib %g (prepare --sections "
                      "models --models %s)" % (mib, os.path.basename(out), max_mib, c["model"]))
    for w in weights:
        users = [c for c in models if c["weights"] == w]
        if size(w) <= room and any(c["model"] in kept_models for c in users):
            room -= size(w)
            continue
        log("carry: leaving out %s (%.1f MiB)" % (w, size(w) / 2**20))
        os.remove(os.path.join(out, w))
        for c in users:
            c["weights"] = None
    if room < 0:
        log("carry: %s is %.1f MiB, over --max-mib %g" % (out, tree_bytes(out) / 2**20,
                                                          max_mib))


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


def numerics_flags(art, c):
    """kiln-run's flags that check numerics case `c` against its interpreter references:
    loose tolerances for 16-bit and tf32 products, f32 ones for the rest."""
    tol = ["--atol=5e-2", "--rtol=2e-2"] if c["type"] == "f16" else ["--atol=1e-4",
                                                                      "--rtol=1e-3"]
    return ["--random-inputs=7"] + ["--expected-output=@" + os.path.join(art, f)
                                    for f in c["refs"]] + tol


def numerics(kr, art, manifest, results):
    ok = True
    for c in manifest["numerics"]:
        if c["error"]:
            results.append((c["name"], "not compiled: " + c["error"]))
            ok = False
            continue
        check = numerics_flags(art, c)
        gpu = kiln_run(kr, os.path.join(art, c["artifact"]), "--device=cuda", *check)
        cpu = kiln_run(kr, os.path.join(art, c["cpu"]), *check)
        graph = kiln_run(kr, os.path.join(art, c["artifact"]), "--device=cuda", "--cuda-graph",
                         "--benchmark=3", *check)
        verdict = "cuda %s, cuda-graph %s, cpu %s" % tuple(
            "ok" if x.returncode == 0 else "FAIL" for x in (gpu, graph, cpu))
        if gpu.returncode or graph.returncode or cpu.returncode:
            ok = False
            for x in (gpu, graph, cpu):
                if x.returncode:
                    log("  %s: %s" % (c["name"], (x.stdout + x.stderr).strip()[-600:]))
        results.append((c["name"], verdict))
    return ok


def emulate(args):
    """The prepared numerics cases on the CUDA emulator, here: each artifact's kernels
    built for the host (kiln-compile --emit=emulator, the case's flags and KILN_CUDA_GEMM
    variant) and run by kiln-run through the fake libcuda, against the same references
    and tolerances as on the GPU. A kernel that computes wrong values fails here, before
    device time is spent on it; speed is the GPU's to say."""
    art = os.path.abspath(args.art)
    with open(os.path.join(art, "manifest.json")) as f:
        manifest = json.load(f)
    build = os.path.abspath(args.build)
    fake = os.path.join(build, "lib", "libkiln-fake-cuda.so")
    if not os.path.exists(fake):
        sys.exit("emulate: no %s (build the tests: ninja -C %s)" % (fake, build))
    work = tempfile.mkdtemp(prefix="kiln-emulate-")  # not under --art: it is carried
    failed = 0
    for c in manifest["numerics"]:
        if c["error"]:
            log("%-36s not compiled: %s" % (c["name"], c["error"]))
            failed += 1
            continue
        base = c["name"].partition("@")[0]
        kernels = os.path.join(work, c["name"] + ".so")
        t0 = time.time()
        r = sh([os.path.join(build, "bin", "kiln-compile"),
                os.path.join(art, "models", base + ".mlir"), "--target=cuda",
                "--cuda-arch=" + manifest["arch"], "--emit=emulator", "-o", kernels] +
               flags_for(base), env=dict(os.environ, **variant_env(c["name"])))
        if r.returncode == 0:
            r = sh([os.path.join(build, "bin", "kiln-run"), os.path.join(art, c["artifact"]),
                    "--device=cuda"] + numerics_flags(art, c),
                   env=dict(os.environ, KILN_CUDA_DRIVER=fake, KILN_FAKE_CUDA_KERNELS=kernels))
        failed += r.returncode != 0
        errors = [l for l in (r.stdout + r.stderr).splitlines() if "max abs error" in l or
                  "kiln-run:" in l or "kiln fake cuda:" in l or "error" in l]
        log("%-36s %s (%.1f s)%s" % (c["name"], "FAIL" if r.returncode else "ok",
                                     time.time() - t0,
                                     "" if r.returncode == 0 else "\n  " + "\n  ".join(
                                         errors[-4:])))
    shutil.rmtree(work, ignore_errors=True)
    log("%d of %d numerics cases %s on the emulator (%s)" % (
        len(manifest["numerics"]) - failed, len(manifest["numerics"]),
        "pass", manifest["arch"]))
    return 1 if failed else 0


def conformance(kr, art, listing, results):
    """The ONNX node tests on the GPU: each artifact run on the test's inputs and compared
    with ONNX's expected outputs (atol 1e-4, rtol 1e-3 for every type)."""
    with open(os.path.join(art, listing)) as f:
        cases = json.load(f)
    failed = []
    for c in cases:
        cmd = [os.path.join(art, "conformance", c["artifact"]), "--device=cuda"]
        for n, p in c["inputs"]:
            p = os.path.join(art, "conformance", p)
            cmd.append("--input=%s=@%s" % (n, p) if n else "--input=@" + p)
        cmd += ["--expected-output=@" + os.path.join(art, "conformance", p)
                for p in c["outputs"]]
        r = kiln_run(kr, cmd[0], *cmd[1:], "--atol=1e-4", "--rtol=1e-3")
        if r.returncode != 0:
            failed.append((c["name"], (r.stdout + r.stderr).strip().splitlines()[-1:]))
    results.append(("conformance", "%d of %d node tests match ONNX's outputs on the GPU" % (
        len(cases) - len(failed), len(cases))))
    for name, why in failed:
        results.append(("  " + name, "FAIL " + (why[0][:120] if why else "")))
    return not failed


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


_MEDIAN = re.compile(r"median ([\d.]+) ms")
_MAX_ABS = re.compile(r"max abs error (\S+),")


def max_abs_error(stdout):
    """kiln-run's max abs error against --expected-output (the first output's), or None."""
    m = _MAX_ABS.search(stdout)
    return float(m.group(1)) if m else None


def kiln_e2e_ms(kr, artifact, inp, ref, tol, runs=MODEL_RUNS, rounds=MODEL_ROUNDS):
    """End-to-end ms of a run with --cuda-graph: kiln-run --benchmark's wall clock from the
    graph launch to the stream's synchronize (inputs bound once), median over rounds, its
    spread, and whether every round's output matched `ref` (or the failure)."""
    meds, failure = [], None
    for _ in range(rounds):
        r = kiln_run(kr, artifact, "--device=cuda", "--cuda-graph", "--input=@" + inp,
                     "--benchmark=%d" % runs, "--warmup=3", "--expected-output=@" + ref, *tol)
        m = _MEDIAN.search(r.stdout)
        if r.returncode and not failure:
            failure = (r.stdout + r.stderr).strip()[-600:]
        if not m:
            return None, None, failure
        meds.append(float(m.group(1)))
    med = statistics.median(meds)
    return med, (max(meds) - min(meds)) / med, failure


def free_cuda():
    import torch
    gc.collect()
    torch.cuda.empty_cache()


def model_rows(kr, art, manifest, checks, rows, deadline):
    """The model rows: kiln's output against PyTorch's f32 reference (into `checks`), kiln's
    time end to end with --cuda-graph and as the sum of its kernels, PyTorch eager and
    torch.compile under bf16 autocast (into `rows`). torch.compile is timed only where kiln
    compiled, and not once it could end past `deadline`. Returns (numerics ok, rows kiln
    did not compile or that were not carried)."""
    if not manifest["models"]:
        return True, 0
    try:
        import numpy as np
    except ImportError:
        for c in manifest["models"]:
            checks.append((c["name"], "FAIL: no NumPy here to make the input"))
        return False, 0
    import torch
    sys.path.insert(0, os.path.join(ROOT, "test", "models"))
    saved = {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")}
    import export_models  # noqa: E402
    for k, v in saved.items():  # export_models keeps CI to 2 threads; not here
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    t0 = time.time()
    built = export_models.build_models()
    log("built the PyTorch models in %.1f s" % (time.time() - t0))
    tmp = tempfile.mkdtemp(prefix="kiln-models-")
    ok, skipped, nets = True, 0, {}
    ms = lambda us: "%.4g ms" % (us / 1e3)
    for c in manifest["models"]:
        name, scale = c["name"], c["ref_scale"]
        log("model row %s (%.0f s left of --budget-s)" % (name, deadline - time.time()))
        x_np = model_input(c["input_shape"], c["seed"])
        if input_digest(x_np) != c["input_sha256"]:
            checks.append((name, "FAIL: this NumPy made another input than prepare's"))
            rows.append((name, "no input", "NumPy's stream differs from prepare's", "", ""))
            ok = False
            continue
        inp = os.path.join(tmp, name + ".input.npy")
        np.save(inp, x_np)
        ref_path = os.path.join(art, c["ref"])
        ref = np.load(ref_path)
        if c["model"] not in nets:
            for other in list(nets):
                nets.pop(other).cpu()  # `built` holds it too
            free_cuda()
            net = built[c["model"]][0]
            if c["weights"]:
                try:
                    net.load_state_dict(torch.load(os.path.join(art, c["weights"]),
                                                   map_location="cpu"))
                except Exception as e:  # noqa: BLE001 -- another torchvision's names
                    log("  %s: cannot load %s (%s); PyTorch keeps its own init" % (
                        name, c["weights"], str(e).splitlines()[0][:200]))
                    for d in manifest["models"]:
                        if d["model"] == c["model"]:
                            d["weights"] = None
            nets[c["model"]] = net.cuda().eval()
        net = nets[c["model"]]
        x = torch.from_numpy(x_np).cuda()
        with torch.no_grad(), torch.autocast("cuda", dtype=torch.bfloat16):
            y = net(x).float().cpu().numpy()
            torch_err = ("PyTorch bf16 error %.1e" % (float(np.abs(y - ref).max()) / scale)
                         if c["weights"] else "PyTorch's weights not carried")
            eager_us, _ = torch_us(lambda: net(x), runs=MODEL_RUNS, rounds=MODEL_ROUNDS)
        if not c["artifact"]:
            skipped += 1
            what = "not carried" if c.get("dropped") else "not compiled"
            checks.append((name, "%s: %s (%s)" % (what, c["error"], torch_err)))
            rows.append((name, what, c["error"][:60], "eager " + ms(eager_us), ""))
            x = None
            free_cuda()
            continue

        artifact = os.path.join(art, c["artifact"])
        tol = ["--atol=%g" % (MODEL_TOL * scale), "--rtol=%g" % MODEL_TOL]
        r = kiln_run(kr, artifact, "--device=cuda", "--input=@" + inp,
                     "--expected-output=@" + ref_path, *tol)
        err = max_abs_error(r.stdout)
        e2e, e2e_spread, graph_failure = kiln_e2e_ms(kr, artifact, inp, ref_path, tol)
        try:
            kern_us, kern_spread = kernel_us(kr, artifact, runs=MODEL_RUNS, rounds=MODEL_ROUNDS)
        except RuntimeError as e:
            kern_us, kern_spread = None, None
            log("  %s: kernel timing failed: %s" % (name, e))
        checks.append((name, "cuda %s (error %s), cuda-graph %s; %s; of max|ref|, tol %g" % (
            "ok" if r.returncode == 0 else "FAIL",
            "%.1e" % (err / scale) if err is not None else "?",
            "FAIL" if graph_failure or e2e is None else "ok", torch_err, MODEL_TOL)))
        if r.returncode or graph_failure or e2e is None:
            ok = False
            for out in ((r.stdout + r.stderr).strip()[-600:] if r.returncode else None,
                        graph_failure):
                if out:
                    log("  %s: %s" % (name, out))

        comp_us, comp_note = None, None
        if time.time() + 60 > deadline:
            comp_note = "skipped (--budget-s)"
        else:
            compiled = None
            try:
                torch._dynamo.reset()  # a fresh graph per batch, no dynamic shapes
                compiled = torch.compile(net)
                t1 = time.time()
                with torch.no_grad(), torch.autocast("cuda", dtype=torch.bfloat16):
                    compiled(x)
                    torch.cuda.synchronize()
                    log("  torch.compile %s: first call %.0f s" % (name, time.time() - t1))
                    comp_us, _ = torch_us(lambda: compiled(x), runs=MODEL_RUNS,
                                          rounds=MODEL_ROUNDS)
            except Exception as e:  # noqa: BLE001 -- reported in the row
                comp_note = "failed (see the log)"
                log("  torch.compile %s failed: %s: %s" % (name, type(e).__name__,
                                                           str(e)[-1500:]))
            del compiled
            torch._dynamo.reset()

        kiln_us = e2e * 1e3 if e2e is not None else kern_us
        basis = "" if e2e is not None else " (kernels)"
        if kiln_us is None:
            rows.append((name, "run failed", "", "eager " + ms(eager_us), ""))
        else:
            rows.append((
                name, ms(kiln_us) + basis,
                "eager %.2fx, compile %s" % (eager_us / kiln_us, "%.2fx" % (comp_us / kiln_us)
                                             if comp_us else comp_note),
                "eager %s, compile %s" % (ms(eager_us), ms(comp_us) if comp_us else "-"),
                "±%.1f%%%s" % (100 * (e2e_spread if e2e is not None else kern_spread),
                               ", kernels " + ms(kern_us) if kern_us and e2e is not None
                               else "")))
        log("  %s: %s" % (name, " | ".join(rows[-1][1:])))
        x = None
        free_cuda()
    for net in nets.values():
        net.cpu()
    free_cuda()
    shutil.rmtree(tmp, ignore_errors=True)
    return ok, skipped


def run(args):
    start = time.time()
    sections = parse_sections(args.sections)
    art = os.path.abspath(args.art)
    with open(os.path.join(art, "manifest.json")) as f:
        manifest = json.load(f)
    for section in SECTIONS:  # a manifest may predate a section
        manifest[section] = manifest.get(section, []) if section in sections else []
    import torch
    import torch.nn.functional as F
    log("device:", torch.cuda.get_device_name(0), "| torch", torch.__version__)
    kr, tests_ok = build_runtime(art)
    checks = []
    numerics_ok = numerics(kr, art, manifest, checks)
    log("numerics checked (%.0f s)" % (time.time() - start))

    rows = []
    if manifest["bandwidth"]:
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
        tf32 = "tf32" in c["name"]
        dt = torch.float32 if tf32 else torch.bfloat16
        torch.backends.cuda.matmul.allow_tf32 = tf32
        a = torch.randn(m, k, device="cuda", dtype=dt)
        b = torch.randn(k, n, device="cuda", dtype=dt)
        if c["epilogue"]:
            bias = torch.randn(n, device="cuda", dtype=dt)
            ref_us, spread = torch_us(lambda: F.gelu(a @ b + bias), runs=20)
        else:
            ref_us, spread = torch_us(lambda: a @ b, runs=20)
        torch.backends.cuda.matmul.allow_tf32 = False
        rows.append(flops_row(kr, art, c, ref_us, spread, "torch tf32" if tf32 else "torch"))
        del a, b
        torch.cuda.empty_cache()

    for c in manifest.get("attention", []):
        bsz, seq, heads, d = c["shape"]
        tf32 = "tf32" in c["name"]
        q, k, v = (torch.randn(bsz, heads, seq, d, device="cuda",
                               dtype=torch.float32 if tf32 else torch.bfloat16)
                   for _ in range(3))
        torch.backends.cuda.matmul.allow_tf32 = tf32
        ref_us, spread = torch_us(lambda: F.scaled_dot_product_attention(q, k, v), runs=20)
        torch.backends.cuda.matmul.allow_tf32 = False
        rows.append(flops_row(kr, art, c, ref_us, spread, "sdpa f32" if tf32 else "sdpa"))
        del q, k, v
        torch.cuda.empty_cache()
    log("bandwidth, GEMM and attention rows done (%.0f s)" % (time.time() - start))

    models_ok, not_compiled = model_rows(kr, art, manifest, checks, rows, start + args.budget_s)
    numerics_ok = numerics_ok and models_ok
    if "conformance" in sections and manifest.get("conformance"):
        numerics_ok = conformance(kr, art, manifest["conformance"], checks) and numerics_ok
        log("conformance done (%.0f s)" % (time.time() - start))
    log("model rows done (%.0f s)" % (time.time() - start))

    result = {"tests_ok": tests_ok, "numerics_ok": numerics_ok, "checks": checks, "rows": rows}
    if os.environ.get("OUT"):
        with open(os.path.join(os.environ["OUT"], "gpu-results.json"), "w") as f:
            json.dump(result, f, indent=1)
    log("\nnumerics (against kiln-interpret, CPU path alongside; models against PyTorch f32):")
    for name, v in checks:
        log("  %-26s %s" % (name, v))
    log("\n%-30s %-14s %-34s %-32s %s" % ("case", "kiln", "ratio", "PyTorch", "spread"))
    for r in rows:
        log("%-30s %-14s %-34s %-32s %s" % r)
    log("\nruntime tests %s, numerics %s%s (%.0f s)" % (
        "passed" if tests_ok else "FAILED", "passed" if numerics_ok else "FAILED",
        " (model rows without an artifact: %d)" % not_compiled if not_compiled else "",
        time.time() - start))
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
    pp.add_argument("--sections", default=",".join(SECTIONS),
                    help="comma-separated subset of: " + ", ".join(SECTIONS))
    pp.add_argument("--models", default=",".join(MODELS),
                    help="the model rows' networks, a subset of: " + ", ".join(MODELS))
    pp.add_argument("--batches", default=list(MODEL_BATCHES),
                    type=lambda v: [int(b) for b in v.split(",")],
                    help="the model rows' batches (default 1,32)")
    pp.add_argument("--onnx-dir", default=os.path.join(tempfile.gettempdir(), "kiln-gpu-onnx"),
                    help="where the models' ONNX exports go (not carried)")
    pp.add_argument("--max-mib", type=float, default=56,
                    help="the most the output folder may hold (it is carried with the "
                    "working tree, 64 MiB in all)")
    pr = sub.add_parser("run")
    pr.add_argument("--art", default=os.path.join(ROOT, ".gpu"))
    pr.add_argument("--sections", default=",".join(SECTIONS),
                    help="comma-separated subset of: " + ", ".join(SECTIONS))
    pr.add_argument("--budget-s", type=float, default=450,
                    help="torch.compile of the model rows is skipped once it would end "
                    "past this many seconds of the run")
    pe = sub.add_parser("emulate")
    pe.add_argument("--art", default=os.path.join(ROOT, ".gpu"))
    pe.add_argument("--build", default=os.path.join(ROOT, "build-me"))
    a = p.parse_args()
    return {"prepare": prepare, "run": run, "emulate": emulate}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
