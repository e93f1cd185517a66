//===- ContractionTest.cpp - interpreter matmul and conv2d ------------------===//
//
// Each test parses a small kiln function, evaluates it, and compares with values worked
// out by hand or with numpy (float64 numpy, then rounded to the result type; the numpy
// expression is in a comment beside the literals). conv2d's numpy reference is a naive
// loop over output positions:
//   xp = np.pad(x, ((0,0),(0,0),(top,bottom),(left,right)))
//   y[n,o,i,j] = sum(xp[n, g*Cg:(g+1)*Cg, i*sh : i*sh+dh*(KH-1)+1 : dh,
//                       j*sw : j*sw+dw*(KW-1)+1 : dw] * w[o]) + b[o]   (g = o // (O//groups))
// The last test times two resnet-sized convolutions and prints GFLOP/s for the record.
//
//===----------------------------------------------------------------------------===//
#include "lib/interp/Interpreter.h"

#include "dialects/kiln/KilnDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>

using namespace mlir;
using namespace kiln::interp;

namespace {

class InterpContraction : public ::testing::Test {
protected:
  InterpContraction()
      : handler(&ctx, [this](Diagnostic &d) {
          errors.push_back(d.str());
          return success();
        }) {
    ctx.loadDialect<kiln::KilnDialect, func::FuncDialect, quant::QuantDialect>();
  }

  /// Parses `source` and returns its function @f.
  func::FuncOp parse(StringRef source) {
    module = parseSourceString<ModuleOp>(source, &ctx);
    if (!module) {
      ADD_FAILURE() << "parse failed: " << (errors.empty() ? "" : errors.back());
      return nullptr;
    }
    return module->lookupSymbol<func::FuncOp>("f");
  }

  /// A tensor of argument `i`'s type with element k = gen(k) (rounded / wrapped to the
  /// element type by setDouble).
  static Tensor arg(func::FuncOp f, unsigned i, const std::function<double(int64_t)> &gen) {
    auto type = cast<RankedTensorType>(f.getArgumentTypes()[i]);
    Tensor t(type.getElementType(), type.getShape());
    for (int64_t k = 0; k < t.getNumElements(); ++k) {
      t.setDouble(k, gen(k));
    }
    return t;
  }
  static Tensor arg(func::FuncOp f, unsigned i, std::vector<double> values) {
    auto type = cast<RankedTensorType>(f.getArgumentTypes()[i]);
    EXPECT_EQ(static_cast<int64_t>(values.size()), type.getNumElements()) << "argument " << i;
    values.resize(type.getNumElements());
    return arg(f, i, [&](int64_t k) { return values[k]; });
  }

  /// Evaluates @f; fails the test if evaluation fails.
  SmallVector<Tensor> run(func::FuncOp f, ArrayRef<Tensor> args) {
    if (!f) {
      return {};
    }
    FailureOr<SmallVector<Tensor>> results = evaluateFunction(f, args);
    if (failed(results)) {
      ADD_FAILURE() << "evaluation failed: " << (errors.empty() ? "" : errors.back());
      return {};
    }
    return *results;
  }

  /// `t` has `shape` and exactly the values `expected`.
  static void expectValues(const Tensor &t, ArrayRef<int64_t> shape,
                           ArrayRef<double> expected) {
    ASSERT_EQ(t.getShape(), shape);
    ASSERT_EQ(t.getNumElements(), static_cast<int64_t>(expected.size()));
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(t.getDouble(i), expected[i]) << "element " << i;
    }
  }

  MLIRContext ctx;
  std::vector<std::string> errors;
  ScopedDiagnosticHandler handler;
  OwningOpRef<ModuleOp> module;
};

//===----------------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------------===//

TEST_F(InterpContraction, Matmul2D) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%a: tensor<2x3xf32>, %b: tensor<3x2xf32>) -> tensor<2x2xf32> {
      %0 = kiln.matmul %a, %b : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
      return %0 : tensor<2x2xf32>
    })mlir");
  // By hand: [[1,2,3],[4,5,6]] x [[7,8],[9,10],[11,12]] = [[58,64],[139,154]].
  auto r = run(f, {arg(f, 0, {1, 2, 3, 4, 5, 6}), arg(f, 1, {7, 8, 9, 10, 11, 12})});
  ASSERT_EQ(r.size(), 1u);
  expectValues(r[0], {2, 2}, {58, 64, 139, 154});
}

