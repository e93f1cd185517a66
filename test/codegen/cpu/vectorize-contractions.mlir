// RUN: kiln-opt %s --kiln-cpu-vectorize-contractions | FileCheck %s
// The register-blocked matmul schedule: 8 x 32 accumulator tiles of vector<32xf32> rows
// updated by FMAs, the k loop unrolled by 4, the accumulator hoisted out of it.

// CHECK-LABEL: func.func @mm(
// CHECK:         scf.for
// CHECK:           vector.transfer_read %{{.+}} : memref<256x512xf32>, vector<8x32xf32>
// CHECK:           scf.for {{.+}} iter_args(%{{.+}} = %{{.+}}) -> (vector<8x32xf32>)
// CHECK-COUNT-32:    vector.fma {{.+}} : vector<32xf32>
// CHECK:           vector.transfer_write
func.func @mm(%a: memref<256x64xf32>, %b: memref<64x512xf32>, %c: memref<256x512xf32>) attributes {kiln.kernel} {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<256x512xf32>)
  linalg.matmul ins(%a, %b : memref<256x64xf32>, memref<64x512xf32>) outs(%c : memref<256x512xf32>)
  return
}
