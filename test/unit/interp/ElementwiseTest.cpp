//===- ElementwiseTest.cpp - interpreter elementwise kernels ----------------===//
//
// Evaluates small kiln functions with elementwise ops and compares the results with
// values worked out independently: by hand (noted as such) or with Debian's numpy 1.24
// (/usr/bin/python3, the expression noted beside each literal). Float results are
// compared exactly where the op is exact and to 1e-6 relative otherwise.
//
//===----------------------------------------------------------------------------===//
#include "lib/interp/Interpreter.h"

#include "dialects/kiln/KilnDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace mlir;
using namespace kiln::interp;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

class InterpElementwise : public ::testing::Test {
protected:
  InterpElementwise() {
    ctx.loadDialect<kiln::KilnDialect, func::FuncDialect, quant::QuantDialect>();
  }

  /// Parses a module holding one function and makes it the function under test.
  void parse(StringRef source) {
    module = parseSourceString<ModuleOp>(source, &ctx);
    ASSERT_TRUE(module) << "failed to parse:\n" << source.str();
    fn = *module->getOps<func::FuncOp>().begin();
  }

  /// Argument `i` of the function, filled from doubles (floats, small integers).
  Tensor arg(unsigned i, ArrayRef<double> values) {
    auto type = cast<RankedTensorType>(fn.getArgumentTypes()[i]);
    Tensor t(type.getElementType(), type.getShape());
    EXPECT_EQ(t.getNumElements(), static_cast<int64_t>(values.size()));
    for (auto [j, v] : llvm::enumerate(values)) {
      t.setDouble(j, v);
    }
    return t;
  }

  /// Argument `i` of the function, filled with exact integers (uint64 as bit patterns).
  Tensor argInts(unsigned i, ArrayRef<int64_t> values) {
    auto type = cast<RankedTensorType>(fn.getArgumentTypes()[i]);
    Tensor t(type.getElementType(), type.getShape());
    EXPECT_EQ(t.getNumElements(), static_cast<int64_t>(values.size()));
    for (auto [j, v] : llvm::enumerate(values)) {
      t.setInt(j, v);
    }
    return t;
  }

  SmallVector<Tensor> run(ArrayRef<Tensor> args) {
    FailureOr<SmallVector<Tensor>> results = evaluateFunction(fn, args);
    EXPECT_TRUE(succeeded(results));
    return succeeded(results) ? *results : SmallVector<Tensor>();
  }

  MLIRContext ctx;
  OwningOpRef<ModuleOp> module;
  func::FuncOp fn;
};

/// `t` holds `expected` (NaN matches NaN), exactly or to `relTol` relative.
void expectFloats(const Tensor &t, ArrayRef<double> expected, double relTol = 0) {
  ASSERT_TRUE(t.isFloat());
  ASSERT_EQ(t.getNumElements(), static_cast<int64_t>(expected.size()));
  for (auto [i, e] : llvm::enumerate(expected)) {
    double a = t.floats()[i];
    if (std::isnan(e)) {
      EXPECT_TRUE(std::isnan(a)) << "element " << i << " is " << a << ", expected NaN";
    } else if (relTol == 0 || std::isinf(e)) {
      EXPECT_EQ(a, e) << "element " << i;
    } else {
      EXPECT_NEAR(a, e, relTol * std::max(1.0, std::fabs(e))) << "element " << i;
    }
  }
}

/// `t` holds the integers `expected` (as stored: uint64 as bit patterns).
void expectInts(const Tensor &t, ArrayRef<int64_t> expected) {
  ASSERT_FALSE(t.isFloat());
  ASSERT_EQ(t.getNumElements(), static_cast<int64_t>(expected.size()));
  for (auto [i, e] : llvm::enumerate(expected)) {
    EXPECT_EQ(t.ints()[i], e) << "element " << i;
  }
}

//===----------------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------------===//

