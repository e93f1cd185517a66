// RUN: kiln-opt %s --kiln-fuse --split-input-file | FileCheck %s
// attention=false (the CUDA pipeline at fp32): no attention group anywhere; the
// scores product takes its scaling as an epilogue, the softmax and the second product
// are their own kernels.
// RUN: kiln-opt %s '--kiln-fuse=attention=false' --split-input-file | FileCheck %s --check-prefix=OFF --implicit-check-not="kiln.fusion attention"
// attention-head-dims=128 (the CUDA pipeline): a group only where the head dims of Q and
// of V are multiples of 16 up to 128, which the flash kernel holds in registers.
// RUN: kiln-opt %s '--kiln-fuse=attention-head-dims=128' --split-input-file | FileCheck %s --check-prefix=HD
// --kiln-fuse, attention groups: matmul (scores) -> scaling by scalar constants and at
// most one additive mask -> softmax over the last axis -> matmul by the values, with the
// transposes that feed only its operands and the transpose after it. Every case also runs compiled (fused and
// --no-fusion) against the interpreter in test/e2e/fusion-compiled.test.

// Multi-head self-attention as exporters write it: heads split out of [B, S, H, D],
// scores divided by sqrt(D), heads merged back.
// OFF-LABEL: func.func @mha(
// OFF:         kiln.fusion contraction
// OFF:           kiln.matmul
// OFF:           kiln.div
// OFF:         kiln.softmax
// OFF:         kiln.matmul
// HD-LABEL: func.func @mha(
// HD:         kiln.fusion attention
// CHECK-LABEL: func.func @mha(
// CHECK-SAME:    %[[Q:[^:]+]]: tensor<1x32x2x16xf32>, %[[K:[^:]+]]: tensor<1x32x2x16xf32>, %[[V:[^:]+]]: tensor<1x32x2x16xf32>
// CHECK:         %[[R:.+]] = kiln.fusion attention (%[[Q]], %[[K]], %[[V]]
// CHECK-SAME:      -> tensor<1x32x2x16xf32>
// CHECK:           kiln.transpose
// CHECK:           kiln.transpose
// CHECK:           kiln.transpose
// CHECK:           kiln.matmul
// CHECK:           kiln.div
// CHECK:           kiln.softmax
// CHECK:           kiln.matmul
// CHECK:           kiln.transpose
// CHECK:           kiln.yield
// CHECK:         return %[[R]]
func.func @mha(%q: tensor<1x32x2x16xf32>, %k: tensor<1x32x2x16xf32>, %v: tensor<1x32x2x16xf32>) -> tensor<1x32x2x16xf32> {
  %qt = kiln.transpose %q permutation = [0, 2, 1, 3] : tensor<1x32x2x16xf32> -> tensor<1x2x32x16xf32>
  %kt = kiln.transpose %k permutation = [0, 2, 3, 1] : tensor<1x32x2x16xf32> -> tensor<1x2x16x32xf32>
  %vt = kiln.transpose %v permutation = [0, 2, 1, 3] : tensor<1x32x2x16xf32> -> tensor<1x2x32x16xf32>
  %s = kiln.matmul %qt, %kt : (tensor<1x2x32x16xf32>, tensor<1x2x16x32xf32>) -> tensor<1x2x32x32xf32>
  %c = kiln.constant dense<4.0> : tensor<f32>
  %d = kiln.div %s, %c : (tensor<1x2x32x32xf32>, tensor<f32>) -> tensor<1x2x32x32xf32>
  %p = kiln.softmax %d axis = 3 : tensor<1x2x32x32xf32>
  %o = kiln.matmul %p, %vt : (tensor<1x2x32x32xf32>, tensor<1x2x32x16xf32>) -> tensor<1x2x32x16xf32>
  %r = kiln.transpose %o permutation = [0, 2, 1, 3] : tensor<1x2x32x16xf32> -> tensor<1x32x2x16xf32>
  return %r : tensor<1x32x2x16xf32>
}

// -----

// Heads already batched ([BH, S, D]), keys multiplied transposed (transpose_b), the
// scale a product written constant-first, cross-attention (24 queries, 40 keys) and a
// value width other than the key width.
// Head dims 16 and 8: V's is no multiple of 16.
// HD-LABEL: func.func @cross_transpose_b(
// HD-NOT:     kiln.fusion attention
// HD:         kiln.softmax
// HD-NOT:     kiln.fusion attention
// HD-LABEL: func.func @unscaled(
// CHECK-LABEL: func.func @cross_transpose_b(
// CHECK:         kiln.fusion attention
// CHECK:           kiln.matmul {{.*}} transpose_b
// CHECK:           kiln.mul
// CHECK:           kiln.softmax
// CHECK:           kiln.matmul
// CHECK-NOT:       kiln.transpose
// CHECK:           kiln.yield
func.func @cross_transpose_b(%q: tensor<3x24x16xf32>, %k: tensor<3x40x16xf32>, %v: tensor<3x40x8xf32>) -> tensor<3x24x8xf32> {
  %s = kiln.matmul %q, %k transpose_b : (tensor<3x24x16xf32>, tensor<3x40x16xf32>) -> tensor<3x24x40xf32>
  %c = kiln.constant dense<0.25> : tensor<1xf32>
  %d = kiln.mul %c, %s : (tensor<1xf32>, tensor<3x24x40xf32>) -> tensor<3x24x40xf32>
  %p = kiln.softmax %d axis = 2 : tensor<3x24x40xf32>
  %o = kiln.matmul %p, %v : (tensor<3x24x40xf32>, tensor<3x40x8xf32>) -> tensor<3x24x8xf32>
  return %o : tensor<3x24x8xf32>
}

