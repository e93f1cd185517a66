//===- MapAttention.cpp - attention as one flash-style kernel ---------------===//
//
// A kernel outlined from an attention group (kiln-fuse) computes, per batch index
// (batch and heads),
//
//   O = softmax(scale * Q K^T [+ maskScale * M]) V
//
// with Q, K, V read through the group's transposes (heads split out of [B, S, H, D])
// and O written through the one after it (heads merged back). kiln-cuda-describe-
// attention recorded what the kernel reads and how on the function, as
// `kiln.cuda.attention` (argument numbers, the permutation of each operand, the scales,
// the precision of the products); the bufferized body is not looked at. The kernel, in
// the manner of FlashAttention-2:
//
//   one block per (batch index, 16 W query rows), W warps of 16 query rows each;
//   Q's rows -> shared memory (converted to bf16/f16) -> per-warp ldmatrix fragments,
//   held in registers for the whole key loop;
//   for each block of 64 keys:
//     K and V blocks -> shared memory (converted), rows padded by 16 bytes so that
//     ldmatrix reads 8 rows without bank conflicts; when K and V are already 16-bit in
//     memory with contiguous, 16-byte aligned rows (--precision: kiln-mixed-precision
//     attention-io writes them so), by cp.async into two stages instead, the next
//     block's copies in flight while this one is computed (wait, barrier, issue the
//     next, compute: the barrier also retires the reads of the stage the copies reuse);
//     S = Q K^T: mma.sync.m16n8k16, f32 accumulators (16 x 64 per warp);
//     s = S scale log2(e) [+ M maskScale log2(e)], keys past the end -> -inf;
//     m' = max(m, rowmax s) (4 lanes share a row: two xor shuffles);
//     P = exp2(s - m'), c = exp2(m - m'), l = l c + rowsum P, O = O c + P V:
//     the P accumulators are already the A fragments of the second product (the m16n8
//     accumulator layout of two adjacent key tiles is the m16k16 operand layout), so
//     P never leaves registers; V fragments by ldmatrix.trans;
//   O / l (the row sums reduced across the 4 lanes once, at the end) -> global memory.
//
// The scores are never stored: memory traffic is Q, K, V and O once per block of query
// rows, and the softmax runs in f32. The running max starts at the lowest finite float,
// as in kiln-cpu-lower-attention, so a key block a mask hides (-inf) adds nothing.
// Operands are f32 (kiln's attention groups are f32; --precision picks bf16 or f16
// products, with f32 accumulation) or already 16-bit; 8 elements along the head dim are
// one 16- or 32-byte load when it is the innermost dim of the operand, else gathered.
//
// At --precision=tf32 the tiles stay f32 (rows padded by 4 words, 16-byte chunks of 4
// elements, cp.async when K and V are contiguous and aligned) and both products run as
// mma.sync.m16n8k8 tf32: Q and K fragments by ldmatrix as for 16-bit types (an 8 x 8
// b16 matrix is 8 x 4 words); P's accumulators hold columns 2t and 2t + 1 of each 8
// keys where the A fragment wants t and t + 4, so the keys of each block of 8 are taken
// in the order 0, 2, 4, 6, 1, 3, 5, 7 and V's B fragments (rows 2t and 2t + 1) are read
// as single words. Head dim 128 takes 32-key blocks where 64 do not fit.
//
// On sm_90a, where Q, K and V are 16-bit tensors TMA can read with head dims 64 or 128
// (emitWgmma; KILN_CUDA_ATTENTION=mma-sync keeps the kernel above), in the manner of
// FlashAttention-3 (without its ping-pong scheduling of the two consumers):
//
//   one block per (batch index, 64 C query rows): a producer warpgroup and C consumer
//   warpgroups (C = 2, or 1 for 64 queries or fewer);
//   the producer's thread 0 issues Q's TMA boxes (64 columns x 64 C rows, 128-byte
//   swizzle) once, then per block of 128 keys K's and V's into a ring of three stages
//   (two where three do not fit), each stage once its `empty` mbarrier says the
//   consumers are done with it;
//   consumer c, per key block kb: waits for its S (and block kb - 1's P V) to retire and
//   releases block kb - 1's stage; runs the online softmax of the mma.sync kernel on the
//   accumulators (a wgmma m64nN accumulator is the m16n8 layout, warp by warp); issues
//   O = O c + P V as wgmma.m64n{dv}k16 with P in registers (two adjacent key tiles of
//   accumulators are a k16 A fragment) and V N-major from shared memory, then right
//   behind it, once block kb + 1's stage is full, S = Q K^T of block kb + 1 as
//   wgmma.m64n128k16 from shared memory (both K-major): the tensor cores run the two
//   back to back while the warpgroup waits.
//
// setmaxnreg moves registers from the producer (40) to the consumers (232, or 240 with
// one). The TMA descriptors (one per operand, plan tensor_maps) follow the bindings.
//
//===----------------------------------------------------------------------------===//
#include "codegen/cuda/Contraction.h"
#include "codegen/cuda/Hopper.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string_view>

using namespace mlir;

namespace kiln::cuda {
namespace {

constexpr int64_t kRowPadBytes = 16; // padding per shared-memory row
constexpr int64_t kChunkBytes = 16;  // one shared-memory store, one cp.async

/// One operand as the kernel sees it: logical dim k (batch..., rows, cols for Q and V;
/// batch..., cols, rows for K^T, whose rows are keys) is dim perm[k] of `value`.
struct Operand {
  Value value; // the function argument
  SmallVector<int64_t> perm;
  int64_t rowDim = 0, colDim = 0; // logical dims of the tile's rows and columns
  /// 8 consecutive columns are contiguous in memory (the column dim is innermost with
  /// stride 1), and `align` the byte alignment such a run provably starts at (16 where
  /// every row is 16-byte aligned, else one element).
  bool contiguous = false;
  int64_t align = 0;
};

struct Config {
  int64_t warps = 4;   // 16 query rows each
  int64_t keys = 64;   // keys per block of the loop
  /// K and V blocks arrive by cp.async into two stages, the next block's copies in
  /// flight while this one is computed (K and V 16-bit in memory, rows contiguous and
  /// 16-byte aligned); else each block is loaded, converted and stored by the threads.
  bool pipelined = false;
  int64_t rows() const { return 16 * warps; }
  int64_t threads() const { return 32 * warps; }
  int64_t stages() const { return pipelined ? 2 : 1; }
};

/// The sm_90a kernel (emitWgmma): a producer warpgroup and `consumers` warpgroups of 64
/// query rows each, `keys` keys per block, K and V in a ring of `stages` stages.
struct WgConfig {
  int64_t consumers = 2;
  int64_t keys = 128;
  int64_t stages = 3;
  int64_t rows() const { return 64 * consumers; }
  int64_t threads() const { return hopper::kWarpgroup * (consumers + 1); }
};

/// The attention of one kernel: logical batch shape, sizes, operands, scales.
struct Attention {
  SmallVector<int64_t> batchShape;
  int64_t sq = 0, sk = 0, d = 0, dv = 0;
  Operand q, k, v;
  Value out, mask; // the output (the last argument) and the additive mask, or null
  SmallVector<int64_t> outPerm; // physical dim i of `out` is logical dim outPerm[i]
  double scale = 1.0, maskScale = 1.0;
  Type elem; // bf16 or f16: the products' operands; f32 with tf32 products
  /// Elements of `elem` in a row's padding and in a 16-byte chunk.
  int64_t pad() const { return kRowPadBytes * 8 / elem.getIntOrFloatBitWidth(); }
  int64_t chunk() const { return kChunkBytes * 8 / elem.getIntOrFloatBitWidth(); }
  /// The kernel's arguments (`outer`: the function's to the kernel's) in place of the
  /// function's.
  void useKernelArguments(const IRMapping &outer) {
    for (Operand *o : {&q, &k, &v}) {
      o->value = outer.lookup(o->value);
    }
    out = outer.lookup(out);
    mask = mask ? outer.lookup(mask) : Value();
  }
};

class AttentionEmitter : private Attention {
public:
  AttentionEmitter(OpBuilder &b, Location loc, const Config &cfg, const Attention &a)
      : Attention(a), b(b), loc(loc), cfg(cfg) {}

  void emit(Value smemBase);

