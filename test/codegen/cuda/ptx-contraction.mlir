// REQUIRES: ptxas
// Contraction kernels end to end (Inputs/gemm.mlir): cp.async.cg 16-byte copies into
// shared memory, ldmatrix.x4 (.trans for the N-contiguous B), mma.sync.m16n8k16 bf16
// with f32 accumulators, a wait for the k-tile then one barrier per k-tile; ptxas for
// sm_80 and sm_90a without spills. The large GEMM gets 128 x 256 x 64 tiles of 8 warps,
// 3 stages (153 KiB of shared memory) where the architecture allows it (sm_80, sm_90a)
// and 128 x 256 x 32 (79.5 KiB) on sm_86, whose blocks get at most 99 KiB.
// RUN: kiln-compile %S/Inputs/gemm.mlir --target=cuda --cuda-arch=sm_80 --emit=ptx -o %t.ptx
// RUN: FileCheck %s --input-file=%t.ptx
// RUN: %ptxas -arch=sm_80 -v %t.ptx -o %t.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS
// On sm_90a the kernel is TMA + wgmma (ptx-wgmma.mlir) unless KILN_CUDA_GEMM asks for mma.sync.
// RUN: env KILN_CUDA_GEMM=mma-sync kiln-compile %S/Inputs/gemm.mlir --target=cuda --cuda-arch=sm_90a --emit=ptx -o %t.90.ptx
// RUN: %ptxas -arch=sm_90a -v %t.90.ptx -o %t.90.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: env KILN_CUDA_GEMM=mma-sync kiln-compile %S/Inputs/gemm.mlir --target=cuda --cuda-arch=sm_90a -o %t.kiln
// RUN: kiln-run --inspect %t.kiln | FileCheck %s --check-prefix=ART90
// RUN: kiln-compile %S/Inputs/gemm.mlir --target=cuda --cuda-arch=sm_86 -o %t.86.kiln
// RUN: kiln-run --inspect %t.86.kiln | FileCheck %s --check-prefix=ART86

// CHECK:       .visible .entry kernel0_fused_contraction(
// CHECK:       cp.async.cg.shared.global [%{{.+}}], [%{{.+}}], 16, %{{.+}};
// CHECK:       cp.async.commit_group;
// CHECK:       cp.async.wait_group 2;
// CHECK-NEXT:  bar.sync 0;
// CHECK:       ldmatrix.sync.aligned.m8n8.x4.shared.b16
// CHECK:       ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// CHECK:       mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CHECK:       .visible .entry kernel1_matmul(
// CHECK:       cp.async.wait_group 1;
// CHECK:       mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32

// PTXAS:     Compiling entry function 'kernel{{[01]}}_
// PTXAS:     0 bytes spill stores, 0 bytes spill loads
// PTXAS:     Compiling entry function 'kernel{{[01]}}_
// PTXAS:     0 bytes spill stores, 0 bytes spill loads

// 2048 x 4096 in 128 x 256 tiles: 16 * 16 = 256 blocks.
// ART90: kernel0_fused_contraction '' grid 16x1x1 block 128x1x1 shared 38912
// ART90: kernel1_matmul '' grid 256x1x1 block 256x1x1 shared 156672
// ART86: kernel1_matmul '' grid 256x1x1 block 256x1x1 shared 81408
