// RUN: kiln-opt %s --kiln-cpu-pack-contractions --canonicalize --split-input-file | FileCheck %s
// RUN: kiln-opt %s --kiln-cpu-pack-contractions=vector-bits=256 --canonicalize --split-input-file | FileCheck %s --check-prefix=AVX2
// RUN: not kiln-opt %s --kiln-cpu-pack-contractions=vector-bits=128 --split-input-file 2>&1 | FileCheck %s --check-prefix=BITS
// BITS: vector-bits must be 256 or 512
// f32 matmuls in kernels get their B operand in contiguous column panels Bp[N/P, K, P]
// and become a linalg.contract over (m, n0, n1, k); an index-only producer of B (im2col)
// writes the panels itself; other matmuls are left alone.

// AVX2 (16 ymm registers): panels of two ymm, 16 columns.
// AVX2-LABEL: func.func @mm(
// AVX2:         linalg.transpose ins(%{{.+}} : tensor<64x16x16xf32>) outs(%{{.+}} : tensor<16x64x16xf32>)
// AVX2:         linalg.contract {{.+}} outs(%{{.+}} : tensor<128x16x16xf32>)
// N = 256: 32-wide panels, B transposed from its [K, N/32, 32] view, C seen as [M, 8, 32].
// CHECK-LABEL: func.func @mm(
// CHECK-SAME:    %[[A:.+]]: tensor<128x64xf32>, %[[B:.+]]: tensor<64x256xf32>, %[[C:.+]]: tensor<128x256xf32>
// CHECK:         %[[B3:.+]] = tensor.expand_shape %[[B]] {{\[}}[0], [1, 2]] output_shape [64, 8, 32]
// CHECK:         %[[BP:.+]] = linalg.transpose ins(%[[B3]] : tensor<64x8x32xf32>) outs(%{{.+}} : tensor<8x64x32xf32>) permutation = [1, 0, 2]
// CHECK:         %[[C3:.+]] = tensor.expand_shape %[[C]] {{\[}}[0], [1, 2]] output_shape [128, 8, 32]
// CHECK:         %[[R:.+]] = linalg.contract indexing_maps = [#{{.+}}, #{{.+}}, #{{.+}}] ins(%[[A]], %[[BP]] : tensor<128x64xf32>, tensor<8x64x32xf32>) outs(%[[C3]] : tensor<128x8x32xf32>)
// CHECK:         %[[R2:.+]] = tensor.collapse_shape %[[R]] {{\[}}[0], [1, 2]] : tensor<128x8x32xf32> into tensor<128x256xf32>
// CHECK:         return %[[R2]]
func.func @mm(%a: tensor<128x64xf32>, %b: tensor<64x256xf32>, %c: tensor<128x256xf32>) -> tensor<128x256xf32> attributes {kiln.kernel} {
  %m = linalg.matmul ins(%a, %b : tensor<128x64xf32>, tensor<64x256xf32>) outs(%c : tensor<128x256xf32>) -> tensor<128x256xf32>
  return %m : tensor<128x256xf32>
}

// -----

// N = 48: 16-wide panels.
// CHECK-LABEL: func.func @sixteen(
// CHECK:         linalg.transpose ins(%{{.+}} : tensor<64x3x16xf32>) outs(%{{.+}} : tensor<3x64x16xf32>)
// CHECK:         linalg.contract {{.+}} outs(%{{.+}} : tensor<8x3x16xf32>)
func.func @sixteen(%a: tensor<8x64xf32>, %b: tensor<64x48xf32>, %c: tensor<8x48xf32>) -> tensor<8x48xf32> attributes {kiln.kernel} {
  %m = linalg.matmul ins(%a, %b : tensor<8x64xf32>, tensor<64x48xf32>) outs(%c : tensor<8x48xf32>) -> tensor<8x48xf32>
  return %m : tensor<8x48xf32>
}

// -----

