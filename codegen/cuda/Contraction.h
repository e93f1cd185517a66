//===- Contraction.h - contraction kernels: the problem and its epilogue -----===//
//
// What the two tensor-core kernels share (MapContraction.cpp: ldmatrix + mma.sync on
// sm_80 and later; MapWgmma.cpp: TMA + wgmma on sm_90a): the analysed contraction and
// the epilogue that runs on the accumulator registers.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_CUDA_CONTRACTION_H
#define KILN_CODEGEN_CUDA_CONTRACTION_H

#include "codegen/cuda/MapKernels.h"

#include "llvm/ADT/MapVector.h"

#include <optional>
#include <string>

namespace kiln::cuda {

/// A convolution run as an implicit GEMM (MapConvolution.cpp): C[f][p] = sum_k A[f][k]
/// B[k][p] per image, A the weight [F, C, KH, KW] seen as [F, C*KH*KW], B the input
/// gathered on the fly (B[k][p] = x[c, oh*sh - ph + i*dh, ow*sw - pw + j*dw], 0 in the
/// padding, k = (c, i, j), p = (oh, ow)); the output is [N, F, OH, OW].
struct ConvGeometry {
  mlir::Value input, weight; // the unpadded input [N, C, H, W] and the weight (bindings)
  /// The op computing the input (findInputProducer: the cast of an f32 input to bf16),
  /// evaluated per gathered element from its own inputs; null: `input` is loaded.
  mlir::linalg::GenericOp producer;
  int64_t C = 0, H = 0, W = 0, KH = 0, KW = 0, OH = 0, OW = 0;
  int64_t sh = 1, sw = 1, dh = 1, dw = 1, ph = 0, pw = 0;
  /// 1x1, stride 1, no padding: pixel p of an image is input element p of a channel.
  bool pointwise() const {
    return KH == 1 && KW == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0 && OH == H &&
           OW == W;
  }
  /// The output element (n, f, oh, ow) of GEMM row f = `row`, column p = `col`.
  llvm::SmallVector<mlir::Value> outputAt(mlir::OpBuilder &b, mlir::Location loc,
                                          mlir::Value n, mlir::Value row,
                                          mlir::Value col) const;
};

/// A column range of a kernel temporary copied to an output after the epilogue (the
/// projections of a horizontally fused matmul, kiln-fuse): target[..., n] =
/// temp[..., offset + n] for n below size. The temporary stays in registers; each element
/// is stored to the one target whose columns hold it (storeColumnSlices).
struct ColumnSlice {
  mlir::Value temp, target;
  int64_t offset = 0, size = 0;
};

/// `op` (memref.copy, or the linalg.generic copy normalization makes of it) as a column
/// slice: the copy of a subview of a temporary's last dim (offsets 0 and full sizes
/// elsewhere, unit strides) to a whole binding of identity layout.
std::optional<ColumnSlice> matchColumnSlice(mlir::Operation &op);

/// Why `slices` cannot be stored per element of an epilogue over `space`, if they cannot:
/// each temporary must be written by the epilogue (`written`, checkElementOps) and span
/// `space` with its columns last, and no target may be written otherwise.
std::optional<std::string> checkColumnSlices(llvm::ArrayRef<ColumnSlice> slices,
                                             llvm::ArrayRef<int64_t> space,
                                             const llvm::DenseMap<mlir::Value, mlir::Value> &written);

struct ElementValues;

/// Stores the element at `elementAt` (the last coordinate its column) of each slice's
/// temporary, held in `values`, to the slice's target when the column is in its range.
void storeColumnSlices(mlir::OpBuilder &b, mlir::Location loc,
                       llvm::ArrayRef<ColumnSlice> slices, mlir::IRMapping &outer,
                       const ElementValues &values, llvm::ArrayRef<mlir::Value> elementAt);

/// The contraction's shape and how its operands are laid out.
struct Problem {
  mlir::linalg::LinalgOp op;
  mlir::Value init; // the fill value of the accumulator
  llvm::SmallVector<mlir::linalg::GenericOp> epilogue;
  int64_t dimB = -1, dimM = -1, dimN = -1, dimK = -1; // loop positions
  /// Batch loops outside dimB (an attention's [B, H] products whose epilogue keeps them
  /// apart), outermost first; grid z runs over all of them, dimB fastest.
  llvm::SmallVector<int64_t> outerBatchDims;
  int64_t batch = 1, M = 0, N = 0, K = 0;
  bool bKContiguous = false; // B indexed (.., n, k): its rows are columns of B
  mlir::Type elem;           // f16 or bf16; f32 runs as tf32 (--precision=tf32)
  /// All-parallel ops that write the accumulator's starting value per element before the
  /// product (a broadcast bias); `init` is then null and the product adds to it.
  llvm::SmallVector<mlir::linalg::GenericOp> prologue;
  /// Producers of temporaries the prologue reads (ElementValues::producers).
  llvm::SmallVector<mlir::linalg::GenericOp> producers;
  /// Set for a convolution: A and B come from its geometry, not from `op`'s operands.
  std::optional<ConvGeometry> conv;
  /// Column ranges of an epilogue temporary copied to outputs (matchColumnSlice).
  llvm::SmallVector<ColumnSlice> slices;
};

/// The values buffers hold at one element while all-parallel ops run on it in registers:
/// buffer root -> value, and the view it was last written through.
struct ElementValues {
  llvm::MapVector<mlir::Value, mlir::Value> held; // a MapVector: stores in a stable order
  llvm::DenseMap<mlir::Value, mlir::Value> lastTarget;
  /// Kernel temporaries over another iteration space (a bias converted to f32 before its
  /// broadcast): the op that computes them, evaluated where they are read.
  llvm::DenseMap<mlir::Value, mlir::linalg::GenericOp> producers;
  /// Inputs already loaded at this element (one load for a pair of elements), by the
  /// operand and its indexing map: read instead of loading them again.
  llvm::DenseMap<std::pair<mlir::Value, mlir::AffineMap>, mlir::Value> loaded;
};

/// `g` computes a kernel temporary of its own that ops over another iteration space read
/// (one all-parallel output, the whole allocation, identity map): a producer for
/// ElementValues.
bool isTemporaryProducer(mlir::linalg::GenericOp g);

/// The value producer `g` (isTemporaryProducer, or findInputProducer) computes at its
/// loop coordinates `at`: its inputs loaded there (or computed, for producers in
/// `values`) and its body cloned.
mlir::Value evaluateProducer(mlir::OpBuilder &b, mlir::Location loc, mlir::linalg::GenericOp g,
                             mlir::IRMapping &outer, const ElementValues &values,
                             llvm::ArrayRef<mlir::Value> at);

/// Clones the ops of a linalg op's `body` (not its yield) at the builder, with the block
/// arguments and outer values already in `map` and each linalg.index d as `at[d]`.
void cloneLinalgBody(mlir::OpBuilder &b, mlir::Block &body, mlir::IRMapping &map,
                     llvm::ArrayRef<mlir::Value> at);

/// Runs all-parallel `ops` (their iteration space is the element's: `elementAt`) on one
/// element: inputs held in `values` are used as they are, others are loaded; results go
/// to `values`.
void runElementOps(mlir::OpBuilder &b, mlir::Location loc,
                   llvm::ArrayRef<mlir::linalg::GenericOp> ops, mlir::IRMapping &outer,
                   ElementValues &values, llvm::ArrayRef<mlir::Value> elementAt);

/// Why all-parallel `ops` after a kernel's reduction cannot run per element of `space`
/// (its output), if they cannot: each must run over `space`, and read or write a buffer
/// the kernel wrote (`written`: root -> the view last written through, updated) only at
/// its own element, through that view.
std::optional<std::string> checkElementOps(llvm::ArrayRef<mlir::linalg::GenericOp> ops,
                                           llvm::ArrayRef<int64_t> space,
                                           llvm::DenseMap<mlir::Value, mlir::Value> &written);

/// Stores every value of `values` whose buffer is not a kernel temporary.
void storeElementValues(mlir::OpBuilder &b, mlir::Location loc, mlir::IRMapping &outer,
                        ElementValues &values, llvm::ArrayRef<mlir::Value> elementAt);

/// SMs of the GPU the tile heuristics aim to fill (H100 SXM): a heuristic, not a limit.
inline constexpr int64_t kSMs = 132;

/// Shared memory a block may opt into on `arch` (CUDA programming guide, compute
/// capabilities).
int64_t maxSharedBytes(llvm::StringRef arch);

/// Where a thread's accumulators sit. Both kernels hold them in the m16n8 layout of
/// mma.sync (a wgmma m64nN accumulator is the same layout, warp by warp): element
/// (mi, nj, e) of acc, at index (mi * nt + nj) * 4 + e, is C[row][col] with
///   row = m0 + warpRow + 16 mi + lane / 4 + 8 (e / 2),
///   col = n0 + warpCol + 8 nj + 2 (lane % 4) + e % 2.
struct AccumulatorLayout {
  mlir::Value m0, n0, warpRow, warpCol, lane, batchId;
  int64_t mt = 1, nt = 1;
  /// Rows or columns of the block tile may lie past M or N: guard each element.
  bool guarded = true;
};

/// Sets the batch loops of `at` (loop coordinates of p.op) for grid z index `batchId`.
void setBatchCoords(mlir::OpBuilder &b, mlir::Location loc, const Problem &p,
                    mlir::Value batchId, llvm::MutableArrayRef<mlir::Value> at);

/// Runs the epilogue ops per accumulator element on scalars (buffers they write that are
/// kernel temporaries stay in registers) and stores every other buffer they write.
void emitEpilogue(mlir::OpBuilder &b, mlir::Location loc, Problem &p,
                  mlir::IRMapping &outer, llvm::ArrayRef<mlir::Value> acc,
                  const AccumulatorLayout &at);

/// Operand `v` is contiguous along its innermost index and every row (each outer
/// stride) and its static offset are 16-byte aligned: 16-byte copies of 16-byte chunks
/// of a row are legal.
bool rowsAligned(mlir::Value v, int64_t elemBytes);

/// The four 32-bit registers of an ldmatrix.x4 from shared memory `smem` at `idx`, typed
/// for mma.sync on `elem` (f16 pairs as vector<2xf16>, bf16 pairs as i32, f32 as i32 for
/// tf32).
llvm::SmallVector<mlir::Value> ldmatrixX4(mlir::OpBuilder &b, mlir::Location loc, mlir::Value smem,
                                          mlir::ValueRange idx, bool transpose, mlir::Type elem);

/// Two f32 values as one mma.sync operand register of `elem` (rounded to nearest).
mlir::Value packPair(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lo, mlir::Value hi,
                     mlir::Type elem);

/// One mma.sync.m16n8k16 (row.col, f32 accumulation) on `elem` operands: a (4 registers),
/// bFrag (2), c (4 f32); returns the 4 f32 results.
llvm::SmallVector<mlir::Value> mma16816(mlir::OpBuilder &b, mlir::Location loc, mlir::Type elem,
                                        mlir::ValueRange a, mlir::ValueRange bFrag,
                                        mlir::ValueRange c);

/// One mma.sync.m16n8k8 on tf32 operands (f32 bit patterns as i32: a 4 registers, bFrag
/// 2; the hardware reads their upper 19 bits), c 4 f32; returns the 4 f32 results.
llvm::SmallVector<mlir::Value> mmaTf32(mlir::OpBuilder &b, mlir::Location loc,
                                       mlir::ValueRange a, mlir::ValueRange bFrag,
                                       mlir::ValueRange c);

/// Block-tile coordinates under grouped rasterization: consecutive blocks of the 1-D grid
/// walk `group` M-tiles down before moving along N, so a wave shares A and B tiles in L2.
/// Returns {m0, n0} for the block tile bm x bn.
std::pair<mlir::Value, mlir::Value> rasterize(mlir::OpBuilder &b, mlir::Location loc,
                                              const Problem &p, int64_t bm, int64_t bn);

/// The TMA + wgmma kernel for sm_90a, or failure with `why` set and nothing created when
/// the problem does not suit it (then the caller builds the mma.sync kernel).
/// `tensorMaps` receives the kernel's tensor maps in the plan's `tensor_maps` form.
mlir::FailureOr<Launch>
mapWgmma(mlir::func::FuncOp fn, Problem &p, const CreateKernelFn &createKernel,
         llvm::SmallVectorImpl<llvm::SmallVector<int64_t>> &tensorMaps, std::string &why);

} // namespace kiln::cuda

#endif
