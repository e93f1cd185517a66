//===- KilnOps.td - kiln graph operations ----------------------------------===//
//
// Every op is Pure, works on ranked tensors, declares its fusion class and (except where
// the result type is itself the op's specification: reshape, broadcast_to, cast,
// quantize, dequantize) infers its result types. Verifiers speak model terms.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_OPS_TD
#define KILN_OPS_TD

include "dialects/kiln/KilnBase.td"
include "dialects/kiln/KilnAttrs.td"
include "dialects/kiln/KilnInterfaces.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------------===//
// Base classes
//===----------------------------------------------------------------------------===//

// Inferred result types may refine `?` dims: compatible, not equal (KilnShapes.cpp).
defvar kilnIsCompatibleDef = [{
    bool $cppClass::isCompatibleReturnTypes(::mlir::TypeRange l, ::mlir::TypeRange r) {
      return ::kiln::areCompatibleTensorTypes(l, r);
    }
}];

// `cls`: fusion class (Elementwise, Broadcast, Reduction, Contraction, DataMovement).
// `infer`: 1 = result types come from InferTypeOpInterface with the shape rules in
//   KilnShapes.cpp; 2 = ODS derives them itself (SameOperandsAndResultType); 0 = the
//   result type is the op's specification.
// `customSpace`: the op defines getIterationSpace itself (KilnFusionInfo.cpp).
class Kiln_Op<string mnemonic, string cls, list<Trait> traits = [], int infer = 1,
              bit customSpace = 0>
    : Op<Kiln_Dialect, mnemonic,
         traits # [Pure, Kiln_FusionClass<cls>,
                   !if(customSpace,
                       DeclareOpInterfaceMethods<Kiln_FusionOpInterface,
                                                 ["getIterationSpace"]>,
                       Kiln_FusionOpInterface)]
                # !cond(!eq(infer, 1): [InferTypeOpAdaptorWithIsCompatible],
                        !eq(infer, 2): [InferTypeOpInterface],
                        true: [])> {
  let extraClassDefinition = !if(!eq(infer, 1), kilnIsCompatibleDef, "");
}

// Elementwise unary op whose result has the operand's type.
class Kiln_UnaryOp<string mnemonic, Type type, list<Trait> traits = []>
    : Kiln_Op<mnemonic, "Elementwise", traits # [SameOperandsAndResultType], 2> {
  let arguments = (ins type:$input);
  let results = (outs type:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasFolder = 1;
}

// Elementwise binary op with numpy broadcasting; both operands share an element type.
class Kiln_BinaryOp<string mnemonic, Type type, list<Trait> traits = []>
    : Kiln_Op<mnemonic, "Elementwise", traits> {
  let arguments = (ins type:$lhs, type:$rhs);
  let results = (outs type:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let extraClassDefinition = kilnIsCompatibleDef # [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(::mlir::MLIRContext *,
        std::optional<::mlir::Location> loc, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      return ::kiln::inferBroadcastResultType(
          loc, getOperationName(), {adaptor.getLhs(), adaptor.getRhs()},
          /*elementType=*/nullptr, types);
    }
  }];
}

//===----------------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------------===//

def Kiln_MatmulOp : Kiln_Op<"matmul", "Contraction", [], 1, 1> {
  let summary = "batched matrix multiplication with broadcasting batch dims";
  let description = [{
    `lhs` is `[batch..., M, K]` (`[batch..., K, M]` with `transpose_a`), `rhs` is
    `[batch..., K, N]` (`[batch..., N, K]` with `transpose_b`). Batch dims broadcast the
    numpy way. Float inputs give a result of the same type; i8 or quantized-i8 inputs
    accumulate into i32. A quantized operand contributes `storage - zero_point` (the
    zero point of its channel when per-axis), so the result is
    `sum_k (qa - za) * (qb - zb)` in i32, as ONNX MatMulInteger; scales are not applied.

    ```mlir
    %y = kiln.matmul %x, %w transpose_b : (tensor<8x64xf32>, tensor<32x64xf32>) -> tensor<8x32xf32>
    ```
  }];
  let arguments = (ins Kiln_ContractionInputTensor:$lhs, Kiln_ContractionInputTensor:$rhs,
                       UnitAttr:$transpose_a, UnitAttr:$transpose_b);
  let results = (outs Kiln_ContractionResultTensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs (`transpose_a` $transpose_a^)? (`transpose_b` $transpose_b^)? attr-dict
    `:` functional-type(operands, results)
  }];
}

