//===- Fuse.cpp - form kiln.fusion groups ----------------------------------===//
//
// Greedy, in program order, over each graph function (kernels are left alone):
//
//   1. contraction groups: every matmul / conv takes the chain of elementwise ops after
//      it (bias, activation, residual add, scaling, cast, quantize) while each edge is
//      fusable by the cost model (CostModel.h: one consumer, same shape, static);
//   2. loop groups: chains of elementwise ops left over, under the same edge rule.
//
// A group of one op is not formed (it is a kernel anyway). Each group is a kiln.fusion
// op placed where its last member was: its inputs are the members' operands from
// outside, its result the last member's; its location fuses the members' locations,
// so kernel labels list the model's node names.
//
//===----------------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/fusion/CostModel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

#define DEBUG_TYPE "kiln-fuse"

namespace kiln {
#define GEN_PASS_DEF_FUSEPASS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

struct Group {
  FusionScheme scheme;
  SmallVector<Operation *> members; // program order
};

/// Extends `group` along the single-consumer chain after its last member while
/// `decide` accepts the edge.
template <typename Decide>
void growChain(Group &group, const DenseSet<Operation *> &taken, Decide decide) {
  while (true) {
    Operation *last = group.members.back();
    if (last->getNumResults() != 1 || !last->getResult(0).hasOneUse()) {
      return;
    }
    Value v = last->getResult(0);
    Operation *consumer = *v.getUsers().begin();
    if (taken.contains(consumer) || !decide(v, consumer).fuse) {
      return;
    }
    group.members.push_back(consumer);
  }
}

void formGroup(const Group &group) {
  Operation *last = group.members.back();
  DenseSet<Operation *> members(group.members.begin(), group.members.end());
  SmallVector<Value> inputs;
  for (Operation *op : group.members) {
    for (Value v : op->getOperands()) {
      Operation *def = v.getDefiningOp();
      if ((!def || !members.contains(def)) && !llvm::is_contained(inputs, v)) {
        inputs.push_back(v);
      }
    }
  }
  SmallVector<Location> locs;
  for (Operation *op : group.members) {
    locs.push_back(op->getLoc());
  }
  OpBuilder b(last);
  Location loc = FusedLoc::get(b.getContext(), locs);
  auto fusion = FusionOp::create(b, loc, group.scheme, inputs, last->getResultTypes());
  Block &body = fusion.getBody().front();
  IRMapping map;
  for (auto [v, arg] : llvm::zip(inputs, body.getArguments())) {
    map.map(v, arg);
  }
  OpBuilder inner = OpBuilder::atBlockEnd(&body);
  for (Operation *op : group.members) {
    inner.clone(*op, map);
  }
  SmallVector<Value> yielded;
  for (Value r : last->getResults()) {
    yielded.push_back(map.lookup(r));
  }
  YieldOp::create(inner, loc, yielded);
  last->replaceAllUsesWith(fusion.getResults());
  for (Operation *op : llvm::reverse(group.members)) {
    op->erase();
  }
}

struct FusePass : public impl::FusePassBase<FusePass> {
  void runOnOperation() override {
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      if (!fn.isDeclaration() && !fn->hasAttr("kiln.kernel")) {
        fuseBlock(fn.getBody().front());
      }
    }
  }

  void fuseBlock(Block &block) {
    SmallVector<Group> groups;
    DenseSet<Operation *> taken;
    auto record = [&](Group group) {
      if (group.members.size() > 1) {
        taken.insert(group.members.begin(), group.members.end());
        groups.push_back(std::move(group));
      }
    };
    for (Operation &op : block) {
      if (getFusionClass(&op) == FusionClass::Contraction && op.getNumResults() == 1) {
        Group group{FusionScheme::contraction, {&op}};
        growChain(group, taken, fusion::decideEpilogueEdge);
        record(std::move(group));
      }
    }
    for (Operation &op : block) {
      if (!taken.contains(&op) && getFusionClass(&op) == FusionClass::Elementwise &&
          !isa<ConstantOp>(op) && op.getNumResults() == 1) {
        Group group{FusionScheme::loop, {&op}};
        growChain(group, taken, fusion::decideLoopEdge);
        record(std::move(group));
      }
    }
    for (const Group &group : groups) {
      formGroup(group);
    }
  }
};

} // namespace
} // namespace kiln
