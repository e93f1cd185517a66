// RUN: kiln-opt %s --kiln-print-fusion-info --split-input-file -verify-diagnostics
// FusionOpInterface: the fusion class, iterator kinds and access maps (operands, then results) of every kind of op.

// Numpy broadcasting: trailing dims align, a missing dim is dropped from the map and a
// size-1 dim that broadcasts reads index 0.
func.func @elementwise_broadcast(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %c: tensor<4x1xi32>, %d: tensor<1x5xi32>) -> (tensor<2x3xf32>, tensor<4x5xi32>) {
  // expected-remark @below {{elementwise; iterators [parallel, parallel]; maps [(d0, d1) -> (d0, d1), (d0, d1) -> (d1), (d0, d1) -> (d0, d1)]}}
  %0 = kiln.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // expected-remark @below {{elementwise; iterators [parallel, parallel]; maps [(d0, d1) -> (d0, 0), (d0, d1) -> (0, d1), (d0, d1) -> (d0, d1)]}}
  %1 = kiln.mul %c, %d : (tensor<4x1xi32>, tensor<1x5xi32>) -> tensor<4x5xi32>
  // expected-remark @below {{opaque; no affine iteration space}}
  return %0, %1 : tensor<2x3xf32>, tensor<4x5xi32>
}

// -----

