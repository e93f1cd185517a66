// Self-attention over 128 tokens, 4 heads of 64 (bench/attention.py writes the same model).
func.func @main(%q: tensor<1x128x4x64xf32> {kiln.name = "q"}, %k: tensor<1x128x4x64xf32> {kiln.name = "k"}, %v: tensor<1x128x4x64xf32> {kiln.name = "v"}) -> (tensor<1x128x4x64xf32> {kiln.name = "o"}) {
  %qt = kiln.transpose %q permutation = [0, 2, 1, 3] : tensor<1x128x4x64xf32> -> tensor<1x4x128x64xf32> loc("q_heads"("Transpose"))
  %kt = kiln.transpose %k permutation = [0, 2, 3, 1] : tensor<1x128x4x64xf32> -> tensor<1x4x64x128xf32> loc("k_heads"("Transpose"))
  %vt = kiln.transpose %v permutation = [0, 2, 1, 3] : tensor<1x128x4x64xf32> -> tensor<1x4x128x64xf32> loc("v_heads"("Transpose"))
  %s = kiln.matmul %qt, %kt : (tensor<1x4x128x64xf32>, tensor<1x4x64x128xf32>) -> tensor<1x4x128x128xf32> loc("scores"("MatMul"))
  %c = kiln.constant dense<8.0> : tensor<f32>
  %d = kiln.div %s, %c : (tensor<1x4x128x128xf32>, tensor<f32>) -> tensor<1x4x128x128xf32> loc("scale"("Div"))
  %p = kiln.softmax %d axis = 3 : tensor<1x4x128x128xf32> loc("softmax"("Softmax"))
  %o = kiln.matmul %p, %vt : (tensor<1x4x128x128xf32>, tensor<1x4x128x64xf32>) -> tensor<1x4x128x64xf32> loc("context"("MatMul"))
  %r = kiln.transpose %o permutation = [0, 2, 1, 3] : tensor<1x4x128x64xf32> -> tensor<1x128x4x64xf32> loc("merge"("Transpose"))
  return %r : tensor<1x128x4x64xf32>
}
