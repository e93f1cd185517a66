// The Q, K and V projections of a self-attention block over [2, 8, 32]: constant weights
// and biases, one input. kiln-fuse concatenates them into one [32, 48] product whose
// epilogue yields three column slices (horizontal fusion).
func.func @main(%x: tensor<2x8x32xf32> {kiln.name = "x"}) -> (tensor<2x8x16xf32>, tensor<2x8x16xf32>, tensor<2x8x16xf32>) {
  %wq = kiln.constant dense<0.01> : tensor<32x16xf32>
  %wk = kiln.constant dense<0.02> : tensor<32x16xf32>
  %wv = kiln.constant dense<-0.03> : tensor<32x16xf32>
  %bq = kiln.constant dense<0.5> : tensor<16xf32>
  %bk = kiln.constant dense<-0.5> : tensor<16xf32>
  %bv = kiln.constant dense<0.25> : tensor<16xf32>
  %q = kiln.matmul %x, %wq : (tensor<2x8x32xf32>, tensor<32x16xf32>) -> tensor<2x8x16xf32>
  %q1 = kiln.add %q, %bq : (tensor<2x8x16xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
  %k = kiln.matmul %x, %wk : (tensor<2x8x32xf32>, tensor<32x16xf32>) -> tensor<2x8x16xf32>
  %k1 = kiln.add %k, %bk : (tensor<2x8x16xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
  %v = kiln.matmul %x, %wv : (tensor<2x8x32xf32>, tensor<32x16xf32>) -> tensor<2x8x16xf32>
  %v1 = kiln.add %v, %bv : (tensor<2x8x16xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
  return %q1, %k1, %v1 : tensor<2x8x16xf32>, tensor<2x8x16xf32>, tensor<2x8x16xf32>
}
