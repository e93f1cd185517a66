// RUN: kiln-opt %s --split-input-file --kiln-mixed-precision=precision=bf16 | FileCheck %s
// RUN: kiln-opt %s --split-input-file --kiln-mixed-precision=precision=fp16 | FileCheck %s --check-prefix=F16
// RUN: kiln-opt %s --split-input-file --kiln-mixed-precision=precision=fp32 | FileCheck %s --check-prefix=F32
// RUN: not kiln-opt %s --split-input-file --kiln-mixed-precision=precision=int4 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: kiln-opt %s --split-input-file --kiln-mixed-precision="precision=bf16 keep-attention=true" | FileCheck %s --check-prefix=KEEP
// RUN: kiln-opt %s --split-input-file --kiln-mixed-precision="precision=fp16 keep-attention=true" | FileCheck %s --check-prefix=KEEP16
// --kiln-mixed-precision: f32 matmuls take 16-bit operands (constant weights converted at
// compile time, rounding to nearest even: 0.1 is 0x3DCD in bf16, 0x2E66 in f16),
// activations are cast (one cast per activation), the product is cast back to f32; the
// rest stays f32. With keep-attention the two products of an attention stay f32, marked
// with the precision the attention kernel computes them in.

// CHECK-LABEL: func.func @linear
// CHECK-DAG:     %[[W:.+]] = kiln.constant dense<1.000980e-01> : tensor<4x2xbf16>
// CHECK-DAG:     %[[X:.+]] = kiln.cast %arg0 : tensor<3x4xf32> to tensor<3x4xbf16>
// CHECK:         %[[M:.+]] = kiln.matmul %[[X]], %[[W]] : (tensor<3x4xbf16>, tensor<4x2xbf16>) -> tensor<3x2xbf16>
// CHECK:         %[[Y:.+]] = kiln.cast %[[M]] : tensor<3x2xbf16> to tensor<3x2xf32>
// CHECK:         %[[R:.+]] = kiln.relu %[[Y]] : tensor<3x2xf32>
// CHECK:         return %[[R]]
// CHECK-NOT:     tensor<4x2xf32>
// F16-LABEL:   func.func @linear
// F16:           kiln.constant dense<9.997550e-02> : tensor<4x2xf16>
// F16:           kiln.matmul {{.+}} -> tensor<3x2xf16>
// F32-LABEL:   func.func @linear
// F32:           kiln.matmul %arg0, %{{.+}} : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
// BAD:         kiln-mixed-precision: precision 'int4' is not fp32, tf32, bf16 or fp16
func.func @linear(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %w = kiln.constant dense<0.1> : tensor<4x2xf32>
  %0 = kiln.matmul %x, %w : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  %1 = kiln.relu %0 : tensor<3x2xf32>
  return %1 : tensor<3x2xf32>
}

// -----

// Two activations, B transposed: both cast, the transpose kept; a weight shared by two
// products is converted once.
// CHECK-LABEL: func.func @attention_scores
// CHECK:         %[[Q:.+]] = kiln.cast %arg0 : tensor<2x8x16xf32> to tensor<2x8x16xbf16>
// CHECK:         %[[K:.+]] = kiln.cast %arg1 : tensor<2x8x16xf32> to tensor<2x8x16xbf16>
// CHECK:         kiln.matmul %[[Q]], %[[K]] transpose_b : (tensor<2x8x16xbf16>, tensor<2x8x16xbf16>) -> tensor<2x8x8xbf16>
// CHECK-LABEL: func.func @shared_weight
// CHECK-COUNT-1: kiln.constant
// CHECK-NOT:     kiln.constant
func.func @attention_scores(%q: tensor<2x8x16xf32>, %k: tensor<2x8x16xf32>) -> tensor<2x8x8xf32> {
  %0 = kiln.matmul %q, %k transpose_b : (tensor<2x8x16xf32>, tensor<2x8x16xf32>) -> tensor<2x8x8xf32>
  return %0 : tensor<2x8x8xf32>
}
func.func @shared_weight(%x: tensor<3x4xf32>, %y: tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>) {
  %w = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
  %0 = kiln.matmul %x, %w : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  %1 = kiln.matmul %y, %w : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  return %0, %1 : tensor<3x2xf32>, tensor<3x2xf32>
}

// -----

// Products that are not f32 (bf16 already, int8) are left alone.
// CHECK-LABEL: func.func @untouched
// CHECK-NOT:     kiln.cast
// CHECK:         kiln.matmul %arg0, %arg1 : (tensor<3x4xbf16>, tensor<4x2xbf16>) -> tensor<3x2xbf16>
// CHECK:         kiln.matmul %arg2, %arg3 : (tensor<3x4xi8>, tensor<4x2xi8>) -> tensor<3x2xi32>
func.func @untouched(%a: tensor<3x4xbf16>, %b: tensor<4x2xbf16>, %c: tensor<3x4xi8>, %d: tensor<4x2xi8>) -> (tensor<3x2xbf16>, tensor<3x2xi32>) {
  %0 = kiln.matmul %a, %b : (tensor<3x4xbf16>, tensor<4x2xbf16>) -> tensor<3x2xbf16>
  %1 = kiln.matmul %c, %d : (tensor<3x4xi8>, tensor<4x2xi8>) -> tensor<3x2xi32>
  return %0, %1 : tensor<3x2xbf16>, tensor<3x2xi32>
}