// N = 49 (a 7 x 7 feature map): padded to two 32-wide panels. The whole panel is one
// transpose; the last is zero-filled and the 17 remaining columns copied in (no
// per-element gather, which does not vectorize), by a linalg.copy that the schedule
// tiles into rows. The accumulator is a copy of C with its padding columns zeroed; the
// valid 49 columns are copied back into C.
// CHECK-LABEL: func.func @padded(
// CHECK-SAME:    %[[A:.+]]: tensor<8x64xf32>, %[[B:.+]]: tensor<64x49xf32>, %[[C:.+]]: tensor<8x49xf32>
// CHECK-NOT:     tensor.extract %
// CHECK:         %[[BP0:.+]] = tensor.empty() : tensor<2x64x32xf32>
// CHECK:         tensor.extract_slice %[[B]][0, 0] [64, 32] [1, 1]
// CHECK:         %[[T:.+]] = linalg.transpose ins(%{{.+}} : tensor<64x1x32xf32>) outs(%{{.+}} : tensor<1x64x32xf32>)
// CHECK:         %[[BP1:.+]] = tensor.insert_slice %[[T]] into %[[BP0]][0, 0, 0] [1, 64, 32]
// CHECK:         %[[LAST:.+]] = tensor.extract_slice %[[BP1]][1, 0, 0] [1, 64, 32] [1, 1, 1] : tensor<2x64x32xf32> to tensor<64x32xf32>
// CHECK:         %[[ZEROS:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%[[LAST]] : tensor<64x32xf32>)
// CHECK:         %[[TAIL:.+]] = tensor.extract_slice %[[B]][0, 32] [64, 17] [1, 1]
// CHECK:         %[[TAILDST:.+]] = tensor.extract_slice %[[ZEROS]][0, 0] [64, 17] [1, 1]
// CHECK:         %[[TAILCOPY:.+]] = linalg.copy ins(%[[TAIL]] : tensor<64x17xf32>) outs(%[[TAILDST]] : tensor<64x17xf32>)
// CHECK:         %[[LAST2:.+]] = tensor.insert_slice %[[TAILCOPY]] into %[[ZEROS]][0, 0] [64, 17]
// CHECK:         %[[BP:.+]] = tensor.insert_slice %[[LAST2]] into %[[BP1]][1, 0, 0] [1, 64, 32]
// CHECK:         %[[CCOPY:.+]] = linalg.copy ins(%[[C]] : tensor<8x49xf32>)
// CHECK:         %[[ACC0:.+]] = tensor.insert_slice %[[CCOPY]] into %{{.+}}[0, 0] [8, 49] [1, 1] : tensor<8x49xf32> into tensor<8x64xf32>
// CHECK:         %[[PADCOLS:.+]] = tensor.extract_slice %[[ACC0]][0, 49] [8, 15]
// CHECK:         %[[PADZ:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%[[PADCOLS]] : tensor<8x15xf32>)
// CHECK:         %[[ACC1:.+]] = tensor.insert_slice %[[PADZ]] into %[[ACC0]][0, 49] [8, 15]
// CHECK:         %[[ACC:.+]] = tensor.expand_shape %[[ACC1]] {{.+}} into tensor<8x2x32xf32>
// CHECK:         %[[R:.+]] = linalg.contract {{.+}} ins(%[[A]], %[[BP]] : tensor<8x64xf32>, tensor<2x64x32xf32>) outs(%[[ACC]] : tensor<8x2x32xf32>)
// CHECK:         %[[FLAT:.+]] = tensor.collapse_shape %[[R]] {{.+}} into tensor<8x64xf32>
// CHECK:         %[[VALID:.+]] = tensor.extract_slice %[[FLAT]][0, 0] [8, 49] [1, 1]
// CHECK:         %[[OUT:.+]] = linalg.copy ins(%[[VALID]] : tensor<8x49xf32>) outs(%[[C]] : tensor<8x49xf32>)
// CHECK:         return %[[OUT]]
func.func @padded(%a: tensor<8x64xf32>, %b: tensor<64x49xf32>, %c: tensor<8x49xf32>) -> tensor<8x49xf32> attributes {kiln.kernel} {
  %m = linalg.matmul ins(%a, %b : tensor<8x64xf32>, tensor<64x49xf32>) outs(%c : tensor<8x49xf32>) -> tensor<8x49xf32>
  return %m : tensor<8x49xf32>
}

// -----

