//===- MapContraction.cpp - matmul kernels on tensor cores (mma.sync) -------===//
//
// A contraction kernel after bufferization is
//   fill(init) -> acc;  contraction(A, B) -> acc;  [all-parallel epilogue ops on acc]
// with f16 or bf16 operands and an f32 accumulator (a linalg.matmul, batch_matmul, a
// matmul with transposed B, or an equivalent generic). It becomes one CUDA kernel:
//
//   block tile BM x BN (128 x 128, or 64 x 64 when the big tiles leave SMs idle), BK = 32,
//   4 warps in 2 x 2, warp tile (BM/2) x (BN/2) as MT x NT instruction tiles of
//   mma.sync.m16n8k16 (f32 accumulators in registers);
//   A and B tiles go global -> shared memory through cp.async.cg (16 bytes, zero-filled
//   past the matrix edges) into a ring of `stages` buffers, rows padded by 16 bytes so
//   that ldmatrix reads 8 rows without bank conflicts; one barrier per k-tile;
//   A fragments by ldmatrix.x4, B by ldmatrix.x4 (.trans when B is N-contiguous);
//   the epilogue (bias, activation, residual, cast) runs on the accumulator registers and
//   stores the output directly.
//
// Operands must be contiguous along their innermost index with 16-byte aligned rows
// (K a multiple of 8 for A; K or N for B); M and N are arbitrary (guards), K is
// zero-padded to the k-tile. On sm_90a, mapContraction hands the kernel to the TMA +
// wgmma kernel of MapWgmma.cpp first.
//
// tf32 (--precision=tf32, f32 operands): mma.sync.m16n8k8, 16-byte copies of 4 floats,
// ldmatrix of 32-bit elements, and scalar shared loads for an N-contiguous B (there is
// no 32-bit ldmatrix.trans).
//
// Convolutions (mapConvolution) run on the same kernel as an implicit GEMM: the weight is
// A ([F, C*KH*KW], copied, or gathered where its rows are not 16-byte multiples), the
// input is B, gathered from the unpadded input (the padding is virtual, MapWindow.cpp's
// PaddedBuffer) and stored to shared memory 16 bytes at a time: a chunk of output pixels
// whose input pixels lie inside one input row reads them at constant distances from one
// offset, other chunks element by element with bounds checks (a pointwise convolution's
// chunks are runs across output rows too; where its input is already 16-bit in rows of
// 16-byte multiples, B is copied by cp.async as a GEMM's). The gathered loads of the
// next k-tile are issued before this tile's mma.sync and stored after it. A per-element
// start value (a broadcast bias) is added in the epilogue.
//
//===----------------------------------------------------------------------------===//
#include "codegen/cuda/Contraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/ADT/MapVector.h"

#include <cstdio>
#include <cstdlib>

using namespace mlir;

namespace kiln::cuda {
namespace {

/// Elements of `elem` per 16-byte copy (cp.async, a gathered chunk).
int64_t chunkOf(Type elem) { return 16 / (elem.getIntOrFloatBitWidth() / 8); }

/// Elements of padding per shared-memory row: 16 bytes, so that the 8 rows an ldmatrix
/// reads fall in distinct banks; 32 bytes for an f32 B tile stored [k][n], which tf32
/// reads with scalar loads (no 32-bit ldmatrix.trans): 4 k-rows of 8 columns per load,
/// in distinct banks when a row is 8 banks past a multiple of 32.
int64_t padOf(Type elem, bool scalarB) { return (scalarB ? 2 : 1) * chunkOf(elem); }

/// tf32 (f32 operands): mma.sync.m16n8k8, B fragments of a [k][n] tile by scalar loads.
bool isTf32(const Problem &p) { return p.elem.isF32(); }
constexpr int64_t kGroup = 8;     // M-tiles per rasterization group

/// Block tile bm x bn x bk, `stages` shared-memory buffers, wm x wn warps.
struct Tiles {
  int64_t bm, bn, bk, stages, wm, wn;
  int64_t threads() const { return 32 * wm * wn; }
  int64_t mt() const { return bm / wm / 16; } // mma tiles per warp along M
  int64_t nt() const { return bn / wn / 8; }  // ... along N
};

class Emitter {
public:
  Emitter(OpBuilder &b, Location loc, Problem &p, const Tiles &t, IRMapping &outer)
      : b(b), loc(loc), p(p), t(t), outer(outer), chunk(chunkOf(p.elem)) {}

  void emit(Value smemBase);

private:
  Value c(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, int64_t y) { return arith::MulIOp::create(b, loc, x, c(y)); }
  Value div(Value x, int64_t y) { return arith::DivUIOp::create(b, loc, x, c(y)); }
  Value rem(Value x, int64_t y) { return arith::RemUIOp::create(b, loc, x, c(y)); }
  Value lt(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y);
  }
  Value minIdx(Value x, int64_t hi) { return arith::MinUIOp::create(b, loc, x, c(hi)); }

  /// Global indices of `operand` (A or B of the contraction) at rows/columns given as
  /// loop coordinates.
  SmallVector<Value> globalIndices(OpOperand *operand, int64_t dimRow, Value row,
                                   int64_t dimCol, Value col) {
    SmallVector<Value> at(p.op.getNumLoops(), c(0));
    setBatchCoords(b, loc, p, batchId, at);
    at[dimRow] = row;
    at[dimCol] = col;
    return indicesAt(b, loc, p.op.getMatchingIndexingMap(operand), at);
  }

  /// The global indices of a tile element: (row, column) of the shared tile's layout.
  using IndexFn = std::function<SmallVector<Value>(Value row, Value col)>;
  /// The value of a tile element, 0 outside the operand (a gathered operand).
  using GatherFn = std::function<Value(Value row, Value col)>;

  /// The global indices of `operand` (A or B of the contraction) where loop `dimRow` is
  /// the tile row and `dimCol` the tile column.
  IndexFn operandIndices(OpOperand *operand, int64_t dimRow, int64_t dimCol) {
    return [=, this](Value row, Value col) {
      return globalIndices(operand, dimRow, row, dimCol, col);
    };
  }

  /// cp.async of one operand's k-tile into stage `stage`: `rows` x `cols` elements of a
  /// shared buffer laid out [stage][rows][cols + pad], row r at `row0 + r` (bound
  /// `rowBound`), column c at `col0 + c` (bound `colBound`), read from `src` at `at`.
  void copyTile(Value src, const IndexFn &at, Value smem, Value stage, int64_t rows,
                int64_t cols, Value row0, int64_t rowBound, Value col0, int64_t colBound) {
    int64_t chunksPerRow = cols / chunk;
    int64_t chunks = rows * chunksPerRow;
    for (int64_t i = 0; i < chunks / t.threads(); ++i) {
      Value id = add(tid, c(i * t.threads()));
      Value r = div(id, chunksPerRow);
      Value cc = mul(rem(id, chunksPerRow), chunk);
      Value row = add(row0, r);
      Value col = add(col0, cc);
      Value valid = arith::AndIOp::create(b, loc, lt(row, c(rowBound)), lt(col, c(colBound)));
      // Past the edges: read nothing (src-size 0 zero-fills), from a valid address.
      Value srcElements = arith::SelectOp::create(b, loc, valid, c(chunk), c(0));
      SmallVector<Value> idx = at(minIdx(row, rowBound - 1), minIdx(col, colBound - chunk));
      nvgpu::DeviceAsyncCopyOp::create(b, loc, smem, ValueRange{stage, r, cc}, src, idx,
                                       b.getIndexAttr(chunk), srcElements, b.getUnitAttr());
    }
  }

  /// Loads this thread's chunks (8 consecutive columns) of a gathered `rows` x `cols`
  /// tile at (row0, col0) into registers: the loads are in flight until gatherStore.
  /// `wholeChunk`, where set, gathers a chunk at once instead.
  SmallVector<Value> gatherLoad(const GatherFn &element, int64_t rows, int64_t cols,
                                Value row0, Value col0, const GatherFn &wholeChunk = nullptr) {
    int64_t chunksPerRow = cols / chunk;
    SmallVector<Value> chunks;
    for (int64_t i = 0; i < rows * chunksPerRow / t.threads(); ++i) {
      Value id = add(tid, c(i * t.threads()));
      Value row = add(row0, div(id, chunksPerRow));
      Value col = add(col0, mul(rem(id, chunksPerRow), chunk));
      if (wholeChunk) {
        chunks.push_back(wholeChunk(row, col));
        continue;
      }
      chunks.push_back(gatherElements(element, row, col));
    }
    return chunks;
  }

  /// The chunk at (row, col) element by element.
  Value gatherElements(const GatherFn &element, Value row, Value col) {
    SmallVector<Value> elements;
    for (int64_t e = 0; e < chunk; ++e) {
      elements.push_back(element(row, add(col, c(e))));
    }
    return vector::FromElementsOp::create(b, loc, VectorType::get({chunk}, p.elem), elements);
  }

  /// Stores the chunks of gatherLoad into stage `stage` (16-byte shared stores).
  void gatherStore(ArrayRef<Value> chunks, Value smem, Value stage, int64_t cols) {
    int64_t chunksPerRow = cols / chunk;
    for (auto [i, v] : llvm::enumerate(chunks)) {
      Value id = add(tid, c(static_cast<int64_t>(i) * t.threads()));
      auto store = vector::StoreOp::create(
          b, loc, v, smem,
          ValueRange{stage, div(id, chunksPerRow), mul(rem(id, chunksPerRow), chunk)});
      store.setAlignment(16);
    }
  }

  /// The A and B tiles of k-tile `kt`: cp.async operands are issued into `stage` and
  /// committed as one group; gathered ones are loaded into the returned registers, for
  /// storeGathered to write once the loads have had time to land.
  struct Gathered {
    SmallVector<Value> a, b;
  };
  Gathered issueTile(Value kt, Value stage, Value &token) {
    Value k0 = mul(kt, t.bk);
    Gathered g;
    if (gatherA) {
      g.a = gatherLoad(gatherA, t.bm, t.bk, m0, k0);
    } else {
      copyTile(aSource, aIndices, aSmem, stage, t.bm, t.bk, m0, p.M, k0, p.K);
    }
    if (gatherB) {
      g.b = gatherLoad(gatherB, t.bk, t.bn, k0, n0, gatherChunkB);
    } else if (p.bKContiguous) {
      copyTile(bSource, bIndices, bSmem, stage, t.bn, t.bk, n0, p.N, k0, p.K);
    } else {
      copyTile(bSource, bIndices, bSmem, stage, t.bk, t.bn, k0, p.K, n0, p.N);
    }
    token = nvgpu::DeviceAsyncCreateGroupOp::create(
        b, loc, nvgpu::DeviceAsyncTokenType::get(b.getContext()), ValueRange{});
    return g;
  }