// -----

// Two products reading one activation share one cast, placed right after the
// activation's definition (the Q, K, V projections of one x convert it once).
// CHECK-LABEL: func.func @shared_activation
// CHECK:         %[[E:.+]] = kiln.exp %arg0 : tensor<3x4xf32>
// CHECK-NEXT:    %[[EH:.+]] = kiln.cast %[[E]] : tensor<3x4xf32> to tensor<3x4xbf16>
// CHECK-NOT:     kiln.cast %[[E]]
// CHECK:         kiln.matmul %[[EH]], %{{.+}} : (tensor<3x4xbf16>, tensor<4x2xbf16>) -> tensor<3x2xbf16>
// CHECK-NOT:     kiln.cast %[[E]]
// CHECK:         kiln.matmul %[[EH]], %{{.+}} : (tensor<3x4xbf16>, tensor<4x2xbf16>) -> tensor<3x2xbf16>
// KEEP-LABEL:  func.func @shared_activation
// KEEP-COUNT-1:  kiln.cast %{{.+}} : tensor<3x4xf32> to tensor<3x4xbf16>
// KEEP-NOT:      kiln.cast %{{.+}} : tensor<3x4xf32> to tensor<3x4xbf16>
func.func @shared_activation(%x: tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>) {
  %wq = kiln.constant dense<0.5> : tensor<4x2xf32>
  %wk = kiln.constant dense<0.25> : tensor<4x2xf32>
  %e = kiln.exp %x : tensor<3x4xf32>
  %q = kiln.matmul %e, %wq : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  %k = kiln.matmul %e, %wk : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  return %q, %k : tensor<3x2xf32>, tensor<3x2xf32>
}

// -----

// Attention (heads split, scores divided by 4, softmax over the keys, heads merged) and
// an output projection after it. Without keep-attention every product is cast, which
// would break the attention group; with it the two products of the attention stay f32,
// marked kiln.precision, and only the projection is cast.
// CHECK-LABEL: func.func @attention
// CHECK:         kiln.matmul {{.+}} -> tensor<1x2x32x32xbf16>
// CHECK:         kiln.softmax
// CHECK:         kiln.matmul {{.+}} -> tensor<1x2x32x16xbf16>
// CHECK:         kiln.matmul {{.+}} -> tensor<1x32x2x8xbf16>
// CHECK-NOT:     kiln.precision
// KEEP-LABEL:  func.func @attention
// KEEP-NOT:      kiln.cast
// KEEP:          %[[S:.+]] = kiln.matmul %{{.+}}, %{{.+}} {kiln.precision = "bf16"} : (tensor<1x2x32x16xf32>, tensor<1x2x16x32xf32>) -> tensor<1x2x32x32xf32>
// KEEP:          kiln.div %[[S]]
// KEEP:          %[[P:.+]] = kiln.softmax
// KEEP-NOT:      kiln.cast
// KEEP:          kiln.matmul %[[P]], %{{.+}} {kiln.precision = "bf16"} : (tensor<1x2x32x32xf32>, tensor<1x2x32x16xf32>) -> tensor<1x2x32x16xf32>
// KEEP:          %[[R:.+]] = kiln.transpose
// KEEP:          %[[RH:.+]] = kiln.cast %[[R]] : tensor<1x32x2x16xf32> to tensor<1x32x2x16xbf16>
// KEEP:          kiln.matmul %[[RH]], %{{.+}} : (tensor<1x32x2x16xbf16>, tensor<16x8xbf16>) -> tensor<1x32x2x8xbf16>
// KEEP16-LABEL: func.func @attention
// KEEP16:         kiln.matmul {{.+}} {kiln.precision = "fp16"} {{.+}} -> tensor<1x2x32x32xf32>
// KEEP16:         kiln.matmul {{.+}} {kiln.precision = "fp16"} {{.+}} -> tensor<1x2x32x16xf32>
// KEEP16:         kiln.matmul {{.+}} -> tensor<1x32x2x8xf16>
func.func @attention(%q: tensor<1x32x2x16xf32>, %k: tensor<1x32x2x16xf32>, %v: tensor<1x32x2x16xf32>) -> tensor<1x32x2x8xf32> {
  %qt = kiln.transpose %q permutation = [0, 2, 1, 3] : tensor<1x32x2x16xf32> -> tensor<1x2x32x16xf32>
  %kt = kiln.transpose %k permutation = [0, 2, 3, 1] : tensor<1x32x2x16xf32> -> tensor<1x2x16x32xf32>
  %vt = kiln.transpose %v permutation = [0, 2, 1, 3] : tensor<1x32x2x16xf32> -> tensor<1x2x32x16xf32>
  %s = kiln.matmul %qt, %kt : (tensor<1x2x32x16xf32>, tensor<1x2x16x32xf32>) -> tensor<1x2x32x32xf32>
  %c = kiln.constant dense<4.0> : tensor<f32>
  %d = kiln.div %s, %c : (tensor<1x2x32x32xf32>, tensor<f32>) -> tensor<1x2x32x32xf32>
  %p = kiln.softmax %d axis = 3 : tensor<1x2x32x32xf32>
  %o = kiln.matmul %p, %vt : (tensor<1x2x32x32xf32>, tensor<1x2x32x16xf32>) -> tensor<1x2x32x16xf32>
  %r = kiln.transpose %o permutation = [0, 2, 1, 3] : tensor<1x2x32x16xf32> -> tensor<1x32x2x16xf32>
  %w = kiln.constant dense<0.5> : tensor<16x8xf32>
  %y = kiln.matmul %r, %w : (tensor<1x32x2x16xf32>, tensor<16x8xf32>) -> tensor<1x32x2x8xf32>
  return %y : tensor<1x32x2x8xf32>
}

