//===- ResourceConstantTest.cpp - large weights in dense resource blobs -----===//
//
// A model with 300 MB of weights must print (resources elided) and parse back in
// seconds, and survive a full-fidelity bytecode round trip. Times are printed for the
// record, never asserted (the machine is shared).
//
//===----------------------------------------------------------------------------===//
#include "dialects/kiln/KilnOps.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>

using namespace mlir;

namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class ResourceConstantTest : public ::testing::Test {
protected:
  ResourceConstantTest() {
    registry.insert<kiln::KilnDialect, func::FuncDialect>();
    ctx.appendDialectRegistry(registry);
    ctx.loadAllAvailableDialects();
  }

  /// func @model() returning `numWeights` kiln.constant tensors of `elems` f32 each, held
  /// in resource blobs named w0, w1, ...; weight i, element j holds i + j * 2^-20.
  OwningOpRef<ModuleOp> buildModel(int numWeights, int64_t elems) {
    OpBuilder b(&ctx);
    Location loc = b.getUnknownLoc();
    OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
    b.setInsertionPointToEnd(module->getBody());
    auto type = RankedTensorType::get({elems}, b.getF32Type());
    SmallVector<Type> results(numWeights, type);
    auto fn = func::FuncOp::create(b, loc, "model", b.getFunctionType({}, results));
    b.setInsertionPointToEnd(fn.addEntryBlock());
    SmallVector<Value> values;
    for (int i = 0; i < numWeights; ++i) {
      AsmResourceBlob blob = HeapAsmResourceBlob::allocate(elems * sizeof(float),
                                                          alignof(float), /*dataIsMutable=*/true);
      auto *data = reinterpret_cast<float *>(blob.getMutableData().data());
      for (int64_t j = 0; j < elems; ++j) {
        data[j] = static_cast<float>(i) + static_cast<float>(j % 1024) / (1 << 20);
      }
      auto attr = DenseResourceElementsAttr::get(type, ("w" + std::to_string(i)),
                                                 std::move(blob));
      values.push_back(kiln::ConstantOp::create(b, loc, attr).getResult());
    }
    func::ReturnOp::create(b, loc, values);
    return module;
  }

  DialectRegistry registry;
  MLIRContext ctx;
};

TEST_F(ResourceConstantTest, ThreeHundredMegabytesPrintElidedAndParseBack) {
  constexpr int kWeights = 12;
  constexpr int64_t kElems = 25 * 1024 * 1024 / 4 * 1; // 25 MiB of f32 per weight
  auto start = std::chrono::steady_clock::now();
  OwningOpRef<ModuleOp> module = buildModel(kWeights, kElems);
  double buildSeconds = secondsSince(start);
  ASSERT_TRUE(succeeded(verify(*module)));

  start = std::chrono::steady_clock::now();
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os, OpPrintingFlags().elideLargeResourceString(1024));
  double printSeconds = secondsSince(start);
  // The 300 MB never reach the text: only the op lines and resource names do.
  EXPECT_LT(text.size(), 16u * 1024);
  EXPECT_NE(text.find("kiln.constant dense_resource<w11> : tensor<6553600xf32>"),
            std::string::npos)
      << text;

  start = std::chrono::steady_clock::now();
  ParserConfig config(&ctx);
  OwningOpRef<ModuleOp> parsed = parseSourceString<ModuleOp>(text, config);
  double parseSeconds = secondsSince(start);
  ASSERT_TRUE(parsed);
  ASSERT_TRUE(succeeded(verify(*parsed)));
  int constants = 0;
  parsed->walk([&](kiln::ConstantOp op) {
    ++constants;
    EXPECT_TRUE(isa<DenseResourceElementsAttr>(op.getValue()));
  });
  EXPECT_EQ(constants, kWeights);
  std::printf("300 MiB of weights: build %.2f s, print (elided) %.3f s, parse %.3f s\n",
              buildSeconds, printSeconds, parseSeconds);
}

TEST_F(ResourceConstantTest, BytecodeRoundTripKeepsEveryByte) {
  constexpr int kWeights = 3;
  constexpr int64_t kElems = 1 << 20; // 4 MiB per weight
  OwningOpRef<ModuleOp> module = buildModel(kWeights, kElems);
  std::string bytes;
  llvm::raw_string_ostream os(bytes);
  ASSERT_TRUE(succeeded(writeBytecodeToFile(*module, os)));
  EXPECT_GT(bytes.size(), static_cast<size_t>(kWeights * kElems * 4));

  ParserConfig config(&ctx);
  OwningOpRef<ModuleOp> parsed = parseSourceString<ModuleOp>(bytes, config);
  ASSERT_TRUE(parsed);
  int index = 0;
  parsed->walk([&](kiln::ConstantOp op) {
    auto attr = cast<DenseResourceElementsAttr>(op.getValue());
    AsmResourceBlob *blob = attr.getRawHandle().getBlob();
    ASSERT_NE(blob, nullptr);
    ArrayRef<char> data = blob->getData();
    ASSERT_EQ(data.size(), static_cast<size_t>(kElems * 4));
    const auto *floats = reinterpret_cast<const float *>(data.data());
    int64_t probes[] = {0, 1, 1023, 1024, kElems - 1};
    for (int64_t j : probes) {
      EXPECT_EQ(floats[j], static_cast<float>(index) + static_cast<float>(j % 1024) / (1 << 20))
          << "weight " << index << " element " << j;
    }
    ++index;
  });
  EXPECT_EQ(index, kWeights);
}

} // namespace
