// REQUIRES: ptxas
// The sm_90a flash attention (MapAttention.cpp, emitWgmma): where Q, K and V are 16-bit
// tensors TMA can read (kiln-mixed-precision attention-io keeps a bf16 network's tensors
// as they are), a producer warpgroup issues their TMA boxes (64 columns of the head dim,
// 128-byte swizzle) into an mbarrier ring, and each consumer warpgroup of 64 query rows
// runs S = Q K^T as wgmma from shared memory, the online softmax on the accumulators, and
// O += P V as wgmma with P in registers (inline PTX). ptxas assembles it with no spills
// and none of the wgmma serialization warnings (C7511, C7515, C7517, C7519).
//
// RUN: kiln-opt %S/Inputs/attention-bf16io.mlir '--kiln-cuda-pipeline=cuda-arch=sm_90a stop-after=gpu precision=bf16' | FileCheck %s --check-prefix=IR
// RUN: kiln-compile %S/Inputs/attention-bf16io.mlir --target=cuda --cuda-arch=sm_90a --precision=bf16 --emit=ptx -o %t.ptx
// RUN: FileCheck %s --input-file=%t.ptx
// RUN: FileCheck %s --check-prefix=PRODUCER --input-file=%t.ptx
// RUN: %ptxas -arch=sm_90a -v %t.ptx -o %t.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS --implicit-check-not=warning --implicit-check-not=C75
// RUN: kiln-compile %S/Inputs/attention-bf16io.mlir --target=cuda --cuda-arch=sm_90a --precision=bf16 -o %t.kiln
// RUN: kiln-run --inspect %t.kiln | FileCheck %s --check-prefix=ART
// Head dim 128 (two boxes a tile), 60 queries (one consumer), fp16.
// RUN: kiln-compile %S/Inputs/attention-f16io-d128.mlir --target=cuda --cuda-arch=sm_90a --precision=fp16 --emit=ptx -o %t.d128.ptx
// RUN: FileCheck %s --check-prefix=D128 --input-file=%t.d128.ptx
// RUN: %ptxas -arch=sm_90a -v %t.d128.ptx -o %t.d128.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS --implicit-check-not=warning --implicit-check-not=C75
// RUN: kiln-compile %S/Inputs/attention-f16io-d128.mlir --target=cuda --cuda-arch=sm_90a --precision=fp16 -o %t.d128.kiln
// RUN: kiln-run --inspect %t.d128.kiln | FileCheck %s --check-prefix=D128ART
// KILN_CUDA_ATTENTION_TILE=warps,keys[,stages] shapes it (4 or 8 consumer warps, keys a
// multiple of 64 up to 256, 2 to 4 stages; by default 3 where they fit, else 2).
// RUN: env KILN_CUDA_ATTENTION_TILE=4,256 kiln-compile %S/Inputs/attention-bf16io.mlir --target=cuda --cuda-arch=sm_90a --precision=bf16 -o %t.t256.kiln
// RUN: kiln-run --inspect %t.t256.kiln | FileCheck %s --check-prefix=TILE
// KILN_CUDA_ATTENTION=mma-sync keeps the mma.sync kernel on sm_90a (bench/gpu.py
// compares); =wgmma insists, and says why a kernel cannot have it.
// RUN: env KILN_CUDA_ATTENTION=mma-sync kiln-compile %S/Inputs/attention-bf16io.mlir --target=cuda --cuda-arch=sm_90a --precision=bf16 -o %t.mma.kiln
// RUN: kiln-run --inspect %t.mma.kiln | FileCheck %s --check-prefix=MMA --implicit-check-not=tma
// RUN: env KILN_CUDA_ATTENTION=wgmma not kiln-compile %S/Inputs/attention-d128.mlir --target=cuda --cuda-arch=sm_90a --precision=bf16 -o %t.bad1 2>&1 | FileCheck %s --check-prefix=F32IO
// RUN: env KILN_CUDA_ATTENTION=wgmma not kiln-compile %S/Inputs/attention-bf16io.mlir --target=cuda --cuda-arch=sm_80 --precision=bf16 -o %t.bad2 2>&1 | FileCheck %s --check-prefix=SM80
// RUN: env KILN_CUDA_ATTENTION=wgmma not kiln-compile %S/Inputs/attention-bf16io.mlir --target=cuda --cuda-arch=sm_90a --precision=tf32 -o %t.bad3 2>&1 | FileCheck %s --check-prefix=TF32
// RUN: env KILN_CUDA_ATTENTION=wgmma KILN_CUDA_ATTENTION_TILE=4,32 not kiln-compile %S/Inputs/attention-bf16io.mlir --target=cuda --cuda-arch=sm_90a --precision=bf16 -o %t.bad4 2>&1 | FileCheck %s --check-prefix=BADTILE
// RUN: env KILN_CUDA_ATTENTION=tensor-cores not kiln-compile %S/Inputs/attention-bf16io.mlir --target=cuda --cuda-arch=sm_90a --precision=bf16 -o %t.bad5 2>&1 | FileCheck %s --check-prefix=BADENV

