// Numeric cases for check_numerics.py: matmul and conv2d (every layout the lowering
// picks a different named op or generic for), float and integer / quantized.

// TOL: 1e-5 1e-4
func.func @matmul_f32(%a: tensor<8x16xf32>, %b: tensor<16x12xf32>) -> tensor<8x12xf32> {
  %0 = kiln.matmul %a, %b : (tensor<8x16xf32>, tensor<16x12xf32>) -> tensor<8x12xf32>
  return %0 : tensor<8x12xf32>
}
// -----
// TOL: 1e-5 1e-4
func.func @matmul_transpose_a(%a: tensor<16x8xf32>, %b: tensor<16x12xf32>) -> tensor<8x12xf32> {
  %0 = kiln.matmul %a, %b transpose_a : (tensor<16x8xf32>, tensor<16x12xf32>) -> tensor<8x12xf32>
  return %0 : tensor<8x12xf32>
}
// -----
// TOL: 1e-5 1e-4
func.func @matmul_transpose_both(%a: tensor<16x8xf32>, %b: tensor<12x16xf32>) -> tensor<8x12xf32> {
  %0 = kiln.matmul %a, %b transpose_a transpose_b : (tensor<16x8xf32>, tensor<12x16xf32>) -> tensor<8x12xf32>
  return %0 : tensor<8x12xf32>
}
// -----
// TOL: 1e-5 1e-4
func.func @matmul_batch_fold(%a: tensor<2x3x5x16xf32>, %b: tensor<16x7xf32>) -> tensor<2x3x5x7xf32> {
  %0 = kiln.matmul %a, %b : (tensor<2x3x5x16xf32>, tensor<16x7xf32>) -> tensor<2x3x5x7xf32>
  return %0 : tensor<2x3x5x7xf32>
}
// -----
// TOL: 1e-5 1e-4
func.func @matmul_batch(%a: tensor<2x3x5x16xf32>, %b: tensor<2x3x16x7xf32>) -> tensor<2x3x5x7xf32> {
  %0 = kiln.matmul %a, %b : (tensor<2x3x5x16xf32>, tensor<2x3x16x7xf32>) -> tensor<2x3x5x7xf32>
  return %0 : tensor<2x3x5x7xf32>
}
// -----
// TOL: 1e-5 1e-4
func.func @matmul_batch_transpose_b(%a: tensor<4x5x16xf32>, %b: tensor<4x7x16xf32>) -> tensor<4x5x7xf32> {
  %0 = kiln.matmul %a, %b transpose_b : (tensor<4x5x16xf32>, tensor<4x7x16xf32>) -> tensor<4x5x7xf32>
  return %0 : tensor<4x5x7xf32>
}
// -----
// TOL: 1e-5 1e-4
func.func @matmul_lhs_broadcast(%a: tensor<5x16xf32>, %b: tensor<3x16x7xf32>) -> tensor<3x5x7xf32> {
  %0 = kiln.matmul %a, %b : (tensor<5x16xf32>, tensor<3x16x7xf32>) -> tensor<3x5x7xf32>
  return %0 : tensor<3x5x7xf32>
}
// -----
// TOL: 1e-5 1e-4
func.func @matmul_partial_broadcast(%a: tensor<2x1x5x16xf32>, %b: tensor<1x3x16x7xf32>) -> tensor<2x3x5x7xf32> {
  %0 = kiln.matmul %a, %b : (tensor<2x1x5x16xf32>, tensor<1x3x16x7xf32>) -> tensor<2x3x5x7xf32>
  return %0 : tensor<2x3x5x7xf32>
}
// -----
// TOL: 1e-5 1e-4
func.func @matmul_batch_transpose_a_rhs_2d(%a: tensor<3x16x5xf32>, %b: tensor<16x7xf32>) -> tensor<3x5x7xf32> {
  %0 = kiln.matmul %a, %b transpose_a : (tensor<3x16x5xf32>, tensor<16x7xf32>) -> tensor<3x5x7xf32>
  return %0 : tensor<3x5x7xf32>
}
// -----
func.func @matmul_f16(%a: tensor<8x64xf16>, %b: tensor<64x8xf16>) -> tensor<8x8xf16> {
  %0 = kiln.matmul %a, %b : (tensor<8x64xf16>, tensor<64x8xf16>) -> tensor<8x8xf16>
  return %0 : tensor<8x8xf16>
}
// -----
func.func @matmul_bf16(%a: tensor<2x8x32xbf16>, %b: tensor<2x8x32xbf16>) -> tensor<2x8x8xbf16> {
  %0 = kiln.matmul %a, %b transpose_b : (tensor<2x8x32xbf16>, tensor<2x8x32xbf16>) -> tensor<2x8x8xbf16>
  return %0 : tensor<2x8x8xbf16>
}
// -----
// TOL: 1e-12 1e-12
func.func @matmul_f64(%a: tensor<8x16xf64>, %b: tensor<16x4xf64>) -> tensor<8x4xf64> {
  %0 = kiln.matmul %a, %b : (tensor<8x16xf64>, tensor<16x4xf64>) -> tensor<8x4xf64>
  return %0 : tensor<8x4xf64>
}
// -----
func.func @matmul_i8(%a: tensor<8x64xi8>, %b: tensor<64x8xi8>) -> tensor<8x8xi32> {
  %0 = kiln.matmul %a, %b : (tensor<8x64xi8>, tensor<64x8xi8>) -> tensor<8x8xi32>
  return %0 : tensor<8x8xi32>
}
// -----
func.func @matmul_ui8(%a: tensor<8x64xui8>, %b: tensor<8x64xui8>) -> tensor<8x8xi32> {
  %0 = kiln.matmul %a, %b transpose_b : (tensor<8x64xui8>, tensor<8x64xui8>) -> tensor<8x8xi32>
  return %0 : tensor<8x8xi32>
}
// -----
func.func @matmul_ui8_i8(%a: tensor<2x8x64xui8>, %b: tensor<64x8xi8>) -> tensor<2x8x8xi32> {
  %0 = kiln.matmul %a, %b : (tensor<2x8x64xui8>, tensor<64x8xi8>) -> tensor<2x8x8xi32>
  return %0 : tensor<2x8x8xi32>
}
// -----
func.func @matmul_quant_i8(%a: tensor<8x64x!quant.uniform<i8:f32, 0.1:3>>, %b: tensor<64x8x!quant.uniform<i8:f32, 0.2:-5>>) -> tensor<8x8xi32> {
  %0 = kiln.matmul %a, %b : (tensor<8x64x!quant.uniform<i8:f32, 0.1:3>>, tensor<64x8x!quant.uniform<i8:f32, 0.2:-5>>) -> tensor<8x8xi32>
  return %0 : tensor<8x8xi32>
}
// -----
func.func @matmul_quant_batch(%a: tensor<3x8x64x!quant.uniform<i8:f32, 0.1:3>>, %b: tensor<3x64x8x!quant.uniform<i8:f32, 0.2:-5>>) -> tensor<3x8x8xi32> {
  %0 = kiln.matmul %a, %b : (tensor<3x8x64x!quant.uniform<i8:f32, 0.1:3>>, tensor<3x64x8x!quant.uniform<i8:f32, 0.2:-5>>) -> tensor<3x8x8xi32>
  return %0 : tensor<3x8x8xi32>
}
// -----
func.func @matmul_quant_u8_transpose(%a: tensor<8x64x!quant.uniform<u8:f32, 0.1:128>>, %b: tensor<4x64x!quant.uniform<i8:f32, 0.2:1>>) -> tensor<8x4xi32> {
  %0 = kiln.matmul %a, %b transpose_b : (tensor<8x64x!quant.uniform<u8:f32, 0.1:128>>, tensor<4x64x!quant.uniform<i8:f32, 0.2:1>>) -> tensor<8x4xi32>
  return %0 : tensor<8x4xi32>
}
// -----
func.func @matmul_quant_per_axis(%a: tensor<2x8x64x!quant.uniform<i8:f32, 0.1:-1>>, %b: tensor<64x3x!quant.uniform<i8:f32:1, {0.1:1, 0.2:-2, 0.3:5}>>) -> tensor<2x8x3xi32> {
  %0 = kiln.matmul %a, %b : (tensor<2x8x64x!quant.uniform<i8:f32, 0.1:-1>>, tensor<64x3x!quant.uniform<i8:f32:1, {0.1:1, 0.2:-2, 0.3:5}>>) -> tensor<2x8x3xi32>
  return %0 : tensor<2x8x3xi32>
}
// -----
// TOL: 1e-5 1e-4
func.func @conv_f32(%x: tensor<1x3x9x9xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x7x7xf32> {
  %0 = kiln.conv2d %x, %w : (tensor<1x3x9x9xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x7x7xf32>
  return %0 : tensor<1x4x7x7xf32>
}
// -----
// TOL: 1e-5 1e-4
func.func @conv_bias_pads_strides(%x: tensor<2x3x9x8xf32>, %w: tensor<4x3x3x2xf32>, %b: tensor<4xf32>) -> tensor<2x4x5x4xf32> {
  %0 = kiln.conv2d %x, %w, %b {pads = array<i64: 1, 0, 2, 1>, strides = array<i64: 2, 2>} : (tensor<2x3x9x8xf32>, tensor<4x3x3x2xf32>, tensor<4xf32>) -> tensor<2x4x5x4xf32>
  return %0 : tensor<2x4x5x4xf32>
}
// -----
// TOL: 1e-5 1e-4
func.func @conv_dilation(%x: tensor<1x2x10x10xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x6x4xf32> {
  %0 = kiln.conv2d %x, %w {dilations = array<i64: 2, 3>} : (tensor<1x2x10x10xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x6x4xf32>
  return %0 : tensor<1x3x6x4xf32>
}
// -----
// TOL: 1e-5 1e-4
func.func @conv_grouped(%x: tensor<1x4x8x8xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x8x8xf32> {
  %0 = kiln.conv2d %x, %w, %b {groups = 2 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x8x8xf32>
  return %0 : tensor<1x6x8x8xf32>
}
// -----
// TOL: 1e-5 1e-4
func.func @conv_depthwise(%x: tensor<2x8x7x7xf32>, %w: tensor<8x1x3x3xf32>, %b: tensor<8xf32>) -> tensor<2x8x4x4xf32> {
  %0 = kiln.conv2d %x, %w, %b {groups = 8 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<2x8x7x7xf32>, tensor<8x1x3x3xf32>, tensor<8xf32>) -> tensor<2x8x4x4xf32>
  return %0 : tensor<2x8x4x4xf32>
}
// -----
// TOL: 1e-5 1e-4
func.func @conv_depthwise_multiplier(%x: tensor<1x3x6x6xf32>, %w: tensor<6x1x3x3xf32>) -> tensor<1x6x4x4xf32> {
  %0 = kiln.conv2d %x, %w {groups = 3 : i64} : (tensor<1x3x6x6xf32>, tensor<6x1x3x3xf32>) -> tensor<1x6x4x4xf32>
  return %0 : tensor<1x6x4x4xf32>
}
// -----
func.func @conv_f16_bias(%x: tensor<1x4x6x6xf16>, %w: tensor<2x4x3x3xf16>, %b: tensor<2xf16>) -> tensor<1x2x6x6xf16> {
  %0 = kiln.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x6x6xf16>, tensor<2x4x3x3xf16>, tensor<2xf16>) -> tensor<1x2x6x6xf16>
  return %0 : tensor<1x2x6x6xf16>
}
// -----
func.func @conv_i8_bias(%x: tensor<1x3x6x6xi8>, %w: tensor<4x3x3x3xi8>, %b: tensor<4xi32>) -> tensor<1x4x6x6xi32> {
  %0 = kiln.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x6x6xi8>, tensor<4x3x3x3xi8>, tensor<4xi32>) -> tensor<1x4x6x6xi32>
  return %0 : tensor<1x4x6x6xi32>
}
// -----
func.func @conv_quant_i8(%x: tensor<1x3x6x6x!quant.uniform<i8:f32, 0.1:-7>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.05:2>>) -> tensor<1x4x6x6xi32> {
  %0 = kiln.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x6x6x!quant.uniform<i8:f32, 0.1:-7>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.05:2>>) -> tensor<1x4x6x6xi32>
  return %0 : tensor<1x4x6x6xi32>
}
// -----
func.func @conv_quant_u8_per_axis(%x: tensor<1x3x6x6x!quant.uniform<u8:f32, 0.1:128>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32:0, {0.1:0, 0.2:3, 0.3:-1, 0.4:7}>>, %b: tensor<4xi32>) -> tensor<1x4x3x3xi32> {
  %0 = kiln.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x6x6x!quant.uniform<u8:f32, 0.1:128>>, tensor<4x3x3x3x!quant.uniform<i8:f32:0, {0.1:0, 0.2:3, 0.3:-1, 0.4:7}>>, tensor<4xi32>) -> tensor<1x4x3x3xi32>
  return %0 : tensor<1x4x3x3xi32>
}
// -----
func.func @conv_quant_grouped(%x: tensor<1x4x5x5x!quant.uniform<i8:f32, 0.1:4>>, %w: tensor<4x2x3x3x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x4x5x5xi32> {
  %0 = kiln.conv2d %x, %w {groups = 2 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x5x5x!quant.uniform<i8:f32, 0.1:4>>, tensor<4x2x3x3x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x4x5x5xi32>
  return %0 : tensor<1x4x5x5xi32>
}
// -----
func.func @conv_quant_depthwise_u8(%x: tensor<1x4x5x5x!quant.uniform<u8:f32, 0.1:100>>, %w: tensor<4x1x3x3x!quant.uniform<u8:f32, 0.05:9>>) -> tensor<1x4x5x5xi32> {
  %0 = kiln.conv2d %x, %w {groups = 4 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x5x5x!quant.uniform<u8:f32, 0.1:100>>, tensor<4x1x3x3x!quant.uniform<u8:f32, 0.05:9>>) -> tensor<1x4x5x5xi32>
  return %0 : tensor<1x4x5x5xi32>
}
// -----
func.func @conv_quant_weight_axis_1(%x: tensor<1x4x5x5x!quant.uniform<i8:f32, 0.1:4>>, %w: tensor<2x2x3x3x!quant.uniform<i8:f32:1, {0.1:1, 0.2:-4}>>) -> tensor<1x2x3x3xi32> {
  %0 = kiln.conv2d %x, %w {groups = 2 : i64} : (tensor<1x4x5x5x!quant.uniform<i8:f32, 0.1:4>>, tensor<2x2x3x3x!quant.uniform<i8:f32:1, {0.1:1, 0.2:-4}>>) -> tensor<1x2x3x3xi32>
  return %0 : tensor<1x2x3x3xi32>
}
// -----
func.func @matmul_empty_k(%a: tensor<3x0xf32>, %b: tensor<0x4xf32>) -> tensor<3x4xf32> {
  %0 = kiln.matmul %a, %b : (tensor<3x0xf32>, tensor<0x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
// -----
func.func @matmul_batch_ones(%a: tensor<1x1x4x8xf32>, %b: tensor<1x1x8x2xf32>) -> tensor<1x1x4x2xf32> {
  %0 = kiln.matmul %a, %b : (tensor<1x1x4x8xf32>, tensor<1x1x8x2xf32>) -> tensor<1x1x4x2xf32>
  return %0 : tensor<1x1x4x2xf32>
}
// -----
func.func @matmul_ui8_batch_transposed(%a: tensor<2x8x4xui8>, %b: tensor<2x3x8xui8>) -> tensor<2x4x3xi32> {
  %0 = kiln.matmul %a, %b transpose_a transpose_b : (tensor<2x8x4xui8>, tensor<2x3x8xui8>) -> tensor<2x4x3xi32>
  return %0 : tensor<2x4x3xi32>
}
// -----
func.func @conv_ui8_plain(%x: tensor<1x2x5x5xui8>, %w: tensor<3x2x3x3xui8>) -> tensor<1x3x3x3xi32> {
  %0 = kiln.conv2d %x, %w : (tensor<1x2x5x5xui8>, tensor<3x2x3x3xui8>) -> tensor<1x3x3x3xi32>
  return %0 : tensor<1x3x3x3xi32>
}
// -----
func.func @conv_f64(%x: tensor<1x2x5x5xf64>, %w: tensor<3x2x3x3xf64>, %b: tensor<3xf64>) -> tensor<1x3x3x3xf64> {
  %0 = kiln.conv2d %x, %w, %b : (tensor<1x2x5x5xf64>, tensor<3x2x3x3xf64>, tensor<3xf64>) -> tensor<1x3x3x3xf64>
  return %0 : tensor<1x3x3x3xf64>
}
