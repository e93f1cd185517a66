// Self-attention from projections, as in a transformer block with two heads of 64: x
// [2, 130, 64] (scaled by 1/8 to keep the scores in a softmax's range for random
// inputs), the Q, K and V projections (one concatenated product, kiln-fuse-siblings),
// softmax(Q K^T / 8) V, heads merged back, the output projection. Under
// --precision=bf16|fp16 (kiln-mixed-precision attention-io) the projection writes Q, K
// and V in 16 bits, so on sm_90a the attention runs as the TMA + wgmma kernel: 130
// queries and keys are a full and a partial tile and key block of 128.
func.func @main(%x: tensor<2x130x64xf32> {kiln.name = "x"}, %wq: tensor<64x128xf32> {kiln.name = "wq"}, %wk: tensor<64x128xf32> {kiln.name = "wk"}, %wv: tensor<64x128xf32> {kiln.name = "wv"}, %wo: tensor<128x32xf32> {kiln.name = "wo"}) -> tensor<2x130x32xf32> {
  %eighth = kiln.constant dense<0.125> : tensor<f32>
  %xs = kiln.mul %x, %eighth : (tensor<2x130x64xf32>, tensor<f32>) -> tensor<2x130x64xf32>
  %q = kiln.matmul %xs, %wq : (tensor<2x130x64xf32>, tensor<64x128xf32>) -> tensor<2x130x128xf32>
  %k = kiln.matmul %xs, %wk : (tensor<2x130x64xf32>, tensor<64x128xf32>) -> tensor<2x130x128xf32>
  %v = kiln.matmul %xs, %wv : (tensor<2x130x64xf32>, tensor<64x128xf32>) -> tensor<2x130x128xf32>
  %qh = kiln.reshape %q : tensor<2x130x128xf32> -> tensor<2x130x2x64xf32>
  %kh = kiln.reshape %k : tensor<2x130x128xf32> -> tensor<2x130x2x64xf32>
  %vh = kiln.reshape %v : tensor<2x130x128xf32> -> tensor<2x130x2x64xf32>
  %qt = kiln.transpose %qh permutation = [0, 2, 1, 3] : tensor<2x130x2x64xf32> -> tensor<2x2x130x64xf32>
  %kt = kiln.transpose %kh permutation = [0, 2, 3, 1] : tensor<2x130x2x64xf32> -> tensor<2x2x64x130xf32>
  %vt = kiln.transpose %vh permutation = [0, 2, 1, 3] : tensor<2x130x2x64xf32> -> tensor<2x2x130x64xf32>
  %s = kiln.matmul %qt, %kt : (tensor<2x2x130x64xf32>, tensor<2x2x64x130xf32>) -> tensor<2x2x130x130xf32>
  %c = kiln.constant dense<8.0> : tensor<f32>
  %d = kiln.div %s, %c : (tensor<2x2x130x130xf32>, tensor<f32>) -> tensor<2x2x130x130xf32>
  %p = kiln.softmax %d axis = 3 : tensor<2x2x130x130xf32>
  %o = kiln.matmul %p, %vt : (tensor<2x2x130x130xf32>, tensor<2x2x130x64xf32>) -> tensor<2x2x130x64xf32>
  %r = kiln.transpose %o permutation = [0, 2, 1, 3] : tensor<2x2x130x64xf32> -> tensor<2x130x2x64xf32>
  %h = kiln.reshape %r : tensor<2x130x2x64xf32> -> tensor<2x130x128xf32>
  %y = kiln.matmul %h, %wo : (tensor<2x130x128xf32>, tensor<128x32xf32>) -> tensor<2x130x32xf32>
  return %y : tensor<2x130x32xf32>
}
