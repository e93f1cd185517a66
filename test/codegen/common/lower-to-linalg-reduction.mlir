// RUN: kiln-opt %s --kiln-lower-to-linalg --split-input-file | FileCheck %s
// reduce, argmax, softmax, log_softmax, layer_norm, batch_norm, pool2d and global_pool -> linalg: accumulators, inits, stable decompositions, pooling pads and divisors.

// f16 sums accumulate in f32 (filled with 0), are rounded once, then keep_dims expands.
// CHECK-LABEL: func.func @reduce_sum_f16_keep_dims(
// CHECK: %[[E:.+]] = tensor.empty() : tensor<4x6xf32>
// CHECK: %[[Z:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[Z]] : f32) outs(%[[E]] : tensor<4x6xf32>)
// CHECK: %[[R:.+]] = linalg.reduce ins(%{{.+}} : tensor<4x5x6xf16>) outs(%[[INIT]] : tensor<4x6xf32>) dimensions = [1]
// CHECK: (%[[X:.+]]: f16, %[[ACC:.+]]: f32) {
// CHECK: %[[XE:.+]] = arith.extf %[[X]] : f16 to f32
// CHECK: arith.addf %[[ACC]], %[[XE]] : f32
// CHECK: %[[T:.+]] = linalg.generic
// CHECK-SAME: ins(%[[R]] : tensor<4x6xf32>) outs(%{{.+}} : tensor<4x6xf16>)
// CHECK: arith.truncf %{{.+}} : f32 to f16
// CHECK: tensor.expand_shape %[[T]] {{\[}}[0], [1, 2]] output_shape [4, 1, 6] : tensor<4x6xf16> into tensor<4x1x6xf16>
func.func @reduce_sum_f16_keep_dims(%x: tensor<4x5x6xf16>) -> tensor<4x1x6xf16> {
  %0 = kiln.reduce sum %x axes = [1] keep_dims : (tensor<4x5x6xf16>) -> tensor<4x1x6xf16>
  return %0 : tensor<4x1x6xf16>
}

// -----

