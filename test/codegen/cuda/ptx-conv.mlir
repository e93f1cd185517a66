// REQUIRES: ptxas
// Convolutions and windows on CUDA.
//
// Dense convolutions under --precision run as an implicit GEMM on the mma.sync kernel
// (MapContraction.cpp, mapConvolution): the weight [F, C, KH, KW] is A as [F, C*KH*KW]
// (cp.async when its rows are 16-byte multiples), the input is B, gathered in 32-bit
// index arithmetic straight from the unpadded input (the padding is virtual: 0 outside
// it; a chunk of pixels inside one input row is one run from one offset) into 16-byte
// shared-memory stores, one image per grid z; the bias starts each
// output element and the residual add and relu run on the accumulator. The cast of the
// f32 input to bf16 is the convolution's prologue (kiln-fuse conv-input-prologues): the
// gather reads f32 and rounds each element, so no cast kernel runs for x (the weight's
// and bias's casts, of model inputs here, still do).
// RUN: kiln-opt %S/Inputs/conv-block.mlir '--kiln-cuda-pipeline=cuda-arch=sm_80 stop-after=gpu precision=bf16' | FileCheck %s --check-prefix=GEMM
// RUN: kiln-compile %S/Inputs/conv-block.mlir --target=cuda --cuda-arch=sm_80 --precision=bf16 --emit=ptx -o %t.block.ptx
// RUN: FileCheck %s --check-prefix=PTX --input-file=%t.block.ptx
// RUN: %ptxas -arch=sm_80 -v %t.block.ptx -o %t.block.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS --implicit-check-not=warning
// RUN: kiln-compile %S/Inputs/conv-block.mlir --target=cuda --cuda-arch=sm_90a --precision=bf16 --emit=ptx -o %t.block90.ptx
// RUN: %ptxas -arch=sm_90a -v %t.block90.ptx -o %t.block90.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS --implicit-check-not=warning
// RUN: kiln-compile %S/Inputs/conv-block.mlir --target=cuda --cuda-arch=sm_80 --precision=bf16 -o %t.block.kiln
// RUN: kiln-run --inspect %t.block.kiln | FileCheck %s --check-prefix=ART
//
// 128 output channels x 784 pixels x 32 images: 128 x 128 tiles of 8 warps (4 spill
// beside the gathered chunks).
// RUN: kiln-compile %S/Inputs/conv-wide.mlir --target=cuda --cuda-arch=sm_90a --precision=bf16 --emit=ptx -o %t.wide.ptx
// RUN: %ptxas -arch=sm_90a -v %t.wide.ptx -o %t.wide.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS --implicit-check-not=warning
// RUN: kiln-compile %S/Inputs/conv-wide.mlir --target=cuda --cuda-arch=sm_90a --precision=bf16 -o %t.wide.kiln
// RUN: kiln-run --inspect %t.wide.kiln | FileCheck %s --check-prefix=WIDE
//
// A stem convolution (3 channels, 7x7, stride 2, padding 3): K = 147 is no multiple of 8,
// so the weight is gathered too.
// RUN: kiln-opt %S/Inputs/conv-stem.mlir '--kiln-cuda-pipeline=cuda-arch=sm_80 stop-after=gpu precision=fp16' | FileCheck %s --check-prefix=STEM
// RUN: kiln-compile %S/Inputs/conv-stem.mlir --target=cuda --cuda-arch=sm_90a --precision=fp16 --emit=ptx -o %t.stem.ptx
// RUN: %ptxas -arch=sm_90a -v %t.stem.ptx -o %t.stem.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS --implicit-check-not=warning
//
// A residual block: the cast of x to bf16 is the first convolution's prologue, whose
// temporary bufferization placed in the kernel's output (same type and shape), and a relu
// before a depthwise convolution is its prologue in f32, its temporary placed in the
// accumulator. Neither is stored: every gathered or tapped element is computed from x
// (findInputProducer), and the output is written once, by the epilogue.
// RUN: kiln-opt %S/Inputs/conv-residual.mlir '--kiln-cuda-pipeline=cuda-arch=sm_80 stop-after=gpu precision=bf16' | FileCheck %s --check-prefix=RES
// RUN: kiln-compile %S/Inputs/conv-residual.mlir --target=cuda --cuda-arch=sm_80 --precision=bf16 --emit=ptx -o %t.res.ptx
// RUN: %ptxas -arch=sm_80 -v %t.res.ptx -o %t.res.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS --implicit-check-not=warning
//
// Pointwise convolutions (MobileNetV2's 1x1 expansion and projection): pixel p of an
// image is input element p of a channel, so a chunk of 8 pixels is one run wherever
// k < K and p <= N - 8, across output rows too (7 x 7 maps have no chunk inside a row).
// RUN: kiln-opt %S/Inputs/conv-pointwise.mlir '--kiln-cuda-pipeline=cuda-arch=sm_80 stop-after=gpu precision=fp16' | FileCheck %s --check-prefix=PW
// RUN: kiln-compile %S/Inputs/conv-pointwise.mlir --target=cuda --cuda-arch=sm_80 --precision=fp16 --emit=ptx -o %t.pw.ptx
// RUN: %ptxas -arch=sm_80 -v %t.pw.ptx -o %t.pw.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS --implicit-check-not=warning
// One whose 16-bit input has channels of 16-byte multiples (16 x 16 maps) is a plain
// product per image: its B tiles come by cp.async from the input as [N, C, H * W].
// RUN: kiln-opt %S/Inputs/conv-pointwise-copy.mlir '--kiln-cuda-pipeline=cuda-arch=sm_80 stop-after=gpu precision=bf16' | FileCheck %s --check-prefix=PWCOPY
//
// Window kernels (MapWindow.cpp), one thread per output element: a depthwise convolution
// with bias and relu6, max pooling and global average pooling; padded inputs are read
// virtually (clamped loads, the padding value outside), the taps are scf.for loops.
// RUN: kiln-opt %S/Inputs/windows.mlir '--kiln-cuda-pipeline=cuda-arch=sm_80 stop-after=gpu precision=bf16' | FileCheck %s --check-prefix=WIN
// RUN: kiln-compile %S/Inputs/windows.mlir --target=cuda --cuda-arch=sm_80 --precision=bf16 --emit=ptx -o %t.win.ptx
// RUN: %ptxas -arch=sm_80 -v %t.win.ptx -o %t.win.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS --implicit-check-not=warning
//
// --precision=tf32: the f32 convolution on the same implicit GEMM in tf32 (4 floats per
// 16-byte chunk, m16n8k8), no cast kernels; 64 x 64 tiles take 8 warps.
// RUN: kiln-opt %S/Inputs/conv-block.mlir '--kiln-cuda-pipeline=cuda-arch=sm_80 stop-after=gpu precision=tf32' | FileCheck %s --check-prefix=TF32
// RUN: kiln-compile %S/Inputs/conv-block.mlir --target=cuda --cuda-arch=sm_90a --precision=tf32 --emit=ptx -o %t.tf32.ptx
// RUN: FileCheck %s --check-prefix=TF32PTX --input-file=%t.tf32.ptx
// RUN: %ptxas -arch=sm_90a -v %t.tf32.ptx -o %t.tf32.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS --implicit-check-not=warning
// RUN: kiln-compile %S/Inputs/conv-block.mlir --target=cuda --cuda-arch=sm_80 --precision=tf32 -o %t.tf32.kiln
// RUN: kiln-run --inspect %t.tf32.kiln | FileCheck %s --check-prefix=TF32ART
//
// Without --precision the dense convolution runs on the CUDA cores (the window kernel),
// with a warning when its reduction is long; this one (K = 144) is not.
// RUN: kiln-opt %S/Inputs/conv-block.mlir '--kiln-cuda-pipeline=cuda-arch=sm_80 stop-after=gpu' | FileCheck %s --check-prefix=F32