  void storeGathered(const Gathered &g, Value stage) {
    if (gatherA) {
      gatherStore(g.a, aSmem, stage, t.bk);
    }
    if (gatherB) {
      gatherStore(g.b, bSmem, stage, t.bn);
    }
  }

  /// Where A and B come from: the contraction's operands, or a convolution's weight (as
  /// [F, K], copied when its rows are 16-byte aligned, else gathered) and its input
  /// (always gathered: the implicit im2col).
  void planOperands();

  SmallVector<Value> ldmatrix(Value smem, ValueRange idx, bool transpose) {
    return ldmatrixX4(b, loc, smem, idx, transpose, p.elem);
  }

  /// One k-tile of mma.sync on stage `stage`, updating `acc` (4 floats per tile).
  void computeTile(Value stage, SmallVector<Value> &acc) {
    // One mma.sync consumes kStep of k: 16 (m16n8k16, f16 / bf16) or 8 (m16n8k8, tf32).
    // ldmatrix moves 8 x 16-byte rows either way: 8 elements, or 4 f32 (tf32 fragments
    // have the 16-bit ones' shapes with 32-bit elements).
    bool tf32 = isTf32(p);
    int64_t kStep = tf32 ? 8 : 16, half = kStep / 2;
    Value laneRow = rem(lane, 16);     // row of the 16-row ldmatrix.x4 pattern
    Value laneHigh = div(lane, 16);    // 0 or 1: the second half of the pattern
    for (int64_t kk = 0; kk < t.bk / kStep; ++kk) {
      SmallVector<SmallVector<Value>> aFrag, bFrag(t.nt());
      for (int64_t mi = 0; mi < t.mt(); ++mi) {
        Value row = add(warpRow, add(c(mi * 16), laneRow));
        aFrag.push_back(
            ldmatrix(aSmem, {stage, row, add(c(kk * kStep), mul(laneHigh, half))}, false));
      }
      if (tf32 && !p.bKContiguous) {
        // [k][n] in f32: no 32-bit ldmatrix.trans. b0 = B[t][g], b1 = B[t + 4][g] for
        // g = lane / 4, t = lane % 4.
        Value k = add(c(kk * kStep), rem(lane, 4));
        for (int64_t nj = 0; nj < t.nt(); ++nj) {
          Value n = add(warpCol, add(c(nj * 8), div(lane, 4)));
          for (Value kr : {k, add(k, c(4))}) {
            Value v = memref::LoadOp::create(b, loc, bSmem, ValueRange{stage, kr, n});
            bFrag[nj].push_back(LLVM::BitcastOp::create(b, loc, b.getI32Type(), v));
          }
        }
      }
      for (int64_t pj = 0; pj < t.nt() / 2 && !(tf32 && !p.bKContiguous); ++pj) {
        SmallVector<Value> r;
        if (p.bKContiguous) {
          // [n][k]: matrices (n0-7, k lo) (n0-7, k hi) (n8-15, k lo) (n8-15, k hi).
          Value n = add(warpCol, add(c(pj * 16), add(rem(lane, 8), mul(laneHigh, 8))));
          Value k = add(c(kk * kStep), mul(rem(div(lane, 8), 2), half));
          r = ldmatrix(bSmem, {stage, n, k}, false);
        } else {
          // [k][n], transposed: matrices (k0-7,n0-7) (k8-15,n0-7) (k0-7,n8-15) (k8-15,n8-15).
          Value k = add(c(kk * kStep), laneRow);
          Value n = add(warpCol, add(c(pj * 16), mul(laneHigh, 8)));
          r = ldmatrix(bSmem, {stage, k, n}, true);
        }
        bFrag[2 * pj] = {r[0], r[1]};
        bFrag[2 * pj + 1] = {r[2], r[3]};
      }
      for (int64_t mi = 0; mi < t.mt(); ++mi) {
        for (int64_t nj = 0; nj < t.nt(); ++nj) {
          size_t base = (mi * t.nt() + nj) * 4;
          ValueRange cIn(ArrayRef<Value>(acc).slice(base, 4));
          SmallVector<Value> d = tf32 ? mmaTf32(b, loc, aFrag[mi], bFrag[nj], cIn)
                                      : mma16816(b, loc, p.elem, aFrag[mi], bFrag[nj], cIn);
          std::copy(d.begin(), d.end(), acc.begin() + base);
        }
      }
    }
  }

