#!/usr/bin/python3
"""ONNX backend node tests through kiln-interpret.

For every test folder under the ONNX node test data: import and run the model with
kiln-interpret on test_data_set_0, compare each output with the expected one at per-dtype
tolerances, and classify the test as pass, fail (with the reason) or unsupported (kiln
cannot import it, with what is missing).

  run_node_tests.py --kiln-interpret build/bin/kiln-interpret \
      [--markdown docs/conformance.md] [--expected test/conformance/expected-pass.txt]
      [--check] [--write-expected] [--filter SUBSTR] [--jobs N]

--check exits 1 if any test listed in --expected does not pass (a regression).
Run with Debian's /usr/bin/python3 (onnx and numpy).
"""
import argparse
import concurrent.futures
import glob
import os
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import numpy_helper

DATA = "/usr/share/libonnx-testdata/data/node"

# Ops listed in the importer issue: every node test made only of these must pass.
LISTED_OPS = set("""Conv BatchNormalization Relu Clip LeakyRelu Sigmoid HardSigmoid HardSwish
Tanh MaxPool AveragePool GlobalAveragePool Add Sub Mul Div Pow Sqrt Reciprocal Erf Exp Log
Neg Abs Min Max Gemm MatMul Flatten Reshape Transpose Squeeze Unsqueeze Concat Split Slice
Gather Pad Softmax LogSoftmax LayerNormalization ReduceMean ReduceSum ReduceMax ArgMax Where
Equal Less Greater Not And Or Expand Shape ConstantOfShape Constant Identity Cast Dropout
QuantizeLinear DequantizeLinear""".split())

# (rtol, atol) per expected dtype; integers and bools compare exactly.
TOLERANCES = {
    np.dtype(np.float64): (1e-6, 1e-9),
    np.dtype(np.float32): (1e-4, 1e-5),
    np.dtype(np.float16): (1e-3, 1e-3),
}


# Tests kiln cannot pass, and why (shown in docs/conformance.md).
KNOWN = {
    "test_cast_FLOAT_to_BFLOAT16":
        "ONNX 1.12's expected data truncates to bf16; kiln rounds to nearest even, the rule "
        "ONNX adopted later (1.14)",
    "test_castlike_BFLOAT16_to_FLOAT_expanded":
        "the test data's 'like' input is shaped [1] but the model declares [3, 4]",
    "test_castlike_FLOAT_to_BFLOAT16_expanded":
        "the test data's 'like' input is shaped [1] but the model declares [3, 4]",
}


def load_expected(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return t, numpy_helper.to_array(t)


def compare(expected_proto, expected, actual):
    """Returns None if equal within tolerance, else a reason."""
    if expected_proto.data_type == onnx.TensorProto.BFLOAT16:
        rtol, atol = 1e-2, 1e-2
        expected = expected.astype(np.float32)
        actual = actual.astype(np.float32)
    else:
        rtol, atol = TOLERANCES.get(expected.dtype, (0, 0))
    if expected.shape != actual.shape:
        return "shape %s, expected %s" % (list(actual.shape), list(expected.shape))
    if expected.dtype.kind in "fc":
        a = actual.astype(np.float64)
        e = expected.astype(np.float64)
        nan_ok = np.array_equal(np.isnan(a), np.isnan(e))
        close = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=True)
        if nan_ok and close.all():
            return None
        bad = ~close
        idx = np.unravel_index(np.argmax(bad), bad.shape) if bad.ndim else ()
        return "%d of %d values differ (first at %s: %r vs expected %r; rtol %g atol %g)" % (
            int(bad.sum()), bad.size, list(idx), float(a[idx]), float(e[idx]), rtol, atol)
    if actual.dtype != expected.dtype:
        actual = actual.astype(expected.dtype)
    if np.array_equal(actual, expected):
        return None
    bad = actual != expected
    return "%d of %d values differ" % (int(bad.sum()), bad.size)


def read_output(path, like):
    if path.endswith(".npy"):
        return np.load(path)
    raise ValueError(path)


def compile_model(compile_cmd, folder, feeds, constants, artifact, flags=()):
    """kiln-compile of the test's model (its shape-giving inputs as constants); returns
    None, or the reason it failed (its first error line)."""
    cmd = [compile_cmd, os.path.join(folder, "model.onnx"), *flags, "-o", artifact]
    cmd += ["--constant-input=%s=@%s" % (n, p) for n, p in feeds if n in constants]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return "kiln-compile timed out"
    if proc.returncode != 0:
        lines = [l for l in proc.stderr.strip().splitlines() if "error" in l] or \
            [l for l in proc.stderr.strip().splitlines() if l.strip()]
        return "kiln-compile: " + (lines[0] if lines else "exit %d" % proc.returncode)
    return None


