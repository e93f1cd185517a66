"""Small valid ONNX models for the importer's lit tests: make_models.py NAME OUT_DIR."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def shape_chain():
    # Conv, then the Shape -> Gather -> Unsqueeze -> Concat -> Reshape chain PyTorch
    # emits for x.view(x.size(0), -1); everything but Conv and Reshape must fold away.
    rng = np.random.RandomState(0)
    w = numpy_helper.from_array(rng.randn(4, 3, 3, 3).astype(np.float32), "conv.weight")
    b = numpy_helper.from_array(rng.randn(4).astype(np.float32), "conv.bias")
    zero = numpy_helper.from_array(np.array(0, dtype=np.int64), "zero")
    minus1 = numpy_helper.from_array(np.array([-1], dtype=np.int64), "minus1")
    axes0 = numpy_helper.from_array(np.array([0], dtype=np.int64), "axes0")
    nodes = [
        helper.make_node("Conv", ["x", "conv.weight", "conv.bias"], ["c"], name="conv1",
                         pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"], name="relu1"),
        helper.make_node("Shape", ["r"], ["s"], name="shape1"),
        helper.make_node("Gather", ["s", "zero"], ["n"], name="gather1", axis=0),
        helper.make_node("Unsqueeze", ["n", "axes0"], ["n1"], name="unsqueeze1"),
        helper.make_node("Concat", ["n1", "minus1"], ["target"], name="concat1", axis=0),
        helper.make_node("Reshape", ["r", "target"], ["y"], name="flatten1"),
    ]
    graph = helper.make_graph(
        nodes, "shape_chain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [w, b, zero, minus1, axes0])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def old_opset():
    # Opset 11 (Unsqueeze with an axes attribute, Softmax coercing to 2-D): upgraded to 17.
    nodes = [
        helper.make_node("Unsqueeze", ["x"], ["u"], name="unsq", axes=[0]),
        helper.make_node("Softmax", ["u"], ["y"], name="softmax", axis=2),
    ]
    graph = helper.make_graph(
        nodes, "old_opset",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 3])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)])


MODELS = {"shape_chain": shape_chain, "old_opset": old_opset}

if __name__ == "__main__":
    name, out = sys.argv[1], sys.argv[2]
    onnx.save(MODELS[name](), "%s/%s.onnx" % (out, name))
