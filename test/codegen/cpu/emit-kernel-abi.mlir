// RUN: kiln-opt %s --kiln-cpu-emit-kernel-abi --split-input-file | FileCheck %s
// Kernels get the runtime's calling convention: an exported wrapper
// `void k(void *const *buffers, int64_t begin, int64_t end)` over the internal,
// always-inlined body with noalias buffers. Functions that are not kernels are untouched.

// A kernel with a work range forwards begin and end.
// CHECK-LABEL: llvm.func internal @k.body(
// CHECK-SAME:      %{{.+}}: !llvm.ptr {llvm.noalias}, %{{.+}}: !llvm.ptr {llvm.noalias}, %{{.+}}: i64, %{{.+}}: i64)
// CHECK-SAME:      always_inline
// CHECK-LABEL: llvm.func @k(
// CHECK-SAME:      %[[BUFS:.+]]: !llvm.ptr, %[[B:.+]]: i64, %[[E:.+]]: i64) attributes {kiln.kernel, kiln.work_items = 4 : i64}
// CHECK:         %[[S0:.+]] = llvm.getelementptr %[[BUFS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK:         %[[P0:.+]] = llvm.load %[[S0]] : !llvm.ptr -> !llvm.ptr
// CHECK:         %[[S1:.+]] = llvm.getelementptr %[[BUFS]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK:         %[[P1:.+]] = llvm.load %[[S1]] : !llvm.ptr -> !llvm.ptr
// CHECK:         llvm.call @k.body(%[[P0]], %[[P1]], %[[B]], %[[E]])
llvm.func @k(%a: !llvm.ptr, %b: !llvm.ptr, %begin: i64, %end: i64) attributes {kiln.kernel, kiln.work_items = 4 : i64} {
  llvm.return
}

// -----

// Not a kernel: no wrapper, no rename.
// CHECK-LABEL: llvm.func @helper(
// CHECK-NOT:   .body
llvm.func @helper(%a: !llvm.ptr) {
  llvm.return
}