def run_compiled(tools, folder, feeds, constants, outputs, tmp):
    """Compiles the model with kiln-compile, runs it with kiln-run on the test inputs and
    compares with the expected outputs. Returns (status, reason)."""
    compile_cmd, run_cmd = tools
    artifact = os.path.join(tmp, "model.kiln")
    why = compile_model(compile_cmd, folder, feeds, constants, artifact)
    if why:
        return "fail", why
    return run_artifact(run_cmd, artifact, feeds, constants, outputs, tmp)


def run_artifact(run_cmd, artifact, feeds, constants, outputs, tmp, flags=(), env=None):
    """kiln-run of an artifact on the test inputs, compared with the expected outputs.
    Returns (status, reason)."""
    outs = [os.path.join(tmp, "compiled_%d.npy" % i) for i in range(len(outputs))]
    cmd = [run_cmd, artifact, *flags]
    for n, p in feeds:
        if n not in constants:
            cmd.append("--input=%s=@%s" % (n, p) if n else "--input=@" + p)
    cmd += ["--output=@" + o for o in outs]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600,
                              env=dict(os.environ, **env) if env else None)
    except subprocess.TimeoutExpired:
        return "fail", "kiln-run timed out"
    if proc.returncode != 0:
        lines = [l for l in proc.stderr.strip().splitlines() if l.strip()]
        return "fail", "kiln-run: " + (" / ".join(lines[:2]) if lines else
                                       "exit %d" % proc.returncode)
    for i, (exp_path, out_path) in enumerate(zip(outputs, outs)):
        proto, expected = load_expected(exp_path)
        actual = np.load(out_path)
        if proto.data_type == onnx.TensorProto.BFLOAT16 and actual.dtype == np.uint16:
            actual = (actual.astype(np.uint32) << 16).view(np.float32)
        reason = compare(proto, expected, actual)
        if reason:
            return "fail", "output %d: %s" % (i, reason)
    return "pass", ""


def compile_cuda(tools, folder, feeds, constants, outputs, tmp):
    """Compiles the model for CUDA (tools: kiln-compile, arch, keep), PTX and cubin: there
    is no GPU to run it on here. With `keep` (a folder), the artifact, the run-time inputs
    and the expected outputs are copied there for bench/gpu.py to run on a GPU. Returns
    (status, reason, case)."""
    compile_cmd, arch, keep = tools[:3]
    name = os.path.basename(folder)
    artifact = os.path.join(keep, name + ".kiln") if keep else \
        os.path.join(tmp, "model.cuda.kiln")
    why = compile_model(compile_cmd, folder, feeds, constants, artifact,
                        ("--target=cuda", "--cuda-arch=" + arch))
    if why:
        return "fail", why, None
    case = None
    if keep:
        data = os.path.join(keep, name)
        os.makedirs(data, exist_ok=True)
        case = {"name": name, "artifact": name + ".kiln", "inputs": [], "outputs": []}
        for n, p in feeds:
            if n not in constants:
                shutil.copy(p, os.path.join(data, os.path.basename(p)))
                case["inputs"].append([n, os.path.join(name, os.path.basename(p))])
        for p in outputs:
            shutil.copy(p, os.path.join(data, os.path.basename(p)))
            case["outputs"].append(os.path.join(name, os.path.basename(p)))
    return "pass", "", case


def run_emulated(tools, folder, feeds, constants, outputs, tmp):
    """The CUDA artifact's kernels on the emulator (test/unit/runtime/CudaEmulator.h):
    kiln-compile --emit=emulator builds them for the host, kiln-run --device=cuda runs
    the artifact through the CUDA runtime with the fake driver (tools: kiln-compile,
    arch, keep, kiln-run, the fake driver). Returns (status, reason)."""
    compile_cmd, arch, _, run_cmd, driver = tools
    artifact = os.path.join(tmp, "emulated.kiln")
    kernels = os.path.join(tmp, "emulated.so")
    flags = ("--target=cuda", "--cuda-arch=" + arch)
    why = compile_model(compile_cmd, folder, feeds, constants, artifact, flags) or \
        compile_model(compile_cmd, folder, feeds, constants, kernels, flags +
                      ("--emit=emulator",))
    if why:
        return "fail", why
    return run_artifact(run_cmd, artifact, feeds, constants, outputs, tmp, ("--device=cuda",),
                        {"KILN_CUDA_DRIVER": driver, "KILN_FAKE_CUDA_KERNELS": kernels})


