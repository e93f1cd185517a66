// f32 products for --precision=tf32: a GEMM + bias + relu with B [K, N] (B fragments by
// scalar shared loads), a transposed-B product with B [N, K] (ldmatrix), and a large GEMM
// (128 x 256 tiles where shared memory allows).
func.func @main(%a: tensor<200x96xf32> {kiln.name = "a"}, %b: tensor<96x136xf32> {kiln.name = "b"}, %c: tensor<136xf32> {kiln.name = "bias"}, %q: tensor<128x64xf32> {kiln.name = "q"}, %k: tensor<72x64xf32> {kiln.name = "k"}, %x: tensor<2048x256xf32> {kiln.name = "x"}, %y: tensor<256x4096xf32> {kiln.name = "y"}) -> (tensor<200x136xf32>, tensor<128x72xf32>, tensor<2048x4096xf32>) {
  %0 = kiln.matmul %a, %b : (tensor<200x96xf32>, tensor<96x136xf32>) -> tensor<200x136xf32>
  %1 = kiln.add %0, %c : (tensor<200x136xf32>, tensor<136xf32>) -> tensor<200x136xf32>
  %2 = kiln.relu %1 : tensor<200x136xf32>
  %3 = kiln.matmul %q, %k transpose_b : (tensor<128x64xf32>, tensor<72x64xf32>) -> tensor<128x72xf32>
  %4 = kiln.matmul %x, %y : (tensor<2048x256xf32>, tensor<256x4096xf32>) -> tensor<2048x4096xf32>
  return %2, %3, %4 : tensor<200x136xf32>, tensor<128x72xf32>, tensor<2048x4096xf32>
}
