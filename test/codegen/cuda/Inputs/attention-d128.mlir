// Attention with head dim 128, 256 tokens in 2 heads (bench/gpu.py attention_model).
func.func @main(%q: tensor<1x256x2x128xf32> {kiln.name = "q"}, %k: tensor<1x256x2x128xf32> {kiln.name = "k"}, %v: tensor<1x256x2x128xf32> {kiln.name = "v"}) -> tensor<1x256x2x128xf32> {
  %qt = kiln.transpose %q permutation = [0, 2, 1, 3] : tensor<1x256x2x128xf32> -> tensor<1x2x256x128xf32>
  %kt = kiln.transpose %k permutation = [0, 2, 3, 1] : tensor<1x256x2x128xf32> -> tensor<1x2x128x256xf32>
  %vt = kiln.transpose %v permutation = [0, 2, 1, 3] : tensor<1x256x2x128xf32> -> tensor<1x2x256x128xf32>
  %s = kiln.matmul %qt, %kt : (tensor<1x2x256x128xf32>, tensor<1x2x128x256xf32>) -> tensor<1x2x256x256xf32>
  %c = kiln.constant dense<11.313708498984761> : tensor<f32>
  %d = kiln.div %s, %c : (tensor<1x2x256x256xf32>, tensor<f32>) -> tensor<1x2x256x256xf32>
  %p = kiln.softmax %d axis = 3 : tensor<1x2x256x256xf32>
  %o = kiln.matmul %p, %vt : (tensor<1x2x256x256xf32>, tensor<1x2x256x128xf32>) -> tensor<1x2x256x128xf32>
  %r = kiln.transpose %o permutation = [0, 2, 1, 3] : tensor<1x2x256x128xf32> -> tensor<1x256x2x128xf32>
  return %r : tensor<1x256x2x128xf32>
}