TEST_F(InterpElementwise, UnaryTranscendentals) {
  parse(R"mlir(
    func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>,
        tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>,
        tensor<4xf32>, tensor<4xf32>) {
      %0 = kiln.exp %x : tensor<4xf32>
      %1 = kiln.log %x : tensor<4xf32>
      %2 = kiln.sqrt %x : tensor<4xf32>
      %3 = kiln.rsqrt %x : tensor<4xf32>
      %4 = kiln.reciprocal %x : tensor<4xf32>
      %5 = kiln.tanh %x : tensor<4xf32>
      %6 = kiln.sigmoid %x : tensor<4xf32>
      %7 = kiln.erf %x : tensor<4xf32>
      %8 = kiln.sin %x : tensor<4xf32>
      %9 = kiln.cos %x : tensor<4xf32>
      return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9 : tensor<4xf32>, tensor<4xf32>,
          tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>,
          tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
    })mlir");
  SmallVector<Tensor> r = run({arg(0, {0.5, 1.0, 2.0, 4.0})});
  ASSERT_EQ(r.size(), 10u);
  // numpy: x = np.array([0.5, 1, 2, 4]); np.float32(f(x)) for each f in float64
  // (sigmoid as 1/(1+np.exp(-x)), erf with math.erf).
  expectFloats(r[0], {1.6487212181091309, 2.7182817459106445, 7.389056205749512,
                      54.598148345947266}, 1e-6);
  expectFloats(r[1], {-0.6931471824645996, 0.0, 0.6931471824645996, 1.3862943649291992},
               1e-6);
  expectFloats(r[2], {0.7071067690849304, 1.0, 1.4142135381698608, 2.0}, 1e-6);
  expectFloats(r[3], {1.4142135381698608, 1.0, 0.7071067690849304, 0.5}, 1e-6);
  expectFloats(r[4], {2.0, 1.0, 0.5, 0.25});
  expectFloats(r[5], {0.46211716532707214, 0.7615941762924194, 0.9640275835990906,
                      0.9993293285369873}, 1e-6);
  expectFloats(r[6], {0.622459352016449, 0.7310585975646973, 0.8807970881462097,
                      0.9820137619972229}, 1e-6);
  expectFloats(r[7], {0.5204998850822449, 0.8427007794380188, 0.9953222870826721, 1.0},
               1e-6);
  expectFloats(r[8], {0.4794255495071411, 0.8414709568023682, 0.9092974066734314,
                      -0.756802499294281}, 1e-6);
  expectFloats(r[9], {0.8775825500488281, 0.5403022766113281, -0.416146844625473,
                      -0.6536436080932617}, 1e-6);
}

TEST_F(InterpElementwise, NegAbsReluPropagateNaN) {
  parse(R"mlir(
    func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
      %0 = kiln.neg %x : tensor<4xf32>
      %1 = kiln.abs %x : tensor<4xf32>
      %2 = kiln.relu %x : tensor<4xf32>
      return %0, %1, %2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
    })mlir");
  SmallVector<Tensor> r = run({arg(0, {-2.5, 0.0, 3.0, kNaN})});
  ASSERT_EQ(r.size(), 3u);
  // By hand.
  expectFloats(r[0], {2.5, 0.0, -3.0, kNaN});
  expectFloats(r[1], {2.5, 0.0, 3.0, kNaN});
  expectFloats(r[2], {0.0, 0.0, 3.0, kNaN});
}

TEST_F(InterpElementwise, RoundHalfToEvenFloorCeil) {
  parse(R"mlir(
    func.func @main(%x: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
      %0 = kiln.round %x : tensor<8xf32>
      %1 = kiln.floor %x : tensor<8xf32>
      %2 = kiln.ceil %x : tensor<8xf32>
      return %0, %1, %2 : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
    })mlir");
  SmallVector<Tensor> r = run({arg(0, {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.7, -2.7})});
  ASSERT_EQ(r.size(), 3u);
  // numpy: np.round, np.floor, np.ceil of the float32 array.
  expectFloats(r[0], {-2, -2, -0.0, 0, 2, 2, 3, -3});
  EXPECT_TRUE(std::signbit(r[0].floats()[2])); // round(-0.5) = -0
  expectFloats(r[1], {-3, -2, -1, 0, 1, 2, 2, -3});
  expectFloats(r[2], {-2, -1, -0.0, 1, 2, 3, 3, -2});
}

TEST_F(InterpElementwise, IntegerNegAbsReluWrap) {
  parse(R"mlir(
    func.func @main(%x: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xi8>, tensor<4xi8>) {
      %0 = kiln.neg %x : tensor<4xi8>
      %1 = kiln.abs %x : tensor<4xi8>
      %2 = kiln.relu %x : tensor<4xi8>
      return %0, %1, %2 : tensor<4xi8>, tensor<4xi8>, tensor<4xi8>
    })mlir");
  SmallVector<Tensor> r = run({argInts(0, {-128, -5, 0, 127})});
  ASSERT_EQ(r.size(), 3u);
  // By hand: -(-128) = 128 wraps to -128 in i8 (numpy: -np.int8(-128) == -128).
  expectInts(r[0], {-128, 5, 0, -127});
  expectInts(r[1], {-128, 5, 0, 127});
  expectInts(r[2], {0, 0, 0, 127});
}

