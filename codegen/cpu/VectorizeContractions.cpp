//===- VectorizeContractions.cpp - register-blocked matmul kernels -----------===//
//
// After bufferization, every kernel holding a linalg.matmul / batch_matmul gets the CPU
// matmul schedule measured in ../shared/recipes (cpu-matmul-8x32): cache tiles of at
// most 128 x 256 x 256 (M x N x K, shrunk to divide the matmul so tiles stay static), register tiles of 8 x 32 (two zmm per row on AVX-512,
// four ymm on AVX2), vectorization, alias folding + CSE so that the accumulator
// transfers hoist out of the k loop, contractions lowered to outer products (FMAs) and
// the k loop unrolled by 4. The schedule is a transform-dialect script applied to each
// kernel function; the fill that initializes the output is register-tiled beside it so
// that vectorization never meets a large untiled op (a pitfall the recipe records).
//
//===----------------------------------------------------------------------------===//
#include "codegen/Passes.h"
#include "codegen/common/KernelInfo.h"
#include "codegen/cpu/TileSizes.h"

#include "mlir/Dialect/Transform/IR/TransformOps.h"
#include "mlir/Dialect/Transform/Interfaces/TransformInterfaces.h"
#include "mlir/Dialect/Transform/Transforms/TransformInterpreterUtils.h"
#include "mlir/Parser/Parser.h"

#include <cstring>

#define DEBUG_TYPE "kiln-cpu-vectorize-contractions"

namespace kiln {
#define GEN_PASS_DEF_VECTORIZECONTRACTIONSPASS
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

// %root is the kernel function. Steps as in the recipe; the k-loop unroll is optional
// (a partial tile that did not vectorize has no vector.fma to find).
constexpr llvm::StringLiteral kSchedule = R"mlir(
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op) {
    %fills = transform.structured.match ops{["linalg.fill", "linalg.broadcast", "linalg.generic"]} in %root
        : (!transform.any_op) -> !transform.any_op
    transform.foreach %fills : !transform.any_op {
    ^bb0(%fill: !transform.any_op):
      transform.sequence %fill : !transform.any_op failures(suppress) {
      ^bb1(%f: !transform.any_op):
        %tf, %lf:2 = transform.structured.tile_using_for %f tile_sizes [8, 32]
          : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
      }
    }
    %mms = transform.structured.match ops{["linalg.matmul"]} in %root
        : (!transform.any_op) -> !transform.any_op
    transform.foreach %mms : !transform.any_op {
    ^bb0(%mm: !transform.any_op):
      %t1, %l1:3 = transform.structured.tile_using_for %mm tile_sizes [@TM@, @TN@, @TK@]
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
      %t2, %l2:3 = transform.structured.tile_using_for %t1 tile_sizes [@RM@, @RN@, 1]
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    }
    %bmms = transform.structured.match ops{["linalg.batch_matmul"]} in %root
        : (!transform.any_op) -> !transform.any_op
    transform.foreach %bmms : !transform.any_op {
    ^bb0(%mm: !transform.any_op):
      %t1, %l1:4 = transform.structured.tile_using_for %mm tile_sizes [1, @TM@, @TN@, @TK@]
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
      %t2, %l2:4 = transform.structured.tile_using_for %t1 tile_sizes [1, @RM@, @RN@, 1]
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    }
    %fv = transform.structured.vectorize_children_and_apply_patterns %root
        : (!transform.any_op) -> !transform.any_op
    transform.apply_patterns to %fv {
      transform.apply_patterns.canonicalization
    } : !transform.any_op
    transform.apply_cse to %fv : !transform.any_op
    transform.apply_patterns to %fv {
      transform.apply_patterns.memref.fold_memref_alias_ops
    } : !transform.any_op
    transform.apply_cse to %fv : !transform.any_op
    %fh = transform.structured.hoist_redundant_vector_transfers %fv
        : (!transform.any_op) -> !transform.any_op
    transform.apply_patterns to %fh {
      transform.apply_patterns.vector.lower_contraction lowering_strategy = outerproduct
      transform.apply_patterns.vector.lower_outerproduct
      transform.apply_patterns.vector.transfer_permutation_patterns
      transform.apply_patterns.vector.lower_multi_reduction lowering_strategy = innerparallel
      transform.apply_patterns.vector.lower_transfer max_transfer_rank = 1
      transform.apply_patterns.vector.lower_shape_cast
      transform.apply_patterns.vector.lower_transpose lowering_strategy = shuffle_1d
      transform.apply_patterns.vector.lower_broadcast
    } : !transform.any_op
    transform.apply_patterns to %fh {
      transform.apply_patterns.canonicalization
    } : !transform.any_op
    transform.sequence %fh : !transform.any_op failures(suppress) {
    ^bb0(%g: !transform.any_op):
      %fmas = transform.structured.match ops{["vector.fma"]} in %g
          : (!transform.any_op) -> !transform.any_op
      %kloops = transform.get_parent_op %fmas {op_name = "scf.for", deduplicate}
          : (!transform.any_op) -> !transform.op<"scf.for">
      transform.loop.unroll %kloops { factor = 4 } : !transform.op<"scf.for">
    }
    transform.yield
  }
}
)mlir";

