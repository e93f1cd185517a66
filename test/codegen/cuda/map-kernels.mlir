// RUN: kiln-opt %s --split-input-file --kiln-cuda-pipeline=stop-after=gpu --verify-diagnostics | FileCheck %s

// A loop group: bias broadcast along the channels, GELU, residual, tanh. One thread per
// 16 bytes: x and r are read as aligned vector<4xf32> (ld.global.v4.f32), the bias once
// per thread and broadcast; 65536 elements = 16384 threads = 64 blocks of 256.
// CHECK-LABEL: kernels = [{
// CHECK-SAME:    launch = array<i64: 64, 1, 1, 256, 1, 1, 0>, symbol = "kernel0_fused_loop"
// CHECK:       gpu.module @kiln_kernels
// CHECK:         gpu.func @kernel0_fused_loop(%[[X:[^:]+]]: memref<1x64x32x32xf32> {llvm.align = 64 : i64, llvm.noalias}, %[[B:[^:]+]]: memref<64x1x1xf32> {llvm.align = 64 : i64, llvm.noalias}, %[[R:[^:]+]]: memref<1x64x32x32xf32> {llvm.align = 64 : i64, llvm.noalias}, %[[O:[^:]+]]: memref<1x64x32x32xf32> {llvm.align = 64 : i64, llvm.noalias}) kernel
// CHECK-SAME:      known_block_size = array<i32: 256, 1, 1>
// CHECK-DAG:       %[[XV:.+]] = memref.expand_shape %[[X]]
// CHECK-DAG:       %[[RV:.+]] = memref.expand_shape %[[R]]
// CHECK-DAG:       %[[OV:.+]] = memref.expand_shape %[[O]]
// CHECK:           %[[BID:.+]] = gpu.block_id x
// CHECK:           %[[TID:.+]] = gpu.thread_id x
// CHECK:           %[[T:.+]] = arith.addi %{{.+}}, %[[TID]]
// CHECK:           %[[IN:.+]] = arith.cmpi ult, %[[T]], %c16384
// CHECK:           scf.if %[[IN]]
// CHECK:             vector.load %[[XV]]{{.+}} {alignment = 16 : i64} : memref<1x64x1x1x32x32xf32>, vector<4xf32>
// CHECK:             %[[BS:.+]] = memref.load %[[B]]
// CHECK:             vector.broadcast %[[BS]] : f32 to vector<4xf32>
// CHECK:             vector.load %[[RV]]{{.+}} {alignment = 16 : i64}
// CHECK:             math.erf %{{.+}} : vector<4xf32>
// CHECK:             math.tanh %{{.+}} : vector<4xf32>
// CHECK:             vector.store %{{.+}}, %[[OV]]{{.+}} {alignment = 16 : i64}
// CHECK-NOT:       func.func
func.func @main(%x: tensor<1x64x32x32xf32> {kiln.name = "x"}, %b: tensor<64x1x1xf32> {kiln.name = "b"}, %r: tensor<1x64x32x32xf32> {kiln.name = "r"}) -> tensor<1x64x32x32xf32> {
  %0 = kiln.add %x, %b : (tensor<1x64x32x32xf32>, tensor<64x1x1xf32>) -> tensor<1x64x32x32xf32>
  %1 = kiln.gelu %0 : tensor<1x64x32x32xf32>
  %2 = kiln.add %1, %r : (tensor<1x64x32x32xf32>, tensor<1x64x32x32xf32>) -> tensor<1x64x32x32xf32>
  %3 = kiln.tanh %2 : tensor<1x64x32x32xf32>
  return %3 : tensor<1x64x32x32xf32>
}

// -----

// A transpose: the output is stored as vectors, the transposed input is gathered lane by
// lane (its innermost index is not the innermost loop). 512 elements: one block of 128.
// CHECK-LABEL: launch = array<i64: 1, 1, 1, 128, 1, 1, 0>, symbol = "kernel0_transpose"
// CHECK:       gpu.func @kernel0_transpose(%[[A:[^:]+]]: memref<16x32xf32> {llvm.align = 64 : i64, llvm.noalias}, %[[O:[^:]+]]: memref<32x16xf32> {llvm.align = 64 : i64, llvm.noalias}) kernel
// CHECK:         scf.if
// CHECK-COUNT-4:   memref.load %[[A]]
// CHECK:           vector.from_elements {{.+}} : vector<4xf32>
// CHECK:           vector.store %{{.+}}, %[[O]]{{.+}} {alignment = 16 : i64} : memref<32x16xf32>, vector<4xf32>
func.func @main(%a: tensor<16x32xf32> {kiln.name = "a"}) -> tensor<32x16xf32> {
  %t = kiln.transpose %a permutation = [1, 0] : tensor<16x32xf32> -> tensor<32x16xf32>
  %r = kiln.relu %t : tensor<32x16xf32>
  return %r : tensor<32x16xf32>
}

// -----

// An innermost extent of 5 cannot hold whole vectors: one element per thread, scalar
// loads and stores, a block of one warp for 15 elements.
// CHECK-LABEL: launch = array<i64: 1, 1, 1, 32, 1, 1, 0>
// CHECK:       gpu.func
// CHECK:         arith.cmpi ult, %{{.+}}, %c15
// CHECK:         memref.load {{.+}} : memref<3x5xf32>
// CHECK:         math.exp {{.+}} : f32
// CHECK:         memref.store {{.+}} : memref<3x5xf32>
// CHECK-NOT:     vector.
func.func @main(%a: tensor<3x5xf32> {kiln.name = "a"}) -> tensor<3x5xf32> {
  %e = kiln.exp %a : tensor<3x5xf32>
  return %e : tensor<3x5xf32>
}

