//===- VectorizeWindows.cpp - depthwise convs and pooling as vector rows ---===//
//
// After bufferization, the window ops of a kernel on memrefs, with the input already
// padded,
//   linalg.depthwise_conv_2d_nchw_chw   (MobileNet's 3x3 depthwise layers)
//   linalg.pooling_nchw_max / _sum      (max pooling; average pooling sums, then divides)
// when f32 with a static window, static output rows and columns and width stride 1 or
// 2, become loops over (batch, channel, block of output rows) whose body computes the
// rows in strips of vectors along the output width, every (row, vector) of a block an
// accumulator of its own (up to 12 on AVX-512, 4 on AVX2):
//
//   w[i][j]  = broadcast(filter[c, i, j])                  depthwise only, hoisted out of
//                                                          the row loop
//   acc[u]   = out[n, c, oh, ow + u V : V]                 (the bias / -inf / 0 the init
//                                                          holds)
//   x        = in[n, c, oh sh + i dh, (ow + u V) sw + j dw : V sw | sw]
//   acc[u]   = fma(x, w[i][j], acc[u]) | max(acc[u], x) | acc[u] + x
//   out[...] = acc[u]
//
// with V = one vector register of f32 (16 on AVX-512, 8 where the row is narrower or on
// AVX2) and up to U accumulators per strip (4; 2 on AVX2). Width stride 1 loads the
// input row contiguously; stride 2 loads 2V consecutive values and keeps the even lanes
// (one shuffle). The row's last vector is masked when V does not divide the width, and
// the odd lane past a stride-2 strip's last needed input is masked off, so no load
// reaches past what the scalar loops would read.
//
// Upstream vectorizes 1-D NWC depthwise convolutions and pooling only; kiln keeps NCHW
// (the layout of the models and of the im2col matmul path), where this schedule is the
// natural one: a channel's weights stay in registers for all its rows. Until this pass
// these ops fell to convert-linalg-to-loops: scalar, 2.5 GMAC/s on MobileNetV2's
// 32x112x112 depthwise layer (1.44 ms, now 0.32), and ResNet-18's 3x3/2 max pooling
// took 1 ms. Other strides, element types and layouts keep that path.
//
//===----------------------------------------------------------------------------===//
#include "codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#define DEBUG_TYPE "kiln-cpu-vectorize-windows"

namespace kiln {
#define GEN_PASS_DEF_VECTORIZEWINDOWSPASS
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

/// Whether `type` is an f32 memref whose innermost dim is contiguous (vector.load and
/// vector.maskedload need it).
bool isUnitStrideF32(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || !memref.getElementType().isF32()) {
    return false;
  }
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(memref.getStridesAndOffset(strides, offset)) && !strides.empty() &&
         strides.back() == 1;
}

/// How a window op combines an input value into its accumulator.
enum class WindowKind { DepthwiseFma, Max, Sum };

class WindowLowering {
public:
  WindowLowering(linalg::LinalgOp op, WindowKind kind, int64_t vectorBits)
      : op(op), kind(kind), b(op), loc(op.getLoc()), vectorBits(vectorBits) {}

