//===- Passes.td - kiln graph passes ----------------------------------------===//
//
// Graph passes by family, alphabetical within a family. Every description carries a
// before/after example.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_PASSES_TD
#define KILN_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------------===//
// Analysis printers (test and debugging aids)
//===----------------------------------------------------------------------------===//

def PrintFusionInfoPass : Pass<"kiln-print-fusion-info"> {
  let summary = "Report every op's fusion class and iteration space as remarks";
  let description = [{
    Emits one remark per op saying what `FusionOpInterface` reports: the fusion class, and
    when expressible the iterator kinds and the access map of every operand and result.
    Used by the tests of the interface and to debug fusion decisions.

    ```mlir
    %0 = kiln.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    ```
    reports
    ```
    remark: elementwise; iterators [parallel, parallel];
            maps [(d0, d1) -> (d0, d1), (d0, d1) -> (d1), (d0, d1) -> (d0, d1)]
    ```
  }];
}

//===----------------------------------------------------------------------------===//
// Precision
//===----------------------------------------------------------------------------===//

def MixedPrecisionPass : Pass<"kiln-mixed-precision"> {
  let summary = "Run f32 matrix products in bf16 or fp16 with f32 accumulation";
  let description = [{
    What `--precision=bf16|fp16` runs before fusion (after kiln-fold-batch-norm and
    kiln-raise-decompositions, which read f32 weights and form the softmax), like
    PyTorch's autocast: every kiln.matmul whose operands and result are f32 takes 16-bit
    operands (constant weights are converted at compile time, rounding to nearest even;
    an activation gets one kiln.cast, right after its definition, shared by every product
    that reads it, which fusion folds into a neighbouring kernel), accumulates in f32 as
    every kiln kernel does, and casts its result back to f32. Elementwise ops and
    reductions (softmax, layer norm, pooling) stay f32. `fp32` leaves the model alone.

    ```mlir
    %y = kiln.matmul %x, %w : (tensor<8x64xf32>, tensor<64x32xf32>) -> tensor<8x32xf32>
    ```
    becomes, with `precision=bf16` and a constant `%w`,
    ```mlir
    %xh = kiln.cast %x : tensor<8x64xf32> to tensor<8x64xbf16>
    %yh = kiln.matmul %xh, %w_bf16 : (tensor<8x64xbf16>, tensor<64x32xbf16>) -> tensor<8x32xbf16>
    %y = kiln.cast %yh : tensor<8x32xbf16> to tensor<8x32xf32>
    ```

    With `keep-attention` (the pipelines set it when they fuse), the two products of an
    attention that kiln-fuse will group (scores matmul -> scalings / mask -> softmax ->
    values matmul, the same matcher) stay f32, so that the group still forms, and are
    marked with the precision the attention kernel computes them in: the CUDA
    flash-attention kernel uses it, the CPU lowering computes in f32 (more accurate).
    With `convolutions` (the CUDA pipeline sets it), dense convolutions (groups = 1)
    are narrowed the same way, their bias with them; depthwise and grouped ones stay f32.
    With `attention-io` too (CUDA), Q, K and V are narrowed where they are produced
    and widened right where the attention reads them; kiln-fuse takes the widening
    casts, and the narrowing of the result for the product after it, into the group,
    so the attention kernel reads and writes 16-bit tensors.
    ```mlir
    %s = kiln.matmul %q, %k transpose_b {kiln.precision = "bf16"}
        : (tensor<1x2x64x16xf32>, tensor<1x2x64x16xf32>) -> tensor<1x2x64x64xf32>
    ```
  }];
  let options = [
    Option<"precision", "precision", "std::string", /*default=*/"\"fp32\"",
           "fp32 or tf32 (no change: tf32 is the CUDA kernels' affair), bf16 or fp16">,
    Option<"keepAttention", "keep-attention", "bool", /*default=*/"false",
           "Keep the products of attention groups f32, marked kiln.precision, for the "
           "attention kernel to compute in the precision">,
    Option<"convolutions", "convolutions", "bool", /*default=*/"false",
           "Also run dense kiln.conv2d (groups = 1) in the precision, bias included (the "
           "CUDA pipeline sets it: its implicit-GEMM kernel runs them on tensor cores)">,
    Option<"attentionIO", "attention-io", "bool", /*default=*/"false",
           "With keep-attention: attention groups read Q, K and V, and write their "
           "result, in the precision (the CUDA pipeline sets it: its flash-attention "
           "kernel rounds them to it anyway, and reads and writes half the bytes)">];
}

//===----------------------------------------------------------------------------===//
// Fusion
//===----------------------------------------------------------------------------===//

def FoldBatchNormPass : Pass<"kiln-fold-batch-norm"> {
  let summary = "Fold inference BatchNorm into the constant weights of the conv / matmul before it";
  let description = [{
    `batch_norm(conv2d(x, W, b))` with constant W, b and BatchNorm parameters becomes
    `conv2d(x, W', b')` with `W'[c] = f[c] W[c]`, `b'[c] = f[c] (b[c] - mean[c]) + beta[c]`
    and `f = scale / sqrt(var + eps)`; a 2-D matmul by constant weights (optionally plus
    a constant bias) followed by a BatchNorm over its columns becomes a matmul by scaled
    weights plus the folded bias. The conv's or matmul's result must have no other user.
    Runs before --kiln-fuse: the conv's epilogue then follows it directly.

    ```mlir
    %y = kiln.conv2d %x, %w, %b : ...
    %z = kiln.batch_norm %y, %s, %beta, %m, %v epsilon = 1.0e-05 : ...
    ```
    becomes
    ```mlir
    %z = kiln.conv2d %x, %w_folded, %b_folded : ...
    ```
  }];
}

