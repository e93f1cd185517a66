// RUN: kiln-opt %s --split-input-file --kiln-mixed-precision=precision=bf16 | FileCheck %s
// RUN: kiln-opt %s --split-input-file --kiln-mixed-precision=precision=fp16 | FileCheck %s --check-prefix=F16
// RUN: kiln-opt %s --split-input-file --kiln-mixed-precision=precision=fp32 | FileCheck %s --check-prefix=F32
// RUN: not kiln-opt %s --split-input-file --kiln-mixed-precision=precision=int4 2>&1 | FileCheck %s --check-prefix=BAD
// --kiln-mixed-precision: f32 matmuls take 16-bit operands (constant weights converted at
// compile time, rounding to nearest even: 0.1 is 0x3DCD in bf16, 0x2E66 in f16),
// activations are cast, the product is cast back to f32; the rest stays f32.

// CHECK-LABEL: func.func @linear
// CHECK-DAG:     %[[W:.+]] = kiln.constant dense<1.000980e-01> : tensor<4x2xbf16>
// CHECK-DAG:     %[[X:.+]] = kiln.cast %arg0 : tensor<3x4xf32> to tensor<3x4xbf16>
// CHECK:         %[[M:.+]] = kiln.matmul %[[X]], %[[W]] : (tensor<3x4xbf16>, tensor<4x2xbf16>) -> tensor<3x2xbf16>
// CHECK:         %[[Y:.+]] = kiln.cast %[[M]] : tensor<3x2xbf16> to tensor<3x2xf32>
// CHECK:         %[[R:.+]] = kiln.relu %[[Y]] : tensor<3x2xf32>
// CHECK:         return %[[R]]
// CHECK-NOT:     tensor<4x2xf32>
// F16-LABEL:   func.func @linear
// F16:           kiln.constant dense<9.997550e-02> : tensor<4x2xf16>
// F16:           kiln.matmul {{.+}} -> tensor<3x2xf16>
// F32-LABEL:   func.func @linear
// F32:           kiln.matmul %arg0, %{{.+}} : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
// BAD:         kiln-mixed-precision: precision 'int4' is not fp32, bf16 or fp16
func.func @linear(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %w = kiln.constant dense<0.1> : tensor<4x2xf32>
  %0 = kiln.matmul %x, %w : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  %1 = kiln.relu %0 : tensor<3x2xf32>
  return %1 : tensor<3x2xf32>
}

// -----

// Two activations, B transposed: both cast, the transpose kept; a weight shared by two
// products is converted once.
// CHECK-LABEL: func.func @attention_scores
// CHECK:         %[[Q:.+]] = kiln.cast %arg0 : tensor<2x8x16xf32> to tensor<2x8x16xbf16>
// CHECK:         %[[K:.+]] = kiln.cast %arg1 : tensor<2x8x16xf32> to tensor<2x8x16xbf16>
// CHECK:         kiln.matmul %[[Q]], %[[K]] transpose_b : (tensor<2x8x16xbf16>, tensor<2x8x16xbf16>) -> tensor<2x8x8xbf16>
// CHECK-LABEL: func.func @shared_weight
// CHECK-COUNT-1: kiln.constant
// CHECK-NOT:     kiln.constant
func.func @attention_scores(%q: tensor<2x8x16xf32>, %k: tensor<2x8x16xf32>) -> tensor<2x8x8xf32> {
  %0 = kiln.matmul %q, %k transpose_b : (tensor<2x8x16xf32>, tensor<2x8x16xf32>) -> tensor<2x8x8xf32>
  return %0 : tensor<2x8x8xf32>
}
func.func @shared_weight(%x: tensor<3x4xf32>, %y: tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>) {
  %w = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
  %0 = kiln.matmul %x, %w : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  %1 = kiln.matmul %y, %w : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  return %0, %1 : tensor<3x2xf32>, tensor<3x2xf32>
}

// -----

// Products that are not f32 (bf16 already, int8) are left alone.
// CHECK-LABEL: func.func @untouched
// CHECK-NOT:     kiln.cast
// CHECK:         kiln.matmul %arg0, %arg1 : (tensor<3x4xbf16>, tensor<4x2xbf16>) -> tensor<3x2xbf16>
// CHECK:         kiln.matmul %arg2, %arg3 : (tensor<3x4xi8>, tensor<4x2xi8>) -> tensor<3x2xi32>
func.func @untouched(%a: tensor<3x4xbf16>, %b: tensor<4x2xbf16>, %c: tensor<3x4xi8>, %d: tensor<4x2xi8>) -> (tensor<3x2xbf16>, tensor<3x2xi32>) {
  %0 = kiln.matmul %a, %b : (tensor<3x4xbf16>, tensor<4x2xbf16>) -> tensor<3x2xbf16>
  %1 = kiln.matmul %c, %d : (tensor<3x4xi8>, tensor<4x2xi8>) -> tensor<3x2xi32>
  return %0, %1 : tensor<3x2xbf16>, tensor<3x2xi32>
}
