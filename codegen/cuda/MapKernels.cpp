//===- MapKernels.cpp - bufferized kernels as CUDA kernels ------------------===//
//
// Runs after bufferization and kiln-plan-memory, when every kernel is a func.func on
// memrefs whose arguments are the plan's bindings. Each kernel becomes a gpu.func kernel
// in `gpu.module @kiln_kernels` with the same arguments (bare device pointers after
// convert-gpu-to-nvvm) and its launch dimensions go into `kiln.plan`.
//
// Which kernel a kernel becomes:
//   attention (kiln.cuda.attention)          -> flash attention (MapAttention.cpp)
//   a contraction on f16 / bf16              -> TMA + wgmma or mma.sync (MapWgmma.cpp,
//                                               MapContraction.cpp)
//   a dense convolution on f16 / bf16        -> the mma.sync kernel as an implicit GEMM
//                                               (MapContraction.cpp, mapConvolution)
//   a reduction over windows (pooling, depthwise convolution, several reduction loops,
//   padded inputs) or a contraction without a tensor-core form (f32, with a warning)
//                                            -> one thread per output (MapWindow.cpp)
//   one last reduction loop                  -> row kernels (below)
//   all-parallel ops                         -> loop kernels (below)
//
// Loop kernels. Every op of the kernel is all-parallel (a linalg.generic after linalg
// elementwise fusion, a fill, a copy). Each op is mapped flat over its iteration space:
// one thread per `lanes` consecutive elements along the innermost loop, lanes = 16 bytes
// of the output element type when the innermost extent allows and every output is
// stored contiguously along it (else 1). An input operand whose innermost index is the
// innermost loop (stride 1) is one vector.load, 16-byte aligned when its layout proves it;
// one that does not depend on the innermost loop is a scalar load and a broadcast; any
// other is gathered lane by lane. The op's body is cloned on vectors of `lanes`.
// Independent ops of one kernel (the copies of a concat, the slices of a split) take
// consecutive ranges of the grid's blocks; ops that read what an earlier op of the same
// kernel wrote would need a grid-wide barrier and are refused.
//
//===----------------------------------------------------------------------------===//
#include "codegen/Passes.h"
#include "codegen/common/KernelInfo.h"
#include "codegen/cuda/MapKernels.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

#define DEBUG_TYPE "kiln-cuda-map-kernels"

namespace kiln {
#define GEN_PASS_DEF_MAPKERNELSTOGPUPASS
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln::cuda {

/// The memref a chain of views starts from.
Value viewRoot(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (!isa<memref::SubViewOp, memref::CollapseShapeOp, memref::ExpandShapeOp,
             memref::CastOp, memref::ReinterpretCastOp>(def)) {
      break;
    }
    v = def->getOperand(0);
  }
  return v;
}

SmallVector<Value> indicesAt(OpBuilder &b, Location loc, AffineMap map, ArrayRef<Value> at) {
  SmallVector<Value> result;
  for (AffineExpr expr : map.getResults()) {
    if (auto dim = dyn_cast<AffineDimExpr>(expr)) {
      result.push_back(at[dim.getPosition()]);
    } else if (auto c = dyn_cast<AffineConstantExpr>(expr)) {
      result.push_back(arith::ConstantIndexOp::create(b, loc, c.getValue()));
    } else {
      result.push_back(affine::AffineApplyOp::create(
          b, loc, AffineMap::get(map.getNumDims(), map.getNumSymbols(), expr), at));
    }
  }
  return result;
}

SmallVector<Value> delinearize(OpBuilder &b, Location loc, Value linear,
                               ArrayRef<int64_t> extents) {
  SmallVector<Value> at(extents.size());
  Value e = linear;
  for (int64_t d = static_cast<int64_t>(extents.size()) - 1; d >= 0; --d) {
    if (d == 0) {
      at[d] = e;
    } else {
      Value extent = arith::ConstantIndexOp::create(b, loc, extents[d]);
      at[d] = arith::RemUIOp::create(b, loc, e, extent);
      e = arith::DivUIOp::create(b, loc, e, extent);
    }
  }
  return at;
}

bool isKernelScaffolding(Operation &op) {
  return isa<arith::ConstantOp, memref::SubViewOp, memref::CollapseShapeOp,
             memref::ExpandShapeOp, memref::CastOp, memref::ReinterpretCastOp,
             memref::GetGlobalOp, memref::AllocOp, memref::DeallocOp>(op);
}

bool hasTensorCoreOperands(linalg::LinalgOp op, bool tf32) {
  if (op.getNumDpsInputs() != 2) {
    return false;
  }
  Type a = getElementTypeOrSelf(op.getDpsInputs()[0].getType());
  Type b = getElementTypeOrSelf(op.getDpsInputs()[1].getType());
  return a == b && (a.isF16() || a.isBF16() || (tf32 && a.isF32()));
}

bool isAllParallel(linalg::GenericOp g) {
  return llvm::all_of(g.getIteratorTypesArray(), [](utils::IteratorType t) {
    return t == utils::IteratorType::parallel;
  });
}

} // namespace kiln::cuda

namespace {

using namespace kiln;
using namespace kiln::cuda;

constexpr int64_t kMaxBlock = 256;
constexpr int64_t kVectorBytes = 16;
constexpr llvm::StringLiteral kGpuModuleName = "kiln_kernels";

int64_t elementBytes(Type t) {
  return t.isIntOrFloat() ? std::max<int64_t>(1, t.getIntOrFloatBitWidth() / 8) : 8;
}

/// How an operand is addressed along the innermost loop.
enum class Access { Contiguous, Uniform, Gather };

struct OperandPlan {
  Access access = Access::Gather;
  bool aligned = false; // a contiguous run of `lanes` starts at a multiple of its size
};

/// The access of operand `map` on a memref of type `type` for `lanes` lanes.
OperandPlan planOperand(AffineMap map, MemRefType type, int64_t lanes) {
  OperandPlan plan;
  unsigned inner = map.getNumDims() - 1;
  bool usesInner = map.isFunctionOfDim(inner);
  if (!usesInner) {
    plan.access = Access::Uniform;
    return plan;
  }
  if (map.getNumResults() == 0) {
    return plan;
  }
  auto last = dyn_cast<AffineDimExpr>(map.getResults().back());
  bool onlyLast = last && last.getPosition() == inner;
  for (AffineExpr e : map.getResults().drop_back()) {
    onlyLast &= !e.isFunctionOfDim(inner);
  }
  SmallVector<int64_t> strides;
  int64_t offset;
  if (!onlyLast || failed(type.getStridesAndOffset(strides, offset)) || strides.back() != 1) {
    return plan;
  }
  plan.access = Access::Contiguous;
  plan.aligned = !ShapedType::isDynamic(offset) && offset % lanes == 0;
  for (int64_t s : ArrayRef(strides).drop_back()) {
    plan.aligned &= !ShapedType::isDynamic(s) && s % lanes == 0;
  }
  return plan;
}

/// One all-parallel op of a loop kernel and its share of the grid.
struct Piece {
  linalg::GenericOp op;
  SmallVector<int64_t> ranges;
  int64_t lanes = 1;
  int64_t threads = 0;
  int64_t firstBlock = 0;
  int64_t blocks = 0;
};

/// Lanes per thread for `g`: 16 bytes of its widest output element, if the innermost
/// extent is a multiple, every output is stored contiguously and the body is elementwise.
int64_t chooseLanes(linalg::GenericOp g, ArrayRef<int64_t> ranges) {
  if (ranges.empty()) {
    return 1;
  }
  int64_t bytes = 1;
  for (OpOperand &out : g.getDpsInitsMutable()) {
    bytes = std::max(bytes, elementBytes(getElementTypeOrSelf(out.get().getType())));
  }
  int64_t lanes = std::max<int64_t>(1, kVectorBytes / bytes);
  if (ranges.back() % lanes != 0) {
    return 1;
  }
  // A vector of i1 is bit-packed in memory (LLVM and the NVPTX backend agree), but kiln
  // stores a bool per byte: vector.load of vector<2xi1> would read bits of one byte.
  for (OpOperand &operand : g->getOpOperands()) {
    Type t = getElementTypeOrSelf(operand.get().getType());
    if (t.isIntOrFloat() && t.getIntOrFloatBitWidth() < 8) {
      return 1;
    }
  }
  for (Operation &op : g.getRegion().front().without_terminator()) {
    if (!isa<linalg::IndexOp>(op) && !OpTrait::hasElementwiseMappableTraits(&op)) {
      return 1;
    }
  }
  for (OpOperand &out : g.getDpsInitsMutable()) {
    auto type = cast<MemRefType>(out.get().getType());
    if (planOperand(g.getMatchingIndexingMap(&out), type, lanes).access != Access::Contiguous) {
      return 1;
    }
  }
  return lanes;
}

/// Builds the body of one piece at the current insertion point (inside the bounds check):
/// `t` is the piece's thread index.
class PieceEmitter {
public:
  PieceEmitter(OpBuilder &b, Location loc, const Piece &piece, const IRMapping &outer)
      : b(b), loc(loc), piece(piece), outer(outer) {}

