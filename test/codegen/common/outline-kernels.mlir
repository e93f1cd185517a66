// RUN: kiln-opt %s --kiln-outline-kernels --split-input-file | FileCheck %s
// One kernel function per compute op; constants and reshapes stay in the host program;
// small constants are cloned into the kernels that read them; the signature is recorded.

// CHECK:      module attributes {kiln.signature = {entry = "main", inputs = [{name = "x", type = tensor<2x4xf32>}], outputs = [{name = "y", type = tensor<16xf32>}]}}
// CHECK-LABEL: func.func private @kernel0_matmul(
// CHECK-SAME:      %[[X:.+]]: tensor<2x4xf32>, %[[W:.+]]: tensor<4x8xf32>) -> tensor<2x8xf32>
// CHECK-SAME:      attributes {kiln.kernel, kiln.label = "mm0 (MatMul)"}
// CHECK-NEXT:    %[[R:.+]] = kiln.matmul %[[X]], %[[W]]
// CHECK-NEXT:    return %[[R]]
// CHECK-LABEL: func.func private @kernel1_add(
// CHECK-SAME:      %[[A:.+]]: tensor<2x8xf32>) -> tensor<2x8xf32>
// CHECK-SAME:      kiln.label = "add0 (Add)"
// CHECK-NEXT:    %[[C:.+]] = kiln.constant dense<5.000000e-01> : tensor<8xf32>
// CHECK-NEXT:    %[[S:.+]] = kiln.add %[[A]], %[[C]]
// CHECK-LABEL: func.func @main(
// CHECK-SAME:      %[[IN:.+]]: tensor<2x4xf32> {kiln.name = "x"})
// CHECK-NEXT:    %[[BIG:.+]] = kiln.constant dense<{{.+}}> : tensor<4x8xf32>
// CHECK-NEXT:    %[[M:.+]] = call @kernel0_matmul(%[[IN]], %[[BIG]])
// CHECK-NEXT:    %[[AD:.+]] = call @kernel1_add(%[[M]])
// CHECK-NEXT:    %[[RS:.+]] = kiln.reshape %[[AD]]
// CHECK-NEXT:    return %[[RS]]
func.func @main(%x: tensor<2x4xf32> {kiln.name = "x"}) -> (tensor<16xf32> {kiln.name = "y"}) {
  %w = kiln.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 0.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 0.0, 1.0], [2.0, 3.0, 4.0, 5.0, 6.0, 0.0, 1.0, 2.0], [3.0, 4.0, 5.0, 6.0, 0.0, 1.0, 2.0, 3.0]]> : tensor<4x8xf32>
  %b = kiln.constant dense<0.5> : tensor<8xf32>
  %m = kiln.matmul %x, %w : (tensor<2x4xf32>, tensor<4x8xf32>) -> tensor<2x8xf32> loc("mm0"("MatMul"))
  %a = kiln.add %m, %b : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32> loc("add0"("Add"))
  %r = kiln.reshape %a : tensor<2x8xf32> -> tensor<16xf32>
  return %r : tensor<16xf32>
}

