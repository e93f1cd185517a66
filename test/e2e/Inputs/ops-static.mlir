// Static-shape versions of the ops.mlir cases that use dynamic dims (the compiler needs
// static shapes): every kiln op is compiled and compared with kiln-interpret.

func.func @static_matmul_dynamic_batch(%a: tensor<3x4x8xf32>, %b: tensor<8x5xf32>, %c: tensor<1x8x5xf32>, %d: tensor<8x5xf32>, %e: tensor<2x3x8x5xf32>) -> (tensor<3x4x5xf32>, tensor<3x4x5xf32>, tensor<2x3x5x5xf32>) {
  %0 = kiln.matmul %a, %b : (tensor<3x4x8xf32>, tensor<8x5xf32>) -> tensor<3x4x5xf32>
  %1 = kiln.matmul %a, %c : (tensor<3x4x8xf32>, tensor<1x8x5xf32>) -> tensor<3x4x5xf32>
  %2 = kiln.matmul %d, %e transpose_a : (tensor<8x5xf32>, tensor<2x3x8x5xf32>) -> tensor<2x3x5x5xf32>
  return %0, %1, %2 : tensor<3x4x5xf32>, tensor<3x4x5xf32>, tensor<2x3x5x5xf32>
}

// -----

func.func @static_conv2d_i8_dynamic(%x: tensor<1x3x8x8xi8>, %w: tensor<4x3x3x3xi8>, %b: tensor<4xi32>, %d: tensor<3x3x3x8xf32>, %v: tensor<4x3x3x3xf32>) -> (tensor<1x4x6x6xi32>, tensor<3x4x1x6xf32>) {
  %0 = kiln.conv2d %x, %w, %b : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xi8>, tensor<4xi32>) -> tensor<1x4x6x6xi32>
  %1 = kiln.conv2d %d, %v : (tensor<3x3x3x8xf32>, tensor<4x3x3x3xf32>) -> tensor<3x4x1x6xf32>
  return %0, %1 : tensor<1x4x6x6xi32>, tensor<3x4x1x6xf32>
}

// -----

func.func @static_unary_half(%x: tensor<4xf16>, %y: tensor<3x4xbf16>) -> (tensor<4xf16>, tensor<3x4xbf16>) {
  %0 = kiln.sqrt %x : tensor<4xf16>
  %1 = kiln.sigmoid %y : tensor<3x4xbf16>
  return %0, %1 : tensor<4xf16>, tensor<3x4xbf16>
}

// -----

func.func @static_gelu(%x: tensor<4xf32>, %h: tensor<2x3xbf16>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<2x3xbf16>) {
  %0 = kiln.gelu %x : tensor<4xf32>
  %1 = kiln.gelu %x approximate = tanh : tensor<4xf32>
  %2 = kiln.gelu %x approximate = none : tensor<4xf32>
  %3 = kiln.gelu %h approximate = tanh : tensor<2x3xbf16>
  return %0, %1, %2, %3 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<2x3xbf16>
}

// -----

func.func @static_binary_dynamic(%a: tensor<3x3xf32>, %b: tensor<3xf32>, %c: tensor<3x3xf32>) -> (tensor<3x3xf32>, tensor<3x3xf32>) {
  %0 = kiln.add %a, %b : (tensor<3x3xf32>, tensor<3xf32>) -> tensor<3x3xf32>
  %1 = kiln.sub %c, %c : (tensor<3x3xf32>, tensor<3x3xf32>) -> tensor<3x3xf32>
  return %0, %1 : tensor<3x3xf32>, tensor<3x3xf32>
}

// -----

func.func @static_reduce(%x: tensor<2x3x4xf32>, %i: tensor<3x8xi32>) -> (tensor<2x4xf32>, tensor<2x1x4xf32>, tensor<2xf32>, tensor<1x3x1xf32>, tensor<3x4xf32>, tensor<3x1xi32>) {
  %0 = kiln.reduce sum %x axes = [1] : (tensor<2x3x4xf32>) -> tensor<2x4xf32>
  %1 = kiln.reduce mean %x axes = [1] keep_dims : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
  %2 = kiln.reduce max %x axes = [1, 2] : (tensor<2x3x4xf32>) -> tensor<2xf32>
  %3 = kiln.reduce min %x axes = [0, 2] keep_dims : (tensor<2x3x4xf32>) -> tensor<1x3x1xf32>
  %4 = kiln.reduce prod %x axes = [0] : (tensor<2x3x4xf32>) -> tensor<3x4xf32>
  %5 = kiln.reduce sum %i axes = [1] keep_dims : (tensor<3x8xi32>) -> tensor<3x1xi32>
  return %0, %1, %2, %3, %4, %5 : tensor<2x4xf32>, tensor<2x1x4xf32>, tensor<2xf32>, tensor<1x3x1xf32>, tensor<3x4xf32>, tensor<3x1xi32>
}

// -----

func.func @static_argmax(%x: tensor<2x3xf32>, %i: tensor<3x5xi32>) -> (tensor<2xi64>, tensor<1x3xi64>, tensor<2xi64>, tensor<3x1xi64>) {
  %0 = kiln.argmax %x axis = 1 : (tensor<2x3xf32>) -> tensor<2xi64>
  %1 = kiln.argmax %x axis = 0 keep_dims : (tensor<2x3xf32>) -> tensor<1x3xi64>
  %2 = kiln.argmax %x axis = 1 select_last_index : (tensor<2x3xf32>) -> tensor<2xi64>
  %3 = kiln.argmax %i axis = 1 keep_dims select_last_index : (tensor<3x5xi32>) -> tensor<3x1xi64>
  return %0, %1, %2, %3 : tensor<2xi64>, tensor<1x3xi64>, tensor<2xi64>, tensor<3x1xi64>
}

