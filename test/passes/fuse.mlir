// RUN: kiln-opt %s --kiln-fuse --split-input-file | FileCheck %s
// RUN: kiln-opt %s --kiln-fuse --split-input-file --mlir-print-debuginfo | FileCheck %s --check-prefix=LOC
// --kiln-fuse: contraction groups (matmul / conv + elementwise epilogue chain) and loop
// groups (elementwise chains), each edge fused only when its value has that one
// consumer, keeps its shape and is static; opaque ops are never crossed.

// CHECK-LABEL: func.func @matmul_bias_relu(
// CHECK-SAME:    %[[X:.+]]: tensor<8x16xf32>, %[[W:.+]]: tensor<16x32xf32>, %[[B:.+]]: tensor<32xf32>
// CHECK:         %[[R:.+]] = kiln.fusion contraction (%[[X]], %[[W]], %[[B]]) : (tensor<8x16xf32>, tensor<16x32xf32>, tensor<32xf32>) -> tensor<8x32xf32> {
// CHECK:           kiln.matmul
// CHECK:           kiln.add
// CHECK:           kiln.relu
// CHECK:           kiln.yield
// CHECK:         }
// CHECK:         return %[[R]]
// The group's location fuses its members' (kernel labels list the ONNX nodes).
// LOC: #[[MM:loc[0-9]+]] = loc("mm"(
// LOC: #[[BIAS:loc[0-9]+]] = loc("bias"(
// LOC: #[[ACT:loc[0-9]+]] = loc("act"(
// LOC: = loc(fused[#[[MM]], #[[BIAS]], #[[ACT]]])
func.func @matmul_bias_relu(%x: tensor<8x16xf32>, %w: tensor<16x32xf32>, %b: tensor<32xf32>) -> tensor<8x32xf32> {
  %m = kiln.matmul %x, %w : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32> loc("mm"("MatMul"))
  %s = kiln.add %m, %b : (tensor<8x32xf32>, tensor<32xf32>) -> tensor<8x32xf32> loc("bias"("Add"))
  %y = kiln.relu %s : tensor<8x32xf32> loc("act"("Relu"))
  return %y : tensor<8x32xf32>
}

// -----

