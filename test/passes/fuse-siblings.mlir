// RUN: kiln-opt %s --kiln-fuse-siblings --kiln-mixed-precision=precision=bf16 --kiln-fuse | FileCheck %s
// RUN: kiln-opt %s --kiln-mixed-precision=precision=bf16 --kiln-fuse | FileCheck %s --check-prefix=AFTER
// kiln-fuse-siblings: horizontal fusion on its own, which the pipelines run before
// kiln-mixed-precision. The concatenated Q/K/V product is then narrowed as one (its
// weights converted to bf16 once), and kiln-fuse groups matmul -> cast -> bias -> the
// three column slices into one contraction with three outputs.
// CHECK-LABEL: func.func @qkv(
// CHECK-SAME:    %[[X:[^:]+]]: tensor<2x8x16xf32>
// Each row of the weights: 8 x 0.5 (0x3F00), 8 x -0.25 (0xBE80), 8 x 0.125 (0x3E00).
// CHECK:         %[[WC:.+]] = kiln.constant dense<"0x003F003F003F003F003F003F003F003F80BE80BE80BE80BE80BE80BE80BE80BE003E003E003E003E003E003E003E003E003F{{.+}}"> : tensor<16x24xbf16>
// CHECK:         %[[R:.+]]:3 = kiln.fusion contraction (%[[X]], %[[WC]], %{{.+}}) : ({{.+}}) -> (tensor<2x8x8xf32>, tensor<2x8x8xf32>, tensor<2x8x8xf32>) {
// CHECK:           %[[XB:.+]] = kiln.cast %{{.+}} : tensor<2x8x16xf32> to tensor<2x8x16xbf16>
// CHECK:           %[[M:.+]] = kiln.matmul %[[XB]], %{{.+}} : (tensor<2x8x16xbf16>, tensor<16x24xbf16>) -> tensor<2x8x24xbf16>
// CHECK:           %[[C:.+]] = kiln.cast %[[M]] : tensor<2x8x24xbf16> to tensor<2x8x24xf32>
// CHECK:           %[[A:.+]] = kiln.add %[[C]], %{{.+}} : (tensor<2x8x24xf32>, tensor<24xf32>) -> tensor<2x8x24xf32>
// CHECK:           %[[S0:.+]] = kiln.slice %[[A]] starts = [0, 0, 0] ends = [2, 8, 8]
// CHECK:           %[[S1:.+]] = kiln.slice %[[A]] starts = [0, 0, 8] ends = [2, 8, 16]
// CHECK:           %[[S2:.+]] = kiln.slice %[[A]] starts = [0, 0, 16] ends = [2, 8, 24]
// CHECK:           kiln.yield %[[S0]], %[[S1]], %[[S2]]
// CHECK:         return %[[R]]#0, %[[R]]#1, %[[R]]#2
// After mixed precision the siblings' weights are bf16 constants and their products
// bf16: kiln-fuse's own horizontal fusion (f32 only) leaves three groups.
// AFTER-LABEL: func.func @qkv(
// AFTER-COUNT-3: kiln.fusion contraction
// AFTER-NOT:     kiln.fusion contraction
func.func @qkv(%x: tensor<2x8x16xf32>) -> (tensor<2x8x8xf32>, tensor<2x8x8xf32>, tensor<2x8x8xf32>) {
  %wq = kiln.constant dense<0.5> : tensor<16x8xf32>
  %wk = kiln.constant dense<-0.25> : tensor<16x8xf32>
  %wv = kiln.constant dense<0.125> : tensor<16x8xf32>
  %bq = kiln.constant dense<1.0> : tensor<8xf32>
  %bk = kiln.constant dense<2.0> : tensor<8xf32>
  %bv = kiln.constant dense<3.0> : tensor<8xf32>
  %q = kiln.matmul %x, %wq : (tensor<2x8x16xf32>, tensor<16x8xf32>) -> tensor<2x8x8xf32>
  %q1 = kiln.add %q, %bq : (tensor<2x8x8xf32>, tensor<8xf32>) -> tensor<2x8x8xf32>
  %k = kiln.matmul %x, %wk : (tensor<2x8x16xf32>, tensor<16x8xf32>) -> tensor<2x8x8xf32>
  %k1 = kiln.add %k, %bk : (tensor<2x8x8xf32>, tensor<8xf32>) -> tensor<2x8x8xf32>
  %v = kiln.matmul %x, %wv : (tensor<2x8x16xf32>, tensor<16x8xf32>) -> tensor<2x8x8xf32>
  %v1 = kiln.add %v, %bv : (tensor<2x8x8xf32>, tensor<8xf32>) -> tensor<2x8x8xf32>
  return %q1, %k1, %v1 : tensor<2x8x8xf32>, tensor<2x8x8xf32>, tensor<2x8x8xf32>
}