def RaiseDecompositionsPass : Pass<"kiln-raise-decompositions"> {
  let summary = "Turn exporters' LayerNorm and GELU op chains back into kiln ops";
  let description = [{
    LayerNorm spelled as ReduceMean, Sub, Pow, ReduceMean, Add(eps), Sqrt, Div
    [, Mul(gamma) [, Add(beta)]] over trailing axes becomes `kiln.layer_norm`; GELU
    spelled x * 0.5 * (1 + erf(x / sqrt 2)) becomes `kiln.gelu`, and its tanh form
    x * 0.5 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))) `kiln.gelu approximate = tanh`.
    Intermediates must have
    no other users. Runs before --kiln-fuse, whose groups it opens up.

    ```mlir
    %m = kiln.reduce mean %x axes = [2] keep_dims ...   %d = kiln.sub %x, %m ...
    ... %n = kiln.div %d, %r ...  %y = kiln.mul %n, %g ...  %z = kiln.add %y, %b ...
    ```
    becomes
    ```mlir
    %z = kiln.layer_norm %x scale %g bias %b axis = 2 epsilon = 1.0e-05 : ...
    ```
  }];
}

def NormalizeRowAxesPass : Pass<"kiln-normalize-row-axes"> {
  let summary = "Layer norms and softmaxes over the last dim only, between reshapes or transposes";
  let description = [{
    The form the CUDA row kernel takes (one last reduction loop), which the CUDA
    pipeline runs before fusion:
    - `kiln.layer_norm` over [axis, rank) with axis < rank - 1 (or axis = 0) becomes
      reshape -> layer_norm over the last dim of [leading dims..., n] (one row [1, n] for
      axis 0, the parameters reshaped to [n]) -> reshape back;
    - `kiln.softmax` / `kiln.log_softmax` over another axis than the last: a reshape when
      every dim after it is 1, else a transpose moving the axis last, the softmax over
      it, and the inverse transpose.
  }];
  let dependentDialects = ["::kiln::KilnDialect"];
}

def FuseSiblingsPass : Pass<"kiln-fuse-siblings", "::mlir::ModuleOp"> {
  let summary = "Horizontal fusion alone: sibling matmuls of one input with constant weights become one";
  let description = [{
    The first step of kiln-fuse on its own (Fuse.cpp, step -1): the Q, K and V
    projections of one input (matmuls with constant weights, each optionally followed by
    a constant bias add) become one matmul with the weights and biases concatenated
    along N, followed by a column slice per sibling. The pipelines run it before
    kiln-mixed-precision, so that the concatenated product is narrowed as one (its
    weights converted once) and kiln-fuse groups it with its slices as outputs.
  }];
  let dependentDialects = ["::kiln::KilnDialect"];
}

def FusePass : Pass<"kiln-fuse", "::mlir::ModuleOp"> {
  let summary = "Group ops into kiln.fusion regions, one kernel each";
  let description = [{
    Greedy in program order over every graph function: each matmul / conv takes the
    chain of elementwise ops after it (contraction scheme), then chains of elementwise
    ops left over form loop groups. An edge is fused only when the cost model
    (passes/fusion/CostModel.h) accepts it: the value has that one consumer, keeps its
    shape and is static, so the intermediate never reaches memory, nothing is recomputed
    and the modeled peak memory cannot grow. Opaque ops are never crossed.

    ```mlir
    %m = kiln.matmul %x, %w : ...
    %s = kiln.add %m, %b : ...
    %y = kiln.relu %s : ...
    ```
    becomes
    ```mlir
    %y = kiln.fusion contraction (%x, %w, %b) : (...) -> ... {
    ^bb0(%a, %c, %d): %m = kiln.matmul ... %s = kiln.add ... %r = kiln.relu ...
      kiln.yield %r
    }
    ```
  }];
  let options = [
    Option<"report", "report", "std::string", /*default=*/"\"\"",
           "Write the fusion report here (.json, .dot or .html): every group with its "
           "member nodes, scheme and modeled bytes, every edge left unfused with the "
           "reason">,
    Option<"contractionPrologues", "contraction-prologues", "bool", /*default=*/"true",
           "Let a matmul / conv group take the cheap ops that feed only it (transposes, "
           "casts, dequantize); false for targets whose contraction kernels copy operands "
           "to shared memory as they are (CUDA: cp.async, TMA)">,
    Option<"convInputPrologues", "conv-input-prologues", "bool", /*default=*/"false",
           "With contraction-prologues=false, still let a conv2d take the elementwise "
           "ops that feed only its data input (a cast, an activation): the CUDA "
           "implicit-GEMM and window kernels gather the input element by element and "
           "compute them as they read it">,
    Option<"attention", "attention", "bool", /*default=*/"true",
           "Form attention groups (one flash-attention kernel each); false for a target "
           "without an attention kernel at the model's precision (CUDA at fp32: the "
           "attention then runs as its products and its softmax)">,
    Option<"attentionHeadDims", "attention-head-dims", "int64_t", /*default=*/"0",
           "With attention: form a group only where both head dims (of Q and of V) are "
           "multiples of 16 up to this (the CUDA flash kernel holds them in registers: "
           "128); others run as their products and softmax. 0: any head dim (CPU)">];
  let dependentDialects = ["::kiln::KilnDialect"];
}

#endif // KILN_PASSES_TD
