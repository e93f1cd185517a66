// Attention (the flash kernel, whose shared memory is gpu.dynamic_shared_memory) and
// its output projection (under --precision=bf16 on sm_90a, the wgmma kernel, whose ring
// is the 1024-byte aligned kiln_smem_1024): one module declares both dynamic shared
// arrays, which a GPU aliases, as in a transformer block.
func.func @main(%q: tensor<2x100x3x32xf32> {kiln.name = "q"}, %k: tensor<2x100x3x32xf32> {kiln.name = "k"}, %v: tensor<2x100x3x32xf32> {kiln.name = "v"}, %w: tensor<96x64xf32> {kiln.name = "w"}) -> tensor<2x100x64xf32> {
  %qt = kiln.transpose %q permutation = [0, 2, 1, 3] : tensor<2x100x3x32xf32> -> tensor<2x3x100x32xf32>
  %kt = kiln.transpose %k permutation = [0, 2, 3, 1] : tensor<2x100x3x32xf32> -> tensor<2x3x32x100xf32>
  %vt = kiln.transpose %v permutation = [0, 2, 1, 3] : tensor<2x100x3x32xf32> -> tensor<2x3x100x32xf32>
  %s = kiln.matmul %qt, %kt : (tensor<2x3x100x32xf32>, tensor<2x3x32x100xf32>) -> tensor<2x3x100x100xf32>
  %c = kiln.constant dense<5.656854249492381> : tensor<f32>
  %d = kiln.div %s, %c : (tensor<2x3x100x100xf32>, tensor<f32>) -> tensor<2x3x100x100xf32>
  %p = kiln.softmax %d axis = 3 : tensor<2x3x100x100xf32>
  %o = kiln.matmul %p, %vt : (tensor<2x3x100x100xf32>, tensor<2x3x100x32xf32>) -> tensor<2x3x100x32xf32>
  %r = kiln.transpose %o permutation = [0, 2, 1, 3] : tensor<2x3x100x32xf32> -> tensor<2x100x3x32xf32>
  %h = kiln.reshape %r : tensor<2x100x3x32xf32> -> tensor<2x100x96xf32>
  %y = kiln.matmul %h, %w : (tensor<2x100x96xf32>, tensor<96x64xf32>) -> tensor<2x100x64xf32>
  return %y : tensor<2x100x64xf32>
}
