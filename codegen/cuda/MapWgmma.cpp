//===- MapWgmma.cpp - matmul kernels on Hopper: TMA + mbarriers + wgmma ----===//
//
// The sm_90a contraction kernel. One block computes a BM x BN tile of C with
// 1 + BM/64 warpgroups:
//
//   warpgroup 0, the producer: one thread walks the k-tiles, waits until the consumers
//   have released a stage (its `empty` mbarrier), arms the stage's `full` mbarrier with
//   the stage's byte count and issues the TMA copies (cp.async.bulk.tensor) of the A
//   tile (BM x 64) and the B tile (BN x 64 when B is K-contiguous; BN/64 boxes of 64 x 64
//   when it is N-contiguous) into it. The tensor maps use the 128-byte swizzle, so each
//   64-element row of a box is one 128-byte swizzled row; the hardware zero-fills past
//   the edges of M, N and K.
//   warpgroups 1.., the consumers: each owns 64 rows of the tile and, per k-tile, waits
//   for the stage's `full` barrier, issues four wgmma.m64nBNk16 reading A and B straight
//   from shared memory through matrix descriptors, commits them, waits until the previous
//   k-tile's group has retired and releases that stage (every consumer thread arrives on
//   its `empty` barrier). The f32 accumulators stay in registers; the epilogue (bias,
//   activation, residual, cast) runs on them and stores (Contraction.h).
//
// The ring of `stages` stages lives in dynamic shared memory declared 1024-byte aligned
// (the period of the 128-byte swizzle, which TMA and wgmma apply to address bits); the
// 2 x stages mbarriers follow it. setmaxnreg moves registers from the producer to the
// consumers. Shapes are static; the TMA descriptors are encoded by the runtime at session
// creation (docs/artifact.md, tensor maps) and reach the kernel as pointers after its
// bindings.
//
//===----------------------------------------------------------------------------===//
#include "codegen/cuda/Contraction.h"
#include "codegen/cuda/Hopper.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Matchers.h"

#include <cstdio>
#include <cstdlib>

using namespace mlir;

namespace kiln::cuda {
namespace {

using hopper::kAtomBytes;
using hopper::kRowBytes;
using hopper::kWarpgroup;

constexpr int64_t kBK = 64; // k-tile: 64 16-bit elements, one 128-byte swizzle row

/// Block tile bm x bn (bm = 64 per consumer warpgroup), `stages` ring stages.
struct WgTiles {
  int64_t bm, bn, stages;
  int64_t consumers() const { return bm / 64; }
  int64_t threads() const { return kWarpgroup * (consumers() + 1); }
  int64_t aBytes() const { return bm * kRowBytes; }
  int64_t stageBytes() const { return (bm + bn) * kRowBytes; }
  int64_t smemBytes() const { return stages * (stageBytes() + 16); }
};

/// One operand's TMA view: the kernel argument (binding) it is read from, its memref type
/// and, per memref dim, the loop it is indexed by.
struct TmaOperand {
  unsigned binding;
  MemRefType type;
  SmallVector<int64_t> loops; // per memref dim
};

class WgmmaEmitter {
public:
  WgmmaEmitter(OpBuilder &b, Location loc, Problem &p, const WgTiles &t, IRMapping &outer,
               ArrayRef<TmaOperand> ops, ValueRange maps)
      : b(b), loc(loc), p(p), t(t), outer(outer), ops(ops), maps(maps) {}

  void emit(Value smemBase);

private:
  Value c(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value i32(int64_t v) { return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v); }
  Value toI32(Value index) {
    return arith::IndexCastUIOp::create(b, loc, b.getI32Type(), index);
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value eq(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, y);
  }
  /// The shared-memory pointer `bytes` (i32) past the ring's base.
  Value smemAt(Value bytes) {
    auto ptr = LLVM::LLVMPointerType::get(b.getContext(), 3);
    return LLVM::GEPOp::create(b, loc, ptr, b.getI8Type(), base, ValueRange{bytes});
  }
  Value fullBarrier(Value stage) {
    return smemAt(add(i32(t.stages * t.stageBytes()), mul(stage, i32(8))));
  }
  Value emptyBarrier(Value stage) {
    return smemAt(add(i32(t.stages * t.stageBytes() + 8 * t.stages), mul(stage, i32(8))));
  }
  /// k-tile `kt` (index) -> {stage, phase parity} as i32.
  std::pair<Value, Value> stageAndPhase(Value kt) {
    return hopper::stageAndPhase(b, loc, kt, t.stages);
  }
  void producer();
  void consumer();

  Value descriptor(Value addr, int64_t lbo, int64_t sbo) {
    return hopper::matrixDescriptor(b, loc, addr, lbo, sbo);
  }

