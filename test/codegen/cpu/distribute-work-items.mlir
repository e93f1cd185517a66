// RUN: kiln-opt %s --kiln-cpu-distribute-work-items --split-input-file | FileCheck %s
// A kernel made of one scf.forall gets [begin, end) arguments, runs that range of the
// linearized tiles, and records its work items on itself and in kiln.plan.

// CHECK:       kiln.plan = {kernels = [{symbol = "k", work_items = 8 : i64}]}
// CHECK-LABEL: func.func @k(
// CHECK-SAME:      %[[O:[^:]+]]: memref<64x64xf32>, %[[BEGIN:[^:]+]]: index, %[[END:[^:]+]]: index)
// CHECK-SAME:      kiln.work_items = 8 : i64
// CHECK:         scf.for %[[W:.+]] = %[[BEGIN]] to %[[END]] step %{{.+}} {
// CHECK-DAG:       arith.remui %[[W]], %{{.+}} : index
// CHECK-DAG:       arith.divui %[[W]], %{{.+}} : index
// CHECK:           memref.subview %[[O]]
// CHECK-NOT:     scf.forall
module attributes {kiln.plan = {kernels = [{symbol = "k", work_items = 1 : i64}]}} {
  func.func @k(%o: memref<64x64xf32>) attributes {kiln.kernel} {
    %z = arith.constant 0.0 : f32
    scf.forall (%i, %j) = (0, 0) to (64, 64) step (16, 32) {
      %s = memref.subview %o[%i, %j] [16, 32] [1, 1] : memref<64x64xf32> to memref<16x32xf32, strided<[64, 1], offset: ?>>
      linalg.fill ins(%z : f32) outs(%s : memref<16x32xf32, strided<[64, 1], offset: ?>>)
    }
    return
  }
}

// -----

// Work outside the forall would run once per call: the kernel keeps one work item.
// CHECK-LABEL: func.func @mixed(
// CHECK-NOT:     kiln.work_items
// CHECK:         scf.forall
module {
  func.func @mixed(%o: memref<64xf32>) attributes {kiln.kernel} {
    %z = arith.constant 0.0 : f32
    linalg.fill ins(%z : f32) outs(%o : memref<64xf32>)
    scf.forall (%i) = (0) to (64) step (16) {
      %s = memref.subview %o[%i] [16] [1] : memref<64xf32> to memref<16xf32, strided<[1], offset: ?>>
      linalg.fill ins(%z : f32) outs(%s : memref<16xf32, strided<[1], offset: ?>>)
    }
    return
  }
}
