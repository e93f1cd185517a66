//===- OutlineKernels.cpp - one function per kernel ------------------------===//
//
// Splits the entry function of a kiln graph into kernels: every compute op outside a
// group and every kiln.fusion group (its body inlined) moves into its own private
// function marked `kiln.kernel` and is replaced by a call. What stays in the entry function is the host program: constants,
// reshapes (which become aliases, not copies) and the calls. Small constants a kernel
// reads are cloned into it (they become immediates); large ones stay outside and reach
// the kernel as buffers of the artifact's constant section.
//
// The pass also records the model's signature (`kiln.signature` on the module) from the
// kiln types, before lowering turns `ui8` or `!quant.uniform` into signless storage.
//
//===----------------------------------------------------------------------------===//
#include "codegen/Passes.h"
#include "codegen/common/KernelInfo.h"
#include "dialects/kiln/KilnOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/SymbolTable.h"

#define DEBUG_TYPE "kiln-outline-kernels"

namespace kiln {
#define GEN_PASS_DEF_OUTLINEKERNELSPASS
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {

std::string getKernelLabel(Location loc) {
  SmallVector<std::string> parts;
  loc->walk([&](Location l) {
    auto named = dyn_cast<NameLoc>(l);
    if (!named) {
      return WalkResult::advance();
    }
    // Importer locations are NameLoc(node, NameLoc(opType)).
    std::string part = named.getName().str();
    if (auto inner = dyn_cast<NameLoc>(named.getChildLoc())) {
      part += " (" + inner.getName().str() + ")";
    }
    parts.push_back(part);
    return WalkResult::skip();
  });
  std::string label;
  for (const std::string &p : parts) {
    label += (label.empty() ? "" : ", ") + p;
  }
  return label;
}

func::FuncOp getEntryFunction(ModuleOp module) {
  func::FuncOp entry;
  for (auto fn : module.getOps<func::FuncOp>()) {
    if (fn.isDeclaration() || fn->hasAttr(kKernelAttr)) {
      continue;
    }
    if (fn.getSymName() == "main") {
      return fn;
    }
    if (fn.isPublic()) {
      entry = entry ? func::FuncOp() : fn; // two public candidates: ambiguous
    }
  }
  return entry;
}

} // namespace kiln

namespace {

using namespace kiln;

/// Constants at most this many elements (or splats) are cloned into the kernels that
/// read them instead of being passed as buffers.
constexpr int64_t kInlineConstantElements = 16;

bool isInlinableConstant(Operation *op) {
  auto constant = dyn_cast_or_null<ConstantOp>(op);
  if (!constant) {
    return false;
  }
  auto type = cast<RankedTensorType>(constant.getType());
  if (type.hasStaticShape() && type.getNumElements() <= kInlineConstantElements) {
    return true;
  }
  auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
  return dense && dense.isSplat();
}

/// Ops that stay in the host program.
bool staysInHost(Operation *op) {
  return isa<ConstantOp, ReshapeOp, func::ReturnOp>(op);
}

DictionaryAttr describeValue(Builder &b, StringRef name, Type type) {
  return b.getDictionaryAttr(
      {b.getNamedAttr("name", b.getStringAttr(name)), b.getNamedAttr("type", TypeAttr::get(type))});
}

struct OutlineKernelsPass : public kiln::impl::OutlineKernelsPassBase<OutlineKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp entry = getEntryFunction(module);
    if (!entry) {
      module.emitError("kiln-outline-kernels: no entry function (a public func.func, or "
                       "@main when there are several)");
      return signalPassFailure();
    }
    Builder b(module.getContext());
    recordSignature(b, module, entry);

    replaceEmptyResults(entry);
    SymbolTable symbols(module);
    int64_t index = 0;
    SmallVector<Operation *> compute;
    for (Operation &op : entry.getBody().front()) {
      if (!staysInHost(&op)) {
        compute.push_back(&op);
      }
    }
    for (Operation *op : compute) {
      if (!isa<KilnDialect>(op->getDialect())) {
        op->emitError("kiln-outline-kernels: '")
            << op->getName()
            << "' is not a kiln op and cannot become a kernel (a model graph holds kiln ops "
               "only: write its kiln equivalent, or import the model from ONNX)";
        return signalPassFailure();
      }
      outline(op, symbols, index++);
    }
    // Constants now cloned into every kernel that reads them.
    for (Operation &op : llvm::make_early_inc_range(entry.getBody().front())) {
      if (isa<ConstantOp>(op) && op.use_empty()) {
        op.erase();
      }
    }
  }

