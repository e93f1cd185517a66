//===- RuntimeStatusTest.cpp - runtime status and dtype units ---------------===//
#include "kiln/runtime.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

namespace {

TEST(RuntimeStatus, NullIsOk) {
  EXPECT_EQ(kilnStatusCreate(KILN_OK, "ignored"), nullptr);
  EXPECT_EQ(kilnStatusGetCode(nullptr), KILN_OK);
  EXPECT_STREQ(kilnStatusGetMessage(nullptr), "");
  kilnStatusDestroy(nullptr); // must be a no-op
}

TEST(RuntimeStatus, CarriesCodeAndOwnedMessage) {
  std::string message = "input 'x' has dtype f16 but the model expects f32";
  kilnStatus s = kilnStatusCreate(KILN_INVALID_ARGUMENT, message.c_str());
  message.assign("overwritten"); // the status keeps its own copy
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(kilnStatusGetCode(s), KILN_INVALID_ARGUMENT);
  EXPECT_STREQ(kilnStatusGetMessage(s), "input 'x' has dtype f16 but the model expects f32");
  EXPECT_STREQ(kilnStatusCodeGetName(kilnStatusGetCode(s)), "invalid argument");
  kilnStatusDestroy(s);
}

TEST(RuntimeStatus, NullMessageBecomesEmpty) {
  kilnStatus s = kilnStatusCreate(KILN_INTERNAL, nullptr);
  ASSERT_NE(s, nullptr);
  EXPECT_STREQ(kilnStatusGetMessage(s), "");
  kilnStatusDestroy(s);
}

TEST(RuntimeDType, SizesAndNames) {
  EXPECT_EQ(kilnDTypeGetSize(KILN_DTYPE_F32), 4u);
  EXPECT_EQ(kilnDTypeGetSize(KILN_DTYPE_BF16), 2u);
  EXPECT_EQ(kilnDTypeGetSize(KILN_DTYPE_I64), 8u);
  EXPECT_EQ(kilnDTypeGetSize(KILN_DTYPE_BOOL), 1u);
  EXPECT_EQ(kilnDTypeGetSize(KILN_DTYPE_F64), 8u);
  EXPECT_EQ(kilnDTypeGetSize(KILN_DTYPE_U16), 2u);
  EXPECT_STREQ(kilnDTypeGetName(KILN_DTYPE_U64), "u64");
  EXPECT_EQ(kilnDTypeFromName("uint32"), KILN_DTYPE_U32);
  EXPECT_EQ(kilnDTypeGetSize(static_cast<kilnDType>(99)), 0u);
  EXPECT_STREQ(kilnDTypeGetName(KILN_DTYPE_F16), "f16");
  EXPECT_STREQ(kilnDTypeGetName(static_cast<kilnDType>(99)), "invalid");
  for (int d = KILN_DTYPE_F32; d <= KILN_DTYPE_LAST; ++d) {
    auto dtype = static_cast<kilnDType>(d);
    EXPECT_EQ(kilnDTypeFromName(kilnDTypeGetName(dtype)), dtype) << d;
  }
  EXPECT_EQ(kilnDTypeFromName("float32"), KILN_DTYPE_F32);
  EXPECT_EQ(kilnDTypeFromName("i1"), KILN_DTYPE_BOOL);
  EXPECT_EQ(kilnDTypeFromName("f128"), KILN_DTYPE_INVALID);
  EXPECT_EQ(kilnDTypeFromName(nullptr), KILN_DTYPE_INVALID);
}

TEST(RuntimeDType, ByteSize) {
  int64_t dims[] = {2, 3, 4};
  size_t bytes = 0;
  ASSERT_EQ(kilnTensorGetByteSize(KILN_DTYPE_F32, dims, 3, &bytes), nullptr);
  EXPECT_EQ(bytes, 96u);
  ASSERT_EQ(kilnTensorGetByteSize(KILN_DTYPE_I8, nullptr, 0, &bytes), nullptr);
  EXPECT_EQ(bytes, 1u); // a scalar
  int64_t withZero[] = {5, 0, 7};
  ASSERT_EQ(kilnTensorGetByteSize(KILN_DTYPE_F16, withZero, 3, &bytes), nullptr);
  EXPECT_EQ(bytes, 0u);
}

TEST(RuntimeDType, ByteSizeRejectsNegativeAndOverflow) {
  size_t bytes = 0;
  int64_t negative[] = {2, -1};
  kilnStatus s = kilnTensorGetByteSize(KILN_DTYPE_F32, negative, 2, &bytes);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(kilnStatusGetCode(s), KILN_INVALID_ARGUMENT);
  EXPECT_NE(std::strstr(kilnStatusGetMessage(s), "negative"), nullptr);
  kilnStatusDestroy(s);

  int64_t huge[] = {std::numeric_limits<int64_t>::max(), 4};
  s = kilnTensorGetByteSize(KILN_DTYPE_F32, huge, 2, &bytes);
  ASSERT_NE(s, nullptr);
  EXPECT_NE(std::strstr(kilnStatusGetMessage(s), "overflows"), nullptr);
  kilnStatusDestroy(s);

  s = kilnTensorGetByteSize(KILN_DTYPE_INVALID, nullptr, 0, &bytes);
  ASSERT_NE(s, nullptr);
  kilnStatusDestroy(s);
}

TEST(RuntimeVersion, MatchesHeader) {
  std::string expected = std::to_string(KILN_VERSION_MAJOR) + "." +
                         std::to_string(KILN_VERSION_MINOR) + "." +
                         std::to_string(KILN_VERSION_PATCH);
  EXPECT_EQ(expected, kilnRuntimeGetVersion());
}

} // namespace
