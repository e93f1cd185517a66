// RUN: kiln-opt %s --kiln-outline-kernels --verify-diagnostics
// A module without an entry function is an error naming what is missing.

// expected-error @+1 {{kiln-outline-kernels: no entry function}}
module {
  func.func private @decl(tensor<2xf32>) -> tensor<2xf32>
}
