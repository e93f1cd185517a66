//===- DataMovementKernels.cpp - constant, reshape, transpose, slice, ... --===//
//
// Evaluators of the ops that move elements without computing on them: constant,
// reshape, transpose, broadcast_to, concat, slice, gather, pad and split. Most are one
// strided copy (copyStrided); gather and reflect / edge padding map indices explicitly.
// Operand shapes are the runtime tensors' shapes and result shapes come from the op's
// result types; every kernel checks that the two agree before it reads, so a malformed
// op or a wrongly shaped argument gives a diagnostic instead of an out-of-bounds read.
//
//===----------------------------------------------------------------------------===//
#include "lib/interp/Kernels.h"

#include "dialects/kiln/KilnOps.h"
#include "dialects/kiln/KilnShapes.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;

namespace kiln::interp {

namespace {

RankedTensorType resultType(Operation *op, unsigned i = 0) {
  return cast<RankedTensorType>(op->getResult(i).getType());
}

/// Calls `f(src, dst)` with the storage vectors of `in` and `out`, which share an
/// element kind (checked by checkSameElementType).
template <typename F>
void withStorage(const Tensor &in, Tensor &out, F &&f) {
  if (in.isFloat()) {
    f(in.floats(), out.floats());
  } else {
    f(in.ints(), out.ints());
  }
}

/// For every index `i` of `shape`:
///   dst[dstBase + sum_d i_d * dstStrides[d]] = src[srcBase + sum_d i_d * srcStrides[d]].
/// Strides may be 0 (broadcast) or negative (reversed slices).
template <typename T>
void copyStrided(const std::vector<T> &src, int64_t srcBase, ArrayRef<int64_t> srcStrides,
                 std::vector<T> &dst, int64_t dstBase, ArrayRef<int64_t> dstStrides,
                 ArrayRef<int64_t> shape) {
  int64_t rank = static_cast<int64_t>(shape.size());
  if (rank == 0) {
    dst[dstBase] = src[srcBase];
    return;
  }
  if (llvm::is_contained(shape, 0)) {
    return;
  }
  SmallVector<int64_t> index(rank - 1, 0);
  int64_t inner = shape.back(), srcInner = srcStrides.back(), dstInner = dstStrides.back();
  int64_t s = srcBase, t = dstBase;
  while (true) {
    for (int64_t j = 0; j < inner; ++j) {
      dst[t + j * dstInner] = src[s + j * srcInner];
    }
    int64_t d = rank - 2;
    for (; d >= 0; --d) {
      s += srcStrides[d];
      t += dstStrides[d];
      if (++index[d] < shape[d]) {
        break;
      }
      s -= srcStrides[d] * shape[d];
      t -= dstStrides[d] * shape[d];
      index[d] = 0;
    }
    if (d < 0) {
      return;
    }
  }
}

/// The interpreter keeps floats and integers in different vectors, so an operand whose
/// element type differs from the result's (a wrongly typed argument) must not be copied.
LogicalResult checkSameElementType(Operation *op, const Tensor &in, RankedTensorType type) {
  if (in.getElementType() != type.getElementType()) {
    return op->emitError("interpreter: operand has element type ")
           << in.getElementType() << " but the result has " << type.getElementType();
  }
  return success();
}

LogicalResult shapeMismatch(Operation *op, ArrayRef<int64_t> expected, RankedTensorType type) {
  return op->emitError("interpreter: operand shapes give a result of shape ")
         << formatShape(expected) << " but the result type is " << type;
}

//===----------------------------------------------------------------------------===//
// Per-op evaluators
//===----------------------------------------------------------------------------===//

LogicalResult evalConstant(ConstantOp op, SmallVectorImpl<Tensor> &results) {
  FailureOr<Tensor> t = tensorFromAttr(op.getValue(), resultType(op));
  if (failed(t)) {
    return op.emitError("interpreter: cannot read the constant's value as ")
           << resultType(op)
           << " (unsupported attribute kind, a missing or short resource blob, or a "
              "dynamic shape)";
  }
  results.push_back(std::move(*t));
  return success();
}

LogicalResult evalReshape(Operation *op, const Tensor &in, SmallVectorImpl<Tensor> &results) {
  RankedTensorType type = resultType(op);
  if (failed(checkSameElementType(op, in, type))) {
    return failure();
  }
  Tensor out(type.getElementType(), type.getShape());
  if (out.getNumElements() != in.getNumElements()) {
    return op->emitError("interpreter: cannot reshape ")
           << in.getNumElements() << " elements (shape " << formatShape(in.getShape())
           << ") to " << type;
  }
  // Row-major order is unchanged: the data is copied as is.
  out.floats() = in.floats();
  out.ints() = in.ints();
  results.push_back(std::move(out));
  return success();
}

LogicalResult evalTranspose(TransposeOp op, const Tensor &in,
                            SmallVectorImpl<Tensor> &results) {
  RankedTensorType type = resultType(op);
  if (failed(checkSameElementType(op, in, type))) {
    return failure();
  }
  ArrayRef<int64_t> perm = op.getPermutation();
  if (static_cast<int64_t>(perm.size()) != in.getRank()) {
    return op.emitError("interpreter: permutation ")
           << formatList(perm) << " does not match the operand's rank " << in.getRank();
  }
  // Output dim i walks input dim perm[i].
  SmallVector<int64_t> inStrides = getStrides(in.getShape()), srcStrides, shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= in.getRank()) {
      return op.emitError("interpreter: permutation ") << formatList(perm) << " is invalid";
    }
    srcStrides.push_back(inStrides[p]);
    shape.push_back(in.getShape()[p]);
  }
  if (ArrayRef<int64_t>(shape) != type.getShape()) {
    return shapeMismatch(op, shape, type);
  }
  Tensor out(type.getElementType(), type.getShape());
  SmallVector<int64_t> outStrides = getStrides(type.getShape());
  withStorage(in, out, [&](const auto &src, auto &dst) {
    copyStrided(src, 0, srcStrides, dst, 0, outStrides, shape);
  });
  results.push_back(std::move(out));
  return success();
}