  /// Whether the op is one this schedule handles (see the file comment).
  bool matches() {
    if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1) {
      return false;
    }
    input = op.getDpsInputOperand(0)->get();
    filter = op.getDpsInputOperand(1)->get();
    output = op.getDpsInitOperand(0)->get();
    // The depthwise filter is [C, KH, KW]; the pooling window a [KH, KW] shape operand.
    auto filterType = dyn_cast<MemRefType>(filter.getType());
    auto outputType = dyn_cast<MemRefType>(output.getType());
    if (!isUnitStrideF32(input.getType()) || !isUnitStrideF32(output.getType()) ||
        !filterType || !outputType || outputType.getRank() != 4 ||
        filterType.getRank() != (kind == WindowKind::DepthwiseFma ? 3 : 2) ||
        (kind == WindowKind::DepthwiseFma && !filterType.getElementType().isF32())) {
      return false;
    }
    kh = filterType.getDimSize(filterType.getRank() - 2);
    kw = filterType.getDimSize(filterType.getRank() - 1);
    oh = outputType.getDimSize(2);
    ow = outputType.getDimSize(3);
    auto stridesAttr = op->getAttrOfType<DenseIntElementsAttr>("strides");
    auto dilationsAttr = op->getAttrOfType<DenseIntElementsAttr>("dilations");
    if (!stridesAttr || !dilationsAttr) {
      return false;
    }
    auto strides = llvm::to_vector(stridesAttr.getValues<int64_t>());
    auto dilations = llvm::to_vector(dilationsAttr.getValues<int64_t>());
    sh = strides[0];
    sw = strides[1];
    dh = dilations[0];
    dw = dilations[1];
    if (ShapedType::isDynamic(kh) || ShapedType::isDynamic(kw) || ShapedType::isDynamic(oh) ||
        ShapedType::isDynamic(ow) || (sw != 1 && sw != 2) || kh * kw > 25) {
      return false;
    }
    lanes = vectorBits / 32;
    if (ow < lanes && lanes > 8) {
      lanes = 8; // a ymm register for rows of fewer than 16 values
    }
    perStrip = vectorBits >= 512 ? 4 : 2;
    // Accumulator registers beside the kh x kw broadcast weights (9 for 3 x 3) and the
    // input values: 12 of the 32 zmm, 4 of the 16 ymm.
    accumulators = vectorBits >= 512 ? 12 : 4;
    return true;
  }

  void rewrite() {
    vecType = VectorType::get({lanes}, b.getF32Type());
    zero = arith::ConstantOp::create(b, loc, vecType,
                                     DenseElementsAttr::get(vecType, b.getF32FloatAttr(0.0f)));
    Value c0 = index(0), c1 = index(1);
    Value batch = memref::DimOp::create(b, loc, output, 0);
    Value channels = memref::DimOp::create(b, loc, output, 1);
    auto nLoop = scf::ForOp::create(b, loc, c0, batch, c1);
    b.setInsertionPointToStart(nLoop.getBody());
    auto cLoop = scf::ForOp::create(b, loc, c0, channels, c1);
    b.setInsertionPointToStart(cLoop.getBody());
    n = nLoop.getInductionVar();
    c = cLoop.getInductionVar();
    weights.clear();
    for (int64_t i = 0; kind == WindowKind::DepthwiseFma && i < kh; ++i) {
      for (int64_t j = 0; j < kw; ++j) {
        Value w = memref::LoadOp::create(b, loc, filter, ValueRange{c, index(i), index(j)});
        weights.push_back(vector::BroadcastOp::create(b, loc, vecType, w));
      }
    }
    // Rows in blocks of rowBlock (the last block shorter): every (row, vector) of a
    // block is its own accumulator, so rowBlock x strip FMA chains run interleaved
    // instead of one chain of kh * kw dependent FMAs per vector (a 14-wide row has two
    // vectors: MobileNetV2's 14 x 14 depthwise layers were FMA-latency bound).
    int64_t rowVectors = (ow + lanes - 1) / lanes;
    int64_t widestStrip = std::min(perStrip, rowVectors);
    int64_t rowBlock = std::clamp<int64_t>(accumulators / widestStrip, 1, oh);
    int64_t blocks = oh / rowBlock, lastRows = oh % rowBlock;
    if (blocks > 0) {
      auto rowLoop = scf::ForOp::create(b, loc, c0, index(blocks * rowBlock), index(rowBlock));
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(rowLoop.getBody());
      rows.clear();
      for (int64_t r = 0; r < rowBlock; ++r) {
        rows.push_back(add(rowLoop.getInductionVar(), r));
      }
      emitRows();
    }
    rows.clear();
    for (int64_t r = 0; r < lastRows; ++r) {
      rows.push_back(index(blocks * rowBlock + r));
    }
    if (!rows.empty()) {
      emitRows();
    }
    op->erase();
  }

