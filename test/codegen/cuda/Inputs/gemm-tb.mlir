// Batched f16 GEMM with B transposed ([N][K], K-contiguous) and edges in M, N and K, then
// ReLU, for ptx-wgmma.mlir.
func.func @main(%a: tensor<8x100x40xf16> {kiln.name = "a"}, %b: tensor<8x72x40xf16> {kiln.name = "b"}) -> tensor<8x100x72xf16> {
  %0 = kiln.matmul %a, %b transpose_b : (tensor<8x100x40xf16>, tensor<8x72x40xf16>) -> tensor<8x100x72xf16>
  %1 = kiln.relu %0 : tensor<8x100x72xf16>
  return %1 : tensor<8x100x72xf16>
}
