// RUN: kiln-opt %s --kiln-cpu-vectorize-windows --split-input-file | FileCheck %s
// RUN: kiln-opt %s --kiln-cpu-vectorize-windows=vector-bits=256 --split-input-file | FileCheck %s --check-prefix=AVX2
// RUN: not kiln-opt %s --kiln-cpu-vectorize-windows=vector-bits=128 --split-input-file 2>&1 | FileCheck %s --check-prefix=BITS
// kiln-cpu-vectorize-windows: a depthwise NCHW conv or an NCHW pooling on memrefs
// becomes loops over (batch, channel, output row) whose rows are strips of vector FMAs
// (max, add for pooling).

// Stride 1, width 32: two zmm accumulators per row, 9 taps each; the channel's weights
// are broadcast once, outside the row loop.
// CHECK-LABEL: func.func @stride1(
// CHECK-SAME:    %[[X:.+]]: memref<1x4x10x34xf32>, %[[W:.+]]: memref<4x3x3xf32>, %[[O:.+]]: memref<1x4x8x32xf32>
// CHECK-NOT:     linalg.depthwise_conv_2d_nchw_chw
// CHECK:         scf.for %[[N:.+]] =
// CHECK:           scf.for %[[C:.+]] =
// CHECK-COUNT-9:     vector.broadcast %{{.+}} : f32 to vector<16xf32>
// CHECK:             scf.for %[[R:.+]] =
// CHECK:               vector.load %[[O]][%[[N]], %[[C]], %[[R]], %{{.+}}] : memref<1x4x8x32xf32>, vector<16xf32>
// CHECK:               vector.load %[[O]]
// CHECK:               vector.load %[[X]][%[[N]], %[[C]], %[[R]], %{{.+}}] : memref<1x4x10x34xf32>, vector<16xf32>
// CHECK-COUNT-18:      vector.fma {{.+}} : vector<16xf32>
// CHECK-COUNT-2:       vector.store %{{.+}}, %[[O]]
// AVX2-LABEL: func.func @stride1(
// AVX2-COUNT-9: vector.broadcast %{{.+}} : f32 to vector<8xf32>
// AVX2-COUNT-36: vector.fma {{.+}} : vector<8xf32>
func.func @stride1(%x: memref<1x4x10x34xf32>, %w: memref<4x3x3xf32>, %o: memref<1x4x8x32xf32>) {
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x4x10x34xf32>, memref<4x3x3xf32>) outs(%o : memref<1x4x8x32xf32>)
  return
}

// -----

// A 14 x 14 map (MobileNetV2's): rows of two ymm vectors (8 + a masked 6) in blocks of 6
// rows, 12 independent accumulators interleaved tap by tap instead of 2 chains of 9
// dependent FMAs; the 2 rows left over are one more block after the loop.
// CHECK-LABEL: func.func @row_blocks(
// CHECK-SAME:    %[[X:.+]]: memref<1x2x16x16xf32>, %[[W:.+]]: memref<2x3x3xf32>, %[[O:.+]]: memref<1x2x14x14xf32>
// CHECK-DAG:     %[[C6:.+]] = arith.constant 6 : index
// CHECK-DAG:     %[[C12:.+]] = arith.constant 12 : index
// CHECK:         scf.for %[[R:.+]] = %{{.+}} to %[[C12]] step %[[C6]]
// CHECK-COUNT-12:  vector.{{load|maskedload}} %[[O]]
// CHECK-COUNT-108: vector.fma {{.+}} : vector<8xf32>
// CHECK-COUNT-12:  vector.{{store %[^,]+, |maskedstore }}%[[O]]
// CHECK:         }
// CHECK-COUNT-4: vector.{{load|maskedload}} %[[O]]
// CHECK-COUNT-36: vector.fma {{.+}} : vector<8xf32>
// CHECK-NOT:     vector.fma
func.func @row_blocks(%x: memref<1x2x16x16xf32>, %w: memref<2x3x3xf32>, %o: memref<1x2x14x14xf32>) {
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x2x16x16xf32>, memref<2x3x3xf32>) outs(%o : memref<1x2x14x14xf32>)
  return
}

// -----

