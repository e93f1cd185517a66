// RUN: kiln-opt %s --kiln-cuda-describe-attention --split-input-file --verify-diagnostics | FileCheck %s
// RUN: kiln-opt %s --kiln-cuda-describe-attention=precision=fp16 --split-input-file --verify-diagnostics | FileCheck %s --check-prefix=F16
// RUN: not kiln-opt %s --kiln-cuda-describe-attention=precision=int8 --split-input-file 2>&1 | FileCheck %s --check-prefix=BAD
// kiln-cuda-describe-attention: each attention kernel records what the flash-attention
// kernel reads (argument numbers, permutations, scales, precision) as
// kiln.cuda.attention; the body is unchanged; a kernel of another shape is an error.

// Heads split out of [B, S, H, D] by the transposes of Q, K (to K^T) and V, and merged
// back after the values product; the scores matmul was marked bf16 by
// kiln-mixed-precision, which wins over the option.
// CHECK-LABEL: func.func private @kernel0_fused_attention(
// CHECK-SAME:    kiln.cuda.attention = {k = 1 : i64, k_perm = array<i64: 0, 2, 3, 1>, mask = -1 : i64, mask_scale = 1.000000e+00 : f64, out_perm = array<i64: 0, 2, 1, 3>, precision = "bf16", q = 0 : i64, q_perm = array<i64: 0, 2, 1, 3>, scale = 2.500000e-01 : f64, v = 2 : i64, v_perm = array<i64: 0, 2, 1, 3>}
// CHECK:         kiln.transpose
// CHECK:         kiln.matmul
// CHECK:         kiln.softmax
// CHECK:         kiln.matmul
// CHECK:         kiln.transpose
// CHECK:         return
// F16-LABEL:   func.func private @kernel0_fused_attention(
// F16-SAME:      precision = "bf16"
func.func private @kernel0_fused_attention(%q: tensor<1x128x2x16xf32>, %k: tensor<1x128x2x16xf32>, %v: tensor<1x128x2x16xf32>) -> tensor<1x128x2x16xf32> attributes {kiln.kernel, kiln.label = "attn (MatMul)", kiln.scheme = "attention"} {
    %qt = kiln.transpose %q permutation = [0, 2, 1, 3] : tensor<1x128x2x16xf32> -> tensor<1x2x128x16xf32>
    %kt = kiln.transpose %k permutation = [0, 2, 3, 1] : tensor<1x128x2x16xf32> -> tensor<1x2x16x128xf32>
    %vt = kiln.transpose %v permutation = [0, 2, 1, 3] : tensor<1x128x2x16xf32> -> tensor<1x2x128x16xf32>
    %s = kiln.matmul %qt, %kt {kiln.precision = "bf16"} : (tensor<1x2x128x16xf32>, tensor<1x2x16x128xf32>) -> tensor<1x2x128x128xf32>
    %c = kiln.constant dense<4.0> : tensor<f32>
    %d = kiln.div %s, %c : (tensor<1x2x128x128xf32>, tensor<f32>) -> tensor<1x2x128x128xf32>
    %p = kiln.softmax %d axis = 3 : tensor<1x2x128x128xf32>
    %o = kiln.matmul %p, %vt {kiln.precision = "bf16"} : (tensor<1x2x128x128xf32>, tensor<1x2x128x16xf32>) -> tensor<1x2x128x16xf32>
    %r = kiln.transpose %o permutation = [0, 2, 1, 3] : tensor<1x2x128x16xf32> -> tensor<1x128x2x16xf32>
    return %r : tensor<1x128x2x16xf32>
}

// -----

