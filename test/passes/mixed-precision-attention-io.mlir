// RUN: kiln-opt %s --split-input-file --kiln-mixed-precision="precision=bf16 keep-attention=true attention-io=true" | FileCheck %s
// RUN: kiln-opt %s --split-input-file --kiln-mixed-precision="precision=bf16 keep-attention=true attention-io=true" --kiln-fuse | FileCheck %s --check-prefix=FUSE
// RUN: kiln-opt %s --split-input-file --kiln-mixed-precision="precision=bf16 keep-attention=true" --kiln-fuse | FileCheck %s --check-prefix=NOIO
// --kiln-mixed-precision attention-io (the CUDA pipeline): an attention's Q, K and V are
// narrowed where they are produced and widened right where the attention reads them;
// kiln-fuse takes the widening casts into the attention group, and the narrowing of its
// result for the output projection, so the group reads and writes bf16.

// Q, K and V are column slices of one concatenated projection and its bias
// (kiln-fuse-siblings): the cast goes before the slices (the projection's epilogue then yields bf16 slices) and
// the f32 slices are gone.
// CHECK-LABEL: func.func @projected
// CHECK:         %[[M:.+]] = kiln.matmul %{{.+}}, %{{.+}} : (tensor<1x128x16xbf16>, tensor<16x48xbf16>) -> tensor<1x128x48xbf16>
// CHECK:         %[[MW:.+]] = kiln.cast %[[M]] : tensor<1x128x48xbf16> to tensor<1x128x48xf32>
// CHECK:         %[[Y:.+]] = kiln.add %[[MW]]
// CHECK-NEXT:    %[[YH:.+]] = kiln.cast %[[Y]] : tensor<1x128x48xf32> to tensor<1x128x48xbf16>
// CHECK-NOT:     kiln.slice %[[Y]]
// CHECK:         %[[Q:.+]] = kiln.slice %[[YH]] starts = [0, 0, 0] ends = [1, 128, 16] {{.+}} -> tensor<1x128x16xbf16>
// CHECK-NEXT:    %[[K:.+]] = kiln.slice %[[YH]] starts = [0, 0, 16]
// CHECK-NEXT:    %[[V:.+]] = kiln.slice %[[YH]] starts = [0, 0, 32]
// CHECK-NEXT:    %[[QR:.+]] = kiln.reshape %[[Q]] : tensor<1x128x16xbf16> -> tensor<1x128x1x16xbf16>
// CHECK-NEXT:    %[[KR:.+]] = kiln.reshape %[[K]]
// CHECK-NEXT:    %[[VR:.+]] = kiln.reshape %[[V]]
// CHECK-NEXT:    %[[QW:.+]] = kiln.cast %[[QR]] : tensor<1x128x1x16xbf16> to tensor<1x128x1x16xf32>
// CHECK-NEXT:    kiln.transpose %[[QW]]
// CHECK-NEXT:    %[[KW:.+]] = kiln.cast %[[KR]] : tensor<1x128x1x16xbf16> to tensor<1x128x1x16xf32>
// CHECK-NEXT:    kiln.transpose %[[KW]]
// CHECK-NEXT:    %[[VW:.+]] = kiln.cast %[[VR]] : tensor<1x128x1x16xbf16> to tensor<1x128x1x16xf32>
// CHECK-NEXT:    kiln.transpose %[[VW]]
// CHECK-NEXT:    kiln.matmul {{.+}} {kiln.precision = "bf16"} : (tensor<1x1x128x16xf32>, tensor<1x1x16x128xf32>) -> tensor<1x1x128x128xf32>
// CHECK:         kiln.matmul {{.+}} {kiln.precision = "bf16"} : (tensor<1x1x128x128xf32>, tensor<1x1x128x16xf32>) -> tensor<1x1x128x16xf32>
// CHECK-NEXT:    %[[R:.+]] = kiln.transpose
// CHECK-NEXT:    %[[RH:.+]] = kiln.cast %[[R]] : tensor<1x128x1x16xf32> to tensor<1x128x1x16xbf16>
// CHECK-NOT:     kiln.slice
// FUSE-LABEL:  func.func @projected
// FUSE:          kiln.fusion contraction
// FUSE-SAME:       -> (tensor<1x128x16xbf16>, tensor<1x128x16xbf16>, tensor<1x128x16xbf16>)
// FUSE:          kiln.fusion attention
// FUSE-SAME:       (tensor<1x128x1x16xbf16>, tensor<1x128x1x16xbf16>, tensor<1x128x1x16xbf16>, tensor<f32>) -> tensor<1x128x1x16xbf16>
// FUSE:            kiln.cast {{.+}} to tensor<1x128x1x16xf32>
// FUSE:            kiln.transpose
// FUSE:            kiln.softmax
// FUSE:            kiln.transpose
// FUSE-NEXT:       kiln.cast {{.+}} to tensor<1x128x1x16xbf16>
// FUSE-NEXT:       kiln.yield
// FUSE-NOT:      kiln.cast
// FUSE:          kiln.fusion contraction
// Without attention-io (the CPU pipeline) Q, K and V stay f32; the group still writes
// the narrowed result.
// NOIO-LABEL:  func.func @projected
// NOIO:          kiln.fusion contraction
// NOIO-SAME:       -> (tensor<1x128x16xf32>, tensor<1x128x16xf32>, tensor<1x128x16xf32>)
// NOIO:          kiln.fusion attention
// NOIO-SAME:       (tensor<1x128x1x16xf32>, tensor<1x128x1x16xf32>, tensor<1x128x1x16xf32>, tensor<f32>) -> tensor<1x128x1x16xbf16>
func.func @projected(%x: tensor<1x128x16xf32>) -> tensor<1x128x8xf32> {
  %w = kiln.constant dense<0.1> : tensor<16x48xf32>
  %y0 = kiln.matmul %x, %w : (tensor<1x128x16xf32>, tensor<16x48xf32>) -> tensor<1x128x48xf32>
  %bias = kiln.constant dense<0.25> : tensor<48xf32>
  %y = kiln.add %y0, %bias : (tensor<1x128x48xf32>, tensor<48xf32>) -> tensor<1x128x48xf32>
  %q = kiln.slice %y starts = [0, 0, 0] ends = [1, 128, 16] steps = [1, 1, 1] : tensor<1x128x48xf32> -> tensor<1x128x16xf32>
  %k = kiln.slice %y starts = [0, 0, 16] ends = [1, 128, 32] steps = [1, 1, 1] : tensor<1x128x48xf32> -> tensor<1x128x16xf32>
  %v = kiln.slice %y starts = [0, 0, 32] ends = [1, 128, 48] steps = [1, 1, 1] : tensor<1x128x48xf32> -> tensor<1x128x16xf32>
  %qh = kiln.reshape %q : tensor<1x128x16xf32> -> tensor<1x128x1x16xf32>
  %kh = kiln.reshape %k : tensor<1x128x16xf32> -> tensor<1x128x1x16xf32>
  %vh = kiln.reshape %v : tensor<1x128x16xf32> -> tensor<1x128x1x16xf32>
  %qt = kiln.transpose %qh permutation = [0, 2, 1, 3] : tensor<1x128x1x16xf32> -> tensor<1x1x128x16xf32>
  %kt = kiln.transpose %kh permutation = [0, 2, 3, 1] : tensor<1x128x1x16xf32> -> tensor<1x1x16x128xf32>
  %vt = kiln.transpose %vh permutation = [0, 2, 1, 3] : tensor<1x128x1x16xf32> -> tensor<1x1x128x16xf32>
  %s = kiln.matmul %qt, %kt : (tensor<1x1x128x16xf32>, tensor<1x1x16x128xf32>) -> tensor<1x1x128x128xf32>
  %c = kiln.constant dense<4.0> : tensor<f32>
  %d = kiln.div %s, %c : (tensor<1x1x128x128xf32>, tensor<f32>) -> tensor<1x1x128x128xf32>
  %p = kiln.softmax %d axis = 3 : tensor<1x1x128x128xf32>
  %o = kiln.matmul %p, %vt : (tensor<1x1x128x128xf32>, tensor<1x1x128x16xf32>) -> tensor<1x1x128x16xf32>
  %r = kiln.transpose %o permutation = [0, 2, 1, 3] : tensor<1x1x128x16xf32> -> tensor<1x128x1x16xf32>
  %rh = kiln.reshape %r : tensor<1x128x1x16xf32> -> tensor<1x128x16xf32>
  %w2 = kiln.constant dense<0.5> : tensor<16x8xf32>
  %out = kiln.matmul %rh, %w2 : (tensor<1x128x16xf32>, tensor<16x8xf32>) -> tensor<1x128x8xf32>
  return %out : tensor<1x128x8xf32>
}

