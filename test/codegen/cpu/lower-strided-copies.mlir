// RUN: kiln-opt %s --kiln-cpu-lower-strided-copies --split-input-file | FileCheck %s
// A copy through a strided view becomes linalg.copy (loops later); a contiguous copy
// stays memref.copy (llvm.memcpy), since neither needs MLIR's C runner library.

// CHECK-LABEL: func.func @strided(
// CHECK:         linalg.copy ins(%{{.+}} : memref<4x4xf32>) outs(%{{.+}} : memref<4x4xf32, strided<[6, 1], offset: 7>>)
// CHECK-NOT:     memref.copy
func.func @strided(%a: memref<4x4xf32>, %b: memref<4x4xf32, strided<[6, 1], offset: 7>>) {
  memref.copy %a, %b : memref<4x4xf32> to memref<4x4xf32, strided<[6, 1], offset: 7>>
  return
}

// -----

// CHECK-LABEL: func.func @contiguous(
// CHECK:         memref.copy
// CHECK-NOT:     linalg.copy
func.func @contiguous(%a: memref<4x4xf32>, %b: memref<4x4xf32>) {
  memref.copy %a, %b : memref<4x4xf32> to memref<4x4xf32>
  return
}