  void emit(Value t) {
    linalg::GenericOp g = piece.op;
    int64_t lanes = piece.lanes;
    // The iteration-space coordinates of the thread's first element.
    Value e = t;
    if (lanes > 1) {
      e = arith::MulIOp::create(b, loc, t, constant(lanes));
    }
    ivs = delinearize(b, loc, e, piece.ranges);

    Block &body = g.getRegion().front();
    IRMapping map;
    for (OpOperand *in : g.getDpsInputOperands()) {
      map.map(body.getArgument(in->getOperandNumber()), load(*in));
    }
    for (OpOperand &out : g.getDpsInitsMutable()) {
      BlockArgument arg = body.getArgument(out.getOperandNumber());
      if (!arg.use_empty()) {
        map.map(arg, load(out));
      }
    }
    for (Operation &op : body.without_terminator()) {
      if (auto index = dyn_cast<linalg::IndexOp>(op)) {
        map.map(index.getResult(), indexValue(index.getDim()));
        continue;
      }
      SmallVector<Value> operands;
      for (Value v : op.getOperands()) {
        operands.push_back(widen(lookup(map, v)));
      }
      SmallVector<Type> types;
      for (Type r : op.getResultTypes()) {
        types.push_back(lanes > 1 ? VectorType::get({lanes}, r) : r);
      }
      OperationState state(loc, op.getName().getIdentifier(), operands, types,
                           op.getAttrs());
      Operation *clone = b.create(state);
      map.map(op.getResults(), clone->getResults());
    }
    auto yield = cast<linalg::YieldOp>(body.getTerminator());
    for (OpOperand &out : g.getDpsInitsMutable()) {
      Value v = widen(lookup(map, yield.getOperand(out.getOperandNumber() - g.getNumDpsInputs())));
      store(out, v);
    }
  }

private:
  Value constant(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }

  Value lookup(IRMapping &map, Value v) {
    if (Value m = map.lookupOrNull(v)) {
      return m;
    }
    return outer.lookup(v);
  }

  /// A scalar becomes a splat when the body runs on vectors.
  Value widen(Value v) {
    if (piece.lanes == 1 || isa<VectorType>(v.getType())) {
      return v;
    }
    return vector::BroadcastOp::create(b, loc, VectorType::get({piece.lanes}, v.getType()), v);
  }

  /// Loop index `dim` of lane 0 (lanes > 1: of every lane).
  Value indexValue(unsigned dim) {
    Value iv = ivs[dim];
    if (piece.lanes == 1) {
      return iv;
    }
    auto type = VectorType::get({piece.lanes}, b.getIndexType());
    Value splat = vector::BroadcastOp::create(b, loc, type, iv);
    if (dim + 1 != ivs.size()) {
      return splat;
    }
    Value step = vector::StepOp::create(b, loc, type);
    return arith::AddIOp::create(b, loc, splat, step);
  }

  SmallVector<Value> indices(AffineMap map, ArrayRef<Value> at) {
    return indicesAt(b, loc, map, at);
  }

  /// Loop coordinates of lane `lane`.
  SmallVector<Value> laneCoordinates(int64_t lane) {
    SmallVector<Value> at(ivs.begin(), ivs.end());
    if (lane != 0) {
      at.back() = arith::AddIOp::create(b, loc, at.back(), constant(lane));
    }
    return at;
  }

  Value load(OpOperand &operand) {
    linalg::GenericOp g = piece.op;
    Value source = outer.lookup(operand.get());
    auto type = dyn_cast<MemRefType>(source.getType());
    if (!type) {
      return source; // a scalar input (a fill value)
    }
    AffineMap map = g.getMatchingIndexingMap(&operand);
    Type et = type.getElementType();
    int64_t lanes = piece.lanes;
    if (lanes == 1) {
      return memref::LoadOp::create(b, loc, source, indices(map, ivs));
    }
    OperandPlan plan = planOperand(map, type, lanes);
    switch (plan.access) {
    case Access::Uniform:
      return widen(memref::LoadOp::create(b, loc, source, indices(map, ivs)));
    case Access::Contiguous: {
      auto vector = vector::LoadOp::create(b, loc, VectorType::get({lanes}, et), source,
                                           indices(map, ivs));
      vector.setAlignment(plan.aligned ? lanes * elementBytes(et) : elementBytes(et));
      return vector;
    }
    case Access::Gather: {
      SmallVector<Value> elements;
      for (int64_t lane = 0; lane < lanes; ++lane) {
        elements.push_back(
            memref::LoadOp::create(b, loc, source, indices(map, laneCoordinates(lane))));
      }
      return vector::FromElementsOp::create(b, loc, VectorType::get({lanes}, et), elements);
    }
    }
    llvm_unreachable("unknown access");
  }

  void store(OpOperand &operand, Value v) {
    Value dest = outer.lookup(operand.get());
    auto type = cast<MemRefType>(dest.getType());
    linalg::GenericOp g = piece.op;
    AffineMap map = g.getMatchingIndexingMap(&operand);
    if (piece.lanes == 1) {
      memref::StoreOp::create(b, loc, v, dest, indices(map, ivs));
      return;
    }
    // chooseLanes made every output contiguous.
    OperandPlan plan = planOperand(map, type, piece.lanes);
    int64_t bytes = elementBytes(type.getElementType());
    auto vector = vector::StoreOp::create(b, loc, v, dest, indices(map, ivs));
    vector.setAlignment(plan.aligned ? piece.lanes * bytes : bytes);
  }

