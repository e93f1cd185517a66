//===- PackContractions.cpp - matmul B operands in contiguous column panels --===//
//
// On tensors, after kiln-cpu-tile-work-items: a static f32 `linalg.matmul` A[M,K] x B[K,N]
// (N >= one vector register) becomes
//
//   Bp[N/P, K, P] = B packed into column panels of P = 32 or 16 columns (AVX2: 16 or 8),
//                   N padded with zero columns to a multiple of P
//   C[M, N/P, P] += A[m, k] * Bp[n0, k, n1]          (a linalg.contract)
//
// with C the matmul's init seen through tensor.expand_shape (the same memory as [M, N]).
// The register-blocked schedule of kiln-cpu-vectorize-contractions then streams each
// panel from consecutive addresses: without it a P-column tile of B is K rows N * 4 bytes
// apart, one new page and one L1-set-conflicting line per k (128 x 768 x 3072 ran at 0.6
// of OpenBLAS, 76 GFLOP/s against 130 for N = 2048 or 4096).
//
// Packing costs one copy of the work item's B slice (K x tile-N), paid inside the work
// item, unless:
//  - B is computed inside the kernel by a generic with no inputs (the im2col of a
//    convolution): that generic is rewritten to write the panels directly; a conv's
//    im2col (tagged kiln.im2col) with width stride 1 or 2 becomes loops of masked vector
//    loads of input row segments instead (packIm2colProducer);
//  - B is a kernel argument (or the work item's column slice of one) that the kernel's
//    only call passes as an f32 constant (weights): the panels are computed at compile
//    time, per work item and zero padded, and the call passes them instead, so nothing
//    is copied at run time. This also covers B given transposed ([N, K], ONNX Gemm's
//    transB). It took the transformer block from 20 to 15 us and MobileNetV2's
//    classifier (1280 x 1000, transposed) from 547 to 355 us.
// Other matmuls (transposed non-constant or quantized operands, dynamic shapes, N below
// one register) keep the plain schedule.
//
//===----------------------------------------------------------------------------===//
#include "codegen/Passes.h"
#include "codegen/common/KernelInfo.h"
#include "passes/fusion/ConstantData.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/IRMapping.h"

#define DEBUG_TYPE "kiln-cpu-pack-contractions"

namespace kiln {
#define GEN_PASS_DEF_PACKCONTRACTIONSPASS
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

/// The panel width for a matmul tile with N columns, or 0 when it is not packed: two
/// vector registers (32 floats on AVX-512, 16 on AVX2) or one where that divides N, else
/// the one padding N less (two unless one saves > 5 %); no packing below one register.
int64_t panelWidth(int64_t n, int64_t vectorBits) {
  int64_t one = vectorBits / 32, two = 2 * one;
  if (n % two == 0) {
    return two;
  }
  if (n % one == 0) {
    return one;
  }
  if (n < one) {
    return 0;
  }
  int64_t nTwo = llvm::alignTo(n, two), nOne = llvm::alignTo(n, one);
  return nTwo * 100 <= nOne * 105 ? two : one;
}

/// A generic that fills its single output from indices alone (no inputs, the output
/// value unused, identity map, all parallel), with one use: im2col.
bool isIndexOnlyProducer(linalg::GenericOp g) {
  return g && g.getNumDpsInputs() == 0 && g.getNumDpsInits() == 1 && g->getNumResults() == 1 &&
         g->getResult(0).hasOneUse() && g.getNumParallelLoops() == g.getNumLoops() &&
         g.getNumLoops() == 2 && g.getIndexingMapsArray()[0].isIdentity() &&
         g.getRegion().front().getArgument(0).use_empty();
}

Value indexConstant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// A generic producing `type` (rank 3, [..., n0, ..., n1] with the column n0 * P + n1 =
/// index(colDims[0]) * P + index(colDims[1])) whose body `element` computes one element
/// from the indices, the column clamped to [0, n); columns >= n are 0.
Value createPaddedProducer(
    OpBuilder &b, Location loc, RankedTensorType type, std::array<unsigned, 2> colDims,
    int64_t panel, int64_t n,
    llvm::function_ref<Value(OpBuilder &, Location, ValueRange, Value)> element) {
  Value empty = tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  auto producer = linalg::GenericOp::create(
      b, loc, TypeRange{type}, ValueRange{}, ValueRange{empty},
      SmallVector<AffineMap>{b.getMultiDimIdentityMap(type.getRank())},
      SmallVector<utils::IteratorType>(type.getRank(), utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange) {
        SmallVector<Value> indices;
        for (int64_t d = 0; d < type.getRank(); ++d) {
          indices.push_back(linalg::IndexOp::create(nb, l, d));
        }
        Value col = arith::AddIOp::create(
            nb, l,
            arith::MulIOp::create(nb, l, indices[colDims[0]], indexConstant(nb, l, panel)),
            indices[colDims[1]]);
        int64_t padded = type.getDimSize(colDims[0]) * panel;
        Value clamped =
            padded > n ? arith::MinSIOp::create(nb, l, col, indexConstant(nb, l, n - 1)) : col;
        Value v = element(nb, l, indices, clamped);
        if (padded > n) {
          Value inside = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, col,
                                               indexConstant(nb, l, n));
          Value zero = arith::ConstantOp::create(
              nb, l, nb.getZeroAttr(type.getElementType()));
          v = arith::SelectOp::create(nb, l, inside, v, zero);
        }
        linalg::YieldOp::create(nb, l, v);
      });
  producer->setAttr("kiln.packed_operand", b.getUnitAttr());
  return producer->getResult(0);
}