TEST_F(InterpContraction, MatmulTransposes) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%a: tensor<2x3xf32>, %at: tensor<3x2xf32>, %b: tensor<3x2xf32>,
                 %bt: tensor<2x3xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>) {
      %0 = kiln.matmul %at, %b transpose_a : (tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
      %1 = kiln.matmul %a, %bt transpose_b : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x2xf32>
      %2 = kiln.matmul %at, %bt transpose_a transpose_b
          : (tensor<3x2xf32>, tensor<2x3xf32>) -> tensor<2x2xf32>
      return %0, %1, %2 : tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>
    })mlir");
  // The operands of Matmul2D, stored transposed: the product is the same.
  auto r = run(f, {arg(f, 0, {1, 2, 3, 4, 5, 6}), arg(f, 1, {1, 4, 2, 5, 3, 6}),
                   arg(f, 2, {7, 8, 9, 10, 11, 12}), arg(f, 3, {7, 9, 11, 8, 10, 12})});
  ASSERT_EQ(r.size(), 3u);
  for (const Tensor &t : r) {
    expectValues(t, {2, 2}, {58, 64, 139, 154});
  }
}

TEST_F(InterpContraction, MatmulBroadcastsBatchDims) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%a: tensor<2x1x2x3xf64>, %b: tensor<3x3x2xf64>) -> tensor<2x3x2x2xf64> {
      %0 = kiln.matmul %a, %b : (tensor<2x1x2x3xf64>, tensor<3x3x2xf64>) -> tensor<2x3x2x2xf64>
      return %0 : tensor<2x3x2x2xf64>
    })mlir");
  // numpy: a = (np.arange(12) - 5).reshape(2,1,2,3); b = (np.arange(18) % 7 - 2).reshape(3,3,2)
  //        np.matmul(a, b).ravel()
  auto r = run(f, {arg(f, 0, [](int64_t k) { return k - 5.0; }),
                   arg(f, 1, [](int64_t k) { return k % 7 - 2.0; })});
  ASSERT_EQ(r.size(), 1u);
  expectValues(r[0], {2, 3, 2, 2}, {4,  -8, 4,  1,  -19, 4, -7, 4, -7, -19, -4, -7,
                                    4,  10, 4,  19, 5,   4, 17, 4, -1, 5,   2,  17});
}

TEST_F(InterpContraction, MatmulF16AccumulatesInDoubleAndRoundsOnce) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%a: tensor<1x3xf16>, %b: tensor<3x1xf16>) -> tensor<1x1xf16> {
      %0 = kiln.matmul %a, %b : (tensor<1x3xf16>, tensor<3x1xf16>) -> tensor<1x1xf16>
      return %0 : tensor<1x1xf16>
    })mlir");
  // [1, 2^-11, 2^-12] . [1, 1, 1] = 1 + 3 * 2^-12 exactly in double, which rounds to the
  // f16 1 + 2^-10 (f16 spacing at 1 is 2^-10). Summing in f16 would give 1: 1 + 2^-11 is
  // a tie that rounds to even (1), and 1 + 2^-12 rounds down.
  auto r = run(f, {arg(f, 0, {1.0, std::ldexp(1.0, -11), std::ldexp(1.0, -12)}),
                   arg(f, 1, {1, 1, 1})});
  ASSERT_EQ(r.size(), 1u);
  expectValues(r[0], {1, 1}, {1.0 + std::ldexp(1.0, -10)});
}

