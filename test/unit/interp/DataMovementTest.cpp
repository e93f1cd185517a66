//===- DataMovementTest.cpp - interpreter constant, reshape, slice, pad, ... -===//
//
// Each test parses a small kiln function, evaluates it, and compares with values worked
// out by hand or with numpy (the numpy expression is in a comment beside the literals).
// Out-of-range gather indices and unreadable resource blobs must be diagnostics.
//
//===----------------------------------------------------------------------------===//
#include "lib/interp/Interpreter.h"

#include "dialects/kiln/KilnDialect.h"
#include "dialects/kiln/KilnOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <functional>

using namespace mlir;
using namespace kiln::interp;

namespace {

class InterpDataMovement : public ::testing::Test {
protected:
  InterpDataMovement()
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

  /// A tensor of argument `i`'s type with element k = gen(k).
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
  static Tensor iota(func::FuncOp f, unsigned i) {
    return arg(f, i, [](int64_t k) { return static_cast<double>(k); });
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

  /// `t` has element type `type`'s, `type`'s shape, and exactly the values `expected`.
  static void expectValues(const Tensor &t, RankedTensorType type, ArrayRef<double> expected) {
    ASSERT_EQ(t.getElementType(), type.getElementType());
    ASSERT_EQ(t.getShape(), type.getShape());
    ASSERT_EQ(t.getNumElements(), static_cast<int64_t>(expected.size()));
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(t.getDouble(i), expected[i]) << "element " << i;
    }
  }
  /// Result `i` of @f against `expected`.
  static void expectResult(func::FuncOp f, ArrayRef<Tensor> results, unsigned i,
                           ArrayRef<double> expected) {
    ASSERT_LT(i, results.size());
    expectValues(results[i], cast<RankedTensorType>(f.getResultTypes()[i]), expected);
  }

