//===- MakeTestArtifact.cpp - kiln-make-test-artifact (tests only) --------------===//
//
//   kiln-make-test-artifact [--model=chain|chunks|alignment|cuda|cuda-tma] [--cuda-arch=sm_XY]
//                           [--require-feature=NAME]... [--missing-symbol]
//                           [--format-major=N] -o OUT.kiln
//
// Writes one of the artifacts of TestArtifacts.h so lit tests can drive kiln-run on a
// real artifact before the compiler produces any. Built only with the tests.
//
//===----------------------------------------------------------------------------===//
#include "test/unit/runtime/TestArtifacts.h"

#include <cstdlib>
#include <iostream>
#include <string>

using namespace kiln::runtime;

int main(int argc, char **argv) {
  std::string model = "chain", out, cudaArch = "sm_80";
  std::vector<std::string> features;
  bool missingSymbol = false;
  long formatMajor = kFormatMajor;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--model=", 0) == 0) {
      model = arg.substr(8);
    } else if (arg.rfind("--require-feature=", 0) == 0) {
      features.push_back(arg.substr(18));
    } else if (arg.rfind("--cuda-arch=", 0) == 0) {
      cudaArch = arg.substr(12);
    } else if (arg == "--missing-symbol") {
      missingSymbol = true;
    } else if (arg.rfind("--format-major=", 0) == 0) {
      formatMajor = std::strtol(arg.c_str() + 15, nullptr, 10);
    } else if (arg == "-o" && i + 1 < argc) {
      out = argv[++i];
    } else {
      std::cerr << "kiln-make-test-artifact: unknown argument '" << arg << "'\n";
      return 2;
    }
  }
  if (out.empty()) {
    std::cerr << "kiln-make-test-artifact: no output file (-o OUT.kiln)\n";
    return 2;
  }
  std::string error;
  std::vector<uint8_t> code = fixtures::testKernelCode(error);
  if (code.empty()) {
    std::cerr << "kiln-make-test-artifact: " << error << "\n";
    return 1;
  }
  Artifact a;
  if (model == "chain") {
    a = fixtures::makeChainArtifact(code);
  } else if (model == "chunks") {
    a = fixtures::makeChunksArtifact(code, 37);
  } else if (model == "alignment") {
    a = fixtures::makeAlignmentArtifact(code);
  } else if (model == "cuda") {
    a = fixtures::makeCudaChainArtifact(cudaArch);
  } else if (model == "cuda-tma") {
    a = fixtures::makeCudaTmaArtifact(cudaArch);
  } else {
    std::cerr << "kiln-make-test-artifact: unknown model '" << model << "'\n";
    return 2;
  }
  for (const std::string &f : features) {
    a.meta.features.push_back(f);
  }
  if (missingSymbol) {
    a.plan.kernels.back().symbol = "kiln_test_not_there";
  }
  a.formatMajor = static_cast<uint32_t>(formatMajor);
  if (!validateArtifact(a, error)) {
    std::cerr << "kiln-make-test-artifact: " << error << "\n";
    return 1;
  }
  if (!writeArtifactFile(out, a, error)) {
    std::cerr << "kiln-make-test-artifact: " << error << "\n";
    return 1;
  }
  return 0;
}
