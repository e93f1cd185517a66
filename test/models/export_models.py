#!/usr/bin/python3
"""Real PyTorch models through kiln: export to ONNX, then compare kiln-interpret with PyTorch.

  export_models.py --out DIR
      Builds ResNet-18, MobileNetV2 (torchvision, random init, seeded), a hand-written
      transformer block and a small CNN that keeps its BatchNorm nodes, exports each to DIR/NAME.onnx (opset 13, static shapes, batch 1),
      and saves the input as DIR/NAME.input.npy and PyTorch's output as DIR/NAME.torch.npy.

  export_models.py --compare DIR --kiln-interpret PATH [--kiln-translate PATH] [--tol 1e-4]
  export_models.py --compare-compiled DIR --kiln-compile PATH --kiln-run PATH [--tol 1e-4]
      For every model: times `kiln-translate --import-onnx NAME.onnx -o /dev/null`, runs
      `kiln-interpret NAME.onnx --input=@NAME.input.npy --output=@NAME.kiln.npy` and
      compares with NAME.torch.npy. Prints one line per model:
          NAME ok max_rel_err=... max_abs_err=... ...
      or  NAME FAIL ...
      max_rel_err is max|kiln - torch| / max|torch|. Exits 1 if any model fails to import
      or run, is missing, or exceeds the tolerance.

No downloads: every model is built with random weights from a fixed seed. Run with Debian's
/usr/bin/python3 (torch, torchvision, onnx, numpy).
"""
import argparse
import os
import shutil
import subprocess
import sys
import time
import warnings

# Keep torch / numpy to the 2 cores CI has; must happen before importing them.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
os.environ.setdefault("OMP_NUM_THREADS", "2")

import numpy as np  # noqa: E402

MODELS = ["resnet18", "mobilenet_v2", "transformer_block", "conv_bn"]
# Exported with training=PRESERVE, so its BatchNormalization nodes stay in the ONNX graph
# (in eval mode torch folds Conv+BN itself) and kiln-fold-batch-norm has work to do.
KEEP_BATCH_NORM = {"conv_bn"}
SEED = 0


# --------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------

def build_models():
    import torch
    import torch.nn as nn
    import torchvision

    class SelfAttention(nn.Module):
        def __init__(self, d_model, heads):
            super().__init__()
            self.heads = heads
            self.d_head = d_model // heads
            self.q = nn.Linear(d_model, d_model)
            self.k = nn.Linear(d_model, d_model)
            self.v = nn.Linear(d_model, d_model)
            self.out = nn.Linear(d_model, d_model)

        def split(self, t):
            b, s, _ = t.shape
            return t.reshape(b, s, self.heads, self.d_head).transpose(1, 2)  # b h s d

        def forward(self, x):
            b, s, d = x.shape
            q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
            scores = torch.matmul(q, k.transpose(-2, -1)) / (self.d_head ** 0.5)
            attn = torch.softmax(scores, dim=-1)
            ctx = torch.matmul(attn, v).transpose(1, 2).reshape(b, s, d)
            return self.out(ctx)

    class TransformerBlock(nn.Module):
        """Pre-norm encoder block: x + MHA(LN(x)), then + MLP(LN(x)) with GELU (Erf)."""

        def __init__(self, d_model=64, heads=4, hidden=256):
            super().__init__()
            self.ln1 = nn.LayerNorm(d_model)
            self.attn = SelfAttention(d_model, heads)
            self.ln2 = nn.LayerNorm(d_model)
            self.mlp = nn.Sequential(nn.Linear(d_model, hidden), nn.GELU(),
                                     nn.Linear(hidden, d_model))

        def forward(self, x):
            x = x + self.attn(self.ln1(x))
            return x + self.mlp(self.ln2(x))

    def recalibrate_bn(model):
        # Random-init CNNs collapse numerically with the default BN stats (MobileNetV2's
        # logits end up ~1e-9): re-estimate the running stats on random batches.
        model.train()
        with torch.no_grad():
            for _ in range(3):
                model(torch.randn(8, 3, 224, 224))
        model.eval()
        return model

    torch.manual_seed(SEED)
    models = {}
    models["resnet18"] = (recalibrate_bn(torchvision.models.resnet18(weights=None)),
                          torch.randn(1, 3, 224, 224))
    models["mobilenet_v2"] = (recalibrate_bn(torchvision.models.mobilenet_v2(weights=None)),
                              torch.randn(1, 3, 224, 224))
    block = TransformerBlock().eval()
    models["transformer_block"] = (block, torch.randn(1, 16, 64))

    def random_bn_stats(model):
        # Non-trivial statistics and affine parameters, so a wrong fold shows.
        for m in model.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                with torch.no_grad():
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.normal_(0.0, 0.1)
                    m.running_mean.normal_(0.0, 0.1)
                    m.running_var.uniform_(0.5, 2.0)
        return model.eval()

    # Conv+BN+ReLU, depthwise conv (no bias)+BN+ReLU6, pointwise conv+BN, pooled, then a
    # Linear+BatchNorm1d head: every form kiln-fold-batch-norm folds.
    conv_bn = nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
        nn.Conv2d(16, 16, 3, padding=1, groups=16, bias=False), nn.BatchNorm2d(16), nn.ReLU6(),
        nn.Conv2d(16, 32, 1), nn.BatchNorm2d(32),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10), nn.BatchNorm1d(10))
    models["conv_bn"] = (random_bn_stats(conv_bn), torch.randn(1, 3, 32, 32))
    return models


