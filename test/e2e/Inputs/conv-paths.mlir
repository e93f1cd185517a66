// f32 convolutions at batch 1 through the matmul paths: pointwise (1x1, stride 1, no
// padding: the input itself is the matmul's B), and 1x1 forms that still need im2col
// (stride 2; padding), beside a 3x3.

func.func @pointwise_bias_relu(%x: tensor<1x24x10x12xf32>, %w: tensor<40x24x1x1xf32>, %b: tensor<40xf32>) -> tensor<1x40x10x12xf32> {
  %y = kiln.conv2d %x, %w, %b : (tensor<1x24x10x12xf32>, tensor<40x24x1x1xf32>, tensor<40xf32>) -> tensor<1x40x10x12xf32>
  %r = kiln.relu %y : tensor<1x40x10x12xf32>
  return %r : tensor<1x40x10x12xf32>
}

// -----

func.func @pointwise_stride2(%x: tensor<1x16x14x14xf32>, %w: tensor<32x16x1x1xf32>) -> tensor<1x32x7x7xf32> {
  %y = kiln.conv2d %x, %w {strides = array<i64: 2, 2>} : (tensor<1x16x14x14xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x7x7xf32>
  return %y : tensor<1x32x7x7xf32>
}

// -----

func.func @pointwise_padded(%x: tensor<1x8x6x6xf32>, %w: tensor<16x8x1x1xf32>) -> tensor<1x16x8x8xf32> {
  %y = kiln.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x6x6xf32>, tensor<16x8x1x1xf32>) -> tensor<1x16x8x8xf32>
  return %y : tensor<1x16x8x8xf32>
}

// -----

func.func @conv3x3(%x: tensor<1x8x12x12xf32>, %w: tensor<16x8x3x3xf32>, %b: tensor<16xf32>) -> tensor<1x16x12x12xf32> {
  %y = kiln.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x12x12xf32>, tensor<16x8x3x3xf32>, tensor<16xf32>) -> tensor<1x16x12x12xf32>
  return %y : tensor<1x16x12x12xf32>
}
