// RUN: kiln-opt %s --split-input-file --kiln-mixed-precision="precision=bf16 convolutions=true" | FileCheck %s
// RUN: kiln-opt %s --split-input-file --kiln-mixed-precision=precision=bf16 | FileCheck %s --check-prefix=KEEP
// --kiln-mixed-precision with `convolutions` (what the CUDA pipeline sets): a dense conv2d
// takes 16-bit input, weight and bias (constants converted at compile time, the input
// cast) and its result is cast back to f32; a depthwise one stays f32. Without the option
// (the CPU pipeline) every convolution stays f32.

// CHECK-LABEL: func.func @dense
// CHECK-SAME:      %[[X:.+]]: tensor<1x4x8x8xf32>
// CHECK:         %[[XH:.+]] = kiln.cast %[[X]] : tensor<1x4x8x8xf32> to tensor<1x4x8x8xbf16>
// CHECK-DAG:     %[[W:.+]] = kiln.constant dense<1.000000e+00> : tensor<8x4x3x3xbf16>
// CHECK-DAG:     %[[B:.+]] = kiln.constant dense<{{.+}}> : tensor<8xbf16>
// CHECK:         %[[Y:.+]] = kiln.conv2d %[[XH]], %[[W]], %[[B]] {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x8x8xbf16>, tensor<8x4x3x3xbf16>, tensor<8xbf16>) -> tensor<1x8x8x8xbf16>
// CHECK:         %[[YF:.+]] = kiln.cast %[[Y]] : tensor<1x8x8x8xbf16> to tensor<1x8x8x8xf32>
// CHECK:         kiln.relu %[[YF]]
// KEEP-LABEL: func.func @dense
// KEEP-NOT:      bf16
func.func @dense(%x: tensor<1x4x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %w = kiln.constant dense<1.0> : tensor<8x4x3x3xf32>
  %b = kiln.constant dense<0.1> : tensor<8xf32>
  %y = kiln.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %r = kiln.relu %y : tensor<1x8x8x8xf32>
  return %r : tensor<1x8x8x8xf32>
}

// -----

// CHECK-LABEL: func.func @depthwise
// CHECK-NOT:     bf16
func.func @depthwise(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = kiln.constant dense<1.0> : tensor<4x1x3x3xf32>
  %y = kiln.conv2d %x, %w {groups = 4 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}