// Conv + residual add + relu: one contraction group.
// CHECK-LABEL: func.func @conv_residual_relu(
// CHECK:         kiln.fusion contraction
// CHECK:           kiln.conv2d
// CHECK:           kiln.add
// CHECK:           kiln.relu
// CHECK-NOT:     kiln.fusion
func.func @conv_residual_relu(%x: tensor<1x4x8x8xf32>, %w: tensor<4x4x3x3xf32>, %r: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %c = kiln.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
  %a = kiln.add %c, %r : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %y = kiln.relu %a : tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// -----

// Must not fire: the matmul result has two consumers (fusing would recompute the matmul
// or keep it in memory anyway); the two relus form no chain either.
// CHECK-LABEL: func.func @multi_consumer(
// CHECK-NOT:     kiln.fusion
// CHECK:         kiln.matmul
// CHECK:         kiln.relu
// CHECK:         kiln.neg
func.func @multi_consumer(%x: tensor<8x16xf32>, %w: tensor<16x32xf32>) -> (tensor<8x32xf32>, tensor<8x32xf32>) {
  %m = kiln.matmul %x, %w : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32>
  %a = kiln.relu %m : tensor<8x32xf32>
  %b = kiln.neg %m : tensor<8x32xf32>
  return %a, %b : tensor<8x32xf32>, tensor<8x32xf32>
}

// -----

// Must not fire: an opaque op (another dialect) between the matmul and the relu.
// CHECK-LABEL: func.func @opaque_between(
// CHECK-NOT:     kiln.fusion
// CHECK:         kiln.matmul
// CHECK:         arith.negf
// CHECK:         kiln.relu
func.func @opaque_between(%x: tensor<8x16xf32>, %w: tensor<16x32xf32>) -> tensor<8x32xf32> {
  %m = kiln.matmul %x, %w : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32>
  %n = arith.negf %m : tensor<8x32xf32>
  %y = kiln.relu %n : tensor<8x32xf32>
  return %y : tensor<8x32xf32>
}

// -----

// Must not fire: the consumer broadcasts the matmul result to a larger shape (the
// epilogue would not run on the accumulator tile as is).
// CHECK-LABEL: func.func @incompatible_broadcast(
// CHECK-NOT:     kiln.fusion
func.func @incompatible_broadcast(%x: tensor<8x16xf32>, %w: tensor<16x32xf32>, %z: tensor<4x8x32xf32>) -> tensor<4x8x32xf32> {
  %m = kiln.matmul %x, %w : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32>
  %a = kiln.add %m, %z : (tensor<8x32xf32>, tensor<4x8x32xf32>) -> tensor<4x8x32xf32>
  return %a : tensor<4x8x32xf32>
}

// -----

// Row-reduction group: the softmax takes the elementwise chain that feeds only its input
// (exp -> neg -> tanh, prologue) and the chain after it (mul -> sqrt, epilogue).
// CHECK-LABEL: func.func @row_reduction(
// CHECK:         %[[R:.+]] = kiln.fusion row_reduction (%{{.+}}) : (tensor<2x8xf32>) -> tensor<2x8xf32> {
// CHECK:           kiln.exp
// CHECK:           kiln.neg
// CHECK:           kiln.tanh
// CHECK:           kiln.softmax
// CHECK:           kiln.mul
// CHECK:           kiln.sqrt
// CHECK:         return %[[R]]
func.func @row_reduction(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %e = kiln.exp %x : tensor<2x8xf32>
  %n = kiln.neg %e : tensor<2x8xf32>
  %t = kiln.tanh %n : tensor<2x8xf32>
  %s = kiln.softmax %t axis = 1 : tensor<2x8xf32>
  %m = kiln.mul %s, %s : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %q = kiln.sqrt %m : tensor<2x8xf32>
  return %q : tensor<2x8xf32>
}

// -----

// Row reductions: a sum over the last axis takes its prologue (the add of a bias whose
// other operand broadcasts); layer_norm's scale is a parameter, not its data input, and
// its producer (a negation also returned: two consumers) stays outside; the sub reading
// the reduce's keep_dims result broadcast keeps layer_norm's shape, so it is
// layer_norm's epilogue, and the reduce group is an input of that group.
// CHECK-LABEL: func.func @row_reduction_edges(
// CHECK:         %[[N:.+]] = kiln.neg
// CHECK:         %[[S:.+]] = kiln.fusion row_reduction
// CHECK:           kiln.add
// CHECK:           kiln.reduce sum
// CHECK:           kiln.yield
// CHECK:         %[[L:.+]] = kiln.fusion row_reduction (%{{.+}}, %[[N]], %[[S]])
// CHECK:           kiln.exp
// CHECK:           kiln.layer_norm
// CHECK:           kiln.sub
// CHECK:           kiln.yield
// CHECK:         return %[[L]], %[[N]]
func.func @row_reduction_edges(%x: tensor<4x16xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>) -> (tensor<4x16xf32>, tensor<16xf32>) {
  %n = kiln.neg %g : tensor<16xf32>
  %e = kiln.exp %x : tensor<4x16xf32>
  %l = kiln.layer_norm %e scale %n axis = 1 epsilon = 1.0e-05 : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %a = kiln.add %x, %b : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %s = kiln.reduce sum %a axes = [1] keep_dims : (tensor<4x16xf32>) -> tensor<4x1xf32>
  %d = kiln.sub %l, %s : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  return %d, %n : tensor<4x16xf32>, tensor<16xf32>
}

// -----

// Recomputation: a cheap producer (add) with two elementwise consumers is cloned into
// both loop groups; an expensive one (exp, 20 FLOPs per element) is not, and a consumer
// that broadcasts to another shape keeps its producer (mul) in memory as well.
// CHECK-LABEL: func.func @recompute(
// CHECK:         kiln.fusion loop (%{{.+}}, %{{.+}}) : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32> {
// CHECK:           kiln.add
// CHECK:           kiln.relu
// CHECK:         kiln.fusion loop (%{{.+}}, %{{.+}}) : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32> {
// CHECK:           kiln.add
// CHECK:           kiln.neg
// CHECK:         %[[E:.+]] = kiln.exp
// CHECK:         kiln.tanh %[[E]]
// CHECK:         kiln.cos %[[E]]
// CHECK:         %[[M:.+]] = kiln.mul
// CHECK:         kiln.sigmoid %[[M]]
// CHECK:         kiln.add %[[M]]
// CHECK:         return
func.func @recompute(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>, %z: tensor<2x4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<2x4x8xf32>) {
  %a = kiln.add %x, %y : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = kiln.relu %a : tensor<4x8xf32>
  %n = kiln.neg %a : tensor<4x8xf32>
  %e = kiln.exp %x : tensor<4x8xf32>
  %t = kiln.tanh %e : tensor<4x8xf32>
  %c = kiln.cos %e : tensor<4x8xf32>
  %m = kiln.mul %y, %y : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %s = kiln.sigmoid %m : tensor<4x8xf32>
  %w = kiln.add %m, %z : (tensor<4x8xf32>, tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %r, %n, %t, %c, %s, %w : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<2x4x8xf32>
}

// -----

// Loop groups: an elementwise chain; the transpose (data movement) ends it and its
// consumer chain is another.
// CHECK-LABEL: func.func @loop_chains(
// CHECK:         %[[L:.+]] = kiln.fusion loop (%{{.+}}) : (tensor<2x8xf32>) -> tensor<2x8xf32> {
// CHECK:           kiln.exp
// CHECK:           kiln.neg
// CHECK:         %[[T:.+]] = kiln.transpose %[[L]]
// CHECK:         kiln.fusion loop (%[[T]]) : (tensor<8x2xf32>) -> tensor<8x2xf32> {
// CHECK:           kiln.mul
// CHECK:           kiln.sqrt
func.func @loop_chains(%x: tensor<2x8xf32>) -> tensor<8x2xf32> {
  %e = kiln.exp %x : tensor<2x8xf32>
  %n = kiln.neg %e : tensor<2x8xf32>
  %t = kiln.transpose %n permutation = [1, 0] : tensor<2x8xf32> -> tensor<8x2xf32>
  %m = kiln.mul %t, %t : (tensor<8x2xf32>, tensor<8x2xf32>) -> tensor<8x2xf32>
  %q = kiln.sqrt %m : tensor<8x2xf32>
  return %q : tensor<8x2xf32>
}

// -----

// Prologue: transposes that feed only the contraction join its group (the matmul reads
// the operands through the permutation; the permuted copies never exist). A transpose
// with another consumer stays outside.
// CHECK-LABEL: func.func @transpose_prologue(
// CHECK:         %[[T:.+]] = kiln.transpose %{{.+}} permutation = [0, 2, 1, 3]
// CHECK:         kiln.fusion contraction
// CHECK:           kiln.transpose {{.+}} permutation = [0, 2, 3, 1]
// CHECK:           kiln.matmul
// CHECK:           kiln.div
// CHECK:         return
func.func @transpose_prologue(%q: tensor<1x4x16x16xf32>, %k: tensor<1x16x4x16xf32>, %v: tensor<1x16x4x16xf32>, %s: tensor<f32>) -> (tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32>) {
  %vt = kiln.transpose %v permutation = [0, 2, 1, 3] : tensor<1x16x4x16xf32> -> tensor<1x4x16x16xf32>
  %kt = kiln.transpose %k permutation = [0, 2, 3, 1] : tensor<1x16x4x16xf32> -> tensor<1x4x16x16xf32>
  %m = kiln.matmul %q, %kt : (tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32>) -> tensor<1x4x16x16xf32>
  %d = kiln.div %m, %s : (tensor<1x4x16x16xf32>, tensor<f32>) -> tensor<1x4x16x16xf32>
  %n = kiln.matmul %d, %vt : (tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32>) -> tensor<1x4x16x16xf32>
  return %n, %vt : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32>
}

// -----

// Prologue, elementwise and transitive (weight-only quantization): int8 weights stored
// [N, K] are dequantized and transposed inside the matmul's group, which also takes its
// epilogue; the f32 weights never exist. A cheap scaling of the activations (1 FLOP per
// element) joins too.
// CHECK-LABEL: func.func @weight_only_int8(
// CHECK:         %[[R:.+]] = kiln.fusion contraction
// CHECK:           kiln.dequantize
// CHECK:           kiln.transpose
// CHECK:           kiln.mul
// CHECK:           kiln.matmul
// CHECK:           kiln.add
// CHECK:           kiln.relu
// CHECK:           kiln.yield
// CHECK:         return %[[R]]
func.func @weight_only_int8(%x: tensor<8x16xf32>, %b: tensor<32xf32>) -> tensor<8x32xf32> {
  %wq = kiln.constant dense<[[-7, -62, 61, 114, -95, -122, 112, 4, -9, -30, 112, 115, 75, -51, -10, -51], [71, -121, -96, -47, -107, 26, -113, 9, 114, 70, 90, 74, 99, -60, 59, -79], [-110, -59, 125, -17, 4, 95, 26, 87, 69, 51, 80, -10, 44, -114, 15, -45], [39, -75, -20, 8, 17, -65, -96, 118, 119, -83, 48, -94, 82, -51, -118, 22], [90, 84, -68, -106, -105, 65, 41, 14, -8, -110, 30, -125, -89, -73, -112, -27], [80, 21, 6, -49, -107, 45, 32, 56, -58, 65, 64, 107, 69, -76, 10, 92], [-7, 26, 95, 4, 27, 45, -123, 84, 33, -118, 64, -60, -98, 42, 110, 52], [52, 14, 122, -117, -97, -118, 61, 0, 105, 24, 35, -38, 58, -34, 32, 61], [7, 25, 65, -75, -115, -61, 30, -15, 9, -6, 39, -33, 94, -79, -76, 36], [42, -14, 96, -42, -88, 44, -17, 102, 10, -13, -67, -111, -31, 33, -35, 14], [46, -85, 48, -62, 87, 21, 10, 109, 49, 85, 20, 86, 81, -110, 83, -49], [-26, -126, 116, 94, -15, -112, 105, 19, 46, -12, -94, 18, -67, -3, -105, -111], [-27, 92, -103, -122, 118, -67, -41, 25, -6, -118, 83, -101, -70, 46, -64, 1], [116, -97, 52, -15, -27, -66, -67, -41, -6, 12, -63, -125, 121, 76, -103, 10], [-1, 9, 88, -102, 114, 37, -128, -100, -64, -105, -65, -103, -93, 119, -112, -84], [122, 33, -48, 33, -92, 51, 69, 71, 27, 56, 7, -31, 40, 91, -65, -63], [-127, 66, -88, -37, -107, 63, 107, 66, -106, 92, -101, 62, 126, 33, 87, 86], [107, -119, -3, -17, 10, -92, 89, -14, 90, -62, -114, 38, 63, 6, -66, 109], [-65, 64, -73, 35, -76, -126, 114, -55, -8, 71, -106, -81, -78, 64, -37, -116], [46, -66, -115, -70, 118, 17, 25, -83, -110, -6, -74, -77, -97, 38, -36, -89], [-5, -36, -1, 104, 73, 1, 60, 75, 51, 86, -86, 64, -8, 83, -46, 84], [119, -49, 77, -52, -45, -79, 126, 119, 98, -33, -59, 8, -27, -53, 33, -10], [23, 83, 8, -17, 29, -117, 9, 117, 67, -26, -40, 56, -6, 36, 119, -55], [86, 117, -23, 111, -114, 118, -91, 76, -105, 111, -11, -8, -93, -17, 2, -5], [-31, 4, -58, -33, -110, 2, -42, -105, 32, -35, 88, -82, -85, -68, -81, 7], [21, -110, 54, 103, 44, -125, -113, 43, 41, 95, 66, 120, -89, -21, 122, 72], [-64, 35, -67, 12, -89, 93, -71, 96, 0, -79, 63, 60, 102, 23, 7, -74], [45, -70, 124, 52, -98, 22, -35, -52, -37, 61, 104, -65, -73, -56, 41, 87], [25, -33, 106, 118, 31, -38, -93, -74, -36, 72, 55, -77, 8, 10, 68, -101], [-59, -107, 117, 10, -2, 53, 42, 78, 101, -93, 52, 126, -71, -51, 10, -77], [-71, -71, -34, -32, 85, 72, -63, -54, 75, -29, -41, -37, -25, 0, 61, 22], [-113, 99, 80, 68, 33, 30, 126, 25, 119, -113, -31, -127, -73, -9, 123, -40]]> : tensor<32x16xi8> as tensor<32x16x!quant.uniform<i8:f32, 0.05:3>>
  %w = kiln.dequantize %wq : tensor<32x16x!quant.uniform<i8:f32, 0.05:3>> to tensor<32x16xf32>
  %wt = kiln.transpose %w permutation = [1, 0] : tensor<32x16xf32> -> tensor<16x32xf32>
  %c = kiln.constant dense<0.5> : tensor<f32>
  %xs = kiln.mul %x, %c : (tensor<8x16xf32>, tensor<f32>) -> tensor<8x16xf32>
  %m = kiln.matmul %xs, %wt : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32>
  %a = kiln.add %m, %b : (tensor<8x32xf32>, tensor<32xf32>) -> tensor<8x32xf32>
  %r = kiln.relu %a : tensor<8x32xf32>
  return %r : tensor<8x32xf32>
}

// -----

// Prologue: a cast of f16 activations and a broadcast of shared weights over the batch
// feed a batched matmul; both join its group.
// CHECK-LABEL: func.func @cast_broadcast_prologue(
// CHECK:         kiln.fusion contraction
// CHECK:           kiln.cast
// CHECK:           kiln.broadcast_to
// CHECK:           kiln.matmul
// CHECK:           kiln.yield
func.func @cast_broadcast_prologue(%x: tensor<2x8x16xf16>, %w: tensor<16x32xf32>) -> tensor<2x8x32xf32> {
  %xf = kiln.cast %x : tensor<2x8x16xf16> to tensor<2x8x16xf32>
  %wb = kiln.broadcast_to %w : tensor<16x32xf32> -> tensor<2x16x32xf32>
  %m = kiln.matmul %xf, %wb : (tensor<2x8x16xf32>, tensor<2x16x32xf32>) -> tensor<2x8x32xf32>
  return %m : tensor<2x8x32xf32>
}

// -----

// Must not fire as prologue: exp (20 FLOPs per element, computed again per tile) and a
// scaling whose result has another consumer; both stay outside the contraction.
// CHECK-LABEL: func.func @prologue_refused(
// CHECK:         %[[E:.+]] = kiln.exp
// CHECK:         %[[S:.+]] = kiln.mul
// CHECK:         kiln.fusion contraction (%[[E]], %[[S]])
// CHECK-NOT:       kiln.exp
// CHECK:           kiln.matmul
// CHECK:         return
func.func @prologue_refused(%x: tensor<8x16xf32>, %w: tensor<16x32xf32>) -> (tensor<8x32xf32>, tensor<16x32xf32>) {
  %e = kiln.exp %x : tensor<8x16xf32>
  %c = kiln.constant dense<0.5> : tensor<f32>
  %s = kiln.mul %w, %c : (tensor<16x32xf32>, tensor<f32>) -> tensor<16x32xf32>
  %m = kiln.matmul %e, %s : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32>
  %r = kiln.relu %m : tensor<8x32xf32>
  return %r, %s : tensor<8x32xf32>, tensor<16x32xf32>
}

// -----

// Horizontal fusion: three projections of the same input with constant weights and
// biases (Q, K, V) become one matmul with the weights concatenated along N, one bias add
// and three slices, all in one contraction group with three outputs. The matmul whose
// weight is a graph input is no sibling and keeps its own group.
// CHECK-LABEL: func.func @qkv(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<8x16xf32>, %[[W:[^:]+]]: tensor<16x4xf32>
// CHECK:         %[[WC:.+]] = kiln.constant dense_resource<horizontal_weights> : tensor<16x24xf32>
// CHECK:         %[[BC:.+]] = kiln.constant dense_resource<horizontal_bias> : tensor<24xf32>
// CHECK:         %[[R:.+]]:3 = kiln.fusion contraction (%[[X]], %[[WC]], %[[BC]]) : (tensor<8x16xf32>, tensor<16x24xf32>, tensor<24xf32>) -> (tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>) {
// CHECK:           %[[M:.+]] = kiln.matmul %{{.+}}, %{{.+}} : (tensor<8x16xf32>, tensor<16x24xf32>) -> tensor<8x24xf32>
// CHECK:           %[[A:.+]] = kiln.add %[[M]], %{{.+}} : (tensor<8x24xf32>, tensor<24xf32>) -> tensor<8x24xf32>
// CHECK:           %[[S0:.+]] = kiln.slice %[[A]] starts = [0, 0] ends = [8, 8]
// CHECK:           %[[S1:.+]] = kiln.slice %[[A]] starts = [0, 8] ends = [8, 16]
// CHECK:           %[[S2:.+]] = kiln.slice %[[A]] starts = [0, 16] ends = [8, 24]
// CHECK:           kiln.yield %[[S0]], %[[S1]], %[[S2]]
// CHECK:         kiln.fusion contraction (%[[X]], %[[W]]
// CHECK:         return %[[R]]#0, %[[R]]#1, %[[R]]#2
func.func @qkv(%x: tensor<8x16xf32>, %w: tensor<16x4xf32>) -> (tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x4xf32>) {
  %wq = kiln.constant dense<0.5> : tensor<16x8xf32>
  %wk = kiln.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [-1.0, -2.0, -3.0, -4.0, -5.0, -6.0, -7.0, -8.0], [-1.0, -2.0, -3.0, -4.0, -5.0, -6.0, -7.0, -8.0], [-1.0, -2.0, -3.0, -4.0, -5.0, -6.0, -7.0, -8.0], [-1.0, -2.0, -3.0, -4.0, -5.0, -6.0, -7.0, -8.0], [-1.0, -2.0, -3.0, -4.0, -5.0, -6.0, -7.0, -8.0], [-1.0, -2.0, -3.0, -4.0, -5.0, -6.0, -7.0, -8.0], [-1.0, -2.0, -3.0, -4.0, -5.0, -6.0, -7.0, -8.0], [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0]]> : tensor<16x8xf32>
  %wv = kiln.constant dense<-0.25> : tensor<16x8xf32>
  %bq = kiln.constant dense<1.0> : tensor<8xf32>
  %bk = kiln.constant dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]> : tensor<8xf32>
  %bv = kiln.constant dense<-1.0> : tensor<8xf32>
  %q = kiln.matmul %x, %wq : (tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<8x8xf32>
  %qb = kiln.add %q, %bq : (tensor<8x8xf32>, tensor<8xf32>) -> tensor<8x8xf32>
  %k = kiln.matmul %x, %wk : (tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<8x8xf32>
  %kb = kiln.add %bk, %k : (tensor<8xf32>, tensor<8x8xf32>) -> tensor<8x8xf32>
  %v = kiln.matmul %x, %wv : (tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<8x8xf32>
  %vb = kiln.add %v, %bv : (tensor<8x8xf32>, tensor<8xf32>) -> tensor<8x8xf32>
  %o = kiln.matmul %x, %w : (tensor<8x16xf32>, tensor<16x4xf32>) -> tensor<8x4xf32>
  %r = kiln.relu %o : tensor<8x4xf32>
  return %qb, %kb, %vb, %r : tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x4xf32>
}

// -----

// Must not fire: siblings with and without a bias are not concatenated (their epilogues
// differ); one projection alone has no sibling.
// CHECK-LABEL: func.func @mixed_bias(
// CHECK-NOT:     kiln.slice
// CHECK-NOT:     horizontal
func.func @mixed_bias(%x: tensor<8x16xf32>) -> (tensor<8x8xf32>, tensor<8x8xf32>) {
  %wq = kiln.constant dense<0.5> : tensor<16x8xf32>
  %wk = kiln.constant dense<0.25> : tensor<16x8xf32>
  %bq = kiln.constant dense<1.0> : tensor<8xf32>
  %q = kiln.matmul %x, %wq : (tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<8x8xf32>
  %qb = kiln.add %q, %bq : (tensor<8x8xf32>, tensor<8xf32>) -> tensor<8x8xf32>
  %k = kiln.matmul %x, %wk : (tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<8x8xf32>
  return %qb, %k : tensor<8x8xf32>, tensor<8x8xf32>
}
