// RUN: kiln-opt %s --kiln-cpu-lower-attention --split-input-file --verify-diagnostics | FileCheck %s
// kiln-cpu-lower-attention: an attention kernel becomes work items over (batch, head,
// 64 query rows), each looping over query blocks and key blocks with an online softmax;
// no score matrix of the whole sequence and no kiln op are left.

// 128 queries and keys in 2 heads of 16: items of 64 rows (>= 8 items is not reachable
// below 64 rows), 64 x 64 score blocks, two key blocks per query block.
// CHECK-LABEL: func.func private @kernel0_fused_attention(
// CHECK-SAME:    attributes {kiln.attention,
// CHECK-NOT:     = kiln.
// CHECK:         scf.forall (%[[B:.+]], %[[H:.+]], %[[R:.+]]) = (0, 0, 0) to (1, 2, 128) step (1, 1, 64)
// Q rows of the item, scaled by 1/4 (the division by 4 folded into Q):
// CHECK:           tensor.extract_slice %arg0[%[[B]], %[[R]], %[[H]], 0] [1, 64, 1, 16]
// CHECK:           arith.mulf %{{.+}}, %{{.+}} : f32
// K^T of the head, transposed once per item:
// CHECK:           tensor.extract_slice %arg1[%[[B]], 0, %[[H]], 0] [1, 128, 1, 16]
// CHECK:           linalg.generic {indexing_maps = [#{{.+}}, #{{.+}}], iterator_types = ["parallel", "parallel"]} ins(%{{.+}} : tensor<128x16xf32>) outs(%{{.+}} : tensor<16x128xf32>)
// V read in place:
// CHECK:           %[[V:.+]] = tensor.extract_slice %arg2[%[[B]], 0, %[[H]], 0] [1, 128, 1, 16]
// CHECK:           scf.for %{{.+}} = %{{.+}} to %c64 step %c64
// The key loop carries the running max, the running sum, the accumulator and the score
// block (one buffer for all key blocks):
// CHECK:             scf.for %[[K:.+]] = %{{.+}} to %c128 step %c64{{.*}} iter_args({{.+}}) -> (tensor<64xf32>, tensor<64xf32>, tensor<64x16xf32>, tensor<64x64xf32>)
// CHECK:               tensor.extract_slice %[[V]][%[[K]], 0] [64, 16]
// CHECK:               %[[S:.+]] = linalg.matmul {kiln.attention} ins({{.+}} : tensor<64x16xf32>, tensor<16x64xf32>) outs({{.+}} : tensor<64x64xf32>)
// Running max, its correction exp(m - m'), P = exp(s - m'), the rescaled sums:
// CHECK:               iterator_types = ["parallel", "reduction"]} ins(%[[S]] : tensor<64x64xf32>)
// CHECK:               math.exp
// CHECK:               math.exp
// CHECK:               linalg.matmul {kiln.attention} ins({{.+}} : tensor<64x64xf32>, tensor<64x16xf32>) outs({{.+}} : tensor<64x16xf32>)
// CHECK:               scf.yield
// CHECK:             arith.divf
// CHECK:             tensor.insert_slice
// Heads merged back: the item's rows land at [b, rows, h, :].
// CHECK:           tensor.parallel_insert_slice %{{.+}} into %{{.+}}[%[[B]], %[[R]], %[[H]], 0] [1, 64, 1, 16]
// CHECK-NOT:     = kiln.
// CHECK:         return
func.func private @kernel0_fused_attention(%q: tensor<1x128x2x16xf32>, %k: tensor<1x128x2x16xf32>, %v: tensor<1x128x2x16xf32>) -> tensor<1x128x2x16xf32> attributes {kiln.kernel, kiln.label = "", kiln.scheme = "attention"} {
    %qt = kiln.transpose %q permutation = [0, 2, 1, 3] : tensor<1x128x2x16xf32> -> tensor<1x2x128x16xf32>
    %kt = kiln.transpose %k permutation = [0, 2, 3, 1] : tensor<1x128x2x16xf32> -> tensor<1x2x16x128xf32>
    %vt = kiln.transpose %v permutation = [0, 2, 1, 3] : tensor<1x128x2x16xf32> -> tensor<1x2x128x16xf32>
    %s = kiln.matmul %qt, %kt : (tensor<1x2x128x16xf32>, tensor<1x2x16x128xf32>) -> tensor<1x2x128x128xf32>
    %c = kiln.constant dense<4.0> : tensor<f32>
    %d = kiln.div %s, %c : (tensor<1x2x128x128xf32>, tensor<f32>) -> tensor<1x2x128x128xf32>
    %p = kiln.softmax %d axis = 3 : tensor<1x2x128x128xf32>
    %o = kiln.matmul %p, %vt : (tensor<1x2x128x128xf32>, tensor<1x2x128x16xf32>) -> tensor<1x2x128x16xf32>
    %r = kiln.transpose %o permutation = [0, 2, 1, 3] : tensor<1x2x128x16xf32> -> tensor<1x128x2x16xf32>
    return %r : tensor<1x128x2x16xf32>
}