// Unary, comparison against a scalar, three-way select, constant (no operands), casts.
func.func @elementwise_ops(%x: tensor<2x3xf32>, %c: tensor<3xi1>, %s: tensor<f32>) -> (tensor<2x3xf32>, tensor<2x3xi1>, tensor<2x3xf32>, tensor<4xf32>, tensor<2x3xf16>, tensor<2x3x!quant.uniform<i8:f32, 0.1>>) {
  // expected-remark @below {{elementwise; iterators [parallel, parallel]; maps [(d0, d1) -> (d0, d1), (d0, d1) -> (d0, d1)]}}
  %0 = kiln.exp %x : tensor<2x3xf32>
  // expected-remark @below {{elementwise; iterators [parallel, parallel]; maps [(d0, d1) -> (d0, d1), (d0, d1) -> (), (d0, d1) -> (d0, d1)]}}
  %1 = kiln.cmp lt, %x, %s : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
  // expected-remark @below {{elementwise; iterators [parallel, parallel]; maps [(d0, d1) -> (d1), (d0, d1) -> (d0, d1), (d0, d1) -> (), (d0, d1) -> (d0, d1)]}}
  %2 = kiln.select %c, %x, %s : (tensor<3xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  // expected-remark @below {{elementwise; iterators [parallel]; maps [(d0) -> (d0)]}}
  %3 = kiln.constant dense<1.0> : tensor<4xf32>
  // expected-remark @below {{elementwise; iterators [parallel, parallel]; maps [(d0, d1) -> (d0, d1), (d0, d1) -> (d0, d1)]}}
  %4 = kiln.cast %x : tensor<2x3xf32> to tensor<2x3xf16>
  // expected-remark @below {{elementwise; iterators [parallel, parallel]; maps [(d0, d1) -> (d0, d1), (d0, d1) -> (d0, d1)]}}
  %5 = kiln.quantize %x : tensor<2x3xf32> to tensor<2x3x!quant.uniform<i8:f32, 0.1>>
  // expected-remark @below {{opaque; no affine iteration space}}
  return %0, %1, %2, %3, %4, %5 : tensor<2x3xf32>, tensor<2x3xi1>, tensor<2x3xf32>, tensor<4xf32>, tensor<2x3xf16>, tensor<2x3x!quant.uniform<i8:f32, 0.1>>
}

// -----

// `?` against `?` is a plain dim and a static 1 still reads index 0, but `?` against a
// static size may or may not broadcast: no iteration space.
func.func @elementwise_dynamic(%a: tensor<?x3xf32>, %b: tensor<3xf32>, %c: tensor<4x3xf32>, %d: tensor<1x3xf32>) -> (tensor<?x3xf32>, tensor<4x3xf32>, tensor<?x3xf32>) {
  // expected-remark @below {{elementwise; iterators [parallel, parallel]; maps [(d0, d1) -> (d0, d1), (d0, d1) -> (d1), (d0, d1) -> (d0, d1)]}}
  %0 = kiln.add %a, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  // expected-remark @below {{elementwise; no affine iteration space}}
  %1 = kiln.add %a, %c : (tensor<?x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  // expected-remark @below {{elementwise; iterators [parallel, parallel]; maps [(d0, d1) -> (d0, d1), (d0, d1) -> (0, d1), (d0, d1) -> (d0, d1)]}}
  %2 = kiln.add %a, %d : (tensor<?x3xf32>, tensor<1x3xf32>) -> tensor<?x3xf32>
  // expected-remark @below {{opaque; no affine iteration space}}
  return %0, %1, %2 : tensor<?x3xf32>, tensor<4x3xf32>, tensor<?x3xf32>
}

// -----

// The four per-channel parameters are read along dim 1.
func.func @batch_norm(%x: tensor<1x4x8x8xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  // expected-remark @below {{elementwise; iterators [parallel, parallel, parallel, parallel]; maps [(d0, d1, d2, d3) -> (d0, d1, d2, d3), (d0, d1, d2, d3) -> (d1), (d0, d1, d2, d3) -> (d1), (d0, d1, d2, d3) -> (d1), (d0, d1, d2, d3) -> (d1), (d0, d1, d2, d3) -> (d0, d1, d2, d3)]}}
  %0 = kiln.batch_norm %x, %s, %b, %m, %v epsilon = 1.0e-05 : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  // expected-remark @below {{opaque; no affine iteration space}}
  return %0 : tensor<1x4x8x8xf32>
}

// -----

// Loops (batch..., m, n, k): lhs [m, k] ([k, m] transposed), rhs [k, n] ([n, k]
// transposed); batch dims broadcast to the result's.
func.func @matmul(%a: tensor<4x8xf32>, %b: tensor<8x5xf32>, %at: tensor<8x4xf32>, %bt: tensor<5x8xf32>, %p: tensor<2x1x4x8xf32>, %q: tensor<3x8x5xf32>, %r: tensor<?x4x8xf32>) -> (tensor<4x5xf32>, tensor<4x5xf32>, tensor<2x3x4x5xf32>, tensor<?x4x5xf32>) {
  // expected-remark @below {{contraction; iterators [parallel, parallel, reduction]; maps [(d0, d1, d2) -> (d0, d2), (d0, d1, d2) -> (d2, d1), (d0, d1, d2) -> (d0, d1)]}}
  %0 = kiln.matmul %a, %b : (tensor<4x8xf32>, tensor<8x5xf32>) -> tensor<4x5xf32>
  // expected-remark @below {{contraction; iterators [parallel, parallel, reduction]; maps [(d0, d1, d2) -> (d2, d0), (d0, d1, d2) -> (d1, d2), (d0, d1, d2) -> (d0, d1)]}}
  %1 = kiln.matmul %at, %bt transpose_a transpose_b : (tensor<8x4xf32>, tensor<5x8xf32>) -> tensor<4x5xf32>
  // expected-remark @below {{contraction; iterators [parallel, parallel, parallel, parallel, reduction]; maps [(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4), (d0, d1, d2, d3, d4) -> (d1, d4, d3), (d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)]}}
  %2 = kiln.matmul %p, %q : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>
  // expected-remark @below {{contraction; iterators [parallel, parallel, parallel, reduction]; maps [(d0, d1, d2, d3) -> (d0, d1, d3), (d0, d1, d2, d3) -> (d3, d2), (d0, d1, d2, d3) -> (d0, d1, d2)]}}
  %3 = kiln.matmul %r, %b : (tensor<?x4x8xf32>, tensor<8x5xf32>) -> tensor<?x4x5xf32>
  // expected-remark @below {{opaque; no affine iteration space}}
  return %0, %1, %2, %3 : tensor<4x5xf32>, tensor<4x5xf32>, tensor<2x3x4x5xf32>, tensor<?x4x5xf32>
}

// -----

// Loops (n, g, og, oh, ow, ic, kh, kw) with o = g * O/groups + og, c = g * C/groups + ic,
// input read at (oh * stride + kh * dilation); padding reads outside the input: no space.
func.func @conv2d(%x: tensor<1x4x9x9xf32>, %w: tensor<6x4x3x3xf32>, %b: tensor<6xf32>, %wg: tensor<6x2x3x3xf32>) -> (tensor<1x6x4x2xf32>, tensor<1x6x7x7xf32>, tensor<1x6x9x9xf32>) {
  // expected-remark @below {{contraction; iterators [parallel, parallel, parallel, parallel, parallel, reduction, reduction, reduction]; maps [(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1 * 4 + d5, d3 * 2 + d6, d4 * 3 + d7 * 2), (d0, d1, d2, d3, d4, d5, d6, d7) -> (d1 * 6 + d2, d5, d6, d7), (d0, d1, d2, d3, d4, d5, d6, d7) -> (d1 * 6 + d2), (d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1 * 6 + d2, d3, d4)]}}
  %0 = kiln.conv2d %x, %w, %b {strides = array<i64: 2, 3>, dilations = array<i64: 1, 2>} : (tensor<1x4x9x9xf32>, tensor<6x4x3x3xf32>, tensor<6xf32>) -> tensor<1x6x4x2xf32>
  // expected-remark @below {{contraction; iterators [parallel, parallel, parallel, parallel, parallel, reduction, reduction, reduction]; maps [(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1 * 2 + d5, d3 + d6, d4 + d7), (d0, d1, d2, d3, d4, d5, d6, d7) -> (d1 * 3 + d2, d5, d6, d7), (d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1 * 3 + d2, d3, d4)]}}
  %1 = kiln.conv2d %x, %wg {groups = 2 : i64} : (tensor<1x4x9x9xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x7x7xf32>
  // expected-remark @below {{contraction; no affine iteration space}}
  %2 = kiln.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x9x9xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x9x9xf32>
  // expected-remark @below {{opaque; no affine iteration space}}
  return %0, %1, %2 : tensor<1x6x4x2xf32>, tensor<1x6x7x7xf32>, tensor<1x6x9x9xf32>
}

// -----

// Loops over the input; reduced dims are dropped from the result map, or pinned to 0
// with keep_dims.
func.func @reduce(%x: tensor<2x3x4xf32>) -> (tensor<2x4xf32>, tensor<2x1x4xf32>, tensor<3xf32>) {
  // expected-remark @below {{reduction; iterators [parallel, reduction, parallel]; maps [(d0, d1, d2) -> (d0, d1, d2), (d0, d1, d2) -> (d0, d2)]}}
  %0 = kiln.reduce sum %x axes = [1] : (tensor<2x3x4xf32>) -> tensor<2x4xf32>
  // expected-remark @below {{reduction; iterators [parallel, reduction, parallel]; maps [(d0, d1, d2) -> (d0, d1, d2), (d0, d1, d2) -> (d0, 0, d2)]}}
  %1 = kiln.reduce max %x axes = [1] keep_dims : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
  // expected-remark @below {{reduction; iterators [reduction, parallel, reduction]; maps [(d0, d1, d2) -> (d0, d1, d2), (d0, d1, d2) -> (d1)]}}
  %2 = kiln.reduce mean %x axes = [0, 2] : (tensor<2x3x4xf32>) -> tensor<3xf32>
  // expected-remark @below {{opaque; no affine iteration space}}
  return %0, %1, %2 : tensor<2x4xf32>, tensor<2x1x4xf32>, tensor<3xf32>
}

// -----

func.func @argmax(%x: tensor<2x3x4xf32>, %y: tensor<2x8xf32>) -> (tensor<2xi64>, tensor<1x3x4xi64>) {
  // expected-remark @below {{reduction; iterators [parallel, reduction]; maps [(d0, d1) -> (d0, d1), (d0, d1) -> (d0)]}}
  %0 = kiln.argmax %y axis = 1 : (tensor<2x8xf32>) -> tensor<2xi64>
  // expected-remark @below {{reduction; iterators [reduction, parallel, parallel]; maps [(d0, d1, d2) -> (d0, d1, d2), (d0, d1, d2) -> (0, d1, d2)]}}
  %1 = kiln.argmax %x axis = 0 keep_dims : (tensor<2x3x4xf32>) -> tensor<1x3x4xi64>
  // expected-remark @below {{opaque; no affine iteration space}}
  return %0, %1 : tensor<2xi64>, tensor<1x3x4xi64>
}

// -----

// Row ops: identity element maps, the row dim marked as a reduction.
func.func @softmax(%y: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  // expected-remark @below {{reduction; iterators [parallel, reduction]; maps [(d0, d1) -> (d0, d1), (d0, d1) -> (d0, d1)]}}
  %0 = kiln.softmax %y axis = 1 : tensor<2x8xf32>
  // expected-remark @below {{reduction; iterators [reduction, parallel]; maps [(d0, d1) -> (d0, d1), (d0, d1) -> (d0, d1)]}}
  %1 = kiln.log_softmax %y axis = 0 : tensor<2x8xf32>
  // expected-remark @below {{opaque; no affine iteration space}}
  return %0, %1 : tensor<2x8xf32>, tensor<2x8xf32>
}

// -----

// scale and bias are read along the normalized dims [axis, rank) only.
func.func @layer_norm(%x: tensor<2x3x4xf32>, %g: tensor<3x4xf32>, %b: tensor<3x4xf32>, %h: tensor<4xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>) {
  // expected-remark @below {{reduction; iterators [parallel, reduction, reduction]; maps [(d0, d1, d2) -> (d0, d1, d2), (d0, d1, d2) -> (d1, d2), (d0, d1, d2) -> (d1, d2), (d0, d1, d2) -> (d0, d1, d2)]}}
  %0 = kiln.layer_norm %x scale %g bias %b axis = 1 epsilon = 1.0e-05 : (tensor<2x3x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<2x3x4xf32>
  // expected-remark @below {{reduction; iterators [parallel, parallel, reduction]; maps [(d0, d1, d2) -> (d0, d1, d2), (d0, d1, d2) -> (d2), (d0, d1, d2) -> (d0, d1, d2)]}}
  %1 = kiln.layer_norm %x bias %h axis = 2 epsilon = 1.0e-05 : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  // expected-remark @below {{reduction; iterators [parallel, reduction, reduction]; maps [(d0, d1, d2) -> (d0, d1, d2), (d0, d1, d2) -> (d0, d1, d2)]}}
  %2 = kiln.layer_norm %x axis = 1 epsilon = 1.0e-05 : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  // expected-remark @below {{opaque; no affine iteration space}}
  return %0, %1, %2 : tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>
}

// -----

// Loops (n, c, oh, ow, kh, kw); padding and ceil_mode read outside the input: no space.
// global_pool reduces every spatial dim and keeps it as size 1.
func.func @pooling(%x: tensor<1x4x8x8xf32>) -> (tensor<1x4x3x2xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x1x1xf32>) {
  // expected-remark @below {{reduction; iterators [parallel, parallel, parallel, parallel, reduction, reduction]; maps [(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 3 + d5 * 2), (d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)]}}
  %0 = kiln.pool2d max %x kernel = [3, 2] {strides = array<i64: 2, 3>, dilations = array<i64: 1, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x3x2xf32>
  // expected-remark @below {{reduction; no affine iteration space}}
  %1 = kiln.pool2d avg %x kernel = [3, 3] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, count_include_pad} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  // expected-remark @below {{reduction; no affine iteration space}}
  %2 = kiln.pool2d max %x kernel = [2, 2] {strides = array<i64: 2, 2>, ceil_mode} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  // expected-remark @below {{reduction; iterators [parallel, parallel, reduction, reduction]; maps [(d0, d1, d2, d3) -> (d0, d1, d2, d3), (d0, d1, d2, d3) -> (d0, d1, 0, 0)]}}
  %3 = kiln.global_pool avg %x : (tensor<1x4x8x8xf32>) -> tensor<1x4x1x1xf32>
  // expected-remark @below {{opaque; no affine iteration space}}
  return %0, %1, %2, %3 : tensor<1x4x3x2xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x1x1xf32>
}

// -----

// Output dim i reads input dim permutation[i].
func.func @transpose(%x: tensor<2x3xf32>, %y: tensor<2x3x4x5xf32>) -> (tensor<3x2xf32>, tensor<2x4x5x3xf32>) {
  // expected-remark @below {{data-movement; iterators [parallel, parallel]; maps [(d0, d1) -> (d1, d0), (d0, d1) -> (d0, d1)]}}
  %0 = kiln.transpose %x permutation = [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  // expected-remark @below {{data-movement; iterators [parallel, parallel, parallel, parallel]; maps [(d0, d1, d2, d3) -> (d0, d3, d1, d2), (d0, d1, d2, d3) -> (d0, d1, d2, d3)]}}
  %1 = kiln.transpose %y permutation = [0, 2, 3, 1] : tensor<2x3x4x5xf32> -> tensor<2x4x5x3xf32>
  // expected-remark @below {{opaque; no affine iteration space}}
  return %0, %1 : tensor<3x2xf32>, tensor<2x4x5x3xf32>
}

// -----

func.func @broadcast_to(%v: tensor<3xf32>, %w: tensor<4x1xf32>, %e: tensor<?x4xf32>) -> (tensor<2x3xf32>, tensor<2x4x5xf32>, tensor<2x4xf32>) {
  // expected-remark @below {{broadcast; iterators [parallel, parallel]; maps [(d0, d1) -> (d1), (d0, d1) -> (d0, d1)]}}
  %0 = kiln.broadcast_to %v : tensor<3xf32> -> tensor<2x3xf32>
  // expected-remark @below {{broadcast; iterators [parallel, parallel, parallel]; maps [(d0, d1, d2) -> (d1, 0), (d0, d1, d2) -> (d0, d1, d2)]}}
  %1 = kiln.broadcast_to %w : tensor<4x1xf32> -> tensor<2x4x5xf32>
  // `?` -> 2 may be a broadcast or not.
  // expected-remark @below {{broadcast; no affine iteration space}}
  %2 = kiln.broadcast_to %e : tensor<?x4xf32> -> tensor<2x4xf32>
  // expected-remark @below {{opaque; no affine iteration space}}
  return %0, %1, %2 : tensor<2x3xf32>, tensor<2x4x5xf32>, tensor<2x4xf32>
}

// -----

// Row-major: the output index is linearized and split back into the input shape.
func.func @reshape(%x: tensor<2x3xf32>, %y: tensor<2x3x4xf32>, %c: tensor<6xf32>, %d: tensor<?x3xf32>) -> (tensor<6xf32>, tensor<3x2xf32>, tensor<4x6xf32>, tensor<3x1x2xf32>, tensor<?xf32>) {
  // expected-remark @below {{data-movement; iterators [parallel]; maps [(d0) -> (d0 floordiv 3, d0 mod 3), (d0) -> (d0)]}}
  %0 = kiln.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  // expected-remark @below {{data-movement; iterators [parallel, parallel]; maps [(d0, d1) -> ((d1 + d0 * 2) floordiv 3, (d1 + d0 * 2) mod 3), (d0, d1) -> (d0, d1)]}}
  %1 = kiln.reshape %x : tensor<2x3xf32> -> tensor<3x2xf32>
  // expected-remark @below {{data-movement; iterators [parallel, parallel]; maps [(d0, d1) -> ((d1 + d0 * 6) floordiv 12, ((d1 + d0 * 6) floordiv 4) mod 3, (d1 + d0 * 6) mod 4), (d0, d1) -> (d0, d1)]}}
  %2 = kiln.reshape %y : tensor<2x3x4xf32> -> tensor<4x6xf32>
  // expected-remark @below {{data-movement; iterators [parallel, parallel, parallel]; maps [(d0, d1, d2) -> (d2 + d1 * 2 + d0 * 2), (d0, d1, d2) -> (d0, d1, d2)]}}
  %3 = kiln.reshape %c : tensor<6xf32> -> tensor<3x1x2xf32>
  // expected-remark @below {{data-movement; no affine iteration space}}
  %4 = kiln.reshape %d : tensor<?x3xf32> -> tensor<?xf32>
  // expected-remark @below {{opaque; no affine iteration space}}
  return %0, %1, %2, %3, %4 : tensor<6xf32>, tensor<3x2xf32>, tensor<4x6xf32>, tensor<3x1x2xf32>, tensor<?xf32>
}

// -----

// Output index i reads input index start + step * i, steps of either sign.
func.func @slice(%x: tensor<2x4xf32>, %z: tensor<8x6xf32>) -> (tensor<2x2xf32>, tensor<3x2xf32>) {
  // expected-remark @below {{data-movement; iterators [parallel, parallel]; maps [(d0, d1) -> (d0, d1 + 1), (d0, d1) -> (d0, d1)]}}
  %0 = kiln.slice %x starts = [0, 1] ends = [2, 3] steps = [1, 1] : tensor<2x4xf32> -> tensor<2x2xf32>
  // expected-remark @below {{data-movement; iterators [parallel, parallel]; maps [(d0, d1) -> (d0 * 2 + 1, d1 * -3 + 5), (d0, d1) -> (d0, d1)]}}
  %1 = kiln.slice %z starts = [1, 5] ends = [7, -1] steps = [2, -3] : tensor<8x6xf32> -> tensor<3x2xf32>
  // expected-remark @below {{opaque; no affine iteration space}}
  return %0, %1 : tensor<2x2xf32>, tensor<3x2xf32>
}

// -----

// Data-dependent (gather) and piecewise (concat, pad, split) access: no space.
func.func @data_movement_without_space(%t: tensor<10x4xf32>, %i: tensor<3xi64>, %x: tensor<2x3xf32>) -> (tensor<3x4xf32>, tensor<4x3xf32>, tensor<2x5xf32>, tensor<2x1xf32>, tensor<2x2xf32>) {
  // expected-remark @below {{data-movement; no affine iteration space}}
  %0 = kiln.gather %t, %i axis = 0 : (tensor<10x4xf32>, tensor<3xi64>) -> tensor<3x4xf32>
  // expected-remark @below {{data-movement; no affine iteration space}}
  %1 = kiln.concat %x, %x axis = 0 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  // expected-remark @below {{data-movement; no affine iteration space}}
  %2 = kiln.pad %x pads = [0, 1, 0, 1] : tensor<2x3xf32> -> tensor<2x5xf32>
  // expected-remark @below {{data-movement; no affine iteration space}}
  %3:2 = kiln.split %x axis = 1 sizes = [1, 2] : tensor<2x3xf32> -> tensor<2x1xf32>, tensor<2x2xf32>
  // expected-remark @below {{opaque; no affine iteration space}}
  return %0, %1, %2, %3#0, %3#1 : tensor<3x4xf32>, tensor<4x3xf32>, tensor<2x5xf32>, tensor<2x1xf32>, tensor<2x2xf32>
}

// -----

// Ops of other dialects are opaque; a kiln op consuming them keeps its own class.
func.func @opaque() -> tensor<2xf32> {
  // expected-remark @below {{opaque; no affine iteration space}}
  %0 = tensor.empty() : tensor<2xf32>
  // expected-remark @below {{opaque; no affine iteration space}}
  %c = arith.constant dense<1.0> : tensor<2xf32>
  // expected-remark @below {{elementwise; iterators [parallel]; maps [(d0) -> (d0), (d0) -> (d0), (d0) -> (d0)]}}
  %1 = kiln.add %0, %c : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  // expected-remark @below {{opaque; no affine iteration space}}
  return %1 : tensor<2xf32>
}