TEST_F(InterpElementwise, Clip) {
  parse(R"mlir(
    func.func @main(%x: tensor<4xf32>, %i: tensor<4xi32>, %b: tensor<3xi8>)
        -> (tensor<4xf32>, tensor<4xf32>, tensor<4xi32>, tensor<3xi8>) {
      %0 = kiln.clip %x {min = 0.0 : f64, max = 6.0 : f64} : tensor<4xf32>
      %1 = kiln.clip %x {min = -1.5 : f64} : tensor<4xf32>
      %2 = kiln.clip %i {min = -1.5 : f64, max = 2.5 : f64} : tensor<4xi32>
      %3 = kiln.clip %b {min = -1000.0 : f64, max = 1000.0 : f64} : tensor<3xi8>
      return %0, %1, %2, %3 : tensor<4xf32>, tensor<4xf32>, tensor<4xi32>, tensor<3xi8>
    })mlir");
  SmallVector<Tensor> r = run({arg(0, {-1.0, 3.0, 7.0, kNaN}), argInts(1, {-3, -1, 2, 3}),
                               argInts(2, {-128, 0, 127})});
  ASSERT_EQ(r.size(), 4u);
  // By hand; NaN stays NaN (np.clip). Integers compare as values:
  // np.clip([-3, -1, 2, 3], -1.5, 2.5) = [-1.5, -1, 2, 2.5], truncated = [-1, -1, 2, 2].
  expectFloats(r[0], {0.0, 3.0, 6.0, kNaN});
  expectFloats(r[1], {-1.0, 3.0, 7.0, kNaN});
  expectInts(r[2], {-1, -1, 2, 2});
  // Bounds outside the i8 range leave every value alone.
  expectInts(r[3], {-128, 0, 127});
}

TEST_F(InterpElementwise, GeluExactAndTanh) {
  parse(R"mlir(
    func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
      %0 = kiln.gelu %x : tensor<4xf32>
      %1 = kiln.gelu %x approximate = tanh : tensor<4xf32>
      return %0, %1 : tensor<4xf32>, tensor<4xf32>
    })mlir");
  SmallVector<Tensor> r = run({arg(0, {-1.0, 0.0, 0.5, 2.0})});
  ASSERT_EQ(r.size(), 2u);
  // Python: np.float32(0.5*v*(1+math.erf(v/math.sqrt(2)))) and
  // np.float32(0.5*v*(1+math.tanh(math.sqrt(2/math.pi)*(v+0.044715*v**3)))).
  expectFloats(r[0], {-0.15865525603294373, 0.0, 0.3457312285900116, 1.9544997215270996},
               1e-6);
  expectFloats(r[1], {-0.15880800783634186, 0.0, 0.3457140028476715, 1.9545977115631104},
               1e-6);
}

TEST_F(InterpElementwise, LogicalNotAndOr) {
  parse(R"mlir(
    func.func @main(%a: tensor<4xi1>, %b: tensor<4xi1>, %s: tensor<i1>)
        -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
      %0 = kiln.not %a : tensor<4xi1>
      %1 = kiln.and %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
      %2 = kiln.or %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
      %3 = kiln.and %a, %s : (tensor<4xi1>, tensor<i1>) -> tensor<4xi1>
      return %0, %1, %2, %3 : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
    })mlir");
  SmallVector<Tensor> r =
      run({argInts(0, {0, 0, 1, 1}), argInts(1, {0, 1, 0, 1}), argInts(2, {1})});
  ASSERT_EQ(r.size(), 4u);
  // Truth tables, by hand.
  expectInts(r[0], {1, 1, 0, 0});
  expectInts(r[1], {0, 0, 0, 1});
  expectInts(r[2], {0, 1, 1, 1});
  expectInts(r[3], {0, 0, 1, 1});
}

//===----------------------------------------------------------------------------===//
// Binary
//===----------------------------------------------------------------------------===//

TEST_F(InterpElementwise, FloatArithmeticBroadcasts) {
  parse(R"mlir(
    func.func @main(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %c: tensor<2x1xf32>,
                    %s: tensor<f32>)
        -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>,
            tensor<2x3xf32>) {
      %0 = kiln.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
      %1 = kiln.sub %b, %a : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
      %2 = kiln.mul %c, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
      %3 = kiln.div %a, %s : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
      %4 = kiln.div %a, %c : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
      return %0, %1, %2, %3, %4 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>,
          tensor<2x3xf32>, tensor<2x3xf32>
    })mlir");
  SmallVector<Tensor> r = run({arg(0, {1, 2, 3, 4, 5, 6}), arg(1, {10, 20, 30}),
                               arg(2, {2, 0}), arg(3, {4})});
  ASSERT_EQ(r.size(), 5u);
  // By hand: a = [[1,2,3],[4,5,6]], b = [10,20,30], c = [[2],[0]], s = 4.
  expectFloats(r[0], {11, 22, 33, 14, 25, 36});
  expectFloats(r[1], {9, 18, 27, 6, 15, 24});
  expectFloats(r[2], {20, 40, 60, 0, 0, 0});
  expectFloats(r[3], {0.25, 0.5, 0.75, 1.0, 1.25, 1.5});
  expectFloats(r[4], {0.5, 1.0, 1.5, kInf, kInf, kInf}); // float x / 0 = inf, no error
}

