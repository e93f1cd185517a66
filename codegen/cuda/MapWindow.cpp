//===- MapWindow.cpp - reductions over small windows: one thread per output ---===//
//
// A window kernel is
//   [prologue: all-parallel ops that start the accumulators (fill, broadcast bias)]
//   one linalg op with reduction loops (a pooling, a depthwise or grouped convolution, a
//     global pooling, a product the tensor cores cannot take)
//   [epilogue: all-parallel ops over its output (bias, activation, residual, average)]
// where the reduction reads small windows that are different for every output element:
// a row kernel (one block per row) would waste its block, so each thread computes one
// output element. It runs the prologue ops on its element, then the reduction loops as
// scf.for loops carrying the accumulators in registers (every tap an ordinary load:
// neighbouring threads read neighbouring columns, so the loads are coalesced), then the
// epilogue ops, and stores each result once.
//
// Padding is virtual: a kernel temporary filled with the padding value and then given a
// copy of the input in its interior (what tensor.pad bufferizes to) is never written;
// every read of it reads the input at the shifted position, or the padding value outside
// it (PaddedBuffer). The implicit-GEMM convolution kernel reads its input the same way.
//
// Computed inputs: an elementwise op that kiln-fuse gave a convolution as its prologue
// (the cast of a residual stream to bf16, an activation) writes a buffer that only the
// padded copy or the reduction reads. It is never run as such: every element the
// reduction reads is computed from the op's own inputs (findInputProducer). Bufferization
// may have given that buffer to the kernel's output or the accumulator, which is why the
// search follows the buffer's reads and writes rather than requiring a temporary.
//
//===----------------------------------------------------------------------------===//
#include "codegen/cuda/Contraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace kiln::cuda {

namespace {

constexpr int64_t kWindowBlock = 256;
/// Reductions this long per output are products, not windows (warned about).
constexpr int64_t kLongReduction = 1024;

/// The value a generic that only writes yields everywhere (a fill), or null.
Value filledValue(linalg::GenericOp g) {
  if (g.getNumDpsInits() != 1 || !isAllParallel(g)) {
    return {};
  }
  for (OpOperand *in : g.getDpsInputOperands()) {
    if (isa<MemRefType>(in->get().getType())) {
      return {};
    }
  }
  Block &body = g.getRegion().front();
  if (!body.without_terminator().empty()) {
    return {};
  }
  Value y = cast<linalg::YieldOp>(body.getTerminator()).getOperand(0);
  if (auto arg = dyn_cast<BlockArgument>(y)) {
    if (arg.getOwner() != &body || !g.isDpsInput(&g->getOpOperand(arg.getArgNumber()))) {
      return {};
    }
    return g.getDpsInputs()[arg.getArgNumber()];
  }
  return y; // defined outside the body: a constant of the kernel
}

/// `g` copies its one input unchanged into its output (identity maps).
bool isCopy(linalg::GenericOp g) {
  if (g.getNumDpsInputs() != 1 || g.getNumDpsInits() != 1 || !isAllParallel(g) ||
      !llvm::all_of(g.getIndexingMapsArray(), [](AffineMap m) { return m.isIdentity(); })) {
    return false;
  }
  Block &body = g.getRegion().front();
  return body.without_terminator().empty() &&
         cast<linalg::YieldOp>(body.getTerminator()).getOperand(0) == body.getArgument(0);
}

} // namespace

