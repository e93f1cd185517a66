// RUN: kiln-opt %s --kiln-fold-batch-norm --split-input-file | FileCheck %s
// --kiln-fold-batch-norm: batch_norm(conv2d | matmul [+ bias]) with constant weights and
// parameters becomes the conv / matmul with folded weights and bias. The folded blobs
// are checked byte for byte: a 4-byte alignment header (04000000), then little-endian
// f32 (2.0 = 00000040, -2.0 = 000000C0, 1.0 = 0000803F, 0.5 = 0000003F, 3.0 = 00004040).
//
// Parameters below: scale [4, 3], variance [3, 8], epsilon 1 -> f = scale / sqrt(var + eps)
// = [2, 1]; mean [0.5, 2], beta [1, -1].

// conv W = [1, 2], b = [1, 1]: W' = f W = [2, 2], b' = f (b - mean) + beta = [2, -2].
// CHECK-LABEL: func.func @conv_bias(
// CHECK-SAME:    %[[X:.+]]: tensor<1x1x4x4xf32>
// CHECK-NOT:     kiln.batch_norm
// CHECK:         %[[W:.+]] = kiln.constant dense_resource<[[WB:bn_folded_weight[_0-9]*]]> : tensor<2x1x1x1xf32>
// CHECK:         %[[B:.+]] = kiln.constant dense_resource<[[BB:bn_folded_bias[_0-9]*]]> : tensor<2xf32>
// CHECK:         %[[Y:.+]] = kiln.conv2d %[[X]], %[[W]], %[[B]] {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x6x6xf32>
// CHECK-NOT:     kiln.batch_norm
// CHECK:         return %[[Y]]
// CHECK:       [[WB]]: "0x040000000000004000000040"
// CHECK:       [[BB]]: "0x0400000000000040000000C0"
func.func @conv_bias(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x6x6xf32> {
  %w = kiln.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %b = kiln.constant dense<1.0> : tensor<2xf32>
  %s = kiln.constant dense<[4.0, 3.0]> : tensor<2xf32>
  %beta = kiln.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %m = kiln.constant dense<[0.5, 2.0]> : tensor<2xf32>
  %v = kiln.constant dense<[3.0, 8.0]> : tensor<2xf32>
  %y = kiln.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x6x6xf32>
  %z = kiln.batch_norm %y, %s, %beta, %m, %v epsilon = 1.0 : (tensor<1x2x6x6xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x6x6xf32>
  return %z : tensor<1x2x6x6xf32>
}

// -----

// Depthwise (groups = 2), no bias: W = [1, 2] -> [2, 2]; b' = -f mean + beta = [0, -3].
// CHECK-LABEL: func.func @depthwise_no_bias(
// CHECK:         %[[W:.+]] = kiln.constant dense_resource<[[WB:bn_folded_weight[_0-9]*]]> : tensor<2x1x1x1xf32>
// CHECK:         %[[B:.+]] = kiln.constant dense_resource<[[BB:bn_folded_bias[_0-9]*]]> : tensor<2xf32>
// CHECK:         kiln.conv2d %{{.+}}, %[[W]], %[[B]] {groups = 2 : i64}
// CHECK-NOT:     kiln.batch_norm
// CHECK:       [[WB]]: "0x040000000000004000000040"
// CHECK:       [[BB]]: "0x0400000000000000000040C0"
func.func @depthwise_no_bias(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = kiln.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %s = kiln.constant dense<[4.0, 3.0]> : tensor<2xf32>
  %beta = kiln.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %m = kiln.constant dense<[0.5, 2.0]> : tensor<2xf32>
  %v = kiln.constant dense<[3.0, 8.0]> : tensor<2xf32>
  %y = kiln.conv2d %x, %w {groups = 2 : i64} : (tensor<1x2x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %z = kiln.batch_norm %y, %s, %beta, %m, %v epsilon = 1.0 : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %z : tensor<1x2x4x4xf32>
}

// -----

// Gemm (transB) + bias + BatchNorm1d: W [N=2, K=2] = [[1, 1], [2, 2]] scales by rows:
// [[2, 2], [2, 2]]; bias [1, 1] -> [2, -2]. The matmul keeps transpose_b.
// CHECK-LABEL: func.func @gemm_bias(
// CHECK-SAME:    %[[X:.+]]: tensor<3x2xf32>
// CHECK:         %[[W:.+]] = kiln.constant dense_resource<[[WB:bn_folded_weight[_0-9]*]]> : tensor<2x2xf32>
// CHECK:         %[[M:.+]] = kiln.matmul %[[X]], %[[W]] transpose_b
// CHECK:         %[[B:.+]] = kiln.constant dense_resource<[[BB:bn_folded_bias[_0-9]*]]> : tensor<2xf32>
// CHECK:         %[[Y:.+]] = kiln.add %[[M]], %[[B]]
// CHECK-NOT:     kiln.batch_norm
// CHECK:         return %[[Y]]
// CHECK:       [[WB]]: "0x0400000000000040000000400000004000000040"
// CHECK:       [[BB]]: "0x0400000000000040000000C0"
func.func @gemm_bias(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = kiln.constant dense<[[1.0, 1.0], [2.0, 2.0]]> : tensor<2x2xf32>
  %b = kiln.constant dense<1.0> : tensor<2xf32>
  %s = kiln.constant dense<[4.0, 3.0]> : tensor<2xf32>
  %beta = kiln.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %m = kiln.constant dense<[0.5, 2.0]> : tensor<2xf32>
  %v = kiln.constant dense<[3.0, 8.0]> : tensor<2xf32>
  %y = kiln.matmul %x, %w transpose_b : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %a = kiln.add %b, %y : (tensor<2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  %z = kiln.batch_norm %a, %s, %beta, %m, %v epsilon = 1.0 : (tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %z : tensor<3x2xf32>
}

// -----

// Matmul W [K=1, N=2] = [1, 2] without bias: columns scale, [2, 2]; bias [0, -3].
// CHECK-LABEL: func.func @matmul_no_bias(
// CHECK:         kiln.matmul
// CHECK-NOT:     transpose_b
// CHECK:         kiln.add
// CHECK-NOT:     kiln.batch_norm
// CHECK:       "0x040000000000004000000040"
// CHECK:       "0x0400000000000000000040C0"
func.func @matmul_no_bias(%x: tensor<3x1xf32>) -> tensor<3x2xf32> {
  %w = kiln.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %s = kiln.constant dense<[4.0, 3.0]> : tensor<2xf32>
  %beta = kiln.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %m = kiln.constant dense<[0.5, 2.0]> : tensor<2xf32>
  %v = kiln.constant dense<[3.0, 8.0]> : tensor<2xf32>
  %y = kiln.matmul %x, %w : (tensor<3x1xf32>, tensor<1x2xf32>) -> tensor<3x2xf32>
  %z = kiln.batch_norm %y, %s, %beta, %m, %v epsilon = 1.0 : (tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %z : tensor<3x2xf32>
}

// -----

// Must not fold: the conv's result has another user (folding would change it).
// CHECK-LABEL: func.func @conv_two_users(
// CHECK:         %[[Y:.+]] = kiln.conv2d
// CHECK:         kiln.batch_norm %[[Y]]
// CHECK:         kiln.add %[[Y]]
func.func @conv_two_users(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = kiln.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %s = kiln.constant dense<[4.0, 3.0]> : tensor<2xf32>
  %beta = kiln.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %m = kiln.constant dense<[0.5, 2.0]> : tensor<2xf32>
  %v = kiln.constant dense<[3.0, 8.0]> : tensor<2xf32>
  %y = kiln.conv2d %x, %w : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %z = kiln.batch_norm %y, %s, %beta, %m, %v epsilon = 1.0 : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %r = kiln.add %y, %z : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %r : tensor<1x2x4x4xf32>
}

// -----

// Must not fold: weights that are not constant, parameters that are not constant, and a
// matmul of rank 3 (channel dim 1 is its rows, not its weights' columns).
// CHECK-LABEL: func.func @not_constant(
// CHECK:         kiln.batch_norm
// CHECK:         kiln.batch_norm
// CHECK:         kiln.batch_norm
func.func @not_constant(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x1x1xf32>, %s: tensor<2xf32>,
                        %x3: tensor<1x2x2xf32>)
    -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x2xf32>) {
  %wc = kiln.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %sc = kiln.constant dense<[4.0, 3.0]> : tensor<2xf32>
  %beta = kiln.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %m = kiln.constant dense<[0.5, 2.0]> : tensor<2xf32>
  %v = kiln.constant dense<[3.0, 8.0]> : tensor<2xf32>
  %w2 = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %y = kiln.conv2d %x, %w : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %z = kiln.batch_norm %y, %sc, %beta, %m, %v epsilon = 1.0 : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %y2 = kiln.conv2d %x, %wc : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %z2 = kiln.batch_norm %y2, %s, %beta, %m, %v epsilon = 1.0 : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %y3 = kiln.matmul %x3, %w2 : (tensor<1x2x2xf32>, tensor<2x2xf32>) -> tensor<1x2x2xf32>
  %z3 = kiln.batch_norm %y3, %sc, %beta, %m, %v epsilon = 1.0 : (tensor<1x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2xf32>
  return %z, %z2, %z3 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x2xf32>
}