  /// The sm_90a kernel: Q, K and V by TMA (128-byte swizzle, boxes of 64 columns),
  /// S = Q K^T by wgmma from shared memory, O += P V by wgmma with P in registers.
  /// `smem` is the 1024-byte aligned dynamic shared memory, `maps` the tensor maps of
  /// Q, K and V (wgmmaTensorMaps).
  void emitWgmma(Value smem, ValueRange maps, const WgConfig &wc);

  /// Per operand (Q, K, V) of emitWgmma, its plan tensor map record.
  static SmallVector<SmallVector<int64_t>> wgmmaTensorMaps(const Attention &a,
                                                           const WgConfig &wc);

private:
  Value c(int64_t x) { return arith::ConstantIndexOp::create(b, loc, x); }
  Value cf(double x) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(static_cast<float>(x)));
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, int64_t y) { return arith::MulIOp::create(b, loc, x, c(y)); }
  Value div(Value x, int64_t y) { return arith::DivUIOp::create(b, loc, x, c(y)); }
  Value rem(Value x, int64_t y) { return arith::RemUIOp::create(b, loc, x, c(y)); }
  Value lt(Value x, int64_t y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, c(y));
  }
  Value minIdx(Value x, int64_t hi) { return arith::MinUIOp::create(b, loc, x, c(hi)); }
  Value fmax(Value x, Value y) { return arith::MaximumFOp::create(b, loc, x, y); }

  /// Physical indices of `perm`'s operand at logical coordinates (batch..., a, b).
  SmallVector<Value> physical(ArrayRef<int64_t> perm, ArrayRef<Value> logical) {
    SmallVector<Value> idx(perm.size());
    for (size_t i = 0; i < perm.size(); ++i) {
      idx[perm[i]] = logical[i];
    }
    return idx;
  }

  /// `body(r, col)` for this thread's 8-element chunks of a rows x cols tile (tile row
  /// r, first column col), the threads taking consecutive chunks in turn; a last round
  /// that not every thread has is guarded.
  void forEachChunk(int64_t rows, int64_t cols,
                    llvm::function_ref<void(Value r, Value col)> body) {
    int64_t chunksPerRow = cols / chunk();
    int64_t chunks = rows * chunksPerRow;
    for (int64_t i = 0; i < (chunks + cfg.threads() - 1) / cfg.threads(); ++i) {
      Value chunk = add(tid, c(i * cfg.threads()));
      OpBuilder::InsertionGuard guard(b);
      if (chunks % cfg.threads() != 0) {
        auto whole = scf::IfOp::create(b, loc, lt(chunk, chunks), /*withElseRegion=*/false);
        b.setInsertionPointToStart(whole.thenBlock());
      }
      body(div(chunk, chunksPerRow), mul(rem(chunk, chunksPerRow), this->chunk()));
    }
  }

  /// rows x cols of `o` (rows from row0, bound `rowBound`) -> shared `smem` [rows][cols +
  /// pad] as `elem`; rows past the bound are zeros.
  void loadTile(const Operand &o, Value smem, Value row0, int64_t rows, int64_t cols,
                int64_t rowBound);

  /// The same tile by cp.async (16 bytes each, bypassing L1) into stage `stage` of
  /// `smem` [stages][rows][cols + pad]: `o` already holds `elem`, its rows contiguous and
  /// 16-byte aligned. Rows past the bound are zero-filled (src-size 0) from a valid
  /// address. Not waited for: the caller commits the group and waits.
  void asyncTile(const Operand &o, Value smem, Value stage, Value row0, int64_t rows,
                 int64_t cols, int64_t rowBound);

  /// x + shuffle_xor(x, 1) + shuffle_xor(x, 2) under `combine`: the 4 lanes of a row.
  Value quadReduce(Value x, bool isMax) {
    Value width = arith::ConstantIntOp::create(b, loc, 32, 32);
    for (int32_t offset : {1, 2}) {
      Value off = arith::ConstantIntOp::create(b, loc, offset, 32);
      Value other = gpu::ShuffleOp::create(b, loc, x, off, width, gpu::ShuffleMode::XOR)
                        .getShuffleResult();
      x = isMax ? fmax(x, other) : arith::AddFOp::create(b, loc, x, other).getResult();
    }
    return x;
  }

  /// Block -> (batch index, query tile of `rows` rows), the query tiles of one batch
  /// index adjacent so that the blocks of a wave share its K and V in L2: sets `batch`,
  /// returns the tile's first query row.
  Value blockCoords(int64_t rows);

  /// The loop state before the first key block: m[2] (the running row maxima) at the
  /// lowest finite float, l[2] (this thread's partial row sums) at 0.
  SmallVector<Value> softmaxInit() {
    Value lowest = cf(std::numeric_limits<float>::lowest());
    Value zero = cf(0.0);
    return {lowest, lowest, zero, zero};
  }

  /// The online softmax over one block of `keys` keys from `k0`, on this thread's scores
  /// `s` (m16n8 accumulators, keys / 8 tiles of 4: tile nj, element e is row gRow + 8
  /// (e / 2), key k0 + 8 nj + colPair + e % 2): scale and mask them in the log2 domain
  /// (keys past the end -> -inf), turn them into P = exp2(s - m'); `corr` receives
  /// exp2(m - m') per row, by which O is to be rescaled. Returns {m'[2], l'[2]} from
  /// `state` = {m[2], l[2]}.
  SmallVector<Value> softmaxStep(MutableArrayRef<Value> s, Value k0, int64_t keys,
                                 ArrayRef<Value> state, SmallVector<Value> &corr);

  /// O / l through the output's permutation, rows past the end skipped: `l` this
  /// thread's two partial row sums, `o` its dv / 8 accumulator tiles of 4.
  void storeOutput(ArrayRef<Value> l, ArrayRef<Value> o);

  OpBuilder &b;
  Location loc;
  const Config &cfg;
  Value tid, lane, warp;
  SmallVector<Value> batch; // logical batch coordinates of this block
  // This thread's first row (global query index; it holds that row and the one 8 below)
  // and its column pair (2 (lane % 4)) within each 8 columns of an accumulator tile.
  Value gRow, colPair;
};

Value AttentionEmitter::blockCoords(int64_t rows) {
  int64_t qTiles = (sq + rows - 1) / rows;
  Value bid = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value q0 = mul(rem(bid, qTiles), rows);
  Value linear = div(bid, qTiles);
  batch.assign(batchShape.size(), Value());
  for (int64_t i = static_cast<int64_t>(batchShape.size()) - 1; i >= 0; --i) {
    batch[i] = i == 0 ? linear : rem(linear, batchShape[i]);
    if (i > 0) {
      linear = div(linear, batchShape[i]);
    }
  }
  return q0;
}

SmallVector<Value> AttentionEmitter::softmaxStep(MutableArrayRef<Value> s, Value k0,
                                                 int64_t keys, ArrayRef<Value> state,
                                                 SmallVector<Value> &corr) {
  const double log2e = 1.4426950408889634;
  const int64_t sTiles = keys / 8;
  Value negInf = cf(-std::numeric_limits<float>::infinity());
  Value zero = cf(0.0);
  Value scaled = cf(scale * log2e);
  SmallVector<Value> rowMax{negInf, negInf};
  for (int64_t nj = 0; nj < sTiles; ++nj) {
    for (int64_t e = 0; e < 4; ++e) {
      Value &x = s[nj * 4 + e];
      x = arith::MulFOp::create(b, loc, x, scaled);
      Value key = add(k0, add(c(nj * 8 + e % 2), colPair));
      if (mask) {
        Value row = add(gRow, c((e / 2) * 8));
        auto maskType = cast<MemRefType>(mask.getType());
        int64_t maskRank = maskType.getRank(), rank = batchShape.size() + 2;
        SmallVector<Value> idx;
        for (int64_t i = 0; i < maskRank; ++i) {
          int64_t j = i + rank - maskRank;
          if (maskType.getDimSize(i) == 1) {
            idx.push_back(c(0));
          } else if (j < rank - 2) {
            idx.push_back(batch[j]);
          } else {
            idx.push_back(j == rank - 2 ? minIdx(row, sq - 1) : minIdx(key, sk - 1));
          }
        }
        Value m = memref::LoadOp::create(b, loc, mask, idx);
        if (!m.getType().isF32()) {
          m = arith::ExtFOp::create(b, loc, b.getF32Type(), m);
        }
        x = arith::AddFOp::create(b, loc, x,
                                  arith::MulFOp::create(b, loc, m, cf(maskScale * log2e)));
      }
      if (sk % keys != 0) {
        x = arith::SelectOp::create(b, loc, lt(key, sk), x, negInf);
      }
      rowMax[e / 2] = fmax(rowMax[e / 2], x);
    }
  }
  SmallVector<Value> mNew(2), rowSum{zero, zero};
  corr.assign(2, Value());
  for (int64_t h = 0; h < 2; ++h) {
    mNew[h] = fmax(state[h], quadReduce(rowMax[h], /*isMax=*/true));
    corr[h] = math::Exp2Op::create(b, loc, arith::SubFOp::create(b, loc, state[h], mNew[h]));
  }
  for (int64_t nj = 0; nj < sTiles; ++nj) {
    for (int64_t e = 0; e < 4; ++e) {
      Value &x = s[nj * 4 + e];
      x = math::Exp2Op::create(b, loc, arith::SubFOp::create(b, loc, x, mNew[e / 2]));
      rowSum[e / 2] = arith::AddFOp::create(b, loc, rowSum[e / 2], x);
    }
  }
  SmallVector<Value> next(mNew);
  for (int64_t h = 0; h < 2; ++h) {
    next.push_back(arith::AddFOp::create(
        b, loc, arith::MulFOp::create(b, loc, state[2 + h], corr[h]), rowSum[h]));
  }
  return next;
}