private:
  /// The output columns of the rows in `rows`: full strips of perStrip vectors in a loop,
  /// then the vectors left (the last one masked when the width is not a multiple of the
  /// vector).
  void emitRows() {
    Value c0 = index(0);
    int64_t fullVectors = ow / lanes, strips = fullVectors / perStrip;
    if (strips > 0) {
      auto stripLoop =
          scf::ForOp::create(b, loc, c0, index(strips * perStrip * lanes), index(perStrip * lanes));
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(stripLoop.getBody());
      emitStrip(stripLoop.getInductionVar(), SmallVector<int64_t>(perStrip, lanes));
    }
    int64_t done = strips * perStrip * lanes;
    SmallVector<int64_t> rest;
    for (int64_t start = done; start < ow; start += lanes) {
      rest.push_back(std::min(lanes, ow - start));
    }
    for (size_t k = 0; k < rest.size(); k += perStrip) {
      ArrayRef<int64_t> strip = ArrayRef<int64_t>(rest).slice(
          k, std::min<size_t>(perStrip, rest.size() - k));
      emitStrip(index(done + static_cast<int64_t>(k) * lanes), strip);
    }
  }

  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, int64_t v) {
    return v == 0 ? x : arith::AddIOp::create(b, loc, x, index(v)).getResult();
  }
  Value mul(Value x, int64_t v) {
    return v == 1 ? x : arith::MulIOp::create(b, loc, x, index(v)).getResult();
  }

  /// `count` lanes (<= lanes) of `base` at `indices`; the rest zero.
  Value load(Value base, ValueRange indices, int64_t count) {
    if (count == lanes) {
      return vector::LoadOp::create(b, loc, vecType, base, indices);
    }
    if (count <= 0) {
      return zero;
    }
    Value mask = vector::ConstantMaskOp::create(
        b, loc, VectorType::get({lanes}, b.getI1Type()), b.getDenseI64ArrayAttr({count}));
    return vector::MaskedLoadOp::create(b, loc, vecType, base, indices, mask, zero);
  }

  void store(Value value, Value base, ValueRange indices, int64_t count) {
    if (count == lanes) {
      vector::StoreOp::create(b, loc, value, base, indices);
      return;
    }
    Value mask = vector::ConstantMaskOp::create(
        b, loc, VectorType::get({lanes}, b.getI1Type()), b.getDenseI64ArrayAttr({count}));
    vector::MaskedStoreOp::create(b, loc, base, indices, mask, value);
  }

  /// The input values for `count` outputs from output column `col` (a vector index).
  Value loadInput(Value inRow, Value col, int64_t j, int64_t count) {
    Value start = add(mul(col, sw), j * dw);
    if (sw == 1) {
      return load(input, ValueRange{n, c, inRow, start}, count);
    }
    // Stride 2: outputs o use inputs 2o; the last needed is lane 2 (count - 1).
    int64_t needed = 2 * count - 1;
    Value lo = load(input, ValueRange{n, c, inRow, start}, std::min(lanes, needed));
    Value hi = load(input, ValueRange{n, c, inRow, add(start, lanes)}, needed - lanes);
    SmallVector<int64_t> even;
    for (int64_t l = 0; l < lanes; ++l) {
      even.push_back(2 * l);
    }
    return vector::ShuffleOp::create(b, loc, vecType, lo, hi, b.getDenseI64ArrayAttr(even));
  }

  /// One strip of every row of `rows`: vectors of `counts[u]` valid lanes at output
  /// columns col + u * lanes.
  void emitStrip(Value col, ArrayRef<int64_t> counts) {
    SmallVector<Value> cols;
    SmallVector<SmallVector<Value>> accs(rows.size());
    for (size_t u = 0; u < counts.size(); ++u) {
      cols.push_back(add(col, static_cast<int64_t>(u) * lanes));
    }
    for (size_t r = 0; r < rows.size(); ++r) {
      for (size_t u = 0; u < counts.size(); ++u) {
        accs[r].push_back(load(output, ValueRange{n, c, rows[r], cols[u]}, counts[u]));
      }
    }
    for (int64_t i = 0; i < kh; ++i) {
      for (int64_t j = 0; j < kw; ++j) {
        for (size_t r = 0; r < rows.size(); ++r) {
          Value inRow = add(mul(rows[r], sh), i * dh);
          for (size_t u = 0; u < counts.size(); ++u) {
            Value x = loadInput(inRow, cols[u], j, counts[u]);
            Value &acc = accs[r][u];
            switch (kind) {
            case WindowKind::DepthwiseFma:
              acc = vector::FMAOp::create(b, loc, x, weights[i * kw + j], acc);
              break;
            case WindowKind::Max:
              acc = arith::MaximumFOp::create(b, loc, acc, x);
              break;
            case WindowKind::Sum:
              acc = arith::AddFOp::create(b, loc, acc, x);
              break;
            }
          }
        }
      }
    }
    for (size_t r = 0; r < rows.size(); ++r) {
      for (size_t u = 0; u < counts.size(); ++u) {
        store(accs[r][u], output, ValueRange{n, c, rows[r], cols[u]}, counts[u]);
      }
    }
  }

  linalg::LinalgOp op;
  WindowKind kind;
  OpBuilder b;
  Location loc;
  int64_t vectorBits;
  Value input, filter, output, zero, n, c;
  SmallVector<Value> rows; // the output rows being computed
  int64_t kh = 0, kw = 0, oh = 0, ow = 0, sh = 1, sw = 1, dh = 1, dw = 1;
  int64_t lanes = 16, perStrip = 4, accumulators = 12;
  VectorType vecType;
  SmallVector<Value> weights;
};

struct VectorizeWindowsPass
    : public kiln::impl::VectorizeWindowsPassBase<VectorizeWindowsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (vectorBits != 512 && vectorBits != 256) {
      getOperation()->emitError() << "kiln-cpu-vectorize-windows: vector-bits must be 512 "
                                     "or 256, got "
                                  << static_cast<int64_t>(vectorBits);
      return signalPassFailure();
    }
    SmallVector<std::pair<linalg::LinalgOp, WindowKind>> windows;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (isa<linalg::DepthwiseConv2DNchwChwOp>(op)) {
        windows.push_back({op, WindowKind::DepthwiseFma});
      } else if (isa<linalg::PoolingNchwMaxOp>(op)) {
        windows.push_back({op, WindowKind::Max});
      } else if (isa<linalg::PoolingNchwSumOp>(op)) {
        windows.push_back({op, WindowKind::Sum});
      }
    });
    for (auto [op, kind] : windows) {
      WindowLowering lowering(op, kind, vectorBits);
      if (lowering.matches()) {
        lowering.rewrite();
      }
    }
  }
};

} // namespace
