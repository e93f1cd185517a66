//===- PlanMemory.cpp - static memory plan and kernel sequence --------------===//
//
// Runs on the bufferized module: the entry function is then a host program of
// `memref.alloc`s, `memref.get_global`s (constants), reshapes (aliases), calls to kernels
// and a return. The pass turns it into data, the `kiln.plan` module attribute the
// artifact writer serializes (docs/artifact.md), and erases it:
//   - every buffer is rooted at an input, a constant, or an allocation (through aliases);
//   - an allocation the function returns becomes that output's buffer (kernels write
//     outputs in place); an output rooted anywhere else is copied after the last kernel;
//   - every other allocation gets an offset in one arena from its live range (first
//     definition to last use, aliases included), greedily by decreasing size into the
//     lowest offset free for the whole range (TFLite's "greedy by size" strategy);
//   - constants are laid out in a constant section, 64-byte aligned.
// Copies that bufferization left in the host program become small copy kernels, so the
// runtime has one mechanism for everything that touches memory.
//
//===----------------------------------------------------------------------------===//
#include "codegen/Passes.h"
#include "codegen/common/KernelInfo.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

#include <map>

#define DEBUG_TYPE "kiln-plan-memory"

namespace kiln {
#define GEN_PASS_DEF_PLANMEMORYPASS
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {

int64_t getBufferBytes(MemRefType type) {
  Type et = type.getElementType();
  int64_t elementBytes = et.isIntOrFloat() ? (et.getIntOrFloatBitWidth() + 7) / 8 : 8;
  return type.getNumElements() * elementBytes;
}

} // namespace kiln

namespace {

using namespace kiln;

constexpr int64_t kAlignment = 64;

int64_t alignTo(int64_t v) { return (v + kAlignment - 1) / kAlignment * kAlignment; }

/// Where a buffer lives.
enum class Space : int64_t { input = 0, output = 1, constant = 2, arena = 3 };

/// One root buffer: an entry argument, a global or an allocation.
struct Root {
  Space space = Space::arena;
  int64_t index = 0; // input / output index, or constant / arena byte offset
  int64_t bytes = 0;
  int64_t firstUse = 0, lastUse = 0; // positions in the host program (allocations)
  Operation *op = nullptr;           // the alloc or get_global
};

struct PlanMemoryPass : public kiln::impl::PlanMemoryPassBase<PlanMemoryPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto signature = module->getAttrOfType<DictionaryAttr>(kSignatureAttr);
    auto entryName = signature ? signature.getAs<StringAttr>("entry") : StringAttr();
    auto entry = entryName ? module.lookupSymbol<func::FuncOp>(entryName) : func::FuncOp();
    if (!entry || entry.getBody().getBlocks().size() != 1) {
      module.emitError("kiln-plan-memory: no single-block entry function named by "
                       "kiln.signature (run --kiln-outline-kernels first)");
      return signalPassFailure();
    }
    if (failed(outlineCopies(module, entry)) || failed(plan(module, entry))) {
      return signalPassFailure();
    }
  }

  /// memref.copy %a, %b in the host program  =>  call @kiln_copyN(%a, %b), a kernel.
  LogicalResult outlineCopies(ModuleOp module, func::FuncOp entry) {
    SymbolTable symbols(module);
    OpBuilder b(module.getContext());
    int64_t n = 0;
    for (auto copy : llvm::make_early_inc_range(entry.getOps<memref::CopyOp>())) {
      b.setInsertionPoint(entry);
      Type types[] = {copy.getSource().getType(), copy.getTarget().getType()};
      auto fn = func::FuncOp::create(b, copy.getLoc(), "kiln_copy" + std::to_string(n++),
                                     b.getFunctionType(types, {}));
      fn.setPrivate();
      fn->setAttr(kKernelAttr, b.getUnitAttr());
      fn->setAttr(kLabelAttr, b.getStringAttr("copy"));
      symbols.insert(fn);
      Block *body = fn.addEntryBlock();
      b.setInsertionPointToStart(body);
      memref::CopyOp::create(b, copy.getLoc(), body->getArgument(0), body->getArgument(1));
      func::ReturnOp::create(b, copy.getLoc());
      b.setInsertionPoint(copy);
      func::CallOp::create(b, copy.getLoc(), fn,
                           ValueRange{copy.getSource(), copy.getTarget()});
      copy.erase();
    }
    return success();
  }

