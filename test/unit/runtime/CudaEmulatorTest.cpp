//===- CudaEmulatorTest.cpp - the CUDA emulator's semantics and faults ----------===//
//
// Runs the hand-written kernels of EmulatorTestKernels.cpp on the emulator: warp
// shuffles, ldmatrix's fragment layout (PTX ISA, m8n8 .x4 and .trans), cp.async data
// that lands only at its wait, sm_90a's wgmma (the shared-memory layouts its descriptors
// describe, its accumulator layout) and TMA (swizzled, zero-filled boxes that land when
// their mbarrier phase is waited for), and the faults it must report: an access outside
// device memory, a deadlock, lanes of a warp at different warp operations, transaction
// bytes that do not match the TMA copies, a TMA copy over shared memory that a wgmma not
// yet retired reads. (The compiled
// kernels of every scheme run in test/codegen/cuda/emulated.test and the conformance.)
//
//===----------------------------------------------------------------------------===//
#include "test/unit/runtime/CudaEmulator.h"
#include "test/unit/runtime/FakeCudaDriver.h"

#include <gtest/gtest.h>

#if defined(__SANITIZE_ADDRESS__)
#define KILN_EMU_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KILN_EMU_TEST_ASAN 1
#endif
#endif
#ifdef KILN_EMU_TEST_ASAN
#include <sanitizer/lsan_interface.h>
#endif

#include <cmath>
#include <cstring>
#include <utility>
#include <vector>