TEST_F(InterpContraction, MatmulI8AccumulatesIntoI32) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%a: tensor<2x2xi8>, %b: tensor<2x2xi8>, %c: tensor<1x2xui8>,
                 %d: tensor<2x1xi8>) -> (tensor<2x2xi32>, tensor<1x1xi32>) {
      %0 = kiln.matmul %a, %b : (tensor<2x2xi8>, tensor<2x2xi8>) -> tensor<2x2xi32>
      %1 = kiln.matmul %c, %d : (tensor<1x2xui8>, tensor<2x1xi8>) -> tensor<1x1xi32>
      return %0, %1 : tensor<2x2xi32>, tensor<1x1xi32>
    })mlir");
  // By hand: [[127,-128],[-1,2]] x [[127,1],[-128,-1]]:
  //   127*127 + 128*128 = 32513, 127 + 128 = 255, -127 - 256 = -383, -1 - 2 = -3.
  // ui8 x i8: 255 * -128 + 200 * 127 = -7240.
  auto r = run(f, {arg(f, 0, {127, -128, -1, 2}), arg(f, 1, {127, 1, -128, -1}),
                   arg(f, 2, {255, 200}), arg(f, 3, {-128, 127})});
  ASSERT_EQ(r.size(), 2u);
  expectValues(r[0], {2, 2}, {32513, 255, -383, -3});
  expectValues(r[1], {1, 1}, {-7240});
}

TEST_F(InterpContraction, MatmulI32ResultWraps) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%a: tensor<1x40000xui8>, %b: tensor<40000x1xui8>) -> tensor<1x1xi32> {
      %0 = kiln.matmul %a, %b : (tensor<1x40000xui8>, tensor<40000x1xui8>) -> tensor<1x1xi32>
      return %0 : tensor<1x1xi32>
    })mlir");
  // 40000 * 255 * 255 = 2601000000 > 2^31 - 1 wraps to 2601000000 - 2^32 = -1693967296
  // (numpy: np.array([40000*255*255]).astype(np.int32)).
  auto r = run(f, {arg(f, 0, [](int64_t) { return 255.0; }),
                   arg(f, 1, [](int64_t) { return 255.0; })});
  ASSERT_EQ(r.size(), 1u);
  expectValues(r[0], {1, 1}, {-1693967296.0});
}

TEST_F(InterpContraction, MatmulQuantizedSubtractsZeroPoints) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%a: tensor<2x2x!quant.uniform<i8:f32, 0.1:-3>>,
                 %b: tensor<2x2x!quant.uniform<u8:f32, 0.2:128>>) -> tensor<2x2xi32> {
      %0 = kiln.matmul %a, %b : (tensor<2x2x!quant.uniform<i8:f32, 0.1:-3>>,
                                 tensor<2x2x!quant.uniform<u8:f32, 0.2:128>>) -> tensor<2x2xi32>
      return %0 : tensor<2x2xi32>
    })mlir");
  // Storage a = [[-3,0],[5,-128]] (zero point -3), b = [[128,130],[0,255]] (zero point
  // 128). By hand, (a + 3) = [[0,3],[8,-125]], (b - 128) = [[0,2],[-128,127]]:
  //   [[3*-128, 3*127], [-125*-128, 8*2 - 125*127]] = [[-384, 381], [16000, -15859]].
  auto r = run(f, {arg(f, 0, {-3, 0, 5, -128}), arg(f, 1, {128, 130, 0, 255})});
  ASSERT_EQ(r.size(), 1u);
  expectValues(r[0], {2, 2}, {-384, 381, 16000, -15859});
}

TEST_F(InterpContraction, MatmulShapeMismatchIsAnError) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%a: tensor<2x3xf32>, %b: tensor<3x2xf32>) -> tensor<2x2xf32> {
      %0 = kiln.matmul %a, %b : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
      return %0 : tensor<2x2xf32>
    })mlir");
  ASSERT_TRUE(f);
  // A 4x2 rhs where 3x2 is declared: K differs, which must be a diagnostic, not a read
  // past the end of the lhs.
  Tensor lhs(Builder(&ctx).getF32Type(), {2, 3});
  Tensor badRhs(Builder(&ctx).getF32Type(), {4, 2});
  // The function checks arguments against its signature...
  EXPECT_TRUE(failed(evaluateFunction(f, {lhs, badRhs})));
  ASSERT_FALSE(errors.empty());
  EXPECT_NE(errors.back().find("argument 1 has type"), std::string::npos) << errors.back();
  // ...and the kernel itself never trusts its operands either.
  Operation *matmul = &f.getBody().front().front();
  SmallVector<Tensor> results;
  EXPECT_TRUE(failed(evaluateOp(matmul, {lhs, badRhs}, results)));
  EXPECT_NE(errors.back().find("do not multiply"), std::string::npos) << errors.back();
}