SmallVector<PaddedBuffer> findPaddedBuffers(func::FuncOp fn) {
  SmallVector<PaddedBuffer> found;
  Block &entry = fn.getBody().front();
  for (Operation &op : entry.without_terminator()) {
    auto alloc = dyn_cast<memref::AllocOp>(op);
    if (!alloc || !alloc.getType().hasStaticShape()) {
      continue;
    }
    PaddedBuffer pb;
    pb.alloc = alloc;
    bool ok = true;
    for (Operation &user : entry.without_terminator()) {
      auto g = dyn_cast<linalg::GenericOp>(user);
      if (!g || g.getNumDpsInits() != 1) {
        continue;
      }
      Value out = g.getDpsInits()[0];
      if (out == pb.alloc && !pb.value) {
        pb.value = filledValue(g);
        ok &= pb.value && g.getIndexingMapsArray().back().isIdentity();
        pb.ops.push_back(g);
        continue;
      }
      auto sub = out.getDefiningOp<memref::SubViewOp>();
      if (sub && sub.getSource() == pb.alloc) {
        // The interior: the copy of the source, after the fill, at static offsets.
        ok &= pb.value && !pb.source && isCopy(g) && sub.hasUnitStride() &&
              llvm::none_of(sub.getStaticOffsets(), ShapedType::isDynamic) &&
              sub.getType().getRank() == cast<MemRefType>(pb.alloc.getType()).getRank() &&
              cast<MemRefType>(g.getDpsInputs()[0].getType()).getShape() ==
                  sub.getType().getShape();
        pb.source = g.getDpsInputs()[0];
        pb.offsets.assign(sub.getStaticOffsets().begin(), sub.getStaticOffsets().end());
        pb.ops.push_back(g);
      }
    }
    if (!ok || !pb.value || !pb.source) {
      continue;
    }
    // Every other use reads the allocation itself (the reduction), or is the interior
    // view of the copy.
    for (Operation *user : pb.alloc.getUsers()) {
      if (llvm::is_contained(pb.ops, user)) {
        continue;
      }
      if (auto sub = dyn_cast<memref::SubViewOp>(user)) {
        if (llvm::all_of(sub->getUsers(),
                         [&](Operation *u) { return llvm::is_contained(pb.ops, u); })) {
          continue;
        }
      }
      auto l = dyn_cast<linalg::LinalgOp>(user);
      if (!l || llvm::any_of(l.getDpsInits(), [&](Value v) { return v == pb.alloc; })) {
        ok = false;
      }
    }
    if (ok) {
      found.push_back(pb);
    }
  }
  return found;
}

Value readPadded(OpBuilder &b, Location loc, const PaddedBuffer &pb, IRMapping &outer,
                 ValueRange indices, function_ref<Value(ValueRange)> readSource) {
  auto c = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  ArrayRef<int64_t> shape = cast<MemRefType>(pb.source.getType()).getShape();
  ArrayRef<int64_t> padded = cast<MemRefType>(pb.alloc.getType()).getShape();
  Value valid;
  SmallVector<Value> at;
  for (auto [i, idx] : llvm::enumerate(indices)) {
    int64_t off = pb.offsets[i];
    if (off == 0 && shape[i] == padded[i]) {
      at.push_back(idx);
      continue;
    }
    // Signed: above the interior the shifted index is negative.
    Value s = arith::SubIOp::create(b, loc, idx, c(off));
    Value ge = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, s, c(0));
    Value lt = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, s, c(shape[i]));
    Value in = arith::AndIOp::create(b, loc, ge, lt);
    valid = valid ? arith::AndIOp::create(b, loc, valid, in).getResult() : in;
    at.push_back(arith::MinSIOp::create(b, loc, arith::MaxSIOp::create(b, loc, s, c(0)),
                                        c(shape[i] - 1)));
  }
  Value v = readSource ? readSource(at)
                       : memref::LoadOp::create(b, loc, outer.lookup(pb.source), at).getResult();
  if (!valid) {
    return v;
  }
  Value pad = outer.lookupOrDefault(pb.value);
  return arith::SelectOp::create(b, loc, valid, v, pad);
}

