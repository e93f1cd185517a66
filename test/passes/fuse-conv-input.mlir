// RUN: kiln-opt %s '--kiln-fuse=contraction-prologues=false conv-input-prologues=true' --split-input-file | FileCheck %s
// RUN: kiln-opt %s '--kiln-fuse=contraction-prologues=false' --split-input-file | FileCheck %s --check-prefix=OFF
// conv-input-prologues (what the CUDA pipeline sets, with contraction-prologues=false):
// a convolution takes the elementwise ops that feed only its data input, because both
// CUDA convolution kernels gather that input element by element and compute them as
// they read it. Its weight, transposes and matmuls get no prologue.

// The residual stream of a ResNet under --precision=bf16: the f32 sum feeds the next
// block's convolution (through a cast to bf16) and its residual add. The cast joins the
// convolution; the f32 value stays one tensor with two consumers.
// CHECK-LABEL: func.func @residual_cast(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<1x8x6x6xf32>, %[[W:[^:]+]]: tensor<8x8x3x3xbf16>
// CHECK:         %[[R:.+]] = kiln.fusion contraction (%[[X]], %[[W]])
// CHECK-NEXT:    ^bb0(%[[IN:[^:]+]]: tensor<1x8x6x6xf32>, %{{.+}}: tensor<8x8x3x3xbf16>):
// CHECK-NEXT:      %[[C:.+]] = kiln.cast %[[IN]] : tensor<1x8x6x6xf32> to tensor<1x8x6x6xbf16>
// CHECK-NEXT:      kiln.conv2d %[[C]]
// CHECK:           kiln.add %{{.+}}, %[[IN]]
// CHECK:         return %[[R]]
// OFF-LABEL: func.func @residual_cast(
// OFF:         %[[C:.+]] = kiln.cast
// OFF:         kiln.fusion contraction (%[[C]],
func.func @residual_cast(%x: tensor<1x8x6x6xf32>, %w: tensor<8x8x3x3xbf16>) -> tensor<1x8x6x6xf32> {
  %xb = kiln.cast %x : tensor<1x8x6x6xf32> to tensor<1x8x6x6xbf16>
  %y = kiln.conv2d %xb, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x6x6xbf16>, tensor<8x8x3x3xbf16>) -> tensor<1x8x6x6xbf16>
  %yf = kiln.cast %y : tensor<1x8x6x6xbf16> to tensor<1x8x6x6xf32>
  %s = kiln.add %yf, %x : (tensor<1x8x6x6xf32>, tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32>
  return %s : tensor<1x8x6x6xf32>
}

// -----

// Only the data input: the cast of a weight that is a graph input stays its own kernel
// (the implicit GEMM copies the weight with cp.async as it is in memory); so do a
// matmul's operand cast and a transpose before a convolution.
// CHECK-LABEL: func.func @input_only(
// CHECK:         %[[WB:.+]] = kiln.cast %{{.+}} : tensor<8x8x3x3xf32> to tensor<8x8x3x3xbf16>
// CHECK:         %[[T:.+]] = kiln.transpose
// CHECK:         %[[AB:.+]] = kiln.cast %{{.+}} : tensor<4x8xf32> to tensor<4x8xbf16>
// CHECK:         kiln.matmul %[[AB]]
// CHECK:         kiln.fusion contraction (%{{.+}}, %[[WB]]) : (tensor<1x8x6x6xf32>, tensor<8x8x3x3xbf16>)
// CHECK:           kiln.cast %{{.+}} : tensor<1x8x6x6xf32> to tensor<1x8x6x6xbf16>
// CHECK:           kiln.conv2d
// CHECK:         kiln.conv2d %[[T]]
func.func @input_only(%x: tensor<1x8x6x6xf32>, %w: tensor<8x8x3x3xf32>, %a: tensor<4x8xf32>, %b: tensor<8x4xbf16>, %z: tensor<1x6x6x8xbf16>, %w2: tensor<8x8x3x3xbf16>) -> (tensor<1x8x6x6xbf16>, tensor<4x4xbf16>, tensor<1x8x6x6xbf16>) {
  %wb = kiln.cast %w : tensor<8x8x3x3xf32> to tensor<8x8x3x3xbf16>
  %zt = kiln.transpose %z permutation = [0, 3, 1, 2] : tensor<1x6x6x8xbf16> -> tensor<1x8x6x6xbf16>
  %ab = kiln.cast %a : tensor<4x8xf32> to tensor<4x8xbf16>
  %m = kiln.matmul %ab, %b : (tensor<4x8xbf16>, tensor<8x4xbf16>) -> tensor<4x4xbf16>
  %xb = kiln.cast %x : tensor<1x8x6x6xf32> to tensor<1x8x6x6xbf16>
  %y = kiln.conv2d %xb, %wb {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x6x6xbf16>, tensor<8x8x3x3xbf16>) -> tensor<1x8x6x6xbf16>
  %y2 = kiln.conv2d %zt, %w2 {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x6x6xbf16>, tensor<8x8x3x3xbf16>) -> tensor<1x8x6x6xbf16>
  return %y, %m, %y2 : tensor<1x8x6x6xbf16>, tensor<4x4xbf16>, tensor<1x8x6x6xbf16>
}