// -----

// Must not fire: a softmax over another axis than the keys is no attention, so its
// products are cast even with keep-attention.
// KEEP-LABEL:  func.func @softmax_over_queries
// KEEP:          kiln.matmul {{.+}} -> tensor<2x8x8xbf16>
// KEEP:          kiln.softmax {{.+}} axis = 1
// KEEP:          kiln.matmul {{.+}} -> tensor<2x8x16xbf16>
// KEEP-NOT:      kiln.precision
func.func @softmax_over_queries(%q: tensor<2x8x16xf32>, %k: tensor<2x8x16xf32>, %v: tensor<2x8x16xf32>) -> tensor<2x8x16xf32> {
  %s = kiln.matmul %q, %k transpose_b : (tensor<2x8x16xf32>, tensor<2x8x16xf32>) -> tensor<2x8x8xf32>
  %p = kiln.softmax %s axis = 1 : tensor<2x8x8xf32>
  %o = kiln.matmul %p, %v : (tensor<2x8x8xf32>, tensor<2x8x16xf32>) -> tensor<2x8x16xf32>
  return %o : tensor<2x8x16xf32>
}

// -----

// A reshaped activation (the pooled features flattened for the classifier): the cast
// goes before the reshape, right after the pooling, and the f32 reshape is gone, so the
// cast is the pooling's only consumer (kiln-fuse makes it the pooling's epilogue). A
// reshape with another f32 consumer keeps it.
// CHECK-LABEL: func.func @pool_flatten_fc
// CHECK:         %[[P:.+]] = kiln.global_pool avg
// CHECK-NEXT:    %[[C:.+]] = kiln.cast %[[P]] : tensor<2x8x1x1xf32> to tensor<2x8x1x1xbf16>
// CHECK-NOT:     kiln.reshape %[[P]]
// CHECK:         %[[R:.+]] = kiln.reshape %[[C]] : tensor<2x8x1x1xbf16> -> tensor<2x8xbf16>
// CHECK:         kiln.matmul %[[R]], %{{.+}} : (tensor<2x8xbf16>, tensor<8x4xbf16>)
// CHECK-LABEL: func.func @reshape_kept
// CHECK:         %[[R32:.+]] = kiln.reshape %{{.+}} : tensor<2x8x1x1xf32> -> tensor<2x8xf32>
// CHECK:         kiln.reshape %{{.+}} : tensor<2x8x1x1xbf16> -> tensor<2x8xbf16>
// CHECK:         kiln.relu %[[R32]]
func.func @pool_flatten_fc(%x: tensor<2x8x4x4xf32>) -> tensor<2x4xf32> {
  %p = kiln.global_pool avg %x : (tensor<2x8x4x4xf32>) -> tensor<2x8x1x1xf32>
  %r = kiln.reshape %p : tensor<2x8x1x1xf32> -> tensor<2x8xf32>
  %w = kiln.constant dense<0.5> : tensor<8x4xf32>
  %y = kiln.matmul %r, %w : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @reshape_kept(%x: tensor<2x8x4x4xf32>) -> (tensor<2x4xf32>, tensor<2x8xf32>) {
  %p = kiln.global_pool avg %x : (tensor<2x8x4x4xf32>) -> tensor<2x8x1x1xf32>
  %r = kiln.reshape %p : tensor<2x8x1x1xf32> -> tensor<2x8xf32>
  %w = kiln.constant dense<0.5> : tensor<8x4xf32>
  %y = kiln.matmul %r, %w : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  %z = kiln.relu %r : tensor<2x8xf32>
  return %y, %z : tensor<2x4xf32>, tensor<2x8xf32>
}