// -----

// Q, K and V are function arguments: left f32 (a cast of an argument would be a kernel
// of its own), while the result is still written in bf16. A result with an f32 user
// besides the projection (a residual) stays f32: the group does not take the cast.
// CHECK-LABEL: func.func @arguments
// CHECK-NOT:     kiln.cast %arg
// FUSE-LABEL:  func.func @arguments
// FUSE:          kiln.fusion attention
// FUSE-SAME:       (tensor<1x32x2x16xf32>, tensor<1x32x2x16xf32>, tensor<1x32x2x16xf32>) -> tensor<1x32x2x16xbf16>
// FUSE-LABEL:  func.func @residual
// FUSE:          %[[A:.+]] = kiln.fusion attention
// FUSE-SAME:       -> tensor<1x32x2x16xf32>
// FUSE:          kiln.fusion contraction (%[[A]],
// FUSE:          kiln.add %[[A]]
func.func @arguments(%q: tensor<1x32x2x16xf32>, %k: tensor<1x32x2x16xf32>, %v: tensor<1x32x2x16xf32>) -> tensor<1x32x2x8xf32> {
  %qt = kiln.transpose %q permutation = [0, 2, 1, 3] : tensor<1x32x2x16xf32> -> tensor<1x2x32x16xf32>
  %kt = kiln.transpose %k permutation = [0, 2, 3, 1] : tensor<1x32x2x16xf32> -> tensor<1x2x16x32xf32>
  %vt = kiln.transpose %v permutation = [0, 2, 1, 3] : tensor<1x32x2x16xf32> -> tensor<1x2x32x16xf32>
  %s = kiln.matmul %qt, %kt : (tensor<1x2x32x16xf32>, tensor<1x2x16x32xf32>) -> tensor<1x2x32x32xf32>
  %p = kiln.softmax %s axis = 3 : tensor<1x2x32x32xf32>
  %o = kiln.matmul %p, %vt : (tensor<1x2x32x32xf32>, tensor<1x2x32x16xf32>) -> tensor<1x2x32x16xf32>
  %r = kiln.transpose %o permutation = [0, 2, 1, 3] : tensor<1x2x32x16xf32> -> tensor<1x32x2x16xf32>
  %w = kiln.constant dense<0.5> : tensor<16x8xf32>
  %y = kiln.matmul %r, %w : (tensor<1x32x2x16xf32>, tensor<16x8xf32>) -> tensor<1x32x2x8xf32>
  return %y : tensor<1x32x2x8xf32>
}
func.func @residual(%q: tensor<1x32x2x16xf32>, %k: tensor<1x32x2x16xf32>, %v: tensor<1x32x2x16xf32>) -> (tensor<1x32x2x8xf32>, tensor<1x32x2x16xf32>) {
  %qt = kiln.transpose %q permutation = [0, 2, 1, 3] : tensor<1x32x2x16xf32> -> tensor<1x2x32x16xf32>
  %kt = kiln.transpose %k permutation = [0, 2, 3, 1] : tensor<1x32x2x16xf32> -> tensor<1x2x16x32xf32>
  %vt = kiln.transpose %v permutation = [0, 2, 1, 3] : tensor<1x32x2x16xf32> -> tensor<1x2x32x16xf32>
  %s = kiln.matmul %qt, %kt : (tensor<1x2x32x16xf32>, tensor<1x2x16x32xf32>) -> tensor<1x2x32x32xf32>
  %p = kiln.softmax %s axis = 3 : tensor<1x2x32x32xf32>
  %o = kiln.matmul %p, %vt : (tensor<1x2x32x32xf32>, tensor<1x2x32x16xf32>) -> tensor<1x2x32x16xf32>
  %r = kiln.transpose %o permutation = [0, 2, 1, 3] : tensor<1x2x32x16xf32> -> tensor<1x32x2x16xf32>
  %w = kiln.constant dense<0.5> : tensor<16x8xf32>
  %y = kiln.matmul %r, %w : (tensor<1x32x2x16xf32>, tensor<16x8xf32>) -> tensor<1x32x2x8xf32>
  %z = kiln.add %r, %q : (tensor<1x32x2x16xf32>, tensor<1x32x2x16xf32>) -> tensor<1x32x2x16xf32>
  return %y, %z : tensor<1x32x2x8xf32>, tensor<1x32x2x16xf32>
}

