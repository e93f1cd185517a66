// A ResNet basic block with constant weights: relu(conv2(relu(conv1(x))) + x). Under
// --precision=bf16 the first kernel casts x to bf16 as its convolution's prologue and
// writes its output in bf16 (it feeds only conv2), so bufferization gives the cast's
// temporary and the output one buffer; the second reads x again for the residual add.
// A relu before a depthwise convolution, whose input also feeds the sum, is that
// convolution's prologue in f32 (the window kernel).
func.func @main(%x: tensor<1x16x8x8xf32> {kiln.name = "x"}) -> (tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>) {
  %w1 = kiln.constant dense<0.02> : tensor<16x16x3x3xf32>
  %b1 = kiln.constant dense<0.1> : tensor<16xf32>
  %w2 = kiln.constant dense<-0.03> : tensor<16x16x3x3xf32>
  %b2 = kiln.constant dense<0.05> : tensor<16xf32>
  %wd = kiln.constant dense<0.25> : tensor<16x1x3x3xf32>
  %0 = kiln.conv2d %x, %w1, %b1 {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x16x8x8xf32>, tensor<16x16x3x3xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
  %1 = kiln.relu %0 : tensor<1x16x8x8xf32>
  %2 = kiln.conv2d %1, %w2, %b2 {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x16x8x8xf32>, tensor<16x16x3x3xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
  %3 = kiln.add %2, %x : (tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  %4 = kiln.relu %3 : tensor<1x16x8x8xf32>
  %5 = kiln.neg %4 : tensor<1x16x8x8xf32>
  %6 = kiln.relu %5 : tensor<1x16x8x8xf32>
  %7 = kiln.conv2d %6, %wd {groups = 16 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x16x8x8xf32>, tensor<16x1x3x3xf32>) -> tensor<1x16x8x8xf32>
  %8 = kiln.add %7, %5 : (tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  return %4, %8 : tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>
}
