// A softmax and a layernorm, each a row-reduction kernel (map-rows.mlir).
func.func @main(%x: tensor<4x8x96xf32> {kiln.name = "x"}, %y: tensor<6x40xf32> {kiln.name = "y"}, %g: tensor<40xf32> {kiln.name = "g"}, %b: tensor<40xf32> {kiln.name = "b"}) -> (tensor<4x8x96xf32>, tensor<6x40xf32>) {
  %s = kiln.softmax %x axis = 2 : tensor<4x8x96xf32>
  %l = kiln.layer_norm %y scale %g bias %b axis = 1 epsilon = 1.0e-05 : (tensor<6x40xf32>, tensor<40xf32>, tensor<40xf32>) -> tensor<6x40xf32>
  return %s, %l : tensor<4x8x96xf32>, tensor<6x40xf32>
}
