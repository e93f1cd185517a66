//===- VectorizeContractions.cpp - register-blocked matmul kernels -----------===//
//
// After bufferization, every kernel holding a linalg.matmul / batch_matmul gets the CPU
// matmul schedule measured in ../shared/recipes (cpu-matmul-8x32): cache tiles of at
// most 128 x 256 x 256 (M x N x K, shrunk to divide the matmul so tiles stay static), register tiles of 8 x 32 (two zmm per row on AVX-512,
// four ymm on AVX2), vectorization, alias folding + CSE so that the accumulator
// transfers hoist out of the k loop, contractions lowered to outer products (FMAs) and
// the k loop unrolled by 4. The schedule is a transform-dialect script applied to each
// kernel function; the fill that initializes the output is register-tiled beside it so
// that vectorization never meets a large untiled op (a pitfall the recipe records).
// Kernels whose matmul kiln-cpu-pack-contractions packed (a linalg.contract reading B in
// column panels) get the same register tiles over panels instead (kPackedSchedule).
//
//===----------------------------------------------------------------------------===//
#include "codegen/Passes.h"
#include "codegen/common/KernelInfo.h"
#include "codegen/cpu/TileSizes.h"

#include "mlir/Dialect/Transform/IR/TransformOps.h"
#include "mlir/Dialect/Transform/Interfaces/TransformInterfaces.h"
#include "mlir/Dialect/Transform/Transforms/TransformInterpreterUtils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

#include <numeric>


#define DEBUG_TYPE "kiln-cpu-vectorize-contractions"

namespace kiln {
#define GEN_PASS_DEF_VECTORIZECONTRACTIONSPASS
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

// The plain and attention schedules first tile the ops that initialize or feed the output
// (fills, bias broadcasts; in the plain schedule every generic too) to 8 x 32 register
// tiles (8 x the matmul tile's columns in attention kernels, whose generics are all tiled
// this way). Packed kernels tile theirs in C++ beforehand (tileEpilogues).
constexpr llvm::StringLiteral kTileFills = R"mlir(
    %fills = transform.structured.match ops{[@FILL_OPS@]} in %root
        : (!transform.any_op) -> !transform.any_op
    transform.foreach %fills : !transform.any_op {
    ^bb0(%fill: !transform.any_op):
      transform.sequence %fill : !transform.any_op failures(suppress) {
      ^bb1(%f: !transform.any_op):
        %tf, %lf:2 = transform.structured.tile_using_for %f tile_sizes [8, @FILL_COLS@]
          : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
      }
    })mlir";

// The plain and the attention schedules end alike: vectorize, fold the tiles' views into
// the transfers and hoist the accumulator transfers out of the k loops.
constexpr llvm::StringLiteral kVectorizeAndHoist = R"mlir(
    %fv = transform.structured.vectorize_children_and_apply_patterns %root
        : (!transform.any_op) -> !transform.any_op
    transform.apply_patterns to %fv {
      transform.apply_patterns.canonicalization
    } : !transform.any_op
    transform.apply_cse to %fv : !transform.any_op
    transform.apply_patterns to %fv {
      transform.apply_patterns.memref.fold_memref_alias_ops
    } : !transform.any_op
    transform.apply_cse to %fv : !transform.any_op
    %fh = transform.structured.hoist_redundant_vector_transfers %fv
        : (!transform.any_op) -> !transform.any_op)mlir";

// %root is the kernel function. Steps as in the recipe up to the hoisting of the
// accumulators; kLowerSchedule below then lowers contractions to FMAs.
constexpr llvm::StringLiteral kSchedule = R"mlir(
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op) {
@FILLS@
    %mms = transform.structured.match ops{["linalg.matmul"]} in %root
        : (!transform.any_op) -> !transform.any_op
    transform.foreach %mms : !transform.any_op {
    ^bb0(%mm: !transform.any_op):
      %t1, %l1:3 = transform.structured.tile_using_for %mm tile_sizes [@TM@, @TN@, @TK@]
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
      %t2, %l2:3 = transform.structured.tile_using_for %t1 tile_sizes [@RM@, @RN@, 1]
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    }
    %bmms = transform.structured.match ops{["linalg.batch_matmul"]} in %root
        : (!transform.any_op) -> !transform.any_op
    transform.foreach %bmms : !transform.any_op {
    ^bb0(%mm: !transform.any_op):
      %t1, %l1:4 = transform.structured.tile_using_for %mm tile_sizes [1, @TM@, @TN@, @TK@]
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
      %t2, %l2:4 = transform.structured.tile_using_for %t1 tile_sizes [1, @RM@, @RN@, 1]
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    }
@VECTORIZE_HOIST@
    transform.yield
  }
}
)mlir";