// -----

// A mask [B, 1, Sk] (padding) added after a scaling by 1/2 and before a division by 2:
// Q carries both scalings (1/4), the mask the division (1/2). Each score block adds the
// mask's slice of its keys (rows broadcast: the slice keeps the key dim only), and the
// running max starts at the lowest finite float, so a fully masked block is no NaN.
// CHECK-LABEL: func.func private @kernel1_fused_attention(
// CHECK-SAME:    %{{.+}}: tensor<2x64x16xf32>, %{{.+}}: tensor<2x16x64xf32>, %[[M:.+]]: tensor<2x1x64xf32>
// CHECK-NOT:     = kiln.
// CHECK:         scf.forall (%[[B:.+]], %[[R:.+]]) =
// CHECK:           arith.constant 2.500000e-01 : f32
// CHECK:             %[[LOWEST:.+]] = arith.constant -3.40282347E+38 : f32
// CHECK:             linalg.fill ins(%[[LOWEST]] : f32) outs(%{{.+}} : tensor<64xf32>)
// CHECK:             scf.for %[[K:[a-z0-9_]+]] =
// CHECK:               %[[S:.+]] = linalg.matmul {kiln.attention}
// CHECK:               %[[MB:.+]] = tensor.extract_slice %[[M]][%[[B]], 0, %[[K]]] [1, 1, 64] [1, 1, 1] : tensor<2x1x64xf32> to tensor<64xf32>
// CHECK:               linalg.generic {{.+}} ins(%[[MB]] : tensor<64xf32>) outs(%[[S]] : tensor<64x64xf32>)
// CHECK:                 arith.constant 5.000000e-01 : f32
// CHECK:                 arith.mulf
// CHECK:                 arith.addf
// CHECK:         return
func.func private @kernel1_fused_attention(%q: tensor<2x64x16xf32>, %kt: tensor<2x16x64xf32>, %m: tensor<2x1x64xf32>, %v: tensor<2x64x16xf32>) -> tensor<2x64x16xf32> attributes {kiln.kernel, kiln.label = "", kiln.scheme = "attention"} {
    %s = kiln.matmul %q, %kt : (tensor<2x64x16xf32>, tensor<2x16x64xf32>) -> tensor<2x64x64xf32>
    %c = kiln.constant dense<0.5> : tensor<f32>
    %d = kiln.mul %s, %c : (tensor<2x64x64xf32>, tensor<f32>) -> tensor<2x64x64xf32>
    %a = kiln.add %m, %d : (tensor<2x1x64xf32>, tensor<2x64x64xf32>) -> tensor<2x64x64xf32>
    %e = kiln.constant dense<2.0> : tensor<f32>
    %f = kiln.div %a, %e : (tensor<2x64x64xf32>, tensor<f32>) -> tensor<2x64x64xf32>
    %p = kiln.softmax %f axis = 2 : tensor<2x64x64xf32>
    %o = kiln.matmul %p, %v : (tensor<2x64x64xf32>, tensor<2x64x16xf32>) -> tensor<2x64x16xf32>
    return %o : tensor<2x64x16xf32>
}

// -----

