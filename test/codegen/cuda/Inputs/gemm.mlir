// A bf16 GEMM + bias + GELU (64 x 64 tiles) and a large bf16 GEMM (128 x 256 tiles where
// shared memory allows), for ptx-contraction.mlir.
func.func @main(%a: tensor<256x128xbf16> {kiln.name = "a"}, %b: tensor<128x256xbf16> {kiln.name = "b"}, %c: tensor<256xbf16> {kiln.name = "bias"}, %x: tensor<2048x256xbf16> {kiln.name = "x"}, %y: tensor<256x4096xbf16> {kiln.name = "y"}) -> (tensor<256x256xbf16>, tensor<2048x4096xbf16>) {
  %0 = kiln.matmul %a, %b : (tensor<256x128xbf16>, tensor<128x256xbf16>) -> tensor<256x256xbf16>
  %1 = kiln.add %0, %c : (tensor<256x256xbf16>, tensor<256xbf16>) -> tensor<256x256xbf16>
  %2 = kiln.gelu %1 : tensor<256x256xbf16>
  %3 = kiln.matmul %x, %y : (tensor<2048x256xbf16>, tensor<256x4096xbf16>) -> tensor<2048x4096xbf16>
  return %2, %3 : tensor<256x256xbf16>, tensor<2048x4096xbf16>
}
