// REQUIRES: ptxas
// The loop kernel end to end: NVPTX backend with libdevice linked for erf/tanh (no calls
// left), bindings as 64-byte aligned noalias pointers, so 16-byte loads through the
// read-only cache (ld.global.nc.v4) and 16-byte stores, assembled by ptxas for sm_80 and sm_90a without
// spills; the artifact carries PTX, the cubin and the launch dimensions.
// RUN: kiln-compile %s --target=cuda --cuda-arch=sm_80 --emit=ptx -o %t.ptx
// RUN: FileCheck %s --input-file=%t.ptx
// RUN: %ptxas -arch=sm_80 -v %t.ptx -o %t.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: kiln-compile %s --target=cuda --cuda-arch=sm_90a --emit=ptx -o %t.90.ptx
// RUN: %ptxas -arch=sm_90a -v %t.90.ptx -o %t.90.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: kiln-compile %s --target=cuda --cuda-arch=sm_90a -o %t.kiln
// RUN: kiln-run --inspect %t.kiln | FileCheck %s --check-prefix=ART

// CHECK:       .target sm_80
// CHECK:       .visible .entry kernel0_fused_loop(
// CHECK-COUNT-4: .param .u64 .ptr .align 64
// CHECK-NOT:   call
// CHECK:       ld.global.nc.v4.b32
// CHECK:       ld.global.nc.b32
// CHECK:       ld.global.nc.v4.b32
// CHECK:       st.global.v4.b32
// CHECK-NOT:   call

// PTXAS:     Compiling entry function 'kernel0_fused_loop'
// PTXAS-NOT: C7511
// PTXAS-NOT: C7515
// PTXAS-NOT: C7517
// PTXAS-NOT: C7519
// PTXAS:     0 bytes spill stores, 0 bytes spill loads

// ART:      target:   cuda
// ART:      arch:     sm_90a
// ART:      ptx {{[1-9][0-9]*}} bytes, cubin {{[1-9][0-9]*}} bytes
// ART:      kernel0_fused_loop '' grid 64x1x1 block 256x1x1 shared 0
func.func @main(%x: tensor<1x64x32x32xf32> {kiln.name = "x"}, %b: tensor<64x1x1xf32> {kiln.name = "b"}, %r: tensor<1x64x32x32xf32> {kiln.name = "r"}) -> tensor<1x64x32x32xf32> {
  %0 = kiln.add %x, %b : (tensor<1x64x32x32xf32>, tensor<64x1x1xf32>) -> tensor<1x64x32x32xf32>
  %1 = kiln.gelu %0 : tensor<1x64x32x32xf32>
  %2 = kiln.add %1, %r : (tensor<1x64x32x32xf32>, tensor<1x64x32x32xf32>) -> tensor<1x64x32x32xf32>
  %3 = kiln.tanh %2 : tensor<1x64x32x32xf32>
  return %3 : tensor<1x64x32x32xf32>
}
