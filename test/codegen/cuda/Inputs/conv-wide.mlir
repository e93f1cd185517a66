// A ResNet layer-2 convolution at batch 32: 128 output channels over 28 x 28 pixels,
// enough blocks for 128 x 128 tiles.
func.func @main(%x: tensor<32x64x28x28xf32> {kiln.name = "x"}, %w: tensor<128x64x3x3xf32> {kiln.name = "w"}) -> tensor<32x128x28x28xf32> {
  %0 = kiln.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<32x64x28x28xf32>, tensor<128x64x3x3xf32>) -> tensor<32x128x28x28xf32>
  %1 = kiln.relu %0 : tensor<32x128x28x28xf32>
  return %1 : tensor<32x128x28x28xf32>
}
