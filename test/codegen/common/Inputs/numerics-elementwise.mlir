// Numeric cases for check_numerics.py: unary, binary, cmp, select and cast lowered by
// --kiln-lower-to-linalg against the interpreter. One function per case.

// ARG0: special
func.func @neg_f32(%x: tensor<40xf32>) -> tensor<40xf32> {
  %0 = kiln.neg %x : tensor<40xf32>
  return %0 : tensor<40xf32>
}
// -----
func.func @neg_i8_wraps(%x: tensor<300xi8>) -> tensor<300xi8> {
  %0 = kiln.neg %x : tensor<300xi8>
  return %0 : tensor<300xi8>
}
// -----
// ARG0: special
func.func @abs_f16(%x: tensor<40xf16>) -> tensor<40xf16> {
  %0 = kiln.abs %x : tensor<40xf16>
  return %0 : tensor<40xf16>
}
// -----
// ARG0: values -2147483648,-5,0,7,2147483647
func.func @abs_i32(%x: tensor<10xi32>) -> tensor<10xi32> {
  %0 = kiln.abs %x : tensor<10xi32>
  return %0 : tensor<10xi32>
}
// -----
func.func @exp_f32(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = kiln.exp %x : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}
// -----
// ARG0: uniform 0.01 10
func.func @log_f32(%x: tensor<64xf32>) -> tensor<64xf32> {
  %0 = kiln.log %x : tensor<64xf32>
  return %0 : tensor<64xf32>
}
// -----
// ARG0: uniform 0 10
func.func @sqrt_f64(%x: tensor<64xf64>) -> tensor<64xf64> {
  %0 = kiln.sqrt %x : tensor<64xf64>
  return %0 : tensor<64xf64>
}
// -----
// ARG0: uniform 0.01 10
func.func @rsqrt_bf16(%x: tensor<64xbf16>) -> tensor<64xbf16> {
  %0 = kiln.rsqrt %x : tensor<64xbf16>
  return %0 : tensor<64xbf16>
}
// -----
func.func @reciprocal_f32(%x: tensor<64xf32>) -> tensor<64xf32> {
  %0 = kiln.reciprocal %x : tensor<64xf32>
  return %0 : tensor<64xf32>
}
// -----
func.func @tanh_f32(%x: tensor<64xf32>) -> tensor<64xf32> {
  %0 = kiln.tanh %x : tensor<64xf32>
  return %0 : tensor<64xf32>
}
// -----
// ARG0: uniform -20 20
func.func @sigmoid_f16(%x: tensor<64xf16>) -> tensor<64xf16> {
  %0 = kiln.sigmoid %x : tensor<64xf16>
  return %0 : tensor<64xf16>
}
// -----
// ARG0: special
func.func @relu_f32(%x: tensor<40xf32>) -> tensor<40xf32> {
  %0 = kiln.relu %x : tensor<40xf32>
  return %0 : tensor<40xf32>
}
// -----
func.func @relu_i16(%x: tensor<40xi16>) -> tensor<40xi16> {
  %0 = kiln.relu %x : tensor<40xi16>
  return %0 : tensor<40xi16>
}
// -----
func.func @erf_f32(%x: tensor<64xf32>) -> tensor<64xf32> {
  %0 = kiln.erf %x : tensor<64xf32>
  return %0 : tensor<64xf32>
}
// -----
// ARG0: special
func.func @floor_f32(%x: tensor<40xf32>) -> tensor<40xf32> {
  %0 = kiln.floor %x : tensor<40xf32>
  return %0 : tensor<40xf32>
}
// -----
// ARG0: special
func.func @ceil_f16(%x: tensor<40xf16>) -> tensor<40xf16> {
  %0 = kiln.ceil %x : tensor<40xf16>
  return %0 : tensor<40xf16>
}
// -----
// ARG0: values 0.5,1.5,2.5,-0.5,-1.5,-2.5,3.49,3.5,4.5,-7.5,0.0
func.func @round_half_even_f32(%x: tensor<11xf32>) -> tensor<11xf32> {
  %0 = kiln.round %x : tensor<11xf32>
  return %0 : tensor<11xf32>
}
// -----
func.func @sin_f32(%x: tensor<64xf32>) -> tensor<64xf32> {
  %0 = kiln.sin %x : tensor<64xf32>
  return %0 : tensor<64xf32>
}
// -----
func.func @cos_f64(%x: tensor<64xf64>) -> tensor<64xf64> {
  %0 = kiln.cos %x : tensor<64xf64>
  return %0 : tensor<64xf64>
}
// -----
func.func @not_i1(%x: tensor<16xi1>) -> tensor<16xi1> {
  %0 = kiln.not %x : tensor<16xi1>
  return %0 : tensor<16xi1>
}
// -----
func.func @gelu_erf_f32(%x: tensor<64xf32>) -> tensor<64xf32> {
  %0 = kiln.gelu %x : tensor<64xf32>
  return %0 : tensor<64xf32>
}
// -----
func.func @gelu_tanh_f32(%x: tensor<64xf32>) -> tensor<64xf32> {
  %0 = kiln.gelu %x approximate = tanh : tensor<64xf32>
  return %0 : tensor<64xf32>
}
// -----
func.func @gelu_tanh_bf16(%x: tensor<64xbf16>) -> tensor<64xbf16> {
  %0 = kiln.gelu %x approximate = tanh : tensor<64xbf16>
  return %0 : tensor<64xbf16>
}
// -----
// ARG0: special
func.func @clip_f32(%x: tensor<40xf32>) -> tensor<40xf32> {
  %0 = kiln.clip %x {min = 0.1 : f64, max = 6.0 : f64} : tensor<40xf32>
  return %0 : tensor<40xf32>
}
// -----
// ARG0: special
func.func @clip_min_only_f16(%x: tensor<40xf16>) -> tensor<40xf16> {
  %0 = kiln.clip %x {min = -1.0 : f64} : tensor<40xf16>
  return %0 : tensor<40xf16>
}
// -----
func.func @clip_i8_fractional_bounds(%x: tensor<256xi8>) -> tensor<256xi8> {
  %0 = kiln.clip %x {min = -3.5 : f64, max = 1000.0 : f64} : tensor<256xi8>
  return %0 : tensor<256xi8>
}
// -----
// ARG0: int -20 20
func.func @clip_i32_max_only(%x: tensor<64xi32>) -> tensor<64xi32> {
  %0 = kiln.clip %x {max = 2.75 : f64} : tensor<64xi32>
  return %0 : tensor<64xi32>
}
// -----
func.func @add_broadcast_f32(%a: tensor<2x1x3xf32>, %b: tensor<4x1xf32>) -> tensor<2x4x3xf32> {
  %0 = kiln.add %a, %b : (tensor<2x1x3xf32>, tensor<4x1xf32>) -> tensor<2x4x3xf32>
  return %0 : tensor<2x4x3xf32>
}
// -----
func.func @add_scalar_f16(%a: tensor<3x5xf16>, %b: tensor<f16>) -> tensor<3x5xf16> {
  %0 = kiln.add %a, %b : (tensor<3x5xf16>, tensor<f16>) -> tensor<3x5xf16>
  return %0 : tensor<3x5xf16>
}
// -----
func.func @add_i8_wraps(%a: tensor<64xi8>, %b: tensor<64xi8>) -> tensor<64xi8> {
  %0 = kiln.add %a, %b : (tensor<64xi8>, tensor<64xi8>) -> tensor<64xi8>
  return %0 : tensor<64xi8>
}
// -----
func.func @sub_ui8_wraps(%a: tensor<64xui8>, %b: tensor<64xui8>) -> tensor<64xui8> {
  %0 = kiln.sub %a, %b : (tensor<64xui8>, tensor<64xui8>) -> tensor<64xui8>
  return %0 : tensor<64xui8>
}
// -----
func.func @sub_bf16(%a: tensor<8x8xbf16>, %b: tensor<8xbf16>) -> tensor<8x8xbf16> {
  %0 = kiln.sub %a, %b : (tensor<8x8xbf16>, tensor<8xbf16>) -> tensor<8x8xbf16>
  return %0 : tensor<8x8xbf16>
}
// -----
func.func @mul_i16(%a: tensor<64xi16>, %b: tensor<64xi16>) -> tensor<64xi16> {
  %0 = kiln.mul %a, %b : (tensor<64xi16>, tensor<64xi16>) -> tensor<64xi16>
  return %0 : tensor<64xi16>
}
// -----
func.func @mul_f64(%a: tensor<8x8xf64>, %b: tensor<8x1xf64>) -> tensor<8x8xf64> {
  %0 = kiln.mul %a, %b : (tensor<8x8xf64>, tensor<8x1xf64>) -> tensor<8x8xf64>
  return %0 : tensor<8x8xf64>
}
// -----
// ARG1: special
func.func @div_f32(%a: tensor<40xf32>, %b: tensor<40xf32>) -> tensor<40xf32> {
  %0 = kiln.div %a, %b : (tensor<40xf32>, tensor<40xf32>) -> tensor<40xf32>
  return %0 : tensor<40xf32>
}
// -----
// ARG0: int -1000 1000
// ARG1: values -7,-3,-1,1,2,5,9,-1000
func.func @div_i32_truncates(%a: tensor<64xi32>, %b: tensor<64xi32>) -> tensor<64xi32> {
  %0 = kiln.div %a, %b : (tensor<64xi32>, tensor<64xi32>) -> tensor<64xi32>
  return %0 : tensor<64xi32>
}
// -----
// ARG0: values -128,-128,127,-7
// ARG1: values -1,1,-1,2
func.func @div_i8_min_by_minus_one(%a: tensor<4xi8>, %b: tensor<4xi8>) -> tensor<4xi8> {
  %0 = kiln.div %a, %b : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}
