// Numeric cases for check_numerics.py: quantize, dequantize and quantized constants
// (round half to even, clamping, NaN, per-axis parameters, unsigned storage).

// ARG0: special
func.func @quantize_i8(%x: tensor<64xf32>) -> tensor<64x!quant.uniform<i8:f32, 0.25:-3>> {
  %0 = kiln.quantize %x : tensor<64xf32> to tensor<64x!quant.uniform<i8:f32, 0.25:-3>>
  return %0 : tensor<64x!quant.uniform<i8:f32, 0.25:-3>>
}
// -----
// 0.1 is not an f32 value: the division happens in f64 as in the interpreter.
// ARG0: special
func.func @quantize_u8_inexact_scale(%x: tensor<64xf32>) -> tensor<64x!quant.uniform<u8:f32, 0.1:128>> {
  %0 = kiln.quantize %x : tensor<64xf32> to tensor<64x!quant.uniform<u8:f32, 0.1:128>>
  return %0 : tensor<64x!quant.uniform<u8:f32, 0.1:128>>
}
// -----
// Ties of x / scale: 0.5, 1.5, 2.5, -0.5, ... (scale 1) round to even.
// ARG0: values 0.5,1.5,2.5,-0.5,-1.5,-2.5,126.5,127.5,-128.5,-129.5
func.func @quantize_i8_ties(%x: tensor<10xf32>) -> tensor<10x!quant.uniform<i8:f32, 1.0>> {
  %0 = kiln.quantize %x : tensor<10xf32> to tensor<10x!quant.uniform<i8:f32, 1.0>>
  return %0 : tensor<10x!quant.uniform<i8:f32, 1.0>>
}
// -----
// ARG0: uniform -8 8
func.func @quantize_per_axis(%x: tensor<2x3x4xf32>) -> tensor<2x3x4x!quant.uniform<i8:f32:1, {0.05:1, 0.1:-2, 0.2:0}>> {
  %0 = kiln.quantize %x : tensor<2x3x4xf32> to tensor<2x3x4x!quant.uniform<i8:f32:1, {0.05:1, 0.1:-2, 0.2:0}>>
  return %0 : tensor<2x3x4x!quant.uniform<i8:f32:1, {0.05:1, 0.1:-2, 0.2:0}>>
}
// -----
// ARG0: special
func.func @quantize_f16_expressed(%x: tensor<64xf16>) -> tensor<64x!quant.uniform<i8:f16, 0.03:5>> {
  %0 = kiln.quantize %x : tensor<64xf16> to tensor<64x!quant.uniform<i8:f16, 0.03:5>>
  return %0 : tensor<64x!quant.uniform<i8:f16, 0.03:5>>
}
// -----
// ARG0: uniform -100000 100000
func.func @quantize_i16(%x: tensor<64xf32>) -> tensor<64x!quant.uniform<i16:f32, 0.5:7>> {
  %0 = kiln.quantize %x : tensor<64xf32> to tensor<64x!quant.uniform<i16:f32, 0.5:7>>
  return %0 : tensor<64x!quant.uniform<i16:f32, 0.5:7>>
}
// -----
// TOL: 0 0
func.func @dequantize_i8(%q: tensor<256x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<256xf32> {
  %0 = kiln.dequantize %q : tensor<256x!quant.uniform<i8:f32, 0.1:-3>> to tensor<256xf32>
  return %0 : tensor<256xf32>
}
// -----
// TOL: 0 0
func.func @dequantize_u8(%q: tensor<256x!quant.uniform<u8:f32, 0.25:128>>) -> tensor<256xf32> {
  %0 = kiln.dequantize %q : tensor<256x!quant.uniform<u8:f32, 0.25:128>> to tensor<256xf32>
  return %0 : tensor<256xf32>
}
// -----
// TOL: 0 0
func.func @dequantize_per_axis(%q: tensor<3x4x!quant.uniform<u8:f32:0, {0.5:10, 0.1:128, 0.3:0}>>) -> tensor<3x4xf32> {
  %0 = kiln.dequantize %q : tensor<3x4x!quant.uniform<u8:f32:0, {0.5:10, 0.1:128, 0.3:0}>> to tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
// -----
// TOL: 0 0
func.func @dequantize_f16_expressed(%q: tensor<256x!quant.uniform<i8:f16, 0.013:2>>) -> tensor<256xf16> {
  %0 = kiln.dequantize %q : tensor<256x!quant.uniform<i8:f16, 0.013:2>> to tensor<256xf16>
  return %0 : tensor<256xf16>
}
// -----
// ARG0: int -2000000000 2000000000
// TOL: 0 0
func.func @dequantize_i32_storage(%q: tensor<64x!quant.uniform<i32:f32, 0.001:-5>>) -> tensor<64xf32> {
  %0 = kiln.dequantize %q : tensor<64x!quant.uniform<i32:f32, 0.001:-5>> to tensor<64xf32>
  return %0 : tensor<64xf32>
}
// -----
// TOL: 0 0
func.func @quantized_constant() -> tensor<4xf32> {
  %q = kiln.constant dense<[-128, -1, 0, 127]> : tensor<4xi8> as tensor<4x!quant.uniform<i8:f32, 0.5:-1>>
  %0 = kiln.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:-1>> to tensor<4xf32>
  return %0 : tensor<4xf32>
}
// -----
// TOL: 0 0
func.func @quantized_u8_constant() -> tensor<4xf32> {
  %q = kiln.constant dense<[-128, -1, 0, 127]> : tensor<4xi8> as tensor<4x!quant.uniform<u8:f32, 0.5:100>>
  %0 = kiln.dequantize %q : tensor<4x!quant.uniform<u8:f32, 0.5:100>> to tensor<4xf32>
  return %0 : tensor<4xf32>
}
// -----
// quantize then dequantize: the fake-quantization round trip of QDQ models.
// ARG0: special
// TOL: 0 0
func.func @quantize_dequantize(%x: tensor<64xf32>) -> tensor<64xf32> {
  %q = kiln.quantize %x : tensor<64xf32> to tensor<64x!quant.uniform<u8:f32, 0.02:77>>
  %0 = kiln.dequantize %q : tensor<64x!quant.uniform<u8:f32, 0.02:77>> to tensor<64xf32>
  return %0 : tensor<64xf32>
}