// -----

// No scaling at all; a transpose of the output that swaps the rows and the columns is
// not merged into the group (the kernel writes rows); the transpose of V has another
// consumer, so it stays outside.
// CHECK-LABEL: func.func @unscaled(
// CHECK:         %[[VT:.+]] = kiln.transpose %{{.+}} permutation = [0, 2, 1]
// CHECK:         %[[A:.+]] = kiln.fusion attention (%{{[^,]+}}, %{{[^,]+}}, %[[VT]])
// CHECK-NOT:       kiln.transpose
// CHECK:           kiln.yield
// CHECK:         kiln.transpose %[[A]] permutation = [0, 2, 1]
func.func @unscaled(%q: tensor<2x16x8xf32>, %kt: tensor<2x8x16xf32>, %v: tensor<2x8x16xf32>) -> (tensor<2x8x16xf32>, tensor<2x16x8xf32>) {
  %s = kiln.matmul %q, %kt : (tensor<2x16x8xf32>, tensor<2x8x16xf32>) -> tensor<2x16x16xf32>
  %p = kiln.softmax %s axis = 2 : tensor<2x16x16xf32>
  %vt = kiln.transpose %v permutation = [0, 2, 1] : tensor<2x8x16xf32> -> tensor<2x16x8xf32>
  %o = kiln.matmul %p, %vt : (tensor<2x16x16xf32>, tensor<2x16x8xf32>) -> tensor<2x16x8xf32>
  %r = kiln.transpose %o permutation = [0, 2, 1] : tensor<2x16x8xf32> -> tensor<2x8x16xf32>
  return %r, %vt : tensor<2x8x16xf32>, tensor<2x16x8xf32>
}

// -----

// Must not fire: the scores are also an output (they must exist in memory).
// CHECK-LABEL: func.func @scores_escape(
// CHECK-NOT:     kiln.fusion attention
func.func @scores_escape(%q: tensor<2x16x8xf32>, %kt: tensor<2x8x16xf32>, %v: tensor<2x16x8xf32>) -> (tensor<2x16x8xf32>, tensor<2x16x16xf32>) {
  %s = kiln.matmul %q, %kt : (tensor<2x16x8xf32>, tensor<2x8x16xf32>) -> tensor<2x16x16xf32>
  %p = kiln.softmax %s axis = 2 : tensor<2x16x16xf32>
  %o = kiln.matmul %p, %v : (tensor<2x16x16xf32>, tensor<2x16x8xf32>) -> tensor<2x16x8xf32>
  return %o, %s : tensor<2x16x8xf32>, tensor<2x16x16xf32>
}

// -----

// An additive mask (here [Sq, Sk], broadcast over the batch) joins the group: it is one
// of the group's inputs, its add one of the members.
// CHECK-LABEL: func.func @masked(
// CHECK-SAME:    %[[Q:.+]]: tensor<2x16x8xf32>, %[[KT:.+]]: tensor<2x8x16xf32>, %[[V:.+]]: tensor<2x16x8xf32>, %[[M:.+]]: tensor<16x16xf32>
// CHECK:         %[[O:.+]] = kiln.fusion attention (%[[Q]], %[[KT]], %[[M]], %[[V]])
// CHECK:           kiln.matmul
// CHECK:           kiln.add
// CHECK:           kiln.softmax
// CHECK:           kiln.matmul
// CHECK:         return %[[O]]
func.func @masked(%q: tensor<2x16x8xf32>, %kt: tensor<2x8x16xf32>, %v: tensor<2x16x8xf32>, %m: tensor<16x16xf32>) -> tensor<2x16x8xf32> {
  %s = kiln.matmul %q, %kt : (tensor<2x16x8xf32>, tensor<2x8x16xf32>) -> tensor<2x16x16xf32>
  %a = kiln.add %s, %m : (tensor<2x16x16xf32>, tensor<16x16xf32>) -> tensor<2x16x16xf32>
  %p = kiln.softmax %a axis = 2 : tensor<2x16x16xf32>
  %o = kiln.matmul %p, %v : (tensor<2x16x16xf32>, tensor<2x16x8xf32>) -> tensor<2x16x8xf32>
  return %o : tensor<2x16x8xf32>
}

// -----