// GEMM-LABEL: gpu.func @kernel2_fused_contraction
// GEMM-SAME:      %[[X:[a-z0-9]+]]: memref<2x16x20x20xf32>
// GEMM-SAME:      %[[W:[a-z0-9]+]]: memref<32x16x3x3xbf16>
// GEMM-SAME:      %[[B:[a-z0-9]+]]: memref<32xbf16>
// GEMM-SAME:      %[[R:[a-z0-9]+]]: memref<2x32x20x20xf32>
// GEMM-SAME:      %[[OUT:[a-z0-9]+]]: memref<2x32x20x20xf32>
// GEMM:         %[[SA:.+]] = memref.view {{.+}} to memref<4x64x40xbf16, #gpu.address_space<workgroup>>
// GEMM:         %[[SB:.+]] = memref.view {{.+}} to memref<4x32x72xbf16, #gpu.address_space<workgroup>>
// GEMM:         %[[IMG:.+]] = gpu.block_id  z
// GEMM:         %[[WA:.+]] = memref.collapse_shape %[[W]] {{\[}}[0], [1, 2, 3]] : memref<32x16x3x3xbf16> into memref<32x144xbf16>
// GEMM:         %[[FLAT:.+]] = memref.collapse_shape %[[X]] {{\[}}[0, 1, 2, 3]] : memref<2x16x20x20xf32> into memref<12800xf32>
// GEMM:         arith.muli %{{.+}}, %c6400_i32 : i32
// GEMM:         nvgpu.device_async_copy %[[WA]][{{.+}}], %[[SA]][{{.+}}], 8
// The gather: (c, i, j) and (oh, ow) in i32 once per chunk of 8 pixels, padding as an
// unsigned range check. A chunk inside one output row whose 8 input pixels lie inside the
// input row (k < 144, oh < 20, ow < 13, 0 <= y < 20, 0 <= x and x + 7 < 20) reads one run:
// one offset, the 8 elements at offset + e, no selects; other chunks go element by
// element, each checked and selected.
// GEMM:         arith.divui %{{.+}}, %c9_i32 : i32
// GEMM:         arith.divui %{{.+}}, %c20_i32 : i32
// GEMM:         arith.addi %{{.+}}, %c-1_i32 : i32
// GEMM:         arith.cmpi ult, %{{.+}}, %c144_i32 : i32
// GEMM:         arith.cmpi ult, %{{.+}}, %c13_i32 : i32
// GEMM:         %[[GATHERED:.+]] = scf.if %{{.+}} -> (vector<8xbf16>) {
// GEMM-NEXT:      arith.muli %{{.+}}, %c20_i32 : i32
// GEMM-NEXT:      arith.addi
// GEMM-NEXT:      arith.muli %{{.+}}, %c20_i32 : i32
// GEMM-NEXT:      arith.addi
// GEMM-NEXT:      %[[OFF:.+]] = arith.addi %{{.+}}, %{{.+}} : i32
// GEMM-NEXT:      %[[I0:.+]] = arith.index_castui %[[OFF]] : i32 to index
// GEMM-NEXT:      %[[E0:.+]] = memref.load %[[FLAT]][%[[I0]]] : memref<12800xf32>
// GEMM-NEXT:      arith.truncf %[[E0]] : f32 to bf16
// GEMM-NEXT:      %[[O1:.+]] = arith.addi %[[OFF]], %c1_i32 : i32
// GEMM-NEXT:      %[[I1:.+]] = arith.index_castui %[[O1]] : i32 to index
// GEMM-NEXT:      memref.load %[[FLAT]][%[[I1]]] : memref<12800xf32>
// GEMM-NOT:       arith.select
// GEMM:           vector.from_elements {{.+}} : vector<8xbf16>
// GEMM-NEXT:      scf.yield
// GEMM-NEXT:    } else {
// GEMM:           %[[X32:.+]] = memref.load %[[FLAT]][%{{.+}}] : memref<12800xf32>
// GEMM:           %[[V:.+]] = arith.truncf %[[X32]] : f32 to bf16
// GEMM:           arith.select %{{.+}}, %[[V]], %{{.+}} : bf16
// GEMM:           %[[CHUNK:.+]] = vector.from_elements {{.+}} : vector<8xbf16>
// GEMM-NEXT:      scf.yield %[[CHUNK]]
// GEMM:         vector.store %[[GATHERED]], %[[SB]][{{.+}}] {alignment = 16 : i64}
// GEMM:         scf.for
// GEMM:           nvgpu.device_async_wait
// GEMM:           gpu.barrier
// The next tile's gather is issued before this tile's mma.sync and stored after it.
// GEMM:           memref.load %[[FLAT]]
// GEMM:           nvgpu.ldmatrix %[[SB]]{{.+}} {numTiles = 4 : i32, transpose = true}
// GEMM:           nvvm.mma.sync
// GEMM:           vector.store %{{.+}}, %[[SB]]
// GEMM:           scf.yield
// The epilogue: bias[f] + acc, rounded to bf16 (the product's type), + residual, relu,
// for pixels p and p + 1 (p even; the output rows are 20 pixels, even, so both are in row
// p / 20): their residuals are one 8-byte load, their results one 8-byte store at
// (n, f, p / 20, p % 20).
// GEMM:         scf.if
// GEMM:           %[[OH:.+]] = arith.divui %{{.+}}, %c20 : index
// GEMM:           %[[OW:.+]] = arith.remui %{{.+}}, %c20 : index
// GEMM:           vector.load %[[R]][%[[IMG]], %[[F:.+]], %[[OH]], %[[OW]]] {alignment = 8 : i64} : memref<2x32x20x20xf32>, vector<2xf32>
// GEMM:           %[[BIAS:.+]] = memref.load %[[B]][%[[F]]] : memref<32xbf16>
// GEMM:           %[[BIAS32:.+]] = arith.extf %[[BIAS]] : bf16 to f32
// GEMM:           %[[SUM:.+]] = arith.addf %[[BIAS32]], %{{.+}}#0 : f32
// GEMM:           arith.truncf %[[SUM]] : f32 to bf16
// GEMM:           %[[RELU0:.+]] = arith.select
// GEMM:           arith.addf %[[BIAS32]], %{{.+}}#1 : f32
// GEMM:           %[[RELU1:.+]] = arith.select
// GEMM:           %[[PAIR:.+]] = vector.from_elements %[[RELU0]], %[[RELU1]] : vector<2xf32>
// GEMM-NEXT:      vector.store %[[PAIR]], %[[OUT]][%[[IMG]], %[[F]], %[[OH]], %[[OW]]] {alignment = 8 : i64}