namespace {

using kiln::emu::Program;

class CudaEmulatorTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string error;
    program = kiln::emu::loadProgram(KILN_EMU_TEST_KERNELS_PATH, error);
    ASSERT_TRUE(program) << error;
  }

  /// Runs `kernel` (the wgmma or wgmma_rega test kernel: one warpgroup, D = 1 + A B over
  /// m64n8k16) and checks each thread's 4 accumulators.
  void expectWgmmaProduct(const char *kernel);

  /// Runs `kernel` on one block of `threads` threads with the given device buffers
  /// (address, bytes) as parameters.
  bool run(const char *kernel, unsigned threads,
           std::vector<std::pair<void *, size_t>> buffers, std::string &error) {
    std::vector<void *> values, params;
    for (auto &b : buffers) {
      values.push_back(b.first);
    }
    for (void *&v : values) {
      params.push_back(&v);
    }
    unsigned grid[3] = {1, 1, 1}, block[3] = {threads, 1, 1};
    return kiln::emu::launch(
        *program, kernel, grid, block, 0, params.data(),
        [&](uint64_t p, uint64_t n) {
          for (auto &b : buffers) {
            auto lo = reinterpret_cast<uint64_t>(b.first);
            if (p >= lo && p + n <= lo + b.second) {
              return true;
            }
          }
          return false;
        },
        error);
  }

  /// `run` of a launch that must fail. The emulator stops a failed launch's threads where
  /// they are and never resumes them, so what their frames own (the message being built,
  /// an operand vector) is never freed: LeakSanitizer is told to ignore what the launch
  /// allocates (ASan still checks every access).
  bool runFailing(const char *kernel, unsigned threads,
                  std::vector<std::pair<void *, size_t>> buffers, std::string &error) {
#ifdef KILN_EMU_TEST_ASAN
    __lsan::ScopedDisabler abandonedThreads;
#endif
    return run(kernel, threads, std::move(buffers), error);
  }
  bool runFailing(const char *kernel, std::vector<std::vector<float> *> buffers,
                  std::string &error) {
#ifdef KILN_EMU_TEST_ASAN
    __lsan::ScopedDisabler abandonedThreads;
#endif
    return run(kernel, std::move(buffers), error);
  }

  /// The same on 32 threads with float buffers.
  bool run(const char *kernel, std::vector<std::vector<float> *> buffers, std::string &error) {
    std::vector<std::pair<void *, size_t>> raw;
    for (auto *b : buffers) {
      raw.push_back({b->data(), 4 * b->size()});
    }
    return run(kernel, 32, raw, error);
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
  EXPECT_FALSE(runFailing("out_of_bounds", {&out}, error));
  EXPECT_NE(error.find("kernel out_of_bounds, block (0,0,0), thread (0,0,0): a store of 4 "
                       "bytes"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("outside device memory"), std::string::npos) << error;
}

TEST_F(CudaEmulatorTest, ADeadlockIsReported) {
  std::string error;
  EXPECT_FALSE(runFailing("deadlock", {}, error));
  EXPECT_NE(error.find("deadlock: 31 at a barrier, 1 at shfl.sync.down, 0 exited"),
            std::string::npos)
      << error;
}

TEST_F(CudaEmulatorTest, DivergentWarpOperationsAreReported) {
  std::string error;
  EXPECT_FALSE(runFailing("divergent", {}, error));
  EXPECT_NE(error.find("lanes of warp 0 meet at different warp operations"), std::string::npos)
      << error;
}

TEST_F(CudaEmulatorTest, OrderedSharedMemoryHandoffsPassTheRacecheck) {
  const float x[4] = {5.0f, 6.0f, 7.0f, 8.0f};
  for (int mode : {0, 3, 5}) {
    float m = float(mode), out = -1.0f;
    std::string error;
    ASSERT_TRUE(run("handoff", 64, {{&m, 4}, {const_cast<float *>(x), 16}, {&out, 4}}, error))
        << mode << ": " << error;
    EXPECT_EQ(out, mode == 5 ? 5.0f : 7.0f) << mode;
  }
}

TEST_F(CudaEmulatorTest, UnorderedSharedMemoryAccessesAreReportedWhateverTheFiberOrder) {
  const float x[4] = {5.0f, 6.0f, 7.0f, 8.0f};
  struct Case {
    int mode;
    const char *expected;
  } cases[] = {
      {1, "thread (32,0,0) reads byte 0 of static shared variable 0, which thread (0,0,0) "
          "wrote in the same barrier interval: nothing orders the two"},
      // The reader went first: caught at the write.
      {2, "thread (0,0,0) writes byte 0 of static shared variable 0, which thread (32,0,0) "
          "read in the same barrier interval"},
      // Lanes of one warp with no warp-wide operation between them.
      {4, "thread (1,0,0) reads byte 0 of static shared variable 0, which thread (0,0,0) "
          "wrote in the same barrier interval"},
      // The read is a barrier after the issue and one before the wait: the copy may land
      // on either side of it.
      {6, "a cp.async of thread (0,0,0) writes byte 0 of static shared variable 0 (it lands "
          "any time from its issue to its wait), which thread (32,0,0) read since that issue"},
  };
  for (const Case &c : cases) {
    float m = float(c.mode), out = -1.0f;
    std::string error;
    EXPECT_FALSE(runFailing("handoff", 64, {{&m, 4}, {const_cast<float *>(x), 16}, {&out, 4}},
                            error))
        << c.mode;
    EXPECT_NE(error.find(c.expected), std::string::npos) << c.mode << ": " << error;
    EXPECT_NE(error.find("racecheck"), std::string::npos) << error;
  }
}

TEST_F(CudaEmulatorTest, TheRacecheckCanBeTurnedOff) {
  const float x[4] = {5.0f, 6.0f, 7.0f, 8.0f};
  float m = 1.0f, out = -1.0f;
  std::string error;
  setenv("KILN_EMU_RACECHECK", "0", 1);
  bool ok = run("handoff", 64, {{&m, 4}, {const_cast<float *>(x), 16}, {&out, 4}}, error);
  unsetenv("KILN_EMU_RACECHECK");
  ASSERT_TRUE(ok) << error;
  EXPECT_EQ(out, 7.0f); // this fiber order happens to write first
}

/// The accumulator layout of wgmma m64nNk16 (PTX ISA): thread t, register i.
int wgmmaRow(int t, int i) { return 16 * (t / 32) + t % 32 / 4 + 8 * (i / 2 % 2); }
int wgmmaCol(int t, int i) { return 8 * (i / 4) + 2 * (t % 4) + i % 2; }

void CudaEmulatorTest::expectWgmmaProduct(const char *kernel) {
  std::vector<float> out(4 * 128, -1.0f);
  std::string error;
  ASSERT_TRUE(run(kernel, 128, {{out.data(), 4 * out.size()}}, error)) << error;
  for (int t = 0; t < 128; ++t) {
    for (int i = 0; i < 4; ++i) {
      int m = wgmmaRow(t, i), n = wgmmaCol(t, i);
      float expected = 1.0f;
      for (int k = 0; k < 16; ++k) {
        expected += float((3 * m + 5 * k) % 7 - 3) * float((2 * k + 3 * n) % 5 - 2);
      }
      EXPECT_EQ(out[4 * t + i], expected) << "thread " << t << " register " << i;
    }
  }
}

TEST_F(CudaEmulatorTest, WgmmaReadsTheCanonicalLayoutsAndHasThePtxFragmentLayout) {
  expectWgmmaProduct("wgmma");
}

TEST_F(CudaEmulatorTest, WgmmaTakesAFromRegistersInTheMmaSyncFragmentLayout) {
  expectWgmmaProduct("wgmma_rega");
}

/// bf16 bits of a small integer.
uint16_t bf16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  return uint16_t(bits >> 16);
}