  OpBuilder &b;
  Location loc;
  Problem &p;
  const Tiles &t;
  IRMapping &outer;
  Value tid, lane, warpRow, warpCol, batchId, m0, n0, aSmem, bSmem;
  int64_t chunk; // elements per 16-byte copy
  Value aSource, bSource;
  IndexFn aIndices, bIndices;
  GatherFn gatherA, gatherB;
  /// A whole chunk of B (`chunk` consecutive columns from `col` at row `row`) as one
  /// vector, where a faster form than element by element exists (the convolution's
  /// contiguous runs); null otherwise.
  GatherFn gatherChunkB;
};

void Emitter::planOperands() {
  if (!p.conv) {
    aSource = outer.lookup(p.op.getDpsInputs()[0]);
    bSource = outer.lookup(p.op.getDpsInputs()[1]);
    aIndices = operandIndices(p.op.getDpsInputOperand(0), p.dimM, p.dimK);
    bIndices = p.bKContiguous ? operandIndices(p.op.getDpsInputOperand(1), p.dimN, p.dimK)
                              : operandIndices(p.op.getDpsInputOperand(1), p.dimK, p.dimN);
    return;
  }
  const ConvGeometry &g = *p.conv;
  int64_t eb = p.elem.getIntOrFloatBitWidth() / 8;
  // The weight [F, C, KH, KW] is [F, K] in memory.
  Value weight = outer.lookup(g.weight);
  auto wType = cast<MemRefType>(weight.getType());
  aSource = memref::CollapseShapeOp::create(
      b, loc, MemRefType::get({p.M, p.K}, p.elem), weight,
      SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
  if ((p.K * eb) % 16 == 0 && wType.getLayout().isIdentity()) {
    aIndices = [](Value row, Value col) { return SmallVector<Value>{row, col}; };
  } else {
    // Rows of K elements that are not 16-byte multiples: element by element.
    gatherA = [this](Value row, Value col) {
      Value valid = arith::AndIOp::create(b, loc, lt(row, c(p.M)), lt(col, c(p.K)));
      Value v = memref::LoadOp::create(b, loc, aSource,
                                       ValueRange{minIdx(row, p.M - 1), minIdx(col, p.K - 1)});
      Value zero = arith::ConstantOp::create(b, loc, b.getFloatAttr(p.elem, 0.0));
      return arith::SelectOp::create(b, loc, valid, v, zero).getResult();
    };
  }
  // The input as one run of elements, addressed by a 32-bit offset (mapConvolution checked
  // that it fits): the gather's index arithmetic stays in 32-bit registers. A computed
  // input reads each input of its producer that has the input's shape and layout the same
  // way; others by their indexing maps.
  auto inputType = cast<MemRefType>(g.input.getType());
  auto flatten = [&](Value v) -> Value {
    auto type = cast<MemRefType>(v.getType());
    return memref::CollapseShapeOp::create(
        b, loc, MemRefType::get({type.getNumElements()}, type.getElementType()), v,
        SmallVector<ReassociationIndices>{{0, 1, 2, 3}});
  };
  // A pointwise convolution (1x1, stride 1, no padding) of a 16-bit input whose images'
  // channels are rows of 16-byte multiples is a plain product per image: B is the input
  // as [N, C, H * W], copied k-tile by k-tile by cp.async like a GEMM's N-contiguous B.
  Value input = outer.lookup(g.input);
  if (!g.producer && g.pointwise() && (g.H * g.W * eb) % 16 == 0 &&
      inputType.getElementType() == p.elem && inputType.getLayout().isIdentity()) {
    bSource = memref::CollapseShapeOp::create(
        b, loc, MemRefType::get({inputType.getDimSize(0), g.C, g.H * g.W}, p.elem), input,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
    bIndices = [this](Value row, Value col) { return SmallVector<Value>{batchId, row, col}; };
    return;
  }
  Value flat;
  DenseMap<unsigned, Value> flatInputs; // producer operand number -> flat view
  linalg::GenericOp producer = g.producer;
  if (!producer) {
    flat = flatten(input);
  } else {
    for (OpOperand *in : producer.getDpsInputOperands()) {
      auto type = dyn_cast<MemRefType>(in->get().getType());
      if (type && type.getShape() == inputType.getShape() &&
          producer.getMatchingIndexingMap(in).isIdentity()) {
        flatInputs[in->getOperandNumber()] = flatten(outer.lookup(in->get()));
      }
    }
  }
  Type i32 = b.getI32Type();
  Value image = arith::MulIOp::create(
      b, loc, arith::IndexCastOp::create(b, loc, i32, batchId),
      arith::ConstantIntOp::create(b, loc, i32, g.C * g.H * g.W));
  auto ci = [this, i32](int64_t v) -> Value {
    return arith::ConstantIntOp::create(b, loc, i32, v);
  };
  auto add32 = [this](Value x, Value y) -> Value { return arith::AddIOp::create(b, loc, x, y); };
  auto mul32 = [this, ci](Value x, int64_t y) -> Value {
    return arith::MulIOp::create(b, loc, x, ci(y));
  };
  auto div32 = [this, ci](Value x, int64_t y) -> Value {
    return arith::DivUIOp::create(b, loc, x, ci(y));
  };
  auto rem32 = [this, ci](Value x, int64_t y) -> Value {
    return arith::RemUIOp::create(b, loc, x, ci(y));
  };
  auto below = [this, ci](Value x, int64_t y) -> Value {
    // Unsigned: a negative coordinate (in the padding) compares as huge.
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, ci(y));
  };
  auto index = [this](Value v32) -> Value {
    return arith::IndexCastUIOp::create(b, loc, b.getIndexType(), v32);
  };
  auto both = [this](Value x, Value y) -> Value { return arith::AndIOp::create(b, loc, x, y); };
  // The input element at flat offset `offset` = (batchId, ch, y, x) (i32 values inside the
  // input): loaded, or its producer evaluated there.
  auto inputAt = [this, flat, flatInputs, producer, index](Value offset, Value ch, Value y,
                                                           Value x) mutable -> Value {
    if (!producer) {
      return memref::LoadOp::create(b, loc, flat, ValueRange{index(offset)});
    }
    SmallVector<Value> at = {batchId, index(ch), index(y), index(x)};
    IRMapping body = outer;
    Block &blk = producer.getRegion().front();
    for (OpOperand *in : producer.getDpsInputOperands()) {
      Value value;
      if (Value view = flatInputs.lookup(in->getOperandNumber())) {
        value = memref::LoadOp::create(b, loc, view, ValueRange{index(offset)});
      } else if (!isa<MemRefType>(in->get().getType())) {
        value = outer.lookup(in->get());
      } else {
        value = memref::LoadOp::create(
            b, loc, outer.lookup(in->get()),
            indicesAt(b, loc, producer.getMatchingIndexingMap(in), at));
      }
      body.map(blk.getArgument(in->getOperandNumber()), value);
    }
    cloneLinalgBody(b, blk, body, at);
    return body.lookupOrDefault(cast<linalg::YieldOp>(blk.getTerminator()).getOperand(0));
  };
  // k = (c, i, j) over C x KH x KW; col = (oh, ow) over OH x OW: the input row and the
  // first column the element (or a chunk from it) reads.
  struct Coords {
    Value k32, col32, ch, oh, ow, y, x;
  };
  auto coords = [=, &g](Value k, Value col) {
    Coords r;
    r.k32 = arith::IndexCastOp::create(b, loc, i32, k);
    r.col32 = arith::IndexCastOp::create(b, loc, i32, col);
    r.ch = div32(r.k32, g.KH * g.KW);
    Value i = rem32(div32(r.k32, g.KW), g.KH);
    Value j = rem32(r.k32, g.KW);
    r.oh = div32(r.col32, g.OW);
    r.ow = rem32(r.col32, g.OW);
    r.y = add32(add32(mul32(r.oh, g.sh), mul32(i, g.dh)), ci(-g.ph));
    r.x = add32(add32(mul32(r.ow, g.sw), mul32(j, g.dw)), ci(-g.pw));
    return r;
  };
  auto offsetOf = [=, &g](Value ch, Value y, Value x) {
    return add32(image, add32(mul32(add32(mul32(ch, g.H), y), g.W), x));
  };
  gatherB = [=, &g](Value k, Value col) mutable -> Value {
    Coords r = coords(k, col);
    Value valid = both(both(below(r.k32, p.K), below(r.col32, p.N)),
                       both(below(r.y, g.H), below(r.x, g.W)));
    // Outside the input: read (batchId, 0, 0, 0) instead, and replace the value by 0.
    auto clamp = [&](Value v) { return arith::SelectOp::create(b, loc, valid, v, ci(0)); };
    Value ch = clamp(r.ch), y = clamp(r.y), x = clamp(r.x);
    Value v = inputAt(offsetOf(ch, y, x), ch, y, x);
    Value zero = arith::ConstantOp::create(b, loc, b.getFloatAttr(p.elem, 0.0));
    return arith::SelectOp::create(b, loc, valid, v, zero).getResult();
  };
  // A chunk of `chunk` output pixels of one output row whose input pixels all lie inside
  // the input row (the interior of the image: no padding, no row end) reads one strided
  // run of the input: one offset, then the elements at constant distances from it (LLVM
  // folds them into the loads' immediate offsets), with no per-element index arithmetic,
  // bounds checks or selects. Other chunks (borders, a k or pixel past the end) go element
  // by element. Output rows shorter than a chunk never have such a run, except in a
  // pointwise convolution (1x1, stride 1, no padding): there pixel p of an image is input
  // element p of channel k, so any chunk of pixels is a run, across output rows too.
  const bool pointwise = g.pointwise() && p.N >= chunk;
  if (g.OW < chunk && !pointwise) {
    return;
  }
  gatherChunkB = [=, &g](Value k, Value col) mutable -> Value {
    Coords r = coords(k, col);
    int64_t span = (chunk - 1) * g.sw; // the run's last input column, from its first
    Value interior;
    if (pointwise) {
      interior = both(below(r.k32, p.K), below(r.col32, p.N - chunk + 1));
    } else {
      interior = both(both(below(r.k32, p.K), below(r.oh, g.OH)),
                      both(below(r.ow, g.OW - chunk + 1), below(r.y, g.H)));
      interior = both(interior, both(below(r.x, g.W), below(add32(r.x, ci(span)), g.W)));
    }
    auto chunkType = VectorType::get({chunk}, p.elem);
    auto run = scf::IfOp::create(b, loc, TypeRange{chunkType}, interior,
                                 /*withElseRegion=*/true);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(run.thenBlock());
    Value offset = pointwise ? add32(image, add32(mul32(r.ch, g.H * g.W), r.col32))
                             : offsetOf(r.ch, r.y, r.x);
    SmallVector<Value> elements;
    for (int64_t e = 0; e < chunk; ++e) {
      Value y = r.y, x = add32(r.x, ci(e * g.sw));
      if (pointwise && producer) {
        // The element's own pixel, for a producer that reads other inputs by coordinates.
        Value pixel = add32(r.col32, ci(e));
        y = div32(pixel, g.OW);
        x = rem32(pixel, g.OW);
      }
      elements.push_back(inputAt(add32(offset, ci(e * g.sw)), r.ch, y, x));
    }
    scf::YieldOp::create(b, loc,
                         vector::FromElementsOp::create(b, loc, chunkType, elements).getResult());
    b.setInsertionPointToStart(run.elseBlock());
    scf::YieldOp::create(b, loc, gatherElements(gatherB, k, col));
    return run.getResult(0);
  };
}

void Emitter::emit(Value smemBase) {
  MLIRContext *ctx = b.getContext();
  auto wg = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  int64_t eb = p.elem.getIntOrFloatBitWidth() / 8;
  int64_t aRows = t.bm, aCols = t.bk + padOf(p.elem, false);
  int64_t bRows = p.bKContiguous ? t.bn : t.bk;
  int64_t bCols = p.bKContiguous ? t.bk + padOf(p.elem, false)
                                 : t.bn + padOf(p.elem, isTf32(p));
  auto aType = MemRefType::get({t.stages, aRows, aCols}, p.elem, MemRefLayoutAttrInterface{}, wg);
  auto bType = MemRefType::get({t.stages, bRows, bCols}, p.elem, MemRefLayoutAttrInterface{}, wg);
  aSmem = memref::ViewOp::create(b, loc, aType, smemBase, c(0), ValueRange{});
  bSmem = memref::ViewOp::create(b, loc, bType, smemBase, c(t.stages * aRows * aCols * eb),
                                 ValueRange{});

  tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  lane = rem(tid, 32);
  Value warp = div(tid, 32);
  warpRow = mul(div(warp, t.wn), t.bm / t.wm);
  warpCol = mul(rem(warp, t.wn), t.bn / t.wn);
  std::tie(m0, n0) = rasterize(b, loc, p, t.bm, t.bn);
  batchId = gpu::BlockIdOp::create(b, loc, gpu::Dimension::z);

  planOperands();
  int64_t kTiles = (p.K + t.bk - 1) / t.bk;
  Value token;
  for (int64_t s = 0; s + 1 < t.stages; ++s) {
    storeGathered(issueTile(c(s), c(s), token), c(s));
  }
  Value start = p.init ? outer.lookupOrDefault(p.init)
                       : arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0)).getResult();
  SmallVector<Value> init(t.mt() * t.nt() * 4, start);
  auto loop = scf::ForOp::create(b, loc, c(0), c(kTiles), c(1), init);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value kt = loop.getInductionVar();
    // Tile kt has landed once at most stages - 2 younger groups are in flight; the
    // barrier publishes every thread's copies and retires the reads of the stage the
    // next copies overwrite (the one computed in the previous iteration).
    nvgpu::DeviceAsyncWaitOp::create(b, loc, token, b.getI32IntegerAttr(t.stages - 2));
    gpu::BarrierOp::create(b, loc);
    Value next = add(kt, c(t.stages - 1));
    Value nextStage = rem(next, t.stages);
    Value issued;
    Gathered gathered = issueTile(next, nextStage, issued);
    SmallVector<Value> acc(loop.getRegionIterArgs().begin(), loop.getRegionIterArgs().end());
    computeTile(rem(kt, t.stages), acc);
    // The gathered loads had the tile's mma.sync to land; the stage they go to was
    // computed in the previous iteration, before this iteration's barrier.
    storeGathered(gathered, nextStage);
    scf::YieldOp::create(b, loc, acc);
  }
  nvgpu::DeviceAsyncWaitOp::create(b, loc, token, b.getI32IntegerAttr(0));
  SmallVector<Value> acc(loop.getResults().begin(), loop.getResults().end());
  AccumulatorLayout at{m0, n0, warpRow, warpCol, lane, batchId, t.mt(), t.nt(),
                       p.M % t.bm != 0 || p.N % t.bn != 0};
  emitEpilogue(b, loc, p, outer, acc, at);
}

} // namespace

SmallVector<Value> ldmatrixX4(OpBuilder &b, Location loc, Value smem, ValueRange idx,
                              bool transpose, Type elem) {
  if (elem.isF32()) {
    // tf32: each register one f32, as the i32 mma.sync takes.
    Value v = nvgpu::LdMatrixOp::create(b, loc, VectorType::get({4, 1}, elem), smem, idx,
                                        transpose, 4);
    SmallVector<Value> regs;
    for (int64_t i = 0; i < 4; ++i) {
      Value f = vector::ExtractOp::create(b, loc, v, ArrayRef<int64_t>{i, 0});
      regs.push_back(LLVM::BitcastOp::create(b, loc, b.getI32Type(), f));
    }
    return regs;
  }
  auto type = VectorType::get({4, 2}, elem);
  Value v = nvgpu::LdMatrixOp::create(b, loc, type, smem, idx, transpose, 4);
  SmallVector<Value> regs;
  for (int64_t i = 0; i < 4; ++i) {
    Value pair = vector::ExtractOp::create(b, loc, v, ArrayRef<int64_t>{i});
    // mma.sync takes f16 pairs as vector<2xf16> and bf16 pairs as i32.
    regs.push_back(elem.isBF16() ? LLVM::BitcastOp::create(b, loc, b.getI32Type(), pair)
                                 : pair);
  }
  return regs;
}