void AttentionEmitter::storeOutput(ArrayRef<Value> l, ArrayRef<Value> o) {
  Type outElem = cast<MemRefType>(out.getType()).getElementType();
  Value one = cf(1.0);
  const int64_t oTiles = dv / 8;
  for (int64_t h = 0; h < 2; ++h) {
    Value inv = arith::DivFOp::create(b, loc, one, quadReduce(l[h], /*isMax=*/false));
    Value row = add(gRow, c(h * 8));
    auto guard = scf::IfOp::create(b, loc, lt(row, sq), /*withElseRegion=*/false);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(guard.thenBlock());
    for (int64_t t = 0; t < oTiles; ++t) {
      for (int64_t e = 0; e < 2; ++e) {
        Value x = arith::MulFOp::create(b, loc, o[t * 4 + h * 2 + e], inv);
        if (outElem != x.getType()) {
          x = arith::TruncFOp::create(b, loc, outElem, x);
        }
        SmallVector<Value> logical(batch.begin(), batch.end());
        logical.push_back(row);
        logical.push_back(add(colPair, c(t * 8 + e)));
        SmallVector<Value> idx(outPerm.size());
        for (size_t i = 0; i < outPerm.size(); ++i) {
          idx[i] = logical[outPerm[i]];
        }
        memref::StoreOp::create(b, loc, x, out, idx);
      }
    }
  }
}

void AttentionEmitter::loadTile(const Operand &o, Value smem, Value row0, int64_t rows,
                                int64_t cols, int64_t rowBound) {
  auto srcType = cast<MemRefType>(o.value.getType());
  Type srcElem = srcType.getElementType();
  auto chunkType = VectorType::get({chunk()}, elem);
  auto srcChunkType = VectorType::get({chunk()}, srcElem);
  forEachChunk(rows, cols, [&](Value r, Value col) {
    Value row = add(row0, r);
    auto inBounds = scf::IfOp::create(b, loc, TypeRange{chunkType}, lt(row, rowBound),
                                      /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(inBounds.thenBlock());
      SmallVector<Value> logical(batch.begin(), batch.end());
      logical.resize(batch.size() + 2);
      logical[o.rowDim] = row;
      logical[o.colDim] = col;
      SmallVector<Value> idx = physical(o.perm, logical);
      Value x;
      if (o.contiguous) {
        auto load = vector::LoadOp::create(b, loc, srcChunkType, o.value, idx);
        load.setAlignment(o.align);
        x = load;
      } else {
        SmallVector<Value> elems;
        for (int64_t e = 0; e < chunk(); ++e) {
          logical[o.colDim] = add(col, c(e));
          elems.push_back(memref::LoadOp::create(b, loc, o.value, physical(o.perm, logical)));
        }
        x = vector::FromElementsOp::create(b, loc, srcChunkType, elems);
      }
      if (srcElem != elem) {
        if (!srcElem.isF32()) {
          x = arith::ExtFOp::create(b, loc, VectorType::get({chunk()}, b.getF32Type()), x);
        }
        x = arith::TruncFOp::create(b, loc, chunkType, x);
      }
      scf::YieldOp::create(b, loc, x);
      b.setInsertionPointToStart(inBounds.elseBlock());
      Value zero = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(chunkType, b.getFloatAttr(elem, 0.0)));
      scf::YieldOp::create(b, loc, zero);
    }
    auto store = vector::StoreOp::create(b, loc, inBounds.getResult(0), smem, ValueRange{r, col});
    store.setAlignment(16);
  });
}

void AttentionEmitter::asyncTile(const Operand &o, Value smem, Value stage, Value row0,
                                 int64_t rows, int64_t cols, int64_t rowBound) {
  forEachChunk(rows, cols, [&](Value r, Value col) {
    Value row = add(row0, r);
    SmallVector<Value> logical(batch.begin(), batch.end());
    logical.resize(batch.size() + 2);
    logical[o.rowDim] = minIdx(row, rowBound - 1);
    logical[o.colDim] = col;
    Value srcElements = arith::SelectOp::create(b, loc, lt(row, rowBound), c(chunk()), c(0));
    nvgpu::DeviceAsyncCopyOp::create(b, loc, smem, ValueRange{stage, r, col}, o.value,
                                     physical(o.perm, logical), b.getIndexAttr(chunk()),
                                     srcElements, /*bypassL1=*/b.getUnitAttr());
  });
}

