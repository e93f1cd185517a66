// RUN: kiln-opt %s --kiln-cpu-tile-work-items --split-input-file | FileCheck %s
// Each kernel's root op is tiled along parallel loops into an scf.forall with its
// producers fused in; small kernels and non-kernels are left alone.

// A matmul: 128 x 256 output tiles, the fill fused into the tile.
// CHECK-LABEL: func.func @mm(
// CHECK:         scf.forall (%{{.+}}, %{{.+}}) = (0, 0) to (256, 512) step (128, 256)
// CHECK:           linalg.fill
// CHECK:           linalg.matmul
// CHECK:           tensor.parallel_insert_slice
func.func @mm(%a: tensor<256x64xf32>, %b: tensor<64x512xf32>) -> tensor<256x512xf32> attributes {kiln.kernel} {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<256x512xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<256x512xf32>) -> tensor<256x512xf32>
  %m = linalg.matmul ins(%a, %b : tensor<256x64xf32>, tensor<64x512xf32>) outs(%f : tensor<256x512xf32>) -> tensor<256x512xf32>
  return %m : tensor<256x512xf32>
}

// -----

// A tall matmul: 512-row items still leave 8 of them, so each packs its B columns once
// per 512 rows instead of per 128.
// CHECK-LABEL: func.func @tall(
// CHECK:         scf.forall (%{{.+}}, %{{.+}}) = (0, 0) to (1024, 1024) step (512, 256)
func.func @tall(%a: tensor<1024x64xf32>, %b: tensor<64x1024xf32>, %c: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> attributes {kiln.kernel} {
  %m = linalg.matmul ins(%a, %b : tensor<1024x64xf32>, tensor<64x1024xf32>) outs(%c : tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
  return %m : tensor<1024x1024xf32>
}

// -----

// Elementwise over 64 x 4096: about one item per 32 Ki elements, from the outer dim.
// CHECK-LABEL: func.func @relu(
// CHECK:         scf.forall (%{{.+}}) = (0) to (64) step (8)
func.func @relu(%x: tensor<64x4096xf32>) -> tensor<64x4096xf32> attributes {kiln.kernel} {
  %e = tensor.empty() : tensor<64x4096xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<64x4096xf32>) outs(%e : tensor<64x4096xf32>) {
  ^bb0(%in: f32, %out: f32):
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %z : f32
    linalg.yield %m : f32
  } -> tensor<64x4096xf32>
  return %r : tensor<64x4096xf32>
}

// -----

// Too small to split, and not a kernel: unchanged.
// CHECK-LABEL: func.func @small(
// CHECK-NOT:     scf.forall
// CHECK-LABEL: func.func @not_a_kernel(
// CHECK-NOT:     scf.forall
func.func @small(%x: tensor<4x4xf32>) -> tensor<4x4xf32> attributes {kiln.kernel} {
  %e = tensor.empty() : tensor<4x4xf32>
  %r = linalg.copy ins(%x : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}
func.func @not_a_kernel(%x: tensor<64x4096xf32>) -> tensor<64x4096xf32> {
  %e = tensor.empty() : tensor<64x4096xf32>
  %r = linalg.copy ins(%x : tensor<64x4096xf32>) outs(%e : tensor<64x4096xf32>) -> tensor<64x4096xf32>
  return %r : tensor<64x4096xf32>
}
