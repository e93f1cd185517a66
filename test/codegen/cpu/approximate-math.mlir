// RUN: kiln-opt %s --kiln-cpu-approximate-math --split-input-file | FileCheck %s
// f32 exp / tanh / erf become polynomial approximations in arith ops (vectorizable, no
// libm call); f64 math is left to math-to-llvm / math-to-libm.

// CHECK-LABEL: func.func @f32_math(
// CHECK-NOT:     math.exp
// CHECK-NOT:     math.tanh
// CHECK-NOT:     math.erf
// CHECK:         arith.mulf
// CHECK:         return
func.func @f32_math(%x: f32) -> (f32, f32, f32) {
  %0 = math.exp %x : f32
  %1 = math.tanh %x : f32
  %2 = math.erf %x : f32
  return %0, %1, %2 : f32, f32, f32
}

// -----

// CHECK-LABEL: func.func @f64_math(
// CHECK:         math.exp %{{.+}} : f64
// CHECK:         math.erf %{{.+}} : f64
func.func @f64_math(%x: f64) -> (f64, f64) {
  %0 = math.exp %x : f64
  %1 = math.erf %x : f64
  return %0, %1 : f64, f64
}

// -----

// f32 erf (scalar or vector): x clamped to [-4, 4], x P(x^2) / Q(x^2) by Horner's rule
// (6 + 4 FMAs) and one division: no select between intervals.
// CHECK-LABEL: func.func @erf_rational(
// CHECK:         %[[C:.+]] = arith.minimumf %{{.+}}, %{{.+}} : vector<16xf32>
// CHECK:         %[[X:.+]] = arith.maximumf %[[C]], %{{.+}} : vector<16xf32>
// CHECK:         %[[X2:.+]] = arith.mulf %[[X]], %[[X]] : vector<16xf32>
// CHECK-COUNT-6: math.fma %[[X2]]
// CHECK-COUNT-4: math.fma %[[X2]]
// CHECK:         %[[P:.+]] = arith.mulf %[[X]], %{{.+}} : vector<16xf32>
// CHECK:         %[[R:.+]] = arith.divf %[[P]], %{{.+}} : vector<16xf32>
// CHECK-NOT:     arith.select
// CHECK:         return %[[R]]
func.func @erf_rational(%x: vector<16xf32>) -> vector<16xf32> {
  %0 = math.erf %x : vector<16xf32>
  return %0 : vector<16xf32>
}
