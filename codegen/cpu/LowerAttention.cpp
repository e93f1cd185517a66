//===- LowerAttention.cpp - attention groups as a blockwise online softmax ---===//
//
// A kernel outlined from an attention group (kiln-fuse) computes
//
//   O = softmax(scale * Q K^T [+ maskScale * M]) V     per batch index (batch and heads),
//
// with Q, K, V and O reached through the group's transposes (heads split out of and
// merged back into [B, S, H, D]). Lowered op by op it would materialize the
// [.., Sq, Sk] score matrix; here it becomes, on tensors, before kiln-lower-to-linalg:
//
//   scf.forall (batch..., query rows step QI) {          // the kernel's work items
//     Qs = scale * Q[b][rows]   [QI, D]   K^T = K[b]^T  [D, Sk]   (V[b] read in place)
//     for each block of BQ query rows:
//       m = lowest float, l = 0, acc = 0
//       for each block of BK keys:                       // online softmax
//         S = Qs[blk] K^T[:, keys] [+ M[blk, keys]]      // [BQ, BK], linalg.matmul
//         m' = max(m, rowmax S);  P = exp(S - m');  c = exp(m - m')
//         l = l * c + rowsum P;   acc = acc * c + P V[keys]   (linalg.matmul)
//         m = m'
//       O[b][blk] = acc / l
//   }
//
// The mask M (causal, padding) is any f32 tensor that broadcasts to the scores; its
// block is read where it is needed. The running max starts at the lowest finite float, so
// a key block that a mask hides entirely (-inf) contributes nothing instead of NaN.
//
// so a work item keeps one BQ x BK block of scores and its row statistics: memory is
// linear in the sequence length. Block sizes come from the cost model
// (fusion::attentionBlock); QI shrinks (by halves, down to 64 rows) until there are at
// least 8 work items. The scale is applied to Q once (exact for the usual powers of
// two, 1/sqrt(64) = 1/8). The matmuls are marked `kiln.attention` so that
// kiln-cpu-pack-contractions leaves them alone and kiln-cpu-vectorize-contractions
// gives them register tiles. The kernel is read through the matcher the CUDA target
// shares (common/Attention.h).
//
// Under --precision=bf16|fp16 the group's matmuls stay f32, marked `kiln.precision`
// (kiln-mixed-precision keep-attention): the CUDA flash kernel computes them in that
// precision, this lowering in f32, which is the more accurate of the two. Operands the
// group reads through a widening cast (16-bit Q, K, V) are widened as they are copied;
// a result the group narrows is narrowed after the loop.
//
//===----------------------------------------------------------------------------===//
#include "codegen/Passes.h"
#include "codegen/common/Attention.h"
#include "codegen/common/ElementSemantics.h"
#include "codegen/common/KernelInfo.h"
#include "codegen/common/LinalgBuilders.h"
#include "dialects/kiln/KilnOps.h"
#include "passes/fusion/CostModel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

#include <limits>

#define DEBUG_TYPE "kiln-cpu-lower-attention"

