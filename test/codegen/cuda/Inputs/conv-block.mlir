// A ResNet basic-block convolution at batch 2: 3x3, padding 1, bias, residual add, relu.
func.func @main(%x: tensor<2x16x20x20xf32> {kiln.name = "x"}, %w: tensor<32x16x3x3xf32> {kiln.name = "w"}, %b: tensor<32xf32> {kiln.name = "b"}, %r: tensor<2x32x20x20xf32> {kiln.name = "r"}) -> tensor<2x32x20x20xf32> {
  %0 = kiln.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<2x16x20x20xf32>, tensor<32x16x3x3xf32>, tensor<32xf32>) -> tensor<2x32x20x20xf32>
  %1 = kiln.add %0, %r : (tensor<2x32x20x20xf32>, tensor<2x32x20x20xf32>) -> tensor<2x32x20x20xf32>
  %2 = kiln.relu %1 : tensor<2x32x20x20xf32>
  return %2 : tensor<2x32x20x20xf32>
}
