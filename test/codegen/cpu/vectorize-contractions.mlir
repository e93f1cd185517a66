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

// A packed contraction (kiln-cpu-pack-contractions): B in panels Bp[n0, k, 32], C the
// output seen through expand_shape. The panel copy is tiled to 8 rows of a panel, the
// contraction to [8 rows, 1 panel, k 1] register tiles with the panel loop outside the
// row loop; the accumulator (a view, which upstream hoisting refuses) is hoisted into
// iter_args by kiln's own hoisting, and the k loop holds only reads and FMAs.
// CHECK-LABEL: func.func @packed(
// CHECK:         scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK:           scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK:             vector.transfer_read {{.+}} vector<8x1x32xf32>
// CHECK:             vector.transfer_write {{.+}} vector<1x8x32xf32>
// CHECK:         scf.for %[[P:.+]] = %c0 to %c8 step %c1 {
// CHECK:           scf.for %[[M:.+]] = %c0 to %c128 step %c8 {
// CHECK:             %[[ACC:.+]] = vector.transfer_read {{.+}} vector<8x1x32xf32>
// CHECK:             %[[R:.+]] = scf.for {{.+}} iter_args(%{{.+}} = %[[ACC]]) -> (vector<8x1x32xf32>) {
// CHECK-NOT:           vector.transfer_write
// CHECK-COUNT-32:      vector.fma {{.+}} : vector<32xf32>
// CHECK-NOT:           vector.transfer_write
// CHECK:               scf.yield
// CHECK:             vector.transfer_write %[[R]]
func.func @packed(%a: memref<128x64xf32>, %b: memref<64x256xf32>, %c: memref<128x256xf32>) attributes {kiln.kernel} {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<128x256xf32>)
  %b3 = memref.expand_shape %b [[0], [1, 2]] output_shape [64, 8, 32] : memref<64x256xf32> into memref<64x8x32xf32>
  %bp = memref.alloc() : memref<8x64x32xf32>
  linalg.transpose ins(%b3 : memref<64x8x32xf32>) outs(%bp : memref<8x64x32xf32>) permutation = [1, 0, 2]
  %c3 = memref.expand_shape %c [[0], [1, 2]] output_shape [128, 8, 32] : memref<128x256xf32> into memref<128x8x32xf32>
  linalg.contract indexing_maps = [affine_map<(m, n0, n1, k) -> (m, k)>, affine_map<(m, n0, n1, k) -> (n0, k, n1)>, affine_map<(m, n0, n1, k) -> (m, n0, n1)>] ins(%a, %bp : memref<128x64xf32>, memref<8x64x32xf32>) outs(%c3 : memref<128x8x32xf32>)
  memref.dealloc %bp : memref<8x64x32xf32>
  return
}

// A fused group's epilogue in a packed kernel reads the accumulator temporary: it is
// register-tiled like the fills (kiln.epilogue), never vectorized whole (which would be
// one vector<128x256xf32>).
// CHECK-LABEL: func.func @packed_epilogue(
// CHECK:         scf.for
// CHECK:           arith.maximumf %{{.+}}, %{{.+}} : vector<8x32xf32>
// CHECK-NOT:     vector<128x256xf32>
func.func @packed_epilogue(%a: memref<128x64xf32>, %bp: memref<8x64x32xf32>, %out: memref<128x256xf32>) attributes {kiln.kernel} {
  %z = arith.constant 0.0 : f32
  %t = memref.alloc() : memref<128x256xf32>
  linalg.fill ins(%z : f32) outs(%t : memref<128x256xf32>)
  %t3 = memref.expand_shape %t [[0], [1, 2]] output_shape [128, 8, 32] : memref<128x256xf32> into memref<128x8x32xf32>
  linalg.contract indexing_maps = [affine_map<(m, n0, n1, k) -> (m, k)>, affine_map<(m, n0, n1, k) -> (n0, k, n1)>, affine_map<(m, n0, n1, k) -> (m, n0, n1)>] ins(%a, %bp : memref<128x64xf32>, memref<8x64x32xf32>) outs(%t3 : memref<128x8x32xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%t : memref<128x256xf32>) outs(%out : memref<128x256xf32>) {
  ^bb0(%in: f32, %o: f32):
    %c0 = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %c0 : f32
    linalg.yield %m : f32
  }
  memref.dealloc %t : memref<128x256xf32>
  return
}

