// RUN: kiln-opt %s --kiln-lower-to-linalg --split-input-file | FileCheck %s
// Elementwise kiln ops -> linalg.generic: broadcasting in indexing maps, f16/bf16 in f32, integer and cast semantics, quantize/dequantize, and the type conversion of signatures and calls.

// CHECK-DAG: #[[$ID2:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$COL:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @add_broadcast(
// CHECK-SAME: %[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<3xf32>) -> tensor<2x3xf32>
// CHECK: %[[E:.+]] = tensor.empty() : tensor<2x3xf32>
// CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [#[[$ID2]], #[[$COL]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[A]], %[[B]] : tensor<2x3xf32>, tensor<3xf32>) outs(%[[E]] : tensor<2x3xf32>)
// CHECK: ^bb0(%[[X:.+]]: f32, %[[Y:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[S:.+]] = arith.addf %[[X]], %[[Y]] : f32
// CHECK: linalg.yield %[[S]] : f32
// CHECK: return %[[R]]
func.func @add_broadcast(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = kiln.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Stretched unit dims are collapsed away so every map is a projected permutation; no
// broadcast is materialized.
// CHECK-DAG: #[[$AMAP:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[$BMAP:.+]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-DAG: #[[$ID3:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @mul_unit_dims(
// CHECK: %[[CA:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0], [1, 2]] : tensor<2x1x3xf32> into tensor<2x3xf32>
// CHECK: %[[CB:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1]] : tensor<4x1xf32> into tensor<4xf32>
// CHECK-NOT: linalg.broadcast
// CHECK: linalg.generic {indexing_maps = [#[[$AMAP]], #[[$BMAP]], #[[$ID3]]]
// CHECK-SAME: ins(%[[CA]], %[[CB]] : tensor<2x3xf32>, tensor<4xf32>)
// CHECK: arith.mulf
func.func @mul_unit_dims(%a: tensor<2x1x3xf32>, %b: tensor<4x1xf32>) -> tensor<2x4x3xf32> {
  %0 = kiln.mul %a, %b : (tensor<2x1x3xf32>, tensor<4x1xf32>) -> tensor<2x4x3xf32>
  return %0 : tensor<2x4x3xf32>
}

// -----

// A rank-0 operand is read through a map with no results.
// CHECK-DAG: #[[$SCALAR:.+]] = affine_map<(d0) -> ()>
// CHECK-DAG: #[[$ID1:.+]] = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @sub_scalar(
// CHECK: linalg.generic {indexing_maps = [#[[$SCALAR]], #[[$ID1]], #[[$ID1]]]
// CHECK-SAME: ins(%{{.+}}, %{{.+}} : tensor<f32>, tensor<4xf32>)
// CHECK: arith.subf
func.func @sub_scalar(%a: tensor<f32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.sub %a, %b : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// f16 is computed in f32 and rounded once.
// CHECK-LABEL: func.func @add_f16(
// CHECK: ^bb0(%[[X:.+]]: f16, %[[Y:.+]]: f16, %{{.+}}: f16):
// CHECK: %[[XE:.+]] = arith.extf %[[X]] : f16 to f32
// CHECK: %[[YE:.+]] = arith.extf %[[Y]] : f16 to f32
// CHECK: %[[S:.+]] = arith.addf %[[XE]], %[[YE]] : f32
// CHECK: %[[T:.+]] = arith.truncf %[[S]] : f32 to f16
// CHECK: linalg.yield %[[T]] : f16
func.func @add_f16(%a: tensor<4xf16>, %b: tensor<4xf16>) -> tensor<4xf16> {
  %0 = kiln.add %a, %b : (tensor<4xf16>, tensor<4xf16>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// CHECK-LABEL: func.func @exp_bf16(
// CHECK: arith.extf %{{.+}} : bf16 to f32
// CHECK: math.exp %{{.+}} : f32
// CHECK: arith.truncf %{{.+}} : f32 to bf16
func.func @exp_bf16(%x: tensor<4xbf16>) -> tensor<4xbf16> {
  %0 = kiln.exp %x : tensor<4xbf16>
  return %0 : tensor<4xbf16>
}

// -----

// Signed division truncates; the divisors 0 and -1 never reach divsi (no trap), and
// INT_MIN / -1 wraps: x / -1 = 0 - x.
// CHECK-LABEL: func.func @div_i32(
// CHECK: ^bb0(%[[X:.+]]: i32, %[[Y:.+]]: i32, %{{.+}}: i32):
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0 : i32
// CHECK-DAG: %[[ONE:.+]] = arith.constant 1 : i32
// CHECK-DAG: %[[MONE:.+]] = arith.constant -1 : i32
// CHECK-DAG: %[[IS0:.+]] = arith.cmpi eq, %[[Y]], %[[ZERO]] : i32
// CHECK-DAG: %[[ISM1:.+]] = arith.cmpi eq, %[[Y]], %[[MONE]] : i32
// CHECK: %[[SPECIAL:.+]] = arith.ori %[[IS0]], %[[ISM1]] : i1
// CHECK: %[[D:.+]] = arith.select %[[SPECIAL]], %[[ONE]], %[[Y]] : i32
// CHECK: %[[Q:.+]] = arith.divsi %[[X]], %[[D]] : i32
// CHECK: %[[NEG:.+]] = arith.subi %[[ZERO]], %[[X]] : i32
// CHECK: %[[R:.+]] = arith.select %[[ISM1]], %[[NEG]], %[[Q]] : i32
// CHECK: linalg.yield %[[R]] : i32
func.func @div_i32(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = kiln.div %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// ui8 becomes signless i8 in the signature; the arithmetic stays unsigned.
// CHECK-LABEL: func.func @div_ui8(
// CHECK-SAME: %{{.*}}: tensor<4xi8>, %{{.*}}: tensor<4xi8>) -> tensor<4xi8>
// CHECK: arith.divui
// CHECK-NOT: arith.divsi
func.func @div_ui8(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xui8> {
  %0 = kiln.div %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// CHECK-LABEL: func.func @pow_f32(
// CHECK: math.powf %{{.+}}, %{{.+}} : f32
func.func @pow_f32(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.pow %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Integer pow: square-and-multiply over the 8 exponent bits, then the negative
// exponent rule (1 -> 1, -1 -> +-1, others -> 0).
// CHECK-LABEL: func.func @pow_i8(
// CHECK-COUNT-8: arith.shrui
// CHECK: arith.cmpi slt
// CHECK-NOT: math.ipowi
// CHECK: linalg.yield
func.func @pow_i8(%a: tensor<4xi8>, %b: tensor<4xi8>) -> tensor<4xi8> {
  %0 = kiln.pow %a, %b : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// max propagates NaN: isnan(x) || isnan(y) ? NaN : (x < y ? y : x).
// CHECK-LABEL: func.func @max_f32(
// CHECK: ^bb0(%[[X:.+]]: f32, %[[Y:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[UNO:.+]] = arith.cmpf uno, %[[X]], %[[Y]] : f32
// CHECK: %[[LT:.+]] = arith.cmpf olt, %[[X]], %[[Y]] : f32
// CHECK: %[[NAN:.+]] = arith.constant 0x7FC00000 : f32
// CHECK: %[[M:.+]] = arith.select %[[LT]], %[[Y]], %[[X]] : f32
// CHECK: %[[R:.+]] = arith.select %[[UNO]], %[[NAN]], %[[M]] : f32
// CHECK: linalg.yield %[[R]]
func.func @max_f32(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.max %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @min_ui16(
// CHECK: arith.minui %{{.+}}, %{{.+}} : i16
func.func @min_ui16(%a: tensor<4xui16>, %b: tensor<4xui16>) -> tensor<4xui16> {
  %0 = kiln.min %a, %b : (tensor<4xui16>, tensor<4xui16>) -> tensor<4xui16>
  return %0 : tensor<4xui16>
}

// -----

// CHECK-LABEL: func.func @and_or_not(
// CHECK: arith.andi %{{.+}}, %{{.+}} : i1
// CHECK: arith.ori %{{.+}}, %{{.+}} : i1
// CHECK: %[[T:.+]] = arith.constant true
// CHECK: arith.xori %{{.+}}, %[[T]] : i1
func.func @and_or_not(%a: tensor<4xi1>, %b: tensor<4xi1>) -> tensor<4xi1> {
  %0 = kiln.and %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %1 = kiln.or %0, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %2 = kiln.not %1 : tensor<4xi1>
  return %2 : tensor<4xi1>
}

// -----

// ne is unordered (true for NaN), every other predicate ordered.
// CHECK-LABEL: func.func @cmp_f32(
// CHECK: arith.cmpf une
// CHECK: arith.cmpf olt
func.func @cmp_f32(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xi1>, tensor<4xi1>) {
  %0 = kiln.cmp ne, %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %1 = kiln.cmp lt, %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  return %0, %1 : tensor<4xi1>, tensor<4xi1>
}

// -----

// CHECK-LABEL: func.func @cmp_ui8_i8(
// CHECK: arith.cmpi uge, %{{.+}}, %{{.+}} : i8
// CHECK: arith.cmpi sge, %{{.+}}, %{{.+}} : i8
func.func @cmp_ui8_i8(%a: tensor<4xui8>, %b: tensor<4xui8>, %c: tensor<4xi8>) -> (tensor<4xi1>, tensor<4xi1>) {
  %0 = kiln.cmp ge, %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xi1>
  %1 = kiln.cmp ge, %c, %c : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi1>
  return %0, %1 : tensor<4xi1>, tensor<4xi1>
}

// -----

// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[$ID2:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$SCALAR:.+]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @select(
// CHECK: %[[C:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1]] : tensor<4x1xi1> into tensor<4xi1>
// CHECK: linalg.generic {indexing_maps = [#[[$ROW]], #[[$ID2]], #[[$SCALAR]], #[[$ID2]]]
// CHECK-SAME: ins(%[[C]], %{{.+}}, %{{.+}} : tensor<4xi1>, tensor<4x3xf32>, tensor<f32>)
// CHECK: arith.select %{{.+}}, %{{.+}}, %{{.+}} : f32
func.func @select(%c: tensor<4x1xi1>, %a: tensor<4x3xf32>, %b: tensor<f32>) -> tensor<4x3xf32> {
  %0 = kiln.select %c, %a, %b : (tensor<4x1xi1>, tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// CHECK-LABEL: func.func @relu(
// CHECK: %[[Z:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[LT:.+]] = arith.cmpf olt, %[[X:.+]], %[[Z]] : f32
// CHECK: arith.select %[[LT]], %[[Z]], %[[X]] : f32
// CHECK: arith.maxsi %{{.+}}, %{{.+}} : i32
func.func @relu(%x: tensor<4xf32>, %y: tensor<4xi32>) -> (tensor<4xf32>, tensor<4xi32>) {
  %0 = kiln.relu %x : tensor<4xf32>
  %1 = kiln.relu %y : tensor<4xi32>
  return %0, %1 : tensor<4xf32>, tensor<4xi32>
}

// -----

// Round half to even.
// CHECK-LABEL: func.func @round(
// CHECK: math.roundeven %{{.+}} : f32
func.func @round(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.round %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @unary_math(
// CHECK: math.log
// CHECK: math.sqrt
// CHECK: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[SQ:.+]] = math.sqrt
// CHECK: arith.divf %[[ONE]], %[[SQ]]
// CHECK: math.tanh
// CHECK: math.erf
// CHECK: math.floor
// CHECK: math.ceil
// CHECK: math.sin
// CHECK: math.cos
// CHECK: math.absf
// CHECK: arith.negf
func.func @unary_math(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.log %x : tensor<4xf32>
  %1 = kiln.sqrt %0 : tensor<4xf32>
  %2 = kiln.rsqrt %1 : tensor<4xf32>
  %3 = kiln.tanh %2 : tensor<4xf32>
  %4 = kiln.erf %3 : tensor<4xf32>
  %5 = kiln.floor %4 : tensor<4xf32>
  %6 = kiln.ceil %5 : tensor<4xf32>
  %7 = kiln.sin %6 : tensor<4xf32>
  %8 = kiln.cos %7 : tensor<4xf32>
  %9 = kiln.abs %8 : tensor<4xf32>
  %10 = kiln.neg %9 : tensor<4xf32>
  return %10 : tensor<4xf32>
}

// -----

// sigmoid(x) = 1 / (1 + e^-x); reciprocal(x) = 1 / x.
// CHECK-LABEL: func.func @sigmoid_reciprocal(
// CHECK: %[[N:.+]] = arith.negf
// CHECK: %[[E:.+]] = math.exp %[[N]]
// CHECK: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[D:.+]] = arith.addf %[[ONE]], %[[E]]
// CHECK: arith.divf %[[ONE]], %[[D]]
// CHECK: arith.divf %{{.+}}, %{{.+}} : f32
func.func @sigmoid_reciprocal(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.sigmoid %x : tensor<4xf32>
  %1 = kiln.reciprocal %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// Integer neg wraps (0 - x); abs keeps |INT_MIN| = INT_MIN (math.absi).
// CHECK-LABEL: func.func @neg_abs_i8(
// CHECK: %[[Z:.+]] = arith.constant 0 : i8
// CHECK: arith.subi %[[Z]], %{{.+}} : i8
// CHECK: math.absi %{{.+}} : i8
func.func @neg_abs_i8(%x: tensor<4xi8>) -> tensor<4xi8> {
  %0 = kiln.neg %x : tensor<4xi8>
  %1 = kiln.abs %0 : tensor<4xi8>
  return %1 : tensor<4xi8>
}

// -----

// Exact gelu: 0.5 x (1 + erf(x / sqrt 2)), as x * (1 / sqrt 2); tanh form: 0.5 x (1 + tanh(sqrt(2/pi)
// (x + 0.044715 x^3))).
// CHECK-LABEL: func.func @gelu(
// CHECK: %[[RSQRT2:.+]] = arith.constant 0.707106769 : f32
// CHECK: %[[Q:.+]] = arith.mulf %{{.+}}, %[[RSQRT2]]
// CHECK: math.erf %[[Q]]
// CHECK: arith.constant 4.471500e-02 : f32
// CHECK: arith.constant 0.797884583 : f32
// CHECK: math.tanh
func.func @gelu(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = kiln.gelu %x : tensor<4xf32>
  %1 = kiln.gelu %x approximate = tanh : tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// NaN passes through clip: both comparisons are ordered.
// CHECK-LABEL: func.func @clip_f32(
// CHECK: %[[LO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[B:.+]] = arith.cmpf olt, %[[X:.+]], %[[LO]]
// CHECK: %[[V:.+]] = arith.select %[[B]], %[[LO]], %[[X]]
// CHECK: %[[HI:.+]] = arith.constant 6.000000e+00 : f32
// CHECK: %[[A:.+]] = arith.cmpf ogt, %[[V]], %[[HI]]
// CHECK: arith.select %[[A]], %[[HI]], %[[V]]
func.func @clip_f32(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.clip %x {min = 0.0 : f64, max = 6.0 : f64} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Integer clip bounds: min rounded up, max rounded down, saturated to the type.
// CHECK-LABEL: func.func @clip_i8(
// CHECK: %[[LO:.+]] = arith.constant -3 : i8
// CHECK: %[[V:.+]] = arith.maxsi %{{.+}}, %[[LO]] : i8
// CHECK: %[[HI:.+]] = arith.constant 127 : i8
// CHECK: arith.minsi %[[V]], %[[HI]] : i8
func.func @clip_i8(%x: tensor<4xi8>) -> tensor<4xi8> {
  %0 = kiln.clip %x {min = -3.5 : f64, max = 1000.0 : f64} : tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// float -> int saturates: NaN -> 0, >= 2^7 -> 127, <= -2^7 -> -128.
// CHECK-LABEL: func.func @cast_f32_to_i8(
// CHECK-DAG: %[[MAX:.+]] = arith.constant 127 : i8
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0 : i8
// CHECK-DAG: %[[MIN:.+]] = arith.constant -128 : i8
// CHECK: %[[NAN:.+]] = arith.cmpf uno
// CHECK: %[[HIGH:.+]] = arith.cmpf oge, %{{.+}}, %{{.+}} : f32
// CHECK: %[[LOW:.+]] = arith.cmpf ole, %{{.+}}, %{{.+}} : f32
// CHECK: %[[C:.+]] = arith.fptosi %{{.+}} : f32 to i8
// CHECK: %[[R1:.+]] = arith.select %[[LOW]], %[[MIN]], %[[C]]
// CHECK: %[[R2:.+]] = arith.select %[[HIGH]], %[[MAX]], %[[R1]]
// CHECK: arith.select %[[NAN]], %[[ZERO]], %[[R2]]
func.func @cast_f32_to_i8(%x: tensor<4xf32>) -> tensor<4xi8> {
  %0 = kiln.cast %x : tensor<4xf32> to tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// CHECK-LABEL: func.func @cast_f32_to_ui8(
// CHECK-SAME: -> tensor<4xi8>
// CHECK: arith.cmpf ult
// CHECK: arith.constant 2.560000e+02 : f32
// CHECK: arith.fptoui %{{.+}} : f32 to i8
func.func @cast_f32_to_ui8(%x: tensor<4xf32>) -> tensor<4xui8> {
  %0 = kiln.cast %x : tensor<4xf32> to tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// CHECK-LABEL: func.func @cast_ui8_to_f32(
// CHECK: arith.uitofp %{{.+}} : i8 to f32
func.func @cast_ui8_to_f32(%x: tensor<4xui8>) -> tensor<4xf32> {
  %0 = kiln.cast %x : tensor<4xui8> to tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// i64 -> bf16 rounds once: rounded to odd at 53 bits (ctlz, sticky bit), then through
// f32 rounded to odd again.
// CHECK-LABEL: func.func @cast_i64_to_bf16(
// CHECK: math.ctlz %{{.+}} : i64
// CHECK: arith.uitofp %{{.+}} : i64 to f64
// CHECK: arith.truncf %{{.+}} : f64 to f32
// CHECK: arith.bitcast %{{.+}} : f32 to i32
// CHECK: arith.truncf %{{.+}} : f32 to bf16
func.func @cast_i64_to_bf16(%x: tensor<4xi64>) -> tensor<4xbf16> {
  %0 = kiln.cast %x : tensor<4xi64> to tensor<4xbf16>
  return %0 : tensor<4xbf16>
}

// -----

// f64 -> f16: round to odd in f32 (inexact results get the lowest bit set), then f16.
// CHECK-LABEL: func.func @cast_f64_to_f16(
// CHECK: ^bb0(%[[X:.+]]: f64, %{{.+}}: f16):
// CHECK: %[[T:.+]] = arith.truncf %[[X]] : f64 to f32
// CHECK: %[[BACK:.+]] = arith.extf %[[T]] : f32 to f64
// CHECK: %[[INEXACT:.+]] = arith.cmpf une, %[[BACK]], %[[X]] : f64
// CHECK: %[[BITS:.+]] = arith.bitcast %[[T]] : f32 to i32
// CHECK: %[[ODD:.+]] = arith.ori %{{.+}}, %{{.+}} : i32
// CHECK: %[[SEL:.+]] = arith.select %[[INEXACT]], %[[ODD]], %{{.+}} : i32
// CHECK: %[[F:.+]] = arith.bitcast %[[SEL]] : i32 to f32
// CHECK: arith.truncf %[[F]] : f32 to f16
func.func @cast_f64_to_f16(%x: tensor<4xf64>) -> tensor<4xf16> {
  %0 = kiln.cast %x : tensor<4xf64> to tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// i8 -> ui16 sign-extends (two's complement); anything -> i1 is != 0.
// CHECK-LABEL: func.func @cast_ints(
// CHECK-SAME: -> (tensor<4xi16>, tensor<4xi1>)
// CHECK: arith.extsi %{{.+}} : i8 to i16
// CHECK: arith.cmpi ne, %{{.+}}, %{{.+}} : i16
func.func @cast_ints(%x: tensor<4xi8>) -> (tensor<4xui16>, tensor<4xi1>) {
  %0 = kiln.cast %x : tensor<4xi8> to tensor<4xui16>
  %1 = kiln.cast %0 : tensor<4xui16> to tensor<4xi1>
  return %0, %1 : tensor<4xui16>, tensor<4xi1>
}

// -----

// CHECK-LABEL: func.func @cast_f32_to_i1(
// CHECK: arith.cmpf une, %{{.+}}, %{{.+}} : f32
func.func @cast_f32_to_i1(%x: tensor<4xf32>) -> tensor<4xi1> {
  %0 = kiln.cast %x : tensor<4xf32> to tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

// quantize with an f32-exact scale divides in f32: round half to even, NaN -> 0,
// + zero point, clamp to [0, 255], convert, keep the low 8 bits.
// CHECK-LABEL: func.func @quantize_u8(
// CHECK-SAME: %{{.*}}: tensor<4xf32>) -> tensor<4xi8>
// CHECK: ^bb0(%[[X:.+]]: f32, %{{.+}}: i8):
// CHECK: %[[S:.+]] = arith.constant 2.500000e-01 : f32
// CHECK: %[[Q:.+]] = arith.divf %[[X]], %[[S]] : f32
// CHECK: %[[R:.+]] = math.roundeven %[[Q]] : f32
// CHECK: %[[ISNAN:.+]] = arith.cmpf uno, %[[R]], %[[R]]
// CHECK: %[[V:.+]] = arith.select %[[ISNAN]], %{{.+}}, %[[R]]
// CHECK: %[[ZP:.+]] = arith.constant 1.280000e+02 : f32
// CHECK: %[[W:.+]] = arith.addf %[[V]], %[[ZP]]
// CHECK-DAG: %[[LO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[HI:.+]] = arith.constant 2.550000e+02 : f32
// CHECK: arith.cmpf olt, %[[W]], %[[LO]]
// CHECK: arith.cmpf ogt
// CHECK: %[[I:.+]] = arith.fptosi %{{.+}} : f32 to i32
// CHECK: %[[T:.+]] = arith.trunci %[[I]] : i32 to i8
// CHECK: linalg.yield %[[T]] : i8
func.func @quantize_u8(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.25:128>> {
  %0 = kiln.quantize %x : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.25:128>>
  return %0 : tensor<4x!quant.uniform<u8:f32, 0.25:128>>
}

// -----

// A scale that is not an f32 value: x / scale in f64, rounded to f32 (as the
// interpreter).
// CHECK-LABEL: func.func @quantize_inexact_scale(
// CHECK: %[[S:.+]] = arith.constant 1.000000e-01 : f64
// CHECK: %[[X:.+]] = arith.extf %{{.+}} : f32 to f64
// CHECK: %[[Q:.+]] = arith.divf %[[X]], %[[S]] : f64
// CHECK: %[[T:.+]] = arith.truncf %[[Q]] : f64 to f32
// CHECK: math.roundeven %[[T]] : f32
func.func @quantize_inexact_scale(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.1:-3>> {
  %0 = kiln.quantize %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.1:-3>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.1:-3>>
}

// -----

// Per-axis parameters are constant tensors read through (d0, d1) -> (d1).
// CHECK-DAG: #[[$ID2:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$AXIS:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @quantize_per_axis(
// CHECK-DAG: %[[SCALES:.+]] = arith.constant dense<[5.000000e-01, 2.500000e-01, 1.250000e-01]> : tensor<3xf32>
// CHECK-DAG: %[[ZPS:.+]] = arith.constant dense<[1, -2, 0]> : tensor<3xi32>
// CHECK: linalg.generic {indexing_maps = [#[[$ID2]], #[[$AXIS]], #[[$AXIS]], #[[$ID2]]]
// CHECK-SAME: ins(%{{.+}}, %[[SCALES]], %[[ZPS]] : tensor<2x3xf32>, tensor<3xf32>, tensor<3xi32>)
// CHECK: ^bb0(%[[X:.+]]: f32, %[[S:.+]]: f32, %[[Z:.+]]: i32, %{{.+}}: i8):
// CHECK: arith.divf %[[X]], %[[S]] : f32
// CHECK: arith.sitofp %[[Z]] : i32 to f32
func.func @quantize_per_axis(%x: tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i8:f32:1, {0.5:1, 0.25:-2, 0.125:0}>> {
  %0 = kiln.quantize %x : tensor<2x3xf32> to tensor<2x3x!quant.uniform<i8:f32:1, {0.5:1, 0.25:-2, 0.125:0}>>
  return %0 : tensor<2x3x!quant.uniform<i8:f32:1, {0.5:1, 0.25:-2, 0.125:0}>>
}

// -----

// dequantize(q) = (q - zp) * scale; unsigned storage is zero-extended.
// CHECK-LABEL: func.func @dequantize_u8(
// CHECK-SAME: %{{.*}}: tensor<4xi8>) -> tensor<4xf32>
// CHECK: ^bb0(%[[Q:.+]]: i8, %{{.+}}: f32):
// CHECK: %[[S:.+]] = arith.constant 2.500000e-01 : f32
// CHECK: %[[E:.+]] = arith.extui %[[Q]] : i8 to i32
// CHECK: %[[ZP:.+]] = arith.constant 128 : i32
// CHECK: %[[D:.+]] = arith.subi %[[E]], %[[ZP]] : i32
// CHECK: %[[F:.+]] = arith.sitofp %[[D]] : i32 to f32
// CHECK: %[[R:.+]] = arith.mulf %[[F]], %[[S]] : f32
// CHECK: linalg.yield %[[R]] : f32
func.func @dequantize_u8(%q: tensor<4x!quant.uniform<u8:f32, 0.25:128>>) -> tensor<4xf32> {
  %0 = kiln.dequantize %q : tensor<4x!quant.uniform<u8:f32, 0.25:128>> to tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Calls and declarations are converted with the signatures.
// CHECK-LABEL: func.func @call_converts(
// CHECK-SAME: %[[Q:.*]]: tensor<4xi8>) -> tensor<4xf32>
// CHECK: call @callee(%[[Q]]) : (tensor<4xi8>) -> tensor<4xf32>
// CHECK: func.func private @callee(tensor<4xi8>) -> tensor<4xf32>
func.func @call_converts(%q: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4xf32> {
  %0 = call @callee(%q) : (tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func private @callee(tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4xf32>

// -----

// Nothing kiln is left, and ops of other dialects are untouched.
// CHECK-LABEL: func.func @no_kiln_left(
// CHECK-NOT: kiln.
// CHECK: arith.addf %{{.+}}, %{{.+}} : f32
// CHECK-NOT: kiln.
func.func @no_kiln_left(%a: tensor<4xf32>, %s: f32) -> (tensor<4xf32>, f32) {
  %0 = kiln.exp %a : tensor<4xf32>
  %1 = arith.addf %s, %s : f32
  return %0, %1 : tensor<4xf32>, f32
}