/// The first matmul-like op of the kernel, or null.
linalg::LinalgOp findContraction(func::FuncOp fn) {
  linalg::LinalgOp found;
  fn.walk([&](Operation *op) {
    if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op)) {
      found = cast<linalg::LinalgOp>(op);
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return found;
}

} // namespace

int64_t kiln::evenTile(int64_t size, int64_t limit, int64_t quantum) {
  if (size <= limit) {
    return size;
  }
  for (int64_t q : {quantum, int64_t(16), int64_t(8), int64_t(1)}) {
    if (q > quantum) {
      continue;
    }
    for (int64_t t = limit / q * q; t >= std::max<int64_t>(q, limit / 4); t -= q) {
      if (size % t == 0) {
        return t;
      }
    }
  }
  return limit;
}

namespace {

/// The schedule with cache tiles fitted to the (m, n, k) sizes of `mm`.
std::string scheduleFor(linalg::LinalgOp mm) {
  SmallVector<int64_t> ranges = mm.getStaticLoopRanges();
  int64_t b = isa<linalg::BatchMatmulOp>(mm) ? 1 : 0;
  int64_t m = ranges[b], n = ranges[b + 1], k = ranges[b + 2];
  auto fit = [](int64_t size, int64_t limit, int64_t quantum) {
    return ShapedType::isDynamic(size) ? limit : kiln::evenTile(size, limit, quantum);
  };
  int64_t tm = fit(m, 128, 8), tn = fit(n, 256, 32), tk = fit(k, 256, 1);
  // Register tiles: 8 rows x 32 columns (two zmm) where they divide the cache tile,
  // else the widest of 16 / 8 / 7 / 4 columns (7 for 7 x 7 and 14 x 14 feature
  // maps) and 4 / 2 / 1 rows that does.
  auto divides = [](int64_t tile, std::initializer_list<int64_t> options) {
    for (int64_t o : options) {
      if (tile % o == 0) {
        return o;
      }
    }
    return int64_t(1);
  };
  int64_t rm = divides(tm, {8, 4, 2, 1}), rn = divides(tn, {32, 16, 8, 7, 4, 1});
  std::string text = kSchedule.str();
  for (auto [key, value] : {std::pair{"@TM@", tm}, std::pair{"@TN@", tn}, std::pair{"@TK@", tk},
                            std::pair{"@RM@", rm}, std::pair{"@RN@", rn}}) {
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key)) {
      text.replace(at, std::strlen(key), std::to_string(value));
    }
  }
  return text;
}

struct VectorizeContractionsPass
    : public kiln::impl::VectorizeContractionsPassBase<VectorizeContractionsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    transform::TransformOptions options;
    options.enableExpensiveChecks(false);
    for (auto fn : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (!fn->hasAttr(kiln::kKernelAttr) || fn.isDeclaration()) {
        continue;
      }
      linalg::LinalgOp mm = findContraction(fn);
      if (!mm) {
        continue;
      }
      OwningOpRef<ModuleOp> schedule =
          parseSourceString<ModuleOp>(scheduleFor(mm), module.getContext());
      Operation *entry =
          schedule ? transform::detail::findTransformEntryPoint(module, *schedule) : nullptr;
      if (!entry) {
        module.emitError("kiln-cpu-vectorize-contractions: the schedule does not parse");
        return signalPassFailure();
      }
      if (failed(transform::applyTransformNamedSequence(fn, entry, *schedule, options))) {
        return signalPassFailure();
      }
    }
  }
};

} // namespace
