// RUN: kiln-opt %s --split-input-file | kiln-opt --split-input-file | FileCheck %s
// RUN: kiln-opt %s --split-input-file --mlir-print-op-generic | kiln-opt --split-input-file | FileCheck %s
// kiln.fusion groups of every scheme round-trip through the custom and generic forms.

// CHECK-LABEL: func.func @contraction(
// CHECK:         %[[R:.+]] = kiln.fusion contraction (%{{.+}}, %{{.+}}, %{{.+}}) : (tensor<8x16xf32>, tensor<16x32xf32>, tensor<32xf32>) -> tensor<8x32xf32> {
// CHECK:         ^bb0(%[[A:.+]]: tensor<8x16xf32>, %[[W:.+]]: tensor<16x32xf32>, %[[B:.+]]: tensor<32xf32>):
// CHECK:           %[[M:.+]] = kiln.matmul %[[A]], %[[W]]
// CHECK:           %[[S:.+]] = kiln.add %[[M]], %[[B]]
// CHECK:           %[[Y:.+]] = kiln.relu %[[S]]
// CHECK:           kiln.yield %[[Y]] : tensor<8x32xf32>
// CHECK:         return %[[R]]
func.func @contraction(%x: tensor<8x16xf32>, %w: tensor<16x32xf32>, %b: tensor<32xf32>) -> tensor<8x32xf32> {
  %r = kiln.fusion contraction (%x, %w, %b) : (tensor<8x16xf32>, tensor<16x32xf32>, tensor<32xf32>) -> tensor<8x32xf32> {
  ^bb0(%a: tensor<8x16xf32>, %c: tensor<16x32xf32>, %d: tensor<32xf32>):
    %m = kiln.matmul %a, %c : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32>
    %s = kiln.add %m, %d : (tensor<8x32xf32>, tensor<32xf32>) -> tensor<8x32xf32>
    %y = kiln.relu %s : tensor<8x32xf32>
    kiln.yield %y : tensor<8x32xf32>
  }
  return %r : tensor<8x32xf32>
}

// -----

// A multi-output loop group.
// CHECK-LABEL: func.func @loop(
// CHECK:         %{{.+}}:2 = kiln.fusion loop (%{{.+}}) : (tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
func.func @loop(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %r:2 = kiln.fusion loop (%x) : (tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  ^bb0(%a: tensor<4xf32>):
    %e = kiln.exp %a : tensor<4xf32>
    %n = kiln.neg %e : tensor<4xf32>
    kiln.yield %e, %n : tensor<4xf32>, tensor<4xf32>
  }
  return %r#0, %r#1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @row_reduction(
// CHECK:         kiln.fusion row_reduction
// CHECK:           kiln.softmax
func.func @row_reduction(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %r = kiln.fusion row_reduction (%x) : (tensor<2x8xf32>) -> tensor<2x8xf32> {
  ^bb0(%a: tensor<2x8xf32>):
    %s = kiln.softmax %a axis = 1 : tensor<2x8xf32>
    %m = kiln.mul %s, %a : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
    kiln.yield %m : tensor<2x8xf32>
  }
  return %r : tensor<2x8xf32>
}