  OpBuilder &b;
  Location loc;
  Problem &p;
  const WgTiles &t;
  IRMapping &outer;
  ArrayRef<TmaOperand> ops;
  ValueRange maps;
  Value base, tid, m0, n0, batchId;
  int64_t kTiles = 0;
};

void WgmmaEmitter::emit(Value smemBase) {
  base = smemBase;
  kTiles = (p.K + kBK - 1) / kBK;
  tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  std::tie(m0, n0) = rasterize(b, loc, p, t.bm, t.bn);
  batchId = gpu::BlockIdOp::create(b, loc, gpu::Dimension::z);

  // Thread 0 initializes the barriers: `full` expects the producer's one arrival (plus
  // the stage's TMA bytes), `empty` one arrival per consumer thread.
  {
    auto init = scf::IfOp::create(b, loc, eq(tid, c(0)), /*withElseRegion=*/false);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(init.thenBlock());
    for (int64_t s = 0; s < t.stages; ++s) {
      NVVM::MBarrierInitOp::create(b, loc, fullBarrier(i32(s)), i32(1), Value());
      NVVM::MBarrierInitOp::create(b, loc, emptyBarrier(i32(s)),
                                   i32(t.consumers() * kWarpgroup), Value());
    }
    NVVM::FenceMbarrierInitOp::create(b, loc);
  }
  gpu::BarrierOp::create(b, loc);

  Value warpgroup = arith::DivUIOp::create(b, loc, tid, c(kWarpgroup));
  auto role = scf::IfOp::create(b, loc, eq(warpgroup, c(0)), /*withElseRegion=*/true);
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(role.thenBlock());
  producer();
  b.setInsertionPointToStart(role.elseBlock());
  consumer();
}

void WgmmaEmitter::producer() {
  NVVM::SetMaxRegisterOp::create(b, loc, 40, NVVM::SetMaxRegisterAction::decrease);
  auto one = scf::IfOp::create(b, loc, eq(tid, c(0)), /*withElseRegion=*/false);
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(one.thenBlock());
  // The runtime copied the descriptors into global memory through the generic proxy;
  // the copy engine reads them through the tensormap proxy, so acquire them first.
  SmallVector<Value> descs;
  for (Value map : maps) {
    descs.push_back(hopper::acquireTensorMap(b, loc, map));
  }
  auto loop = scf::ForOp::create(b, loc, c(0), c(kTiles), c(1));
  b.setInsertionPointToStart(loop.getBody());
  Value kt = loop.getInductionVar();
  auto [stage, phase] = stageAndPhase(kt);
  Value full = fullBarrier(stage);
  hopper::acquireStage(b, loc, emptyBarrier(stage), full, phase, t.stageBytes());
  Value stageBase = mul(stage, i32(t.stageBytes()));
  Value k0 = toI32(arith::MulIOp::create(b, loc, kt, c(kBK)));
  Value mI = toI32(m0), nI = toI32(n0), batchI = toI32(batchId);
  auto load = [&](int operand, Value dst, Value inner) {
    const TmaOperand &o = ops[operand];
    SmallVector<Value> coords; // innermost first
    for (int64_t d = o.type.getRank() - 1; d >= 0; --d) {
      int64_t loop = o.loops[d];
      // A loop that is none of K, M, N and the batch has extent 1: index 0.
      Value v = loop == p.dimK   ? k0
                : loop == p.dimM ? mI
                : loop == p.dimN ? nI
                : loop == p.dimB ? batchI
                                 : i32(0);
      coords.push_back(loop == p.dimN ? inner : v);
    }
    hopper::tmaLoad(b, loc, descs[operand], dst, coords, full);
  };
  load(0, smemAt(stageBase), nI);
  Value bBase = add(stageBase, i32(t.aBytes()));
  if (p.bKContiguous) {
    load(1, smemAt(bBase), nI);
  } else {
    // N-contiguous B: one 64 (k) x 64 (n) box per 64 columns, each 8 KiB.
    for (int64_t chunk = 0; chunk < t.bn / 64; ++chunk) {
      load(1, smemAt(add(bBase, i32(chunk * kBK * kRowBytes))), add(nI, i32(chunk * 64)));
    }
  }
}

void WgmmaEmitter::consumer() {
  NVVM::SetMaxRegisterOp::create(b, loc, t.consumers() > 1 ? 232 : 240,
                                 NVVM::SetMaxRegisterAction::increase);
  MLIRContext *ctx = b.getContext();
  auto accType =
      LLVM::LLVMStructType::getLiteral(ctx, SmallVector<Type>(t.bn / 2, b.getF32Type()));
  Value consumerId = arith::SubIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, tid, c(kWarpgroup)), c(1));
  Value smem32 = LLVM::PtrToIntOp::create(b, loc, b.getI32Type(), base);
  Value zero = LLVM::ZeroOp::create(b, loc, accType);
  auto loop = scf::ForOp::create(b, loc, c(0), c(kTiles), c(1), ValueRange{zero});
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(loop.getBody());
    Value kt = loop.getInductionVar();
    auto [stage, phase] = stageAndPhase(kt);
    hopper::waitParity(b, loc, fullBarrier(stage), phase);
    Value stageAddr = add(smem32, mul(stage, i32(t.stageBytes())));
    Value aAddr = add(stageAddr, mul(toI32(consumerId), i32(64 * kRowBytes)));
    Value bAddr = add(stageAddr, i32(t.aBytes()));
    NVVM::WgmmaFenceAlignedOp::create(b, loc);
    NVVM::WGMMATypes type = p.elem.isBF16() ? NVVM::WGMMATypes::bf16 : NVVM::WGMMATypes::f16;
    Value acc = loop.getRegionIterArgs()[0];
    for (int64_t kk = 0; kk < kBK / 16; ++kk) {
      // K-major operands advance 16 elements (32 bytes) inside the swizzled row; the
      // leading byte offset is unused for them. An N-major B advances 16 rows (2 atoms);
      // its 64-column chunks are 64 rows x 128 bytes apart.
      Value descA = descriptor(add(aAddr, i32(kk * 32)), 16, kAtomBytes);
      Value descB = p.bKContiguous
                        ? descriptor(add(bAddr, i32(kk * 32)), 16, kAtomBytes)
                        : descriptor(add(bAddr, i32(kk * 16 * kRowBytes)), kBK * kRowBytes,
                                     kAtomBytes);
      acc = NVVM::WgmmaMmaAsyncOp::create(
          b, loc, accType, acc, descA, descB, NVVM::MMAShapeAttr::get(ctx, 64, t.bn, 16), type,
          type, NVVM::WGMMATypes::f32, NVVM::WGMMAScaleOut::one, NVVM::WGMMAScaleIn::one,
          NVVM::WGMMAScaleIn::one, NVVM::MMALayout::row,
          p.bKContiguous ? NVVM::MMALayout::col : NVVM::MMALayout::row, nullptr);
    }
    NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
    // Keep this k-tile's group in flight; the previous one has retired, so its stage
    // goes back to the producer.
    NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 1);
    auto release = scf::IfOp::create(
        b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, kt, c(0)), false);
    {
      OpBuilder::InsertionGuard g2(b);
      b.setInsertionPointToStart(release.thenBlock());
      Value prev = toI32(arith::RemUIOp::create(
          b, loc, arith::AddIOp::create(b, loc, kt, c(t.stages - 1)), c(t.stages)));
      NVVM::MBarrierArriveOp::create(b, loc, b.getI64Type(), emptyBarrier(prev), Value());
    }
    scf::YieldOp::create(b, loc, acc);
  }
  NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
  SmallVector<Value> acc;
  for (int64_t i = 0; i < t.bn / 2; ++i) {
    acc.push_back(LLVM::ExtractValueOp::create(b, loc, loop.getResult(0), ArrayRef<int64_t>{i}));
  }
  Value lane = arith::RemUIOp::create(b, loc, tid, c(32));
  // Warp w of consumer g holds rows 64 g + 16 w .. + 15 of the tile: (tid / 32 - 4) * 16.
  Value warpRow = arith::MulIOp::create(
      b, loc, arith::SubIOp::create(b, loc, arith::DivUIOp::create(b, loc, tid, c(32)), c(4)),
      c(16));
  AccumulatorLayout at{m0,    n0,     warpRow, c(0), lane, batchId, 1, t.bn / 8,
                       p.M % t.bm != 0 || p.N % t.bn != 0};
  emitEpilogue(b, loc, p, outer, acc, at);
}

