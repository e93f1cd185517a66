func.func @main(%x: tensor<8xf32>) -> tensor<8xf32> {
  %n = arith.negf %x : tensor<8xf32> loc("neg_node"("Neg"))
  %y = kiln.relu %n : tensor<8xf32>
  return %y : tensor<8xf32>
}
