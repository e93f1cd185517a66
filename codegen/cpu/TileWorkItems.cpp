//===- TileWorkItems.cpp - split each kernel into parallel work items --------===//
//
// On tensors, before bufferization: the op that produces a kernel's result is tiled
// along its parallel loops into an `scf.forall` and every producer inside the kernel
// (fills, pads, the other ops of a decomposed softmax ...) is fused into the tile, so
// one iteration of the forall computes one piece of the output from the inputs alone.
// After bufferization `kiln-cpu-distribute-work-items` turns the forall into the
// kernel's [begin, end) range of work items, which the runtime spreads over threads.
//
// Tile sizes (parallel loops only; a reduction is never split):
//   - matmul-like contractions: [1 per batch dim] x 128 rows (up to 512 where that
//     still leaves 8 items) x 256 columns;
//   - everything else: about one work item per 32 Ki units of work (output elements
//     times the reduction size), at most 64, taken from the outermost parallel loops so
//     that each item stays contiguous.
//
//===----------------------------------------------------------------------------===//
#include "codegen/Passes.h"
#include "codegen/common/KernelInfo.h"
#include "codegen/cpu/TileSizes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Interfaces/TilingInterface.h"

#define DEBUG_TYPE "kiln-cpu-tile-work-items"

namespace kiln {
#define GEN_PASS_DEF_TILEWORKITEMSPASS
#include "codegen/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {

/// The matmul whose result an elementwise 2-D epilogue reads element for element (a
/// fused contraction group after the epilogue was collapsed to the matmul's shape).
linalg::LinalgOp epilogueContraction(linalg::LinalgOp op) {
  if (op.getNumLoops() != 2 || op.getNumParallelLoops() != 2 || op.getNumDpsInits() != 1) {
    return {};
  }
  for (OpOperand *input : op.getDpsInputOperands()) {
    auto producer = input->get().getDefiningOp<linalg::LinalgOp>();
    if (producer && isa<linalg::MatmulOp>(producer) &&
        op.getMatchingIndexingMap(input).isIdentity() &&
        input->get().getType() == op.getDpsInits()[0].getType()) {
      return producer;
    }
  }
  return {};
}

SmallVector<int64_t> chooseWorkItemTiles(Operation *op) {
  auto tileable = dyn_cast<TilingInterface>(op);
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!tileable || !linalgOp || !linalgOp.hasPureTensorSemantics()) {
    return {};
  }
  SmallVector<int64_t> sizes = linalgOp.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iterators = linalgOp.getIteratorTypesArray();
  if (llvm::any_of(sizes, ShapedType::isDynamic)) {
    return {};
  }
  SmallVector<int64_t> tiles(sizes.size(), 0);
  // An epilogue over a matmul's result is tiled like the matmul, so the matmul fuses
  // into the same tiles and the epilogue reads each tile while it is in cache.
  if (linalg::LinalgOp mm = epilogueContraction(linalgOp)) {
    SmallVector<int64_t> mmTiles = chooseWorkItemTiles(mm);
    if (mmTiles.size() == 3) {
      return {mmTiles[0], mmTiles[1]};
    }
  }
  if (linalg::isaContractionOpInterface(linalgOp)) {
    FailureOr<linalg::ContractionDimensions> dims = linalg::inferContractionDims(linalgOp);
    if (succeeded(dims) && dims->m.size() == 1 && dims->n.size() == 1) {
      for (unsigned b : dims->batch) {
        tiles[b] = 1;
      }
      // Tiles that divide the dims evenly keep every tile static, which the register
      // schedule needs to vectorize (a partial tile would run scalar).
      // Rows: each work item packs its B columns once (kiln-cpu-pack-contractions), so
      // taller items pack less often: up to 512 rows while that leaves >= 8 items
      // (1024^3: 0.90 -> 0.96 of OpenBLAS at 512 rows), else 128.
      int64_t m = sizes[dims->m.front()], n = sizes[dims->n.front()];
      int64_t tn = evenTile(n, 256, 32), tm = evenTile(m, 128, 8);
      for (int64_t limit : {512, 256}) {
        int64_t t = evenTile(m, limit, 8);
        if (t > tm && llvm::divideCeil(m, t) * llvm::divideCeil(n, tn) >= 8) {
          tm = t;
          break;
        }
      }
      tiles[dims->m.front()] = tm;
      tiles[dims->n.front()] = tn;
      return tiles;
    }
  }
  int64_t work = 1;
  for (int64_t s : sizes) {
    work = s > 0 && work > INT64_MAX / s ? INT64_MAX : work * s;
  }
  int64_t target = std::clamp<int64_t>(work / 32768, 1, 64);
  int64_t items = 1;
  for (auto [i, size] : llvm::enumerate(sizes)) {
    if (items >= target) {
      break;
    }
    if (iterators[i] != utils::IteratorType::parallel || size <= 1) {
      continue;
    }
    int64_t parts = std::min<int64_t>(size, (target + items - 1) / items);
    int64_t tile = (size + parts - 1) / parts;
    tiles[i] = tile;
    items *= (size + tile - 1) / tile;
  }
  return items > 1 ? tiles : SmallVector<int64_t>();
}

} // namespace kiln

