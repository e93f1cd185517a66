func.func @main(%x: tensor<8x16xf32> {kiln.name = "x"}, %w: tensor<16x32xf32> {kiln.name = "w"}, %b: tensor<32xf32> {kiln.name = "b"}) -> tensor<8x32xf32> {
  %r = kiln.fusion contraction (%x, %w, %b) : (tensor<8x16xf32>, tensor<16x32xf32>, tensor<32xf32>) -> tensor<8x32xf32> {
  ^bb0(%a: tensor<8x16xf32>, %c: tensor<16x32xf32>, %d: tensor<32xf32>):
    %m = kiln.matmul %a, %c : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32>
    %s = kiln.add %m, %d : (tensor<8x32xf32>, tensor<32xf32>) -> tensor<8x32xf32>
    %y = kiln.relu %s : tensor<8x32xf32>
    kiln.yield %y : tensor<8x32xf32>
  }
  return %r : tensor<8x32xf32>
}
