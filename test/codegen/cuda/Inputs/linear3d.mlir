// A linear layer on a [1, S, D] activation (batch 1, as exported transformers have it)
// with bias and residual, for ptx-wgmma.mlir: the unit batch loop is dropped, and the
// epilogue reads the product through the view it was computed in.
func.func @main(%x: tensor<1x100x64xbf16> {kiln.name = "x"}, %w: tensor<64x72xbf16> {kiln.name = "w"}, %b: tensor<72xbf16> {kiln.name = "b"}, %r: tensor<1x100x72xbf16> {kiln.name = "r"}) -> tensor<1x100x72xbf16> {
  %0 = kiln.matmul %x, %w : (tensor<1x100x64xbf16>, tensor<64x72xbf16>) -> tensor<1x100x72xbf16>
  %1 = kiln.add %0, %b : (tensor<1x100x72xbf16>, tensor<72xbf16>) -> tensor<1x100x72xbf16>
  %2 = kiln.add %1, %r : (tensor<1x100x72xbf16>, tensor<1x100x72xbf16>) -> tensor<1x100x72xbf16>
  return %2 : tensor<1x100x72xbf16>
}
