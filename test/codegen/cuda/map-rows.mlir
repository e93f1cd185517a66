// RUN: kiln-opt %s --split-input-file --kiln-cuda-pipeline=stop-after=gpu | FileCheck %s
// REQUIRES: ptxas
// RUN: kiln-compile %S/Inputs/rows.mlir --target=cuda --emit=ptx -o %t.ptx
// RUN: FileCheck %s --check-prefix=PTX --input-file=%t.ptx
// RUN: %ptxas -arch=sm_80 -v %t.ptx -o %t.cubin 2>&1 | FileCheck %s --check-prefix=PTXAS
// Rows of 4096 f16 (Inputs/rows-wide.mlir): each thread's 16 columns come in two groups
// of 8 adjacent ones, whose loads and stores LLVM merges into 16-byte ones (the f32
// exponentials of the softmax stay in registers and do not narrow the groups).
// RUN: kiln-opt %S/Inputs/rows-wide.mlir --kiln-cuda-pipeline=stop-after=gpu | FileCheck %s --check-prefix=WIDE
// RUN: kiln-compile %S/Inputs/rows-wide.mlir --target=cuda --emit=ptx -o %t.wide.ptx
// RUN: FileCheck %s --check-prefix=WIDEPTX --input-file=%t.wide.ptx

// Softmax over rows of 96: one block of 96 threads (3 warps) per row, one element per
// thread. x is read once: the exp is kept in a register for the sum and the division.
// Each reduction: 5 shuffles in the warp, the warps' partials through 32 shared slots,
// 5 more shuffles, then a broadcast.
// CHECK-LABEL: launch = array<i64: 32, 1, 1, 96, 1, 1, 0>, symbol = "kernel0_softmax"
// CHECK:       gpu.func @kernel0_softmax({{.+}}) workgroup(%[[SLOTS:.+]] : memref<32xf32, #gpu.address_space<workgroup>>) kernel
// CHECK:         %[[TID:.+]] = gpu.thread_id x
// CHECK:         %[[X:.+]] = memref.load %{{.+}}[%{{.+}}, %{{.+}}, %[[TID]]] : memref<4x8x96xf32>
// CHECK-NOT:     memref.load %{{.+}} : memref<4x8x96xf32>
// CHECK-COUNT-5: gpu.shuffle down
// CHECK:         memref.store %{{.+}}, %[[SLOTS]]
// CHECK:         gpu.barrier
// CHECK-COUNT-5: gpu.shuffle down
// CHECK:         gpu.shuffle idx
// CHECK:         %[[E:.+]] = math.exp
// CHECK:         memref.store %[[E]]
// CHECK-COUNT-5: arith.addf %{{.+}}, %{{.+}} : f32
// CHECK:         gpu.barrier
// CHECK:         arith.divf %[[E]]
// CHECK-NOT:     memref.load %{{.+}} : memref<4x8x96xf32>
// CHECK:         gpu.return
func.func @main(%x: tensor<4x8x96xf32> {kiln.name = "x"}) -> tensor<4x8x96xf32> {
  %s = kiln.softmax %x axis = 2 : tensor<4x8x96xf32>
  return %s : tensor<4x8x96xf32>
}

// -----

// Layernorm over rows of 40: a block of 64 threads; threads 40..63 hold no column, so the
// loads are guarded and the warp sums skip lanes past the row (the select on the lane
// bound).
// CHECK-LABEL: launch = array<i64: 6, 1, 1, 64, 1, 1, 0>, symbol = "kernel0_layer_norm"
// CHECK:       gpu.func @kernel0_layer_norm
// CHECK:         %[[TID:.+]] = gpu.thread_id x
// CHECK:         %[[IN:.+]] = arith.cmpi ult, %[[TID]], %c40
// CHECK:         scf.if %[[IN]] -> (f32)
// CHECK:           memref.load
// CHECK:         gpu.shuffle down
// CHECK:         arith.select
// CHECK:         scf.if %[[IN]] {
// CHECK:           math.sqrt
// CHECK:           memref.store %{{.+}}, %{{.+}}[%{{.+}}, %[[TID]]] : memref<6x40xf32>
func.func @main(%x: tensor<6x40xf32> {kiln.name = "x"}, %g: tensor<40xf32> {kiln.name = "g"}, %b: tensor<40xf32> {kiln.name = "b"}) -> tensor<6x40xf32> {
  %l = kiln.layer_norm %x scale %g bias %b axis = 1 epsilon = 1.0e-05 : (tensor<6x40xf32>, tensor<40xf32>, tensor<40xf32>) -> tensor<6x40xf32>
  return %l : tensor<6x40xf32>
}