  OpBuilder &b;
  Location loc;
  const Piece &piece;
  const IRMapping &outer;
  SmallVector<Value> ivs;
};


//===----------------------------------------------------------------------------===//
// Row reductions: one block per row
//===----------------------------------------------------------------------------===//

/// The reduction `out = g(out, x)` of a reduction generic's body: the op that combines
/// the accumulator with the single value `x` computed from the rest of the body (or a
/// block argument); g is one associative, commutative arith op.
struct Combiner {
  SmallVector<Operation *> ops;
  Value x;
};

/// `c` (its ops in body order) is select(uno(acc, x), NaN, select(cmp(acc, x), a, b)) with
/// cmp an ordered comparison and {a, b} = {acc, x}: max or min propagating NaN, which is
/// associative and commutative (up to the sign of equal zeros), like arith.maximumf.
static bool isNanPropagatingMinMax(const Combiner &c, Value acc, Value yielded) {
  if (c.ops.size() != 4 || c.ops[3]->getResult(0) != yielded) {
    return false;
  }
  auto both = [&](Value p, Value q) {
    return (p == acc && q == c.x) || (p == c.x && q == acc);
  };
  auto uno = dyn_cast<arith::CmpFOp>(c.ops[0]);
  auto cmp = dyn_cast<arith::CmpFOp>(c.ops[1]);
  auto pick = dyn_cast<arith::SelectOp>(c.ops[2]);
  auto nan = dyn_cast<arith::SelectOp>(c.ops[3]);
  if (!uno || !cmp || !pick || !nan || uno.getPredicate() != arith::CmpFPredicate::UNO ||
      !both(uno.getLhs(), uno.getRhs()) || !both(cmp.getLhs(), cmp.getRhs()) ||
      !llvm::is_contained({arith::CmpFPredicate::OLT, arith::CmpFPredicate::OGT,
                           arith::CmpFPredicate::OLE, arith::CmpFPredicate::OGE},
                          cmp.getPredicate()) ||
      pick.getCondition() != cmp.getResult() ||
      !both(pick.getTrueValue(), pick.getFalseValue()) ||
      nan.getCondition() != uno.getResult() || nan.getFalseValue() != pick.getResult()) {
    return false;
  }
  FloatAttr value;
  return matchPattern(nan.getTrueValue(), m_Constant(&value)) && value.getValue().isNaN();
}

FailureOr<Combiner> findCombiner(linalg::GenericOp g) {
  Block &body = g.getRegion().front();
  if (g.getNumDpsInits() != 1) {
    return failure();
  }
  BlockArgument acc = body.getArguments().back();
  DenseSet<Value> dependent{acc};
  Combiner c;
  for (Operation &op : body.without_terminator()) {
    if (llvm::any_of(op.getOperands(), [&](Value v) { return dependent.contains(v); })) {
      if (op.getNumRegions() != 0) {
        return failure();
      }
      c.ops.push_back(&op);
      for (Value r : op.getResults()) {
        dependent.insert(r);
      }
    }
  }
  for (Operation *op : c.ops) {
    for (Value v : op->getOperands()) {
      bool inBody = (isa<BlockArgument>(v) && v.getParentBlock() == &body) ||
                    (v.getDefiningOp() && v.getDefiningOp()->getBlock() == &body);
      if (dependent.contains(v) || !inBody) {
        continue;
      }
      if (c.x && c.x != v) {
        return failure();
      }
      c.x = v;
    }
  }
  Value yielded = body.getTerminator()->getOperand(0);
  if (!c.x || c.x.getType() != acc.getType() || !dependent.contains(yielded) || yielded == acc) {
    return failure();
  }
  // Threads combine partials in a tree: g must be one associative, commutative op of
  // the accumulator and x (acc * x + x would give another answer), or the NaN-propagating
  // max / min of ReduceMax / ReduceMin: select(uno(acc, x), NaN, select(cmp(acc, x), ...)).
  if (isNanPropagatingMinMax(c, acc, yielded)) {
    return c;
  }
  if (c.ops.size() != 1 || c.ops[0]->getResult(0) != yielded ||
      !isa<arith::AddFOp, arith::AddIOp, arith::MulFOp, arith::MulIOp, arith::MaximumFOp,
           arith::MinimumFOp, arith::MaxNumFOp, arith::MinNumFOp, arith::MaxSIOp,
           arith::MinSIOp, arith::MaxUIOp, arith::MinUIOp, arith::AndIOp, arith::OrIOp,
           arith::XOrIOp>(c.ops[0])) {
    return failure();
  }
  return c;
}

/// A row buffer's access: indexed by the `rank` row loops only, through the identity.
bool isRowAccess(AffineMap map, size_t rank) {
  return map.getNumResults() == rank && map.getNumDims() >= rank &&
         llvm::all_of(llvm::enumerate(map.getResults()), [](auto it) {
           auto d = dyn_cast<AffineDimExpr>(it.value());
           return d && d.getPosition() == it.index();
         });
}

/// Emits a kernel whose ops all run over rows R (parallel) and, for some, a last loop of
/// C columns: one block per row, thread t owning columns t, t + T, t + 2T, ...
/// Row buffers (allocations indexed by the row only) live in registers; a reduction
/// accumulates per thread, then across the warp with shuffles and across warps through
/// shared memory, and every thread continues with the row's value. Values a thread
/// stored or loaded at one of its columns are reused by later ops (one read per row).
class RowEmitter {
public:
  RowEmitter(OpBuilder &b, Location loc, ArrayRef<int64_t> rows, int64_t columns,
             int64_t threads, int64_t group, const IRMapping &outer, Value shared,
             const DenseSet<Value> &columnTemps)
      : b(b), loc(loc), rows(rows), columns(columns), threads(threads), group(group),
        outer(outer), shared(shared), columnTemps(columnTemps) {}

  LogicalResult emit(ArrayRef<linalg::GenericOp> ops) {
    Value bid = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
    tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
    rowIvs = delinearize(b, loc, bid, rows);
    for (linalg::GenericOp g : ops) {
      if (g.getNumLoops() == rows.size()) {
        emitRowOp(g);
      } else if (isAllParallel(g)) {
        emitColumnOp(g);
      } else if (failed(emitReduction(g))) {
        return failure();
      }
    }
    return success();
  }

  int64_t perThread() const { return (columns + threads - 1) / threads; }

private:
  Value constant(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }

  Value lookup(IRMapping &map, Value v) {
    if (Value m = map.lookupOrNull(v)) {
      return m;
    }
    return outer.lookup(v);
  }

  SmallVector<Value> indices(AffineMap map, ArrayRef<Value> at) {
    return indicesAt(b, loc, map, at);
  }