// N = 20 pads to one 32-wide panel with no whole panel before it: no transpose, only
// the zero-filled panel with the 20 columns copied in. A bias broadcast initializing C
// is redone on the padded accumulator (its padding columns hold the bias and are never
// read back) instead of being copied.
// CHECK-LABEL: func.func @padded_bias(
// CHECK-SAME:    %[[A:.+]]: tensor<8x64xf32>, %[[B:.+]]: tensor<64x20xf32>, %[[BIAS:.+]]: tensor<8xf32>
// CHECK-NOT:     linalg.transpose
// CHECK:         linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<64x32xf32>)
// CHECK:         linalg.copy ins(%[[B]] : tensor<64x20xf32>)
// CHECK:         tensor.insert_slice %{{.+}} into %{{.+}}[0, 0] [64, 20] [1, 1] : tensor<64x20xf32> into tensor<64x32xf32>
// CHECK:         %[[BC:.+]] = linalg.broadcast ins(%[[BIAS]] : tensor<8xf32>) outs(%{{.+}} : tensor<8x32xf32>) dimensions = [1]
// CHECK:         %[[ACC:.+]] = tensor.expand_shape %[[BC]] {{.+}} into tensor<8x1x32xf32>
// CHECK:         linalg.contract {{.+}} outs(%[[ACC]] : tensor<8x1x32xf32>)
// CHECK:         tensor.extract_slice %{{.+}}[0, 0] [8, 20] [1, 1]
func.func @padded_bias(%a: tensor<8x64xf32>, %b: tensor<64x20xf32>, %bias: tensor<8xf32>) -> tensor<8x20xf32> attributes {kiln.kernel} {
  %e = tensor.empty() : tensor<8x20xf32>
  %c = linalg.broadcast ins(%bias : tensor<8xf32>) outs(%e : tensor<8x20xf32>) dimensions = [1]
  %m = linalg.matmul ins(%a, %b : tensor<8x64xf32>, tensor<64x20xf32>) outs(%c : tensor<8x20xf32>) -> tensor<8x20xf32>
  return %m : tensor<8x20xf32>
}

// -----

// B computed from indices alone (im2col): the producer writes the panels, its k index
// becomes panel index 1 and its column n0 * 16 + n1; no copy of B is left.
// CHECK-LABEL: func.func @im2col(
// CHECK-SAME:    %[[X:.+]]: tensor<4x10xf32>
// CHECK-NOT:     linalg.transpose
// CHECK:         %[[BP:.+]] = linalg.generic {{.+}} outs(%{{.+}} : tensor<3x4x16xf32>) attrs = {kiln.packed_operand}
// CHECK:           %[[N0:.+]] = linalg.index 0 : index
// CHECK:           %[[K:.+]] = linalg.index 1 : index
// CHECK:           %[[N1:.+]] = linalg.index 2 : index
// CHECK:           %[[M:.+]] = arith.muli %[[N0]], %{{.+}} : index
// CHECK:           %[[COL:.+]] = arith.addi %[[M]], %[[N1]] : index
// CHECK:           %[[J:.+]] = arith.remui %[[COL]], %[[K]] : index
// CHECK:           tensor.extract %[[X]][%[[K]], %[[J]]]
// CHECK:         linalg.contract {{.+}} ins(%{{.+}}, %[[BP]] : tensor<8x4xf32>, tensor<3x4x16xf32>)
// CHECK-NOT:     linalg.matmul
func.func @im2col(%x: tensor<4x10xf32>, %w: tensor<8x4xf32>, %c: tensor<8x48xf32>) -> tensor<8x48xf32> attributes {kiln.kernel} {
  %e = tensor.empty() : tensor<4x48xf32>
  %col = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<4x48xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %j2 = arith.remui %j, %i : index
    %v = tensor.extract %x[%i, %j2] : tensor<4x10xf32>
    linalg.yield %v : f32
  } -> tensor<4x48xf32>
  %m = linalg.matmul ins(%w, %col : tensor<8x4xf32>, tensor<4x48xf32>) outs(%c : tensor<8x48xf32>) -> tensor<8x48xf32>
  return %m : tensor<8x48xf32>
}

// -----

