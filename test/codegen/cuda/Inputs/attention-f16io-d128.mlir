// Attention on f16 tensors with head dim 128 and 60 queries and keys: at --precision=fp16
// on sm_90a the TMA + wgmma kernel with one consumer warpgroup (64 query rows), two
// 64-column boxes per tile, and one partial key block (at bf16 the mma.sync kernel would
// convert Q, K and V as it loads them). No mask; the scale is a multiplication.
func.func @main(%q: tensor<1x60x2x128xf16> {kiln.name = "q"}, %k: tensor<1x60x2x128xf16> {kiln.name = "k"}, %v: tensor<1x60x2x128xf16> {kiln.name = "v"}) -> tensor<1x60x2x128xf32> {
  %qf = kiln.cast %q : tensor<1x60x2x128xf16> to tensor<1x60x2x128xf32>
  %kf = kiln.cast %k : tensor<1x60x2x128xf16> to tensor<1x60x2x128xf32>
  %vf = kiln.cast %v : tensor<1x60x2x128xf16> to tensor<1x60x2x128xf32>
  %qt = kiln.transpose %qf permutation = [0, 2, 1, 3] : tensor<1x60x2x128xf32> -> tensor<1x2x60x128xf32>
  %kt = kiln.transpose %kf permutation = [0, 2, 3, 1] : tensor<1x60x2x128xf32> -> tensor<1x2x128x60xf32>
  %vt = kiln.transpose %vf permutation = [0, 2, 1, 3] : tensor<1x60x2x128xf32> -> tensor<1x2x60x128xf32>
  %s = kiln.matmul %qt, %kt : (tensor<1x2x60x128xf32>, tensor<1x2x128x60xf32>) -> tensor<1x2x60x60xf32>
  %c = kiln.constant dense<0.08838834764831845> : tensor<f32>
  %d = kiln.mul %s, %c : (tensor<1x2x60x60xf32>, tensor<f32>) -> tensor<1x2x60x60xf32>
  %p = kiln.softmax %d axis = 3 : tensor<1x2x60x60xf32>
  %o = kiln.matmul %p, %vt : (tensor<1x2x60x60xf32>, tensor<1x2x60x128xf32>) -> tensor<1x2x60x128xf32>
  %r = kiln.transpose %o permutation = [0, 2, 1, 3] : tensor<1x2x60x128xf32> -> tensor<1x60x2x128xf32>
  return %r : tensor<1x60x2x128xf32>
}