namespace kiln {
#define GEN_PASS_DEF_LOWERATTENTIONPASS
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln::codegen;

namespace kiln {

namespace {

/// Offsets / sizes of a 2-D logical tile (rows, cols) of a rank-r tensor whose logical
/// dim k is dim perm[k], at batch index `batch`.
void tileBox(OpBuilder &b, ArrayRef<int64_t> perm, ValueRange batch, OpFoldResult row,
             int64_t rows, OpFoldResult col, int64_t cols, SmallVector<OpFoldResult> &offsets,
             SmallVector<OpFoldResult> &sizes) {
  size_t rank = perm.size();
  offsets.assign(rank, b.getIndexAttr(0));
  sizes.assign(rank, b.getIndexAttr(1));
  for (size_t k = 0; k + 2 < rank; ++k) {
    offsets[perm[k]] = batch[k];
  }
  offsets[perm[rank - 2]] = row;
  sizes[perm[rank - 2]] = b.getIndexAttr(rows);
  offsets[perm[rank - 1]] = col;
  sizes[perm[rank - 1]] = b.getIndexAttr(cols);
}

/// The logical [rows, cols] tile of `t` at `batch`, contiguous, times `scale` when it is
/// not 1 (a copy, transposed when the source holds it columns first).
Value copyTile(OpBuilder &b, Location loc, const Traced &t, ValueRange batch, OpFoldResult row,
               int64_t rows, int64_t cols, double scale, bool forceCopy) {
  SmallVector<OpFoldResult> offsets, sizes;
  tileBox(b, t.perm, batch, row, rows, b.getIndexAttr(0), cols, offsets, sizes);
  size_t rank = t.perm.size();
  bool transposed = t.perm[rank - 2] > t.perm[rank - 1];
  Type f32 = b.getF32Type();
  // A 16-bit source (the group's operands narrowed, attention-io) is widened as it is
  // copied.
  Type sourceElem = cast<RankedTensorType>(t.source.getType()).getElementType();
  auto sliceType = RankedTensorType::get(transposed ? ArrayRef<int64_t>{cols, rows}
                                                    : ArrayRef<int64_t>{rows, cols},
                                         sourceElem);
  SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
  Value slice =
      tensor::ExtractSliceOp::create(b, loc, sliceType, t.source, offsets, sizes, strides);
  if (!transposed && scale == 1.0 && !forceCopy && sourceElem == f32) {
    return slice;
  }
  MLIRContext *ctx = b.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(2, ctx);
  AffineMap in = transposed ? AffineMap::getPermutationMap(ArrayRef<unsigned>{1, 0}, ctx) : id;
  Value init = createEmptyTensor(b, loc, {rows, cols}, f32);
  return createGenericOp(b, loc, TypeRange{init.getType()}, ValueRange{slice}, ValueRange{init},
                         {in, id}, getParallelIterators(2),
                         [&](OpBuilder &nb, Location l, ValueRange args) -> SmallVector<Value> {
                           Value x = args[0];
                           if (x.getType() != f32) {
                             x = arith::ExtFOp::create(nb, l, f32, x);
                           }
                           if (scale == 1.0) {
                             return {x};
                           }
                           Value c = arith::ConstantOp::create(
                               nb, l, nb.getF32FloatAttr(static_cast<float>(scale)));
                           return {arith::MulFOp::create(nb, l, x, c)};
                         })
      .getResult(0);
}

/// s + maskScale * mask over the score block [bq, bk] at (rowStart, keyStart) of batch
/// index `batch`. The mask broadcasts to the scores the numpy way (right-aligned, dims
/// of size 1): its block is a slice keeping only its row and column dims that are not
/// broadcast, read through a map that ignores the others.
Value addMaskBlock(OpBuilder &b, Location loc, const Attention &a, Value s, ValueRange batch,
                   Value rowStart, Value keyStart, int64_t bq, int64_t bk, int64_t rank) {
  MLIRContext *ctx = b.getContext();
  auto maskType = cast<RankedTensorType>(a.mask.getType());
  int64_t maskRank = maskType.getRank();
  SmallVector<OpFoldResult> offsets, sizes, strides(maskRank, b.getIndexAttr(1));
  SmallVector<int64_t> kept;
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < maskRank; ++i) {
    int64_t j = i + rank - maskRank; // the scores dim this mask dim broadcasts to
    bool broadcast = maskType.getDimSize(i) == 1;
    if (j < rank - 2) {
      offsets.push_back(broadcast ? OpFoldResult(b.getIndexAttr(0)) : OpFoldResult(batch[j]));
      sizes.push_back(b.getIndexAttr(1));
      continue;
    }
    bool isRow = j == rank - 2;
    int64_t extent = isRow ? bq : bk;
    if (broadcast) {
      offsets.push_back(b.getIndexAttr(0));
      sizes.push_back(b.getIndexAttr(1));
      continue;
    }
    offsets.push_back(isRow ? rowStart : keyStart);
    sizes.push_back(b.getIndexAttr(extent));
    kept.push_back(extent);
    exprs.push_back(getAffineDimExpr(isRow ? 0 : 1, ctx));
  }
  Type f32 = b.getF32Type();
  Value block = tensor::ExtractSliceOp::create(b, loc, RankedTensorType::get(kept, f32), a.mask,
                                               offsets, sizes, strides);
  AffineMap id2 = AffineMap::getMultiDimIdentityMap(2, ctx);
  AffineMap maskMap = AffineMap::get(2, 0, exprs, ctx);
  double maskScale = a.maskScale;
  return createGenericOp(b, loc, TypeRange{s.getType()}, ValueRange{block}, ValueRange{s},
                         {maskMap, id2}, getParallelIterators(2),
                         [&](OpBuilder &nb, Location l, ValueRange args) -> SmallVector<Value> {
                           Value m = args[0];
                           if (maskScale != 1.0) {
                             m = arith::MulFOp::create(
                                 nb, l, m,
                                 arith::ConstantOp::create(
                                     nb, l, nb.getF32FloatAttr(static_cast<float>(maskScale))));
                           }
                           return {arith::AddFOp::create(nb, l, args[1], m)};
                         })
      .getResult(0);
}

LogicalResult lower(func::FuncOp fn, Attention &a) {
  Location loc = a.softmax.getLoc();
  MLIRContext *ctx = fn.getContext();
  auto scores = cast<RankedTensorType>(a.qk.getType());
  int64_t rank = scores.getRank();
  int64_t sq = scores.getDimSize(rank - 2), sk = scores.getDimSize(rank - 1);
  int64_t d = cast<RankedTensorType>(a.qk.getLhs().getType()).getDimSize(rank - 1);
  int64_t dv = a.pv.getType().getDimSize(rank - 1);
  ArrayRef<int64_t> batchShape = scores.getShape().drop_back(2);
  int64_t batchItems = 1;
  for (int64_t s : batchShape) {
    batchItems *= s;
  }
  int64_t qi = sq;
  while (batchItems * (sq / qi) < 8 && qi % 2 == 0 && qi / 2 >= 64) {
    qi /= 2;
  }
  int64_t bq = fusion::attentionBlock(qi), bk = fusion::attentionBlock(sk);
  if (!bq || !bk) {
    return a.softmax.emitError("kiln-cpu-lower-attention: no block size for ")
           << sq << " query rows and " << sk
           << " keys (kiln-fuse should not have formed this group; compile with --no-fusion)";
  }
  Type f32 = Float32Type::get(ctx);
  // Physical position of each logical output dim.
  SmallVector<int64_t> outPos(rank);
  for (int64_t k = 0; k < rank; ++k) {
    outPos[a.outPerm[k]] = k;
  }

  OpBuilder b(a.result.getDefiningOp());
  b.setInsertionPoint(fn.getBody().front().getTerminator());
  auto resultType = cast<RankedTensorType>(a.result.getType());
  Value out = createEmptyTensor(b, loc, resultType.getShape(), f32);
  SmallVector<OpFoldResult> lbs(rank - 1, b.getIndexAttr(0)), ubs, steps(rank - 1, b.getIndexAttr(1));
  for (int64_t s : batchShape) {
    ubs.push_back(b.getIndexAttr(s));
  }
  ubs.push_back(b.getIndexAttr(sq));
  steps.back() = b.getIndexAttr(qi);
  auto forall = scf::ForallOp::create(b, loc, lbs, ubs, steps, ValueRange{out}, std::nullopt);
  b.setInsertionPointToStart(forall.getBody());
  SmallVector<Value> ivs = forall.getInductionVars();
  ValueRange batch = ValueRange(ivs).drop_back();
  Value row0 = ivs.back();

  // Per work item: scaled Q rows, K^T of the batch index, V in place (or transposed).
  Value qs = copyTile(b, loc, a.q, batch, row0, qi, d, a.scale, /*forceCopy=*/true);
  Value kt = copyTile(b, loc, a.kt, batch, b.getIndexAttr(0), d, sk, 1.0, /*forceCopy=*/false);
  Value vh = copyTile(b, loc, a.v, batch, b.getIndexAttr(0), sk, dv, 1.0, /*forceCopy=*/false);

  AffineMap id2 = AffineMap::getMultiDimIdentityMap(2, ctx);
  AffineMap rowOf = AffineMap::get(2, 0, {getAffineDimExpr(0, ctx)}, ctx);
  AffineMap id1 = AffineMap::getMultiDimIdentityMap(1, ctx);
  auto rowReduce = getReductionIterators(2, {1});
  Value zeroIdx = arith::ConstantIndexOp::create(b, loc, 0);
  Value item = createEmptyTensor(b, loc, {qi, dv}, f32);
  auto mark = [&](Operation *op) {
    op->setAttr(kAttentionAttr, UnitAttr::get(ctx));
    return op->getResult(0);
  };

  // Bounds created in a fixed order (as call arguments, the order would be the
  // compiler's, and so would the constants' names the lit tests check).
  Value rowEnd = arith::ConstantIndexOp::create(b, loc, qi);
  Value rowStep = arith::ConstantIndexOp::create(b, loc, bq);
  auto rowLoop = scf::ForOp::create(
      b, loc, zeroIdx, rowEnd, rowStep, ValueRange{item},
      [&](OpBuilder &rb, Location l, Value r, ValueRange rowArgs) {
        Value qBlock = tensor::ExtractSliceOp::create(
            rb, l, RankedTensorType::get({bq, d}, f32), qs, ArrayRef<OpFoldResult>{r, rb.getIndexAttr(0)},
            ArrayRef<OpFoldResult>{rb.getIndexAttr(bq), rb.getIndexAttr(d)},
            ArrayRef<OpFoldResult>{rb.getIndexAttr(1), rb.getIndexAttr(1)});
        // The running max starts at the lowest finite float, not -inf: a block whose keys
        // are all masked (-inf) then gives exp(-inf - m) = 0 and a correction of 1, not NaN.
        Value m0 = createFilledTensor(rb, l, {bq}, f32,
                                      rb.getF32FloatAttr(std::numeric_limits<float>::lowest()));
        Value l0 = createFilledTensor(rb, l, {bq}, f32, rb.getF32FloatAttr(0.0f));
        Value acc0 = createFilledTensor(rb, l, {bq, dv}, f32, rb.getF32FloatAttr(0.0f));
        // The score block is carried by the key loop, so that it is one buffer for all
        // key blocks (bufferized in place), not an allocation and a copy of zeros each.
        Value scores0 = createEmptyTensor(rb, l, {bq, bk}, f32);
        Value keyEnd = arith::ConstantIndexOp::create(rb, l, sk);
        Value keyStep = arith::ConstantIndexOp::create(rb, l, bk);
        auto keyLoop = scf::ForOp::create(
            rb, l, zeroIdx, keyEnd, keyStep, ValueRange{m0, l0, acc0, scores0},
            [&](OpBuilder &kb, Location l2, Value k, ValueRange st) {
              Value m = st[0], sum = st[1], acc = st[2];
              auto one = kb.getIndexAttr(1);
              Value ktBlock = tensor::ExtractSliceOp::create(
                  kb, l2, RankedTensorType::get({d, bk}, f32), kt,
                  ArrayRef<OpFoldResult>{kb.getIndexAttr(0), k},
                  ArrayRef<OpFoldResult>{kb.getIndexAttr(d), kb.getIndexAttr(bk)},
                  ArrayRef<OpFoldResult>{one, one});
              Value vBlock = tensor::ExtractSliceOp::create(
                  kb, l2, RankedTensorType::get({bk, dv}, f32), vh,
                  ArrayRef<OpFoldResult>{k, kb.getIndexAttr(0)},
                  ArrayRef<OpFoldResult>{kb.getIndexAttr(bk), kb.getIndexAttr(dv)},
                  ArrayRef<OpFoldResult>{one, one});
              Value s0 =
                  linalg::FillOp::create(kb, l2, ValueRange{arith::ConstantOp::create(
                                                     kb, l2, kb.getF32FloatAttr(0.0f))},
                                         ValueRange{st[3]})
                      .getResult(0);
              Value s = mark(linalg::MatmulOp::create(kb, l2, TypeRange{s0.getType()},
                                                      ValueRange{qBlock, ktBlock}, ValueRange{s0}));
              if (a.mask) {
                Value rowStart = arith::AddIOp::create(kb, l2, row0, r);
                s = addMaskBlock(kb, l2, a, s, batch, rowStart, k, bq, bk, rank);
              }
              // r = rowmax s; c = exp(m - max(m, r)); m' = max(m, r), in place of m
              // (computed after c, the last reader of m, so that m' can take m's buffer
              // and the loop carries it without a copy).
              Value r0 = createFilledTensor(
                  kb, l2, {bq}, f32, kb.getF32FloatAttr(std::numeric_limits<float>::lowest()));
              Value r = createGenericOp(kb, l2, TypeRange{m.getType()}, ValueRange{s}, ValueRange{r0},
                                        {id2, rowOf}, rowReduce,
                                        [&](OpBuilder &gb, Location gl, ValueRange args) -> SmallVector<Value> {
                                          return {createFloatMax(gb, gl, args[1], args[0])};
                                        })
                            .getResult(0);
              Value c = createGenericOp(
                            kb, l2, TypeRange{m.getType()}, ValueRange{m, r},
                            ValueRange{createEmptyTensor(kb, l2, {bq}, f32)}, {id1, id1, id1},
                            getParallelIterators(1),
                            [&](OpBuilder &gb, Location gl, ValueRange args) -> SmallVector<Value> {
                              Value mx = createFloatMax(gb, gl, args[0], args[1]);
                              return {math::ExpOp::create(
                                  gb, gl, arith::SubFOp::create(gb, gl, args[0], mx))};
                            })
                            .getResult(0);
              Value mNew = createGenericOp(
                               kb, l2, TypeRange{m.getType()}, ValueRange{r}, ValueRange{m}, {id1, id1},
                               getParallelIterators(1),
                               [&](OpBuilder &gb, Location gl, ValueRange args) -> SmallVector<Value> {
                                 return {createFloatMax(gb, gl, args[1], args[0])};
                               })
                               .getResult(0);
              // P = exp(s - m'), in place of s
              Value p =
                  createGenericOp(kb, l2, TypeRange{s.getType()}, ValueRange{mNew}, ValueRange{s},
                                  {rowOf, id2}, getParallelIterators(2),
                                  [&](OpBuilder &gb, Location gl, ValueRange args) -> SmallVector<Value> {
                                    return {math::ExpOp::create(
                                        gb, gl, arith::SubFOp::create(gb, gl, args[1], args[0]))};
                                  })
                      .getResult(0);
              // l = l * c + rowsum P
              Value scaled = createGenericOp(
                                 kb, l2, TypeRange{sum.getType()}, ValueRange{c}, ValueRange{sum},
                                 {id1, id1}, getParallelIterators(1),
                                 [&](OpBuilder &gb, Location gl, ValueRange args) -> SmallVector<Value> {
                                   return {arith::MulFOp::create(gb, gl, args[1], args[0])};
                                 })
                                 .getResult(0);
              Value sumNew =
                  createGenericOp(kb, l2, TypeRange{sum.getType()}, ValueRange{p}, ValueRange{scaled},
                                  {id2, rowOf}, rowReduce,
                                  [&](OpBuilder &gb, Location gl, ValueRange args) -> SmallVector<Value> {
                                    return {arith::AddFOp::create(gb, gl, args[1], args[0])};
                                  })
                      .getResult(0);
              // acc = acc * c + P V
              Value accScaled =
                  createGenericOp(kb, l2, TypeRange{acc.getType()}, ValueRange{c}, ValueRange{acc},
                                  {rowOf, id2}, getParallelIterators(2),
                                  [&](OpBuilder &gb, Location gl, ValueRange args) -> SmallVector<Value> {
                                    return {arith::MulFOp::create(gb, gl, args[1], args[0])};
                                  })
                      .getResult(0);
              Value accNew = mark(linalg::MatmulOp::create(kb, l2, TypeRange{acc.getType()},
                                                           ValueRange{p, vBlock},
                                                           ValueRange{accScaled}));
              scf::YieldOp::create(kb, l2, ValueRange{mNew, sumNew, accNew, p});
            });
        Value sum = keyLoop.getResult(1), acc = keyLoop.getResult(2);
        Value o = createGenericOp(rb, l, TypeRange{acc.getType()}, ValueRange{sum}, ValueRange{acc},
                                  {rowOf, id2}, getParallelIterators(2),
                                  [&](OpBuilder &gb, Location gl, ValueRange args) -> SmallVector<Value> {
                                    return {arith::DivFOp::create(gb, gl, args[1], args[0])};
                                  })
                      .getResult(0);
        auto one = rb.getIndexAttr(1);
        Value next = tensor::InsertSliceOp::create(
            rb, l, o, rowArgs[0], ArrayRef<OpFoldResult>{r, rb.getIndexAttr(0)},
            ArrayRef<OpFoldResult>{rb.getIndexAttr(bq), rb.getIndexAttr(dv)},
            ArrayRef<OpFoldResult>{one, one});
        scf::YieldOp::create(rb, l, next);
      });

  // The item's rows into the output (heads merged back where the group's transpose did).
  SmallVector<OpFoldResult> offsets, sizes;
  tileBox(b, outPos, batch, row0, qi, b.getIndexAttr(0), dv, offsets, sizes);
  SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
  b.setInsertionPointToStart(forall.getTerminator().getBody());
  tensor::ParallelInsertSliceOp::create(b, loc, rowLoop.getResult(0),
                                        forall.getRegionIterArgs()[0], offsets, sizes, strides);

  // The group's ops are dead now; a result narrowed to 16 bits (attention-io) is
  // narrowed after the loop.
  Value computed = forall.getResult(0);
  if (a.narrow) {
    b.setInsertionPointAfter(forall);
    computed = CastOp::create(b, a.narrow.getLoc(), a.narrow.getType(), computed);
  }
  a.result.replaceAllUsesWith(computed);
  SmallVector<Operation *> dead;
  if (a.narrow) {
    dead.push_back(a.narrow);
  }
  if (a.merge) {
    dead.push_back(a.merge);
  }
  dead.push_back(a.pv);
  dead.push_back(a.softmax);
  dead.append(a.chain.begin(), a.chain.end()); // matched backwards: consumers first
  dead.push_back(a.qk);
  for (Traced *t : {&a.v, &a.kt, &a.q}) {
    dead.append(t->transposes.begin(), t->transposes.end());
    if (t->widen) {
      dead.push_back(t->widen);
    }
  }
  for (Operation *op : dead) {
    if (op->use_empty()) {
      op->erase();
    }
  }
  for (auto constant : llvm::to_vector(fn.getOps<ConstantOp>())) {
    if (constant->use_empty()) {
      constant->erase();
    }
  }
  fn->setAttr(kAttentionAttr, UnitAttr::get(ctx));
  return success();
}

struct LowerAttentionPass : public kiln::impl::LowerAttentionPassBase<LowerAttentionPass> {
  void runOnOperation() override {
    for (auto fn : llvm::to_vector(getOperation().getOps<func::FuncOp>())) {
      auto scheme = fn->getAttrOfType<StringAttr>(kSchemeAttr);
      if (!fn->hasAttr(kKernelAttr) || fn.isDeclaration() || !scheme ||
          scheme.getValue() != "attention") {
        continue;
      }
      FailureOr<Attention> a = matchAttention(fn);
      if (failed(a)) {
        fn.emitError("kiln-cpu-lower-attention: kernel '")
            << fn.getSymName()
            << "' is an attention group but does not hold matmul -> scale / mask -> "
               "softmax -> matmul (compile with --no-fusion to bypass)";
        return signalPassFailure();
      }
      if (failed(lower(fn, *a))) {
        return signalPassFailure();
      }
    }
  }
};

} // namespace
} // namespace kiln
