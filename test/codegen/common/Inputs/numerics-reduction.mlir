// Numeric cases for check_numerics.py: reduce, argmax, softmax, log_softmax,
// layer_norm, batch_norm, pool2d and global_pool.

// TOL: 1e-5 1e-5
func.func @reduce_sum_f32(%x: tensor<4x5x6xf32>) -> tensor<4x6xf32> {
  %0 = kiln.reduce sum %x axes = [1] : (tensor<4x5x6xf32>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}
// -----
// TOL: 1e-5 1e-5
func.func @reduce_mean_keep_dims(%x: tensor<4x5x6xf32>) -> tensor<1x5x1xf32> {
  %0 = kiln.reduce mean %x axes = [0, 2] keep_dims : (tensor<4x5x6xf32>) -> tensor<1x5x1xf32>
  return %0 : tensor<1x5x1xf32>
}
// -----
// TOL: 1e-5 1e-5
func.func @reduce_mean_all_keep_dims(%x: tensor<3x4xf32>) -> tensor<1x1xf32> {
  %0 = kiln.reduce mean %x axes = [0, 1] keep_dims : (tensor<3x4xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}
// -----
// TOL: 1e-5 1e-5
func.func @reduce_sum_all(%x: tensor<3x4xf32>) -> tensor<f32> {
  %0 = kiln.reduce sum %x axes = [0, 1] : (tensor<3x4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}
// -----
// ARG0: special
func.func @reduce_max_nan(%x: tensor<8x5xf32>) -> tensor<8xf32> {
  %0 = kiln.reduce max %x axes = [1] : (tensor<8x5xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}
// -----
func.func @reduce_min_f16(%x: tensor<8x5xf16>) -> tensor<5xf16> {
  %0 = kiln.reduce min %x axes = [0] : (tensor<8x5xf16>) -> tensor<5xf16>
  return %0 : tensor<5xf16>
}
// -----
// ARG0: uniform 0.5 1.5
// TOL: 1e-5 1e-6
func.func @reduce_prod_f32(%x: tensor<4x6xf32>) -> tensor<4xf32> {
  %0 = kiln.reduce prod %x axes = [1] : (tensor<4x6xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
// -----
func.func @reduce_sum_bf16(%x: tensor<4x64xbf16>) -> tensor<4xbf16> {
  %0 = kiln.reduce sum %x axes = [1] : (tensor<4x64xbf16>) -> tensor<4xbf16>
  return %0 : tensor<4xbf16>
}
// -----
func.func @reduce_sum_i8_wraps(%x: tensor<4x64xi8>) -> tensor<4xi8> {
  %0 = kiln.reduce sum %x axes = [1] : (tensor<4x64xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}
// -----
func.func @reduce_mean_i32_truncates(%x: tensor<16x7xi32>) -> tensor<16xi32> {
  %0 = kiln.reduce mean %x axes = [1] : (tensor<16x7xi32>) -> tensor<16xi32>
  return %0 : tensor<16xi32>
}
// -----
func.func @reduce_mean_ui8(%x: tensor<16x7xui8>) -> tensor<16xui8> {
  %0 = kiln.reduce mean %x axes = [1] : (tensor<16x7xui8>) -> tensor<16xui8>
  return %0 : tensor<16xui8>
}
// -----
func.func @reduce_max_ui8(%x: tensor<16x7xui8>) -> tensor<16xui8> {
  %0 = kiln.reduce max %x axes = [1] : (tensor<16x7xui8>) -> tensor<16xui8>
  return %0 : tensor<16xui8>
}
// -----
func.func @reduce_min_i8(%x: tensor<16x7xi8>) -> tensor<7xi8> {
  %0 = kiln.reduce min %x axes = [0] : (tensor<16x7xi8>) -> tensor<7xi8>
  return %0 : tensor<7xi8>
}
// -----
// ARG0: int -3 3
func.func @reduce_prod_i16(%x: tensor<16x7xi16>) -> tensor<16xi16> {
  %0 = kiln.reduce prod %x axes = [1] : (tensor<16x7xi16>) -> tensor<16xi16>
  return %0 : tensor<16xi16>
}
// -----
// ARG0: values 1,3,3,2,-1,3
func.func @argmax_first_ties(%x: tensor<4x6xf32>) -> tensor<4xi64> {
  %0 = kiln.argmax %x axis = 1 : (tensor<4x6xf32>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}
// -----
// ARG0: values 1,3,3,2,-1,3,0
func.func @argmax_last_ties_keep_dims(%x: tensor<5x7xf32>) -> tensor<5x1xi64> {
  %0 = kiln.argmax %x axis = 1 keep_dims select_last_index : (tensor<5x7xf32>) -> tensor<5x1xi64>
  return %0 : tensor<5x1xi64>
}
// -----
// ARG0: values 1,nan,3,nan,-inf,-inf,-inf,-inf,2,2,2,nan
func.func @argmax_nan(%x: tensor<3x4xf32>) -> tensor<3xi64> {
  %0 = kiln.argmax %x axis = 1 : (tensor<3x4xf32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}
// -----
// ARG0: values 1,nan,3,nan,-inf,-inf,-inf,-inf,2,2,2,nan
func.func @argmax_nan_last(%x: tensor<3x4xf32>) -> tensor<3xi64> {
  %0 = kiln.argmax %x axis = 1 select_last_index : (tensor<3x4xf32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}
// -----
// ARG0: int -3 3
func.func @argmax_i8_axis0(%x: tensor<6x5xi8>) -> tensor<5xi64> {
  %0 = kiln.argmax %x axis = 0 : (tensor<6x5xi8>) -> tensor<5xi64>
  return %0 : tensor<5xi64>
}
// -----
func.func @argmax_ui8(%x: tensor<6x5xui8>) -> tensor<6xi64> {
  %0 = kiln.argmax %x axis = 1 select_last_index : (tensor<6x5xui8>) -> tensor<6xi64>
  return %0 : tensor<6xi64>
}
// -----
// ARG0: values 0,0,0,0
func.func @argmax_ui8_all_zero(%x: tensor<2x4xui8>) -> tensor<2xi64> {
  %0 = kiln.argmax %x axis = 1 : (tensor<2x4xui8>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}
// -----
func.func @softmax_last_axis(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %0 = kiln.softmax %x axis = 1 : tensor<4x10xf32>
  return %0 : tensor<4x10xf32>
}
// -----
// ARG0: uniform -80 80
func.func @softmax_axis0_large(%x: tensor<6x3x2xf32>) -> tensor<6x3x2xf32> {
  %0 = kiln.softmax %x axis = 0 : tensor<6x3x2xf32>
  return %0 : tensor<6x3x2xf32>
}
// -----
func.func @softmax_f16(%x: tensor<4x32xf16>) -> tensor<4x32xf16> {
  %0 = kiln.softmax %x axis = 1 : tensor<4x32xf16>
  return %0 : tensor<4x32xf16>
}
// -----
// TOL: 1e-5 1e-5
func.func @log_softmax(%x: tensor<3x4x5xf32>) -> tensor<3x4x5xf32> {
  %0 = kiln.log_softmax %x axis = 1 : tensor<3x4x5xf32>
  return %0 : tensor<3x4x5xf32>
}
// -----
// TOL: 1e-5 1e-5
func.func @layer_norm_scale_bias(%x: tensor<2x3x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<2x3x8xf32> {
  %0 = kiln.layer_norm %x scale %g bias %b axis = 2 epsilon = 1.0e-05 : (tensor<2x3x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  return %0 : tensor<2x3x8xf32>
}
// -----
// TOL: 1e-5 1e-5
func.func @layer_norm_two_dims(%x: tensor<2x3x8xf32>, %g: tensor<3x8xf32>) -> tensor<2x3x8xf32> {
  %0 = kiln.layer_norm %x scale %g axis = 1 epsilon = 1.0e-03 : (tensor<2x3x8xf32>, tensor<3x8xf32>) -> tensor<2x3x8xf32>
  return %0 : tensor<2x3x8xf32>
}
// -----
// TOL: 1e-5 1e-5
func.func @layer_norm_axis0_bias_only(%x: tensor<3x4xf32>, %b: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = kiln.layer_norm %x bias %b axis = 0 epsilon = 0.0 : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
// -----
func.func @layer_norm_f16(%x: tensor<4x16xf16>, %g: tensor<16xf16>, %b: tensor<16xf16>) -> tensor<4x16xf16> {
  %0 = kiln.layer_norm %x scale %g bias %b axis = 1 epsilon = 1.0e-05 : (tensor<4x16xf16>, tensor<16xf16>, tensor<16xf16>) -> tensor<4x16xf16>
  return %0 : tensor<4x16xf16>
}
// -----
// ARG4: uniform 0.1 2
// TOL: 1e-5 1e-5
func.func @batch_norm(%x: tensor<2x3x4x5xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3x4x5xf32> {
  %0 = kiln.batch_norm %x, %s, %b, %m, %v epsilon = 1.0e-05 : (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}
// -----
// ARG4: uniform 0.1 2
func.func @batch_norm_bf16_rank2(%x: tensor<4x3xbf16>, %s: tensor<3xbf16>, %b: tensor<3xbf16>, %m: tensor<3xbf16>, %v: tensor<3xbf16>) -> tensor<4x3xbf16> {
  %0 = kiln.batch_norm %x, %s, %b, %m, %v epsilon = 1.0e-03 : (tensor<4x3xbf16>, tensor<3xbf16>, tensor<3xbf16>, tensor<3xbf16>, tensor<3xbf16>) -> tensor<4x3xbf16>
  return %0 : tensor<4x3xbf16>
}
// -----
func.func @maxpool_3x3_s2_p1(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32> {
  %0 = kiln.pool2d max %x kernel = [3, 3] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}
// -----
// ARG0: special
func.func @maxpool_nan_ceil(%x: tensor<1x1x7x7xf32>) -> tensor<1x1x4x4xf32> {
  %0 = kiln.pool2d max %x kernel = [2, 2] {strides = array<i64: 2, 2>, ceil_mode} : (tensor<1x1x7x7xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}
// -----
func.func @maxpool_dilation_asym_pads(%x: tensor<2x3x9x7xf16>) -> tensor<2x3x4x2xf16> {
  %0 = kiln.pool2d max %x kernel = [3, 2] {strides = array<i64: 2, 3>, pads = array<i64: 2, 1, 1, 0>, dilations = array<i64: 2, 3>} : (tensor<2x3x9x7xf16>) -> tensor<2x3x4x2xf16>
  return %0 : tensor<2x3x4x2xf16>
}
// -----
func.func @maxpool_i8(%x: tensor<1x2x6x6xi8>) -> tensor<1x2x3x3xi8> {
  %0 = kiln.pool2d max %x kernel = [3, 3] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x6x6xi8>) -> tensor<1x2x3x3xi8>
  return %0 : tensor<1x2x3x3xi8>
}
// -----
func.func @maxpool_ui8(%x: tensor<1x2x6x6xui8>) -> tensor<1x2x3x3xui8> {
  %0 = kiln.pool2d max %x kernel = [3, 3] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x6x6xui8>) -> tensor<1x2x3x3xui8>
  return %0 : tensor<1x2x3x3xui8>
}
// -----
// TOL: 1e-5 1e-6
func.func @avgpool_exclude_pad(%x: tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32> {
  %0 = kiln.pool2d avg %x kernel = [3, 3] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}
// -----
// TOL: 1e-5 1e-6
func.func @avgpool_include_pad_ceil(%x: tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32> {
  %0 = kiln.pool2d avg %x kernel = [3, 3] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>, count_include_pad, ceil_mode} : (tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}
// -----
// TOL: 1e-5 1e-6
func.func @avgpool_uniform(%x: tensor<2x3x8x8xf32>) -> tensor<2x3x4x4xf32> {
  %0 = kiln.pool2d avg %x kernel = [2, 2] {strides = array<i64: 2, 2>} : (tensor<2x3x8x8xf32>) -> tensor<2x3x4x4xf32>
  return %0 : tensor<2x3x4x4xf32>
}
// -----
func.func @avgpool_f16_include_pad(%x: tensor<1x2x5x5xf16>) -> tensor<1x2x5x5xf16> {
  %0 = kiln.pool2d avg %x kernel = [3, 3] {pads = array<i64: 1, 1, 1, 1>, count_include_pad} : (tensor<1x2x5x5xf16>) -> tensor<1x2x5x5xf16>
  return %0 : tensor<1x2x5x5xf16>
}
// -----
// ARG0: int -100 100
func.func @avgpool_i32_truncates(%x: tensor<1x2x5x5xi32>) -> tensor<1x2x3x3xi32> {
  %0 = kiln.pool2d avg %x kernel = [3, 3] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x5x5xi32>) -> tensor<1x2x3x3xi32>
  return %0 : tensor<1x2x3x3xi32>
}
// -----
func.func @avgpool_ui8(%x: tensor<1x2x6x6xui8>) -> tensor<1x2x3x3xui8> {
  %0 = kiln.pool2d avg %x kernel = [2, 2] {strides = array<i64: 2, 2>} : (tensor<1x2x6x6xui8>) -> tensor<1x2x3x3xui8>
  return %0 : tensor<1x2x3x3xui8>
}
// -----
// TOL: 1e-5 1e-6
func.func @global_avg(%x: tensor<2x3x7x7xf32>) -> tensor<2x3x1x1xf32> {
  %0 = kiln.global_pool avg %x : (tensor<2x3x7x7xf32>) -> tensor<2x3x1x1xf32>
  return %0 : tensor<2x3x1x1xf32>
}
// -----
// ARG0: special
func.func @global_max_nan_rank3(%x: tensor<2x3x9xf32>) -> tensor<2x3x1xf32> {
  %0 = kiln.global_pool max %x : (tensor<2x3x9xf32>) -> tensor<2x3x1xf32>
  return %0 : tensor<2x3x1xf32>
}
// -----
func.func @global_avg_i8(%x: tensor<2x3x4x4xi8>) -> tensor<2x3x1x1xi8> {
  %0 = kiln.global_pool avg %x : (tensor<2x3x4x4xi8>) -> tensor<2x3x1x1xi8>
  return %0 : tensor<2x3x1x1xi8>
}
// -----
func.func @global_max_ui8(%x: tensor<2x3x4x4xui8>) -> tensor<2x3x1x1xui8> {
  %0 = kiln.global_pool max %x : (tensor<2x3x4x4xui8>) -> tensor<2x3x1x1xui8>
  return %0 : tensor<2x3x1x1xui8>
}
// -----
func.func @global_avg_bf16(%x: tensor<1x4x5x5xbf16>) -> tensor<1x4x1x1xbf16> {
  %0 = kiln.global_pool avg %x : (tensor<1x4x5x5xbf16>) -> tensor<1x4x1x1xbf16>
  return %0 : tensor<1x4x1x1xbf16>
}
// -----
// Some dilated windows lie entirely in the padding: max gives -inf.
func.func @maxpool_window_in_padding(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32> {
  %0 = kiln.pool2d max %x kernel = [2, 2] {pads = array<i64: 2, 2, 2, 2>, dilations = array<i64: 3, 3>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}
// -----
// ... and avg without count_include_pad divides 0 by 0 (NaN) there.
func.func @avgpool_window_in_padding(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32> {
  %0 = kiln.pool2d avg %x kernel = [2, 2] {pads = array<i64: 2, 2, 2, 2>, dilations = array<i64: 3, 3>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}
// -----
func.func @avgpool_window_in_padding_i32(%x: tensor<1x1x2x2xi32>) -> tensor<1x1x3x3xi32> {
  %0 = kiln.pool2d avg %x kernel = [2, 2] {pads = array<i64: 2, 2, 2, 2>, dilations = array<i64: 3, 3>} : (tensor<1x1x2x2xi32>) -> tensor<1x1x3x3xi32>
  return %0 : tensor<1x1x3x3xi32>
}
// -----
func.func @maxpool_window_in_padding_ui8(%x: tensor<1x1x2x2xui8>) -> tensor<1x1x3x3xui8> {
  %0 = kiln.pool2d max %x kernel = [2, 2] {pads = array<i64: 2, 2, 2, 2>, dilations = array<i64: 3, 3>} : (tensor<1x1x2x2xui8>) -> tensor<1x1x3x3xui8>
  return %0 : tensor<1x1x3x3xui8>
}
// -----
func.func @softmax_rank1(%x: tensor<8xf32>) -> tensor<8xf32> {
  %0 = kiln.softmax %x axis = 0 : tensor<8xf32>
  return %0 : tensor<8xf32>
}
// -----
// TOL: 1e-5 1e-5
func.func @layer_norm_rank1(%x: tensor<8xf32>) -> tensor<8xf32> {
  %0 = kiln.layer_norm %x axis = 0 epsilon = 1.0e-05 : (tensor<8xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}
// -----
func.func @argmax_rank1(%x: tensor<8xf32>) -> tensor<i64> {
  %0 = kiln.argmax %x axis = 0 : (tensor<8xf32>) -> tensor<i64>
  return %0 : tensor<i64>
}
// -----
func.func @reduce_mean_empty(%x: tensor<3x0xf32>) -> tensor<3xf32> {
  %0 = kiln.reduce mean %x axes = [1] : (tensor<3x0xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
// -----
// Ties keep the first position in scan order; padding never wins.
// ARG0: values 1,3,3,2,-1,3,0,3
func.func @pool2d_argmax_ties_pads(%x: tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xi64> {
  %0 = kiln.pool2d_argmax %x kernel = [3, 3] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xi64>
  return %0 : tensor<1x2x3x3xi64>
}
// -----
// A NaN wins only until a number shows up; an all-NaN window gives its first NaN.
// ARG0: values nan,nan,1,nan,nan,nan,nan,nan,2,nan,nan,nan,nan,nan,nan,nan
func.func @pool2d_argmax_nan(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xi64> {
  %0 = kiln.pool2d_argmax %x kernel = [2, 2] {strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xi64>
  return %0 : tensor<1x1x2x2xi64>
}
// -----
// Dilated windows entirely in the padding give -1; column-major positions.
func.func @pool2d_argmax_column_major_padding(%x: tensor<2x1x2x2xf32>) -> tensor<2x1x3x3xi64> {
  %0 = kiln.pool2d_argmax %x kernel = [2, 2] {pads = array<i64: 2, 2, 2, 2>, dilations = array<i64: 3, 3>, column_major} : (tensor<2x1x2x2xf32>) -> tensor<2x1x3x3xi64>
  return %0 : tensor<2x1x3x3xi64>
}
// -----
func.func @pool2d_argmax_ceil_column_major(%x: tensor<1x3x7x5xf16>) -> tensor<1x3x4x3xi64> {
  %0 = kiln.pool2d_argmax %x kernel = [2, 2] {strides = array<i64: 2, 2>, ceil_mode, column_major} : (tensor<1x3x7x5xf16>) -> tensor<1x3x4x3xi64>
  return %0 : tensor<1x3x4x3xi64>
}
// -----
// ARG0: int -2 2
func.func @pool2d_argmax_i8(%x: tensor<1x2x5x5xi8>) -> tensor<1x2x2x2xi64> {
  %0 = kiln.pool2d_argmax %x kernel = [3, 3] {strides = array<i64: 2, 2>} : (tensor<1x2x5x5xi8>) -> tensor<1x2x2x2xi64>
  return %0 : tensor<1x2x2x2xi64>
}
// -----
func.func @pool2d_argmax_ui8(%x: tensor<1x2x5x5xui8>) -> tensor<1x2x3x3xi64> {
  %0 = kiln.pool2d_argmax %x kernel = [3, 3] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x5x5xui8>) -> tensor<1x2x3x3xi64>
  return %0 : tensor<1x2x3x3xi64>
}