/// The binding `v` is read from and its loops, if TMA can read it: a view of a kernel
/// argument (a plan binding) of rank <= 5.
std::optional<TmaOperand> tmaOperand(func::FuncOp fn, linalg::LinalgOp op, OpOperand *operand) {
  auto arg = dyn_cast<BlockArgument>(viewRoot(operand->get()));
  auto type = cast<MemRefType>(operand->get().getType());
  if (!arg || arg.getOwner() != &fn.getBody().front() || type.getRank() > 5 ||
      type.getRank() < 1) {
    return std::nullopt;
  }
  TmaOperand o{arg.getArgNumber(), type, {}};
  AffineMap map = op.getMatchingIndexingMap(operand);
  for (unsigned i = 0; i < map.getNumResults(); ++i) {
    o.loops.push_back(map.getDimPosition(i));
  }
  return o;
}

/// The plan record of operand `o`'s tensor map: the tile's box along each dim.
SmallVector<int64_t> tensorMapRecord(const Problem &p, const WgTiles &t, const TmaOperand &o) {
  SmallVector<int64_t> box;
  for (int64_t loop : o.loops) {
    box.push_back(loop == p.dimK   ? kBK
                  : loop == p.dimM ? t.bm
                  : loop == p.dimN ? (p.bKContiguous ? t.bn : 64)
                                   : 1);
  }
  return hopper::tensorMapRecord(o.binding, o.type, p.elem, box);
}

} // namespace

