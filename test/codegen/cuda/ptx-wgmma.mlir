// REQUIRES: ptxas
// sm_90a contraction kernels: TMA (cp.async.bulk.tensor, 128-byte swizzle) into a ring of
// mbarrier-guarded stages, a producer warpgroup and consumer warpgroups issuing
// wgmma.mma_async from shared-memory descriptors, setmaxnreg moving registers to the
// consumers; ptxas assembles them with no spills and none of the wgmma serialization
// warnings (C7511, C7515, C7517, C7519: --implicit-check-not=warning).
//
// RUN: kiln-opt %S/Inputs/gemm.mlir '--kiln-cuda-pipeline=cuda-arch=sm_90a stop-after=gpu' | FileCheck %s --check-prefix=IR
// RUN: kiln-compile %S/Inputs/gemm.mlir --target=cuda --cuda-arch=sm_90a --emit=ptx -o %t.ptx
// RUN: FileCheck %s --input-file=%t.ptx
// RUN: %ptxas -arch=sm_90a -v %t.ptx -o %t.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS --implicit-check-not=warning
// RUN: kiln-compile %S/Inputs/gemm-tb.mlir --target=cuda --cuda-arch=sm_90a --emit=ptx -o %t.tb.ptx
// RUN: FileCheck %s --check-prefix=TB --input-file=%t.tb.ptx
// RUN: %ptxas -arch=sm_90a -v %t.tb.ptx -o %t.tb.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS1 --implicit-check-not=warning
// A linear layer on [1, S, D] (unit batch loop, epilogue through the product's view) maps
// on both kernels.
// RUN: kiln-compile %S/Inputs/linear3d.mlir --target=cuda --cuda-arch=sm_90a -o %t.l3.kiln
// RUN: kiln-run --inspect %t.l3.kiln | FileCheck %s --check-prefix=L3
// RUN: kiln-compile %S/Inputs/linear3d.mlir --target=cuda --cuda-arch=sm_90a --emit=ptx -o %t.l3.ptx
// RUN: %ptxas -arch=sm_90a -v %t.l3.ptx -o %t.l3.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS1 --implicit-check-not=warning
// RUN: kiln-compile %S/Inputs/linear3d.mlir --target=cuda --cuda-arch=sm_80 -o %t.l3.80.kiln
// RUN: kiln-run --inspect %t.l3.80.kiln | FileCheck %s --check-prefix=L380
// A B that is no plan binding (a splat constant kept as a GPU-module global) has no TMA
// descriptor: the kernel falls back to mma.sync (4 warps, padded cp.async stages).
// RUN: kiln-compile %S/Inputs/gemm-global-b.mlir --target=cuda --cuda-arch=sm_90a -o %t.gb.kiln
// RUN: kiln-run --inspect %t.gb.kiln | FileCheck %s --check-prefix=GLOBALB --implicit-check-not=tma
// The mma.sync kernel stays available on sm_90a, and wgmma exists on sm_90a only.
// RUN: env KILN_CUDA_GEMM=mma-sync kiln-compile %S/Inputs/gemm-tb.mlir --target=cuda --cuda-arch=sm_90a --emit=ptx -o %t.mma.ptx
// RUN: FileCheck %s --check-prefix=MMA --input-file=%t.mma.ptx
// RUN: env KILN_CUDA_GEMM=wgmma not kiln-compile %S/Inputs/gemm-tb.mlir --target=cuda --cuda-arch=sm_80 -o %t.bad 2>&1 | FileCheck %s --check-prefix=ERR
// RUN: env KILN_CUDA_GEMM=fast not kiln-compile %S/Inputs/gemm-tb.mlir --target=cuda --cuda-arch=sm_90a -o %t.bad 2>&1 | FileCheck %s --check-prefix=ERR2

