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
//
// --precision=tf32: f32 products on mma.sync.m16n8k8.tf32 (sm_90a too: wgmma's tf32 form
// needs a K-major B), 16-byte cp.async of 4 floats, A (and a K-contiguous B) by ldmatrix
// of 32-bit elements, a [k][n] B by scalar shared loads from rows padded by 32 bytes.
// RUN: kiln-opt %S/Inputs/gemm-tf32.mlir '--kiln-cuda-pipeline=cuda-arch=sm_80 stop-after=gpu precision=tf32' | FileCheck %s --check-prefix=TF32IR
// RUN: kiln-compile %S/Inputs/gemm-tf32.mlir --target=cuda --cuda-arch=sm_80 --precision=tf32 --emit=ptx -o %t.tf32.ptx
// RUN: FileCheck %s --check-prefix=TF32 --input-file=%t.tf32.ptx
// RUN: %ptxas -arch=sm_80 -v %t.tf32.ptx -o %t.tf32.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS --implicit-check-not=warning
// RUN: kiln-compile %S/Inputs/gemm-tf32.mlir --target=cuda --cuda-arch=sm_90a --precision=tf32 --emit=ptx -o %t.tf32.90.ptx
// RUN: %ptxas -arch=sm_90a -v %t.tf32.90.ptx -o %t.tf32.90.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS --implicit-check-not=warning
// RUN: kiln-compile %S/Inputs/gemm-tf32.mlir --target=cuda --cuda-arch=sm_90a --precision=tf32 -o %t.tf32.kiln
// RUN: kiln-run --inspect %t.tf32.kiln | FileCheck %s --check-prefix=TF32ART
//
// Horizontally fused Q, K, V projections (one [32, 48] product, three column slices):
// one kernel, whose epilogue stores each element to the slice that holds its column,
// with the [2, 8] rows of each output collapsed like the product's. In tf32 on tensor
// cores, and in f32 on the CUDA cores (the window kernel stores the slices the same way).
// RUN: kiln-opt %S/Inputs/qkv.mlir '--kiln-cuda-pipeline=cuda-arch=sm_80 stop-after=gpu precision=tf32' | FileCheck %s --check-prefix=QKV
// RUN: kiln-compile %S/Inputs/qkv.mlir --target=cuda --cuda-arch=sm_80 --precision=tf32 --emit=ptx -o %t.qkv.ptx
// RUN: %ptxas -arch=sm_80 -v %t.qkv.ptx -o %t.qkv.cubin 2>&1 | FileCheck %s --check-prefix=QKVPTXAS --implicit-check-not=warning
// RUN: kiln-compile %S/Inputs/qkv.mlir --target=cuda --cuda-arch=sm_80 --precision=tf32 -o %t.qkv.kiln
// RUN: kiln-run --inspect %t.qkv.kiln | FileCheck %s --check-prefix=QKVART
// RUN: kiln-opt %S/Inputs/qkv.mlir '--kiln-cuda-pipeline=cuda-arch=sm_80 stop-after=gpu' 2>/dev/null | FileCheck %s --check-prefix=QKV32
// RUN: kiln-opt %S/Inputs/qkv-odd.mlir '--kiln-cuda-pipeline=cuda-arch=sm_80 stop-after=gpu precision=tf32' | FileCheck %s --check-prefix=ODD

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

// TF32IR-LABEL: gpu.func @kernel0_fused_contraction
// TF32IR:         %[[SA:.+]] = memref.view {{.+}} to memref<3x64x36xf32, #gpu.address_space<workgroup>>
// TF32IR:         %[[SB:.+]] = memref.view {{.+}} to memref<3x32x72xf32, #gpu.address_space<workgroup>>
// TF32IR:         nvgpu.device_async_copy %{{.+}}, %[[SA]][{{.+}}], 4
// TF32IR:         nvgpu.device_async_copy %{{.+}}, %[[SB]][{{.+}}], 4
// TF32IR:         scf.for
// TF32IR:           nvgpu.ldmatrix %[[SA]]{{.+}} {numTiles = 4 : i32, transpose = false} : {{.+}} -> vector<4x1xf32>
// TF32IR:           %[[B0:.+]] = memref.load %[[SB]]
// TF32IR:           llvm.bitcast %[[B0]] : f32 to i32
// TF32IR:           nvvm.mma.sync {{.+}} {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<tf32>, multiplicandBPtxType = #nvvm.mma_type<tf32>, shape = #nvvm.shape<m = 16, n = 8, k = 8>}
// TF32IR-LABEL: gpu.func @kernel1_matmul
// TF32IR:         %[[KB:.+]] = memref.view {{.+}} to memref<2x64x36xf32, #gpu.address_space<workgroup>>
// TF32IR:         scf.for
// TF32IR:           nvgpu.ldmatrix %[[KB]]{{.+}} {numTiles = 4 : i32, transpose = false}
// TF32IR:           nvvm.mma.sync