// PTX-LABEL: .entry kernel2_fused_contraction
// PTX:         cp.async.cg.shared.global
// PTX:         st.shared.v4.b32
// PTX:         ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// PTX:         mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// PTX-NOT:     st.global.f32
// PTX:         st.global.v2.b32
// PTX-NOT:     call

// PTXAS-NOT: bytes spill stores
// PTXAS: 0 bytes spill stores, 0 bytes spill loads

// 32 output channels x 400 pixels in 64 x 64 tiles: 7 blocks per image, 2 images.
// ART: kernels: 3
// ART-NOT: kernel{{.*}}cast{{.*}}'x'
// ART: kernel2_fused_contraction '' grid 7x1x2 block 128x1x1 shared 38912

// WIDE: kernel1_fused_contraction '' grid 7x1x32 block 256x1x1 shared 75776

// STEM-LABEL: gpu.func @kernel1_fused_contraction
// STEM-SAME:      memref<1x3x32x32xf32>
// STEM:         %[[WA:.+]] = memref.collapse_shape %{{.+}} into memref<8x147xf16>
// STEM:         %[[XF:.+]] = memref.collapse_shape %{{.+}} into memref<3072xf32>
// STEM-NOT:     nvgpu.device_async_copy
// STEM:         memref.load %[[WA]]
// A run of 8 output pixels inside the input reads every other input column (stride 2).
// STEM:         arith.addi %{{.+}}, %c-3_i32 : i32
// STEM:         scf.if %{{.+}} -> (vector<8xf16>) {
// STEM-NEXT:      arith.muli %{{.+}}, %c32_i32 : i32
// STEM-NEXT:      arith.addi
// STEM-NEXT:      arith.muli %{{.+}}, %c32_i32 : i32
// STEM-NEXT:      arith.addi
// STEM-NEXT:      %[[OFF:.+]] = arith.addi %{{.+}}, %{{.+}} : i32
// STEM-NEXT:      arith.index_castui %[[OFF]]
// STEM-NEXT:      memref.load %[[XF]]
// STEM-NEXT:      arith.truncf %{{.+}} : f32 to f16
// STEM-NEXT:      arith.addi %[[OFF]], %c2_i32 : i32
// Elsewhere the padding of 3 is checked after the cast: the f32 element read at the
// clamped offset is rounded to f16, then replaced by 0 outside the input.
// STEM:         } else {
// STEM:           %[[XV:.+]] = memref.load %[[XF]]
// STEM:           %[[XH:.+]] = arith.truncf %[[XV]] : f32 to f16
// STEM:           arith.select %{{.+}}, %[[XH]], %{{.+}} : f16
// STEM:         vector.store %{{.+}} {alignment = 16 : i64} : memref<4x64x40xf16
// STEM:         nvvm.mma.sync
// STEM-SAME:      f16

