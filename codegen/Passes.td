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

def ForwardOutputBuffersPass : Pass<"kiln-forward-output-buffers", "::mlir::ModuleOp"> {
  let summary = "Kernels write their out-params instead of copying a temporary into them";
  let description = [{
    After bufferization: an allocation copied (possibly through a reshape) into an
    out-param at its last use becomes the inverse reshape of the out-param.

    ```mlir
    %t = memref.alloc() : memref<16x64xf32>
    linalg.fill ins(%z : f32) outs(%t : memref<16x64xf32>)
    %e = memref.expand_shape %t [[0, 1], [2]] output_shape [1, 16, 64] : memref<16x64xf32> into memref<1x16x64xf32>
    memref.copy %e, %out : memref<1x16x64xf32> to memref<1x16x64xf32>
    ```
    becomes
    ```mlir
    %t = memref.collapse_shape %out [[0, 1], [2]] : memref<1x16x64xf32> into memref<16x64xf32>
    linalg.fill ins(%z : f32) outs(%t : memref<16x64xf32>)
    ```
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
    expressed in indexing maps, never materialized. f16 / bf16 are computed in f32 and
    rounded once; float reductions and contractions accumulate in f32 (f64 for f64),
    integer contractions in i32. Scalar bodies reproduce the reference interpreter
    (lib/interp): saturating casts, round half to even, integer division toward zero,
    NaN-propagating max/min, quantize / dequantize with the interpreter's roundings.

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
  let options = [
    Option<"convIm2col", "conv-im2col", "bool", /*default=*/"true",
           "Lower f32 convolutions at batch 1 as im2col + matmul (the CPU's register-blocked "
           "matmul schedule runs them); false keeps linalg.conv_2d_nchw_fchw on a padded "
           "input, which the CUDA implicit-GEMM and window kernels read directly">];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

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


//===----------------------------------------------------------------------------===//
// cpu: tile-and-fuse, vectorize, bufferize and lower to LLVM for x86-64
//===----------------------------------------------------------------------------===//

def LowerAttentionPass : Pass<"kiln-cpu-lower-attention", "::mlir::ModuleOp"> {
  let summary = "Attention kernels as a blockwise online softmax (no score matrix)";
  let description = [{
    On kiln kernels, before kiln-lower-to-linalg: a kernel outlined from an attention
    group (`kiln.scheme = "attention"`: matmul -> scale -> softmax -> matmul with the
    transposes around it) becomes an `scf.forall` over (batch..., query rows) whose items
    loop over query blocks and key blocks with a running max and sum per row (online
    softmax), computing one block of scores at a time with `linalg.matmul`. Memory is
    linear in the sequence length. The matmuls and the kernel are marked
    `kiln.attention`.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect", "::mlir::math::MathDialect",
    "::mlir::arith::ArithDialect"];
}

def VectorizeContractionsPass : Pass<"kiln-cpu-vectorize-contractions", "::mlir::ModuleOp"> {
  let summary = "The register-blocked CPU matmul schedule for kernels with matmuls";
  let description = [{
    On bufferized kernels: tiles 128x256x256 then 8x32x1, vectorizes, hoists the
    accumulator out of the k loop, lowers contractions to outer-product FMAs and unrolls
    k by 4 (the schedule of ../shared/recipes/cpu-matmul-8x32), through a transform
    script applied to each kernel function.

    ```mlir
    linalg.matmul ins(%a, %b : memref<128x768xf32>, memref<768x3072xf32>) outs(%c : ...)
    ```
    becomes loops over 8x32 tiles whose body is `vector.fma` on `vector<32xf32>` rows.
    A packed contraction (kiln-cpu-pack-contractions) gets register tiles of 8 rows x one
    32-wide panel (16 x 16 for 16-wide panels), the panel loop outside the row loop, and
    its accumulator hoisted by kiln's own hoisting (upstream refuses view-like bases).
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int", /*default=*/"512",
           "Vector register width in bits: 512 (AVX-512) or 256 (AVX2)">];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect", "::mlir::transform::TransformDialect"];
}

def VectorizeWindowsPass : Pass<"kiln-cpu-vectorize-windows", "::mlir::ModuleOp"> {
  let summary = "Depthwise NCHW convolutions and NCHW pooling as rows of vector ops";
  let description = [{
    On bufferized kernels: each f32 `linalg.depthwise_conv_2d_nchw_chw`,
    `linalg.pooling_nchw_max` and `linalg.pooling_nchw_sum` with a static window, static
    output rows and columns and width stride 1 or 2 becomes loops over (batch, channel,
    output row); each row is computed in strips of up to 4 vectors (2 on AVX2) along the
    width, one FMA (depthwise, the channel's weights broadcast once), max or add per
    window tap and vector. Stride 2 loads twice the lanes and keeps the even ones; the
    width's remainder uses masked loads and stores.

    ```mlir
    linalg.depthwise_conv_2d_nchw_chw {strides = dense<1> : tensor<2xi64>, ...}
      ins(%x, %w : memref<1x?x58x114xf32>, memref<?x3x3xf32, ...>) outs(%o : memref<1x?x56x112xf32>)
    ```
    becomes
    ```mlir
    scf.for %n ... scf.for %c ... { %w00 = vector.broadcast ... scf.for %oh ... {
      %acc = vector.load %o[%n, %c, %oh, %ow] ... %x = vector.load %x[...]
      %acc1 = vector.fma %x, %w00, %acc : vector<16xf32> ... vector.store ... } }
    ```
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int", /*default=*/"512",
           "Vector register width in bits: 512 (AVX-512) or 256 (AVX2)">];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect"];
}

def PackContractionsPass : Pass<"kiln-cpu-pack-contractions", "::mlir::ModuleOp"> {
  let summary = "Pack the B operand of f32 matmuls into contiguous column panels";
  let description = [{
    On tensors, after kiln-cpu-tile-work-items. A static f32 `linalg.matmul` A[M,K] x
    B[K,N] with N a multiple of 16 becomes a copy of B into panels Bp[N/P, K, P] (P = 32,
    or 16) and a `linalg.contract` C[m, n0, n1] += A[m, k] * Bp[n0, k, n1] on the init
    seen as [M, N/P, P], so that the register-blocked schedule reads B from consecutive
    addresses. An index-only producer of B (the im2col of a convolution) is rewritten to
    write the panels itself, without a copy; a B that the kernel's only call passes as an
    f32 constant (plain or transposed) is packed at compile time: the call passes the
    panels as a new constant and the kernel reads them in place. The im2col of an f32
    convolution with width stride 1 or 2 (tagged `kiln.im2col`) becomes loops that write
    each panel row as a few masked vector loads of input row segments.

    ```mlir
    %c = linalg.matmul ins(%a, %b : tensor<128x768xf32>, tensor<768x256xf32>) outs(%f : ...)
    ```
    becomes
    ```mlir
    %bp = linalg.transpose ins(%b3 : tensor<768x8x32xf32>) outs(%e) permutation = [1, 0, 2]
    %c3 = linalg.contract indexing_maps = [...] ins(%a, %bp) outs(%f3 : tensor<128x8x32xf32>)
    ```
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int", /*default=*/"512",
           "Vector register width in bits: 512 (AVX-512) or 256 (AVX2)">];
  let dependentDialects = ["::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect", "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect", "::mlir::affine::AffineDialect"];
}

def TileWorkItemsPass : Pass<"kiln-cpu-tile-work-items", "::mlir::ModuleOp"> {
  let summary = "Tile each kernel's root op into an scf.forall of work items, fusing producers";
  let description = [{
    On tensors. The op producing a kernel's result is tiled along parallel loops
    (contractions: 128 x 256 output tiles, up to 512 rows while >= 8 items remain; others: about one tile per 32 Ki units of
    work, at most 64) with every producer in the kernel fused into the tile.

    ```mlir
    %f = linalg.fill ins(%z) outs(%e : tensor<256x512xf32>)
    %m = linalg.matmul ins(%a, %b) outs(%f)
    ```
    becomes
    ```mlir
    %m = scf.forall (%i, %j) = (0, 0) to (256, 512) step (128, 256) shared_outs(%o = %e) {
      %fi = linalg.fill ... ; %mi = linalg.matmul ... ; tensor.parallel_insert_slice ...
    }
    ```
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect"];
}

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

def DistributeWorkItemsPass : Pass<"kiln-cpu-distribute-work-items", "::mlir::ModuleOp"> {
  let summary = "A kernel made of one scf.forall runs a [begin, end) range of its tiles";
  let description = [{
    After bufferization and kiln-plan-memory. The kernel gains `begin` and `end` index
    arguments, its forall becomes an scf.for over the linearized tile range, and the
    tile count is recorded as `kiln.work_items` on the kernel and in `kiln.plan`; the
    runtime calls it on disjoint ranges from its threads.

    ```mlir
    func.func @k(%a: memref<256x64xf32>, %o: memref<256x64xf32>) attributes {kiln.kernel} {
      scf.forall (%i) = (0) to (256) step (64) { ... }
      return
    }
    ```
    becomes
    ```mlir
    func.func @k(%a: memref<256x64xf32>, %o: memref<256x64xf32>, %begin: index,
                 %end: index) attributes {kiln.kernel, kiln.work_items = 4 : i64} {
      scf.for %w = %begin to %end step %c1 { %i = %w * 64; ... }
      return
    }
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::scf::SCFDialect"];
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


//===----------------------------------------------------------------------------===//
// cuda: bufferized kernels -> gpu.func -> NVVM
//===----------------------------------------------------------------------------===//

def DescribeAttentionPass : Pass<"kiln-cuda-describe-attention", "::mlir::ModuleOp"> {
  let summary = "Record on each attention kernel what the flash-attention kernel reads";
  let options = [
    Option<"precision", "precision", "std::string", /*default=*/"\"fp32\"",
           "Precision of the products (fp32, bf16, fp16) where the scores matmul carries "
           "no kiln.precision">];
  let description = [{
    On kiln kernels, after kiln-outline-kernels: each kernel with `kiln.scheme =
    "attention"` (O = softmax(scale Q K^T [+ mask_scale M]) V, through the transposes of
    its group) gets a `kiln.cuda.attention` dictionary: the argument numbers of Q, K, V
    and the mask (-1 for none), the permutation through which each is read (logical dim
    i is dim perm[i] of the argument; K's is that of the logical K^T), the permutation of
    the result (its dim i is logical dim out_perm[i] of O), both scales and the
    precision of the products (the scores matmul's `kiln.precision`, else the option).
    The body is unchanged; kiln-cuda-map-kernels replaces it by the flash-attention
    kernel after bufferization, when the result is the last argument. An attention kernel
    that reads Q, K, V or the mask from anything but its arguments, returns several
    values or computes anything else is an error naming it.

    ```mlir
    func.func private @kernel0_fused_attention(%q: tensor<1x64x2x16xf32>,
        %k: tensor<1x64x2x16xf32>, %v: tensor<1x2x64x16xf32>) -> tensor<1x64x2x16xf32>
        attributes {kiln.kernel, kiln.scheme = "attention"} {
      %qt = kiln.transpose %q permutation = [0, 2, 1, 3] : ...
      %kt = kiln.transpose %k permutation = [0, 2, 3, 1] : ...
      %s = kiln.matmul %qt, %kt {kiln.precision = "bf16"} : ...
      %d = kiln.div %s, %c : ...          // %c = 4
      %p = kiln.softmax %d axis = 3 : ...
      %o = kiln.matmul %p, %v : ...
      %r = kiln.transpose %o permutation = [0, 2, 1, 3] : ...
      return %r : tensor<1x64x2x16xf32>
    }
    ```
    gets
    ```mlir
    kiln.cuda.attention = {k = 1 : i64, k_perm = array<i64: 0, 2, 3, 1>, mask = -1 : i64,
        mask_scale = 1.0 : f64, out_perm = array<i64: 0, 2, 1, 3>, precision = "bf16",
        q = 0 : i64, q_perm = array<i64: 0, 2, 1, 3>, scale = 0.25 : f64, v = 2 : i64,
        v_perm = array<i64: 0, 1, 2, 3>}
    ```
  }];
}

def MapKernelsToGpuPass : Pass<"kiln-cuda-map-kernels", "::mlir::ModuleOp"> {
  let summary = "Every bufferized kernel becomes a gpu.func with its launch dimensions";
  let options = [
    Option<"cudaArch", "cuda-arch", "std::string", /*default=*/"\"sm_80\"",
           "Target GPU (sm_80, sm_86, sm_89, sm_90a): bounds the shared memory of a block">,
    Option<"tf32", "tf32", "bool", /*default=*/"false",
           "f32 products run on tensor cores in tf32 (mma.sync.m16n8k8; --precision=tf32), "
           "not on the CUDA cores">];
  let description = [{
    After bufferization and kiln-plan-memory. Each kernel function moves into the
    `gpu.module @kiln_kernels` as a `gpu.func` kernel with the same arguments (one device
    pointer per plan binding), and its grid and block sizes are recorded as `launch =
    [grid x, y, z, block x, y, z, dynamic shared bytes]` on its entry of `kiln.plan`.
    Contraction kernels on sm_90a (TMA + wgmma) take one more argument per TMA tensor
    map, a pointer to the descriptor the runtime encodes, described on the plan entry as
    `tensor_maps = [[binding, byte offset, dtype, swizzle, rank, dims..., strides...,
    box...], ...]` (docs/artifact.md).

    Loop kernels (elementwise, broadcast and data-movement ops: every op of the kernel
    all-parallel, after linalg elementwise fusion) run one thread per 16 bytes of output:
    operands read contiguously along the innermost loop become one aligned 16-byte
    `vector.load` (`ld.global.v4.f32` for f32), operands constant along it one scalar load
    and a broadcast, any other a gather. Independent ops of one kernel (the copies of a
    concat) split the grid's blocks between them. The grid is exact: blocks of 256
    threads (fewer for small outputs), a bounds check on the last block.

    ```mlir
    func.func @k(%x: memref<1x64x32x32xf32>, %b: memref<64xf32>, %o: memref<1x64x32x32xf32>)
        attributes {kiln.kernel, kiln.scheme = "loop"} {
      linalg.generic {..., iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
          ins(%x, %b : ...) outs(%o : ...) { addf, erf, ... }
      return
    }
    ```
    becomes
    ```mlir
    gpu.module @kiln_kernels {
      gpu.func @k(%x: memref<1x64x32x32xf32>, %b: memref<64xf32>, %o: memref<...>) kernel
          attributes {known_block_size = array<i32: 256, 1, 1>} {
        // t = block_id.x * 256 + thread_id.x; if t < 16384: element 4t, delinearized
        %v = vector.load %x[...] {alignment = 16 : i64} : memref<...>, vector<4xf32>
        %s = memref.load %b[%c] : memref<64xf32>     // broadcast along the row
        ... vector.store %r, %o[...] {alignment = 16 : i64}
      }
    }
    ```
    Contraction kernels (a fill, one f16/bf16 contraction into an f32 accumulator, and an
    all-parallel epilogue) become a tensor-core kernel: 128x128 or 64x64 block tiles of
    4 warps, a cp.async ring of shared-memory stages (rows padded by 16 bytes),
    `ldmatrix` fragments and `mma.sync.m16n8k16` with f32 accumulators; the epilogue runs
    on the accumulator registers (MapContraction.cpp).

    A kernel the CUDA target cannot map yet is an error naming its ONNX nodes and scheme.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::affine::AffineDialect",
                           "::mlir::gpu::GPUDialect", "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect", "::mlir::memref::MemRefDialect",
                           "::mlir::ub::UBDialect", "::mlir::nvgpu::NVGPUDialect",
                           "::mlir::NVVM::NVVMDialect", "::mlir::LLVM::LLVMDialect"];
}

#endif // KILN_CODEGEN_PASSES_TD
