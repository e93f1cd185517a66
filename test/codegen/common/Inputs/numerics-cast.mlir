// Numeric cases for check_numerics.py: kiln.cast between every kind of element type
// (saturation, NaN, ties, wrapping, i1).

// ARG0: special
func.func @cast_f32_to_i8(%x: tensor<60xf32>) -> tensor<60xi8> {
  %0 = kiln.cast %x : tensor<60xf32> to tensor<60xi8>
  return %0 : tensor<60xi8>
}
// -----
// ARG0: special
func.func @cast_f32_to_ui8(%x: tensor<60xf32>) -> tensor<60xui8> {
  %0 = kiln.cast %x : tensor<60xf32> to tensor<60xui8>
  return %0 : tensor<60xui8>
}
// -----
// ARG0: special
func.func @cast_f32_to_i32(%x: tensor<60xf32>) -> tensor<60xi32> {
  %0 = kiln.cast %x : tensor<60xf32> to tensor<60xi32>
  return %0 : tensor<60xi32>
}
// -----
// ARG0: values 9.3e18,-9.3e18,9.2e18,-9.2e18,1.9e19,nan,3.5,-3.5
func.func @cast_f64_to_i64(%x: tensor<8xf64>) -> tensor<8xi64> {
  %0 = kiln.cast %x : tensor<8xf64> to tensor<8xi64>
  return %0 : tensor<8xi64>
}
// -----
// ARG0: values 1.9e19,1.8e19,-1.0,0.99,65535.5,nan,inf
func.func @cast_f32_to_ui64(%x: tensor<7xf32>) -> tensor<7xui64> {
  %0 = kiln.cast %x : tensor<7xf32> to tensor<7xui64>
  return %0 : tensor<7xui64>
}
// -----
// ARG0: special
func.func @cast_f16_to_i16(%x: tensor<60xf16>) -> tensor<60xi16> {
  %0 = kiln.cast %x : tensor<60xf16> to tensor<60xi16>
  return %0 : tensor<60xi16>
}
// -----
// ARG0: special
func.func @cast_f32_to_f16(%x: tensor<60xf32>) -> tensor<60xf16> {
  %0 = kiln.cast %x : tensor<60xf32> to tensor<60xf16>
  return %0 : tensor<60xf16>
}
// -----
// ARG0: special
// TOL: 0 0
func.func @cast_f32_to_bf16(%x: tensor<60xf32>) -> tensor<60xbf16> {
  %0 = kiln.cast %x : tensor<60xf32> to tensor<60xbf16>
  return %0 : tensor<60xbf16>
}
// -----
// ARG0: special
// TOL: 0 0
func.func @cast_f16_to_bf16(%x: tensor<60xf16>) -> tensor<60xbf16> {
  %0 = kiln.cast %x : tensor<60xf16> to tensor<60xbf16>
  return %0 : tensor<60xbf16>
}
// -----
// ARG0: special
// TOL: 0 0
func.func @cast_f64_to_f32(%x: tensor<60xf64>) -> tensor<60xf32> {
  %0 = kiln.cast %x : tensor<60xf64> to tensor<60xf32>
  return %0 : tensor<60xf32>
}
// -----
// ARG0: special
// TOL: 0 0
func.func @cast_bf16_to_f32(%x: tensor<60xbf16>) -> tensor<60xf32> {
  %0 = kiln.cast %x : tensor<60xbf16> to tensor<60xf32>
  return %0 : tensor<60xf32>
}
// -----
// ARG0: values 16777217,16777219,-16777217,2147483647,-2147483648,3
// TOL: 0 0
func.func @cast_i32_to_f32(%x: tensor<6xi32>) -> tensor<6xf32> {
  %0 = kiln.cast %x : tensor<6xi32> to tensor<6xf32>
  return %0 : tensor<6xf32>
}
// -----
// ARG0: values 2049,2051,65504,65520,-65519,100000,-7
// TOL: 0 0
func.func @cast_i32_to_f16(%x: tensor<7xi32>) -> tensor<7xf16> {
  %0 = kiln.cast %x : tensor<7xi32> to tensor<7xf16>
  return %0 : tensor<7xf16>
}
// -----
// 2^60 + 2^52 + 1 lies just above a bf16 tie; rounded to f64 first it would land on the
// tie and round down (to even): the lowering must round once.
// ARG0: values 1157425104234217473,-1157425104234217473,1152921504606846977,9223372036854775807,-9223372036854775808,257,-385
// TOL: 0 0
func.func @cast_i64_to_bf16_rounds_once(%x: tensor<7xi64>) -> tensor<7xbf16> {
  %0 = kiln.cast %x : tensor<7xi64> to tensor<7xbf16>
  return %0 : tensor<7xbf16>
}
// -----
// ARG0: values 18446744073709551615,9223372036854775808,16777217,1
// TOL: 0 0
func.func @cast_ui64_to_f32(%x: tensor<4xui64>) -> tensor<4xf32> {
  %0 = kiln.cast %x : tensor<4xui64> to tensor<4xf32>
  return %0 : tensor<4xf32>
}
// -----
func.func @cast_i8_to_ui8_wraps(%x: tensor<64xi8>) -> tensor<64xui8> {
  %0 = kiln.cast %x : tensor<64xi8> to tensor<64xui8>
  return %0 : tensor<64xui8>
}
// -----
// ARG0: int -100000 100000
func.func @cast_i32_to_i8_wraps(%x: tensor<64xi32>) -> tensor<64xi8> {
  %0 = kiln.cast %x : tensor<64xi32> to tensor<64xi8>
  return %0 : tensor<64xi8>
}
// -----
func.func @cast_ui8_to_i32(%x: tensor<64xui8>) -> tensor<64xi32> {
  %0 = kiln.cast %x : tensor<64xui8> to tensor<64xi32>
  return %0 : tensor<64xi32>
}
// -----
func.func @cast_i8_to_i64(%x: tensor<64xi8>) -> tensor<64xi64> {
  %0 = kiln.cast %x : tensor<64xi8> to tensor<64xi64>
  return %0 : tensor<64xi64>
}
// -----
func.func @cast_i1_to_f32(%x: tensor<16xi1>) -> tensor<16xf32> {
  %0 = kiln.cast %x : tensor<16xi1> to tensor<16xf32>
  return %0 : tensor<16xf32>
}
// -----
func.func @cast_i1_to_i32(%x: tensor<16xi1>) -> tensor<16xi32> {
  %0 = kiln.cast %x : tensor<16xi1> to tensor<16xi32>
  return %0 : tensor<16xi32>
}
// -----
// ARG0: special
func.func @cast_f32_to_i1(%x: tensor<40xf32>) -> tensor<40xi1> {
  %0 = kiln.cast %x : tensor<40xf32> to tensor<40xi1>
  return %0 : tensor<40xi1>
}
// -----
// ARG0: int -3 3
func.func @cast_i32_to_i1(%x: tensor<40xi32>) -> tensor<40xi1> {
  %0 = kiln.cast %x : tensor<40xi32> to tensor<40xi1>
  return %0 : tensor<40xi1>
}
// -----
// f32 values on, just above and just below bf16 ties (ties go to even).
// ARG0: values 1.00390625,1.01171875,1.0039063692092896,-1.00390625,1.0078123807907104,3.4028234663852886e+38
// TOL: 0 0
func.func @cast_f32_to_bf16_ties(%x: tensor<6xf32>) -> tensor<6xbf16> {
  %0 = kiln.cast %x : tensor<6xf32> to tensor<6xbf16>
  return %0 : tensor<6xbf16>
}
// -----
// ARG0: values 1.00048828125,1.00146484375,1.0004892349243164,-1.00146484375
// TOL: 0 0
func.func @cast_f32_to_f16_ties(%x: tensor<4xf32>) -> tensor<4xf16> {
  %0 = kiln.cast %x : tensor<4xf32> to tensor<4xf16>
  return %0 : tensor<4xf16>
}
// -----
// Just above (below) an f16 / bf16 tie by 2^-40: through f32 with round-to-nearest the
// value would land on the tie.
// ARG0: values 1.0004882812509095,-1.0004882812509095,1e300,-1e-300,nan
// TOL: 0 0
func.func @cast_f64_to_f16_rounds_once(%x: tensor<5xf64>) -> tensor<5xf16> {
  %0 = kiln.cast %x : tensor<5xf64> to tensor<5xf16>
  return %0 : tensor<5xf16>
}
// -----
// ARG0: values 1.0039062500009095,-1.0039062500009095,1.0039062499990905,3.3961e38,3.3962e38,nan
// TOL: 0 0
func.func @cast_f64_to_bf16_rounds_once(%x: tensor<6xf64>) -> tensor<6xbf16> {
  %0 = kiln.cast %x : tensor<6xf64> to tensor<6xbf16>
  return %0 : tensor<6xbf16>
}
// -----
// 2^30 + 2^22 + 1 lies just above a bf16 tie; through f32 it would land on the tie.
// ARG0: values 1077936129,-1077936129,1077936128,3
// TOL: 0 0
func.func @cast_i32_to_bf16_rounds_once(%x: tensor<4xi32>) -> tensor<4xbf16> {
  %0 = kiln.cast %x : tensor<4xi32> to tensor<4xbf16>
  return %0 : tensor<4xbf16>
}