// -----

// A bf16 model's attention (Q, K, V widened from bf16 inputs, the result narrowed back):
// nothing to narrow, no cast added; the group takes the model's own casts and reads and
// writes the bf16 tensors. A product reading a widened tensor reads its bf16 source.
// CHECK-LABEL: func.func @widened
// CHECK-COUNT-3: kiln.cast %arg{{[0-2]}} : tensor<1x128x2x16xbf16> to tensor<1x128x2x16xf32>
// CHECK-NOT:     kiln.cast {{.+}} : tensor<1x128x2x16xf32> to tensor<1x128x2x16xbf16>
// CHECK:         kiln.cast {{.+}} : tensor<1x128x2x16xf32> to tensor<1x128x2x16xbf16>
// CHECK-NOT:     kiln.cast
// CHECK:         kiln.matmul %arg0, %{{.+}} : (tensor<1x128x2x16xbf16>, tensor<16x8xbf16>)
// FUSE-LABEL:  func.func @widened
// FUSE:          kiln.fusion attention (%arg0, %arg1, %arg2, %{{.+}}) : (tensor<1x128x2x16xbf16>, tensor<1x128x2x16xbf16>, tensor<1x128x2x16xbf16>, tensor<f32>) -> tensor<1x128x2x16xbf16>
func.func @widened(%q: tensor<1x128x2x16xbf16>, %k: tensor<1x128x2x16xbf16>, %v: tensor<1x128x2x16xbf16>) -> (tensor<1x128x2x16xbf16>, tensor<1x128x2x8xf32>) {
  %qw = kiln.cast %q : tensor<1x128x2x16xbf16> to tensor<1x128x2x16xf32>
  %kw = kiln.cast %k : tensor<1x128x2x16xbf16> to tensor<1x128x2x16xf32>
  %vw = kiln.cast %v : tensor<1x128x2x16xbf16> to tensor<1x128x2x16xf32>
  %qt = kiln.transpose %qw permutation = [0, 2, 1, 3] : tensor<1x128x2x16xf32> -> tensor<1x2x128x16xf32>
  %kt = kiln.transpose %kw permutation = [0, 2, 3, 1] : tensor<1x128x2x16xf32> -> tensor<1x2x16x128xf32>
  %vt = kiln.transpose %vw permutation = [0, 2, 1, 3] : tensor<1x128x2x16xf32> -> tensor<1x2x128x16xf32>
  %s = kiln.matmul %qt, %kt : (tensor<1x2x128x16xf32>, tensor<1x2x16x128xf32>) -> tensor<1x2x128x128xf32>
  %c = kiln.constant dense<4.0> : tensor<f32>
  %d = kiln.div %s, %c : (tensor<1x2x128x128xf32>, tensor<f32>) -> tensor<1x2x128x128xf32>
  %p = kiln.softmax %d axis = 3 : tensor<1x2x128x128xf32>
  %o = kiln.matmul %p, %vt : (tensor<1x2x128x128xf32>, tensor<1x2x128x16xf32>) -> tensor<1x2x128x16xf32>
  %r = kiln.transpose %o permutation = [0, 2, 1, 3] : tensor<1x2x128x16xf32> -> tensor<1x128x2x16xf32>
  %n = kiln.cast %r : tensor<1x128x2x16xf32> to tensor<1x128x2x16xbf16>
  %q2 = kiln.cast %q : tensor<1x128x2x16xbf16> to tensor<1x128x2x16xf32>
  %w = kiln.constant dense<0.5> : tensor<16x8xf32>
  %y = kiln.matmul %q2, %w : (tensor<1x128x2x16xf32>, tensor<16x8xf32>) -> tensor<1x128x2x8xf32>
  return %n, %y : tensor<1x128x2x16xbf16>, tensor<1x128x2x8xf32>
}

