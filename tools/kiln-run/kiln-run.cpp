//===- kiln-run.cpp - run a compiled kiln artifact --------------------------===//
//
//   kiln-run model.kiln --input=NAME=@x.npy|@x.pb|random:SEED --output=@out.npy
//            [--expected-output=@ref.npy] [--benchmark=N] [--threads=N] [--profile=t.json]
//   kiln-run --inspect model.kiln
//
// Runtime side only (no LLVM/MLIR): builds in the runtime-only configuration too. The
// body is lib/runtime/tool. Exit codes: 0 success, 1 run failure or mismatch, 2 bad
// usage or input.
//
//===----------------------------------------------------------------------------===//
#include "lib/runtime/tool/RunTool.h"

#include <iostream>

int main(int argc, char **argv) {
  return kiln::runtime::tool::runToolMain(argc, argv, std::cout, std::cerr);
}