LogicalResult evalBroadcastTo(Operation *op, const Tensor &in,
                              SmallVectorImpl<Tensor> &results) {
  RankedTensorType type = resultType(op);
  if (failed(checkSameElementType(op, in, type))) {
    return failure();
  }
  ArrayRef<int64_t> from = in.getShape(), to = type.getShape();
  bool ok = from.size() <= to.size();
  for (size_t d = 0; ok && d < from.size(); ++d) {
    int64_t target = to[d + to.size() - from.size()];
    ok = from[d] == 1 || from[d] == target;
  }
  if (!ok) {
    return op->emitError("interpreter: operand of shape ")
           << formatShape(from) << " does not broadcast to " << type;
  }
  Tensor out(type.getElementType(), to);
  SmallVector<int64_t> srcStrides = getBroadcastStrides(from, to);
  SmallVector<int64_t> outStrides = getStrides(to);
  withStorage(in, out, [&](const auto &src, auto &dst) {
    copyStrided(src, 0, srcStrides, dst, 0, outStrides, to);
  });
  results.push_back(std::move(out));
  return success();
}

LogicalResult evalConcat(ConcatOp op, ArrayRef<Tensor> inputs,
                         SmallVectorImpl<Tensor> &results) {
  RankedTensorType type = resultType(op);
  int64_t axis = static_cast<int64_t>(op.getAxis());
  ArrayRef<int64_t> outShape = type.getShape();
  if (axis < 0 || axis >= type.getRank()) {
    return op.emitError("interpreter: axis ") << axis << " is out of range for " << type;
  }
  int64_t total = 0;
  for (const Tensor &in : inputs) {
    if (failed(checkSameElementType(op, in, type))) {
      return failure();
    }
    bool ok = in.getRank() == type.getRank();
    for (int64_t d = 0; ok && d < in.getRank(); ++d) {
      ok = d == axis || in.getShape()[d] == outShape[d];
    }
    if (!ok) {
      return op.emitError("interpreter: input of shape ")
             << formatShape(in.getShape()) << " cannot be concatenated along axis " << axis
             << " into " << type;
    }
    total += in.getShape()[axis];
  }
  if (total != outShape[axis]) {
    return op.emitError("interpreter: inputs add up to ")
           << total << " along axis " << axis << " but the result type is " << type;
  }
  Tensor out(type.getElementType(), outShape);
  SmallVector<int64_t> outStrides = getStrides(outShape);
  int64_t offset = 0;
  for (const Tensor &in : inputs) {
    SmallVector<int64_t> inStrides = getStrides(in.getShape());
    withStorage(in, out, [&](const auto &src, auto &dst) {
      copyStrided(src, 0, inStrides, dst, offset * outStrides[axis], outStrides,
                  in.getShape());
    });
    offset += in.getShape()[axis];
  }
  results.push_back(std::move(out));
  return success();
}

