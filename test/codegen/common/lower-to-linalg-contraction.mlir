// RUN: kiln-opt %s --kiln-lower-to-linalg --split-input-file | FileCheck %s
// RUN: kiln-opt %s --kiln-lower-to-linalg=conv-im2col=false --split-input-file | FileCheck %s --check-prefix=NAMED
// matmul and conv2d -> named linalg contractions (or linalg.generic where none fits): accumulator types, transposes and batch handling, zero points, padding and bias.

// f32 accumulates in f32, into a zero-filled destination.
// CHECK-LABEL: func.func @matmul_f32(
// CHECK-SAME: %[[A:.*]]: tensor<8x16xf32>, %[[B:.*]]: tensor<16x12xf32>)
// CHECK: %[[E:.+]] = tensor.empty() : tensor<8x12xf32>
// CHECK: %[[Z:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[Z]] : f32) outs(%[[E]] : tensor<8x12xf32>)
// CHECK: %[[R:.+]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<8x16xf32>, tensor<16x12xf32>) outs(%[[INIT]] : tensor<8x12xf32>)
// CHECK: return %[[R]]
func.func @matmul_f32(%a: tensor<8x16xf32>, %b: tensor<16x12xf32>) -> tensor<8x12xf32> {
  %0 = kiln.matmul %a, %b : (tensor<8x16xf32>, tensor<16x12xf32>) -> tensor<8x12xf32>
  return %0 : tensor<8x12xf32>
}

// -----

// transpose_b is an indexing map; f16 accumulates in f32 and is rounded once at the end.
// CHECK-DAG: #[[$A:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[$BT:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[$C:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @matmul_transpose_b_f16(
// CHECK: %[[E:.+]] = tensor.empty() : tensor<8x12xf32>
// CHECK: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%[[E]] : tensor<8x12xf32>)
// CHECK: %[[MM:.+]] = linalg.matmul indexing_maps = [#[[$A]], #[[$BT]], #[[$C]]]
// CHECK-SAME: ins(%{{.+}}, %{{.+}} : tensor<8x16xf16>, tensor<12x16xf16>) outs(%[[INIT]] : tensor<8x12xf32>)
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[MM]] : tensor<8x12xf32>) outs(%{{.+}} : tensor<8x12xf16>)
// CHECK: arith.truncf %{{.+}} : f32 to f16
func.func @matmul_transpose_b_f16(%a: tensor<8x16xf16>, %b: tensor<12x16xf16>) -> tensor<8x12xf16> {
  %0 = kiln.matmul %a, %b transpose_b : (tensor<8x16xf16>, tensor<12x16xf16>) -> tensor<8x12xf16>
  return %0 : tensor<8x12xf16>
}

// -----

// CHECK-DAG: #[[$AT:.+]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[$BT:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @matmul_transpose_both(
// CHECK: linalg.matmul indexing_maps = [#[[$AT]], #[[$BT]], #{{.+}}]
func.func @matmul_transpose_both(%a: tensor<16x8xf32>, %b: tensor<12x16xf32>) -> tensor<8x12xf32> {
  %0 = kiln.matmul %a, %b transpose_a transpose_b : (tensor<16x8xf32>, tensor<12x16xf32>) -> tensor<8x12xf32>
  return %0 : tensor<8x12xf32>
}

// -----

// A batch-less rhs: the lhs batch folds into M, one 2-D matmul.
// CHECK-LABEL: func.func @matmul_batch_fold(
// CHECK: %[[L:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1, 2], [3]] : tensor<2x3x5x16xf32> into tensor<30x16xf32>
// CHECK: %[[MM:.+]] = linalg.matmul ins(%[[L]], %{{.+}} : tensor<30x16xf32>, tensor<16x7xf32>) outs(%{{.+}} : tensor<30x7xf32>)
// CHECK: tensor.expand_shape %[[MM]] {{\[}}[0, 1, 2], [3]] output_shape [2, 3, 5, 7] : tensor<30x7xf32> into tensor<2x3x5x7xf32>
func.func @matmul_batch_fold(%a: tensor<2x3x5x16xf32>, %b: tensor<16x7xf32>) -> tensor<2x3x5x7xf32> {
  %0 = kiln.matmul %a, %b : (tensor<2x3x5x16xf32>, tensor<16x7xf32>) -> tensor<2x3x5x7xf32>
  return %0 : tensor<2x3x5x7xf32>
}

