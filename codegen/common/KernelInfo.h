//===- KernelInfo.h - attributes that describe kernels and the host plan -*- C++ -*-===//
//
// The names of the attributes codegen passes leave for each other and for the artifact
// writer (lib/driver): which functions are kernels, what they compute (labels made of
// ONNX node names), how many work items each splits into, the model signature and the
// memory plan. Keeping them here keeps the passes and the writer in agreement.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_COMMON_KERNELINFO_H
#define KILN_CODEGEN_COMMON_KERNELINFO_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"

#include <string>

namespace kiln {

/// Unit attribute on a function (func.func, later llvm.func) that is a kernel.
inline constexpr llvm::StringLiteral kKernelAttr = "kiln.kernel";
/// String attribute on a kernel: the ONNX nodes it computes, "conv1 (Conv), relu1 (Relu)".
inline constexpr llvm::StringLiteral kLabelAttr = "kiln.label";
/// String attribute on a kernel outlined from a kiln.fusion group: its scheme ("loop",
/// "row_reduction", "contraction", "attention").
inline constexpr llvm::StringLiteral kSchemeAttr = "kiln.scheme";
/// Unit attribute on a kernel lowered by kiln-cpu-lower-attention, and on its matmuls.
inline constexpr llvm::StringLiteral kAttentionAttr = "kiln.attention";
/// i64 array on the im2col generic of an f32 convolution (ContractionToLinalg.cpp):
/// [C, H, W, KH, KW, stride h, stride w, dilation h, dilation w, pad top, pad left, OH,
/// OW]. kiln-cpu-pack-contractions reads it to write the columns as vector row segments.
inline constexpr llvm::StringLiteral kIm2colAttr = "kiln.im2col";
/// i64 attribute on a kernel: its work items (>= 1); see docs/artifact.md.
inline constexpr llvm::StringLiteral kWorkItemsAttr = "kiln.work_items";
/// Module attribute: {inputs = [{name, type}], outputs = [...], entry = "main"}, with
/// the kiln types of the model (before lowering).
inline constexpr llvm::StringLiteral kSignatureAttr = "kiln.signature";
/// Module attribute: the memory plan and the kernel sequence (PlanMemory.cpp).
inline constexpr llvm::StringLiteral kPlanAttr = "kiln.plan";

/// Bytes of a static memref (1 byte per i1; element bytes rounded up to whole bytes).
int64_t getBufferBytes(mlir::MemRefType type);

/// "node (OpType), node2 (OpType2)" from the NameLocs in `loc` (importer locations are
/// NameLoc(node, NameLoc(opType))); "" if it holds none.
std::string getKernelLabel(mlir::Location loc);

/// The model's entry function: @main, or the only public non-kernel function with a
/// body; null if there is none or it is ambiguous.
mlir::func::FuncOp getEntryFunction(mlir::ModuleOp module);

} // namespace kiln

#endif // KILN_CODEGEN_COMMON_KERNELINFO_H