namespace {

using namespace kiln;

struct TileWorkItemsPass : public kiln::impl::TileWorkItemsPassBase<TileWorkItemsPass> {
  void runOnOperation() override {
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      // Attention kernels come with their work items (kiln-cpu-lower-attention).
      if (fn->hasAttr(kKernelAttr) && !fn.isDeclaration() && !fn->hasAttr(kAttentionAttr)) {
        tileKernel(fn);
      }
    }
  }

  /// A fused group's epilogue, written against the group's shapes, is merged into one
  /// generic and, where a convolution's matmul was expanded to NCHW before it,
  /// collapsed back to the matmul's 2-D shape (the expand_shape moves after it), so
  /// that it can be tiled like the matmul.
  void prepareEpilogues(func::FuncOp fn) {
    RewritePatternSet patterns(fn.getContext());
    linalg::populateElementwiseOpsFusionPatterns(patterns, [](OpOperand *operand) {
      auto producer = operand->get().getDefiningOp<linalg::GenericOp>();
      return producer && producer.getNumDpsInputs() > 0 && operand->get().hasOneUse();
    });
    linalg::populateFoldReshapeOpsByCollapsingPatterns(patterns, [](OpOperand *operand) {
      auto expand = operand->get().getDefiningOp<tensor::ExpandShapeOp>();
      return expand && expand.getSrc().getDefiningOp<linalg::MatmulOp>();
    });
    (void)applyPatternsGreedily(fn, std::move(patterns));
  }

  void tileKernel(func::FuncOp fn) {
    prepareEpilogues(fn);
    auto ret = cast<func::ReturnOp>(fn.getBody().front().getTerminator());
    if (ret.getNumOperands() != 1) {
      return; // several outputs (split): one work item
    }
    // The root computes the result; reshapes after it (a convolution's matmul is
    // expanded back to NCHW) apply to the tiled result unchanged.
    Value produced = ret.getOperand(0);
    while (isa_and_nonnull<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(
        produced.getDefiningOp())) {
      produced = produced.getDefiningOp()->getOperand(0);
    }
    Operation *root = produced.getDefiningOp();
    SmallVector<int64_t> tiles = root ? chooseWorkItemTiles(root) : SmallVector<int64_t>();
    if (tiles.empty()) {
      return;
    }
    IRRewriter rewriter(fn.getContext());
    rewriter.setInsertionPoint(root);
    scf::SCFTileAndFuseOptions options;
    SmallVector<OpFoldResult> sizes;
    for (int64_t t : tiles) {
      sizes.push_back(rewriter.getIndexAttr(t));
    }
    options.tilingOptions.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp)
        .setTileSizes(sizes);
    FailureOr<scf::SCFTileAndFuseResult> result =
        scf::tileConsumerAndFuseProducersUsingSCF(rewriter, cast<TilingInterface>(root),
                                                  options);
    if (failed(result)) {
      return; // not tileable this way: the kernel stays one work item
    }
    for (OpResult r : root->getResults()) {
      rewriter.replaceAllUsesWith(r, result->replacements.lookup(r));
    }
  }
};

} // namespace
