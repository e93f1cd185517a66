//===- Interpret.cpp - run a model in the reference interpreter ------------===//
//
// The body of kiln-interpret: the binding grammar comes from lib/tensorio (shared with
// kiln-run), the evaluation from lib/interp.
//
//===----------------------------------------------------------------------------===//
#include "lib/driver/Interpret.h"
#include "lib/driver/ModelLoader.h"
#include "lib/interp/Interpreter.h"
#include "lib/tensorio/ResolveBindings.h"
#include "lib/tensorio/TensorIO.h"

#include <cmath>

using namespace mlir;

namespace kiln::driver {

int interpretModel(ModuleOp module, const InterpretOptions &options, llvm::raw_ostream &os) {
  func::FuncOp fn = getEntryFunction(module);
  if (!fn) {
    return 1;
  }
  std::vector<std::string> inNames, outNames;
  for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
    inNames.push_back(getArgumentName(fn, i));
  }
  for (unsigned i = 0; i < fn.getNumResults(); ++i) {
    outNames.push_back(getResultName(fn, i));
  }
  std::string error;
  std::vector<std::optional<io::Binding>> inBindings, outBindings;
  if (!io::resolveBindings(options.inputs, true, inNames, "input", "input", inBindings,
                           error) ||
      !io::resolveBindings(options.outputs, false, outNames, "output", "output", outBindings,
                           error)) {
    llvm::errs() << "kiln-interpret: " << error << "\n";
    return 2;
  }
  SmallVector<interp::Tensor> args;
  for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
    auto type = dyn_cast<RankedTensorType>(fn.getArgumentTypes()[i]);
    if (!type || !type.hasStaticShape()) {
      llvm::errs() << "kiln-interpret: input '" << inNames[i] << "' has type "
                   << fn.getArgumentTypes()[i]
                   << "; only statically shaped tensors can be interpreted\n";
      return 2;
    }
    io::Binding binding;
    if (inBindings[i]) {
      binding = *inBindings[i];
    } else if (options.defaultSeed >= 0) {
      binding.kind = io::Binding::Kind::Random;
      binding.seed = static_cast<uint64_t>(options.defaultSeed) + i;
    } else {
      llvm::errs() << "kiln-interpret: input '" << inNames[i]
                   << "' is not bound; pass --input=" << inNames[i]
                   << "=@file.npy (or .pb, or random:SEED)\n";
      return 2;
    }
    kilnDType dtype = interp::dtypeOf(type.getElementType());
    std::vector<int64_t> shape(type.getShape().begin(), type.getShape().end());
    io::HostTensor host;
    if (!io::loadInput(binding, inNames[i], dtype, shape, host, error)) {
      llvm::errs() << "kiln-interpret: " << error << "\n";
      return 2;
    }
    FailureOr<interp::Tensor> t = interp::fromHost(host, type, error);
    if (failed(t)) {
      llvm::errs() << "kiln-interpret: input '" << inNames[i] << "': " << error << "\n";
      return 2;
    }
    args.push_back(std::move(*t));
  }
  FailureOr<SmallVector<interp::Tensor>> results = interp::evaluateFunction(fn, args);
  if (failed(results)) {
    return 1;
  }
  for (unsigned i = 0; i < results->size(); ++i) {
    const interp::Tensor &t = (*results)[i];
    io::HostTensor host = interp::toHost(t, outNames[i]);
    double sum = 0;
    bool finite = true;
    for (int64_t k = 0, e = t.getNumElements(); k < e; ++k) {
      double v = t.getDouble(k);
      finite &= std::isfinite(v);
      sum += v;
    }
    os << outNames[i] << ": " << io::describe(host.dtype, host.shape) << " sum=" << sum
       << (finite ? "" : " (non-finite values)");
    if (t.getNumElements() > 0) {
      os << " first=[";
      for (int64_t k = 0, e = std::min<int64_t>(4, t.getNumElements()); k < e; ++k) {
        os << (k ? ", " : "") << t.getDouble(k);
      }
      os << "]";
    }
    os << "\n";
    if (outBindings[i]) {
      if (!io::writeTensorFile(outBindings[i]->path, host, error)) {
        llvm::errs() << "kiln-interpret: output '" << outNames[i] << "': " << error << "\n";
        return 2;
      }
    }
  }
  return 0;
}

} // namespace kiln::driver
