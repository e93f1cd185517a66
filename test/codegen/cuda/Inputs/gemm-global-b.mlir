// A bf16 GEMM whose B is a splat constant, which stays a global of the GPU module (no
// plan binding, so no TMA descriptor): for ptx-wgmma.mlir's fallback to mma.sync.
func.func @main(%x: tensor<64x256xbf16> {kiln.name = "x"}) -> tensor<64x128xbf16> {
  %w = kiln.constant dense<0.5> : tensor<256x128xbf16>
  %0 = kiln.matmul %x, %w : (tensor<64x256xbf16>, tensor<256x128xbf16>) -> tensor<64x128xbf16>
  return %0 : tensor<64x128xbf16>
}
