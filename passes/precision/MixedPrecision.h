//===- MixedPrecision.h - what kiln-mixed-precision leaves for codegen -*- C++ -*-===//
//
// kiln-mixed-precision converts most f32 products itself; the products of an attention
// group it leaves f32 (under keep-attention) and marks with the precision the attention
// kernel computes them in, which codegen reads from here.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_PASSES_PRECISION_MIXEDPRECISION_H
#define KILN_PASSES_PRECISION_MIXEDPRECISION_H

#include "llvm/ADT/StringRef.h"

namespace kiln {

/// String attribute ("bf16", "fp16") on an f32 kiln.matmul that is a product of an
/// attention: the precision of its operands in the attention kernel (f32 accumulation).
/// The kernel's tensors stay f32; a target computing in f32 (the CPU) ignores it.
inline constexpr llvm::StringLiteral kPrecisionAttr = "kiln.precision";

} // namespace kiln

#endif // KILN_PASSES_PRECISION_MIXEDPRECISION_H