/// im2col-style producer of B[K, N] rewritten to produce Bp[Np/P, K, P]: its body runs
/// with k = index 1 and n = index 0 * P + index 2.
Value packIndexProducer(OpBuilder &b, linalg::GenericOp g, int64_t panel) {
  auto type = cast<RankedTensorType>(g->getResult(0).getType());
  int64_t k = type.getDimSize(0), n = type.getDimSize(1);
  auto packedType = RankedTensorType::get({int64_t(llvm::divideCeil(n, panel)), k, panel},
                                          type.getElementType());
  return createPaddedProducer(
      b, g.getLoc(), packedType, {0, 2}, panel, n,
      [&](OpBuilder &nb, Location, ValueRange indices, Value col) {
        IRMapping map;
        Block &body = g.getRegion().front();
        for (Operation &op : body.without_terminator()) {
          if (auto index = dyn_cast<linalg::IndexOp>(op)) {
            map.map(index.getResult(), index.getDim() == 0 ? indices[1] : col);
            continue;
          }
          nb.clone(op, map);
        }
        return map.lookupOrDefault(body.getTerminator()->getOperand(0));
      });
}

/// The value of `g`'s linalg.index `dim` at iteration 0, built at `b`'s insertion point
/// (outside `g`): 0 where the body only casts the index to i32, the offset of the work item's
/// tile where tiling added one (the index's only use is an affine.apply of it and values
/// defined outside `g`). Null for a mix of the two.
Value getIndexOffset(OpBuilder &b, linalg::GenericOp g, unsigned dim) {
  Location loc = g.getLoc();
  Value offset;
  for (auto index : g.getRegion().getOps<linalg::IndexOp>()) {
    if (index.getDim() != dim) {
      continue;
    }
    auto apply = dyn_cast<affine::AffineApplyOp>(*index->getUsers().begin());
    bool applied = !index->use_empty() && apply;
    if (!applied) {
      // As ContractionToLinalg builds it: only cast to i32. Any other use might hide an
      // offset (an arith.addi folded from the apply), so it is refused.
      if (!llvm::all_of(index->getUsers(),
                        [](Operation *user) { return isa<arith::IndexCastOp>(user); }) ||
          (offset && !matchPattern(offset, m_Zero()))) {
        return nullptr;
      }
      offset = indexConstant(b, loc, 0);
      continue;
    }
    if (offset || !index->hasOneUse()) {
      return nullptr;
    }
    IRMapping map;
    for (Value operand : apply->getOperands()) {
      if (operand == index.getResult()) {
        map.map(operand, indexConstant(b, loc, 0));
      } else if (g->isAncestor(operand.getParentRegion()->getParentOp())) {
        return nullptr; // computed inside the body
      }
    }
    offset = b.clone(*apply, map)->getResult(0);
  }
  return offset ? offset : indexConstant(b, loc, 0);
}