def run_test(interpret, folder, compiled_tools=None, cuda_tools=None):
    name = os.path.basename(folder)
    model = onnx.load(os.path.join(folder, "model.onnx"), load_external_data=False)
    ops = sorted(set(n.op_type for n in model.graph.node))
    listed = set(ops) <= LISTED_OPS
    data = os.path.join(folder, "test_data_set_0")
    inputs = sorted(glob.glob(os.path.join(data, "input_*.pb")),
                    key=lambda p: int(p.rsplit("_", 1)[1].split(".")[0]))
    outputs = sorted(glob.glob(os.path.join(data, "output_*.pb")),
                     key=lambda p: int(p.rsplit("_", 1)[1].split(".")[0]))
    result = {"name": name, "ops": ops, "listed": listed}
    feeds = []
    for p in inputs:
        t = onnx.TensorProto()
        with open(p, "rb") as f:
            t.ParseFromString(f.read())
        feeds.append((t.name, p))
    constants = []  # inputs the importer needs as compile-time values (shapes, params)
    with tempfile.TemporaryDirectory() as tmp:
        outs = [os.path.join(tmp, "out_%d.pb" % i) for i in range(len(outputs))]
        while True:
            cmd = [interpret, os.path.join(folder, "model.onnx")]
            for n, p in feeds:
                if n in constants:
                    cmd.append("--constant-input=%s=@%s" % (n, p))
                else:
                    cmd.append("--input=%s=@%s" % (n, p) if n else "--input=@" + p)
            cmd += ["--output=@" + o for o in outs]
            start = time.time()
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
            except subprocess.TimeoutExpired:
                result.update(status="fail", reason="timed out after 300 s")
                return result
            result["seconds"] = time.time() - start
            err = proc.stderr.strip()
            m = re.search(r"\(input '([^']*)'\) must be a", err)
            if proc.returncode != 0 and m and m.group(1) not in constants and \
                    any(n == m.group(1) for n, _ in feeds):
                constants.append(m.group(1))
                continue
            break
        result["constants"] = constants
        if proc.returncode != 0:
            first = err.splitlines()[0] if err else "exit code %d" % proc.returncode
            first = re.sub(r"^.*?onnx import: ", "", first)
            if "unsupported feature" in err:
                lines = [l.strip() for l in err.splitlines() if l.strip()]
                result.update(status="unsupported", reason="; ".join(lines[1:4]))
            elif "not supported" in err:
                result.update(status="unsupported", reason=first)
            else:
                result.update(status="fail", reason=first)
            return result
        for i, (exp_path, out_path) in enumerate(zip(outputs, outs)):
            proto, expected = load_expected(exp_path)
            try:
                aproto, actual = load_expected(out_path)
            except Exception as e:  # noqa: BLE001 - report any unreadable output
                result.update(status="fail", reason="output %d unreadable: %s" % (i, e))
                return result
            if aproto.data_type == onnx.TensorProto.BFLOAT16 and \
                    proto.data_type == onnx.TensorProto.UINT16:
                actual = np.frombuffer(aproto.raw_data, dtype=np.uint16).reshape(actual.shape)
            reason = compare(proto, expected, actual)
            if reason:
                result.update(status="fail", reason="output %d: %s" % (i, reason))
                return result
        if compiled_tools:
            status, why = run_compiled(compiled_tools, folder, feeds, constants, outputs, tmp)
            result.update(compiled=status, compiled_reason=why)
        if cuda_tools:
            status, why, case = compile_cuda(cuda_tools, folder, feeds, constants, outputs, tmp)
            result.update(cuda=status, cuda_reason=why, cuda_case=case)
            if status == "pass" and len(cuda_tools) > 3:
                status, why = run_emulated(cuda_tools, folder, feeds, constants, outputs, tmp)
                result.update(emulated=status, emulated_reason=why)
    result.update(status="pass", reason="constant inputs: " + ", ".join(constants)
                  if constants else "")
    return result


def short(reason):
    reason = reason.replace("|", "\\|").replace("\n", " ")
    return reason if len(reason) < 220 else reason[:217] + "..."


