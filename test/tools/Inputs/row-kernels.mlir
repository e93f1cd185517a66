// A layer_norm and a GELU-bias-residual loop group (kernels without contractions).
func.func @main(%x: tensor<64x256xf32> {kiln.name = "x"}, %g: tensor<256xf32> {kiln.name = "g"}, %b: tensor<256xf32> {kiln.name = "b"}, %r: tensor<64x256xf32> {kiln.name = "r"}) -> (tensor<64x256xf32> {kiln.name = "ln"}, tensor<64x256xf32> {kiln.name = "gelu"}) {
  %l = kiln.layer_norm %x scale %g bias %b axis = 1 epsilon = 1.0e-05 : (tensor<64x256xf32>, tensor<256xf32>, tensor<256xf32>) -> tensor<64x256xf32>
  %a = kiln.add %x, %b : (tensor<64x256xf32>, tensor<256xf32>) -> tensor<64x256xf32>
  %e = kiln.gelu %a : tensor<64x256xf32>
  %y = kiln.add %e, %r : (tensor<64x256xf32>, tensor<64x256xf32>) -> tensor<64x256xf32>
  return %l, %y : tensor<64x256xf32>, tensor<64x256xf32>
}
