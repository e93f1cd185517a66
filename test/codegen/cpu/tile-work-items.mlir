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

// -----

// A fused conv group: matmul, its NCHW expand_shape, residual add and relu. The
// epilogue is merged into one generic, collapsed back to the matmul's 2-D shape (the
// expand_shape moves after the forall) and tiled like the matmul (all 64 rows x 224
// pixels), so the fill and matmul fuse into each work item and the epilogue reads the
// tile it produced.
// CHECK-LABEL: func.func @conv_epilogue(
// CHECK:         %[[R:.+]] = tensor.collapse_shape %{{.+}} {{\[\[}}0, 1], [2, 3]] : tensor<1x64x56x56xf32> into tensor<64x3136xf32>
// CHECK:         %[[F:.+]] = scf.forall (%{{.+}}, %{{.+}}) = (0, 0) to (64, 3136) step (64, 224)
// CHECK:           linalg.fill
// CHECK:           %[[M:.+]] = linalg.matmul {{.+}} -> tensor<64x224xf32>
// CHECK:           linalg.generic {{.+}} ins(%[[M]], %{{.+}} : tensor<64x224xf32>, tensor<64x224xf32>)
// CHECK:             arith.addf
// CHECK:             arith.maximumf
// CHECK:         tensor.expand_shape %[[F]] {{\[\[}}0, 1], [2, 3]] output_shape [1, 64, 56, 56]
func.func @conv_epilogue(%w: tensor<64x576xf32>, %col: tensor<576x3136xf32>, %r: tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32> attributes {kiln.kernel} {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x3136xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<64x3136xf32>) -> tensor<64x3136xf32>
  %m = linalg.matmul ins(%w, %col : tensor<64x576xf32>, tensor<576x3136xf32>) outs(%f : tensor<64x3136xf32>) -> tensor<64x3136xf32>
  %x = tensor.expand_shape %m [[0, 1], [2, 3]] output_shape [1, 64, 56, 56] : tensor<64x3136xf32> into tensor<1x64x56x56xf32>
  %o = tensor.empty() : tensor<1x64x56x56xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %r : tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>) outs(%o : tensor<1x64x56x56xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %s = arith.addf %in, %in2 : f32
    linalg.yield %s : f32
  } -> tensor<1x64x56x56xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%a : tensor<1x64x56x56xf32>) outs(%o : tensor<1x64x56x56xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c0 = arith.constant 0.0 : f32
    %mx = arith.maximumf %in, %c0 : f32
    linalg.yield %mx : f32
  } -> tensor<1x64x56x56xf32>
  return %y : tensor<1x64x56x56xf32>
}

// -----

// Must not take the matmul's tiles: the epilogue reads the matmul result transposed, so
// its tiles are not the matmul's; it gets the element-count tiling of a generic.
// CHECK-LABEL: func.func @transposed_epilogue(
// CHECK:         scf.forall (%{{.+}}) = (0) to (512) step (128)
// CHECK:           linalg.matmul {{.+}} -> tensor<256x128xf32>
func.func @transposed_epilogue(%a: tensor<256x64xf32>, %b: tensor<64x512xf32>) -> tensor<512x256xf32> attributes {kiln.kernel} {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<256x512xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<256x512xf32>) -> tensor<256x512xf32>
  %m = linalg.matmul ins(%a, %b : tensor<256x64xf32>, tensor<64x512xf32>) outs(%f : tensor<256x512xf32>) -> tensor<256x512xf32>
  %o = tensor.empty() : tensor<512x256xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%m : tensor<256x512xf32>) outs(%o : tensor<512x256xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c0 = arith.constant 0.0 : f32
    %mx = arith.maximumf %in, %c0 : f32
    linalg.yield %mx : f32
  } -> tensor<512x256xf32>
  return %y : tensor<512x256xf32>
}
