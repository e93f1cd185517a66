// RUN: kiln-opt %s --canonicalize --split-input-file | FileCheck %s
// Tests the kiln folders: each identity fold next to a case where it must not fire, and constant folding of small inline dense<> constants only.

//===----------------------------------------------------------------------===//
// add / sub
//===----------------------------------------------------------------------===//

// add(x, 0) => x
// CHECK-LABEL: func.func @add_zero_rhs
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK-NOT: kiln.add
// CHECK: return %[[X]]
func.func @add_zero_rhs(%x: tensor<4xf32>) -> tensor<4xf32> {
  %z = kiln.constant dense<0.0> : tensor<4xf32>
  %r = kiln.add %x, %z : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// add(0, x) => x, with a rank-0 zero that broadcasts to x's shape.
// CHECK-LABEL: func.func @add_zero_lhs_scalar
// CHECK-SAME: (%[[X:.+]]: tensor<4xi32>)
// CHECK-NOT: kiln.add
// CHECK: return %[[X]]
func.func @add_zero_lhs_scalar(%x: tensor<4xi32>) -> tensor<4xi32> {
  %z = kiln.constant dense<0> : tensor<i32>
  %r = kiln.add %z, %x : (tensor<i32>, tensor<4xi32>) -> tensor<4xi32>
  return %r : tensor<4xi32>
}

// -----

// The zero broadcasts x to a larger shape: the result is not x.
// CHECK-LABEL: func.func @add_zero_larger_shape_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK: %[[Z:.+]] = kiln.constant dense<0.000000e+00> : tensor<2x4xf32>
// CHECK: %[[R:.+]] = kiln.add %[[X]], %[[Z]] : (tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK: return %[[R]]
func.func @add_zero_larger_shape_no_fold(%x: tensor<4xf32>) -> tensor<2x4xf32> {
  %z = kiln.constant dense<0.0> : tensor<2x4xf32>
  %r = kiln.add %x, %z : (tensor<4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

// -----

// CHECK-LABEL: func.func @add_one_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK: %[[C:.+]] = kiln.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK: %[[R:.+]] = kiln.add %[[X]], %[[C]]
// CHECK: return %[[R]]
func.func @add_one_no_fold(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = kiln.constant dense<1.0> : tensor<4xf32>
  %r = kiln.add %x, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// sub(x, 0) => x
// CHECK-LABEL: func.func @sub_zero_rhs
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK-NOT: kiln.sub
// CHECK: return %[[X]]
func.func @sub_zero_rhs(%x: tensor<4xf32>) -> tensor<4xf32> {
  %z = kiln.constant dense<0.0> : tensor<4xf32>
  %r = kiln.sub %x, %z : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// sub(0, x) is -x, not x.
// CHECK-LABEL: func.func @sub_zero_lhs_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK: %[[Z:.+]] = kiln.constant dense<0.000000e+00> : tensor<4xf32>
// CHECK: %[[R:.+]] = kiln.sub %[[Z]], %[[X]]
// CHECK: return %[[R]]
func.func @sub_zero_lhs_no_fold(%x: tensor<4xf32>) -> tensor<4xf32> {
  %z = kiln.constant dense<0.0> : tensor<4xf32>
  %r = kiln.sub %z, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// mul / div / pow
//===----------------------------------------------------------------------===//

// mul(x, 1) => x, mul(1, x) => x
// CHECK-LABEL: func.func @mul_one
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK-NOT: kiln.mul
// CHECK: return %[[X]], %[[X]]
func.func @mul_one(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %one = kiln.constant dense<1.0> : tensor<4xf32>
  %a = kiln.mul %x, %one : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %b = kiln.mul %one, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %a, %b : tensor<4xf32>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @mul_two_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK: %[[C:.+]] = kiln.constant dense<2.000000e+00> : tensor<4xf32>
// CHECK: %[[R:.+]] = kiln.mul %[[X]], %[[C]]
// CHECK: return %[[R]]
func.func @mul_two_no_fold(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = kiln.constant dense<2.0> : tensor<4xf32>
  %r = kiln.mul %x, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// mul(x, 0) is not 0 for NaN or infinite x: it must stay.
// CHECK-LABEL: func.func @mul_zero_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK: %[[Z:.+]] = kiln.constant dense<0.000000e+00> : tensor<4xf32>
// CHECK: %[[R:.+]] = kiln.mul %[[X]], %[[Z]]
// CHECK: return %[[R]]
func.func @mul_zero_no_fold(%x: tensor<4xf32>) -> tensor<4xf32> {
  %z = kiln.constant dense<0.0> : tensor<4xf32>
  %r = kiln.mul %x, %z : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// div(x, 1) => x
// CHECK-LABEL: func.func @div_one
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK-NOT: kiln.div
// CHECK: return %[[X]]
func.func @div_one(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = kiln.constant dense<1.0> : tensor<4xf32>
  %r = kiln.div %x, %one : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// div(1, x) is 1 / x.
// CHECK-LABEL: func.func @div_one_lhs_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK: %[[C:.+]] = kiln.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK: %[[R:.+]] = kiln.div %[[C]], %[[X]]
// CHECK: return %[[R]]
func.func @div_one_lhs_no_fold(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = kiln.constant dense<1.0> : tensor<4xf32>
  %r = kiln.div %one, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// pow(x, 1) => x
// CHECK-LABEL: func.func @pow_one
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK-NOT: kiln.pow
// CHECK: return %[[X]]
func.func @pow_one(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = kiln.constant dense<1.0> : tensor<4xf32>
  %r = kiln.pow %x, %one : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @pow_two_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK: %[[C:.+]] = kiln.constant dense<2.000000e+00> : tensor<4xf32>
// CHECK: %[[R:.+]] = kiln.pow %[[X]], %[[C]]
// CHECK: return %[[R]]
func.func @pow_two_no_fold(%x: tensor<4xf32>) -> tensor<4xf32> {
  %two = kiln.constant dense<2.0> : tensor<4xf32>
  %r = kiln.pow %x, %two : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// max / min / and / or
//===----------------------------------------------------------------------===//

// max(x, x) => x, min(x, x) => x
// CHECK-LABEL: func.func @max_min_same_operand
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK-NOT: kiln.max
// CHECK-NOT: kiln.min
// CHECK: return %[[X]], %[[X]]
func.func @max_min_same_operand(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %a = kiln.max %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %b = kiln.min %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %a, %b : tensor<4xf32>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @max_min_different_operands_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>, %[[Y:.+]]: tensor<4xf32>)
// CHECK: %[[A:.+]] = kiln.max %[[X]], %[[Y]]
// CHECK: %[[B:.+]] = kiln.min %[[X]], %[[Y]]
// CHECK: return %[[A]], %[[B]]
func.func @max_min_different_operands_no_fold(%x: tensor<4xf32>, %y: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %a = kiln.max %x, %y : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %b = kiln.min %x, %y : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %a, %b : tensor<4xf32>, tensor<4xf32>
}

// -----

// and(x, x) => x, and(x, true) => x, and(true, x) => x
// CHECK-LABEL: func.func @and_identities
// CHECK-SAME: (%[[X:.+]]: tensor<4xi1>)
// CHECK-NOT: kiln.and
// CHECK: return %[[X]], %[[X]], %[[X]]
func.func @and_identities(%x: tensor<4xi1>) -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
  %t = kiln.constant dense<true> : tensor<4xi1>
  %a = kiln.and %x, %x : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %b = kiln.and %x, %t : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %c = kiln.and %t, %x : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  return %a, %b, %c : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}

// -----

// and(x, false) is not x (the folder does not rewrite it to false either).
// CHECK-LABEL: func.func @and_false_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<4xi1>)
// CHECK: %[[F:.+]] = kiln.constant dense<false> : tensor<4xi1>
// CHECK: %[[R:.+]] = kiln.and %[[X]], %[[F]]
// CHECK: return %[[R]]
func.func @and_false_no_fold(%x: tensor<4xi1>) -> tensor<4xi1> {
  %f = kiln.constant dense<false> : tensor<4xi1>
  %r = kiln.and %x, %f : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  return %r : tensor<4xi1>
}

// -----

// or(x, x) => x, or(x, false) => x, or(false, x) => x
// CHECK-LABEL: func.func @or_identities
// CHECK-SAME: (%[[X:.+]]: tensor<4xi1>)
// CHECK-NOT: kiln.or
// CHECK: return %[[X]], %[[X]], %[[X]]
func.func @or_identities(%x: tensor<4xi1>) -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
  %f = kiln.constant dense<false> : tensor<4xi1>
  %a = kiln.or %x, %x : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %b = kiln.or %x, %f : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %c = kiln.or %f, %x : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  return %a, %b, %c : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}

// -----

// CHECK-LABEL: func.func @or_true_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<4xi1>)
// CHECK: %[[T:.+]] = kiln.constant dense<true> : tensor<4xi1>
// CHECK: %[[R:.+]] = kiln.or %[[X]], %[[T]]
// CHECK: return %[[R]]
func.func @or_true_no_fold(%x: tensor<4xi1>) -> tensor<4xi1> {
  %t = kiln.constant dense<true> : tensor<4xi1>
  %r = kiln.or %x, %t : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  return %r : tensor<4xi1>
}

// -----

//===----------------------------------------------------------------------===//
// select
//===----------------------------------------------------------------------===//

// select(true, a, b) => a; select(false, a, b) => b (a rank-0 condition broadcasts)
// CHECK-LABEL: func.func @select_splat_condition
// CHECK-SAME: (%[[A:.+]]: tensor<4xf32>, %[[B:.+]]: tensor<4xf32>)
// CHECK-NOT: kiln.select
// CHECK: return %[[A]], %[[B]], %[[B]]
func.func @select_splat_condition(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %t = kiln.constant dense<true> : tensor<4xi1>
  %f = kiln.constant dense<false> : tensor<4xi1>
  %f0 = kiln.constant dense<false> : tensor<i1>
  %0 = kiln.select %t, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = kiln.select %f, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %2 = kiln.select %f0, %a, %b : (tensor<i1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// select(c, a, a) => a
// CHECK-LABEL: func.func @select_same_branches
// CHECK-SAME: (%[[C:.+]]: tensor<4xi1>, %[[A:.+]]: tensor<4xf32>)
// CHECK-NOT: kiln.select
// CHECK: return %[[A]]
func.func @select_same_branches(%c: tensor<4xi1>, %a: tensor<4xf32>) -> tensor<4xf32> {
  %r = kiln.select %c, %a, %a : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @select_unknown_condition_no_fold
// CHECK-SAME: (%[[C:.+]]: tensor<4xi1>, %[[A:.+]]: tensor<4xf32>, %[[B:.+]]: tensor<4xf32>)
// CHECK: %[[R:.+]] = kiln.select %[[C]], %[[A]], %[[B]]
// CHECK: return %[[R]]
func.func @select_unknown_condition_no_fold(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %r = kiln.select %c, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// A constant but mixed condition picks from both branches.
// CHECK-LABEL: func.func @select_mixed_condition_no_fold
// CHECK-SAME: (%[[A:.+]]: tensor<4xf32>, %[[B:.+]]: tensor<4xf32>)
// CHECK: %[[M:.+]] = kiln.constant dense<[true, false, true, false]> : tensor<4xi1>
// CHECK: %[[R:.+]] = kiln.select %[[M]], %[[A]], %[[B]]
// CHECK: return %[[R]]
func.func @select_mixed_condition_no_fold(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %m = kiln.constant dense<[true, false, true, false]> : tensor<4xi1>
  %r = kiln.select %m, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// The chosen branch is rank 0 and the result is tensor<4xf32>: not that branch.
// CHECK-LABEL: func.func @select_true_branch_broadcast_no_fold
// CHECK-SAME: (%[[S:.+]]: tensor<f32>, %[[B:.+]]: tensor<4xf32>)
// CHECK: %[[T:.+]] = kiln.constant dense<true> : tensor<4xi1>
// CHECK: %[[R:.+]] = kiln.select %[[T]], %[[S]], %[[B]]
// CHECK: return %[[R]]
func.func @select_true_branch_broadcast_no_fold(%s: tensor<f32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %t = kiln.constant dense<true> : tensor<4xi1>
  %r = kiln.select %t, %s, %b : (tensor<4xi1>, tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Unary: neg / not / abs / relu / clip / cast
//===----------------------------------------------------------------------===//

// neg(neg(x)) => x
// CHECK-LABEL: func.func @neg_neg
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK-NOT: kiln.neg
// CHECK: return %[[X]]
func.func @neg_neg(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = kiln.neg %x : tensor<4xf32>
  %b = kiln.neg %a : tensor<4xf32>
  return %b : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @neg_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK: %[[R:.+]] = kiln.neg %[[X]]
// CHECK: return %[[R]]
func.func @neg_no_fold(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = kiln.neg %x : tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// neg(abs(x)) is not x: only neg(neg(x)) cancels.
// CHECK-LABEL: func.func @neg_abs_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK: %[[A:.+]] = kiln.abs %[[X]]
// CHECK: %[[R:.+]] = kiln.neg %[[A]]
// CHECK: return %[[R]]
func.func @neg_abs_no_fold(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = kiln.abs %x : tensor<4xf32>
  %r = kiln.neg %a : tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// not(not(x)) => x
// CHECK-LABEL: func.func @not_not
// CHECK-SAME: (%[[X:.+]]: tensor<4xi1>)
// CHECK-NOT: kiln.not
// CHECK: return %[[X]]
func.func @not_not(%x: tensor<4xi1>) -> tensor<4xi1> {
  %a = kiln.not %x : tensor<4xi1>
  %b = kiln.not %a : tensor<4xi1>
  return %b : tensor<4xi1>
}

// -----

// CHECK-LABEL: func.func @not_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<4xi1>)
// CHECK: %[[R:.+]] = kiln.not %[[X]]
// CHECK: return %[[R]]
func.func @not_no_fold(%x: tensor<4xi1>) -> tensor<4xi1> {
  %r = kiln.not %x : tensor<4xi1>
  return %r : tensor<4xi1>
}

// -----

// abs(abs(x)) => abs(x): one abs is left, not x.
// CHECK-LABEL: func.func @abs_abs
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK: %[[A:.+]] = kiln.abs %[[X]] : tensor<4xf32>
// CHECK-NOT: kiln.abs
// CHECK: return %[[A]]
func.func @abs_abs(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = kiln.abs %x : tensor<4xf32>
  %b = kiln.abs %a : tensor<4xf32>
  return %b : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @abs_sin_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK: %[[S:.+]] = kiln.sin %[[X]]
// CHECK: %[[A:.+]] = kiln.abs %[[S]]
// CHECK: return %[[A]]
func.func @abs_sin_no_fold(%x: tensor<4xf32>) -> tensor<4xf32> {
  %s = kiln.sin %x : tensor<4xf32>
  %a = kiln.abs %s : tensor<4xf32>
  return %a : tensor<4xf32>
}

// -----

// relu(relu(x)) => relu(x)
// CHECK-LABEL: func.func @relu_relu
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK: %[[R:.+]] = kiln.relu %[[X]] : tensor<4xf32>
// CHECK-NOT: kiln.relu
// CHECK: return %[[R]]
func.func @relu_relu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = kiln.relu %x : tensor<4xf32>
  %b = kiln.relu %a : tensor<4xf32>
  return %b : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @relu_neg_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK: %[[N:.+]] = kiln.neg %[[X]]
// CHECK: %[[R:.+]] = kiln.relu %[[N]]
// CHECK: return %[[R]]
func.func @relu_neg_no_fold(%x: tensor<4xf32>) -> tensor<4xf32> {
  %n = kiln.neg %x : tensor<4xf32>
  %r = kiln.relu %n : tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// clip without bounds => x
// CHECK-LABEL: func.func @clip_unbounded
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK-NOT: kiln.clip
// CHECK: return %[[X]]
func.func @clip_unbounded(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = kiln.clip %x : tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @clip_bounded_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK: %[[A:.+]] = kiln.clip %[[X]] {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64}
// CHECK: %[[B:.+]] = kiln.clip %[[X]] {min = 0.000000e+00 : f64}
// CHECK: return %[[A]], %[[B]]
func.func @clip_bounded_no_fold(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %a = kiln.clip %x {min = 0.0 : f64, max = 6.0 : f64} : tensor<4xf32>
  %b = kiln.clip %x {min = 0.0 : f64} : tensor<4xf32>
  return %a, %b : tensor<4xf32>, tensor<4xf32>
}

// -----

// cast to the input's own type => x
// CHECK-LABEL: func.func @cast_same_type
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK-NOT: kiln.cast
// CHECK: return %[[X]]
func.func @cast_same_type(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = kiln.cast %x : tensor<4xf32> to tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @cast_real_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK: %[[R:.+]] = kiln.cast %[[X]] : tensor<4xf32> to tensor<4xf16>
// CHECK: return %[[R]]
func.func @cast_real_no_fold(%x: tensor<4xf32>) -> tensor<4xf16> {
  %r = kiln.cast %x : tensor<4xf32> to tensor<4xf16>
  return %r : tensor<4xf16>
}

// -----

//===----------------------------------------------------------------------===//
// transpose
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @transpose_identity
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK-NOT: kiln.transpose
// CHECK: return %[[X]]
func.func @transpose_identity(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %r = kiln.transpose %x permutation = [0, 1, 2] : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  return %r : tensor<2x3x4xf32>
}

// -----

// [1, 2, 0] then [2, 0, 1]: out dim i = x dim p1[p2[i]] = [0, 1, 2] => x
// CHECK-LABEL: func.func @transpose_transpose_to_identity
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK-NOT: kiln.transpose
// CHECK: return %[[X]]
func.func @transpose_transpose_to_identity(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %a = kiln.transpose %x permutation = [1, 2, 0] : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  %b = kiln.transpose %a permutation = [2, 0, 1] : tensor<3x4x2xf32> -> tensor<2x3x4xf32>
  return %b : tensor<2x3x4xf32>
}

// -----

// [1, 2, 0] then [1, 2, 0]: out dim i = x dim p1[p2[i]] = [p1[1], p1[2], p1[0]] = [2, 0, 1]
// (2x3x4 -> 4x2x3).
// CHECK-LABEL: func.func @transpose_transpose_compose
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK: %[[R:.+]] = kiln.transpose %[[X]] permutation = [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
// CHECK-NOT: kiln.transpose
// CHECK: return %[[R]]
func.func @transpose_transpose_compose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %a = kiln.transpose %x permutation = [1, 2, 0] : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  %b = kiln.transpose %a permutation = [1, 2, 0] : tensor<3x4x2xf32> -> tensor<4x2x3xf32>
  return %b : tensor<4x2x3xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK: %[[R:.+]] = kiln.transpose %[[X]] permutation = [1, 2, 0] : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
// CHECK: return %[[R]]
func.func @transpose_no_fold(%x: tensor<2x3x4xf32>) -> tensor<3x4x2xf32> {
  %r = kiln.transpose %x permutation = [1, 2, 0] : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  return %r : tensor<3x4x2xf32>
}

// -----

// transpose of a splat is a splat of the result shape.
// CHECK-LABEL: func.func @transpose_splat_constant
// CHECK: %[[C:.+]] = kiln.constant dense<7.000000e+00> : tensor<3x2xf32>
// CHECK-NOT: kiln.transpose
// CHECK: return %[[C]]
func.func @transpose_splat_constant() -> tensor<3x2xf32> {
  %s = kiln.constant dense<7.0> : tensor<2x3xf32>
  %r = kiln.transpose %s permutation = [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  return %r : tensor<3x2xf32>
}

// -----

// A non-splat constant is not transposed at compile time.
// CHECK-LABEL: func.func @transpose_nonsplat_constant_no_fold
// CHECK: %[[C:.+]] = kiln.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK: %[[R:.+]] = kiln.transpose %[[C]] permutation = [1, 0]
// CHECK: return %[[R]]
func.func @transpose_nonsplat_constant_no_fold() -> tensor<3x2xf32> {
  %c = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %r = kiln.transpose %c permutation = [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  return %r : tensor<3x2xf32>
}

// -----

//===----------------------------------------------------------------------===//
// reshape
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @reshape_same_type
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK-NOT: kiln.reshape
// CHECK: return %[[X]]
func.func @reshape_same_type(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %r = kiln.reshape %x : tensor<2x3xf32> -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

// reshape(reshape(x)) => reshape(x)
// CHECK-LABEL: func.func @reshape_reshape
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK: %[[R:.+]] = kiln.reshape %[[X]] : tensor<2x3xf32> -> tensor<6xf32>
// CHECK-NOT: kiln.reshape
// CHECK: return %[[R]]
func.func @reshape_reshape(%x: tensor<2x3xf32>) -> tensor<6xf32> {
  %a = kiln.reshape %x : tensor<2x3xf32> -> tensor<3x2xf32>
  %b = kiln.reshape %a : tensor<3x2xf32> -> tensor<6xf32>
  return %b : tensor<6xf32>
}

// -----

// reshape(reshape(x)) back to x's type => x
// CHECK-LABEL: func.func @reshape_reshape_back
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK-NOT: kiln.reshape
// CHECK: return %[[X]]
func.func @reshape_reshape_back(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %a = kiln.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  %b = kiln.reshape %a : tensor<6xf32> -> tensor<2x3xf32>
  return %b : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK: %[[R:.+]] = kiln.reshape %[[X]] : tensor<2x3xf32> -> tensor<3x2xf32>
// CHECK: return %[[R]]
func.func @reshape_no_fold(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %r = kiln.reshape %x : tensor<2x3xf32> -> tensor<3x2xf32>
  return %r : tensor<3x2xf32>
}

// -----

// A small inline constant is reshaped at compile time (row-major).
// CHECK-LABEL: func.func @reshape_constant
// CHECK: %[[C:.+]] = kiln.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK-NOT: kiln.reshape
// CHECK: return %[[C]]
func.func @reshape_constant() -> tensor<2x2xf32> {
  %c = kiln.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %r = kiln.reshape %c : tensor<4xf32> -> tensor<2x2xf32>
  return %r : tensor<2x2xf32>
}

// -----

//===----------------------------------------------------------------------===//
// broadcast_to
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @broadcast_same_type
// CHECK-SAME: (%[[X:.+]]: tensor<3xf32>)
// CHECK-NOT: kiln.broadcast_to
// CHECK: return %[[X]]
func.func @broadcast_same_type(%x: tensor<3xf32>) -> tensor<3xf32> {
  %r = kiln.broadcast_to %x : tensor<3xf32> -> tensor<3xf32>
  return %r : tensor<3xf32>
}

// -----

// broadcast_to(splat) => splat of the result shape
// CHECK-LABEL: func.func @broadcast_splat_constant
// CHECK: %[[C:.+]] = kiln.constant dense<2.000000e+00> : tensor<2x3xf32>
// CHECK-NOT: kiln.broadcast_to
// CHECK: return %[[C]]
func.func @broadcast_splat_constant() -> tensor<2x3xf32> {
  %s = kiln.constant dense<2.0> : tensor<3xf32>
  %r = kiln.broadcast_to %s : tensor<3xf32> -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @broadcast_nonsplat_constant_no_fold
// CHECK: %[[C:.+]] = kiln.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
// CHECK: %[[R:.+]] = kiln.broadcast_to %[[C]] : tensor<3xf32> -> tensor<2x3xf32>
// CHECK: return %[[R]]
func.func @broadcast_nonsplat_constant_no_fold() -> tensor<2x3xf32> {
  %c = kiln.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %r = kiln.broadcast_to %c : tensor<3xf32> -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

// broadcast_to(broadcast_to(x)) => broadcast_to(x)
// CHECK-LABEL: func.func @broadcast_broadcast
// CHECK-SAME: (%[[X:.+]]: tensor<3xf32>)
// CHECK: %[[R:.+]] = kiln.broadcast_to %[[X]] : tensor<3xf32> -> tensor<4x2x3xf32>
// CHECK-NOT: kiln.broadcast_to
// CHECK: return %[[R]]
func.func @broadcast_broadcast(%x: tensor<3xf32>) -> tensor<4x2x3xf32> {
  %a = kiln.broadcast_to %x : tensor<3xf32> -> tensor<2x3xf32>
  %b = kiln.broadcast_to %a : tensor<2x3xf32> -> tensor<4x2x3xf32>
  return %b : tensor<4x2x3xf32>
}

// -----

// CHECK-LABEL: func.func @broadcast_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<3xf32>)
// CHECK: %[[R:.+]] = kiln.broadcast_to %[[X]] : tensor<3xf32> -> tensor<2x3xf32>
// CHECK: return %[[R]]
func.func @broadcast_no_fold(%x: tensor<3xf32>) -> tensor<2x3xf32> {
  %r = kiln.broadcast_to %x : tensor<3xf32> -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

//===----------------------------------------------------------------------===//
// slice / concat / pad / reduce
//===----------------------------------------------------------------------===//

// A slice covering the whole input with step 1 => x
// CHECK-LABEL: func.func @slice_whole
// CHECK-SAME: (%[[X:.+]]: tensor<2x4xf32>)
// CHECK-NOT: kiln.slice
// CHECK: return %[[X]]
func.func @slice_whole(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %r = kiln.slice %x starts = [0, 0] ends = [2, 4] steps = [1, 1] : tensor<2x4xf32> -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

// -----

// CHECK-LABEL: func.func @slice_part_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<2x4xf32>)
// CHECK: %[[R:.+]] = kiln.slice %[[X]] starts = [0, 1] ends = [2, 3] steps = [1, 1] : tensor<2x4xf32> -> tensor<2x2xf32>
// CHECK: return %[[R]]
func.func @slice_part_no_fold(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %r = kiln.slice %x starts = [0, 1] ends = [2, 3] steps = [1, 1] : tensor<2x4xf32> -> tensor<2x2xf32>
  return %r : tensor<2x2xf32>
}

// -----

// Every element, but reversed (step -1): not x.
// CHECK-LABEL: func.func @slice_reverse_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<2xf32>)
// CHECK: %[[R:.+]] = kiln.slice %[[X]] starts = [1] ends = [-1] steps = [-1] : tensor<2xf32> -> tensor<2xf32>
// CHECK: return %[[R]]
func.func @slice_reverse_no_fold(%x: tensor<2xf32>) -> tensor<2xf32> {
  %r = kiln.slice %x starts = [1] ends = [-1] steps = [-1] : tensor<2xf32> -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

// CHECK-LABEL: func.func @slice_splat_constant
// CHECK: %[[C:.+]] = kiln.constant dense<1.500000e+00> : tensor<2x2xf32>
// CHECK-NOT: kiln.slice
// CHECK: return %[[C]]
func.func @slice_splat_constant() -> tensor<2x2xf32> {
  %s = kiln.constant dense<1.5> : tensor<4x4xf32>
  %r = kiln.slice %s starts = [1, 1] ends = [3, 3] steps = [1, 1] : tensor<4x4xf32> -> tensor<2x2xf32>
  return %r : tensor<2x2xf32>
}

// -----

// concat(x) => x
// CHECK-LABEL: func.func @concat_single
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK-NOT: kiln.concat
// CHECK: return %[[X]]
func.func @concat_single(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %r = kiln.concat %x axis = 0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @concat_two_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>, %[[Y:.+]]: tensor<1x3xf32>)
// CHECK: %[[R:.+]] = kiln.concat %[[X]], %[[Y]] axis = 0
// CHECK: return %[[R]]
func.func @concat_two_no_fold(%x: tensor<2x3xf32>, %y: tensor<1x3xf32>) -> tensor<3x3xf32> {
  %r = kiln.concat %x, %y axis = 0 : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<3x3xf32>
  return %r : tensor<3x3xf32>
}

// -----

// pad(x, all zeros) => x
// CHECK-LABEL: func.func @pad_zero
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK-NOT: kiln.pad
// CHECK: return %[[X]]
func.func @pad_zero(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %r = kiln.pad %x pads = [0, 0, 0, 0] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @pad_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK: %[[R:.+]] = kiln.pad %[[X]] pads = [0, 1, 0, 1] : tensor<2x3xf32> -> tensor<2x5xf32>
// CHECK: return %[[R]]
func.func @pad_no_fold(%x: tensor<2x3xf32>) -> tensor<2x5xf32> {
  %r = kiln.pad %x pads = [0, 1, 0, 1] : tensor<2x3xf32> -> tensor<2x5xf32>
  return %r : tensor<2x5xf32>
}

// -----

// Reducing only size-1 dims with keep_dims => x
// CHECK-LABEL: func.func @reduce_unit_dim_keep_dims
// CHECK-SAME: (%[[X:.+]]: tensor<2x1x3xf32>)
// CHECK-NOT: kiln.reduce
// CHECK: return %[[X]]
func.func @reduce_unit_dim_keep_dims(%x: tensor<2x1x3xf32>) -> tensor<2x1x3xf32> {
  %r = kiln.reduce sum %x axes = [1] keep_dims : (tensor<2x1x3xf32>) -> tensor<2x1x3xf32>
  return %r : tensor<2x1x3xf32>
}

// -----

// Without keep_dims the rank changes: not x.
// CHECK-LABEL: func.func @reduce_unit_dim_drop_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<2x1x3xf32>)
// CHECK: %[[R:.+]] = kiln.reduce sum %[[X]] axes = [1] : (tensor<2x1x3xf32>) -> tensor<2x3xf32>
// CHECK: return %[[R]]
func.func @reduce_unit_dim_drop_no_fold(%x: tensor<2x1x3xf32>) -> tensor<2x3xf32> {
  %r = kiln.reduce sum %x axes = [1] : (tensor<2x1x3xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_real_dim_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<2x1x3xf32>)
// CHECK: %[[R:.+]] = kiln.reduce sum %[[X]] axes = [0] keep_dims : (tensor<2x1x3xf32>) -> tensor<1x1x3xf32>
// CHECK: return %[[R]]
func.func @reduce_real_dim_no_fold(%x: tensor<2x1x3xf32>) -> tensor<1x1x3xf32> {
  %r = kiln.reduce sum %x axes = [0] keep_dims : (tensor<2x1x3xf32>) -> tensor<1x1x3xf32>
  return %r : tensor<1x1x3xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Constant folding: float unary (expected values from an independent f64
// computation, rounded once to f32)
//===----------------------------------------------------------------------===//

// e^0 = 1, e^1 = 2.7182817 (f32), e^-1 = 0.36787945 (f32)
// CHECK-LABEL: func.func @fold_exp
// CHECK: %[[C:.+]] = kiln.constant dense<[1.000000e+00, 2.71828175, 0.36787945]> : tensor<3xf32>
// CHECK-NOT: kiln.exp
// CHECK: return %[[C]]
func.func @fold_exp() -> tensor<3xf32> {
  %c = kiln.constant dense<[0.0, 1.0, -1.0]> : tensor<3xf32>
  %r = kiln.exp %c : tensor<3xf32>
  return %r : tensor<3xf32>
}

// -----

// ln 1 = 0, ln 10 = 2.30258512 (f32), ln 0 = -inf
// CHECK-LABEL: func.func @fold_log
// CHECK: %[[C:.+]] = kiln.constant dense<[0.000000e+00, 2.30258512, 0xFF800000]> : tensor<3xf32>
// CHECK-NOT: kiln.log
// CHECK: return %[[C]]
func.func @fold_log() -> tensor<3xf32> {
  %c = kiln.constant dense<[1.0, 10.0, 0.0]> : tensor<3xf32>
  %r = kiln.log %c : tensor<3xf32>
  return %r : tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @fold_sqrt
// CHECK: %[[C:.+]] = kiln.constant dense<[2.000000e+00, 1.41421354, 0.000000e+00]> : tensor<3xf32>
// CHECK-NOT: kiln.sqrt
// CHECK: return %[[C]]
func.func @fold_sqrt() -> tensor<3xf32> {
  %c = kiln.constant dense<[4.0, 2.0, 0.0]> : tensor<3xf32>
  %r = kiln.sqrt %c : tensor<3xf32>
  return %r : tensor<3xf32>
}

// -----

// rsqrt(0) = +inf
// CHECK-LABEL: func.func @fold_rsqrt
// CHECK: %[[C:.+]] = kiln.constant dense<[5.000000e-01, 0.707106769, 0x7F800000]> : tensor<3xf32>
// CHECK-NOT: kiln.rsqrt
// CHECK: return %[[C]]
func.func @fold_rsqrt() -> tensor<3xf32> {
  %c = kiln.constant dense<[4.0, 2.0, 0.0]> : tensor<3xf32>
  %r = kiln.rsqrt %c : tensor<3xf32>
  return %r : tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @fold_reciprocal
// CHECK: %[[C:.+]] = kiln.constant dense<[5.000000e-01, -2.500000e-01, 0x7F800000]> : tensor<3xf32>
// CHECK-NOT: kiln.reciprocal
// CHECK: return %[[C]]
func.func @fold_reciprocal() -> tensor<3xf32> {
  %c = kiln.constant dense<[2.0, -4.0, 0.0]> : tensor<3xf32>
  %r = kiln.reciprocal %c : tensor<3xf32>
  return %r : tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @fold_tanh
// CHECK: %[[C:.+]] = kiln.constant dense<[0.000000e+00, 0.761594176]> : tensor<2xf32>
// CHECK-NOT: kiln.tanh
// CHECK: return %[[C]]
func.func @fold_tanh() -> tensor<2xf32> {
  %c = kiln.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %r = kiln.tanh %c : tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

// sigmoid(1) = 0.7310585786 -> f32 0.731058597
// CHECK-LABEL: func.func @fold_sigmoid
// CHECK: %[[C:.+]] = kiln.constant dense<[5.000000e-01, 0.731058597]> : tensor<2xf32>
// CHECK-NOT: kiln.sigmoid
// CHECK: return %[[C]]
func.func @fold_sigmoid() -> tensor<2xf32> {
  %c = kiln.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %r = kiln.sigmoid %c : tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

// CHECK-LABEL: func.func @fold_erf
// CHECK: %[[C:.+]] = kiln.constant dense<[0.000000e+00, 0.842700779]> : tensor<2xf32>
// CHECK-NOT: kiln.erf
// CHECK: return %[[C]]
func.func @fold_erf() -> tensor<2xf32> {
  %c = kiln.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %r = kiln.erf %c : tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

// CHECK-LABEL: func.func @fold_floor_ceil
// CHECK-DAG: %[[F:.+]] = kiln.constant dense<[1.000000e+00, -2.000000e+00]> : tensor<2xf32>
// CHECK-DAG: %[[C:.+]] = kiln.constant dense<[2.000000e+00, -1.000000e+00]> : tensor<2xf32>
// CHECK-NOT: kiln.floor
// CHECK-NOT: kiln.ceil
// CHECK: return %[[F]], %[[C]]
func.func @fold_floor_ceil() -> (tensor<2xf32>, tensor<2xf32>) {
  %c = kiln.constant dense<[1.5, -1.5]> : tensor<2xf32>
  %f = kiln.floor %c : tensor<2xf32>
  %e = kiln.ceil %c : tensor<2xf32>
  return %f, %e : tensor<2xf32>, tensor<2xf32>
}

// -----

// Round half to even: 2.5 -> 2, -0.5 -> -0, 1.5 -> 2, 0.4 -> 0, -2.5 -> -2
// CHECK-LABEL: func.func @fold_round_half_to_even
// CHECK: %[[C:.+]] = kiln.constant dense<[2.000000e+00, -0.000000e+00, 2.000000e+00, 0.000000e+00, -2.000000e+00]> : tensor<5xf32>
// CHECK-NOT: kiln.round
// CHECK: return %[[C]]
func.func @fold_round_half_to_even() -> tensor<5xf32> {
  %c = kiln.constant dense<[2.5, -0.5, 1.5, 0.4, -2.5]> : tensor<5xf32>
  %r = kiln.round %c : tensor<5xf32>
  return %r : tensor<5xf32>
}

// -----

// CHECK-LABEL: func.func @fold_sin_cos
// CHECK-DAG: %[[S:.+]] = kiln.constant dense<[0.000000e+00, 0.841470957]> : tensor<2xf32>
// CHECK-DAG: %[[C:.+]] = kiln.constant dense<[1.000000e+00, 0.540302277]> : tensor<2xf32>
// CHECK-NOT: kiln.sin
// CHECK-NOT: kiln.cos
// CHECK: return %[[S]], %[[C]]
func.func @fold_sin_cos() -> (tensor<2xf32>, tensor<2xf32>) {
  %c = kiln.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %s = kiln.sin %c : tensor<2xf32>
  %o = kiln.cos %c : tensor<2xf32>
  return %s, %o : tensor<2xf32>, tensor<2xf32>
}

// -----

// exact: 0.5 x (1 + erf(x / sqrt 2)); gelu(1) = 0.8413447461, gelu(-1) = -0.1586552539
// tanh: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))); gelu(1) = 0.8411919906, gelu(-1) = -0.1588080094
// CHECK-LABEL: func.func @fold_gelu
// CHECK-DAG: %[[E:.+]] = kiln.constant dense<[0.841344773, -0.158655256]> : tensor<2xf32>
// CHECK-DAG: %[[T:.+]] = kiln.constant dense<[8.411920e-01, -0.158808008]> : tensor<2xf32>
// CHECK-NOT: kiln.gelu
// CHECK: return %[[E]], %[[T]]
func.func @fold_gelu() -> (tensor<2xf32>, tensor<2xf32>) {
  %c = kiln.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %e = kiln.gelu %c : tensor<2xf32>
  %t = kiln.gelu %c approximate = tanh : tensor<2xf32>
  return %e, %t : tensor<2xf32>, tensor<2xf32>
}

// -----

// neg(-0.0) = +0.0; abs(-0.0) = +0.0; relu(-0.0) = +0.0
// CHECK-LABEL: func.func @fold_neg_abs_relu_f32
// CHECK-DAG: %[[N:.+]] = kiln.constant dense<[-1.500000e+00, 2.000000e+00, 0.000000e+00]> : tensor<3xf32>
// CHECK-DAG: %[[A:.+]] = kiln.constant dense<[1.500000e+00, 2.000000e+00, 0.000000e+00]> : tensor<3xf32>
// CHECK-DAG: %[[R:.+]] = kiln.constant dense<[1.500000e+00, 0.000000e+00, 0.000000e+00]> : tensor<3xf32>
// CHECK-NOT: kiln.neg
// CHECK-NOT: kiln.abs
// CHECK-NOT: kiln.relu
// CHECK: return %[[N]], %[[A]], %[[R]]
func.func @fold_neg_abs_relu_f32() -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %c = kiln.constant dense<[1.5, -2.0, -0.0]> : tensor<3xf32>
  %n = kiln.neg %c : tensor<3xf32>
  %a = kiln.abs %c : tensor<3xf32>
  %r = kiln.relu %c : tensor<3xf32>
  return %n, %a, %r : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// NaN stays NaN; a missing bound is unbounded.
// CHECK-LABEL: func.func @fold_clip
// CHECK-DAG: %[[B:.+]] = kiln.constant dense<[0.000000e+00, 3.000000e+00, 6.000000e+00, 0x7FC00000]> : tensor<4xf32>
// CHECK-DAG: %[[M:.+]] = kiln.constant dense<[-1.000000e+00, 3.000000e+00, 6.000000e+00, 0x7FC00000]> : tensor<4xf32>
// CHECK-NOT: kiln.clip
// CHECK: return %[[B]], %[[M]]
func.func @fold_clip() -> (tensor<4xf32>, tensor<4xf32>) {
  %c = kiln.constant dense<[-1.0, 3.0, 7.0, 0x7FC00000]> : tensor<4xf32>
  %b = kiln.clip %c {min = 0.0 : f64, max = 6.0 : f64} : tensor<4xf32>
  %m = kiln.clip %c {max = 6.0 : f64} : tensor<4xf32>
  return %b, %m : tensor<4xf32>, tensor<4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Constant folding: binary float, f16, bf16
//===----------------------------------------------------------------------===//

// maximum / minimum propagate NaN; max(-0, +0) = +0, min(-0, +0) = -0
// CHECK-LABEL: func.func @fold_max_min_f32
// CHECK-DAG: %[[MX:.+]] = kiln.constant dense<[2.000000e+00, 0x7FC00000, 0.000000e+00]> : tensor<3xf32>
// CHECK-DAG: %[[MN:.+]] = kiln.constant dense<[1.000000e+00, 0x7FC00000, -0.000000e+00]> : tensor<3xf32>
// CHECK-NOT: kiln.max
// CHECK-NOT: kiln.min
// CHECK: return %[[MX]], %[[MN]]
func.func @fold_max_min_f32() -> (tensor<3xf32>, tensor<3xf32>) {
  %a = kiln.constant dense<[1.0, 0x7FC00000, -0.0]> : tensor<3xf32>
  %b = kiln.constant dense<[2.0, 1.0, 0.0]> : tensor<3xf32>
  %mx = kiln.max %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %mn = kiln.min %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %mx, %mn : tensor<3xf32>, tensor<3xf32>
}

// -----

// f16 arithmetic rounds in f16: f16(0.1) + f16(0.2) = 0.2999267578125 is a tie between
// 0.2998046875 and 0.30004882812; it rounds to even (0.2998046875). 2048 + 1 = 2049 ties
// to 2048.
// CHECK-LABEL: func.func @fold_add_f16
// CHECK: %[[C:.+]] = kiln.constant dense<[2.998050e-01, 2.048000e+03]> : tensor<2xf16>
// CHECK-NOT: kiln.add
// CHECK: return %[[C]]
func.func @fold_add_f16() -> tensor<2xf16> {
  %a = kiln.constant dense<[0.1, 2048.0]> : tensor<2xf16>
  %b = kiln.constant dense<[0.2, 1.0]> : tensor<2xf16>
  %r = kiln.add %a, %b : (tensor<2xf16>, tensor<2xf16>) -> tensor<2xf16>
  return %r : tensor<2xf16>
}

// -----

// 3 * 1.0078125 = 3.0234375 = 2 * (1 + 65.5/128): a bf16 tie, rounded to even (66) = 3.03125
// CHECK-LABEL: func.func @fold_mul_bf16
// CHECK: %[[C:.+]] = kiln.constant dense<3.031250e+00> : tensor<1xbf16>
// CHECK-NOT: kiln.mul
// CHECK: return %[[C]]
func.func @fold_mul_bf16() -> tensor<1xbf16> {
  %a = kiln.constant dense<[3.0]> : tensor<1xbf16>
  %b = kiln.constant dense<[1.0078125]> : tensor<1xbf16>
  %r = kiln.mul %a, %b : (tensor<1xbf16>, tensor<1xbf16>) -> tensor<1xbf16>
  return %r : tensor<1xbf16>
}

// -----

// e in f16 = 2.71875
// CHECK-LABEL: func.func @fold_exp_f16
// CHECK: %[[C:.+]] = kiln.constant dense<2.718750e+00> : tensor<2xf16>
// CHECK-NOT: kiln.exp
// CHECK: return %[[C]]
func.func @fold_exp_f16() -> tensor<2xf16> {
  %c = kiln.constant dense<1.0> : tensor<2xf16>
  %r = kiln.exp %c : tensor<2xf16>
  return %r : tensor<2xf16>
}

// -----

//===----------------------------------------------------------------------===//
// Constant folding: integers
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @fold_add_sub_mul_i32
// CHECK-DAG: %[[ADD:.+]] = kiln.constant dense<[3, 1]> : tensor<2xi32>
// CHECK-DAG: %[[SUB:.+]] = kiln.constant dense<[-1, -5]> : tensor<2xi32>
// CHECK-DAG: %[[MUL:.+]] = kiln.constant dense<[2, -6]> : tensor<2xi32>
// CHECK-NOT: kiln.add
// CHECK-NOT: kiln.sub
// CHECK-NOT: kiln.mul
// CHECK: return %[[ADD]], %[[SUB]], %[[MUL]]
func.func @fold_add_sub_mul_i32() -> (tensor<2xi32>, tensor<2xi32>, tensor<2xi32>) {
  %a = kiln.constant dense<[1, -2]> : tensor<2xi32>
  %b = kiln.constant dense<[2, 3]> : tensor<2xi32>
  %add = kiln.add %a, %b : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  %sub = kiln.sub %a, %b : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  %mul = kiln.mul %a, %b : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  return %add, %sub, %mul : tensor<2xi32>, tensor<2xi32>, tensor<2xi32>
}

// -----

// Integer division truncates toward zero: 7/2 = 3, -7/2 = -3, 7/-2 = -3, -7/-2 = 3
// CHECK-LABEL: func.func @fold_div_i32
// CHECK: %[[C:.+]] = kiln.constant dense<[3, -3, -3, 3]> : tensor<4xi32>
// CHECK-NOT: kiln.div
// CHECK: return %[[C]]
func.func @fold_div_i32() -> tensor<4xi32> {
  %a = kiln.constant dense<[7, -7, 7, -7]> : tensor<4xi32>
  %b = kiln.constant dense<[2, 2, -2, -2]> : tensor<4xi32>
  %r = kiln.div %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %r : tensor<4xi32>
}

// -----

// One zero divisor keeps the whole division (it is a runtime error, not a value).
// CHECK-LABEL: func.func @div_i32_by_zero_no_fold
// CHECK-DAG: %[[A:.+]] = kiln.constant dense<[4, 6]> : tensor<2xi32>
// CHECK-DAG: %[[B:.+]] = kiln.constant dense<[2, 0]> : tensor<2xi32>
// CHECK: %[[R:.+]] = kiln.div %[[A]], %[[B]]
// CHECK: return %[[R]]
func.func @div_i32_by_zero_no_fold() -> tensor<2xi32> {
  %a = kiln.constant dense<[4, 6]> : tensor<2xi32>
  %b = kiln.constant dense<[2, 0]> : tensor<2xi32>
  %r = kiln.div %a, %b : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  return %r : tensor<2xi32>
}

// -----

// CHECK-LABEL: func.func @fold_max_min_i64
// CHECK-DAG: %[[MX:.+]] = kiln.constant dense<[1, 3]> : tensor<2xi64>
// CHECK-DAG: %[[MN:.+]] = kiln.constant dense<[-2, -5]> : tensor<2xi64>
// CHECK-NOT: kiln.max
// CHECK-NOT: kiln.min
// CHECK: return %[[MX]], %[[MN]]
func.func @fold_max_min_i64() -> (tensor<2xi64>, tensor<2xi64>) {
  %a = kiln.constant dense<[1, -5]> : tensor<2xi64>
  %b = kiln.constant dense<[-2, 3]> : tensor<2xi64>
  %mx = kiln.max %a, %b : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %mn = kiln.min %a, %b : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %mx, %mn : tensor<2xi64>, tensor<2xi64>
}

// -----

// CHECK-LABEL: func.func @fold_neg_abs_relu_i32
// CHECK-DAG: %[[N:.+]] = kiln.constant dense<[-3, 4, 0]> : tensor<3xi32>
// CHECK-DAG: %[[A:.+]] = kiln.constant dense<[3, 4, 0]> : tensor<3xi32>
// CHECK-DAG: %[[R:.+]] = kiln.constant dense<[0, 4, 0]> : tensor<3xi32>
// CHECK-NOT: kiln.neg
// CHECK-NOT: kiln.abs
// CHECK-NOT: kiln.relu
// CHECK: return %[[N]], %[[A]], %[[R]]
func.func @fold_neg_abs_relu_i32() -> (tensor<3xi32>, tensor<3xi32>, tensor<3xi32>) {
  %c = kiln.constant dense<[3, -4, 0]> : tensor<3xi32>
  %d = kiln.constant dense<[-3, 4, 0]> : tensor<3xi32>
  %n = kiln.neg %c : tensor<3xi32>
  %a = kiln.abs %d : tensor<3xi32>
  %r = kiln.relu %d : tensor<3xi32>
  return %n, %a, %r : tensor<3xi32>, tensor<3xi32>, tensor<3xi32>
}

// -----

//===----------------------------------------------------------------------===//
// Constant folding with numpy broadcasting
//===----------------------------------------------------------------------===//

// [[1, 2, 3], [4, 5, 6]] + [10, 20, 30]
// CHECK-LABEL: func.func @fold_add_broadcast_i32
// CHECK: %[[C:.+]] = kiln.constant dense<{{\[\[}}11, 22, 33], [14, 25, 36]]> : tensor<2x3xi32>
// CHECK-NOT: kiln.add
// CHECK: return %[[C]]
func.func @fold_add_broadcast_i32() -> tensor<2x3xi32> {
  %a = kiln.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
  %b = kiln.constant dense<[10, 20, 30]> : tensor<3xi32>
  %r = kiln.add %a, %b : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  return %r : tensor<2x3xi32>
}

// -----

// Both operands broadcast: [[1], [2]] - [[10, 20, 30]]
// CHECK-LABEL: func.func @fold_sub_broadcast_both_f32
// CHECK: %[[C:.+]] = kiln.constant dense<{{\[\[}}-9.000000e+00, -1.900000e+01, -2.900000e+01], [-8.000000e+00, -1.800000e+01, -2.800000e+01]]> : tensor<2x3xf32>
// CHECK-NOT: kiln.sub
// CHECK: return %[[C]]
func.func @fold_sub_broadcast_both_f32() -> tensor<2x3xf32> {
  %a = kiln.constant dense<[[1.0], [2.0]]> : tensor<2x1xf32>
  %b = kiln.constant dense<[[10.0, 20.0, 30.0]]> : tensor<1x3xf32>
  %r = kiln.sub %a, %b : (tensor<2x1xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

//===----------------------------------------------------------------------===//
// cmp and boolean constant folding
//===----------------------------------------------------------------------===//

// lhs [1, 1, 2, NaN, +0], rhs [1, 2, 1, 1, -0]: NaN is only ne; -0 == +0.
// CHECK-LABEL: func.func @fold_cmp_f32
// CHECK-DAG: %[[EQ:.+]] = kiln.constant dense<[true, false, false, false, true]> : tensor<5xi1>
// CHECK-DAG: %[[NE:.+]] = kiln.constant dense<[false, true, true, true, false]> : tensor<5xi1>
// CHECK-DAG: %[[LT:.+]] = kiln.constant dense<[false, true, false, false, false]> : tensor<5xi1>
// CHECK-DAG: %[[LE:.+]] = kiln.constant dense<[true, true, false, false, true]> : tensor<5xi1>
// CHECK-DAG: %[[GT:.+]] = kiln.constant dense<[false, false, true, false, false]> : tensor<5xi1>
// CHECK-DAG: %[[GE:.+]] = kiln.constant dense<[true, false, true, false, true]> : tensor<5xi1>
// CHECK-NOT: kiln.cmp
// CHECK: return %[[EQ]], %[[NE]], %[[LT]], %[[LE]], %[[GT]], %[[GE]]
func.func @fold_cmp_f32() -> (tensor<5xi1>, tensor<5xi1>, tensor<5xi1>, tensor<5xi1>, tensor<5xi1>, tensor<5xi1>) {
  %a = kiln.constant dense<[1.0, 1.0, 2.0, 0x7FC00000, 0.0]> : tensor<5xf32>
  %b = kiln.constant dense<[1.0, 2.0, 1.0, 1.0, -0.0]> : tensor<5xf32>
  %eq = kiln.cmp eq, %a, %b : (tensor<5xf32>, tensor<5xf32>) -> tensor<5xi1>
  %ne = kiln.cmp ne, %a, %b : (tensor<5xf32>, tensor<5xf32>) -> tensor<5xi1>
  %lt = kiln.cmp lt, %a, %b : (tensor<5xf32>, tensor<5xf32>) -> tensor<5xi1>
  %le = kiln.cmp le, %a, %b : (tensor<5xf32>, tensor<5xf32>) -> tensor<5xi1>
  %gt = kiln.cmp gt, %a, %b : (tensor<5xf32>, tensor<5xf32>) -> tensor<5xi1>
  %ge = kiln.cmp ge, %a, %b : (tensor<5xf32>, tensor<5xf32>) -> tensor<5xi1>
  return %eq, %ne, %lt, %le, %gt, %ge : tensor<5xi1>, tensor<5xi1>, tensor<5xi1>, tensor<5xi1>, tensor<5xi1>, tensor<5xi1>
}

// -----

// Signed: -1 < 1.
// CHECK-LABEL: func.func @fold_cmp_i32
// CHECK-DAG: %[[EQ:.+]] = kiln.constant dense<[false, true, false, false]> : tensor<4xi1>
// CHECK-DAG: %[[NE:.+]] = kiln.constant dense<[true, false, true, true]> : tensor<4xi1>
// CHECK-DAG: %[[LT:.+]] = kiln.constant dense<[true, false, false, true]> : tensor<4xi1>
// CHECK-DAG: %[[LE:.+]] = kiln.constant dense<[true, true, false, true]> : tensor<4xi1>
// CHECK-DAG: %[[GT:.+]] = kiln.constant dense<[false, false, true, false]> : tensor<4xi1>
// CHECK-DAG: %[[GE:.+]] = kiln.constant dense<[false, true, true, false]> : tensor<4xi1>
// CHECK-NOT: kiln.cmp
// CHECK: return %[[EQ]], %[[NE]], %[[LT]], %[[LE]], %[[GT]], %[[GE]]
func.func @fold_cmp_i32() -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
  %a = kiln.constant dense<[1, 2, 3, -1]> : tensor<4xi32>
  %b = kiln.constant dense<[2, 2, 2, 1]> : tensor<4xi32>
  %eq = kiln.cmp eq, %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  %ne = kiln.cmp ne, %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  %lt = kiln.cmp lt, %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  %le = kiln.cmp le, %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  %gt = kiln.cmp gt, %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  %ge = kiln.cmp ge, %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  return %eq, %ne, %lt, %le, %gt, %ge : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}

// -----

// A rank-0 operand broadcasts: [1, 2, 3, 4] >= 2
// CHECK-LABEL: func.func @fold_cmp_broadcast_scalar
// CHECK: %[[C:.+]] = kiln.constant dense<[false, true, true, true]> : tensor<4xi1>
// CHECK-NOT: kiln.cmp
// CHECK: return %[[C]]
func.func @fold_cmp_broadcast_scalar() -> tensor<4xi1> {
  %v = kiln.constant dense<[1, 2, 3, 4]> : tensor<4xi32>
  %two = kiln.constant dense<2> : tensor<i32>
  %r = kiln.cmp ge, %v, %two : (tensor<4xi32>, tensor<i32>) -> tensor<4xi1>
  return %r : tensor<4xi1>
}

// -----

// i1 compares as false < true.
// CHECK-LABEL: func.func @fold_cmp_i1
// CHECK-DAG: %[[EQ:.+]] = kiln.constant dense<[true, false, false, true]> : tensor<4xi1>
// CHECK-DAG: %[[NE:.+]] = kiln.constant dense<[false, true, true, false]> : tensor<4xi1>
// CHECK-DAG: %[[LT:.+]] = kiln.constant dense<[false, true, false, false]> : tensor<4xi1>
// CHECK-DAG: %[[LE:.+]] = kiln.constant dense<[true, true, false, true]> : tensor<4xi1>
// CHECK-DAG: %[[GT:.+]] = kiln.constant dense<[false, false, true, false]> : tensor<4xi1>
// CHECK-DAG: %[[GE:.+]] = kiln.constant dense<[true, false, true, true]> : tensor<4xi1>
// CHECK-NOT: kiln.cmp
// CHECK: return %[[EQ]], %[[NE]], %[[LT]], %[[LE]], %[[GT]], %[[GE]]
func.func @fold_cmp_i1() -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
  %a = kiln.constant dense<[false, false, true, true]> : tensor<4xi1>
  %b = kiln.constant dense<[false, true, false, true]> : tensor<4xi1>
  %eq = kiln.cmp eq, %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %ne = kiln.cmp ne, %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %lt = kiln.cmp lt, %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %le = kiln.cmp le, %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %gt = kiln.cmp gt, %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %ge = kiln.cmp ge, %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  return %eq, %ne, %lt, %le, %gt, %ge : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}

// -----

// CHECK-LABEL: func.func @fold_and_or_not_i1
// CHECK-DAG: %[[AND:.+]] = kiln.constant dense<[false, false, false, true]> : tensor<4xi1>
// CHECK-DAG: %[[OR:.+]] = kiln.constant dense<[false, true, true, true]> : tensor<4xi1>
// CHECK-DAG: %[[NOT:.+]] = kiln.constant dense<[true, false, true, false]> : tensor<4xi1>
// CHECK-NOT: kiln.and
// CHECK-NOT: kiln.or
// CHECK-NOT: kiln.not
// CHECK: return %[[AND]], %[[OR]], %[[NOT]]
func.func @fold_and_or_not_i1() -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
  %a = kiln.constant dense<[false, false, true, true]> : tensor<4xi1>
  %b = kiln.constant dense<[false, true, false, true]> : tensor<4xi1>
  %and = kiln.and %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %or = kiln.or %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %not = kiln.not %b : tensor<4xi1>
  return %and, %or, %not : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}

// -----

//===----------------------------------------------------------------------===//
// Size limit: splats always fold; non-splats up to 1024 elements
//===----------------------------------------------------------------------===//

// A splat folds whatever its size.
// CHECK-LABEL: func.func @fold_large_splat
// CHECK: %[[C:.+]] = kiln.constant dense<3.000000e+00> : tensor<2048xf32>
// CHECK-NOT: kiln.add
// CHECK: return %[[C]]
func.func @fold_large_splat() -> tensor<2048xf32> {
  %a = kiln.constant dense<1.0> : tensor<2048xf32>
  %b = kiln.constant dense<2.0> : tensor<2048xf32>
  %r = kiln.add %a, %b : (tensor<2048xf32>, tensor<2048xf32>) -> tensor<2048xf32>
  return %r : tensor<2048xf32>
}

// -----

// 1024 distinct i8 values (0, 1, ..., 255 four times) fold.
// CHECK-LABEL: func.func @fold_1024_elements
// CHECK: %[[C:.+]] = kiln.constant dense<true> : tensor<1024xi1>
// CHECK-NOT: kiln.cmp
// CHECK: return %[[C]]
func.func @fold_1024_elements() -> tensor<1024xi1> {
  %a = kiln.constant dense<"0x000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9FA0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9FA0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9FA0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9FA0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF"> : tensor<1024xi8>
  %r = kiln.cmp eq, %a, %a : (tensor<1024xi8>, tensor<1024xi8>) -> tensor<1024xi1>
  return %r : tensor<1024xi1>
}

// -----

// 1025 elements (not a splat) are never copied into a new attribute.
// CHECK-LABEL: func.func @no_fold_1025_elements
// CHECK: %[[A:.+]] = kiln.constant dense<"0x00010203{{[0-9A-F]+}}"> : tensor<1025xi8>
// CHECK: %[[R:.+]] = kiln.cmp eq, %[[A]], %[[A]]
// CHECK: %[[S:.+]] = kiln.reshape %[[A]] : tensor<1025xi8> -> tensor<1x1025xi8>
// CHECK: return %[[R]], %[[S]]
func.func @no_fold_1025_elements() -> (tensor<1025xi1>, tensor<1x1025xi8>) {
  %a = kiln.constant dense<"0x000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9FA0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9FA0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9FA0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9FA0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF00"> : tensor<1025xi8>
  %r = kiln.cmp eq, %a, %a : (tensor<1025xi8>, tensor<1025xi8>) -> tensor<1025xi1>
  %s = kiln.reshape %a : tensor<1025xi8> -> tensor<1x1025xi8>
  return %r, %s : tensor<1025xi1>, tensor<1x1025xi8>
}

// -----

// Small operands broadcast to a 512x2 = 1024-element result: folds.
// CHECK-LABEL: func.func @fold_broadcast_to_1024_elements
// CHECK: %[[C:.+]] = kiln.constant dense<true> : tensor<512x2xi1>
// CHECK-NOT: kiln.cmp
// CHECK: return %[[C]]
func.func @fold_broadcast_to_1024_elements() -> tensor<512x2xi1> {
  %v = kiln.constant dense<[1, 2]> : tensor<2xi32>
  %z = kiln.constant dense<0> : tensor<512x1xi32>
  %r = kiln.cmp gt, %v, %z : (tensor<2xi32>, tensor<512x1xi32>) -> tensor<512x2xi1>
  return %r : tensor<512x2xi1>
}

// -----

// ... and to a 513x2 = 1026-element result: does not fold.
// CHECK-LABEL: func.func @no_fold_broadcast_to_1026_elements
// CHECK-DAG: %[[V:.+]] = kiln.constant dense<[1, 2]> : tensor<2xi32>
// CHECK-DAG: %[[Z:.+]] = kiln.constant dense<0> : tensor<513x1xi32>
// CHECK: %[[R:.+]] = kiln.cmp gt, %[[V]], %[[Z]]
// CHECK: return %[[R]]
func.func @no_fold_broadcast_to_1026_elements() -> tensor<513x2xi1> {
  %v = kiln.constant dense<[1, 2]> : tensor<2xi32>
  %z = kiln.constant dense<0> : tensor<513x1xi32>
  %r = kiln.cmp gt, %v, %z : (tensor<2xi32>, tensor<513x1xi32>) -> tensor<513x2xi1>
  return %r : tensor<513x2xi1>
}

// -----

//===----------------------------------------------------------------------===//
// dense_resource constants never fold; quantization never folds
//===----------------------------------------------------------------------===//

// The blob holds [1.0, 1.0]: even so, mul(x, blob) is not x and nothing is evaluated.
// CHECK-LABEL: func.func @resource_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<2xf32>)
// CHECK: %[[R:.+]] = kiln.constant dense_resource<blob> : tensor<2xf32>
// CHECK: %[[N:.+]] = kiln.neg %[[R]]
// CHECK: %[[A:.+]] = kiln.add %[[R]], %[[R]]
// CHECK: %[[M:.+]] = kiln.mul %[[X]], %[[R]]
// CHECK: %[[S:.+]] = kiln.reshape %[[R]] : tensor<2xf32> -> tensor<1x2xf32>
// CHECK: return %[[N]], %[[A]], %[[M]], %[[S]]
func.func @resource_no_fold(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<1x2xf32>) {
  %r = kiln.constant dense_resource<blob> : tensor<2xf32>
  %n = kiln.neg %r : tensor<2xf32>
  %a = kiln.add %r, %r : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %m = kiln.mul %x, %r : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %s = kiln.reshape %r : tensor<2xf32> -> tensor<1x2xf32>
  return %n, %a, %m, %s : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<1x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      blob: "0x040000000000803F0000803F"
    }
  }
#-}

// -----

// dequantize(quantize(x)) is lossy: both stay.
// CHECK-LABEL: func.func @quantize_dequantize_no_fold
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK: %[[Q:.+]] = kiln.quantize %[[X]] : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 1.000000e-01:-3>>
// CHECK: %[[D:.+]] = kiln.dequantize %[[Q]] : tensor<4x!quant.uniform<i8:f32, 1.000000e-01:-3>> to tensor<4xf32>
// CHECK: return %[[D]]
func.func @quantize_dequantize_no_fold(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = kiln.quantize %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.1:-3>>
  %d = kiln.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.1:-3>> to tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// A quantized constant folds to its integer storage, which a reshape to a quantized type
// must not take as its value: the reshape stays.
// CHECK-LABEL: func.func @quantized_constant_reshape_stays
// CHECK:         %[[C:.+]] = kiln.constant dense<[1, 2]> : tensor<2xi8> as tensor<2x!quant.uniform<i8:f32, 5.000000e-01>>
// CHECK:         %[[R:.+]] = kiln.reshape %[[C]] : tensor<2x!quant.uniform<i8:f32, 5.000000e-01>> -> tensor<1x2x!quant.uniform<i8:f32, 5.000000e-01>>
// CHECK:         return %[[R]]
func.func @quantized_constant_reshape_stays() -> tensor<1x2x!quant.uniform<i8:f32, 0.5>> {
  %c = kiln.constant dense<[1, 2]> : tensor<2xi8> as tensor<2x!quant.uniform<i8:f32, 0.5>>
  %r = kiln.reshape %c : tensor<2x!quant.uniform<i8:f32, 0.5>> -> tensor<1x2x!quant.uniform<i8:f32, 0.5>>
  return %r : tensor<1x2x!quant.uniform<i8:f32, 0.5>>
}

// -----

// broadcast_to(broadcast_to(x)) merges only when x broadcasts to the final shape directly.
// (3 -> ? -> 5 cannot run; merging would build an op that fails to verify.)
// CHECK-LABEL: func.func @broadcast_chain_through_dynamic_stays
// CHECK:         kiln.broadcast_to %{{.+}} : tensor<3xf32> -> tensor<?xf32>
// CHECK:         kiln.broadcast_to %{{.+}} : tensor<?xf32> -> tensor<5xf32>
func.func @broadcast_chain_through_dynamic_stays(%x: tensor<3xf32>) -> tensor<5xf32> {
  %0 = kiln.broadcast_to %x : tensor<3xf32> -> tensor<?xf32>
  %1 = kiln.broadcast_to %0 : tensor<?xf32> -> tensor<5xf32>
  return %1 : tensor<5xf32>
}

// -----

// CHECK-LABEL: func.func @broadcast_chain_through_dynamic_merges
// CHECK:         %[[B:.+]] = kiln.broadcast_to %{{.+}} : tensor<3xf32> -> tensor<2x?xf32>
// CHECK-NEXT:    return %[[B]]
func.func @broadcast_chain_through_dynamic_merges(%x: tensor<3xf32>) -> tensor<2x?xf32> {
  %0 = kiln.broadcast_to %x : tensor<3xf32> -> tensor<?xf32>
  %1 = kiln.broadcast_to %0 : tensor<?xf32> -> tensor<2x?xf32>
  return %1 : tensor<2x?xf32>
}
