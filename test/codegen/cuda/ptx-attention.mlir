// REQUIRES: ptxas
// Attention groups on CUDA: one flash-style kernel per group (MapAttention.cpp). Q, K and
// V are read through the heads' transposes (f32, 8 elements as two 16-byte loads, rounded
// to bf16/f16 into padded shared memory), both products run on mma.sync with ldmatrix
// fragments (V transposed), the online softmax uses exp2 and two xor shuffles per row
// statistic, and the output is written through the merging transpose. ptxas assembles
// the kernels for sm_80 and sm_90a without spills.
//
// RUN: kiln-opt %S/../../tools/Inputs/attention-128x4x64.mlir '--kiln-cuda-pipeline=cuda-arch=sm_80 stop-after=gpu precision=bf16' | FileCheck %s --check-prefix=IR
// RUN: kiln-compile %S/../../tools/Inputs/attention-128x4x64.mlir --target=cuda --cuda-arch=sm_80 --precision=bf16 --emit=ptx -o %t.ptx
// RUN: FileCheck %s --input-file=%t.ptx
// RUN: %ptxas -arch=sm_80 -v %t.ptx -o %t.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS --implicit-check-not=warning
// RUN: kiln-compile %S/../../tools/Inputs/attention-128x4x64.mlir --target=cuda --cuda-arch=sm_80 --precision=bf16 -o %t.kiln
// RUN: kiln-run --inspect %t.kiln | FileCheck %s --check-prefix=ART
//
// A mask input broadcast over heads and queries, 100 keys (the last key block guarded),
// head dim 32; 4 warps and 32-key blocks by KILN_CUDA_ATTENTION_TILE.
// RUN: kiln-opt %S/Inputs/attention-mask.mlir '--kiln-cuda-pipeline=cuda-arch=sm_90a stop-after=gpu precision=bf16' | FileCheck %s --check-prefix=MASK
// RUN: kiln-compile %S/Inputs/attention-mask.mlir --target=cuda --cuda-arch=sm_90a --precision=bf16 --emit=ptx -o %t.mask.ptx
// RUN: %ptxas -arch=sm_90a -v %t.mask.ptx -o %t.mask.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS --implicit-check-not=warning
// RUN: env KILN_CUDA_ATTENTION_TILE=4,32 kiln-compile %S/Inputs/attention-mask.mlir --target=cuda --cuda-arch=sm_80 --precision=bf16 -o %t.mask8.kiln
// RUN: kiln-run --inspect %t.mask8.kiln | FileCheck %s --check-prefix=TILE4
//
// Head dim 128 in f16: the largest the kernel holds in registers.
// RUN: kiln-compile %S/Inputs/attention-d128.mlir --target=cuda --cuda-arch=sm_90a --precision=fp16 --emit=ptx -o %t.d128.ptx
// RUN: FileCheck %s --check-prefix=F16 --input-file=%t.d128.ptx
// RUN: %ptxas -arch=sm_90a -v %t.d128.ptx -o %t.d128.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS --implicit-check-not=warning
//
// K and V already bf16 in memory, rows contiguous (self-attention.mlir: the projection
// writes them so, kiln-mixed-precision attention-io): each key block arrives by cp.async
// into one of two stages while the previous one is computed. 150 keys: 3 blocks.
// KILN_CUDA_ATTENTION_PIPELINE=0 loads them as before.
// RUN: kiln-opt %S/Inputs/self-attention.mlir '--kiln-cuda-pipeline=cuda-arch=sm_80 stop-after=gpu precision=bf16' | FileCheck %s --check-prefix=PIPE
// RUN: kiln-compile %S/Inputs/self-attention.mlir --target=cuda --cuda-arch=sm_80 --precision=bf16 --emit=ptx -o %t.pipe.ptx
// RUN: FileCheck %s --check-prefix=PIPEPTX --input-file=%t.pipe.ptx
// RUN: %ptxas -arch=sm_80 -v %t.pipe.ptx -o %t.pipe.cubin 2>&1 | FileCheck %s --check-prefix=PIPEPTXAS --implicit-check-not=warning
// Q, K and V f32 function arguments (attention-128x4x64): converted as loaded, no cp.async.
// RUN: kiln-opt %S/../../tools/Inputs/attention-128x4x64.mlir '--kiln-cuda-pipeline=cuda-arch=sm_80 stop-after=gpu precision=bf16' | FileCheck %s --check-prefix=F32IN --implicit-check-not=nvgpu.device_async
// RUN: env KILN_CUDA_ATTENTION_PIPELINE=0 kiln-opt %S/Inputs/self-attention.mlir '--kiln-cuda-pipeline=cuda-arch=sm_80 stop-after=gpu precision=bf16' | FileCheck %s --check-prefix=NOPIPE
//
// At tf32 the flash kernel runs both products as mma.sync.m16n8k8 on f32 tiles: K and V
// (f32 function arguments with contiguous 128-byte rows) arrive by 16-byte cp.async (4
// elements) into rows of 32 + 4 words; V's B fragments are single-word shared loads.
// RUN: kiln-opt %S/Inputs/attention-mask.mlir '--kiln-cuda-pipeline=cuda-arch=sm_80 stop-after=gpu precision=tf32' | FileCheck %s --check-prefix=TF32F
// RUN: kiln-compile %S/Inputs/attention-mask.mlir --target=cuda --cuda-arch=sm_80 --precision=tf32 --emit=ptx -o %t.tf32f.ptx
// RUN: FileCheck %s --check-prefix=TF32FPTX --input-file=%t.tf32f.ptx
// RUN: %ptxas -arch=sm_80 -v %t.tf32f.ptx -o %t.tf32f.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS --implicit-check-not=warning
// RUN: kiln-compile %S/Inputs/attention-d128.mlir --target=cuda --cuda-arch=sm_90a --precision=tf32 --emit=ptx -o %t.tf32d128.ptx
// RUN: %ptxas -arch=sm_90a -v %t.tf32d128.ptx -o %t.tf32d128.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS --implicit-check-not=warning
// RUN: kiln-compile %S/Inputs/attention-mask.mlir --target=cuda --cuda-arch=sm_80 --precision=tf32 -o %t.tf32f.kiln
// RUN: kiln-run --inspect %t.tf32f.kiln | FileCheck %s --check-prefix=TF32FART
// Head dim 128 on sm_80: f32 tiles of 64 keys need 168960 bytes, over its 163 KiB, so
// the key blocks are 32.
// RUN: kiln-compile %S/Inputs/attention-d128.mlir --target=cuda --cuda-arch=sm_80 --precision=tf32 -o %t.tf32d128.kiln
// RUN: kiln-run --inspect %t.tf32d128.kiln | FileCheck %s --check-prefix=TF32D128
//
// Without --precision, and for head dims the flash kernel does not hold (24: no multiple
// of 16; kiln-fuse attention-head-dims=128), no attention group is formed: the attention
// runs as its products (on CUDA cores with a warning, or on tensor cores in tf32), its
// softmax (a row kernel) and the heads' transposes. With the mask broadcast over heads,
// the epilogue keeps batch and heads apart, so the [2, 3] products run as 6 batch indices
// of grid z (z / 3, z % 3).
// RUN: kiln-compile %S/../../tools/Inputs/attention-128x4x64.mlir --target=cuda --cuda-arch=sm_80 -o %t.f32.kiln 2>&1 | FileCheck %s --check-prefix=F32 --implicit-check-not=error
// RUN: kiln-run --inspect %t.f32.kiln | FileCheck %s --check-prefix=F32ART
// RUN: kiln-opt %S/Inputs/attention-mask-d24.mlir '--kiln-cuda-pipeline=cuda-arch=sm_80 stop-after=gpu precision=tf32' | FileCheck %s --check-prefix=TF32
// RUN: kiln-compile %S/Inputs/attention-mask-d24.mlir --target=cuda --cuda-arch=sm_80 --precision=tf32 --emit=ptx -o %t.tf32.ptx
// RUN: %ptxas -arch=sm_80 -v %t.tf32.ptx -o %t.tf32.cubin 2>&1 | FileCheck %s --check-prefix=TF32PTXAS --implicit-check-not=warning
// RUN: kiln-compile %S/Inputs/attention-mask-d24.mlir --target=cuda --cuda-arch=sm_80 --precision=tf32 -o %t.tf32.kiln
// RUN: kiln-run --inspect %t.tf32.kiln | FileCheck %s --check-prefix=TF32ART
//
// Refusal: a tile the kernel cannot build.
// RUN: env KILN_CUDA_ATTENTION_TILE=8,65 not kiln-compile %S/Inputs/attention-mask.mlir --target=cuda --cuda-arch=sm_80 --precision=bf16 -o %t.bad.kiln 2>&1 | FileCheck %s --check-prefix=TILE