  MLIRContext ctx;
  std::vector<std::string> errors;
  ScopedDiagnosticHandler handler;
  OwningOpRef<ModuleOp> module;
};

//===----------------------------------------------------------------------------===//
// constant
//===----------------------------------------------------------------------------===//

TEST_F(InterpDataMovement, ConstantDenseSplatBoolAndQuantized) {
  func::FuncOp f = parse(R"mlir(
    func.func @f() -> (tensor<2x2xf32>, tensor<3xbf16>, tensor<3xi1>,
                       tensor<2x!quant.uniform<u8:f32, 0.5:128>>) {
      %0 = kiln.constant dense<[[1.5, -2.0], [0.1, 4.0]]> : tensor<2x2xf32>
      %1 = kiln.constant dense<3.0> : tensor<3xbf16>
      %2 = kiln.constant dense<[true, false, true]> : tensor<3xi1>
      %3 = kiln.constant dense<[-1, 1]> : tensor<2xi8> as tensor<2x!quant.uniform<u8:f32, 0.5:128>>
      return %0, %1, %2, %3 : tensor<2x2xf32>, tensor<3xbf16>, tensor<3xi1>,
                              tensor<2x!quant.uniform<u8:f32, 0.5:128>>
    })mlir");
  auto r = run(f, {});
  ASSERT_EQ(r.size(), 4u);
  // 0.1 is stored as the nearest f32; the i8 bit pattern -1 read as u8 storage is 255.
  expectResult(f, r, 0, {1.5, -2.0, static_cast<double>(0.1f), 4.0});
  expectResult(f, r, 1, {3.0, 3.0, 3.0});
  expectResult(f, r, 2, {1, 0, 1});
  expectResult(f, r, 3, {255, 1});
}

TEST_F(InterpDataMovement, ConstantDenseResourceBuiltInMemory) {
  // As in ResourceConstantTest: a heap blob holding four f32 values.
  OpBuilder b(&ctx);
  Location loc = b.getUnknownLoc();
  module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(module->getBody());
  auto type = RankedTensorType::get({2, 2}, b.getF32Type());
  auto fn = func::FuncOp::create(b, loc, "f", b.getFunctionType({}, {type}));
  b.setInsertionPointToEnd(fn.addEntryBlock());
  AsmResourceBlob blob =
      HeapAsmResourceBlob::allocate(4 * sizeof(float), alignof(float), /*dataIsMutable=*/true);
  auto *data = reinterpret_cast<float *>(blob.getMutableData().data());
  const float values[] = {1.5f, -2.0f, 0.25f, 1e6f};
  std::copy(values, values + 4, data);
  auto attr = DenseResourceElementsAttr::get(type, "weights", std::move(blob));
  Value c = kiln::ConstantOp::create(b, loc, attr).getResult();
  func::ReturnOp::create(b, loc, c);
  auto r = run(fn, {});
  ASSERT_EQ(r.size(), 1u);
  expectResult(fn, r, 0, {1.5, -2.0, 0.25, 1e6});
}

TEST_F(InterpDataMovement, ConstantDenseResourceParsedFromText) {
  // Blob text: 4-byte alignment (04000000), then little-endian i32 1, -2, 300
  // (01000000, feffffff, 2c010000) by hand.
  func::FuncOp f = parse(R"mlir(
    func.func @f() -> tensor<3xi32> {
      %0 = kiln.constant dense_resource<ints> : tensor<3xi32>
      return %0 : tensor<3xi32>
    }
    {-#
      dialect_resources: {
        builtin: {
          ints: "0x0400000001000000feffffff2c010000"
        }
      }
    #-})mlir");
  auto r = run(f, {});
  ASSERT_EQ(r.size(), 1u);
  expectResult(f, r, 0, {1, -2, 300});
}

TEST_F(InterpDataMovement, ConstantShortResourceIsAnError) {
  // Two i32 values in the blob for a tensor of three.
  func::FuncOp f = parse(R"mlir(
    func.func @f() -> tensor<3xi32> {
      %0 = kiln.constant dense_resource<short> : tensor<3xi32>
      return %0 : tensor<3xi32>
    }
    {-#
      dialect_resources: {
        builtin: {
          short: "0x0400000001000000feffffff"
        }
      }
    #-})mlir");
  ASSERT_TRUE(f);
  EXPECT_TRUE(failed(evaluateFunction(f, {})));
  ASSERT_FALSE(errors.empty());
  EXPECT_NE(errors.back().find("cannot read the constant"), std::string::npos)
      << errors.back();
}

//===----------------------------------------------------------------------------===//
// reshape, transpose, broadcast_to
//===----------------------------------------------------------------------------===//

TEST_F(InterpDataMovement, ReshapeKeepsRowMajorOrder) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%x: tensor<2x3xi64>) -> (tensor<3x2xi64>, tensor<6xi64>) {
      %0 = kiln.reshape %x : tensor<2x3xi64> -> tensor<3x2xi64>
      %1 = kiln.reshape %x : tensor<2x3xi64> -> tensor<6xi64>
      return %0, %1 : tensor<3x2xi64>, tensor<6xi64>
    })mlir");
  auto r = run(f, {arg(f, 0, {10, 20, 30, 40, 50, 60})});
  ASSERT_EQ(r.size(), 2u);
  expectResult(f, r, 0, {10, 20, 30, 40, 50, 60});
  expectResult(f, r, 1, {10, 20, 30, 40, 50, 60});
}

TEST_F(InterpDataMovement, Transpose) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%x: tensor<2x3x4xf32>, %q: tensor<2x3x!quant.uniform<i8:f32, 0.5:-1>>)
        -> (tensor<4x2x3xf32>, tensor<3x2x!quant.uniform<i8:f32, 0.5:-1>>) {
      %0 = kiln.transpose %x permutation = [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
      %1 = kiln.transpose %q permutation = [1, 0]
          : tensor<2x3x!quant.uniform<i8:f32, 0.5:-1>> -> tensor<3x2x!quant.uniform<i8:f32, 0.5:-1>>
      return %0, %1 : tensor<4x2x3xf32>, tensor<3x2x!quant.uniform<i8:f32, 0.5:-1>>
    })mlir");
  auto r = run(f, {iota(f, 0), arg(f, 1, {-128, -1, 0, 1, 2, 127})});
  ASSERT_EQ(r.size(), 2u);
  // numpy: np.transpose(np.arange(24).reshape(2,3,4), (2,0,1)).ravel()
  expectResult(f, r, 0, {0, 4, 8,  12, 16, 20, 1, 5, 9,  13, 17, 21,
                         2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23});
  // Quantized storage moves unchanged: [[-128,-1,0],[1,2,127]]^T by hand.
  expectResult(f, r, 1, {-128, 1, -1, 2, 0, 127});
}