// Two consumer warpgroups and the producer; the TMA descriptors follow the bindings.
// IR-LABEL: gpu.func @kernel0_fused_attention(
// IR-SAME:      %[[Q:[a-z0-9]+]]: memref<2x150x2x64xbf16>
// IR-SAME:      %[[QMAP:[a-z0-9]+]]: memref<16xi64> {{.+}}, %{{[a-z0-9]+}}: memref<16xi64> {{.+}}, %{{[a-z0-9]+}}: memref<16xi64> {{.+}})
// IR-SAME:      known_block_size = array<i32: 384, 1, 1>
// IR-SAME:      nvvm.minctasm = 1
// IR:         llvm.mlir.addressof @kiln_smem_1024
// Q's barrier, then full and empty per stage: the empty ones expect the 256 consumers.
// IR:         nvvm.mbarrier.init %{{.+}}, %c1_i32
// IR:         nvvm.mbarrier.init %{{.+}}, %c1_i32
// IR:         nvvm.mbarrier.init %{{.+}}, %c256_i32
// IR:         nvvm.fence.mbarrier.init
// The producer: Q's box once (128 rows x 64 columns, 16384 bytes), then K's and V's per
// key block (2 x 128 x 64 x 2 bytes) once the stage is empty.
// IR:         nvvm.setmaxregister  decrease 40
// IR:         extract_aligned_pointer_as_index %[[QMAP]]
// IR:         nvvm.mbarrier.arrive.expect_tx %{{.+}}, %c16384_i32
// IR:         nvvm.cp.async.bulk.tensor.shared.cluster.global
// IR:         scf.for
// IR:           nvvm.mbarrier.try_wait.parity
// IR:           nvvm.mbarrier.arrive.expect_tx %{{.+}}, %c32768_i32
// IR:           nvvm.cp.async.bulk.tensor.shared.cluster.global
// IR:           nvvm.cp.async.bulk.tensor.shared.cluster.global
// The consumers: S by wgmma m64n128k16 from shared memory (the first step ignoring the
// undefined accumulator), issued for block 0 before the loop and for block kb + 1 right
// behind block kb's P V, which is wgmma m64n64k16 with A (P) in registers.
// IR:         nvvm.setmaxregister  increase 232
// IR:         nvvm.mbarrier.try_wait.parity
// IR:         nvvm.wgmma.fence.aligned
// IR:         nvvm.wgmma.mma_async {{.+}} <m = 64, n = 128, k = 16>, D[<f32>, <zero>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <col>]
// IR-COUNT-3: nvvm.wgmma.mma_async {{.+}} <m = 64, n = 128, k = 16>, D[<f32>, <one>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <col>]
// IR:         nvvm.wgmma.commit.group.sync.aligned
// IR-NEXT:    scf.for {{.+}} -> (f32, f32, f32, f32, !llvm.struct<(f32,
// Block kb's S and block kb - 1's P V retired: block kb - 1's stage goes back.
// IR-NEXT:      nvvm.wgmma.wait.group.sync.aligned 0
// IR-NEXT:      %[[GT:.+]] = arith.cmpi ugt, %{{.+}}, %c0 : index
// IR-NEXT:      scf.if %[[GT]]
// IR:             nvvm.mbarrier.arrive
// IR:           gpu.shuffle  xor
// IR:           math.exp2
// P V accumulates from block 1 on: scale-d is a register, kb > 0.
// IR:           %[[ACC:.+]] = arith.extui %[[GT]] : i1 to i32
// IR-NEXT:      nvvm.wgmma.fence.aligned
// IR-NEXT:      llvm.inline_asm has_side_effects {{.+}}wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {$0, {{.+}}, $31}, {$64, $65, $66, $67}, $68, p, $70, $71, $72;{{.+}}"=f,{{.+}},r,r,r,r,l,r,n,n,n" {{.+}}, %[[ACC]], %c1_i32, %c1_i32, %c1_i32 :
// IR-COUNT-7:   llvm.inline_asm has_side_effects {{.+}}wgmma.mma_async.sync.aligned.m64n64k16
// IR:           nvvm.wgmma.commit.group.sync.aligned
// IR:           scf.if
// IR:             nvvm.mbarrier.try_wait.parity
// IR:             nvvm.wgmma.fence.aligned
// IR-COUNT-4:     nvvm.wgmma.mma_async {{.+}} <m = 64, n = 128, k = 16>
// IR:             nvvm.wgmma.commit.group.sync.aligned
// IR:           scf.yield
// IR:         nvvm.wgmma.wait.group.sync.aligned 0
// IR:         memref.store %{{.+}} : memref<2x150x2x64xbf16>
// IR:         gpu.return

