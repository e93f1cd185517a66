// MobileNetV2's depthwise convolution (3x3, stride 2, padding 1, bias, relu6), then max
// pooling (3x3, stride 2, padding 1) and global average pooling.
func.func @main(%x: tensor<1x16x20x20xf32> {kiln.name = "x"}, %w: tensor<16x1x3x3xf32> {kiln.name = "w"}, %b: tensor<16xf32> {kiln.name = "b"}) -> (tensor<1x16x5x5xf32>, tensor<1x16x1x1xf32>) {
  %0 = kiln.conv2d %x, %w, %b {groups = 16 : i64, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x16x20x20xf32>, tensor<16x1x3x3xf32>, tensor<16xf32>) -> tensor<1x16x10x10xf32>
  %1 = kiln.clip %0 {min = 0.0 : f64, max = 6.0 : f64} : tensor<1x16x10x10xf32>
  %2 = kiln.pool2d max %1 kernel = [3, 3] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x16x10x10xf32>) -> tensor<1x16x5x5xf32>
  %3 = kiln.global_pool avg %2 : (tensor<1x16x5x5xf32>) -> tensor<1x16x1x1xf32>
  return %2, %3 : tensor<1x16x5x5xf32>, tensor<1x16x1x1xf32>
}
