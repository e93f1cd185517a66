// RUN: kiln-opt %s --kiln-plan-memory --split-input-file | FileCheck %s
// The memory plan: buffers rooted at inputs, constants and allocations (through
// reshapes); a returned allocation is the output; other allocations share one arena by
// live range; outputs rooted elsewhere are copied; the host program is erased.

// Three 4 KiB temporaries in a chain: %t0 dies when %t2 is born, so %t2 reuses its
// offset; %t1 overlaps both. The last result goes straight to output 0.
// CHECK:      module attributes {kiln.plan = {arena_bytes = 8192 : i64, constant_bytes = 64 : i64,
// CHECK-SAME:   constants = [{bytes = 16 : i64, offset = 0 : i64, value = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>}],
// CHECK-SAME:   copies = [],
// CHECK-SAME:   kernels = [{bindings = array<i64: 0, 0, 4096, 3, 0, 4096>, label = "a", symbol = "k0", work_items = 1 : i64},
// CHECK-SAME:              {bindings = array<i64: 3, 0, 4096, 3, 4096, 4096>, label = "b", symbol = "k1", work_items = 1 : i64},
// CHECK-SAME:              {bindings = array<i64: 3, 4096, 4096, 2, 0, 16, 3, 0, 4096>, label = "c", symbol = "k2", work_items = 1 : i64},
// CHECK-SAME:              {bindings = array<i64: 3, 0, 4096, 1, 0, 4096>, label = "b", symbol = "k1", work_items = 1 : i64}],
// CHECK-SAME:   unplanned_bytes = 12288 : i64}
// CHECK-NOT:  func.func @main
// CHECK:      func.func @k0(
// CHECK-NOT:  memref.global
module attributes {kiln.signature = {entry = "main", inputs = [], outputs = []}} {
  memref.global "private" constant @w : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>
  func.func private @k0(%a: memref<1024xf32>, %b: memref<1024xf32>) attributes {kiln.kernel, kiln.label = "a"} { return }
  func.func private @k1(%a: memref<1024xf32>, %b: memref<1024xf32>) attributes {kiln.kernel, kiln.label = "b"} { return }
  func.func private @k2(%a: memref<32x32xf32>, %w: memref<4xf32>, %b: memref<1024xf32>) attributes {kiln.kernel, kiln.label = "c"} { return }
  func.func @main(%x: memref<1024xf32>) -> memref<1024xf32> {
    %t0 = memref.alloc() : memref<1024xf32>
    call @k0(%x, %t0) : (memref<1024xf32>, memref<1024xf32>) -> ()
    %t1 = memref.alloc() : memref<1024xf32>
    call @k1(%t0, %t1) : (memref<1024xf32>, memref<1024xf32>) -> ()
    %r = memref.expand_shape %t1 [[0, 1]] output_shape [32, 32] : memref<1024xf32> into memref<32x32xf32>
    %w = memref.get_global @w : memref<4xf32>
    %t2 = memref.alloc() : memref<1024xf32>
    call @k2(%r, %w, %t2) : (memref<32x32xf32>, memref<4xf32>, memref<1024xf32>) -> ()
    %y = memref.alloc() : memref<1024xf32>
    call @k1(%t2, %y) : (memref<1024xf32>, memref<1024xf32>) -> ()
    return %y : memref<1024xf32>
  }
}

// -----

// Outputs that are an input, a constant, or a second copy of one value are copies
// (output, space, index, bytes); a host-program memref.copy becomes a copy kernel.
// CHECK:      kiln.plan = {arena_bytes = 0 : i64
// CHECK-SAME:   copies = [array<i64: 1, 0, 0, 16>, array<i64: 2, 2, 0, 16>, array<i64: 3, 1, 0, 16>]
// CHECK-SAME:   kernels = [{bindings = array<i64: 0, 0, 16, 1, 0, 16>, label = "copy", symbol = "kiln_copy0", work_items = 1 : i64}]
// CHECK:      func.func @kiln_copy0(%[[A:.+]]: memref<4xf32>, %[[B:.+]]: memref<4xf32>) attributes {kiln.kernel, kiln.label = "copy"}
// CHECK-NEXT:   memref.copy %[[A]], %[[B]]
module attributes {kiln.signature = {entry = "main", inputs = [], outputs = []}} {
  memref.global "private" constant @c : memref<4xf32> = dense<1.0>
  func.func @main(%x: memref<4xf32>) -> (memref<4xf32>, memref<4xf32>, memref<4xf32>, memref<4xf32>) {
    %t = memref.alloc() : memref<4xf32>
    memref.copy %x, %t : memref<4xf32> to memref<4xf32>
    %c = memref.get_global @c : memref<4xf32>
    return %t, %x, %c, %t : memref<4xf32>, memref<4xf32>, memref<4xf32>, memref<4xf32>
  }
}