Value packPair(OpBuilder &b, Location loc, Value lo, Value hi, Type elem) {
  Value pair = vector::FromElementsOp::create(
      b, loc, VectorType::get({2}, elem),
      ValueRange{arith::TruncFOp::create(b, loc, elem, lo), arith::TruncFOp::create(b, loc, elem, hi)});
  return elem.isBF16() ? LLVM::BitcastOp::create(b, loc, b.getI32Type(), pair) : pair;
}

SmallVector<Value> mma16816(OpBuilder &b, Location loc, Type elem, ValueRange a, ValueRange bFrag,
                            ValueRange c) {
  auto f32 = b.getF32Type();
  auto accType = LLVM::LLVMStructType::getLiteral(b.getContext(), {f32, f32, f32, f32});
  NVVM::MMATypes ptx = elem.isBF16() ? NVVM::MMATypes::bf16 : NVVM::MMATypes::f16;
  Value d = NVVM::MmaOp::create(
      b, loc, accType, a, bFrag, c, ArrayRef<int64_t>{16, 8, 16}, std::nullopt, std::nullopt,
      std::array<NVVM::MMATypes, 2>{ptx, ptx},
      std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row, NVVM::MMALayout::col});
  SmallVector<Value> out;
  for (int64_t e = 0; e < 4; ++e) {
    out.push_back(LLVM::ExtractValueOp::create(b, loc, d, ArrayRef<int64_t>{e}));
  }
  return out;
}

SmallVector<Value> mmaTf32(OpBuilder &b, Location loc, ValueRange a, ValueRange bFrag,
                           ValueRange c) {
  auto f32 = b.getF32Type();
  auto accType = LLVM::LLVMStructType::getLiteral(b.getContext(), {f32, f32, f32, f32});
  Value d = NVVM::MmaOp::create(
      b, loc, accType, a, bFrag, c, ArrayRef<int64_t>{16, 8, 8}, std::nullopt, std::nullopt,
      std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::tf32, NVVM::MMATypes::tf32},
      std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row, NVVM::MMALayout::col});
  SmallVector<Value> out;
  for (int64_t e = 0; e < 4; ++e) {
    out.push_back(LLVM::ExtractValueOp::create(b, loc, d, ArrayRef<int64_t>{e}));
  }
  return out;
}

/// Element offset of the last index, the innermost stride and the alignment facts of
/// operand `v`: innermost stride 1, every row (second-innermost stride) a multiple of
/// 16 bytes, and a 16-byte aligned static offset.
bool rowsAligned(Value v, int64_t elemBytes) {
  auto type = cast<MemRefType>(v.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)) || strides.empty() ||
      strides.back() != 1 || ShapedType::isDynamic(offset) ||
      (offset * elemBytes) % 16 != 0) {
    return false;
  }
  for (size_t i = 0; i + 1 < strides.size(); ++i) {
    if (ShapedType::isDynamic(strides[i]) || (strides[i] * elemBytes) % 16 != 0) {
      return false;
    }
  }
  return true;
}

int64_t maxSharedBytes(StringRef arch) {
  if (arch.starts_with("sm_90")) {
    return 227 * 1024;
  }
  if (arch == "sm_80" || arch == "sm_87") {
    return 163 * 1024;
  }
  return 99 * 1024; // sm_86, sm_89
}

std::pair<Value, Value> rasterize(OpBuilder &b, Location loc, const Problem &p, int64_t bm,
                                  int64_t bn) {
  auto c = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  int64_t gx = (p.N + bn - 1) / bn, gy = (p.M + bm - 1) / bm;
  Value pid = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  int64_t width = kGroup * gx;
  Value firstM = arith::MulIOp::create(b, loc, arith::DivUIOp::create(b, loc, pid, c(width)),
                                       c(kGroup));
  Value groupRows = arith::MinUIOp::create(
      b, loc, arith::SubIOp::create(b, loc, c(gy), firstM), c(kGroup));
  Value inGroup = arith::RemUIOp::create(b, loc, pid, c(width));
  Value mTile = arith::AddIOp::create(b, loc, firstM,
                                      arith::RemUIOp::create(b, loc, inGroup, groupRows));
  Value nTile = arith::DivUIOp::create(b, loc, inGroup, groupRows);
  return {arith::MulIOp::create(b, loc, mTile, c(bm)),
          arith::MulIOp::create(b, loc, nTile, c(bn))};
}

void cloneLinalgBody(OpBuilder &b, Block &body, IRMapping &map, ArrayRef<Value> at) {
  for (Operation &op : body.without_terminator()) {
    if (auto index = dyn_cast<linalg::IndexOp>(op)) {
      map.map(index.getResult(), at[index.getDim()]);
      continue;
    }
    b.clone(op, map);
  }
}

bool isTemporaryProducer(linalg::GenericOp g) {
  if (!isAllParallel(g) || g.getNumDpsInits() != 1 ||
      !g.getIndexingMapsArray().back().isIdentity()) {
    return false;
  }
  Value out = g.getDpsInits()[0];
  return out.getDefiningOp<memref::AllocOp>() &&
         !g.getRegion().front().getArgument(g.getNumDpsInputs()).hasNUsesOrMore(1);
}

Value evaluateProducer(OpBuilder &b, Location loc, linalg::GenericOp g,
                              IRMapping &outer, const ElementValues &values,
                              ArrayRef<Value> at) {
  IRMapping body = outer;
  Block &blk = g.getRegion().front();
  for (OpOperand *in : g.getDpsInputOperands()) {
    Value v;
    if (!isa<MemRefType>(in->get().getType())) {
      v = outer.lookup(in->get());
    } else {
      SmallVector<Value> idx = indicesAt(b, loc, g.getMatchingIndexingMap(in), at);
      if (linalg::GenericOp inner = values.producers.lookup(in->get())) {
        v = evaluateProducer(b, loc, inner, outer, values, idx);
      } else {
        v = memref::LoadOp::create(b, loc, outer.lookup(in->get()), idx);
      }
    }
    body.map(blk.getArgument(in->getOperandNumber()), v);
  }
  cloneLinalgBody(b, blk, body, at);
  return body.lookupOrDefault(cast<linalg::YieldOp>(blk.getTerminator()).getOperand(0));
}

void runElementOps(OpBuilder &b, Location loc, ArrayRef<linalg::GenericOp> ops,
                   IRMapping &outer, ElementValues &values, ArrayRef<Value> elementAt) {
  for (linalg::GenericOp g : ops) {
    IRMapping body = outer; // the body reads the kernel's constants too
    Block &blk = g.getRegion().front();
    for (OpOperand *in : g.getDpsInputOperands()) {
      Value root = viewRoot(in->get());
      Value v;
      // Read through the buffer itself or the view it was written through.
      if (auto it = values.held.find(root);
          it != values.held.end() &&
          (in->get() == root || in->get() == values.lastTarget.lookup(root))) {
        v = it->second;
      } else if (linalg::GenericOp producer = values.producers.lookup(in->get())) {
        v = evaluateProducer(b, loc, producer, outer, values,
                             indicesAt(b, loc, g.getMatchingIndexingMap(in), elementAt));
      } else if (!isa<MemRefType>(in->get().getType())) {
        v = outer.lookup(in->get()); // a scalar (a fill value)
      } else if (Value ahead = values.loaded.lookup({in->get(), g.getMatchingIndexingMap(in)})) {
        v = ahead;
      } else {
        v = memref::LoadOp::create(b, loc, outer.lookup(in->get()),
                                   indicesAt(b, loc, g.getMatchingIndexingMap(in), elementAt));
      }
      body.map(blk.getArgument(in->getOperandNumber()), v);
    }
    for (OpOperand &out : g.getDpsInitsMutable()) {
      Value root = viewRoot(out.get());
      Value v = values.held.lookup(root);
      if (!v && blk.getArgument(out.getOperandNumber()).use_empty()) {
        v = ub::PoisonOp::create(b, loc, blk.getArgument(out.getOperandNumber()).getType());
      } else if (!v) {
        v = memref::LoadOp::create(b, loc, outer.lookup(out.get()), elementAt);
      }
      body.map(blk.getArgument(out.getOperandNumber()), v);
    }
    cloneLinalgBody(b, blk, body, elementAt);
    auto yield = cast<linalg::YieldOp>(blk.getTerminator());
    for (auto [out, y] : llvm::zip(g.getDpsInitsMutable(), yield.getValues())) {
      Value root = viewRoot(out.get());
      values.held[root] = body.lookupOrDefault(y);
      values.lastTarget[root] = out.get();
    }
  }
}

std::optional<std::string> checkElementOps(ArrayRef<linalg::GenericOp> ops,
                                           ArrayRef<int64_t> space,
                                           DenseMap<Value, Value> &written) {
  for (linalg::GenericOp g : ops) {
    if (ArrayRef(g.getStaticLoopRanges()) != space) {
      return std::string("runs over another iteration space than the output");
    }
    for (OpOperand &operand : g->getOpOperands()) {
      Value root = viewRoot(operand.get());
      bool isWritten = written.contains(root);
      bool direct = operand.get() == root || operand.get() == written.lookup(root);
      if ((isWritten || g.isDpsInit(&operand)) &&
          (!g.getMatchingIndexingMap(&operand).isIdentity() || (isWritten && !direct))) {
        return std::string("reads or writes the output at another element");
      }
    }
    for (Value out : g.getDpsInits()) {
      written[viewRoot(out)] = out;
    }
  }
  return std::nullopt;
}

/// `v` in the element type `want` of the buffer it is stored to (rounded when narrower).
static Value storedAs(OpBuilder &b, Location loc, Value v, Type want) {
  return v.getType() == want ? v : arith::TruncFOp::create(b, loc, want, v).getResult();
}