  LogicalResult plan(ModuleOp module, func::FuncOp entry) {
    Builder b(module.getContext());
    Block &block = entry.getBody().front();
    std::vector<Root> roots;
    DenseMap<Value, int64_t> rootOf; // value -> index into roots
    std::map<std::string, int64_t> globalRoot;
    SmallVector<memref::GlobalOp> constants;
    int64_t constantBytes = 0;

    for (BlockArgument arg : block.getArguments()) {
      auto type = dyn_cast<MemRefType>(arg.getType());
      if (!type) {
        return entry.emitError("kiln-plan-memory: entry argument ")
               << arg.getArgNumber() << " is not a memref (bufferize first)";
      }
      rootOf[arg] = roots.size();
      roots.push_back({Space::input, arg.getArgNumber(), getBufferBytes(type)});
    }

    struct Call {
      func::CallOp op;
      func::FuncOp callee;
    };
    SmallVector<Call> calls;
    func::ReturnOp ret;
    int64_t position = 0;
    auto use = [&](Value v) -> FailureOr<int64_t> {
      auto it = rootOf.find(v);
      if (it == rootOf.end()) {
        return failure();
      }
      roots[it->second].lastUse = position;
      return it->second;
    };
    for (Operation &op : block) {
      ++position;
      if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
        if (!alloc.getType().hasStaticShape() || !alloc.getType().getLayout().isIdentity()) {
          return alloc.emitError("kiln-plan-memory: only static, identity-layout "
                                 "allocations can be planned");
        }
        rootOf[alloc] = roots.size();
        roots.push_back({Space::arena, 0, getBufferBytes(alloc.getType()), position,
                         position, alloc});
      } else if (auto get = dyn_cast<memref::GetGlobalOp>(op)) {
        std::string name = get.getName().str();
        auto found = globalRoot.find(name);
        if (found == globalRoot.end()) {
          auto global = module.lookupSymbol<memref::GlobalOp>(get.getNameAttr());
          if (!global || !global.getInitialValue() || !global.getConstant()) {
            return get.emitError("kiln-plan-memory: global ") << name << " is not a constant";
          }
          int64_t bytes = getBufferBytes(global.getType());
          found = globalRoot.emplace(name, roots.size()).first;
          roots.push_back({Space::constant, constantBytes, bytes, position, position, global});
          constants.push_back(global);
          constantBytes = alignTo(constantBytes + bytes);
        }
        rootOf[get] = found->second;
      } else if (isa<memref::CollapseShapeOp, memref::ExpandShapeOp, memref::CastOp,
                     memref::ReshapeOp>(op)) {
        FailureOr<int64_t> r = use(op.getOperand(0));
        if (failed(r)) {
          return op.emitError("kiln-plan-memory: reshape of an unplanned buffer");
        }
        rootOf[op.getResult(0)] = *r;
      } else if (auto call = dyn_cast<func::CallOp>(op)) {
        auto callee = module.lookupSymbol<func::FuncOp>(call.getCalleeAttr());
        if (!callee || !callee->hasAttr(kKernelAttr) || call.getNumResults() != 0) {
          return call.emitError("kiln-plan-memory: the host program may only call kernels "
                                "whose results were turned into out-params");
        }
        for (Value v : call.getOperands()) {
          if (failed(use(v))) {
            return call.emitError("kiln-plan-memory: kernel operand is not a planned buffer");
          }
        }
        calls.push_back({call, callee});
      } else if (auto r = dyn_cast<func::ReturnOp>(op)) {
        for (Value v : r.getOperands()) {
          if (failed(use(v))) {
            return r.emitError("kiln-plan-memory: returned value is not a planned buffer");
          }
        }
        ret = r;
      } else if (isa<memref::DeallocOp, bufferization::DeallocOp>(op)) {
        continue; // the arena replaces deallocation
      } else {
        return op.emitError("kiln-plan-memory: unexpected op in the host program: ")
               << op.getName();
      }
    }