/// The im2col generic of an f32 convolution (tagged kiln.im2col by ContractionToLinalg)
/// with width stride 1 or 2, rewritten to write Bp[Np/P, K, P] as vector row segments:
/// the P pixels of a panel row lie in at most S = (P - 1 + OW - 1) / OW + 1 output rows
/// (2 for ResNet's 56-wide maps, 6 for its 7-wide ones), and for one tap (c, i, j) each
/// such row segment reads consecutive input values (every second one at stride 2), so a
/// panel row is S masked vector loads merged by lane instead of P gathered elements with
/// a division per lane. Masked-off lanes are never read, so a segment's first lane may
/// sit left of its row (padding) and its span may pass the row's end:
///
///   for n0 (panel), with pixel p0 = tile offset + n0 P, y0 = p0 / OW, x0 = p0 % OW:
///     segment s: lanes [a_s, b_s) are output row y0 + s; per tap column j the lanes
///       whose input column is inside [0, W) form a mask m[s][j] (computed once)
///     for c, for i: row r_s = (y0 + s) SH + i DH - PH; a row outside [0, H) masks s off
///       for j: Bp[n0, (c KH + i) KW + j, :] = merge_s masked_load(x[c, r_s, ...], m[s][j])
///
/// The generic read every element with a gather and spent ~38 % of a 3x3 conv kernel on
/// it (perf); the loops take ~10 %. ResNet-18 on 1 thread went from 39 to 33 ms. Returns
/// null (having built at most dead index arithmetic, which canonicalization removes)
/// where the generic is not such an im2col: the caller then packs it element by element
/// (packIndexProducer).
Value packIm2colProducer(OpBuilder &b, linalg::GenericOp g, int64_t panel) {
  auto geometry = g->getAttrOfType<DenseI64ArrayAttr>(kiln::kIm2colAttr);
  auto type = cast<RankedTensorType>(g->getResult(0).getType());
  if (!geometry || geometry.size() != 13 || !type.hasStaticShape() ||
      !type.getElementType().isF32()) {
    return nullptr;
  }
  ArrayRef<int64_t> geo = geometry.asArrayRef();
  int64_t channels = geo[0], height = geo[1], width = geo[2], kh = geo[3], kw = geo[4],
          sh = geo[5], sw = geo[6], dh = geo[7], dw = geo[8], ph = geo[9], pw = geo[10],
          ow = geo[12];
  int64_t k = type.getDimSize(0), n = type.getDimSize(1);
  // Output rows a panel row's pixels can span; each costs a masked load per tap.
  int64_t segments = (panel - 1 + ow - 1) / ow + 1;
  if ((sw != 1 && sw != 2) || k != channels * kh * kw || segments * kw > 64 || ow <= 0) {
    return nullptr;
  }
  tensor::ExtractOp extract;
  for (auto e : g.getRegion().getOps<tensor::ExtractOp>()) {
    if (extract) {
      return nullptr;
    }
    extract = e;
  }
  if (!extract) {
    return nullptr;
  }
  Value input = extract.getTensor();
  auto inputType = cast<RankedTensorType>(input.getType());
  if (g->isAncestor(input.getParentRegion()->getParentOp()) || !inputType.hasStaticShape() ||
      inputType.getShape() != ArrayRef<int64_t>{1, channels, height, width} ||
      !inputType.getElementType().isF32()) {
    return nullptr;
  }
  Location loc = g.getLoc();
  // The tile's first pixel; its K dimension is never tiled (a matmul's B slice keeps K).
  Value k0 = getIndexOffset(b, g, 0);
  Value pixel0 = k0 && matchPattern(k0, m_Zero()) ? getIndexOffset(b, g, 1) : Value();
  if (!pixel0) {
    return nullptr;
  }

  int64_t panels = llvm::divideCeil(n, panel), span = sw * panel;
  Type f32 = b.getF32Type();
  auto spanType = VectorType::get({span}, f32);
  auto maskType = VectorType::get({span}, b.getI1Type());
  auto packedType = RankedTensorType::get({panels, k, panel}, f32);
  auto cst = [&](OpBuilder &nb, int64_t v) { return indexConstant(nb, loc, v); };
  Value empty = tensor::EmptyOp::create(b, loc, packedType.getShape(), f32);
  Value zeroF = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  Value zeroRow = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(spanType, 0.0f));
  Value noLanes =
      vector::ConstantMaskOp::create(b, loc, maskType, b.getDenseI64ArrayAttr({0})).getResult();
  Value allLanes =
      vector::ConstantMaskOp::create(b, loc, maskType, b.getDenseI64ArrayAttr({span}))
          .getResult();
  SmallVector<int64_t> evenLanes;
  for (int64_t l = 0; l < panel; ++l) {
    evenLanes.push_back(l * sw);
  }

  auto panelLoop = scf::ForOp::create(
      b, loc, cst(b, 0), cst(b, panels), cst(b, 1), ValueRange{empty},
      [&](OpBuilder &pb, Location, Value n0, ValueRange panelIter) {
        auto add = [&](Value x, Value y) { return arith::AddIOp::create(pb, loc, x, y); };
        auto sub = [&](Value x, Value y) { return arith::SubIOp::create(pb, loc, x, y); };
        auto mulc = [&](Value x, int64_t v) {
          return arith::MulIOp::create(pb, loc, x, cst(pb, v));
        };
        auto min = [&](Value x, Value y) { return arith::MinSIOp::create(pb, loc, x, y); };
        auto max = [&](Value x, Value y) { return arith::MaxSIOp::create(pb, loc, x, y); };
        Value local = mulc(n0, panel);
        Value lanesHere = min(cst(pb, panel), sub(cst(pb, n), local));
        Value p0 = add(pixel0, local);
        Value y0 = arith::DivUIOp::create(pb, loc, p0, cst(pb, ow));
        Value x0 = arith::RemUIOp::create(pb, loc, p0, cst(pb, ow));
        // Per segment: its output row and, per tap column j, the lane mask and the
        // input-column offset of lane 0 (lane l reads column sw * l + colOffset).
        SmallVector<Value> outRows;
        SmallVector<SmallVector<Value>> masks(segments), colOffsets(segments);
        Value firstLane = cst(pb, 0);
        for (int64_t s = 0; s < segments; ++s) {
          Value endLane = min(lanesHere, sub(cst(pb, (s + 1) * ow), x0));
          // Lane l (>= firstLane) is output column l - firstLane (+ x0 in segment 0).
          Value column0 = s == 0 ? x0 : cst(pb, 0);
          Value colBase = sub(mulc(sub(column0, firstLane), sw), cst(pb, pw));
          outRows.push_back(add(y0, cst(pb, s)));
          for (int64_t j = 0; j < kw; ++j) {
            Value offset = add(colBase, cst(pb, j * dw));
            // sw * l + offset in [0, W): l >= ceil(-offset / sw), l <= (W - 1 - offset) / sw.
            Value lo = max(firstLane, arith::CeilDivSIOp::create(
                                          pb, loc, sub(cst(pb, 0), offset), cst(pb, sw)));
            Value hi = min(endLane,
                           add(arith::FloorDivSIOp::create(
                                   pb, loc, sub(cst(pb, width - 1), offset), cst(pb, sw)),
                               cst(pb, 1)));
            // Positions [sw lo, sw (hi - 1) + 1) of the sw * P loaded values.
            Value nonEmpty =
                arith::CmpIOp::create(pb, loc, arith::CmpIPredicate::slt, lo, hi);
            Value upper = arith::SelectOp::create(
                pb, loc, nonEmpty, add(mulc(sub(hi, cst(pb, 1)), sw), cst(pb, 1)), cst(pb, 0));
            Value lower = mulc(lo, sw);
            Value below = vector::CreateMaskOp::create(pb, loc, maskType, lower).getResult();
            Value upTo = vector::CreateMaskOp::create(pb, loc, maskType, upper).getResult();
            Value mask = arith::AndIOp::create(
                pb, loc, upTo, arith::XOrIOp::create(pb, loc, below, allLanes).getResult());
            masks[s].push_back(mask);
            colOffsets[s].push_back(offset);
          }
          firstLane = max(endLane, firstLane);
        }

        auto channelLoop = scf::ForOp::create(
            pb, loc, cst(pb, 0), cst(pb, channels), cst(pb, 1), ValueRange{panelIter[0]},
            [&](OpBuilder &cb, Location, Value c, ValueRange channelIter) {
              Value tap0 = arith::MulIOp::create(cb, loc, c, cst(cb, kh * kw));
              auto rowLoop = scf::ForOp::create(
                  cb, loc, cst(cb, 0), cst(cb, kh), cst(cb, 1), ValueRange{channelIter[0]},
                  [&](OpBuilder &rb, Location, Value i, ValueRange rowIter) {
                    Value acc = rowIter[0];
                    SmallVector<Value> rowStarts, rowValid;
                    Value tapRow = arith::AddIOp::create(
                        rb, loc, tap0, arith::MulIOp::create(rb, loc, i, cst(rb, kw)));
                    for (int64_t s = 0; s < segments; ++s) {
                      Value r = arith::AddIOp::create(
                          rb, loc,
                          arith::MulIOp::create(rb, loc, outRows[s], cst(rb, sh)),
                          arith::SubIOp::create(
                              rb, loc, arith::MulIOp::create(rb, loc, i, cst(rb, dh)),
                              cst(rb, ph)));
                      Value inside = arith::AndIOp::create(
                          rb, loc,
                          arith::CmpIOp::create(rb, loc, arith::CmpIPredicate::sge, r,
                                                cst(rb, 0)),
                          arith::CmpIOp::create(rb, loc, arith::CmpIPredicate::slt, r,
                                                cst(rb, height)));
                      Value clamped = arith::MinSIOp::create(
                          rb, loc, arith::MaxSIOp::create(rb, loc, r, cst(rb, 0)),
                          cst(rb, height - 1));
                      rowStarts.push_back(clamped);
                      rowValid.push_back(inside);
                    }
                    for (int64_t j = 0; j < kw; ++j) {
                      Value values = zeroRow;
                      for (int64_t s = 0; s < segments; ++s) {
                        Value mask = arith::SelectOp::create(rb, loc, rowValid[s],
                                                             masks[s][j], noLanes);
                        // The first lane's column may be negative or the span may pass
                        // the row's end: only masked-off lanes lie outside the row.
                        Value read = vector::TransferReadOp::create(
                            rb, loc, spanType, input,
                            ValueRange{cst(rb, 0), c, rowStarts[s], colOffsets[s][j]},
                            AffineMap::getMinorIdentityMap(4, 1, rb.getContext()), zeroF,
                            mask, rb.getBoolArrayAttr({true}));
                        values = s == 0 ? read
                                        : arith::SelectOp::create(rb, loc, mask, read, values)
                                              .getResult();
                      }
                      if (sw != 1) {
                        values = vector::ShuffleOp::create(rb, loc, values, values, evenLanes);
                      }
                      Value tap = arith::AddIOp::create(rb, loc, tapRow, cst(rb, j));
                      acc = vector::TransferWriteOp::create(
                                rb, loc, values, acc, ValueRange{n0, tap, cst(rb, 0)},
                                ArrayRef<bool>{true})
                                .getResult();
                    }
                    scf::YieldOp::create(rb, loc, acc);
                  });
              scf::YieldOp::create(cb, loc, rowLoop.getResult(0));
            });
        scf::YieldOp::create(pb, loc, channelLoop.getResult(0));
      });
  return panelLoop.getResult(0);
}

