#!/usr/bin/python3
"""Compares --kiln-lower-to-linalg against the reference interpreter, number by number.

For every case (one kiln function per `// -----` chunk of the input files):
  1. inputs are generated with numpy (per-argument generators, see below) and saved as
     .npy files;
  2. `kiln-interpret case.mlir --input=@in0.npy ... --output=@out0.npy ...` computes the
     reference results;
  3. `kiln-opt --kiln-lower-to-linalg`, then upstream bufferization and lowering to the
     LLVM dialect (mlir-opt), `mlir-translate --mlir-to-llvmir` and `clang -shared` turn
     the function into a shared object, which is called through its C interface
     (`_mlir_ciface_<name>`, results as trailing out-parameters) on the same inputs;
  4. results are compared: integers and booleans exactly, floats with
     |a - b| <= atol + rtol * |b| (NaN must match NaN, inf must match inf).

Annotations inside a chunk (all optional):
  // ARG<i>: uniform LO HI | int LO HI | values V,V,... | bool | special
       `special` mixes ties (+-0.5, 1.5, 2.5), +-0, +-inf, NaN, huge values into uniform
       [-4, 4] data; `values` repeats the list cyclically.
  // TOL: RTOL ATOL        (default 1e-5 and 1e-6 for f32/f64; 1e-2, 1e-2 for f16/bf16)

Run with Debian's python3 (numpy). Prints one line per case and a summary; exits 1 if a
case differs or fails to run, 0 otherwise.
"""
import argparse
import ctypes
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

# ----------------------------------------------------------------------------------------
# Types
# ----------------------------------------------------------------------------------------

TENSOR_RE = re.compile(r"tensor<((?:\d+x)*)(!quant\.uniform<([a-z0-9]+):[^>]*>|[a-z0-9]+)>")


def parse_tensor_types(text):
    """[(shape, kind)] for every tensor type in `text`; kind is the kiln element type
    spelled 'f32', 'bf16', 'i1', 'i8', 'ui8', or 'q:i8' / 'q:u8' for quantized storage."""
    types = []
    for m in TENSOR_RE.finditer(text):
        dims = [int(d) for d in m.group(1).split("x") if d]
        if m.group(3):
            kind = "q:" + m.group(3)
        else:
            kind = m.group(2)
        types.append((dims, kind))
    return types


def numpy_dtype(kind):
    """The dtype of the .npy files kiln-interpret reads and writes for `kind`."""
    if kind.startswith("q:"):
        storage = kind[2:]
        return np.dtype(("uint" if storage.startswith("u") else "int") + storage[1:])
    table = {"f32": np.float32, "f64": np.float64, "f16": np.float16, "bf16": np.uint16,
             "i1": np.bool_}
    if kind in table:
        return np.dtype(table[kind])
    if kind.startswith("ui"):
        return np.dtype("uint" + kind[2:])
    if kind.startswith("i"):
        return np.dtype("int" + kind[1:])
    raise ValueError("unsupported element type " + kind)


def float_to_bf16_bits(x):
    """float32 array -> bf16 bit patterns, round to nearest even (NaN stays NaN)."""
    bits = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    nan = np.isnan(np.asarray(x, dtype=np.float32))
    rounded = np.where(nan, (bits >> 16) | 0x40, rounded)
    return rounded.astype(np.uint16)