// WIN-LABEL: gpu.func @kernel0_fused_contraction
// WIN-SAME:      known_block_size = array<i32: 256, 1, 1>
// WIN:         %[[T:.+]] = arith.addi
// WIN:         arith.cmpi ult, %[[T]], %c1600
// WIN:         %[[BIAS:.+]] = memref.load %arg2
// WIN:         scf.for %[[I:.+]] = %c0 to %c3 step %c1 iter_args(%{{.+}} = %[[BIAS]])
// WIN:           scf.for %[[J:.+]] = %c0 to %c3 step %c1
// WIN:             arith.cmpi sge
// WIN:             arith.maxsi
// WIN:             %[[XV:.+]] = memref.load %arg0
// WIN:             arith.select %{{.+}}, %[[XV]], %cst
// WIN:             arith.mulf
// WIN:             arith.addf
// WIN:         arith.cmpf olt
// WIN:         arith.cmpf ogt
// WIN:         memref.store %{{.+}}, %arg3
// WIN-LABEL: gpu.func @kernel1_pool2d
// WIN:         scf.for
// WIN:           scf.for
// WIN:             %[[PV:.+]] = memref.load %arg0
// WIN:             arith.select %{{.+}}, %[[PV]], %cst
// WIN:             arith.maximumf
// WIN-NOT:     memref.alloc
// WIN-LABEL: gpu.func @kernel2_global_pool
// WIN:         scf.for %{{.+}} = %c0 to %c5
// WIN:           scf.for %{{.+}} = %c0 to %c5
// WIN:         arith.divf
// WIN:         memref.store