  /// The value of operand `operand` at the row's coordinates (`column` null) or at
  /// column slot `k` (`column` its index).
  Value read(linalg::GenericOp g, OpOperand &operand, Value column, int64_t k, bool cache) {
    if (!isa<MemRefType>(operand.get().getType())) {
      return outer.lookup(operand.get()); // a scalar (a fill value)
    }
    AffineMap map = g.getMatchingIndexingMap(&operand);
    Value root = viewRoot(operand.get());
    if (columnTemps.contains(root)) {
      // Read before any write it is undefined, like the allocation.
      auto it = columnValues.find({root, k});
      return column && it != columnValues.end()
                 ? it->second
                 : ub::PoisonOp::create(b, loc, getElementTypeOrSelf(root.getType()))
                       .getResult();
    }
    if (root.getDefiningOp<memref::AllocOp>()) {
      // A row buffer (mapRows checked): its value lives in registers. Read before any
      // write it is undefined, like the allocation.
      if (auto it = rowValues.find(root); it != rowValues.end()) {
        return it->second;
      }
      Type type = getElementTypeOrSelf(root.getType());
      return ub::PoisonOp::create(b, loc, type);
    }
    Value source = outer.lookup(operand.get());
    bool usesColumn = map.isFunctionOfDim(rows.size()) && column;
    if (!usesColumn) {
      if (isRowAccess(map, rows.size())) {
        if (auto it = rowValues.find(root); it != rowValues.end()) {
          return it->second;
        }
      }
      return memref::LoadOp::create(b, loc, source, indices(map, rowIvs));
    }
    bool identity = map.isIdentity();
    if (cache && identity) {
      if (auto it = columnValues.find({root, k}); it != columnValues.end()) {
        return it->second;
      }
    }
    SmallVector<Value> at(rowIvs.begin(), rowIvs.end());
    at.push_back(column);
    Value v = memref::LoadOp::create(b, loc, source, indices(map, at));
    if (cache && identity) {
      columnValues[{root, k}] = v;
    }
    return v;
  }

  /// Clones the body of `g` (minus `skip`) with its block arguments bound to `args`.
  void cloneBody(linalg::GenericOp g, IRMapping &map, ArrayRef<Operation *> skip = {}) {
    for (Operation &op : g.getRegion().front().without_terminator()) {
      if (llvm::is_contained(skip, &op)) {
        continue;
      }
      SmallVector<Value> operands;
      for (Value v : op.getOperands()) {
        operands.push_back(lookup(map, v));
      }
      OperationState state(loc, op.getName().getIdentifier(), operands, op.getResultTypes(),
                           op.getAttrs());
      map.map(op.getResults(), b.create(state)->getResults());
    }
  }

  /// Ops over the rows only: every thread computes the row's value; row buffers keep it
  /// in registers, anything else is stored by thread 0.
  void emitRowOp(linalg::GenericOp g) {
    Block &body = g.getRegion().front();
    IRMapping map;
    for (OpOperand &operand : g->getOpOperands()) {
      BlockArgument arg = body.getArgument(operand.getOperandNumber());
      if (g.isDpsInput(&operand) || !arg.use_empty()) {
        map.map(arg, read(g, operand, Value(), 0, false));
      }
    }
    cloneBody(g, map);
    auto yield = cast<linalg::YieldOp>(body.getTerminator());
    for (OpOperand &out : g.getDpsInitsMutable()) {
      Value v = lookup(map, yield.getOperand(out.getOperandNumber() - g.getNumDpsInputs()));
      writeRow(g, out, v);
    }
  }

  void writeRow(linalg::GenericOp g, OpOperand &out, Value v) {
    Value root = viewRoot(out.get());
    AffineMap map = g.getMatchingIndexingMap(&out);
    if (isRowAccess(map, rows.size())) {
      rowValues[root] = v;
    }
    if (!root.getDefiningOp<memref::AllocOp>()) {
      Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid, constant(0));
      auto ifOp = scf::IfOp::create(b, loc, first, /*withElseRegion=*/false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(ifOp.thenBlock());
      memref::StoreOp::create(b, loc, v, outer.lookup(out.get()), indices(map, rowIvs));
    }
  }

