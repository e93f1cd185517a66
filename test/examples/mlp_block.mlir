// RUN: kiln-opt %kiln_src_root/examples/mlp_block.mlir --canonicalize | FileCheck %s
// The README's example job: canonicalization strips the exporter noise from the bundled
// MLP block (transpose pair, reshape pair, x * 1, + 0) and keeps the computation.

// CHECK-LABEL: func.func @mlp_block
// CHECK-SAME:    (%[[X:.+]]: tensor<2x4x8xf32>)
// CHECK-NOT:     kiln.transpose
// CHECK-NOT:     kiln.reshape
// CHECK:         %[[N:.+]] = kiln.layer_norm %[[X]] scale
// CHECK:         %[[H0:.+]] = kiln.matmul %[[N]], %{{.+}} :
// CHECK:         %[[H1:.+]] = kiln.add %[[H0]], %{{.+}} :
// CHECK:         %[[H2:.+]] = kiln.gelu %[[H1]] :
// CHECK-NOT:     kiln.mul
// CHECK:         %[[O:.+]] = kiln.matmul %[[H2]], %{{.+}} :
// CHECK-NOT:     kiln.add %[[O]]
// CHECK:         %[[Y:.+]] = kiln.add %[[X]], %[[O]] :
// CHECK:         return %[[Y]]