/// B[K, N] copied into Bp[Np/P, K, P]: a transpose of the [K, N/P, P] view, or where N
/// needs padding an element-wise producer.
/// A static slice of `source` with unit strides, `type` (which may drop unit dims).
Value extractStatic(OpBuilder &b, Location loc, RankedTensorType type, Value source,
                    ArrayRef<int64_t> offsets, ArrayRef<int64_t> sizes) {
  SmallVector<OpFoldResult> strides(offsets.size(), b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(b, loc, type, source,
                                        getAsIndexOpFoldResult(b.getContext(), offsets),
                                        getAsIndexOpFoldResult(b.getContext(), sizes), strides);
}

/// `source` inserted into `dest` at a static place with unit strides.
Value insertStatic(OpBuilder &b, Location loc, Value source, Value dest, ArrayRef<int64_t> offsets,
                   ArrayRef<int64_t> sizes) {
  SmallVector<OpFoldResult> strides(offsets.size(), b.getIndexAttr(1));
  return tensor::InsertSliceOp::create(b, loc, source, dest,
                                       getAsIndexOpFoldResult(b.getContext(), offsets),
                                       getAsIndexOpFoldResult(b.getContext(), sizes), strides);
}

/// `source` copied into `dest` at a static place by a linalg.copy (which the packed
/// schedule tiles into rows; the memref.copy an insert_slice bufferizes to would be
/// vectorized whole: one vector<960x17xf32>, seconds in LLVM).
Value copyInto(OpBuilder &b, Location loc, Value source, Value dest, ArrayRef<int64_t> offsets) {
  auto type = cast<RankedTensorType>(source.getType());
  Value slice = extractStatic(b, loc, type, dest, offsets, type.getShape());
  Value copied = linalg::CopyOp::create(b, loc, source, slice)->getResult(0);
  return insertStatic(b, loc, copied, dest, offsets, type.getShape());
}

Value packCopy(OpBuilder &b, Location loc, Value rhs, int64_t panel) {
  auto type = cast<RankedTensorType>(rhs.getType());
  Type element = type.getElementType();
  int64_t k = type.getDimSize(0), n = type.getDimSize(1);
  int64_t full = n / panel, rest = n % panel;
  Value packed =
      tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{full + (rest ? 1 : 0), k, panel}, element);
  if (full > 0) {
    // The whole panels: one transpose of the [K, full, P] view.
    Value columns =
        rest == 0 ? rhs
                  : Value(extractStatic(b, loc, RankedTensorType::get({k, full * panel}, element),
                                        rhs, {0, 0}, {k, full * panel}));
    Value expanded =
        tensor::ExpandShapeOp::create(b, loc, RankedTensorType::get({k, full, panel}, element),
                                      columns, SmallVector<ReassociationIndices>{{0}, {1, 2}});
    Value target = packed;
    if (rest) {
      target = extractStatic(b, loc, RankedTensorType::get({full, k, panel}, element), packed,
                             {0, 0, 0}, {full, k, panel});
    }
    Value transposed =
        linalg::TransposeOp::create(b, loc, expanded, target, ArrayRef<int64_t>{1, 0, 2})
            ->getResult(0);
    if (!rest) {
      return transposed;
    }
    packed = insertStatic(b, loc, transposed, packed, {0, 0, 0}, {full, k, panel});
  }
  // The last, partial panel: zeros, then the remaining `rest` columns copied in (a
  // gather with a clamped column per element, as packIndexProducer builds, does not
  // vectorize: it took 40 % of a 64 -> 384 1x1 conv over 14 x 14 pixels).
  auto panelType = RankedTensorType::get({k, panel}, element);
  Value last = extractStatic(b, loc, panelType, packed, {full, 0, 0}, {1, k, panel});
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(element));
  last = linalg::FillOp::create(b, loc, zero, last)->getResult(0);
  Value tail = extractStatic(b, loc, RankedTensorType::get({k, rest}, element), rhs,
                             {0, full * panel}, {k, rest});
  last = copyInto(b, loc, tail, last, {0, 0});
  return insertStatic(b, loc, last, packed, {full, 0, 0}, {1, k, panel});
}

