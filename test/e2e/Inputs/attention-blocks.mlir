// Attention large enough for several blocks: 160 queries and keys in 2 heads of 32
// (work items of 80 rows, query and key blocks of 40), so the online softmax rescales
// its running sums across key blocks.
func.func @attention_blocks(%q: tensor<1x160x2x32xf32>, %k: tensor<1x160x2x32xf32>, %v: tensor<1x160x2x32xf32>) -> tensor<1x160x2x32xf32> {
  %qt = kiln.transpose %q permutation = [0, 2, 1, 3] : tensor<1x160x2x32xf32> -> tensor<1x2x160x32xf32>
  %kt = kiln.transpose %k permutation = [0, 2, 3, 1] : tensor<1x160x2x32xf32> -> tensor<1x2x32x160xf32>
  %vt = kiln.transpose %v permutation = [0, 2, 1, 3] : tensor<1x160x2x32xf32> -> tensor<1x2x160x32xf32>
  %s = kiln.matmul %qt, %kt : (tensor<1x2x160x32xf32>, tensor<1x2x32x160xf32>) -> tensor<1x2x160x160xf32>
  %c = kiln.constant dense<0.5> : tensor<f32>
  %d = kiln.mul %s, %c : (tensor<1x2x160x160xf32>, tensor<f32>) -> tensor<1x2x160x160xf32>
  %p = kiln.softmax %d axis = 3 : tensor<1x2x160x160xf32>
  %o = kiln.matmul %p, %vt : (tensor<1x2x160x160xf32>, tensor<1x2x160x32xf32>) -> tensor<1x2x160x32xf32>
  %r = kiln.transpose %o permutation = [0, 2, 1, 3] : tensor<1x2x160x32xf32> -> tensor<1x160x2x32xf32>
  return %r : tensor<1x160x2x32xf32>
}