// TF32:        .visible .entry kernel0_fused_contraction(
// TF32:        cp.async.cg.shared.global [%{{.+}}], [%{{.+}}], 16, %{{.+}};
// TF32:        ldmatrix.sync.aligned.m8n8.x4.shared.b16
// TF32:        ld.shared.b32
// TF32:        mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32
// TF32-NOT:    ldmatrix{{.*}}.trans
// TF32:        .visible .entry kernel1_matmul(
// TF32:        mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32

// No TMA maps: every tf32 product is an mma.sync kernel on sm_90a.
// TF32ART:     kernel0_fused_contraction '' grid 12x1x1 block 128x1x1 shared 55296
// TF32ART-NOT: tma[
// TF32ART:     kernel2_matmul '' grid 256x1x1 block 256x1x1 shared 156672
// TF32ART-NOT: tma[

// QKV-LABEL: gpu.func @kernel0_fused_contraction(
// QKV-SAME:      memref<32x48xf32>
// QKV-SAME:      %[[Q:[a-z0-9]+]]: memref<2x8x16xf32>
// QKV-SAME:      %[[K:[a-z0-9]+]]: memref<2x8x16xf32>
// QKV-SAME:      %[[V:[a-z0-9]+]]: memref<2x8x16xf32>
// QKV:         nvvm.mma.sync {{.+}}multiplicandAPtxType = #nvvm.mma_type<tf32>
// Columns 0-15 (col < 16, unsigned), 16-31 (col - 16 < 16), 32-47 (col - 32 < 16). The
// slices start at even columns and are of even widths, so the thread's columns col and
// col + 1 (col even) are in the same one: one 8-byte store per slice.
// QKV:         %[[QR:.+]] = memref.collapse_shape %[[Q]] {{\[}}[0, 1], [2]] : memref<2x8x16xf32> into memref<16x16xf32>
// QKV-NEXT:    %[[XQ:.+]] = vector.from_elements %[[X0:.+]], %[[X1:.+]] : vector<2xf32>
// QKV-NEXT:    vector.store %[[XQ]], %[[QR]][%[[ROW:.+]], %[[COL:[0-9a-z]+]]] {alignment = 8 : i64}
// QKV:         %[[KC:.+]] = arith.subi %[[COL]], %c16 : index
// QKV:         %[[KR:.+]] = memref.collapse_shape %[[K]]
// QKV-NEXT:    %[[XK:.+]] = vector.from_elements %[[X0]], %[[X1]] : vector<2xf32>
// QKV-NEXT:    vector.store %[[XK]], %[[KR]][%[[ROW]], %[[KC]]] {alignment = 8 : i64}
// QKV:         %[[VC:.+]] = arith.subi %[[COL]], %c32 : index
// QKV:         %[[VR:.+]] = memref.collapse_shape %[[V]]
// QKV-NEXT:    %[[XV:.+]] = vector.from_elements %[[X0]], %[[X1]] : vector<2xf32>
// QKV-NEXT:    vector.store %[[XV]], %[[VR]][%[[ROW]], %[[VC]]] {alignment = 8 : i64}

// Slices of widths 13, 13, 14 at columns 0, 13, 26: a pair (col, col + 1) may straddle
// the first two, which store element by element; the third takes the pair at once.
// ODD-LABEL: gpu.func @kernel0_fused_contraction(
// ODD:         nvgpu.device_async_wait %{{.+}} {numGroups = 0 : i32}
// ODD-NOT:     vector.store {{.+}} memref<16x13xf32>
// ODD:         memref.store {{.+}} : memref<16x13xf32>
// ODD-NOT:     vector.store {{.+}} memref<16x13xf32>
// ODD:         %[[OUT2:.+]] = arith.subi %{{.+}}, %c26 : index
// ODD:         vector.store %{{.+}}[%{{.+}}, %[[OUT2]]] {alignment = 8 : i64} : memref<16x14xf32>, vector<2xf32>
// ODD-NOT:     vector.store {{.+}} memref<16x13xf32>

// QKVPTXAS: Compiling entry function 'kernel0_fused_contraction'
// QKVPTXAS: 0 bytes spill stores, 0 bytes spill loads

// QKVART:      kernels: 1
// QKVART-NEXT: kernel0_fused_contraction

// QKV32-LABEL: gpu.func @kernel0_fused_contraction(
// QKV32-SAME:      %[[Q:[a-z0-9]+]]: memref<2x8x16xf32>
// QKV32-SAME:      %[[K:[a-z0-9]+]]: memref<2x8x16xf32>
// QKV32-SAME:      %[[V:[a-z0-9]+]]: memref<2x8x16xf32>
// QKV32:         scf.for
// QKV32:         memref.store %[[X:.+]], %[[Q]][%{{.+}}, %{{.+}}, %[[C:[0-9]+]]]
// QKV32:         %[[KC:.+]] = arith.subi %[[C]], %c16 : index
// QKV32:         memref.store %[[X]], %[[K]][%{{.+}}, %{{.+}}, %[[KC]]]
// QKV32:         %[[VC:.+]] = arith.subi %[[C]], %c32 : index
// QKV32:         memref.store %[[X]], %[[V]][%{{.+}}, %{{.+}}, %[[VC]]]