def export(out_dir):
    import torch
    torch.set_num_threads(2)
    os.makedirs(out_dir, exist_ok=True)
    for name, (model, x) in build_models().items():
        t0 = time.time()
        with torch.no_grad():
            y = model(x)
        path = os.path.join(out_dir, name + ".onnx")
        mode = (torch.onnx.TrainingMode.PRESERVE if name in KEEP_BATCH_NORM
                else torch.onnx.TrainingMode.EVAL)
        with warnings.catch_warnings():
            # PRESERVE warns about constant folding in training mode; the model is in eval.
            warnings.simplefilter("ignore")
            torch.onnx.export(model, (x,), path, opset_version=13, do_constant_folding=True,
                              input_names=["input"], output_names=["output"], training=mode)
        np.save(os.path.join(out_dir, name + ".input.npy"), x.numpy())
        np.save(os.path.join(out_dir, name + ".torch.npy"), y.numpy())
        print("exported %s: input %s output %s max|out| %.3g (%.1f s)" % (
            name, list(x.shape), list(y.shape), float(y.abs().max()), time.time() - t0))


# --------------------------------------------------------------------------------------
# Compare
# --------------------------------------------------------------------------------------

def last_lines(text, n=6):
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return " | ".join(lines[-n:])


def compare_one(d, name, interp, translate, tol):
    onnx_path = os.path.join(d, name + ".onnx")
    inp = os.path.join(d, name + ".input.npy")
    ref_path = os.path.join(d, name + ".torch.npy")
    got_path = os.path.join(d, name + ".kiln.npy")
    for p in (onnx_path, inp, ref_path):
        if not os.path.exists(p):
            return False, "%s FAIL missing %s" % (name, p)

    import_s = float("nan")
    if translate:
        t0 = time.time()
        r = subprocess.run([translate, "--import-onnx", onnx_path, "-o", os.devnull],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        import_s = time.time() - t0
        if r.returncode != 0:
            return False, "%s FAIL import (exit %d): %s" % (name, r.returncode,
                                                            last_lines(r.stdout))

    if os.path.exists(got_path):
        os.remove(got_path)
    t0 = time.time()
    r = subprocess.run([interp, onnx_path, "--input=@" + inp, "--output=@" + got_path],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    run_s = time.time() - t0
    if r.returncode != 0 or not os.path.exists(got_path):
        return False, "%s FAIL kiln-interpret (exit %d): %s" % (name, r.returncode,
                                                               last_lines(r.stdout))

    ok, stats = error_stats(name, np.load(ref_path), np.load(got_path), tol)
    return ok, "%s import_s=%.2f run_s=%.2f" % (stats, import_s, run_s)


def error_stats(label, ref, got, tol):
    """(ok, "LABEL ok|FAIL max_rel_err=...") comparing kiln's output with PyTorch's."""
    ref = ref.astype(np.float64)
    if got.shape != ref.shape:
        return False, "%s FAIL shape %s, expected %s" % (label, list(got.shape),
                                                         list(ref.shape))
    got = got.astype(np.float64)
    if not np.isfinite(got).all():
        return False, "%s FAIL %d non-finite values" % (label, int((~np.isfinite(got)).sum()))
    diff = np.abs(got - ref)
    scale = float(np.abs(ref).max())
    max_abs = float(diff.max())
    max_rel = max_abs / scale if scale > 0 else max_abs
    # Elementwise relative error, ignoring values that are tiny next to the output's scale.
    mask = np.abs(ref) > 1e-3 * scale
    elem = diff[mask] / np.abs(ref[mask])
    stats = "elem_rel_err(|ref|>1e-3*max) max=%.2e median=%.2e" % (
        float(elem.max()) if elem.size else 0.0, float(np.median(elem)) if elem.size else 0.0)
    ok = max_rel <= tol
    line = "%s %s max_rel_err=%.3e max_abs_err=%.3e max|torch|=%.3g %s" % (
        label, "ok" if ok else "FAIL", max_rel, max_abs, scale, stats)
    if not ok:
        line += " (tolerance %g)" % tol
    return ok, line


def compare_compiled(d, compiler, runner, tol):
    """kiln-compile each model for this CPU, run it with kiln-run on 1 and 2 threads."""
    all_ok = True
    for name in MODELS:
        onnx_path = os.path.join(d, name + ".onnx")
        artifact = os.path.join(d, name + ".kiln")
        t0 = time.time()
        r = subprocess.run([compiler, onnx_path, "-o", artifact], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        compile_s = time.time() - t0
        if r.returncode != 0:
            print("%s FAIL kiln-compile (exit %d): %s" % (name, r.returncode,
                                                          last_lines(r.stdout)), flush=True)
            all_ok = False
            continue
        for threads in (1, 2):
            got_path = os.path.join(d, "%s.compiled%d.npy" % (name, threads))
            r = subprocess.run([runner, artifact, "--input=@" + os.path.join(d, name + ".input.npy"),
                                "--output=@" + got_path, "--threads=%d" % threads],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if r.returncode != 0:
                print("%s threads=%d FAIL kiln-run (exit %d): %s" % (
                    name, threads, r.returncode, last_lines(r.stdout)), flush=True)
                all_ok = False
                continue
            ok, line = error_stats("%s threads=%d" % (name, threads),
                                   np.load(os.path.join(d, name + ".torch.npy")),
                                   np.load(got_path), tol)
            print("%s compile_s=%.2f" % (line, compile_s), flush=True)
            all_ok &= ok
    print("ALL OK" if all_ok else "SOME FAILED")
    return 0 if all_ok else 1


def compare(d, interp, translate, tol):
    interp = shutil.which(interp) or interp
    if translate is None:
        # kiln-translate sits beside kiln-interpret.
        cand = os.path.join(os.path.dirname(os.path.abspath(interp)), "kiln-translate")
        translate = cand if os.path.exists(cand) else shutil.which("kiln-translate")
    all_ok = True
    for name in MODELS:
        ok, line = compare_one(d, name, interp, translate, tol)
        print(line, flush=True)
        all_ok &= ok
    print("ALL OK" if all_ok else "SOME FAILED")
    return 0 if all_ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--out", metavar="DIR", help="export models, inputs and outputs")
    mode.add_argument("--compare", metavar="DIR", help="run kiln-interpret and compare")
    mode.add_argument("--compare-compiled", metavar="DIR",
                      help="compile with kiln-compile, run with kiln-run, compare")
    ap.add_argument("--kiln-compile", default="kiln-compile")
    ap.add_argument("--kiln-run", default="kiln-run")
    ap.add_argument("--kiln-interpret", default="kiln-interpret")
    ap.add_argument("--kiln-translate", default=None,
                    help="for import timing (default: beside kiln-interpret)")
    ap.add_argument("--tol", type=float, default=1e-4, help="max relative error allowed")
    args = ap.parse_args()
    if args.out:
        export(args.out)
        return 0
    if args.compare_compiled:
        return compare_compiled(args.compare_compiled, args.kiln_compile, args.kiln_run,
                                args.tol)
    return compare(args.compare, args.kiln_interpret, args.kiln_translate, args.tol)


if __name__ == "__main__":
    sys.exit(main())