    // Outputs: an allocation returned (once) becomes the output's buffer.
    SmallVector<Attribute> copies;
    DenseSet<int64_t> claimed;
    for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
      int64_t r = rootOf[v];
      Root &root = roots[r];
      int64_t bytes = getBufferBytes(cast<MemRefType>(v.getType()));
      if (root.space == Space::arena && root.op && !claimed.contains(r)) {
        claimed.insert(r);
        root.space = Space::output;
        root.index = i;
        continue;
      }
      copies.push_back(b.getDenseI64ArrayAttr(
          {static_cast<int64_t>(i), static_cast<int64_t>(root.space), root.index, bytes}));
    }

    // The arena: greedy by size, lowest offset free over the live range.
    SmallVector<int64_t> arenaRoots;
    int64_t unplanned = 0;
    for (auto [i, root] : llvm::enumerate(roots)) {
      if (root.space == Space::arena) {
        arenaRoots.push_back(i);
        unplanned += alignTo(root.bytes);
      }
    }
    llvm::stable_sort(arenaRoots,
                      [&](int64_t x, int64_t y) { return roots[x].bytes > roots[y].bytes; });
    SmallVector<int64_t> placed;
    int64_t arenaBytes = 0;
    for (int64_t r : arenaRoots) {
      Root &root = roots[r];
      // Placed buffers alive at the same time, by offset.
      SmallVector<std::pair<int64_t, int64_t>> busy;
      for (int64_t p : placed) {
        const Root &other = roots[p];
        if (other.firstUse <= root.lastUse && root.firstUse <= other.lastUse) {
          busy.push_back({other.index, other.index + alignTo(other.bytes)});
        }
      }
      llvm::sort(busy);
      int64_t offset = 0;
      for (auto [lo, hi] : busy) {
        if (offset + alignTo(root.bytes) <= lo) {
          break;
        }
        offset = std::max(offset, hi);
      }
      root.index = offset;
      arenaBytes = std::max(arenaBytes, offset + alignTo(root.bytes));
      placed.push_back(r);
    }

    // The kernel sequence with its bindings.
    SmallVector<Attribute> kernels;
    for (Call &c : calls) {
      SmallVector<int64_t> bindings;
      for (Value v : c.op.getOperands()) {
        const Root &root = roots[rootOf[v]];
        bindings.append({static_cast<int64_t>(root.space), root.index,
                         getBufferBytes(cast<MemRefType>(v.getType()))});
      }
      auto label = c.callee->getAttrOfType<StringAttr>(kLabelAttr);
      auto items = c.callee->getAttrOfType<IntegerAttr>(kWorkItemsAttr);
      kernels.push_back(b.getDictionaryAttr({
          b.getNamedAttr("symbol", c.callee.getSymNameAttr()),
          b.getNamedAttr("label", label ? label : b.getStringAttr("")),
          b.getNamedAttr("work_items", b.getI64IntegerAttr(items ? items.getInt() : 1)),
          b.getNamedAttr("bindings", b.getDenseI64ArrayAttr(bindings)),
      }));
    }
    SmallVector<Attribute> constantAttrs;
    for (memref::GlobalOp g : constants) {
      const Root &root = roots[globalRoot[g.getSymName().str()]];
      constantAttrs.push_back(b.getDictionaryAttr({
          b.getNamedAttr("value", *g.getInitialValue()),
          b.getNamedAttr("offset", b.getI64IntegerAttr(root.index)),
          b.getNamedAttr("bytes", b.getI64IntegerAttr(root.bytes)),
      }));
    }
    module->setAttr(kPlanAttr,
                    b.getDictionaryAttr({
                        b.getNamedAttr("arena_bytes", b.getI64IntegerAttr(arenaBytes)),
                        b.getNamedAttr("unplanned_bytes", b.getI64IntegerAttr(unplanned)),
                        b.getNamedAttr("constant_bytes", b.getI64IntegerAttr(constantBytes)),
                        b.getNamedAttr("constants", b.getArrayAttr(constantAttrs)),
                        b.getNamedAttr("kernels", b.getArrayAttr(kernels)),
                        b.getNamedAttr("copies", b.getArrayAttr(copies)),
                    }));

    // The host program is now data: erase it, the constants only it read, and export
    // the kernels (nothing calls them any more; the runtime does).
    entry.erase();
    for (memref::GlobalOp g : constants) {
      if (SymbolTable::symbolKnownUseEmpty(g, module)) {
        g.erase();
      }
    }
    for (auto fn : module.getOps<func::FuncOp>()) {
      if (fn->hasAttr(kKernelAttr)) {
        fn.setPublic();
      }
    }
    return success();
  }
};

} // namespace