std::optional<ColumnSlice> matchColumnSlice(Operation &op) {
  Value source, target;
  if (auto copy = dyn_cast<memref::CopyOp>(op)) {
    source = copy.getSource();
    target = copy.getTarget();
  } else if (auto g = dyn_cast<linalg::GenericOp>(op); g && isCopy(g)) {
    source = g.getDpsInputs()[0];
    target = g.getDpsInits()[0];
  } else {
    return std::nullopt;
  }
  auto sub = source.getDefiningOp<memref::SubViewOp>();
  auto targetType = cast<MemRefType>(target.getType());
  if (!sub && isa<BlockArgument>(target) && targetType.getLayout().isIdentity() &&
      cast<MemRefType>(source.getType()) == targetType &&
      viewRoot(source).getDefiningOp<memref::AllocOp>() &&
      cast<MemRefType>(viewRoot(source).getType()).getLayout().isIdentity() &&
      targetType.hasStaticShape() && targetType.getRank() > 0) {
    // The whole temporary, through a reshape (a result bufferization did not forward).
    return ColumnSlice{viewRoot(source), target, 0, targetType.getShape().back()};
  }
  if (!sub || !isa<BlockArgument>(target) || !targetType.getLayout().isIdentity() ||
      !targetType.hasStaticShape() || !sub.getSource().getDefiningOp<memref::AllocOp>() ||
      !sub.hasUnitStride() || llvm::any_of(sub.getStaticOffsets(), ShapedType::isDynamic)) {
    return std::nullopt;
  }
  ArrayRef<int64_t> full = cast<MemRefType>(sub.getSource().getType()).getShape();
  ArrayRef<int64_t> offsets = sub.getStaticOffsets();
  ArrayRef<int64_t> sizes = targetType.getShape();
  size_t rank = full.size();
  if (rank == 0 || sizes.size() != rank || sub.getType().getShape() != sizes) {
    return std::nullopt;
  }
  for (size_t d = 0; d + 1 < rank; ++d) {
    if (offsets[d] != 0 || sizes[d] != full[d]) {
      return std::nullopt;
    }
  }
  return ColumnSlice{sub.getSource(), target, offsets.back(), sizes.back()};
}

namespace {

/// How `op` accesses buffer `root` (views of it included).
struct Access {
  bool reads = false, writes = false, whole = false; // whole: every element written
};

Access accessOf(Operation &op, Value root) {
  Access a;
  auto type = cast<MemRefType>(root.getType());
  if (auto l = dyn_cast<linalg::LinalgOp>(op)) {
    Block *body = l->getNumRegions() && !l->getRegion(0).empty() ? &l->getRegion(0).front()
                                                                   : nullptr;
    for (OpOperand &in : l->getOpOperands()) {
      if (!isa<MemRefType>(in.get().getType()) || viewRoot(in.get()) != root) {
        continue;
      }
      bool init = l.isDpsInit(&in);
      bool used = !body || in.getOperandNumber() >= body->getNumArguments() ||
                  !body->getArgument(in.getOperandNumber()).use_empty();
      a.reads |= !init || used;
      if (init) {
        auto t = cast<MemRefType>(in.get().getType());
        a.writes = true;
        a.whole = t.hasStaticShape() && t.getNumElements() == type.getNumElements() &&
                  l.getMatchingIndexingMap(&in).isProjectedPermutation();
      }
    }
    return a;
  }
  if (isa<memref::SubViewOp, memref::CollapseShapeOp, memref::ExpandShapeOp, memref::CastOp,
          memref::ReinterpretCastOp, memref::AllocOp, memref::DeallocOp>(op)) {
    return a; // views and allocation: no access of their own
  }
  if (auto copy = dyn_cast<memref::CopyOp>(op)) {
    a.reads = viewRoot(copy.getSource()) == root;
    a.writes = viewRoot(copy.getTarget()) == root;
    return a;
  }
  // Anything else touching the buffer: assume it reads and writes part of it.
  for (Value v : op.getOperands()) {
    if (isa<MemRefType>(v.getType()) && viewRoot(v) == root) {
      a.reads = a.writes = true;
    }
  }
  return a;
}

} // namespace