TEST_F(InterpElementwise, PowFloatAndInteger) {
  parse(R"mlir(
    func.func @main(%a: tensor<3xf32>, %b: tensor<3xf32>, %i: tensor<8xi32>,
                    %j: tensor<8xi32>, %k: tensor<2xi8>, %l: tensor<2xi8>)
        -> (tensor<3xf32>, tensor<8xi32>, tensor<2xi8>) {
      %0 = kiln.pow %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
      %1 = kiln.pow %i, %j : (tensor<8xi32>, tensor<8xi32>) -> tensor<8xi32>
      %2 = kiln.pow %k, %l : (tensor<2xi8>, tensor<2xi8>) -> tensor<2xi8>
      return %0, %1, %2 : tensor<3xf32>, tensor<8xi32>, tensor<2xi8>
    })mlir");
  SmallVector<Tensor> r =
      run({arg(0, {2, 4, 9}), arg(1, {3, 0.5, -1}), argInts(2, {2, -3, 2, 1, -1, -1, 5, 0}),
           argInts(3, {10, 3, -1, -5, -3, -4, 0, 0}), argInts(4, {2, 3}), argInts(5, {7, 5})});
  ASSERT_EQ(r.size(), 3u);
  // numpy: np.float32 pow -> [8, 2, 0.1111111119389534].
  expectFloats(r[0], {8.0, 2.0, 0.1111111119389534});
  // numpy np.power for the non-negative exponents (1024, -27, 1, 1); negative exponents
  // by the kernel's rule: 0, except base 1 -> 1 and base -1 -> +-1 by parity.
  expectInts(r[1], {1024, -27, 0, 1, -1, 1, 1, 1});
  // numpy: np.power(np.int8([2, 3]), np.int8([7, 5])) = [-128, -13] (128 and 243 wrap).
  expectInts(r[2], {-128, -13});
}

TEST_F(InterpElementwise, MaxMinPropagateNaN) {
  parse(R"mlir(
    func.func @main(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
      %0 = kiln.max %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      %1 = kiln.min %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      return %0, %1 : tensor<4xf32>, tensor<4xf32>
    })mlir");
  SmallVector<Tensor> r = run({arg(0, {1, kNaN, 3, -kInf}), arg(1, {2, 1, kNaN, -5})});
  ASSERT_EQ(r.size(), 2u);
  // numpy: np.maximum / np.minimum (NaN in either operand gives NaN).
  expectFloats(r[0], {2, kNaN, kNaN, -5});
  expectFloats(r[1], {1, kNaN, kNaN, -kInf});
}

TEST_F(InterpElementwise, IntegerArithmeticWraps) {
  parse(R"mlir(
    func.func @main(%a: tensor<3xi8>, %b: tensor<3xi8>, %c: tensor<1xi64>, %d: tensor<1xi64>)
        -> (tensor<3xi8>, tensor<3xi8>, tensor<3xi8>, tensor<1xi64>) {
      %0 = kiln.add %a, %b : (tensor<3xi8>, tensor<3xi8>) -> tensor<3xi8>
      %1 = kiln.sub %a, %b : (tensor<3xi8>, tensor<3xi8>) -> tensor<3xi8>
      %2 = kiln.mul %a, %b : (tensor<3xi8>, tensor<3xi8>) -> tensor<3xi8>
      %3 = kiln.add %c, %d : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
      return %0, %1, %2, %3 : tensor<3xi8>, tensor<3xi8>, tensor<3xi8>, tensor<1xi64>
    })mlir");
  SmallVector<Tensor> r = run({argInts(0, {100, -100, 16}), argInts(1, {100, 100, 16}),
                               argInts(2, {std::numeric_limits<int64_t>::max()}),
                               argInts(3, {1})});
  ASSERT_EQ(r.size(), 4u);
  // numpy int8: 100+100 = -56, -100-100 = 56, 16*16 = 0; and -100+100, 100-100, ...:
  // np.int8([100,-100,16]) + np.int8([100,100,16]) = [-56, 0, 32].
  expectInts(r[0], {-56, 0, 32});
  // np.int8([100,-100,16]) - np.int8([100,100,16]) = [0, 56, 0].
  expectInts(r[1], {0, 56, 0});
  // np.int8([100,-100,16]) * np.int8([100,100,16]) = [16, -16, 0] (10000 = 39*256 + 16).
  expectInts(r[2], {16, -16, 0});
  // INT64_MAX + 1 wraps to INT64_MIN.
  expectInts(r[3], {std::numeric_limits<int64_t>::min()});
}

