//===- ReductionTest.cpp - interpreter reduction kernels --------------------===//
//
// Evaluates small kiln functions with reduce, argmax, softmax, log_softmax, layer_norm,
// batch_norm, pool2d and global_pool, and compares the results with values worked out
// independently: by hand (windows listed beside the literal) or with Debian's numpy
// 1.24 (/usr/bin/python3, the expression noted beside each literal, computed in float64
// and rounded with np.float32). Inexact float results are compared to 1e-6 relative.
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

class InterpReduction : public ::testing::Test {
protected:
  InterpReduction() {
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

  /// Argument `i` of the function: 0, 1, 2, ... in row-major order.
  Tensor iota(unsigned i) {
    auto type = cast<RankedTensorType>(fn.getArgumentTypes()[i]);
    Tensor t(type.getElementType(), type.getShape());
    for (int64_t j = 0; j < t.getNumElements(); ++j) {
      t.setDouble(j, static_cast<double>(j));
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

/// `t` has `shape` and holds `expected` (NaN matches NaN), exactly or to `relTol`.
void expectFloats(const Tensor &t, ArrayRef<int64_t> shape, ArrayRef<double> expected,
                  double relTol = 0) {
  ASSERT_TRUE(t.isFloat());
  EXPECT_EQ(t.getShape(), shape);
  ASSERT_EQ(t.getNumElements(), static_cast<int64_t>(expected.size()));
  for (auto [i, e] : llvm::enumerate(expected)) {
    double a = t.floats()[i];
    if (std::isnan(e)) {
      EXPECT_TRUE(std::isnan(a)) << "element " << i << " is " << a << ", expected NaN";
    } else if (relTol == 0) {
      EXPECT_EQ(a, e) << "element " << i;
    } else {
      EXPECT_NEAR(a, e, relTol * std::max(1.0, std::fabs(e))) << "element " << i;
    }
  }
}

/// `t` has `shape` and holds the integers `expected`.
void expectInts(const Tensor &t, ArrayRef<int64_t> shape, ArrayRef<int64_t> expected) {
  ASSERT_FALSE(t.isFloat());
  EXPECT_EQ(t.getShape(), shape);
  ASSERT_EQ(t.getNumElements(), static_cast<int64_t>(expected.size()));
  for (auto [i, e] : llvm::enumerate(expected)) {
    EXPECT_EQ(t.ints()[i], e) << "element " << i;
  }
}

//===----------------------------------------------------------------------------===//
// reduce
//===----------------------------------------------------------------------------===//

TEST_F(InterpReduction, ReduceFloatKindsAndKeepDims) {
  parse(R"mlir(
    func.func @main(%x: tensor<2x3x4xf32>, %y: tensor<2x3x4xf32>)
        -> (tensor<2x4xf32>, tensor<2x1x4xf32>, tensor<2xf32>, tensor<1x3x1xf32>,
            tensor<3x4xf32>) {
      %0 = kiln.reduce sum %x axes = [1] : (tensor<2x3x4xf32>) -> tensor<2x4xf32>
      %1 = kiln.reduce mean %x axes = [1] keep_dims : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
      %2 = kiln.reduce max %x axes = [1, 2] : (tensor<2x3x4xf32>) -> tensor<2xf32>
      %3 = kiln.reduce min %x axes = [0, 2] keep_dims : (tensor<2x3x4xf32>) -> tensor<1x3x1xf32>
      %4 = kiln.reduce prod %y axes = [0] : (tensor<2x3x4xf32>) -> tensor<3x4xf32>
      return %0, %1, %2, %3, %4 : tensor<2x4xf32>, tensor<2x1x4xf32>, tensor<2xf32>,
          tensor<1x3x1xf32>, tensor<3x4xf32>
    })mlir");
  // y = np.arange(24) % 5 + 1.
  std::vector<double> y;
  for (int i = 0; i < 24; ++i) {
    y.push_back(i % 5 + 1);
  }
  SmallVector<Tensor> r = run({iota(0), arg(1, y)});
  ASSERT_EQ(r.size(), 5u);
  // numpy, x = np.arange(24.).reshape(2, 3, 4): x.sum(1), x.mean(1, keepdims=True),
  // x.max((1, 2)), x.min((0, 2), keepdims=True); y.reshape(2, 3, 4).prod(0).
  expectFloats(r[0], {2, 4}, {12, 15, 18, 21, 48, 51, 54, 57});
  expectFloats(r[1], {2, 1, 4}, {4, 5, 6, 7, 16, 17, 18, 19});
  expectFloats(r[2], {2}, {11, 23});
  expectFloats(r[3], {1, 3, 1}, {0, 4, 8});
  expectFloats(r[4], {3, 4}, {3, 8, 15, 4, 10, 3, 8, 15, 4, 10, 3, 8});
}

TEST_F(InterpReduction, ReduceMaxMinPropagateNaN) {
  parse(R"mlir(
    func.func @main(%x: tensor<2x3xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
      %0 = kiln.reduce max %x axes = [1] : (tensor<2x3xf32>) -> tensor<2xf32>
      %1 = kiln.reduce min %x axes = [1] : (tensor<2x3xf32>) -> tensor<2xf32>
      return %0, %1 : tensor<2xf32>, tensor<2xf32>
    })mlir");
  SmallVector<Tensor> r = run({arg(0, {1, kNaN, 3, -1, 7, 2})});
  ASSERT_EQ(r.size(), 2u);
  // numpy: np.max / np.min along axis 1 propagate NaN.
  expectFloats(r[0], {2}, {kNaN, 7});
  expectFloats(r[1], {2}, {kNaN, -1});
}

TEST_F(InterpReduction, ReduceIntegers) {
  parse(R"mlir(
    func.func @main(%i: tensor<2x3xi32>, %b: tensor<3xi8>, %u: tensor<2xui8>,
                    %p: tensor<2x3xi32>)
        -> (tensor<2xi32>, tensor<2x1xi32>, tensor<1xi8>, tensor<1xui8>, tensor<1xi8>,
            tensor<2xi32>) {
      %0 = kiln.reduce mean %i axes = [1] : (tensor<2x3xi32>) -> tensor<2xi32>
      %1 = kiln.reduce sum %i axes = [1] keep_dims : (tensor<2x3xi32>) -> tensor<2x1xi32>
      %2 = kiln.reduce sum %b axes = [0] keep_dims : (tensor<3xi8>) -> tensor<1xi8>
      %3 = kiln.reduce max %u axes = [0] keep_dims : (tensor<2xui8>) -> tensor<1xui8>
      %4 = kiln.reduce min %b axes = [0] keep_dims : (tensor<3xi8>) -> tensor<1xi8>
      %5 = kiln.reduce prod %p axes = [1] : (tensor<2x3xi32>) -> tensor<2xi32>
      return %0, %1, %2, %3, %4, %5 : tensor<2xi32>, tensor<2x1xi32>, tensor<1xi8>,
          tensor<1xui8>, tensor<1xi8>, tensor<2xi32>
    })mlir");
  SmallVector<Tensor> r =
      run({arg(0, {1, 2, 2, -1, -2, -2}), arg(1, {100, 100, 100}), arg(2, {200, 100}),
           arg(3, {2, 3, 4, -1, 5, 7})});
  ASSERT_EQ(r.size(), 6u);
  // numpy: np.trunc([5, -5] / 3) = [1, -1] (truncation, not floor's -2).
  expectInts(r[0], {2}, {1, -1});
  expectInts(r[1], {2, 1}, {5, -5});
  // numpy: np.int8([100, 100, 100]).sum().astype(np.int8) = 44 (300 wraps).
  expectInts(r[2], {1}, {44});
  // Unsigned compare: 200 > 100 (as i8, 200 would read -56).
  expectInts(r[3], {1}, {200});
  expectInts(r[4], {1}, {100});
  // numpy: np.int32([[2, 3, 4], [-1, 5, 7]]).prod(1) = [24, -35].
  expectInts(r[5], {2}, {24, -35});
}

//===----------------------------------------------------------------------------===//
// argmax
//===----------------------------------------------------------------------------===//

TEST_F(InterpReduction, ArgmaxTiesFirstAndLast) {
  parse(R"mlir(
    func.func @main(%x: tensor<2x4xf32>)
        -> (tensor<2xi64>, tensor<2xi64>, tensor<1x4xi64>, tensor<1x4xi64>) {
      %0 = kiln.argmax %x axis = 1 : (tensor<2x4xf32>) -> tensor<2xi64>
      %1 = kiln.argmax %x axis = 1 select_last_index : (tensor<2x4xf32>) -> tensor<2xi64>
      %2 = kiln.argmax %x axis = 0 keep_dims : (tensor<2x4xf32>) -> tensor<1x4xi64>
      %3 = kiln.argmax %x axis = 0 keep_dims select_last_index : (tensor<2x4xf32>) -> tensor<1x4xi64>
      return %0, %1, %2, %3 : tensor<2xi64>, tensor<2xi64>, tensor<1x4xi64>, tensor<1x4xi64>
    })mlir");
  SmallVector<Tensor> r = run({arg(0, {1, 5, 3, 2, 5, 5, 1, 2})});
  ASSERT_EQ(r.size(), 4u);
  // By hand, x = [[1, 5, 3, 2], [5, 5, 1, 2]]: row 1 ties at 0 and 1; columns 1 and 3
  // tie between the rows.
  expectInts(r[0], {2}, {1, 0});
  expectInts(r[1], {2}, {1, 1});
  expectInts(r[2], {1, 4}, {1, 0, 0, 0});
  expectInts(r[3], {1, 4}, {1, 1, 0, 1});
}

TEST_F(InterpReduction, ArgmaxUnsignedAndNaN) {
  parse(R"mlir(
    func.func @main(%u: tensor<3xui8>, %x: tensor<4xf32>)
        -> (tensor<i64>, tensor<i64>, tensor<i64>) {
      %0 = kiln.argmax %u axis = 0 : (tensor<3xui8>) -> tensor<i64>
      %1 = kiln.argmax %x axis = 0 : (tensor<4xf32>) -> tensor<i64>
      %2 = kiln.argmax %x axis = 0 select_last_index : (tensor<4xf32>) -> tensor<i64>
      return %0, %1, %2 : tensor<i64>, tensor<i64>, tensor<i64>
    })mlir");
  SmallVector<Tensor> r = run({arg(0, {1, 255, 3}), arg(1, {1, kNaN, 3, kNaN})});
  ASSERT_EQ(r.size(), 3u);
  // 255 is the largest ui8 (as i8 it would be -1 and index 2 would win).
  expectInts(r[0], {}, {1});
  // numpy: np.argmax([1, nan, 3, nan]) = 1 (NaN is the maximum); the last index, as
  // ONNX's reference computes it, is 3 - np.argmax(flipped) = 3.
  expectInts(r[1], {}, {1});
  expectInts(r[2], {}, {3});
}

//===----------------------------------------------------------------------------===//
// softmax, log_softmax, layer_norm, batch_norm
//===----------------------------------------------------------------------------===//

TEST_F(InterpReduction, SoftmaxIsStableForLargeInputs) {
  parse(R"mlir(
    func.func @main(%x: tensor<2x3xf32>, %y: tensor<2x2xf32>)
        -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x2xf32>, tensor<2x2xf32>) {
      %0 = kiln.softmax %x axis = 1 : tensor<2x3xf32>
      %1 = kiln.log_softmax %x axis = 1 : tensor<2x3xf32>
      %2 = kiln.softmax %y axis = 0 : tensor<2x2xf32>
      %3 = kiln.log_softmax %y axis = 0 : tensor<2x2xf32>
      return %0, %1, %2, %3 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x2xf32>, tensor<2x2xf32>
    })mlir");
  // exp(1000) overflows f64: a kernel that does not subtract the max returns NaN.
  SmallVector<Tensor> r = run({arg(0, {1, 2, 3, 1000, 1001, 1002}), arg(1, {1, 2, 3, 5})});
  ASSERT_EQ(r.size(), 4u);
  // numpy: e = np.exp(x - x.max(1, keepdims=True)); e / e.sum(1, keepdims=True), and
  // (x - m) - np.log(np.exp(x - m).sum(1, keepdims=True)); the same along axis 0 for y.
  expectFloats(r[0], {2, 3},
               {0.09003057330846786, 0.2447284758090973, 0.6652409434318542,
                0.09003057330846786, 0.2447284758090973, 0.6652409434318542},
               1e-6);
  expectFloats(r[1], {2, 3},
               {-2.4076058864593506, -1.4076060056686401, -0.40760597586631775,
                -2.4076058864593506, -1.4076060056686401, -0.40760597586631775},
               1e-6);
  expectFloats(r[2], {2, 2},
               {0.11920291930437088, 0.04742587357759476, 0.8807970881462097,
                0.9525741338729858},
               1e-6);
  expectFloats(r[3], {2, 2},
               {-2.1269280910491943, -3.0485873222351074, -0.12692801654338837,
                -0.04858735203742981},
               1e-6);
}

TEST_F(InterpReduction, LayerNorm) {
  parse(R"mlir(
    func.func @main(%x: tensor<2x4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>,
                    %z: tensor<2x2x2xf32>, %zg: tensor<2x2xf32>)
        -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x2x2xf32>) {
      %0 = kiln.layer_norm %x scale %g bias %b axis = 1 epsilon = 1.0e-05 : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
      %1 = kiln.layer_norm %x axis = 1 epsilon = 1.0e-05 : (tensor<2x4xf32>) -> tensor<2x4xf32>
      %2 = kiln.layer_norm %z scale %zg axis = 1 epsilon = 1.0e-03 : (tensor<2x2x2xf32>, tensor<2x2xf32>) -> tensor<2x2x2xf32>
      return %0, %1, %2 : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x2x2xf32>
    })mlir");
  SmallVector<Tensor> r =
      run({arg(0, {1, 2, 3, 4, 2, 4, 4, 10}), arg(1, {1, 0.5, 2, -1}), arg(2, {0, 1, -1, 0.25}),
           arg(3, {1, 2, 3, 4, 0, 0, 0, 8}), arg(4, {1, 2, 3, 4})});
  ASSERT_EQ(r.size(), 3u);
  // numpy: ax = dims [axis, rank); m = x.mean(ax, keepdims=True);
  // v = ((x - m)**2).mean(ax, keepdims=True); (x - m) / np.sqrt(v + eps) * g + b.
  expectFloats(r[0], {2, 4},
               {-1.3416354656219482, 0.7763940691947937, -0.10557638853788376,
                -1.0916354656219482, -0.999999463558197, 0.833333432674408,
                -1.6666662693023682, -1.41666579246521},
               1e-6);
  expectFloats(r[1], {2, 4},
               {-1.3416354656219482, -0.4472118020057678, 0.4472118020057678,
                1.3416354656219482, -0.999999463558197, -0.3333331346511841,
                -0.3333331346511841, 1.66666579246521},
               1e-6);
  // Normalized over the last two dims, scale of shape 2x2.
  expectFloats(r[2], {2, 2, 2},
               {-1.341104507446289, -0.8940696120262146, 1.341104507446289, 5.364418029785156,
                -0.577326238155365, -1.15465247631073, -1.7319786548614502, 6.927914619445801},
               1e-6);
}

TEST_F(InterpReduction, BatchNorm) {
  parse(R"mlir(
    func.func @main(%x: tensor<2x2x3xf32>, %s: tensor<2xf32>, %b: tensor<2xf32>,
                    %m: tensor<2xf32>, %v: tensor<2xf32>) -> tensor<2x2x3xf32> {
      %0 = kiln.batch_norm %x, %s, %b, %m, %v epsilon = 1.0e-05 : (tensor<2x2x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2x2x3xf32>
      return %0 : tensor<2x2x3xf32>
    })mlir");
  SmallVector<Tensor> r = run({iota(0), arg(1, {2, 0.5}), arg(2, {1, -1}), arg(3, {1, 6}),
                               arg(4, {4, 0.25})});
  ASSERT_EQ(r.size(), 1u);
  // numpy, x = np.arange(12.).reshape(2, 2, 3), parameters broadcast along dim 1:
  // (x - m) / np.sqrt(v + 1e-5) * s + b.
  expectFloats(r[0], {2, 2, 3},
               {1.2499976946855895e-06, 1.0, 1.9999988079071045, -3.9999399185180664,
                -2.999959945678711, -1.9999799728393555, 5.999993801116943, 6.999992370605469,
                7.999991416931152, 1.999940037727356, 2.999919891357422, 3.9999001026153564},
               1e-6);
}

//===----------------------------------------------------------------------------===//
// pool2d and global_pool
//===----------------------------------------------------------------------------===//

TEST_F(InterpReduction, Pool2dPaddedMaxAndAvg) {
  parse(R"mlir(
    func.func @main(%x: tensor<1x1x4x4xf32>)
        -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) {
      %0 = kiln.pool2d max %x kernel = [3, 3] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
      %1 = kiln.pool2d avg %x kernel = [3, 3] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
      %2 = kiln.pool2d avg %x kernel = [3, 3] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, count_include_pad} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
      return %0, %1, %2 : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>
    })mlir");
  SmallVector<Tensor> r = run({iota(0)});
  ASSERT_EQ(r.size(), 3u);
  // By hand, x = arange(16) as 4x4; windows cover rows/cols {0,1} or {1,2,3}:
  // sums 0+1+4+5 = 10 (4 valid), 1+2+3+5+6+7 = 24 (6), 4+5+8+9+12+13 = 51 (6),
  // 5+6+7+9+10+11+13+14+15 = 90 (9); every window has 9 positions with padding.
  expectFloats(r[0], {1, 1, 2, 2}, {5, 7, 13, 15});
  expectFloats(r[1], {1, 1, 2, 2}, {2.5, 4, 8.5, 10});
  expectFloats(r[2], {1, 1, 2, 2}, {10.0 / 9, 24.0 / 9, 51.0 / 9, 10}, 1e-6);
}

TEST_F(InterpReduction, Pool2dCeilModeOverhangIsNotCounted) {
  parse(R"mlir(
    func.func @main(%x: tensor<1x1x1x6xf32>, %y: tensor<1x1x1x5xf32>, %z: tensor<1x1x6x1xf32>)
        -> (tensor<1x1x1x4xf32>, tensor<1x1x1x4xf32>, tensor<1x1x1x3xf32>, tensor<1x1x4x1xf32>) {
      %0 = kiln.pool2d avg %x kernel = [1, 3] {strides = array<i64: 1, 2>, pads = array<i64: 0, 1, 0, 1>, ceil_mode, count_include_pad} : (tensor<1x1x1x6xf32>) -> tensor<1x1x1x4xf32>
      %1 = kiln.pool2d avg %x kernel = [1, 3] {strides = array<i64: 1, 2>, pads = array<i64: 0, 1, 0, 1>, ceil_mode} : (tensor<1x1x1x6xf32>) -> tensor<1x1x1x4xf32>
      %2 = kiln.pool2d max %y kernel = [1, 2] {strides = array<i64: 1, 2>, ceil_mode} : (tensor<1x1x1x5xf32>) -> tensor<1x1x1x3xf32>
      %3 = kiln.pool2d avg %z kernel = [3, 1] {strides = array<i64: 2, 1>, pads = array<i64: 1, 0, 1, 0>, ceil_mode, count_include_pad} : (tensor<1x1x6x1xf32>) -> tensor<1x1x4x1xf32>
      return %0, %1, %2, %3 : tensor<1x1x1x4xf32>, tensor<1x1x1x4xf32>, tensor<1x1x1x3xf32>,
          tensor<1x1x4x1xf32>
    })mlir");
  SmallVector<Tensor> r = run({arg(0, {1, 2, 3, 4, 5, 6}), arg(1, {3, 1, 4, 1, 5}),
                               arg(2, {1, 2, 3, 4, 5, 6})});
  ASSERT_EQ(r.size(), 4u);
  // By hand: windows start at -1, 1, 3, 5 over the padded range [-1, 7). The last
  // window {5, 6, 7} holds x[5] = 6, one trailing pad (6) and one overhang (7):
  // with count_include_pad 6 / 2 = 3 (PyTorch's divisor), else 6 / 1. The first window
  // {-1, 0, 1} sums 3 over 3 positions or 2 valid ones.
  expectFloats(r[0], {1, 1, 1, 4}, {1, 3, 5, 3});
  expectFloats(r[1], {1, 1, 1, 4}, {1.5, 3, 5, 6});
  // Windows {0, 1}, {2, 3}, {4} (ceil_mode adds the partial last window).
  expectFloats(r[2], {1, 1, 1, 3}, {3, 4, 5});
  // The first case along the height instead of the width.
  expectFloats(r[3], {1, 1, 4, 1}, {1, 3, 5, 3});
}

TEST_F(InterpReduction, Pool2dMaxSkipsPaddingAndDilates) {
  parse(R"mlir(
    func.func @main(%x: tensor<1x1x2x2xf32>, %y: tensor<1x1x1x5xf32>, %i: tensor<1x1x2x2xi32>,
                    %u: tensor<1x1x2x2xui8>)
        -> (tensor<1x1x3x3xf32>, tensor<1x1x1x3xf32>, tensor<1x1x1x3xf32>,
            tensor<1x1x1x1xi32>, tensor<1x1x1x1xui8>) {
      %0 = kiln.pool2d max %x kernel = [2, 2] {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32>
      %1 = kiln.pool2d max %y kernel = [1, 2] {dilations = array<i64: 1, 2>} : (tensor<1x1x1x5xf32>) -> tensor<1x1x1x3xf32>
      %2 = kiln.pool2d avg %y kernel = [1, 2] {dilations = array<i64: 1, 2>} : (tensor<1x1x1x5xf32>) -> tensor<1x1x1x3xf32>
      %3 = kiln.pool2d max %i kernel = [2, 2] : (tensor<1x1x2x2xi32>) -> tensor<1x1x1x1xi32>
      %4 = kiln.pool2d max %u kernel = [2, 2] : (tensor<1x1x2x2xui8>) -> tensor<1x1x1x1xui8>
      return %0, %1, %2, %3, %4 : tensor<1x1x3x3xf32>, tensor<1x1x1x3xf32>,
          tensor<1x1x1x3xf32>, tensor<1x1x1x1xi32>, tensor<1x1x1x1xui8>
    })mlir");
  SmallVector<Tensor> r =
      run({arg(0, {-1, -2, -3, -4}), arg(1, {3, 1, 4, 1, 5}), arg(2, {-5, 7, 2, -9}),
           arg(3, {200, 3, 100, 50})});
  ASSERT_EQ(r.size(), 5u);
  // By hand: all inputs negative, so a padded 0 taking part would show up as 0.
  expectFloats(r[0], {1, 1, 3, 3}, {-1, -1, -2, -1, -1, -2, -3, -3, -4});
  // Dilation 2: windows {0, 2}, {1, 3}, {2, 4}.
  expectFloats(r[1], {1, 1, 1, 3}, {4, 1, 5});
  expectFloats(r[2], {1, 1, 1, 3}, {3.5, 1, 4.5});
  expectInts(r[3], {1, 1, 1, 1}, {7});
  expectInts(r[4], {1, 1, 1, 1}, {200});
}

TEST_F(InterpReduction, Pool2dArgmaxOrdersTiesNaNAndPadding) {
  parse(R"mlir(
    func.func @main(%x: tensor<2x1x2x3xf32>, %u: tensor<1x1x2x2xui8>)
        -> (tensor<2x1x1x2xi64>, tensor<2x1x1x2xi64>, tensor<2x1x2x2xi64>,
            tensor<1x1x1x1xi64>) {
      %0 = kiln.pool2d_argmax %x kernel = [2, 2] : (tensor<2x1x2x3xf32>) -> tensor<2x1x1x2xi64>
      %1 = kiln.pool2d_argmax %x kernel = [2, 2] {column_major} : (tensor<2x1x2x3xf32>) -> tensor<2x1x1x2xi64>
      %2 = kiln.pool2d_argmax %x kernel = [2, 2] {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<2x1x2x3xf32>) -> tensor<2x1x2x2xi64>
      %3 = kiln.pool2d_argmax %u kernel = [2, 2] : (tensor<1x1x2x2xui8>) -> tensor<1x1x1x1xi64>
      return %0, %1, %2, %3 : tensor<2x1x1x2xi64>, tensor<2x1x1x2xi64>, tensor<2x1x2x2xi64>,
          tensor<1x1x1x1xi64>
    })mlir");
  // Plane 0 = [[1, 5, 5], [NaN, 2, 0]]: ties keep the first (row, then column), NaN never
  // wins. Plane 1 = [[-1, -2, -3], [-4, -5, 9]], offset 6 in the flattened input.
  SmallVector<Tensor> r =
      run({arg(0, {1, 5, 5, kNaN, 2, 0, -1, -2, -3, -4, -5, 9}), arg(1, {3, 200, 100, 7})});
  ASSERT_EQ(r.size(), 4u);
  // By hand, row-major h * 3 + w + plane * 6: windows cols {0,1} and {1,2}.
  expectInts(r[0], {2, 1, 1, 2}, {1, 1, 6, 11});
  // Column-major h + w * 2 + plane * 6: (0,1) -> 2, (0,1) -> 2, (0,0) -> 0, (1,2) -> 5.
  expectInts(r[1], {2, 1, 1, 2}, {2, 2, 6, 11});
  // Pads 1: windows over rows {-1,0}/{1,2}, cols {-1,0}/{1,2}; padding skipped; the
  // window holding only the NaN (plane 0, row 1, col 0) points at it.
  expectInts(r[2], {2, 1, 2, 2}, {0, 1, 3, 4, 6, 7, 9, 11});
  // Unsigned compare: 200 > 100.
  expectInts(r[3], {1, 1, 1, 1}, {1});
}

TEST_F(InterpReduction, GlobalPool) {
  parse(R"mlir(
    func.func @main(%x: tensor<1x2x2x2xf32>, %y: tensor<2x2x3xi8>, %u: tensor<1x1x3xui8>,
                    %i: tensor<1x1x3xi32>)
        -> (tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>, tensor<2x2x1xi8>, tensor<1x1x1xui8>,
            tensor<1x1x1xi32>) {
      %0 = kiln.global_pool avg %x : (tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32>
      %1 = kiln.global_pool max %x : (tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32>
      %2 = kiln.global_pool max %y : (tensor<2x2x3xi8>) -> tensor<2x2x1xi8>
      %3 = kiln.global_pool max %u : (tensor<1x1x3xui8>) -> tensor<1x1x1xui8>
      %4 = kiln.global_pool avg %i : (tensor<1x1x3xi32>) -> tensor<1x1x1xi32>
      return %0, %1, %2, %3, %4 : tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>,
          tensor<2x2x1xi8>, tensor<1x1x1xui8>, tensor<1x1x1xi32>
    })mlir");
  SmallVector<Tensor> r =
      run({arg(0, {1, 2, 3, 4, 10, 20, 30, kNaN}),
           arg(1, {1, -5, 3, -128, -100, -2, 0, 0, 0, 127, -1, 5}), arg(2, {200, 3, 100}),
           arg(3, {1, 2, 2})});
  ASSERT_EQ(r.size(), 5u);
  // By hand: (1+2+3+4)/4 = 2.5; the second plane holds a NaN, which propagates.
  expectFloats(r[0], {1, 2, 1, 1}, {2.5, kNaN});
  expectFloats(r[1], {1, 2, 1, 1}, {4, kNaN});
  expectInts(r[2], {2, 2, 1}, {3, -2, 0, 127});
  expectInts(r[3], {1, 1, 1}, {200});
  // 5 / 3 truncates to 1 in an integer type.
  expectInts(r[4], {1, 1, 1}, {1});
}

} // namespace