// A convolution's im2col (tagged kiln.im2col: C 4, H 8, W 10, 3x3, stride 1, pad 1,
// OH 8, OW 10), tiled into work items of 40 pixels: the generic becomes loops that write
// each panel row (16 lanes: 40 columns take 3 panels) from masked loads of input row
// segments. 16 pixels of a 10-wide output span up to 3 output rows, so each of the 3
// taps of a window row reads 3 segments. The work item's first pixel (the forall's
// index, which tiling added to linalg.index 1) starts the pixel count.
// CHECK-LABEL: func.func @im2col_rows(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<1x4x8x10xf32>
// CHECK:         scf.forall (%[[P0:.+]]) = (0) to (80) step (40)
// CHECK-NOT:       linalg.generic
// CHECK:           %[[BP:.+]] = scf.for %[[N0:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%{{.+}} = %{{.+}}) -> (tensor<3x36x16xf32>)
// CHECK:             arith.addi %[[P0]], %{{.+}} : index
// CHECK-COUNT-18:    vector.create_mask %{{.+}} : vector<16xi1>
// CHECK:             scf.for %[[C:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK:               scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK-COUNT-3:         vector.transfer_read %[[X]][%{{.+}}, %[[C]], %{{.+}}, %{{.+}}], %{{.+}}, %{{.+}} {in_bounds = [true]} : tensor<1x4x8x10xf32>, vector<16xf32>
// CHECK:                 vector.transfer_write %{{.+}}, %{{.+}}[%[[N0]], %{{.+}}, %{{.+}}] {in_bounds = [true]} : vector<16xf32>, tensor<3x36x16xf32>
// CHECK-COUNT-6:         vector.transfer_read %[[X]]
// CHECK-NOT:             vector.transfer_read
// CHECK:           linalg.contract {{.+}} ins(%{{.+}}, %[[BP]] : tensor<16x36xf32>, tensor<3x36x16xf32>)
// CHECK-NOT:       tensor.extract %[[X]]
func.func @im2col_rows(%x: tensor<1x4x8x10xf32>, %w: tensor<16x36xf32>) -> tensor<16x80xf32> attributes {kiln.kernel} {
  %cst = arith.constant 0.000000e+00 : f32
  %c0 = arith.constant 0 : index
  %c0_i32 = arith.constant 0 : i32
  %c1_i32 = arith.constant 1 : i32
  %c3_i32 = arith.constant 3 : i32
  %c7_i32 = arith.constant 7 : i32
  %c8_i32 = arith.constant 8 : i32
  %c9_i32 = arith.constant 9 : i32
  %c10_i32 = arith.constant 10 : i32
  %cols = tensor.empty() : tensor<36x80xf32>
  %out = tensor.empty() : tensor<16x80xf32>
  %r = scf.forall (%p0) = (0) to (80) step (40) shared_outs(%o = %out) -> (tensor<16x80xf32>) {
    %slice = tensor.extract_slice %cols[0, %p0] [36, 40] [1, 1] : tensor<36x80xf32> to tensor<36x40xf32>
    %col = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%slice : tensor<36x40xf32>) attrs = {kiln.im2col = array<i64: 4, 8, 10, 3, 3, 1, 1, 1, 1, 1, 1, 8, 10>} {
    ^bb0(%unused: f32):
      %i0 = linalg.index 0 : index
      %k = arith.index_cast %i0 : index to i32
      %i1 = linalg.index 1 : index
      %p = affine.apply affine_map<(d0)[s0] -> (d0 + s0)>(%p0)[%i1]
      %pix = arith.index_cast %p : index to i32
      %c = arith.divui %k, %c9_i32 : i32
      %tap = arith.remui %k, %c9_i32 : i32
      %i = arith.divui %tap, %c3_i32 : i32
      %j = arith.remui %tap, %c3_i32 : i32
      %y = arith.divui %pix, %c10_i32 : i32
      %xx = arith.remui %pix, %c10_i32 : i32
      %di = arith.subi %i, %c1_i32 : i32
      %row = arith.addi %y, %di : i32
      %dj = arith.subi %j, %c1_i32 : i32
      %column = arith.addi %xx, %dj : i32
      %r0 = arith.cmpi sge, %row, %c0_i32 : i32
      %r1 = arith.cmpi slt, %row, %c8_i32 : i32
      %rv = arith.andi %r0, %r1 : i1
      %c0v = arith.cmpi sge, %column, %c0_i32 : i32
      %c1v = arith.cmpi slt, %column, %c10_i32 : i32
      %cv = arith.andi %c0v, %c1v : i1
      %valid = arith.andi %rv, %cv : i1
      %ci = arith.index_cast %c : i32 to index
      %rowc0 = arith.maxsi %row, %c0_i32 : i32
      %rowc1 = arith.minsi %rowc0, %c7_i32 : i32
      %rowi = arith.index_cast %rowc1 : i32 to index
      %colc0 = arith.maxsi %column, %c0_i32 : i32
      %colc1 = arith.minsi %colc0, %c9_i32 : i32
      %coli = arith.index_cast %colc1 : i32 to index
      %v = tensor.extract %x[%c0, %ci, %rowi, %coli] : tensor<1x4x8x10xf32>
      %s = arith.select %valid, %v, %cst : f32
      linalg.yield %s : f32
    } -> tensor<36x40xf32>
    %acc = tensor.extract_slice %o[0, %p0] [16, 40] [1, 1] : tensor<16x80xf32> to tensor<16x40xf32>
    %fill = linalg.fill ins(%cst : f32) outs(%acc : tensor<16x40xf32>) -> tensor<16x40xf32>
    %mm = linalg.matmul ins(%w, %col : tensor<16x36xf32>, tensor<36x40xf32>) outs(%fill : tensor<16x40xf32>) -> tensor<16x40xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %mm into %o[0, %p0] [16, 40] [1, 1] : tensor<16x40xf32> into tensor<16x80xf32>
    }
  }
  return %r : tensor<16x80xf32>
}