// RES-LABEL: gpu.func @kernel0_fused_contraction(
// RES-SAME:      %[[X:[a-z0-9]+]]: memref<1x16x8x8xf32>
// RES-SAME:      %[[Y:[a-z0-9]+]]: memref<1x16x8x8xbf16>
// RES-NOT:     memref.store {{.+}}, %[[Y]]
// RES:         %[[XF:.+]] = memref.collapse_shape %[[X]] {{.+}} into memref<1024xf32>
// RES-NOT:     memref.store {{.+}}, %[[Y]]
// RES:         %[[XV:.+]] = memref.load %[[XF]]
// RES-NEXT:    arith.truncf %[[XV]] : f32 to bf16
// RES-NOT:     memref.store {{.+}}, %[[Y]]
// RES:         nvvm.mma.sync
// RES:         vector.store %{{.+}}, %[[Y]]
// RES-LABEL: gpu.func @kernel3_fused_contraction(
// RES-SAME:      %[[N:[a-z0-9]+]]: memref<1x16x8x8xf32>
// RES-SAME:      %[[Z:[a-z0-9]+]]: memref<1x16x8x8xf32>
// RES-NOT:     memref.load %[[Z]]
// RES:         scf.for
// RES:           scf.for
// RES:             %[[NV:.+]] = memref.load %[[N]]
// RES-NEXT:        arith.cmpf olt, %[[NV]]
// RES:             arith.mulf
// RES:         memref.load %[[N]]
// RES-NEXT:    arith.addf
// RES-NEXT:    memref.store %{{.+}}, %[[Z]]

