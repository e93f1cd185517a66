//===- Fuse.cpp - form kiln.fusion groups ----------------------------------===//
//
// Greedy, in program order, over each graph function (kernels are left alone):
//
//  -1. horizontal fusion: sibling matmuls reading the same input with constant weights
//      (the Q, K, V projections), each optionally followed by a constant bias add, become
//      one matmul with the weights (and biases) concatenated along N, followed by slices
//      giving each sibling's columns; the contraction group below takes the slices as a
//      multi-output epilogue (columnSlices: whichever ops lie between the product and the
//      slices), so the input is read once and one kernel runs. The pipelines run this
//      step first on its own (kiln-fuse-siblings), before mixed precision narrows the
//      concatenated product as one;
//   0. attention groups: matmul (scores) -> scaling by a scalar and at most one additive
//      mask (causal, padding: any f32 tensor broadcasting to the scores) -> softmax over
//      the last axis -> matmul by the values, with the transposes that feed only its operands
//      (heads split out of [B, S, H, D]) and the transpose after it (heads merged back);
//      codegen computes it blockwise with an online softmax (no score matrix); passes
//      before fusion ask the same matcher which products such a group holds
//      (fusion::matchAttentionGroup, Fuse.h);
//   1. contraction groups: every matmul / conv takes the transposes, broadcasts and cheap
//      elementwise ops (dequantize, cast, scaling) that feed only it, transitively
//      (prologue), and the chain of elementwise ops after it (bias, activation, residual
//      add, scaling, cast, quantize) while each edge is fusable by the cost model
//      (CostModel.h: one consumer, same shape, static); with contraction-prologues=false
//      (CUDA), only a conv2d's data input takes elementwise ops (conv-input-prologues),
//      which the CUDA convolution kernels compute as they gather the input;
//   2. row-reduction groups: every reduce / softmax / log_softmax / layer_norm /
//      global_pool takes the elementwise ops that feed only its data input (prologue,
//      transitively) and the elementwise chain after it (epilogue), under the same edge
//      rules; codegen tiles its rows so each row is computed and reduced in cache;
//   3. recomputation: an elementwise op left over whose result feeds several elementwise
//      consumers of its shape is cloned into each when it is cheap (CostModel.h);
//   4. loop groups: chains of elementwise ops left over, under the same edge rule.
//
// A group of one op is not formed (it is a kernel anyway). Each group is a kiln.fusion
// op placed where its last member was: its inputs are the members' operands from
// outside, its result the last member's; its location fuses the members' locations,
// so kernel labels list the model's node names.
//
//===----------------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"
#include "passes/fusion/ConstantData.h"
#include "passes/fusion/CostModel.h"
#include "passes/fusion/Fuse.h"
#include "passes/fusion/FusionReport.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/TypeUtilities.h"

#include <functional>

#define DEBUG_TYPE "kiln-fuse"