// -----

// f16: 16 bytes are 8 lanes.
// CHECK-LABEL: launch = array<i64: 2, 1, 1, 256, 1, 1, 0>
// CHECK:       vector.load {{.+}} {alignment = 16 : i64} : memref<64x64xf16>, vector<8xf16>
// CHECK:       vector.store {{.+}} {alignment = 16 : i64} : memref<64x64xf16>, vector<8xf16>
func.func @main(%a: tensor<64x64xf16> {kiln.name = "a"}, %b: tensor<64x64xf16> {kiln.name = "b"}) -> tensor<64x64xf16> {
  %s = kiln.mul %a, %b : (tensor<64x64xf16>, tensor<64x64xf16>) -> tensor<64x64xf16>
  return %s : tensor<64x64xf16>
}

// -----

// A concat: two independent copies in one kernel, each with its own range of blocks
// (block 0 copies a, block 1 copies b); the strided destination views are 16-byte
// aligned (row stride 12, offset 8 floats).
// CHECK-LABEL: launch = array<i64: 2, 1, 1, 32, 1, 1, 0>, symbol = "kernel0_concat"
// CHECK:       gpu.func @kernel0_concat(%[[A:[^:]+]]: memref<2x8xf32> {llvm.align = 64 : i64, llvm.noalias}, %[[B:[^:]+]]: memref<2x4xf32> {llvm.align = 64 : i64, llvm.noalias}, %[[O:[^:]+]]: memref<2x12xf32> {llvm.align = 64 : i64, llvm.noalias}) kernel
// CHECK-DAG:     %[[SA:.+]] = memref.subview %[[O]][0, 0] [2, 8]
// CHECK-DAG:     %[[SB:.+]] = memref.subview %[[O]][0, 8] [2, 4]
// CHECK:         %[[BID:.+]] = gpu.block_id x
// CHECK:         arith.cmpi ult, %[[BID]], %c1
// CHECK:         scf.if
// CHECK:           vector.load %[[A]]
// CHECK:           vector.store %{{.+}}, %[[SA]]{{.+}} {alignment = 16 : i64}
// CHECK:         %[[LOCAL:.+]] = arith.subi %[[BID]], %c1
// CHECK:         arith.cmpi ult, %[[LOCAL]], %c1
// CHECK:         scf.if
// CHECK:           vector.load %[[B]]
// CHECK:           vector.store %{{.+}}, %[[SB]]{{.+}} {alignment = 16 : i64}
func.func @main(%a: tensor<2x8xf32> {kiln.name = "a"}, %b: tensor<2x4xf32> {kiln.name = "b"}) -> tensor<2x12xf32> {
  %c = kiln.concat %a, %b axis = 1 : (tensor<2x8xf32>, tensor<2x4xf32>) -> tensor<2x12xf32>
  return %c : tensor<2x12xf32>
}

// -----

// An f32 matmul has no tensor-core form (that takes --precision): it runs on the CUDA
// cores, one thread per output element looping over K, with a warning naming the kernel.
// CHECK-LABEL: gpu.func @kernel0_matmul
// CHECK-SAME:      known_block_size = array<i32: 32, 1, 1>
// CHECK:         %[[T:.+]] = arith.addi
// CHECK:         scf.if
// CHECK:           %[[SUM:.+]] = scf.for %{{.+}} = %c0 to %c16 step %c1 iter_args(%[[ACC:.+]] = %cst)
// CHECK:             memref.load %arg0
// CHECK:             memref.load %arg1
// CHECK:             arith.mulf
// CHECK:             arith.addf %[[ACC]]
// CHECK:           memref.store %[[SUM]], %arg2
func.func @main(%a: tensor<8x16xf32> {kiln.name = "a"}, %b: tensor<16x4xf32> {kiln.name = "b"}) -> tensor<8x4xf32> {
  // expected-warning @+1 {{kernel kernel0_matmul (no ONNX node) runs its f32 product on CUDA cores, one thread per output element}}
  %m = kiln.matmul %a, %b : (tensor<8x16xf32>, tensor<16x4xf32>) -> tensor<8x4xf32>
  return %m : tensor<8x4xf32>
}

// -----

// An i8 matmul (i32 accumulation) has no tensor-core kernel in kiln: CUDA cores, with a
// warning that does not point at --precision (it is not an f32 product).
// CHECK-LABEL: gpu.func @kernel0_matmul
// CHECK:         scf.for %{{.+}} = %c0 to %c16 step %c1 iter_args(%{{.+}} = %c0_i32) -> (i32)
// CHECK:           arith.extsi
// CHECK:           arith.muli %{{.+}} : i32
func.func @main(%a: tensor<8x16xi8> {kiln.name = "a"}, %b: tensor<16x4xi8> {kiln.name = "b"}) -> tensor<8x4xi32> {
  // expected-warning @+1 {{runs its i8 product on CUDA cores, one thread per output element, far from the GPU's peak (kiln has no tensor-core kernel for these operands)}}
  %m = kiln.matmul %a, %b : (tensor<8x16xi8>, tensor<16x4xi8>) -> tensor<8x4xi32>
  return %m : tensor<8x4xi32>
}
