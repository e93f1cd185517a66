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
//    convolution): that generic is rewritten to write the panels directly;
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

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
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

/// B[K, N] copied into Bp[Np/P, K, P]: a transpose of the [K, N/P, P] view, or where N
/// needs padding an element-wise producer.
Value packCopy(OpBuilder &b, Location loc, Value rhs, int64_t panel) {
  auto type = cast<RankedTensorType>(rhs.getType());
  int64_t k = type.getDimSize(0), n = type.getDimSize(1);
  if (n % panel != 0) {
    auto packedType = RankedTensorType::get({int64_t(llvm::divideCeil(n, panel)), k, panel},
                                            type.getElementType());
    return createPaddedProducer(
        b, loc, packedType, {0, 2}, panel, n,
        [&](OpBuilder &nb, Location l, ValueRange indices, Value col) {
          return tensor::ExtractOp::create(nb, l, rhs, ValueRange{indices[1], col});
        });
  }
  Value expanded = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({k, n / panel, panel}, type.getElementType()), rhs,
      SmallVector<ReassociationIndices>{{0}, {1, 2}});
  Value empty = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{n / panel, k, panel},
                                        type.getElementType());
  auto transpose = linalg::TransposeOp::create(b, loc, expanded, empty,
                                               ArrayRef<int64_t>{1, 0, 2});
  return transpose->getResult(0);
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
    packed = packIndexProducer(b, producer, panel);
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
  Value init = n % panel == 0
                   ? Value(tensor::ExpandShapeOp::create(b, loc, c3Type, cInit, groups))
                   : createPaddedProducer(
                         b, loc, c3Type, {1, 2}, panel, n,
                         [&](OpBuilder &nb, Location l, ValueRange indices, Value col) {
                           return tensor::ExtractOp::create(nb, l, cInit,
                                                            ValueRange{indices[0], col});
                         });
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
    Value valid = tensor::ExtractSliceOp::create(
        b, loc, cType, flat, ValueRange{}, ValueRange{}, ValueRange{},
        b.getDenseI64ArrayAttr({0, 0}), b.getDenseI64ArrayAttr({m, n}),
        b.getDenseI64ArrayAttr({1, 1}));
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