void AttentionEmitter::emit(Value smemBase) {
  MLIRContext *ctx = b.getContext();
  auto wg = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  int64_t eb = elem.getIntOrFloatBitWidth() / 8;
  int64_t rows = cfg.rows(), keys = cfg.keys;
  const int64_t kPad = pad();
  auto qType = MemRefType::get({rows, d + kPad}, elem, MemRefLayoutAttrInterface{}, wg);
  // K and V: [stages][keys][d + pad] when pipelined, else [keys][d + pad].
  int64_t stages = cfg.stages();
  auto stagedType = [&](int64_t cols) {
    SmallVector<int64_t> shape{keys, cols + kPad};
    if (cfg.pipelined) {
      shape.insert(shape.begin(), stages);
    }
    return MemRefType::get(shape, elem, MemRefLayoutAttrInterface{}, wg);
  };
  Value qs = memref::ViewOp::create(b, loc, qType, smemBase, c(0), ValueRange{});
  int64_t kOffset = rows * (d + kPad) * eb;
  Value ks = memref::ViewOp::create(b, loc, stagedType(d), smemBase, c(kOffset), ValueRange{});
  Value vs = memref::ViewOp::create(b, loc, stagedType(dv), smemBase,
                                    c(kOffset + stages * keys * (d + kPad) * eb), ValueRange{});

  tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  lane = rem(tid, 32);
  warp = div(tid, 32);
  Value q0 = blockCoords(rows);

  // Q: shared memory, then this warp's 16 rows as A fragments for every 16 of D.
  loadTile(q, qs, q0, rows, d, sq);
  gpu::BarrierOp::create(b, loc);
  // A k-step of the products: 16 elements (m16n8k16), 8 for tf32 (m16n8k8); ldmatrix's
  // 8 x 16-byte matrices hold half a step's columns.
  const bool tf32 = elem.isF32();
  const int64_t kStep = tf32 ? 8 : 16;
  Value laneRow = rem(lane, 16);
  Value laneHalf = mul(div(lane, 16), 8);
  Value laneCol = mul(div(lane, 16), kStep / 2);
  Value warpRow = mul(warp, 16);
  SmallVector<SmallVector<Value>> qFrag;
  for (int64_t kk = 0; kk < d / kStep; ++kk) {
    qFrag.push_back(ldmatrixX4(b, loc, qs,
                               {add(warpRow, laneRow), add(c(kk * kStep), laneCol)},
                               /*transpose=*/false, elem));
  }

  // This thread's two rows (lane / 4 and 8 more) and its column pair within 8.
  gRow = add(q0, add(warpRow, div(lane, 4)));
  colPair = mul(rem(lane, 4), 2);
  int64_t sTiles = keys / 8, oTiles = dv / 8;
  int64_t kBlocks = (sk + keys - 1) / keys;
  Value zero = cf(0.0);
  // Loop state: m[2], l[2] (this thread's partial row sums), O accumulators.
  SmallVector<Value> init = softmaxInit();
  init.append(oTiles * 4, zero);
  // Pipelined: block 0's copies go first; each iteration then waits for its block,
  // and once every warp is past the barrier (done with the previous block, whose stage
  // is the next one's) issues the next block's copies before computing.
  auto tokenType = nvgpu::DeviceAsyncTokenType::get(ctx);
  Value token;
  if (cfg.pipelined) {
    asyncTile(k, ks, c(0), c(0), keys, d, sk);
    asyncTile(v, vs, c(0), c(0), keys, dv, sk);
    token = nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, tokenType, ValueRange{});
  }
  auto loop = scf::ForOp::create(b, loc, c(0), c(kBlocks), c(1), init);
  // Shared-memory indices of K and V rows in this iteration's stage.
  Value stage;
  auto at = [&](Value row, Value col) {
    return cfg.pipelined ? SmallVector<Value>{stage, row, col} : SmallVector<Value>{row, col};
  };
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value kb = loop.getInductionVar();
    SmallVector<Value> state(loop.getRegionIterArgs().begin(), loop.getRegionIterArgs().end());
    Value k0 = mul(kb, keys);
    if (cfg.pipelined) {
      stage = rem(kb, stages);
      nvgpu::DeviceAsyncWaitOp::create(b, loc, token, b.getI32IntegerAttr(0));
      gpu::BarrierOp::create(b, loc);
      Value next = add(kb, c(1));
      auto more = scf::IfOp::create(b, loc, lt(next, kBlocks), /*withElseRegion=*/false);
      {
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPointToStart(more.thenBlock());
        Value nextStage = rem(next, stages);
        Value nextRow = mul(next, keys);
        asyncTile(k, ks, nextStage, nextRow, keys, d, sk);
        asyncTile(v, vs, nextStage, nextRow, keys, dv, sk);
      }
      nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, tokenType, ValueRange{});
    } else {
      // Every warp is done with the previous block's K and V.
      gpu::BarrierOp::create(b, loc);
      loadTile(k, ks, k0, keys, d, sk);
      loadTile(v, vs, k0, keys, dv, sk);
      gpu::BarrierOp::create(b, loc);
    }

    // S = Q K^T over D: K is [key][d] in shared memory, the layout of a K-contiguous B.
    SmallVector<Value> s(sTiles * 4, zero);
    for (int64_t kk = 0; kk < d / kStep; ++kk) {
      for (int64_t pj = 0; pj < sTiles / 2; ++pj) {
        // Matrices (n0-7, first half of the step) (n0-7, second half) (n8-15, first)
        // (n8-15, second): for tf32 the b0, b1 of m16n8k8 (k = t and t + 4).
        Value n = add(c(pj * 16), add(rem(lane, 8), laneHalf));
        Value kcol = add(c(kk * kStep), mul(rem(div(lane, 8), 2), kStep / 2));
        SmallVector<Value> r = ldmatrixX4(b, loc, ks, at(n, kcol), false, elem);
        for (int64_t h = 0; h < 2; ++h) {
          int64_t nj = 2 * pj + h;
          ArrayRef<Value> acc = ArrayRef<Value>(s).slice(nj * 4, 4);
          SmallVector<Value> out =
              tf32 ? mmaTf32(b, loc, qFrag[kk], {r[2 * h], r[2 * h + 1]}, acc)
                   : mma16816(b, loc, elem, qFrag[kk], {r[2 * h], r[2 * h + 1]}, acc);
          std::copy(out.begin(), out.end(), s.begin() + nj * 4);
        }
      }
    }

    SmallVector<Value> corr;
    SmallVector<Value> next = softmaxStep(s, k0, keys, ArrayRef<Value>(state).take_front(4), corr);
    SmallVector<Value> o(state.begin() + 4, state.end());
    for (int64_t t = 0; t < oTiles; ++t) {
      for (int64_t e = 0; e < 4; ++e) {
        o[t * 4 + e] = arith::MulFOp::create(b, loc, o[t * 4 + e], corr[e / 2]);
      }
    }
    // O += P V over this block's keys: P's accumulators are the A fragments; V is
    // [key][dv] in shared memory, read transposed.
    for (int64_t kk = 0; tf32 && kk < sTiles; ++kk) {
      // m16n8k8 tf32 per 8 keys. Its A fragment holds columns t and t + 4 (t = lane %
      // 4) where the accumulators hold 2t and 2t + 1: taking the block's keys in the order
      // 0, 2, 4, 6, 1, 3, 5, 7 (A column t is key 2t, column t + 4 key 2t + 1) makes the
      // accumulators the A fragment as they are, and B's rows t and t + 4 are then V's
      // rows 2t and 2t + 1, read as single words (ldmatrix cannot transpose 32-bit
      // elements; with rows of d + 4 words the 32 lanes hit 32 banks).
      auto bits = [&](Value x) {
        return arith::BitcastOp::create(b, loc, b.getI32Type(), x).getResult();
      };
      SmallVector<Value> aFrag{bits(s[kk * 4]), bits(s[kk * 4 + 2]), bits(s[kk * 4 + 1]),
                               bits(s[kk * 4 + 3])};
      Value key = add(c(kk * 8), colPair);
      Value key1 = add(key, c(1));
      for (int64_t t = 0; t < oTiles; ++t) {
        Value col = add(c(t * 8), div(lane, 4));
        Value b0 = memref::LoadOp::create(b, loc, vs, at(key, col));
        Value b1 = memref::LoadOp::create(b, loc, vs, at(key1, col));
        SmallVector<Value> out =
            mmaTf32(b, loc, aFrag, {bits(b0), bits(b1)}, ArrayRef<Value>(o).slice(t * 4, 4));
        std::copy(out.begin(), out.end(), o.begin() + t * 4);
      }
    }
    for (int64_t kk = 0; !tf32 && kk < keys / 16; ++kk) {
      SmallVector<Value> pFrag;
      for (int64_t half = 0; half < 2; ++half) {
        int64_t nj = 2 * kk + half;
        pFrag.push_back(packPair(b, loc, s[nj * 4], s[nj * 4 + 1], elem));
        pFrag.push_back(packPair(b, loc, s[nj * 4 + 2], s[nj * 4 + 3], elem));
      }
      for (int64_t pj = 0; pj < oTiles / 2; ++pj) {
        // Matrices (k0-7,n0-7) (k8-15,n0-7) (k0-7,n8-15) (k8-15,n8-15).
        Value krow = add(c(kk * 16), laneRow);
        Value n = add(c(pj * 16), laneHalf);
        SmallVector<Value> r = ldmatrixX4(b, loc, vs, at(krow, n), /*transpose=*/true, elem);
        for (int64_t h = 0; h < 2; ++h) {
          int64_t t = 2 * pj + h;
          SmallVector<Value> out = mma16816(b, loc, elem, pFrag, {r[2 * h], r[2 * h + 1]},
                                            ArrayRef<Value>(o).slice(t * 4, 4));
          std::copy(out.begin(), out.end(), o.begin() + t * 4);
        }
      }
    }
    next.append(o.begin(), o.end());
    scf::YieldOp::create(b, loc, next);
  }

  SmallVector<Value> fin(loop.getResults().begin(), loop.getResults().end());
  storeOutput({fin[2], fin[3]}, ArrayRef<Value>(fin).drop_front(4));
}

/// Operand `o`'s TMA box per memref dim: 64 columns (one 128-byte swizzled row of 16-bit
/// elements), `rows` rows, 1 along the batch dims.
SmallVector<int64_t> tmaBox(const Operand &o, int64_t rows) {
  SmallVector<int64_t> box(o.perm.size(), 1);
  box[o.perm[o.colDim]] = 64;
  box[o.perm[o.rowDim]] = rows;
  return box;
}

SmallVector<SmallVector<int64_t>> AttentionEmitter::wgmmaTensorMaps(const Attention &a,
                                                                   const WgConfig &wc) {
  SmallVector<SmallVector<int64_t>> records;
  for (auto [o, rows] : {std::pair{&a.q, wc.rows()}, {&a.k, wc.keys}, {&a.v, wc.keys}}) {
    records.push_back(hopper::tensorMapRecord(cast<BlockArgument>(o->value).getArgNumber(),
                                              cast<MemRefType>(o->value.getType()), a.elem,
                                              tmaBox(*o, rows)));
  }
  return records;
}