// Kernels whose matmul kiln-cpu-pack-contractions turned into a linalg.contract over
// (m, n0, n1, k) with B in panels Bp[n0, k, n1]: the packing copies (transpose or the
// rewritten im2col generic) are tiled to 8 panel rows, the copy out of a padded
// accumulator to rows (the fills and the epilogue were register-tiled before, by
// tileEpilogues), the contraction to cache tiles
// (n0 outside m, so that one 32 KB panel of a k tile stays in L1 while every row block
// of A passes over it) and to [@RM@ rows, 1 panel, k 1] register tiles. The output is
// the kernel's buffer seen through expand_shape: fold_memref_alias_ops loops forever on
// that in MLIR 22 and hoist_redundant_vector_transfers refuses view-like bases, so the
// schedule stops after vectorization, the C++ below hoists the accumulator, and the
// second script lowers the contraction to FMAs.
constexpr llvm::StringLiteral kPackedSchedule = R"mlir(
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op) {
    %copies = transform.structured.match ops{["linalg.transpose"]} in %root
        : (!transform.any_op) -> !transform.any_op
    transform.foreach %copies : !transform.any_op {
    ^bb0(%c: !transform.any_op):
      %tc, %lc:2 = transform.structured.tile_using_for %c tile_sizes [1, 8]
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
    }
    %gens = transform.structured.match ops{["linalg.generic"]}
        attributes {kiln.packed_operand} in %root : (!transform.any_op) -> !transform.any_op
    transform.foreach %gens : !transform.any_op {
    ^bb0(%g: !transform.any_op):
      %tg, %lg:2 = transform.structured.tile_using_for %g tile_sizes [1, 8]
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
    }
    %unpacks = transform.structured.match ops{["linalg.copy"]} in %root
        : (!transform.any_op) -> !transform.any_op
    transform.foreach %unpacks : !transform.any_op {
    ^bb0(%u: !transform.any_op):
      %tu, %lu = transform.structured.tile_using_for %u tile_sizes [1, 0]
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    }
    %mms = transform.structured.match ops{["linalg.contract"]} in %root
        : (!transform.any_op) -> !transform.any_op
    transform.foreach %mms : !transform.any_op {
    ^bb0(%mm: !transform.any_op):
      %t1, %l1:3 = transform.structured.tile_using_for %mm tile_sizes [@TM@, @TN@, 0, @TK@]
          interchange = [1, 0, 2, 3]
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
      %t2, %l2:3 = transform.structured.tile_using_for %t1 tile_sizes [@RM@, 1, 0, 1]
          interchange = [1, 0, 2, 3]
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    }
    %fv = transform.structured.vectorize_children_and_apply_patterns %root
        : (!transform.any_op) -> !transform.any_op
    transform.apply_patterns to %fv {
      transform.apply_patterns.canonicalization
    } : !transform.any_op
    transform.apply_cse to %fv : !transform.any_op
    transform.yield
  }
}
)mlir";

// Attention kernels (kiln-cpu-lower-attention): their matmuls multiply blocks of at most
// 64 x 64 that sit in L1 already, so they get register tiles only, as do the elementwise
// and row-reduction generics of the online softmax and the copies of Q and K^T; the
// running row statistics (1-D) are vectorized whole.
constexpr llvm::StringLiteral kAttentionSchedule = R"mlir(
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op) {
@FILLS@
    %mms = transform.structured.match ops{["linalg.matmul"]} in %root
        : (!transform.any_op) -> !transform.any_op
    transform.foreach %mms : !transform.any_op {
    ^bb0(%mm: !transform.any_op):
      %t2, %l2:3 = transform.structured.tile_using_for %mm tile_sizes [@RM@, @RN@, 1]
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    }
@VECTORIZE_HOIST@
    transform.yield
  }
}
)mlir";