//===----------------------------------------------------------------------------===//
// conv2d
//===----------------------------------------------------------------------------===//

TEST_F(InterpContraction, Conv2dByHand) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x2x2xf32>, %b: tensor<1xf32>)
        -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) {
      %0 = kiln.conv2d %x, %w : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
      %1 = kiln.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
          : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
      return %0, %1 : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>
    })mlir");
  // x = [[1,2,3],[4,5,6],[7,8,9]], w = [[1,2],[3,4]].
  // Valid: 1+4+12+20 = 37, 2+6+15+24 = 47, 4+10+21+32 = 67, 5+12+24+36 = 77.
  // Padded by 1, stride 2: windows at (-1,-1), (-1,1), (1,-1), (1,1):
  //   4*1 = 4; 3*2 + 4*3 = 18; 2*4 + 4*7 = 36; 5+12+24+36 = 77; plus bias 0.5.
  auto r = run(f, {arg(f, 0, {1, 2, 3, 4, 5, 6, 7, 8, 9}), arg(f, 1, {1, 2, 3, 4}),
                   arg(f, 2, {0.5})});
  ASSERT_EQ(r.size(), 2u);
  expectValues(r[0], {1, 1, 2, 2}, {37, 47, 67, 77});
  expectValues(r[1], {1, 1, 2, 2}, {4.5, 18.5, 36.5, 77.5});
}

TEST_F(InterpContraction, Conv2dPadsStridesDilationsGroupsBias) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%x: tensor<1x4x6x7xf32>, %w: tensor<4x2x3x2xf32>, %b: tensor<4xf32>)
        -> tensor<1x4x4x6xf32> {
      %0 = kiln.conv2d %x, %w, %b {strides = array<i64: 2, 1>, pads = array<i64: 1, 0, 2, 1>,
                                   dilations = array<i64: 1, 2>, groups = 2 : i64}
          : (tensor<1x4x6x7xf32>, tensor<4x2x3x2xf32>, tensor<4xf32>) -> tensor<1x4x4x6xf32>
      return %0 : tensor<1x4x4x6xf32>
    })mlir");
  // numpy (naive reference in the file comment): x = np.arange(168) % 7 - 3,
  // w = np.arange(48) % 5 - 2, b = [0.5, -1, 2, 0], strides (2,1), pads (1,0,2,1),
  // dilations (1,2), groups 2.
  auto r = run(f, {arg(f, 0, [](int64_t k) { return k % 7 - 3.0; }),
                   arg(f, 1, [](int64_t k) { return k % 5 - 2.0; }),
                   arg(f, 2, {0.5, -1, 2, 0})});
  ASSERT_EQ(r.size(), 1u);
  expectValues(r[0], {1, 4, 4, 6},
               {-2.5, -1.5, -0.5, 0.5,  1.5,  2.5,  7.5,  4.5,  1.5,  -1.5, -4.5, -3.5,
                7.5,  4.5,  1.5,  -1.5, -4.5, -3.5, 10.5, 6.5,  2.5,  -1.5, -5.5, -5.5,
                4.0,  1.0,  -2.0, -5.0, -8.0, -3.0, -2.0, -1.0, 0.0,  1.0,  2.0,  -1.0,
                -2.0, -1.0, 0.0,  1.0,  2.0,  -1.0, -7.0, -3.0, 1.0,  5.0,  9.0,  1.0,
                -5.0, -2.0, 1.0,  4.0,  7.0,  6.0,  -2.0, -2.0, -2.0, -2.0, -2.0, 6.0,
                -2.0, -2.0, -2.0, -2.0, -2.0, 6.0,  5.0,  2.0,  -1.0, -4.0, -7.0, 2.0,
                1.0,  0.0,  -1.0, -2.0, -3.0, 0.0,  3.0,  2.0,  1.0,  0.0,  -1.0, -2.0,
                3.0,  2.0,  1.0,  0.0,  -1.0, -2.0, 2.0,  2.0,  2.0,  2.0,  2.0,  -2.0});
}