// -----

// Equal batch dims: collapsed into one, linalg.batch_matmul.
// CHECK-LABEL: func.func @matmul_batch(
// CHECK: %[[L:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2], [3]] : tensor<2x3x5x16xf32> into tensor<6x5x16xf32>
// CHECK: %[[R:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2], [3]] : tensor<2x3x16x7xf32> into tensor<6x16x7xf32>
// CHECK: %[[BMM:.+]] = linalg.batch_matmul ins(%[[L]], %[[R]] : tensor<6x5x16xf32>, tensor<6x16x7xf32>) outs(%{{.+}} : tensor<6x5x7xf32>)
// CHECK: tensor.expand_shape %[[BMM]] {{\[}}[0, 1], [2], [3]] output_shape [2, 3, 5, 7]
func.func @matmul_batch(%a: tensor<2x3x5x16xf32>, %b: tensor<2x3x16x7xf32>) -> tensor<2x3x5x7xf32> {
  %0 = kiln.matmul %a, %b : (tensor<2x3x5x16xf32>, tensor<2x3x16x7xf32>) -> tensor<2x3x5x7xf32>
  return %0 : tensor<2x3x5x7xf32>
}

// -----

// A batch-less lhs is read through a map without the batch loop (no broadcast copy).
// CHECK-DAG: #[[$L:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, d3)>
// CHECK-DAG: #[[$R:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG: #[[$O:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @matmul_lhs_broadcast(
// CHECK-NOT: linalg.broadcast
// CHECK: linalg.batch_matmul indexing_maps = [#[[$L]], #[[$R]], #[[$O]]]
// CHECK-SAME: ins(%{{.+}}, %{{.+}} : tensor<5x16xf32>, tensor<3x16x7xf32>)
func.func @matmul_lhs_broadcast(%a: tensor<5x16xf32>, %b: tensor<3x16x7xf32>) -> tensor<3x5x7xf32> {
  %0 = kiln.matmul %a, %b : (tensor<5x16xf32>, tensor<3x16x7xf32>) -> tensor<3x5x7xf32>
  return %0 : tensor<3x5x7xf32>
}

// -----

// Batch dims broadcast against each other: a generic contraction over (b0, b1, m, n, k)
// whose maps skip the broadcast unit dims.
// CHECK-DAG: #[[$L:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d4)>
// CHECK-DAG: #[[$R:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
// CHECK-DAG: #[[$O:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @matmul_partial_broadcast(
// CHECK: %[[L:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0], [1, 2], [3]] : tensor<2x1x5x16xf32> into tensor<2x5x16xf32>
// CHECK: %[[R:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2], [3]] : tensor<1x3x16x7xf32> into tensor<3x16x7xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$L]], #[[$R]], #[[$O]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[L]], %[[R]] : tensor<2x5x16xf32>, tensor<3x16x7xf32>)
// CHECK: ^bb0(%[[X:.+]]: f32, %[[Y:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK: %[[P:.+]] = arith.mulf %[[X]], %[[Y]] : f32
// CHECK: %[[S:.+]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK: linalg.yield %[[S]]
func.func @matmul_partial_broadcast(%a: tensor<2x1x5x16xf32>, %b: tensor<1x3x16x7xf32>) -> tensor<2x3x5x7xf32> {
  %0 = kiln.matmul %a, %b : (tensor<2x1x5x16xf32>, tensor<1x3x16x7xf32>) -> tensor<2x3x5x7xf32>
  return %0 : tensor<2x3x5x7xf32>
}

// -----

