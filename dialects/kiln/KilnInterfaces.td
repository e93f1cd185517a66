//===- KilnInterfaces.td - fusion classification interface ----------------===//
//
// `FusionOpInterface` tells the fusion pass what kind of kernel an op can live in and,
// where it can be written down, how the op walks its data: an iteration space with one
// affine map per operand and per result (linalg-style) and an iterator kind per loop.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_INTERFACES_TD
#define KILN_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Kiln_FusionOpInterface : OpInterface<"FusionOpInterface"> {
  let cppNamespace = "::kiln";
  let description = [{
    Classifies an op for fusion. Ops outside the kiln dialect, and kiln ops that do not
    implement this interface, are opaque: fusion never crosses them.

    `getIterationSpace` returns, when expressible with affine maps, the loops of the op
    and for every operand then every result the map from loop indices to element
    indices. Broadcast dims map to the constant 0. It fails for ops whose access is data
    dependent (gather), piecewise (concat, pad, split) or not static (dynamic reshapes).
    Row ops (softmax, log_softmax, layer_norm) differ from linalg: their results keep the
    input's full shape, so result maps are identities while the row dims are still marked
    `reduction` (every output element depends on its whole row).
  }];
  let methods = [
    InterfaceMethod<"The op's fusion class.", "::kiln::FusionClass", "getFusionClass",
      (ins), "", [{ return ConcreteOp::kFusionClass; }]>,
    InterfaceMethod<"Loops and access maps, when affine maps can express them.",
      "::mlir::FailureOr<::kiln::IterationSpace>", "getIterationSpace",
      (ins), "", [{
        return ::kiln::detail::getDefaultIterationSpace($_op.getOperation(),
                                                        ConcreteOp::kFusionClass);
      }]>,
  ];
}

// Declares the fusion class of an op as a static member read by the interface.
class Kiln_FusionClass<string cls>
    : ParamNativeOpTrait<"FusionClassTrait", "::kiln::FusionClass::" # cls> {
  let cppNamespace = "::kiln";
}

#endif // KILN_INTERFACES_TD
