// A softmax and a layer norm over f16 rows of 4096 (map-rows.mlir): 256 threads a row,
// each holding 16 columns in two groups of 8 adjacent ones, so that its loads and
// stores of a group merge into wide ones.
func.func @main(%x: tensor<3x4096xf16> {kiln.name = "x"}, %g: tensor<4096xf16> {kiln.name = "g"}, %b: tensor<4096xf16> {kiln.name = "b"}) -> (tensor<3x4096xf16>, tensor<3x4096xf16>) {
  %s = kiln.softmax %x axis = 1 : tensor<3x4096xf16>
  %l = kiln.layer_norm %x scale %g bias %b axis = 1 epsilon = 1.0e-05 : (tensor<3x4096xf16>, tensor<4096xf16>, tensor<4096xf16>) -> tensor<3x4096xf16>
  return %s, %l : tensor<3x4096xf16>, tensor<3x4096xf16>
}
