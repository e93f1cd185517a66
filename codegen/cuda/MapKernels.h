//===- MapKernels.h - pieces shared by the CUDA kernel mappings --------------===//
//
// kiln-cuda-map-kernels (MapKernels.cpp) maps loop and row kernels itself and hands
// contraction kernels (matmul + epilogue) to MapContraction.cpp.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_CUDA_MAPKERNELS_H
#define KILN_CODEGEN_CUDA_MAPKERNELS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/IRMapping.h"

#include <array>
#include <functional>
#include <string>

namespace kiln::cuda {

/// Launch dimensions: grid x/y/z, block x/y/z, dynamic shared memory bytes.
using Launch = std::array<int64_t, 7>;

/// Ops a kernel body holds besides its computation: constants, views, globals,
/// allocations. Kernel mappings clone or skip them.
bool isKernelScaffolding(mlir::Operation &op);

/// Both operands of contraction `op` are f16 or both bf16 (or both f32 with `tf32`): a
/// tensor-core kernel takes it.
bool hasTensorCoreOperands(mlir::linalg::LinalgOp op, bool tf32);

/// Every loop of `g` is parallel.
bool isAllParallel(mlir::linalg::GenericOp g);

/// The memref a chain of views starts from.
mlir::Value viewRoot(mlir::Value v);

/// The indices of an operand with indexing map `map` at the loop coordinates `at`.
llvm::SmallVector<mlir::Value> indicesAt(mlir::OpBuilder &b, mlir::Location loc,
                                         mlir::AffineMap map, mlir::ArrayRef<mlir::Value> at);

/// The row-major coordinates of `linear` over `extents` (the last fastest): remainders and
/// quotients, the first coordinate taking what is left (no bound check).
llvm::SmallVector<mlir::Value> delinearize(mlir::OpBuilder &b, mlir::Location loc,
                                           mlir::Value linear,
                                           llvm::ArrayRef<int64_t> extents);

/// Creates the gpu.func of a kernel with `block` threads, its arguments, constants and
/// views mapped in the IRMapping; the builder is left at the end of its entry block.
/// `extraArgs` are appended after the kernel's own arguments (the tensor maps of a TMA
/// kernel, docs/artifact.md).
using CreateKernelFn = std::function<mlir::gpu::GPUFuncOp(mlir::OpBuilder &, int64_t,
                                                          mlir::TypeRange, mlir::IRMapping &)>;

/// The contraction of `fn` (a linalg contraction, after a fill of its accumulator), if
/// the kernel has one.
mlir::linalg::LinalgOp findContraction(mlir::func::FuncOp fn);

/// Maps a contraction kernel (fill, one contraction, all-parallel epilogue ops) to a
/// tensor-core kernel whose tiles fit the shared memory of `arch`: TMA + wgmma on sm_90a
/// where the operands allow it, else ldmatrix + mma.sync (sm_80 and later); f32 operands
/// with `tf32` run on mma.sync in tf32. Errors name
/// the kernel by `who`. `tensorMaps` receives the TMA descriptors the kernel takes after
/// its bindings, each `[binding, byte offset, kilnDType, swizzle bytes, rank,
/// dims[rank] (innermost first), byte strides[rank - 1], box[rank]]`.
mlir::FailureOr<Launch>
mapContraction(mlir::func::FuncOp fn, const std::string &who, llvm::StringRef arch, bool tf32,
               const CreateKernelFn &createKernel,
               llvm::SmallVectorImpl<llvm::SmallVector<int64_t>> &tensorMaps);

/// A kernel temporary holding a padded copy of another buffer (tensor.pad after
/// bufferization): the allocation is filled with `value`, then `source` is copied into
/// its subview at `offsets` (unit strides), and the kernel only reads it otherwise.
/// Kernels read it virtually (readPadded): nothing is allocated or copied.
struct PaddedBuffer {
  mlir::Value alloc, source, value;
  llvm::SmallVector<int64_t> offsets;
  llvm::SmallVector<mlir::Operation *> ops; // the fill and the copy
};

/// The padded buffers of kernel `fn` (fills and copies as linalg.generic).
llvm::SmallVector<PaddedBuffer> findPaddedBuffers(mlir::func::FuncOp fn);

/// Element `indices` of padded buffer `pb`: the source's element at the shifted
/// position, or the padding value outside the source. `readSource` reads the source at
/// the clamped indices where it is given (the source is computed, not loaded).
mlir::Value readPadded(mlir::OpBuilder &b, mlir::Location loc, const PaddedBuffer &pb,
                       mlir::IRMapping &outer, mlir::ValueRange indices,
                       llvm::function_ref<mlir::Value(mlir::ValueRange)> readSource = {});

/// The all-parallel op of `fn` that computes `input`, the buffer a reduction (a
/// convolution) reads, directly or through a padded buffer's copy (`reader`: that copy or
/// the reduction), if the kernel need not store it: the elementwise prologue kiln-fuse
/// gives a convolution (conv-input-prologues), which the reduction computes from the
/// producer's inputs where it reads it. The producer is the last write of `input` before
/// `reader`, writes all of it (identity map, old values unread) and nothing else; nothing
/// else reads `input` between them, and after `reader` the buffer is overwritten whole
/// before anything reads it, or never read again when it is a temporary (bufferization
/// lets the temporary share the kernel's output buffer or the accumulator's).
mlir::linalg::GenericOp findInputProducer(mlir::func::FuncOp fn, mlir::Value input,
                                          mlir::Operation *reader);

/// Whether an op of `fn` other than `except` writes `buffer` (or another view of it).
bool writtenByKernel(mlir::func::FuncOp fn, mlir::Value buffer,
                     llvm::ArrayRef<mlir::Operation *> except = {});

/// Maps a kernel of one reduction over small windows (pooling, depthwise and grouped
/// convolution, global pooling, a product without a tensor-core form) with all-parallel
/// ops before and after it: one thread per output element (MapWindow.cpp).
mlir::FailureOr<Launch> mapWindow(mlir::func::FuncOp fn, const std::string &who,
                                  const CreateKernelFn &createKernel);

/// The dense 2-D convolution (linalg.conv_2d_nchw_fchw on f16 / bf16, or f32 with
/// `tf32`, with an f32 accumulator) of `fn`, if it has one.
mlir::linalg::LinalgOp findConvolution(mlir::func::FuncOp fn, bool tf32);

/// Maps a dense convolution kernel (its input padded virtually, a start value per
/// element such as a broadcast bias, all-parallel epilogue ops) to the mma.sync kernel
/// as an implicit GEMM: the weight is A, the input is gathered as B. Errors name the
/// kernel by `who`.
mlir::FailureOr<Launch> mapConvolution(mlir::func::FuncOp fn, const std::string &who,
                                       llvm::StringRef arch, bool tf32,
                                       const CreateKernelFn &createKernel);

/// The function attribute kiln-cuda-describe-attention records on attention kernels: what
/// the flash-attention kernel reads (argument numbers, permutations, scales, precision).
inline constexpr llvm::StringLiteral kAttentionDescAttr = "kiln.cuda.attention";

/// Maps an attention kernel (described by kAttentionDescAttr) to one flash-attention
/// kernel: on sm_90a TMA + wgmma where Q, K and V allow it (`tensorMaps` then receives
/// its tensor maps, as mapContraction's), else mma.sync (sm_80 and later). Errors name
/// the kernel by `who`.
mlir::FailureOr<Launch>
mapAttention(mlir::func::FuncOp fn, const std::string &who, llvm::StringRef arch,
             const CreateKernelFn &createKernel,
             llvm::SmallVectorImpl<llvm::SmallVector<int64_t>> &tensorMaps);

} // namespace kiln::cuda

#endif
