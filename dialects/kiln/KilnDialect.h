//===- KilnDialect.h - kiln dialect declaration -------------*- C++ -*-===//
//
// The kiln graph dialect. Include KilnOps.h for the ops.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_DIALECTS_KILN_KILNDIALECT_H
#define KILN_DIALECTS_KILN_KILNDIALECT_H

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Dialect.h"

#include "dialects/kiln/KilnDialect.h.inc"

#endif // KILN_DIALECTS_KILN_KILNDIALECT_H