// -----

// Width stride 2 (C 3, H 11, W 33, 3x3, pad 1, OH 6, OW 16): each segment loads 2 x 32
// consecutive values and keeps the even ones. (The body is the same generic form; only
// the geometry, the input it reads and the index offsets are taken from it.)
// CHECK-LABEL: func.func @im2col_stride2(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<1x3x11x33xf32>
// CHECK:         scf.for {{.+}} -> (tensor<3x27x32xf32>)
// CHECK:           vector.transfer_read %[[X]]{{.+}} : tensor<1x3x11x33xf32>, vector<64xf32>
// CHECK:           vector.shuffle %{{.+}}, %{{.+}} [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40, 42, 44, 46, 48, 50, 52, 54, 56, 58, 60, 62] : vector<64xf32>, vector<64xf32>
// CHECK:         linalg.contract
// AVX2-LABEL: func.func @im2col_stride2(
// AVX2:         scf.for {{.+}} -> (tensor<6x27x16xf32>)
// AVX2:           vector.transfer_read {{.+}} : tensor<1x3x11x33xf32>, vector<32xf32>
func.func @im2col_stride2(%x: tensor<1x3x11x33xf32>, %w: tensor<8x27xf32>, %init: tensor<8x96xf32>) -> tensor<8x96xf32> attributes {kiln.kernel} {
  %c0 = arith.constant 0 : index
  %c9 = arith.constant 9 : i32
  %cols = tensor.empty() : tensor<27x96xf32>
  %col = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%cols : tensor<27x96xf32>) attrs = {kiln.im2col = array<i64: 3, 11, 33, 3, 3, 2, 2, 1, 1, 1, 1, 6, 16>} {
  ^bb0(%unused: f32):
    %i0 = linalg.index 0 : index
    %i1 = linalg.index 1 : index
    %k = arith.index_cast %i0 : index to i32
    %p32 = arith.index_cast %i1 : index to i32
    %c32 = arith.divui %k, %c9 : i32
    %c = arith.index_cast %c32 : i32 to index
    %p = arith.index_cast %p32 : i32 to index
    %v = tensor.extract %x[%c0, %c, %c0, %p] : tensor<1x3x11x33xf32>
    linalg.yield %v : f32
  } -> tensor<27x96xf32>
  %mm = linalg.matmul ins(%w, %col : tensor<8x27xf32>, tensor<27x96xf32>) outs(%init : tensor<8x96xf32>) -> tensor<8x96xf32>
  return %mm : tensor<8x96xf32>
}

