// RUN: kiln-opt %s --split-input-file -verify-diagnostics
// Verifier diagnostics of the kiln dialect: shape-inference rules, verify() rules, ODS type constraints and result-type mismatches.

// Inference failures also report the generic "'kiln.x' op failed to infer returned types"
// at the same location, so those cases expect two errors.

//===----------------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------------===//

func.func @matmul_rank_1(%a: tensor<4xf32>, %b: tensor<4x3xf32>) -> tensor<3xf32> {
  // expected-error @+2 {{matmul: operands must have rank >= 2 (got 1 and 2); reshape vectors to 1xK or Kx1 matrices}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<4xf32>, tensor<4x3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @matmul_k_mismatch(%a: tensor<2x4xf32>, %b: tensor<5x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{matmul: lhs has K = 4 but rhs has K = 5 (lhs 2x4, rhs 5x3, transpose_a = false, transpose_b = false)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<2x4xf32>, tensor<5x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Without transpose_a this would be K = 4 on both sides; with it lhs K is dim 0 = 2.
func.func @matmul_k_mismatch_transpose_a(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+2 {{matmul: lhs has K = 2 but rhs has K = 4 (lhs 2x4, rhs 4x3, transpose_a = true, transpose_b = false)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b transpose_a : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// Without transpose_b this would be K = 4 on both sides; with it rhs K is dim 1 = 3.
func.func @matmul_k_mismatch_transpose_b(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{matmul: lhs has K = 4 but rhs has K = 3 (lhs 2x4, rhs 4x3, transpose_a = false, transpose_b = true)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b transpose_b : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @matmul_k_mismatch_transpose_both(%a: tensor<4x2xf32>, %b: tensor<3x2xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{matmul: lhs has K = 4 but rhs has K = 2 (lhs 4x2, rhs 3x2, transpose_a = true, transpose_b = true)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b transpose_a transpose_b : (tensor<4x2xf32>, tensor<3x2xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @matmul_batch_no_broadcast(%a: tensor<2x5x4xf32>, %b: tensor<3x4x6xf32>) -> tensor<3x5x6xf32> {
  // expected-error @+2 {{matmul: batch dims 2 and 3 do not broadcast}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<2x5x4xf32>, tensor<3x4x6xf32>) -> tensor<3x5x6xf32>
  return %0 : tensor<3x5x6xf32>
}

// -----

func.func @matmul_f32_i8(%a: tensor<2x4xf32>, %b: tensor<4x3xi8>) -> tensor<2x3xf32> {
  // expected-error @+2 {{matmul: lhs is 'f32' but rhs is 'i8'; cast or dequantize so both sides have one float type}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<2x4xf32>, tensor<4x3xi8>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @matmul_f32_f16(%a: tensor<2x4xf32>, %b: tensor<4x3xf16>) -> tensor<2x3xf32> {
  // expected-error @+2 {{matmul: lhs is 'f32' but rhs is 'f16'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<2x4xf32>, tensor<4x3xf16>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Quantized operands must store 8-bit integers.
func.func @matmul_quant_i16(%a: tensor<2x4xi8>, %b: tensor<4x3x!quant.uniform<i16:f32, 0.5>>) -> tensor<2x3xi32> {
  // expected-error @+2 {{matmul: unsupported element types 'i8' and '!quant.uniform<i16:f32, 5.000000e-01>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<2x4xi8>, tensor<4x3x!quant.uniform<i16:f32, 0.5>>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

func.func @matmul_result_shape(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{'kiln.matmul' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<2x4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// i8 x i8 accumulates into i32, not f32.
func.func @matmul_result_element_type(%a: tensor<2x4xi8>, %b: tensor<4x3xi8>) -> tensor<2x3xf32> {
  // expected-error @+2 {{inferred type(s) 'tensor<2x3xi32>' are incompatible with return type(s) of operation 'tensor<2x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<2x4xi8>, tensor<4x3xi8>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @matmul_i32_operand(%a: tensor<2x4xi32>, %b: tensor<4x3xi32>) -> tensor<2x3xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of}}
  %0 = kiln.matmul %a, %b : (tensor<2x4xi32>, tensor<4x3xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

//===----------------------------------------------------------------------------===//
// conv2d
//===----------------------------------------------------------------------------===//

func.func @conv2d_input_rank(%x: tensor<3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{conv2d: input must be NCHW (rank 4), got rank 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w : (tensor<3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_weight_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{conv2d: weight must be OIHW (rank 4), got rank 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_strides_size(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{conv2d: strides must hold 2 positive values, got [1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {strides = array<i64: 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_strides_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{conv2d: strides must hold 2 positive values, got [1, 0]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {strides = array<i64: 1, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_pads_size(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{conv2d: pads [top, left, bottom, right] must hold 4 non-negative values, got [1, 1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {pads = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @conv2d_pads_negative(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{conv2d: pads [top, left, bottom, right] must hold 4 non-negative values, got [0, -1, 0, 0]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {pads = array<i64: 0, -1, 0, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_dilations_size(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{conv2d: dilations must hold 2 positive values, got [1, 1, 1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {dilations = array<i64: 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_dilations_negative(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{conv2d: dilations must hold 2 positive values, got [-1, 1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {dilations = array<i64: -1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_groups_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{conv2d: groups must be >= 1, got 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {groups = 0 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_f32_f16(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf16>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{conv2d: input is 'f32' but weight is 'f16'; cast or dequantize so both sides have one float type}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf16>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{conv2d: input has 3 channels but the weight expects 4 (groups = 1)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// With groups = 2 the weight's I = 4 asks for 8 input channels.
func.func @conv2d_channels_grouped(%x: tensor<1x4x8x8xf32>, %w: tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{conv2d: input has 4 channels but the weight expects 8 (groups = 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {groups = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_out_channels_not_multiple(%x: tensor<1x4x8x8xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32> {
  // expected-error @+2 {{conv2d: weight has 3 output channels, not a multiple of groups = 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {groups = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32>
  return %0 : tensor<1x3x6x6xf32>
}

// -----

func.func @conv2d_bias_size(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<5xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{conv2d: bias has shape 5 but the weight has 4 output channels (expected a 1-D bias of that size)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<5xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_bias_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<1x4xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{conv2d: bias has shape 1x4 but the weight has 4 output channels}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<1x4xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv2d_bias_element_type(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf16>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{conv2d: bias has element type 'f16' but the result is 'f32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf16>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// i8 input and weight accumulate into i32, so an f32 bias does not match.
func.func @conv2d_bias_element_type_int(%x: tensor<1x3x8x8xi8>, %w: tensor<4x3x3x3xi8>, %b: tensor<4xf32>) -> tensor<1x4x6x6xi32> {
  // expected-error @+2 {{conv2d: bias has element type 'f32' but the result is 'i32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w, %b : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xi8>, tensor<4xf32>) -> tensor<1x4x6x6xi32>
  return %0 : tensor<1x4x6x6xi32>
}

// -----

func.func @conv2d_output_height_zero(%x: tensor<1x3x2x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x0x6xf32> {
  // expected-error @+2 {{conv2d: output height would be 0: input 2 plus pads 0 is smaller than the dilated kernel 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w : (tensor<1x3x2x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x0x6xf32>
  return %0 : tensor<1x4x0x6xf32>
}

// -----

// Dilation 2 turns the 3-wide kernel into a 5-wide window; 3 + 1 padding is not enough.
func.func @conv2d_output_width_zero(%x: tensor<1x3x8x3xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x4x0xf32> {
  // expected-error @+2 {{conv2d: output width would be 0: input 3 plus pads 1 is smaller than the dilated kernel 5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {dilations = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 1>} : (tensor<1x3x8x3xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x4x0xf32>
  return %0 : tensor<1x4x4x0xf32>
}

// -----

func.func @conv2d_result_shape(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{'kiln.conv2d' op inferred type(s) 'tensor<1x4x6x6xf32>' are incompatible with return type(s) of operation 'tensor<1x4x8x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

//===----------------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------------===//

func.func @exp_i32(%a: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'kiln.exp' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or 64-bit float values, but got 'tensor<4xi32>'}}
  %0 = kiln.exp %a : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @neg_i1(%a: tensor<4xi1>) -> tensor<4xi1> {
  // expected-error @+1 {{'kiln.neg' op operand #0 must be ranked tensor of}}
  %0 = kiln.neg %a : tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @not_f32(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.not' op operand #0 must be ranked tensor of 1-bit signless integer values, but got 'tensor<4xf32>'}}
  %0 = kiln.not %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Ops whose result type equals the operand type (SameOperandsAndResultType) only
// disagree in the generic form.
func.func @exp_result_type(%a: tensor<4xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{'kiln.exp' op requires the same type for all operands and results}}
  %0 = "kiln.exp"(%a) : (tensor<4xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @clip_min_above_max(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.clip' op clip: min 6.000000e+00 is greater than max 5.000000e-01}}
  %0 = kiln.clip %a {min = 6.0 : f64, max = 0.5 : f64} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @add_no_broadcast(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{add: operand shapes 2x3 and 2x4 do not broadcast (numpy rules: trailing dims must be equal or 1)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.add %a, %b : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @mul_no_broadcast_rank(%a: tensor<3x2xf32>, %b: tensor<3xf32>) -> tensor<3x3xf32> {
  // expected-error @+2 {{mul: operand shapes 3x2 and 3 do not broadcast}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.mul %a, %b : (tensor<3x2xf32>, tensor<3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @add_element_type(%a: tensor<2x3xf32>, %b: tensor<2x3xi32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{add: operand 1 has element type 'i32' but operand 0 has 'f32'; insert a kiln.cast to make them match}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.add %a, %b : (tensor<2x3xf32>, tensor<2x3xi32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @and_f32(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.and' op operand #0 must be ranked tensor of 1-bit signless integer values, but got 'tensor<4xf32>'}}
  %0 = kiln.and %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @add_result_shape(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+2 {{'kiln.add' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @cmp_element_type(%a: tensor<2x3xf32>, %b: tensor<2x3xi32>) -> tensor<2x3xi1> {
  // expected-error @+2 {{cmp: operand 1 has element type 'i32' but operand 0 has 'f32'; insert a kiln.cast to make them match}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.cmp lt, %a, %b : (tensor<2x3xf32>, tensor<2x3xi32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// -----

func.func @cmp_no_broadcast(%a: tensor<2x3xf32>, %b: tensor<2xf32>) -> tensor<2x3xi1> {
  // expected-error @+2 {{cmp: operand shapes 2x3 and 2 do not broadcast}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.cmp eq, %a, %b : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x3xi1>
  return %0 : tensor<2x3xi1>
}

// -----

func.func @cmp_result_not_i1(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.cmp' op result #0 must be ranked tensor of 1-bit signless integer values, but got 'tensor<4xf32>'}}
  %0 = kiln.cmp lt, %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @cmp_result_shape(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<3xi1> {
  // expected-error @+2 {{'kiln.cmp' op inferred type(s) 'tensor<2x3xi1>' are incompatible with return type(s) of operation 'tensor<3xi1>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.cmp ge, %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

func.func @select_branch_types(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<4xf16>) -> tensor<4xf32> {
  // expected-error @+2 {{select: on_true is 'f32' but on_false is 'f16'; both branches need one element type}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.select %c, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @select_no_broadcast(%c: tensor<3xi1>, %a: tensor<2x4xf32>, %b: tensor<f32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{select: condition 3, on_true 2x4 and on_false scalar do not broadcast}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.select %c, %a, %b : (tensor<3xi1>, tensor<2x4xf32>, tensor<f32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @select_condition_f32(%c: tensor<4xf32>, %a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.select' op operand #0 must be ranked tensor of 1-bit signless integer values, but got 'tensor<4xf32>'}}
  %0 = kiln.select %c, %a, %b : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @select_result_shape(%c: tensor<2x1xi1>, %a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{'kiln.select' op inferred type(s) 'tensor<2x4xf32>' are incompatible with return type(s) of operation 'tensor<4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.select %c, %a, %b : (tensor<2x1xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

//===----------------------------------------------------------------------------===//
// Reductions and normalizations
//===----------------------------------------------------------------------------===//

func.func @reduce_empty_axes(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{reduce: axes must not be empty; list every reduced dim}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reduce sum %a axes = [] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @reduce_axis_out_of_range(%a: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+2 {{reduce: axis 2 is out of range for a rank-2 input (expected 0 <= axis < 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reduce sum %a axes = [2] : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @reduce_axis_negative(%a: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+2 {{reduce: axis -1 is out of range for a rank-2 input (expected 0 <= axis < 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reduce max %a axes = [-1] : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @reduce_axes_unsorted(%a: tensor<2x3x4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{reduce: axes must be sorted and unique, got [1, 0]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reduce mean %a axes = [1, 0] : (tensor<2x3x4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @reduce_axes_duplicate(%a: tensor<2x3x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{reduce: axes must be sorted and unique, got [1, 1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reduce sum %a axes = [1, 1] : (tensor<2x3x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @reduce_i1(%a: tensor<2x3xi1>) -> tensor<2xi1> {
  // expected-error @+1 {{'kiln.reduce' op operand #0 must be ranked tensor of}}
  %0 = kiln.reduce sum %a axes = [1] : (tensor<2x3xi1>) -> tensor<2xi1>
  return %0 : tensor<2xi1>
}

// -----

// Without keep_dims the reduced dim disappears.
func.func @reduce_result_shape(%a: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+2 {{'kiln.reduce' op inferred type(s) 'tensor<2xf32>' are incompatible with return type(s) of operation 'tensor<2x1xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reduce sum %a axes = [1] : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @argmax_axis(%a: tensor<2x3xf32>) -> tensor<2xi64> {
  // expected-error @+2 {{argmax: axis 2 is out of range for a rank-2 input (expected 0 <= axis < 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.argmax %a axis = 2 : (tensor<2x3xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @argmax_result_i32(%a: tensor<2x3xf32>) -> tensor<2xi32> {
  // expected-error @+1 {{'kiln.argmax' op result #0 must be ranked tensor of 64-bit signless integer values, but got 'tensor<2xi32>'}}
  %0 = kiln.argmax %a axis = 1 : (tensor<2x3xf32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

func.func @argmax_result_shape(%a: tensor<2x3xf32>) -> tensor<2xi64> {
  // expected-error @+2 {{'kiln.argmax' op inferred type(s) 'tensor<2x1xi64>' are incompatible with return type(s) of operation 'tensor<2xi64>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.argmax %a axis = 1 keep_dims : (tensor<2x3xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @softmax_axis(%a: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'kiln.softmax' op softmax: axis 2 is out of range for a rank-2 input (expected 0 <= axis < 2)}}
  %0 = kiln.softmax %a axis = 2 : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @log_softmax_axis(%a: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'kiln.log_softmax' op log_softmax: axis -1 is out of range for a rank-2 input (expected 0 <= axis < 2)}}
  %0 = kiln.log_softmax %a axis = -1 : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @softmax_i32(%a: tensor<2x8xi32>) -> tensor<2x8xi32> {
  // expected-error @+1 {{'kiln.softmax' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or 64-bit float values, but got 'tensor<2x8xi32>'}}
  %0 = kiln.softmax %a axis = 1 : tensor<2x8xi32>
  return %0 : tensor<2x8xi32>
}

// -----

func.func @layer_norm_axis(%a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+2 {{layer_norm: axis 2 is out of range for a rank-2 input (expected 0 <= axis < 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.layer_norm %a axis = 2 epsilon = 1.0e-05 : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @layer_norm_epsilon(%a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+2 {{layer_norm: epsilon must be >= 0, got -1.000000e-05}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.layer_norm %a axis = 1 epsilon = -1.0e-05 : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @layer_norm_scale_shape(%a: tensor<4x8xf32>, %g: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+2 {{layer_norm: scale has shape 4x8 but the normalized shape is 8 (input dims 1..1)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.layer_norm %a scale %g axis = 1 epsilon = 1.0e-05 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @layer_norm_bias_shape(%a: tensor<2x4x8xf32>, %g: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<2x4x8xf32> {
  // expected-error @+2 {{layer_norm: bias has shape 8 but the normalized shape is 4x8 (input dims 1..2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.layer_norm %a scale %g bias %b axis = 1 epsilon = 1.0e-05 : (tensor<2x4x8xf32>, tensor<4x8xf32>, tensor<8xf32>) -> tensor<2x4x8xf32>
  return %0 : tensor<2x4x8xf32>
}

// -----

func.func @layer_norm_scale_dtype(%a: tensor<4x8xf32>, %g: tensor<8xf16>) -> tensor<4x8xf32> {
  // expected-error @+2 {{layer_norm: scale is 'f16' but the input is 'f32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.layer_norm %a scale %g axis = 1 epsilon = 1.0e-05 : (tensor<4x8xf32>, tensor<8xf16>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @layer_norm_bias_dtype(%a: tensor<4x8xf32>, %b: tensor<8xbf16>) -> tensor<4x8xf32> {
  // expected-error @+2 {{layer_norm: bias is 'bf16' but the input is 'f32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.layer_norm %a bias %b axis = 1 epsilon = 1.0e-05 : (tensor<4x8xf32>, tensor<8xbf16>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @layer_norm_result_type(%a: tensor<4x8xf32>) -> tensor<4x8xf16> {
  // expected-error @+2 {{'kiln.layer_norm' op inferred type(s) 'tensor<4x8xf32>' are incompatible with return type(s) of operation 'tensor<4x8xf16>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.layer_norm %a axis = 1 epsilon = 1.0e-05 : (tensor<4x8xf32>) -> tensor<4x8xf16>
  return %0 : tensor<4x8xf16>
}

// -----

func.func @batch_norm_rank(%x: tensor<4xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{batch_norm: input must have a channel dim 1 (rank >= 2), got rank 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.batch_norm %x, %s, %b, %m, %v epsilon = 1.0e-05 : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @batch_norm_epsilon(%x: tensor<1x4x8x8xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{batch_norm: epsilon must be >= 0, got -1.000000e+00}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.batch_norm %x, %s, %b, %m, %v epsilon = -1.0 : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @batch_norm_dtype(%x: tensor<1x4x8x8xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf16>, %v: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{batch_norm: mean is 'f16' but the input is 'f32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.batch_norm %x, %s, %b, %m, %v epsilon = 1.0e-05 : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf16>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @batch_norm_scale_shape(%x: tensor<1x4x8x8xf32>, %s: tensor<3xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{batch_norm: scale has shape 3 but the input has 4 channels (expected one value per channel)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.batch_norm %x, %s, %b, %m, %v epsilon = 1.0e-05 : (tensor<1x4x8x8xf32>, tensor<3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @batch_norm_bias_shape(%x: tensor<1x4x8x8xf32>, %s: tensor<4xf32>, %b: tensor<1x4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{batch_norm: bias has shape 1x4 but the input has 4 channels (expected one value per channel)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.batch_norm %x, %s, %b, %m, %v epsilon = 1.0e-05 : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<1x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @batch_norm_mean_shape(%x: tensor<1x4x8x8xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<8xf32>, %v: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{batch_norm: mean has shape 8 but the input has 4 channels (expected one value per channel)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.batch_norm %x, %s, %b, %m, %v epsilon = 1.0e-05 : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<8xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @batch_norm_variance_shape(%x: tensor<1x4x8x8xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<f32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{batch_norm: variance has shape scalar but the input has 4 channels (expected one value per channel)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.batch_norm %x, %s, %b, %m, %v epsilon = 1.0e-05 : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @batch_norm_result_shape(%x: tensor<1x4x8x8xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x8x7xf32> {
  // expected-error @+2 {{'kiln.batch_norm' op inferred type(s) 'tensor<1x4x8x8xf32>' are incompatible with return type(s) of operation 'tensor<1x4x8x7xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.batch_norm %x, %s, %b, %m, %v epsilon = 1.0e-05 : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x7xf32>
  return %0 : tensor<1x4x8x7xf32>
}

// -----

func.func @pool2d_rank(%x: tensor<4x8x8xf32>) -> tensor<4x6x6xf32> {
  // expected-error @+2 {{pool2d: input must be NCHW (rank 4), got rank 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pool2d max %x kernel = [3, 3] : (tensor<4x8x8xf32>) -> tensor<4x6x6xf32>
  return %0 : tensor<4x6x6xf32>
}

// -----

func.func @pool2d_argmax_result(%x: tensor<4x8x8xf32>) -> tensor<1x4x4x4xi64> {
  // expected-error @+2 {{pool2d_argmax: input must be NCHW (rank 4), got rank 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pool2d_argmax %x kernel = [2, 2] : (tensor<4x8x8xf32>) -> tensor<1x4x4x4xi64>
  return %0 : tensor<1x4x4x4xi64>
}

// -----

func.func @pool2d_kernel_size(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{pool2d: kernel must hold 2 positive values, got [3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pool2d max %x kernel = [3] : (tensor<1x4x8x8xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @pool2d_kernel_zero(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{pool2d: kernel must hold 2 positive values, got [3, 0]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pool2d max %x kernel = [3, 0] : (tensor<1x4x8x8xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @pool2d_strides(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{pool2d: strides must hold 2 positive values, got [0, 1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pool2d max %x kernel = [3, 3] {strides = array<i64: 0, 1>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @pool2d_pads(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{pool2d: pads [top, left, bottom, right] must hold 4 non-negative values, got [1, 1, -1, 1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pool2d avg %x kernel = [3, 3] {pads = array<i64: 1, 1, -1, 1>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @pool2d_dilations(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{pool2d: dilations must hold 2 positive values, got [1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pool2d max %x kernel = [3, 3] {dilations = array<i64: 1>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @pool2d_count_include_pad_max(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{pool2d: count_include_pad applies to avg pooling only}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pool2d max %x kernel = [3, 3] {pads = array<i64: 1, 1, 1, 1>, count_include_pad} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @pool2d_pad_ge_window(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x10x8xf32> {
  // expected-error @+2 {{pool2d: pads [2, 0, 0, 0] are not all smaller than the window 2; a window would lie entirely in the padding}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pool2d max %x kernel = [2, 2] {pads = array<i64: 2, 0, 0, 0>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x10x8xf32>
  return %0 : tensor<1x4x10x8xf32>
}

// -----

func.func @pool2d_output_zero(%x: tensor<1x4x8x2xf32>) -> tensor<1x4x6x0xf32> {
  // expected-error @+2 {{pool2d: output width would be 0: input 2 plus pads 0 is smaller than the window 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pool2d avg %x kernel = [3, 3] : (tensor<1x4x8x2xf32>) -> tensor<1x4x6x0xf32>
  return %0 : tensor<1x4x6x0xf32>
}

// -----

func.func @pool2d_result_shape(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+2 {{'kiln.pool2d' op inferred type(s) 'tensor<1x4x3x3xf32>' are incompatible with return type(s) of operation 'tensor<1x4x4x4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pool2d max %x kernel = [3, 3] {strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

func.func @global_pool_rank(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error @+2 {{global_pool: input must be (N, C, spatial...) with rank >= 3, got rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.global_pool avg %x : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

func.func @global_pool_result_shape(%x: tensor<1x4x7x7xf32>) -> tensor<1x4xf32> {
  // expected-error @+2 {{'kiln.global_pool' op inferred type(s) 'tensor<1x4x1x1xf32>' are incompatible with return type(s) of operation 'tensor<1x4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.global_pool avg %x : (tensor<1x4x7x7xf32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

//===----------------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------------===//

func.func @transpose_duplicate(%a: tensor<2x3xf32>) -> tensor<2x2xf32> {
  // expected-error @+2 {{transpose: permutation [0, 0] is not a permutation of 0..1 for a rank-2 input}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.transpose %a permutation = [0, 0] : tensor<2x3xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @transpose_out_of_range(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{transpose: permutation [2, 0] is not a permutation of 0..1 for a rank-2 input}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.transpose %a permutation = [2, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @transpose_length(%a: tensor<2x3x4xf32>) -> tensor<3x2x4xf32> {
  // expected-error @+2 {{transpose: permutation [1, 0] is not a permutation of 0..2 for a rank-3 input}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.transpose %a permutation = [1, 0] : tensor<2x3x4xf32> -> tensor<3x2x4xf32>
  return %0 : tensor<3x2x4xf32>
}

// -----

func.func @transpose_result_shape(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'kiln.transpose' op inferred type(s) 'tensor<3x2xf32>' are incompatible with return type(s) of operation 'tensor<2x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.transpose %a permutation = [1, 0] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// The custom syntax can spell a concat of nothing.
func.func @concat_no_inputs() -> tensor<2xf32> {
  // expected-error @+2 {{concat: needs at least one input}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.concat axis = 0 : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @concat_axis(%a: tensor<1x3xf32>, %b: tensor<2x3xf32>) -> tensor<3x3xf32> {
  // expected-error @+2 {{concat: axis 2 is out of range for a rank-2 input (expected 0 <= axis < 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.concat %a, %b axis = 2 : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @concat_rank(%a: tensor<1x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{concat: input 1 is 'tensor<3xf32>' but input 0 is 'tensor<1x3xf32>'; inputs need one element type and rank}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.concat %a, %b axis = 0 : (tensor<1x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @concat_element_type(%a: tensor<1x3xf32>, %b: tensor<1x3xf32>, %c: tensor<1x3xi32>) -> tensor<3x3xf32> {
  // expected-error @+2 {{concat: input 2 is 'tensor<1x3xi32>' but input 0 is 'tensor<1x3xf32>'; inputs need one element type and rank}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.concat %a, %b, %c axis = 0 : (tensor<1x3xf32>, tensor<1x3xf32>, tensor<1x3xi32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @concat_non_axis_dim(%a: tensor<1x3xf32>, %b: tensor<2x4xf32>) -> tensor<3x3xf32> {
  // expected-error @+2 {{concat: input 1 has size 4 in dim 1 but the inputs before it have 3; inputs must agree on every dim except axis 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.concat %a, %b axis = 0 : (tensor<1x3xf32>, tensor<2x4xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @concat_result_shape(%a: tensor<1x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'kiln.concat' op inferred type(s) 'tensor<3x3xf32>' are incompatible with return type(s) of operation 'tensor<2x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.concat %a, %b axis = 0 : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @slice_list_length(%a: tensor<2x4xf32>) -> tensor<2x2xf32> {
  // expected-error @+2 {{slice: ends has 1 values but the input has rank 2 (one value per dim)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.slice %a starts = [0, 1] ends = [2] steps = [1, 1] : tensor<2x4xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @slice_step_zero(%a: tensor<2x4xf32>) -> tensor<2x2xf32> {
  // expected-error @+2 {{slice: step of dim 1 is 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.slice %a starts = [0, 1] ends = [2, 3] steps = [1, 0] : tensor<2x4xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @slice_end_past_dim(%a: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{slice: dim 1 range start 1, end 5, step 1 is not normalized for a dim of size 4 (need 0 <= start <= end <= size)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.slice %a starts = [0, 1] ends = [2, 5] steps = [1, 1] : tensor<2x4xf32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @slice_negative_start(%a: tensor<2x4xf32>) -> tensor<2x2xf32> {
  // expected-error @+2 {{slice: dim 0 range start -1, end 2, step 1 is not normalized for a dim of size 2 (need 0 <= start <= end <= size)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.slice %a starts = [-1, 1] ends = [2, 3] steps = [1, 1] : tensor<2x4xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @slice_negative_step_start_past_dim(%a: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{slice: dim 1 range start 4, end -1, step -1 is not normalized for a dim of size 4 (need -1 <= end <= start < size)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.slice %a starts = [0, 4] ends = [2, -1] steps = [1, -1] : tensor<2x4xf32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @slice_negative_step_end_below(%a: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{slice: dim 1 range start 3, end -2, step -1 is not normalized for a dim of size 4 (need -1 <= end <= start < size)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.slice %a starts = [0, 3] ends = [2, -2] steps = [1, -1] : tensor<2x4xf32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// ceil((3 - 0) / 2) = 2 elements, not 3.
func.func @slice_result_shape(%a: tensor<2x4xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'kiln.slice' op inferred type(s) 'tensor<2x2xf32>' are incompatible with return type(s) of operation 'tensor<2x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.slice %a starts = [0, 0] ends = [2, 3] steps = [1, 2] : tensor<2x4xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gather_axis(%t: tensor<100x16xf32>, %i: tensor<5xi64>) -> tensor<5x16xf32> {
  // expected-error @+2 {{gather: axis 2 is out of range for a rank-2 input (expected 0 <= axis < 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gather %t, %i axis = 2 : (tensor<100x16xf32>, tensor<5xi64>) -> tensor<5x16xf32>
  return %0 : tensor<5x16xf32>
}

// -----

func.func @gather_float_indices(%t: tensor<100x16xf32>, %i: tensor<5xf32>) -> tensor<5x16xf32> {
  // expected-error @+1 {{'kiln.gather' op operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<5xf32>'}}
  %0 = kiln.gather %t, %i axis = 0 : (tensor<100x16xf32>, tensor<5xf32>) -> tensor<5x16xf32>
  return %0 : tensor<5x16xf32>
}

// -----

func.func @gather_result_shape(%t: tensor<100x16xf32>, %i: tensor<2x5xi64>) -> tensor<10x16xf32> {
  // expected-error @+2 {{'kiln.gather' op inferred type(s) 'tensor<2x5x16xf32>' are incompatible with return type(s) of operation 'tensor<10x16xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.gather %t, %i axis = 0 : (tensor<100x16xf32>, tensor<2x5xi64>) -> tensor<10x16xf32>
  return %0 : tensor<10x16xf32>
}

// -----

func.func @pad_list_length(%a: tensor<2x3xf32>) -> tensor<2x5xf32> {
  // expected-error @+2 {{pad: pads [begin..., end...] must hold 4 non-negative values, got [1, 1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pad %a pads = [1, 1] : tensor<2x3xf32> -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @pad_negative(%a: tensor<2x3xf32>) -> tensor<2x2xf32> {
  // expected-error @+2 {{pad: pads [begin..., end...] must hold 4 non-negative values, got [0, 0, 0, -1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pad %a pads = [0, 0, 0, -1] : tensor<2x3xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @pad_reflect_too_wide(%a: tensor<2x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{pad: reflect padding of dim 1 by 3 and 0 needs pads smaller than its size 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pad %a pads = [0, 3, 0, 0] mode = reflect : tensor<2x3xf32> -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @pad_edge_empty_dim(%a: tensor<2x0xf32>) -> tensor<2x2xf32> {
  // expected-error @+2 {{pad: edge padding of dim 1 needs a non-empty dim}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pad %a pads = [0, 1, 0, 1] mode = edge : tensor<2x0xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @pad_result_shape(%a: tensor<2x3xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{'kiln.pad' op inferred type(s) 'tensor<2x5xf32>' are incompatible with return type(s) of operation 'tensor<2x4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pad %a pads = [0, 1, 0, 1] : tensor<2x3xf32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @split_axis(%a: tensor<4x8xf32>) -> (tensor<4x2xf32>, tensor<4x6xf32>) {
  // expected-error @+2 {{split: axis 2 is out of range for a rank-2 input (expected 0 <= axis < 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0, %1 = kiln.split %a axis = 2 sizes = [2, 6] : tensor<4x8xf32> -> tensor<4x2xf32>, tensor<4x6xf32>
  return %0, %1 : tensor<4x2xf32>, tensor<4x6xf32>
}

// -----

func.func @split_negative_size(%a: tensor<4x8xf32>) -> (tensor<4x10xf32>, tensor<4x2xf32>) {
  // expected-error @+2 {{split: sizes must be a non-empty list of sizes >= 0, got [10, -2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0, %1 = kiln.split %a axis = 1 sizes = [10, -2] : tensor<4x8xf32> -> tensor<4x10xf32>, tensor<4x2xf32>
  return %0, %1 : tensor<4x10xf32>, tensor<4x2xf32>
}

// -----

func.func @split_empty_sizes(%a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+2 {{split: sizes must be a non-empty list of sizes >= 0, got []}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.split %a axis = 1 sizes = [] : tensor<4x8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @split_sizes_sum(%a: tensor<4x8xf32>) -> (tensor<4x2xf32>, tensor<4x5xf32>) {
  // expected-error @+2 {{split: sizes [2, 5] sum to 7 but axis 1 has 8 elements}}
  // expected-error @+1 {{failed to infer returned types}}
  %0, %1 = kiln.split %a axis = 1 sizes = [2, 5] : tensor<4x8xf32> -> tensor<4x2xf32>, tensor<4x5xf32>
  return %0, %1 : tensor<4x2xf32>, tensor<4x5xf32>
}

// -----

// Three sizes make three results.
func.func @split_result_count(%a: tensor<4x8xf32>) -> (tensor<4x2xf32>, tensor<4x6xf32>) {
  // expected-error @+2 {{'kiln.split' op inferred type(s) 'tensor<4x2xf32>', 'tensor<4x3xf32>', 'tensor<4x3xf32>' are incompatible with return type(s) of operation 'tensor<4x2xf32>', 'tensor<4x6xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0, %1 = kiln.split %a axis = 1 sizes = [2, 3, 3] : tensor<4x8xf32> -> tensor<4x2xf32>, tensor<4x6xf32>
  return %0, %1 : tensor<4x2xf32>, tensor<4x6xf32>
}

// -----

func.func @reshape_element_count(%a: tensor<2x3xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{'kiln.reshape' op reshape: input has 6 elements (2x3) but the result has 5 (5)}}
  %0 = kiln.reshape %a : tensor<2x3xf32> -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @reshape_element_type(%a: tensor<2x3xf32>) -> tensor<6xf16> {
  // expected-error @+1 {{'kiln.reshape' op reshape: input element type 'f32' differs from the result's 'f16'; reshape never converts, use kiln.cast}}
  %0 = kiln.reshape %a : tensor<2x3xf32> -> tensor<6xf16>
  return %0 : tensor<6xf16>
}

// -----

func.func @broadcast_to_element_type(%a: tensor<3xf32>) -> tensor<2x3xi32> {
  // expected-error @+1 {{'kiln.broadcast_to' op broadcast_to: input element type 'f32' differs from the result's 'i32'}}
  %0 = kiln.broadcast_to %a : tensor<3xf32> -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

func.func @broadcast_to_rank(%a: tensor<2x3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'kiln.broadcast_to' op broadcast_to: cannot broadcast rank 2 input 2x3 to rank 1 3}}
  %0 = kiln.broadcast_to %a : tensor<2x3xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @broadcast_to_dim(%a: tensor<2x3xf32>) -> tensor<4x4x3xf32> {
  // expected-error @+1 {{'kiln.broadcast_to' op broadcast_to: input dim 0 of size 2 cannot broadcast to 4 (input 2x3, result 4x4x3)}}
  %0 = kiln.broadcast_to %a : tensor<2x3xf32> -> tensor<4x4x3xf32>
  return %0 : tensor<4x4x3xf32>
}

// -----

//===----------------------------------------------------------------------------===//
// Constants and quantization
//===----------------------------------------------------------------------------===//

func.func @constant_shape() -> tensor<3xf32> {
  // expected-error @+1 {{'kiln.constant' op constant: value has type 'tensor<2xf32>' but the result is 'tensor<3xf32>'}}
  %0 = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32> as tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @constant_element_type() -> tensor<2xi32> {
  // expected-error @+1 {{'kiln.constant' op constant: value element type 'i8' differs from the result's 'i32' (only a quantized result may reinterpret integer storage)}}
  %0 = kiln.constant dense<[1, 2]> : tensor<2xi8> as tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

func.func @constant_quant_storage_width() -> tensor<2x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{'kiln.constant' op constant: quantized result stores 'i8' but the value holds 'i16'; give the value as i8}}
  %0 = kiln.constant dense<[1, 2]> : tensor<2xi16> as tensor<2x!quant.uniform<i8:f32, 0.5>>
  return %0 : tensor<2x!quant.uniform<i8:f32, 0.5>>
}

// -----

func.func @constant_quant_float_value() -> tensor<2x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{'kiln.constant' op constant: quantized result stores 'i8' but the value holds 'f32'; give the value as i8}}
  %0 = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32> as tensor<2x!quant.uniform<i8:f32, 0.5>>
  return %0 : tensor<2x!quant.uniform<i8:f32, 0.5>>
}

// -----

func.func @quantize_expressed_type(%a: tensor<4xf16>) -> tensor<4x!quant.uniform<i8:f32, 0.1:-3>> {
  // expected-error @+1 {{'kiln.quantize' op quantize: the quantized type expresses 'f32' but the float side is 'f16'}}
  %0 = kiln.quantize %a : tensor<4xf16> to tensor<4x!quant.uniform<i8:f32, 0.1:-3>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.1:-3>>
}

// -----

func.func @quantize_per_axis_dim(%a: tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i8:f32:2, {0.1, 0.2}>> {
  // expected-error @+1 {{'kiln.quantize' op quantize: per-axis quantization on dim 2 of a rank-2 tensor}}
  %0 = kiln.quantize %a : tensor<2x3xf32> to tensor<2x3x!quant.uniform<i8:f32:2, {0.1, 0.2}>>
  return %0 : tensor<2x3x!quant.uniform<i8:f32:2, {0.1, 0.2}>>
}

// -----

func.func @quantize_per_axis_scales(%a: tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i8:f32:1, {0.1, 0.2}>> {
  // expected-error @+1 {{'kiln.quantize' op quantize: per-axis type has 2 scales but dim 1 has 3 elements (one scale and zero point per element of that dim)}}
  %0 = kiln.quantize %a : tensor<2x3xf32> to tensor<2x3x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
  return %0 : tensor<2x3x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
}

// -----

func.func @quantize_int_input(%a: tensor<4xi8>) -> tensor<4x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{'kiln.quantize' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or 64-bit float values, but got 'tensor<4xi8>'}}
  %0 = kiln.quantize %a : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.1>>
}

// -----

func.func @dequantize_expressed_type(%q: tensor<4x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<4xbf16> {
  // expected-error @+1 {{'kiln.dequantize' op dequantize: the quantized type expresses 'f32' but the float side is 'bf16'}}
  %0 = kiln.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.1:-3>> to tensor<4xbf16>
  return %0 : tensor<4xbf16>
}

// -----

func.func @dequantize_per_axis_dim(%q: tensor<4x!quant.uniform<i8:f32:1, {0.1, 0.2}>>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.dequantize' op dequantize: per-axis quantization on dim 1 of a rank-1 tensor}}
  %0 = kiln.dequantize %q : tensor<4x!quant.uniform<i8:f32:1, {0.1, 0.2}>> to tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @dequantize_per_axis_scales(%q: tensor<3x2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) -> tensor<3x2xf32> {
  // expected-error @+1 {{'kiln.dequantize' op dequantize: per-axis type has 2 scales but dim 0 has 3 elements (one scale and zero point per element of that dim)}}
  %0 = kiln.dequantize %q : tensor<3x2x!quant.uniform<i8:f32:0, {0.1, 0.2}>> to tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @dequantize_float_input(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.dequantize' op operand #0 must be ranked tensor of !quant.uniform values, but got 'tensor<4xf32>'}}
  %0 = kiln.dequantize %a : tensor<4xf32> to tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// The concat message names the size settled by earlier inputs, not input 0's `?`.
func.func @concat_after_dynamic(%a: tensor<1x?xf32>, %b: tensor<1x3xf32>, %c: tensor<1x4xf32>) -> tensor<3x3xf32> {
  // expected-error @+2 {{concat: input 2 has size 4 in dim 1 but the inputs before it have 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.concat %a, %b, %c axis = 0 : (tensor<1x?xf32>, tensor<1x3xf32>, tensor<1x4xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @conv2d_zero_kernel(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x0x3xf32>) -> tensor<1x4x9x6xf32> {
  // expected-error @+2 {{conv2d: weight kernel height is 0; kernel dims must be >= 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x0x3xf32>) -> tensor<1x4x9x6xf32>
  return %0 : tensor<1x4x9x6xf32>
}

// -----

func.func @conv2d_dilation_overflow(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{conv2d: dilated kernel height does not fit in int64 (kernel 3, dilation 4611686018427387904)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {dilations = array<i64: 4611686018427387904, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @pool2d_dilation_overflow(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x6x6xf32> {
  // expected-error @+2 {{pool2d: dilated window does not fit in int64 (kernel 3, dilation 4611686018427387904)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pool2d max %x kernel = [3, 3] {dilations = array<i64: 4611686018427387904, 1>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x6x6xf32>
  return %0 : tensor<1x3x6x6xf32>
}

// -----

func.func @transpose_rank0(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+2 {{transpose: the permutation of a rank-0 input must be empty, got [0]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.transpose %x permutation = [0] : tensor<f32> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @conv2d_pad_overflow(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{conv2d: padded input height does not fit in int64}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {pads = array<i64: 9223372036854775807, 0, 0, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @pool2d_pad_overflow(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x1x8xf32> {
  // expected-error @+2 {{pool2d: padded input does not fit in int64}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pool2d max %x kernel = [4611686018427387904, 1] {pads = array<i64: 4611686018427387903, 0, 4611686018427387903, 0>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x1x8xf32>
  return %0 : tensor<1x3x1x8xf32>
}

// -----

// kiln.fusion: the body must fit the scheme.
func.func @fusion_loop_with_matmul(%x: tensor<2x4xf32>, %w: tensor<4x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{body does not fit the 'loop' scheme: a loop group holds only elementwise, broadcast and data-movement ops}}
  %r = kiln.fusion loop (%x, %w) : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32> {
  ^bb0(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>):
    %m = kiln.matmul %a, %b : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
    kiln.yield %m : tensor<2x3xf32>
  }
  return %r : tensor<2x3xf32>
}

// -----

func.func @fusion_two_contractions(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{body does not fit the 'contraction' scheme: a contraction group holds exactly one matmul or conv and no reduction}}
  %r = kiln.fusion contraction (%x) : (tensor<2x2xf32>) -> tensor<2x2xf32> {
  ^bb0(%a: tensor<2x2xf32>):
    %m = kiln.matmul %a, %a : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
    %n = kiln.matmul %m, %a : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
    kiln.yield %n : tensor<2x2xf32>
  }
  return %r : tensor<2x2xf32>
}

// -----

func.func @fusion_row_reduction_without_reduction(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{body does not fit the 'row_reduction' scheme}}
  %r = kiln.fusion row_reduction (%x) : (tensor<2x2xf32>) -> tensor<2x2xf32> {
  ^bb0(%a: tensor<2x2xf32>):
    %e = kiln.exp %a : tensor<2x2xf32>
    kiln.yield %e : tensor<2x2xf32>
  }
  return %r : tensor<2x2xf32>
}

// -----

func.func @fusion_opaque_member(%x: tensor<2xf32>) -> tensor<2xf32> {
  %r = kiln.fusion loop (%x) : (tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%a: tensor<2xf32>):
    // expected-error @+1 {{is opaque to fusion and cannot be part of a kiln.fusion group}}
    %e = arith.negf %a : tensor<2xf32>
    kiln.yield %e : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @fusion_yield_types(%x: tensor<2xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{body must end in kiln.yield of the group's result types}}
  %r = kiln.fusion loop (%x) : (tensor<2xf32>) -> tensor<3xf32> {
  ^bb0(%a: tensor<2xf32>):
    kiln.yield %a : tensor<2xf32>
  }
  return %r : tensor<3xf32>
}

// -----

func.func @fusion_argument_types(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{body arguments must have the types of the group's inputs}}
  %r = kiln.fusion loop (%x) : (tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%a: tensor<3xf32>):
    kiln.yield %a : tensor<3xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @fusion_unknown_scheme(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{unknown fusion scheme 'fast' (loop, row_reduction, contraction, attention)}}
  %r = kiln.fusion fast (%x) : (tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%a: tensor<2xf32>):
    kiln.yield %a : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}
