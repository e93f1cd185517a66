func.func @main(%a: tensor<128x64xf32> {kiln.name = "a"}, %b: tensor<64x256xf32> {kiln.name = "b"}) -> tensor<128x256xf32> {
  %0 = kiln.matmul %a, %b : (tensor<128x64xf32>, tensor<64x256xf32>) -> tensor<128x256xf32>
  return %0 : tensor<128x256xf32>
}