void AttentionEmitter::emitWgmma(Value smem, ValueRange maps, const WgConfig &wc) {
  using hopper::kRowBytes;
  using hopper::kWarpgroup;
  MLIRContext *ctx = b.getContext();
  auto i32 = [&](int64_t v) -> Value {
    return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v);
  };
  auto toI32 = [&](Value x) -> Value {
    return arith::IndexCastUIOp::create(b, loc, b.getI32Type(), x);
  };
  auto eqIdx = [&](Value x, int64_t y) -> Value {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, c(y));
  };
  auto smemAt = [&](Value bytes) -> Value {
    return LLVM::GEPOp::create(b, loc, LLVM::LLVMPointerType::get(ctx, 3), b.getI8Type(), smem,
                               ValueRange{bytes});
  };
  const int64_t rows = wc.rows(), keys = wc.keys;
  const int64_t eb = elem.getIntOrFloatBitWidth() / 8;
  // Shared memory: Q [d / 64][rows][64], then per stage K [d / 64][keys][64] and V
  // [dv / 64][keys][64] (each a stack of 64-column TMA boxes, 1024-byte aligned), then the
  // mbarriers: Q's, `full` and `empty` per stage.
  const int64_t qBytes = rows * d * eb, kBytes = keys * d * eb;
  const int64_t stageBytes = kBytes + keys * dv * eb;
  const int64_t barriers = qBytes + wc.stages * stageBytes;
  auto qFull = [&] { return smemAt(i32(barriers)); };
  auto barrierAt = [&](int64_t first, Value stage) {
    return smemAt(arith::AddIOp::create(b, loc, i32(first),
                                        arith::MulIOp::create(b, loc, stage, i32(8))));
  };
  auto fullBarrier = [&](Value stage) { return barrierAt(barriers + 8, stage); };
  auto emptyBarrier = [&](Value stage) { return barrierAt(barriers + 8 + 8 * wc.stages, stage); };
  // Key block -> {stage, phase parity} as i32.
  auto stageAndPhase = [&](Value kb) {
    return hopper::stageAndPhase(b, loc, kb, wc.stages);
  };
  const int64_t kBlocks = (sk + keys - 1) / keys;

  tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  lane = rem(tid, 32);
  Value q0 = blockCoords(rows);

  // Thread 0 initializes the barriers: Q's and `full` expect the producer's one arrival
  // (plus their TMA bytes), `empty` one arrival per consumer thread.
  {
    auto init = scf::IfOp::create(b, loc, eqIdx(tid, 0), /*withElseRegion=*/false);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(init.thenBlock());
    NVVM::MBarrierInitOp::create(b, loc, qFull(), i32(1), Value());
    for (int64_t st = 0; st < wc.stages; ++st) {
      NVVM::MBarrierInitOp::create(b, loc, fullBarrier(i32(st)), i32(1), Value());
      NVVM::MBarrierInitOp::create(b, loc, emptyBarrier(i32(st)),
                                   i32(wc.consumers * kWarpgroup), Value());
    }
    NVVM::FenceMbarrierInitOp::create(b, loc);
  }
  gpu::BarrierOp::create(b, loc);

  Value warpgroup = div(tid, kWarpgroup);
  auto role = scf::IfOp::create(b, loc, eqIdx(warpgroup, 0), /*withElseRegion=*/true);
  OpBuilder::InsertionGuard roleGuard(b);

  // The producer: one thread issues Q's boxes once, then K's and V's per key block into
  // the ring, each stage once the consumers have released it.
  b.setInsertionPointToStart(role.thenBlock());
  NVVM::SetMaxRegisterOp::create(b, loc, 40, NVVM::SetMaxRegisterAction::decrease);
  {
    auto one = scf::IfOp::create(b, loc, eqIdx(tid, 0), /*withElseRegion=*/false);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(one.thenBlock());
    SmallVector<Value> descs;
    for (Value map : maps) {
      descs.push_back(hopper::acquireTensorMap(b, loc, map));
    }
    // Box coordinates, innermost dim first: batch indices, the first row, the column.
    auto coords = [&](const Operand &o, Value row0, int64_t col0) {
      SmallVector<Value> logical;
      for (Value x : batch) {
        logical.push_back(toI32(x));
      }
      logical.resize(batch.size() + 2);
      logical[o.rowDim] = row0;
      logical[o.colDim] = i32(col0);
      SmallVector<Value> idx = physical(o.perm, logical);
      std::reverse(idx.begin(), idx.end());
      return idx;
    };
    hopper::arriveExpectBytes(b, loc, qFull(), qBytes);
    for (int64_t h = 0; h < d / 64; ++h) {
      hopper::tmaLoad(b, loc, descs[0], smemAt(i32(h * rows * kRowBytes)),
                      coords(q, toI32(q0), 64 * h), qFull());
    }
    auto loop = scf::ForOp::create(b, loc, c(0), c(kBlocks), c(1));
    b.setInsertionPointToStart(loop.getBody());
    Value kb = loop.getInductionVar();
    auto [stage, phase] = stageAndPhase(kb);
    Value full = fullBarrier(stage);
    hopper::acquireStage(b, loc, emptyBarrier(stage), full, phase, stageBytes);
    Value base = arith::AddIOp::create(b, loc, i32(qBytes),
                                       arith::MulIOp::create(b, loc, stage, i32(stageBytes)));
    Value row0 = toI32(mul(kb, keys));
    for (int64_t h = 0; h < d / 64; ++h) {
      Value at = arith::AddIOp::create(b, loc, base, i32(h * keys * kRowBytes));
      hopper::tmaLoad(b, loc, descs[1], smemAt(at), coords(k, row0, 64 * h), full);
    }
    for (int64_t h = 0; h < dv / 64; ++h) {
      Value at = arith::AddIOp::create(b, loc, base, i32(kBytes + h * keys * kRowBytes));
      hopper::tmaLoad(b, loc, descs[2], smemAt(at), coords(v, row0, 64 * h), full);
    }
  }

  // The consumers: warpgroup 1 + c owns query rows 64 c .. 64 c + 63 of the tile; warp w
  // of it rows 16 w .. 16 w + 15, in the m16n8 accumulator layout of mma.sync.
  b.setInsertionPointToStart(role.elseBlock());
  NVVM::SetMaxRegisterOp::create(b, loc, wc.consumers > 1 ? 232 : 240,
                                 NVVM::SetMaxRegisterAction::increase);
  hopper::waitParity(b, loc, qFull(), i32(0));
  Value consumer = arith::SubIOp::create(b, loc, warpgroup, c(1));
  warp = rem(div(tid, 32), 4);
  gRow = add(q0, add(mul(consumer, 64), add(mul(warp, 16), div(lane, 4))));
  colPair = mul(rem(lane, 4), 2);
  Value smem32 = LLVM::PtrToIntOp::create(b, loc, b.getI32Type(), smem);
  Value qAddr = arith::AddIOp::create(b, loc, smem32, toI32(mul(consumer, 64 * kRowBytes)));
  auto structOf = [&](int64_t n) {
    return LLVM::LLVMStructType::getLiteral(ctx, SmallVector<Type>(n, b.getF32Type()));
  };
  auto sType = structOf(keys / 2), oType = structOf(dv / 2);
  NVVM::WGMMATypes type = elem.isBF16() ? NVVM::WGMMATypes::bf16 : NVVM::WGMMATypes::f16;
  auto plus = [&](Value x, int64_t bytes) -> Value {
    return arith::AddIOp::create(b, loc, x, i32(bytes));
  };
  // Shared addresses of the K and V tiles in `stage`.
  auto stageAddrs = [&](Value stage) -> std::pair<Value, Value> {
    Value kAddr = arith::AddIOp::create(
        b, loc, smem32,
        arith::AddIOp::create(b, loc, i32(qBytes),
                              arith::MulIOp::create(b, loc, stage, i32(stageBytes))));
    return {kAddr, plus(kAddr, kBytes)};
  };
  // S = Q K^T of key block `kb` once its stage is full, issued and committed as one
  // group (not waited for): both K-major in 128-byte rows; 16 of D a step (32 bytes along
  // the swizzled row), the next 64 columns in the next box.
  auto issueScores = [&](Value kb) -> Value {
    auto [stage, phase] = stageAndPhase(kb);
    hopper::waitParity(b, loc, fullBarrier(stage), phase);
    Value kAddr = stageAddrs(stage).first;
    NVVM::WgmmaFenceAlignedOp::create(b, loc);
    // The first step ignores the accumulator (scale-d 0): undefined, not zeros, whose
    // moves into the registers while the previous P V runs would serialize the wgmmas
    // (ptxas C7515).
    Value acc = LLVM::UndefOp::create(b, loc, sType);
    for (int64_t kk = 0; kk < d / 16; ++kk) {
      int64_t inRow = (kk % 4) * 32;
      Value descA = hopper::matrixDescriptor(
          b, loc, plus(qAddr, (kk / 4) * rows * kRowBytes + inRow), 16, hopper::kAtomBytes);
      Value descB = hopper::matrixDescriptor(
          b, loc, plus(kAddr, (kk / 4) * keys * kRowBytes + inRow), 16, hopper::kAtomBytes);
      acc = NVVM::WgmmaMmaAsyncOp::create(
          b, loc, sType, acc, descA, descB, NVVM::MMAShapeAttr::get(ctx, 64, keys, 16), type,
          type, NVVM::WGMMATypes::f32,
          kk == 0 ? NVVM::WGMMAScaleOut::zero : NVVM::WGMMAScaleOut::one,
          NVVM::WGMMAScaleIn::one, NVVM::WGMMAScaleIn::one, NVVM::MMALayout::row,
          NVVM::MMALayout::col, nullptr);
    }
    NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
    return acc;
  };

  // The loop carries m[2], l[2], O and the next block's S, issued at the end of the
  // previous iteration right behind its P V, so that the tensor cores run both back to
  // back while this warpgroup waits (the other consumer's softmax fills the gap).
  // O starts undefined, not as zeros: block 0's P V ignores it (scale-d 0). Zeros would
  // be moved into its registers while block 0's S runs, which serializes the wgmmas
  // (ptxas C7515).
  SmallVector<Value> init = softmaxInit();
  init.push_back(LLVM::UndefOp::create(b, loc, oType));
  init.push_back(issueScores(c(0)));
  auto loop = scf::ForOp::create(b, loc, c(0), c(kBlocks), c(1), init);
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(loop.getBody());
    Value kb = loop.getInductionVar();
    SmallVector<Value> state(loop.getRegionIterArgs().begin(), loop.getRegionIterArgs().end());
    // This block's S and the previous block's P V have retired: the previous block's
    // stage goes back to the producer.
    NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
    {
      auto release = scf::IfOp::create(
          b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, kb, c(0)), false);
      OpBuilder::InsertionGuard g2(b);
      b.setInsertionPointToStart(release.thenBlock());
      Value prev = toI32(rem(add(kb, c(wc.stages - 1)), wc.stages));
      NVVM::MBarrierArriveOp::create(b, loc, b.getI64Type(), emptyBarrier(prev), Value());
    }
    SmallVector<Value> s;
    for (int64_t i = 0; i < keys / 2; ++i) {
      s.push_back(LLVM::ExtractValueOp::create(b, loc, state[5], ArrayRef<int64_t>{i}));
    }
    SmallVector<Value> corr;
    SmallVector<Value> next = softmaxStep(s, mul(kb, keys), keys,
                                          ArrayRef<Value>(state).take_front(4), corr);
    // O = O corr, element by element of the accumulator struct.
    Value o = state[4];
    for (int64_t i = 0; i < dv / 2; ++i) {
      Value x = LLVM::ExtractValueOp::create(b, loc, o, ArrayRef<int64_t>{i});
      x = arith::MulFOp::create(b, loc, x, corr[(i % 4) / 2]);
      o = LLVM::InsertValueOp::create(b, loc, o, x, ArrayRef<int64_t>{i});
    }
    // O += P V: P's accumulators of two adjacent key tiles are the A fragment of a k16
    // step (as for mma.sync), all packed before the fence, so that no register a wgmma
    // reads is written after it (else ptxas inserts a warpgroup.arrive per wgmma, C7519);
    // V is N-major (dv contiguous): 16 keys a step (16 rows), its 64-column boxes keys
    // rows apart.
    SmallVector<SmallVector<Value>> pFrags(keys / 16);
    for (int64_t kk = 0; kk < keys / 16; ++kk) {
      for (int64_t half = 0; half < 2; ++half) {
        int64_t nj = 2 * kk + half;
        pFrags[kk].push_back(packPair(b, loc, s[nj * 4], s[nj * 4 + 1], elem));
        pFrags[kk].push_back(packPair(b, loc, s[nj * 4 + 2], s[nj * 4 + 3], elem));
      }
    }
    Value vAddr = stageAddrs(stageAndPhase(kb).first).second;
    SmallVector<Value> descs;
    for (int64_t kk = 0; kk < keys / 16; ++kk) {
      descs.push_back(hopper::matrixDescriptor(b, loc, plus(vAddr, kk * 16 * kRowBytes),
                                               keys * kRowBytes, hopper::kAtomBytes));
    }
    Value accumulate = arith::ExtUIOp::create(
        b, loc, b.getI32Type(), arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, kb, c(0)));
    NVVM::WgmmaFenceAlignedOp::create(b, loc);
    for (int64_t kk = 0; kk < keys / 16; ++kk) {
      o = hopper::wgmmaRegisterA(b, loc, o, pFrags[kk], descs[kk], kk == 0 ? accumulate : i32(1), dv,
                                 elem, /*transB=*/true);
    }
    NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
    next.push_back(o);
    // The next block's S, behind this P V.
    Value nextKb = add(kb, c(1));
    auto more = scf::IfOp::create(b, loc, TypeRange{sType}, lt(nextKb, kBlocks),
                                  /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard g2(b);
      b.setInsertionPointToStart(more.thenBlock());
      scf::YieldOp::create(b, loc, issueScores(nextKb));
      b.setInsertionPointToStart(more.elseBlock());
      scf::YieldOp::create(b, loc, ValueRange{LLVM::UndefOp::create(b, loc, sType)});
    }
    next.push_back(more.getResult(0));
    scf::YieldOp::create(b, loc, next);
  }
  NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
  SmallVector<Value> oVals;
  for (int64_t i = 0; i < dv / 2; ++i) {
    oVals.push_back(LLVM::ExtractValueOp::create(b, loc, loop.getResult(4), ArrayRef<int64_t>{i}));
  }
  storeOutput({loop.getResult(2), loop.getResult(3)}, oVals);
}

