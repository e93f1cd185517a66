// RUN: kiln-opt %s --kiln-normalize-row-axes --split-input-file | FileCheck %s
// kiln-normalize-row-axes (CUDA pipeline): a layer norm over several trailing dims is one
// over their product between reshapes; a softmax over another axis than the last runs
// over the last, through a reshape or a transpose pair; over the last dim only, both are
// left alone.

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

// -----

// Softmax over axis 1 of [2, 3, 4]: moved last by a transpose, transposed back.
// CHECK-LABEL: func.func @softmax_axis1(
// CHECK:         %[[T:.+]] = kiln.transpose %{{.+}} permutation = [0, 2, 1] : tensor<2x3x4xf32> -> tensor<2x4x3xf32>
// CHECK:         %[[S:.+]] = kiln.softmax %[[T]] axis = 2 : tensor<2x4x3xf32>
// CHECK:         %[[R:.+]] = kiln.transpose %[[S]] permutation = [0, 2, 1] : tensor<2x4x3xf32> -> tensor<2x3x4xf32>
// CHECK:         return %[[R]]
func.func @softmax_axis1(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %y = kiln.softmax %x axis = 1 : tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}

// -----

// Log-softmax over axis 0 of [5, 1, 1]: the dims after it are 1, a reshape suffices.
// CHECK-LABEL: func.func @log_softmax_unit_after(
// CHECK:         %[[F:.+]] = kiln.reshape %{{.+}} : tensor<5x1x1xf32> -> tensor<5xf32>
// CHECK:         %[[S:.+]] = kiln.log_softmax %[[F]] axis = 0 : tensor<5xf32>
// CHECK:         kiln.reshape %[[S]] : tensor<5xf32> -> tensor<5x1x1xf32>
// CHECK-NOT:     kiln.transpose
func.func @log_softmax_unit_after(%x: tensor<5x1x1xf32>) -> tensor<5x1x1xf32> {
  %y = kiln.log_softmax %x axis = 0 : tensor<5x1x1xf32>
  return %y : tensor<5x1x1xf32>
}

// -----

// Must not fire: already over the last axis.
// CHECK-LABEL: func.func @softmax_last(
// CHECK-NOT:     kiln.transpose
// CHECK:         kiln.softmax %{{.+}} axis = 1
func.func @softmax_last(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %y = kiln.softmax %x axis = 1 : tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// A reduction over every dim (LayerNormalization's Mean output at axis 0): one row.
// CHECK-LABEL: func.func @reduce_all(
// CHECK:         %[[F:.+]] = kiln.reshape %{{.+}} : tensor<3x4xf32> -> tensor<1x12xf32>
// CHECK:         %[[R:.+]] = kiln.reduce mean %[[F]] axes = [1] keep_dims : (tensor<1x12xf32>) -> tensor<1x1xf32>
// CHECK:         kiln.reshape %[[R]] : tensor<1x1xf32> -> tensor<f32>
func.func @reduce_all(%x: tensor<3x4xf32>) -> tensor<f32> {
  %y = kiln.reduce mean %x axes = [0, 1] : (tensor<3x4xf32>) -> tensor<f32>
  return %y : tensor<f32>
}