// The large GEMM (2048 x 256 x 4096, B N-contiguous): 128 x 256 tiles, 16 x 16 = 256
// blocks of 3 warpgroups, 4 stages of 48 KiB plus 8 mbarriers = 196672 bytes. Its tensor
// maps: A [256, 2048] (innermost first), row stride 512 bytes, box 64 x 128; B [4096,
// 256], row stride 8192 bytes, box 64 x 64 (four boxes per 256 columns).
// IR:      launch = array<i64: 256, 1, 1, 384, 1, 1, 196672>, symbol = "kernel1_matmul", tensor_maps = [array<i64: 0, 0, 3, 128, 2, 256, 2048, 512, 64, 128>, array<i64: 1, 0, 3, 128, 2, 4096, 256, 8192, 64, 64>]
// IR:      llvm.mlir.global external @kiln_smem_1024() {addr_space = 3 : i32, alignment = 1024 : i64}
// IR-LABEL: gpu.func @kernel1_matmul(
// IR-SAME:   %[[MA:[^:]+]]: memref<16xi64> {{.+}}, %[[MB:[^:]+]]: memref<16xi64> {{.+}}) kernel
// IR-SAME:   known_block_size = array<i32: 384, 1, 1>
// IR-SAME:   nvvm.minctasm = 1
// IR:        nvvm.mbarrier.init %{{.+}}, %c1_i32
// IR:        nvvm.mbarrier.init %{{.+}}, %c256_i32
// IR:        nvvm.fence.mbarrier.init
// IR:        gpu.barrier
// IR:        nvvm.setmaxregister  decrease 40
// IR:        nvvm.fence.proxy.acquire <sys>
// IR:        nvvm.fence.proxy.acquire <sys>
// IR:        scf.for
// IR:          nvvm.mbarrier.try_wait.parity
// IR:          nvvm.mbarrier.arrive.expect_tx %{{.+}}, %c49152_i32
// IR-COUNT-5:  nvvm.cp.async.bulk.tensor.shared.cluster.global
// IR:        nvvm.setmaxregister  increase 232
// IR:        scf.for {{.+}} iter_args
// IR:          nvvm.mbarrier.try_wait.parity
// IR:          nvvm.wgmma.fence.aligned
// IR-COUNT-4:  nvvm.wgmma.mma_async {{.+}} <m = 64, n = 256, k = 16>, D[<f32>, <one>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <row>]
// IR-NEXT:     nvvm.wgmma.commit.group.sync.aligned
// IR-NEXT:     nvvm.wgmma.wait.group.sync.aligned 1
// IR:          nvvm.mbarrier.arrive
// IR:        nvvm.wgmma.wait.group.sync.aligned 0
// IR:        vector.store {{.+}} {alignment = 4 : i64} : memref<2048x4096xbf16>, vector<2xbf16>

// The producer and consumer branches may come in either order.
// CHECK:       .extern .shared .align 1024 .b8 kiln_smem_1024[];
// CHECK:       .visible .entry kernel0_fused_contraction(
// CHECK:       .maxntid 256, 1, 1
// CHECK-NEXT:  .minnctapersm 1
// CHECK:       mbarrier.init.shared.b64
// CHECK-DAG:   setmaxnreg.dec.sync.aligned.u32 40;
// CHECK-DAG:   mbarrier.arrive.expect_tx.shared.b64
// CHECK-DAG:   cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes
// CHECK-DAG:   setmaxnreg.inc.sync.aligned.u32 240;
// CHECK-DAG:   wgmma.fence.sync.aligned;
// CHECK-DAG:   wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16
// CHECK-DAG:   wgmma.commit_group.sync.aligned;
// CHECK:       .visible .entry kernel1_matmul(
// CHECK:       .maxntid 384, 1, 1
// CHECK-DAG:   fence.proxy.tensormap::generic.acquire.sys [%rd{{[0-9]+}}], 128;
// CHECK-DAG:   mbarrier.try_wait.parity.shared.b64
// CHECK-DAG:   cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes
// CHECK-DAG:   setmaxnreg.dec.sync.aligned.u32 40;
// CHECK-DAG:   setmaxnreg.inc.sync.aligned.u32 232;
// CHECK-DAG:   wgmma.mma_async.sync.aligned.m64n256k16.f32.bf16.bf16
// CHECK-DAG:   wgmma.wait_group.sync.aligned 1;
// CHECK-DAG:   mbarrier.arrive.shared.b64
// CHECK-DAG:   wgmma.wait_group.sync.aligned 0;

// PTXAS:     Compiling entry function 'kernel{{[01]}}_
// PTXAS:     0 bytes spill stores, 0 bytes spill loads
// PTXAS:     Compiling entry function 'kernel{{[01]}}_
// PTXAS:     0 bytes spill stores, 0 bytes spill loads
// PTXAS1:    Compiling entry function 'kernel0_
// PTXAS1:    0 bytes spill stores, 0 bytes spill loads

// Batched with K-contiguous B: 3-D tensor maps, the batch as the outermost coordinate.
// TB:        cp.async.bulk.tensor.3d.shared::cluster.global.tile.mbarrier::complete_tx::bytes
// TB:        wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16
// MMA-NOT:   wgmma
// MMA:       mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// ERR:       KILN_CUDA_GEMM=wgmma needs --cuda-arch=sm_90a, not sm_80
// ERR2:      KILN_CUDA_GEMM='fast' is neither mma-sync nor wgmma
// L3:        kernel0_fused_contraction '' grid 2x1x1 block 256x1x1 shared 24592
// L3:        tma[0]: binding 0 +0 bf16 dims [64,100,1] strides [128,12800] box [64,64,1] swizzle 128
// L3:        tma[1]: binding 1 +0 bf16 dims [72,64] strides [144] box [64,64] swizzle 128
// L380:      kernel0_fused_contraction '' grid 4x1x1 block 128x1x1 shared 19456
// GLOBALB:   kernel0_matmul '' grid 2x1x1 block 128x1x1 shared 38912