/// A [rows][cols] bf16 tensor with a 128-byte row stride and the map the fake
/// cuTensorMapEncodeTiled would write for a box of 64 columns by `boxRows`, 128-byte
/// swizzled; both live in `memory`, the kernel's device memory.
struct TmaTensor {
  std::vector<uint64_t> memory;
  uint16_t *data;
  KilnFakeTensorMap *map; // 64-byte aligned, as PTX wants a tensor map
  /// The kernel's parameter: the map, followed by the data, as device memory.
  std::pair<void *, size_t> buffer() const { return {map, sizeof(*map) + 128 * rows}; }
  int rows;
  TmaTensor(int rows, int cols, int boxRows, float (*value)(int, int))
      : memory(8 + 16 + rows * 16), rows(rows) {
    uintptr_t base = (reinterpret_cast<uintptr_t>(memory.data()) + 63) / 64 * 64;
    map = reinterpret_cast<KilnFakeTensorMap *>(base);
    data = reinterpret_cast<uint16_t *>(base + sizeof(KilnFakeTensorMap));
    std::memset(map, 0, sizeof(*map));
    map->magic = kKilnFakeTensorMapMagic;
    map->globalAddress = reinterpret_cast<uintptr_t>(data);
    map->dims[0] = uint64_t(cols);
    map->dims[1] = uint64_t(rows);
    map->strides[0] = 128;
    map->box[0] = 64;
    map->box[1] = uint32_t(boxRows);
    map->elementStrides[0] = map->elementStrides[1] = 1;
    map->dataType = 9; // CU_TENSOR_MAP_DATA_TYPE_BFLOAT16
    map->rank = 2;
    map->swizzle = 3; // CU_TENSOR_MAP_SWIZZLE_128B
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < 64; ++c) {
        data[64 * r + c] = bf16(c < cols ? value(r, c) : 1000.0f); // past dims: never read
      }
    }
  }
};

float tmaA(int m, int k) { return float((m + 2 * k) % 9 - 4); }
float tmaB(int n, int k) { return float((3 * n + k) % 5 - 2); }

TEST_F(CudaEmulatorTest, TmaBoxesLandSwizzledAndZeroFilledWhenTheirPhaseIsWaitedFor) {
  // A is 50 x 60 and B 8 x 60: the 64 x 64 boxes reach past both, and TMA fills zeros.
  TmaTensor a(50, 60, 64, tmaA), b(8, 60, 8, tmaB);
  std::vector<float> out(2 + 4 * 128);
  out[0] = 64 * 64 * 2 + 8 * 64 * 2; // the bytes both boxes complete
  std::string error;
  ASSERT_TRUE(run("tma_wgmma", 128,
                  {{out.data(), 4 * out.size()},
                   a.buffer(),
                   b.buffer()},
                  error))
      << error;
  // Before any thread waited, shared memory still had the block's 0xff fill.
  EXPECT_EQ(out[0], 65535.0f);
  EXPECT_EQ(out[1], 65535.0f);
  for (int t = 0; t < 128; ++t) {
    for (int i = 0; i < 4; ++i) {
      int m = wgmmaRow(t, i), n = wgmmaCol(t, i);
      float expected = 0.0f;
      for (int k = 0; k < 60 && m < 50; ++k) {
        expected += tmaA(m, k) * tmaB(n, k);
      }
      EXPECT_EQ(out[2 + 4 * t + i], expected) << "thread " << t << " register " << i;
    }
  }
}