TEST_F(InterpDataMovement, BroadcastTo) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%x: tensor<2x1xi32>, %y: tensor<3xf16>) -> (tensor<2x2x3xi32>, tensor<2x3xf16>) {
      %0 = kiln.broadcast_to %x : tensor<2x1xi32> -> tensor<2x2x3xi32>
      %1 = kiln.broadcast_to %y : tensor<3xf16> -> tensor<2x3xf16>
      return %0, %1 : tensor<2x2x3xi32>, tensor<2x3xf16>
    })mlir");
  auto r = run(f, {arg(f, 0, {10, 20}), arg(f, 1, {0.5, -1, 2})});
  ASSERT_EQ(r.size(), 2u);
  // numpy: np.broadcast_to([[10],[20]], (2,2,3)).ravel()
  expectResult(f, r, 0, {10, 10, 10, 20, 20, 20, 10, 10, 10, 20, 20, 20});
  expectResult(f, r, 1, {0.5, -1, 2, 0.5, -1, 2});
}

//===----------------------------------------------------------------------------===//
// concat, slice, split
//===----------------------------------------------------------------------------===//

TEST_F(InterpDataMovement, ConcatThreeInputs) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%a: tensor<2x1xi8>, %b: tensor<2x2xi8>, %c: tensor<2x3xi8>) -> tensor<2x6xi8> {
      %0 = kiln.concat %a, %b, %c axis = 1
          : (tensor<2x1xi8>, tensor<2x2xi8>, tensor<2x3xi8>) -> tensor<2x6xi8>
      return %0 : tensor<2x6xi8>
    })mlir");
  auto r = run(f, {arg(f, 0, {1, 2}), arg(f, 1, {3, 4, 5, 6}),
                   arg(f, 2, {7, 8, 9, 10, 11, 12})});
  ASSERT_EQ(r.size(), 1u);
  // numpy: np.concatenate([[[1],[2]], [[3,4],[5,6]], [[7,8,9],[10,11,12]]], axis=1)
  expectResult(f, r, 0, {1, 3, 4, 7, 8, 9, 2, 5, 6, 10, 11, 12});
}

TEST_F(InterpDataMovement, SlicePositiveAndNegativeSteps) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%x: tensor<3x5xf32>) -> (tensor<2x2xf32>, tensor<3x2xf32>, tensor<0x5xf32>) {
      %0 = kiln.slice %x starts = [0, 1] ends = [3, 5] steps = [2, 3]
          : tensor<3x5xf32> -> tensor<2x2xf32>
      %1 = kiln.slice %x starts = [2, 4] ends = [-1, 0] steps = [-1, -2]
          : tensor<3x5xf32> -> tensor<3x2xf32>
      %2 = kiln.slice %x starts = [1, 0] ends = [1, 5] steps = [1, 1]
          : tensor<3x5xf32> -> tensor<0x5xf32>
      return %0, %1, %2 : tensor<2x2xf32>, tensor<3x2xf32>, tensor<0x5xf32>
    })mlir");
  auto r = run(f, {iota(f, 0)});
  ASSERT_EQ(r.size(), 3u);
  // numpy: x = np.arange(15).reshape(3,5); x[0:3:2, 1:5:3] and x[2::-1, 4:0:-2]
  // (end -1 of the normalized form is "through index 0").
  expectResult(f, r, 0, {1, 4, 11, 14});
  expectResult(f, r, 1, {14, 12, 9, 7, 4, 2});
  expectResult(f, r, 2, {});
}

TEST_F(InterpDataMovement, SplitIntoThree) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%x: tensor<2x6xi32>) -> (tensor<2x1xi32>, tensor<2x2xi32>, tensor<2x3xi32>) {
      %0, %1, %2 = kiln.split %x axis = 1 sizes = [1, 2, 3]
          : tensor<2x6xi32> -> tensor<2x1xi32>, tensor<2x2xi32>, tensor<2x3xi32>
      return %0, %1, %2 : tensor<2x1xi32>, tensor<2x2xi32>, tensor<2x3xi32>
    })mlir");
  auto r = run(f, {iota(f, 0)});
  ASSERT_EQ(r.size(), 3u);
  // numpy: np.split(np.arange(12).reshape(2,6), [1, 3], axis=1)
  expectResult(f, r, 0, {0, 6});
  expectResult(f, r, 1, {1, 2, 7, 8});
  expectResult(f, r, 2, {3, 4, 5, 9, 10, 11});
}

//===----------------------------------------------------------------------------===//
// gather
//===----------------------------------------------------------------------------===//

