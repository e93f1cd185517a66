// RUN: kiln-opt %s --kiln-lower-to-linalg --split-input-file | FileCheck %s
// constant, reshape, transpose, broadcast_to, concat, slice, gather, pad and split -> arith / tensor / linalg.

// CHECK-LABEL: func.func @constant_dense(
// CHECK: %[[C:.+]] = arith.constant dense<[1.500000e+00, -2.000000e+00]> : tensor<2xf32>
// CHECK: return %[[C]]
func.func @constant_dense() -> tensor<2xf32> {
  %0 = kiln.constant dense<[1.5, -2.0]> : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// A quantized constant keeps its storage values, typed with the storage type.
// CHECK-LABEL: func.func @constant_quantized(
// CHECK-SAME: -> tensor<4xi8>
// CHECK: arith.constant dense<[-128, -1, 0, 127]> : tensor<4xi8>
func.func @constant_quantized() -> tensor<4x!quant.uniform<u8:f32, 0.5:100>> {
  %0 = kiln.constant dense<[-128, -1, 0, 127]> : tensor<4xi8> as tensor<4x!quant.uniform<u8:f32, 0.5:100>>
  return %0 : tensor<4x!quant.uniform<u8:f32, 0.5:100>>
}

// -----

// A dense_resource constant keeps its blob; ui8 is retyped to i8.
// CHECK-LABEL: func.func @constant_resource_ui8(
// CHECK: arith.constant dense_resource<blob_u8> : tensor<4xi8>
// CHECK: blob_u8: "0x01000000FF80017F"
func.func @constant_resource_ui8() -> tensor<4xui8> {
  %0 = kiln.constant dense_resource<blob_u8> : tensor<4xui8>
  return %0 : tensor<4xui8>
}
{-#
  dialect_resources: {
    builtin: {
      blob_u8: "0x01000000FF80017F"
    }
  }
#-}

// -----

// CHECK-LABEL: func.func @reshape_collapse_expand(
// CHECK: tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0], [1, 2]] output_shape [6, 2, 2] : tensor<6x4xf32> into tensor<6x2x2xf32>
func.func @reshape_collapse_expand(%x: tensor<2x3x4xf32>, %y: tensor<6x4xf32>) -> (tensor<6x4xf32>, tensor<6x2x2xf32>) {
  %0 = kiln.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %1 = kiln.reshape %y : tensor<6x4xf32> -> tensor<6x2x2xf32>
  return %0, %1 : tensor<6x4xf32>, tensor<6x2x2xf32>
}

// -----

// Neither a collapse nor an expansion: through the flat vector.
// CHECK-LABEL: func.func @reshape_general(
// CHECK: %[[F:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1]] : tensor<2x3xf32> into tensor<6xf32>
// CHECK: tensor.expand_shape %[[F]] {{\[}}[0, 1]] output_shape [3, 2] : tensor<6xf32> into tensor<3x2xf32>
func.func @reshape_general(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %0 = kiln.reshape %x : tensor<2x3xf32> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_rank0(
// CHECK: tensor.collapse_shape %{{.+}} [] : tensor<1x1xf32> into tensor<f32>
// CHECK: tensor.expand_shape %{{.+}} [] output_shape [1] : tensor<f32> into tensor<1xf32>
func.func @reshape_rank0(%x: tensor<1x1xf32>, %y: tensor<f32>) -> (tensor<f32>, tensor<1xf32>) {
  %0 = kiln.reshape %x : tensor<1x1xf32> -> tensor<f32>
  %1 = kiln.reshape %y : tensor<f32> -> tensor<1xf32>
  return %0, %1 : tensor<f32>, tensor<1xf32>
}

// -----

// CHECK-LABEL: func.func @transpose(
// CHECK-SAME: %[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[E:.+]] = tensor.empty() : tensor<4x2x3xf32>
// CHECK: linalg.transpose ins(%[[X]] : tensor<2x3x4xf32>) outs(%[[E]] : tensor<4x2x3xf32>) permutation = [2, 0, 1]
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = kiln.transpose %x permutation = [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// -----

// Stretched unit dims are collapsed first: linalg.broadcast only adds dims.
// CHECK-LABEL: func.func @broadcast_to(
// CHECK: %[[C:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0], [1, 2, 3]] : tensor<2x1x3x1xi16> into tensor<2x3xi16>
// CHECK: %[[E:.+]] = tensor.empty() : tensor<5x2x4x3x6xi16>
// CHECK: linalg.broadcast ins(%[[C]] : tensor<2x3xi16>) outs(%[[E]] : tensor<5x2x4x3x6xi16>) dimensions = [0, 2, 4]
func.func @broadcast_to(%x: tensor<2x1x3x1xi16>) -> tensor<5x2x4x3x6xi16> {
  %0 = kiln.broadcast_to %x : tensor<2x1x3x1xi16> -> tensor<5x2x4x3x6xi16>
  return %0 : tensor<5x2x4x3x6xi16>
}

// -----

// Nothing to broadcast: must not emit anything.
// CHECK-LABEL: func.func @broadcast_to_same(
// CHECK-SAME: %[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: linalg
// CHECK: return %[[X]]
func.func @broadcast_to_same(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = kiln.broadcast_to %x : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// concat: insert_slice at running offsets along the axis; empty inputs are skipped.
// CHECK-LABEL: func.func @concat(
// CHECK-SAME: %[[A:.*]]: tensor<2x1x3xf32>, %[[B:.*]]: tensor<2x0x3xf32>, %[[C:.*]]: tensor<2x2x3xf32>)
// CHECK: %[[E:.+]] = tensor.empty() : tensor<2x3x3xf32>
// CHECK: %[[I0:.+]] = tensor.insert_slice %[[A]] into %[[E]][0, 0, 0] [2, 1, 3] [1, 1, 1]
// CHECK-NOT: %[[B]]
// CHECK: %[[I1:.+]] = tensor.insert_slice %[[C]] into %[[I0]][0, 1, 0] [2, 2, 3] [1, 1, 1]
// CHECK: return %[[I1]]
func.func @concat(%a: tensor<2x1x3xf32>, %b: tensor<2x0x3xf32>, %c: tensor<2x2x3xf32>) -> tensor<2x3x3xf32> {
  %0 = kiln.concat %a, %b, %c axis = 1 : (tensor<2x1x3xf32>, tensor<2x0x3xf32>, tensor<2x2x3xf32>) -> tensor<2x3x3xf32>
  return %0 : tensor<2x3x3xf32>
}

// -----

// CHECK-LABEL: func.func @slice_steps(
// CHECK: tensor.extract_slice %{{.+}}[1, 0] [2, 3] [2, 3] : tensor<6x7xf32> to tensor<2x3xf32>
func.func @slice_steps(%x: tensor<6x7xf32>) -> tensor<2x3xf32> {
  %0 = kiln.slice %x starts = [1, 0] ends = [5, 7] steps = [2, 3] : tensor<6x7xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Negative steps: a copy through the affine map start + step * i.
// CHECK-DAG: #[[$REV:.+]] = affine_map<(d0, d1) -> (-d0 + 5, d1 * -3 + 6)>
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @slice_reverse(
// CHECK: linalg.generic {indexing_maps = [#[[$REV]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%{{.+}} : tensor<6x7xi32>) outs(%{{.+}} : tensor<6x3xi32>)
// CHECK: ^bb0(%[[V:.+]]: i32, %{{.+}}: i32):
// CHECK: linalg.yield %[[V]] : i32
func.func @slice_reverse(%x: tensor<6x7xi32>) -> tensor<6x3xi32> {
  %0 = kiln.slice %x starts = [5, 6] ends = [-1, -1] steps = [-1, -3] : tensor<6x7xi32> -> tensor<6x3xi32>
  return %0 : tensor<6x3xi32>
}

// -----

// gather: a generic over the result reading the indices; the index is normalized
// (k < 0 ? k + dim : k), clamped to [0, dim - 1] and used by tensor.extract.
// CHECK-DAG: #[[$IDX:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @gather(
// CHECK-SAME: %[[D:.*]]: tensor<5x3xf32>, %[[I:.*]]: tensor<2x3xi64>)
// CHECK: linalg.generic {indexing_maps = [#[[$IDX]], #[[$ID]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[I]] : tensor<2x3xi64>) outs(%{{.+}} : tensor<2x3x3xf32>)
// CHECK: ^bb0(%[[K:.+]]: i64, %{{.+}}: f32):
// CHECK: %[[KI:.+]] = arith.index_cast %[[K]] : i64 to index
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[DIM:.+]] = arith.constant 5 : index
// CHECK-DAG: %[[LAST:.+]] = arith.constant 4 : index
// CHECK: %[[NEG:.+]] = arith.cmpi slt, %[[KI]], %[[ZERO]] : index
// CHECK: %[[WRAP:.+]] = arith.addi %[[KI]], %[[DIM]] : index
// CHECK: %[[N:.+]] = arith.select %[[NEG]], %[[WRAP]], %[[KI]] : index
// CHECK: %[[LO:.+]] = arith.maxsi %[[N]], %[[ZERO]] : index
// CHECK: %[[C:.+]] = arith.minsi %[[LO]], %[[LAST]] : index
// CHECK: %[[J:.+]] = linalg.index 2 : index
// CHECK: %[[V:.+]] = tensor.extract %[[D]][%[[C]], %[[J]]] : tensor<5x3xf32>
// CHECK: linalg.yield %[[V]] : f32
func.func @gather(%d: tensor<5x3xf32>, %i: tensor<2x3xi64>) -> tensor<2x3x3xf32> {
  %0 = kiln.gather %d, %i axis = 0 : (tensor<5x3xf32>, tensor<2x3xi64>) -> tensor<2x3x3xf32>
  return %0 : tensor<2x3x3xf32>
}

// -----

// Inner axis with i32 indices: leading dims come from linalg.index.
// CHECK-LABEL: func.func @gather_axis1(
// CHECK: arith.index_cast %{{.+}} : i32 to index
// CHECK: %[[O:.+]] = linalg.index 0 : index
// CHECK: %[[P:.+]] = linalg.index 2 : index
// CHECK: tensor.extract %{{.+}}[%[[O]], %{{.+}}, %[[P]]] : tensor<2x4x3xi8>
func.func @gather_axis1(%d: tensor<2x4x3xi8>, %i: tensor<4xi32>) -> tensor<2x4x3xi8> {
  %0 = kiln.gather %d, %i axis = 1 : (tensor<2x4x3xi8>, tensor<4xi32>) -> tensor<2x4x3xi8>
  return %0 : tensor<2x4x3xi8>
}

// -----

// Constant padding: tensor.pad with [begin...] as low and [end...] as high.
// CHECK-LABEL: func.func @pad_constant(
// CHECK: %[[V:.+]] = arith.constant 1.500000e+00 : f32
// CHECK: tensor.pad %{{.+}} low[0, 1] high[1, 2]
// CHECK: tensor.yield %[[V]] : f32
// CHECK: } : tensor<2x3xf32> to tensor<3x6xf32>
func.func @pad_constant(%x: tensor<2x3xf32>) -> tensor<3x6xf32> {
  %0 = kiln.pad %x pads = [0, 1, 1, 2] {value = 1.5 : f64} : tensor<2x3xf32> -> tensor<3x6xf32>
  return %0 : tensor<3x6xf32>
}

// -----

// An integer pad value is truncated and wrapped as the interpreter stores it:
// 300.7 -> 300 -> 44 (mod 256).
// CHECK-LABEL: func.func @pad_constant_i8(
// CHECK: %[[V:.+]] = arith.constant 44 : i8
// CHECK: tensor.yield %[[V]] : i8
func.func @pad_constant_i8(%x: tensor<2x3xi8>) -> tensor<4x3xi8> {
  %0 = kiln.pad %x pads = [1, 0, 1, 0] {value = 300.7 : f64} : tensor<2x3xi8> -> tensor<4x3xi8>
  return %0 : tensor<4x3xi8>
}

// -----

// Reflect: j = i - before, m = ((j mod p) + p) mod p with p = 2 (dim - 1),
// source = m < dim ? m : p - m.
// CHECK-LABEL: func.func @pad_reflect(
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.+}} : tensor<7x4xf32>)
// CHECK: %[[I:.+]] = linalg.index 0 : index
// CHECK: %[[B:.+]] = arith.constant 2 : index
// CHECK: %[[J:.+]] = arith.subi %[[I]], %[[B]] : index
// CHECK: %[[P:.+]] = arith.constant 4 : index
// CHECK: %[[M0:.+]] = arith.remsi %[[J]], %[[P]] : index
// CHECK: %[[M1:.+]] = arith.addi %[[M0]], %[[P]] : index
// CHECK: %[[M:.+]] = arith.remsi %[[M1]], %[[P]] : index
// CHECK: %[[DIM:.+]] = arith.constant 3 : index
// CHECK: %[[IN:.+]] = arith.cmpi slt, %[[M]], %[[DIM]] : index
// CHECK: %[[MIR:.+]] = arith.subi %[[P]], %[[M]] : index
// CHECK: %[[S:.+]] = arith.select %[[IN]], %[[M]], %[[MIR]] : index
// CHECK: %[[K:.+]] = linalg.index 1 : index
// CHECK: tensor.extract %{{.+}}[%[[S]], %[[K]]] : tensor<3x4xf32>
func.func @pad_reflect(%x: tensor<3x4xf32>) -> tensor<7x4xf32> {
  %0 = kiln.pad %x pads = [2, 0, 2, 0] mode = reflect : tensor<3x4xf32> -> tensor<7x4xf32>
  return %0 : tensor<7x4xf32>
}

// -----

// Edge: source = clamp(i - before, 0, dim - 1).
// CHECK-LABEL: func.func @pad_edge(
// CHECK: %[[I:.+]] = linalg.index 0 : index
// CHECK: %[[J:.+]] = arith.subi %[[I]], %{{.+}} : index
// CHECK: %[[LO:.+]] = arith.maxsi %[[J]], %{{.+}} : index
// CHECK: arith.minsi %[[LO]], %{{.+}} : index
// CHECK: tensor.extract
func.func @pad_edge(%x: tensor<3x4xi32>) -> tensor<8x5xi32> {
  %0 = kiln.pad %x pads = [4, 0, 1, 1] mode = edge : tensor<3x4xi32> -> tensor<8x5xi32>
  return %0 : tensor<8x5xi32>
}

// -----

// CHECK-LABEL: func.func @split(
// CHECK-SAME: %[[X:.*]]: tensor<2x7xf32>)
// CHECK: %[[A:.+]] = tensor.extract_slice %[[X]][0, 0] [2, 2] [1, 1] : tensor<2x7xf32> to tensor<2x2xf32>
// CHECK: %[[B:.+]] = tensor.extract_slice %[[X]][0, 2] [2, 5] [1, 1] : tensor<2x7xf32> to tensor<2x5xf32>
// CHECK: return %[[A]], %[[B]]
func.func @split(%x: tensor<2x7xf32>) -> (tensor<2x2xf32>, tensor<2x5xf32>) {
  %0, %1 = kiln.split %x axis = 1 sizes = [2, 5] : tensor<2x7xf32> -> tensor<2x2xf32>, tensor<2x5xf32>
  return %0, %1 : tensor<2x2xf32>, tensor<2x5xf32>
}

// -----

// Data movement of quantized tensors works on the storage type.
// CHECK-LABEL: func.func @split_quantized(
// CHECK-SAME: %{{.*}}: tensor<4x3xi8>) -> (tensor<1x3xi8>, tensor<3x3xi8>)
// CHECK: tensor.extract_slice %{{.+}}[0, 0] [1, 3] [1, 1] : tensor<4x3xi8> to tensor<1x3xi8>
// CHECK: tensor.extract_slice %{{.+}}[1, 0] [3, 3] [1, 1] : tensor<4x3xi8> to tensor<3x3xi8>
func.func @split_quantized(%x: tensor<4x3x!quant.uniform<i8:f32, 0.5>>) -> (tensor<1x3x!quant.uniform<i8:f32, 0.5>>, tensor<3x3x!quant.uniform<i8:f32, 0.5>>) {
  %0, %1 = kiln.split %x axis = 0 sizes = [1, 3] : tensor<4x3x!quant.uniform<i8:f32, 0.5>> -> tensor<1x3x!quant.uniform<i8:f32, 0.5>>, tensor<3x3x!quant.uniform<i8:f32, 0.5>>
  return %0, %1 : tensor<1x3x!quant.uniform<i8:f32, 0.5>>, tensor<3x3x!quant.uniform<i8:f32, 0.5>>
}