/// Elements (.., j) and (.., j + 1) of `buffer` at `idx` (j even; pairAligned) in one
/// store of their size.
static void storePair(OpBuilder &b, Location loc, ArrayRef<Value> pair, Value buffer,
                      ValueRange idx) {
  Type elem = pair[0].getType();
  Value vec = vector::FromElementsOp::create(b, loc, VectorType::get({2}, elem), pair);
  vector::StoreOp::create(b, loc, vec, buffer, idx)
      .setAlignment(2 * elem.getIntOrFloatBitWidth() / 8);
}

void storeElementValues(OpBuilder &b, Location loc, IRMapping &outer, ElementValues &values,
                        ArrayRef<Value> elementAt) {
  // Every buffer outside the kernel's temporaries gets its last value.
  for (auto [root, v] : values.held) {
    if (root.getDefiningOp<memref::AllocOp>()) {
      continue;
    }
    Value target = values.lastTarget.lookup(root);
    v = storedAs(b, loc, v, cast<MemRefType>(target.getType()).getElementType());
    memref::StoreOp::create(b, loc, v, outer.lookup(target), elementAt);
  }
}

std::optional<std::string> checkColumnSlices(ArrayRef<ColumnSlice> slices,
                                             ArrayRef<int64_t> space,
                                             const DenseMap<Value, Value> &written) {
  int64_t elements = 1;
  for (int64_t e : space) {
    elements *= e;
  }
  for (const ColumnSlice &slice : slices) {
    // The temporary holds the epilogue's value at every element (its last dim is the
    // columns); the target's leading dims collapse onto the space's rows.
    auto temp = cast<MemRefType>(slice.temp.getType());
    ArrayRef<int64_t> target = cast<MemRefType>(slice.target.getType()).getShape();
    // A whole copy (through a reshape of the temporary) has the space's shape.
    bool whole = target == space;
    if (!written.contains(slice.temp) || written.contains(slice.target) ||
        temp.getNumElements() != elements || space.empty() ||
        (!whole && temp.getShape().back() != space.back()) || target.size() < space.size()) {
      return std::string("it copies columns of a buffer that its epilogue does not compute "
                         "at each element");
    }
  }
  return std::nullopt;
}

static bool pairAligned(MemRefType type);

/// The slice's target as the kernel sees it, its leading dims collapsed onto the rows of
/// an epilogue space of `rank` dims.
static Value sliceTarget(OpBuilder &b, Location loc, const ColumnSlice &slice,
                         IRMapping &outer, int64_t rank) {
  Value target = outer.lookup(slice.target);
  auto type = cast<MemRefType>(target.getType());
  int64_t extra = type.getRank() - rank;
  if (extra <= 0) {
    return target;
  }
  SmallVector<ReassociationIndices> groups(1);
  for (int64_t d = 0; d <= extra; ++d) {
    groups[0].push_back(d);
  }
  for (int64_t d = extra + 1; d < type.getRank(); ++d) {
    groups.push_back({d});
  }
  return memref::CollapseShapeOp::create(b, loc, target, groups);
}

/// Column col - offset of the slice and whether col is in its range (unsigned: columns
/// before it wrap around), with the builder inside an scf.if on the latter.
static Value enterSlice(OpBuilder &b, Location loc, const ColumnSlice &slice, Value col) {
  auto c = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  Value rel = arith::SubIOp::create(b, loc, col, c(slice.offset));
  Value in = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, rel, c(slice.size));
  auto inside = scf::IfOp::create(b, loc, in, /*withElseRegion=*/false);
  b.setInsertionPointToStart(inside.thenBlock());
  return rel;
}

void storeColumnSlices(OpBuilder &b, Location loc, ArrayRef<ColumnSlice> slices,
                       IRMapping &outer, const ElementValues &values,
                       ArrayRef<Value> elementAt) {
  for (const ColumnSlice &slice : slices) {
    OpBuilder::InsertionGuard guard(b);
    Value rel = enterSlice(b, loc, slice, elementAt.back());
    Value target = sliceTarget(b, loc, slice, outer, elementAt.size());
    Type want = cast<MemRefType>(target.getType()).getElementType();
    SmallVector<Value> at(elementAt.begin(), elementAt.end());
    at.back() = rel;
    memref::StoreOp::create(b, loc, storedAs(b, loc, values.held.lookup(slice.temp), want),
                            target, at);
  }
}

/// storeColumnSlices for the elements at columns col and col + 1 (col even) of one row:
/// a slice at an even offset of an even width holds both or neither, and takes them in
/// one 2-element store.
static void storeColumnSlicePair(OpBuilder &b, Location loc, ArrayRef<ColumnSlice> slices,
                                 IRMapping &outer, const ElementValues (&values)[2],
                                 const SmallVector<Value> (&elementAt)[2]) {
  for (const ColumnSlice &slice : slices) {
    if (slice.offset % 2 != 0 || slice.size % 2 != 0) {
      for (int e = 0; e < 2; ++e) {
        storeColumnSlices(b, loc, slice, outer, values[e], elementAt[e]);
      }
      continue;
    }
    OpBuilder::InsertionGuard guard(b);
    Value rel = enterSlice(b, loc, slice, elementAt[0].back());
    Value target = sliceTarget(b, loc, slice, outer, elementAt[0].size());
    auto type = cast<MemRefType>(target.getType());
    Type want = type.getElementType();
    SmallVector<Value> at(elementAt[0].begin(), elementAt[0].end());
    at.back() = rel;
    Value pair[2];
    for (int e = 0; e < 2; ++e) {
      pair[e] = storedAs(b, loc, values[e].held.lookup(slice.temp), want);
    }
    if (!pairAligned(type)) {
      SmallVector<Value> next(at);
      next.back() = arith::AddIOp::create(b, loc, rel, arith::ConstantIndexOp::create(b, loc, 1));
      memref::StoreOp::create(b, loc, pair[0], target, at);
      memref::StoreOp::create(b, loc, pair[1], target, next);
      continue;
    }
    storePair(b, loc, pair, target, at);
  }
}

void setBatchCoords(OpBuilder &b, Location loc, const Problem &p, Value batchId,
                    MutableArrayRef<Value> at) {
  if (p.dimB < 0) {
    return;
  }
  if (p.outerBatchDims.empty()) {
    at[p.dimB] = batchId;
    return;
  }
  // Row-major over (outer batch loops..., dimB): dimB fastest.
  SmallVector<int64_t> ranges = linalg::LinalgOp(p.op).getStaticLoopRanges();
  SmallVector<int64_t> dims(p.outerBatchDims), extents;
  dims.push_back(p.dimB);
  for (int64_t d : dims) {
    extents.push_back(ranges[d]);
  }
  for (auto [d, v] : llvm::zip(dims, delinearize(b, loc, batchId, extents))) {
    at[d] = v;
  }
}

/// Whether elements (.., j) and (.., j + 1) of `type`, j even, are adjacent in memory and
/// their pair is aligned to its size: innermost stride 1, every other stride and the
/// static offset even.
static bool pairAligned(MemRefType type) {
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)) || strides.empty() ||
      strides.back() != 1 || ShapedType::isDynamic(offset) || offset % 2 != 0) {
    return false;
  }
  for (size_t i = 0; i + 1 < strides.size(); ++i) {
    if (ShapedType::isDynamic(strides[i]) || strides[i] % 2 != 0) {
      return false;
    }
  }
  return true;
}

