//===- Passes.h - kiln graph passes -------------------------*- C++ -*-===//
//
// Declarations and registration (`registerKilnPasses()`) of every kiln graph pass,
// generated from Passes.td.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_PASSES_PASSES_H
#define KILN_PASSES_PASSES_H

#include "mlir/Pass/Pass.h"

namespace kiln {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

} // namespace kiln

#endif // KILN_PASSES_PASSES_H