def bf16_bits_to_float(b):
    return (np.asarray(b, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)


def load_bf16_pb(path):
    """A bf16 ONNX TensorProto file as its uint16 bit patterns."""
    import onnx
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    if t.raw_data:
        bits = np.frombuffer(t.raw_data, dtype=np.uint16)
    else:
        bits = np.array(t.int32_data, dtype=np.uint32).astype(np.uint16)
    return bits.reshape(list(t.dims))


def as_float64(array, kind):
    if kind == "bf16":
        return bf16_bits_to_float(array).astype(np.float64)
    return array.astype(np.float64)


# ----------------------------------------------------------------------------------------
# Inputs
# ----------------------------------------------------------------------------------------

SPECIALS = [0.5, -0.5, 1.5, 2.5, -2.5, 0.0, -0.0, np.inf, -np.inf, np.nan, 1e30, -1e30,
            3.0e9, -3.0e9, 127.5, -128.5, 255.5, 65504.0]


def generate(kind, shape, spec, rng):
    n = int(np.prod(shape)) if shape else 1
    dtype = numpy_dtype(kind)
    is_float = kind in ("f32", "f64", "f16", "bf16")
    words = spec.split() if spec else []
    op = words[0] if words else ""
    if is_float:
        if op == "values":
            values = [float(v) for v in " ".join(words[1:]).split(",")]
            data = np.array([values[i % len(values)] for i in range(n)], dtype=np.float64)
        elif op == "uniform":
            data = rng.uniform(float(words[1]), float(words[2]), n)
        elif op == "special":
            data = rng.uniform(-4, 4, n)
            for i in range(n):
                if i < len(SPECIALS):
                    data[i] = SPECIALS[i]
                elif i % 7 == 0:  # also scatter the specials across the tensor
                    data[i] = SPECIALS[(i // 7) % len(SPECIALS)]
        elif op == "":
            data = rng.uniform(-4, 4, n)
        else:
            raise ValueError("generator %r does not apply to %s" % (spec, kind))
        if kind == "bf16":
            return float_to_bf16_bits(data.astype(np.float32)).reshape(shape)
        with np.errstate(over="ignore"):
            return data.astype(dtype).reshape(shape)
    if kind == "i1":
        if op == "values":
            values = [int(v) for v in " ".join(words[1:]).split(",")]
            return np.array([values[i % len(values)] != 0 for i in range(n)]).reshape(shape)
        return (rng.integers(0, 2, n) != 0).reshape(shape)
    # Integers (and quantized storage): exact Python ints, never through float.
    info = np.iinfo(dtype)
    if op == "values":
        values = [int(v) for v in " ".join(words[1:]).split(",")]
        return np.array([values[i % len(values)] for i in range(n)], dtype=dtype).reshape(shape)
    if op == "int":
        lo, hi = max(int(words[1]), info.min), min(int(words[2]), info.max)
    elif op in ("", "bool"):
        lo, hi = (info.min, info.max) if info.bits <= 8 else (max(-1000, info.min), 1000)
        if op == "bool":
            lo, hi = 0, 1
    else:
        raise ValueError("generator %r does not apply to %s" % (spec, kind))
    return rng.integers(lo, hi + 1, n, dtype=np.int64 if hi < 2**63 else np.uint64,
                        endpoint=False).astype(dtype).reshape(shape)


# ----------------------------------------------------------------------------------------
# Compiled side
# ----------------------------------------------------------------------------------------

def memref_descriptor(array):
    """A ctypes StridedMemRef descriptor viewing `array` (C-contiguous)."""
    rank = array.ndim
    fields = [("allocated", ctypes.c_void_p), ("aligned", ctypes.c_void_p),
              ("offset", ctypes.c_int64)]
    if rank:
        fields += [("sizes", ctypes.c_int64 * rank), ("strides", ctypes.c_int64 * rank)]
    Descriptor = type("MemRef%d" % rank, (ctypes.Structure,), {"_fields_": fields})
    d = Descriptor()
    ptr = array.ctypes.data_as(ctypes.c_void_p)
    d.allocated = ptr
    d.aligned = ptr
    d.offset = 0
    if rank:
        for i in range(rank):
            d.sizes[i] = array.shape[i]
            d.strides[i] = array.strides[i] // array.itemsize
    return d


def run(cmd, stdin=None):
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d):\n%s" % (os.path.basename(cmd[0]), p.returncode,
                                                    p.stderr[-3000:]))
    return p.stdout


LOWERING = [
    "-llvm-request-c-wrappers",
    "-one-shot-bufferize=bufferize-function-boundaries=1 "
    "function-boundary-type-conversion=identity-layout-map",
    "-buffer-results-to-out-params=modify-public-functions=1", "-canonicalize",
    "-convert-linalg-to-loops", "-convert-scf-to-cf", "-expand-strided-metadata",
    "-lower-affine", "-convert-math-to-llvm", "-convert-math-to-libm",
    "-finalize-memref-to-llvm", "-convert-arith-to-llvm", "-convert-index-to-llvm",
    "-convert-func-to-llvm", "-convert-cf-to-llvm", "-reconcile-unrealized-casts",
]


def compile_case(tools, case_path, workdir):
    linalg = run([tools.kiln_opt, case_path, "--kiln-lower-to-linalg"])
    with open(os.path.join(workdir, "linalg.mlir"), "w") as f:
        f.write(linalg)
    llvm_dialect = run([tools.mlir_opt] + LOWERING, stdin=linalg)
    llvm_ir = run([tools.mlir_translate, "--mlir-to-llvmir"], stdin=llvm_dialect)
    ll = os.path.join(workdir, "case.ll")
    so = os.path.join(workdir, "case.so")
    with open(ll, "w") as f:
        f.write(llvm_ir)
    run([tools.clang, "-shared", "-fPIC", "-O1", "-Wno-override-module", ll, "-o", so,
         "-L" + tools.runner_utils, "-lmlir_c_runner_utils",
         "-Wl,-rpath," + tools.runner_utils, "-lm"])
    return so


