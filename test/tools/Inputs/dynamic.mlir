// A model whose input keeps a dynamic dim: codegen needs static shapes.
func.func @main(%x: tensor<?x4xf32> {kiln.name = "x"}) -> tensor<?x4xf32> {
  %0 = kiln.relu %x : tensor<?x4xf32> loc("relu0"("Relu"))
  return %0 : tensor<?x4xf32>
}
