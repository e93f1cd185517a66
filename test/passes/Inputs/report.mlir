func.func @main(%x: tensor<8x16xf32>, %w: tensor<16x32xf32>, %b: tensor<32xf32>) -> (tensor<8x32xf32>, tensor<8x32xf32>, tensor<8x32xf32>) {
  %m = kiln.matmul %x, %w : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32> loc("mm"("MatMul"))
  %s = kiln.add %m, %b : (tensor<8x32xf32>, tensor<32xf32>) -> tensor<8x32xf32> loc("bias"("Add"))
  %y = kiln.relu %s : tensor<8x32xf32> loc("act"("Relu"))
  %e = kiln.exp %y : tensor<8x32xf32> loc("exp"("Exp"))
  %n = kiln.neg %y : tensor<8x32xf32> loc("neg"("Neg"))
  %o = arith.negf %n : tensor<8x32xf32> loc("opaque"("Custom"))
  %t = kiln.tanh %o : tensor<8x32xf32> loc("tanh"("Tanh"))
  return %e, %t, %y : tensor<8x32xf32>, tensor<8x32xf32>, tensor<8x32xf32>
}