// 16-bit Q, K and V through widening casts and the result narrowed
// (kiln-mixed-precision attention-io): the description is that of the 16-bit arguments,
// the casts are the kernel's (it reads and writes 16 bits).
// CHECK-LABEL: func.func private @kernel3_fused_attention(
// CHECK-SAME:    kiln.cuda.attention = {k = 1 : i64, k_perm = array<i64: 0, 2, 3, 1>, mask = -1 : i64, mask_scale = 1.000000e+00 : f64, out_perm = array<i64: 0, 2, 1, 3>, precision = "bf16", q = 0 : i64, q_perm = array<i64: 0, 2, 1, 3>, scale = 2.500000e-01 : f64, v = 2 : i64, v_perm = array<i64: 0, 2, 1, 3>}
func.func private @kernel3_fused_attention(%q: tensor<1x128x2x16xbf16>, %k: tensor<1x128x2x16xbf16>, %v: tensor<1x128x2x16xbf16>) -> tensor<1x128x2x16xbf16> attributes {kiln.kernel, kiln.label = "attn (MatMul)", kiln.scheme = "attention"} {
    %qw = kiln.cast %q : tensor<1x128x2x16xbf16> to tensor<1x128x2x16xf32>
    %qt = kiln.transpose %qw permutation = [0, 2, 1, 3] : tensor<1x128x2x16xf32> -> tensor<1x2x128x16xf32>
    %kw = kiln.cast %k : tensor<1x128x2x16xbf16> to tensor<1x128x2x16xf32>
    %kt = kiln.transpose %kw permutation = [0, 2, 3, 1] : tensor<1x128x2x16xf32> -> tensor<1x2x16x128xf32>
    %vw = kiln.cast %v : tensor<1x128x2x16xbf16> to tensor<1x128x2x16xf32>
    %vt = kiln.transpose %vw permutation = [0, 2, 1, 3] : tensor<1x128x2x16xf32> -> tensor<1x2x128x16xf32>
    %s = kiln.matmul %qt, %kt {kiln.precision = "bf16"} : (tensor<1x2x128x16xf32>, tensor<1x2x16x128xf32>) -> tensor<1x2x128x128xf32>
    %c = kiln.constant dense<4.0> : tensor<f32>
    %d = kiln.div %s, %c : (tensor<1x2x128x128xf32>, tensor<f32>) -> tensor<1x2x128x128xf32>
    %p = kiln.softmax %d axis = 3 : tensor<1x2x128x128xf32>
    %o = kiln.matmul %p, %vt {kiln.precision = "bf16"} : (tensor<1x2x128x128xf32>, tensor<1x2x128x16xf32>) -> tensor<1x2x128x16xf32>
    %r = kiln.transpose %o permutation = [0, 2, 1, 3] : tensor<1x2x128x16xf32> -> tensor<1x128x2x16xf32>
    %n = kiln.cast %r : tensor<1x128x2x16xf32> to tensor<1x128x2x16xbf16>
    return %n : tensor<1x128x2x16xbf16>
}

// -----