// -----

// Must not fire: width stride 3 (the generic is packed as it is), and an im2col whose
// body reads two tensors.
// CHECK-LABEL: func.func @im2col_stride3(
// CHECK:         linalg.generic {{.+}} attrs = {kiln.packed_operand}
// CHECK:           tensor.extract
// CHECK-NOT:     vector.transfer_read
func.func @im2col_stride3(%x: tensor<1x3x9x33xf32>, %w: tensor<8x27xf32>, %init: tensor<8x64xf32>) -> tensor<8x64xf32> attributes {kiln.kernel} {
  %c0 = arith.constant 0 : index
  %c9 = arith.constant 9 : i32
  %cols = tensor.empty() : tensor<27x64xf32>
  %col = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%cols : tensor<27x64xf32>) attrs = {kiln.im2col = array<i64: 3, 9, 33, 3, 3, 3, 3, 1, 1, 1, 1, 3, 11>} {
  ^bb0(%unused: f32):
    %i0 = linalg.index 0 : index
    %i1 = linalg.index 1 : index
    %k = arith.index_cast %i0 : index to i32
    %p32 = arith.index_cast %i1 : index to i32
    %c32 = arith.divui %k, %c9 : i32
    %c = arith.index_cast %c32 : i32 to index
    %p = arith.index_cast %p32 : i32 to index
    %v = tensor.extract %x[%c0, %c, %c0, %p] : tensor<1x3x9x33xf32>
    linalg.yield %v : f32
  } -> tensor<27x64xf32>
  %mm = linalg.matmul ins(%w, %col : tensor<8x27xf32>, tensor<27x64xf32>) outs(%init : tensor<8x64xf32>) -> tensor<8x64xf32>
  return %mm : tensor<8x64xf32>
}

// -----

// CHECK-LABEL: func.func @im2col_two_inputs(
// CHECK:         linalg.generic {{.+}}kiln.packed_operand
// CHECK-NOT:     vector.transfer_read
func.func @im2col_two_inputs(%x: tensor<1x3x9x33xf32>, %z: tensor<1x3x9x33xf32>, %w: tensor<8x27xf32>, %init: tensor<8x64xf32>) -> tensor<8x64xf32> attributes {kiln.kernel} {
  %c0 = arith.constant 0 : index
  %c9 = arith.constant 9 : i32
  %cols = tensor.empty() : tensor<27x64xf32>
  %col = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%cols : tensor<27x64xf32>) attrs = {kiln.im2col = array<i64: 3, 9, 33, 3, 3, 1, 1, 1, 1, 1, 1, 9, 33>} {
  ^bb0(%unused: f32):
    %i0 = linalg.index 0 : index
    %i1 = linalg.index 1 : index
    %k = arith.index_cast %i0 : index to i32
    %p32 = arith.index_cast %i1 : index to i32
    %c32 = arith.divui %k, %c9 : i32
    %c = arith.index_cast %c32 : i32 to index
    %p = arith.index_cast %p32 : i32 to index
    %v = tensor.extract %x[%c0, %c, %c0, %p] : tensor<1x3x9x33xf32>
    %u = tensor.extract %z[%c0, %c, %c0, %p] : tensor<1x3x9x33xf32>
    %s = arith.addf %v, %u : f32
    linalg.yield %s : f32
  } -> tensor<27x64xf32>
  %mm = linalg.matmul ins(%w, %col : tensor<8x27xf32>, tensor<27x64xf32>) outs(%init : tensor<8x64xf32>) -> tensor<8x64xf32>
  return %mm : tensor<8x64xf32>
}

// -----

