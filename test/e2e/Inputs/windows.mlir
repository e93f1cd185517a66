// Window ops that kiln-cpu-vectorize-windows lowers to rows of vector ops. Depthwise
// convolutions, with the shapes that exercise its edges: a width that is a multiple of
// the vector (112), one that leaves a half vector (56 at stride 2), rows narrower than a
// vector (7: one masked ymm), stride 2 from an odd padded width, dilation, a 5x5 window,
// asymmetric padding, several images, and a width beyond one strip loop of 4 vectors
// (160); then max and average pooling.

func.func @dw3x3_s1_w112(%x: tensor<1x8x12x112xf32>, %w: tensor<8x1x3x3xf32>, %b: tensor<8xf32>) -> tensor<1x8x12x112xf32> {
  %y = kiln.conv2d %x, %w, %b {groups = 8 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x12x112xf32>, tensor<8x1x3x3xf32>, tensor<8xf32>) -> tensor<1x8x12x112xf32>
  %z = kiln.clip %y {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64} : tensor<1x8x12x112xf32>
  return %z : tensor<1x8x12x112xf32>
}

// -----

func.func @dw3x3_s2_w56(%x: tensor<1x4x9x112xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<1x4x5x56xf32> {
  %y = kiln.conv2d %x, %w {groups = 4 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x9x112xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x5x56xf32>
  return %y : tensor<1x4x5x56xf32>
}

// -----

func.func @dw3x3_s2_odd(%x: tensor<1x3x7x15xf32>, %w: tensor<3x1x3x3xf32>, %b: tensor<3xf32>) -> tensor<1x3x4x8xf32> {
  %y = kiln.conv2d %x, %w, %b {groups = 3 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x7x15xf32>, tensor<3x1x3x3xf32>, tensor<3xf32>) -> tensor<1x3x4x8xf32>
  return %y : tensor<1x3x4x8xf32>
}

// -----

func.func @dw3x3_w7(%x: tensor<1x16x7x7xf32>, %w: tensor<16x1x3x3xf32>, %b: tensor<16xf32>) -> tensor<1x16x7x7xf32> {
  %y = kiln.conv2d %x, %w, %b {groups = 16 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x16x7x7xf32>, tensor<16x1x3x3xf32>, tensor<16xf32>) -> tensor<1x16x7x7xf32>
  return %y : tensor<1x16x7x7xf32>
}

// -----

func.func @dw5x5_dilated(%x: tensor<2x4x20x40xf32>, %w: tensor<4x1x5x5xf32>) -> tensor<2x4x12x34xf32> {
  %y = kiln.conv2d %x, %w {groups = 4 : i64, pads = array<i64: 0, 1, 0, 1>, dilations = array<i64: 2, 2>} : (tensor<2x4x20x40xf32>, tensor<4x1x5x5xf32>) -> tensor<2x4x12x34xf32>
  return %y : tensor<2x4x12x34xf32>
}

// -----

func.func @dw3x3_w160(%x: tensor<1x2x4x160xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<2xf32>) -> tensor<1x2x4x160xf32> {
  %y = kiln.conv2d %x, %w, %b {groups = 2 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x4x160xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x4x160xf32>
  return %y : tensor<1x2x4x160xf32>
}

// -----

// ResNet's stem pooling: 3x3 max, stride 2, padding 1 (the padding is -inf).
func.func @maxpool3x3_s2(%x: tensor<1x8x28x112xf32>) -> tensor<1x8x14x56xf32> {
  %y = kiln.pool2d max %x kernel = [3, 3] {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x28x112xf32>) -> tensor<1x8x14x56xf32>
  return %y : tensor<1x8x14x56xf32>
}

// -----

func.func @maxpool2x2_narrow(%x: tensor<2x3x14x14xf32>) -> tensor<2x3x7x7xf32> {
  %y = kiln.pool2d max %x kernel = [2, 2] {strides = array<i64: 2, 2>} : (tensor<2x3x14x14xf32>) -> tensor<2x3x7x7xf32>
  return %y : tensor<2x3x7x7xf32>
}

// -----

// Average pooling sums the window, then divides by the count of real (unpadded) taps.
func.func @avgpool3x3_s1(%x: tensor<1x4x9x40xf32>) -> tensor<1x4x9x40xf32> {
  %y = kiln.pool2d avg %x kernel = [3, 3] {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x9x40xf32>) -> tensor<1x4x9x40xf32>
  return %y : tensor<1x4x9x40xf32>
}

// -----

func.func @avgpool3x3_s2_include_pad(%x: tensor<1x4x9x37xf32>) -> tensor<1x4x5x19xf32> {
  %y = kiln.pool2d avg %x kernel = [3, 3] {count_include_pad, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x9x37xf32>) -> tensor<1x4x5x19xf32>
  return %y : tensor<1x4x5x19xf32>
}