  /// An op whose results all have zero elements computes nothing: its results become
  /// empty constants (no kernel, no buffer; an empty output is a zero-byte copy).
  void replaceEmptyResults(func::FuncOp entry) {
    for (Operation &op : llvm::make_early_inc_range(entry.getBody().front())) {
      if (isa<ConstantOp, func::ReturnOp>(op) || op.getNumResults() == 0) {
        continue;
      }
      bool allEmpty = llvm::all_of(op.getResultTypes(), [](Type t) {
        auto rt = dyn_cast<RankedTensorType>(t);
        return rt && rt.hasStaticShape() && rt.getNumElements() == 0 &&
               rt.getElementType().isIntOrFloat();
      });
      if (!allEmpty) {
        continue;
      }
      OpBuilder b(&op);
      for (Value r : op.getResults()) {
        auto type = cast<RankedTensorType>(r.getType());
        r.replaceAllUsesWith(
            ConstantOp::create(b, op.getLoc(), DenseElementsAttr::get(type, ArrayRef<Attribute>{})));
      }
      op.erase();
    }
  }

  /// `kiln.signature = {inputs = [{name, type}...], outputs = [...]}` from the entry
  /// function's kiln types and its `kiln.name` argument / result attributes.
  void recordSignature(Builder &b, ModuleOp module, func::FuncOp entry) {
    SmallVector<Attribute> inputs, outputs;
    for (auto [i, type] : llvm::enumerate(entry.getArgumentTypes())) {
      auto name = entry.getArgAttrOfType<StringAttr>(i, "kiln.name");
      inputs.push_back(describeValue(b, name ? name.getValue() : "input" + std::to_string(i),
                                     type));
    }
    for (auto [i, type] : llvm::enumerate(entry.getResultTypes())) {
      auto name = entry.getResultAttrOfType<StringAttr>(i, "kiln.name");
      outputs.push_back(describeValue(
          b, name ? name.getValue() : "output" + std::to_string(i), type));
    }
    module->setAttr(kSignatureAttr,
                    b.getDictionaryAttr({b.getNamedAttr("inputs", b.getArrayAttr(inputs)),
                                         b.getNamedAttr("outputs", b.getArrayAttr(outputs)),
                                         b.getNamedAttr("entry", entry.getSymNameAttr())}));
  }

  // %r = kiln.op %a, %c   =>   %r = call @kernel_N_op(%a)   with
  // func.func private @kernel_N_op(%a) { %c' = kiln.constant ...; kiln.op %a, %c' }
  void outline(Operation *op, SymbolTable &symbols, int64_t index) {
    OpBuilder builder(op->getContext());
    // Operands: values from outside, except small constants, which are cloned in.
    SmallVector<Value> args;
    for (Value v : op->getOperands()) {
      if (!isInlinableConstant(v.getDefiningOp()) && !llvm::is_contained(args, v)) {
        args.push_back(v);
      }
    }
    auto fusion = dyn_cast<FusionOp>(op);
    std::string name = "kernel" + std::to_string(index) + "_" +
                       (fusion ? "fused_" + stringifyFusionScheme(fusion.getScheme()).str()
                               : op->getName().stripDialect().str());
    builder.setInsertionPoint(op->getParentOfType<func::FuncOp>());
    auto fn = func::FuncOp::create(builder, op->getLoc(), name,
                                   builder.getFunctionType(ValueRange(args).getTypes(),
                                                           op->getResultTypes()));
    fn.setPrivate();
    fn->setAttr(kKernelAttr, builder.getUnitAttr());
    fn->setAttr(kLabelAttr, builder.getStringAttr(getKernelLabel(op->getLoc())));
    if (fusion) {
      fn->setAttr(kSchemeAttr,
                  builder.getStringAttr(stringifyFusionScheme(fusion.getScheme())));
    }
    symbols.insert(fn); // renames on a clash

    Block *body = fn.addEntryBlock();
    builder.setInsertionPointToStart(body);
    IRMapping mapping;
    for (auto [outer, inner] : llvm::zip(args, body->getArguments())) {
      mapping.map(outer, inner);
    }
    for (Value v : op->getOperands()) {
      if (!mapping.contains(v)) {
        mapping.map(v, builder.clone(*v.getDefiningOp())->getResult(0));
      }
    }
    if (fusion) {
      // The group's body becomes the kernel's body: block arguments are the operands.
      Block &group = fusion.getBody().front();
      for (auto [operand, arg] : llvm::zip(op->getOperands(), group.getArguments())) {
        mapping.map(arg, mapping.lookup(operand));
      }
      for (Operation &member : group.without_terminator()) {
        builder.clone(member, mapping);
      }
      SmallVector<Value> results;
      for (Value v : group.getTerminator()->getOperands()) {
        results.push_back(mapping.lookup(v));
      }
      func::ReturnOp::create(builder, op->getLoc(), results);
    } else {
      Operation *clone = builder.clone(*op, mapping);
      func::ReturnOp::create(builder, op->getLoc(), clone->getResults());
    }

    builder.setInsertionPoint(op);
    auto call = func::CallOp::create(builder, op->getLoc(), fn, args);
    op->replaceAllUsesWith(call.getResults());
    op->erase();
  }
};

} // namespace