// A padding mask ([B, 1, Sk]) on the left of the add, between two scalings.
// CHECK-LABEL: func.func @padding_mask_scaled(
// CHECK:         kiln.fusion attention
// CHECK:           kiln.matmul
// CHECK:           kiln.mul
// CHECK:           kiln.add
// CHECK:           kiln.div
// CHECK:           kiln.softmax
// CHECK:           kiln.matmul
// CHECK:           kiln.yield
func.func @padding_mask_scaled(%q: tensor<2x16x8xf32>, %kt: tensor<2x8x16xf32>, %v: tensor<2x16x8xf32>, %m: tensor<2x1x16xf32>) -> tensor<2x16x8xf32> {
  %s = kiln.matmul %q, %kt : (tensor<2x16x8xf32>, tensor<2x8x16xf32>) -> tensor<2x16x16xf32>
  %c = kiln.constant dense<0.5> : tensor<f32>
  %d = kiln.mul %s, %c : (tensor<2x16x16xf32>, tensor<f32>) -> tensor<2x16x16xf32>
  %a = kiln.add %m, %d : (tensor<2x1x16xf32>, tensor<2x16x16xf32>) -> tensor<2x16x16xf32>
  %e = kiln.constant dense<2.0> : tensor<f32>
  %f = kiln.div %a, %e : (tensor<2x16x16xf32>, tensor<f32>) -> tensor<2x16x16xf32>
  %p = kiln.softmax %f axis = 2 : tensor<2x16x16xf32>
  %o = kiln.matmul %p, %v : (tensor<2x16x16xf32>, tensor<2x16x8xf32>) -> tensor<2x16x8xf32>
  return %o : tensor<2x16x8xf32>
}

// -----

// Must not fire: two additive masks (a group takes one).
// CHECK-LABEL: func.func @two_masks(
// CHECK-NOT:     kiln.fusion attention
func.func @two_masks(%q: tensor<2x16x8xf32>, %kt: tensor<2x8x16xf32>, %v: tensor<2x16x8xf32>, %m: tensor<16x16xf32>, %n: tensor<16xf32>) -> tensor<2x16x8xf32> {
  %s = kiln.matmul %q, %kt : (tensor<2x16x8xf32>, tensor<2x8x16xf32>) -> tensor<2x16x16xf32>
  %a = kiln.add %s, %m : (tensor<2x16x16xf32>, tensor<16x16xf32>) -> tensor<2x16x16xf32>
  %b = kiln.add %a, %n : (tensor<2x16x16xf32>, tensor<16xf32>) -> tensor<2x16x16xf32>
  %p = kiln.softmax %b axis = 2 : tensor<2x16x16xf32>
  %o = kiln.matmul %p, %v : (tensor<2x16x16xf32>, tensor<2x16x8xf32>) -> tensor<2x16x8xf32>
  return %o : tensor<2x16x8xf32>
}

// -----

// Must not fire: softmax over the query axis is not attention.
// CHECK-LABEL: func.func @softmax_over_queries(
// CHECK-NOT:     kiln.fusion attention
func.func @softmax_over_queries(%q: tensor<2x16x8xf32>, %kt: tensor<2x8x16xf32>, %v: tensor<2x16x8xf32>) -> tensor<2x16x8xf32> {
  %s = kiln.matmul %q, %kt : (tensor<2x16x8xf32>, tensor<2x8x16xf32>) -> tensor<2x16x16xf32>
  %p = kiln.softmax %s axis = 1 : tensor<2x16x16xf32>
  %o = kiln.matmul %p, %v : (tensor<2x16x16xf32>, tensor<2x16x8xf32>) -> tensor<2x16x8xf32>
  return %o : tensor<2x16x8xf32>
}

// -----

// Must not fire: 263 keys (prime, above 256) have no block size.
// CHECK-LABEL: func.func @no_block(
// CHECK-NOT:     kiln.fusion attention
func.func @no_block(%q: tensor<1x8x4xf32>, %kt: tensor<1x4x263xf32>, %v: tensor<1x263x4xf32>) -> tensor<1x8x4xf32> {
  %s = kiln.matmul %q, %kt : (tensor<1x8x4xf32>, tensor<1x4x263xf32>) -> tensor<1x8x263xf32>
  %p = kiln.softmax %s axis = 2 : tensor<1x8x263xf32>
  %o = kiln.matmul %p, %v : (tensor<1x8x263xf32>, tensor<1x263x4xf32>) -> tensor<1x8x4xf32>
  return %o : tensor<1x8x4xf32>
}

// -----

// Must not fire: the values broadcast over the batch (no per-batch V to read).
// CHECK-LABEL: func.func @broadcast_values(
// CHECK-NOT:     kiln.fusion attention
func.func @broadcast_values(%q: tensor<2x16x8xf32>, %kt: tensor<2x8x16xf32>, %v: tensor<16x8xf32>) -> tensor<2x16x8xf32> {
  %s = kiln.matmul %q, %kt : (tensor<2x16x8xf32>, tensor<2x8x16xf32>) -> tensor<2x16x16xf32>
  %p = kiln.softmax %s axis = 2 : tensor<2x16x16xf32>
  %o = kiln.matmul %p, %v : (tensor<2x16x16xf32>, tensor<16x8xf32>) -> tensor<2x16x8xf32>
  return %o : tensor<2x16x8xf32>
}
