//===- ShapesTest.cpp - shape rules shared by kiln ops ----------------------===//
#include "dialects/kiln/KilnShapes.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;

namespace {

constexpr int64_t kDyn = ShapedType::kDynamic;

TEST(KilnShapes, BroadcastFollowsNumpy) {
  auto r = kiln::broadcastShapes({2, 1, 4}, {3, 1});
  ASSERT_TRUE(succeeded(r));
  EXPECT_EQ(*r, (SmallVector<int64_t>{2, 3, 4}));
  EXPECT_TRUE(failed(kiln::broadcastShapes({2, 3}, {4})));
  r = kiln::broadcastShapes({}, {5});
  ASSERT_TRUE(succeeded(r));
  EXPECT_EQ(*r, (SmallVector<int64_t>{5}));
}

TEST(KilnShapes, BroadcastWithDynamicDims) {
  auto r = kiln::broadcastShapes({kDyn, 3}, {4, 1});
  ASSERT_TRUE(succeeded(r));
  EXPECT_EQ(*r, (SmallVector<int64_t>{4, 3})); // ? against 4 must be 4 (or 1)
  r = kiln::broadcastShapes({kDyn}, {1});
  ASSERT_TRUE(succeeded(r));
  EXPECT_EQ(*r, (SmallVector<int64_t>{kDyn}));
  r = kiln::broadcastShapes({kDyn}, {kDyn});
  ASSERT_TRUE(succeeded(r));
  EXPECT_EQ(*r, (SmallVector<int64_t>{kDyn}));
}

TEST(KilnShapes, Formatting) {
  EXPECT_EQ(kiln::formatShape({2, kDyn, 3}), "2x?x3");
  EXPECT_EQ(kiln::formatShape({}), "scalar");
  EXPECT_EQ(kiln::formatList({0, 2}), "[0, 2]");
}

TEST(KilnShapes, CompatibleTypesAcceptDynamicDims) {
  MLIRContext ctx;
  Type f32 = Float32Type::get(&ctx), f16 = Float16Type::get(&ctx);
  auto a = RankedTensorType::get({2, kDyn}, f32);
  auto b = RankedTensorType::get({2, 5}, f32);
  EXPECT_TRUE(kiln::areCompatibleTensorTypes(TypeRange{a}, TypeRange{b}));
  EXPECT_FALSE(kiln::areCompatibleTensorTypes(TypeRange{a},
                                              TypeRange{RankedTensorType::get({3, 5}, f32)}));
  EXPECT_FALSE(kiln::areCompatibleTensorTypes(TypeRange{b},
                                              TypeRange{RankedTensorType::get({2, 5}, f16)}));
  EXPECT_FALSE(kiln::areCompatibleTensorTypes(TypeRange{b},
                                              TypeRange{RankedTensorType::get({2, 5, 1}, f32)}));
  EXPECT_FALSE(kiln::areCompatibleTensorTypes(TypeRange{a, b}, TypeRange{a}));
}

} // namespace
