// RUN: kiln-opt %s --kiln-cpu-emit-kernel-abi --verify-diagnostics
// A kernel without the bare-pointer shape is an error, not a wrapper loading garbage.

// expected-error @+1 {{kiln-cpu-emit-kernel-abi: kernel bad does not have the shape (ptr...) -> void; lower it with the bare-pointer memref calling convention}}
llvm.func @bad(%a: i32) attributes {kiln.kernel} {
  llvm.return
}