// AVX2-LABEL: func.func @narrow(
// AVX2:         linalg.contract {{.+}} outs(%{{.+}} : tensor<8x1x8xf32>)
// Must not fire on AVX-512: fewer than 16 columns (one register), outside a kernel, integer operands, transposed B.
// CHECK-LABEL: func.func @narrow(
// CHECK:         linalg.matmul
// CHECK-NOT:     linalg.contract
func.func @narrow(%a: tensor<8x64xf32>, %b: tensor<64x8xf32>, %c: tensor<8x8xf32>) -> tensor<8x8xf32> attributes {kiln.kernel} {
  %m = linalg.matmul ins(%a, %b : tensor<8x64xf32>, tensor<64x8xf32>) outs(%c : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %m : tensor<8x8xf32>
}

// -----

// CHECK-LABEL: func.func @not_kernel(
// CHECK:         linalg.matmul
// CHECK-NOT:     linalg.contract
func.func @not_kernel(%a: tensor<8x64xf32>, %b: tensor<64x32xf32>, %c: tensor<8x32xf32>) -> tensor<8x32xf32> {
  %m = linalg.matmul ins(%a, %b : tensor<8x64xf32>, tensor<64x32xf32>) outs(%c : tensor<8x32xf32>) -> tensor<8x32xf32>
  return %m : tensor<8x32xf32>
}

// -----

// CHECK-LABEL: func.func @int8(
// CHECK:         linalg.matmul
// CHECK-NOT:     linalg.contract
func.func @int8(%a: tensor<8x64xi8>, %b: tensor<64x32xi8>, %c: tensor<8x32xi32>) -> tensor<8x32xi32> attributes {kiln.kernel} {
  %m = linalg.matmul ins(%a, %b : tensor<8x64xi8>, tensor<64x32xi8>) outs(%c : tensor<8x32xi32>) -> tensor<8x32xi32>
  return %m : tensor<8x32xi32>
}

// -----

// CHECK-LABEL: func.func @transposed_b(
// CHECK:         linalg.matmul
// CHECK-NOT:     linalg.contract
func.func @transposed_b(%a: tensor<8x64xf32>, %b: tensor<32x64xf32>, %c: tensor<8x32xf32>) -> tensor<8x32xf32> attributes {kiln.kernel} {
  %m = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] ins(%a, %b : tensor<8x64xf32>, tensor<32x64xf32>) outs(%c : tensor<8x32xf32>) -> tensor<8x32xf32>
  return %m : tensor<8x32xf32>
}

// -----

// Constant weights are packed at compile time: the kernel's only call passes an f32
// constant as B, so the call gets the panels ([N/P, K, P], here one 32-wide panel, N = 20
// zero-padded) as a new constant and the kernel reads them in place: no copy per call.
// CHECK-LABEL: func.func private @prepacked_kernel(
// CHECK-SAME:    %[[A:.+]]: tensor<8x2xf32>, %[[BP:.+]]: tensor<1x2x32xf32>, %[[C:.+]]: tensor<8x20xf32>
// CHECK-NOT:     linalg.transpose
// CHECK:         linalg.contract {{.+}} ins(%[[A]], %[[BP]] : tensor<8x2xf32>, tensor<1x2x32xf32>)
// CHECK-LABEL: func.func @prepacked_host(
// CHECK:         %[[W:.+]] = arith.constant dense_resource<packed_weights> : tensor<1x2x32xf32>
// CHECK:         call @prepacked_kernel(%{{.+}}, %[[W]], %{{.+}}) : (tensor<8x2xf32>, tensor<1x2x32xf32>, tensor<8x20xf32>)
// The panel: row k = 0 holds 1 .. 20 then 12 zeros, row 1 holds 21 .. 40 then 12 zeros
// (little-endian f32 after the 4-byte alignment header).
// CHECK:         packed_weights: "0x040000000000803F0000004000004040000080400000A0400000C0400000E0400000004100001041000020410000304100004041000050410000604100007041000080410000884100009041000098410000A0410000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000A8410000B0410000B8410000C0410000C8410000D0410000D8410000E0410000E8410000F0410000F84100000042000004420000084200000C4200001042000014420000184200001C4200002042000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
func.func private @prepacked_kernel(%a: tensor<8x2xf32>, %b: tensor<2x20xf32>, %c: tensor<8x20xf32>) -> tensor<8x20xf32> attributes {kiln.kernel} {
  %m = linalg.matmul ins(%a, %b : tensor<8x2xf32>, tensor<2x20xf32>) outs(%c : tensor<8x20xf32>) -> tensor<8x20xf32>
  return %m : tensor<8x20xf32>
}
func.func @prepacked_host(%a: tensor<8x2xf32>, %c: tensor<8x20xf32>) -> tensor<8x20xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0],
                             [21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0, 40.0]]> : tensor<2x20xf32>
  %r = call @prepacked_kernel(%a, %w, %c) : (tensor<8x2xf32>, tensor<2x20xf32>, tensor<8x20xf32>) -> tensor<8x20xf32>
  return %r : tensor<8x20xf32>
}