TEST_F(InterpElementwise, IntegerDivisionTruncates) {
  parse(R"mlir(
    func.func @main(%a: tensor<5xi32>, %b: tensor<5xi32>, %c: tensor<1xi8>, %d: tensor<1xi8>)
        -> (tensor<5xi32>, tensor<1xi8>) {
      %0 = kiln.div %a, %b : (tensor<5xi32>, tensor<5xi32>) -> tensor<5xi32>
      %1 = kiln.div %c, %d : (tensor<1xi8>, tensor<1xi8>) -> tensor<1xi8>
      return %0, %1 : tensor<5xi32>, tensor<1xi8>
    })mlir");
  SmallVector<Tensor> r = run({argInts(0, {7, -7, 7, -7, 1}), argInts(1, {2, 2, -2, -2, 3}),
                               argInts(2, {-128}), argInts(3, {-1})});
  ASSERT_EQ(r.size(), 2u);
  // numpy: np.trunc([7,-7,7,-7,1] / [2,2,-2,-2,3]) = [3, -3, -3, 3, 0] (not floor).
  expectInts(r[0], {3, -3, -3, 3, 0});
  // -128 / -1 = 128 wraps to -128.
  expectInts(r[1], {-128});
}

TEST_F(InterpElementwise, IntegerDivisionByZeroFails) {
  parse(R"mlir(
    func.func @main(%a: tensor<2xi32>, %b: tensor<2xi32>) -> tensor<2xi32> {
      %0 = kiln.div %a, %b : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
      return %0 : tensor<2xi32>
    })mlir");
  std::string message;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  FailureOr<SmallVector<Tensor>> r =
      evaluateFunction(fn, {argInts(0, {4, 5}), argInts(1, {2, 0})});
  EXPECT_TRUE(failed(r));
  EXPECT_EQ(message, "interpreter: integer division by zero");
}

TEST_F(InterpElementwise, UnsignedIntegers) {
  parse(R"mlir(
    func.func @main(%a: tensor<2xui8>, %b: tensor<2xui8>, %c: tensor<1xui32>,
                    %d: tensor<1xui32>, %e: tensor<2xui64>, %f: tensor<2xui64>)
        -> (tensor<2xui8>, tensor<2xui8>, tensor<2xui8>, tensor<2xi1>, tensor<1xui32>,
            tensor<2xui64>, tensor<2xi1>) {
      %0 = kiln.div %a, %b : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xui8>
      %1 = kiln.max %a, %b : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xui8>
      %2 = kiln.min %a, %b : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xui8>
      %3 = kiln.cmp lt, %a, %b : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xi1>
      %4 = kiln.sub %c, %d : (tensor<1xui32>, tensor<1xui32>) -> tensor<1xui32>
      %5 = kiln.div %e, %f : (tensor<2xui64>, tensor<2xui64>) -> tensor<2xui64>
      %6 = kiln.cmp gt, %e, %f : (tensor<2xui64>, tensor<2xui64>) -> tensor<2xi1>
      return %0, %1, %2, %3, %4, %5, %6 : tensor<2xui8>, tensor<2xui8>, tensor<2xui8>,
          tensor<2xi1>, tensor<1xui32>, tensor<2xui64>, tensor<2xi1>
    })mlir");
  // e = [UINT64_MAX, 10] (UINT64_MAX is stored as the bit pattern -1).
  SmallVector<Tensor> r = run({argInts(0, {200, 7}), argInts(1, {3, 100}), argInts(2, {1}),
                               argInts(3, {2}), argInts(4, {-1, 10}), argInts(5, {2, 3})});
  ASSERT_EQ(r.size(), 7u);
  // By hand: 200 / 3 = 66 (as i8, -56 / 3 would be -18); 7 / 100 = 0.
  expectInts(r[0], {66, 0});
  // 200 > 100 and 200 > 3 as unsigned values (signed i8 would read 200 as -56).
  expectInts(r[1], {200, 100});
  expectInts(r[2], {3, 7});
  expectInts(r[3], {0, 1});
  // numpy: np.uint32(1) - np.uint32(2) = 4294967295.
  expectInts(r[4], {4294967295});
  // numpy: np.uint64(2**64-1) // np.uint64(2) = 9223372036854775807; 10 // 3 = 3.
  expectInts(r[5], {9223372036854775807, 3});
  // UINT64_MAX > 2 as unsigned (as signed, -1 > 2 would be false).
  expectInts(r[6], {1, 1});
}

//===----------------------------------------------------------------------------===//
// cmp and select
//===----------------------------------------------------------------------------===//