// IR:      gpu.func @kernel0_fused_attention(
// IR-SAME:   known_block_size = array<i32: 256, 1, 1>
// IR:        gpu.dynamic_shared_memory
// Q rows in [b, s, h, d] order, 8 floats at a time, rounded to bf16 into shared memory.
// IR:        vector.load %arg0[{{.*}}] {alignment = 16 : i64} : memref<1x128x4x64xf32>, vector<8xf32>
// IR:        arith.truncf {{.*}} : vector<8xf32> to vector<8xbf16>
// IR:        vector.store {{.*}} {alignment = 16 : i64} : memref<128x72xbf16, #gpu.address_space<workgroup>>, vector<8xbf16>
// IR:        gpu.barrier
// IR:        nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false}
// Two key blocks of 64; the loop carries m, l (2 rows each) and 8 x 4 output accumulators.
// IR:        scf.for %{{.*}} = %c0 to %c2 step %c1 iter_args({{.*}}) -> (f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32)
// IR:          gpu.barrier
// IR:          vector.load %arg1[
// IR:          vector.load %arg2[
// IR:          gpu.barrier
// IR:          nvvm.mma.sync
// IR:          gpu.shuffle  xor
// IR:          gpu.shuffle  xor
// IR:          math.exp2
// IR:          nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = true}
// IR:          nvvm.mma.sync
// IR:          scf.yield
// The row sums meet across the 4 lanes of a row once, after the loop; O / l is stored
// through the merge transpose ([b, h, s, d] -> [b, s, h, d]).
// IR:        gpu.shuffle  xor
// IR:        arith.divf
// IR:        memref.store {{.*}} : memref<1x128x4x64xf32>
// IR:        gpu.return