// -----
// ARG0: values -2147483648,7
// ARG1: values -1,-1
func.func @div_i32_min_by_minus_one(%a: tensor<2xi32>, %b: tensor<2xi32>) -> tensor<2xi32> {
  %0 = kiln.div %a, %b : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}
// -----
// ARG1: int 1 255
func.func @div_ui8(%a: tensor<64xui8>, %b: tensor<64xui8>) -> tensor<64xui8> {
  %0 = kiln.div %a, %b : (tensor<64xui8>, tensor<64xui8>) -> tensor<64xui8>
  return %0 : tensor<64xui8>
}
// -----
// ARG0: uniform 0.1 3
// ARG1: uniform -2 2
func.func @pow_f32(%a: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<64xf32> {
  %0 = kiln.pow %a, %b : (tensor<64xf32>, tensor<64xf32>) -> tensor<64xf32>
  return %0 : tensor<64xf32>
}
// -----
// ARG0: int -5 5
// ARG1: int -3 9
func.func @pow_i32(%a: tensor<128xi32>, %b: tensor<128xi32>) -> tensor<128xi32> {
  %0 = kiln.pow %a, %b : (tensor<128xi32>, tensor<128xi32>) -> tensor<128xi32>
  return %0 : tensor<128xi32>
}
// -----
// ARG0: int 0 255
// ARG1: int 0 255
func.func @pow_ui8_wraps(%a: tensor<128xui8>, %b: tensor<128xui8>) -> tensor<128xui8> {
  %0 = kiln.pow %a, %b : (tensor<128xui8>, tensor<128xui8>) -> tensor<128xui8>
  return %0 : tensor<128xui8>
}
// -----
// ARG0: int -7 7
// ARG1: int -2 40
func.func @pow_i64(%a: tensor<128xi64>, %b: tensor<128xi64>) -> tensor<128xi64> {
  %0 = kiln.pow %a, %b : (tensor<128xi64>, tensor<128xi64>) -> tensor<128xi64>
  return %0 : tensor<128xi64>
}
// -----
// ARG0: special
// ARG1: values 1.0,-1.0,0.0,-0.0,nan
func.func @max_f32_nan(%a: tensor<40xf32>, %b: tensor<40xf32>) -> tensor<40xf32> {
  %0 = kiln.max %a, %b : (tensor<40xf32>, tensor<40xf32>) -> tensor<40xf32>
  return %0 : tensor<40xf32>
}
// -----
// ARG1: special
func.func @min_f16_nan(%a: tensor<40xf16>, %b: tensor<40xf16>) -> tensor<40xf16> {
  %0 = kiln.min %a, %b : (tensor<40xf16>, tensor<40xf16>) -> tensor<40xf16>
  return %0 : tensor<40xf16>
}
// -----
func.func @max_i8(%a: tensor<64xi8>, %b: tensor<64xi8>) -> tensor<64xi8> {
  %0 = kiln.max %a, %b : (tensor<64xi8>, tensor<64xi8>) -> tensor<64xi8>
  return %0 : tensor<64xi8>
}
// -----
func.func @min_ui8(%a: tensor<64xui8>, %b: tensor<64xui8>) -> tensor<64xui8> {
  %0 = kiln.min %a, %b : (tensor<64xui8>, tensor<64xui8>) -> tensor<64xui8>
  return %0 : tensor<64xui8>
}
// -----
func.func @and_i1(%a: tensor<4x4xi1>, %b: tensor<4xi1>) -> tensor<4x4xi1> {
  %0 = kiln.and %a, %b : (tensor<4x4xi1>, tensor<4xi1>) -> tensor<4x4xi1>
  return %0 : tensor<4x4xi1>
}
// -----
func.func @or_i1(%a: tensor<16xi1>, %b: tensor<16xi1>) -> tensor<16xi1> {
  %0 = kiln.or %a, %b : (tensor<16xi1>, tensor<16xi1>) -> tensor<16xi1>
  return %0 : tensor<16xi1>
}
// -----
// ARG0: special
// ARG1: values 0.5,nan,-0.0,1.5,2.0
func.func @cmp_eq_f32(%a: tensor<40xf32>, %b: tensor<40xf32>) -> tensor<40xi1> {
  %0 = kiln.cmp eq, %a, %b : (tensor<40xf32>, tensor<40xf32>) -> tensor<40xi1>
  return %0 : tensor<40xi1>
}
// -----
// ARG0: special
// ARG1: values 0.5,nan,-0.0,1.5,2.0
func.func @cmp_ne_f32(%a: tensor<40xf32>, %b: tensor<40xf32>) -> tensor<40xi1> {
  %0 = kiln.cmp ne, %a, %b : (tensor<40xf32>, tensor<40xf32>) -> tensor<40xi1>
  return %0 : tensor<40xi1>
}
// -----
// ARG0: special
func.func @cmp_lt_f32(%a: tensor<40xf32>, %b: tensor<f32>) -> tensor<40xi1> {
  %0 = kiln.cmp lt, %a, %b : (tensor<40xf32>, tensor<f32>) -> tensor<40xi1>
  return %0 : tensor<40xi1>
}
// -----
// ARG0: special
// ARG1: special
func.func @cmp_le_f16(%a: tensor<40xf16>, %b: tensor<40xf16>) -> tensor<40xi1> {
  %0 = kiln.cmp le, %a, %b : (tensor<40xf16>, tensor<40xf16>) -> tensor<40xi1>
  return %0 : tensor<40xi1>
}
// -----
// ARG0: special
func.func @cmp_gt_f32(%a: tensor<40xf32>, %b: tensor<40xf32>) -> tensor<40xi1> {
  %0 = kiln.cmp gt, %a, %b : (tensor<40xf32>, tensor<40xf32>) -> tensor<40xi1>
  return %0 : tensor<40xi1>
}
// -----
func.func @cmp_ge_i8(%a: tensor<64xi8>, %b: tensor<64xi8>) -> tensor<64xi1> {
  %0 = kiln.cmp ge, %a, %b : (tensor<64xi8>, tensor<64xi8>) -> tensor<64xi1>
  return %0 : tensor<64xi1>
}
// -----
func.func @cmp_lt_ui8_unsigned(%a: tensor<64xui8>, %b: tensor<64xui8>) -> tensor<64xi1> {
  %0 = kiln.cmp lt, %a, %b : (tensor<64xui8>, tensor<64xui8>) -> tensor<64xi1>
  return %0 : tensor<64xi1>
}
// -----
func.func @cmp_gt_i1(%a: tensor<16xi1>, %b: tensor<16xi1>) -> tensor<16xi1> {
  %0 = kiln.cmp gt, %a, %b : (tensor<16xi1>, tensor<16xi1>) -> tensor<16xi1>
  return %0 : tensor<16xi1>
}
// -----
func.func @select_broadcast(%c: tensor<4x1xi1>, %a: tensor<4x3xf32>, %b: tensor<f32>) -> tensor<4x3xf32> {
  %0 = kiln.select %c, %a, %b : (tensor<4x1xi1>, tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}
// -----
func.func @select_ui8(%c: tensor<16xi1>, %a: tensor<16xui8>, %b: tensor<16xui8>) -> tensor<16xui8> {
  %0 = kiln.select %c, %a, %b : (tensor<16xi1>, tensor<16xui8>, tensor<16xui8>) -> tensor<16xui8>
  return %0 : tensor<16xui8>
}
// -----
func.func @add_rank0(%x: tensor<f32>, %y: tensor<f32>) -> tensor<f32> {
  %0 = kiln.add %x, %y : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}
// -----
func.func @pow_f16_scalar_exp(%x: tensor<4x4xf16>, %e: tensor<f16>) -> tensor<4x4xf16> {
  %0 = kiln.pow %x, %e : (tensor<4x4xf16>, tensor<f16>) -> tensor<4x4xf16>
  return %0 : tensor<4x4xf16>
}