void emitEpilogue(OpBuilder &b, Location loc, Problem &p, IRMapping &outer,
                  ArrayRef<Value> acc, const AccumulatorLayout &layout) {
  auto c = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  auto add = [&](Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); };
  auto lt = [&](Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y);
  };
  Value accBuffer = viewRoot(p.op.getDpsInits()[0]);
  AffineMap cMap = p.op.getMatchingIndexingMap(p.op.getDpsInitOperand(0));
  Value lane = layout.lane;
  Value gRow = add(layout.m0, add(layout.warpRow, arith::DivUIOp::create(b, loc, lane, c(4))));
  Value gCol = add(layout.n0, add(layout.warpCol,
                                  arith::MulIOp::create(
                                      b, loc, arith::RemUIOp::create(b, loc, lane, c(4)), c(2))));
  // A thread holds elements e = 0, 1 (and 2, 3) of a fragment at columns col and col + 1,
  // col even. Where those are adjacent in a buffer's memory (the columns its innermost
  // index, or a convolution's pixels with even output rows), both elements' epilogues
  // run first and the buffer gets one 2-element store (4 bytes for bf16, 8 for f32): the
  // quad of a row then writes 8 contiguous elements. LLVM pairs two scalar stores by
  // itself only when no branch (GELU's erf, a guard) separates them. With N odd the
  // second column of a pair may lie past N: each element is guarded and stored alone.
  const bool pairs = p.N % 2 == 0 && (!p.conv || p.conv->OW % 2 == 0);
  // The column (a convolution's pixel: ow with OW even) is the last loop of the
  // epilogue's space.
  const bool columnsLast =
      p.conv || cast<AffineDimExpr>(cMap.getResults().back()).getPosition() ==
                    static_cast<unsigned>(p.dimN);
  auto pairsInMemory = [&](Value target) {
    return columnsLast && pairAligned(cast<MemRefType>(outer.lookup(target).getType()));
  };
  // The loop coordinates of the element at (row, col).
  auto coordinates = [&](Value row, Value col) {
    SmallVector<Value> elementAt;
    if (p.conv) {
      elementAt = p.conv->outputAt(b, loc, layout.batchId, row, col);
    } else {
      // Coordinates of the contraction's output dims, in the accumulator's order.
      SmallVector<Value> at(p.op.getNumLoops(), c(0));
      setBatchCoords(b, loc, p, layout.batchId, at);
      at[p.dimM] = row;
      at[p.dimN] = col;
      for (AffineExpr r : cMap.getResults()) {
        elementAt.push_back(at[cast<AffineDimExpr>(r).getPosition()]);
      }
    }
    return elementAt;
  };
  // The epilogue of the element at `elementAt`: what it stores goes to `values`.
  auto runElement = [&](ArrayRef<Value> elementAt, Value product, ElementValues &values) {
    for (linalg::GenericOp g : p.producers) {
      values.producers[g.getDpsInits()[0]] = g;
    }
    if (!p.prologue.empty()) {
      // The accumulator starts from a value per element (a broadcast bias): the
      // product adds to it.
      runElementOps(b, loc, p.prologue, outer, values, elementAt);
      Value start = values.held.lookup(accBuffer);
      product = arith::AddFOp::create(b, loc, start, product);
    }
    values.held[accBuffer] = product;
    values.lastTarget[accBuffer] = p.op.getDpsInits()[0];
    runElementOps(b, loc, p.epilogue, outer, values, elementAt);
  };
  // The inputs the pair's epilogues read at their own column (a residual, a bias per
  // column), adjacent in memory: one 2-element load for both, like the store. The
  // column is the last loop of the epilogue's space where pairs are stored (pairsInMemory).
  auto preloadPairs = [&](ElementValues (&values)[2], const SmallVector<Value> (&at)[2]) {
    const unsigned column = at[0].size() - 1;
    for (ArrayRef<linalg::GenericOp> ops : {ArrayRef(p.prologue), ArrayRef(p.epilogue)}) {
      for (linalg::GenericOp g : ops) {
        for (OpOperand *in : g.getDpsInputOperands()) {
          AffineMap map = g.getMatchingIndexingMap(in);
          if (!isa<MemRefType>(in->get().getType()) || map.getNumResults() == 0 ||
              values[0].loaded.contains({in->get(), map}) ||
              map.getResults().back() != getAffineDimExpr(column, map.getContext()) ||
              llvm::any_of(map.getResults().drop_back(), [&](AffineExpr r) {
                return r.isFunctionOfDim(column);
              })) {
            continue;
          }
          // Kernel temporaries (the accumulator, what producers compute) live in
          // registers, not memory.
          Value buffer = outer.lookupOrNull(in->get());
          if (!buffer || viewRoot(in->get()).getDefiningOp<memref::AllocOp>() ||
              !pairAligned(cast<MemRefType>(buffer.getType()))) {
            continue;
          }
          auto type = cast<MemRefType>(buffer.getType());
          Type elem = type.getElementType();
          auto load = vector::LoadOp::create(b, loc, VectorType::get({2}, elem), buffer,
                                             indicesAt(b, loc, map, at[0]));
          load.setAlignment(2 * elem.getIntOrFloatBitWidth() / 8);
          for (int64_t e = 0; e < 2; ++e) {
            values[e].loaded[{in->get(), map}] =
                vector::ExtractOp::create(b, loc, load, ArrayRef<int64_t>{e});
          }
        }
      }
    }
  };
  int64_t nt = layout.nt;
  for (int64_t mi = 0; mi < layout.mt; ++mi) {
    for (int64_t nj = 0; nj < nt; ++nj) {
      for (int64_t h = 0; h < 2; ++h) {
        Value row = add(gRow, c(mi * 16 + h * 8));
        Value col = add(gCol, c(nj * 8));
        auto product = [&](int64_t e) { return acc[(mi * nt + nj) * 4 + h * 2 + e]; };
        auto guardAt = [&](Value column) -> std::optional<scf::IfOp> {
          if (!layout.guarded) {
            return std::nullopt;
          }
          Value in = arith::AndIOp::create(b, loc, lt(row, c(p.M)), lt(column, c(p.N)));
          auto guard = scf::IfOp::create(b, loc, in, /*withElseRegion=*/false);
          b.setInsertionPointToStart(guard.thenBlock());
          return guard;
        };
        if (!pairs) {
          for (int64_t e = 0; e < 2; ++e) {
            OpBuilder::InsertionGuard ig(b);
            Value column = add(col, c(e));
            guardAt(column);
            ElementValues values;
            SmallVector<Value> elementAt = coordinates(row, column);
            runElement(elementAt, product(e), values);
            storeElementValues(b, loc, outer, values, elementAt);
            storeColumnSlices(b, loc, p.slices, outer, values, elementAt);
          }
          continue;
        }
        OpBuilder::InsertionGuard ig(b);
        guardAt(col); // N even: col + 1 < N with col
        ElementValues values[2];
        SmallVector<Value> elementAt[2];
        for (int64_t e = 0; e < 2; ++e) {
          elementAt[e] = coordinates(row, add(col, c(e)));
        }
        if (columnsLast) {
          preloadPairs(values, elementAt);
        }
        for (int64_t e = 0; e < 2; ++e) {
          runElement(elementAt[e], product(e), values[e]);
        }
        for (auto [root, v0] : values[0].held) {
          if (root.getDefiningOp<memref::AllocOp>()) {
            continue; // a kernel temporary: registers only
          }
          Value target = values[0].lastTarget.lookup(root);
          Type want = cast<MemRefType>(target.getType()).getElementType();
          Value pair[2] = {storedAs(b, loc, v0, want),
                           storedAs(b, loc, values[1].held.lookup(root), want)};
          if (pairsInMemory(target)) {
            storePair(b, loc, pair, outer.lookup(target), elementAt[0]);
          } else {
            for (int64_t e = 0; e < 2; ++e) {
              memref::StoreOp::create(b, loc, pair[e], outer.lookup(target), elementAt[e]);
            }
          }
        }
        storeColumnSlicePair(b, loc, p.slices, outer, values, elementAt);
      }
    }
  }
}


/// A linear layer on [B, S, D] (B > 1) has two M loops: where they are adjacent loops
/// that every operand of the product and of its epilogue indexes together (contiguous
/// rows: A [B, S, K] and the output [B, S, N] in row-major memory), they become one M
/// loop of B * S rows, on collapsed views (linalg::collapseOpIterationDims). With `batch`,
/// the same for two or more batch loops (attention's products at fp32 and tf32: [B, H]
/// become one batch of B * H). Succeeds without change when there is nothing to collapse
/// or the loops do not allow it.
static LogicalResult collapseRowLoops(Problem &p, bool batch) {
  if (!isa<linalg::GenericOp>(p.op)) {
    return success();
  }
  FailureOr<linalg::ContractionDimensions> dims = linalg::inferContractionDims(p.op);
  if (failed(dims) || (batch ? dims->batch.size() < 2
                             : dims->m.size() < 2 || !dims->batch.empty())) {
    return success();
  }
  SmallVector<int64_t> extents = p.op.getStaticLoopRanges();
  ReassociationIndices rows;
  for (unsigned d : batch ? dims->batch : dims->m) {
    if (extents[d] != 1) {
      rows.push_back(d);
    }
  }
  if (rows.size() < 2) {
    return success();
  }
  for (size_t i = 1; i < rows.size(); ++i) {
    if (rows[i] != rows[i - 1] + 1) {
      return success();
    }
  }
  if (!linalg::areDimSequencesPreserved(p.op.getIndexingMapsArray(), {rows})) {
    return success();
  }
  // The epilogue runs over the accumulator's dims (identity on it): the same loops are
  // the accumulator dims at which the product writes them.
  AffineMap cMap = p.op.getMatchingIndexingMap(p.op.getDpsInitOperand(0));
  ReassociationIndices accRows;
  for (int64_t d : rows) {
    std::optional<unsigned> at = cMap.getResultPosition(getAffineDimExpr(d, cMap.getContext()));
    if (!at) {
      return success();
    }
    accRows.push_back(*at);
  }
  for (size_t i = 1; i < accRows.size(); ++i) {
    if (accRows[i] != accRows[i - 1] + 1) {
      return success();
    }
  }
  for (linalg::GenericOp g : p.epilogue) {
    if (g.getNumLoops() != cMap.getNumResults() ||
        !linalg::areDimSequencesPreserved(g.getIndexingMapsArray(), {accRows})) {
      return success();
    }
  }
  // Every view the collapse builds must be valid: the rows contiguous in each operand.
  auto collapsible = [](Value v, AffineMap map, const ReassociationIndices &loops) {
    auto type = dyn_cast<MemRefType>(v.getType());
    std::optional<unsigned> first = map.getResultPosition(
        getAffineDimExpr(loops.front(), map.getContext()));
    if (!type || !first) {
      return true; // the operand does not index these loops
    }
    ReassociationIndices group;
    for (size_t i = 0; i < loops.size(); ++i) {
      group.push_back(*first + i);
    }
    SmallVector<ReassociationIndices> all;
    for (int64_t i = 0; i < type.getRank(); ++i) {
      if (i == static_cast<int64_t>(*first)) {
        all.push_back(group);
        i += loops.size() - 1;
      } else {
        all.push_back({i});
      }
    }
    return memref::CollapseShapeOp::isGuaranteedCollapsible(type, all);
  };
  for (OpOperand &o : p.op->getOpOperands()) {
    if (!collapsible(o.get(), p.op.getMatchingIndexingMap(&o), rows)) {
      return success();
    }
  }
  for (linalg::GenericOp g : p.epilogue) {
    for (OpOperand &o : g->getOpOperands()) {
      if (!collapsible(o.get(), g.getMatchingIndexingMap(&o), accRows)) {
        return success();
      }
    }
  }
  IRRewriter rewriter(p.op.getContext());
  rewriter.setInsertionPoint(p.op);
  FailureOr<linalg::CollapseResult> product =
      linalg::collapseOpIterationDims(p.op, {rows}, rewriter);
  if (failed(product)) {
    return failure();
  }
  rewriter.eraseOp(p.op);
  p.op = product->collapsedOp;
  for (linalg::GenericOp &g : p.epilogue) {
    rewriter.setInsertionPoint(g);
    FailureOr<linalg::CollapseResult> e = linalg::collapseOpIterationDims(g, {accRows}, rewriter);
    if (failed(e)) {
      return failure();
    }
    rewriter.eraseOp(g);
    g = cast<linalg::GenericOp>(e->collapsedOp.getOperation());
  }
  // Each op got its own collapse of the accumulator: one view, so that the epilogue reads
  // the product through the view it was written through.
  auto fn = p.op->getParentOfType<func::FuncOp>();
  DominanceInfo dom(fn);
  eliminateCommonSubExpressions(rewriter, dom, fn);
  return success();
}

