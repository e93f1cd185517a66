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

// -----

// The im2col panels written as row segments (kiln-cpu-pack-contractions): 900 pixels,
// split into several work items, so a panel starts mid-row and spans two output rows.
func.func @conv3x3_rows(%x: tensor<1x16x30x30xf32>, %w: tensor<32x16x3x3xf32>, %b: tensor<32xf32>) -> tensor<1x32x30x30xf32> {
  %y = kiln.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x16x30x30xf32>, tensor<32x16x3x3xf32>, tensor<32xf32>) -> tensor<1x32x30x30xf32>
  %r = kiln.relu %y : tensor<1x32x30x30xf32>
  return %r : tensor<1x32x30x30xf32>
}

// -----

// A 7-pixel-wide output (ResNet's last stage): a 32-lane panel row spans six output
// rows; the 49 pixels are padded to 64 columns.
func.func @conv3x3_narrow(%x: tensor<1x24x7x7xf32>, %w: tensor<40x24x3x3xf32>) -> tensor<1x40x7x7xf32> {
  %y = kiln.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x24x7x7xf32>, tensor<40x24x3x3xf32>) -> tensor<1x40x7x7xf32>
  return %y : tensor<1x40x7x7xf32>
}

// -----

// Width stride 2 (every second input value of a segment), odd sizes, a 7x7 stem-like
// window with padding 3.
func.func @conv7x7_stride2(%x: tensor<1x3x31x41xf32>, %w: tensor<16x3x7x7xf32>, %b: tensor<16xf32>) -> tensor<1x16x16x21xf32> {
  %y = kiln.conv2d %x, %w, %b {pads = array<i64: 3, 3, 3, 3>, strides = array<i64: 2, 2>} : (tensor<1x3x31x41xf32>, tensor<16x3x7x7xf32>, tensor<16xf32>) -> tensor<1x16x16x21xf32>
  return %y : tensor<1x16x16x21xf32>
}

// -----

// Stride 2 on the height only, dilation 2 and asymmetric padding (top 2, left 1,
// bottom 0, right 3).
func.func @conv3x3_dilated(%x: tensor<1x8x21x19xf32>, %w: tensor<16x8x3x3xf32>) -> tensor<1x16x10x19xf32> {
  %y = kiln.conv2d %x, %w {pads = array<i64: 2, 1, 0, 3>, strides = array<i64: 2, 1>, dilations = array<i64: 2, 2>} : (tensor<1x8x21x19xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x10x19xf32>
  return %y : tensor<1x16x10x19xf32>
}

// -----

// Width stride 3 keeps the gathering im2col generic.
func.func @conv3x3_stride3(%x: tensor<1x8x20x20xf32>, %w: tensor<16x8x3x3xf32>) -> tensor<1x16x7x7xf32> {
  %y = kiln.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 3, 3>} : (tensor<1x8x20x20xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x7x7xf32>
  return %y : tensor<1x16x7x7xf32>
}