  /// Column `k` of this thread and whether it exists (null when it always does). The
  /// thread's slots come in groups of `group` adjacent columns, group g of thread t at
  /// columns (g T + t) group ..: LLVM merges the group's loads and stores into one
  /// (16 bytes at the widest element), and a warp's accesses stay contiguous.
  std::pair<Value, Value> columnSlot(int64_t k) {
    int64_t g = k / group, v = k % group;
    Value column = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, tid, constant(group)),
        constant(g * threads * group + v));
    if ((g + 1) * threads * group <= columns) {
      return {column, Value()};
    }
    Value valid = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, column,
                                        constant(columns));
    return {column, valid};
  }

  void emitColumnOp(linalg::GenericOp g) {
    Block &body = g.getRegion().front();
    auto yield = cast<linalg::YieldOp>(body.getTerminator());
    // Outputs that are column temporaries stay in registers; in a guarded slot they
    // leave its scf.if as results (poison where the column does not exist).
    SmallVector<OpOperand *> temps;
    SmallVector<Type> tempTypes;
    for (OpOperand &out : g.getDpsInitsMutable()) {
      if (columnTemps.contains(viewRoot(out.get()))) {
        temps.push_back(&out);
        tempTypes.push_back(getElementTypeOrSelf(out.get().getType()));
      }
    }
    for (int64_t k = 0; k < perThread(); ++k) {
      auto [column, valid] = columnSlot(k);
      OpBuilder::InsertionGuard guard(b);
      std::optional<scf::IfOp> ifOp;
      if (valid) {
        ifOp = scf::IfOp::create(b, loc, tempTypes, valid, /*withElseRegion=*/!temps.empty());
        if (!temps.empty()) {
          b.setInsertionPointToStart(ifOp->elseBlock());
          SmallVector<Value> poison;
          for (Type t : tempTypes) {
            poison.push_back(ub::PoisonOp::create(b, loc, t));
          }
          scf::YieldOp::create(b, loc, poison);
        }
        b.setInsertionPointToStart(ifOp->thenBlock());
      }
      bool cache = !valid;
      IRMapping map;
      for (OpOperand &operand : g->getOpOperands()) {
        BlockArgument arg = body.getArgument(operand.getOperandNumber());
        if (g.isDpsInput(&operand) || !arg.use_empty()) {
          map.map(arg, read(g, operand, column, k, cache));
        }
      }
      cloneBody(g, map);
      SmallVector<Value> tempValues;
      for (OpOperand &out : g.getDpsInitsMutable()) {
        Value v = lookup(map, yield.getOperand(out.getOperandNumber() - g.getNumDpsInputs()));
        if (llvm::is_contained(temps, &out)) {
          tempValues.push_back(v);
          continue;
        }
        AffineMap m = g.getMatchingIndexingMap(&out);
        SmallVector<Value> at(rowIvs.begin(), rowIvs.end());
        at.push_back(column);
        memref::StoreOp::create(b, loc, v, outer.lookup(out.get()), indices(m, at));
        if (cache && m.isIdentity()) {
          columnValues[{viewRoot(out.get()), k}] = v;
        }
      }
      if (ifOp && !temps.empty()) {
        scf::YieldOp::create(b, loc, tempValues);
        tempValues.assign(ifOp->getResults().begin(), ifOp->getResults().end());
      }
      for (auto [out, v] : llvm::zip(temps, tempValues)) {
        columnValues[{viewRoot(out->get()), k}] = v;
      }
    }
  }

  /// g(a, b) of the combiner.
  Value combine(linalg::GenericOp g, const Combiner &c, Value a, Value x) {
    IRMapping map;
    map.map(g.getRegion().front().getArguments().back(), a);
    map.map(c.x, x);
    for (Operation *op : c.ops) {
      SmallVector<Value> operands;
      for (Value v : op->getOperands()) {
        operands.push_back(lookup(map, v));
      }
      OperationState state(loc, op->getName().getIdentifier(), operands, op->getResultTypes(),
                           op->getAttrs());
      map.map(op->getResults(), b.create(state)->getResults());
    }
    return lookup(map, g.getRegion().front().getTerminator()->getOperand(0));
  }

  /// Tree reduction of `v` over lanes [0, active) of each warp (lane 0 ends with it).
  Value warpReduce(linalg::GenericOp g, const Combiner &c, Value v, Value lane, Value active) {
    Value width = arith::ConstantIntOp::create(b, loc, 32, 32);
    for (int32_t offset = 16; offset >= 1; offset /= 2) {
      Value off = arith::ConstantIntOp::create(b, loc, offset, 32);
      auto shuffle = gpu::ShuffleOp::create(b, loc, v, off, width, gpu::ShuffleMode::DOWN);
      Value from = arith::AddIOp::create(b, loc, lane, constant(offset));
      Value has = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, from, active);
      v = arith::SelectOp::create(b, loc, has, combine(g, c, v, shuffle.getShuffleResult()), v);
    }
    return v;
  }

  LogicalResult emitReduction(linalg::GenericOp g) {
    FailureOr<Combiner> c = findCombiner(g);
    if (failed(c)) {
      return g.emitError("kiln-cuda-map-kernels: the reduction's body is not 'acc = g(acc, "
                         "x)' with g one associative, commutative op (add, mul, max, min, "
                         "and, or, xor) and x one value (compile with --target=cpu)");
    }
    Block &body = g.getRegion().front();
    OpOperand &out = g.getDpsInitsMutable()[0];
    Type type = c->x.getType();
    // This thread's partial over its columns (lanes >= columns hold none).
    SmallVector<Operation *> skip(c->ops.begin(), c->ops.end());
    Value partial;
    for (int64_t k = 0; k < perThread(); ++k) {
      auto [column, valid] = columnSlot(k);
      auto element = [&]() {
        IRMapping map;
        for (OpOperand *in : g.getDpsInputOperands()) {
          map.map(body.getArgument(in->getOperandNumber()), read(g, *in, column, k, !valid));
        }
        cloneBody(g, map, skip);
        return lookup(map, c->x);
      };
      if (!valid) {
        Value x = element();
        partial = partial ? combine(g, *c, partial, x) : x;
        continue;
      }
      auto ifOp = scf::IfOp::create(b, loc, TypeRange{type}, valid, /*withElseRegion=*/true);
      {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(ifOp.thenBlock());
        Value x = element();
        scf::YieldOp::create(b, loc, partial ? combine(g, *c, partial, x) : x);
        b.setInsertionPointToStart(ifOp.elseBlock());
        Value keep = partial ? partial
                             : arith::ConstantOp::create(b, loc, type, b.getZeroAttr(type))
                                   .getResult();
        scf::YieldOp::create(b, loc, keep);
      }
      partial = ifOp.getResult(0);
    }
    // Threads [0, min(columns, threads)) hold partials.
    int64_t holders = std::min(columns, threads);
    Value lane = arith::RemUIOp::create(b, loc, tid, constant(32));
    Value warp = arith::DivUIOp::create(b, loc, tid, constant(32));
    Value warpBase = arith::MulIOp::create(b, loc, warp, constant(32));
    // Active lanes of this warp: clamp(holders - 32 w, 0, 32), as holders - base when
    // positive (every lane of a warp below holders/32 is active).
    Value left = arith::SubIOp::create(
        b, loc, arith::MaxUIOp::create(b, loc, constant(holders), warpBase), warpBase);
    Value active = arith::MinUIOp::create(b, loc, left, constant(32));
    Value v = warpReduce(g, *c, partial, lane, active);
    int64_t warps = (holders + 31) / 32;
    Value total;
    Value zero = constant(0);
    if (warps == 1) {
      Value src = arith::ConstantIntOp::create(b, loc, 0, 32);
      Value width = arith::ConstantIntOp::create(b, loc, 32, 32);
      total = gpu::ShuffleOp::create(b, loc, v, src, width, gpu::ShuffleMode::IDX)
                  .getShuffleResult();
    } else {
      Value slots = shared; // one slot per warp (mapRows: one element type per kernel)
      Value isLane0 = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, zero);
      {
        auto ifOp = scf::IfOp::create(b, loc, isLane0, false);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(ifOp.thenBlock());
        memref::StoreOp::create(b, loc, v, slots, ValueRange{warp});
      }
      gpu::BarrierOp::create(b, loc);
      Value hasSlot = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, lane,
                                            constant(warps));
      auto ifOp = scf::IfOp::create(b, loc, TypeRange{type}, hasSlot, true);
      {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(ifOp.thenBlock());
        scf::YieldOp::create(b, loc,
                             memref::LoadOp::create(b, loc, slots, ValueRange{lane}).getResult());
        b.setInsertionPointToStart(ifOp.elseBlock());
        scf::YieldOp::create(
            b, loc, arith::ConstantOp::create(b, loc, type, b.getZeroAttr(type)).getResult());
      }
      Value w = warpReduce(g, *c, ifOp.getResult(0), lane, constant(warps));
      // Every warp reduced the same slots: lane 0 of each has the row's total.
      Value src = arith::ConstantIntOp::create(b, loc, 0, 32);
      Value width = arith::ConstantIntOp::create(b, loc, 32, 32);
      total = gpu::ShuffleOp::create(b, loc, w, src, width, gpu::ShuffleMode::IDX)
                  .getShuffleResult();
      // The slots are reused by the next reduction.
      gpu::BarrierOp::create(b, loc);
    }
    Value init = read(g, out, Value(), 0, false);
    writeRow(g, out, combine(g, *c, init, total));
    return success();
  }

  OpBuilder &b;
  Location loc;
  ArrayRef<int64_t> rows;
  int64_t columns;
  int64_t threads;
  int64_t group; // adjacent columns per slot group (columnSlot)
  const IRMapping &outer;
  Value shared;
  /// Kernel temporaries of whole rows read and written only at the thread's own columns:
  /// their values live in columnValues, never in memory.
  const DenseSet<Value> &columnTemps;
  Value tid;
  SmallVector<Value> rowIvs;
  DenseMap<Value, Value> rowValues;
  DenseMap<std::pair<Value, int64_t>, Value> columnValues;
};

class MapKernels {
public:
  MapKernels(ModuleOp module, gpu::GPUModuleOp gpuModule, StringRef arch, bool tf32)
      : module(module), gpuModule(gpuModule), arch(arch), tf32(tf32) {}