/// The accumulator of a matmul whose N is padded to `panels` x `panel` columns, as
/// [M, panels, P]: a fill or a broadcast (of the bias) initializing `init` is redone on
/// the padded shape (the padding columns get finite values and are never read back);
/// any other init is copied in, the padding columns zeroed.
Value paddedAccumulator(OpBuilder &b, Location loc, Value init, int64_t panels, int64_t panel) {
  auto type = cast<RankedTensorType>(init.getType());
  Type element = type.getElementType();
  int64_t m = type.getDimSize(0), n = type.getDimSize(1), padded = panels * panel;
  auto flatType = RankedTensorType::get({m, padded}, element);
  Value empty = tensor::EmptyOp::create(b, loc, flatType.getShape(), element);
  Value flat;
  if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
    flat = linalg::FillOp::create(b, loc, fill.getDpsInputs()[0], empty)->getResult(0);
  } else if (auto broadcast = init.getDefiningOp<linalg::BroadcastOp>()) {
    flat =
        linalg::BroadcastOp::create(b, loc, broadcast.getInput(), empty, broadcast.getDimensions())
            ->getResult(0);
  } else {
    flat = copyInto(b, loc, init, empty, {0, 0});
    Value columns = extractStatic(b, loc, RankedTensorType::get({m, padded - n}, element), flat,
                                  {0, n}, {m, padded - n});
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(element));
    columns = linalg::FillOp::create(b, loc, zero, columns)->getResult(0);
    flat = insertStatic(b, loc, columns, flat, {0, n}, {m, padded - n});
  }
  return tensor::ExpandShapeOp::create(b, loc, RankedTensorType::get({m, panels, panel}, element),
                                       flat, SmallVector<ReassociationIndices>{{0}, {1, 2}});
}

