//===- KilnBase.td - kiln dialect definition and type constraints ---------===//
//
// The `kiln` graph dialect: tensor value semantics, ranked tensors of the element types
// models use (f32, f16, bf16, i8, i32, i64, i1 and `!quant.uniform`). Static shapes are
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

def Kiln_Float : AnyTypeOf<[F32, F16, BF16]>;
def Kiln_Element : AnyTypeOf<[F32, F16, BF16, I8, I32, I64, I1, Kiln_QuantizedType]>;

def Kiln_Tensor : RankedTensorOf<[Kiln_Element]>;
def Kiln_FloatTensor : RankedTensorOf<[Kiln_Float]>;
// Arithmetic element types: floats and signless integers (no i1, no quantized).
def Kiln_NumericTensor : RankedTensorOf<[F32, F16, BF16, I8, I32, I64]>;
// Element types on which neg/abs/relu/clip make sense: floats and signed integers.
def Kiln_SignedTensor : RankedTensorOf<[F32, F16, BF16, I8, I32, I64]>;
def Kiln_BoolTensor : RankedTensorOf<[I1]>;
def Kiln_NumericOrBoolTensor : RankedTensorOf<[F32, F16, BF16, I8, I32, I64, I1]>;
def Kiln_IndexTensor : RankedTensorOf<[I32, I64]>;
def Kiln_QuantizedTensor : RankedTensorOf<[Kiln_QuantizedType]>;
// Element types a contraction accepts: floats, i8 and quantized i8.
def Kiln_ContractionInputTensor : RankedTensorOf<[F32, F16, BF16, I8, Kiln_QuantizedType]>;
def Kiln_ContractionResultTensor : RankedTensorOf<[F32, F16, BF16, I32]>;

#endif // KILN_BASE_TD