// An attention kernel whose body is not the pattern (edited by hand): an error.
// expected-error @+1 {{kiln-cpu-lower-attention: kernel 'kernel0_fused_attention' is an attention group but does not hold matmul -> scale / mask -> softmax -> matmul (compile with --no-fusion to bypass)}}
func.func private @kernel0_fused_attention(%s: tensor<2x16x16xf32>) -> tensor<2x16x16xf32> attributes {kiln.kernel, kiln.label = "", kiln.scheme = "attention"} {
  %p = kiln.softmax %s axis = 2 : tensor<2x16x16xf32>
  return %p : tensor<2x16x16xf32>
}

// -----

// 16-bit Q, K and V read through widening casts, the result narrowed (an attention group
// under --precision=bf16 on CUDA, kiln-mixed-precision attention-io; the CPU lowers the
// same kernel): each operand is widened as it is copied (V, not transposed, is copied
// too instead of read in place), and the f32 result is narrowed after the work items.
// CHECK-LABEL: func.func private @kernel2_fused_attention(
// CHECK-SAME:    -> tensor<1x128x2x16xbf16>
// CHECK:         %[[F:.+]] = scf.forall {{.+}} -> (tensor<1x128x2x16xf32>)
// CHECK:           tensor.extract_slice %arg0{{.+}} to tensor<64x16xbf16>
// CHECK:           arith.extf %{{.+}} : bf16 to f32
// CHECK:           tensor.extract_slice %arg1{{.+}} to tensor<128x16xbf16>
// CHECK:           arith.extf %{{.+}} : bf16 to f32
// CHECK:           tensor.extract_slice %arg2{{.+}} to tensor<128x16xbf16>
// CHECK:           arith.extf %{{.+}} : bf16 to f32
// CHECK:         %[[N:.+]] = kiln.cast %[[F]] : tensor<1x128x2x16xf32> to tensor<1x128x2x16xbf16>
// CHECK-NEXT:    return %[[N]]
func.func private @kernel2_fused_attention(%q: tensor<1x128x2x16xbf16>, %k: tensor<1x128x2x16xbf16>, %v: tensor<1x128x2x16xbf16>) -> tensor<1x128x2x16xbf16> attributes {kiln.kernel, kiln.label = "", kiln.scheme = "attention"} {
    %qw = kiln.cast %q : tensor<1x128x2x16xbf16> to tensor<1x128x2x16xf32>
    %qt = kiln.transpose %qw permutation = [0, 2, 1, 3] : tensor<1x128x2x16xf32> -> tensor<1x2x128x16xf32>
    %kw = kiln.cast %k : tensor<1x128x2x16xbf16> to tensor<1x128x2x16xf32>
    %kt = kiln.transpose %kw permutation = [0, 2, 3, 1] : tensor<1x128x2x16xf32> -> tensor<1x2x16x128xf32>
    %vw = kiln.cast %v : tensor<1x128x2x16xbf16> to tensor<1x128x2x16xf32>
    %vt = kiln.transpose %vw permutation = [0, 2, 1, 3] : tensor<1x128x2x16xf32> -> tensor<1x2x128x16xf32>
    %s = kiln.matmul %qt, %kt : (tensor<1x2x128x16xf32>, tensor<1x2x16x128xf32>) -> tensor<1x2x128x128xf32>
    %c = kiln.constant dense<4.0> : tensor<f32>
    %d = kiln.div %s, %c : (tensor<1x2x128x128xf32>, tensor<f32>) -> tensor<1x2x128x128xf32>
    %p = kiln.softmax %d axis = 3 : tensor<1x2x128x128xf32>
    %o = kiln.matmul %p, %vt : (tensor<1x2x128x128xf32>, tensor<1x2x128x16xf32>) -> tensor<1x2x128x16xf32>
    %r = kiln.transpose %o permutation = [0, 2, 1, 3] : tensor<1x2x128x16xf32> -> tensor<1x128x2x16xf32>
    %n = kiln.cast %r : tensor<1x128x2x16xf32> to tensor<1x128x2x16xbf16>
    return %n : tensor<1x128x2x16xbf16>
}