TEST_F(InterpContraction, Conv2dDepthwise) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%x: tensor<1x3x4x4xf32>, %w: tensor<3x1x3x3xf32>) -> tensor<1x3x4x4xf32> {
      %0 = kiln.conv2d %x, %w {groups = 3 : i64, pads = array<i64: 1, 1, 1, 1>}
          : (tensor<1x3x4x4xf32>, tensor<3x1x3x3xf32>) -> tensor<1x3x4x4xf32>
      return %0 : tensor<1x3x4x4xf32>
    })mlir");
  // numpy (naive reference): x = np.arange(48) % 5 - 2, w = np.arange(27) % 4 - 1,
  // pads 1, groups 3 (each channel convolved with its own 3x3 kernel).
  auto r = run(f, {arg(f, 0, [](int64_t k) { return k % 5 - 2.0; }),
                   arg(f, 1, [](int64_t k) { return k % 4 - 1.0; })});
  ASSERT_EQ(r.size(), 1u);
  expectValues(r[0], {1, 3, 4, 4},
               {8.0,  -4.0, -6.0, -2.0, -3.0, 15.0, -2.0, -6.0, -4.0, -3.0, 15.0, -4.0,
                2.0,  -4.0, -3.0, 8.0,  2.0,  -1.0, 0.0,  -2.0, -4.0, 10.0, 4.0,  0.0,
                -7.0, -4.0, 10.0, -1.0, 0.0,  -7.0, -4.0, 2.0,  2.0,  7.0,  0.0,  -3.0,
                -3.0, 4.0,  14.0, 0.0,  -8.0, -6.0, 4.0,  7.0,  -5.0, -8.0, -3.0, 2.0});
}

TEST_F(InterpContraction, Conv2dF32MatchesNumpy) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%x: tensor<1x3x5x5xf32>, %w: tensor<2x3x3x3xf32>, %b: tensor<2xf32>)
        -> tensor<1x2x5x5xf32> {
      %0 = kiln.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>}
          : (tensor<1x3x5x5xf32>, tensor<2x3x3x3xf32>, tensor<2xf32>) -> tensor<1x2x5x5xf32>
      return %0 : tensor<1x2x5x5xf32>
    })mlir");
  // numpy: x = (((np.arange(75)*37) % 101) / 50.0 - 1).astype(np.float32),
  //        w = (((np.arange(54)*53) % 97) / 40.0 - 1.2).astype(np.float32),
  //        b = np.float32([0.25, -0.75]); naive reference in float64, then .astype(float32).
  auto r = run(f, {arg(f, 0, [](int64_t k) { return ((k * 37) % 101) / 50.0 - 1; }),
                   arg(f, 1, [](int64_t k) { return ((k * 53) % 97) / 40.0 - 1.2; }),
                   arg(f, 2, {0.25, -0.75})});
  ASSERT_EQ(r.size(), 1u);
  const double expected[] = {
      3.1555001735687256,   -1.9490000009536743,  1.0729999542236328,  0.8629999756813049,
      -0.6399999260902405,  1.621000051498413,    -3.6714999675750732, 2.0829999446868896,
      1.3734999895095825,   -0.3044999837875366,  -0.2720000147819519, 0.9114999175071716,
      -0.8584999442100525,  2.875999927520752,    -1.878999948501587,  0.2590000033378601,
      3.575500011444092,    -2.3355000019073486,  1.8535000085830688,  0.5864999890327454,
      0.041999951004981995, 1.5844999551773071,   -0.31300002336502075, -0.4429999589920044,
      1.057499885559082,    -1.662500023841858,   0.08249998092651367, -0.33199989795684814,
      -0.29200008511543274, -2.1454999446868896,  2.745000123977661,   -1.2975000143051147,
      -2.5410001277923584,  2.0230000019073486,   -2.553999900817871,  -0.372499942779541,
      0.21149994432926178,  -3.6579999923706055,  0.45150014758110046, -0.45450013875961304,
      -4.752500057220459,   2.2255001068115234,   -2.0985000133514404, -2.433000087738037,
      0.7865001559257507,   -1.744999885559082,   0.37699997425079346, -1.2705000638961792,
      -1.150499939918518,   0.7890000939369202};
  ASSERT_EQ(r[0].getShape(), ArrayRef<int64_t>({1, 2, 5, 5}));
  for (int64_t i = 0; i < 50; ++i) {
    // Both sides are f32 values; the sums may differ in double rounding only.
    EXPECT_FLOAT_EQ(static_cast<float>(r[0].getDouble(i)), static_cast<float>(expected[i]))
        << "element " << i;
  }
}

