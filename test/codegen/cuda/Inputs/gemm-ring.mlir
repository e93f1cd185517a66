// Products with enough k-tiles that the sm_90a kernel's ring of stages wraps (its
// mbarriers change phase parity) and edges in M, N and K, for emulated.test: a bf16
// GEMM + bias + GELU with an N-contiguous B (16 k-tiles over 6 stages), and a batched
// f16 product with a K-contiguous B on grid z (9 k-tiles). First, a product whose B is
// a splat constant (no tensor map: the mma.sync kernel), so the module declares both
// kernels' dynamic shared memory, which a GPU aliases.
func.func @main(%y: tensor<64x256xbf16> {kiln.name = "y"}, %x: tensor<200x1000xbf16> {kiln.name = "x"}, %w: tensor<1000x136xbf16> {kiln.name = "w"}, %c: tensor<136xbf16> {kiln.name = "bias"}, %a: tensor<3x72x520xf16> {kiln.name = "a"}, %b: tensor<3x40x520xf16> {kiln.name = "b"}) -> (tensor<64x128xbf16>, tensor<200x136xbf16>, tensor<3x72x40xf16>) {
  %s = kiln.constant dense<0.5> : tensor<256x128xbf16>
  %f = kiln.matmul %y, %s : (tensor<64x256xbf16>, tensor<256x128xbf16>) -> tensor<64x128xbf16>
  %0 = kiln.matmul %x, %w : (tensor<200x1000xbf16>, tensor<1000x136xbf16>) -> tensor<200x136xbf16>
  %1 = kiln.add %0, %c : (tensor<200x136xbf16>, tensor<136xbf16>) -> tensor<200x136xbf16>
  %2 = kiln.gelu %1 : tensor<200x136xbf16>
  %3 = kiln.matmul %a, %b transpose_b : (tensor<3x72x520xf16>, tensor<3x40x520xf16>) -> tensor<3x72x40xf16>
  return %f, %2, %3 : tensor<64x128xbf16>, tensor<200x136xbf16>, tensor<3x72x40xf16>
}