// An epilogue over 112 columns (a work item of a 28 x 28 map, 7 panels of 16) is tiled
// to 16 columns, and the bias broadcast initializing the accumulator too: 32-column
// tiles would leave a partial tile at each row's end that stays scalar.
// CHECK-LABEL: func.func @epilogue_112(
// CHECK-NOT:     arith.maximumf %{{.+}}, %{{.+}} : f32
// CHECK:         vector.transfer_write {{.+}} : vector<8x16xf32>, memref<8x16xf32, strided<[112, 1]
// CHECK:         arith.maximumf %{{.+}}, %{{.+}} : vector<8x16xf32>
// CHECK-NEXT:    vector.transfer_write {{.+}} : vector<8x16xf32>, memref<8x16xf32, strided<[112, 1]
// CHECK-NOT:     arith.maximumf %{{.+}}, %{{.+}} : f32
func.func @epilogue_112(%a: memref<16x64xf32>, %bp: memref<7x64x16xf32>, %bias: memref<16xf32>, %out: memref<16x112xf32>) attributes {kiln.kernel} {
  %t = memref.alloc() : memref<16x112xf32>
  linalg.broadcast ins(%bias : memref<16xf32>) outs(%t : memref<16x112xf32>) dimensions = [1]
  %t3 = memref.expand_shape %t [[0], [1, 2]] output_shape [16, 7, 16] : memref<16x112xf32> into memref<16x7x16xf32>
  linalg.contract indexing_maps = [affine_map<(m, n0, n1, k) -> (m, k)>, affine_map<(m, n0, n1, k) -> (n0, k, n1)>, affine_map<(m, n0, n1, k) -> (m, n0, n1)>] ins(%a, %bp : memref<16x64xf32>, memref<7x64x16xf32>) outs(%t3 : memref<16x7x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%t : memref<16x112xf32>) outs(%out : memref<16x112xf32>) {
  ^bb0(%in: f32, %o: f32):
    %c0 = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %c0 : f32
    linalg.yield %m : f32
  }
  memref.dealloc %t : memref<16x112xf32>
  return
}

// An epilogue over 49 columns (a 7 x 7 map) that no register width divides: whole rows
// of 49, one vector each (LLVM splits it into registers and a masked tail).
// CHECK-LABEL: func.func @epilogue_49(
// CHECK-NOT:     arith.maximumf %{{.+}}, %{{.+}} : f32
// CHECK:         arith.maximumf %{{.+}}, %{{.+}} : vector<8x49xf32>
// CHECK-NOT:     arith.maximumf %{{.+}}, %{{.+}} : f32
func.func @epilogue_49(%acc: memref<16x49xf32>, %out: memref<16x49xf32>, %a: memref<16x64xf32>, %bp: memref<2x64x32xf32>) attributes {kiln.kernel} {
  %t = memref.alloc() : memref<16x64xf32>
  %t3 = memref.expand_shape %t [[0], [1, 2]] output_shape [16, 2, 32] : memref<16x64xf32> into memref<16x2x32xf32>
  linalg.contract indexing_maps = [affine_map<(m, n0, n1, k) -> (m, k)>, affine_map<(m, n0, n1, k) -> (n0, k, n1)>, affine_map<(m, n0, n1, k) -> (m, n0, n1)>] ins(%a, %bp : memref<16x64xf32>, memref<2x64x32xf32>) outs(%t3 : memref<16x2x32xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%acc : memref<16x49xf32>) outs(%out : memref<16x49xf32>) {
  ^bb0(%in: f32, %o: f32):
    %c0 = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %c0 : f32
    linalg.yield %m : f32
  }
  memref.dealloc %t : memref<16x64xf32>
  return
}
