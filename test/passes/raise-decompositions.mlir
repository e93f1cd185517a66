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

// -----

// The tanh form (torch's gelu(approximate='tanh') as exported): x^3 as pow(x, 3).
// CHECK-LABEL: func.func @gelu_tanh(
// CHECK-SAME:    %[[X:.+]]: tensor<4x32xf32>
// CHECK:         %[[Y:.+]] = kiln.gelu %[[X]] approximate = tanh : tensor<4x32xf32>
// CHECK-NEXT:    return %[[Y]]
func.func @gelu_tanh(%x: tensor<4x32xf32>) -> tensor<4x32xf32> {
  %three = kiln.constant dense<3.0> : tensor<f32>
  %k = kiln.constant dense<0.044715> : tensor<f32>
  %c = kiln.constant dense<0.797884583> : tensor<f32>
  %one = kiln.constant dense<1.0> : tensor<f32>
  %half = kiln.constant dense<0.5> : tensor<f32>
  %p = kiln.pow %x, %three : (tensor<4x32xf32>, tensor<f32>) -> tensor<4x32xf32>
  %q = kiln.mul %k, %p : (tensor<f32>, tensor<4x32xf32>) -> tensor<4x32xf32>
  %s = kiln.add %x, %q : (tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<4x32xf32>
  %t = kiln.mul %s, %c : (tensor<4x32xf32>, tensor<f32>) -> tensor<4x32xf32>
  %h = kiln.tanh %t : tensor<4x32xf32>
  %a = kiln.add %h, %one : (tensor<4x32xf32>, tensor<f32>) -> tensor<4x32xf32>
  %m = kiln.mul %x, %a : (tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<4x32xf32>
  %y = kiln.mul %m, %half : (tensor<4x32xf32>, tensor<f32>) -> tensor<4x32xf32>
  return %y : tensor<4x32xf32>
}

// -----

// x^3 as x * (x * x), the 0.5 on x first.
// CHECK-LABEL: func.func @gelu_tanh_products(
// CHECK:         kiln.gelu %{{.+}} approximate = tanh
// CHECK-NOT:     kiln.tanh
func.func @gelu_tanh_products(%x: tensor<8xf32>) -> tensor<8xf32> {
  %k = kiln.constant dense<0.044715> : tensor<f32>
  %c = kiln.constant dense<0.797884583> : tensor<f32>
  %one = kiln.constant dense<1.0> : tensor<f32>
  %half = kiln.constant dense<0.5> : tensor<f32>
  %hx = kiln.mul %x, %half : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %x2 = kiln.mul %x, %x : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %x3 = kiln.mul %x, %x2 : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %q = kiln.mul %x3, %k : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %s = kiln.add %q, %x : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %t = kiln.mul %c, %s : (tensor<f32>, tensor<8xf32>) -> tensor<8xf32>
  %h = kiln.tanh %t : tensor<8xf32>
  %a = kiln.add %one, %h : (tensor<f32>, tensor<8xf32>) -> tensor<8xf32>
  %y = kiln.mul %hx, %a : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// Must not fire: 0.05 is not the tanh form's 0.044715.
// CHECK-LABEL: func.func @not_gelu_tanh(
// CHECK-NOT:     kiln.gelu
// CHECK:         kiln.tanh
func.func @not_gelu_tanh(%x: tensor<8xf32>) -> tensor<8xf32> {
  %three = kiln.constant dense<3.0> : tensor<f32>
  %k = kiln.constant dense<0.05> : tensor<f32>
  %c = kiln.constant dense<0.797884583> : tensor<f32>
  %one = kiln.constant dense<1.0> : tensor<f32>
  %half = kiln.constant dense<0.5> : tensor<f32>
  %p = kiln.pow %x, %three : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %q = kiln.mul %k, %p : (tensor<f32>, tensor<8xf32>) -> tensor<8xf32>
  %s = kiln.add %x, %q : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %t = kiln.mul %s, %c : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %h = kiln.tanh %t : tensor<8xf32>
  %a = kiln.add %h, %one : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %m = kiln.mul %x, %a : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %y = kiln.mul %m, %half : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  return %y : tensor<8xf32>
}
