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