LogicalResult evalSlice(SliceOp op, const Tensor &in, SmallVectorImpl<Tensor> &results) {
  RankedTensorType type = resultType(op);
  if (failed(checkSameElementType(op, in, type))) {
    return failure();
  }
  ArrayRef<int64_t> starts = op.getStarts(), ends = op.getEnds(), steps = op.getSteps();
  int64_t rank = in.getRank();
  if (static_cast<int64_t>(starts.size()) != rank || static_cast<int64_t>(ends.size()) != rank ||
      static_cast<int64_t>(steps.size()) != rank || type.getRank() != rank) {
    return op.emitError("interpreter: starts, ends and steps need one value per dim of the "
                        "rank-")
           << rank << " operand";
  }
  SmallVector<int64_t> inStrides = getStrides(in.getShape()), srcStrides(rank);
  int64_t base = 0;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t dim = in.getShape()[d], start = starts[d], end = ends[d], step = steps[d];
    int64_t count = type.getDimSize(d);
    bool ok = step != 0;
    if (ok) {
      // The normalized ranges of the op's description; count = ceil((end - start) / step).
      int64_t span = step > 0 ? end - start : start - end;
      int64_t absStep = step > 0 ? step : -step;
      ok = (step > 0 ? 0 <= start && start <= end && end <= dim
                     : -1 <= end && end <= start && start < dim) &&
           count == (span + absStep - 1) / absStep;
    }
    if (!ok) {
      return op.emitError("interpreter: dim ")
             << d << " range start " << start << ", end " << end << ", step " << step
             << " is not a normalized range of a dim of size " << dim << " giving "
             << count << " elements";
    }
    if (count > 0) {
      base += start * inStrides[d];
    }
    srcStrides[d] = step * inStrides[d];
  }
  Tensor out(type.getElementType(), type.getShape());
  SmallVector<int64_t> outStrides = getStrides(type.getShape());
  withStorage(in, out, [&](const auto &src, auto &dst) {
    copyStrided(src, base, srcStrides, dst, 0, outStrides, type.getShape());
  });
  results.push_back(std::move(out));
  return success();
}

