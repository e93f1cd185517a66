"""Writes examples/mlp_block.onnx: LayerNorm -> Gemm -> GELU (Erf form, as PyTorch exports
it) -> Gemm -> residual Add, on a [4, 64] input. Run with Debian's /usr/bin/python3."""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.RandomState(0)
d, h = 64, 128
inits = [
    numpy_helper.from_array(np.ones(d, np.float32), "ln.weight"),
    numpy_helper.from_array(np.zeros(d, np.float32), "ln.bias"),
    numpy_helper.from_array((rng.randn(h, d) / 8).astype(np.float32), "fc1.weight"),
    numpy_helper.from_array((rng.randn(h) / 8).astype(np.float32), "fc1.bias"),
    numpy_helper.from_array((rng.randn(d, h) / 11).astype(np.float32), "fc2.weight"),
    numpy_helper.from_array((rng.randn(d) / 8).astype(np.float32), "fc2.bias"),
    numpy_helper.from_array(np.array(np.sqrt(2.0), np.float32), "sqrt2"),
    numpy_helper.from_array(np.array(1.0, np.float32), "one"),
    numpy_helper.from_array(np.array(0.5, np.float32), "half"),
]
nodes = [
    helper.make_node("LayerNormalization", ["x", "ln.weight", "ln.bias"], ["n"], name="ln",
                     axis=-1, epsilon=1e-5),
    helper.make_node("Gemm", ["n", "fc1.weight", "fc1.bias"], ["h"], name="fc1", transB=1),
    helper.make_node("Div", ["h", "sqrt2"], ["hs"], name="gelu/div"),
    helper.make_node("Erf", ["hs"], ["e"], name="gelu/erf"),
    helper.make_node("Add", ["e", "one"], ["e1"], name="gelu/add"),
    helper.make_node("Mul", ["h", "e1"], ["he"], name="gelu/mul"),
    helper.make_node("Mul", ["he", "half"], ["g"], name="gelu/mul_half"),
    helper.make_node("Gemm", ["g", "fc2.weight", "fc2.bias"], ["o"], name="fc2", transB=1),
    helper.make_node("Add", ["o", "x"], ["y"], name="residual"),
]
graph = helper.make_graph(nodes, "mlp_block",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, d])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, d])],
                          inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                          producer_name="kiln examples")
onnx.checker.check_model(model)
onnx.save(model, os.path.join(os.path.dirname(os.path.abspath(__file__)), "mlp_block.onnx"))
