//===- FusionInfoTest.cpp - every kiln op is classified for fusion ----------===//
//
// FusionOpInterface is what the fusion pass reads: every registered kiln op must
// implement it, and ops of other dialects must read as opaque.
//
//===----------------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <map>

using namespace mlir;

namespace {

class FusionInfoTest : public ::testing::Test {
protected:
  FusionInfoTest() {
    registry.insert<kiln::KilnDialect, func::FuncDialect, arith::ArithDialect>();
    ctx.appendDialectRegistry(registry);
    ctx.loadAllAvailableDialects();
  }
  DialectRegistry registry;
  MLIRContext ctx;
};

TEST_F(FusionInfoTest, EveryKilnOpImplementsTheInterface) {
  int count = 0;
  for (RegisteredOperationName name : ctx.getRegisteredOperations()) {
    if (name.getDialectNamespace() != "kiln") {
      continue;
    }
    // The grouping structure itself: a formed group is opaque, never fused again.
    if (name.getStringRef() == "kiln.fusion" || name.getStringRef() == "kiln.yield") {
      EXPECT_FALSE(name.hasInterface<kiln::FusionOpInterface>()) << name.getStringRef().str();
      continue;
    }
    ++count;
    EXPECT_TRUE(name.hasInterface<kiln::FusionOpInterface>())
        << name.getStringRef().str() << " is not classified for fusion";
  }
  // The ops the foundation issue lists plus pool2d_argmax; a new op must be classified too.
  EXPECT_EQ(count, 53);
}

TEST_F(FusionInfoTest, ClassesOfRepresentativeOps) {
  const char *source = R"mlir(
    func.func @f(%x: tensor<2x3xf32>, %w: tensor<3x4xf32>, %i: tensor<5xi64>) -> () {
      %c = arith.constant dense<1.0> : tensor<2x3xf32>
      %0 = kiln.add %x, %c : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
      %1 = kiln.matmul %0, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
      %2 = kiln.softmax %1 axis = 1 : tensor<2x4xf32>
      %3 = kiln.broadcast_to %2 : tensor<2x4xf32> -> tensor<3x2x4xf32>
      %4 = kiln.gather %x, %i axis = 1 : (tensor<2x3xf32>, tensor<5xi64>) -> tensor<2x5xf32>
      return
    }
  )mlir";
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &ctx);
  ASSERT_TRUE(module);
  std::map<std::string, kiln::FusionClass> classes;
  module->walk([&](Operation *op) {
    if (op->getNumRegions() == 0) {
      classes[op->getName().getStringRef().str()] = kiln::getFusionClass(op);
    }
  });
  EXPECT_EQ(classes["arith.constant"], kiln::FusionClass::Opaque);
  EXPECT_EQ(classes["func.return"], kiln::FusionClass::Opaque);
  EXPECT_EQ(classes["kiln.add"], kiln::FusionClass::Elementwise);
  EXPECT_EQ(classes["kiln.matmul"], kiln::FusionClass::Contraction);
  EXPECT_EQ(classes["kiln.softmax"], kiln::FusionClass::Reduction);
  EXPECT_EQ(classes["kiln.broadcast_to"], kiln::FusionClass::Broadcast);
  EXPECT_EQ(classes["kiln.gather"], kiln::FusionClass::DataMovement);
}

TEST_F(FusionInfoTest, BroadcastMaps) {
  auto map = kiln::getBroadcastMap({1, 3}, {4, 2, 3}, &ctx);
  ASSERT_TRUE(succeeded(map));
  std::string s;
  llvm::raw_string_ostream(s) << *map;
  EXPECT_EQ(s, "(d0, d1, d2) -> (0, d2)");

  int64_t dyn = ShapedType::kDynamic;
  // `?` against `?` is a plain dim; `?` against a static size is unknown.
  EXPECT_TRUE(succeeded(kiln::getBroadcastMap({dyn, 3}, {dyn, 3}, &ctx)));
  EXPECT_TRUE(failed(kiln::getBroadcastMap({dyn, 3}, {4, 3}, &ctx)));
  // An operand of higher rank than the loops cannot be read by them.
  EXPECT_TRUE(failed(kiln::getBroadcastMap({2, 3}, {3}, &ctx)));
}

} // namespace
