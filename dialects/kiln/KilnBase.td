//===- KilnBase.td - kiln dialect definition and type constraints ---------===//
//
// The `kiln` graph dialect: tensor value semantics, ranked tensors of the element types
// models use (f64, f32, f16, bf16, signed and unsigned 8 to 64-bit integers, i1 and
// `!quant.uniform`). Static shapes are
// the main path; `?` dims are accepted by the types and by the verifiers.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_BASE_TD
#define KILN_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Kiln_Dialect : Dialect {
  let name = "kiln";
  let cppNamespace = "::kiln";
  let summary = "kiln graph dialect for operator fusion";
  let description = [{
    Graph-level operations of deep-learning models with tensor value semantics. Every op
    declares its fusion class (elementwise, broadcast, reduction, contraction, data
    movement) through `FusionOpInterface`; verifiers speak model terms.
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect"];
  let hasConstantMaterializer = 1;
}

//===----------------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------------===//

def Kiln_QuantizedType : Type<
    CPred<"::llvm::isa<::mlir::quant::UniformQuantizedType, "
          "::mlir::quant::UniformQuantizedPerAxisType>($_self)">,
    "!quant.uniform", "::mlir::quant::QuantizedType">;

// Floats and integers as ONNX has them: signless iN is a signed integer, uiN unsigned.
def Kiln_Float : AnyTypeOf<[F32, F16, BF16, F64]>;
def Kiln_Integer : AnyTypeOf<[I8, I16, I32, I64, UI8, UI16, UI32, UI64]>;
def Kiln_Element : AnyTypeOf<[Kiln_Float, Kiln_Integer, I1, Kiln_QuantizedType]>;

def Kiln_Tensor : RankedTensorOf<[Kiln_Element]>;
def Kiln_FloatTensor : RankedTensorOf<[Kiln_Float]>;
// Arithmetic element types: floats and integers (no i1, no quantized).
def Kiln_NumericTensor : RankedTensorOf<[Kiln_Float, Kiln_Integer]>;
// Element types on which neg/abs/relu/clip make sense: floats and signed integers.
def Kiln_SignedTensor : RankedTensorOf<[Kiln_Float, I8, I16, I32, I64]>;
def Kiln_BoolTensor : RankedTensorOf<[I1]>;
def Kiln_NumericOrBoolTensor : RankedTensorOf<[Kiln_Float, Kiln_Integer, I1]>;
def Kiln_IndexTensor : RankedTensorOf<[I32, I64]>;
def Kiln_QuantizedTensor : RankedTensorOf<[Kiln_QuantizedType]>;
// Element types a contraction accepts: floats, 8-bit integers and quantized 8-bit.
def Kiln_ContractionInputTensor : RankedTensorOf<[Kiln_Float, I8, UI8, Kiln_QuantizedType]>;
def Kiln_ContractionResultTensor : RankedTensorOf<[Kiln_Float, I32]>;

#endif // KILN_BASE_TD
