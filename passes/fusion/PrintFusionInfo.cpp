//===- PrintFusionInfo.cpp - report FusionOpInterface answers as remarks ---===//
//
// One remark per op: fusion class, then (when expressible) iterator kinds and the access
// map of every operand and result. Tests of the interface read these remarks.
//
//===----------------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"

#include "llvm/Support/raw_ostream.h"

#define DEBUG_TYPE "kiln-print-fusion-info"

namespace kiln {
#define GEN_PASS_DEF_PRINTFUSIONINFOPASS
#include "passes/Passes.h.inc"

namespace {
struct PrintFusionInfoPass : impl::PrintFusionInfoPassBase<PrintFusionInfoPass> {
  void runOnOperation() override {
    getOperation()->walk([](mlir::Operation *op) {
      if (op->getNumRegions() > 0) {
        return; // modules and functions are containers, not graph nodes
      }
      std::string text;
      llvm::raw_string_ostream os(text);
      os << stringifyFusionClass(getFusionClass(op));
      auto iface = llvm::dyn_cast<FusionOpInterface>(op);
      mlir::FailureOr<IterationSpace> space =
          iface ? iface.getIterationSpace() : mlir::FailureOr<IterationSpace>();
      if (mlir::failed(space)) {
        os << "; no affine iteration space";
      } else {
        os << "; iterators [";
        llvm::interleaveComma(space->iteratorTypes, os, [&](mlir::utils::IteratorType t) {
          os << mlir::utils::stringifyIteratorType(t);
        });
        os << "]; maps [";
        llvm::interleaveComma(space->indexingMaps, os);
        os << "]";
      }
      op->emitRemark() << text;
    });
  }
};
} // namespace
} // namespace kiln