LogicalResult evalGather(GatherOp op, const Tensor &data, const Tensor &indices,
                         SmallVectorImpl<Tensor> &results) {
  RankedTensorType type = resultType(op);
  if (failed(checkSameElementType(op, data, type))) {
    return failure();
  }
  if (indices.isFloat()) {
    return op.emitError("interpreter: indices must be integers, got ")
           << indices.getElementType();
  }
  int64_t axis = static_cast<int64_t>(op.getAxis());
  if (axis < 0 || axis >= data.getRank()) {
    return op.emitError("interpreter: axis ")
           << axis << " is out of range for a rank-" << data.getRank() << " operand";
  }
  ArrayRef<int64_t> dataShape = data.getShape();
  SmallVector<int64_t> shape(dataShape.take_front(axis));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, dataShape.drop_front(axis + 1));
  if (ArrayRef<int64_t>(shape) != type.getShape()) {
    return shapeMismatch(op, shape, type);
  }
  // out[o, j, i] = data[o, indices[j], i] with o over data.shape[:axis] and i over
  // data.shape[axis+1:].
  int64_t dim = dataShape[axis];
  int64_t outer = 1, inner = 1;
  for (int64_t d : dataShape.take_front(axis)) {
    outer *= d;
  }
  for (int64_t d : dataShape.drop_front(axis + 1)) {
    inner *= d;
  }
  const std::vector<int64_t> &ids = indices.ints();
  std::vector<int64_t> rows(ids.size());
  for (auto [j, id] : llvm::enumerate(ids)) {
    if (id < -dim || id >= dim) {
      return op.emitError("interpreter: gather index ")
             << id << " (at flat position " << j << " of the indices) is out of range for "
             << "axis " << axis << " of size " << dim << "; valid indices are " << -dim
             << " to " << dim - 1;
    }
    rows[j] = id < 0 ? id + dim : id;
  }
  Tensor out(type.getElementType(), type.getShape());
  int64_t numIds = static_cast<int64_t>(rows.size());
  withStorage(data, out, [&](const auto &src, auto &dst) {
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t j = 0; j < numIds; ++j) {
        auto from = src.begin() + (o * dim + rows[j]) * inner;
        std::copy(from, from + inner, dst.begin() + (o * numIds + j) * inner);
      }
    }
  });
  results.push_back(std::move(out));
  return success();
}

/// Source index along a dim of size `dim` for padded position `i` (may be outside
/// [0, dim)): numpy 'reflect' (mirror about the edge element, which is not repeated;
/// periodic with period 2 (dim - 1) for pads wider than the dim) or 'edge' (clamp).
int64_t padSourceIndex(int64_t i, int64_t dim, PadMode mode) {
  if (i >= 0 && i < dim) {
    return i;
  }
  if (mode == PadMode::edge || dim == 1) {
    return i < 0 ? 0 : dim - 1;
  }
  int64_t period = 2 * (dim - 1);
  int64_t m = ((i % period) + period) % period;
  return m < dim ? m : period - m;
}

LogicalResult evalPad(PadOp op, const Tensor &in, SmallVectorImpl<Tensor> &results) {
  RankedTensorType type = resultType(op);
  if (failed(checkSameElementType(op, in, type))) {
    return failure();
  }
  ArrayRef<int64_t> pads = op.getPads();
  int64_t rank = in.getRank();
  PadMode mode = op.getMode();
  if (static_cast<int64_t>(pads.size()) != 2 * rank ||
      llvm::any_of(pads, [](int64_t p) { return p < 0; })) {
    return op.emitError("interpreter: pads ")
           << formatList(pads) << " must hold 2 * " << rank << " values >= 0";
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t dim = in.getShape()[d];
    if (mode != PadMode::constant && dim == 0 && pads[d] + pads[d + rank] > 0) {
      return op.emitError("interpreter: ")
             << stringifyPadMode(mode) << " padding of dim " << d << " needs a non-empty dim";
    }
    shape.push_back(dim + pads[d] + pads[d + rank]);
  }
  if (ArrayRef<int64_t>(shape) != type.getShape()) {
    return shapeMismatch(op, shape, type);
  }
  Tensor out(type.getElementType(), shape);
  SmallVector<int64_t> inStrides = getStrides(in.getShape());
  SmallVector<int64_t> outStrides = getStrides(shape);
  if (mode == PadMode::constant) {
    // The pad value is converted like any stored double: rounded to a float type, or
    // truncated and wrapped to an integer (for quantized types: the storage value).
    if (out.getNumElements() > 0) {
      out.setDouble(0, op.getValue().convertToDouble());
      if (out.isFloat()) {
        std::fill(out.floats().begin(), out.floats().end(), out.floats()[0]);
      } else {
        std::fill(out.ints().begin(), out.ints().end(), out.ints()[0]);
      }
    }
    int64_t base = 0;
    for (int64_t d = 0; d < rank; ++d) {
      base += pads[d] * outStrides[d];
    }
    withStorage(in, out, [&](const auto &src, auto &dst) {
      copyStrided(src, 0, inStrides, dst, base, outStrides, in.getShape());
    });
    results.push_back(std::move(out));
    return success();
  }
  // reflect / edge: each output dim maps its positions to input offsets independently.
  SmallVector<std::vector<int64_t>> offsets(rank);
  for (int64_t d = 0; d < rank; ++d) {
    for (int64_t i = 0; i < shape[d]; ++i) {
      offsets[d].push_back(padSourceIndex(i - pads[d], in.getShape()[d], mode) *
                           inStrides[d]);
    }
  }
  int64_t n = out.getNumElements();
  SmallVector<int64_t> index(rank, 0);
  withStorage(in, out, [&](const auto &src, auto &dst) {
    for (int64_t flat = 0; flat < n; ++flat) {
      int64_t s = 0;
      for (int64_t d = 0; d < rank; ++d) {
        s += offsets[d][index[d]];
      }
      dst[flat] = src[s];
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++index[d] < shape[d]) {
          break;
        }
        index[d] = 0;
      }
    }
  });
  results.push_back(std::move(out));
  return success();
}