// TF32-LABEL: gpu.func @kernel0_fused_contraction
// TF32-SAME:      known_block_size = array<i32: 256, 1, 1>
// TF32:         %[[SB:.+]] = memref.view {{.+}} to memref<4x32x72xf32, #gpu.address_space<workgroup>>
// TF32:         %[[WA:.+]] = memref.collapse_shape %arg1 {{.+}} into memref<32x144xf32>
// TF32:         %[[FLAT:.+]] = memref.collapse_shape %arg0 {{.+}} into memref<12800xf32>
// TF32:         nvgpu.device_async_copy %[[WA]]{{.+}}, 4,
// TF32:         memref.load %[[FLAT]]
// TF32:         vector.from_elements {{.+}} : vector<4xf32>
// TF32:         vector.store %{{.+}}, %[[SB]]{{.+}} {alignment = 16 : i64}
// TF32:         scf.for
// TF32:           memref.load %[[SB]]
// TF32:           nvvm.mma.sync {{.+}}multiplicandAPtxType = #nvvm.mma_type<tf32>

// TF32PTX-LABEL: .entry kernel0_fused_contraction
// TF32PTX:       mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32

// TF32ART:     kernels: 1
// TF32ART-NEXT: kernel0_fused_contraction '' grid 7x1x2 block 256x1x1 shared 73728

// F32-LABEL: gpu.func @kernel0_fused_contraction
// F32:         scf.for %{{.+}} = %c0 to %c16
// F32:           scf.for %{{.+}} = %c0 to %c3
// F32:             scf.for %{{.+}} = %c0 to %c3
// F32-NOT:     nvvm.mma.sync

// The projection of the 7 x 7 map (49 pixels an image, 48 channels, already f16).
// PW-LABEL: gpu.func @kernel5_fused_contraction
// PW-SAME:      memref<2x48x7x7xf16>
// PW:         %[[FLAT:.+]] = memref.collapse_shape %{{.+}} into memref<4704xf16>
// PW:         %[[KIN:.+]] = arith.cmpi ult, %[[K:.+]], %c48_i32 : i32
// PW-NEXT:    %[[PIN:.+]] = arith.cmpi ult, %[[P:.+]], %c42_i32 : i32
// PW-NEXT:    %[[WHOLE:.+]] = arith.andi %[[KIN]], %[[PIN]] : i1
// PW-NEXT:    scf.if %[[WHOLE]] -> (vector<8xf16>) {
// PW-NEXT:      %[[CH:.+]] = arith.muli %[[K]], %c49_i32 : i32
// PW-NEXT:      %[[PIX:.+]] = arith.addi %[[CH]], %[[P]] : i32
// PW-NEXT:      %[[OFF:.+]] = arith.addi %{{.+}}, %[[PIX]] : i32
// PW-NEXT:      %[[I0:.+]] = arith.index_castui %[[OFF]] : i32 to index
// PW-NEXT:      memref.load %[[FLAT]][%[[I0]]] : memref<4704xf16>
// PW-NEXT:      arith.addi %[[OFF]], %c1_i32 : i32
// PW-NOT:       arith.divui
// PW:           vector.from_elements
// PW-NEXT:      scf.yield
// PW-NEXT:    } else {

// PWCOPY-LABEL: gpu.func @kernel3_fused_contraction
// PWCOPY-SAME:      %[[X:[a-z0-9]+]]: memref<2x32x16x16xbf16>
// PWCOPY:         %[[Z:.+]] = gpu.block_id  z
// PWCOPY:         %[[XB:.+]] = memref.collapse_shape %[[X]] {{\[}}[0], [1], [2, 3]] : memref<2x32x16x16xbf16> into memref<2x32x256xbf16>
// PWCOPY:         nvgpu.device_async_copy %[[XB]][%[[Z]], %{{.+}}, %{{.+}}], %{{.+}}, 8, %{{.+}} {bypassL1} : memref<2x32x256xbf16> to memref<2x32x72xbf16
// PWCOPY-NOT:     memref.load %[[X]]
// PWCOPY-NOT:     vector.from_elements {{.+}} : vector<8xbf16>
// PWCOPY:         gpu.return