// i8 x i8 accumulates in i32 (the named op sign-extends); ui8 x ui8 zero-extends.
// CHECK-LABEL: func.func @matmul_i8_ui8(
// CHECK: %[[Z:.+]] = arith.constant 0 : i32
// CHECK: linalg.fill ins(%[[Z]] : i32)
// CHECK: linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<8x64xi8>, tensor<64x8xi8>) outs(%{{.+}} : tensor<8x8xi32>)
// CHECK: linalg.matmul {cast = #linalg.type_fn<cast_unsigned>} ins(%{{.+}}, %{{.+}} : tensor<8x64xi8>, tensor<64x8xi8>) outs(%{{.+}} : tensor<8x8xi32>)
func.func @matmul_i8_ui8(%a: tensor<8x64xi8>, %b: tensor<64x8xi8>, %c: tensor<8x64xui8>, %d: tensor<64x8xui8>) -> (tensor<8x8xi32>, tensor<8x8xi32>) {
  %0 = kiln.matmul %a, %b : (tensor<8x64xi8>, tensor<64x8xi8>) -> tensor<8x8xi32>
  %1 = kiln.matmul %c, %d : (tensor<8x64xui8>, tensor<64x8xui8>) -> tensor<8x8xi32>
  return %0, %1 : tensor<8x8xi32>, tensor<8x8xi32>
}

// -----

// Signed per-tensor zero points: linalg.quantized_matmul, sum (qa - za)(qb - zb) in i32.
// CHECK-LABEL: func.func @matmul_quant(
// CHECK-SAME: %[[A:.*]]: tensor<8x64xi8>, %[[B:.*]]: tensor<64x8xi8>) -> tensor<8x8xi32>
// CHECK-DAG: %[[ZA:.+]] = arith.constant 3 : i32
// CHECK-DAG: %[[ZB:.+]] = arith.constant -5 : i32
// CHECK: linalg.quantized_matmul ins(%[[A]], %[[B]], %[[ZA]], %[[ZB]] : tensor<8x64xi8>, tensor<64x8xi8>, i32, i32) outs(%{{.+}} : tensor<8x8xi32>)
func.func @matmul_quant(%a: tensor<8x64x!quant.uniform<i8:f32, 0.1:3>>, %b: tensor<64x8x!quant.uniform<i8:f32, 0.2:-5>>) -> tensor<8x8xi32> {
  %0 = kiln.matmul %a, %b : (tensor<8x64x!quant.uniform<i8:f32, 0.1:3>>, tensor<64x8x!quant.uniform<i8:f32, 0.2:-5>>) -> tensor<8x8xi32>
  return %0 : tensor<8x8xi32>
}

// -----

// u8 storage (zero extension) and per-channel zero points: a generic contraction; the
// zero points are a constant read through the N loop.
// CHECK-DAG: #[[$ZPMAP:.+]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @matmul_quant_u8_per_axis(
// CHECK: %[[ZPS:.+]] = arith.constant dense<[1, -2, 5]> : tensor<3xi32>
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #{{.+}}, #[[$ZPMAP]], #{{.+}}], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%{{.+}}, %{{.+}}, %[[ZPS]] : tensor<8x64xi8>, tensor<64x3xi8>, tensor<3xi32>)
// CHECK: ^bb0(%[[X:.+]]: i8, %[[Y:.+]]: i8, %[[ZB:.+]]: i32, %[[ACC:.+]]: i32):
// CHECK: %[[ZA:.+]] = arith.constant 128 : i32
// CHECK: %[[XE:.+]] = arith.extui %[[X]] : i8 to i32
// CHECK: %[[XS:.+]] = arith.subi %[[XE]], %[[ZA]] : i32
// CHECK: %[[YE:.+]] = arith.extsi %[[Y]] : i8 to i32
// CHECK: %[[YS:.+]] = arith.subi %[[YE]], %[[ZB]] : i32
// CHECK: %[[P:.+]] = arith.muli %[[XS]], %[[YS]] : i32
// CHECK: arith.addi %[[ACC]], %[[P]] : i32
func.func @matmul_quant_u8_per_axis(%a: tensor<8x64x!quant.uniform<u8:f32, 0.1:128>>, %b: tensor<64x3x!quant.uniform<i8:f32:1, {0.1:1, 0.2:-2, 0.3:5}>>) -> tensor<8x3xi32> {
  %0 = kiln.matmul %a, %b : (tensor<8x64x!quant.uniform<u8:f32, 0.1:128>>, tensor<64x3x!quant.uniform<i8:f32:1, {0.1:1, 0.2:-2, 0.3:5}>>) -> tensor<8x3xi32>
  return %0 : tensor<8x3xi32>
}

