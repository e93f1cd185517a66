//===- DistributeWorkItems.cpp - a kernel's forall becomes its work range ----===//
//
// After bufferization and the memory plan, a kernel whose body is one `scf.forall` (plus constants and
// views) computes independent tiles: it gains two index arguments, `begin` and `end`,
// and runs only the tiles [begin, end) of the linearized forall space. The number of
// tiles is recorded as `kiln.work_items`; the runtime calls the kernel on disjoint
// ranges from several threads (docs/artifact.md):
//
//   scf.forall (%i, %j) = (0, 0) to (M, N) step (tm, tn) { body(%i, %j) }
//   =>
//   scf.for %w = %begin to %end step 1 {
//     %i = (%w floordiv cN) * tm ; %j = (%w mod cN) * tn ; body(%i, %j)
//   }                                 (cN = ceil(N / tn); kiln.work_items = cM * cN)
//
// Kernels of any other shape keep one work item; a forall left inside them becomes a
// sequential loop (scf-forall-to-for).
//
//===----------------------------------------------------------------------------===//
#include "codegen/Passes.h"
#include "codegen/common/KernelInfo.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

#define DEBUG_TYPE "kiln-cpu-distribute-work-items"

namespace kiln {
#define GEN_PASS_DEF_DISTRIBUTEWORKITEMSPASS
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

using namespace kiln;

/// Ops that may sit beside the forall: they compute nothing a second call would redo.
bool isSideEffectFree(Operation &op) {
  return isa<arith::ConstantOp, memref::GetGlobalOp, memref::SubViewOp,
             memref::ExpandShapeOp, memref::CollapseShapeOp, memref::CastOp,
             func::ReturnOp>(op);
}

struct DistributeWorkItemsPass
    : public kiln::impl::DistributeWorkItemsPassBase<DistributeWorkItemsPass> {
  void runOnOperation() override {
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      if (fn->hasAttr(kKernelAttr) && !fn.isDeclaration()) {
        distribute(fn);
      }
    }
  }

  void distribute(func::FuncOp fn) {
    Block &body = fn.getBody().front();
    scf::ForallOp forall;
    for (Operation &op : body) {
      if (auto f = dyn_cast<scf::ForallOp>(op)) {
        if (forall) {
          return; // two foralls: one work item
        }
        forall = f;
      } else if (!isSideEffectFree(op)) {
        return;
      }
    }
    if (!forall || !forall.getOutputs().empty()) {
      return;
    }
    ArrayRef<int64_t> lbs = forall.getStaticLowerBound(), ubs = forall.getStaticUpperBound(),
                      steps = forall.getStaticStep();
    auto isDynamic = [](int64_t v) { return ShapedType::isDynamic(v); };
    if (llvm::any_of(lbs, isDynamic) || llvm::any_of(ubs, isDynamic) ||
        llvm::any_of(steps, isDynamic)) {
      return;
    }
    SmallVector<int64_t> counts;
    int64_t total = 1;
    for (auto [lb, ub, step] : llvm::zip(lbs, ubs, steps)) {
      counts.push_back(std::max<int64_t>(0, (ub - lb + step - 1) / step));
      total *= counts.back();
    }
    if (total <= 1) {
      return;
    }

    MLIRContext *ctx = fn.getContext();
    OpBuilder b(ctx);
    Type index = b.getIndexType();
    unsigned numArgs = fn.getNumArguments();
    // Indices are positions in the original list: both go at the end.
    if (failed(fn.insertArguments({numArgs, numArgs}, {index, index},
                                  {DictionaryAttr::get(ctx), DictionaryAttr::get(ctx)},
                                  {fn.getLoc(), fn.getLoc()}))) {
      return;
    }
    Value begin = body.getArgument(numArgs), end = body.getArgument(numArgs + 1);
    Location loc = forall.getLoc();
    b.setInsertionPoint(forall);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    auto loop = scf::ForOp::create(b, loc, begin, end, one);
    b.setInsertionPointToStart(loop.getBody());
    // Delinearize the work item, innermost forall dim fastest.
    IRMapping mapping;
    Value rest = loop.getInductionVar();
    SmallVector<Value> ivs(counts.size());
    for (int64_t d = static_cast<int64_t>(counts.size()) - 1; d >= 0; --d) {
      Value count = arith::ConstantIndexOp::create(b, loc, counts[d]);
      Value pos = d == 0 ? rest : arith::RemUIOp::create(b, loc, rest, count).getResult();
      if (d != 0) {
        rest = arith::DivUIOp::create(b, loc, rest, count);
      }
      Value scaled = arith::MulIOp::create(
          b, loc, pos, arith::ConstantIndexOp::create(b, loc, steps[d]));
      ivs[d] = arith::AddIOp::create(b, loc, scaled,
                                     arith::ConstantIndexOp::create(b, loc, lbs[d]));
    }
    for (auto [iv, value] : llvm::zip(forall.getInductionVars(), ivs)) {
      mapping.map(iv, value);
    }
    for (Operation &op : forall.getBody()->without_terminator()) {
      b.clone(op, mapping);
    }
    forall.erase();
    fn->setAttr(kWorkItemsAttr, b.getI64IntegerAttr(total));
    recordInPlan(fn, total);
  }

  /// The plan (kiln-plan-memory ran before: the host program no longer calls kernels,
  /// so adding arguments breaks no call) learns the kernel's work items.
  void recordInPlan(func::FuncOp fn, int64_t total) {
    ModuleOp module = getOperation();
    auto plan = module->getAttrOfType<DictionaryAttr>(kPlanAttr);
    if (!plan) {
      return;
    }
    Builder b(module.getContext());
    SmallVector<Attribute> kernels;
    for (Attribute k : plan.getAs<ArrayAttr>("kernels")) {
      auto d = cast<DictionaryAttr>(k);
      if (d.getAs<StringAttr>("symbol") == fn.getSymNameAttr()) {
        NamedAttrList entries(d);
        entries.set("work_items", b.getI64IntegerAttr(total));
        d = entries.getDictionary(module.getContext());
      }
      kernels.push_back(d);
    }
    NamedAttrList entries(plan);
    entries.set("kernels", b.getArrayAttr(kernels));
    module->setAttr(kPlanAttr, entries.getDictionary(module.getContext()));
  }
};

} // namespace