// Stride 2, width 20 = 16 + 4: each input vector is two loads and a shuffle keeping the
// even lanes. The 4-wide remainder's accumulator loads 4 lanes; a full vector's second
// input load is masked to 15 lanes (its 16th is past the last input it needs); the
// remainder loads 7 input lanes and stores 4.
// CHECK-LABEL: func.func @stride2_tail(
// CHECK-NOT:     linalg.depthwise_conv_2d_nchw_chw
// CHECK:         vector.constant_mask [4] : vector<16xi1>
// CHECK:         vector.maskedload %{{.+}} : memref<1x2x5x20xf32>
// CHECK:         vector.constant_mask [15] : vector<16xi1>
// CHECK:         vector.maskedload %{{.+}} : memref<1x2x11x42xf32>
// CHECK:         vector.shuffle %{{.+}}, %{{.+}} [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30] : vector<16xf32>, vector<16xf32>
// CHECK:         vector.constant_mask [7] : vector<16xi1>
// CHECK:         vector.maskedload %{{.+}} : memref<1x2x11x42xf32>
// CHECK:         vector.maskedstore %{{.+}} : memref<1x2x5x20xf32>
func.func @stride2_tail(%x: memref<1x2x11x42xf32>, %w: memref<2x3x3xf32>, %o: memref<1x2x5x20xf32>) {
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%x, %w : memref<1x2x11x42xf32>, memref<2x3x3xf32>) outs(%o : memref<1x2x5x20xf32>)
  return
}

// -----

// Rows narrower than a zmm use one masked ymm (7 of 8 lanes); channels may be dynamic
// (work items split them).
// CHECK-LABEL: func.func @narrow_dynamic_channels(
// CHECK-NOT:     linalg.depthwise_conv_2d_nchw_chw
// CHECK:         memref.dim
// CHECK:         vector.constant_mask [7] : vector<8xi1>
// CHECK:         vector.fma {{.+}} : vector<8xf32>
// CHECK:         vector.maskedstore
func.func @narrow_dynamic_channels(%x: memref<1x?x9x9xf32>, %w: memref<?x3x3xf32>, %o: memref<1x?x7x7xf32>) {
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x?x9x9xf32>, memref<?x3x3xf32>) outs(%o : memref<1x?x7x7xf32>)
  return
}

// -----

// Not handled (kept for convert-linalg-to-loops): width stride 3, dynamic output width.
// CHECK-LABEL: func.func @not_handled(
// CHECK:         linalg.depthwise_conv_2d_nchw_chw
// CHECK:         linalg.depthwise_conv_2d_nchw_chw
// CHECK-NOT:     vector.fma
// BITS: vector-bits must be 512 or 256, got 128
func.func @not_handled(%x: memref<1x2x10x31xf32>, %w: memref<2x3x3xf32>, %o: memref<1x2x8x10xf32>,
                       %xd: memref<1x2x10x?xf32>, %od: memref<1x2x8x?xf32>) {
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<[1, 3]> : tensor<2xi64>}
    ins(%x, %w : memref<1x2x10x31xf32>, memref<2x3x3xf32>) outs(%o : memref<1x2x8x10xf32>)
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%xd, %w : memref<1x2x10x?xf32>, memref<2x3x3xf32>) outs(%od : memref<1x2x8x?xf32>)
  return
}

// -----

// Max pooling 3x3 / 2: the same rows, combined with maximumf (no weights); sum pooling
// with addf.
// CHECK-LABEL: func.func @pooling(
// CHECK-NOT:     linalg.pooling_nchw_max
// CHECK-NOT:     vector.broadcast
// CHECK:         vector.shuffle
// CHECK:         arith.maximumf {{.+}} : vector<16xf32>
// CHECK-NOT:     linalg.pooling_nchw_sum
// CHECK:         arith.addf {{.+}} : vector<16xf32>
func.func @pooling(%x: memref<1x2x11x33xf32>, %w: memref<3x3xf32>, %o: memref<1x2x5x16xf32>,
                   %y: memref<1x2x10x34xf32>, %s: memref<1x2x8x32xf32>) {
  linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%x, %w : memref<1x2x11x33xf32>, memref<3x3xf32>) outs(%o : memref<1x2x5x16xf32>)
  linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%y, %w : memref<1x2x10x34xf32>, memref<3x3xf32>) outs(%s : memref<1x2x8x32xf32>)
  return
}
