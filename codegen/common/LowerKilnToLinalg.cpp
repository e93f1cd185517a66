//===- LowerKilnToLinalg.cpp - the --kiln-lower-to-linalg pass ------------===//
//
// A full dialect conversion of every kiln op to linalg / tensor / arith / math on
// tensors, with the types converted by KilnToLinalgTypeConverter (function signatures,
// calls and returns included). Before converting, every kiln op is checked against
// what the patterns support (types, and that some pattern is rooted at the op), so an
// unsupported op gets a diagnostic that names it and says what to do, rather than the
// conversion driver's generic "failed to legalize".
//
//===----------------------------------------------------------------------------===//
#include "codegen/Passes.h"
#include "codegen/common/ElementSemantics.h"
#include "codegen/common/KilnToLinalg.h"

#include "dialects/kiln/KilnDialect.h"
#include "dialects/kiln/KilnOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/DenseSet.h"

#define DEBUG_TYPE "kiln-lower-to-linalg"

namespace kiln {

#define GEN_PASS_DEF_LOWERKILNTOLINALGPASS
#include "codegen/Passes.h.inc"

} // namespace kiln

using namespace mlir;

namespace kiln {

//===----------------------------------------------------------------------------===//
// Type conversion
//===----------------------------------------------------------------------------===//

Type KilnToLinalgTypeConverter::convertElementType(Type t) {
  return codegen::getStorageType(t);
}

KilnToLinalgTypeConverter::KilnToLinalgTypeConverter() {
  addConversion([](Type t) { return t; });
  addConversion([](RankedTensorType t) -> Type {
    Type element = convertElementType(t.getElementType());
    if (element == t.getElementType()) {
      return t;
    }
    return RankedTensorType::get(t.getShape(), element, t.getEncoding());
  });
}

//===----------------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------------===//

void populateKilnToLinalgPatterns(TypeConverter &typeConverter,
                                  RewritePatternSet &patterns, bool convIm2col) {
  populateContractionToLinalgPatterns(typeConverter, patterns, convIm2col);
  populateDataMovementToLinalgPatterns(typeConverter, patterns);
  populateElementwiseToLinalgPatterns(typeConverter, patterns);
  populateNormalizationToLinalgPatterns(typeConverter, patterns);
  populatePoolingToLinalgPatterns(typeConverter, patterns);
  populateReductionToLinalgPatterns(typeConverter, patterns);
}

//===----------------------------------------------------------------------------===//
// Lowerability check
//===----------------------------------------------------------------------------===//

/// Why a kiln op operand / result of type `t` cannot be lowered (completing "operand 0
/// ..."), or an empty string if it can.
static std::string diagnoseType(Type t) {
  auto tensor = dyn_cast<RankedTensorType>(t);
  if (!tensor) {
    return "";
  }
  std::string reason;
  llvm::raw_string_ostream os(reason);
  if (!tensor.hasStaticShape()) {
    os << "has a dynamic shape (" << t
       << "); only static shapes lower to linalg: give the model's inputs static shapes "
          "(--input-shape NAME=DIMS) and run shape inference before codegen";
    return reason;
  }
  if (auto q = dyn_cast<quant::QuantizedType>(tensor.getElementType())) {
    if (!isa<quant::UniformQuantizedType, quant::UniformQuantizedPerAxisType>(q)) {
      os << "has quantized type " << q
         << ", which codegen does not support; use per-tensor or per-axis "
            "!quant.uniform types";
      return reason;
    }
    if (q.getStorageTypeIntegralWidth() > 32) {
      os << "has quantized type " << q
         << " with storage wider than 32 bits, which codegen does not support";
      return reason;
    }
  }
  return "";
}

LogicalResult checkLowerableToLinalg(Operation *op) {
  if (!isa<KilnDialect>(op->getDialect())) {
    return success();
  }
  auto report = [&](StringRef what, unsigned index, const std::string &reason) {
    op->emitError("kiln-lower-to-linalg: cannot lower '")
        << op->getName() << "': " << what << " " << index << " " << reason;
    return failure();
  };
  for (auto [i, t] : llvm::enumerate(op->getOperandTypes())) {
    std::string reason = diagnoseType(t);
    if (!reason.empty()) {
      return report("operand", static_cast<unsigned>(i), reason);
    }
  }
  for (auto [i, t] : llvm::enumerate(op->getResultTypes())) {
    std::string reason = diagnoseType(t);
    if (!reason.empty()) {
      return report("result", static_cast<unsigned>(i), reason);
    }
  }
  if (auto conv = dyn_cast<Conv2dOp>(op)) {
    Type input = conv.getInput().getType().getElementType();
    if (isa<quant::UniformQuantizedPerAxisType>(input)) {
      op->emitError("kiln-lower-to-linalg: cannot lower 'kiln.conv2d': its input is "
                    "quantized per axis (")
          << input
          << "), which codegen does not support; quantize the input per tensor (weights "
             "may be per axis)";
      return failure();
    }
  }
  return success();
}

//===----------------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------------===//

namespace {

struct LowerKilnToLinalgPass
    : public impl::LowerKilnToLinalgPassBase<LowerKilnToLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    KilnToLinalgTypeConverter typeConverter;
    RewritePatternSet patterns(ctx);
    populateKilnToLinalgPatterns(typeConverter, patterns, convIm2col);

    // Diagnose every op no pattern can lower before converting anything: unsupported
    // types, and kiln ops without a pattern (a new op nobody has lowered yet).
    llvm::DenseSet<OperationName> lowered;
    for (const std::unique_ptr<RewritePattern> &pattern : patterns.getNativePatterns()) {
      if (std::optional<OperationName> root = pattern->getRootKind()) {
        lowered.insert(*root);
      }
    }
    bool lowerable = true;
    module.walk([&](Operation *op) {
      if (failed(checkLowerableToLinalg(op))) {
        lowerable = false;
      } else if (isa<KilnDialect>(op->getDialect()) && !lowered.contains(op->getName())) {
        op->emitError("kiln-lower-to-linalg: no lowering to linalg exists for '")
            << op->getName() << "'; add a pattern in codegen/common (KilnToLinalg.h)";
        lowerable = false;
      }
    });
    if (!lowerable) {
      return signalPassFailure();
    }

    ConversionTarget target(*ctx);
    target.addIllegalDialect<KilnDialect>();
    target.markUnknownOpDynamicallyLegal([&](Operation *op) {
      if (auto func = dyn_cast<func::FuncOp>(op)) {
        return typeConverter.isSignatureLegal(func.getFunctionType()) &&
               typeConverter.isLegal(&func.getBody());
      }
      return typeConverter.isLegal(op);
    });
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns, typeConverter);
    populateCallOpTypeConversionPattern(patterns, typeConverter);
    populateReturnOpTypeConversionPattern(patterns, typeConverter);
    if (failed(applyFullConversion(module, target, std::move(patterns)))) {
      return signalPassFailure();
    }
  }
};

} // namespace
} // namespace kiln