linalg::GenericOp findInputProducer(func::FuncOp fn, Value input, Operation *reader) {
  auto type = dyn_cast<MemRefType>(input.getType());
  if (!type || !type.hasStaticShape() || viewRoot(input) != input) {
    return {};
  }
  linalg::GenericOp producer;
  bool afterReader = false;
  for (Operation &op : fn.getBody().front().without_terminator()) {
    if (&op == reader) {
      if (!producer) {
        return {};
      }
      afterReader = true; // its read becomes the producer's evaluation
      continue;
    }
    Access a = accessOf(op, input);
    if (afterReader) {
      if (a.reads || (a.writes && !a.whole)) {
        return {}; // the producer's values are observed after the reader
      }
      if (a.writes) {
        return producer; // overwritten whole: never observed
      }
      continue;
    }
    if (a.reads && producer) {
      return {}; // read by something else before the reader
    }
    if (a.writes) {
      // The last whole write before the reader, by an all-parallel op that writes nothing
      // else, reads nothing of the buffer and leaves no element unwritten.
      auto g = dyn_cast<linalg::GenericOp>(op);
      bool computes = g && a.whole && !a.reads && isAllParallel(g) && g.getNumDpsInits() == 1 &&
                      g.getDpsInits()[0] == input &&
                      g.getIndexingMapsArray().back().isIdentity();
      producer = computes ? g : linalg::GenericOp();
    }
  }
  // Never overwritten: only a temporary's values go unobserved (a binding's are the
  // kernel's output).
  return afterReader && input.getDefiningOp<memref::AllocOp>() ? producer
                                                                : linalg::GenericOp();
}

bool writtenByKernel(func::FuncOp fn, Value buffer, ArrayRef<Operation *> except) {
  Value root = viewRoot(buffer);
  for (Operation &op : fn.getBody().front().without_terminator()) {
    if (!llvm::is_contained(except, &op) && accessOf(op, root).writes) {
      return true;
    }
  }
  return false;
}

