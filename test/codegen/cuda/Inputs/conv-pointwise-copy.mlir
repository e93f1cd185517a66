// A depthwise convolution then a pointwise one on 16 x 16 maps (batch 2): the depthwise
// kernel writes its result in 16 bits for the pointwise convolution
// (kiln-mixed-precision), whose channels are then rows of 512 bytes: the implicit GEMM
// copies its B tiles by cp.async from the input viewed as [2, 32, 256], as a GEMM's.
func.func @main(%x: tensor<2x32x16x16xf32> {kiln.name = "x"}, %wd: tensor<32x1x3x3xf32> {kiln.name = "wd"}, %w: tensor<40x32x1x1xf32> {kiln.name = "w"}, %b: tensor<40xf32> {kiln.name = "b"}) -> tensor<2x40x16x16xf32> {
  %0 = kiln.conv2d %x, %wd {groups = 32 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<2x32x16x16xf32>, tensor<32x1x3x3xf32>) -> tensor<2x32x16x16xf32>
  %1 = kiln.clip %0 {min = 0.0 : f64, max = 6.0 : f64} : tensor<2x32x16x16xf32>
  %2 = kiln.conv2d %1, %w, %b : (tensor<2x32x16x16xf32>, tensor<40x32x1x1xf32>, tensor<40xf32>) -> tensor<2x40x16x16xf32>
  return %2 : tensor<2x40x16x16xf32>
}