FailureOr<Launch> mapWgmma(func::FuncOp fn, Problem &p, const CreateKernelFn &createKernel,
                           SmallVectorImpl<SmallVector<int64_t>> &tensorMaps,
                           std::string &why) {
  if (p.elem.isF32()) {
    // wgmma's tf32 form takes B K-major only: tf32 products run on mma.sync.
    why = "tf32 products run on the mma.sync kernel";
    return failure();
  }
  if (!p.outerBatchDims.empty()) {
    why = "its batch is several loops (TMA coordinates take one)";
    return failure();
  }
  std::optional<TmaOperand> a = tmaOperand(fn, p.op, p.op.getDpsInputOperand(0));
  std::optional<TmaOperand> bOp = tmaOperand(fn, p.op, p.op.getDpsInputOperand(1));
  if (!a || !bOp) {
    why = "an operand is not a buffer of the plan of rank 1 to 5 (TMA reads bindings)";
    return failure();
  }
  if (!matchPattern(p.init, m_AnyZeroFloat())) {
    why = "its accumulator does not start from zero";
    return failure();
  }
  int64_t kTiles = (p.K + kBK - 1) / kBK;
  auto blocks = [&](const WgTiles &t) {
    return ((p.M + t.bm - 1) / t.bm) * ((p.N + t.bn - 1) / t.bn) * p.batch;
  };
  // The widest tile that still gives every SM a block; 64 x 128 for small products.
  WgTiles t{64, 128, 6};
  for (WgTiles cand : {WgTiles{128, 256, 4}, WgTiles{128, 128, 6}}) {
    if (blocks(cand) >= kSMs) {
      t = cand;
      break;
    }
  }
  // KILN_CUDA_GEMM_TILE=bm,bn,bk,stages[,wm,wn] overrides it (bench/gpu.py tunes with it);
  // for this kernel bk is 64 and bm 64 or 128 (one consumer warpgroup per 64 rows).
  if (const char *env = std::getenv("KILN_CUDA_GEMM_TILE"); env && *env) {
    long bm = 0, bn = 0, bk = 0, stages = 0;
    if (std::sscanf(env, "%ld,%ld,%ld,%ld", &bm, &bn, &bk, &stages) != 4 || bk != kBK ||
        (bm != 64 && bm != 128) || bn < 64 || bn > 256 || bn % 64 != 0 || stages < 1) {
      why = std::string("KILN_CUDA_GEMM_TILE='") + env +
            "' is not bm,bn,64,stages with bm 64 or 128 and bn a multiple of 64 up to 256";
      return failure();
    }
    t = WgTiles{bm, bn, stages};
  }
  t.stages = std::max<int64_t>(1, std::min(t.stages, kTiles));
  if (t.smemBytes() > maxSharedBytes("sm_90a")) {
    why = "its tiles need " + std::to_string(t.smemBytes()) + " bytes of shared memory";
    return failure();
  }
  int64_t gx = (p.N + t.bn - 1) / t.bn, gy = (p.M + t.bm - 1) / t.bm;
  if (gx * gy > 0x7FFFFFFF || p.batch > 65535) {
    why = "its grid is larger than CUDA allows";
    return failure();
  }

  tensorMaps.push_back(tensorMapRecord(p, t, *a));
  tensorMaps.push_back(tensorMapRecord(p, t, *bOp));
  MLIRContext *ctx = fn.getContext();
  OpBuilder b(ctx);
  IRMapping outer;
  // Each tensor map arrives as a pointer to its 128-byte CUtensorMap in global memory.
  auto mapType = MemRefType::get({16}, b.getI64Type());
  gpu::GPUFuncOp gfn = createKernel(b, t.threads(), {mapType, mapType}, outer);
  // setmaxnreg needs a register budget fixed at entry: one block per SM, like
  // __launch_bounds__(threads, 1).
  gfn->setAttr("nvvm.minctasm", b.getI32IntegerAttr(1));
  Location loc = fn.getLoc();

  Value smem = hopper::alignedSharedMemory(b, loc, gfn);
  unsigned first = gfn.getNumArguments() - 2;
  TmaOperand operands[2] = {*a, *bOp};
  WgmmaEmitter(b, loc, p, t, outer, operands, gfn.getArguments().drop_front(first)).emit(smem);
  gpu::ReturnOp::create(b, loc);
  fn.erase();
  return Launch{gx * gy, 1, p.batch, t.threads(), 1, 1, t.smemBytes()};
}

} // namespace kiln::cuda