/// Erases the body of `fn` (the attention op by op, bufferized), which the kernel
/// replaces: none of it is cloned into the kernel.
void eraseBody(func::FuncOp fn) {
  Block &entry = fn.getBody().front();
  SmallVector<Operation *> body;
  for (Operation &op : entry.without_terminator()) {
    op.dropAllReferences();
    body.push_back(&op);
  }
  for (Operation *op : llvm::reverse(body)) {
    op->dropAllUses();
    op->erase();
  }
}

/// The dynamic shared memory of emitWgmma: Q, the ring of K and V stages, 1 + 2 stages
/// mbarriers.
int64_t wgmmaSharedBytes(const Attention &a, const WgConfig &wc) {
  int64_t eb = a.elem.getIntOrFloatBitWidth() / 8;
  return (wc.rows() * a.d + wc.stages * wc.keys * (a.d + a.dv)) * eb + 8 * (1 + 2 * wc.stages);
}

/// Why the sm_90a kernel (emitWgmma) cannot take attention `a`, if it cannot; else its
/// block shape in `wc` (KILN_CUDA_ATTENTION_TILE=warps,keys[,stages] where set: 4 or 8
/// consumer warps, 64 to 256 keys in multiples of 64, 2 to 4 stages).
std::optional<std::string> wgmmaUnfit(const Attention &a, StringRef arch, func::FuncOp fn,
                                      const char *tileEnv, WgConfig &wc) {
  if (arch != "sm_90a") {
    return "it needs --cuda-arch=sm_90a, not " + arch.str();
  }
  if (a.elem.isF32()) {
    return std::string("tf32 products run on mma.sync (wgmma reads a tf32 B K-major only, "
                       "and V is N-major)");
  }
  if ((a.d != 64 && a.d != 128) || (a.dv != 64 && a.dv != 128)) {
    return "its head dims are " + std::to_string(a.d) + " and " + std::to_string(a.dv) +
           " (the wgmma kernel takes 64 or 128: whole 128-byte swizzled rows)";
  }
  int64_t rank = a.outPerm.size();
  for (auto [o, name] : {std::pair{&a.q, "Q"}, {&a.k, "K"}, {&a.v, "V"}}) {
    auto arg = dyn_cast<BlockArgument>(o->value);
    if (!arg || arg.getOwner() != &fn.getBody().front()) {
      return std::string(name) + " is not a buffer of the plan (TMA reads bindings)";
    }
    if (o->perm[o->colDim] != rank - 1) {
      return std::string(name) + "'s head dim is not its innermost dim";
    }
    if (std::optional<std::string> why =
            hopper::tmaUnreadable(cast<MemRefType>(o->value.getType()), a.elem)) {
      return std::string(name) + ": " + *why;
    }
  }
  wc.consumers = a.sq > 64 ? 2 : 1;
  long stages = 0;
  if (tileEnv && *tileEnv) {
    long warps = 0, keys = 0;
    int n = std::sscanf(tileEnv, "%ld,%ld,%ld", &warps, &keys, &stages);
    if (n < 2 || (warps != 4 && warps != 8) || keys < 64 || keys > 256 || keys % 64 != 0 ||
        (n == 3 && (stages < 2 || stages > 4))) {
      return "KILN_CUDA_ATTENTION_TILE='" + std::string(tileEnv) +
             "' is not a wgmma block shape (4 or 8 warps, 64 to 256 keys in multiples of "
             "64[, 2 to 4 stages])";
    }
    wc.consumers = warps / 4;
    wc.keys = keys;
  }
  // Three stages where they fit (head dim 128 and 128 keys: 224 KiB), else two: the
  // stage of block kb is released once its P V retires, early in block kb + 1's step.
  wc.stages = stages ? stages : 3;
  if (!stages && wgmmaSharedBytes(a, wc) > maxSharedBytes(arch)) {
    wc.stages = 2;
  }
  int64_t bytes = wgmmaSharedBytes(a, wc);
  if (bytes > maxSharedBytes(arch)) {
    return "its tiles need " + std::to_string(bytes) + " bytes of shared memory";
  }
  return std::nullopt;
}