// -----

// Must not move the cast before the slices: the projection's result has a user besides
// its slices (an f32 relu), so each slice is cast after it instead and the f32 slices stay.
// CHECK-LABEL: func.func @slice_kept
// CHECK:         %[[Y:.+]] = kiln.cast %{{.+}} : tensor<1x128x48xbf16> to tensor<1x128x48xf32>
// CHECK-NOT:     kiln.cast %[[Y]]
// CHECK:         %[[Q:.+]] = kiln.slice %[[Y]] starts = [0, 0, 0] {{.+}} -> tensor<1x128x16xf32>
// CHECK:         kiln.cast %[[Q]] : tensor<1x128x16xf32> to tensor<1x128x16xbf16>
func.func @slice_kept(%x: tensor<1x128x16xf32>) -> (tensor<1x128x8xf32>, tensor<1x128x48xf32>) {
  %w = kiln.constant dense<0.1> : tensor<16x48xf32>
  %y = kiln.matmul %x, %w : (tensor<1x128x16xf32>, tensor<16x48xf32>) -> tensor<1x128x48xf32>
  %q = kiln.slice %y starts = [0, 0, 0] ends = [1, 128, 16] steps = [1, 1, 1] : tensor<1x128x48xf32> -> tensor<1x128x16xf32>
  %w2 = kiln.constant dense<0.5> : tensor<16x8xf32>
  %o = kiln.matmul %q, %w2 : (tensor<1x128x16xf32>, tensor<16x8xf32>) -> tensor<1x128x8xf32>
  %r = kiln.relu %y : tensor<1x128x48xf32>
  return %o, %r : tensor<1x128x8xf32>, tensor<1x128x48xf32>
}
