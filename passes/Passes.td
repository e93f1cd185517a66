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

#endif // KILN_PASSES_TD
