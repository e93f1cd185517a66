//===- CudaEmulatorTest.cpp - the CUDA emulator's semantics and faults ----------===//
//
// Runs the hand-written kernels of EmulatorTestKernels.cpp on the emulator: warp
// shuffles, ldmatrix's fragment layout (PTX ISA, m8n8 .x4 and .trans), cp.async data
// that lands only at its wait, and the faults it must report: an access outside device
// memory, a deadlock, lanes of a warp at different warp operations. (The compiled
// kernels of every scheme run in test/codegen/cuda/emulated.test and the conformance.)
//
//===----------------------------------------------------------------------------===//
#include "test/unit/runtime/CudaEmulator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

namespace {

using kiln::emu::Program;

class CudaEmulatorTest : public ::testing::Test {
protected:
  void SetUp() override {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "the emulator switches thread stacks without telling ASan";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    GTEST_SKIP() << "the emulator switches thread stacks without telling ASan";
#endif
#endif
    std::string error;
    program = kiln::emu::loadProgram(KILN_EMU_TEST_KERNELS_PATH, error);
    ASSERT_TRUE(program) << error;
  }

  /// Runs `kernel` on one block of 32 threads with the given buffers as parameters.
  bool run(const char *kernel, std::vector<std::vector<float> *> buffers, std::string &error) {
    std::vector<void *> values, params;
    for (auto *b : buffers) {
      values.push_back(b->data());
    }
    for (void *&v : values) {
      params.push_back(&v);
    }
    unsigned grid[3] = {1, 1, 1}, block[3] = {32, 1, 1};
    return kiln::emu::launch(
        *program, kernel, grid, block, 0, params.data(),
        [&](uint64_t p, uint64_t n) {
          for (auto *b : buffers) {
            auto lo = reinterpret_cast<uint64_t>(b->data());
            if (p >= lo && p + n <= lo + 4 * b->size()) {
              return true;
            }
          }
          return false;
        },
        error);
  }

  std::shared_ptr<Program> program;
};

TEST_F(CudaEmulatorTest, ShufflesReduceAndBroadcast) {
  std::vector<float> x(32), out(33, -1.0f);
  for (int i = 0; i < 32; ++i) {
    x[i] = float(i + 1);
  }
  std::string error;
  ASSERT_TRUE(run("reduce", {&x, &out}, error)) << error;
  EXPECT_EQ(out[0], 528.0f); // 1 + ... + 32
  for (int lane = 0; lane < 32; ++lane) {
    EXPECT_EQ(out[1 + lane], 528.0f) << lane;
  }
}

TEST_F(CudaEmulatorTest, LdmatrixHasThePtxFragmentLayout) {
  std::vector<float> out(256);
  std::string error;
  ASSERT_TRUE(run("ldmatrix", {&out}, error)) << error;
  auto element = [](int m, int r, int c) { return uint32_t(256 * m + 16 * r + c); };
  for (int lane = 0; lane < 32; ++lane) {
    for (int m = 0; m < 4; ++m) {
      uint32_t plain, trans;
      std::memcpy(&plain, &out[4 * lane + m], 4);
      std::memcpy(&trans, &out[128 + 4 * lane + m], 4);
      int r = lane / 4, c = 2 * (lane % 4);
      EXPECT_EQ(plain, element(m, r, c) | element(m, r, c + 1) << 16) << lane << " " << m;
      EXPECT_EQ(trans, element(m, c, r) | element(m, c + 1, r) << 16) << lane << " " << m;
    }
  }
}

TEST_F(CudaEmulatorTest, CpAsyncLandsAtItsWait) {
  std::vector<float> x(128), out(64);
  for (int i = 0; i < 128; ++i) {
    x[i] = float(i);
  }
  std::string error;
  ASSERT_TRUE(run("copy", {&x, &out}, error)) << error;
  for (int t = 0; t < 32; ++t) {
    EXPECT_TRUE(std::isnan(out[t])) << "read before the wait saw " << out[t];
    EXPECT_EQ(out[32 + t], float(4 * t));
  }
}

TEST_F(CudaEmulatorTest, AnAccessOutsideDeviceMemoryStopsTheKernel) {
  std::vector<float> out(16);
  std::string error;
  EXPECT_FALSE(run("out_of_bounds", {&out}, error));
  EXPECT_NE(error.find("kernel out_of_bounds, block (0,0,0), thread (0,0,0): a store of 4 "
                       "bytes"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("outside device memory"), std::string::npos) << error;
}

TEST_F(CudaEmulatorTest, ADeadlockIsReported) {
  std::string error;
  EXPECT_FALSE(run("deadlock", {}, error));
  EXPECT_NE(error.find("deadlock: 31 at a barrier, 1 at shfl.sync.down, 0 exited"),
            std::string::npos)
      << error;
}

TEST_F(CudaEmulatorTest, DivergentWarpOperationsAreReported) {
  std::string error;
  EXPECT_FALSE(run("divergent", {}, error));
  EXPECT_NE(error.find("lanes of warp 0 meet at different warp operations"), std::string::npos)
      << error;
}

TEST_F(CudaEmulatorTest, UnknownKernelsAndObjectsAreRefused) {
  std::string error;
  EXPECT_EQ(kiln::emu::kernelParams(*program, "reduce"), 2);
  EXPECT_EQ(kiln::emu::kernelParams(*program, "nope"), -1);
  EXPECT_FALSE(kiln::emu::loadProgram("/nonexistent/kernels.so", error));
  EXPECT_NE(error.find("cannot open the emulated kernels"), std::string::npos) << error;
}

} // namespace
