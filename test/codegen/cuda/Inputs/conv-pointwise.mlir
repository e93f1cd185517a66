// MobileNetV2's pointwise convolutions: 1x1 expansion of a 14 x 14 map (batch 2) with
// bias and relu6, then a 1x1 projection of the 7 x 7 map a stride-2 depthwise makes of
// it. In the implicit GEMM's gather, pixel p of an image is input element p of a channel:
// a chunk of 8 pixels is one run even where it crosses an output row (196 and 49 pixels
// an image: most chunks do) and only the last, partial chunk goes element by element.
func.func @main(%x: tensor<2x24x14x14xf32> {kiln.name = "x"}, %w1: tensor<48x24x1x1xf32> {kiln.name = "w1"}, %b1: tensor<48xf32> {kiln.name = "b1"}, %wd: tensor<48x1x3x3xf32> {kiln.name = "wd"}, %w2: tensor<32x48x1x1xf32> {kiln.name = "w2"}) -> tensor<2x32x7x7xf32> {
  %0 = kiln.conv2d %x, %w1, %b1 : (tensor<2x24x14x14xf32>, tensor<48x24x1x1xf32>, tensor<48xf32>) -> tensor<2x48x14x14xf32>
  %1 = kiln.clip %0 {min = 0.0 : f64, max = 6.0 : f64} : tensor<2x48x14x14xf32>
  %2 = kiln.conv2d %1, %wd {groups = 48 : i64, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<2x48x14x14xf32>, tensor<48x1x3x3xf32>) -> tensor<2x48x7x7xf32>
  %3 = kiln.conv2d %2, %w2 : (tensor<2x48x7x7xf32>, tensor<32x48x1x1xf32>) -> tensor<2x32x7x7xf32>
  return %3 : tensor<2x32x7x7xf32>
}
