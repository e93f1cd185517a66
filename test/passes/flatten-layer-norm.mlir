// RUN: kiln-opt %s --kiln-flatten-layer-norm --split-input-file | FileCheck %s
// kiln-flatten-layer-norm (CUDA pipeline): a layer norm over several trailing dims is one
// over their product between reshapes; over the last dim only, it is left alone.

// CHECK-LABEL: func.func @over_chw(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<2x3x4x5xf32>, %[[G:[^:]+]]: tensor<3x4x5xf32>, %[[B:[^:]+]]: tensor<3x4x5xf32>
// CHECK:         %[[XF:.+]] = kiln.reshape %[[X]] : tensor<2x3x4x5xf32> -> tensor<2x60xf32>
// CHECK:         %[[GF:.+]] = kiln.reshape %[[G]] : tensor<3x4x5xf32> -> tensor<60xf32>
// CHECK:         %[[BF:.+]] = kiln.reshape %[[B]] : tensor<3x4x5xf32> -> tensor<60xf32>
// CHECK:         %[[Y:.+]] = kiln.layer_norm %[[XF]] scale %[[GF]] bias %[[BF]] axis = 1 epsilon = 1.000000e-05
// CHECK:         %[[R:.+]] = kiln.reshape %[[Y]] : tensor<2x60xf32> -> tensor<2x3x4x5xf32>
// CHECK:         return %[[R]]
func.func @over_chw(%x: tensor<2x3x4x5xf32>, %g: tensor<3x4x5xf32>, %b: tensor<3x4x5xf32>) -> tensor<2x3x4x5xf32> {
  %y = kiln.layer_norm %x scale %g bias %b axis = 1 epsilon = 1.0e-05 : (tensor<2x3x4x5xf32>, tensor<3x4x5xf32>, tensor<3x4x5xf32>) -> tensor<2x3x4x5xf32>
  return %y : tensor<2x3x4x5xf32>
}

// -----

// axis = 0: everything normalized, as one row [1, n]; no parameters.
// CHECK-LABEL: func.func @everything(
// CHECK:         %[[XF:.+]] = kiln.reshape %{{.+}} : tensor<3x4xf32> -> tensor<1x12xf32>
// CHECK:         kiln.layer_norm %[[XF]] axis = 1
// CHECK:         kiln.reshape %{{.+}} : tensor<1x12xf32> -> tensor<3x4xf32>
func.func @everything(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %y = kiln.layer_norm %x axis = 0 epsilon = 1.0e-05 : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

// Must not fire: already over the last dim.
// CHECK-LABEL: func.func @last_dim(
// CHECK-NOT:     kiln.reshape
// CHECK:         kiln.layer_norm %{{.+}} axis = 2
func.func @last_dim(%x: tensor<2x3x4xf32>, %g: tensor<4xf32>) -> tensor<2x3x4xf32> {
  %y = kiln.layer_norm %x scale %g axis = 2 epsilon = 1.0e-05 : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}
