// RUN: kiln-opt %s --split-input-file | kiln-opt --split-input-file | FileCheck %s
// RUN: kiln-opt %s --split-input-file --mlir-print-op-generic | kiln-opt --split-input-file | FileCheck %s
// Round trip of every kiln op through the custom and the generic assembly forms.

// CHECK-LABEL: func.func @matmul_batch_broadcast(
// CHECK-SAME:    %[[A:.+]]: tensor<2x1x4x8xf32>, %[[B:.+]]: tensor<3x8x5xf32>)
// CHECK:         %[[R:.+]] = kiln.matmul %[[A]], %[[B]] : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>
// CHECK:         return %[[R]] : tensor<2x3x4x5xf32>
func.func @matmul_batch_broadcast(%a: tensor<2x1x4x8xf32>, %b: tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32> {
  %0 = kiln.matmul %a, %b : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_transpose(
// CHECK-SAME:    %[[A:.+]]: tensor<8x4xf16>, %[[B:.+]]: tensor<5x8xf16>, %[[C:.+]]: tensor<4x8xbf16>)
// CHECK:         %[[AB:.+]] = kiln.matmul %[[A]], %[[B]] transpose_a transpose_b : (tensor<8x4xf16>, tensor<5x8xf16>) -> tensor<4x5xf16>
// CHECK:         %[[AA:.+]] = kiln.matmul %[[A]], %[[A]] transpose_a : (tensor<8x4xf16>, tensor<8x4xf16>) -> tensor<4x4xf16>
// CHECK:         %[[CC:.+]] = kiln.matmul %[[C]], %[[C]] transpose_b : (tensor<4x8xbf16>, tensor<4x8xbf16>) -> tensor<4x4xbf16>
// CHECK:         return %[[AB]], %[[AA]], %[[CC]]
func.func @matmul_transpose(%a: tensor<8x4xf16>, %b: tensor<5x8xf16>, %c: tensor<4x8xbf16>) -> (tensor<4x5xf16>, tensor<4x4xf16>, tensor<4x4xbf16>) {
  %0 = kiln.matmul %a, %b transpose_a transpose_b : (tensor<8x4xf16>, tensor<5x8xf16>) -> tensor<4x5xf16>
  %1 = kiln.matmul %a, %a transpose_a : (tensor<8x4xf16>, tensor<8x4xf16>) -> tensor<4x4xf16>
  %2 = kiln.matmul %c, %c transpose_b : (tensor<4x8xbf16>, tensor<4x8xbf16>) -> tensor<4x4xbf16>
  return %0, %1, %2 : tensor<4x5xf16>, tensor<4x4xf16>, tensor<4x4xbf16>
}

// -----

// CHECK-LABEL: func.func @matmul_dynamic_batch(
// CHECK-SAME:    %[[A:.+]]: tensor<?x4x8xf32>, %[[B:.+]]: tensor<8x5xf32>, %[[C:.+]]: tensor<1x8x5xf32>, %[[D:.+]]: tensor<8x5xf32>, %[[E:.+]]: tensor<2x3x8x5xf32>)
// CHECK:         %[[R0:.+]] = kiln.matmul %[[A]], %[[B]] : (tensor<?x4x8xf32>, tensor<8x5xf32>) -> tensor<?x4x5xf32>
// CHECK:         %[[R1:.+]] = kiln.matmul %[[A]], %[[C]] : (tensor<?x4x8xf32>, tensor<1x8x5xf32>) -> tensor<?x4x5xf32>
// CHECK:         %[[R2:.+]] = kiln.matmul %[[D]], %[[E]] transpose_a : (tensor<8x5xf32>, tensor<2x3x8x5xf32>) -> tensor<2x3x5x5xf32>
// CHECK:         return %[[R0]], %[[R1]], %[[R2]]
func.func @matmul_dynamic_batch(%a: tensor<?x4x8xf32>, %b: tensor<8x5xf32>, %c: tensor<1x8x5xf32>, %d: tensor<8x5xf32>, %e: tensor<2x3x8x5xf32>) -> (tensor<?x4x5xf32>, tensor<?x4x5xf32>, tensor<2x3x5x5xf32>) {
  %0 = kiln.matmul %a, %b : (tensor<?x4x8xf32>, tensor<8x5xf32>) -> tensor<?x4x5xf32>
  %1 = kiln.matmul %a, %c : (tensor<?x4x8xf32>, tensor<1x8x5xf32>) -> tensor<?x4x5xf32>
  %2 = kiln.matmul %d, %e transpose_a : (tensor<8x5xf32>, tensor<2x3x8x5xf32>) -> tensor<2x3x5x5xf32>
  return %0, %1, %2 : tensor<?x4x5xf32>, tensor<?x4x5xf32>, tensor<2x3x5x5xf32>
}

// -----

// i8 and quantized-i8 contractions accumulate into i32.
// CHECK-LABEL: func.func @matmul_i8(
// CHECK-SAME:    %[[A:.+]]: tensor<4x8xi8>, %[[B:.+]]: tensor<8x5xi8>, %[[QA:.+]]: tensor<4x8x!quant.uniform<i8:f32, 1.000000e-01:-3>>, %[[QB:.+]]: tensor<8x5x!quant.uniform<i8:f32, 2.000000e-01>>)
// CHECK:         %[[R0:.+]] = kiln.matmul %[[A]], %[[B]] : (tensor<4x8xi8>, tensor<8x5xi8>) -> tensor<4x5xi32>
// CHECK:         %[[R1:.+]] = kiln.matmul %[[QA]], %[[QB]] : (tensor<4x8x!quant.uniform<i8:f32, 1.000000e-01:-3>>, tensor<8x5x!quant.uniform<i8:f32, 2.000000e-01>>) -> tensor<4x5xi32>
// CHECK:         return %[[R0]], %[[R1]]
func.func @matmul_i8(%a: tensor<4x8xi8>, %b: tensor<8x5xi8>, %qa: tensor<4x8x!quant.uniform<i8:f32, 0.1:-3>>, %qb: tensor<8x5x!quant.uniform<i8:f32, 0.2>>) -> (tensor<4x5xi32>, tensor<4x5xi32>) {
  %0 = kiln.matmul %a, %b : (tensor<4x8xi8>, tensor<8x5xi8>) -> tensor<4x5xi32>
  %1 = kiln.matmul %qa, %qb : (tensor<4x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<8x5x!quant.uniform<i8:f32, 0.2>>) -> tensor<4x5xi32>
  return %0, %1 : tensor<4x5xi32>, tensor<4x5xi32>
}

// -----

// CHECK-LABEL: func.func @conv2d(
// CHECK-SAME:    %[[X:.+]]: tensor<1x3x8x8xf32>, %[[W:.+]]: tensor<4x3x3x3xf32>)
// CHECK:         %[[R:.+]] = kiln.conv2d %[[X]], %[[W]] : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
// CHECK:         return %[[R]] : tensor<1x4x6x6xf32>
func.func @conv2d(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %0 = kiln.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// Attributes spelled with their default values print elided.
// CHECK-LABEL: func.func @conv2d_default_attrs(
// CHECK-SAME:    %[[X:.+]]: tensor<1x3x8x8xf32>, %[[W:.+]]: tensor<4x3x3x3xf32>)
// CHECK:         %[[R:.+]] = kiln.conv2d %[[X]], %[[W]] : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
// CHECK:         return %[[R]] : tensor<1x4x6x6xf32>
func.func @conv2d_default_attrs(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %0 = kiln.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// CHECK-LABEL: func.func @conv2d_bias_strides_pads_dilations(
// CHECK-SAME:    %[[X:.+]]: tensor<1x3x8x8xf32>, %[[W:.+]]: tensor<4x3x3x3xf32>, %[[B:.+]]: tensor<4xf32>)
// CHECK:         %[[R:.+]] = kiln.conv2d %[[X]], %[[W]], %[[B]] {dilations = array<i64: 2, 1>, pads = array<i64: 1, 1, 0, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x3x4xf32>
// CHECK:         return %[[R]] : tensor<1x4x3x4xf32>
func.func @conv2d_bias_strides_pads_dilations(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x3x4xf32> {
  %0 = kiln.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 1>, dilations = array<i64: 2, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x3x4xf32>
  return %0 : tensor<1x4x3x4xf32>
}

// -----

// Depthwise (groups = channels) and a grouped conv with a channel multiplier.
// CHECK-LABEL: func.func @conv2d_groups(
// CHECK-SAME:    %[[X:.+]]: tensor<1x4x8x8xf32>, %[[W:.+]]: tensor<4x1x3x3xf32>, %[[B:.+]]: tensor<4xf32>, %[[Y:.+]]: tensor<1x3x8x8xbf16>, %[[V:.+]]: tensor<6x1x3x3xbf16>)
// CHECK:         %[[R0:.+]] = kiln.conv2d %[[X]], %[[W]], %[[B]] {groups = 4 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
// CHECK:         %[[R1:.+]] = kiln.conv2d %[[Y]], %[[V]] {groups = 3 : i64} : (tensor<1x3x8x8xbf16>, tensor<6x1x3x3xbf16>) -> tensor<1x6x6x6xbf16>
// CHECK:         return %[[R0]], %[[R1]]
func.func @conv2d_groups(%x: tensor<1x4x8x8xf32>, %w: tensor<4x1x3x3xf32>, %b: tensor<4xf32>, %y: tensor<1x3x8x8xbf16>, %v: tensor<6x1x3x3xbf16>) -> (tensor<1x4x8x8xf32>, tensor<1x6x6x6xbf16>) {
  %0 = kiln.conv2d %x, %w, %b {groups = 4 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %1 = kiln.conv2d %y, %v {groups = 3 : i64} : (tensor<1x3x8x8xbf16>, tensor<6x1x3x3xbf16>) -> tensor<1x6x6x6xbf16>
  return %0, %1 : tensor<1x4x8x8xf32>, tensor<1x6x6x6xbf16>
}

// -----

// CHECK-LABEL: func.func @conv2d_i8_dynamic(
// CHECK-SAME:    %[[X:.+]]: tensor<1x3x8x8xi8>, %[[W:.+]]: tensor<4x3x3x3xi8>, %[[B:.+]]: tensor<4xi32>, %[[D:.+]]: tensor<?x3x?x8xf32>, %[[V:.+]]: tensor<4x3x3x3xf32>)
// CHECK:         %[[R0:.+]] = kiln.conv2d %[[X]], %[[W]], %[[B]] : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xi8>, tensor<4xi32>) -> tensor<1x4x6x6xi32>
// CHECK:         %[[R1:.+]] = kiln.conv2d %[[D]], %[[V]] : (tensor<?x3x?x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x4x?x6xf32>
// CHECK:         return %[[R0]], %[[R1]]
func.func @conv2d_i8_dynamic(%x: tensor<1x3x8x8xi8>, %w: tensor<4x3x3x3xi8>, %b: tensor<4xi32>, %d: tensor<?x3x?x8xf32>, %v: tensor<4x3x3x3xf32>) -> (tensor<1x4x6x6xi32>, tensor<?x4x?x6xf32>) {
  %0 = kiln.conv2d %x, %w, %b : (tensor<1x3x8x8xi8>, tensor<4x3x3x3xi8>, tensor<4xi32>) -> tensor<1x4x6x6xi32>
  %1 = kiln.conv2d %d, %v : (tensor<?x3x?x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x4x?x6xf32>
  return %0, %1 : tensor<1x4x6x6xi32>, tensor<?x4x?x6xf32>
}

// -----

// CHECK-LABEL: func.func @unary_float(
// CHECK-SAME:    %[[X:.+]]: tensor<2x3xf32>)
// CHECK:         %[[EXP:.+]] = kiln.exp %[[X]] : tensor<2x3xf32>
// CHECK:         %[[LOG:.+]] = kiln.log %[[EXP]] : tensor<2x3xf32>
// CHECK:         %[[SQRT:.+]] = kiln.sqrt %[[LOG]] : tensor<2x3xf32>
// CHECK:         %[[RSQRT:.+]] = kiln.rsqrt %[[SQRT]] : tensor<2x3xf32>
// CHECK:         %[[RECIP:.+]] = kiln.reciprocal %[[RSQRT]] : tensor<2x3xf32>
// CHECK:         %[[TANH:.+]] = kiln.tanh %[[RECIP]] : tensor<2x3xf32>
// CHECK:         %[[SIG:.+]] = kiln.sigmoid %[[TANH]] : tensor<2x3xf32>
// CHECK:         %[[ERF:.+]] = kiln.erf %[[SIG]] : tensor<2x3xf32>
// CHECK:         %[[FLOOR:.+]] = kiln.floor %[[ERF]] : tensor<2x3xf32>
// CHECK:         %[[CEIL:.+]] = kiln.ceil %[[FLOOR]] : tensor<2x3xf32>
// CHECK:         %[[ROUND:.+]] = kiln.round %[[CEIL]] : tensor<2x3xf32>
// CHECK:         %[[SIN:.+]] = kiln.sin %[[ROUND]] : tensor<2x3xf32>
// CHECK:         %[[COS:.+]] = kiln.cos %[[SIN]] : tensor<2x3xf32>
// CHECK:         return %[[COS]] : tensor<2x3xf32>
func.func @unary_float(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = kiln.exp %x : tensor<2x3xf32>
  %1 = kiln.log %0 : tensor<2x3xf32>
  %2 = kiln.sqrt %1 : tensor<2x3xf32>
  %3 = kiln.rsqrt %2 : tensor<2x3xf32>
  %4 = kiln.reciprocal %3 : tensor<2x3xf32>
  %5 = kiln.tanh %4 : tensor<2x3xf32>
  %6 = kiln.sigmoid %5 : tensor<2x3xf32>
  %7 = kiln.erf %6 : tensor<2x3xf32>
  %8 = kiln.floor %7 : tensor<2x3xf32>
  %9 = kiln.ceil %8 : tensor<2x3xf32>
  %10 = kiln.round %9 : tensor<2x3xf32>
  %11 = kiln.sin %10 : tensor<2x3xf32>
  %12 = kiln.cos %11 : tensor<2x3xf32>
  return %12 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @unary_half(
// CHECK-SAME:    %[[X:.+]]: tensor<4xf16>, %[[Y:.+]]: tensor<?x4xbf16>)
// CHECK:         %[[R0:.+]] = kiln.sqrt %[[X]] : tensor<4xf16>
// CHECK:         %[[R1:.+]] = kiln.sigmoid %[[Y]] : tensor<?x4xbf16>
// CHECK:         return %[[R0]], %[[R1]] : tensor<4xf16>, tensor<?x4xbf16>
func.func @unary_half(%x: tensor<4xf16>, %y: tensor<?x4xbf16>) -> (tensor<4xf16>, tensor<?x4xbf16>) {
  %0 = kiln.sqrt %x : tensor<4xf16>
  %1 = kiln.sigmoid %y : tensor<?x4xbf16>
  return %0, %1 : tensor<4xf16>, tensor<?x4xbf16>
}

// -----

// neg, abs and relu take floats and signed integers.
// CHECK-LABEL: func.func @unary_signed(
// CHECK-SAME:    %[[X:.+]]: tensor<2x3xf32>, %[[I:.+]]: tensor<4xi32>, %[[J:.+]]: tensor<4xi8>)
// CHECK:         %[[NEG:.+]] = kiln.neg %[[X]] : tensor<2x3xf32>
// CHECK:         %[[ABS:.+]] = kiln.abs %[[NEG]] : tensor<2x3xf32>
// CHECK:         %[[RELU:.+]] = kiln.relu %[[ABS]] : tensor<2x3xf32>
// CHECK:         %[[INEG:.+]] = kiln.neg %[[I]] : tensor<4xi32>
// CHECK:         %[[IABS:.+]] = kiln.abs %[[INEG]] : tensor<4xi32>
// CHECK:         %[[JRELU:.+]] = kiln.relu %[[J]] : tensor<4xi8>
// CHECK:         return %[[RELU]], %[[IABS]], %[[JRELU]]
func.func @unary_signed(%x: tensor<2x3xf32>, %i: tensor<4xi32>, %j: tensor<4xi8>) -> (tensor<2x3xf32>, tensor<4xi32>, tensor<4xi8>) {
  %0 = kiln.neg %x : tensor<2x3xf32>
  %1 = kiln.abs %0 : tensor<2x3xf32>
  %2 = kiln.relu %1 : tensor<2x3xf32>
  %3 = kiln.neg %i : tensor<4xi32>
  %4 = kiln.abs %3 : tensor<4xi32>
  %5 = kiln.relu %j : tensor<4xi8>
  return %2, %4, %5 : tensor<2x3xf32>, tensor<4xi32>, tensor<4xi8>
}

// -----

// CHECK-LABEL: func.func @not(
// CHECK-SAME:    %[[X:.+]]: tensor<4xi1>)
// CHECK:         %[[R:.+]] = kiln.not %[[X]] : tensor<4xi1>
// CHECK:         return %[[R]] : tensor<4xi1>
func.func @not(%x: tensor<4xi1>) -> tensor<4xi1> {
  %0 = kiln.not %x : tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// CHECK-LABEL: func.func @gelu(
// CHECK-SAME:    %[[X:.+]]: tensor<4xf32>, %[[H:.+]]: tensor<2x?xbf16>)
// CHECK:         %[[R0:.+]] = kiln.gelu %[[X]] : tensor<4xf32>
// CHECK:         %[[R1:.+]] = kiln.gelu %[[X]] approximate = tanh : tensor<4xf32>
// CHECK:         %[[R2:.+]] = kiln.gelu %[[X]] : tensor<4xf32>
// CHECK:         %[[R3:.+]] = kiln.gelu %[[H]] approximate = tanh : tensor<2x?xbf16>
// CHECK:         return %[[R0]], %[[R1]], %[[R2]], %[[R3]]
func.func @gelu(%x: tensor<4xf32>, %h: tensor<2x?xbf16>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<2x?xbf16>) {
  %0 = kiln.gelu %x : tensor<4xf32>
  %1 = kiln.gelu %x approximate = tanh : tensor<4xf32>
  %2 = kiln.gelu %x approximate = none : tensor<4xf32>
  %3 = kiln.gelu %h approximate = tanh : tensor<2x?xbf16>
  return %0, %1, %2, %3 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<2x?xbf16>
}

// -----

// Both bounds, one bound each way, and integer input.
// CHECK-LABEL: func.func @clip(
// CHECK-SAME:    %[[X:.+]]: tensor<4xf32>, %[[I:.+]]: tensor<4xi32>)
// CHECK:         %[[R0:.+]] = kiln.clip %[[X]] {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64} : tensor<4xf32>
// CHECK:         %[[R1:.+]] = kiln.clip %[[X]] {min = -1.500000e+00 : f64} : tensor<4xf32>
// CHECK:         %[[R2:.+]] = kiln.clip %[[X]] {max = 1.000000e+00 : f64} : tensor<4xf32>
// CHECK:         %[[R3:.+]] = kiln.clip %[[I]] {max = 1.270000e+02 : f64, min = -1.280000e+02 : f64} : tensor<4xi32>
// CHECK:         return %[[R0]], %[[R1]], %[[R2]], %[[R3]]
func.func @clip(%x: tensor<4xf32>, %i: tensor<4xi32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xi32>) {
  %0 = kiln.clip %x {min = 0.0 : f64, max = 6.0 : f64} : tensor<4xf32>
  %1 = kiln.clip %x {min = -1.5 : f64} : tensor<4xf32>
  %2 = kiln.clip %x {max = 1.0 : f64} : tensor<4xf32>
  %3 = kiln.clip %i {min = -128.0 : f64, max = 127.0 : f64} : tensor<4xi32>
  return %0, %1, %2, %3 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @cast(
// CHECK-SAME:    %[[X:.+]]: tensor<2x3xf32>, %[[B:.+]]: tensor<4xi1>)
// CHECK:         %[[R0:.+]] = kiln.cast %[[X]] : tensor<2x3xf32> to tensor<2x3xf16>
// CHECK:         %[[R1:.+]] = kiln.cast %[[X]] : tensor<2x3xf32> to tensor<2x3xi64>
// CHECK:         %[[R2:.+]] = kiln.cast %[[B]] : tensor<4xi1> to tensor<4xf32>
// CHECK:         %[[R3:.+]] = kiln.cast %[[X]] : tensor<2x3xf32> to tensor<2x3xi1>
// CHECK:         return %[[R0]], %[[R1]], %[[R2]], %[[R3]]
func.func @cast(%x: tensor<2x3xf32>, %b: tensor<4xi1>) -> (tensor<2x3xf16>, tensor<2x3xi64>, tensor<4xf32>, tensor<2x3xi1>) {
  %0 = kiln.cast %x : tensor<2x3xf32> to tensor<2x3xf16>
  %1 = kiln.cast %x : tensor<2x3xf32> to tensor<2x3xi64>
  %2 = kiln.cast %b : tensor<4xi1> to tensor<4xf32>
  %3 = kiln.cast %x : tensor<2x3xf32> to tensor<2x3xi1>
  return %0, %1, %2, %3 : tensor<2x3xf16>, tensor<2x3xi64>, tensor<4xf32>, tensor<2x3xi1>
}

// -----

// CHECK-LABEL: func.func @binary(
// CHECK-SAME:    %[[A:.+]]: tensor<2x3xf32>, %[[B:.+]]: tensor<3xf32>)
// CHECK:         %[[ADD:.+]] = kiln.add %[[A]], %[[B]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK:         %[[SUB:.+]] = kiln.sub %[[ADD]], %[[B]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK:         %[[MUL:.+]] = kiln.mul %[[SUB]], %[[A]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK:         %[[DIV:.+]] = kiln.div %[[MUL]], %[[B]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK:         %[[POW:.+]] = kiln.pow %[[DIV]], %[[A]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK:         %[[MAX:.+]] = kiln.max %[[POW]], %[[B]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK:         %[[MIN:.+]] = kiln.min %[[B]], %[[MAX]] : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK:         return %[[MIN]] : tensor<2x3xf32>
func.func @binary(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = kiln.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = kiln.sub %0, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %2 = kiln.mul %1, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = kiln.div %2, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %4 = kiln.pow %3, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %5 = kiln.max %4, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %6 = kiln.min %b, %5 : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %6 : tensor<2x3xf32>
}

// -----

// Size-1 dims broadcast against each other; i64 and i8 elements.
// CHECK-LABEL: func.func @binary_int(
// CHECK-SAME:    %[[A:.+]]: tensor<4x1xi64>, %[[B:.+]]: tensor<1x5xi64>, %[[C:.+]]: tensor<4xi8>)
// CHECK:         %[[ADD:.+]] = kiln.add %[[A]], %[[B]] : (tensor<4x1xi64>, tensor<1x5xi64>) -> tensor<4x5xi64>
// CHECK:         %[[DIV:.+]] = kiln.div %[[ADD]], %[[A]] : (tensor<4x5xi64>, tensor<4x1xi64>) -> tensor<4x5xi64>
// CHECK:         %[[MUL:.+]] = kiln.mul %[[C]], %[[C]] : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
// CHECK:         return %[[DIV]], %[[MUL]]
func.func @binary_int(%a: tensor<4x1xi64>, %b: tensor<1x5xi64>, %c: tensor<4xi8>) -> (tensor<4x5xi64>, tensor<4xi8>) {
  %0 = kiln.add %a, %b : (tensor<4x1xi64>, tensor<1x5xi64>) -> tensor<4x5xi64>
  %1 = kiln.div %0, %a : (tensor<4x5xi64>, tensor<4x1xi64>) -> tensor<4x5xi64>
  %2 = kiln.mul %c, %c : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %1, %2 : tensor<4x5xi64>, tensor<4xi8>
}

// -----

// CHECK-LABEL: func.func @binary_dynamic(
// CHECK-SAME:    %[[A:.+]]: tensor<?x3xf32>, %[[B:.+]]: tensor<3xf32>, %[[C:.+]]: tensor<?x?xf32>)
// CHECK:         %[[ADD:.+]] = kiln.add %[[A]], %[[B]] : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
// CHECK:         %[[SUB:.+]] = kiln.sub %[[C]], %[[C]] : (tensor<?x?xf32>, tensor<?x?xf32>) -> tensor<?x?xf32>
// CHECK:         return %[[ADD]], %[[SUB]]
func.func @binary_dynamic(%a: tensor<?x3xf32>, %b: tensor<3xf32>, %c: tensor<?x?xf32>) -> (tensor<?x3xf32>, tensor<?x?xf32>) {
  %0 = kiln.add %a, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %1 = kiln.sub %c, %c : (tensor<?x?xf32>, tensor<?x?xf32>) -> tensor<?x?xf32>
  return %0, %1 : tensor<?x3xf32>, tensor<?x?xf32>
}

// -----

// CHECK-LABEL: func.func @logical(
// CHECK-SAME:    %[[A:.+]]: tensor<4xi1>, %[[B:.+]]: tensor<2x4xi1>)
// CHECK:         %[[AND:.+]] = kiln.and %[[A]], %[[B]] : (tensor<4xi1>, tensor<2x4xi1>) -> tensor<2x4xi1>
// CHECK:         %[[OR:.+]] = kiln.or %[[AND]], %[[A]] : (tensor<2x4xi1>, tensor<4xi1>) -> tensor<2x4xi1>
// CHECK:         return %[[OR]] : tensor<2x4xi1>
func.func @logical(%a: tensor<4xi1>, %b: tensor<2x4xi1>) -> tensor<2x4xi1> {
  %0 = kiln.and %a, %b : (tensor<4xi1>, tensor<2x4xi1>) -> tensor<2x4xi1>
  %1 = kiln.or %0, %a : (tensor<2x4xi1>, tensor<4xi1>) -> tensor<2x4xi1>
  return %1 : tensor<2x4xi1>
}

// -----

// CHECK-LABEL: func.func @cmp(
// CHECK-SAME:    %[[A:.+]]: tensor<2x3xf32>, %[[B:.+]]: tensor<3xf32>, %[[I:.+]]: tensor<4xi32>, %[[P:.+]]: tensor<4xi1>)
// CHECK:         %[[EQ:.+]] = kiln.cmp eq, %[[A]], %[[B]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
// CHECK:         %[[NE:.+]] = kiln.cmp ne, %[[A]], %[[B]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
// CHECK:         %[[LT:.+]] = kiln.cmp lt, %[[A]], %[[B]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
// CHECK:         %[[LE:.+]] = kiln.cmp le, %[[B]], %[[A]] : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
// CHECK:         %[[GT:.+]] = kiln.cmp gt, %[[I]], %[[I]] : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
// CHECK:         %[[GE:.+]] = kiln.cmp ge, %[[P]], %[[P]] : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
// CHECK:         return %[[EQ]], %[[NE]], %[[LT]], %[[LE]], %[[GT]], %[[GE]]
func.func @cmp(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %i: tensor<4xi32>, %p: tensor<4xi1>) -> (tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<4xi1>, tensor<4xi1>) {
  %0 = kiln.cmp eq, %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %1 = kiln.cmp ne, %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %2 = kiln.cmp lt, %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %3 = kiln.cmp le, %b, %a : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  %4 = kiln.cmp gt, %i, %i : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  %5 = kiln.cmp ge, %p, %p : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  return %0, %1, %2, %3, %4, %5 : tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<4xi1>, tensor<4xi1>
}

// -----

// All three operands broadcast; branches may be quantized.
// CHECK-LABEL: func.func @select(
// CHECK-SAME:    %[[C:.+]]: tensor<4xi1>, %[[A:.+]]: tensor<2x4xf32>, %[[B:.+]]: tensor<f32>, %[[Q:.+]]: tensor<4x!quant.uniform<i8:f32, 1.000000e-01>>)
// CHECK:         %[[R0:.+]] = kiln.select %[[C]], %[[A]], %[[B]] : (tensor<4xi1>, tensor<2x4xf32>, tensor<f32>) -> tensor<2x4xf32>
// CHECK:         %[[R1:.+]] = kiln.select %[[C]], %[[Q]], %[[Q]] : (tensor<4xi1>, tensor<4x!quant.uniform<i8:f32, 1.000000e-01>>, tensor<4x!quant.uniform<i8:f32, 1.000000e-01>>) -> tensor<4x!quant.uniform<i8:f32, 1.000000e-01>>
// CHECK:         return %[[R0]], %[[R1]]
func.func @select(%c: tensor<4xi1>, %a: tensor<2x4xf32>, %b: tensor<f32>, %q: tensor<4x!quant.uniform<i8:f32, 0.1>>) -> (tensor<2x4xf32>, tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  %0 = kiln.select %c, %a, %b : (tensor<4xi1>, tensor<2x4xf32>, tensor<f32>) -> tensor<2x4xf32>
  %1 = kiln.select %c, %q, %q : (tensor<4xi1>, tensor<4x!quant.uniform<i8:f32, 0.1>>, tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return %0, %1 : tensor<2x4xf32>, tensor<4x!quant.uniform<i8:f32, 0.1>>
}

// -----

// CHECK-LABEL: func.func @reduce(
// CHECK-SAME:    %[[X:.+]]: tensor<2x3x4xf32>, %[[I:.+]]: tensor<?x8xi32>)
// CHECK:         %[[SUM:.+]] = kiln.reduce sum %[[X]] axes = [1] : (tensor<2x3x4xf32>) -> tensor<2x4xf32>
// CHECK:         %[[MEAN:.+]] = kiln.reduce mean %[[X]] axes = [1] keep_dims : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
// CHECK:         %[[MAX:.+]] = kiln.reduce max %[[X]] axes = [1, 2] : (tensor<2x3x4xf32>) -> tensor<2xf32>
// CHECK:         %[[MIN:.+]] = kiln.reduce min %[[X]] axes = [0, 2] keep_dims : (tensor<2x3x4xf32>) -> tensor<1x3x1xf32>
// CHECK:         %[[PROD:.+]] = kiln.reduce prod %[[X]] axes = [0] : (tensor<2x3x4xf32>) -> tensor<3x4xf32>
// CHECK:         %[[ISUM:.+]] = kiln.reduce sum %[[I]] axes = [1] keep_dims : (tensor<?x8xi32>) -> tensor<?x1xi32>
// CHECK:         return %[[SUM]], %[[MEAN]], %[[MAX]], %[[MIN]], %[[PROD]], %[[ISUM]]
func.func @reduce(%x: tensor<2x3x4xf32>, %i: tensor<?x8xi32>) -> (tensor<2x4xf32>, tensor<2x1x4xf32>, tensor<2xf32>, tensor<1x3x1xf32>, tensor<3x4xf32>, tensor<?x1xi32>) {
  %0 = kiln.reduce sum %x axes = [1] : (tensor<2x3x4xf32>) -> tensor<2x4xf32>
  %1 = kiln.reduce mean %x axes = [1] keep_dims : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
  %2 = kiln.reduce max %x axes = [1, 2] : (tensor<2x3x4xf32>) -> tensor<2xf32>
  %3 = kiln.reduce min %x axes = [0, 2] keep_dims : (tensor<2x3x4xf32>) -> tensor<1x3x1xf32>
  %4 = kiln.reduce prod %x axes = [0] : (tensor<2x3x4xf32>) -> tensor<3x4xf32>
  %5 = kiln.reduce sum %i axes = [1] keep_dims : (tensor<?x8xi32>) -> tensor<?x1xi32>
  return %0, %1, %2, %3, %4, %5 : tensor<2x4xf32>, tensor<2x1x4xf32>, tensor<2xf32>, tensor<1x3x1xf32>, tensor<3x4xf32>, tensor<?x1xi32>
}

// -----

// CHECK-LABEL: func.func @argmax(
// CHECK-SAME:    %[[X:.+]]: tensor<2x3xf32>, %[[I:.+]]: tensor<?x5xi32>)
// CHECK:         %[[R0:.+]] = kiln.argmax %[[X]] axis = 1 : (tensor<2x3xf32>) -> tensor<2xi64>
// CHECK:         %[[R1:.+]] = kiln.argmax %[[X]] axis = 0 keep_dims : (tensor<2x3xf32>) -> tensor<1x3xi64>
// CHECK:         %[[R2:.+]] = kiln.argmax %[[X]] axis = 1 select_last_index : (tensor<2x3xf32>) -> tensor<2xi64>
// CHECK:         %[[R3:.+]] = kiln.argmax %[[I]] axis = 1 keep_dims select_last_index : (tensor<?x5xi32>) -> tensor<?x1xi64>
// CHECK:         return %[[R0]], %[[R1]], %[[R2]], %[[R3]]
func.func @argmax(%x: tensor<2x3xf32>, %i: tensor<?x5xi32>) -> (tensor<2xi64>, tensor<1x3xi64>, tensor<2xi64>, tensor<?x1xi64>) {
  %0 = kiln.argmax %x axis = 1 : (tensor<2x3xf32>) -> tensor<2xi64>
  %1 = kiln.argmax %x axis = 0 keep_dims : (tensor<2x3xf32>) -> tensor<1x3xi64>
  %2 = kiln.argmax %x axis = 1 select_last_index : (tensor<2x3xf32>) -> tensor<2xi64>
  %3 = kiln.argmax %i axis = 1 keep_dims select_last_index : (tensor<?x5xi32>) -> tensor<?x1xi64>
  return %0, %1, %2, %3 : tensor<2xi64>, tensor<1x3xi64>, tensor<2xi64>, tensor<?x1xi64>
}

// -----

// CHECK-LABEL: func.func @softmax(
// CHECK-SAME:    %[[X:.+]]: tensor<2x8xf32>, %[[Y:.+]]: tensor<?x8xf16>)
// CHECK:         %[[R0:.+]] = kiln.softmax %[[X]] axis = 1 : tensor<2x8xf32>
// CHECK:         %[[R1:.+]] = kiln.log_softmax %[[Y]] axis = 0 : tensor<?x8xf16>
// CHECK:         return %[[R0]], %[[R1]]
func.func @softmax(%x: tensor<2x8xf32>, %y: tensor<?x8xf16>) -> (tensor<2x8xf32>, tensor<?x8xf16>) {
  %0 = kiln.softmax %x axis = 1 : tensor<2x8xf32>
  %1 = kiln.log_softmax %y axis = 0 : tensor<?x8xf16>
  return %0, %1 : tensor<2x8xf32>, tensor<?x8xf16>
}

// -----

// scale and bias are each optional.
// CHECK-LABEL: func.func @layer_norm(
// CHECK-SAME:    %[[X:.+]]: tensor<4x8xf32>, %[[G:.+]]: tensor<8xf32>, %[[B:.+]]: tensor<8xf32>, %[[Z:.+]]: tensor<2x4x8xbf16>, %[[ZG:.+]]: tensor<4x8xbf16>)
// CHECK:         %[[R0:.+]] = kiln.layer_norm %[[X]] scale %[[G]] bias %[[B]] axis = 1 epsilon = 1.000000e-05 : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
// CHECK:         %[[R1:.+]] = kiln.layer_norm %[[X]] axis = 1 epsilon = 1.000000e-05 : (tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK:         %[[R2:.+]] = kiln.layer_norm %[[X]] bias %[[B]] axis = 1 epsilon = 0.000000e+00 : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
// CHECK:         %[[R3:.+]] = kiln.layer_norm %[[Z]] scale %[[ZG]] axis = 1 epsilon = 1.000000e-03 : (tensor<2x4x8xbf16>, tensor<4x8xbf16>) -> tensor<2x4x8xbf16>
// CHECK:         return %[[R0]], %[[R1]], %[[R2]], %[[R3]]
func.func @layer_norm(%x: tensor<4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>, %z: tensor<2x4x8xbf16>, %zg: tensor<4x8xbf16>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<2x4x8xbf16>) {
  %0 = kiln.layer_norm %x scale %g bias %b axis = 1 epsilon = 1.0e-05 : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %1 = kiln.layer_norm %x axis = 1 epsilon = 1.0e-05 : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = kiln.layer_norm %x bias %b axis = 1 epsilon = 0.0 : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %3 = kiln.layer_norm %z scale %zg axis = 1 epsilon = 1.0e-03 : (tensor<2x4x8xbf16>, tensor<4x8xbf16>) -> tensor<2x4x8xbf16>
  return %0, %1, %2, %3 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<2x4x8xbf16>
}

// -----

// CHECK-LABEL: func.func @batch_norm(
// CHECK-SAME:    %[[X:.+]]: tensor<1x4x8x8xf32>, %[[S:.+]]: tensor<4xf32>, %[[B:.+]]: tensor<4xf32>, %[[M:.+]]: tensor<4xf32>, %[[V:.+]]: tensor<4xf32>)
// CHECK:         %[[R:.+]] = kiln.batch_norm %[[X]], %[[S]], %[[B]], %[[M]], %[[V]] epsilon = 1.000000e-05 : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
// CHECK:         return %[[R]] : tensor<1x4x8x8xf32>
func.func @batch_norm(%x: tensor<1x4x8x8xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  %0 = kiln.batch_norm %x, %s, %b, %m, %v epsilon = 1.0e-05 : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

// ceil_mode: 7 -> 4 instead of 3 with a 2x2 window and stride 2.
// CHECK-LABEL: func.func @pool2d(
// CHECK-SAME:    %[[X:.+]]: tensor<1x4x8x8xf32>, %[[Y:.+]]: tensor<1x4x7x7xf32>)
// CHECK:         %[[R0:.+]] = kiln.pool2d max %[[X]] kernel = [3, 3] {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
// CHECK:         %[[R1:.+]] = kiln.pool2d avg %[[X]] kernel = [3, 3] : (tensor<1x4x8x8xf32>) -> tensor<1x4x6x6xf32>
// CHECK:         %[[R2:.+]] = kiln.pool2d avg %[[X]] kernel = [3, 3] {count_include_pad, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
// CHECK:         %[[R3:.+]] = kiln.pool2d max %[[Y]] kernel = [2, 2] {ceil_mode, strides = array<i64: 2, 2>} : (tensor<1x4x7x7xf32>) -> tensor<1x4x4x4xf32>
// CHECK:         %[[R4:.+]] = kiln.pool2d avg %[[Y]] kernel = [2, 2] {ceil_mode, count_include_pad, dilations = array<i64: 2, 1>, pads = array<i64: 1, 0, 1, 0>} : (tensor<1x4x7x7xf32>) -> tensor<1x4x7x6xf32>
// CHECK:         return %[[R0]], %[[R1]], %[[R2]], %[[R3]], %[[R4]]
func.func @pool2d(%x: tensor<1x4x8x8xf32>, %y: tensor<1x4x7x7xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x6x6xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x7x6xf32>) {
  %0 = kiln.pool2d max %x kernel = [3, 3] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  %1 = kiln.pool2d avg %x kernel = [3, 3] : (tensor<1x4x8x8xf32>) -> tensor<1x4x6x6xf32>
  %2 = kiln.pool2d avg %x kernel = [3, 3] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, count_include_pad} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  %3 = kiln.pool2d max %y kernel = [2, 2] {strides = array<i64: 2, 2>, ceil_mode} : (tensor<1x4x7x7xf32>) -> tensor<1x4x4x4xf32>
  %4 = kiln.pool2d avg %y kernel = [2, 2] {pads = array<i64: 1, 0, 1, 0>, dilations = array<i64: 2, 1>, count_include_pad, ceil_mode} : (tensor<1x4x7x7xf32>) -> tensor<1x4x7x6xf32>
  return %0, %1, %2, %3, %4 : tensor<1x4x4x4xf32>, tensor<1x4x6x6xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x7x6xf32>
}

// -----

// CHECK-LABEL: func.func @pool2d_argmax(
// CHECK:         kiln.pool2d_argmax %{{.+}} kernel = [2, 2] {column_major, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xi64>
func.func @pool2d_argmax(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xi64> {
  %0 = kiln.pool2d_argmax %x kernel = [2, 2] {strides = array<i64: 2, 2>, column_major} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xi64>
  return %0 : tensor<1x4x4x4xi64>
}

// -----

// CHECK-LABEL: func.func @global_pool(
// CHECK-SAME:    %[[X:.+]]: tensor<1x4x7x7xf32>, %[[Y:.+]]: tensor<2x8x5xi8>)
// CHECK:         %[[R0:.+]] = kiln.global_pool avg %[[X]] : (tensor<1x4x7x7xf32>) -> tensor<1x4x1x1xf32>
// CHECK:         %[[R1:.+]] = kiln.global_pool max %[[Y]] : (tensor<2x8x5xi8>) -> tensor<2x8x1xi8>
// CHECK:         return %[[R0]], %[[R1]]
func.func @global_pool(%x: tensor<1x4x7x7xf32>, %y: tensor<2x8x5xi8>) -> (tensor<1x4x1x1xf32>, tensor<2x8x1xi8>) {
  %0 = kiln.global_pool avg %x : (tensor<1x4x7x7xf32>) -> tensor<1x4x1x1xf32>
  %1 = kiln.global_pool max %y : (tensor<2x8x5xi8>) -> tensor<2x8x1xi8>
  return %0, %1 : tensor<1x4x1x1xf32>, tensor<2x8x1xi8>
}

// -----

// CHECK-LABEL: func.func @reshape(
// CHECK-SAME:    %[[X:.+]]: tensor<2x3xf32>, %[[Y:.+]]: tensor<?x4xi64>, %[[S:.+]]: tensor<f32>)
// CHECK:         %[[R0:.+]] = kiln.reshape %[[X]] : tensor<2x3xf32> -> tensor<6xf32>
// CHECK:         %[[R1:.+]] = kiln.reshape %[[R0]] : tensor<6xf32> -> tensor<3x1x2xf32>
// CHECK:         %[[R2:.+]] = kiln.reshape %[[Y]] : tensor<?x4xi64> -> tensor<?xi64>
// CHECK:         %[[R3:.+]] = kiln.reshape %[[S]] : tensor<f32> -> tensor<1x1xf32>
// CHECK:         return %[[R0]], %[[R1]], %[[R2]], %[[R3]]
func.func @reshape(%x: tensor<2x3xf32>, %y: tensor<?x4xi64>, %s: tensor<f32>) -> (tensor<6xf32>, tensor<3x1x2xf32>, tensor<?xi64>, tensor<1x1xf32>) {
  %0 = kiln.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  %1 = kiln.reshape %0 : tensor<6xf32> -> tensor<3x1x2xf32>
  %2 = kiln.reshape %y : tensor<?x4xi64> -> tensor<?xi64>
  %3 = kiln.reshape %s : tensor<f32> -> tensor<1x1xf32>
  return %0, %1, %2, %3 : tensor<6xf32>, tensor<3x1x2xf32>, tensor<?xi64>, tensor<1x1xf32>
}

// -----

// CHECK-LABEL: func.func @transpose(
// CHECK-SAME:    %[[X:.+]]: tensor<2x3xf32>, %[[Y:.+]]: tensor<2x3x4x5xi1>)
// CHECK:         %[[R0:.+]] = kiln.transpose %[[X]] permutation = [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
// CHECK:         %[[R1:.+]] = kiln.transpose %[[Y]] permutation = [0, 2, 3, 1] : tensor<2x3x4x5xi1> -> tensor<2x4x5x3xi1>
// CHECK:         return %[[R0]], %[[R1]]
func.func @transpose(%x: tensor<2x3xf32>, %y: tensor<2x3x4x5xi1>) -> (tensor<3x2xf32>, tensor<2x4x5x3xi1>) {
  %0 = kiln.transpose %x permutation = [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %1 = kiln.transpose %y permutation = [0, 2, 3, 1] : tensor<2x3x4x5xi1> -> tensor<2x4x5x3xi1>
  return %0, %1 : tensor<3x2xf32>, tensor<2x4x5x3xi1>
}

// -----

// CHECK-LABEL: func.func @broadcast_to(
// CHECK-SAME:    %[[X:.+]]: tensor<3xf32>, %[[Y:.+]]: tensor<4x1xi32>)
// CHECK:         %[[R0:.+]] = kiln.broadcast_to %[[X]] : tensor<3xf32> -> tensor<2x3xf32>
// CHECK:         %[[R1:.+]] = kiln.broadcast_to %[[Y]] : tensor<4x1xi32> -> tensor<2x4x5xi32>
// CHECK:         %[[R2:.+]] = kiln.broadcast_to %[[X]] : tensor<3xf32> -> tensor<?x3xf32>
// CHECK:         return %[[R0]], %[[R1]], %[[R2]]
func.func @broadcast_to(%x: tensor<3xf32>, %y: tensor<4x1xi32>) -> (tensor<2x3xf32>, tensor<2x4x5xi32>, tensor<?x3xf32>) {
  %0 = kiln.broadcast_to %x : tensor<3xf32> -> tensor<2x3xf32>
  %1 = kiln.broadcast_to %y : tensor<4x1xi32> -> tensor<2x4x5xi32>
  %2 = kiln.broadcast_to %x : tensor<3xf32> -> tensor<?x3xf32>
  return %0, %1, %2 : tensor<2x3xf32>, tensor<2x4x5xi32>, tensor<?x3xf32>
}

// -----

// CHECK-LABEL: func.func @concat(
// CHECK-SAME:    %[[A:.+]]: tensor<1x3xf32>, %[[B:.+]]: tensor<2x3xf32>, %[[C:.+]]: tensor<?x3xf32>)
// CHECK:         %[[R0:.+]] = kiln.concat %[[A]], %[[B]] axis = 0 : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<3x3xf32>
// CHECK:         %[[R1:.+]] = kiln.concat %[[A]], %[[B]], %[[C]] axis = 0 : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
// CHECK:         %[[R2:.+]] = kiln.concat %[[B]], %[[B]] axis = 1 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
// CHECK:         %[[R3:.+]] = kiln.concat %[[B]] axis = 0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK:         return %[[R0]], %[[R1]], %[[R2]], %[[R3]]
func.func @concat(%a: tensor<1x3xf32>, %b: tensor<2x3xf32>, %c: tensor<?x3xf32>) -> (tensor<3x3xf32>, tensor<?x3xf32>, tensor<2x6xf32>, tensor<2x3xf32>) {
  %0 = kiln.concat %a, %b axis = 0 : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<3x3xf32>
  %1 = kiln.concat %a, %b, %c axis = 0 : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  %2 = kiln.concat %b, %b axis = 1 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  %3 = kiln.concat %b axis = 0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1, %2, %3 : tensor<3x3xf32>, tensor<?x3xf32>, tensor<2x6xf32>, tensor<2x3xf32>
}

// -----

// Positive and negative steps; a negative step may end at -1 (before index 0).
// CHECK-LABEL: func.func @slice(
// CHECK-SAME:    %[[X:.+]]: tensor<2x4xf32>, %[[Y:.+]]: tensor<8xi32>, %[[D:.+]]: tensor<?x8xf32>)
// CHECK:         %[[R0:.+]] = kiln.slice %[[X]] starts = [0, 1] ends = [2, 3] steps = [1, 1] : tensor<2x4xf32> -> tensor<2x2xf32>
// CHECK:         %[[R1:.+]] = kiln.slice %[[Y]] starts = [7] ends = [-1] steps = [-2] : tensor<8xi32> -> tensor<4xi32>
// CHECK:         %[[R2:.+]] = kiln.slice %[[Y]] starts = [7] ends = [-1] steps = [-1] : tensor<8xi32> -> tensor<8xi32>
// CHECK:         %[[R3:.+]] = kiln.slice %[[X]] starts = [1, 0] ends = [2, 4] steps = [1, 3] : tensor<2x4xf32> -> tensor<1x2xf32>
// CHECK:         %[[R4:.+]] = kiln.slice %[[D]] starts = [0, 6] ends = [2, 0] steps = [1, -3] : tensor<?x8xf32> -> tensor<2x2xf32>
// CHECK:         return %[[R0]], %[[R1]], %[[R2]], %[[R3]], %[[R4]]
func.func @slice(%x: tensor<2x4xf32>, %y: tensor<8xi32>, %d: tensor<?x8xf32>) -> (tensor<2x2xf32>, tensor<4xi32>, tensor<8xi32>, tensor<1x2xf32>, tensor<2x2xf32>) {
  %0 = kiln.slice %x starts = [0, 1] ends = [2, 3] steps = [1, 1] : tensor<2x4xf32> -> tensor<2x2xf32>
  %1 = kiln.slice %y starts = [7] ends = [-1] steps = [-2] : tensor<8xi32> -> tensor<4xi32>
  %2 = kiln.slice %y starts = [7] ends = [-1] steps = [-1] : tensor<8xi32> -> tensor<8xi32>
  %3 = kiln.slice %x starts = [1, 0] ends = [2, 4] steps = [1, 3] : tensor<2x4xf32> -> tensor<1x2xf32>
  %4 = kiln.slice %d starts = [0, 6] ends = [2, 0] steps = [1, -3] : tensor<?x8xf32> -> tensor<2x2xf32>
  return %0, %1, %2, %3, %4 : tensor<2x2xf32>, tensor<4xi32>, tensor<8xi32>, tensor<1x2xf32>, tensor<2x2xf32>
}

// -----

// CHECK-LABEL: func.func @gather(
// CHECK-SAME:    %[[T:.+]]: tensor<100x16xf32>, %[[I:.+]]: tensor<2x5xi64>, %[[J:.+]]: tensor<3xi32>)
// CHECK:         %[[R0:.+]] = kiln.gather %[[T]], %[[I]] axis = 0 : (tensor<100x16xf32>, tensor<2x5xi64>) -> tensor<2x5x16xf32>
// CHECK:         %[[R1:.+]] = kiln.gather %[[T]], %[[J]] axis = 1 : (tensor<100x16xf32>, tensor<3xi32>) -> tensor<100x3xf32>
// CHECK:         return %[[R0]], %[[R1]]
func.func @gather(%t: tensor<100x16xf32>, %i: tensor<2x5xi64>, %j: tensor<3xi32>) -> (tensor<2x5x16xf32>, tensor<100x3xf32>) {
  %0 = kiln.gather %t, %i axis = 0 : (tensor<100x16xf32>, tensor<2x5xi64>) -> tensor<2x5x16xf32>
  %1 = kiln.gather %t, %j axis = 1 : (tensor<100x16xf32>, tensor<3xi32>) -> tensor<100x3xf32>
  return %0, %1 : tensor<2x5x16xf32>, tensor<100x3xf32>
}

// -----

// The default mode (constant) and value (0.0) print elided.
// CHECK-LABEL: func.func @pad(
// CHECK-SAME:    %[[X:.+]]: tensor<2x3xf32>, %[[Y:.+]]: tensor<4xi8>)
// CHECK:         %[[R0:.+]] = kiln.pad %[[X]] pads = [0, 1, 0, 1] : tensor<2x3xf32> -> tensor<2x5xf32>
// CHECK:         %[[R1:.+]] = kiln.pad %[[X]] pads = [1, 1, 1, 1] {value = -1.000000e+00 : f64} : tensor<2x3xf32> -> tensor<4x5xf32>
// CHECK:         %[[R2:.+]] = kiln.pad %[[X]] pads = [1, 2, 1, 2] mode = edge : tensor<2x3xf32> -> tensor<4x7xf32>
// CHECK:         %[[R3:.+]] = kiln.pad %[[Y]] pads = [1, 2] mode = reflect : tensor<4xi8> -> tensor<7xi8>
// CHECK:         %[[R4:.+]] = kiln.pad %[[Y]] pads = [0, 1] : tensor<4xi8> -> tensor<5xi8>
// CHECK:         return %[[R0]], %[[R1]], %[[R2]], %[[R3]], %[[R4]]
func.func @pad(%x: tensor<2x3xf32>, %y: tensor<4xi8>) -> (tensor<2x5xf32>, tensor<4x5xf32>, tensor<4x7xf32>, tensor<7xi8>, tensor<5xi8>) {
  %0 = kiln.pad %x pads = [0, 1, 0, 1] : tensor<2x3xf32> -> tensor<2x5xf32>
  %1 = kiln.pad %x pads = [1, 1, 1, 1] mode = constant {value = -1.0 : f64} : tensor<2x3xf32> -> tensor<4x5xf32>
  %2 = kiln.pad %x pads = [1, 2, 1, 2] mode = edge : tensor<2x3xf32> -> tensor<4x7xf32>
  %3 = kiln.pad %y pads = [1, 2] mode = reflect : tensor<4xi8> -> tensor<7xi8>
  %4 = kiln.pad %y pads = [0, 1] {value = 0.0 : f64} : tensor<4xi8> -> tensor<5xi8>
  return %0, %1, %2, %3, %4 : tensor<2x5xf32>, tensor<4x5xf32>, tensor<4x7xf32>, tensor<7xi8>, tensor<5xi8>
}

// -----

// CHECK-LABEL: func.func @split(
// CHECK-SAME:    %[[X:.+]]: tensor<4x8xf32>, %[[Y:.+]]: tensor<?x6xi64>)
// CHECK:         %[[S0:.+]]:2 = kiln.split %[[X]] axis = 1 sizes = [2, 6] : tensor<4x8xf32> -> tensor<4x2xf32>, tensor<4x6xf32>
// CHECK:         %[[S1:.+]]:3 = kiln.split %[[Y]] axis = 1 sizes = [2, 2, 2] : tensor<?x6xi64> -> tensor<?x2xi64>, tensor<?x2xi64>, tensor<?x2xi64>
// CHECK:         %[[S2:.+]] = kiln.split %[[X]] axis = 0 sizes = [4] : tensor<4x8xf32> -> tensor<4x8xf32>
// CHECK:         return %[[S0]]#0, %[[S0]]#1, %[[S1]]#0, %[[S1]]#1, %[[S1]]#2, %[[S2]]
func.func @split(%x: tensor<4x8xf32>, %y: tensor<?x6xi64>) -> (tensor<4x2xf32>, tensor<4x6xf32>, tensor<?x2xi64>, tensor<?x2xi64>, tensor<?x2xi64>, tensor<4x8xf32>) {
  %0, %1 = kiln.split %x axis = 1 sizes = [2, 6] : tensor<4x8xf32> -> tensor<4x2xf32>, tensor<4x6xf32>
  %2:3 = kiln.split %y axis = 1 sizes = [2, 2, 2] : tensor<?x6xi64> -> tensor<?x2xi64>, tensor<?x2xi64>, tensor<?x2xi64>
  %3 = kiln.split %x axis = 0 sizes = [4] : tensor<4x8xf32> -> tensor<4x8xf32>
  return %0, %1, %2#0, %2#1, %2#2, %3 : tensor<4x2xf32>, tensor<4x6xf32>, tensor<?x2xi64>, tensor<?x2xi64>, tensor<?x2xi64>, tensor<4x8xf32>
}

// -----

// Inline dense values, splats, and a discardable attribute before the value.
// CHECK-LABEL: func.func @constant(
// CHECK:         %[[C0:.+]] = kiln.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK:         %[[C1:.+]] = kiln.constant dense<[1, -2, 3, 4]> : tensor<4xi32>
// CHECK:         %[[C2:.+]] = kiln.constant dense<5.000000e-01> : tensor<f16>
// CHECK:         %[[C3:.+]] = kiln.constant dense<[true, false, true]> : tensor<3xi1>
// CHECK:         %[[C4:.+]] = kiln.constant dense<1.500000e+00> : tensor<2x3xbf16>
// CHECK:         %[[C5:.+]] = kiln.constant {tag} dense<7> : tensor<2xi64>
// CHECK:         return %[[C0]], %[[C1]], %[[C2]], %[[C3]], %[[C4]], %[[C5]]
func.func @constant() -> (tensor<2x2xf32>, tensor<4xi32>, tensor<f16>, tensor<3xi1>, tensor<2x3xbf16>, tensor<2xi64>) {
  %0 = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %1 = kiln.constant dense<[1, -2, 3, 4]> : tensor<4xi32>
  %2 = kiln.constant dense<0.5> : tensor<f16>
  %3 = kiln.constant dense<[true, false, true]> : tensor<3xi1>
  %4 = kiln.constant dense<1.5> : tensor<2x3xbf16>
  %5 = kiln.constant {tag} dense<7> : tensor<2xi64>
  return %0, %1, %2, %3, %4, %5 : tensor<2x2xf32>, tensor<4xi32>, tensor<f16>, tensor<3xi1>, tensor<2x3xbf16>, tensor<2xi64>
}

// -----

// A resource blob survives the round trip, bytes included.
// CHECK-LABEL: func.func @constant_resource(
// CHECK:         %[[C:.+]] = kiln.constant dense_resource<blob> : tensor<2xf32>
// CHECK:         return %[[C]] : tensor<2xf32>
// CHECK:       dialect_resources: {
// CHECK-NEXT:    builtin: {
// CHECK-NEXT:      blob: "0x040000000000803F0000803F"
func.func @constant_resource() -> tensor<2xf32> {
  %0 = kiln.constant dense_resource<blob> : tensor<2xf32>
  return %0 : tensor<2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      blob: "0x040000000000803F0000803F"
    }
  }
#-}

// -----

// Integer storage reinterpreted as a quantized type, inline or from a blob.
// CHECK-LABEL: func.func @constant_quantized(
// CHECK:         %[[C0:.+]] = kiln.constant dense<[1, 2]> : tensor<2xi8> as tensor<2x!quant.uniform<i8:f32, 5.000000e-01>>
// CHECK:         %[[C1:.+]] = kiln.constant dense<3> : tensor<2x2xi8> as tensor<2x2x!quant.uniform<i8:f32:0, {1.000000e-01,2.000000e-01:1}>>
// CHECK:         %[[C2:.+]] = kiln.constant dense_resource<qblob> : tensor<2xi8> as tensor<2x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK:         return %[[C0]], %[[C1]], %[[C2]]
// CHECK:       qblob: "0x010000000102"
func.func @constant_quantized() -> (tensor<2x!quant.uniform<i8:f32, 0.5>>, tensor<2x2x!quant.uniform<i8:f32:0, {0.1, 0.2:1}>>, tensor<2x!quant.uniform<i8:f32, 0.5:-3>>) {
  %0 = kiln.constant dense<[1, 2]> : tensor<2xi8> as tensor<2x!quant.uniform<i8:f32, 0.5>>
  %1 = kiln.constant dense<3> : tensor<2x2xi8> as tensor<2x2x!quant.uniform<i8:f32:0, {0.1, 0.2:1}>>
  %2 = kiln.constant dense_resource<qblob> : tensor<2xi8> as tensor<2x!quant.uniform<i8:f32, 0.5:-3>>
  return %0, %1, %2 : tensor<2x!quant.uniform<i8:f32, 0.5>>, tensor<2x2x!quant.uniform<i8:f32:0, {0.1, 0.2:1}>>, tensor<2x!quant.uniform<i8:f32, 0.5:-3>>
}

{-#
  dialect_resources: {
    builtin: {
      qblob: "0x010000000102"
    }
  }
#-}

// -----

// CHECK-LABEL: func.func @quantize_per_tensor(
// CHECK-SAME:    %[[X:.+]]: tensor<4xf32>)
// CHECK:         %[[Q:.+]] = kiln.quantize %[[X]] : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 1.000000e-01:-3>>
// CHECK:         %[[D:.+]] = kiln.dequantize %[[Q]] : tensor<4x!quant.uniform<i8:f32, 1.000000e-01:-3>> to tensor<4xf32>
// CHECK:         return %[[D]] : tensor<4xf32>
func.func @quantize_per_tensor(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.quantize %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.1:-3>>
  %1 = kiln.dequantize %0 : tensor<4x!quant.uniform<i8:f32, 0.1:-3>> to tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// One scale (and zero point) per element of the quantized dim.
// CHECK-LABEL: func.func @quantize_per_axis(
// CHECK-SAME:    %[[X:.+]]: tensor<2x3xf32>, %[[H:.+]]: tensor<?x3xf16>)
// CHECK:         %[[Q0:.+]] = kiln.quantize %[[X]] : tensor<2x3xf32> to tensor<2x3x!quant.uniform<i8:f32:0, {1.000000e-01,2.000000e-01}>>
// CHECK:         %[[D0:.+]] = kiln.dequantize %[[Q0]] : tensor<2x3x!quant.uniform<i8:f32:0, {1.000000e-01,2.000000e-01}>> to tensor<2x3xf32>
// CHECK:         %[[Q1:.+]] = kiln.quantize %[[H]] : tensor<?x3xf16> to tensor<?x3x!quant.uniform<i8:f16:1, {1.000000e-01:1,2.000000e-01:2,3.000000e-01:-3}>>
// CHECK:         %[[D1:.+]] = kiln.dequantize %[[Q1]] : tensor<?x3x!quant.uniform<i8:f16:1, {1.000000e-01:1,2.000000e-01:2,3.000000e-01:-3}>> to tensor<?x3xf16>
// CHECK:         return %[[D0]], %[[D1]]
func.func @quantize_per_axis(%x: tensor<2x3xf32>, %h: tensor<?x3xf16>) -> (tensor<2x3xf32>, tensor<?x3xf16>) {
  %0 = kiln.quantize %x : tensor<2x3xf32> to tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  %1 = kiln.dequantize %0 : tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>> to tensor<2x3xf32>
  %2 = kiln.quantize %h : tensor<?x3xf16> to tensor<?x3x!quant.uniform<i8:f16:1, {0.1:1, 0.2:2, 0.3:-3}>>
  %3 = kiln.dequantize %2 : tensor<?x3x!quant.uniform<i8:f16:1, {0.1:1, 0.2:2, 0.3:-3}>> to tensor<?x3xf16>
  return %1, %3 : tensor<2x3xf32>, tensor<?x3xf16>
}
