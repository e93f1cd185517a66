// RUN: kiln-opt %s --split-input-file --kiln-cuda-pipeline=stop-after=gpu --verify-diagnostics | FileCheck %s

// GEMM + bias + GELU, bf16 256x256x128: 64 x 64 block tiles (16 blocks of 4 warps; 128 x
// 128 tiles would leave most SMs idle), 4 stages of A [64][32+8] and B [32][64+8] bf16 in
// dynamic shared memory: 4 * (5120 + 4608) = 38912 bytes. Copies are 16-byte cp.async
// (8 elements) that bypass L1 and zero-fill past the edges; B is N-contiguous, so its
// fragments come from ldmatrix.trans. Per k-tile: 2 k-steps x (2 x 4) mma.m16n8k16 = 16.
// The epilogue (bias, GELU, truncation) runs on the accumulators and stores bf16: both
// columns of a thread's pair (2 (lane % 4) and + 1) first, then one 4-byte store of the
// two (the erf between them would keep LLVM from pairing two scalar stores); the pair's
// biases come in one 4-byte load.
// CHECK-LABEL: launch = array<i64: 16, 1, 1, 128, 1, 1, 38912>, symbol = "kernel0_fused_contraction"
// CHECK:       gpu.func @kernel0_fused_contraction(%[[A:[^:]+]]: memref<256x128xbf16> {{.+}}, %[[B:[^:]+]]: memref<128x256xbf16> {{.+}}, %[[BIAS:[^:]+]]: memref<256xbf16> {{.+}}, %[[O:[^:]+]]: memref<256x256xbf16> {{.+}}) kernel
// CHECK-SAME:    known_block_size = array<i32: 128, 1, 1>
// CHECK:         %[[SMEM:.+]] = gpu.dynamic_shared_memory
// CHECK:         %[[AS:.+]] = memref.view %[[SMEM]][%{{.+}}][] : {{.+}} to memref<4x64x40xbf16, #gpu.address_space<workgroup>>
// CHECK:         %[[BS:.+]] = memref.view %[[SMEM]][%{{.+}}][] : {{.+}} to memref<4x32x72xbf16, #gpu.address_space<workgroup>>
// CHECK:         nvgpu.device_async_copy %[[A]][{{.+}}], %[[AS]][{{.+}}], 8, %{{.+}} {bypassL1}
// CHECK:         nvgpu.device_async_copy %[[B]][{{.+}}], %[[BS]][{{.+}}], 8, %{{.+}} {bypassL1}
// CHECK:         nvgpu.device_async_create_group
// CHECK:         scf.for
// CHECK:           nvgpu.device_async_wait %{{.+}} {numGroups = 2 : i32}
// CHECK-NEXT:      gpu.barrier
// CHECK:           nvgpu.ldmatrix %[[AS]][{{.+}}] {numTiles = 4 : i32, transpose = false}
// CHECK:           nvgpu.ldmatrix %[[BS]][{{.+}}] {numTiles = 4 : i32, transpose = true}
// CHECK-COUNT-16:  nvvm.mma.sync {{.+}}multiplicandAPtxType = #nvvm.mma_type<bf16>{{.+}}shape = #nvvm.shape<m = 16, n = 8, k = 16>
// CHECK:           scf.yield
// CHECK:         nvgpu.device_async_wait %{{.+}} {numGroups = 0 : i32}
// CHECK:         vector.load %[[BIAS]][%{{.+}}] {alignment = 4 : i64} : memref<256xbf16>, vector<2xbf16>
// CHECK-NOT:     memref.load %[[BIAS]]
// CHECK:         math.erf
// CHECK-NOT:     memref.load %[[BIAS]]
// CHECK:         math.erf
// CHECK:         %[[PAIR:.+]] = vector.from_elements %{{.+}}, %{{.+}} : vector<2xbf16>
// CHECK-NEXT:    vector.store %[[PAIR]], %[[O]][%{{.+}}, %{{.+}}] {alignment = 4 : i64} : memref<256x256xbf16>, vector<2xbf16>
// CHECK-NOT:     memref.store
func.func @main(%a: tensor<256x128xbf16> {kiln.name = "a"}, %b: tensor<128x256xbf16> {kiln.name = "b"}, %c: tensor<256xbf16> {kiln.name = "bias"}) -> tensor<256x256xbf16> {
  %0 = kiln.matmul %a, %b : (tensor<256x128xbf16>, tensor<128x256xbf16>) -> tensor<256x256xbf16>
  %1 = kiln.add %0, %c : (tensor<256x256xbf16>, tensor<256xbf16>) -> tensor<256x256xbf16>
  %2 = kiln.gelu %1 : tensor<256x256xbf16>
  return %2 : tensor<256x256xbf16>
}

// -----

