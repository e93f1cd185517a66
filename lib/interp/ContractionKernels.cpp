//===- ContractionKernels.cpp - reference evaluators -------------------------------===//
#include "lib/interp/Kernels.h"

using namespace mlir;

namespace kiln::interp {

FamilyResult evalContraction(Operation *op, ArrayRef<Tensor> operands,
                      SmallVectorImpl<Tensor> &results) {
  return std::nullopt;
}

} // namespace kiln::interp
