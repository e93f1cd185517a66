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
// A row reduction whose temporary holds whole rows (not one value per row): a block's
// registers cannot keep it, so the row mapping refuses instead of mapping it.
module attributes {kiln.plan = {kernels = [{symbol = "k", label = "", work_items = 1 : i64, bindings = array<i64>}]}} {
  // expected-error @+1 {{keeps a temporary that is not one value per row}}
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
#row = affine_map<(d0, d1) -> (d0)>
// A reduction whose combine step is not one associative op (acc * x + x): a tree of
// per-thread partials would give another answer, so it is refused.
module attributes {kiln.plan = {kernels = [{symbol = "k", label = "", work_items = 1 : i64, bindings = array<i64>}]}} {
  func.func @k(%a: memref<4x64xf32>, %o: memref<4xf32>) attributes {kiln.kernel, kiln.label = "n (Custom)"} {
    // expected-error @+1 {{is not 'acc = g(acc, x)' with g one associative, commutative op}}
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