// -----

// Pads [top, left, bottom, right] = [1, 0, 2, 1] with stride 2: the input is padded in
// front by the op's pads and behind only as far as the last window reads; the bias
// initializes the accumulator.
// CHECK-LABEL: func.func @conv_bias_pads(
// CHECK-SAME: %[[X:.*]]: tensor<2x3x9x8xf32>, %[[W:.*]]: tensor<4x3x3x2xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK: %[[Z:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[P:.+]] = tensor.pad %[[X]] low[0, 0, 1, 0] high[0, 0, 1, 0]
// CHECK: tensor.yield %[[Z]] : f32
// CHECK: } : tensor<2x3x9x8xf32> to tensor<2x3x11x8xf32>
// CHECK: %[[E:.+]] = tensor.empty() : tensor<2x4x5x4xf32>
// CHECK: %[[INIT:.+]] = linalg.broadcast ins(%[[B]] : tensor<4xf32>) outs(%[[E]] : tensor<2x4x5x4xf32>) dimensions = [0, 2, 3]
// CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK-SAME: ins(%[[P]], %[[W]] : tensor<2x3x11x8xf32>, tensor<4x3x3x2xf32>) outs(%[[INIT]] : tensor<2x4x5x4xf32>)
func.func @conv_bias_pads(%x: tensor<2x3x9x8xf32>, %w: tensor<4x3x3x2xf32>, %b: tensor<4xf32>) -> tensor<2x4x5x4xf32> {
  %0 = kiln.conv2d %x, %w, %b {pads = array<i64: 1, 0, 2, 1>, strides = array<i64: 2, 2>} : (tensor<2x3x9x8xf32>, tensor<4x3x3x2xf32>, tensor<4xf32>) -> tensor<2x4x5x4xf32>
  return %0 : tensor<2x4x5x4xf32>
}

// -----