/// The matmul's B operand layout: [K, N] (plain), [N, K] (transposed), or neither.
enum class RhsLayout { None, Plain, Transposed };

/// Static f32 operands, and the default maps or B transposed ((m, k), (n, k), (m, n)).
RhsLayout getF32RhsLayout(linalg::MatmulOp mm) {
  if (!mm.hasPureTensorSemantics()) {
    return RhsLayout::None;
  }
  for (Value v : mm->getOperands()) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t || !t.hasStaticShape() || !t.getElementType().isF32()) {
      return RhsLayout::None;
    }
  }
  SmallVector<AffineMap> maps = mm.getIndexingMapsArray();
  if (maps == linalg::MatmulOp::getDefaultIndexingMaps(mm.getContext())) {
    return RhsLayout::Plain;
  }
  MLIRContext *ctx = mm.getContext();
  AffineExpr m, n, k;
  bindDims(ctx, m, n, k);
  SmallVector<AffineMap> transposed = {AffineMap::get(3, 0, {m, k}, ctx),
                                       AffineMap::get(3, 0, {n, k}, ctx),
                                       AffineMap::get(3, 0, {m, n}, ctx)};
  return maps == transposed ? RhsLayout::Transposed : RhsLayout::None;
}

/// A matmul whose B is a kernel argument (or the work item's column slice of one) that
/// the kernel's only call passes as an f32 constant: B can be packed at compile time.
struct ConstantRhs {
  BlockArgument arg;
  tensor::ExtractSliceOp slice; // null: B is the whole argument
  func::CallOp call;
  arith::ConstantOp constant;
};

std::optional<ConstantRhs>
findConstantRhs(linalg::MatmulOp mm, RhsLayout layout,
                const DenseMap<StringAttr, SmallVector<func::CallOp>> &calls) {
  Value rhs = mm.getDpsInputs()[1];
  ConstantRhs c;
  if (auto slice = rhs.getDefiningOp<tensor::ExtractSliceOp>()) {
    // The work item's columns: offsets (0, n0) [(n0, 0) transposed], every K row, unit
    // strides, and the slice used by this matmul only.
    unsigned kDim = layout == RhsLayout::Plain ? 0 : 1;
    auto sourceType = cast<RankedTensorType>(slice.getSourceType());
    if (!slice->hasOneUse() || sourceType.getRank() != 2 || !slice.hasUnitStride() ||
        !slice.getResultType().hasStaticShape() ||
        slice.getStaticOffsets()[kDim] != 0 ||
        slice.getStaticSizes()[kDim] != sourceType.getDimSize(kDim)) {
      return std::nullopt;
    }
    c.slice = slice;
    rhs = slice.getSource();
  }
  c.arg = dyn_cast<BlockArgument>(rhs);
  auto fn = c.arg ? dyn_cast<func::FuncOp>(c.arg.getOwner()->getParentOp()) : nullptr;
  if (!fn || !c.arg.hasOneUse() || c.arg.getOwner() != &fn.getBody().front()) {
    return std::nullopt;
  }
  auto it = calls.find(fn.getSymNameAttr());
  if (it == calls.end() || it->second.size() != 1) {
    return std::nullopt;
  }
  c.call = it->second.front();
  c.constant = c.call.getOperand(c.arg.getArgNumber()).getDefiningOp<arith::ConstantOp>();
  if (!c.constant) {
    return std::nullopt;
  }
  return c;
}

