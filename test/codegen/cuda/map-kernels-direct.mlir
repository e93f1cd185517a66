// RUN: kiln-opt %s --split-input-file --kiln-cuda-map-kernels --verify-diagnostics | FileCheck %s
// kiln-cuda-map-kernels on hand-written bufferized kernels: the cases where a rule must
// not fire.

#id = affine_map<(d0, d1) -> (d0, d1)>
// A contiguous view that starts one element into its buffer: still vectorized along the
// row, but the 16-byte alignment is not proven, so the load only claims 4 bytes.
// CHECK-LABEL: launch = array<i64: 1, 1, 1, 32, 1, 1, 0>, symbol = "k"
// CHECK:       gpu.func @k
// CHECK:         vector.load %{{.+}} {alignment = 4 : i64} : memref<2x8xf32, strided<[9, 1], offset: 1>>, vector<4xf32>
// CHECK:         vector.store %{{.+}} {alignment = 16 : i64} : memref<2x8xf32>, vector<4xf32>
module attributes {kiln.plan = {kernels = [{symbol = "k", label = "", work_items = 1 : i64, bindings = array<i64>}]}} {
  func.func @k(%a: memref<2x9xf32>, %o: memref<2x8xf32>) attributes {kiln.kernel, kiln.label = "n (Relu)"} {
    %v = memref.subview %a[0, 1] [2, 8] [1, 1] : memref<2x9xf32> to memref<2x8xf32, strided<[9, 1], offset: 1>>
    linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%v : memref<2x8xf32, strided<[9, 1], offset: 1>>) outs(%o : memref<2x8xf32>) {
    ^bb0(%x: f32, %y: f32):
      %z = arith.negf %x : f32
      linalg.yield %z : f32
    }
    return
  }
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#t = affine_map<(d0, d1) -> (d1, d0)>
// The second op reads, transposed, what the first wrote: other threads' elements, which
// only a grid-wide barrier would order. Refused, not mapped.
module attributes {kiln.plan = {kernels = [{symbol = "k", label = "", work_items = 1 : i64, bindings = array<i64>}]}} {
  // expected-error @+1 {{reads a buffer it wrote itself}}
  func.func @k(%a: memref<8x8xf32>, %t: memref<8x8xf32>, %o: memref<8x8xf32>) attributes {kiln.kernel, kiln.label = "n (Transpose)"} {
    linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : memref<8x8xf32>) outs(%t : memref<8x8xf32>) {
    ^bb0(%x: f32, %y: f32):
      linalg.yield %x : f32
    }
    linalg.generic {indexing_maps = [#t, #id], iterator_types = ["parallel", "parallel"]} ins(%t : memref<8x8xf32>) outs(%o : memref<8x8xf32>) {
    ^bb0(%x: f32, %y: f32):
      linalg.yield %x : f32
    }
    return
  }
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
// A row reduction whose temporary holds whole rows, written and read at each thread's
// own columns: a column temporary, kept in registers (never allocated).
// CHECK-LABEL: launch = array<i64: 4, 1, 1, 64, 1, 1, 0>, symbol = "k"
// CHECK:       gpu.func @k
// CHECK-NOT:     memref.alloc
// CHECK:         %[[E:.+]] = math.exp
// CHECK:         gpu.shuffle down %[[E]]
module attributes {kiln.plan = {kernels = [{symbol = "k", label = "", work_items = 1 : i64, bindings = array<i64>}]}} {
  func.func @k(%a: memref<4x64xf32>, %o: memref<4xf32>) attributes {kiln.kernel, kiln.label = "n (ReduceSum)"} {
    %tmp = memref.alloc() : memref<4x64xf32>
    linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : memref<4x64xf32>) outs(%tmp : memref<4x64xf32>) {
    ^bb0(%x: f32, %y: f32):
      %e = math.exp %x : f32
      linalg.yield %e : f32
    }
    linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%tmp : memref<4x64xf32>) outs(%o : memref<4xf32>) {
    ^bb0(%x: f32, %acc: f32):
      %s = arith.addf %acc, %x : f32
      linalg.yield %s : f32
    }
    return
  }
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#rev = affine_map<(d0, d1) -> (d0, 63 - d1)>
#row = affine_map<(d0, d1) -> (d0)>
// The same temporary read at the mirrored column: another thread's value, which no
// register of a row kernel holds. The window kernel takes it, one thread per row,
// computing the temporary's producer at each element it reads (findInputProducer):
// exp(a[r, 63 - c]), never stored.
// CHECK-LABEL: launch = array<i64: 1, 1, 1, 32, 1, 1, 0>, symbol = "k"
// CHECK:       gpu.func @k(%[[A:.+]]: memref<4x64xf32> {{.+}}, %[[O:.+]]: memref<4xf32>
// CHECK-NOT:     memref.alloc
// CHECK:         scf.for %[[C:.+]] = %c0 to %c64
// CHECK:           %[[M:.+]] = affine.apply #map{{[0-9]*}}(%{{.+}}, %[[C]])
// CHECK:           %[[X:.+]] = memref.load %[[A]][%{{.+}}, %[[M]]]
// CHECK:           math.exp %[[X]]
// CHECK:         memref.store %{{.+}}, %[[O]]
module attributes {kiln.plan = {kernels = [{symbol = "k", label = "", work_items = 1 : i64, bindings = array<i64>}]}} {
  func.func @k(%a: memref<4x64xf32>, %o: memref<4xf32>) attributes {kiln.kernel, kiln.label = "n (ReduceSum)"} {
    %tmp = memref.alloc() : memref<4x64xf32>
    linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : memref<4x64xf32>) outs(%tmp : memref<4x64xf32>) {
    ^bb0(%x: f32, %y: f32):
      %e = math.exp %x : f32
      linalg.yield %e : f32
    }
    linalg.generic {indexing_maps = [#rev, #id, #row], iterator_types = ["parallel", "reduction"]} ins(%tmp, %a : memref<4x64xf32>, memref<4x64xf32>) outs(%o : memref<4xf32>) {
    ^bb0(%x: f32, %unused: f32, %acc: f32):
      %s = arith.addf %acc, %x : f32
      linalg.yield %s : f32
    }
    return
  }
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
// A reduction whose combine step is not one associative op (acc * x + x): a tree of
// per-thread partials would give another answer, so the row kernel does not take it; the
// window kernel runs it in order, one thread per row, from the row's starting value.
// CHECK-LABEL: launch = array<i64: 1, 1, 1, 32, 1, 1, 0>, symbol = "k"
// CHECK:       gpu.func @k(%[[A:[a-z0-9]+]]: memref<4x64xf32>{{.*}}, %[[O:[a-z0-9]+]]: memref<4xf32>
// CHECK-NOT:     gpu.shuffle
// CHECK:         %[[S:.+]] = memref.load %[[O]]
// CHECK:         scf.for %{{.+}} = %c0 to %c64 step %c1 iter_args(%[[ACC:.+]] = %[[S]])
// CHECK:           %[[X:.+]] = memref.load %[[A]]
// CHECK:           %[[M:.+]] = arith.mulf %[[ACC]], %[[X]]
// CHECK:           arith.addf %[[M]], %[[X]]
module attributes {kiln.plan = {kernels = [{symbol = "k", label = "", work_items = 1 : i64, bindings = array<i64>}]}} {
  func.func @k(%a: memref<4x64xf32>, %o: memref<4xf32>) attributes {kiln.kernel, kiln.label = "n (Custom)"} {
    linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%a : memref<4x64xf32>) outs(%o : memref<4xf32>) {
    ^bb0(%x: f32, %acc: f32):
      %m = arith.mulf %acc, %x : f32
      %s = arith.addf %m, %x : f32
      linalg.yield %s : f32
    }
    return
  }
}