TEST_F(InterpElementwise, CmpFloatWithNaNAndBroadcast) {
  parse(R"mlir(
    func.func @main(%a: tensor<2x3xf32>, %b: tensor<3xf32>)
        -> (tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>,
            tensor<2x3xi1>) {
      %0 = kiln.cmp eq, %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
      %1 = kiln.cmp ne, %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
      %2 = kiln.cmp lt, %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
      %3 = kiln.cmp le, %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
      %4 = kiln.cmp gt, %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
      %5 = kiln.cmp ge, %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
      return %0, %1, %2, %3, %4, %5 : tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>,
          tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>
    })mlir");
  // a = [[1, 2, 3], [NaN, 2, 1]], b = [2, 2, NaN].
  SmallVector<Tensor> r = run({arg(0, {1, 2, 3, kNaN, 2, 1}), arg(1, {2, 2, kNaN})});
  ASSERT_EQ(r.size(), 6u);
  // By hand (IEEE: every comparison with NaN is false except ne).
  expectInts(r[0], {0, 1, 0, 0, 1, 0});
  expectInts(r[1], {1, 0, 1, 1, 0, 1});
  expectInts(r[2], {1, 0, 0, 0, 0, 0});
  expectInts(r[3], {1, 1, 0, 0, 1, 0});
  expectInts(r[4], {0, 0, 0, 0, 0, 0});
  expectInts(r[5], {0, 1, 0, 0, 1, 0});
}

TEST_F(InterpElementwise, CmpSignedIntegersAndBool) {
  parse(R"mlir(
    func.func @main(%a: tensor<3xi32>, %b: tensor<3xi32>, %p: tensor<2xi1>, %q: tensor<2xi1>)
        -> (tensor<3xi1>, tensor<2xi1>) {
      %0 = kiln.cmp lt, %a, %b : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi1>
      %1 = kiln.cmp gt, %p, %q : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
      return %0, %1 : tensor<3xi1>, tensor<2xi1>
    })mlir");
  SmallVector<Tensor> r = run({argInts(0, {-1, 5, 3}), argInts(1, {1, -5, 3}),
                               argInts(2, {1, 0}), argInts(3, {0, 1})});
  ASSERT_EQ(r.size(), 2u);
  // By hand: -1 < 1, 5 < -5 is false, 3 < 3 is false; true > false (as numpy bools).
  expectInts(r[0], {1, 0, 0});
  expectInts(r[1], {1, 0});
}

TEST_F(InterpElementwise, SelectBroadcastsAllThree) {
  parse(R"mlir(
    func.func @main(%c: tensor<2x1xi1>, %a: tensor<3xf32>, %b: tensor<f32>,
                    %d: tensor<3xi1>, %i: tensor<2x3xi32>, %j: tensor<1xi32>)
        -> (tensor<2x3xf32>, tensor<2x3xi32>) {
      %0 = kiln.select %c, %a, %b : (tensor<2x1xi1>, tensor<3xf32>, tensor<f32>) -> tensor<2x3xf32>
      %1 = kiln.select %d, %i, %j : (tensor<3xi1>, tensor<2x3xi32>, tensor<1xi32>) -> tensor<2x3xi32>
      return %0, %1 : tensor<2x3xf32>, tensor<2x3xi32>
    })mlir");
  SmallVector<Tensor> r =
      run({argInts(0, {1, 0}), arg(1, {1, 2, 3}), arg(2, {-7}), argInts(3, {1, 0, 1}),
           argInts(4, {1, 2, 3, 4, 5, 6}), argInts(5, {-9})});
  ASSERT_EQ(r.size(), 2u);
  // numpy: np.where([[True], [False]], [1, 2, 3], -7) and
  // np.where([True, False, True], [[1,2,3],[4,5,6]], [-9]).
  expectFloats(r[0], {1, 2, 3, -7, -7, -7});
  expectInts(r[1], {1, -9, 3, 4, -9, 6});
}

//===----------------------------------------------------------------------------===//
// cast
//===----------------------------------------------------------------------------===//

TEST_F(InterpElementwise, CastFloatToIntegerTruncatesAndSaturates) {
  parse(R"mlir(
    func.func @main(%x: tensor<8xf32>, %u: tensor<4xf32>, %d: tensor<3xf64>,
                    %e: tensor<3xf64>)
        -> (tensor<8xi8>, tensor<4xui8>, tensor<3xi64>, tensor<3xui64>) {
      %0 = kiln.cast %x : tensor<8xf32> to tensor<8xi8>
      %1 = kiln.cast %u : tensor<4xf32> to tensor<4xui8>
      %2 = kiln.cast %d : tensor<3xf64> to tensor<3xi64>
      %3 = kiln.cast %e : tensor<3xf64> to tensor<3xui64>
      return %0, %1, %2, %3 : tensor<8xi8>, tensor<4xui8>, tensor<3xi64>, tensor<3xui64>
    })mlir");
  SmallVector<Tensor> r =
      run({arg(0, {300.7, -300.2, -3.9, 3.9, kNaN, kInf, -kInf, 127.9}),
           arg(1, {-5, 255.9, 256, 1e10}), arg(2, {1e19, -1e19, 9.2e18}),
           arg(3, {1.8e19, 1.9e19, -1})});
  ASSERT_EQ(r.size(), 4u);
  // By hand: truncate toward zero, then clamp to [-128, 127]; NaN -> 0.
  expectInts(r[0], {127, -128, -3, 3, 0, 127, -128, 127});
  expectInts(r[1], {0, 255, 255, 255});
  expectInts(r[2], {std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(),
                    9200000000000000000});
  // 1.8e19 is exact in f64 and fits u64; 1.9e19 > 2^64 - 1 saturates (stored as -1).
  expectInts(r[3], {static_cast<int64_t>(uint64_t(18000000000000000000ull)), -1, 0});
}