/// Creates the sm_90a kernel of `em` in place of `fn` (wgmmaUnfit passed).
FailureOr<Launch> launchWgmma(func::FuncOp fn, Attention em, const WgConfig &wc, int64_t items,
                              const CreateKernelFn &createKernel,
                              SmallVectorImpl<SmallVector<int64_t>> &tensorMaps) {
  // The tensor maps name the function's arguments (the plan's bindings).
  SmallVector<SmallVector<int64_t>> maps = AttentionEmitter::wgmmaTensorMaps(em, wc);
  eraseBody(fn);
  OpBuilder b(fn.getContext());
  IRMapping outer;
  // Each tensor map arrives as a pointer to its 128-byte CUtensorMap in global memory.
  auto mapType = MemRefType::get({16}, b.getI64Type());
  gpu::GPUFuncOp kernel = createKernel(b, wc.threads(), {mapType, mapType, mapType}, outer);
  // setmaxnreg needs a register budget fixed at entry: one block per SM.
  kernel->setAttr("nvvm.minctasm", b.getI32IntegerAttr(1));
  Location loc = fn.getLoc();
  em.useKernelArguments(outer);
  Value smem = hopper::alignedSharedMemory(b, loc, kernel);
  Config mmaSync; // the mma.sync kernel's shape, which emitWgmma does not read
  AttentionEmitter(b, loc, mmaSync, em)
      .emitWgmma(smem, kernel.getArguments().take_back(3), wc);
  gpu::ReturnOp::create(b, loc);
  fn.erase();
  tensorMaps.append(maps.begin(), maps.end());
  int64_t grid = items * ((em.sq + wc.rows() - 1) / wc.rows());
  return Launch{grid, 1, 1, wc.threads(), 1, 1, wgmmaSharedBytes(em, wc)};
}

} // namespace