// f16 with B transposed ([N][K], K-contiguous, nn.Linear's weight) and sizes that are
// no multiple of the tile: B tiles are [64][32+8] and need no .trans; K = 40 is 2
// k-tiles, so 2 stages; the epilogue (relu) is guarded by row < 100 and col < 72, once
// per column pair (72 is even: col + 1 < 72 with col), and stores the pair at once.
// CHECK-LABEL: launch = array<i64: 4, 1, 1, 128, 1, 1, 20480>, symbol = "kernel0_fused_contraction"
// CHECK:       memref.view {{.+}} to memref<2x64x40xf16, #gpu.address_space<workgroup>>
// CHECK:       %[[BS:.+]] = memref.view {{.+}} to memref<2x64x40xf16, #gpu.address_space<workgroup>>
// CHECK:       nvgpu.ldmatrix %[[BS]][{{.+}}] {numTiles = 4 : i32, transpose = false}
// CHECK:       nvvm.mma.sync {{.+}}shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (vector<2xf16>, vector<2xf16>, f32)
// CHECK:       scf.yield
// CHECK:       nvgpu.device_async_wait
// CHECK:       arith.cmpi ult, %{{.+}}, %c100
// CHECK:       arith.cmpi ult, %{{.+}}, %c72
// CHECK:       scf.if
// CHECK:         arith.cmpf olt
// CHECK:         arith.select
// CHECK:         arith.cmpf olt
// CHECK:         arith.select
// CHECK:         vector.from_elements {{.+}} : vector<2xf16>
// CHECK-NEXT:    vector.store {{.+}} {alignment = 4 : i64} : memref<100x72xf16>, vector<2xf16>
// CHECK-NEXT:  }
func.func @main(%a: tensor<100x40xf16> {kiln.name = "a"}, %b: tensor<72x40xf16> {kiln.name = "b"}) -> tensor<100x72xf16> {
  %0 = kiln.matmul %a, %b transpose_b : (tensor<100x40xf16>, tensor<72x40xf16>) -> tensor<100x72xf16>
  %1 = kiln.relu %0 : tensor<100x72xf16>
  return %1 : tensor<100x72xf16>
}

// -----

// A transposed ([K][M]) is not taken yet: an error naming the kernel and the way out.
func.func @main(%a: tensor<64x32xbf16> {kiln.name = "a"}, %b: tensor<64x48xbf16> {kiln.name = "b"}) -> tensor<32x48xbf16> {
  // expected-error @+1 {{kernel kernel0_matmul (no ONNX node) is a contraction the tensor-core kernel cannot take: A is not contiguous along K (compile with --target=cpu)}}
  %m = kiln.matmul %a, %b transpose_a : (tensor<64x32xbf16>, tensor<64x48xbf16>) -> tensor<32x48xbf16>
  return %m : tensor<32x48xbf16>
}

// -----

// Two M loops that both count (a linear layer on [2, 100, 64]: a batch of 2 against a
// shared B) become one M of 200 rows on collapsed views of A and of the output.
// CHECK-LABEL: symbol = "kernel0_matmul"
// CHECK:       gpu.func @kernel0_matmul(
// CHECK:         memref.collapse_shape %arg0 {{\[\[}}0, 1], [2]] : memref<2x100x64xbf16> into memref<200x64xbf16>
// CHECK:         memref.collapse_shape %arg2 {{\[\[}}0, 1], [2]] : memref<2x100x72xbf16> into memref<200x72xbf16>
// CHECK:         nvvm.mma.sync
func.func @main(%a: tensor<2x100x64xbf16> {kiln.name = "a"}, %b: tensor<64x72xbf16> {kiln.name = "b"}) -> tensor<2x100x72xbf16> {
  %m = kiln.matmul %a, %b : (tensor<2x100x64xbf16>, tensor<64x72xbf16>) -> tensor<2x100x72xbf16>
  return %m : tensor<2x100x72xbf16>
}

// -----

// N = 71 is odd: the second column of a pair may lie past N (and rows of the output are
// not 4-byte aligned), so each element is guarded and stored on its own.
// CHECK-LABEL: symbol = "kernel0_fused_contraction"
// CHECK:       nvgpu.device_async_wait
// CHECK:       arith.cmpi ult, %{{.+}}, %c71
// CHECK:       scf.if
// CHECK:         arith.select
// CHECK-NEXT:    arith.truncf
// CHECK-NEXT:    memref.store {{.+}} : memref<100x71xf16>
// CHECK-NEXT:  }
// CHECK:       arith.cmpi ult, %{{.+}}, %c71
// CHECK:       scf.if
// CHECK-NOT:   vector.store
func.func @main(%a: tensor<100x40xf16> {kiln.name = "a"}, %b: tensor<71x40xf16> {kiln.name = "b"}) -> tensor<100x71xf16> {
  %0 = kiln.matmul %a, %b transpose_b : (tensor<100x40xf16>, tensor<71x40xf16>) -> tensor<100x71xf16>
  %1 = kiln.relu %0 : tensor<100x71xf16>
  return %1 : tensor<100x71xf16>
}