def write_markdown(path, results, summary):
    with open(path, "w") as f:
        f.write("# ONNX backend node tests\n\n")
        f.write("Generated by `test/conformance/run_node_tests.py` from the node tests of "
                "Debian's `libonnx-testdata` (ONNX 1.12), run through `kiln-interpret` "
                "(import + reference interpreter) on `test_data_set_0`. Tolerances: f64 "
                "rtol 1e-6, f32 rtol 1e-4 / atol 1e-5, f16 1e-3, bf16 1e-2; integers and "
                "bools exact.\n\n")
        f.write("**%s**\n\n" % summary)
        listed = [r for r in results if r["listed"]]
        f.write("Tests made only of ops the importer issue lists: %d, of which %d pass.\n\n" %
                (len(listed), sum(r["status"] == "pass" for r in listed)))
        missing = [r for r in listed if r["status"] != "pass"]
        if missing:
            f.write("Listed-op tests that do not pass, and why:\n\n")
            for r in missing:
                reason = r["reason"]
                if r["name"] in KNOWN:
                    reason = KNOWN[r["name"]] + " (" + reason + ")"
                f.write("- `%s` (%s): %s\n" % (r["name"], r["status"], short(reason)))
            f.write("\n")
        compiled = [r for r in results if "compiled" in r]
        if compiled:
            f.write("Compiled (kiln-compile + kiln-run against the same expected outputs, "
                    "for the tests the interpreter passes): %d of %d pass.\n\n" %
                    (sum(r["compiled"] == "pass" for r in compiled), len(compiled)))
        f.write("| test | status | compiled | ops | reason |\n|---|---|---|---|---|\n")
        for r in results:
            reason = r["reason"]
            if r["status"] != "pass" and r["name"] in KNOWN:
                reason = KNOWN[r["name"]] + " (" + reason + ")"
            if r.get("compiled") == "fail":
                reason = (reason + "; " if reason else "") + "compiled: " + r["compiled_reason"]
            if r.get("cuda") == "fail":
                reason = (reason + "; " if reason else "") + "cuda: " + r["cuda_reason"]
            if r.get("emulated") == "fail":
                reason = (reason + "; " if reason else "") + "emulated: " + r["emulated_reason"]
            f.write("| %s | %s | %s | %s | %s |\n" % (
                r["name"], r["status"], r.get("compiled", "-"), " ".join(r["ops"]),
                short(reason)))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kiln-interpret", required=True)
    ap.add_argument("--kiln-compile", help="also compile (and with --kiln-run, run) the "
                    "passing tests")
    ap.add_argument("--kiln-run")
    ap.add_argument("--expected-compiled",
                    help="list of tests whose compiled run passes (checked / written)")
    ap.add_argument("--cuda-arch",
                    help="also compile the passing tests for CUDA at this arch (no run)")
    ap.add_argument("--expected-cuda",
                    help="list of tests that compile for CUDA (checked / written)")
    ap.add_argument("--cuda-keep",
                    help="keep each CUDA artifact with its inputs and expected outputs in "
                    "this folder, listed in conformance.json (bench/gpu.py runs them)")
    ap.add_argument("--cuda-emulator",
                    help="the fake libcuda (libkiln-fake-cuda.so): also run each CUDA "
                    "artifact's kernels on the CUDA emulator and compare (needs --kiln-run)")
    ap.add_argument("--expected-emulated",
                    help="list of tests whose emulated CUDA run passes (checked / written)")
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--markdown")
    ap.add_argument("--expected")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--write-expected", action="store_true")
    ap.add_argument("--filter", default="")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--only-expected", action="store_true",
                    help="run only the tests in --expected (quick regression check)")
    args = ap.parse_args()

    folders = sorted(d for d in glob.glob(os.path.join(args.data, "test_*"))
                     if args.filter in os.path.basename(d))
    expected = set()
    if args.expected and os.path.exists(args.expected):
        with open(args.expected) as f:
            expected = set(l.strip() for l in f if l.strip() and not l.startswith("#"))
    if args.only_expected:
        folders = [d for d in folders if os.path.basename(d) in expected]
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        # The compiled runs need kiln-run; without it only the CUDA compile runs.
        tools = (args.kiln_compile, args.kiln_run) if args.kiln_compile and args.kiln_run \
            else None
        if args.cuda_keep:
            os.makedirs(args.cuda_keep, exist_ok=True)
        cuda = (args.kiln_compile, args.cuda_arch, args.cuda_keep) \
            if args.kiln_compile and args.cuda_arch else None
        if cuda and args.cuda_emulator and args.kiln_run:
            cuda += (args.kiln_run, os.path.abspath(args.cuda_emulator))
        results = list(pool.map(lambda d: run_test(args.kiln_interpret, d, tools, cuda),
                                folders))
    counts = {s: sum(r["status"] == s for r in results) for s in ("pass", "fail", "unsupported")}
    summary = "%d node tests: %d pass, %d fail, %d unsupported" % (
        len(results), counts["pass"], counts["fail"], counts["unsupported"])
    print(summary)
    listed = [r for r in results if r["listed"]]
    print("listed-op tests: %d, pass %d" % (len(listed), sum(r["status"] == "pass" for r in listed)))
    compiled = [r for r in results if "compiled" in r]
    if compiled:
        print("compiled: %d of %d interpreter-passing tests pass" %
              (sum(r["compiled"] == "pass" for r in compiled), len(compiled)))
    cudas = [r for r in results if "cuda" in r]
    if cudas:
        print("cuda (%s, compiled only): %d of %d interpreter-passing tests compile" %
              (args.cuda_arch, sum(r["cuda"] == "pass" for r in cudas), len(cudas)))
    emulated = [r for r in results if "emulated" in r]
    if emulated:
        print("cuda (%s, emulated): %d of %d pass" %
              (args.cuda_arch, sum(r["emulated"] == "pass" for r in emulated), len(emulated)))
    if args.cuda_keep:
        with open(os.path.join(args.cuda_keep, "conformance.json"), "w") as f:
            json.dump([r["cuda_case"] for r in cudas if r.get("cuda_case")], f, indent=1)
    if args.markdown:
        write_markdown(args.markdown, results, summary)
    if args.write_expected and args.expected:
        with open(args.expected, "w") as f:
            f.write("# Node tests that pass; a test listed here that stops passing fails CI.\n")
            f.write("# Regenerate with run_node_tests.py --write-expected after fixing.\n")
            for r in results:
                if r["status"] == "pass":
                    f.write(r["name"] + "\n")
    lists = (
        (args.expected_compiled, "compiled", compiled,
         "# Node tests whose compiled run (kiln-compile + kiln-run) passes; a test\n"
         "# listed here that stops passing fails CI.\n"),
        (args.expected_cuda, "cuda", cudas,
         "# Node tests that compile for CUDA (--cuda-arch=%s: PTX and cubin, not run);\n"
         "# a test listed here that stops compiling fails CI.\n" % args.cuda_arch),
        (args.expected_emulated, "emulated", emulated,
         "# Node tests whose CUDA kernels (--cuda-arch=%s) run on the emulator and\n"
         "# match ONNX's outputs; a test listed here that stops passing fails CI.\n"
         % args.cuda_arch))
    for path, key, ran, header in lists:
        if args.write_expected and path and ran:
            with open(path, "w") as f:
                f.write(header)
                for r in results:
                    if r.get(key) == "pass":
                        f.write(r["name"] + "\n")
    # A listed test whose compiled run (kiln-run on this CPU), CUDA compile or emulated
    # CUDA run stopped passing is a regression.
    for flag, key, label, ran in ((args.expected_cuda, "cuda", "CUDA REGRESSION", cudas),
                                  (args.expected_emulated, "emulated", "EMULATED REGRESSION",
                                   emulated),
                                  (args.expected_compiled, "compiled", "COMPILED REGRESSION",
                                   compiled)):
        if not (args.check and flag and ran):
            continue
        with open(flag) as f:
            want = [l.strip() for l in f if l.strip() and not l.startswith("#")]
        by_name = {r["name"]: r for r in results}
        bad = [n for n in want if by_name.get(n, {}).get(key) != "pass"]
        for n in bad:
            print("%s %s: %s" % (label, n, by_name.get(n, {}).get(key + "_reason", "not run")))
        if bad:
            return 1
    if args.check:
        by_name = {r["name"]: r for r in results}
        regressions = [n for n in sorted(expected) if n in by_name
                       and by_name[n]["status"] != "pass"]
        missing = [n for n in sorted(expected) if n not in by_name]
        for n in regressions:
            print("REGRESSION %s: %s %s" % (n, by_name[n]["status"], by_name[n]["reason"]))
        for n in missing:
            print("MISSING %s: listed as passing but no such test" % n)
        if regressions or missing:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