// CHECK:     .visible .entry kernel0_fused_attention(
// CHECK-NOT: call
// CHECK:     setmaxnreg.inc.sync.aligned.u32 232
// CHECK:     wgmma.fence.sync.aligned
// CHECK:     wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16
// CHECK:     wgmma.wait_group.sync.aligned 0
// CHECK:     mbarrier.arrive.shared.b64
// CHECK:     ex2.approx
// CHECK:     cvt.rn.bf16x2.f32
// CHECK:     wgmma.fence.sync.aligned
// CHECK:     wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {{{.+}}}, {%r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}}, %rd{{[0-9]+}}, p, 1, 1, 1;
// CHECK:     wgmma.commit_group.sync.aligned
// CHECK:     wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16
// CHECK:     wgmma.wait_group.sync.aligned 0
// CHECK:     st.global.b32
// CHECK-NOT: call
// The producer's branch, which LLVM places after the consumers'.
// PRODUCER:  setmaxnreg.dec.sync.aligned.u32 40
// PRODUCER:  fence.proxy.tensormap::generic.acquire.sys
// PRODUCER:  cp.async.bulk.tensor.4d.shared::cluster.global.tile.mbarrier::complete_tx::bytes

// PTXAS:     Compiling entry function 'kernel0_fused_attention' for 'sm_90a'
// PTXAS:     0 bytes spill stores, 0 bytes spill loads

// 2 x 2 batch indices x 2 query tiles of 128; shared 128 x 64 x 2 (Q) + 3 stages x 2 x 128
// x 64 x 2 (K, V) + 7 mbarriers. Tensor maps over the [2, 150, 2, 64] bindings: boxes of
// 64 columns by 128 rows of one (batch, head).
// ART:      kernels: 1
// ART-NEXT: kernel0_fused_attention '' grid 8x1x1 block 384x1x1 shared 114744
// ART:      tma[0]: binding 0 +0 bf16 dims [64,2,150,2] strides [128,256,38400] box [64,1,128,1] swizzle 128
// ART-NEXT: tma[1]: binding 1 +0 bf16 dims [64,2,150,2] strides [128,256,38400] box [64,1,128,1] swizzle 128
// ART-NEXT: tma[2]: binding 2 +0 bf16 dims [64,2,150,2] strides [128,256,38400] box [64,1,128,1] swizzle 128

// D128: wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16
// D128: wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16 {{{.+}}}, {%r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}}, %rd{{[0-9]+}}, p, 1, 1, 1;

// One consumer (60 queries): 256 threads; Q 64 x 128 x 2, 3 stages of K and V 128 x 128 x 2.
// D128ART:      kernel0_fused_attention '' grid 2x1x1 block 256x1x1 shared 213048
// D128ART:      tma[0]: binding 0 +0 f16 dims [128,2,60,1] strides [256,512,30720] box [64,1,64,1] swizzle 128
// D128ART-NEXT: tma[1]: binding 1 +0 f16 dims [128,2,60,1] strides [256,512,30720] box [64,1,128,1] swizzle 128

// TILE: kernel0_fused_attention '' grid 12x1x1 block 256x1x1 shared 204856
// TILE: tma[1]: binding 1 +0 bf16 dims [64,2,150,2] strides [128,256,38400] box [64,1,256,1] swizzle 128

// MMA: kernel0_fused_attention '' grid 8x1x1 block 256x1x1

// F32IO: KILN_CUDA_ATTENTION=wgmma but Q: it is not held in the products' 16-bit type
// SM80: KILN_CUDA_ATTENTION=wgmma but it needs --cuda-arch=sm_90a, not sm_80
// TF32: KILN_CUDA_ATTENTION=wgmma but tf32 products run on mma.sync
// BADTILE: KILN_CUDA_ATTENTION=wgmma but KILN_CUDA_ATTENTION_TILE='4,32' is not a wgmma block shape
// BADENV: KILN_CUDA_ATTENTION='tensor-cores' is neither mma-sync nor wgmma
