// The ops kiln-normalize-row-axes rewrites for the CUDA row kernel: a layer norm over two
// trailing dims and one over every dim, a softmax over a middle axis, a log-softmax over
// a leading axis followed by unit dims, and a mean over every dim.
func.func @main(%x: tensor<3x4x5xf32> {kiln.name = "x"}, %g: tensor<4x5xf32> {kiln.name = "g"}, %b: tensor<4x5xf32> {kiln.name = "b"}, %u: tensor<6x1x1xf32> {kiln.name = "u"}) -> (tensor<3x4x5xf32>, tensor<3x4x5xf32>, tensor<3x4x5xf32>, tensor<6x1x1xf32>, tensor<f32>) {
  %ln = kiln.layer_norm %x scale %g bias %b axis = 1 epsilon = 1.0e-05 : (tensor<3x4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>) -> tensor<3x4x5xf32>
  %all = kiln.layer_norm %x axis = 0 epsilon = 1.0e-05 : (tensor<3x4x5xf32>) -> tensor<3x4x5xf32>
  %sm = kiln.softmax %x axis = 1 : tensor<3x4x5xf32>
  %ls = kiln.log_softmax %u axis = 0 : tensor<6x1x1xf32>
  %m = kiln.reduce mean %x axes = [0, 1, 2] : (tensor<3x4x5xf32>) -> tensor<f32>
  return %ln, %all, %sm, %ls, %m : tensor<3x4x5xf32>, tensor<3x4x5xf32>, tensor<3x4x5xf32>, tensor<6x1x1xf32>, tensor<f32>
}
