//===- ModelLoader.cpp - load a model file (.onnx or .mlir) into kiln IR ---===//
//
// The one place tools turn a path into a kiln module, so kiln-interpret, kiln-compile
// and the C API treat .onnx and .mlir inputs alike.
//
//===----------------------------------------------------------------------------===//
#include "lib/driver/ModelLoader.h"

#include "dialects/kiln/KilnDialect.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace kiln::driver {

void loadModelDialects(MLIRContext &ctx) {
  ctx.loadDialect<KilnDialect, func::FuncDialect, quant::QuantDialect>();
}

OwningOpRef<ModuleOp> loadModel(MLIRContext &ctx, const std::string &path,
                                const onnx_import::ImportOptions &options) {
  loadModelDialects(ctx);
  if (StringRef(path).ends_with_insensitive(".onnx")) {
    return onnx_import::importOnnxFile(ctx, path, options);
  }
  if (!options.inputShapes.empty()) {
    emitError(UnknownLoc::get(&ctx))
        << "--input-shape applies to ONNX models; '" << path
        << "' is kiln IR, whose shapes are fixed in its types";
    return nullptr;
  }
  ParserConfig config(&ctx);
  return parseSourceFile<ModuleOp>(path, config);
}

func::FuncOp getEntryFunction(ModuleOp module) {
  if (auto main = module.lookupSymbol<func::FuncOp>("main")) {
    return main;
  }
  auto fns = llvm::to_vector(module.getOps<func::FuncOp>());
  if (fns.size() == 1) {
    return fns.front();
  }
  module.emitError("model: no @main function and ")
      << fns.size() << " functions; name the entry function @main";
  return {};
}

std::string getArgumentName(func::FuncOp fn, unsigned i) {
  if (auto name = fn.getArgAttrOfType<StringAttr>(i, "kiln.name")) {
    return name.str();
  }
  return "input_" + std::to_string(i);
}

std::string getResultName(func::FuncOp fn, unsigned i) {
  if (auto name = fn.getResultAttrOfType<StringAttr>(i, "kiln.name")) {
    return name.str();
  }
  return "output_" + std::to_string(i);
}

} // namespace kiln::driver
