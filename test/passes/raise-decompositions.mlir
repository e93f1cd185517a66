// RUN: kiln-opt %s --kiln-raise-decompositions --split-input-file | FileCheck %s
// Exporters' LayerNorm and GELU chains become kiln.layer_norm / kiln.gelu.

// CHECK-LABEL: func.func @layer_norm(
// CHECK-SAME:    %[[X:.+]]: tensor<1x16x64xf32>, %[[G:.+]]: tensor<64xf32>, %[[B:.+]]: tensor<64xf32>
// CHECK:         %[[Y:.+]] = kiln.layer_norm %[[X]] scale %[[G]] bias %[[B]] axis = 2 epsilon = {{9.99999974[0-9]*[eE]-0*6}} : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
// CHECK-NEXT:    return %[[Y]]
func.func @layer_norm(%x: tensor<1x16x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<1x16x64xf32> {
  %two = kiln.constant dense<2.0> : tensor<f32>
  %eps = kiln.constant dense<1.0e-05> : tensor<f32>
  %m = kiln.reduce mean %x axes = [2] keep_dims : (tensor<1x16x64xf32>) -> tensor<1x16x1xf32>
  %d = kiln.sub %x, %m : (tensor<1x16x64xf32>, tensor<1x16x1xf32>) -> tensor<1x16x64xf32>
  %p = kiln.pow %d, %two : (tensor<1x16x64xf32>, tensor<f32>) -> tensor<1x16x64xf32>
  %v = kiln.reduce mean %p axes = [2] keep_dims : (tensor<1x16x64xf32>) -> tensor<1x16x1xf32>
  %s = kiln.add %v, %eps : (tensor<1x16x1xf32>, tensor<f32>) -> tensor<1x16x1xf32>
  %r = kiln.sqrt %s : tensor<1x16x1xf32>
  %n = kiln.div %d, %r : (tensor<1x16x64xf32>, tensor<1x16x1xf32>) -> tensor<1x16x64xf32>
  %y = kiln.mul %n, %g : (tensor<1x16x64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
  %z = kiln.add %b, %y : (tensor<64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  return %z : tensor<1x16x64xf32>
}

// -----

// Square as d * d, over the two trailing axes, no affine tail.
// CHECK-LABEL: func.func @layer_norm_plain(
// CHECK:         %[[Y:.+]] = kiln.layer_norm %{{.+}} axis = 1 epsilon = 0.0010000000474974513 : (tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
// CHECK-NEXT:    return %[[Y]]
func.func @layer_norm_plain(%x: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %eps = kiln.constant dense<1.0e-03> : tensor<f32>
  %m = kiln.reduce mean %x axes = [1, 2] keep_dims : (tensor<2x4x8xf32>) -> tensor<2x1x1xf32>
  %d = kiln.sub %x, %m : (tensor<2x4x8xf32>, tensor<2x1x1xf32>) -> tensor<2x4x8xf32>
  %p = kiln.mul %d, %d : (tensor<2x4x8xf32>, tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %v = kiln.reduce mean %p axes = [1, 2] keep_dims : (tensor<2x4x8xf32>) -> tensor<2x1x1xf32>
  %s = kiln.add %eps, %v : (tensor<f32>, tensor<2x1x1xf32>) -> tensor<2x1x1xf32>
  %r = kiln.sqrt %s : tensor<2x1x1xf32>
  %n = kiln.div %d, %r : (tensor<2x4x8xf32>, tensor<2x1x1xf32>) -> tensor<2x4x8xf32>
  return %n : tensor<2x4x8xf32>
}

// -----

// Must not fire: the centered value is also returned; the mean is not over trailing axes.
// CHECK-LABEL: func.func @centered_escapes(
// CHECK-NOT:     kiln.layer_norm
func.func @centered_escapes(%x: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  %eps = kiln.constant dense<1.0e-05> : tensor<f32>
  %m = kiln.reduce mean %x axes = [1] keep_dims : (tensor<2x8xf32>) -> tensor<2x1xf32>
  %d = kiln.sub %x, %m : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  %p = kiln.mul %d, %d : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %v = kiln.reduce mean %p axes = [1] keep_dims : (tensor<2x8xf32>) -> tensor<2x1xf32>
  %s = kiln.add %v, %eps : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %r = kiln.sqrt %s : tensor<2x1xf32>
  %n = kiln.div %d, %r : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  return %n, %d : tensor<2x8xf32>, tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func.func @leading_axis(
// CHECK-NOT:     kiln.layer_norm
func.func @leading_axis(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %eps = kiln.constant dense<1.0e-05> : tensor<f32>
  %m = kiln.reduce mean %x axes = [0] keep_dims : (tensor<2x8xf32>) -> tensor<1x8xf32>
  %d = kiln.sub %x, %m : (tensor<2x8xf32>, tensor<1x8xf32>) -> tensor<2x8xf32>
  %p = kiln.mul %d, %d : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %v = kiln.reduce mean %p axes = [0] keep_dims : (tensor<2x8xf32>) -> tensor<1x8xf32>
  %s = kiln.add %v, %eps : (tensor<1x8xf32>, tensor<f32>) -> tensor<1x8xf32>
  %r = kiln.sqrt %s : tensor<1x8xf32>
  %n = kiln.div %d, %r : (tensor<2x8xf32>, tensor<1x8xf32>) -> tensor<2x8xf32>
  return %n : tensor<2x8xf32>
}

// -----

// GELU as torch exports it: x / sqrt(2) -> erf -> + 1 -> * x -> * 0.5.
// CHECK-LABEL: func.func @gelu(
// CHECK-SAME:    %[[X:.+]]: tensor<16x256xf32>
// CHECK:         %[[Y:.+]] = kiln.gelu %[[X]] : tensor<16x256xf32>
// CHECK-NEXT:    return %[[Y]]
func.func @gelu(%x: tensor<16x256xf32>) -> tensor<16x256xf32> {
  %s2 = kiln.constant dense<1.41421354> : tensor<f32>
  %one = kiln.constant dense<1.0> : tensor<f32>
  %half = kiln.constant dense<0.5> : tensor<f32>
  %a = kiln.div %x, %s2 : (tensor<16x256xf32>, tensor<f32>) -> tensor<16x256xf32>
  %e = kiln.erf %a : tensor<16x256xf32>
  %p = kiln.add %e, %one : (tensor<16x256xf32>, tensor<f32>) -> tensor<16x256xf32>
  %m = kiln.mul %x, %p : (tensor<16x256xf32>, tensor<16x256xf32>) -> tensor<16x256xf32>
  %y = kiln.mul %m, %half : (tensor<16x256xf32>, tensor<f32>) -> tensor<16x256xf32>
  return %y : tensor<16x256xf32>
}

// -----

// The 0.5 on x first, the scaling as a multiplication by 1/sqrt(2).
// CHECK-LABEL: func.func @gelu_half_first(
// CHECK:         kiln.gelu
// CHECK-NOT:     kiln.erf
func.func @gelu_half_first(%x: tensor<8xf32>) -> tensor<8xf32> {
  %r2 = kiln.constant dense<0.707106769> : tensor<f32>
  %one = kiln.constant dense<1.0> : tensor<f32>
  %half = kiln.constant dense<0.5> : tensor<f32>
  %h = kiln.mul %half, %x : (tensor<f32>, tensor<8xf32>) -> tensor<8xf32>
  %a = kiln.mul %x, %r2 : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %e = kiln.erf %a : tensor<8xf32>
  %p = kiln.add %one, %e : (tensor<f32>, tensor<8xf32>) -> tensor<8xf32>
  %y = kiln.mul %h, %p : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// Must not fire: 0.6 is not GELU's 0.5.
// CHECK-LABEL: func.func @not_gelu(
// CHECK-NOT:     kiln.gelu
// CHECK:         kiln.erf
func.func @not_gelu(%x: tensor<8xf32>) -> tensor<8xf32> {
  %s2 = kiln.constant dense<1.41421354> : tensor<f32>
  %one = kiln.constant dense<1.0> : tensor<f32>
  %c = kiln.constant dense<0.6> : tensor<f32>
  %a = kiln.div %x, %s2 : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %e = kiln.erf %a : tensor<8xf32>
  %p = kiln.add %e, %one : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %m = kiln.mul %x, %p : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %y = kiln.mul %m, %c : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  return %y : tensor<8xf32>
}