/// The ldmatrix + mma.sync kernel of problem `p`: tiles by the shape heuristic (or
/// KILN_CUDA_GEMM_TILE), within the shared memory of `arch`.
static FailureOr<Launch>
launchMmaSync(func::FuncOp fn, Problem &p, StringRef arch, const CreateKernelFn &createKernel,
              const std::function<InFlightDiagnostic(const Twine &)> &refuse) {
  int64_t eb = p.elem.getIntOrFloatBitWidth() / 8;
  auto smemBytes = [&](const Tiles &t) {
    int64_t aBytes = t.bm * (t.bk + padOf(p.elem, false)) * eb;
    int64_t bBytes = (p.bKContiguous ? t.bn * (t.bk + padOf(p.elem, false))
                                     : t.bk * (t.bn + padOf(p.elem, isTf32(p)))) *
                     eb;
    return t.stages * (aBytes + bBytes);
  };
  auto blocks = [&](const Tiles &t) {
    return ((p.M + t.bm - 1) / t.bm) * ((p.N + t.bn - 1) / t.bn) * p.batch;
  };
  // The largest tile that still gives every SM a block (measured on an H100, bf16
  // 8192^3: 128x256x64 3 stages 378 TFLOP/s, 128x256x32 361, 128x128x32 323), within
  // the architecture's shared memory; 64 x 64 for small products.
  // A convolution's gathered B tile waits in registers during the k-tile's mma.sync: it
  // keeps to 128 x 128 tiles of 8 warps (ptxas -v: 4 warps spill at batch 32).
  // Tiles taller than M rounded up to 64 (a convolution's 64 output channels) would only
  // multiply zero rows: 64 x 128 serves those.
  Tiles t{64, 64, 32, 4, 2, 2};
  for (Tiles c : {Tiles{128, 256, 64, 3, 2, 4}, Tiles{128, 256, 32, 3, 2, 4},
                  Tiles{128, 128, 32, 4, 2, 2}, Tiles{64, 128, 32, 4, 2, 2}}) {
    if ((p.conv && c.bn > 128) || c.bm > (p.M + 63) / 64 * 64) {
      continue;
    }
    if (p.conv && c.bm == 128) {
      c.wn = 4; // 8 warps of 64 x 32: 64 accumulators a thread beside the gathered chunks
    }
    if (blocks(c) >= kSMs && smemBytes(c) <= maxSharedBytes(arch)) {
      t = c;
      break;
    }
  }
  // A tf32 convolution gathers 4-byte elements: twice the chunks of a 16-bit one for the
  // same k-tile, held across the mma.sync. Its 64 x 64 tiles take 8 warps and its other
  // 4-warp tiles 16-deep k-tiles (ResNet-18 spilled otherwise, ptxas -v).
  if (p.conv && isTf32(p) && t.bm == 64 && t.bn == 64) {
    t.wn = 4;
  } else if (p.conv && isTf32(p) && t.wm * t.wn == 4) {
    t.bk = 16;
  }
  // KILN_CUDA_GEMM_TILE=bm,bn,bk,stages,wm,wn overrides the choice (bench/gpu.py tunes
  // with it); a tile the kernel cannot build is an error, not a silent fallback.
  if (const char *env = std::getenv("KILN_CUDA_GEMM_TILE"); env && *env) {
    Tiles o{};
    if (std::sscanf(env, "%ld,%ld,%ld,%ld,%ld,%ld", &o.bm, &o.bn, &o.bk, &o.stages, &o.wm,
                    &o.wn) != 6 ||
        o.wm <= 0 || o.wn <= 0 || o.bk % 16 != 0 || o.bk <= 0 || o.bm % (16 * o.wm) != 0 ||
        o.bn % (16 * o.wn) != 0 || (o.bm * o.bk / chunkOf(p.elem)) % o.threads() != 0 ||
        (o.bn * o.bk / chunkOf(p.elem)) % o.threads() != 0 || o.stages < 2 ||
        o.threads() > 1024) {
      return refuse(Twine("KILN_CUDA_GEMM_TILE='") + env +
                    "' is not bm,bn,bk,stages,wm,wn with bm a multiple of 16 wm, bn of 16 "
                    "wn, bk of 16, and whole 16-byte copies per thread");
    }
    t = o;
  }
  int64_t kTiles = (p.K + t.bk - 1) / t.bk;
  t.stages = std::max<int64_t>(2, std::min<int64_t>(t.stages, kTiles));
  int64_t smem = smemBytes(t);
  if (smem > maxSharedBytes(arch)) {
    return refuse("its tiles need " + Twine(smem) + " bytes of shared memory");
  }
  int64_t gx = (p.N + t.bn - 1) / t.bn, gy = (p.M + t.bm - 1) / t.bm;
  if (gx * gy > 65535 || p.batch > 65535) {
    return refuse("its grid is larger than CUDA allows");
  }
  OpBuilder b(fn.getContext());
  IRMapping outer;
  createKernel(b, t.threads(), {}, outer);
  Location loc = fn.getLoc();
  auto i8 = b.getI8Type();
  auto dynType = MemRefType::get({ShapedType::kDynamic}, i8, MemRefLayoutAttrInterface{},
                                 gpu::AddressSpaceAttr::get(fn.getContext(),
                                                            gpu::AddressSpace::Workgroup));
  Value base = gpu::DynamicSharedMemoryOp::create(b, loc, dynType);
  Emitter(b, loc, p, t, outer).emit(base);
  gpu::ReturnOp::create(b, loc);
  fn.erase();
  return Launch{gx * gy, 1, p.batch, t.threads(), 1, 1, smem};
}

linalg::LinalgOp findContraction(func::FuncOp fn) {
  for (Operation &op : fn.getBody().front().without_terminator()) {
    auto l = dyn_cast<linalg::LinalgOp>(op);
    if (l && l.getNumReductionLoops() > 0 && linalg::isaContractionOpInterface(l)) {
      return l;
    }
  }
  return nullptr;
}

FailureOr<Launch> mapContraction(func::FuncOp fn, const std::string &who, StringRef arch,
                                 bool tf32, const CreateKernelFn &createKernel,
                                 SmallVectorImpl<SmallVector<int64_t>> &tensorMaps) {
  auto refuse = [&](const Twine &why) {
    return fn.emitError("kiln-cuda-map-kernels: kernel ")
           << who << " is a contraction the tensor-core kernel cannot take: " << why
           << " (compile with --target=cpu)";
  };
  Problem p;
  Value accRoot;
  for (Operation &op : fn.getBody().front().without_terminator()) {
    if (isKernelScaffolding(op)) {
      continue;
    }
    if (auto fill = dyn_cast<linalg::FillOp>(op); fill && !p.op) {
      if (accRoot) {
        return refuse("it fills more than one accumulator");
      }
      accRoot = viewRoot(fill.getOutputs()[0]);
      p.init = fill.getInputs()[0];
      continue;
    }
    auto l = dyn_cast<linalg::LinalgOp>(op);
    if (l && !p.op && l.getNumReductionLoops() > 0) {
      p.op = l;
      continue;
    }
    auto g = dyn_cast<linalg::GenericOp>(op);
    if (g && p.op && isAllParallel(g) && p.slices.empty()) {
      p.epilogue.push_back(g);
      continue;
    }
    // After the epilogue: copies of column ranges of a temporary it wrote to outputs.
    if (std::optional<ColumnSlice> slice = matchColumnSlice(op); slice && p.op) {
      p.slices.push_back(*slice);
      continue;
    }
    return refuse("it holds '" + op.getName().getStringRef() + "' outside fill -> contraction "
                  "-> elementwise epilogue -> column slices");
  }
  if (!p.op || !accRoot || viewRoot(p.op.getDpsInits()[0]) != accRoot) {
    return refuse("its accumulator is not filled first");
  }
  if (!p.init.getDefiningOp<arith::ConstantOp>()) {
    return refuse("its accumulator starts from a value that is not a constant");
  }
  if (failed(collapseRowLoops(p, /*batch=*/true))) {
    return refuse("its batch loops (batch x heads) could not be collapsed into one");
  }
  if (failed(collapseRowLoops(p, /*batch=*/false))) {
    return refuse("its row loops (batch x sequence) could not be collapsed into one M");
  }
  FailureOr<linalg::ContractionDimensions> dims = linalg::inferContractionDims(p.op);
  // Loops of extent 1 (a batch of 1, one head) stay at index 0 everywhere: drop them, but
  // keep one M and one N loop. x [1, S, D] @ W is then one S x D x N product.
  if (succeeded(dims)) {
    SmallVector<int64_t> extents = p.op.getStaticLoopRanges();
    auto dropUnit = [&](SmallVector<unsigned, 2> &loops, bool keepOne) {
      SmallVector<unsigned, 2> kept;
      for (unsigned d : loops) {
        if (extents[d] != 1) {
          kept.push_back(d);
        }
      }
      if (kept.empty() && keepOne && !loops.empty()) {
        kept.push_back(loops.back());
      }
      loops = kept;
    };
    dropUnit(dims->batch, false);
    dropUnit(dims->m, true);
    dropUnit(dims->n, true);
  }
  if (failed(dims) || dims->m.size() != 1 || dims->n.size() != 1 || dims->k.size() != 1 ||
      p.op.getNumDpsInputs() != 2 ||
      !llvm::all_of(p.op.getIndexingMapsArray(),
                    [](AffineMap m) { return m.isProjectedPermutation(); })) {
    return refuse("it is not one batch of M x N x K products");
  }
  p.dimM = dims->m[0];
  p.dimN = dims->n[0];
  p.dimK = dims->k[0];
  p.dimB = dims->batch.empty() ? -1 : static_cast<int64_t>(dims->batch.back());
  p.outerBatchDims.clear();
  for (size_t i = 0; i + 1 < dims->batch.size(); ++i) {
    p.outerBatchDims.push_back(dims->batch[i]);
  }
  SmallVector<int64_t> ranges = p.op.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic)) {
    return refuse("it has dynamic sizes");
  }
  p.M = ranges[p.dimM];
  p.N = ranges[p.dimN];
  p.K = ranges[p.dimK];
  p.batch = p.dimB >= 0 ? ranges[p.dimB] : 1;
  for (int64_t d : p.outerBatchDims) {
    p.batch *= ranges[d];
  }
  Type aElem = getElementTypeOrSelf(p.op.getDpsInputs()[0].getType());
  Type bElem = getElementTypeOrSelf(p.op.getDpsInputs()[1].getType());
  Type cElem = getElementTypeOrSelf(p.op.getDpsInits()[0].getType());
  if (aElem != bElem || !(aElem.isF16() || aElem.isBF16() || (tf32 && aElem.isF32())) ||
      !cElem.isF32()) {
    return refuse("its operands are not f16 or bf16 (or f32 under --precision=tf32) with an "
                  "f32 accumulator");
  }
  p.elem = aElem;
  auto innermost = [&](int operand) {
    AffineMap m = p.op.getMatchingIndexingMap(p.op.getDpsInputOperand(operand));
    return m.getNumResults() ? m.getDimPosition(m.getNumResults() - 1) : -1u;
  };
  if (innermost(0) != p.dimK) {
    return refuse("A is not contiguous along K");
  }
  unsigned bInner = innermost(1);
  if (bInner != p.dimK && bInner != p.dimN) {
    return refuse("B is contiguous along neither K nor N");
  }
  p.bKContiguous = bInner == p.dimK;
  int64_t eb = p.elem.getIntOrFloatBitWidth() / 8;
  int64_t chunk = chunkOf(p.elem);
  if (p.K % chunk != 0 || (!p.bKContiguous && p.N % chunk != 0) ||
      !rowsAligned(p.op.getDpsInputs()[0], eb) || !rowsAligned(p.op.getDpsInputs()[1], eb)) {
    return refuse("its operand rows are not 16-byte aligned (K, and N for a row-major B, "
                  "must be multiples of 8)");
  }
  // The epilogue runs at the accumulator's elements.
  AffineMap cMap = p.op.getMatchingIndexingMap(p.op.getDpsInitOperand(0));
  SmallVector<int64_t> accShape;
  for (AffineExpr r : cMap.getResults()) {
    accShape.push_back(ranges[cast<AffineDimExpr>(r).getPosition()]);
  }
  if (p.op.getDpsInits()[0] != accRoot &&
      cast<MemRefType>(p.op.getDpsInits()[0].getType()).getShape() != ArrayRef(accShape)) {
    return refuse("its accumulator is a view");
  }
  DenseMap<Value, Value> written{{accRoot, p.op.getDpsInits()[0]}};
  if (std::optional<std::string> why = checkElementOps(p.epilogue, accShape, written)) {
    return refuse("an epilogue op " + *why);
  }
  if (std::optional<std::string> why = checkColumnSlices(p.slices, accShape, written)) {
    return refuse(*why);
  }

  // KILN_CUDA_GEMM=mma-sync|wgmma picks the kernel (bench/gpu.py compares them); by
  // default sm_90a gets TMA + wgmma wherever its operands allow it.
  StringRef kernel = "auto";
  if (const char *env = std::getenv("KILN_CUDA_GEMM"); env && *env) {
    kernel = env;
    if (kernel != "mma-sync" && kernel != "wgmma") {
      return refuse(Twine("KILN_CUDA_GEMM='") + env + "' is neither mma-sync nor wgmma");
    }
  }
  if (kernel != "mma-sync" && arch == "sm_90a") {
    std::string why;
    FailureOr<Launch> launch = mapWgmma(fn, p, createKernel, tensorMaps, why);
    if (succeeded(launch) || kernel == "wgmma") {
      if (failed(launch)) {
        return refuse("KILN_CUDA_GEMM=wgmma but " + why);
      }
      return launch;
    }
  } else if (kernel == "wgmma") {
    return refuse("KILN_CUDA_GEMM=wgmma needs --cuda-arch=sm_90a, not " + arch);
  }

  return launchMmaSync(fn, p, arch, createKernel, refuse);
}