TEST_F(InterpElementwise, CastToFloatRoundsOnce) {
  parse(R"mlir(
    func.func @main(%x: tensor<3xf32>, %i: tensor<1xi64>, %u: tensor<1xui64>,
                    %b: tensor<1xi64>)
        -> (tensor<3xf16>, tensor<1xf32>, tensor<1xf32>, tensor<1xbf16>) {
      %0 = kiln.cast %x : tensor<3xf32> to tensor<3xf16>
      %1 = kiln.cast %i : tensor<1xi64> to tensor<1xf32>
      %2 = kiln.cast %u : tensor<1xui64> to tensor<1xf32>
      %3 = kiln.cast %b : tensor<1xi64> to tensor<1xbf16>
      return %0, %1, %2, %3 : tensor<3xf16>, tensor<1xf32>, tensor<1xf32>, tensor<1xbf16>
    })mlir");
  int64_t big = (int64_t(1) << 60) + (int64_t(1) << 36) + 1;
  int64_t mid = (int64_t(1) << 30) + (int64_t(1) << 22) + 1;
  SmallVector<Tensor> r = run({arg(0, {1.0 + std::ldexp(1.0, -11), 70000, 0.1}),
                               argInts(1, {big}), argInts(2, {-1}), argInts(3, {mid})});
  ASSERT_EQ(r.size(), 4u);
  // numpy: np.float16(np.float32([1 + 2**-11, 70000, 0.1])) = [1.0, inf, 0.0999755859375]
  // (1 + 2^-11 is a tie between 1 and 1 + 2^-10: even).
  expectFloats(r[0], {1.0, kInf, 0.0999755859375});
  // numpy: np.float32(np.int64(2**60 + 2**36 + 1)) = 2**60 + 2**37; going through f64
  // first would drop the +1 and round the resulting tie down to 2**60.
  expectFloats(r[1], {std::ldexp(1.0, 60) + std::ldexp(1.0, 37)});
  // numpy: np.float32(np.uint64(2**64 - 1)) = 2**64.
  expectFloats(r[2], {std::ldexp(1.0, 64)});
  // bf16 keeps 8 significant bits, ulp 2^23 at 2^30: (2^30 + 2^22 + 1) / 2^23 = 128.5 +
  // 2^-23 rounds up to 129 (fractions.Fraction), so 2^30 + 2^23.
  expectFloats(r[3], {std::ldexp(1.0, 30) + std::ldexp(1.0, 23)});
}

TEST_F(InterpElementwise, CastIntegersAndBools) {
  parse(R"mlir(
    func.func @main(%a: tensor<2xi32>, %b: tensor<1xui8>, %c: tensor<1xi8>,
                    %d: tensor<3xi64>, %f: tensor<4xf32>, %p: tensor<2xi1>)
        -> (tensor<2xi8>, tensor<1xi8>, tensor<1xui16>, tensor<3xi1>, tensor<4xi1>,
            tensor<2xf32>, tensor<2xi32>) {
      %0 = kiln.cast %a : tensor<2xi32> to tensor<2xi8>
      %1 = kiln.cast %b : tensor<1xui8> to tensor<1xi8>
      %2 = kiln.cast %c : tensor<1xi8> to tensor<1xui16>
      %3 = kiln.cast %d : tensor<3xi64> to tensor<3xi1>
      %4 = kiln.cast %f : tensor<4xf32> to tensor<4xi1>
      %5 = kiln.cast %p : tensor<2xi1> to tensor<2xf32>
      %6 = kiln.cast %p : tensor<2xi1> to tensor<2xi32>
      return %0, %1, %2, %3, %4, %5, %6 : tensor<2xi8>, tensor<1xi8>, tensor<1xui16>,
          tensor<3xi1>, tensor<4xi1>, tensor<2xf32>, tensor<2xi32>
    })mlir");
  SmallVector<Tensor> r = run({argInts(0, {300, -129}), argInts(1, {200}), argInts(2, {-1}),
                               argInts(3, {0, 2, -1}), arg(4, {0.0, -0.0, 0.5, kNaN}),
                               argInts(5, {1, 0})});
  ASSERT_EQ(r.size(), 7u);
  // numpy astype: int32 [300, -129] -> int8 [44, 127]; uint8 200 -> int8 -56;
  // int8 -1 -> uint16 65535.
  expectInts(r[0], {44, 127});
  expectInts(r[1], {-56});
  expectInts(r[2], {65535});
  // numpy astype(bool): x != 0, so 2 -> True (not its low bit), NaN -> True.
  expectInts(r[3], {0, 1, 1});
  expectInts(r[4], {0, 0, 1, 1});
  // True is 1 (not -1) in every type.
  expectFloats(r[5], {1.0, 0.0});
  expectInts(r[6], {1, 0});
}