def Kiln_Conv2dOp : Kiln_Op<"conv2d", "Contraction", [], 1, 1> {
  let summary = "2-D convolution, NCHW input, OIHW weight, optional bias";
  let description = [{
    `pads` is `[top, left, bottom, right]` (ONNX order). With `groups = g` the input has
    `g * weight.dim(1)` channels and the weight's O must be a multiple of `g`. Quantized
    input and weight contribute `storage - zero_point` (per-axis: per channel), so the
    i32 result is `sum (qx - zx) * (qw - zw) + bias` as ONNX ConvInteger, and padding
    contributes 0 (as if padded with the input's zero point).

    ```mlir
    %y = kiln.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>}
        : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = (ins Kiln_ContractionInputTensor:$input, Kiln_ContractionInputTensor:$weight,
                       Optional<Kiln_ContractionResultTensor>:$bias,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
                       DefaultValuedAttr<I64Attr, "1">:$groups);
  let results = (outs Kiln_ContractionResultTensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------------===//
// Elementwise unary
//===----------------------------------------------------------------------------===//

def Kiln_NegOp : Kiln_UnaryOp<"neg", Kiln_SignedTensor> { let summary = "-x"; }
def Kiln_AbsOp : Kiln_UnaryOp<"abs", Kiln_SignedTensor> { let summary = "|x|"; }
def Kiln_ExpOp : Kiln_UnaryOp<"exp", Kiln_FloatTensor> { let summary = "e^x"; }
def Kiln_LogOp : Kiln_UnaryOp<"log", Kiln_FloatTensor> { let summary = "natural log"; }
def Kiln_SqrtOp : Kiln_UnaryOp<"sqrt", Kiln_FloatTensor> { let summary = "square root"; }
def Kiln_RsqrtOp : Kiln_UnaryOp<"rsqrt", Kiln_FloatTensor> { let summary = "1 / sqrt(x)"; }
def Kiln_ReciprocalOp : Kiln_UnaryOp<"reciprocal", Kiln_FloatTensor> {
  let summary = "1 / x";
}
def Kiln_TanhOp : Kiln_UnaryOp<"tanh", Kiln_FloatTensor> { let summary = "tanh(x)"; }
def Kiln_SigmoidOp : Kiln_UnaryOp<"sigmoid", Kiln_FloatTensor> {
  let summary = "1 / (1 + e^-x)";
}
def Kiln_ReluOp : Kiln_UnaryOp<"relu", Kiln_SignedTensor> { let summary = "max(x, 0)"; }
def Kiln_ErfOp : Kiln_UnaryOp<"erf", Kiln_FloatTensor> { let summary = "error function"; }
def Kiln_FloorOp : Kiln_UnaryOp<"floor", Kiln_FloatTensor> { let summary = "floor(x)"; }
def Kiln_CeilOp : Kiln_UnaryOp<"ceil", Kiln_FloatTensor> { let summary = "ceil(x)"; }
def Kiln_RoundOp : Kiln_UnaryOp<"round", Kiln_FloatTensor> {
  let summary = "round half to even (ONNX Round)";
}
def Kiln_SinOp : Kiln_UnaryOp<"sin", Kiln_FloatTensor> { let summary = "sin(x)"; }
def Kiln_CosOp : Kiln_UnaryOp<"cos", Kiln_FloatTensor> { let summary = "cos(x)"; }
def Kiln_NotOp : Kiln_UnaryOp<"not", Kiln_BoolTensor> { let summary = "logical not"; }

def Kiln_GeluOp : Kiln_UnaryOp<"gelu", Kiln_FloatTensor> {
  let summary = "GELU, exact (erf) or tanh approximation";
  let description = [{
    `none`: `0.5 x (1 + erf(x / sqrt 2))`; `tanh`:
    `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`.

    ```mlir
    %y = kiln.gelu %x approximate = tanh : tensor<4xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input,
                       DefaultValuedAttr<Kiln_GeluApproximation,
                                         "::kiln::GeluApproximation::none">:$approximate);
  let assemblyFormat = "$input (`approximate` `=` $approximate^)? attr-dict `:` type($output)";
}

def Kiln_ClipOp : Kiln_UnaryOp<"clip", Kiln_SignedTensor> {
  let summary = "clamp to [min, max]; a missing bound is unbounded";
  let description = [{
    ```mlir
    %y = kiln.clip %x {min = 0.0 : f64, max = 6.0 : f64} : tensor<4xf32>
    ```
  }];
  let arguments = (ins Kiln_SignedTensor:$input, OptionalAttr<F64Attr>:$min,
                       OptionalAttr<F64Attr>:$max);
  let hasVerifier = 1;
}

def Kiln_CastOp : Kiln_Op<"cast", "Elementwise", [SameOperandsAndResultShape], 0> {
  let summary = "element type conversion (ONNX Cast; float to integer saturates)";
  let description = [{
    Float to float rounds to nearest even; integer to float converts to the nearest
    value (ties to even). Float to integer truncates toward zero and saturates to the
    integer type's range (values below its minimum give the minimum, above its maximum
    the maximum, NaN gives 0). Integer to integer wraps (two's complement, as C and
    numpy). Any type to i1 is `x != 0`; i1 to any type is 0 or 1. Quantized types go
    through quantize / dequantize instead.

    ```mlir
    %y = kiln.cast %x : tensor<4xf32> to tensor<4xf16>
    ```
  }];
  let arguments = (ins Kiln_NumericOrBoolTensor:$input);
  let results = (outs Kiln_NumericOrBoolTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($output)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------------===//
// Elementwise binary and ternary (numpy broadcasting)
//===----------------------------------------------------------------------------===//

def Kiln_AddOp : Kiln_BinaryOp<"add", Kiln_NumericTensor, [Commutative]> {
  let summary = "lhs + rhs";
}
def Kiln_SubOp : Kiln_BinaryOp<"sub", Kiln_NumericTensor> { let summary = "lhs - rhs"; }
def Kiln_MulOp : Kiln_BinaryOp<"mul", Kiln_NumericTensor, [Commutative]> {
  let summary = "lhs * rhs";
}
def Kiln_DivOp : Kiln_BinaryOp<"div", Kiln_NumericTensor> {
  let summary = "lhs / rhs (integers truncate toward zero)";
}
def Kiln_PowOp : Kiln_BinaryOp<"pow", Kiln_NumericTensor> { let summary = "lhs ^ rhs"; }
def Kiln_MaxOp : Kiln_BinaryOp<"max", Kiln_NumericTensor, [Commutative]> {
  let summary = "elementwise maximum (NaN propagates)";
}
def Kiln_MinOp : Kiln_BinaryOp<"min", Kiln_NumericTensor, [Commutative]> {
  let summary = "elementwise minimum (NaN propagates)";
}
def Kiln_AndOp : Kiln_BinaryOp<"and", Kiln_BoolTensor, [Commutative]> {
  let summary = "logical and";
}
def Kiln_OrOp : Kiln_BinaryOp<"or", Kiln_BoolTensor, [Commutative]> {
  let summary = "logical or";
}

def Kiln_CmpOp : Kiln_Op<"cmp", "Elementwise"> {
  let summary = "elementwise comparison producing i1";
  let description = [{
    ```mlir
    %m = kiln.cmp lt, %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
    ```
  }];
  let arguments = (ins Kiln_CmpPredicate:$predicate, Kiln_NumericOrBoolTensor:$lhs,
                       Kiln_NumericOrBoolTensor:$rhs);
  let results = (outs Kiln_BoolTensor:$output);
  let assemblyFormat = [{
    $predicate `,` $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def Kiln_SelectOp : Kiln_Op<"select", "Elementwise"> {
  let summary = "condition ? on_true : on_false, all three broadcast";
  let description = [{
    ```mlir
    %y = kiln.select %c, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins Kiln_BoolTensor:$condition, Kiln_Tensor:$on_true,
                       Kiln_Tensor:$on_false);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = [{
    $condition `,` $on_true `,` $on_false attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

//===----------------------------------------------------------------------------===//
// Reductions and normalizations
//===----------------------------------------------------------------------------===//

def Kiln_ReduceOp : Kiln_Op<"reduce", "Reduction", [], 1, 1> {
  let summary = "sum / mean / max / min / prod over sorted, unique axes";
  let description = [{
    ```mlir
    %s = kiln.reduce sum %x axes = [1] keep_dims : (tensor<2x3xf32>) -> tensor<2x1xf32>
    ```
  }];
  let arguments = (ins Kiln_ReduceKind:$kind, Kiln_NumericTensor:$input,
                       DenseI64ArrayAttr:$axes, UnitAttr:$keep_dims);
  let results = (outs Kiln_NumericTensor:$output);
  let assemblyFormat = [{
    $kind $input `axes` `=` $axes (`keep_dims` $keep_dims^)? attr-dict
    `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def Kiln_ArgmaxOp : Kiln_Op<"argmax", "Reduction", [], 1, 1> {
  let summary = "index (i64) of the maximum along one axis";
  let description = [{
    Ties resolve to the first index, or the last with `select_last_index`.

    ```mlir
    %i = kiln.argmax %x axis = 1 : (tensor<2x3xf32>) -> tensor<2xi64>
    ```
  }];
  let arguments = (ins Kiln_NumericTensor:$input, I64Attr:$axis, UnitAttr:$keep_dims,
                       UnitAttr:$select_last_index);
  let results = (outs RankedTensorOf<[I64]>:$output);
  let assemblyFormat = [{
    $input `axis` `=` $axis (`keep_dims` $keep_dims^)?
    (`select_last_index` $select_last_index^)? attr-dict `:` functional-type(operands, results)
  }];
}

class Kiln_SoftmaxBase<string mnemonic> : Kiln_Op<mnemonic, "Reduction",
                                                  [SameOperandsAndResultType], 2, 1> {
  let arguments = (ins Kiln_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = "$input `axis` `=` $axis attr-dict `:` type($output)";
  let hasVerifier = 1;
}
def Kiln_SoftmaxOp : Kiln_SoftmaxBase<"softmax"> {
  let summary = "softmax along one axis";
  let description = [{
    ```mlir
    %p = kiln.softmax %x axis = 1 : tensor<2x8xf32>
    ```
  }];
}
def Kiln_LogSoftmaxOp : Kiln_SoftmaxBase<"log_softmax"> {
  let summary = "log(softmax(x)) along one axis, computed stably";
}

def Kiln_LayerNormOp : Kiln_Op<"layer_norm", "Reduction",
                               [AttrSizedOperandSegments], 1, 1> {
  let summary = "layer normalization over the dims [axis, rank)";
  let description = [{
    `scale` and `bias`, when present, have the normalized shape `input.shape[axis:]`.

    ```mlir
    %y = kiln.layer_norm %x scale %g bias %b axis = 1 epsilon = 1.0e-05
        : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Optional<Kiln_FloatTensor>:$scale,
                       Optional<Kiln_FloatTensor>:$bias, I64Attr:$axis, F64Attr:$epsilon);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = [{
    $input (`scale` $scale^)? (`bias` $bias^)? `axis` `=` $axis `epsilon` `=` $epsilon
    attr-dict `:` functional-type(operands, results)
  }];
}

def Kiln_BatchNormOp : Kiln_Op<"batch_norm", "Elementwise", [], 1, 1> {
  let summary = "inference batch normalization over channel dim 1";
  let description = [{
    `y = scale * (x - mean) / sqrt(variance + epsilon) + bias`, each parameter a 1-D
    tensor with one value per channel.

    ```mlir
    %y = kiln.batch_norm %x, %s, %b, %m, %v epsilon = 1.0e-05
        : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
        -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$scale,
                       Kiln_FloatTensor:$bias, Kiln_FloatTensor:$mean,
                       Kiln_FloatTensor:$variance, F64Attr:$epsilon);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance `epsilon` `=` $epsilon attr-dict
    `:` functional-type(operands, results)
  }];
}

def Kiln_Pool2dOp : Kiln_Op<"pool2d", "Reduction", [], 1, 1> {
  let summary = "2-D max or average pooling over NCHW";
  let description = [{
    `pads` is `[top, left, bottom, right]`. Average pooling divides by the window size
    including padding with `count_include_pad`, otherwise by the valid elements.
    `ceil_mode` rounds the output size up (ONNX).

    ```mlir
    %y = kiln.pool2d max %x kernel = [3, 3] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>}
        : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
    ```
  }];
  let arguments = (ins Kiln_PoolKind:$kind, Kiln_NumericTensor:$input,
                       DenseI64ArrayAttr:$kernel,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
                       UnitAttr:$count_include_pad, UnitAttr:$ceil_mode);
  let results = (outs Kiln_NumericTensor:$output);
  let assemblyFormat = [{
    $kind $input `kernel` `=` $kernel attr-dict `:` functional-type(operands, results)
  }];
}

def Kiln_Pool2dArgmaxOp : Kiln_Op<"pool2d_argmax", "Reduction", [], 1, 1> {
  let summary = "positions of the maxima of 2-D max pooling (ONNX MaxPool's Indices)";
  let description = [{
    For each output of `kiln.pool2d max` with the same window attributes, the position of
    the first maximum in the window (scan order: row, then column; padding skipped) as an
    index into the flattened input: `((n * C + c) * H + h) * W + w`, or with
    `column_major` (ONNX storage_order = 1) `(n * C + c) * H * W + h + w * H`.

    ```mlir
    %i = kiln.pool2d_argmax %x kernel = [2, 2] {strides = array<i64: 2, 2>}
        : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xi64>
    ```
  }];
  let arguments = (ins Kiln_NumericTensor:$input, DenseI64ArrayAttr:$kernel,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
                       UnitAttr:$ceil_mode, UnitAttr:$column_major);
  let results = (outs TensorOf<[I64]>:$output);
  let assemblyFormat = [{
    $input `kernel` `=` $kernel attr-dict `:` functional-type(operands, results)
  }];
}

def Kiln_GlobalPoolOp : Kiln_Op<"global_pool", "Reduction", [], 1, 1> {
  let summary = "max or average over all spatial dims (N, C, ...) -> (N, C, 1, ...)";
  let description = [{
    ```mlir
    %y = kiln.global_pool avg %x : (tensor<1x4x7x7xf32>) -> tensor<1x4x1x1xf32>
    ```
  }];
  let arguments = (ins Kiln_PoolKind:$kind, Kiln_NumericTensor:$input);
  let results = (outs Kiln_NumericTensor:$output);
  let assemblyFormat = "$kind $input attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------------===//

def Kiln_ReshapeOp : Kiln_Op<"reshape", "DataMovement", [], 0, 1> {
  let summary = "row-major reshape to the result type's shape";
  let description = [{
    ```mlir
    %y = kiln.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Kiln_TransposeOp : Kiln_Op<"transpose", "DataMovement", [], 1, 1> {
  let summary = "permute dims: output dim i is input dim permutation[i]";
  let description = [{
    ```mlir
    %y = kiln.transpose %x permutation = [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = [{
    $input `permutation` `=` $permutation attr-dict `:` type($input) `->` type($output)
  }];
  let hasFolder = 1;
}

def Kiln_BroadcastToOp : Kiln_Op<"broadcast_to", "Broadcast", [], 0, 1> {
  let summary = "numpy broadcast to the result type's shape";
  let description = [{
    ```mlir
    %y = kiln.broadcast_to %x : tensor<3xf32> -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Kiln_ConcatOp : Kiln_Op<"concat", "DataMovement"> {
  let summary = "concatenate along one axis";
  let description = [{
    ```mlir
    %y = kiln.concat %a, %b axis = 0 : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<3x3xf32>
    ```
  }];
  let arguments = (ins Variadic<Kiln_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = [{
    $inputs `axis` `=` $axis attr-dict `:` functional-type($inputs, results)
  }];
  let hasFolder = 1;
}

def Kiln_SliceOp : Kiln_Op<"slice", "DataMovement", [], 1, 1> {
  let summary = "strided slice, one start / end / step per dim";
  let description = [{
    Normalized ONNX Slice: for a positive step `0 <= start <= end <= dim`; for a
    negative step `-1 <= end <= start < dim`. The result dim is
    `ceil((end - start) / step)`.

    ```mlir
    %y = kiln.slice %x starts = [0, 1] ends = [2, 3] steps = [1, 1]
        : tensor<2x4xf32> -> tensor<2x2xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$ends, DenseI64ArrayAttr:$steps);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = [{
    $input `starts` `=` $starts `ends` `=` $ends `steps` `=` $steps attr-dict
    `:` type($input) `->` type($output)
  }];
  let hasFolder = 1;
}

def Kiln_GatherOp : Kiln_Op<"gather", "DataMovement"> {
  let summary = "ONNX Gather: take slices of `data` along `axis` at `indices`";
  let description = [{
    Result shape is `data.shape[:axis] + indices.shape + data.shape[axis+1:]`. Negative
    indices count from the end, as in ONNX.

    ```mlir
    %y = kiln.gather %table, %ids axis = 0 : (tensor<100x16xf32>, tensor<2x5xi64>) -> tensor<2x5x16xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$data, Kiln_IndexTensor:$indices, I64Attr:$axis);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = [{
    $data `,` $indices `axis` `=` $axis attr-dict `:` functional-type(operands, results)
  }];
}

def Kiln_PadOp : Kiln_Op<"pad", "DataMovement"> {
  let summary = "pad with a constant, by reflection or by repeating the edge";
  let description = [{
    `pads` is `[begin_0, ..., begin_n-1, end_0, ..., end_n-1]` (ONNX order), all >= 0.

    ```mlir
    %y = kiln.pad %x pads = [0, 1, 0, 1] {value = 0.0 : f64} : tensor<2x3xf32> -> tensor<2x5xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<Kiln_PadMode, "::kiln::PadMode::constant">:$mode,
                       DefaultValuedAttr<F64Attr, "0.0">:$value);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = [{
    $input `pads` `=` $pads (`mode` `=` $mode^)? attr-dict `:` type($input) `->` type($output)
  }];
  let hasFolder = 1;
}

def Kiln_SplitOp : Kiln_Op<"split", "DataMovement"> {
  let summary = "split along one axis into pieces of the given sizes";
  let description = [{
    ```mlir
    %a, %b = kiln.split %x axis = 1 sizes = [2, 6] : tensor<4x8xf32> -> tensor<4x2xf32>, tensor<4x6xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, I64Attr:$axis, DenseI64ArrayAttr:$sizes);
  let results = (outs Variadic<Kiln_Tensor>:$outputs);
  let assemblyFormat = [{
    $input `axis` `=` $axis `sizes` `=` $sizes attr-dict `:` type($input) `->` type($outputs)
  }];
}

//===----------------------------------------------------------------------------===//
// Constants and quantization
//===----------------------------------------------------------------------------===//

def Kiln_ConstantOp : Kiln_Op<"constant", "Elementwise", [ConstantLike], 0> {
  let summary = "a constant tensor, inline (dense) or in a resource blob";
  let description = [{
    Weights live in `dense_resource` blobs so large models print with resources elided
    and parse back quickly. A quantized result type reinterprets integer storage:

    ```mlir
    %w = kiln.constant dense_resource<w0> : tensor<64x64xf32>
    %q = kiln.constant dense<[1, 2]> : tensor<2xi8> as tensor<2x!quant.uniform<i8:f32, 0.5>>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Kiln_Tensor:$output);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let hasFolder = 1;
  let builders = [
    OpBuilder<(ins "::mlir::ElementsAttr":$value), [{
      build($_builder, $_state, ::llvm::cast<::mlir::RankedTensorType>(value.getType()),
            value);
    }]>
  ];
}

def Kiln_QuantizeOp : Kiln_Op<"quantize", "Elementwise", [SameOperandsAndResultShape], 0> {
  let summary = "float to !quant.uniform: round half to even, add zero point, clamp";
  let description = [{
    Scale and zero point (per tensor, or per axis) come from the result type.

    ```mlir
    %q = kiln.quantize %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.1:-3>>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input);
  let results = (outs Kiln_QuantizedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($output)";
  let hasVerifier = 1;
}

def Kiln_DequantizeOp : Kiln_Op<"dequantize", "Elementwise", [SameOperandsAndResultShape], 0> {
  let summary = "!quant.uniform to float: (q - zero_point) * scale";
  let description = [{
    ```mlir
    %x = kiln.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.1:-3>> to tensor<4xf32>
    ```
  }];
  let arguments = (ins Kiln_QuantizedTensor:$input);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($output)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------------===//
// Fusion groups
//===----------------------------------------------------------------------------===//

def Kiln_FusionOp : Op<Kiln_Dialect, "fusion", [
    IsolatedFromAbove, RecursiveMemoryEffects, RecursivelySpeculatable,
    SingleBlockImplicitTerminator<"::kiln::YieldOp">]> {
  let summary = "a group of kiln ops that becomes one kernel";
  let description = [{
    Formed by `--kiln-fuse`. Operands are the group's inputs (the body's block arguments,
    same types), results are what `kiln.yield` returns. `scheme` names the kernel shape
    (DESIGN.md, Fusion) and the verifier checks that the body fits it:

    - `loop`: elementwise, broadcast and data-movement ops only;
    - `row_reduction`: at least one reduction (softmax, norms, reduce), no contraction;
    - `contraction`: exactly one matmul or conv, no reduction;
    - `attention`: two contractions and one softmax.

    ```mlir
    %r = kiln.fusion contraction (%x, %w, %b) : (tensor<8x16xf32>, tensor<16x32xf32>,
                                                 tensor<32xf32>) -> tensor<8x32xf32> {
    ^bb0(%a: tensor<8x16xf32>, %c: tensor<16x32xf32>, %d: tensor<32xf32>):
      %m = kiln.matmul %a, %c : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32>
      %s = kiln.add %m, %d : (tensor<8x32xf32>, tensor<32xf32>) -> tensor<8x32xf32>
      %y = kiln.relu %s : tensor<8x32xf32>
      kiln.yield %y : tensor<8x32xf32>
    }
    ```
  }];
  let arguments = (ins Kiln_FusionScheme:$scheme, Variadic<AnyRankedTensor>:$inputs);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasRegionVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [
    OpBuilder<(ins "::kiln::FusionScheme":$scheme, "::mlir::ValueRange":$inputs,
                   "::mlir::TypeRange":$resultTypes)>
  ];
}

def Kiln_YieldOp : Op<Kiln_Dialect, "yield", [
    Pure, Terminator, HasParent<"::kiln::FusionOp">]> {
  let summary = "the results of a kiln.fusion group";
  let arguments = (ins Variadic<AnyRankedTensor>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
  let builders = [OpBuilder<(ins), [{ /* nothing */ }]>];
}

#endif // KILN_OPS_TD