/// Packs the constant B of `c` at compile time into the layout the kernel's work items
/// read: each work item's `tileN` columns as ceil(tileN / P) panels of [K, P], zero
/// padded, the tiles one after the other ([N / tileN * panels, K, P]). The call passes
/// the packed constant; the kernel argument takes its type. Returns the work item's
/// panels, or null where the constant's data cannot be read.
Value prepackConstantRhs(OpBuilder &b, Location loc, ConstantRhs c, RhsLayout layout,
                         int64_t tileN, int64_t panel) {
  auto fullType = cast<RankedTensorType>(c.arg.getType());
  bool transposed = layout == RhsLayout::Transposed;
  int64_t k = fullType.getDimSize(transposed ? 1 : 0),
          n = fullType.getDimSize(transposed ? 0 : 1);
  std::optional<SmallVector<float>> data =
      kiln::readF32(dyn_cast<ElementsAttr>(c.constant.getValue()));
  if (!data || n % tileN != 0 || static_cast<int64_t>(data->size()) != k * n) {
    return nullptr;
  }
  int64_t panelsPerTile = llvm::divideCeil(tileN, panel), tiles = n / tileN;
  std::vector<float> packed(static_cast<size_t>(tiles * panelsPerTile * k * panel), 0.0f);
  for (int64_t t = 0; t < tiles; ++t) {
    for (int64_t p = 0; p < panelsPerTile; ++p) {
      for (int64_t kk = 0; kk < k; ++kk) {
        for (int64_t l = 0; l < panel; ++l) {
          int64_t inTile = p * panel + l;
          if (inTile >= tileN) {
            break;
          }
          int64_t col = t * tileN + inTile;
          float v = transposed ? (*data)[col * k + kk] : (*data)[kk * n + col];
          packed[static_cast<size_t>(((t * panelsPerTile + p) * k + kk) * panel + l)] = v;
        }
      }
    }
  }
  auto packedType = RankedTensorType::get({tiles * panelsPerTile, k, panel}, b.getF32Type());
  OpBuilder host(c.call);
  auto constant = arith::ConstantOp::create(
      host, c.constant.getLoc(),
      cast<TypedAttr>(kiln::createF32Resource(packedType, packed, "packed_weights")));
  c.call->setOperand(c.arg.getArgNumber(), constant);
  if (c.constant->use_empty()) {
    c.constant->erase();
  }
  auto fn = cast<func::FuncOp>(c.arg.getOwner()->getParentOp());
  c.arg.setType(packedType);
  SmallVector<Type> inputs(fn.getArgumentTypes());
  inputs[c.arg.getArgNumber()] = packedType;
  fn.setFunctionType(FunctionType::get(fn.getContext(), inputs, fn.getResultTypes()));
  if (!c.slice) {
    return c.arg;
  }
  // The work item's first column is a multiple of tileN: its panels start at
  // n0 / tileN * panelsPerTile.
  unsigned nDim = transposed ? 0 : 1;
  OpFoldResult n0 = c.slice.getMixedOffsets()[nDim];
  Value offset = getValueOrCreateConstantIndexOp(b, loc, n0);
  offset = arith::MulIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, offset, indexConstant(b, loc, tileN)),
      indexConstant(b, loc, panelsPerTile));
  SmallVector<OpFoldResult> offsets = {offset, b.getIndexAttr(0), b.getIndexAttr(0)};
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(panelsPerTile), b.getIndexAttr(k),
                                     b.getIndexAttr(panel)};
  SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(
      b, loc, RankedTensorType::get({panelsPerTile, k, panel}, b.getF32Type()), c.arg,
      offsets, sizes, strides);
}

