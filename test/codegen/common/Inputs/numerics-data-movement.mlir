// Numeric cases for check_numerics.py: constant, reshape, transpose, broadcast_to,
// concat, slice, gather, pad and split.

func.func @constant_dense_f32(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %c = kiln.constant dense<[[1.5, -2.0, 3.25], [0.0, 7.0, -0.5]]> : tensor<2x3xf32>
  %0 = kiln.add %x, %c : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
// -----
func.func @constant_resource_f32() -> tensor<4xf32> {
  %0 = kiln.constant dense_resource<blob_f32> : tensor<4xf32>
  return %0 : tensor<4xf32>
}
{-#
  dialect_resources: {
    builtin: {
      blob_f32: "0x04000000000080BF0000000000008040000010C1"
    }
  }
#-}
// -----
func.func @constant_resource_ui8(%x: tensor<4xui8>) -> tensor<4xui8> {
  %c = kiln.constant dense_resource<blob_u8> : tensor<4xui8>
  %0 = kiln.add %x, %c : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}
{-#
  dialect_resources: {
    builtin: {
      blob_u8: "0x01000000FF80017F"
    }
  }
#-}
// -----
func.func @constant_ui16_dense(%x: tensor<3xui16>) -> tensor<3xui16> {
  %c = kiln.constant dense<[65535, 32768, 1]> : tensor<3xui16>
  %0 = kiln.max %x, %c : (tensor<3xui16>, tensor<3xui16>) -> tensor<3xui16>
  return %0 : tensor<3xui16>
}
// -----
func.func @reshape_collapse(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  %0 = kiln.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  return %0 : tensor<6x4xf32>
}
// -----
func.func @reshape_expand(%x: tensor<6x4xi8>) -> tensor<2x3x2x2xi8> {
  %0 = kiln.reshape %x : tensor<6x4xi8> -> tensor<2x3x2x2xi8>
  return %0 : tensor<2x3x2x2xi8>
}
// -----
func.func @reshape_general(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %0 = kiln.reshape %x : tensor<2x3xf32> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
// -----
func.func @reshape_rank0(%x: tensor<1x1xf32>) -> tensor<f32> {
  %0 = kiln.reshape %x : tensor<1x1xf32> -> tensor<f32>
  return %0 : tensor<f32>
}
// -----
func.func @reshape_quantized(%x: tensor<2x6x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<4x3xf32> {
  %0 = kiln.reshape %x : tensor<2x6x!quant.uniform<u8:f32, 0.5:3>> -> tensor<4x3x!quant.uniform<u8:f32, 0.5:3>>
  %1 = kiln.dequantize %0 : tensor<4x3x!quant.uniform<u8:f32, 0.5:3>> to tensor<4x3xf32>
  return %1 : tensor<4x3xf32>
}
// -----
func.func @transpose_3d(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = kiln.transpose %x permutation = [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}
// -----
func.func @transpose_i1(%x: tensor<2x5xi1>) -> tensor<5x2xi1> {
  %0 = kiln.transpose %x permutation = [1, 0] : tensor<2x5xi1> -> tensor<5x2xi1>
  return %0 : tensor<5x2xi1>
}
// -----
func.func @broadcast_to_new_dims(%x: tensor<3xf32>) -> tensor<2x4x3xf32> {
  %0 = kiln.broadcast_to %x : tensor<3xf32> -> tensor<2x4x3xf32>
  return %0 : tensor<2x4x3xf32>
}
// -----
func.func @broadcast_to_unit_dims(%x: tensor<2x1x3x1xi16>) -> tensor<2x4x3x5xi16> {
  %0 = kiln.broadcast_to %x : tensor<2x1x3x1xi16> -> tensor<2x4x3x5xi16>
  return %0 : tensor<2x4x3x5xi16>
}
// -----
func.func @broadcast_to_scalar(%x: tensor<f16>) -> tensor<2x2xf16> {
  %0 = kiln.broadcast_to %x : tensor<f16> -> tensor<2x2xf16>
  return %0 : tensor<2x2xf16>
}
// -----
func.func @broadcast_to_all_ones(%x: tensor<1x1xf32>) -> tensor<3x1x4xf32> {
  %0 = kiln.broadcast_to %x : tensor<1x1xf32> -> tensor<3x1x4xf32>
  return %0 : tensor<3x1x4xf32>
}
// -----
func.func @concat_axis1(%a: tensor<2x1x3xf32>, %b: tensor<2x4x3xf32>, %c: tensor<2x2x3xf32>) -> tensor<2x7x3xf32> {
  %0 = kiln.concat %a, %b, %c axis = 1 : (tensor<2x1x3xf32>, tensor<2x4x3xf32>, tensor<2x2x3xf32>) -> tensor<2x7x3xf32>
  return %0 : tensor<2x7x3xf32>
}
// -----
func.func @concat_i1_axis0(%a: tensor<2x3xi1>, %b: tensor<0x3xi1>, %c: tensor<1x3xi1>) -> tensor<3x3xi1> {
  %0 = kiln.concat %a, %b, %c axis = 0 : (tensor<2x3xi1>, tensor<0x3xi1>, tensor<1x3xi1>) -> tensor<3x3xi1>
  return %0 : tensor<3x3xi1>
}
// -----
func.func @slice_steps(%x: tensor<6x7xf32>) -> tensor<2x3xf32> {
  %0 = kiln.slice %x starts = [1, 0] ends = [5, 7] steps = [2, 3] : tensor<6x7xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
// -----
func.func @slice_reverse(%x: tensor<6x7xi32>) -> tensor<6x3xi32> {
  %0 = kiln.slice %x starts = [5, 6] ends = [-1, -1] steps = [-1, -3] : tensor<6x7xi32> -> tensor<6x3xi32>
  return %0 : tensor<6x3xi32>
}
// -----
func.func @slice_mixed_steps(%x: tensor<4x5x6xf16>) -> tensor<2x2x3xf16> {
  %0 = kiln.slice %x starts = [1, 4, 0] ends = [3, 1, 6] steps = [1, -2, 2] : tensor<4x5x6xf16> -> tensor<2x2x3xf16>
  return %0 : tensor<2x2x3xf16>
}
// -----
func.func @slice_empty(%x: tensor<4x5xf32>) -> tensor<0x5xf32> {
  %0 = kiln.slice %x starts = [2, 0] ends = [2, 5] steps = [1, 1] : tensor<4x5xf32> -> tensor<0x5xf32>
  return %0 : tensor<0x5xf32>
}
// -----
// ARG1: values 0,-1,3,-5,4,2
func.func @gather_axis0_negative(%d: tensor<5x3xf32>, %i: tensor<2x3xi64>) -> tensor<2x3x3xf32> {
  %0 = kiln.gather %d, %i axis = 0 : (tensor<5x3xf32>, tensor<2x3xi64>) -> tensor<2x3x3xf32>
  return %0 : tensor<2x3x3xf32>
}
// -----
// ARG1: values 3,0,-2,1
func.func @gather_axis1_i32(%d: tensor<2x4x3xi8>, %i: tensor<4xi32>) -> tensor<2x4x3xi8> {
  %0 = kiln.gather %d, %i axis = 1 : (tensor<2x4x3xi8>, tensor<4xi32>) -> tensor<2x4x3xi8>
  return %0 : tensor<2x4x3xi8>
}
// -----
// ARG1: values 2,-3
func.func @gather_scalar_index(%d: tensor<3x4xf32>, %i: tensor<i64>) -> tensor<3xf32> {
  %0 = kiln.gather %d, %i axis = 1 : (tensor<3x4xf32>, tensor<i64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
// -----
func.func @pad_constant(%x: tensor<2x3xf32>) -> tensor<3x6xf32> {
  %0 = kiln.pad %x pads = [0, 1, 1, 2] {value = 1.5 : f64} : tensor<2x3xf32> -> tensor<3x6xf32>
  return %0 : tensor<3x6xf32>
}
// -----
func.func @pad_constant_i8_wraps(%x: tensor<2x3xi8>) -> tensor<4x3xi8> {
  %0 = kiln.pad %x pads = [1, 0, 1, 0] {value = 300.7 : f64} : tensor<2x3xi8> -> tensor<4x3xi8>
  return %0 : tensor<4x3xi8>
}
// -----
func.func @pad_constant_bf16(%x: tensor<2x3xbf16>) -> tensor<2x5xbf16> {
  %0 = kiln.pad %x pads = [0, 1, 0, 1] {value = 0.1 : f64} : tensor<2x3xbf16> -> tensor<2x5xbf16>
  return %0 : tensor<2x5xbf16>
}
// -----
func.func @pad_reflect(%x: tensor<3x4xf32>) -> tensor<7x9xf32> {
  %0 = kiln.pad %x pads = [2, 3, 2, 2] mode = reflect : tensor<3x4xf32> -> tensor<7x9xf32>
  return %0 : tensor<7x9xf32>
}
// -----
func.func @pad_edge(%x: tensor<3x4xi32>) -> tensor<8x5xi32> {
  %0 = kiln.pad %x pads = [4, 0, 1, 1] mode = edge : tensor<3x4xi32> -> tensor<8x5xi32>
  return %0 : tensor<8x5xi32>
}
// -----
func.func @pad_edge_unit_dim(%x: tensor<1x4xf32>) -> tensor<3x4xf32> {
  %0 = kiln.pad %x pads = [0, 0, 2, 0] mode = edge : tensor<1x4xf32> -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
// -----
func.func @split_axis1(%x: tensor<2x7xf32>) -> (tensor<2x2xf32>, tensor<2x0xf32>, tensor<2x5xf32>) {
  %0, %1, %2 = kiln.split %x axis = 1 sizes = [2, 0, 5] : tensor<2x7xf32> -> tensor<2x2xf32>, tensor<2x0xf32>, tensor<2x5xf32>
  return %0, %1, %2 : tensor<2x2xf32>, tensor<2x0xf32>, tensor<2x5xf32>
}
// -----
func.func @split_quantized(%x: tensor<4x3x!quant.uniform<i8:f32, 0.5>>) -> (tensor<1x3x!quant.uniform<i8:f32, 0.5>>, tensor<3x3x!quant.uniform<i8:f32, 0.5>>) {
  %0, %1 = kiln.split %x axis = 0 sizes = [1, 3] : tensor<4x3x!quant.uniform<i8:f32, 0.5>> -> tensor<1x3x!quant.uniform<i8:f32, 0.5>>, tensor<3x3x!quant.uniform<i8:f32, 0.5>>
  return %0, %1 : tensor<1x3x!quant.uniform<i8:f32, 0.5>>, tensor<3x3x!quant.uniform<i8:f32, 0.5>>
}
// -----
func.func @gather_empty_indices(%d: tensor<5x3xf32>, %i: tensor<0xi64>) -> tensor<0x3xf32> {
  %0 = kiln.gather %d, %i axis = 0 : (tensor<5x3xf32>, tensor<0xi64>) -> tensor<0x3xf32>
  return %0 : tensor<0x3xf32>
}
// -----
func.func @transpose_rank0(%x: tensor<f16>) -> tensor<f16> {
  %0 = kiln.transpose %x permutation = [] : tensor<f16> -> tensor<f16>
  return %0 : tensor<f16>
}
// -----
func.func @concat_single(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = kiln.concat %x axis = 1 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
// -----
func.func @pad_quantized_value(%x: tensor<2x2x!quant.uniform<u8:f32, 0.5:7>>) -> tensor<4x2x!quant.uniform<u8:f32, 0.5:7>> {
  %0 = kiln.pad %x pads = [1, 0, 1, 0] {value = 200.0 : f64} : tensor<2x2x!quant.uniform<u8:f32, 0.5:7>> -> tensor<4x2x!quant.uniform<u8:f32, 0.5:7>>
  return %0 : tensor<4x2x!quant.uniform<u8:f32, 0.5:7>>
}