// -----

#a = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
#b = affine_map<(d0, d1, d2, d3) -> (d3, d2)>
#c = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// Two M loops whose rows are not contiguous in A (a view of 100 of 128 rows per batch
// index) cannot become one M of 200 rows: refused, not collapsed into a wrong view.
module attributes {kiln.plan = {kernels = [{symbol = "k", label = "", work_items = 1 : i64, bindings = array<i64>}]}} {
  // expected-error @+1 {{kernel k (n (MatMul)) is a contraction the tensor-core kernel cannot take: it is not one batch of M x N x K products}}
  func.func @k(%a: memref<2x128x64xbf16>, %w: memref<64x72xbf16>, %o: memref<2x100x72xf32>) attributes {kiln.kernel, kiln.label = "n (MatMul)"} {
    %zero = arith.constant 0.0 : f32
    %v = memref.subview %a[0, 0, 0] [2, 100, 64] [1, 1, 1] : memref<2x128x64xbf16> to memref<2x100x64xbf16, strided<[8192, 64, 1]>>
    linalg.fill ins(%zero : f32) outs(%o : memref<2x100x72xf32>)
    linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%v, %w : memref<2x100x64xbf16, strided<[8192, 64, 1]>>, memref<64x72xbf16>) outs(%o : memref<2x100x72xf32>) {
    ^bb0(%x: bf16, %y: bf16, %acc: f32):
      %xf = arith.extf %x : bf16 to f32
      %yf = arith.extf %y : bf16 to f32
      %p = arith.mulf %xf, %yf : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    }
    return
  }
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#win = affine_map<(d0, d1, d2) -> (d0, d1 + d2)>
#out = affine_map<(d0, d1, d2) -> (d0, d1)>
#tap = affine_map<(d0, d1, d2) -> (d2)>
// A window kernel's padded input is read virtually only if nothing but the fill and the
// interior copy writes the temporary: here a second op overwrites part of it, so the
// reduction would read values that exist nowhere else. Refused, not read virtually.
module attributes {kiln.plan = {kernels = [{symbol = "k", label = "", work_items = 1 : i64, bindings = array<i64>}]}} {
  // expected-error @+1 {{an op before its reduction writes something other than the reduction's starting values}}
  func.func @k(%a: memref<4x8xf32>, %taps: memref<3xf32>, %o: memref<4x8xf32>) attributes {kiln.kernel, kiln.label = "n (Conv)"} {
    %zero = arith.constant 0.0 : f32
    %one = arith.constant 1.0 : f32
    %p = memref.alloc() : memref<4x10xf32>
    linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]} outs(%p : memref<4x10xf32>) {
    ^bb0(%y: f32):
      linalg.yield %zero : f32
    }
    %in = memref.subview %p[0, 1] [4, 8] [1, 1] : memref<4x10xf32> to memref<4x8xf32, strided<[10, 1], offset: 1>>
    linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : memref<4x8xf32>) outs(%in : memref<4x8xf32, strided<[10, 1], offset: 1>>) {
    ^bb0(%x: f32, %y: f32):
      linalg.yield %x : f32
    }
    %edge = memref.subview %p[0, 0] [4, 1] [1, 1] : memref<4x10xf32> to memref<4x1xf32, strided<[10, 1]>>
    linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]} outs(%edge : memref<4x1xf32, strided<[10, 1]>>) {
    ^bb0(%y: f32):
      linalg.yield %one : f32
    }
    linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]} outs(%o : memref<4x8xf32>) {
    ^bb0(%y: f32):
      linalg.yield %zero : f32
    }
    linalg.generic {indexing_maps = [#win, #tap, #out], iterator_types = ["parallel", "parallel", "reduction"]} ins(%p, %taps : memref<4x10xf32>, memref<3xf32>) outs(%o : memref<4x8xf32>) {
    ^bb0(%x: f32, %t: f32, %acc: f32):
      %s = arith.addf %acc, %x : f32
      linalg.yield %s : f32
    }
    return
  }
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#t = affine_map<(d0, d1) -> (d1, d0)>
#win = affine_map<(d0, d1, d2) -> (d0, d1 + d2)>
#out = affine_map<(d0, d1, d2) -> (d0, d1)>
#tap = affine_map<(d0, d1, d2) -> (d2)>
// The window kernel's op after the reduction reads its output transposed: another
// thread's element. Refused.
module attributes {kiln.plan = {kernels = [{symbol = "k", label = "", work_items = 1 : i64, bindings = array<i64>}]}} {
  // expected-error @+1 {{an op after its reduction reads or writes the output at another element}}
  func.func @k(%a: memref<8x10xf32>, %taps: memref<3xf32>, %s: memref<8x8xf32>, %o: memref<8x8xf32>) attributes {kiln.kernel, kiln.label = "n (Pool)"} {
    %zero = arith.constant 0.0 : f32
    linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]} outs(%s : memref<8x8xf32>) {
    ^bb0(%y: f32):
      linalg.yield %zero : f32
    }
    linalg.generic {indexing_maps = [#win, #tap, #out], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %taps : memref<8x10xf32>, memref<3xf32>) outs(%s : memref<8x8xf32>) {
    ^bb0(%x: f32, %t: f32, %acc: f32):
      %r = arith.addf %acc, %x : f32
      linalg.yield %r : f32
    }
    linalg.generic {indexing_maps = [#t, #id], iterator_types = ["parallel", "parallel"]} ins(%s : memref<8x8xf32>) outs(%o : memref<8x8xf32>) {
    ^bb0(%x: f32, %y: f32):
      linalg.yield %x : f32
    }
    return
  }
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#win = affine_map<(d0, d1, d2) -> (d0, d1 + d2)>
#out = affine_map<(d0, d1, d2) -> (d0, d1)>
#tap = affine_map<(d0, d1, d2) -> (d2)>
// A padded temporary (fill with -inf, interior copy at column 1) read by a window
// reduction: read virtually (a clamped load of the input, -inf outside it), never
// allocated; one thread per output element, the taps an scf.for.
// CHECK-LABEL: launch = array<i64: 1, 1, 1, 32, 1, 1, 0>, symbol = "k"
// CHECK:       gpu.func @k(%[[A:[a-z0-9]+]]: memref<4x8xf32>{{.*}}, %{{.+}}: memref<3xf32>{{.*}}, %[[O:[a-z0-9]+]]: memref<4x8xf32>
// CHECK-NOT:     memref.alloc
// CHECK:         scf.for %{{.+}} = %c0 to %c3 step %c1 iter_args(%{{.+}} = %[[NEG:.+]]) -> (f32)
// CHECK:           arith.subi
// CHECK:           %[[IN:.+]] = arith.andi
// CHECK:           arith.maxsi
// CHECK:           %[[C:.+]] = arith.minsi
// CHECK:           %[[V:.+]] = memref.load %[[A]][%{{.+}}, %[[C]]]
// CHECK:           arith.select %[[IN]], %[[V]], %[[NEG]] : f32
// CHECK:           arith.maximumf
// CHECK:         memref.store %{{.+}}, %[[O]]
module attributes {kiln.plan = {kernels = [{symbol = "k", label = "", work_items = 1 : i64, bindings = array<i64>}]}} {
  func.func @k(%a: memref<4x8xf32>, %taps: memref<3xf32>, %o: memref<4x8xf32>) attributes {kiln.kernel, kiln.label = "n (MaxPool)"} {
    %ninf = arith.constant 0xFF800000 : f32
    %p = memref.alloc() : memref<4x10xf32>
    linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]} outs(%p : memref<4x10xf32>) {
    ^bb0(%y: f32):
      linalg.yield %ninf : f32
    }
    %in = memref.subview %p[0, 1] [4, 8] [1, 1] : memref<4x10xf32> to memref<4x8xf32, strided<[10, 1], offset: 1>>
    linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : memref<4x8xf32>) outs(%in : memref<4x8xf32, strided<[10, 1], offset: 1>>) {
    ^bb0(%x: f32, %y: f32):
      linalg.yield %x : f32
    }
    linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]} outs(%o : memref<4x8xf32>) {
    ^bb0(%y: f32):
      linalg.yield %ninf : f32
    }
    linalg.generic {indexing_maps = [#win, #tap, #out], iterator_types = ["parallel", "parallel", "reduction"]} ins(%p, %taps : memref<4x10xf32>, memref<3xf32>) outs(%o : memref<4x8xf32>) {
    ^bb0(%x: f32, %t: f32, %acc: f32):
      %m = arith.maximumf %acc, %x : f32
      linalg.yield %m : f32
    }
    return
  }
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#win = affine_map<(d0, d1, d2) -> (d0, d1 + d2)>
#out = affine_map<(d0, d1, d2) -> (d0, d1)>
#tap = affine_map<(d0, d1, d2) -> (d2)>
// A convolution's elementwise prologue (kiln-fuse conv-input-prologues) whose temporary
// bufferization placed in the kernel's output %o: relu(a) is written to %o, copied into
// the padded buffer, then %o is filled with the accumulator's start and reduced into.
// The relu is computed at every tap (findInputProducer) and %o is never read: reading it
// from memory would race with the threads storing their results.
// CHECK-LABEL: launch = array<i64: 1, 1, 1, 32, 1, 1, 0>, symbol = "k"
// CHECK:       gpu.func @k(%[[A:[a-z0-9]+]]: memref<4x8xf32>{{.*}}, %{{.+}}: memref<3xf32>{{.*}}, %[[O:[a-z0-9]+]]: memref<4x8xf32>
// CHECK-NOT:     memref.load %[[O]]
// CHECK:         scf.for
// CHECK:           %[[C:.+]] = arith.minsi
// CHECK:           %[[V:.+]] = memref.load %[[A]][%{{.+}}, %[[C]]]
// CHECK:           %[[R:.+]] = arith.maximumf %[[V]], %cst
// CHECK:           arith.select %{{.+}}, %[[R]], %cst
// CHECK:         memref.store %{{.+}}, %[[O]]
module attributes {kiln.plan = {kernels = [{symbol = "k", label = "", work_items = 1 : i64, bindings = array<i64>}]}} {
  func.func @k(%a: memref<4x8xf32>, %taps: memref<3xf32>, %o: memref<4x8xf32>) attributes {kiln.kernel, kiln.label = "n (Conv)"} {
    %zero = arith.constant 0.0 : f32
    linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : memref<4x8xf32>) outs(%o : memref<4x8xf32>) {
    ^bb0(%x: f32, %y: f32):
      %r = arith.maximumf %x, %zero : f32
      linalg.yield %r : f32
    }
    %p = memref.alloc() : memref<4x10xf32>
    linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]} outs(%p : memref<4x10xf32>) {
    ^bb0(%y: f32):
      linalg.yield %zero : f32
    }
    %in = memref.subview %p[0, 1] [4, 8] [1, 1] : memref<4x10xf32> to memref<4x8xf32, strided<[10, 1], offset: 1>>
    linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%o : memref<4x8xf32>) outs(%in : memref<4x8xf32, strided<[10, 1], offset: 1>>) {
    ^bb0(%x: f32, %y: f32):
      linalg.yield %x : f32
    }
    linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]} outs(%o : memref<4x8xf32>) {
    ^bb0(%y: f32):
      linalg.yield %zero : f32
    }
    linalg.generic {indexing_maps = [#win, #tap, #out], iterator_types = ["parallel", "parallel", "reduction"]} ins(%p, %taps : memref<4x10xf32>, memref<3xf32>) outs(%o : memref<4x8xf32>) {
    ^bb0(%x: f32, %t: f32, %acc: f32):
      %s = arith.addf %acc, %x : f32
      linalg.yield %s : f32
    }
    return
  }
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#win = affine_map<(d0, d1, d2) -> (d0, d1 + d2)>
#out = affine_map<(d0, d1, d2) -> (d0, d1)>
#tap = affine_map<(d0, d1, d2) -> (d2)>
// Must not fire: relu(a) is also the kernel's output %r (never overwritten), so it must
// be stored, and the padded read would then read %r while other threads write it.
// Refused instead of read from memory.
module attributes {kiln.plan = {kernels = [{symbol = "k", label = "", work_items = 1 : i64, bindings = array<i64>}]}} {
  // expected-error @+1 {{its padded input is a buffer the kernel writes}}
  func.func @k(%a: memref<4x8xf32>, %taps: memref<3xf32>, %r: memref<4x8xf32>, %o: memref<4x8xf32>) attributes {kiln.kernel, kiln.label = "n (Conv)"} {
    %zero = arith.constant 0.0 : f32
    linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : memref<4x8xf32>) outs(%r : memref<4x8xf32>) {
    ^bb0(%x: f32, %y: f32):
      %m = arith.maximumf %x, %zero : f32
      linalg.yield %m : f32
    }
    %p = memref.alloc() : memref<4x10xf32>
    linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]} outs(%p : memref<4x10xf32>) {
    ^bb0(%y: f32):
      linalg.yield %zero : f32
    }
    %in = memref.subview %p[0, 1] [4, 8] [1, 1] : memref<4x10xf32> to memref<4x8xf32, strided<[10, 1], offset: 1>>
    linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%r : memref<4x8xf32>) outs(%in : memref<4x8xf32, strided<[10, 1], offset: 1>>) {
    ^bb0(%x: f32, %y: f32):
      linalg.yield %x : f32
    }
    linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]} outs(%o : memref<4x8xf32>) {
    ^bb0(%y: f32):
      linalg.yield %zero : f32
    }
    linalg.generic {indexing_maps = [#win, #tap, #out], iterator_types = ["parallel", "parallel", "reduction"]} ins(%p, %taps : memref<4x10xf32>, memref<3xf32>) outs(%o : memref<4x8xf32>) {
    ^bb0(%x: f32, %t: f32, %acc: f32):
      %s = arith.addf %acc, %x : f32
      linalg.yield %s : f32
    }
    return
  }
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
// ReduceMax's NaN-propagating max (select(uno(acc, x), NaN, select(acc < x, x, acc))) is
// associative and commutative: the row kernel combines partials across lanes with it.
// CHECK-LABEL: symbol = "k"
// CHECK:       gpu.func @k
// CHECK:         %[[SH:.+]], %{{.+}} = gpu.shuffle  down
// CHECK:         arith.cmpf uno, %{{.+}}, %[[SH]]
// CHECK:         arith.cmpf olt, %{{.+}}, %[[SH]]
module attributes {kiln.plan = {kernels = [{symbol = "k", label = "", work_items = 1 : i64, bindings = array<i64>}]}} {
  func.func @k(%a: memref<4x64xf32>, %o: memref<4xf32>) attributes {kiln.kernel, kiln.label = "n (ReduceMax)"} {
    %nan = arith.constant 0x7FC00000 : f32
    linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%a : memref<4x64xf32>) outs(%o : memref<4xf32>) {
    ^bb0(%x: f32, %acc: f32):
      %u = arith.cmpf uno, %acc, %x : f32
      %lt = arith.cmpf olt, %acc, %x : f32
      %m = arith.select %lt, %x, %acc : f32
      %r = arith.select %u, %nan, %m : f32
      linalg.yield %r : f32
    }
    return
  }
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#win = affine_map<(d0, d1, d2) -> (d0, d1 + d2)>
#out = affine_map<(d0, d1, d2) -> (d0, d1)>
#tap = affine_map<(d0, d1, d2) -> (d2)>
// Must not fire as a column slice: the copy after the reduction takes rows 1-2 of the
// temporary (an offset in a leading dim), which no element's own column decides. Refused,
// not stored at the wrong rows.
module attributes {kiln.plan = {kernels = [{symbol = "k", label = "", work_items = 1 : i64, bindings = array<i64>}]}} {
  // expected-error @+1 {{an op after its reduction runs over another iteration space than the output}}
  func.func @k(%a: memref<4x10xf32>, %taps: memref<3xf32>, %o: memref<2x8xf32>) attributes {kiln.kernel, kiln.label = "n (Pool)"} {
    %zero = arith.constant 0.0 : f32
    %t = memref.alloc() : memref<4x8xf32>
    linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]} outs(%t : memref<4x8xf32>) {
    ^bb0(%y: f32):
      linalg.yield %zero : f32
    }
    linalg.generic {indexing_maps = [#win, #tap, #out], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %taps : memref<4x10xf32>, memref<3xf32>) outs(%t : memref<4x8xf32>) {
    ^bb0(%x: f32, %w: f32, %acc: f32):
      %s = arith.addf %acc, %x : f32
      linalg.yield %s : f32
    }
    %rows = memref.subview %t[1, 0] [2, 8] [1, 1] : memref<4x8xf32> to memref<2x8xf32, strided<[8, 1], offset: 8>>
    memref.copy %rows, %o : memref<2x8xf32, strided<[8, 1], offset: 8>> to memref<2x8xf32>
    return
  }
}