FailureOr<Launch> mapWindow(func::FuncOp fn, const std::string &who,
                            const CreateKernelFn &createKernel) {
  auto refuse = [&](const Twine &why) {
    return fn.emitError("kiln-cuda-map-kernels: kernel ")
           << who << " has no CUDA mapping: " << why << " (compile with --target=cpu)";
  };
  SmallVector<PaddedBuffer> padded = findPaddedBuffers(fn);
  DenseSet<Operation *> padOps;
  for (const PaddedBuffer &pb : padded) {
    padOps.insert(pb.ops.begin(), pb.ops.end());
  }
  auto paddedOf = [&](Value v) -> const PaddedBuffer * {
    for (const PaddedBuffer &pb : padded) {
      if (pb.alloc == v) {
        return &pb;
      }
    }
    return nullptr;
  };

  linalg::LinalgOp r;
  SmallVector<linalg::GenericOp> prologue, epilogue, producers;
  SmallVector<ColumnSlice> slices;
  for (Operation &op : fn.getBody().front().without_terminator()) {
    auto l = dyn_cast<linalg::LinalgOp>(op);
    if (l && l.getNumReductionLoops() > 0) {
      if (r) {
        return refuse("it holds two reductions ('" + r->getName().getStringRef() + "', '" +
                      op.getName().getStringRef() + "') and the window kernel runs one");
      }
      r = l;
    }
  }
  if (!r) {
    return refuse("it has no reduction");
  }
  // Ops computing the reduction's inputs (a convolution's elementwise prologue): each tap
  // computes its input element instead of loading it.
  DenseMap<Value, linalg::GenericOp> inputProducers;
  for (Value in : r.getDpsInputs()) {
    const PaddedBuffer *pb = paddedOf(in);
    Value computed = pb ? pb->source : in;
    if (linalg::GenericOp g = findInputProducer(fn, computed, pb ? pb->ops.back() : r)) {
      inputProducers[computed] = g;
      producers.push_back(g);
    } else if (pb && writtenByKernel(fn, pb->source, pb->ops)) {
      // Read from memory, by other threads, while this kernel writes it.
      return refuse("its padded input is a buffer the kernel writes");
    }
  }
  for (Operation &op : fn.getBody().front().without_terminator()) {
    if (isKernelScaffolding(op) || padOps.contains(&op) || &op == r.getOperation() ||
        llvm::any_of(producers, [&](linalg::GenericOp g) { return g == &op; })) {
      continue;
    }
    if (r->isBeforeInBlock(&op)) {
      if (std::optional<ColumnSlice> slice = matchColumnSlice(op)) {
        slices.push_back(*slice);
        continue;
      }
    }
    auto g = dyn_cast<linalg::GenericOp>(op);
    if (!g || !isAllParallel(g) || !slices.empty()) {
      return refuse("it holds '" + op.getName().getStringRef() +
                    "' beside its reduction");
    }
    (op.isBeforeInBlock(r) ? prologue : epilogue).push_back(g);
  }
  DenseSet<Value> accRoots;
  for (Value out : r.getDpsInits()) {
    accRoots.insert(viewRoot(out));
  }
  // Ops before the reduction start its accumulators, or compute temporaries those read.
  llvm::erase_if(prologue, [&](linalg::GenericOp g) {
    if (g.getNumDpsInits() == 1 && !accRoots.contains(viewRoot(g.getDpsInits()[0])) &&
        isTemporaryProducer(g)) {
      producers.push_back(g);
      return true;
    }
    return false;
  });
  // One thread per element of the output space (the outputs' shape): every output of
  // the reduction indexes all its parallel loops, in one order.
  SmallVector<int64_t> ranges = r.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic)) {
    return refuse("it has dynamic sizes");
  }
  AffineMap outMap = r.getMatchingIndexingMap(r.getDpsInitOperand(0));
  if (!outMap.isProjectedPermutation() ||
      outMap.getNumResults() != r.getNumParallelLoops() ||
      llvm::any_of(r.getDpsInitsMutable(), [&](OpOperand &o) {
        return r.getMatchingIndexingMap(&o) != outMap;
      })) {
    return refuse("its reduction does not write every parallel loop's element once");
  }
  SmallVector<int64_t> space;
  for (AffineExpr e : outMap.getResults()) {
    space.push_back(ranges[cast<AffineDimExpr>(e).getPosition()]);
  }
  for (linalg::GenericOp g : prologue) {
    if (ArrayRef(g.getStaticLoopRanges()) != ArrayRef(space) ||
        llvm::any_of(g.getDpsInitsMutable(), [&](OpOperand &o) {
          return !accRoots.contains(viewRoot(o.get())) ||
                 !g.getMatchingIndexingMap(&o).isIdentity();
        })) {
      return refuse("an op before its reduction writes something other than the "
                    "reduction's starting values");
    }
  }
  DenseMap<Value, Value> written;
  for (Value out : r.getDpsInits()) {
    written[viewRoot(out)] = out;
  }
  if (std::optional<std::string> why = checkElementOps(epilogue, space, written)) {
    return refuse("an op after its reduction " + *why);
  }
  if (std::optional<std::string> why = checkColumnSlices(slices, space, written)) {
    return refuse(*why);
  }
  Block &body = r->getRegion(0).front();
  for (OpOperand *in : r.getDpsInputOperands()) {
    Value root = viewRoot(in->get());
    bool used = !body.getArgument(in->getOperandNumber()).use_empty();
    if (used && root.getDefiningOp<memref::AllocOp>() && !paddedOf(in->get()) &&
        !inputProducers.contains(in->get())) {
      return refuse("its reduction reads a temporary of the kernel");
    }
    if (used && written.contains(root) && !inputProducers.contains(in->get())) {
      return refuse("its reduction reads a buffer the kernel writes");
    }
  }

  // A long reduction per thread is a product without its tensor-core form (an f32
  // convolution): say so rather than run it slowly in silence.
  int64_t taps = 1;
  SmallVector<unsigned> reductionDims;
  r.getReductionDims(reductionDims);
  for (unsigned d : reductionDims) {
    taps *= ranges[d];
  }
  if (taps >= kLongReduction) {
    fn.emitWarning("kiln-cuda-map-kernels: kernel ")
        << who << " reduces " << taps
        << " elements per output on CUDA cores, one thread per output element, far from "
           "the GPU's peak: --precision=bf16 or fp16 runs dense convolutions and products "
           "on tensor cores";
  }
  int64_t total = 1;
  for (int64_t s : space) {
    total *= s;
  }
  int64_t block = std::min<int64_t>(kWindowBlock, std::max<int64_t>(32, (total + 31) / 32 * 32));
  int64_t grid = std::max<int64_t>(1, (total + block - 1) / block);
  if (grid > std::numeric_limits<int32_t>::max()) {
    return refuse("it needs " + Twine(grid) + " blocks, more than a grid holds");
  }

  OpBuilder b(fn.getContext());
  IRMapping outer;
  createKernel(b, block, {}, outer);
  Location loc = fn.getLoc();
  auto c = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  Value bid = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value t = arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, bid, c(block)), tid);
  auto inBounds = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, t, c(total));
  auto ifOp = scf::IfOp::create(b, loc, inBounds, /*withElseRegion=*/false);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    // The element's coordinates, row-major over the output space.
    SmallVector<Value> elementAt = delinearize(b, loc, t, space);
    SmallVector<Value> ivs(r.getNumLoops());
    for (auto [i, expr] : llvm::enumerate(outMap.getResults())) {
      ivs[cast<AffineDimExpr>(expr).getPosition()] = elementAt[i];
    }
    ElementValues values;
    for (linalg::GenericOp g : producers) {
      values.producers[g.getDpsInits()[0]] = g;
    }
    runElementOps(b, loc, prologue, outer, values, elementAt);
    SmallVector<Value> starts;
    for (OpOperand &out : r.getDpsInitsMutable()) {
      Value v = values.held.lookup(viewRoot(out.get()));
      if (!v) {
        v = memref::LoadOp::create(b, loc, outer.lookup(out.get()), elementAt);
      }
      starts.push_back(v);
    }
    // The reduction loops, outermost first, carrying the accumulators.
    SmallVector<unsigned> reductions;
    r.getReductionDims(reductions);
    std::function<SmallVector<Value>(size_t, ValueRange)> loops =
        [&](size_t level, ValueRange accs) -> SmallVector<Value> {
      if (level == reductions.size()) {
        IRMapping map = outer;
        for (OpOperand *in : r.getDpsInputOperands()) {
          BlockArgument arg = body.getArgument(in->getOperandNumber());
          if (arg.use_empty()) {
            continue; // a pooling's window-shape operand
          }
          Value v;
          if (!isa<MemRefType>(in->get().getType())) {
            v = outer.lookup(in->get());
          } else {
            SmallVector<Value> idx = indicesAt(b, loc, r.getMatchingIndexingMap(in), ivs);
            const PaddedBuffer *pb = paddedOf(in->get());
            linalg::GenericOp computed = inputProducers.lookup(pb ? pb->source : in->get());
            auto compute = [&](ValueRange at) -> Value {
              return evaluateProducer(b, loc, computed, outer, values, llvm::to_vector(at));
            };
            if (pb) {
              v = readPadded(b, loc, *pb, outer, idx,
                             computed ? function_ref<Value(ValueRange)>(compute)
                                      : function_ref<Value(ValueRange)>());
            } else if (computed) {
              v = compute(idx);
            } else {
              v = memref::LoadOp::create(b, loc, outer.lookup(in->get()), idx);
            }
          }
          map.map(arg, v);
        }
        for (auto [out, acc] : llvm::zip(r.getDpsInitsMutable(), accs)) {
          map.map(body.getArgument(out.getOperandNumber()), acc);
        }
        cloneLinalgBody(b, body, map, ivs);
        SmallVector<Value> next;
        for (Value y : cast<linalg::YieldOp>(body.getTerminator()).getValues()) {
          next.push_back(map.lookupOrDefault(y));
        }
        return next;
      }
      unsigned dim = reductions[level];
      auto loop = scf::ForOp::create(b, loc, c(0), c(ranges[dim]), c(1), accs);
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(loop.getBody());
      ivs[dim] = loop.getInductionVar();
      SmallVector<Value> next = loops(level + 1, loop.getRegionIterArgs());
      scf::YieldOp::create(b, loc, next);
      return SmallVector<Value>(loop.getResults().begin(), loop.getResults().end());
    };
    SmallVector<Value> results = loops(0, starts);
    for (auto [out, v] : llvm::zip(r.getDpsInits(), results)) {
      values.held[viewRoot(out)] = v;
      values.lastTarget[viewRoot(out)] = out;
    }
    runElementOps(b, loc, epilogue, outer, values, elementAt);
    storeElementValues(b, loc, outer, values, elementAt);
    storeColumnSlices(b, loc, slices, outer, values, elementAt);
  }
  gpu::ReturnOp::create(b, loc);
  fn.erase();
  return Launch{grid, 1, 1, block, 1, 1, 0};
}

} // namespace kiln::cuda
