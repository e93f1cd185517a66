// RUN: kiln-opt %s --kiln-outline-kernels | FileCheck %s

// A kiln.fusion group becomes one kernel whose body is the group's body; a small
// constant operand of the group is cloned into the kernel like any other.
// CHECK-LABEL: func.func private @kernel0_fused_contraction(
// CHECK-SAME:    %[[A:.+]]: tensor<8x16xf32>, %[[W:.+]]: tensor<16x32xf32>) -> tensor<8x32xf32> attributes {kiln.kernel, kiln.label = "mm (MatMul), act (Relu)", kiln.scheme = "contraction"}
// CHECK:         %[[B:.+]] = kiln.constant dense<1.000000e+00> : tensor<32xf32>
// CHECK:         %[[M:.+]] = kiln.matmul %[[A]], %[[W]]
// CHECK:         %[[S:.+]] = kiln.add %[[M]], %[[B]]
// CHECK:         %[[Y:.+]] = kiln.relu %[[S]]
// CHECK:         return %[[Y]]
// CHECK-LABEL: func.func @main(
// CHECK:         %[[R:.+]] = call @kernel0_fused_contraction(%{{.+}}, %{{.+}})
// CHECK-NOT:     kiln.fusion
func.func @main(%x: tensor<8x16xf32>, %w: tensor<16x32xf32>) -> tensor<8x32xf32> {
  %b = kiln.constant dense<1.0> : tensor<32xf32>
  %r = kiln.fusion contraction (%x, %w, %b) : (tensor<8x16xf32>, tensor<16x32xf32>, tensor<32xf32>) -> tensor<8x32xf32> {
  ^bb0(%a: tensor<8x16xf32>, %c: tensor<16x32xf32>, %d: tensor<32xf32>):
    %m = kiln.matmul %a, %c : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32>
    %s = kiln.add %m, %d : (tensor<8x32xf32>, tensor<32xf32>) -> tensor<8x32xf32>
    %y = kiln.relu %s : tensor<8x32xf32>
    kiln.yield %y : tensor<8x32xf32>
  } loc(fused["mm"("MatMul"), "act"("Relu")])
  return %r : tensor<8x32xf32>
}