  /// Moves `fn` into the GPU module; returns its launch or fails with a diagnostic.
  FailureOr<Launch> map(func::FuncOp fn) {
    if (fn->hasAttr(kAttentionDescAttr)) {
      return mapAttention(fn, fn.getSymName().str() + " (" + label(fn) + ")", arch,
                          [&](OpBuilder &b, int64_t block, TypeRange extraArgs,
                              IRMapping &outer) {
                            return createKernel(b, fn, block, outer, extraArgs);
                          },
                          tensorMaps[fn.getSymName()]);
    }
    std::string who = fn.getSymName().str() + " (" + label(fn) + ")";
    CreateKernelFn create = [&](OpBuilder &b, int64_t block, TypeRange extraArgs,
                                IRMapping &outer) {
      return createKernel(b, fn, block, outer, extraArgs);
    };
    if (linalg::LinalgOp product = findContraction(fn)) {
      // A product without a tensor-core form (f32 operands: an f32 model compiled
      // without --precision) runs on the CUDA cores, one thread per output element.
      if (!hasTensorCoreOperands(product, tf32)) {
        Type elem = getElementTypeOrSelf(product.getDpsInputs()[0].getType());
        std::string type;
        llvm::raw_string_ostream(type) << elem;
        fn.emitWarning("kiln-cuda-map-kernels: kernel ")
            << who << " runs its " << type
            << " product on CUDA cores, one thread per output element, far from the GPU's "
               "peak"
            << (elem.isF32() ? ": --precision=tf32, bf16 or fp16 puts it on tensor cores"
                             : " (kiln has no tensor-core kernel for these operands)");
        IRRewriter rewriter(fn.getContext());
        normalize(rewriter, fn);
        return mapWindow(fn, who, create);
      }
      return mapContraction(fn, who, arch, tf32, create, tensorMaps[fn.getSymName()]);
    }
    IRRewriter rewriter(fn.getContext());
    normalize(rewriter, fn);
    if (findConvolution(fn, tf32)) {
      return mapConvolution(fn, who, arch, tf32, create);
    }
    Block &entry = fn.getBody().front();
    bool reduces = false;
    for (Operation &op : entry.without_terminator()) {
      auto l = dyn_cast<linalg::LinalgOp>(op);
      if (!l || l.getNumReductionLoops() == 0) {
        continue;
      }
      reduces = true;
      // Windows (pooling, convolution: several reduction loops, or indices that are not
      // loops) and padded inputs take one thread per output; row reductions (one last
      // reduction loop) one block per row.
      // A reduction over other axes than the last (ReduceSum over axis 0) is a window:
      // each output element reduces a strided column.
      // So is one whose body the row kernel cannot split across threads (ArgMax's
      // value-and-index pair): each thread runs it sequentially.
      auto g = dyn_cast<linalg::GenericOp>(op);
      if (!g || l.getNumReductionLoops() > 1 ||
          g.getIteratorTypesArray().back() != utils::IteratorType::reduction ||
          failed(findCombiner(g)) ||
          !llvm::all_of(l.getIndexingMapsArray(),
                        [](AffineMap m) { return m.isProjectedPermutation(); }) ||
          !findPaddedBuffers(fn).empty()) {
        return mapWindow(fn, who, create);
      }
    }
    if (reduces) {
      return mapRows(fn);
    }
    SmallVector<Piece> pieces;
    DenseSet<Value> written;
    for (Operation &op : entry.without_terminator()) {
      if (isa<arith::ConstantOp, memref::SubViewOp, memref::CollapseShapeOp,
              memref::ExpandShapeOp, memref::CastOp, memref::ReinterpretCastOp,
              memref::GetGlobalOp>(op)) {
        continue;
      }
      auto g = dyn_cast<linalg::GenericOp>(op);
      if (!g) {
        return unsupported(fn, op);
      }
      for (OpOperand *in : g.getDpsInputOperands()) {
        if (written.contains(viewRoot(in->get()))) {
          return fn.emitError("kiln-cuda-map-kernels: kernel ")
                 << fn.getSymName() << " (" << label(fn)
                 << ") reads a buffer it wrote itself; the CUDA loop kernel has no "
                    "grid-wide barrier (compile with --target=cpu)";
        }
      }
      for (OpOperand &out : g.getDpsInitsMutable()) {
        written.insert(viewRoot(out.get()));
      }
      Piece piece;
      piece.op = g;
      piece.ranges = g.getStaticLoopRanges();
      if (llvm::any_of(piece.ranges, ShapedType::isDynamic)) {
        return unsupported(fn, op);
      }
      int64_t elements = 1;
      for (int64_t r : piece.ranges) {
        elements *= r;
      }
      if (elements == 0) {
        continue;
      }
      piece.lanes = chooseLanes(g, piece.ranges);
      piece.threads = elements / piece.lanes;
      pieces.push_back(piece);
    }

    int64_t block = 32;
    for (const Piece &p : pieces) {
      block = std::max(block, std::min(kMaxBlock, (p.threads + 31) / 32 * 32));
    }
    int64_t grid = 0;
    for (Piece &p : pieces) {
      p.firstBlock = grid;
      p.blocks = (p.threads + block - 1) / block;
      grid += p.blocks;
    }
    grid = std::max<int64_t>(grid, 1); // an empty output still launches validly
    if (grid > std::numeric_limits<int32_t>::max()) {
      return fn.emitError("kiln-cuda-map-kernels: kernel ")
             << fn.getSymName() << " (" << label(fn) << ") needs " << grid
             << " blocks, more than a grid holds";
    }

    OpBuilder b(fn.getContext());
    IRMapping outer;
    createKernel(b, fn, block, outer);
    Location loc = fn.getLoc();
    Value bid = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
    Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
    for (const Piece &p : pieces) {
      Value first = arith::ConstantIndexOp::create(b, loc, p.firstBlock);
      Value local = arith::SubIOp::create(b, loc, bid, first);
      Value t = arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, local, arith::ConstantIndexOp::create(b, loc, block)),
          tid);
      // bid >= first and t < threads, as one unsigned compare: local wraps when bid < first.
      Value inRange = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::ult, local,
          arith::ConstantIndexOp::create(b, loc, p.blocks));
      Value inBounds = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, t,
                                             arith::ConstantIndexOp::create(b, loc, p.threads));
      Value active = pieces.size() == 1 ? inBounds
                                        : arith::AndIOp::create(b, loc, inRange, inBounds);
      auto ifOp = scf::IfOp::create(b, loc, active, /*withElseRegion=*/false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(ifOp.thenBlock());
      PieceEmitter(b, loc, p, outer).emit(t);
    }
    gpu::ReturnOp::create(b, loc);
    fn.erase();
    return Launch{grid, 1, 1, block, 1, 1, 0};
  }

