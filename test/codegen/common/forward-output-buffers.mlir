// RUN: kiln-opt %s --kiln-forward-output-buffers --split-input-file | FileCheck %s
// A temporary copied (through a reshape) into an out-param becomes a view of it.

// CHECK-LABEL: func.func @k(
// CHECK-SAME:      %[[A:.+]]: memref<16x64xf32>, %[[OUT:.+]]: memref<1x16x64xf32>)
// CHECK-NEXT:    %[[Z:.+]] = arith.constant
// CHECK-NEXT:    %[[V:.+]] = memref.collapse_shape %[[OUT]] {{\[\[}}0, 1], [2]] : memref<1x16x64xf32> into memref<16x64xf32>
// CHECK-NEXT:    linalg.fill ins(%[[Z]] : f32) outs(%[[V]] : memref<16x64xf32>)
// CHECK-NOT:     memref.alloc
// CHECK-NOT:     memref.copy
func.func @k(%a: memref<16x64xf32>, %out: memref<1x16x64xf32>) attributes {kiln.kernel} {
  %z = arith.constant 0.0 : f32
  %t = memref.alloc() : memref<16x64xf32>
  linalg.fill ins(%z : f32) outs(%t : memref<16x64xf32>)
  %e = memref.expand_shape %t [[0, 1], [2]] output_shape [1, 16, 64] : memref<16x64xf32> into memref<1x16x64xf32>
  memref.copy %e, %out : memref<1x16x64xf32> to memref<1x16x64xf32>
  return
}

// -----

// The temporary is read after the copy: it must stay.
// CHECK-LABEL: func.func @used_after(
// CHECK:         memref.alloc
// CHECK:         memref.copy
func.func @used_after(%out: memref<4xf32>, %out2: memref<4xf32>) attributes {kiln.kernel} {
  %z = arith.constant 0.0 : f32
  %t = memref.alloc() : memref<4xf32>
  linalg.fill ins(%z : f32) outs(%t : memref<4xf32>)
  memref.copy %t, %out : memref<4xf32> to memref<4xf32>
  linalg.copy ins(%t : memref<4xf32>) outs(%out2 : memref<4xf32>)
  return
}

// -----

// The temporary is written inside a work-item loop (a fused conv epilogue tiled over
// output rows): the nested writers count at the loop's position, before the copy.
// CHECK-LABEL: func.func @nested_writer(
// CHECK-SAME:      %[[OUT:.+]]: memref<1x8x2x2xf32>)
// CHECK:         %[[V:.+]] = memref.collapse_shape %[[OUT]] {{\[\[}}0, 1], [2, 3]] : memref<1x8x2x2xf32> into memref<8x4xf32>
// CHECK:         scf.forall
// CHECK:           memref.subview %[[V]]
// CHECK-NOT:     memref.copy
func.func @nested_writer(%out: memref<1x8x2x2xf32>) attributes {kiln.kernel} {
  %z = arith.constant 0.0 : f32
  %t = memref.alloc() : memref<8x4xf32>
  scf.forall (%i) = (0) to (8) step (4) {
    // Ops ahead of the writer inside the loop (a real tile has many): comparing block
    // positions across blocks, as the pass once did, put it after the copy.
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c3 = arith.constant 3 : index
    %c5 = arith.constant 5 : index
    %c6 = arith.constant 6 : index
    %s = memref.subview %t[%i, 0] [4, 4] [1, 1] : memref<8x4xf32> to memref<4x4xf32, strided<[4, 1], offset: ?>>
    linalg.fill ins(%z : f32) outs(%s : memref<4x4xf32, strided<[4, 1], offset: ?>>)
  }
  %e = memref.expand_shape %t [[0, 1], [2, 3]] output_shape [1, 8, 2, 2] : memref<8x4xf32> into memref<1x8x2x2xf32>
  memref.copy %e, %out : memref<1x8x2x2xf32> to memref<1x8x2x2xf32>
  return
}
