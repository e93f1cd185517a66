//===- CompilerApiTest.cpp - the C++ layer of the compile API, end to end ------===//
//
// kiln/compiler.hpp compiles matmuls whose B operand is packed into column panels (N =
// 256) and padded to whole panels (N = 49) into artifacts that the runtime C API loads
// and runs; the outputs match a float64 reference. Bad options and a broken model come
// back as statuses with their messages.
//
//===----------------------------------------------------------------------------===//
#include "kiln/compiler.hpp"
#include "kiln/runtime.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

std::string tempPath(const std::string &name) {
  const char *dir = std::getenv("TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/kiln-compiler-api-" + std::to_string(getpid()) +
         "-" + name;
}

std::string writeMatmulModel(int64_t m, int64_t k, int64_t n) {
  std::string path = tempPath("mm" + std::to_string(n) + ".mlir");
  auto t = [](int64_t a, int64_t b) {
    return "tensor<" + std::to_string(a) + "x" + std::to_string(b) + "xf32>";
  };
  std::ofstream(path) << "func.func @main(%a: " << t(m, k) << " {kiln.name = \"a\"}, %b: "
                      << t(k, n) << " {kiln.name = \"b\"}) -> " << t(m, n) << " {\n"
                      << "  %0 = kiln.matmul %a, %b : (" << t(m, k) << ", " << t(k, n)
                      << ") -> " << t(m, n) << "\n  return %0 : " << t(m, n) << "\n}\n";
  return path;
}

/// Compiles an m x k x n matmul for `cpu` with the C++ layer, runs it and compares it
/// with a float64 matmul of the same inputs.
void compileAndRunMatmul(int64_t m, int64_t k, int64_t n, const std::string &cpu) {
  std::string model = writeMatmulModel(m, k, n), artifact = tempPath("mm.kiln");
  kiln::CompileOptions options;
  ASSERT_TRUE(options.creationStatus()) << options.creationStatus().message();
  ASSERT_TRUE(options.setCpu(cpu));
  ASSERT_TRUE(options.setOptLevel(3));
  kiln::Status compiled = kiln::compileFile(model, options, artifact);
  ASSERT_TRUE(compiled) << compiled.message();

  kilnModel loaded = nullptr;
  ASSERT_EQ(kilnModelLoadFromFile(artifact.c_str(), &loaded), nullptr);
  kilnSession session = nullptr;
  ASSERT_EQ(kilnSessionCreate(loaded, nullptr, &session), nullptr);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> a(m * k), b(k * n);
  for (float &v : a) v = dist(rng);
  for (float &v : b) v = dist(rng);
  int64_t aDims[] = {m, k}, bDims[] = {k, n};
  ASSERT_EQ(kilnSessionBindInputByName(session, "a", KILN_DTYPE_F32, aDims, 2, a.data(),
                                       a.size() * sizeof(float)),
            nullptr);
  ASSERT_EQ(kilnSessionBindInputByName(session, "b", KILN_DTYPE_F32, bDims, 2, b.data(),
                                       b.size() * sizeof(float)),
            nullptr);
  ASSERT_EQ(kilnSessionRun(session), nullptr);
  const void *data = nullptr;
  size_t bytes = 0;
  ASSERT_EQ(kilnSessionGetOutput(session, 0, &data, &bytes), nullptr);
  ASSERT_EQ(bytes, size_t(m * n) * sizeof(float));
  const float *c = static_cast<const float *>(data);
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      double expected = 0;
      for (int64_t p = 0; p < k; ++p) {
        expected += double(a[i * k + p]) * double(b[p * n + j]);
      }
      ASSERT_NEAR(c[i * n + j], expected, 1e-4 * (1 + std::fabs(expected)))
          << "at [" << i << ", " << j << "] for " << cpu;
    }
  }
  kilnSessionDestroy(session);
  kilnModelRelease(loaded);
  std::remove(model.c_str());
  std::remove(artifact.c_str());
}

// 256 columns: two 128-column work items of 32-wide panels (AVX-512) / 16-wide (AVX2).
TEST(CompilerApi, PackedMatmulMatchesReference) {
  compileAndRunMatmul(16, 40, 256, "x86-64-v3");
}

// 49 columns: padded to 64 with zero columns, the valid 49 copied back.
TEST(CompilerApi, PaddedMatmulMatchesReference) {
  compileAndRunMatmul(8, 33, 49, "x86-64-v3");
}

TEST(CompilerApi, BadOptionsAreStatuses) {
  kiln::CompileOptions options;
  kiln::Status s = options.setOptLevel(7);
  EXPECT_FALSE(s);
  EXPECT_EQ(s.code(), KILN_INVALID_ARGUMENT);
  EXPECT_NE(s.message().find("0..3"), std::string::npos) << s.message();
  // The rejected level did not stick: the next setter validates on its own merits.
  s = options.setEmit("cubin");
  EXPECT_FALSE(s);
  EXPECT_NE(s.message().find("cubin"), std::string::npos) << s.message();
  EXPECT_TRUE(options.setEmit("asm"));
}

TEST(CompilerApi, BrokenModelIsAStatusNamingTheProblem) {
  std::string model = tempPath("broken.mlir");
  std::ofstream(model) << "func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {\n"
                       << "  %0 = kiln.no_such_op %a : tensor<2xf32>\n"
                       << "  return %0 : tensor<2xf32>\n}\n";
  kiln::CompileOptions options;
  kiln::Status s = kiln::compileFile(model, options, tempPath("broken.kiln"));
  EXPECT_FALSE(s);
  EXPECT_NE(s.message().find("no_such_op"), std::string::npos) << s.message();
  std::remove(model.c_str());
}

} // namespace