LogicalResult evalSplit(SplitOp op, const Tensor &in, SmallVectorImpl<Tensor> &results) {
  int64_t axis = static_cast<int64_t>(op.getAxis());
  if (axis < 0 || axis >= in.getRank()) {
    return op.emitError("interpreter: axis ")
           << axis << " is out of range for a rank-" << in.getRank() << " operand";
  }
  SmallVector<int64_t> inStrides = getStrides(in.getShape());
  int64_t offset = 0;
  for (unsigned r = 0; r < op->getNumResults(); ++r) {
    RankedTensorType type = resultType(op, r);
    if (failed(checkSameElementType(op, in, type))) {
      return failure();
    }
    bool ok = type.getRank() == in.getRank();
    for (int64_t d = 0; ok && d < in.getRank(); ++d) {
      ok = d == axis || type.getDimSize(d) == in.getShape()[d];
    }
    if (!ok || offset + type.getDimSize(axis) > in.getShape()[axis]) {
      return op.emitError("interpreter: result ")
             << r << " of type " << type << " does not fit the operand of shape "
             << formatShape(in.getShape()) << " at offset " << offset << " along axis "
             << axis;
    }
    Tensor out(type.getElementType(), type.getShape());
    SmallVector<int64_t> outStrides = getStrides(type.getShape());
    withStorage(in, out, [&](const auto &src, auto &dst) {
      copyStrided(src, offset * inStrides[axis], inStrides, dst, 0, outStrides,
                  type.getShape());
    });
    results.push_back(std::move(out));
    offset += type.getDimSize(axis);
  }
  if (offset != in.getShape()[axis]) {
    return op.emitError("interpreter: results cover ")
           << offset << " of the " << in.getShape()[axis] << " elements along axis " << axis;
  }
  return success();
}

} // namespace

FamilyResult evalDataMovement(Operation *op, ArrayRef<Tensor> operands,
                              SmallVectorImpl<Tensor> &results) {
  if (auto c = dyn_cast<ConstantOp>(op)) {
    return evalConstant(c, results);
  }
  if (isa<ReshapeOp>(op)) {
    return evalReshape(op, operands[0], results);
  }
  if (auto t = dyn_cast<TransposeOp>(op)) {
    return evalTranspose(t, operands[0], results);
  }
  if (isa<BroadcastToOp>(op)) {
    return evalBroadcastTo(op, operands[0], results);
  }
  if (auto c = dyn_cast<ConcatOp>(op)) {
    return evalConcat(c, operands, results);
  }
  if (auto s = dyn_cast<SliceOp>(op)) {
    return evalSlice(s, operands[0], results);
  }
  if (auto g = dyn_cast<GatherOp>(op)) {
    return evalGather(g, operands[0], operands[1], results);
  }
  if (auto p = dyn_cast<PadOp>(op)) {
    return evalPad(p, operands[0], results);
  }
  if (auto s = dyn_cast<SplitOp>(op)) {
    return evalSplit(s, operands[0], results);
  }
  return std::nullopt;
}

} // namespace kiln::interp
