// RUN: kiln-opt %s --kiln-lower-to-linalg --split-input-file -verify-diagnostics
// Ops --kiln-lower-to-linalg cannot lower get an error at the op that names it, says why and what to do; the pass fails.

func.func @dynamic_operand(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{kiln-lower-to-linalg: cannot lower 'kiln.add': operand 0 has a dynamic shape (tensor<?x4xf32>); only static shapes lower to linalg: give the model's inputs static shapes (--input-shape NAME=DIMS) and run shape inference before codegen}}
  %0 = kiln.add %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// A static operand with a dynamic result is reported on the result.
func.func @dynamic_result(%x: tensor<6xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{kiln-lower-to-linalg: cannot lower 'kiln.reshape': result 0 has a dynamic shape (tensor<?xf32>)}}
  %0 = kiln.reshape %x : tensor<6xf32> -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// Every unsupported op is reported, not only the first.
func.func @two_errors(%a: tensor<?xf32>, %b: tensor<2x?xi8>) -> (tensor<?xf32>, tensor<2x?xi8>) {
  // expected-error @+1 {{cannot lower 'kiln.exp': operand 0 has a dynamic shape (tensor<?xf32>)}}
  %0 = kiln.exp %a : tensor<?xf32>
  // expected-error @+1 {{cannot lower 'kiln.neg': operand 0 has a dynamic shape (tensor<2x?xi8>)}}
  %1 = kiln.neg %b : tensor<2x?xi8>
  return %0, %1 : tensor<?xf32>, tensor<2x?xi8>
}

// -----

// A per-axis quantized conv input would need a different padding value per channel.
func.func @conv_per_axis_input(%x: tensor<1x2x4x4x!quant.uniform<i8:f32:1, {0.1:1, 0.2:2}>>, %w: tensor<1x2x3x3xi8>) -> tensor<1x1x2x2xi32> {
  // expected-error @+1 {{kiln-lower-to-linalg: cannot lower 'kiln.conv2d': its input is quantized per axis ('!quant.uniform<i8:f32:1, {1.000000e-01:1,2.000000e-01:2}>'), which codegen does not support; quantize the input per tensor (weights may be per axis)}}
  %0 = kiln.conv2d %x, %w : (tensor<1x2x4x4x!quant.uniform<i8:f32:1, {0.1:1, 0.2:2}>>, tensor<1x2x3x3xi8>) -> tensor<1x1x2x2xi32>
  return %0 : tensor<1x1x2x2xi32>
}

// -----

// Must not fire: static shapes in the same module as ops of other dialects with
// dynamic shapes (only kiln ops are checked).
// expected-no-diagnostics
func.func @other_dialects_dynamic(%x: tensor<?xf32>, %y: tensor<4xf32>) -> (tensor<?xf32>, tensor<4xf32>) {
  %0 = kiln.relu %y : tensor<4xf32>
  return %x, %0 : tensor<?xf32>, tensor<4xf32>
}