namespace kiln {
#define GEN_PASS_DEF_FUSEPASS
#define GEN_PASS_DEF_FUSESIBLINGSPASS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

struct Group {
  FusionScheme scheme;
  SmallVector<Operation *> members; // program order
  /// The values the group yields; empty: the last member's results.
  SmallVector<Value> outputs;
};

/// One sibling of a horizontal fusion: matmul(x, W [K, N]) [+ b [N]].
struct Sibling {
  MatmulOp matmul;
  AddOp bias;           // null when there is none
  SmallVector<float> w; // [K, N]
  SmallVector<float> b; // [N]
  int64_t n = 0;
};

std::optional<Sibling> matchSibling(MatmulOp mm, Value x) {
  auto w = mm.getRhs().getDefiningOp<ConstantOp>();
  auto wt = dyn_cast<RankedTensorType>(mm.getRhs().getType());
  auto rt = dyn_cast<RankedTensorType>(mm.getType());
  if (mm.getLhs() != x || mm.getTransposeA() || mm.getTransposeB() || !w || !wt ||
      wt.getRank() != 2 || !wt.hasStaticShape() || !rt || !rt.hasStaticShape() ||
      !rt.getElementType().isF32() || mm.getLhs().getType() == mm.getRhs().getType()) {
    return std::nullopt;
  }
  std::optional<SmallVector<float>> weights = readF32(w);
  if (!weights) {
    return std::nullopt;
  }
  Sibling s{mm, nullptr, std::move(*weights), {}, wt.getDimSize(1)};
  if (auto add = dyn_cast_or_null<AddOp>(fusion::getSoleUser(mm.getResult()))) {
    Value other = add.getLhs() == mm.getResult() ? add.getRhs() : add.getLhs();
    auto constant = other.getDefiningOp<ConstantOp>();
    auto bt = dyn_cast<RankedTensorType>(other.getType());
    if (constant && bt && bt.getRank() == 1 && bt.getDimSize(0) == s.n &&
        add.getType() == mm.getType() && other != mm.getResult()) {
      if (std::optional<SmallVector<float>> bias = readF32(constant)) {
        s.bias = add;
        s.b = std::move(*bias);
      }
    }
  }
  return s;
}

/// Horizontal fusion of the sibling matmuls of `block` (see the file comment): the
/// contraction group of each fused matmul yields its column slices (columnSlices).
void fuseSiblings(Block &block) {
  // The inputs first: the rewrite below erases matmuls of the block.
  SetVector<Value> inputs;
  for (auto mm : block.getOps<MatmulOp>()) {
    inputs.insert(mm.getLhs());
  }
  for (Value x : inputs) {
    SmallVector<Sibling> siblings;
    for (Operation *user : x.getUsers()) {
      auto mm = dyn_cast<MatmulOp>(user);
      if (!mm || mm->getBlock() != &block) {
        continue;
      }
      if (std::optional<Sibling> s = matchSibling(mm, x)) {
        siblings.push_back(std::move(*s));
      }
    }
    // Same K, and all with a bias or all without (the group's epilogue is shared).
    llvm::sort(siblings, [](const Sibling &a, const Sibling &b) {
      return const_cast<Sibling &>(a).matmul->isBeforeInBlock(
          const_cast<Sibling &>(b).matmul.getOperation());
    });
    auto k = [](const Sibling &s) {
      return cast<RankedTensorType>(s.matmul->getOperand(1).getType()).getDimSize(0);
    };
    llvm::erase_if(siblings, [&](const Sibling &s) {
      return k(s) != k(siblings.front()) || !s.bias != !siblings.front().bias;
    });
    if (siblings.size() < 2) {
      continue;
    }
    int64_t kDim = k(siblings.front()), total = 0;
    for (const Sibling &s : siblings) {
      total += s.n;
    }
    SmallVector<float> w(kDim * total), b;
    int64_t offset = 0;
    SmallVector<Location> mmLocs, biasLocs;
    for (Sibling &s : siblings) {
      for (int64_t r = 0; r < kDim; ++r) {
        std::copy_n(s.w.begin() + r * s.n, s.n, w.begin() + r * total + offset);
      }
      b.append(s.b.begin(), s.b.end());
      offset += s.n;
      mmLocs.push_back(s.matmul.getLoc());
      if (s.bias) {
        biasLocs.push_back(s.bias.getLoc());
      }
    }
    OpBuilder builder(siblings.front().matmul);
    MLIRContext *ctx = builder.getContext();
    auto resultType = cast<RankedTensorType>(siblings.front().matmul.getType());
    SmallVector<int64_t> shape(resultType.getShape());
    shape.back() = total;
    auto fusedType = RankedTensorType::get(shape, builder.getF32Type());
    Value weights = createF32Constant(builder, FusedLoc::get(ctx, mmLocs),
                                      RankedTensorType::get({kDim, total}, builder.getF32Type()),
                                      w, "horizontal_weights");
    Value y = MatmulOp::create(builder, FusedLoc::get(ctx, mmLocs), fusedType, x, weights,
                               /*transpose_a=*/false, /*transpose_b=*/false);
    if (siblings.front().bias) {
      Value bias = createF32Constant(builder, FusedLoc::get(ctx, biasLocs),
                                     RankedTensorType::get({total}, builder.getF32Type()), b,
                                     "horizontal_bias");
      y = AddOp::create(builder, FusedLoc::get(ctx, biasLocs), fusedType, y, bias);
    }
    offset = 0;
    for (Sibling &s : siblings) {
      int64_t rank = resultType.getRank();
      SmallVector<int64_t> starts(rank, 0), ends(shape), steps(rank, 1);
      starts.back() = offset;
      ends.back() = offset + s.n;
      Operation *last = s.bias ? s.bias.getOperation() : s.matmul.getOperation();
      auto slice = SliceOp::create(builder, last->getLoc(), last->getResult(0).getType(), y,
                                   starts, ends, steps);
      last->getResult(0).replaceAllUsesWith(slice.getResult());
      offset += s.n;
    }
    // Erased last: the builder inserts before the first sibling.
    for (Sibling &s : siblings) {
      if (s.bias) {
        s.bias->erase();
      }
      s.matmul->erase();
    }
  }
}

/// The users of `last`'s result when there are several and every one is a kiln.slice of
/// columns (the last dim; the others whole, unit steps) in its block: the siblings of a
/// horizontal fusion, which a contraction group yields as its outputs. Empty otherwise.
SmallVector<Operation *> columnSlices(Operation *last, const DenseSet<Operation *> &taken) {
  SmallVector<Operation *> slices;
  if (last->getNumResults() != 1) {
    return slices;
  }
  Value v = last->getResult(0);
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || !type.hasStaticShape() || type.getRank() == 0) {
    return slices;
  }
  for (Operation *user : v.getUsers()) {
    auto slice = dyn_cast<SliceOp>(user);
    if (!slice || slice->getBlock() != last->getBlock() || taken.contains(user) ||
        llvm::is_contained(slices, user) || slice->getOperand(0) != v) {
      return {};
    }
    ArrayRef<int64_t> starts = slice.getStarts(), ends = slice.getEnds(),
                      steps = slice.getSteps();
    int64_t rank = type.getRank();
    if (static_cast<int64_t>(starts.size()) != rank) {
      return {};
    }
    for (int64_t d = 0; d < rank; ++d) {
      bool whole = d == rank - 1 || (starts[d] == 0 && ends[d] == type.getDimSize(d));
      if (!whole || steps[d] != 1) {
        return {};
      }
    }
    slices.push_back(user);
  }
  if (slices.size() < 2) {
    return {};
  }
  llvm::sort(slices, [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  return slices;
}

/// Extends `group` along the single-consumer chain after its last member while
/// `decide` accepts the edge.
template <typename Decide>
void growChain(Group &group, const DenseSet<Operation *> &taken, Decide decide) {
  while (true) {
    Operation *last = group.members.back();
    if (last->getNumResults() != 1 || !fusion::getSoleUser(last->getResult(0))) {
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

/// A rank-0 or single-element constant (the 1/sqrt(d) of attention).
bool isScalarConstant(Value v) {
  auto constant = v.getDefiningOp<ConstantOp>();
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return constant && type && type.hasStaticShape() && type.getNumElements() == 1;
}

/// The attention group around `softmax`, or nothing (see the file comment). Shapes must
/// be static f32 of one rank >= 3 with equal batch dims (no broadcasting), softmax over
/// the last axis, and every intermediate used once.
std::optional<Group> matchAttention(SoftmaxOp softmax, const DenseSet<Operation *> &taken) {
  auto scoresType = cast<RankedTensorType>(softmax.getType());
  int64_t rank = scoresType.getRank();
  if (rank < 3 || static_cast<int64_t>(softmax.getAxis()) != rank - 1 || !scoresType.hasStaticShape()) {
    return std::nullopt;
  }
  // Backwards from the softmax: scalings and at most one additive mask, then the scores
  // matmul. The mask (causal, padding) is any f32 tensor that broadcasts to the scores;
  // it stays an input of the group. Either operand of the add may be the scores.
  SmallVector<Operation *> chain;
  MatmulOp qk;
  bool masked = false;
  auto isMask = [&](Value m) {
    auto t = dyn_cast<RankedTensorType>(m.getType());
    if (!t || !t.hasStaticShape() || !t.getElementType().isF32() || t.getRank() > rank) {
      return false;
    }
    for (int64_t i = 1; i <= t.getRank(); ++i) {
      int64_t dim = t.getDimSize(t.getRank() - i);
      if (dim != 1 && dim != scoresType.getDimSize(rank - i)) {
        return false;
      }
    }
    return true;
  };
  std::function<bool(Value)> walk = [&](Value v) -> bool {
    Operation *def = v.getDefiningOp();
    if (!def || !v.hasOneUse() || taken.contains(def)) {
      return false;
    }
    if (auto mm = dyn_cast<MatmulOp>(def)) {
      qk = mm;
      return true;
    }
    if (def->getResult(0).getType() != scoresType) {
      return false;
    }
    if (isa<AddOp>(def) && !masked) {
      for (auto [scores, mask] : {std::pair(def->getOperand(0), def->getOperand(1)),
                                  std::pair(def->getOperand(1), def->getOperand(0))}) {
        if (scores.getType() == scoresType && isMask(mask)) {
          masked = true;
          if (walk(scores)) {
            chain.push_back(def);
            return true;
          }
          masked = false;
        }
      }
      return false;
    }
    if (!isa<MulOp, DivOp>(def)) {
      return false;
    }
    Value other;
    if (def->getOperand(0).getType() == scoresType && isScalarConstant(def->getOperand(1))) {
      other = def->getOperand(0);
    } else if (isa<MulOp>(def) && def->getOperand(1).getType() == scoresType &&
               isScalarConstant(def->getOperand(0))) {
      other = def->getOperand(1);
    } else {
      return false;
    }
    if (!walk(other)) {
      return false;
    }
    chain.push_back(def);
    return true;
  };
  if (!walk(softmax.getInput())) {
    return std::nullopt;
  }
  auto pv = dyn_cast_or_null<MatmulOp>(fusion::getSoleUser(softmax.getResult()));
  if (!pv || taken.contains(pv) || pv.getLhs() != softmax.getResult() || pv.getTransposeA() ||
      qk.getTransposeA() || qk.getType() != scoresType) {
    return std::nullopt;
  }
  auto sameBatch = [&](Value x) {
    auto t = dyn_cast<RankedTensorType>(x.getType());
    return t && t.hasStaticShape() && t.getRank() == rank && t.getElementType().isF32() &&
           t.getShape().drop_back(2) == scoresType.getShape().drop_back(2);
  };
  if (!sameBatch(qk.getLhs()) || !sameBatch(qk.getRhs()) || !sameBatch(pv.getRhs()) ||
      !sameBatch(pv.getResult())) {
    return std::nullopt;
  }
  // What a work item keeps instead of the scores: one block of them (at most 64 x 64)
  // and the running max and sum of its rows (its copies of one head's Q, K^T and V
  // replace the transposed tensors the unfused graph materializes anyway).
  int64_t sq = scoresType.getShape()[rank - 2], sk = scoresType.getShape()[rank - 1];
  int64_t blockRows = std::min<int64_t>(sq, 64);
  int64_t scratch = 4 * (blockRows * std::min<int64_t>(sk, 64) + 2 * blockRows);
  if (!fusion::decideAttention(qk.getResult(), static_cast<int64_t>(chain.size()) + 1, scratch)
           .fuse) {
    return std::nullopt;
  }
  Group group{FusionScheme::attention, {}, {}};
  // Per operand: the transpose splitting the heads out, then a widening cast before it
  // (16-bit Q, K, V under --precision=bf16|fp16: the kernel reads them as they are).
  for (Value operand : {qk.getLhs(), qk.getRhs(), pv.getRhs()}) {
    Operation *producer = operand.getDefiningOp();
    if (producer && isa<TransposeOp>(producer) && !taken.contains(producer) &&
        operand.hasOneUse()) {
      group.members.push_back(producer);
      operand = producer->getOperand(0);
      producer = operand.getDefiningOp();
    }
    if (producer && fusion::isWideningCast(producer) && !taken.contains(producer) &&
        operand.hasOneUse()) {
      group.members.push_back(producer);
    }
  }
  group.members.push_back(qk);
  group.members.append(chain.begin(), chain.end());
  group.members.push_back(softmax);
  group.members.push_back(pv);
  // Heads merged back: a transpose that keeps the rows before the columns.
  Operation *last = pv;
  if (auto merge = dyn_cast_or_null<TransposeOp>(fusion::getSoleUser(pv.getResult()))) {
    ArrayRef<int64_t> perm = merge.getPermutation();
    auto rowAt = llvm::find(perm, rank - 2) - perm.begin();
    auto colAt = llvm::find(perm, rank - 1) - perm.begin();
    if (!taken.contains(merge) && rowAt < colAt) {
      group.members.push_back(merge);
      last = merge;
    }
  }
  // The result narrowed to 16 bits for the product after it (--precision): the kernel
  // writes it so, instead of an f32 tensor and a cast kernel.
  if (Operation *cast = fusion::getSoleUser(last->getResult(0));
      cast && fusion::isNarrowingCast(cast) && !taken.contains(cast)) {
    group.members.push_back(cast);
  }
  llvm::sort(group.members, [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  return group;
}

} // namespace

std::optional<fusion::AttentionGroup> fusion::matchAttentionGroup(SoftmaxOp softmax) {
  std::optional<Group> group = matchAttention(softmax, /*taken=*/{});
  if (!group) {
    return std::nullopt;
  }
  // The members hold exactly two matmuls: the scores (before the softmax) and the
  // values product (its sole user).
  AttentionGroup g;
  g.pv = cast<MatmulOp>(fusion::getSoleUser(softmax.getResult()));
  g.qk = cast<MatmulOp>(*llvm::find_if(group->members, [&](Operation *op) {
    return isa<MatmulOp>(op) && op != g.pv.getOperation();
  }));
  for (OpOperand *use : {&g.qk.getLhsMutable(), &g.qk.getRhsMutable(), &g.pv.getRhsMutable()}) {
    Operation *producer = use->get().getDefiningOp();
    if (producer && isa<TransposeOp>(producer) && llvm::is_contained(group->members, producer)) {
      use = &producer->getOpOperand(0);
    }
    g.inputs.push_back(use);
  }
  return g;
}

/// A kiln.cast from a 16-bit float to f32 (`widening`), or from f32 to a 16-bit float.
static bool isCastBetween(Operation *op, bool widening) {
  auto c = dyn_cast_or_null<CastOp>(op);
  if (!c) {
    return false;
  }
  Type from = getElementTypeOrSelf(c.getInput().getType());
  Type to = getElementTypeOrSelf(c.getType());
  if (!widening) {
    std::swap(from, to);
  }
  return (from.isBF16() || from.isF16()) && to.isF32();
}

bool fusion::isWideningCast(Operation *op) { return isCastBetween(op, /*widening=*/true); }

bool fusion::isNarrowingCast(Operation *op) { return isCastBetween(op, /*widening=*/false); }

namespace {

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
  SmallVector<Value> outputs = group.outputs;
  if (outputs.empty()) {
    outputs.append(last->result_begin(), last->result_end());
  }
  OpBuilder b(last);
  Location loc = FusedLoc::get(b.getContext(), locs);
  auto fusion = FusionOp::create(b, loc, group.scheme, inputs, ValueRange(outputs).getTypes());
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
  for (Value r : outputs) {
    yielded.push_back(map.lookup(r));
  }
  YieldOp::create(inner, loc, yielded);
  for (auto [r, f] : llvm::zip(outputs, fusion.getResults())) {
    r.replaceAllUsesWith(f);
  }
  for (Operation *op : llvm::reverse(group.members)) {
    op->erase();
  }
}

/// The model's node name of `op` (the importer's NameLoc), else its op name and
/// position.
std::string nodeName(Operation *op, int64_t position) {
  std::string name;
  op->getLoc()->walk([&](Location l) {
    if (auto named = dyn_cast<NameLoc>(l)) {
      name = named.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return name.empty() ? op->getName().getStringRef().str() + "#" + std::to_string(position)
                      : name;
}

/// The report of one function's decisions, before the groups are formed.
fusion::FusionReport describe(Block &block, ArrayRef<Group> groups, StringRef function) {
  fusion::FusionReport report;
  report.function = function.str();
  DenseMap<Operation *, int64_t> nodeOf, groupOf;
  for (Operation &op : block) {
    if (isa<ConstantOp, ReshapeOp>(op) || op.hasTrait<OpTrait::IsTerminator>()) {
      continue;
    }
    nodeOf[&op] = static_cast<int64_t>(report.nodes.size());
    report.nodes.push_back({nodeName(&op, nodeOf[&op]), op.getName().getStringRef().str(), -1});
  }
  auto bytesOf = [](ValueRange values) {
    int64_t sum = 0;
    for (Value v : values) {
      sum += std::max<int64_t>(fusion::tensorBytes(v), 0);
    }
    return sum;
  };
  for (auto [g, group] : llvm::enumerate(groups)) {
    fusion::ReportGroup rg;
    rg.scheme = stringifyFusionScheme(group.scheme).str();
    DenseSet<Value> inside, counted;
    for (Operation *op : group.members) {
      groupOf[op] = static_cast<int64_t>(g);
      report.nodes[nodeOf[op]].group = static_cast<int64_t>(g);
      rg.members.push_back(nodeOf[op]);
      inside.insert(op->result_begin(), op->result_end());
    }
    for (Operation *op : group.members) {
      for (Value v : op->getOperands()) {
        if (inside.contains(v)) {
          rg.savedBytes += 2 * std::max<int64_t>(fusion::tensorBytes(v), 0);
        } else if (counted.insert(v).second) {
          rg.bytesIn += std::max<int64_t>(fusion::tensorBytes(v), 0);
        }
      }
    }
    rg.bytesOut = group.outputs.empty() ? bytesOf(group.members.back()->getResults())
                                        : bytesOf(group.outputs);
    report.bytesAfter += rg.bytesIn + rg.bytesOut;
    report.groups.push_back(std::move(rg));
  }
  for (Operation &op : block) {
    auto node = nodeOf.find(&op);
    if (node == nodeOf.end()) {
      continue;
    }
    int64_t traffic = bytesOf(op.getOperands()) + bytesOf(op.getResults());
    report.bytesBefore += traffic;
    if (!groupOf.contains(&op)) {
      report.bytesAfter += traffic;
    }
    for (Value v : op.getResults()) {
      for (Operation *user : v.getUsers()) {
        auto consumer = nodeOf.find(user);
        if (consumer == nodeOf.end()) {
          continue;
        }
        fusion::ReportEdge edge{node->second, consumer->second,
                                std::max<int64_t>(fusion::tensorBytes(v), 0), false, ""};
        auto pg = groupOf.find(&op), cg = groupOf.find(user);
        if (pg != groupOf.end() && cg != groupOf.end() && pg->second == cg->second) {
          edge.fused = true;
        } else {
          FusionClass cls = getFusionClass(&op);
          fusion::EdgeDecision d =
              cls == FusionClass::Contraction || cls == FusionClass::Reduction
                  ? fusion::decideEpilogueEdge(v, user)
              : getFusionClass(user) == FusionClass::Reduction
                  ? fusion::decideRowPrologueEdge(v, user)
              : getFusionClass(user) == FusionClass::Contraction
                  ? fusion::decidePrologueEdge(v, user)
                  : fusion::decideLoopEdge(v, user);
          if (!d.fuse && cls != FusionClass::Elementwise && cls != FusionClass::Contraction &&
              cls != FusionClass::Reduction) {
            edge.reason = "producer is " + stringifyFusionClass(cls).str() +
                          ": no group of this kind is formed yet";
          } else if (!d.fuse) {
            edge.reason = d.reason;
          } else if (cg != groupOf.end()) {
            edge.reason = "consumer already belongs to group " + std::to_string(cg->second);
          } else {
            edge.reason = "producer's group chain ended before this consumer";
          }
        }
        report.edges.push_back(std::move(edge));
      }
    }
  }
  return report;
}

struct FuseSiblingsPass : public impl::FuseSiblingsPassBase<FuseSiblingsPass> {
  void runOnOperation() override {
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      if (!fn.isDeclaration() && !fn->hasAttr("kiln.kernel")) {
        fuseSiblings(fn.getBody().front());
      }
    }
  }
};

struct FusePass : public impl::FusePassBase<FusePass> {
  using Base::Base;

  void runOnOperation() override {
    std::vector<fusion::FusionReport> reports;
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      if (!fn.isDeclaration() && !fn->hasAttr("kiln.kernel")) {
        fuseBlock(fn.getBody().front(), fn.getSymName(), reports);
      }
    }
    if (!report.empty()) {
      std::string error;
      if (!fusion::writeFusionReport(reports, report, error)) {
        getOperation().emitError("kiln-fuse: ") << error;
        return signalPassFailure();
      }
    }
  }

  /// Whether the attention around `softmax` has head dims the target's kernel takes
  /// (attention-head-dims): Q's (the scores' reduction) and V's (the result's columns).
  bool headDimsFit(SoftmaxOp softmax) {
    if (attentionHeadDims == 0) {
      return true;
    }
    std::optional<fusion::AttentionGroup> a = fusion::matchAttentionGroup(softmax);
    if (!a) {
      return false;
    }
    auto q = cast<RankedTensorType>(a->qk.getLhs().getType());
    int64_t d = a->qk.getTransposeA() ? q.getDimSize(q.getRank() - 2) : q.getShape().back();
    int64_t dv = cast<RankedTensorType>(a->pv.getType()).getShape().back();
    return d % 16 == 0 && dv % 16 == 0 && d <= attentionHeadDims && dv <= attentionHeadDims;
  }

  void fuseBlock(Block &block, StringRef function,
                 std::vector<fusion::FusionReport> &reports) {
    fuseSiblings(block);
    SmallVector<Group> groups;
    DenseSet<Operation *> taken;
    auto record = [&](Group group) {
      if (group.members.size() > 1) {
        taken.insert(group.members.begin(), group.members.end());
        groups.push_back(std::move(group));
      }
    };
    for (Operation &op : block) {
      if (auto softmax = dyn_cast<SoftmaxOp>(op); softmax && attention) {
        if (std::optional<Group> group = matchAttention(softmax, taken);
            group && headDimsFit(softmax)) {
          record(std::move(*group));
        }
      }
    }
    for (Operation &op : block) {
      if (taken.contains(&op)) {
        continue;
      }
      if (getFusionClass(&op) == FusionClass::Contraction && op.getNumResults() == 1) {
        Group group{FusionScheme::contraction, {&op}, {}};
        // Prologue: the transposes, broadcasts and cheap elementwise ops that feed only
        // this contraction, transitively (dequantize -> transpose -> matmul), in program
        // order.
        SmallVector<Operation *> prologue;
        SmallVector<std::pair<Value, Operation *>> edges;
        // Only elementwise ops into a convolution's data input (conv-input-prologues).
        bool inputOnly = !contractionPrologues;
        if (contractionPrologues) {
          for (Value operand : op.getOperands()) {
            edges.push_back({operand, &op});
          }
        } else if (convInputPrologues && isa<Conv2dOp>(op)) {
          edges.push_back({op.getOperand(0), &op});
        }
        while (!edges.empty()) {
          auto [v, consumer] = edges.pop_back_val();
          Operation *producer = v.getDefiningOp();
          if (!producer || producer->getBlock() != &block || taken.contains(producer) ||
              llvm::is_contained(prologue, producer) ||
              (inputOnly && !fusion::isElementwiseProducer(producer)) ||
              !fusion::decidePrologueEdge(v, consumer).fuse) {
            continue;
          }
          prologue.push_back(producer);
          for (Value in : producer->getOperands()) {
            edges.push_back({in, producer});
          }
        }
        llvm::sort(prologue, [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
        group.members.insert(group.members.begin(), prologue.begin(), prologue.end());
        growChain(group, taken, fusion::decideEpilogueEdge);
        // A horizontally fused matmul (here or by kiln-fuse-siblings, before mixed
        // precision narrowed it): the column slices of each sibling are the group's
        // outputs.
        if (SmallVector<Operation *> slices = columnSlices(group.members.back(), taken);
            !slices.empty()) {
          for (Operation *slice : slices) {
            group.members.push_back(slice);
            group.outputs.push_back(slice->getResult(0));
          }
        }
        record(std::move(group));
      }
    }
    for (Operation &op : block) {
      if (!taken.contains(&op) &&
          isa<ReduceOp, SoftmaxOp, LogSoftmaxOp, LayerNormOp, GlobalPoolOp>(op)) {
        Group group{FusionScheme::row_reduction, {&op}, {}};
        SmallVector<std::pair<Value, Operation *>> edges{{op.getOperand(0), &op}};
        while (!edges.empty()) {
          auto [v, consumer] = edges.pop_back_val();
          Operation *producer = v.getDefiningOp();
          bool fusable = producer && !taken.contains(producer) &&
                         !llvm::is_contained(group.members, producer) &&
                         (consumer == &op ? fusion::decideRowPrologueEdge(v, consumer)
                                          : fusion::decideLoopEdge(v, consumer))
                             .fuse;
          if (fusable) {
            group.members.push_back(producer);
            for (Value operand : producer->getOperands()) {
              edges.push_back({operand, producer});
            }
          }
        }
        llvm::sort(group.members,
                   [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
        growChain(group, taken, fusion::decideEpilogueEdge);
        record(std::move(group));
      }
    }
    // Cheap producers with several consumers: one clone per consumer, each of which then
    // heads its own loop group.
    for (Operation &op : llvm::make_early_inc_range(block)) {
      if (taken.contains(&op) || !fusion::decideRecompute(&op).fuse ||
          llvm::any_of(op.getUsers(), [&](Operation *u) { return taken.contains(u); })) {
        continue;
      }
      SmallVector<Operation *> users;
      for (Operation *user : op.getResult(0).getUsers()) {
        if (!llvm::is_contained(users, user)) {
          users.push_back(user);
        }
      }
      OpBuilder b(&op);
      b.setInsertionPointAfter(&op);
      for (Operation *user : llvm::drop_begin(users)) {
        Operation *clone = b.clone(op);
        op.getResult(0).replaceUsesWithIf(clone->getResult(0), [&](OpOperand &use) {
          return use.getOwner() == user;
        });
      }
    }
    for (Operation &op : block) {
      if (!taken.contains(&op) && getFusionClass(&op) == FusionClass::Elementwise &&
          !isa<ConstantOp>(op) && op.getNumResults() == 1) {
        Group group{FusionScheme::loop, {&op}, {}};
        growChain(group, taken, fusion::decideLoopEdge);
        record(std::move(group));
      }
    }
    if (!report.empty()) {
      reports.push_back(describe(block, groups, function));
    }
    for (const Group &group : groups) {
      formGroup(group);
    }
  }
};

} // namespace
} // namespace kiln