def check_signature(linalg_path, arg_types, result_types):
    """The lowered function must take and return tensors of the same shapes (element
    types change: quantized -> storage, uiN -> iN), or the call below would read or
    write out of bounds."""
    with open(linalg_path) as f:
        text = f.read()
    m = re.search(r"func\.func\s+@[\w.$-]+\s*\((.*?)\)\s*(?:->\s*(.*?))?\s*(?:attributes.*)?\{\s*$",
                  text, re.S | re.M)
    lowered_args = [s for s, _ in parse_tensor_types(m.group(1))]
    lowered_results = [s for s, _ in parse_tensor_types(m.group(2) or "")]
    if lowered_args != [s for s, _ in arg_types] or \
            lowered_results != [s for s, _ in result_types]:
        raise RuntimeError("lowered signature %s -> %s does not match the kiln one" %
                           (lowered_args, lowered_results))


def call_compiled(so, name, inputs, result_types, case_dir):
    """Calls _mlir_ciface_<name> in a child process (a crash becomes an error) and
    returns its results."""
    out_paths = [os.path.join(case_dir, "got%d.npy" % i) for i in range(len(result_types))]
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            lib = ctypes.CDLL(so)
            fn = getattr(lib, "_mlir_ciface_" + name)
            outs = [np.zeros(shape, dtype=numpy_dtype(kind)) for shape, kind in result_types]
            # Contiguous arrays of the storage type (bool is one byte, as i1 in memory).
            ins = [np.ascontiguousarray(a) for a in inputs]
            descriptors = [memref_descriptor(a) for a in ins + outs]
            fn.argtypes = [ctypes.c_void_p] * len(descriptors)
            fn(*[ctypes.addressof(d) for d in descriptors])
            for p, o in zip(out_paths, outs):
                np.save(p, o)
            status = 0
        finally:
            os._exit(status)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        raise RuntimeError("the compiled function crashed (signal %d)" % os.WTERMSIG(status))
    if os.WEXITSTATUS(status) != 0:
        raise RuntimeError("calling the compiled function failed")
    return [np.load(p) for p in out_paths]


# ----------------------------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------------------------

def split_cases(path):
    with open(path) as f:
        text = f.read()
    chunks = re.split(r"^// -----.*$", text, flags=re.M)
    return [c for c in chunks if "func.func" in c]


def compare(kind, got, want, rtol, atol):
    """None if equal within tolerance, else a message."""
    if got.shape != want.shape:
        return "shape %s != %s" % (got.shape, want.shape)
    if kind in ("f32", "f64", "f16", "bf16"):
        g, w = as_float64(got, kind), as_float64(want, kind)
        with np.errstate(invalid="ignore"):
            return compare_floats(g, w, rtol, atol)
    return compare_exact(kind, got, want)


def compare_floats(g, w, rtol, atol):
    """NaN must meet NaN, inf the same inf, anything else |g - w| <= atol + rtol |w|."""
    both_nan = np.isnan(g) & np.isnan(w)
    same_inf = np.isinf(w) & (g == w)
    close = np.abs(g - w) <= atol + rtol * np.abs(w)
    ok = both_nan | same_inf | close
    if not ok.all():
        i = np.flatnonzero(~ok.reshape(-1))
        j = i[0]
        return "%d of %d differ; first at %d: got %r want %r" % (
            len(i), ok.size, j, g.reshape(-1)[j], w.reshape(-1)[j])
    return None


def compare_exact(kind, got, want):
    g = got.astype(np.int64) if kind != "i1" else got.astype(bool)
    w = want.astype(np.int64) if kind != "i1" else want.astype(bool)
    bad = g != w
    if bad.any():
        i = np.flatnonzero(bad.reshape(-1))
        j = i[0]
        return "%d of %d differ; first at %d: got %r want %r" % (
            len(i), bad.size, j, g.reshape(-1)[j], w.reshape(-1)[j])
    return None


