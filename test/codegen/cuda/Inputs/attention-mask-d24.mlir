// Attention with a padding-style mask [2, 1, 1, 100] added after the scaling, 100 keys
// (no multiple of the 64-key block), head dim 24 (bench/gpu.py attention_model): no multiple of 16, so not an attention
// group on CUDA (the flash kernel holds multiples of 16): its products and softmax run.
func.func @main(%q: tensor<2x100x3x24xf32> {kiln.name = "q"}, %k: tensor<2x100x3x24xf32> {kiln.name = "k"}, %v: tensor<2x100x3x24xf32> {kiln.name = "v"}, %m: tensor<2x1x1x100xf32> {kiln.name = "m"}) -> tensor<2x100x3x24xf32> {
  %qt = kiln.transpose %q permutation = [0, 2, 1, 3] : tensor<2x100x3x24xf32> -> tensor<2x3x100x24xf32>
  %kt = kiln.transpose %k permutation = [0, 2, 3, 1] : tensor<2x100x3x24xf32> -> tensor<2x3x24x100xf32>
  %vt = kiln.transpose %v permutation = [0, 2, 1, 3] : tensor<2x100x3x24xf32> -> tensor<2x3x100x24xf32>
  %s = kiln.matmul %qt, %kt : (tensor<2x3x100x24xf32>, tensor<2x3x24x100xf32>) -> tensor<2x3x100x100xf32>
  %c = kiln.constant dense<4.898979485566356> : tensor<f32>
  %d = kiln.div %s, %c : (tensor<2x3x100x100xf32>, tensor<f32>) -> tensor<2x3x100x100xf32>
  %a = kiln.add %d, %m : (tensor<2x3x100x100xf32>, tensor<2x1x1x100xf32>) -> tensor<2x3x100x100xf32>
  %p = kiln.softmax %a axis = 3 : tensor<2x3x100x100xf32>
  %o = kiln.matmul %p, %vt : (tensor<2x3x100x100xf32>, tensor<2x3x100x24xf32>) -> tensor<2x3x100x24xf32>
  %r = kiln.transpose %o permutation = [0, 2, 1, 3] : tensor<2x3x100x24xf32> -> tensor<2x100x3x24xf32>
  return %r : tensor<2x100x3x24xf32>
}
