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

// N = 49 (a 7 x 7 feature map): padded to two 32-wide panels; the padded columns of B
// and of the accumulator are zero (the column clamped for the read, then selected
// away); the valid 49 columns are copied back into C.
// CHECK-LABEL: func.func @padded(
// CHECK-SAME:    %[[A:.+]]: tensor<8x64xf32>, %[[B:.+]]: tensor<64x49xf32>, %[[C:.+]]: tensor<8x49xf32>
// CHECK-DAG:     %[[C48:.+]] = arith.constant 48 : index
// CHECK-DAG:     %[[C49:.+]] = arith.constant 49 : index
// CHECK:         %[[BP:.+]] = linalg.generic {{.+}} outs(%{{.+}} : tensor<2x64x32xf32>) attrs = {kiln.packed_operand}
// CHECK:           %[[COL:.+]] = arith.addi
// CHECK:           %[[CL:.+]] = arith.minsi %[[COL]], %[[C48]]
// CHECK:           %[[V:.+]] = tensor.extract %[[B]][%{{.+}}, %[[CL]]]
// CHECK:           %[[IN:.+]] = arith.cmpi slt, %[[COL]], %[[C49]]
// CHECK:           arith.select %[[IN]], %[[V]], %{{.+}}
// CHECK:         %[[ACC:.+]] = linalg.generic {{.+}} outs(%{{.+}} : tensor<8x2x32xf32>) attrs = {kiln.packed_operand}
// CHECK:           tensor.extract %[[C]]
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
