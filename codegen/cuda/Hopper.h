//===- Hopper.h - sm_90a building blocks: TMA, mbarriers, wgmma ------------===//
//
// What the two sm_90a kernels share: the TMA + wgmma GEMM (MapWgmma.cpp) and the wgmma
// flash attention (MapAttention.cpp). Every TMA box and wgmma operand they use is made of
// 128-byte rows under the 128-byte swizzle (64 16-bit elements a row); its base is
// 1024-byte aligned (the swizzle's period), in the dynamic shared memory that
// alignedSharedMemory declares.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_CUDA_HOPPER_H
#define KILN_CODEGEN_CUDA_HOPPER_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include <optional>
#include <string>

namespace kiln::cuda::hopper {

constexpr int64_t kRowBytes = 128;   // a swizzled row: 64 16-bit elements
constexpr int64_t kAtomBytes = 1024; // 8 swizzled rows: the pattern's period
constexpr int64_t kWarpgroup = 128;
constexpr int32_t kWaitTicks = 0x989680; // mbarrier.try_wait suspend-time hint, ns

/// The kernel's dynamic shared memory as a pointer in address space 3, 1024-byte aligned:
/// the external shared array `kiln_smem_1024`, declared in the kernel's GPU module once.
mlir::Value alignedSharedMemory(mlir::OpBuilder &b, mlir::Location loc, mlir::gpu::GPUFuncOp kernel);

/// Ring position of round `index` (an index) over `stages` stages: {stage, phase parity},
/// both i32.
std::pair<mlir::Value, mlir::Value> stageAndPhase(mlir::OpBuilder &b, mlir::Location loc,
                                                  mlir::Value index, int64_t stages);

/// Waits until the phase of parity `parity` (i32) of mbarrier `barrier` has completed.
void waitParity(mlir::OpBuilder &b, mlir::Location loc, mlir::Value barrier, mlir::Value parity);

/// Arrives on mbarrier `barrier` and announces `bytes` of TMA copies completing on it.
void arriveExpectBytes(mlir::OpBuilder &b, mlir::Location loc, mlir::Value barrier, int64_t bytes);

/// The producer's step into ring stage `stage` at `phase`: waits until the consumers have
/// released it (`empty`; a fresh barrier counts its nonexistent previous phase as
/// complete, so the first round passes at once), then arms `full` for `bytes`.
void acquireStage(mlir::OpBuilder &b, mlir::Location loc, mlir::Value empty, mlir::Value full,
                  mlir::Value phase, int64_t bytes);

/// A wgmma matrix descriptor for the 128-byte-swizzled operand at shared address `addr`
/// (i32): start address, leading and stride byte offsets (>> 4 each), swizzle mode 1
/// (128 bytes) in bits 62-63.
mlir::Value matrixDescriptor(mlir::OpBuilder &b, mlir::Location loc, mlir::Value addr,
                             int64_t lbo, int64_t sbo);

/// The tensor map kernel argument `map` (a pointer to its CUtensorMap in global memory,
/// as memref<16xi64>) as a generic pointer, acquired for the tensormap proxy (the runtime
/// wrote it through the generic one).
mlir::Value acquireTensorMap(mlir::OpBuilder &b, mlir::Location loc, mlir::Value map);

/// The TMA copy (cp.async.bulk.tensor, tile mode) of the box at `coords` (i32, innermost
/// dim first) of tensor map `desc` into shared `dst` (an address-space-3 pointer),
/// completing its bytes on mbarrier `barrier`.
void tmaLoad(mlir::OpBuilder &b, mlir::Location loc, mlir::Value desc, mlir::Value dst,
             mlir::ValueRange coords, mlir::Value barrier);

/// The plan record (`tensor_maps`) of a tensor map over binding `binding` of memref type
/// `type`, whose elements are `elem` (f16 or bf16), read in boxes of `box` (per memref
/// dim, outermost first) under the 128-byte swizzle.
llvm::SmallVector<int64_t> tensorMapRecord(unsigned binding, mlir::MemRefType type,
                                           mlir::Type elem, llvm::ArrayRef<int64_t> box);

/// Why operand `type` cannot be read by TMA boxes whose inner dim is 64 elements of
/// `elem`, if it cannot: the innermost dim must be contiguous and the others' strides and
/// the offset 16-byte multiples, rank 1 to 5 (cuTensorMapEncodeTiled's rules).
std::optional<std::string> tmaUnreadable(mlir::MemRefType type, mlir::Type elem);

/// wgmma.mma_async m64n<n>k16 with f32 accumulators `acc` (an LLVM struct of n / 2 f32,
/// read where `scaleD` (i32) is nonzero, and written), A from registers (`a`: 4 x i32,
/// each two `elem` values, the m16k16 fragment of mma.sync per warp) and B from shared
/// memory through descriptor `descB`, N-major when `transB`. Inline PTX: MLIR 22's
/// nvvm.wgmma.mma_async takes A from shared memory only. Returns the new accumulators.
mlir::Value wgmmaRegisterA(mlir::OpBuilder &b, mlir::Location loc, mlir::Value acc,
                           mlir::ValueRange a, mlir::Value descB, mlir::Value scaleD, int64_t n,
                           mlir::Type elem, bool transB);

} // namespace kiln::cuda::hopper

#endif