// Heads already batched, K read with transpose_b (K^T is K with its last two dims
// swapped), arguments in another order, and a padding mask added between a scaling by
// 1/2 and a division by 2: scale 1/4, mask_scale 1/2. No kiln.precision: the option's.
// CHECK-LABEL: func.func private @kernel1_fused_attention(
// CHECK-SAME:    kiln.cuda.attention = {k = 2 : i64, k_perm = array<i64: 0, 2, 1>, mask = 0 : i64, mask_scale = 5.000000e-01 : f64, out_perm = array<i64: 0, 1, 2>, precision = "fp32", q = 3 : i64, q_perm = array<i64: 0, 1, 2>, scale = 2.500000e-01 : f64, v = 1 : i64, v_perm = array<i64: 0, 1, 2>}
// F16-LABEL:   func.func private @kernel1_fused_attention(
// F16-SAME:      precision = "fp16"
func.func private @kernel1_fused_attention(%m: tensor<2x1x64xf32>, %v: tensor<2x64x16xf32>, %k: tensor<2x64x16xf32>, %q: tensor<2x64x16xf32>) -> tensor<2x64x16xf32> attributes {kiln.kernel, kiln.label = "", kiln.scheme = "attention"} {
    %s = kiln.matmul %q, %k transpose_b : (tensor<2x64x16xf32>, tensor<2x64x16xf32>) -> tensor<2x64x64xf32>
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

// Kernels of other schemes and functions that are no kernels are left alone.
// CHECK-LABEL: func.func private @kernel2_fused_loop(
// CHECK-NOT:     kiln.cuda.attention
// CHECK-LABEL: func.func @not_a_kernel(
// CHECK-NOT:     kiln.cuda.attention
// BAD:         kiln-cuda-describe-attention: precision 'int8' is not fp32, tf32, bf16 or fp16
func.func private @kernel2_fused_loop(%x: tensor<4xf32>) -> tensor<4xf32> attributes {kiln.kernel, kiln.label = "", kiln.scheme = "loop"} {
    %e = kiln.exp %x : tensor<4xf32>
    %r = kiln.relu %e : tensor<4xf32>
    return %r : tensor<4xf32>
}
func.func @not_a_kernel(%q: tensor<2x64x16xf32>, %k: tensor<2x64x16xf32>, %v: tensor<2x64x16xf32>) -> tensor<2x64x16xf32> {
    %s = kiln.matmul %q, %k transpose_b : (tensor<2x64x16xf32>, tensor<2x64x16xf32>) -> tensor<2x64x64xf32>
    %p = kiln.softmax %s axis = 2 : tensor<2x64x64xf32>
    %o = kiln.matmul %p, %v : (tensor<2x64x64xf32>, tensor<2x64x16xf32>) -> tensor<2x64x16xf32>
    return %o : tensor<2x64x16xf32>
}

// -----

// Q computed inside the kernel by an op other than a transpose: the flash kernel reads
// kernel arguments only.
// expected-error @+1 {{kiln-cuda-describe-attention: attention kernel kernel3_fused_attention (q (Relu)) computes Q inside the kernel; the flash-attention kernel reads Q, K and V from kernel arguments, through transposes only (compile with --target=cpu)}}
func.func private @kernel3_fused_attention(%q: tensor<2x64x16xf32>, %k: tensor<2x64x16xf32>, %v: tensor<2x64x16xf32>) -> tensor<2x64x16xf32> attributes {kiln.kernel, kiln.label = "q (Relu)", kiln.scheme = "attention"} {
    %qr = kiln.relu %q : tensor<2x64x16xf32>
    %s = kiln.matmul %qr, %k transpose_b : (tensor<2x64x16xf32>, tensor<2x64x16xf32>) -> tensor<2x64x64xf32>
    %p = kiln.softmax %s axis = 2 : tensor<2x64x64xf32>
    %o = kiln.matmul %p, %v : (tensor<2x64x64xf32>, tensor<2x64x16xf32>) -> tensor<2x64x16xf32>
    return %o : tensor<2x64x16xf32>
}

// -----

// A kernel returning the scores besides the result.
// expected-error @+1 {{kernel kernel4_fused_attention (no ONNX node) returns 2 values; the flash-attention kernel writes one, the attention's result (compile with --target=cpu)}}
func.func private @kernel4_fused_attention(%q: tensor<2x64x16xf32>, %k: tensor<2x64x16xf32>, %v: tensor<2x64x16xf32>) -> (tensor<2x64x16xf32>, tensor<2x64x64xf32>) attributes {kiln.kernel, kiln.label = "", kiln.scheme = "attention"} {
    %s = kiln.matmul %q, %k transpose_b : (tensor<2x64x16xf32>, tensor<2x64x16xf32>) -> tensor<2x64x64xf32>
    %p = kiln.softmax %s axis = 2 : tensor<2x64x64xf32>
    %o = kiln.matmul %p, %v : (tensor<2x64x64xf32>, tensor<2x64x16xf32>) -> tensor<2x64x16xf32>
    return %o, %p : tensor<2x64x16xf32>, tensor<2x64x64xf32>
}

// -----

// A mask that is a constant of the kernel (small constants are cloned into kernels).
// expected-error @+1 {{kernel kernel5_fused_attention (no ONNX node) adds a mask that is not a kernel argument (a constant or a value computed inside the kernel) (compile with --target=cpu)}}
func.func private @kernel5_fused_attention(%q: tensor<2x64x16xf32>, %k: tensor<2x64x16xf32>, %v: tensor<2x64x16xf32>) -> tensor<2x64x16xf32> attributes {kiln.kernel, kiln.label = "", kiln.scheme = "attention"} {
    %m = kiln.constant dense<0.0> : tensor<64xf32>
    %s = kiln.matmul %q, %k transpose_b : (tensor<2x64x16xf32>, tensor<2x64x16xf32>) -> tensor<2x64x64xf32>
    %a = kiln.add %s, %m : (tensor<2x64x64xf32>, tensor<64xf32>) -> tensor<2x64x64xf32>
    %p = kiln.softmax %a axis = 2 : tensor<2x64x64xf32>
    %o = kiln.matmul %p, %v : (tensor<2x64x64xf32>, tensor<2x64x16xf32>) -> tensor<2x64x16xf32>
    return %o : tensor<2x64x16xf32>
}

// -----

// An op the flash kernel would not compute (it replaces the whole body).
// expected-error @+1 {{kernel kernel6_fused_attention (no ONNX node) computes 'kiln.exp' besides the attention (compile with --target=cpu)}}
func.func private @kernel6_fused_attention(%q: tensor<2x64x16xf32>, %k: tensor<2x64x16xf32>, %v: tensor<2x64x16xf32>) -> tensor<2x64x16xf32> attributes {kiln.kernel, kiln.label = "", kiln.scheme = "attention"} {
    %s = kiln.matmul %q, %k transpose_b : (tensor<2x64x16xf32>, tensor<2x64x16xf32>) -> tensor<2x64x64xf32>
    %p = kiln.softmax %s axis = 2 : tensor<2x64x64xf32>
    %x = kiln.exp %p : tensor<2x64x64xf32>
    %o = kiln.matmul %p, %v : (tensor<2x64x64xf32>, tensor<2x64x16xf32>) -> tensor<2x64x16xf32>
    return %o : tensor<2x64x16xf32>
}

// -----

// Not an attention at all: the scores go through an exp, not a scaling or a mask.
// expected-error @+1 {{kernel kernel7_fused_attention (no ONNX node) does not hold matmul -> scale / mask -> softmax -> matmul with at most one transpose after it (compile with --target=cpu)}}
func.func private @kernel7_fused_attention(%q: tensor<2x64x16xf32>, %k: tensor<2x64x16xf32>, %v: tensor<2x64x16xf32>) -> tensor<2x64x16xf32> attributes {kiln.kernel, kiln.label = "", kiln.scheme = "attention"} {
    %s = kiln.matmul %q, %k transpose_b : (tensor<2x64x16xf32>, tensor<2x64x16xf32>) -> tensor<2x64x64xf32>
    %e = kiln.exp %s : tensor<2x64x64xf32>
    %p = kiln.softmax %e axis = 2 : tensor<2x64x64xf32>
    %o = kiln.matmul %p, %v : (tensor<2x64x64xf32>, tensor<2x64x16xf32>) -> tensor<2x64x16xf32>
    return %o : tensor<2x64x16xf32>
}