TEST_F(InterpContraction, Conv2dQuantizedZeroPointsAndPadding) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%x: tensor<1x1x3x3x!quant.uniform<u8:f32, 0.05:128>>,
                 %w: tensor<2x1x2x2x!quant.uniform<i8:f32:0, {0.1:1, 0.2:-2}>>,
                 %b: tensor<2xi32>) -> tensor<1x2x4x4xi32> {
      %0 = kiln.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>}
          : (tensor<1x1x3x3x!quant.uniform<u8:f32, 0.05:128>>,
             tensor<2x1x2x2x!quant.uniform<i8:f32:0, {0.1:1, 0.2:-2}>>, tensor<2xi32>)
          -> tensor<1x2x4x4xi32>
      return %0 : tensor<1x2x4x4xi32>
    })mlir");
  // Padding contributes 0 after the zero point is subtracted, as ONNX ConvInteger pads
  // with x_zero_point. numpy (naive reference) on x - 128 and w - [1, -2] per output
  // channel: xs = [130,128,120,140,128,128,100,255,0], ws = [3,1,-1,0,-2,-5,0,127],
  // b = [10, -10].
  auto r = run(f, {arg(f, 0, {130, 128, 120, 140, 128, 128, 100, 255, 0}),
                   arg(f, 1, {3, 1, -1, 0, -2, -5, 0, 127}), arg(f, 2, {10, -10})});
  ASSERT_EQ(r.size(), 1u);
  expectValues(r[0], {1, 2, 4, 4},
               {8,   6,  18,    26,  -2,   -10,   10,     -6,  38,  -37, -116,
                266, 10, -46,   264, -246, 248,   -6,     -1042, -26, 1532, 14,
                14,  -10, -3658, 16317, -16268, -266, 74,  -391, 374, -10});
}

TEST_F(InterpContraction, Conv2dResnetSizedSpeed) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%x: tensor<1x3x224x224xf32>, %w: tensor<64x3x7x7xf32>,
                 %y: tensor<1x64x56x56xf32>, %v: tensor<64x64x3x3xf32>)
        -> (tensor<1x64x112x112xf32>, tensor<1x64x56x56xf32>) {
      %0 = kiln.conv2d %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 3, 3, 3, 3>}
          : (tensor<1x3x224x224xf32>, tensor<64x3x7x7xf32>) -> tensor<1x64x112x112xf32>
      %1 = kiln.conv2d %y, %v {pads = array<i64: 1, 1, 1, 1>}
          : (tensor<1x64x56x56xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x56x56xf32>
      return %0, %1 : tensor<1x64x112x112xf32>, tensor<1x64x56x56xf32>
    })mlir");
  auto ones = [](int64_t) { return 1.0; };
  SmallVector<Tensor> args = {arg(f, 0, ones), arg(f, 1, ones), arg(f, 2, ones),
                              arg(f, 3, ones)};
  auto start = std::chrono::steady_clock::now();
  auto r = run(f, args);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
                       .count();
  ASSERT_EQ(r.size(), 2u);
  // All-ones operands count the taps inside the input. Stem (7x7, stride 2, pad 3):
  // corner output sees rows/cols 0..3 -> 3 * 4 * 4 = 48; interior 3 * 49 = 147.
  EXPECT_EQ(r[0].getDouble(0), 48.0);
  EXPECT_EQ(r[0].getDouble(10 * 112 + 10), 147.0);
  // 3x3 pad 1: corner 64 * 4 = 256, edge 64 * 6 = 384, interior 64 * 9 = 576.
  EXPECT_EQ(r[1].getDouble(0), 256.0);
  EXPECT_EQ(r[1].getDouble(5), 384.0);
  EXPECT_EQ(r[1].getDouble(56 + 5), 576.0);
  double flops = 2.0 * 64 * 3 * 49 * 112 * 112 + 2.0 * 64 * 64 * 9 * 56 * 56;
  std::printf("conv2d: %.0f MFLOP in %.3f s = %.2f GFLOP/s (single thread)\n", flops / 1e6,
              seconds, flops / seconds / 1e9);
}

} // namespace
