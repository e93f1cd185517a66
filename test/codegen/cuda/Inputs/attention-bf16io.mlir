// Attention on bf16 tensors, as a bf16 network holds them: Q, K, V [2, 150, 2, 64] widened
// to f32 for kiln's f32 attention group, a padding-style mask [2, 1, 1, 150], the result
// narrowed back. Under --precision=bf16|fp16 kiln-mixed-precision attention-io reads Q, K
// and V as the 16-bit tensors they are, so sm_90a takes the TMA + wgmma kernel: 150
// queries are a full and a partial tile of 128, 150 keys a full and a partial block.
func.func @main(%q: tensor<2x150x2x64xbf16> {kiln.name = "q"}, %k: tensor<2x150x2x64xbf16> {kiln.name = "k"}, %v: tensor<2x150x2x64xbf16> {kiln.name = "v"}, %m: tensor<2x1x1x150xf32> {kiln.name = "m"}) -> tensor<2x150x2x64xbf16> {
  %qf = kiln.cast %q : tensor<2x150x2x64xbf16> to tensor<2x150x2x64xf32>
  %kf = kiln.cast %k : tensor<2x150x2x64xbf16> to tensor<2x150x2x64xf32>
  %vf = kiln.cast %v : tensor<2x150x2x64xbf16> to tensor<2x150x2x64xf32>
  %qt = kiln.transpose %qf permutation = [0, 2, 1, 3] : tensor<2x150x2x64xf32> -> tensor<2x2x150x64xf32>
  %kt = kiln.transpose %kf permutation = [0, 2, 3, 1] : tensor<2x150x2x64xf32> -> tensor<2x2x64x150xf32>
  %vt = kiln.transpose %vf permutation = [0, 2, 1, 3] : tensor<2x150x2x64xf32> -> tensor<2x2x150x64xf32>
  %s = kiln.matmul %qt, %kt : (tensor<2x2x150x64xf32>, tensor<2x2x64x150xf32>) -> tensor<2x2x150x150xf32>
  %c = kiln.constant dense<8.0> : tensor<f32>
  %d = kiln.div %s, %c : (tensor<2x2x150x150xf32>, tensor<f32>) -> tensor<2x2x150x150xf32>
  %a = kiln.add %d, %m : (tensor<2x2x150x150xf32>, tensor<2x1x1x150xf32>) -> tensor<2x2x150x150xf32>
  %p = kiln.softmax %a axis = 3 : tensor<2x2x150x150xf32>
  %o = kiln.matmul %p, %vt : (tensor<2x2x150x150xf32>, tensor<2x2x150x64xf32>) -> tensor<2x2x150x64xf32>
  %r = kiln.transpose %o permutation = [0, 2, 1, 3] : tensor<2x2x150x64xf32> -> tensor<2x150x2x64xf32>
  %rb = kiln.cast %r : tensor<2x150x2x64xf32> to tensor<2x150x2x64xbf16>
  return %rb : tensor<2x150x2x64xbf16>
}