TEST_F(InterpDataMovement, GatherWithNegativeIndices) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%d: tensor<3x4xf32>, %i: tensor<2x2xi32>, %j: tensor<2xi64>)
        -> (tensor<3x2x2xf32>, tensor<2x4xf32>) {
      %0 = kiln.gather %d, %i axis = 1 : (tensor<3x4xf32>, tensor<2x2xi32>) -> tensor<3x2x2xf32>
      %1 = kiln.gather %d, %j axis = 0 : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<2x4xf32>
      return %0, %1 : tensor<3x2x2xf32>, tensor<2x4xf32>
    })mlir");
  auto r = run(f, {iota(f, 0), arg(f, 1, {0, -1, 2, -3}), arg(f, 2, {-1, 0})});
  ASSERT_EQ(r.size(), 2u);
  // numpy: d = np.arange(12).reshape(3,4); np.take(d, [[0,-1],[2,-3]], axis=1) and
  // np.take(d, [-1, 0], axis=0)
  expectResult(f, r, 0, {0, 3, 2, 1, 4, 7, 6, 5, 8, 11, 10, 9});
  expectResult(f, r, 1, {8, 9, 10, 11, 0, 1, 2, 3});
}

TEST_F(InterpDataMovement, GatherOutOfRangeIndexIsAnError) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%d: tensor<3x4xf32>, %i: tensor<2xi64>) -> tensor<2x4xf32> {
      %0 = kiln.gather %d, %i axis = 0 : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<2x4xf32>
      return %0 : tensor<2x4xf32>
    })mlir");
  ASSERT_TRUE(f);
  for (double bad : {3.0, -4.0}) {
    errors.clear();
    EXPECT_TRUE(failed(evaluateFunction(f, {iota(f, 0), arg(f, 1, {0, bad})})));
    ASSERT_FALSE(errors.empty());
    std::string want = "gather index " + std::to_string(static_cast<int>(bad));
    EXPECT_NE(errors.back().find(want), std::string::npos) << errors.back();
    EXPECT_NE(errors.back().find("valid indices are -3 to 2"), std::string::npos)
        << errors.back();
  }
}

//===----------------------------------------------------------------------------===//
// pad
//===----------------------------------------------------------------------------===//

TEST_F(InterpDataMovement, PadConstantReflectEdge) {
  func::FuncOp f = parse(R"mlir(
    func.func @f(%x: tensor<2x3xf32>, %y: tensor<2x3xi32>)
        -> (tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<2x5xi32>) {
      %0 = kiln.pad %x pads = [1, 2, 1, 0] {value = 7.5 : f64} : tensor<2x3xf32> -> tensor<4x5xf32>
      %1 = kiln.pad %x pads = [1, 2, 1, 0] mode = reflect : tensor<2x3xf32> -> tensor<4x5xf32>
      %2 = kiln.pad %x pads = [1, 2, 1, 0] mode = edge : tensor<2x3xf32> -> tensor<4x5xf32>
      %3 = kiln.pad %y pads = [0, 1, 0, 1] {value = -2.0 : f64} : tensor<2x3xi32> -> tensor<2x5xi32>
      return %0, %1, %2, %3 : tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<2x5xi32>
    })mlir");
  auto r = run(f, {arg(f, 0, {1, 2, 3, 4, 5, 6}), arg(f, 1, {1, 2, 3, 4, 5, 6})});
  ASSERT_EQ(r.size(), 4u);
  // numpy: x = [[1,2,3],[4,5,6]]; np.pad(x, ((1,1),(2,0)), mode=...) with
  // constant_values=7.5 / 'reflect' / 'edge'.
  expectResult(f, r, 0, {7.5, 7.5, 7.5, 7.5, 7.5, 7.5, 7.5, 1, 2, 3,
                         7.5, 7.5, 4,   5,   6,   7.5, 7.5, 7.5, 7.5, 7.5});
  expectResult(f, r, 1, {6, 5, 4, 5, 6, 3, 2, 1, 2, 3, 6, 5, 4, 5, 6, 3, 2, 1, 2, 3});
  expectResult(f, r, 2, {1, 1, 1, 2, 3, 1, 1, 1, 2, 3, 4, 4, 4, 5, 6, 4, 4, 4, 5, 6});
  // By hand: one -2 on each side of each row.
  expectResult(f, r, 3, {-2, 1, 2, 3, -2, -2, 4, 5, 6, -2});
}

} // namespace