SmallVector<Value> ConvGeometry::outputAt(OpBuilder &b, Location loc, Value n, Value row,
                                          Value col) const {
  Value ow = arith::ConstantIndexOp::create(b, loc, OW);
  return {n, row, arith::DivUIOp::create(b, loc, col, ow),
          arith::RemUIOp::create(b, loc, col, ow)};
}

linalg::LinalgOp findConvolution(func::FuncOp fn, bool tf32) {
  for (Operation &op : fn.getBody().front().without_terminator()) {
    auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op);
    if (!conv) {
      continue;
    }
    Type x = getElementTypeOrSelf(conv.getDpsInputs()[0].getType());
    Type w = getElementTypeOrSelf(conv.getDpsInputs()[1].getType());
    Type acc = getElementTypeOrSelf(conv.getDpsInits()[0].getType());
    if (x == w && (x.isF16() || x.isBF16() || (tf32 && x.isF32())) && acc.isF32()) {
      return conv;
    }
  }
  return nullptr;
}

FailureOr<Launch> mapConvolution(func::FuncOp fn, const std::string &who, StringRef arch,
                                 bool tf32, const CreateKernelFn &createKernel) {
  auto refuse = [&](const Twine &why) {
    return fn.emitError("kiln-cuda-map-kernels: kernel ")
           << who << " is a convolution the implicit-GEMM kernel cannot take: " << why
           << " (compile with --target=cpu)";
  };
  auto conv = cast<linalg::Conv2DNchwFchwOp>(findConvolution(fn, tf32).getOperation());
  SmallVector<PaddedBuffer> padded = findPaddedBuffers(fn);
  DenseSet<Operation *> padOps;
  const PaddedBuffer *input = nullptr;
  for (const PaddedBuffer &pb : padded) {
    padOps.insert(pb.ops.begin(), pb.ops.end());
    if (pb.alloc == conv.getDpsInputs()[0]) {
      input = &pb;
    }
  }
  Problem p;
  p.op = conv;
  ConvGeometry geo;
  geo.producer = findInputProducer(fn, input ? input->source : conv.getDpsInputs()[0],
                                   input ? input->ops.back() : conv.getOperation());
  Value accRoot = viewRoot(conv.getDpsInits()[0]);
  for (Operation &op : fn.getBody().front().without_terminator()) {
    if (isKernelScaffolding(op) || padOps.contains(&op) || &op == conv.getOperation() ||
        geo.producer == &op) {
      continue;
    }
    auto g = dyn_cast<linalg::GenericOp>(op);
    if (!g || !isAllParallel(g)) {
      return refuse("it holds '" + op.getName().getStringRef() + "' beside the convolution");
    }
    if (op.isBeforeInBlock(conv) && viewRoot(g.getDpsInits()[0]) != accRoot &&
        isTemporaryProducer(g)) {
      p.producers.push_back(g);
      continue;
    }
    if (op.isBeforeInBlock(conv)) {
      if (g.getNumDpsInits() != 1 || viewRoot(g.getDpsInits()[0]) != accRoot ||
          !g.getIndexingMapsArray().back().isIdentity()) {
        return refuse("an op before the convolution writes something other than its "
                      "starting value");
      }
      p.prologue.push_back(g);
    } else {
      p.epilogue.push_back(g);
    }
  }
  // The input: the padded temporary (read virtually, padding 0) or the unpadded binding,
  // or either computed by the producer.
  SmallVector<int64_t> pads = {0, 0, 0, 0};
  if (input) {
    auto zero = input->value.getDefiningOp<arith::ConstantOp>();
    auto zeroValue = zero ? dyn_cast<FloatAttr>(zero.getValue()) : FloatAttr();
    if (!zeroValue || !zeroValue.getValue().isZero()) {
      return refuse("its input is padded with a value other than 0");
    }
    geo.input = input->source;
    pads = input->offsets;
  } else {
    geo.input = conv.getDpsInputs()[0];
  }
  geo.weight = conv.getDpsInputs()[1];
  if (cast<MemRefType>(geo.input.getType()).getNumElements() >= (int64_t(1) << 31)) {
    return refuse("its input has 2^31 elements or more (the gather addresses it in 32 bits)");
  }
  SmallVector<Value> loaded = {geo.weight};
  if (geo.producer) {
    // Its inputs are what the gather loads.
    for (Value v : geo.producer.getDpsInputs()) {
      if (isa<MemRefType>(v.getType())) {
        loaded.push_back(v);
      }
    }
  } else {
    loaded.push_back(geo.input);
  }
  for (Value v : loaded) {
    auto type = cast<MemRefType>(v.getType());
    if (viewRoot(v).getDefiningOp<memref::AllocOp>() || !type.getLayout().isIdentity() ||
        !type.hasStaticShape()) {
      return refuse("its input and weight are not whole buffers of the kernel's bindings");
    }
    if (writtenByKernel(fn, v, input ? ArrayRef<Operation *>(input->ops) : ArrayRef<Operation *>())) {
      return refuse("it reads its input or weight from a buffer the kernel writes");
    }
  }
  ArrayRef<int64_t> x = cast<MemRefType>(geo.input.getType()).getShape();
  ArrayRef<int64_t> w = cast<MemRefType>(geo.weight.getType()).getShape();
  auto outType = cast<MemRefType>(conv.getDpsInits()[0].getType());
  if (!outType.hasStaticShape()) {
    return refuse("it has dynamic sizes");
  }
  ArrayRef<int64_t> out = outType.getShape();
  SmallVector<int64_t> strides(conv.getStrides().getValues<int64_t>());
  SmallVector<int64_t> dilations(conv.getDilations().getValues<int64_t>());
  geo.C = x[1];
  geo.H = x[2];
  geo.W = x[3];
  geo.KH = w[2];
  geo.KW = w[3];
  geo.OH = out[2];
  geo.OW = out[3];
  geo.sh = strides[0];
  geo.sw = strides[1];
  geo.dh = dilations[0];
  geo.dw = dilations[1];
  geo.ph = pads[2];
  geo.pw = pads[3];
  p.M = w[0];
  p.N = geo.OH * geo.OW;
  p.K = geo.C * geo.KH * geo.KW;
  p.batch = x[0];
  p.dimB = 0;
  p.bKContiguous = false; // B [k][p]: gathered rows of pixels
  p.elem = getElementTypeOrSelf(geo.input.getType());
  p.conv = geo;
  if (geo.producer) {
    p.producers.push_back(geo.producer); // an epilogue reading its buffer computes it too
  }
  for (linalg::GenericOp g : p.prologue) {
    if (ArrayRef(g.getStaticLoopRanges()) != out) {
      return refuse("an op before it runs over another iteration space than its output");
    }
  }
  DenseMap<Value, Value> written{{accRoot, conv.getDpsInits()[0]}};
  if (std::optional<std::string> why = checkElementOps(p.epilogue, out, written)) {
    return refuse("an epilogue op " + *why);
  }
  return launchMmaSync(fn, p, arch, createKernel, refuse);
}

} // namespace kiln::cuda