void packMatmul(linalg::MatmulOp mm, RhsLayout layout, int64_t vectorBits,
                const DenseMap<StringAttr, SmallVector<func::CallOp>> &calls) {
  auto bType = cast<RankedTensorType>(mm.getDpsInputs()[1].getType());
  auto cType = cast<RankedTensorType>(mm.getDpsInits()[0].getType());
  bool transposed = layout == RhsLayout::Transposed;
  int64_t k = bType.getDimSize(transposed ? 1 : 0), n = bType.getDimSize(transposed ? 0 : 1),
          m = cType.getDimSize(0);
  int64_t panel = panelWidth(n, vectorBits);
  if (panel == 0 || k == 0 || m == 0) {
    return;
  }
  OpBuilder b(mm);
  Location loc = mm.getLoc();
  Value rhs = mm.getDpsInputs()[1];
  auto producer = rhs.getDefiningOp<linalg::GenericOp>();
  tensor::ExtractSliceOp replacedSlice;
  Value packed;
  if (std::optional<ConstantRhs> constant = findConstantRhs(mm, layout, calls)) {
    packed = prepackConstantRhs(b, loc, *constant, layout, n, panel);
    replacedSlice = constant->slice;
  }
  if (packed) {
    producer = nullptr;
  } else if (transposed) {
    return; // a transposed B that is not constant keeps the plain schedule
  } else if (isIndexOnlyProducer(producer)) {
    b.setInsertionPoint(producer);
    packed = packIm2colProducer(b, producer, panel);
    if (!packed) {
      packed = packIndexProducer(b, producer, panel);
    }
    b.setInsertionPoint(mm);
  } else {
    packed = packCopy(b, loc, rhs, panel);
  }
  int64_t panels = int64_t(llvm::divideCeil(n, panel));
  auto c3Type = RankedTensorType::get({m, panels, panel}, cType.getElementType());
  SmallVector<ReassociationIndices> groups{{0}, {1, 2}};
  Value cInit = mm.getDpsInits()[0];
  // The accumulator: the init itself seen as [M, N/P, P], or where N is padded a copy of
  // it with zero columns, copied back (row by row) after the contraction.
  Value init = n % panel == 0 ? Value(tensor::ExpandShapeOp::create(b, loc, c3Type, cInit, groups))
                              : paddedAccumulator(b, loc, cInit, panels, panel);
  MLIRContext *ctx = mm.getContext();
  AffineExpr dm, dn0, dn1, dk;
  bindDims(ctx, dm, dn0, dn1, dk);
  SmallVector<Attribute> maps = {
      AffineMapAttr::get(AffineMap::get(4, 0, {dm, dk}, ctx)),
      AffineMapAttr::get(AffineMap::get(4, 0, {dn0, dk, dn1}, ctx)),
      AffineMapAttr::get(AffineMap::get(4, 0, {dm, dn0, dn1}, ctx))};
  auto contract = linalg::ContractOp::create(b, loc, TypeRange{c3Type},
                                             ValueRange{mm.getDpsInputs()[0], packed},
                                             ValueRange{init}, b.getArrayAttr(maps));
  Value result;
  if (n % panel == 0) {
    result = tensor::CollapseShapeOp::create(b, loc, cType, contract->getResult(0), groups);
  } else {
    Value flat = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({m, panels * panel}, cType.getElementType()),
        contract->getResult(0), groups);
    Value valid = extractStatic(b, loc, cType, flat, {0, 0}, {m, n});
    result = linalg::CopyOp::create(b, loc, valid, cInit)->getResult(0);
  }
  mm->getResult(0).replaceAllUsesWith(result);
  mm->erase();
  if (producer && producer->use_empty()) {
    producer->erase();
  }
  if (replacedSlice) {
    replacedSlice->erase(); // it read the argument before it was packed
  }
}

struct PackContractionsPass
    : public kiln::impl::PackContractionsPassBase<PackContractionsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (vectorBits != 256 && vectorBits != 512) {
      getOperation().emitError("kiln-cpu-pack-contractions: vector-bits must be 256 or 512");
      return signalPassFailure();
    }
    SmallVector<std::pair<linalg::MatmulOp, RhsLayout>> matmuls;
    DenseMap<StringAttr, SmallVector<func::CallOp>> calls;
    getOperation().walk([&](func::CallOp call) {
      calls[call.getCalleeAttr().getAttr()].push_back(call);
    });
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      // Attention kernels multiply small blocks already laid out for the register tiles.
      if (fn->hasAttr(kiln::kKernelAttr) && !fn.isDeclaration() &&
          !fn->hasAttr(kiln::kAttentionAttr)) {
        fn.walk([&](linalg::MatmulOp mm) {
          if (RhsLayout layout = getF32RhsLayout(mm); layout != RhsLayout::None) {
            matmuls.push_back({mm, layout});
          }
        });
      }
    }
    for (auto [mm, layout] : matmuls) {
      packMatmul(mm, layout, vectorBits, calls);
    }
  }
};

} // namespace