// -----

func.func @static_softmax(%x: tensor<2x8xf32>, %y: tensor<3x8xf16>) -> (tensor<2x8xf32>, tensor<3x8xf16>) {
  %0 = kiln.softmax %x axis = 1 : tensor<2x8xf32>
  %1 = kiln.log_softmax %y axis = 0 : tensor<3x8xf16>
  return %0, %1 : tensor<2x8xf32>, tensor<3x8xf16>
}

// -----

func.func @static_reshape(%x: tensor<2x3xf32>, %y: tensor<3x4xi64>, %s: tensor<f32>) -> (tensor<6xf32>, tensor<3x1x2xf32>, tensor<12xi64>, tensor<1x1xf32>) {
  %0 = kiln.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  %1 = kiln.reshape %0 : tensor<6xf32> -> tensor<3x1x2xf32>
  %2 = kiln.reshape %y : tensor<3x4xi64> -> tensor<12xi64>
  %3 = kiln.reshape %s : tensor<f32> -> tensor<1x1xf32>
  return %0, %1, %2, %3 : tensor<6xf32>, tensor<3x1x2xf32>, tensor<12xi64>, tensor<1x1xf32>
}

// -----

func.func @static_broadcast_to(%x: tensor<3xf32>, %y: tensor<4x1xi32>) -> (tensor<2x3xf32>, tensor<2x4x5xi32>, tensor<3x3xf32>) {
  %0 = kiln.broadcast_to %x : tensor<3xf32> -> tensor<2x3xf32>
  %1 = kiln.broadcast_to %y : tensor<4x1xi32> -> tensor<2x4x5xi32>
  %2 = kiln.broadcast_to %x : tensor<3xf32> -> tensor<3x3xf32>
  return %0, %1, %2 : tensor<2x3xf32>, tensor<2x4x5xi32>, tensor<3x3xf32>
}

// -----

func.func @static_concat(%a: tensor<1x3xf32>, %b: tensor<2x3xf32>, %c: tensor<3x3xf32>) -> (tensor<3x3xf32>, tensor<6x3xf32>, tensor<2x6xf32>, tensor<2x3xf32>) {
  %0 = kiln.concat %a, %b axis = 0 : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<3x3xf32>
  %1 = kiln.concat %a, %b, %c axis = 0 : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<6x3xf32>
  %2 = kiln.concat %b, %b axis = 1 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  %3 = kiln.concat %b axis = 0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1, %2, %3 : tensor<3x3xf32>, tensor<6x3xf32>, tensor<2x6xf32>, tensor<2x3xf32>
}

// -----

func.func @static_slice(%x: tensor<2x4xf32>, %y: tensor<8xi32>, %d: tensor<3x8xf32>) -> (tensor<2x2xf32>, tensor<4xi32>, tensor<8xi32>, tensor<1x2xf32>, tensor<2x2xf32>) {
  %0 = kiln.slice %x starts = [0, 1] ends = [2, 3] steps = [1, 1] : tensor<2x4xf32> -> tensor<2x2xf32>
  %1 = kiln.slice %y starts = [7] ends = [-1] steps = [-2] : tensor<8xi32> -> tensor<4xi32>
  %2 = kiln.slice %y starts = [7] ends = [-1] steps = [-1] : tensor<8xi32> -> tensor<8xi32>
  %3 = kiln.slice %x starts = [1, 0] ends = [2, 4] steps = [1, 3] : tensor<2x4xf32> -> tensor<1x2xf32>
  %4 = kiln.slice %d starts = [0, 6] ends = [2, 0] steps = [1, -3] : tensor<3x8xf32> -> tensor<2x2xf32>
  return %0, %1, %2, %3, %4 : tensor<2x2xf32>, tensor<4xi32>, tensor<8xi32>, tensor<1x2xf32>, tensor<2x2xf32>
}

// -----

func.func @static_split(%x: tensor<4x8xf32>, %y: tensor<3x6xi64>) -> (tensor<4x2xf32>, tensor<4x6xf32>, tensor<3x2xi64>, tensor<3x2xi64>, tensor<3x2xi64>, tensor<4x8xf32>) {
  %0, %1 = kiln.split %x axis = 1 sizes = [2, 6] : tensor<4x8xf32> -> tensor<4x2xf32>, tensor<4x6xf32>
  %2:3 = kiln.split %y axis = 1 sizes = [2, 2, 2] : tensor<3x6xi64> -> tensor<3x2xi64>, tensor<3x2xi64>, tensor<3x2xi64>
  %3 = kiln.split %x axis = 0 sizes = [4] : tensor<4x8xf32> -> tensor<4x8xf32>
  return %0, %1, %2#0, %2#1, %2#2, %3 : tensor<4x2xf32>, tensor<4x6xf32>, tensor<3x2xi64>, tensor<3x2xi64>, tensor<3x2xi64>, tensor<4x8xf32>
}

// -----

func.func @static_quantize_per_axis(%x: tensor<2x3xf32>, %h: tensor<3x3xf16>) -> (tensor<2x3xf32>, tensor<3x3xf16>) {
  %0 = kiln.quantize %x : tensor<2x3xf32> to tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  %1 = kiln.dequantize %0 : tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>> to tensor<2x3xf32>
  %2 = kiln.quantize %h : tensor<3x3xf16> to tensor<3x3x!quant.uniform<i8:f16:1, {0.1:1, 0.2:2, 0.3:-3}>>
  %3 = kiln.dequantize %2 : tensor<3x3x!quant.uniform<i8:f16:1, {0.1:1, 0.2:2, 0.3:-3}>> to tensor<3x3xf16>
  return %1, %3 : tensor<2x3xf32>, tensor<3x3xf16>
}