TEST_F(CudaEmulatorTest, TransactionBytesThatDoNotMatchTheCopiesAreReported) {
  TmaTensor a(50, 60, 64, tmaA), b(8, 60, 8, tmaB);
  std::vector<std::pair<void *, size_t>> buffers;
  std::vector<float> out(2 + 4 * 128);
  buffers = {{out.data(), 4 * out.size()},
             a.buffer(),
             b.buffer()};
  std::string error;
  // Fewer bytes announced than the boxes bring: the phase would end before they land.
  out[0] = 64 * 64 * 2;
  EXPECT_FALSE(runFailing("tma_wgmma", 128, buffers, error));
  EXPECT_NE(error.find("its TMA copies complete 1024 bytes more than arrive.expect_tx "
                       "announced"),
            std::string::npos)
      << error;
  // More: the phase never ends.
  out[0] = 64 * 64 * 2 + 8 * 64 * 2 + 16;
  EXPECT_FALSE(runFailing("tma_wgmma", 128, buffers, error));
  EXPECT_NE(error.find("deadlock: 128 at an mbarrier wait"), std::string::npos) << error;
}

TEST_F(CudaEmulatorTest, ATmaCopyOverSharedMemoryAnUnretiredWgmmaReadsIsReported) {
  TmaTensor a(64, 64, 64, tmaA);
  std::vector<float> mode(1, 0.0f);
  std::string error;
  EXPECT_FALSE(runFailing("wgmma_race", 128, {a.buffer(), {mode.data(), 4}}, error));
  EXPECT_NE(error.find("thread (0,0,0): cp.async.bulk.tensor overwrites shared memory that "
                       "wgmma.mma_async number 0 of the block still reads"),
            std::string::npos)
      << error;
  // After wgmma.wait_group 0 the same copy is fine.
  mode[0] = 1.0f;
  EXPECT_TRUE(run("wgmma_race", 128, {a.buffer(), {mode.data(), 4}}, error)) << error;
  // A plain store is a write like any other.
  mode[0] = 2.0f;
  EXPECT_FALSE(runFailing("wgmma_race", 128, {a.buffer(), {mode.data(), 4}}, error));
  EXPECT_NE(error.find("thread (0,0,0): a store overwrites shared memory that "
                       "wgmma.mma_async number 0 of the block still reads"),
            std::string::npos)
      << error;
}

TEST_F(CudaEmulatorTest, APtxModuleMustMatchTheEmulatedKernels) {
  // The test kernels are sm_90a's; `reduce` takes 2 parameters.
  const std::string reduce2 = ".version 8.3\n.target sm_90a\n.address_size 64\n"
                              ".visible .entry reduce(\n\t.param .u64 a,\n\t.param .u64 b\n)\n{\n}\n";
  EXPECT_EQ(kiln::emu::moduleMismatch(*program, reduce2), "");
  std::string reduce1 = reduce2;
  reduce1.replace(reduce1.find(",\n\t.param .u64 b"), 17, "");
  EXPECT_EQ(kiln::emu::moduleMismatch(*program, reduce1),
            "kernel reduce takes 2 parameters there and 1 in the module: they are another "
            "model's kernels");
  std::string sm80 = reduce2;
  sm80.replace(sm80.find("sm_90a"), 6, "sm_80");
  EXPECT_EQ(kiln::emu::moduleMismatch(*program, sm80),
            "the emulated kernels are built for sm_90a, the module is sm_80 PTX: build both "
            "with the same --cuda-arch");
}

TEST_F(CudaEmulatorTest, UnknownKernelsAndObjectsAreRefused) {
  std::string error;
  EXPECT_EQ(kiln::emu::kernelParams(*program, "reduce"), 2);
  EXPECT_EQ(kiln::emu::kernelParams(*program, "nope"), -1);
  EXPECT_FALSE(kiln::emu::loadProgram("/nonexistent/kernels.so", error));
  EXPECT_NE(error.find("cannot open the emulated kernels"), std::string::npos) << error;
}

} // namespace
