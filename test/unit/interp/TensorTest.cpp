//===- TensorTest.cpp - interpreter value representation --------------------===//
//
// Rounding and wrapping to element types, and attribute/host round trips, checked
// against hand-worked values.
//
//===----------------------------------------------------------------------------===//
#include "lib/interp/Interpreter.h"

#include "dialects/kiln/KilnDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace kiln::interp;

TEST(InterpTensor, RoundsToFloatTypes) {
  MLIRContext ctx;
  Builder b(&ctx);
  // 1 + 2^-12 is not an f16 (10-bit mantissa): rounds to 1; 1 + 2^-10 is exact.
  EXPECT_EQ(roundToFloatType(1.0 + std::ldexp(1.0, -12), b.getF16Type()), 1.0);
  EXPECT_EQ(roundToFloatType(1.0 + std::ldexp(1.0, -10), b.getF16Type()),
            1.0 + std::ldexp(1.0, -10));
  // bf16 keeps 7 mantissa bits: 1 + 2^-8 is a tie between 1 and 1 + 2^-7 -> even (1).
  EXPECT_EQ(roundToFloatType(1.0 + std::ldexp(1.0, -8), b.getBF16Type()), 1.0);
  EXPECT_EQ(roundToFloatType(1.0 + 3 * std::ldexp(1.0, -8), b.getBF16Type()),
            1.0 + std::ldexp(1.0, -6));
  // 1 + 2^-8 + 2^-30 rounds to the f32 tie 1 + 2^-8, but the double itself lies above
  // the tie: one rounding gives 1 + 2^-7.
  EXPECT_EQ(roundToFloatType(1.0 + std::ldexp(1.0, -8) + std::ldexp(1.0, -30), b.getBF16Type()),
            1.0 + std::ldexp(1.0, -7));
  EXPECT_EQ(roundToFloatType(-(1.0 + std::ldexp(1.0, -8) + std::ldexp(1.0, -30)),
                             b.getBF16Type()),
            -(1.0 + std::ldexp(1.0, -7)));
  EXPECT_EQ(roundToFloatType(0.1, b.getF32Type()), static_cast<double>(0.1f));
  EXPECT_EQ(roundToFloatType(0.1, b.getF64Type()), 0.1);
}

TEST(InterpTensor, WrapsIntegers) {
  MLIRContext ctx;
  Builder b(&ctx);
  EXPECT_EQ(wrapToIntegerType(200, b.getIntegerType(8)), -56);
  EXPECT_EQ(wrapToIntegerType(-1, b.getIntegerType(8, /*isSigned=*/false)), 255);
  EXPECT_EQ(wrapToIntegerType(3, b.getI1Type()), 1);
  EXPECT_EQ(wrapToIntegerType(70000, b.getIntegerType(16)), 4464);
  Tensor t(b.getIntegerType(8), {2});
  t.setDouble(0, -3.7); // truncates toward zero
  t.setDouble(1, 130.0); // wraps
  EXPECT_EQ(t.ints()[0], -3);
  EXPECT_EQ(t.ints()[1], -126);
}

TEST(InterpTensor, AttributeAndHostRoundTrip) {
  MLIRContext ctx;
  ctx.loadDialect<kiln::KilnDialect>();
  Builder b(&ctx);
  for (Type et : {Type(b.getF32Type()), Type(b.getF16Type()), Type(b.getBF16Type()), Type(b.getF64Type()),
                  Type(b.getIntegerType(8)), Type(b.getIntegerType(16, false)),
                  Type(b.getI64Type()), Type(b.getI1Type())}) {
    auto type = RankedTensorType::get({3}, et);
    Tensor t(et, {3});
    t.setDouble(0, 1.0);
    t.setDouble(1, 0.0);
    t.setDouble(2, et.isInteger(1) ? 1.0 : 2.0);
    DenseElementsAttr attr = tensorToAttr(t, type);
    FailureOr<Tensor> back = tensorFromAttr(cast<ElementsAttr>(attr), type);
    ASSERT_TRUE(succeeded(back));
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(back->getDouble(i), t.getDouble(i)) << i;
    }
    std::string error;
    FailureOr<Tensor> host = fromHost(toHost(t, "x"), type, error);
    ASSERT_TRUE(succeeded(host)) << error;
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(host->getDouble(i), t.getDouble(i)) << i;
    }
  }
}