// f32 at batch 1: im2col + matmul. col[(c, i, j), (y, x)] reads the input at
// (c, y + 2i, x + 3j) through tensor.extract (no padded copy); the weight is [F, C*KH*KW].
// CHECK-LABEL: func.func @conv_dilation(
// CHECK-NOT: tensor.pad
// CHECK: %[[COL:.+]] = linalg.generic {{.+}} outs(%{{.+}} : tensor<18x24xf32>)
// CHECK: tensor.extract %{{.+}} : tensor<1x2x10x10xf32>
// CHECK: %[[W:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0], [1, 2, 3]] : tensor<3x2x3x3xf32> into tensor<3x18xf32>
// CHECK: %[[MM:.+]] = linalg.matmul ins(%[[W]], %[[COL]] : tensor<3x18xf32>, tensor<18x24xf32>)
// CHECK: tensor.expand_shape %[[MM]] {{\[}}[0, 1], [2, 3]] output_shape [1, 3, 6, 4] : tensor<3x24xf32> into tensor<1x3x6x4xf32>
// With conv-im2col=false (the CUDA pipeline) it stays a named convolution.
// NAMED-LABEL: func.func @conv_dilation(
// NAMED-NOT:     linalg.matmul
// NAMED:         linalg.conv_2d_nchw_fchw {dilations = dense<[2, 3]> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
// NAMED-SAME:      ins(%{{.+}}, %{{.+}} : tensor<1x2x10x10xf32>, tensor<3x2x3x3xf32>)
func.func @conv_dilation(%x: tensor<1x2x10x10xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x6x4xf32> {
  %0 = kiln.conv2d %x, %w {dilations = array<i64: 2, 3>} : (tensor<1x2x10x10xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x6x4xf32>
  return %0 : tensor<1x3x6x4xf32>
}

// -----

// Depthwise (groups = C, one output channel per group): depthwise_conv_2d_nchw_chw.
// CHECK-LABEL: func.func @conv_depthwise(
// CHECK: %[[P:.+]] = tensor.pad %{{.+}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[W:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2], [3]] : tensor<8x1x3x3xf32> into tensor<8x3x3xf32>
// CHECK: linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK-SAME: ins(%[[P]], %[[W]] : tensor<1x8x9x9xf32>, tensor<8x3x3xf32>) outs(%{{.+}} : tensor<1x8x4x4xf32>)
func.func @conv_depthwise(%x: tensor<1x8x7x7xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<1x8x4x4xf32> {
  %0 = kiln.conv2d %x, %w {groups = 8 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x7x7xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// Other groups: (N, G, C/G, H, W) x (G, O/G, C/G, KH, KW) with conv_2d_ngchw_gfchw; the
// f16 bias is extended to the f32 accumulator and broadcast per group.
// CHECK-LABEL: func.func @conv_grouped_f16(
// CHECK: %[[BIAS:.+]] = linalg.generic
// CHECK-SAME: outs(%{{.+}} : tensor<6xf32>)
// CHECK: %[[X:.+]] = tensor.expand_shape %{{.+}} {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 8, 8] : tensor<1x4x8x8xf16> into tensor<1x2x2x8x8xf16>
// CHECK: %[[W:.+]] = tensor.expand_shape %{{.+}} {{\[}}[0, 1], [2], [3], [4]] output_shape [2, 3, 2, 3, 3] : tensor<6x2x3x3xf16> into tensor<2x3x2x3x3xf16>
// CHECK: %[[GB:.+]] = tensor.expand_shape %[[BIAS]] {{\[}}[0, 1]] output_shape [2, 3] : tensor<6xf32> into tensor<2x3xf32>
// CHECK: %[[INIT:.+]] = linalg.broadcast ins(%[[GB]] : tensor<2x3xf32>) outs(%{{.+}} : tensor<1x2x3x6x6xf32>) dimensions = [0, 3, 4]
// CHECK: %[[C:.+]] = linalg.conv_2d_ngchw_gfchw {{.*}} ins(%[[X]], %[[W]] : tensor<1x2x2x8x8xf16>, tensor<2x3x2x3x3xf16>) outs(%[[INIT]] : tensor<1x2x3x6x6xf32>)
// CHECK: %[[R:.+]] = tensor.collapse_shape %[[C]] {{\[}}[0], [1, 2], [3], [4]] : tensor<1x2x3x6x6xf32> into tensor<1x6x6x6xf32>
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[R]] : tensor<1x6x6x6xf32>) outs(%{{.+}} : tensor<1x6x6x6xf16>)
// CHECK: arith.truncf %{{.+}} : f32 to f16
func.func @conv_grouped_f16(%x: tensor<1x4x8x8xf16>, %w: tensor<6x2x3x3xf16>, %b: tensor<6xf16>) -> tensor<1x6x6x6xf16> {
  %0 = kiln.conv2d %x, %w, %b {groups = 2 : i64} : (tensor<1x4x8x8xf16>, tensor<6x2x3x3xf16>, tensor<6xf16>) -> tensor<1x6x6x6xf16>
  return %0 : tensor<1x6x6x6xf16>
}

// -----

// Depthwise with channel multiplier 2 takes the grouped form.
// CHECK-LABEL: func.func @conv_depthwise_multiplier(
// CHECK: linalg.conv_2d_ngchw_gfchw
// CHECK-SAME: tensor<1x3x1x6x6xf32>, tensor<3x2x1x3x3xf32>
func.func @conv_depthwise_multiplier(%x: tensor<1x3x6x6xf32>, %w: tensor<6x1x3x3xf32>) -> tensor<1x6x4x4xf32> {
  %0 = kiln.conv2d %x, %w {groups = 3 : i64} : (tensor<1x3x6x6xf32>, tensor<6x1x3x3xf32>) -> tensor<1x6x4x4xf32>
  return %0 : tensor<1x6x4x4xf32>
}

// -----

// Quantized input is padded with its zero point, so padding contributes zp - zp = 0.
// CHECK-LABEL: func.func @conv_quant(
// CHECK: %[[ZX8:.+]] = arith.constant -7 : i8
// CHECK: %[[P:.+]] = tensor.pad %{{.+}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[ZX8]] : i8
// CHECK-DAG: %[[ZX:.+]] = arith.constant -7 : i32
// CHECK-DAG: %[[ZW:.+]] = arith.constant 2 : i32
// CHECK: linalg.conv_2d_nchw_fchw_q {{.*}} ins(%[[P]], %{{.+}}, %[[ZX]], %[[ZW]] : tensor<1x3x8x8xi8>, tensor<4x3x3x3xi8>, i32, i32) outs(%{{.+}} : tensor<1x4x6x6xi32>)
func.func @conv_quant(%x: tensor<1x3x6x6x!quant.uniform<i8:f32, 0.1:-7>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.05:2>>) -> tensor<1x4x6x6xi32> {
  %0 = kiln.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x6x6x!quant.uniform<i8:f32, 0.1:-7>>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.05:2>>) -> tensor<1x4x6x6xi32>
  return %0 : tensor<1x4x6x6xi32>
}

// -----

// u8 input with per-output-channel weight zero points: a generic over
// (n, g, f, oh, ow, c, kh, kw); the zero points are a [G, O/G] constant read via (g, f).
// CHECK-DAG: #[[$XMAP:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d5, d3 * 2 + d6, d4 * 2 + d7)>
// CHECK-DAG: #[[$WMAP:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2, d5, d6, d7)>
// CHECK-DAG: #[[$ZMAP:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2)>
// CHECK-DAG: #[[$OMAP:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
// CHECK-LABEL: func.func @conv_quant_u8_per_axis(
// CHECK: %[[Z:.+]] = arith.constant -128 : i8
// CHECK: tensor.pad %{{.+}} low[0, 0, 1, 1] high[0, 0, 0, 0]
// CHECK: tensor.yield %[[Z]] : i8
// CHECK: %[[INIT:.+]] = linalg.broadcast
// CHECK: %[[ZPS:.+]] = arith.constant dense<{{\[}}[0, 3, -1, 7]]> : tensor<1x4xi32>
// CHECK: linalg.generic {indexing_maps = [#[[$XMAP]], #[[$WMAP]], #[[$ZMAP]], #[[$OMAP]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK-SAME: outs(%[[INIT]] : tensor<1x1x4x3x3xi32>)
// CHECK: arith.extui %{{.+}} : i8 to i32
// CHECK: arith.extsi %{{.+}} : i8 to i32
func.func @conv_quant_u8_per_axis(%x: tensor<1x3x6x6x!quant.uniform<u8:f32, 0.1:128>>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32:0, {0.1:0, 0.2:3, 0.3:-1, 0.4:7}>>, %b: tensor<4xi32>) -> tensor<1x4x3x3xi32> {
  %0 = kiln.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x6x6x!quant.uniform<u8:f32, 0.1:128>>, tensor<4x3x3x3x!quant.uniform<i8:f32:0, {0.1:0, 0.2:3, 0.3:-1, 0.4:7}>>, tensor<4xi32>) -> tensor<1x4x3x3xi32>
  return %0 : tensor<1x4x3x3xi32>
}

// -----

// Grouped quantized conv (signed, per-tensor): conv_2d_ngchw_gfchw_q.
// CHECK-LABEL: func.func @conv_quant_grouped(
// CHECK: linalg.conv_2d_ngchw_gfchw_q
// CHECK-SAME: tensor<1x2x2x7x7xi8>, tensor<2x2x2x3x3xi8>, i32, i32
func.func @conv_quant_grouped(%x: tensor<1x4x5x5x!quant.uniform<i8:f32, 0.1:4>>, %w: tensor<4x2x3x3x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x4x5x5xi32> {
  %0 = kiln.conv2d %x, %w {groups = 2 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x5x5x!quant.uniform<i8:f32, 0.1:4>>, tensor<4x2x3x3x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x4x5x5xi32>
  return %0 : tensor<1x4x5x5xi32>
}