def check_case(tools, chunk, index, workdir, seed):
    name = re.search(r"func\.func\s+@([\w.$-]+)", chunk).group(1)
    # The body's brace ends the signature line (quantized types contain braces too).
    signature = re.search(r"func\.func\s+@[\w.$-]+\s*\((.*?)\)\s*(?:->\s*(.*?))?\s*\{\s*$",
                          chunk, re.S | re.M)
    args_text, results_text = signature.group(1), signature.group(2) or ""
    arg_types = parse_tensor_types(args_text)
    result_types = parse_tensor_types(results_text)
    specs = dict((int(m.group(1)), m.group(2).strip())
                 for m in re.finditer(r"//\s*ARG(\d+):\s*(.*)", chunk))
    tol = re.search(r"//\s*TOL:\s*(\S+)\s+(\S+)", chunk)

    case_dir = os.path.join(workdir, "%03d_%s" % (index, name))
    os.makedirs(case_dir, exist_ok=True)
    case_path = os.path.join(case_dir, "case.mlir")
    with open(case_path, "w") as f:
        f.write(chunk)

    rng = np.random.default_rng(seed + index)
    inputs = [generate(kind, shape, specs.get(i), rng)
              for i, (shape, kind) in enumerate(arg_types)]
    cmd = [tools.kiln_interpret, case_path]
    for i, a in enumerate(inputs):
        p = os.path.join(case_dir, "in%d.npy" % i)
        np.save(p, a)
        cmd.append("--input=@" + p)
    # numpy has no bf16: bf16 results come back as ONNX TensorProto files.
    want_paths = [os.path.join(case_dir, "want%d.%s" % (i, "pb" if kind == "bf16" else "npy"))
                  for i, (_, kind) in enumerate(result_types)]
    for p in want_paths:
        cmd.append("--output=@" + p)
    run(cmd)
    wants = [load_bf16_pb(p) if p.endswith(".pb") else np.load(p) for p in want_paths]

    so = compile_case(tools, case_path, case_dir)
    check_signature(os.path.join(case_dir, "linalg.mlir"), arg_types, result_types)
    outs = call_compiled(so, name, inputs, result_types, case_dir)

    messages = []
    for i, ((shape, kind), got, want) in enumerate(zip(result_types, outs, wants)):
        if tol:
            rtol, atol = float(tol.group(1)), float(tol.group(2))
        elif kind in ("f16", "bf16"):
            rtol, atol = 1e-2, 1e-2
        else:
            rtol, atol = 1e-5, 1e-6
        msg = compare(kind, got, want, rtol, atol)
        if msg:
            messages.append("result %d (%s): %s" % (i, kind, msg))
    return name, messages


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("cases", nargs="+", help="kiln .mlir files, cases split by // -----")
    parser.add_argument("--kiln-opt", default="kiln-opt")
    parser.add_argument("--kiln-interpret", default="kiln-interpret")
    parser.add_argument("--mlir-opt", default="mlir-opt-22")
    parser.add_argument("--mlir-translate", default="mlir-translate-22")
    parser.add_argument("--clang", default="clang-22")
    parser.add_argument("--runner-utils", default="/usr/lib/llvm-22/lib",
                        help="folder of libmlir_c_runner_utils.so")
    parser.add_argument("--filter", default="", help="only cases whose function name "
                        "contains this")
    parser.add_argument("--keep", default="", help="keep the work files in this folder")
    parser.add_argument("--seed", type=int, default=1234)
    tools = parser.parse_args()
    for attr in ("kiln_opt", "kiln_interpret", "mlir_opt", "mlir_translate", "clang"):
        path = shutil.which(getattr(tools, attr))
        if not path:
            sys.exit("check_numerics: %s not found" % getattr(tools, attr))
        setattr(tools, attr, path)

    workdir = tools.keep or tempfile.mkdtemp(prefix="kiln-numerics-")
    os.makedirs(workdir, exist_ok=True)
    total = failed = 0
    index = 0
    for path in tools.cases:
        for chunk in split_cases(path):
            index += 1
            name = re.search(r"func\.func\s+@([\w.$-]+)", chunk).group(1)
            if tools.filter and tools.filter not in name:
                continue
            total += 1
            try:
                name, messages = check_case(tools, chunk, index, workdir, tools.seed)
            except Exception as e:  # a tool failed: report it as a failing case
                messages = ["error: %s" % e]
            if messages:
                failed += 1
                print("FAIL %s: %s" % (name, "; ".join(messages)))
            else:
                print("ok   %s" % name)
    if not tools.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    print("numerics: %d of %d cases match the interpreter" % (total - failed, total))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