// CHECK:     .visible .entry kernel0_fused_attention(
// CHECK-NOT: call
// CHECK:     ld.global.nc.v4.{{[bf]}}32
// CHECK:     cvt.rn.bf16x2.f32
// CHECK:     st.shared.v4
// CHECK:     ldmatrix.sync.aligned.m8n8.x4.shared.b16
// CHECK:     mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CHECK:     ex2.approx
// CHECK:     shfl.sync.bfly.b32
// CHECK:     ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// CHECK:     mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CHECK-NOT: call

// PTXAS:     Compiling entry function 'kernel0_fused_attention'
// PTXAS:     0 bytes spill stores, 0 bytes spill loads

// Head dim 64: 8 warps, 128 query rows a block: 4 heads x 1 query tile; Q, K, V tiles of
// (128, 64, 64) x (64 + 8) bf16.
// ART: kernels: 1
// ART: 0 kernel0_fused_attention 'q_heads (Transpose), k_heads (Transpose), v_heads (Transpose), scores (MatMul), scale (Div), softmax (Softmax), context (MatMul), merge (Transpose)' grid 4x1x1 block 256x1x1 shared 36864

// The mask [2, 1, 1, 100] is read at (batch, 0, 0, key), keys clamped into range and
// the keys past 100 set to -inf.
// MASK:      gpu.func @kernel0_fused_attention(
// MASK:      scf.for
// MASK:        %[[KEY:.*]] = arith.minui %{{.*}}, %c99 : index
// MASK:        memref.load %arg3[%{{.*}}, %c0, %c0, %[[KEY]]] : memref<2x1x1x100xf32>
// MASK:        arith.select %{{.*}}, %{{.*}}, %cst{{.*}} : f32
// MASK:      scf.yield