private:
  /// The gpu.func of `fn` with its arguments, constants, views and globals (mapped in
  /// `outer`); `b` is left at the end of its entry block.
  gpu::GPUFuncOp createKernel(OpBuilder &b, func::FuncOp fn, int64_t block, IRMapping &outer,
                              TypeRange extraArgs = {}) {
    b.setInsertionPointToEnd(gpuModule.getBody());
    SmallVector<Type> args(fn.getArgumentTypes());
    llvm::append_range(args, extraArgs);
    auto gfn = gpu::GPUFuncOp::create(b, fn.getLoc(), fn.getSymName(),
                                      b.getFunctionType(args, fn.getResultTypes()));
    gfn->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
    gfn.setKnownBlockSizeAttr(b.getDenseI32ArrayAttr({static_cast<int32_t>(block), 1, 1}));
    // Every binding is its own buffer, at least 64-byte aligned (docs/artifact.md).
    for (unsigned i = 0; i < gfn.getNumArguments(); ++i) {
      gfn.setArgAttr(i, "llvm.noalias", b.getUnitAttr());
      gfn.setArgAttr(i, "llvm.align", b.getI64IntegerAttr(64));
    }
    for (StringRef name : {kLabelAttr, kSchemeAttr}) {
      if (Attribute a = fn->getAttr(name)) {
        gfn->setAttr(name, a);
      }
    }
    Block &entry = fn.getBody().front();
    Block &gentry = gfn.getBody().front();
    b.setInsertionPointToStart(&gentry);
    for (auto [from, to] : llvm::zip(entry.getArguments(), gentry.getArguments())) {
      outer.map(from, to);
    }
    for (Operation &op : entry.without_terminator()) {
      // Copies are computation (column slices of a contraction's epilogue), mapped with it.
      if (isa<linalg::LinalgOp, memref::AllocOp, memref::DeallocOp, memref::CopyOp>(op)) {
        continue;
      }
      // Views of the kernel's temporaries (allocs, which the kernels keep in registers or
      // shared memory) are not cloned: they would keep using the erased function's alloc.
      if (op.getNumResults() == 1 && op.getNumOperands() >= 1 &&
          viewRoot(op.getResult(0)) != op.getResult(0) &&
          viewRoot(op.getResult(0)).getDefiningOp<memref::AllocOp>()) {
        continue;
      }
      if (auto get = dyn_cast<memref::GetGlobalOp>(op)) {
        cloneGlobal(get);
      }
      b.clone(op, outer);
    }
    return gfn;
  }

  FailureOr<Launch> mapRows(func::FuncOp fn);

  static std::string label(func::FuncOp fn) {
    auto l = fn->getAttrOfType<StringAttr>(kLabelAttr);
    return l && !l.getValue().empty() ? l.str() : "no ONNX node";
  }

  LogicalResult unsupported(func::FuncOp fn, Operation &op) {
    auto scheme = fn->getAttrOfType<StringAttr>(kSchemeAttr);
    return fn.emitError("kiln-cuda-map-kernels: kernel ")
           << fn.getSymName() << " (" << label(fn) << "; scheme "
           << (scheme ? scheme.getValue() : StringRef("single op"))
           << ") has no CUDA mapping yet: the CUDA target maps loop kernels (all-parallel "
              "ops) and row reductions (softmax, layernorm, reduce + elementwise), and this "
              "one holds '"
           << op.getName()
           << "'. Compile the model with --target=cpu until this scheme lands.";
  }

  /// Named parallel ops and copies become generics; everything else is left for `map`
  /// to judge.
  void normalize(IRRewriter &rewriter, func::FuncOp fn) {
    SmallVector<Operation *> ops;
    fn.walk([&](Operation *op) {
      if (isa<memref::CopyOp, linalg::LinalgOp>(op) && !isa<linalg::GenericOp>(op)) {
        ops.push_back(op);
      }
    });
    for (Operation *op : ops) {
      rewriter.setInsertionPoint(op);
      if (auto copy = dyn_cast<memref::CopyOp>(op)) {
        op = rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                         copy.getTarget());
      }
      auto linalgOp = cast<linalg::LinalgOp>(op);
      if (isa<linalg::FillOp, linalg::CopyOp, linalg::TransposeOp, linalg::BroadcastOp,
              linalg::ElementwiseOp, linalg::MapOp, linalg::ReduceOp>(op)) {
        (void)linalg::generalizeNamedOp(rewriter, linalgOp);
      }
    }
  }

  void cloneGlobal(memref::GetGlobalOp get) {
    if (gpuModule.lookupSymbol(get.getNameAttr())) {
      return;
    }
    auto global = module.lookupSymbol<memref::GlobalOp>(get.getNameAttr());
    OpBuilder b(gpuModule.getBodyRegion());
    b.setInsertionPointToStart(gpuModule.getBody());
    b.clone(*global);
  }

  ModuleOp module;
  gpu::GPUModuleOp gpuModule;
  std::string arch;
  bool tf32; // f32 products on tensor cores (--precision=tf32)

public:
  /// Per kernel symbol: the TMA tensor maps its contraction kernel takes (plan form).
  llvm::StringMap<SmallVector<SmallVector<int64_t>>> tensorMaps;
};