// PTX:         .entry kernel0_softmax(
// PTX:         .shared .align 4 .b8 {{.+}}[128];
// PTX:         shfl.sync.down.b32
// PTX:         bar.sync 0;
// PTX:         shfl.sync.idx.b32
// PTX:         .entry kernel1_layer_norm(

// ptxas reports the entries in reverse order.
// PTXAS:     Compiling entry function 'kernel1_layer_norm'
// PTXAS:     0 bytes spill stores, 0 bytes spill loads
// PTXAS:     used 1 barriers, 128 bytes smem
// PTXAS:     Compiling entry function 'kernel0_softmax'
// PTXAS:     0 bytes spill stores, 0 bytes spill loads

// -----

// An f16 softmax over rows of 300 (2 columns a thread, the second guarded): its f32
// exponentials are a kernel temporary of whole rows, read and written only at each
// thread's own columns, so they stay in registers (the guarded one leaves its scf.if as
// a result) instead of being refused; x is read once, the output stored once.
// CHECK-LABEL: symbol = "kernel0_softmax"
// CHECK:       gpu.func @kernel0_softmax(%[[X:.+]]: memref<8x300xf16>{{.*}}, %[[Y:.+]]: memref<8x300xf16>
// CHECK-NOT:     memref.alloc
// CHECK:         %[[POISON:.+]] = ub.poison : f32
// CHECK:         memref.load %[[X]]
// CHECK:         %[[E0:.+]] = math.exp
// CHECK:         %[[E1:.+]] = scf.if %{{.+}} -> (f32) {
// CHECK:           math.exp
// CHECK:           scf.yield
// CHECK:         } else {
// CHECK:           scf.yield %[[POISON]] : f32
// CHECK:         gpu.shuffle
// CHECK:         arith.divf %[[E0]]
// CHECK:         memref.store %{{.+}}, %[[Y]]
// CHECK:         scf.if
// CHECK:           arith.divf %[[E1]]
// CHECK:           memref.store %{{.+}}, %[[Y]]
// CHECK-NOT:     memref.load %[[X]]
// CHECK:         gpu.return
func.func @main(%x: tensor<8x300xf16> {kiln.name = "x"}) -> tensor<8x300xf16> {
  %0 = kiln.softmax %x axis = 1 : tensor<8x300xf16>
  return %0 : tensor<8x300xf16>
}

// WIDE-LABEL: gpu.func @kernel0_softmax(
// WIDE:         %[[TID:.+]] = gpu.thread_id  x
// WIDE-NEXT:    %[[BASE:.+]] = arith.muli %[[TID]], %c8 : index
// WIDE:         memref.load %{{.+}}[%{{.+}}, %[[BASE]]] : memref<3x4096xf16>
// WIDE:         %[[C1:.+]] = arith.addi %[[BASE]], %c1 : index
// WIDE-NEXT:    memref.load %{{.+}}[%{{.+}}, %[[C1]]] : memref<3x4096xf16>
// WIDE:         %[[C2048:.+]] = arith.addi %[[BASE]], %c2048 : index
// WIDE-NEXT:    memref.load %{{.+}}[%{{.+}}, %[[C2048]]] : memref<3x4096xf16>
// WIDE-LABEL: gpu.func @kernel1_layer_norm(

// WIDEPTX:      .entry kernel0_softmax(
// WIDEPTX-NOT:  ld.global.nc.b16
// WIDEPTX-COUNT-2: ld.global.nc.v4.b32
// WIDEPTX-NOT:  st.global.b16
// WIDEPTX-COUNT-2: st.global.v4.b32
// WIDEPTX:      .entry kernel1_layer_norm(
// WIDEPTX-NOT:  ld.global.nc.b16
// WIDEPTX:      ld.global.nc.v4.b32