// 6 batch indices (2 x 3 heads) x 2 tiles of 64 queries; shared (64 + 32 + 32) x 40 x 2.
// TILE4: grid 12x1x1 block 128x1x1 shared 10240

// F16: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// F16: ex2.approx

// F32: warning: kiln-cuda-map-kernels: kernel kernel3_fused_contraction (scores (MatMul), scale (Div)) runs its f32 product on CUDA cores
// F32: warning: kiln-cuda-map-kernels: kernel kernel5_matmul (context (MatMul)) runs its f32 product on CUDA cores

// F32ART:      kernels: 7
// F32ART-NOT:  attention
// F32ART:      kernel3_fused_contraction 'scores (MatMul), scale (Div)'
// F32ART:      kernel4_softmax 'softmax (Softmax)'

// TF32F-LABEL: gpu.func @kernel0_fused_attention(
// TF32F-SAME:      memref<2x100x3x32xf32>
// TF32F:         nvgpu.device_async_copy %{{.+}}, 4, %{{.+}} {bypassL1} : memref<2x100x3x32xf32> to memref<2x64x36xf32, #gpu.address_space<workgroup>>
// TF32F:         scf.for
// TF32F:           nvgpu.device_async_wait
// TF32F-NEXT:      gpu.barrier
// TF32F:           nvvm.mma.sync {{.+}}multiplicandAPtxType = #nvvm.mma_type<tf32>{{.+}}shape = #nvvm.shape<m = 16, n = 8, k = 8>
// TF32F:           math.exp2
// The second product: P's accumulators as they are, V's rows 2t and 2t + 1 as words.
// TF32F:           %[[B0:.+]] = memref.load %{{.+}} : memref<2x64x36xf32, #gpu.address_space<workgroup>>
// TF32F-NEXT:      %[[B1:.+]] = memref.load %{{.+}} : memref<2x64x36xf32, #gpu.address_space<workgroup>>
// TF32F-NEXT:      %[[W0:.+]] = arith.bitcast %[[B0]] : f32 to i32
// TF32F-NEXT:      %[[W1:.+]] = arith.bitcast %[[B1]] : f32 to i32
// TF32F-NEXT:      nvvm.mma.sync A[{{.+}}]  B[%[[W0]], %[[W1]]] {{.+}}multiplicandAPtxType = #nvvm.mma_type<tf32>{{.+}}shape = #nvvm.shape<m = 16, n = 8, k = 8>

// TF32FPTX:     .entry kernel0_fused_attention
// TF32FPTX:     cp.async.cg.shared.global {{.+}}, 16
// TF32FPTX:     mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32
// TF32FPTX-NOT: mma.sync.aligned.m16n8k16

// 6 batch indices x 2 tiles of 64 queries, one kernel; shared (64 + 2 x 2 x 64) x 36 x 4.
// TF32FART:      kernels: 1
// TF32FART-NEXT: kernel0_fused_attention '' grid 12x1x1 block 128x1x1 shared 46080

// (64 + 2 x 2 x 32) x 132 x 4.
// TF32D128:      kernels: 1
// TF32D128-NEXT: kernel0_fused_attention '' grid {{.+}} block 128x1x1 shared 101376

// TF32-LABEL: gpu.func @kernel3_fused_contraction(
// TF32-SAME:      %[[Q:[a-z0-9]+]]: memref<2x3x100x24xf32>
// TF32-SAME:      %[[K:[a-z0-9]+]]: memref<2x3x24x100xf32>
// TF32-SAME:      %[[M:[a-z0-9]+]]: memref<2x1x1x100xf32>
// TF32:         %[[Z:.+]] = gpu.block_id  z
// TF32-DAG:     %[[H:.+]] = arith.remui %[[Z]], %c3 : index
// TF32-DAG:     %[[B:.+]] = arith.divui %[[Z]], %c3 : index
// TF32:         nvgpu.device_async_copy %[[Q]][%[[B]], %[[H]],
// TF32:         nvvm.mma.sync {{.+}}multiplicandAPtxType = #nvvm.mma_type<tf32>
// The mask for the thread's two key columns in one 8-byte load.
// TF32:         vector.load %[[M]][%[[B]], %c0, %c0, %{{.+}}] {alignment = 8 : i64} : memref<2x1x1x100xf32>, vector<2xf32>
// TF32-LABEL: gpu.func @kernel4_softmax(