FailureOr<Launch> MapKernels::mapRows(func::FuncOp fn) {
  Block &entry = fn.getBody().front();
  SmallVector<linalg::GenericOp> ops;
  SmallVector<int64_t> rows;
  int64_t columns = 0;
  Type reducedType;
  for (Operation &op : entry.without_terminator()) {
    if (isKernelScaffolding(op)) {
      continue;
    }
    auto g = dyn_cast<linalg::GenericOp>(op);
    if (!g) {
      return unsupported(fn, op);
    }
    ops.push_back(g);
    SmallVector<utils::IteratorType> iterators = g.getIteratorTypesArray();
    if (!isAllParallel(g)) {
      SmallVector<int64_t> ranges = g.getStaticLoopRanges();
      if (llvm::count(iterators, utils::IteratorType::reduction) != 1 ||
          iterators.back() != utils::IteratorType::reduction ||
          llvm::any_of(ranges, ShapedType::isDynamic) ||
          (!rows.empty() && (ArrayRef(ranges).drop_back() != ArrayRef(rows) ||
                             ranges.back() != columns))) {
        return unsupported(fn, op);
      }
      rows.assign(ranges.begin(), ranges.end() - 1);
      columns = ranges.back();
      Type type = getElementTypeOrSelf(g.getDpsInits()[0].getType());
      if (reducedType && reducedType != type) {
        return unsupported(fn, op); // one shared-memory slot type per kernel
      }
      reducedType = type;
    }
  }
  // Every op runs over the rows, or the rows and the columns; a buffer an op wrote is
  // read later only at the same (row, column) or as the row's value; temporaries are
  // row buffers (registers): a kernel temporary of whole rows has nowhere to live.
  DenseSet<Value> written;
  // Column temporaries: whole rows of a kernel temporary (an f16 softmax's f32
  // exponentials), read and written only at the thread's own columns: registers.
  DenseSet<Value> columnTemps;
  SmallVector<int64_t> fullShape(rows.begin(), rows.end());
  fullShape.push_back(columns);
  for (linalg::GenericOp g : ops) {
    for (OpOperand &operand : g->getOpOperands()) {
      Value root = viewRoot(operand.get());
      auto type = dyn_cast<MemRefType>(root.getType());
      if (root.getDefiningOp<memref::AllocOp>() && type && type.getShape() == ArrayRef(fullShape)) {
        columnTemps.insert(root);
      }
    }
  }
  for (linalg::GenericOp g : ops) {
    for (OpOperand &operand : g->getOpOperands()) {
      Value root = viewRoot(operand.get());
      if (columnTemps.contains(root) && operand.get() == root &&
          g.getNumLoops() == rows.size() + 1 && g.getMatchingIndexingMap(&operand).isIdentity()) {
        continue;
      }
      columnTemps.erase(root);
    }
  }
  for (linalg::GenericOp g : ops) {
    for (OpOperand &operand : g->getOpOperands()) {
      if (!viewRoot(operand.get()).getDefiningOp<memref::AllocOp>() ||
          columnTemps.contains(viewRoot(operand.get()))) {
        continue;
      }
      // Through the buffer itself or a reshape of all of it (a keep-dims result [R, 1]
      // of an [R] accumulator): the same value per row.
      Value root = viewRoot(operand.get());
      bool whole = operand.get() == root;
      for (Value v = operand.get();
           !whole && (v.getDefiningOp<memref::ExpandShapeOp>() ||
                      v.getDefiningOp<memref::CollapseShapeOp>());) {
        v = v.getDefiningOp()->getOperand(0);
        whole = v == root;
      }
      if (!isRowAccess(g.getMatchingIndexingMap(&operand), rows.size()) || !whole) {
        return fn.emitError("kiln-cuda-map-kernels: kernel ")
               << fn.getSymName() << " (" << label(fn)
               << ") keeps a temporary that is not one value per row (compile with "
                  "--target=cpu)";
      }
    }
  }
  for (linalg::GenericOp g : ops) {
    SmallVector<int64_t> ranges = g.getStaticLoopRanges();
    bool rowOp = ArrayRef(ranges) == ArrayRef(rows);
    bool columnOp = ranges.size() == rows.size() + 1 &&
                    ArrayRef(ranges).drop_back() == ArrayRef(rows) && ranges.back() == columns;
    if (!rowOp && !columnOp) {
      return fn.emitError("kiln-cuda-map-kernels: kernel ")
             << fn.getSymName() << " (" << label(fn)
             << ") mixes iteration spaces a row reduction cannot hold (compile with "
                "--target=cpu)";
    }
    for (OpOperand *in : g.getDpsInputOperands()) {
      Value root = viewRoot(in->get());
      AffineMap m = g.getMatchingIndexingMap(in);
      bool sameSlot = m.isIdentity() || !m.isFunctionOfDim(rows.size()) || rowOp;
      if (written.contains(root) && !sameSlot) {
        return fn.emitError("kiln-cuda-map-kernels: kernel ")
               << fn.getSymName() << " (" << label(fn)
               << ") reads a buffer it wrote at another thread's columns (compile with "
                  "--target=cpu)";
      }
    }
    for (OpOperand &out : g.getDpsInitsMutable()) {
      written.insert(viewRoot(out.get()));
    }
  }
  if (!reducedType || !reducedType.isIntOrFloat() || reducedType.getIntOrFloatBitWidth() > 32) {
    return unsupported(fn, *ops.front());
  }
  int64_t threads = std::min<int64_t>(kMaxBlock, (columns + 31) / 32 * 32);
  // Prefer a block that divides the row: no bounds checks, every value reused.
  for (int64_t t = threads; t >= 64; t -= 32) {
    if (columns % t == 0) {
      threads = t;
      break;
    }
  }
  if ((columns + threads - 1) / threads > 32) {
    return fn.emitError("kiln-cuda-map-kernels: kernel ")
           << fn.getSymName() << " (" << label(fn) << ") reduces rows of " << columns
           << " elements; the CUDA row kernel holds at most " << 32 * kMaxBlock
           << " (compile with --target=cpu)";
  }
  int64_t grid = 1;
  for (int64_t r : rows) {
    grid *= r;
  }
  OpBuilder b(fn.getContext());
  IRMapping outer;
  gpu::GPUFuncOp gfn = createKernel(b, fn, threads, outer);
  auto slotsType = MemRefType::get(
      {32}, reducedType, MemRefLayoutAttrInterface{},
      gpu::AddressSpaceAttr::get(fn.getContext(), gpu::AddressSpace::Workgroup));
  Value slots = gfn.addWorkgroupAttribution(slotsType, fn.getLoc());
  // Slot groups of up to 16 bytes of the widest element the kernel reads or writes per
  // column in memory, where groups tile the row exactly (no column is guarded; a row with a
  // partial last round keeps single columns, whose first rounds need no guard).
  int64_t widest = 1;
  for (linalg::GenericOp g : ops) {
    for (Value v : g->getOperands()) {
      // Kernel temporaries (an f16 softmax's f32 exponentials) live in registers.
      if (auto type = dyn_cast<MemRefType>(v.getType());
          type && isa<BlockArgument>(viewRoot(v))) {
        widest = std::max<int64_t>(widest, (type.getElementTypeBitWidth() + 7) / 8);
      }
    }
  }
  int64_t group = std::max<int64_t>(1, 16 / widest);
  int64_t slotsPerThread = (columns + threads - 1) / threads;
  while (group > 1 && (slotsPerThread % group != 0 || columns % (threads * group) != 0)) {
    group /= 2;
  }
  RowEmitter emitter(b, fn.getLoc(), rows, columns, threads, group, outer, slots,
                     columnTemps);
  if (failed(emitter.emit(ops))) {
    gfn.erase();
    return failure();
  }
  gpu::ReturnOp::create(b, fn.getLoc());
  fn.erase();
  return Launch{grid, 1, 1, threads, 1, 1, 0};
}

struct MapKernelsToGpuPass : public kiln::impl::MapKernelsToGpuPassBase<MapKernelsToGpuPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto plan = module->getAttrOfType<DictionaryAttr>(kPlanAttr);
    if (!plan) {
      module.emitError("kiln-cuda-map-kernels: no kiln.plan (run kiln-plan-memory first)");
      return signalPassFailure();
    }
    OpBuilder b(module.getBodyRegion());
    b.setInsertionPointToEnd(module.getBody());
    auto gpuModule = gpu::GPUModuleOp::create(b, module.getLoc(), kGpuModuleName);
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(), b.getUnitAttr());

    SmallVector<func::FuncOp> kernels;
    for (auto fn : module.getOps<func::FuncOp>()) {
      if (fn->hasAttr(kKernelAttr)) {
        kernels.push_back(fn);
      }
    }
    llvm::StringMap<Launch> launches;
    MapKernels mapper(module, gpuModule, cudaArch, tf32);
    bool failed = false;
    for (func::FuncOp fn : kernels) {
      std::string name = fn.getSymName().str();
      FailureOr<Launch> launch = mapper.map(fn);
      if (mlir::failed(launch)) {
        failed = true;
        continue;
      }
      launches[name] = *launch;
    }
    if (failed) {
      return signalPassFailure();
    }
    // kiln-plan-memory made the host's constants plan data; the globals kernels read
    // now live in the GPU module.
    for (auto global : llvm::make_early_inc_range(module.getOps<memref::GlobalOp>())) {
      global.erase();
    }

    SmallVector<Attribute> entries;
    for (Attribute k : plan.getAs<ArrayAttr>("kernels")) {
      auto d = cast<DictionaryAttr>(k);
      NamedAttrList attrs(d);
      auto found = launches.find(d.getAs<StringAttr>("symbol").getValue());
      if (found == launches.end()) {
        module.emitError("kiln-cuda-map-kernels: plan kernel ")
            << d.getAs<StringAttr>("symbol") << " is not a kernel of this module";
        return signalPassFailure();
      }
      attrs.set("launch", b.getDenseI64ArrayAttr(found->second));
      auto maps = mapper.tensorMaps.find(found->first());
      if (maps != mapper.tensorMaps.end() && !maps->second.empty()) {
        SmallVector<Attribute> records;
        for (ArrayRef<int64_t> r : maps->second) {
          records.push_back(b.getDenseI64ArrayAttr(r));
        }
        attrs.set("tensor_maps", b.getArrayAttr(records));
      }
      entries.push_back(attrs.getDictionary(module.getContext()));
    }
    NamedAttrList planAttrs(plan);
    planAttrs.set("kernels", b.getArrayAttr(entries));
    module->setAttr(kPlanAttr, planAttrs.getDictionary(module.getContext()));
  }
};

} // namespace