// -----

// A transposed constant B ([N, K], ONNX Gemm transB) whose columns are split between
// work items (48 of 96 each): packed per work item (3 16-wide panels each), and each
// item reads its own panels, from panel n0 / 48 * 3.
// CHECK-LABEL: func.func private @prepacked_tiles_kernel(
// CHECK-SAME:    %[[A:.+]]: tensor<1x64xf32>, %[[BP:.+]]: tensor<6x64x16xf32>
// CHECK:         scf.forall (%[[N0:.+]]) =
// CHECK:           %[[T:.+]] = arith.divui %[[N0]], %{{.+}} : index
// CHECK:           %[[P:.+]] = arith.muli %[[T]], %{{.+}} : index
// CHECK:           %[[S:.+]] = tensor.extract_slice %[[BP]][%[[P]], 0, 0] [3, 64, 16] [1, 1, 1]
// CHECK:           linalg.contract {{.+}} ins(%[[A]], %[[S]] : tensor<1x64xf32>, tensor<3x64x16xf32>)
// CHECK-LABEL: func.func @prepacked_tiles_host(
// CHECK:         arith.constant dense_resource<packed_weights> : tensor<6x64x16xf32>
func.func private @prepacked_tiles_kernel(%a: tensor<1x64xf32>, %b: tensor<96x64xf32>) -> tensor<1x96xf32> attributes {kiln.kernel} {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x96xf32>
  %r = scf.forall (%n0) = (0) to (96) step (48) shared_outs(%o = %e) -> (tensor<1x96xf32>) {
    %bs = tensor.extract_slice %b[%n0, 0] [48, 64] [1, 1] : tensor<96x64xf32> to tensor<48x64xf32>
    %cs = tensor.extract_slice %e[0, %n0] [1, 48] [1, 1] : tensor<1x96xf32> to tensor<1x48xf32>
    %f = linalg.fill ins(%cst : f32) outs(%cs : tensor<1x48xf32>) -> tensor<1x48xf32>
    %m = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %bs : tensor<1x64xf32>, tensor<48x64xf32>) outs(%f : tensor<1x48xf32>) -> tensor<1x48xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %m into %o[0, %n0] [1, 48] [1, 1] : tensor<1x48xf32> into tensor<1x96xf32>
    }
  }
  return %r : tensor<1x96xf32>
}
func.func @prepacked_tiles_host(%a: tensor<1x64xf32>) -> tensor<1x96xf32> {
  %w = arith.constant dense<0.5> : tensor<96x64xf32>
  %r = call @prepacked_tiles_kernel(%a, %w) : (tensor<1x64xf32>, tensor<96x64xf32>) -> tensor<1x96xf32>
  return %r : tensor<1x96xf32>
}

// -----

// B from the caller's argument (not a constant) is packed per call, as before.
// CHECK-LABEL: func.func private @runtime_weights_kernel(
// CHECK-SAME:    %{{.+}}: tensor<2x32xf32>
// CHECK:         linalg.transpose
func.func private @runtime_weights_kernel(%a: tensor<8x2xf32>, %b: tensor<2x32xf32>, %c: tensor<8x32xf32>) -> tensor<8x32xf32> attributes {kiln.kernel} {
  %m = linalg.matmul ins(%a, %b : tensor<8x2xf32>, tensor<2x32xf32>) outs(%c : tensor<8x32xf32>) -> tensor<8x32xf32>
  return %m : tensor<8x32xf32>
}
func.func @runtime_weights_host(%a: tensor<8x2xf32>, %b: tensor<2x32xf32>, %c: tensor<8x32xf32>) -> tensor<8x32xf32> {
  %r = call @runtime_weights_kernel(%a, %b, %c) : (tensor<8x2xf32>, tensor<2x32xf32>, tensor<8x32xf32>) -> tensor<8x32xf32>
  return %r : tensor<8x32xf32>
}