// All 7 kernels without spills.
// TF32PTXAS-COUNT-7: 0 bytes spill stores, 0 bytes spill loads

// TF32ART:      kernels: 7
// TF32ART:      kernel3_fused_contraction '' grid 4x1x6 block 128x1x1
// TF32ART:      kernel5_matmul '' grid 2x1x6 block 128x1x1

// TILE: KILN_CUDA_ATTENTION_TILE='8,65' is not warps,keys

// Q [128][16 + 8], then K and V as [2 stages][64 keys][16 + 8]; block 0 is issued
// before the loop, block kb + 1 inside it after the wait and the barrier.
// PIPE-LABEL: gpu.func @kernel3_fused_attention(
// PIPE-SAME:    %[[Q:[a-z0-9]+]]: memref<2x150x1x16xbf16>
// PIPE-SAME:    %[[K:[a-z0-9]+]]: memref<2x150x1x16xbf16>
// PIPE-SAME:    %[[V:[a-z0-9]+]]: memref<2x150x1x16xbf16>
// PIPE:         %[[KS:.+]] = memref.view {{.+}} to memref<2x64x24xbf16, #gpu.address_space<workgroup>>
// PIPE:         %[[VS:.+]] = memref.view {{.+}} to memref<2x64x24xbf16, #gpu.address_space<workgroup>>
// PIPE:         vector.load %[[Q]]
// PIPE-NOT:     arith.truncf
// PIPE:         nvgpu.device_async_copy %[[K]][{{.+}}], %[[KS]][%c0, {{.+}}], 8, %{{.+}} {bypassL1}
// PIPE:         nvgpu.device_async_copy %[[V]][{{.+}}], %[[VS]][%c0, {{.+}}], 8, %{{.+}} {bypassL1}
// PIPE:         %[[T:.+]] = nvgpu.device_async_create_group
// PIPE:         scf.for %[[KB:.+]] = %c0 to %c3 step %c1
// PIPE:           %[[S:.+]] = arith.remui %[[KB]], %c2
// PIPE:           nvgpu.device_async_wait %[[T]] {numGroups = 0 : i32}
// PIPE-NEXT:      gpu.barrier
// PIPE:           scf.if
// PIPE:             nvgpu.device_async_copy %[[K]]
// PIPE:             nvgpu.device_async_copy %[[V]]
// PIPE:           nvgpu.device_async_create_group
// PIPE:           nvgpu.ldmatrix %[[KS]][%[[S]],
// PIPE:           nvgpu.ldmatrix %[[VS]][%[[S]], {{.+}} {numTiles = 4 : i32, transpose = true}
// PIPE:           scf.yield
// The result written in bf16 (the output projection's operand).
// PIPE:         memref.store %{{.+}} : memref<2x150x1x16xbf16>
// NOPIPE-LABEL: gpu.func @kernel3_fused_attention(
// NOPIPE-NOT:   nvgpu.device_async
// NOPIPE:       memref<64x24xbf16, #gpu.address_space<workgroup>>
// NOPIPE-NOT:   nvgpu.device_async
// NOPIPE:       gpu.return

// PIPEPTX:     .visible .entry kernel3_fused_attention(
// PIPEPTX:     cp.async.cg.shared.global [{{.+}}], [{{.+}}], 16, {{%r[0-9]+}};
// PIPEPTX:     cp.async.commit_group;
// PIPEPTX:     cp.async.wait_group 0;
// PIPEPTX:     bar.sync 0;
// PIPEPTX:     mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// PIPEPTXAS:   Compiling entry function 'kernel3_fused_attention'
// PIPEPTXAS:   0 bytes spill stores, 0 bytes spill loads

// F32IN: gpu.func @kernel0_fused_attention(
// F32IN:   arith.truncf {{.*}} : vector<8xf32> to vector<8xbf16>