// Both schedules end with this one: contractions to outer-product FMAs, the k loop
// unrolled by 4 where there is one (a partial tile that did not vectorize has no
// vector.fma to find).
constexpr llvm::StringLiteral kLowerSchedule = R"mlir(
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%fh: !transform.any_op) {
    transform.apply_patterns to %fh {
      transform.apply_patterns.vector.lower_contraction lowering_strategy = outerproduct
      transform.apply_patterns.vector.lower_outerproduct
      transform.apply_patterns.vector.transfer_permutation_patterns
      transform.apply_patterns.vector.lower_multi_reduction lowering_strategy = @MULTI@
      transform.apply_patterns.vector.lower_transfer max_transfer_rank = 1
      transform.apply_patterns.vector.lower_shape_cast
      transform.apply_patterns.vector.lower_transpose lowering_strategy = shuffle_1d
      transform.apply_patterns.vector.lower_broadcast
    } : !transform.any_op
    transform.apply_patterns to %fh {
      transform.apply_patterns.canonicalization
    } : !transform.any_op
    transform.sequence %fh : !transform.any_op failures(suppress) {
    ^bb0(%g: !transform.any_op):
      %fmas = transform.structured.match ops{["vector.fma"]} in %g
          : (!transform.any_op) -> !transform.any_op
      %kloops = transform.get_parent_op %fmas {op_name = "scf.for", deduplicate}
          : (!transform.any_op) -> !transform.op<"scf.for">
      transform.loop.unroll %kloops { factor = 4 } : !transform.op<"scf.for">
    }
    transform.yield
  }
}
)mlir";

// Kernels without a contraction (loop and row-reduction groups, single elementwise,
// reduction and data-movement ops): the C++ below tiled each structured op to one
// vector of its innermost loop (vectorRowTiles); this vectorizes the tiles and lowers
// them (a row reduction's tile reduces with vector.reduction, one per row).
constexpr llvm::StringLiteral kLoopSchedule = R"mlir(
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op) {
    %fv = transform.structured.vectorize_children_and_apply_patterns %root
        : (!transform.any_op) -> !transform.any_op
    transform.apply_patterns to %fv {
      transform.apply_patterns.canonicalization
    } : !transform.any_op
    transform.apply_cse to %fv : !transform.any_op
    transform.yield
  }
}
)mlir";

