func.func @main(%x: tensor<8x16xf32> {kiln.name = "x"}, %w: tensor<16x32xf32> {kiln.name = "w"}, %b: tensor<32xf32> {kiln.name = "b"}) -> tensor<8x32xf32> {
    %m = kiln.matmul %x, %w : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32>
    %s = kiln.add %m, %b : (tensor<8x32xf32>, tensor<32xf32>) -> tensor<8x32xf32>
    %y = kiln.relu %s : tensor<8x32xf32>
  return %y : tensor<8x32xf32>
}