FailureOr<Launch> mapAttention(func::FuncOp fn, const std::string &who, StringRef arch,
                               const CreateKernelFn &createKernel,
                               SmallVectorImpl<SmallVector<int64_t>> &tensorMaps) {
  auto refuse = [&](const Twine &why) {
    return fn.emitError("kiln-cuda-map-kernels: kernel ")
           << who << " is an attention the CUDA flash-attention kernel cannot take: " << why;
  };
  auto desc = fn->getAttrOfType<DictionaryAttr>(kAttentionDescAttr);
  if (!desc) {
    return refuse("it has no kiln.cuda.attention description (run "
                  "kiln-cuda-describe-attention first)");
  }
  auto argAt = [&](StringRef name) -> Value {
    auto a = desc.getAs<IntegerAttr>(name);
    if (!a || a.getInt() < 0 || a.getInt() >= static_cast<int64_t>(fn.getNumArguments())) {
      return nullptr;
    }
    return fn.getArgument(a.getInt());
  };
  auto permOf = [&](StringRef name) {
    auto a = desc.getAs<DenseI64ArrayAttr>(name);
    return a ? SmallVector<int64_t>(a.asArrayRef()) : SmallVector<int64_t>();
  };
  auto scaleOf = [&](StringRef name) {
    auto a = desc.getAs<FloatAttr>(name);
    return a ? a.getValueAsDouble() : std::nan("");
  };
  auto precision = desc.getAs<StringAttr>("precision");
  Type elem;
  if (precision && precision.getValue() == "bf16") {
    elem = BFloat16Type::get(fn.getContext());
  } else if (precision && precision.getValue() == "fp16") {
    elem = Float16Type::get(fn.getContext());
  } else if (precision && precision.getValue() == "tf32") {
    elem = Float32Type::get(fn.getContext()); // tf32 tensor cores (m16n8k8)
  } else {
    return refuse("its products are f32 and the kernel runs them on tensor cores (compile "
                  "with --precision=tf32, bf16 or fp16, or --target=cpu)");
  }

  Attention em;
  em.elem = elem;
  em.q = {argAt("q"), permOf("q_perm")};
  em.k = {argAt("k"), permOf("k_perm")};
  em.v = {argAt("v"), permOf("v_perm")};
  em.outPerm = permOf("out_perm");
  em.scale = scaleOf("scale");
  em.maskScale = scaleOf("mask_scale");
  auto maskIndex = desc.getAs<IntegerAttr>("mask");
  if (!maskIndex) {
    return refuse("its description has no mask entry");
  }
  if (maskIndex.getInt() >= 0) {
    em.mask = argAt("mask");
  }
  int64_t rank = em.outPerm.size();
  if (fn.getNumArguments() == 0 || !em.q.value || !em.k.value || !em.v.value ||
      (maskIndex.getInt() >= 0 && !em.mask) || std::isnan(em.scale) ||
      std::isnan(em.maskScale) || rank < 3) {
    return refuse("its kiln.cuda.attention description is malformed");
  }
  em.out = fn.getArguments().back();
  // Logical shapes: Q [batch.., Sq, D], K^T [batch.., D, Sk], V [batch.., Sk, Dv].
  auto logicalShape = [&](const Operand &o) -> SmallVector<int64_t> {
    auto type = dyn_cast<MemRefType>(o.value.getType());
    if (!type || !type.hasStaticShape() || type.getRank() != rank ||
        static_cast<int64_t>(o.perm.size()) != rank) {
      return {};
    }
    SmallVector<int64_t> shape;
    for (int64_t p : o.perm) {
      if (p < 0 || p >= rank) {
        return {};
      }
      shape.push_back(type.getDimSize(p));
    }
    return shape;
  };
  SmallVector<int64_t> qs = logicalShape(em.q), kts = logicalShape(em.k), vs = logicalShape(em.v);
  auto outType = dyn_cast<MemRefType>(em.out.getType());
  if (qs.empty() || kts.empty() || vs.empty() || !outType || !outType.hasStaticShape() ||
      outType.getRank() != rank) {
    return refuse("its operands are not static memrefs of one rank");
  }
  ArrayRef<int64_t> batchShape = ArrayRef(qs).drop_back(2);
  em.batchShape.assign(batchShape.begin(), batchShape.end());
  em.sq = qs[rank - 2];
  em.d = qs[rank - 1];
  em.sk = kts[rank - 1];
  em.dv = vs[rank - 1];
  SmallVector<int64_t> os(rank);
  for (int64_t i = 0; i < rank; ++i) {
    if (em.outPerm[i] < 0 || em.outPerm[i] >= rank) {
      return refuse("its output permutation is malformed");
    }
    os[em.outPerm[i]] = outType.getDimSize(i);
  }
  if (ArrayRef(kts).drop_back(2) != batchShape || ArrayRef(vs).drop_back(2) != batchShape ||
      kts[rank - 2] != em.d || vs[rank - 2] != em.sk || ArrayRef(os).drop_back(2) != batchShape ||
      os[rank - 2] != em.sq || os[rank - 1] != em.dv) {
    return refuse("Q, K, V and the output do not agree on their shapes");
  }
  if (em.d % 16 != 0 || em.dv % 16 != 0 || em.d > 128 || em.dv > 128) {
    return refuse("its head dims are " + Twine(em.d) + " and " + Twine(em.dv) +
                  "; the kernel holds multiples of 16 up to 128 in registers (compile with "
                  "--target=cpu)");
  }
  for (Value x : {em.q.value, em.k.value, em.v.value}) {
    Type t = cast<MemRefType>(x.getType()).getElementType();
    if (!t.isF32() && !t.isF16() && !t.isBF16()) {
      return refuse("its operands are not f32, f16 or bf16");
    }
  }
  Type outElem = outType.getElementType();
  if (!outElem.isF32() && !outElem.isF16() && !outElem.isBF16()) {
    return refuse("its output is not f32, f16 or bf16");
  }
  if (em.mask) {
    auto maskType = cast<MemRefType>(em.mask.getType());
    if (!maskType.hasStaticShape() || maskType.getRank() > rank ||
        !isa<FloatType>(maskType.getElementType())) {
      return refuse("its mask is not a static float tensor broadcasting to the scores");
    }
  }
  // Tile rows: Q (queries, D), K^T (keys are its logical dim rank - 1, D its rank - 2),
  // V (keys, Dv).
  em.q.rowDim = rank - 2, em.q.colDim = rank - 1;
  em.k.rowDim = rank - 1, em.k.colDim = rank - 2;
  em.v.rowDim = rank - 2, em.v.colDim = rank - 1;
  for (Operand *o : {&em.q, &em.k, &em.v}) {
    auto type = cast<MemRefType>(o->value.getType());
    SmallVector<int64_t> strides;
    int64_t offset;
    int64_t eb = type.getElementTypeBitWidth() / 8;
    o->contiguous = o->perm[o->colDim] == rank - 1 &&
                    succeeded(type.getStridesAndOffset(strides, offset)) &&
                    strides.back() == 1;
    o->align = rowsAligned(o->value, eb) ? 16 : eb;
  }

  int64_t items = 1;
  for (int64_t s : batchShape) {
    items *= s;
  }
  // KILN_CUDA_ATTENTION=mma-sync|wgmma picks the kernel (bench/gpu.py compares them); by
  // default sm_90a gets TMA + wgmma wherever Q, K and V allow it.
  StringRef kernelChoice = "auto";
  if (const char *env = std::getenv("KILN_CUDA_ATTENTION"); env && *env) {
    kernelChoice = env;
    if (kernelChoice != "mma-sync" && kernelChoice != "wgmma") {
      return refuse(Twine("KILN_CUDA_ATTENTION='") + env + "' is neither mma-sync nor wgmma");
    }
  }
  const char *tileEnv = std::getenv("KILN_CUDA_ATTENTION_TILE");
  if (kernelChoice != "mma-sync") {
    WgConfig wc;
    std::optional<std::string> whyNot = wgmmaUnfit(em, arch, fn, tileEnv, wc);
    if (!whyNot && items * ((em.sq + wc.rows() - 1) / wc.rows()) >
                       std::numeric_limits<int32_t>::max()) {
      whyNot = "its grid is larger than CUDA allows";
    }
    if (whyNot && kernelChoice == "wgmma") {
      return refuse("KILN_CUDA_ATTENTION=wgmma but " + *whyNot);
    }
    if (!whyNot) {
      return launchWgmma(fn, em, wc, items, createKernel, tensorMaps);
    }
  }

  // 128 query rows per block halve the K and V traffic per product where the registers
  // allow it (head dims up to 64: 128 registers a thread, by ptxas -v); 64 rows above.
  Config cfg;
  if (em.d <= 64 && em.dv <= 64 && !elem.isF32()) {
    cfg.warps = 8;
  }
  // KILN_CUDA_ATTENTION_TILE=warps,keys overrides the block shape (bench/gpu.py tunes it).
  if (const char *env = tileEnv; env && *env) {
    Config o;
    if (std::sscanf(env, "%ld,%ld", &o.warps, &o.keys) != 2 || o.warps < 1 || o.warps > 8 ||
        o.keys < 16 || o.keys > 128 || o.keys % 16 != 0) {
      return refuse(Twine("KILN_CUDA_ATTENTION_TILE='") + env +
                    "' is not warps,keys with 1 to 8 warps and 16 to 128 keys, a multiple "
                    "of 16");
    }
    cfg = o;
  }
  // cp.async copies bytes: K and V must already hold the products' type, in rows whose
  // 8-element chunks are contiguous and 16-byte aligned (--precision=bf16|fp16 writes
  // them so: kiln-mixed-precision attention-io). KILN_CUDA_ATTENTION_PIPELINE=0 turns it
  // off (bench/gpu.py compares).
  auto copyable = [&](const Operand &o) {
    return o.contiguous && o.align == 16 &&
           cast<MemRefType>(o.value.getType()).getElementType() == elem;
  };
  const char *pipelineEnv = std::getenv("KILN_CUDA_ATTENTION_PIPELINE");
  cfg.pipelined = copyable(em.k) && copyable(em.v) &&
                  !(pipelineEnv && std::string_view(pipelineEnv) == "0");
  int64_t eb = elem.getIntOrFloatBitWidth() / 8;
  auto smemBytes = [&] {
    return (cfg.rows() * (em.d + em.pad()) +
            cfg.stages() * cfg.keys * (em.d + em.pad() + em.dv + em.pad())) *
           eb;
  };
  // f32 tiles (tf32) take twice the bytes: a head dim of 128 fits sm_80 in blocks of 32
  // keys, sm_86 and sm_89 in blocks of 16 (unless KILN_CUDA_ATTENTION_TILE asked for a
  // shape).
  while (elem.isF32() && !(tileEnv && *tileEnv) && smemBytes() > maxSharedBytes(arch) &&
         cfg.keys > 16) {
    cfg.keys /= 2;
  }
  int64_t smem = smemBytes();
  if (smem > maxSharedBytes(arch)) {
    return refuse("its tiles need " + Twine(smem) + " bytes of shared memory");
  }
  int64_t grid = items * ((em.sq + cfg.rows() - 1) / cfg.rows());
  if (grid > std::numeric_limits<int32_t>::max()) {
    return refuse("its grid is larger than CUDA allows");
  }

  eraseBody(fn);
  OpBuilder b(fn.getContext());
  IRMapping outer;
  gpu::GPUFuncOp kernel = createKernel(b, cfg.threads(), {}, outer);
  if (elem.isF32()) {
    // tf32 fragments take twice the registers. `.minnctapersm 1` tells ptxas that one
    // resident block per SM is enough, so it does not trade registers for occupancy
    // (without it, it capped the sm_90a kernel of head dim 64 at 128 registers and
    // spilled); at that head dim shared memory allows two blocks anyway.
    kernel->setAttr("nvvm.minctasm", b.getI32IntegerAttr(1));
  }
  Location loc = fn.getLoc();
  em.useKernelArguments(outer);
  auto dynType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                                 MemRefLayoutAttrInterface{},
                                 gpu::AddressSpaceAttr::get(fn.getContext(),
                                                            gpu::AddressSpace::Workgroup));
  Value base = gpu::DynamicSharedMemoryOp::create(b, loc, dynType);
  AttentionEmitter(b, loc, cfg, em).emit(base);
  gpu::ReturnOp::create(b, loc);
  fn.erase();
  return Launch{grid, 1, 1, cfg.threads(), 1, 1, smem};
}

} // namespace kiln::cuda
