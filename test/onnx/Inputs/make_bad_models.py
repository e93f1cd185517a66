#!/usr/bin/python3
"""Builds small malformed (or deliberately unsupported) ONNX models for the
test/onnx/malformed-*.test lit tests. Nothing binary is checked in: every test runs

    make_bad_models.py CASE OUTDIR

which writes OUTDIR/CASE.onnx (external-data cases write a folder OUTDIR/CASE/ holding
model.onnx and its data files). Models are built with onnx.helper and then corrupted
field by field; they are written with SerializeToString, never through onnx.save or the
Python checker, so nothing on this side refuses them.

`make_bad_models.py --list` prints the cases.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT


def model(nodes, inputs, outputs, initializers=(), opset=17, domains=(), name="g"):
    graph = helper.make_graph(list(nodes), name, list(inputs), list(outputs),
                              initializer=list(initializers))
    opsets = [helper.make_opsetid("", opset)]
    opsets += [helper.make_opsetid(d, 1) for d in domains]
    m = helper.make_model(graph, opset_imports=opsets, producer_name="make_bad_models")
    m.ir_version = 8  # onnx 1.12 / opset 17
    return m


def vi(name, dims, elem=F):
    return helper.make_tensor_value_info(name, elem, dims)


def write_bytes(path, data):
    with open(path, "wb") as f:
        f.write(data)


def save(m, out, case):
    write_bytes(os.path.join(out, case + ".onnx"), m.SerializeToString())


def relu_model():
    """y = Relu(x + w), x: 2x3, w: a 2x3 initializer (so the file has some body)."""
    w = numpy_helper.from_array(np.arange(6, dtype=np.float32).reshape(2, 3), "w")
    return model([helper.make_node("Add", ["x", "w"], ["s"], name="add0"),
                  helper.make_node("Relu", ["s"], ["y"], name="relu0")],
                 [vi("x", [2, 3])], [vi("y", [2, 3])], [w])


CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


#===--- 1. Files that are not models ---------------------------------------===#

@case
def truncated(out):
    data = relu_model().SerializeToString()
    write_bytes(os.path.join(out, "truncated.onnx"), data[: len(data) // 2])


@case
def empty(out):
    write_bytes(os.path.join(out, "empty.onnx"), b"")


@case
def random_bytes(out):
    rng = np.random.default_rng(1234)
    write_bytes(os.path.join(out, "random_bytes.onnx"), rng.bytes(4096))


@case
def png(out):
    # A PNG signature and the start of an IHDR chunk.
    write_bytes(os.path.join(out, "png.onnx"),
                b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10"
                b"\x08\x06\x00\x00\x00\x1f\xf3\xffa")


@case
def text(out):
    write_bytes(os.path.join(out, "text.onnx"),
                b"This is not a model.\nJust some text that someone saved as .onnx.\n")


@case
def no_graph(out):
    # Parses as a ModelProto (every field is optional) but has no graph.
    m = onnx.ModelProto()
    m.ir_version = 8
    m.producer_name = "make_bad_models"
    save(m, out, "no_graph")


#===--- 2. Unsupported ops --------------------------------------------------===#

@case
def supported(out):
    save(relu_model(), out, "supported")


@case
def unsupported_ops(out):
    boxes, scores = vi("boxes", [1, 8, 4]), vi("scores", [1, 1, 8])
    nodes = [
        helper.make_node("NonMaxSuppression", ["boxes", "scores"], ["sel_a"], name="nms_a"),
        helper.make_node("NonMaxSuppression", ["boxes", "scores"], ["sel_b"], name="nms_b"),
        helper.make_node("Relu", ["scores"], ["r"], name="relu_ok"),
        helper.make_node("Reshape", ["r", "flat"], ["rf"], name="reshape_ok"),
        helper.make_node("TopK", ["rf", "k"], ["vals", "idx"], name="topk0", axis=-1),
    ]
    inits = [numpy_helper.from_array(np.array([8], dtype=np.int64), "flat"),
             numpy_helper.from_array(np.array([3], dtype=np.int64), "k")]
    outs = [vi("sel_a", [None, 3], TensorProto.INT64), vi("sel_b", [None, 3], TensorProto.INT64),
            vi("vals", [3]), vi("idx", [3], TensorProto.INT64)]
    save(model(nodes, [boxes, scores], outs, inits), out, "unsupported_ops")


#===--- 3. Opset, domain, dtype ---------------------------------------------===#

@case
def opset18(out):
    m = model([helper.make_node("Relu", ["x"], ["y"], name="relu0")],
              [vi("x", [2, 3])], [vi("y", [2, 3])], opset=18)
    m.ir_version = 8
    save(m, out, "opset18")


@case
def ms_domain(out):
    nodes = [helper.make_node("Relu", ["x"], ["r"], name="relu0"),
             helper.make_node("FastGelu", ["r"], ["y"], name="fastgelu0",
                              domain="com.microsoft")]
    save(model(nodes, [vi("x", [2, 3])], [vi("y", [2, 3])], domains=["com.microsoft"]),
         out, "ms_domain")


@case
def string_input(out):
    nodes = [helper.make_node("Identity", ["text_in"], ["y"], name="ident0")]
    save(model(nodes, [vi("text_in", [2], TensorProto.STRING)],
               [vi("y", [2], TensorProto.STRING)]), out, "string_input")


@case
def complex_input(out):
    nodes = [helper.make_node("Identity", ["z_in"], ["y"], name="ident0")]
    save(model(nodes, [vi("z_in", [2], TensorProto.COMPLEX64)],
               [vi("y", [2], TensorProto.COMPLEX64)]), out, "complex_input")


@case
def complex_initializer(out):
    c = helper.make_tensor("cplx_w", TensorProto.COMPLEX128, [1], [1.0 + 2.0j])
    nodes = [helper.make_node("Identity", ["cplx_w"], ["y"], name="ident0")]
    save(model(nodes, [], [vi("y", [1], TensorProto.COMPLEX128)], [c]), out,
         "complex_initializer")


#===--- 4. Missing or ill-typed attributes ----------------------------------===#

@case
def transpose_perm(out):
    nodes = [helper.make_node("Transpose", ["x"], ["y"], name="transpose_bad", perm=[1, 0])]
    save(model(nodes, [vi("x", [2, 3, 4])], [vi("y", [None, None, None])]), out,
         "transpose_perm")


@case
def transpose_perm_range(out):
    nodes = [helper.make_node("Transpose", ["x"], ["y"], name="transpose_oob", perm=[0, 5])]
    save(model(nodes, [vi("x", [2, 3])], [vi("y", [None, None])]), out,
         "transpose_perm_range")


@case
def concat_no_axis(out):
    nodes = [helper.make_node("Concat", ["a", "b"], ["y"], name="concat_noaxis")]
    save(model(nodes, [vi("a", [2, 3]), vi("b", [2, 3])], [vi("y", [None, None])]),
         out, "concat_no_axis")


@case
def cast_no_to(out):
    nodes = [helper.make_node("Cast", ["x"], ["y"], name="cast_noto")]
    save(model(nodes, [vi("x", [2, 3])], [vi("y", [2, 3])]), out, "cast_no_to")


@case
def cast_to_float_typed(out):
    # 'to' present but as a FLOAT attribute instead of an INT.
    node = helper.make_node("Cast", ["x"], ["y"], name="cast_floatto")
    node.attribute.append(helper.make_attribute("to", 1.0))
    save(model([node], [vi("x", [2, 3])], [vi("y", [2, 3])]), out, "cast_to_float_typed")


@case
def conv_kernel_3d(out):
    w = numpy_helper.from_array(np.ones((4, 3, 3, 3), dtype=np.float32), "conv_w")
    nodes = [helper.make_node("Conv", ["x", "conv_w"], ["y"], name="conv3d_kernel",
                              kernel_shape=[3, 3, 3])]
    save(model(nodes, [vi("x", [1, 3, 8, 8])], [vi("y", [None] * 4)], [w]), out,
         "conv_kernel_3d")


@case
def gather_axis(out):
    idx = numpy_helper.from_array(np.array([0, 1], dtype=np.int64), "gidx")
    nodes = [helper.make_node("Gather", ["x", "gidx"], ["y"], name="gather_oob", axis=5)]
    save(model(nodes, [vi("x", [2, 3])], [vi("y", [None, None])], [idx]), out,
         "gather_axis")


@case
def conv_stride0(out):
    w = numpy_helper.from_array(np.ones((2, 3, 3, 3), dtype=np.float32), "conv_w")
    nodes = [helper.make_node("Conv", ["x", "conv_w"], ["y"], name="conv_stride0",
                              strides=[0, 1])]
    save(model(nodes, [vi("x", [1, 3, 8, 8])], [vi("y", [None] * 4)], [w]), out,
         "conv_stride0")


@case
def pool_stride0(out):
    nodes = [helper.make_node("MaxPool", ["x"], ["y"], name="pool_stride0",
                              kernel_shape=[2, 2], strides=[0, 0])]
    save(model(nodes, [vi("x", [1, 3, 8, 8])], [vi("y", [None] * 4)]), out, "pool_stride0")


@case
def pool_window_huge(out):
    # SAME padding keeps the window inside the padded input; only the 2^20 cap stops it.
    nodes = [helper.make_node("MaxPool", ["x"], ["y"], name="pool_huge_window",
                              kernel_shape=[1025, 1024], auto_pad="SAME_UPPER")]
    save(model(nodes, [vi("x", [1, 1, 1025, 1024])], [vi("y", [None] * 4)]), out,
         "pool_window_huge")


@case
def maxpool3d_indices(out):
    nodes = [helper.make_node("MaxPool", ["x"], ["y", "idx"], name="pool3d_idx",
                              kernel_shape=[2, 2, 2])]
    save(model(nodes, [vi("x", [1, 1, 4, 4, 4])],
               [vi("y", [None] * 5), vi("idx", [None] * 5, TensorProto.INT64)]), out,
         "maxpool3d_indices")


#===--- 5. Cycles and undefined inputs --------------------------------------===#

@case
def undefined_input(out):
    nodes = [helper.make_node("Add", ["x", "ghost_value"], ["y"], name="add_ghost")]
    save(model(nodes, [vi("x", [2, 3])], [vi("y", [2, 3])]), out, "undefined_input")


@case
def cycle(out):
    nodes = [helper.make_node("Add", ["x", "loop_b"], ["loop_a"], name="cyc_a"),
             helper.make_node("Relu", ["loop_a"], ["loop_b"], name="cyc_b")]
    save(model(nodes, [vi("x", [2, 3])], [vi("loop_b", [2, 3])]), out, "cycle")


@case
def undefined_output(out):
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu0")]
    save(model(nodes, [vi("x", [2, 3])], [vi("y", [2, 3]), vi("phantom_out", [2, 3])]),
         out, "undefined_output")


#===--- 6. Shape mismatches --------------------------------------------------===#

@case
def add_mismatch(out):
    nodes = [helper.make_node("Add", ["a", "b"], ["y"], name="add_bad")]
    save(model(nodes, [vi("a", [3, 4]), vi("b", [5, 4])], [vi("y", [None, None])]),
         out, "add_mismatch")


@case
def matmul_mismatch(out):
    nodes = [helper.make_node("MatMul", ["a", "b"], ["y"], name="matmul_bad")]
    save(model(nodes, [vi("a", [2, 3]), vi("b", [4, 5])], [vi("y", [None, None])]),
         out, "matmul_mismatch")


@case
def conv_channels(out):
    w = numpy_helper.from_array(np.ones((8, 4, 3, 3), dtype=np.float32), "conv_w")
    nodes = [helper.make_node("Conv", ["x", "conv_w"], ["y"], name="conv_bad")]
    save(model(nodes, [vi("x", [1, 3, 8, 8])], [vi("y", [None] * 4)], [w]), out,
         "conv_channels")


@case
def gemm_mismatch(out):
    w = numpy_helper.from_array(np.ones((5, 6), dtype=np.float32), "gemm_w")
    nodes = [helper.make_node("Gemm", ["a", "gemm_w"], ["y"], name="gemm_bad")]
    save(model(nodes, [vi("a", [2, 4])], [vi("y", [None, None])], [w]), out,
         "gemm_mismatch")


#===--- 7. Sizes -------------------------------------------------------------===#

@case
def dims_overflow(out):
    t = TensorProto()
    t.name = "huge_w"
    t.data_type = F
    t.dims.extend([2 ** 40, 2 ** 40])
    t.raw_data = b""
    nodes = [helper.make_node("Identity", ["huge_w"], ["y"], name="ident0")]
    save(model(nodes, [], [vi("y", [None, None])], [t]), out, "dims_overflow")


@case
def dims_overflow_input(out):
    nodes = [helper.make_node("Relu", ["big_in"], ["y"], name="relu0")]
    save(model(nodes, [vi("big_in", [2 ** 40, 2 ** 40])], [vi("y", [None, None])]),
         out, "dims_overflow_input")


@case
def big_input(out):
    nodes = [helper.make_node("Relu", ["wide_in"], ["y"], name="relu0")]
    save(model(nodes, [vi("wide_in", [1, 1000])], [vi("y", [1, 1000])]), out, "big_input")


@case
def big_initializer(out):
    # Only the initializer is large: the graph reduces it to one value.
    w = numpy_helper.from_array(np.ones((1, 1000), dtype=np.float32), "wide_w")
    nodes = [helper.make_node("ReduceSum", ["wide_w"], ["s"], name="sum0", keepdims=0),
             helper.make_node("Add", ["x", "s"], ["y"], name="add0")]
    save(model(nodes, [vi("x", [1])], [vi("y", [1])], [w]), out, "big_initializer")


@case
def big_intermediate(out):
    # Inputs of 10 floats each; their outer sum (Add of 1x10 and 10x1) is 100 floats.
    nodes = [helper.make_node("Add", ["row", "col"], ["outer"], name="add_outer")]
    save(model(nodes, [vi("row", [1, 10]), vi("col", [10, 1])], [vi("outer", [10, 10])]),
         out, "big_intermediate")


@case
def constantofshape_huge(out):
    shape = numpy_helper.from_array(np.array([1 << 20, 1 << 20], dtype=np.int64), "cos_shape")
    nodes = [helper.make_node("ConstantOfShape", ["cos_shape"], ["y"], name="cos_huge")]
    save(model(nodes, [], [vi("y", [None, None])], [shape]), out, "constantofshape_huge")


@case
def constantofshape_overflow(out):
    shape = numpy_helper.from_array(np.array([1 << 40, 1 << 40], dtype=np.int64), "cos_shape")
    nodes = [helper.make_node("ConstantOfShape", ["cos_shape"], ["y"], name="cos_overflow")]
    save(model(nodes, [], [vi("y", [None, None])], [shape]), out,
         "constantofshape_overflow")


@case
def range_huge(out):
    # Range(0, 1e30, 1): far more elements than int64 can count.
    inits = [numpy_helper.from_array(np.array(v, dtype=np.float32), n)
             for n, v in [("r_start", 0.0), ("r_limit", 1e30), ("r_delta", 1.0)]]
    nodes = [helper.make_node("Range", ["r_start", "r_limit", "r_delta"], ["y"],
                              name="range_huge")]
    save(model(nodes, [], [vi("y", [None])], inits), out, "range_huge")


@case
def range_nan(out):
    inits = [numpy_helper.from_array(np.array(v, dtype=np.float32), n)
             for n, v in [("r_start", 0.0), ("r_limit", 10.0), ("r_delta", np.nan)]]
    nodes = [helper.make_node("Range", ["r_start", "r_limit", "r_delta"], ["y"],
                              name="range_nan")]
    save(model(nodes, [], [vi("y", [None])], inits), out, "range_nan")


@case
def expand_huge(out):
    shape = numpy_helper.from_array(np.array([1 << 20, 1 << 20], dtype=np.int64), "exp_shape")
    nodes = [helper.make_node("Expand", ["x", "exp_shape"], ["y"], name="expand_huge")]
    save(model(nodes, [vi("x", [1, 1])], [vi("y", [None, None])], [shape]), out,
         "expand_huge")


#===--- 8. Tensor data of the wrong length -----------------------------------===#

def data_model(t, case_name, out):
    nodes = [helper.make_node("Add", ["x", t.name], ["y"], name="add0")]
    dims = list(t.dims)
    save(model(nodes, [vi("x", dims)], [vi("y", dims)], [t]), out, case_name)


@case
def raw_short(out):
    t = numpy_helper.from_array(np.ones((4, 8), dtype=np.float32), "short_w")
    t.raw_data = t.raw_data[:100]  # 128 needed
    data_model(t, "raw_short", out)


@case
def raw_long(out):
    t = numpy_helper.from_array(np.ones((4, 8), dtype=np.float32), "long_w")
    t.raw_data = t.raw_data + b"\0" * 12  # 140 bytes for 128
    data_model(t, "raw_long", out)


@case
def float_data_short(out):
    t = helper.make_tensor("typed_w", F, [2, 3], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    del t.float_data[4:]  # 4 values for dims [2, 3]
    data_model(t, "float_data_short", out)


@case
def constant_raw_short(out):
    # The same corruption inside a Constant node's value attribute.
    t = numpy_helper.from_array(np.ones((2, 3), dtype=np.float32), "cval")
    t.raw_data = t.raw_data[:8]
    nodes = [helper.make_node("Constant", [], ["c"], name="const_short", value=t),
             helper.make_node("Add", ["x", "c"], ["y"], name="add0")]
    save(model(nodes, [vi("x", [2, 3])], [vi("y", [2, 3])]), out, "constant_raw_short")


#===--- 9. External data ------------------------------------------------------===#

EXT_VALUES = np.arange(32, dtype=np.float32).reshape(4, 8)
EXT_PREFIX = b"KILNPAD!" * 2  # 16 bytes before the tensor in the data file


def ext_model(folder, location, offset=None, length=None, dims=(4, 8), name="ext_w"):
    t = TensorProto()
    t.name = name
    t.data_type = F
    t.dims.extend(dims)
    t.data_location = TensorProto.EXTERNAL
    entries = [("location", location)]
    if offset is not None:
        entries.append(("offset", str(offset)))
    if length is not None:
        entries.append(("length", str(length)))
    for k, v in entries:
        e = t.external_data.add()
        e.key, e.value = k, v
    nodes = [helper.make_node("Add", ["x", name], ["y"], name="add_ext")]
    m = model(nodes, [vi("x", list(dims))], [vi("y", list(dims))], [t])
    os.makedirs(folder, exist_ok=True)
    write_bytes(os.path.join(folder, "model.onnx"), m.SerializeToString())


def write_weights(path):
    write_bytes(path, EXT_PREFIX + EXT_VALUES.tobytes())


def case_dir(out, name):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    return d


@case
def ext_valid(out):
    d = case_dir(out, "ext_valid")
    write_weights(os.path.join(d, "weights.bin"))
    ext_model(d, "weights.bin", offset=len(EXT_PREFIX), length=EXT_VALUES.nbytes)
    np.save(os.path.join(d, "x.npy"), np.ones((4, 8), dtype=np.float32))


@case
def ext_absolute(out):
    d = case_dir(out, "ext_absolute")
    target = os.path.abspath(os.path.join(d, "weights.bin"))
    write_weights(target)
    ext_model(d, target, offset=len(EXT_PREFIX), length=EXT_VALUES.nbytes)


@case
def ext_dotdot(out):
    d = case_dir(out, "ext_dotdot")
    write_weights(os.path.join(out, "ext_dotdot_outside.bin"))
    ext_model(d, "../ext_dotdot_outside.bin", offset=len(EXT_PREFIX), length=EXT_VALUES.nbytes)


@case
def ext_symlink(out):
    d = case_dir(out, "ext_symlink")
    outside = os.path.join(out, "ext_symlink_outside.bin")
    write_weights(outside)
    link = os.path.join(d, "weights.bin")
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(os.path.abspath(outside), link)
    ext_model(d, "weights.bin", offset=len(EXT_PREFIX), length=EXT_VALUES.nbytes)


@case
def ext_past_end(out):
    d = case_dir(out, "ext_past_end")
    write_weights(os.path.join(d, "weights.bin"))  # 144 bytes
    ext_model(d, "weights.bin", offset=64, length=EXT_VALUES.nbytes)  # 64 + 128 > 144


@case
def ext_offset_past_end(out):
    d = case_dir(out, "ext_offset_past_end")
    write_weights(os.path.join(d, "weights.bin"))  # 144 bytes
    ext_model(d, "weights.bin", offset=4096, length=EXT_VALUES.nbytes)


@case
def ext_length_mismatch(out):
    d = case_dir(out, "ext_length_mismatch")
    write_weights(os.path.join(d, "weights.bin"))
    ext_model(d, "weights.bin", offset=len(EXT_PREFIX), length=64)  # 128 needed


@case
def ext_missing_file(out):
    d = case_dir(out, "ext_missing_file")
    ext_model(d, "no_such_weights.bin", offset=0, length=EXT_VALUES.nbytes)


@case
def ext_bad_offset(out):
    d = case_dir(out, "ext_bad_offset")
    write_weights(os.path.join(d, "weights.bin"))
    ext_model(d, "weights.bin", offset="-16", length=EXT_VALUES.nbytes)


@case
def ext_constant_node(out):
    # A Constant node whose value tensor lives in an external file (valid).
    d = case_dir(out, "ext_constant_node")
    write_weights(os.path.join(d, "weights.bin"))
    t = TensorProto()
    t.name = "ext_cval"
    t.data_type = F
    t.dims.extend(EXT_VALUES.shape)
    t.data_location = TensorProto.EXTERNAL
    for k, v in [("location", "weights.bin"), ("offset", str(len(EXT_PREFIX))),
                 ("length", str(EXT_VALUES.nbytes))]:
        e = t.external_data.add()
        e.key, e.value = k, v
    nodes = [helper.make_node("Constant", [], ["c"], name="const_ext", value=t),
             helper.make_node("Add", ["x", "c"], ["y"], name="add_ext")]
    m = model(nodes, [vi("x", [4, 8])], [vi("y", [4, 8])])
    write_bytes(os.path.join(d, "model.onnx"), m.SerializeToString())
    np.save(os.path.join(d, "x.npy"), np.ones((4, 8), dtype=np.float32))


#===--- 10. Dynamic input dims --------------------------------------------------===#

@case
def dynamic_input(out):
    nodes = [helper.make_node("Add", ["dyn_x", "fixed_z"], ["y"], name="add0")]
    save(model(nodes, [vi("dyn_x", ["batch", 4]), vi("fixed_z", [1, 4])],
               [vi("y", [None, 4])]),
         out, "dynamic_input")


@case
def input_no_shape(out):
    # The input's type has an element type but no shape field at all.
    nodes = [helper.make_node("Relu", ["shapeless_in"], ["y"], name="relu0")]
    save(model(nodes, [vi("shapeless_in", None)], [vi("y", [None, None])]), out,
         "input_no_shape")


@case
def output_no_shape(out):
    nodes = [helper.make_node("Relu", ["x"], ["shapeless_out"], name="relu0")]
    save(model(nodes, [vi("x", [2, 3])], [vi("shapeless_out", None)]), out, "output_no_shape")


def main(argv):
    if len(argv) == 2 and argv[1] == "--list":
        print("\n".join(sorted(CASES)))
        return 0
    if len(argv) != 3 or argv[1] not in CASES:
        sys.stderr.write("usage: make_bad_models.py CASE OUTDIR  (CASE: --list shows them)\n")
        return 2
    os.makedirs(argv[2], exist_ok=True)
    CASES[argv[1]](argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
