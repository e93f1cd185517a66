// A ResNet stem convolution: 3 channels, 7x7, stride 2, padding 3 (K = 147: weight rows
// that are not 16-byte multiples), no bias.
func.func @main(%x: tensor<1x3x32x32xf32> {kiln.name = "x"}, %w: tensor<8x3x7x7xf32> {kiln.name = "w"}) -> tensor<1x8x16x16xf32> {
  %0 = kiln.conv2d %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 3, 3, 3, 3>} : (tensor<1x3x32x32xf32>, tensor<8x3x7x7xf32>) -> tensor<1x8x16x16xf32>
  return %0 : tensor<1x8x16x16xf32>
}
