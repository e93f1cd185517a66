//===- Passes.td - kiln codegen passes ------------------------------------===//
//
// Codegen passes by target, alphabetical within a banner: `common` (kiln -> linalg on
// tensors, shared by every target), then `cpu` and `cuda`. Every description carries a
// before/after example.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_PASSES_TD
#define KILN_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------------===//
// common: kiln -> linalg on tensors
//===----------------------------------------------------------------------------===//

def OutlineKernelsPass : Pass<"kiln-outline-kernels", "::mlir::ModuleOp"> {
  let summary = "Move every compute op of the entry function into its own kernel function";
  let description = [{
    Each compute op (later each `kiln.fusion` group) becomes a private function marked
    `kiln.kernel` with a `kiln.label` naming its ONNX nodes, called from the entry
    function. Constants and reshapes stay in the host program; constants of at most 16
    elements (or splats) are cloned into the kernels that read them. The model signature
    is recorded as `kiln.signature` on the module, with the kiln types.

    ```mlir
    func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
      %c = kiln.constant dense<0.5> : tensor<4xf32>
      %y = kiln.add %x, %c : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32> loc("a"("Add"))
      return %y : tensor<2x4xf32>
    }
    ```
    becomes
    ```mlir
    func.func private @kernel0_add(%x: tensor<2x4xf32>) -> tensor<2x4xf32>
        attributes {kiln.kernel, kiln.label = "a (Add)"} {
      %c = kiln.constant dense<0.5> : tensor<4xf32>
      %y = kiln.add %x, %c : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
      return %y : tensor<2x4xf32>
    }
    func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
      %y = call @kernel0_add(%x) : (tensor<2x4xf32>) -> tensor<2x4xf32>
      return %y : tensor<2x4xf32>
    }
    ```
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def PlanMemoryPass : Pass<"kiln-plan-memory", "::mlir::ModuleOp"> {
  let summary = "Turn the bufferized host program into a static memory plan";
  let description = [{
    Runs after bufferization (kernel results as out-params). Every buffer of the entry
    function is rooted at an input, a constant or an allocation; returned allocations
    become the outputs, other allocations get arena offsets from their live ranges
    (greedy by size), constants get offsets in a constant section. The result is the
    `kiln.plan` module attribute (kernels in order with their bindings, copies, arena
    and constant sizes, the constants' values); the entry function is erased and the
    kernels become public.

    ```mlir
    func.func @main(%x: memref<4xf32>) -> memref<4xf32> {
      %t = memref.alloc() : memref<4xf32>
      call @k0(%x, %t) : (memref<4xf32>, memref<4xf32>) -> ()
      %y = memref.alloc() : memref<4xf32>
      call @k1(%t, %y) : (memref<4xf32>, memref<4xf32>) -> ()
      return %y : memref<4xf32>
    }
    ```
    becomes the module attribute
    ```mlir
    kiln.plan = {arena_bytes = 64, unplanned_bytes = 64, constant_bytes = 0,
                 constants = [], copies = [],
                 kernels = [
                   {symbol = "k0", bindings = array<i64: 0, 0, 16, 3, 0, 16>, ...},
                   {symbol = "k1", bindings = array<i64: 3, 0, 16, 1, 0, 16>, ...}
                 ]}
    ```
    (binding = space (0 input, 1 output, 2 constant, 3 arena), index or offset, bytes).
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def LowerKilnToLinalgPass : Pass<"kiln-lower-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lower every kiln op to linalg, tensor, arith and math on tensors";
  let description = [{
    A full dialect conversion: afterwards no kiln op remains. Named linalg ops are used
    where one has the op's semantics (matmul, batch_matmul, convolutions, pooling,
    transpose, broadcast, fill, reduce), `linalg.generic` otherwise, and the tensor
    dialect for reshapes, slices, concat, pad and split. Elementwise broadcasting is
    expressed in indexing maps, never materialized. f16/bf16 math and every
    reduction or contraction accumulate in f32. Scalar bodies reproduce the reference
    interpreter (lib/interp) exactly: saturating casts, round half to even, integer
    division toward zero, NaN-propagating max/min.

    Tensor types are converted, function signatures included: `!quant.uniform` element
    types become their storage integer type and unsigned integers become signless
    integers of the same width (the arithmetic keeps their unsigned meaning).

    An op that cannot be lowered (dynamic shapes, unsupported quantized types) gets an
    error at its location and the pass fails.

    ```mlir
    %y = kiln.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    ```
    becomes
    ```mlir
    %e = tensor.empty() : tensor<2x3xf32>
    %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                          affine_map<(d0, d1) -> (d1)>,
                                          affine_map<(d0, d1) -> (d0, d1)>],
                         iterator_types = ["parallel", "parallel"]}
        ins(%a, %b : tensor<2x3xf32>, tensor<3xf32>) outs(%e : tensor<2x3xf32>) {
    ^bb0(%x: f32, %z: f32, %out: f32):
      %s = arith.addf %x, %z : f32
      linalg.yield %s : f32
    } -> tensor<2x3xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

//===----------------------------------------------------------------------------===//
// cpu: tile-and-fuse, vectorize, bufferize and lower to LLVM for x86-64
//===----------------------------------------------------------------------------===//

def ApproximateMathPass : Pass<"kiln-cpu-approximate-math"> {
  let summary = "f32 exp/log/tanh/erf/sin/cos as vectorizable polynomial approximations";
  let description = [{
    MLIR's math approximations (a few ulp), so loops that compute these vectorize instead
    of calling libm per element; f64 math is left to math-to-llvm / math-to-libm.

    ```mlir
    %y = math.exp %x : f32
    ```
    becomes a range reduction and a polynomial in arith ops (no call).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::vector::VectorDialect",
                           "::mlir::x86vector::X86VectorDialect"];
}

def LowerStridedCopiesPass : Pass<"kiln-cpu-lower-strided-copies"> {
  let summary = "Copies through strided views become linalg.copy (then loops)";
  let description = [{
    memref-to-llvm lowers such copies to calls of MLIR's C runner library, which
    artifacts cannot link; contiguous copies stay memref.copy (llvm.memcpy).

    ```mlir
    memref.copy %a, %b : memref<4x4xf32> to memref<4x4xf32, strided<[6, 1], offset: 7>>
    ```
    becomes
    ```mlir
    linalg.copy ins(%a : memref<4x4xf32>) outs(%b : memref<4x4xf32, strided<[6, 1], offset: 7>>)
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def EmitKernelAbiPass : Pass<"kiln-cpu-emit-kernel-abi", "::mlir::ModuleOp"> {
  let summary = "Give every kernel the runtime's calling convention";
  let description = [{
    On the LLVM dialect: kernel `@k(ptr, ..., ptr [, i64 begin, i64 end])` becomes the
    internal, always-inlined `@k.body` with `noalias` buffers, and an exported wrapper
    `void @k(ptr buffers, i64 begin, i64 end)` loads `buffers[i]` and calls it
    (docs/artifact.md).

    ```mlir
    llvm.func @k(%a: !llvm.ptr, %b: !llvm.ptr) attributes {kiln.kernel} { ... }
    ```
    becomes
    ```mlir
    llvm.func internal @k.body(%a: !llvm.ptr {llvm.noalias}, %b: !llvm.ptr {llvm.noalias})
    llvm.func @k(%buffers: !llvm.ptr, %begin: i64, %end: i64) attributes {kiln.kernel} {
      // load buffers[0], buffers[1]; llvm.call @k.body(...)
    }
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}


#endif // KILN_CODEGEN_PASSES_TD