// Integer mean: exact i64 sum, then trunc(sum / count).
// CHECK-LABEL: func.func @reduce_mean_i32(
// CHECK: linalg.fill ins(%{{.+}} : i64) outs(%{{.+}} : tensor<4xi64>)
// CHECK: linalg.reduce ins(%{{.+}} : tensor<4x6xi32>) outs(%{{.+}} : tensor<4xi64>) dimensions = [1]
// CHECK: arith.extsi %{{.+}} : i32 to i64
// CHECK: arith.addi
// CHECK: %[[C:.+]] = arith.constant 6 : i64
// CHECK: %[[Q:.+]] = arith.divsi %{{.+}}, %[[C]] : i64
// CHECK: arith.trunci %[[Q]] : i64 to i32
func.func @reduce_mean_i32(%x: tensor<4x6xi32>) -> tensor<4xi32> {
  %0 = kiln.reduce mean %x axes = [1] : (tensor<4x6xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// max starts at -inf and propagates NaN.
// CHECK-LABEL: func.func @reduce_max_f32(
// CHECK: %[[NINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: linalg.fill ins(%[[NINF]] : f32)
// CHECK: linalg.reduce
// CHECK: arith.cmpf uno
// CHECK: arith.cmpf olt
// CHECK-NOT: linalg.generic
func.func @reduce_max_f32(%x: tensor<4x6xf32>) -> tensor<6xf32> {
  %0 = kiln.reduce max %x axes = [0] : (tensor<4x6xf32>) -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

// Unsigned min starts at the type's maximum (255 = -1 as i8 bits).
// CHECK-LABEL: func.func @reduce_min_ui8(
// CHECK: %[[MAX:.+]] = arith.constant -1 : i8
// CHECK: linalg.fill ins(%[[MAX]] : i8)
// CHECK: linalg.reduce { arith.minui } ins(%{{.+}} : tensor<4x6xi8>)
func.func @reduce_min_ui8(%x: tensor<4x6xui8>) -> tensor<4xui8> {
  %0 = kiln.reduce min %x axes = [1] : (tensor<4x6xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// Integer sum wraps like the element type: accumulate in i8 directly.
// CHECK-LABEL: func.func @reduce_sum_i8_all(
// CHECK: linalg.reduce { arith.addi {{.*}}} ins(%{{.+}} : tensor<3x4xi8>) outs(%{{.+}} : tensor<i8>) dimensions = [0, 1]
func.func @reduce_sum_i8_all(%x: tensor<3x4xi8>) -> tensor<i8> {
  %0 = kiln.reduce sum %x axes = [0, 1] : (tensor<3x4xi8>) -> tensor<i8>
  return %0 : tensor<i8>
}

// -----

// argmax: one generic with value and i64 index outputs; ties on the preferred side by
// index (select_last_index: larger index wins; the initial index -1 loses every tie).
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @argmax_last(
// CHECK: %[[NINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[V:.+]] = linalg.fill ins(%[[NINF]] : f32) outs(%{{.+}} : tensor<4xf32>)
// CHECK: %[[M1:.+]] = arith.constant -1 : i64
// CHECK: %[[I:.+]] = linalg.fill ins(%[[M1]] : i64) outs(%{{.+}} : tensor<4xi64>)
// CHECK: %[[R:.+]]:2 = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: outs(%[[V]], %[[I]] : tensor<4xf32>, tensor<4xi64>)
// CHECK: %[[IDX:.+]] = linalg.index 1 : index
// CHECK: %[[K:.+]] = arith.index_cast %[[IDX]] : index to i64
// CHECK: arith.cmpi sgt, %[[K]], %{{.+}} : i64
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf oeq
// CHECK: tensor.expand_shape %[[R]]#1 {{\[}}[0, 1]] output_shape [4, 1] : tensor<4xi64> into tensor<4x1xi64>
func.func @argmax_last(%x: tensor<4x6xf32>) -> tensor<4x1xi64> {
  %0 = kiln.argmax %x axis = 1 keep_dims select_last_index : (tensor<4x6xf32>) -> tensor<4x1xi64>
  return %0 : tensor<4x1xi64>
}

// -----

// First index: the initial index is INT64_MAX; unsigned values compare unsigned.
// CHECK-LABEL: func.func @argmax_first_ui8(
// CHECK: arith.constant 0 : i8
// CHECK: arith.constant 9223372036854775807 : i64
// CHECK: arith.cmpi slt, %{{.+}}, %{{.+}} : i64
// CHECK: arith.cmpi ugt, %{{.+}}, %{{.+}} : i8
func.func @argmax_first_ui8(%x: tensor<6x5xui8>) -> tensor<5xi64> {
  %0 = kiln.argmax %x axis = 0 : (tensor<6x5xui8>) -> tensor<5xi64>
  return %0 : tensor<5xi64>
}

// -----

// softmax = exp(x - max) / sum(exp(x - max)), computed in f32 for f16: the max with
// arith.maximumf, exp once into an f32 tensor, its row sums, then the division.
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @softmax_f16(
// CHECK-SAME: %[[X:.*]]: tensor<4x10xf16>)
// CHECK: %[[MAX:.+]] = linalg.reduce ins(%[[X]] : tensor<4x10xf16>) outs(%{{.+}} : tensor<4xf32>) dimensions = [1]
// CHECK: arith.extf
// CHECK: arith.maximumf
// CHECK: %[[E:.+]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[MAX]] : tensor<4x10xf16>, tensor<4xf32>) outs(%{{.+}} : tensor<4x10xf32>)
// CHECK: %[[D:.+]] = arith.subf %{{.+}}, %{{.+}} : f32
// CHECK: math.exp %[[D]] : f32
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: ins(%[[E]] : tensor<4x10xf32>)
// CHECK: arith.addf
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[E]], %[[SUM]] : tensor<4x10xf32>, tensor<4xf32>) outs(%{{.+}} : tensor<4x10xf16>)
// CHECK: %[[Q:.+]] = arith.divf
// CHECK: arith.truncf %[[Q]] : f32 to f16
func.func @softmax_f16(%x: tensor<4x10xf16>) -> tensor<4x10xf16> {
  %0 = kiln.softmax %x axis = 1 : tensor<4x10xf16>
  return %0 : tensor<4x10xf16>
}

// -----

// log_softmax = (x - max) - log(sum(exp(x - max))), along a middle axis.
// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @log_softmax(
// CHECK: linalg.reduce { arith.maximumf } ins(%{{.+}} : tensor<3x4x5xf32>) outs(%{{.+}} : tensor<3x5xf32>) dimensions = [1]
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[$ROW]], #[[$ROW]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK: ^bb0(%{{.+}}: f32, %[[M:.+]]: f32, %[[S:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[SH:.+]] = arith.subf %{{.+}}, %[[M]] : f32
// CHECK: %[[L:.+]] = math.log %[[S]] : f32
// CHECK: arith.subf %[[SH]], %[[L]] : f32
func.func @log_softmax(%x: tensor<3x4x5xf32>) -> tensor<3x4x5xf32> {
  %0 = kiln.log_softmax %x axis = 1 : tensor<3x4x5xf32>
  return %0 : tensor<3x4x5xf32>
}

// -----

// layer_norm: sum, then sum of squared deviations from sum / n (two passes), then
// (x - mean) * 1 / sqrt(var + eps) * scale + bias with scale and bias read through the
// normalized dims.
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$PARAM:.+]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @layer_norm(
// CHECK-SAME: %[[X:.*]]: tensor<2x3x8xf32>, %[[G:.*]]: tensor<8xf32>, %[[B:.*]]: tensor<8xf32>)
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: %[[SSD:.+]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ROW]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[X]], %[[SUM]] : tensor<2x3x8xf32>, tensor<2x3xf32>)
// CHECK: %[[N:.+]] = arith.constant 8.000000e+00 : f32
// CHECK: %[[MEAN:.+]] = arith.divf %{{.+}}, %[[N]] : f32
// CHECK: %[[DEV:.+]] = arith.subf %{{.+}}, %[[MEAN]] : f32
// CHECK: arith.mulf %[[DEV]], %[[DEV]] : f32
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ROW]], #[[$PARAM]], #[[$PARAM]], #[[$ID]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[SUM]], %[[SSD]], %[[G]], %[[B]] :
// CHECK: %[[EPS:.+]] = arith.constant 9.99999974E-6 : f32
// CHECK: math.sqrt
func.func @layer_norm(%x: tensor<2x3x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<2x3x8xf32> {
  %0 = kiln.layer_norm %x scale %g bias %b axis = 2 epsilon = 1.0e-05 : (tensor<2x3x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  return %0 : tensor<2x3x8xf32>
}

// -----

// Without scale and bias the final generic reads only x and the two row sums.
// CHECK-LABEL: func.func @layer_norm_plain(
// CHECK: linalg.generic
// CHECK: linalg.generic
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.+}}, %{{.+}}, %{{.+}} : tensor<3x4xf32>, tensor<f32>, tensor<f32>)
func.func @layer_norm_plain(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = kiln.layer_norm %x axis = 0 epsilon = 1.0e-05 : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// batch_norm: one elementwise generic, parameters read through the channel dim.
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$CH:.+]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @batch_norm(
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$CH]], #[[$CH]], #[[$CH]], #[[$CH]], #[[$ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK: ^bb0(%[[X:.+]]: f32, %[[S:.+]]: f32, %[[B:.+]]: f32, %[[M:.+]]: f32, %[[V:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[VE:.+]] = arith.addf %[[V]], %{{.+}} : f32
// CHECK: %[[SD:.+]] = math.sqrt %[[VE]] : f32
// CHECK: %[[C:.+]] = arith.subf %[[X]], %[[M]] : f32
// CHECK: %[[N:.+]] = arith.divf %[[C]], %[[SD]] : f32
// CHECK: %[[SC:.+]] = arith.mulf %[[N]], %[[S]] : f32
// CHECK: arith.addf %[[SC]], %[[B]] : f32
func.func @batch_norm(%x: tensor<2x3x4x5xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3x4x5xf32> {
  %0 = kiln.batch_norm %x, %s, %b, %m, %v epsilon = 1.0e-05 : (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}

// -----

// Max pooling pads with -inf (only as far as the windows read) and starts from -inf.
// CHECK-LABEL: func.func @maxpool(
// CHECK: %[[NINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[P:.+]] = tensor.pad %{{.+}} low[0, 0, 1, 1] high[0, 0, 0, 0]
// CHECK: tensor.yield %[[NINF]] : f32
// CHECK: } : tensor<1x2x8x8xf32> to tensor<1x2x9x9xf32>
// CHECK: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x2x4x4xf32>)
// CHECK: %[[WIN:.+]] = tensor.empty() : tensor<3x3xf32>
// CHECK: linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK-SAME: ins(%[[P]], %[[WIN]] : tensor<1x2x9x9xf32>, tensor<3x3xf32>) outs(%[[INIT]] : tensor<1x2x4x4xf32>)
func.func @maxpool(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32> {
  %0 = kiln.pool2d max %x kernel = [3, 3] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// ceil_mode: the last window overhangs the input, so the input is padded behind (with
// -inf) although pads are 0.
// CHECK-LABEL: func.func @maxpool_ceil_mode(
// CHECK: tensor.pad %{{.+}} low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: } : tensor<1x1x7x7xf32> to tensor<1x1x8x8xf32>
// CHECK: linalg.pooling_nchw_max
func.func @maxpool_ceil_mode(%x: tensor<1x1x7x7xf32>) -> tensor<1x1x4x4xf32> {
  %0 = kiln.pool2d max %x kernel = [2, 2] {strides = array<i64: 2, 2>, ceil_mode} : (tensor<1x1x7x7xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

// Average without count_include_pad: the divisor counts only taps inside the input;
// it varies over the output and is a constant OHxOW tensor read through (oh, ow).
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$HW:.+]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-LABEL: func.func @avgpool_exclude_pad(
// CHECK: %[[Z:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[P:.+]] = tensor.pad %{{.+}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[Z]] : f32
// CHECK: %[[SUM:.+]] = linalg.pooling_nchw_sum {{.*}} ins(%[[P]], %{{.+}} : tensor<1x2x9x9xf32>, tensor<3x3xf32>)
// CHECK: %[[COUNTS:.+]] = arith.constant dense<{{\[}}[4.000000e+00, 6.000000e+00, 6.000000e+00, 4.000000e+00], [6.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [6.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [4.000000e+00, 6.000000e+00, 6.000000e+00, 4.000000e+00]]> : tensor<4x4xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$HW]], #[[$ID]]]
// CHECK-SAME: ins(%[[SUM]], %[[COUNTS]] : tensor<1x2x4x4xf32>, tensor<4x4xf32>)
// CHECK: arith.divf
func.func @avgpool_exclude_pad(%x: tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32> {
  %0 = kiln.pool2d avg %x kernel = [3, 3] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// count_include_pad with ceil_mode: taps in the trailing padding count, the overhang
// past it does not (last row / column: 2 taps, not 3).
// CHECK-LABEL: func.func @avgpool_include_pad_ceil(
// CHECK: arith.constant dense<{{\[}}[9.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [9.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [9.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [6.000000e+00, 6.000000e+00, 6.000000e+00, 4.000000e+00]]> : tensor<4x4xf32>
func.func @avgpool_include_pad_ceil(%x: tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32> {
  %0 = kiln.pool2d avg %x kernel = [3, 3] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>, count_include_pad, ceil_mode} : (tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// A uniform divisor is a scalar; f16 sums in f32; no padding needed.
// CHECK-LABEL: func.func @avgpool_uniform_f16(
// CHECK-NOT: tensor.pad
// CHECK: linalg.pooling_nchw_sum {{.*}} ins(%{{.+}}, %{{.+}} : tensor<2x3x8x8xf16>, tensor<2x2xf16>) outs(%{{.+}} : tensor<2x3x4x4xf32>)
// CHECK: %[[C:.+]] = arith.constant 4.000000e+00 : f32
// CHECK: %[[Q:.+]] = arith.divf %{{.+}}, %[[C]] : f32
// CHECK: arith.truncf %[[Q]] : f32 to f16
func.func @avgpool_uniform_f16(%x: tensor<2x3x8x8xf16>) -> tensor<2x3x4x4xf16> {
  %0 = kiln.pool2d avg %x kernel = [2, 2] {strides = array<i64: 2, 2>} : (tensor<2x3x8x8xf16>) -> tensor<2x3x4x4xf16>
  return %0 : tensor<2x3x4x4xf16>
}

// -----

// Integer average: i64 sum, truncating division.
// CHECK-LABEL: func.func @avgpool_i32(
// CHECK: linalg.pooling_nchw_sum {{.*}} outs(%{{.+}} : tensor<1x2x3x3xi64>)
// CHECK: %[[C:.+]] = arith.constant 9 : i64
// CHECK: %[[Q:.+]] = arith.divsi %{{.+}}, %[[C]] : i64
// CHECK: arith.trunci %[[Q]] : i64 to i32
func.func @avgpool_i32(%x: tensor<1x2x5x5xi32>) -> tensor<1x2x3x3xi32> {
  %0 = kiln.pool2d avg %x kernel = [3, 3] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, count_include_pad} : (tensor<1x2x5x5xi32>) -> tensor<1x2x3x3xi32>
  return %0 : tensor<1x2x3x3xi32>
}

// -----

// Unsigned max pooling: a generic window reduction with maxui, padded with 0.
// CHECK-DAG: #[[$IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
// CHECK-LABEL: func.func @maxpool_ui8(
// CHECK: %[[Z:.+]] = arith.constant 0 : i8
// CHECK: tensor.pad
// CHECK: tensor.yield %[[Z]] : i8
// CHECK: linalg.generic {indexing_maps = [#[[$IN]], #{{.+}}, #{{.+}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK: arith.maxui
func.func @maxpool_ui8(%x: tensor<1x2x6x6xui8>) -> tensor<1x2x3x3xui8> {
  %0 = kiln.pool2d max %x kernel = [3, 3] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x6x6xui8>) -> tensor<1x2x3x3xui8>
  return %0 : tensor<1x2x3x3xui8>
}

// -----

// CHECK-LABEL: func.func @global_avg(
// CHECK: %[[S:.+]] = linalg.reduce { arith.addf } ins(%{{.+}} : tensor<2x3x7x7xf32>) outs(%{{.+}} : tensor<2x3xf32>) dimensions = [2, 3]
// CHECK: %[[A:.+]] = linalg.generic
// CHECK-SAME: ins(%[[S]] : tensor<2x3xf32>)
// CHECK: %[[C:.+]] = arith.constant 4.900000e+01 : f32
// CHECK: arith.divf %{{.+}}, %[[C]] : f32
// CHECK: tensor.expand_shape %[[A]] {{\[}}[0], [1, 2, 3]] output_shape [2, 3, 1, 1] : tensor<2x3xf32> into tensor<2x3x1x1xf32>
func.func @global_avg(%x: tensor<2x3x7x7xf32>) -> tensor<2x3x1x1xf32> {
  %0 = kiln.global_pool avg %x : (tensor<2x3x7x7xf32>) -> tensor<2x3x1x1xf32>
  return %0 : tensor<2x3x1x1xf32>
}

// -----

// CHECK-LABEL: func.func @global_max_i8(
// CHECK: %[[MIN:.+]] = arith.constant -128 : i8
// CHECK: linalg.fill ins(%[[MIN]] : i8)
// CHECK: %[[R:.+]] = linalg.reduce { arith.maxsi } ins(%{{.+}} : tensor<2x3x9xi8>) outs(%{{.+}} : tensor<2x3xi8>) dimensions = [2]
// CHECK: tensor.expand_shape %[[R]] {{\[}}[0], [1, 2]] output_shape [2, 3, 1]
func.func @global_max_i8(%x: tensor<2x3x9xi8>) -> tensor<2x3x1xi8> {
  %0 = kiln.global_pool max %x : (tensor<2x3x9xi8>) -> tensor<2x3x1xi8>
  return %0 : tensor<2x3x1xi8>
}

// -----

// pool2d_argmax: a window reduction with a value and a row-major position output; a tap
// counts only inside the input (the padding is read, never chosen); column_major
// converts the position at the end.
// CHECK-DAG: #[[$IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
// CHECK-DAG: #[[$WIN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
// CHECK-DAG: #[[$OUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @pool2d_argmax(
// CHECK: %[[P:.+]] = tensor.pad %{{.+}} low[0, 0, 1, 1] high[0, 0, 0, 0]
// CHECK: %[[V:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x2x3x3xf32>)
// CHECK: %[[NONE:.+]] = arith.constant -1 : i64
// CHECK: %[[I:.+]] = linalg.fill ins(%[[NONE]] : i64) outs(%{{.+}} : tensor<1x2x3x3xi64>)
// CHECK: %[[R:.+]]:2 = linalg.generic {indexing_maps = [#[[$IN]], #[[$WIN]], #[[$OUT]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: ins(%[[P]], %{{.+}} : tensor<1x2x7x7xf32>, tensor<3x3xf32>) outs(%[[V]], %[[I]] :
// CHECK: arith.cmpi sge
// CHECK: arith.cmpi slt
// CHECK: arith.index_cast %{{.+}} : index to i64
// CHECK: arith.cmpf uno
// CHECK: arith.cmpf ogt
// CHECK: linalg.yield %{{.+}}, %{{.+}} : f32, i64
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[R]]#1 : tensor<1x2x3x3xi64>)
// CHECK: arith.remsi
func.func @pool2d_argmax(%x: tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xi64> {
  %0 = kiln.pool2d_argmax %x kernel = [3, 3] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, column_major} : (tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xi64>
  return %0 : tensor<1x2x3x3xi64>
}