//===----------------------------------------------------------------------------===//
// quantize and dequantize
//===----------------------------------------------------------------------------===//

TEST_F(InterpElementwise, QuantizeRoundsHalfEvenAndClamps) {
  parse(R"mlir(
    func.func @main(%x: tensor<6xf32>, %y: tensor<6xf32>)
        -> (tensor<6x!quant.uniform<i8:f32, 0.5:-3>>, tensor<6x!quant.uniform<u8:f32, 0.25:128>>) {
      %0 = kiln.quantize %x : tensor<6xf32> to tensor<6x!quant.uniform<i8:f32, 0.5:-3>>
      %1 = kiln.quantize %y : tensor<6xf32> to tensor<6x!quant.uniform<u8:f32, 0.25:128>>
      return %0, %1 : tensor<6x!quant.uniform<i8:f32, 0.5:-3>>, tensor<6x!quant.uniform<u8:f32, 0.25:128>>
    })mlir");
  SmallVector<Tensor> r = run({arg(0, {0.25, 0.75, -0.25, 100, -100, 1.0}),
                               arg(1, {0, 1.0, -40, 40, 0.125, -0.375})});
  ASSERT_EQ(r.size(), 2u);
  // numpy: np.clip(np.rint(x / np.float32(0.5)) - 3, -128, 127)
  //   = [-3, -1, -3, 127, -128, -1]  (0.5 -> 0 and 1.5 -> 2: ties to even).
  expectInts(r[0], {-3, -1, -3, 127, -128, -1});
  // numpy: np.clip(np.rint(y / np.float32(0.25)) + 128, 0, 255)
  //   = [128, 132, 0, 255, 128, 126].
  expectInts(r[1], {128, 132, 0, 255, 128, 126});
}

TEST_F(InterpElementwise, QuantizePerAxis) {
  parse(R"mlir(
    func.func @main(%x: tensor<2x3xf32>)
        -> tensor<2x3x!quant.uniform<i8:f32:1, {0.5:1, 0.25, 2.0:-2}>> {
      %0 = kiln.quantize %x : tensor<2x3xf32> to tensor<2x3x!quant.uniform<i8:f32:1, {0.5:1, 0.25, 2.0:-2}>>
      return %0 : tensor<2x3x!quant.uniform<i8:f32:1, {0.5:1, 0.25, 2.0:-2}>>
    })mlir");
  SmallVector<Tensor> r = run({arg(0, {1, 1, 1, -3, 0.375, 5})});
  ASSERT_EQ(r.size(), 1u);
  // numpy: s = [0.5, 0.25, 2.0], z = [1, 0, -2] along dim 1:
  // np.clip(np.rint(x / s) + z, -128, 127) = [[3, 4, -2], [-5, 2, 0]].
  expectInts(r[0], {3, 4, -2, -5, 2, 0});
}

TEST_F(InterpElementwise, Dequantize) {
  parse(R"mlir(
    func.func @main(%q: tensor<4x!quant.uniform<i8:f32, 0.5:-3>>,
                    %p: tensor<2x3x!quant.uniform<i8:f32:1, {0.5:1, 0.25, 2.0:-2}>>,
                    %t: tensor<1x!quant.uniform<i8:f32, 0.1>>)
        -> (tensor<4xf32>, tensor<2x3xf32>, tensor<1xf32>) {
      %0 = kiln.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> to tensor<4xf32>
      %1 = kiln.dequantize %p : tensor<2x3x!quant.uniform<i8:f32:1, {0.5:1, 0.25, 2.0:-2}>> to tensor<2x3xf32>
      %2 = kiln.dequantize %t : tensor<1x!quant.uniform<i8:f32, 0.1>> to tensor<1xf32>
      return %0, %1, %2 : tensor<4xf32>, tensor<2x3xf32>, tensor<1xf32>
    })mlir");
  SmallVector<Tensor> r = run({argInts(0, {-3, -1, 127, -128}),
                               argInts(1, {3, 4, -2, -5, 2, 0}), argInts(2, {3})});
  ASSERT_EQ(r.size(), 3u);
  // numpy: (q + 3) * np.float32(0.5) = [0, 1, 65, -62.5].
  expectFloats(r[0], {0, 1, 65, -62.5});
  // numpy: (q - z) * s along dim 1 = [[1, 1, 0], [-3, 0.5, 4]].
  expectFloats(r[1], {1, 1, 0, -3, 0.5, 4});
  // numpy: np.float32(3 * 0.1) = 0.30000001192092896.
  expectFloats(r[2], {0.30000001192092896});
}

} // namespace