/// Moves each transfer_read / transfer_write pair of an scf.for body that accesses the
/// same loop-invariant buffer at the same loop-invariant indices out of the loop, the
/// value carried in iter_args (upstream's hoisting without its view-like-base refusal).
/// Only loops whose body writes memory nowhere else qualify, and the pair must be the
/// only accesses of that base in the loop, so no other access can alias the hoisted
/// value: the k loops of a register tile, which otherwise only read A and B panels.
void hoistAccumulators(func::FuncOp fn) {
  IRRewriter rewriter(fn.getContext());
  // Subviews of the accumulator that tiling left inside the k loop go out first.
  fn.walk([](LoopLikeOpInterface loop) { moveLoopInvariantCode(loop); });
  bool changed = true;
  while (changed) {
    changed = false;
    fn.walk([&](scf::ForOp loop) {
      if (changed) {
        return WalkResult::interrupt();
      }
      for (auto read : loop.getBody()->getOps<vector::TransferReadOp>()) {
        Value base = read.getBase();
        if (read.getMask() || !loop.isDefinedOutsideOfLoop(base) ||
            !llvm::all_of(read.getIndices(),
                          [&](Value v) { return loop.isDefinedOutsideOfLoop(v); }) ||
            !loop.isDefinedOutsideOfLoop(read.getPadding())) {
          continue;
        }
        vector::TransferWriteOp write;
        bool alone = true;
        for (Operation *user : base.getUsers()) {
          if (user == read.getOperation() || !loop->isAncestor(user)) {
            continue;
          }
          auto w = dyn_cast<vector::TransferWriteOp>(user);
          if (!write && w && w->getBlock() == loop.getBody() && !w.getMask() &&
              read->isBeforeInBlock(w) && w.getIndices() == read.getIndices() &&
              w.getVectorType() == read.getVectorType() &&
              w.getPermutationMap() == read.getPermutationMap() &&
              w.getInBoundsAttr() == read.getInBoundsAttr()) {
            write = w;
            continue;
          }
          alone = false;
        }
        if (!write || !alone) {
          continue;
        }
        bool otherWrites = false;
        loop.getBody()->walk([&](Operation *op) {
          if (op == write.getOperation()) {
            return;
          }
          auto effects = dyn_cast<MemoryEffectOpInterface>(op);
          if ((effects && effects.hasEffect<MemoryEffects::Write>()) ||
              (!effects && !op->hasTrait<OpTrait::HasRecursiveMemoryEffects>() &&
               !isa<scf::YieldOp>(op))) {
            otherWrites = true;
          }
        });
        if (otherWrites) {
          continue;
        }
        rewriter.moveOpBefore(read, loop);
        Value stored = write.getVector();
        auto newLoop = cast<scf::ForOp>(*loop.replaceWithAdditionalYields(
            rewriter, ValueRange{read.getResult()}, /*replaceInitOperandUsesInLoop=*/false,
            [&](OpBuilder &, Location, ArrayRef<BlockArgument>) {
              return SmallVector<Value>{stored};
            }));
        BlockArgument carried = newLoop.getRegionIterArgs().back();
        rewriter.replaceUsesWithIf(read.getResult(), carried, [&](OpOperand &use) {
          return use.getOwner() != newLoop && newLoop->isAncestor(use.getOwner());
        });
        rewriter.setInsertionPointAfter(newLoop);
        vector::TransferWriteOp::create(rewriter, write.getLoc(), newLoop.getResults().back(),
                                        base, write.getIndices(), write.getPermutationMapAttr(),
                                        write.getInBoundsAttr());
        rewriter.eraseOp(write);
        changed = true;
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
  }
}

/// Tile of the innermost loop of a structured op for vectorization: the whole loop up
/// to 128 iterations (7, 49, 56 ... become one vector each, which LLVM splits into
/// registers and a masked tail), else 64, 32 or 16 where they divide it, else 64 (the
/// last partial tile stays scalar).
int64_t innerVectorTile(int64_t size) {
  if (size <= 128) {
    return size;
  }
  for (int64_t t : {64, 32, 16}) {
    if (size % t == 0) {
      return t;
    }
  }
  return 64;
}

/// Tiles every elementwise / reduction / data-movement structured op of a kernel without
/// contractions to [1, ..., 1, innerVectorTile(innermost)] so that vectorization makes
/// vectors of at most 128 elements along the innermost (contiguous) loop. Named
/// convolutions and pooling ops are left to the scalar path. Returns whether any op was
/// tiled.
bool vectorRowTiles(func::FuncOp fn) {
  // Copies left by bufferization (a padded input written into its buffer) become
  // linalg.copy so that they are tiled too: vectorized whole they would be one vector of
  // the entire tensor (576 x 14 x 14 floats in mobilenet_v2), minutes in LLVM.
  IRRewriter copies(fn.getContext());
  fn.walk([&](memref::CopyOp copy) {
    auto type = dyn_cast<MemRefType>(copy.getSource().getType());
    if (type && type.hasStaticShape() && type.getRank() > 0) {
      copies.setInsertionPoint(copy);
      copies.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(), copy.getTarget());
    }
  });
  SmallVector<linalg::LinalgOp> ops;
  fn.walk([&](linalg::LinalgOp op) {
    // Only ops indexing every operand by a projected permutation of the loops: a
    // strided slice (d0 * 2) or an index-only generic does not tile this way.
    if (op.hasPureBufferSemantics() && op.hasOnlyProjectedPermutations() &&
        isa<linalg::GenericOp, linalg::ReduceOp, linalg::FillOp, linalg::CopyOp,
            linalg::MapOp, linalg::BroadcastOp, linalg::TransposeOp>(op.getOperation())) {
      ops.push_back(op);
    }
  });
  IRRewriter rewriter(fn.getContext());
  bool tiled = false;
  for (linalg::LinalgOp op : ops) {
    // Booleans are stored a byte each; vectors of i1 would be loaded as packed bits.
    if (llvm::any_of(op->getOperandTypes(), [](Type t) {
          Type e = getElementTypeOrSelf(t);
          return e.isIntOrFloat() && e.getIntOrFloatBitWidth() < 8;
        })) {
      continue;
    }
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    if (ranges.empty() || llvm::any_of(ranges, ShapedType::isDynamic)) {
      continue;
    }
    SmallVector<OpFoldResult> sizes;
    for (size_t i = 0; i + 1 < ranges.size(); ++i) {
      sizes.push_back(rewriter.getIndexAttr(1));
    }
    sizes.push_back(rewriter.getIndexAttr(innerVectorTile(ranges.back())));
    scf::SCFTilingOptions options;
    options.setTileSizes(sizes);
    rewriter.setInsertionPoint(op);
    FailureOr<scf::SCFTilingResult> result =
        scf::tileUsingSCF(rewriter, cast<TilingInterface>(op.getOperation()), options);
    if (failed(result)) {
      continue;
    }
    rewriter.eraseOp(op);
    tiled = true;
  }
  return tiled;
}

/// Column tile of a register tile over `columns` contiguous elements: two vector
/// registers or one where they divide the columns, else the whole row up to 8 registers
/// (a row of 49 or 112 is then a few full registers and a masked tail), else the largest
/// divisor of at most 8 registers. A tile that leaves a partial tile at the row's end
/// would not vectorize: the partial tile stays scalar and, writing through the
/// kernel's expand_shape'd output, recomputes a division per element (MobileNetV2's
/// 1x1 convs over 28 x 28 maps, tiles of 112 columns, spent 70 % of their time there).
int64_t columnTile(int64_t columns, int64_t lanes) {
  for (int64_t t : {2 * lanes, lanes}) {
    if (columns % t == 0) {
      return t;
    }
  }
  int64_t widest = 8 * lanes;
  if (columns <= widest) {
    return columns;
  }
  for (int64_t t = widest; t > 1; --t) {
    if (columns % t == 0) {
      return t;
    }
  }
  return 2 * lanes;
}

/// Register-tiles the fills (fill, broadcast) and the elementwise epilogue (a 2-D all
/// parallel generic that is no packing copy) of a packed kernel to
/// [8 or fewer rows dividing the rows, columnTile(columns)].
void tileEpilogues(func::FuncOp fn, int64_t lanes) {
  SmallVector<linalg::LinalgOp> ops;
  fn.walk([&](linalg::LinalgOp op) {
    auto g = dyn_cast<linalg::GenericOp>(op.getOperation());
    bool epilogue = g && !g->hasAttr("kiln.packed_operand") && g.getNumLoops() == 2 &&
                    g.getNumParallelLoops() == 2;
    if ((epilogue || isa<linalg::FillOp, linalg::BroadcastOp>(op.getOperation())) &&
        op.getNumLoops() == 2 && op.hasPureBufferSemantics()) {
      ops.push_back(op);
    }
  });
  IRRewriter rewriter(fn.getContext());
  for (linalg::LinalgOp op : ops) {
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    if (llvm::any_of(ranges, ShapedType::isDynamic)) {
      continue;
    }
    int64_t rows = 1;
    for (int64_t r : {8, 4, 2}) {
      if (ranges[0] % r == 0) {
        rows = r;
        break;
      }
    }
    scf::SCFTilingOptions options;
    options.setTileSizes(
        {rewriter.getIndexAttr(rows), rewriter.getIndexAttr(columnTile(ranges[1], lanes))});
    rewriter.setInsertionPoint(op);
    FailureOr<scf::SCFTilingResult> result =
        scf::tileUsingSCF(rewriter, cast<TilingInterface>(op.getOperation()), options);
    if (succeeded(result)) {
      rewriter.eraseOp(op);
    }
  }
}

/// Float sums and products of a vector may be reassociated: LLVM then reduces a row tile
/// as a tree (log2 steps) instead of one add after another. The result differs from
/// the sequential sum by rounding only (within the tolerances the tests use against the
/// interpreter, as the register-blocked matmuls do).
void reassociateReductions(func::FuncOp fn) {
  fn.walk([](vector::ReductionOp op) {
    if (isa<FloatType>(op.getDest().getType()) &&
        (op.getKind() == vector::CombiningKind::ADD ||
         op.getKind() == vector::CombiningKind::MUL)) {
      op.setFastmathAttr(arith::FastMathFlagsAttr::get(
          op.getContext(), op.getFastmath() | arith::FastMathFlags::reassoc));
    }
  });
}

/// The first matmul-like op of the kernel, or null.
linalg::LinalgOp findContraction(func::FuncOp fn) {
  linalg::LinalgOp found;
  fn.walk([&](Operation *op) {
    if (isa<linalg::MatmulOp, linalg::BatchMatmulOp, linalg::ContractOp>(op)) {
      found = cast<linalg::LinalgOp>(op);
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return found;
}

} // namespace

int64_t kiln::evenTile(int64_t size, int64_t limit, int64_t quantum) {
  if (size <= limit) {
    return size;
  }
  for (int64_t q : {quantum, int64_t(16), int64_t(8), int64_t(1)}) {
    if (q > quantum) {
      continue;
    }
    for (int64_t t = limit / q * q; t >= std::max<int64_t>(q, limit / 4); t -= q) {
      if (size % t == 0) {
        return t;
      }
    }
  }
  return limit;
}

namespace {

/// The schedule with cache tiles fitted to the (m, n, k) sizes of `mm`.
std::string scheduleFor(linalg::LinalgOp mm, int64_t vectorBits) {
  SmallVector<int64_t> ranges = mm.getStaticLoopRanges();
  auto fit = [](int64_t size, int64_t limit, int64_t quantum) {
    return ShapedType::isDynamic(size) ? limit : kiln::evenTile(size, limit, quantum);
  };
  auto divides = [](int64_t tile, std::initializer_list<int64_t> options) {
    for (int64_t o : options) {
      if (tile % o == 0) {
        return o;
      }
    }
    return int64_t(1);
  };
  // Accumulators: 16 of the 32 zmm registers on AVX-512 (the recipe's measured 8 x 32),
  // 12 of the 16 ymm on AVX2, leaving registers for the B row and the A broadcast.
  int64_t lanes = vectorBits / 32, budget = vectorBits >= 512 ? 16 : 12;
  auto rowsFor = [&](int64_t tile, int64_t columns) {
    int64_t perRow = (columns + lanes - 1) / lanes;
    for (int64_t r : {16, 8, 6, 4, 2, 1}) {
      if (r * perRow <= budget && tile % r == 0 && (r <= 8 || perRow == 1)) {
        return r;
      }
    }
    return int64_t(1);
  };
  int64_t tm = 0, tn = 0, tk = 0, rm, rn, fillColumns = 32;
  std::string text, fillOps;
  if (mm->hasAttr(kiln::kAttentionAttr)) {
    // Scores [BQ, BK, D] and values [BQ, Dv, BK]: columns that divide both BK and Dv.
    auto fn = mm->getParentOfType<func::FuncOp>();
    int64_t columns = 0, rows = 0;
    fn.walk([&](linalg::MatmulOp op) {
      SmallVector<int64_t> r = op.getStaticLoopRanges();
      columns = std::gcd(columns, r[1]);
      rows = std::gcd(rows, r[0]);
    });
    rn = divides(columns, {2 * lanes, lanes, 8, 4, 1});
    rm = std::min<int64_t>(rowsFor(rows, rn), 8);
    text = kAttentionSchedule.str();
    fillOps = R"("linalg.fill", "linalg.generic")";
    fillColumns = rn;
  } else if (isa<linalg::ContractOp>(mm)) {
    // (m, n0, n1, k) with n1 the panel width: cache tiles count panels; a one-register
    // panel takes up to 16 rows so that enough accumulators hide the FMA latency.
    int64_t m = ranges[0], panels = ranges[1], panel = ranges[2], k = ranges[3];
    tm = fit(m, 128, 8);
    tn = fit(panels * panel, 256, panel) / panel;
    tk = fit(k, 256, 1);
    rm = rowsFor(tm, panel);
    rn = 1;
    text = kPackedSchedule.str();
    fillOps = R"("linalg.fill", "linalg.broadcast")";
  } else {
    int64_t b = isa<linalg::BatchMatmulOp>(mm) ? 1 : 0;
    int64_t m = ranges[b], n = ranges[b + 1], k = ranges[b + 2];
    tm = fit(m, 128, 8);
    tn = fit(n, 256, 32);
    tk = fit(k, 256, 1);
    // Register tiles: two registers of columns (32 on AVX-512) where they divide the
    // cache tile, else the widest of one register / 8 / 7 / 4 columns (7 for 7 x 7 and
    // 14 x 14 feature maps), and as many rows as the accumulator budget allows.
    rn = divides(tn, {2 * lanes, lanes, 8, 7, 4, 1});
    rm = std::min<int64_t>(rowsFor(tm, rn), 8);
    text = kSchedule.str();
    fillOps = R"("linalg.fill", "linalg.broadcast", "linalg.generic")";
  }
  auto substitute = [&](StringRef key, StringRef value) {
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key)) {
      text.replace(at, key.size(), value.str());
    }
  };
  substitute("@FILLS@", kTileFills);
  substitute("@FILL_OPS@", fillOps);
  substitute("@VECTORIZE_HOIST@", kVectorizeAndHoist);
  for (auto [key, value] :
       {std::pair{"@TM@", tm}, std::pair{"@TN@", tn}, std::pair{"@TK@", tk},
        std::pair{"@RM@", rm}, std::pair{"@RN@", rn}, std::pair{"@FILL_COLS@", fillColumns}}) {
    substitute(key, std::to_string(value));
  }
  return text;
}

struct VectorizeContractionsPass
    : public kiln::impl::VectorizeContractionsPassBase<VectorizeContractionsPass> {
  using Base::Base;

  /// Parses `text` and applies it to `fn`.
  LogicalResult apply(func::FuncOp fn, StringRef text) {
    ModuleOp module = getOperation();
    transform::TransformOptions options;
    options.enableExpensiveChecks(false);
    OwningOpRef<ModuleOp> schedule = parseSourceString<ModuleOp>(text, module.getContext());
    Operation *entry =
        schedule ? transform::detail::findTransformEntryPoint(module, *schedule) : nullptr;
    if (!entry) {
      return module.emitError("kiln-cpu-vectorize-contractions: the schedule does not parse");
    }
    return transform::applyTransformNamedSequence(fn, entry, *schedule, options);
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (vectorBits != 256 && vectorBits != 512) {
      module.emitError("kiln-cpu-vectorize-contractions: vector-bits must be 256 or 512");
      return signalPassFailure();
    }
    for (auto fn : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (!fn->hasAttr(kiln::kKernelAttr) || fn.isDeclaration()) {
        continue;
      }
      linalg::LinalgOp mm = findContraction(fn);
      if (!mm) {
        if (vectorRowTiles(fn)) {
          if (failed(apply(fn, kLoopSchedule))) {
            return signalPassFailure();
          }
          if (failed(apply(fn, lowerSchedule("innerreduction")))) {
            return signalPassFailure();
          }
          reassociateReductions(fn);
        }
        continue;
      }
      bool packed = isa<linalg::ContractOp>(mm);
      if (packed) {
        // The fills and the elementwise epilogue of a fused group, reading the
        // accumulator tile.
        tileEpilogues(fn, vectorBits / 32);
      }
      if (failed(apply(fn, scheduleFor(mm, vectorBits)))) {
        return signalPassFailure();
      }
      // Upstream's hoisting leaves the accumulators of attention kernels in the k loop
      // (their tiles are views of buffers the key loop reuses): kiln's hoisting takes them.
      if (packed || fn->hasAttr(kiln::kAttentionAttr)) {
        hoistAccumulators(fn);
      }
      // Attention's row statistics reduce register tiles along their rows: one
      // reassociable vector.reduction per row beats transposing the tile.
      bool attention = fn->hasAttr(kiln::kAttentionAttr);
      if (failed(apply(fn, lowerSchedule(attention ? "innerreduction" : "innerparallel")))) {
        return signalPassFailure();
      }
      if (attention) {
        reassociateReductions(fn);
      }
    }
  }

  /// kLowerSchedule with the given multi-reduction lowering: innerparallel for
  /// contraction kernels (reductions across rows of register tiles), innerreduction for
  /// row tiles of one row.
  static std::string lowerSchedule(StringRef multiReduction) {
    std::string text = kLowerSchedule.str();
    size_t at = text.find("@MULTI@");
    text.replace(at, 7, multiReduction.str());
    return text;
  }
};

} // namespace
