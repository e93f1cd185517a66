//===- SessionTest.cpp - the runtime C API end to end ----------------------------===//
//
// Artifacts composed with the real writer around the test kernels, loaded and run
// through include/kiln/runtime.h: results, threads (per session and across sessions),
// input validation, load-time refusals, profiling, alignment, model lifetime.
//
//===----------------------------------------------------------------------------===//
#include "kiln/runtime.h"
#include "lib/runtime/ArtifactFormat.h"
#include "lib/runtime/ThreadPool.h"
#include "lib/tensorio/TensorIO.h"
#include "test/unit/runtime/TestArtifacts.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>
#include <unistd.h>

// Hostile artifacts ask for absurd arenas; under AddressSanitizer an allocation that
// cannot succeed must return NULL (as it does without ASan) rather than abort.
extern "C" __attribute__((visibility("default"), used)) const char *__asan_default_options() {
  return "allocator_may_return_null=1";
}

using namespace kiln::runtime;
using kiln::io::HostTensor;
using kiln::io::makeRandom;

namespace {

/// Owns a status; `ok()` checks it and keeps its message for the failure report.
class Status {
public:
  Status(kilnStatus s) : s(s) {}
  ~Status() { kilnStatusDestroy(s); }
  Status(const Status &) = delete;
  bool ok() const { return s == nullptr; }
  kilnStatusCode code() const { return kilnStatusGetCode(s); }
  std::string message() const { return kilnStatusGetMessage(s); }

private:
  kilnStatus s;
};

#define ASSERT_OK(expr)                                                                            \
  do {                                                                                             \
    Status _st(expr);                                                                              \
    ASSERT_TRUE(_st.ok()) << #expr << ": " << _st.message();                                       \
  } while (0)

#define EXPECT_STATUS(expr, expectedCode, phrase)                                                  \
  do {                                                                                             \
    Status _st(expr);                                                                              \
    EXPECT_EQ(_st.code(), expectedCode) << #expr << ": " << _st.message();                         \
    EXPECT_NE(_st.message().find(phrase), std::string::npos)                                       \
        << #expr << ": expected '" << phrase << "' in: " << _st.message();                         \
  } while (0)

std::vector<uint8_t> code() {
  static const std::vector<uint8_t> bytes = [] {
    std::string error;
    std::vector<uint8_t> c = fixtures::testKernelCode(error);
    EXPECT_FALSE(c.empty()) << error;
    return c;
  }();
  return bytes;
}

kilnModel load(const Artifact &a) {
  std::string file = serializeArtifact(a);
  kilnModel model = nullptr;
  Status s(kilnModelLoadFromMemory(file.data(), file.size(), &model));
  EXPECT_TRUE(s.ok()) << s.message();
  return model;
}

kilnSession session(kilnModel model, int32_t threads = 1) {
  kilnSessionOptions options = nullptr;
  EXPECT_EQ(kilnSessionOptionsCreate(&options), nullptr);
  EXPECT_EQ(kilnSessionOptionsSetNumThreads(options, threads), nullptr);
  kilnSession s = nullptr;
  Status st(kilnSessionCreate(model, options, &s));
  EXPECT_TRUE(st.ok()) << st.message();
  kilnSessionOptionsDestroy(options);
  return s;
}

const int64_t kDims[] = {10, 100};

kilnStatus bindF32(kilnSession s, size_t index, const HostTensor &t) {
  return kilnSessionBindInput(s, index, KILN_DTYPE_F32, t.shape.data(), t.shape.size(),
                              t.data.data(), t.data.size());
}

/// Binds x and y from seeds and checks z = (x + y) * scale exactly after a run.
void runAndCheckChain(kilnSession s, uint64_t seed) {
  HostTensor x = makeRandom(KILN_DTYPE_F32, {10, 100}, seed);
  HostTensor y = makeRandom(KILN_DTYPE_F32, {10, 100}, seed + 1000);
  ASSERT_OK(bindF32(s, 0, x));
  ASSERT_OK(bindF32(s, 1, y));
  ASSERT_OK(kilnSessionRun(s));
  const void *data = nullptr;
  size_t bytes = 0;
  ASSERT_OK(kilnSessionGetOutput(s, 0, &data, &bytes));
  ASSERT_EQ(bytes, 4000u);
  const float *z = static_cast<const float *>(data);
  const float *xs = reinterpret_cast<const float *>(x.data.data());
  const float *ys = reinterpret_cast<const float *>(y.data.data());
  for (int64_t i = 0; i < fixtures::kElements; ++i) {
    float expect = (xs[i] + ys[i]) * fixtures::chainScale(i);
    ASSERT_EQ(z[i], expect) << "element " << i << " seed " << seed;
  }
}

//===----------------------------------------------------------------------===//
// Loading and querying
//===----------------------------------------------------------------------===//

TEST(RuntimeModel, SignatureAndMeta) {
  kilnModel model = load(fixtures::makeChainArtifact(code()));
  ASSERT_NE(model, nullptr);
  ASSERT_EQ(kilnModelGetInputCount(model), 2u);
  ASSERT_EQ(kilnModelGetOutputCount(model), 2u);
  kilnTensorInfo info;
  ASSERT_OK(kilnModelGetInputInfo(model, 1, &info));
  EXPECT_STREQ(info.name, "y");
  EXPECT_EQ(info.dtype, KILN_DTYPE_F32);
  ASSERT_EQ(info.rank, 2u);
  EXPECT_EQ(info.dims[0], 10);
  EXPECT_EQ(info.dims[1], 100);
  EXPECT_EQ(info.bytes, 4000u);
  ASSERT_OK(kilnModelGetOutputInfo(model, 1, &info));
  EXPECT_STREQ(info.name, "scale");
  EXPECT_EQ(info.rank, 1u);
  EXPECT_STATUS(kilnModelGetInputInfo(model, 2, &info), KILN_INVALID_ARGUMENT,
                "input index 2 is out of range: the model has 2");
  EXPECT_STATUS(kilnModelGetOutputInfo(model, 0, nullptr), KILN_INVALID_ARGUMENT, "info is NULL");
  size_t index = 99;
  ASSERT_OK(kilnModelFindInput(model, "y", &index));
  EXPECT_EQ(index, 1u);
  ASSERT_OK(kilnModelFindOutput(model, "scale", &index));
  EXPECT_EQ(index, 1u);
  EXPECT_STATUS(kilnModelFindInput(model, "z", &index), KILN_NOT_FOUND,
                "the model has no input named 'z' (inputs: x, y)");
  EXPECT_STATUS(kilnModelFindOutput(model, "x", &index), KILN_NOT_FOUND, "(outputs: z, scale)");

  EXPECT_STREQ(kilnModelGetCompilerVersion(model), "kiln-test 0.1.0");
  EXPECT_STREQ(kilnModelGetTarget(model), "cpu");
  EXPECT_STREQ(kilnModelGetTriple(model), "x86_64-unknown-linux-gnu");
  EXPECT_STREQ(kilnModelGetCpu(model), "x86-64");
  EXPECT_STREQ(kilnModelGetFeatures(model), "sse2");
  EXPECT_STREQ(kilnModelGetFlags(model), "hand-written test artifact");
  EXPECT_EQ(kilnModelGetArenaBytes(model), 4032u);
  EXPECT_EQ(kilnModelGetUnplannedBytes(model), 4000u);
  EXPECT_EQ(kilnModelGetConstantBytes(model), 64u);
  EXPECT_EQ(kilnModelGetKernelCount(model), 2u);
  EXPECT_STREQ(kilnModelGetKernelLabel(model, 1), "mul_0 (Mul)");
  EXPECT_EQ(kilnModelGetKernelLabel(model, 2), nullptr);
  kilnModelRelease(model);

  // NULL handles are answered, not crashed on.
  EXPECT_EQ(kilnModelGetInputCount(nullptr), 0u);
  EXPECT_STREQ(kilnModelGetTriple(nullptr), "");
  kilnModelRelease(nullptr);
  kilnSessionDestroy(nullptr);
}

TEST(RuntimeModel, LoadFromFile) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("kiln-session-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "chain.kiln").string();
  std::string error;
  ASSERT_TRUE(writeArtifactFile(path, fixtures::makeChainArtifact(code()), error)) << error;
  kilnModel model = nullptr;
  ASSERT_OK(kilnModelLoadFromFile(path.c_str(), &model));
  kilnSession s = session(model);
  runAndCheckChain(s, 5);
  kilnSessionDestroy(s);
  kilnModelRelease(model);

  std::string missing = (dir / "missing.kiln").string();
  EXPECT_STATUS(kilnModelLoadFromFile(missing.c_str(), &model), KILN_NOT_FOUND,
                "'" + missing + "': cannot open");
  EXPECT_EQ(model, nullptr);
  EXPECT_STATUS(kilnModelLoadFromFile(dir.c_str(), &model), KILN_INVALID_ARGUMENT,
                "not a regular file");
  std::ofstream(dir / "text.kiln") << "hello";
  std::string text = (dir / "text.kiln").string();
  EXPECT_STATUS(kilnModelLoadFromFile(text.c_str(), &model), KILN_DATA_LOSS,
                "'" + text + "': not a kiln artifact");
  std::filesystem::remove_all(dir);
}

TEST(RuntimeModel, LoadRefusals) {
  struct Case {
    const char *what;
    std::function<void(Artifact &)> patch;
    kilnStatusCode code;
    const char *phrase;
  };
  const Case cases[] = {
      {"format 2", [](Artifact &a) { a.formatMajor = 2; }, KILN_UNSUPPORTED,
       "artifact format 2, this runtime reads format 1"},
      {"fake feature", [](Artifact &a) { a.meta.features.push_back("kiln_fake_feature"); },
       KILN_UNSUPPORTED, "model needs kiln_fake_feature; this CPU has: "},
      {"target", [](Artifact &a) { a.meta.target = "tpu"; }, KILN_UNSUPPORTED,
       "the model targets 'tpu'; this runtime runs 'cpu' and 'cuda' models"},
      {"triple", [](Artifact &a) { a.meta.triple = "aarch64-unknown-linux-gnu"; }, KILN_UNSUPPORTED,
       "compiled for 'aarch64-unknown-linux-gnu'"},
      {"missing symbol", [](Artifact &a) { a.plan.kernels[1].symbol = "kiln_test_not_there"; },
       KILN_DATA_LOSS,
       "kernel 1 ('mul_0 (Mul)') needs symbol 'kiln_test_not_there', which the code object "
       "does not export"},
      {"hidden symbol", [](Artifact &a) { a.plan.kernels[0].symbol = "kiln_test_hidden"; },
       KILN_DATA_LOSS, "needs symbol 'kiln_test_hidden'"},
      {"libc symbol", [](Artifact &a) { a.plan.kernels[0].symbol = "memcpy"; }, KILN_DATA_LOSS,
       "needs symbol 'memcpy'"},
      {"not ELF", [](Artifact &a) { a.code.assign(200, 0x11); }, KILN_DATA_LOSS,
       "CODE_ELF: not an ELF object"},
      {"no code", [](Artifact &a) { a.code.clear(); }, KILN_DATA_LOSS,
       "CODE_ELF: 0 bytes, too short"},
      {"arena out of range", [](Artifact &a) { a.plan.kernels[0].bindings[2].index = 128; },
       KILN_DATA_LOSS, "arena range [128, +4000) ends past the arena (4032 bytes)"},
      {"constant out of range",
       [](Artifact &a) { a.plan.kernels[1].bindings[1].index = 1ull << 63; }, KILN_DATA_LOSS,
       "ends past the constants (64 bytes)"},
  };
  for (const Case &c : cases) {
    Artifact a = fixtures::makeChainArtifact(code());
    c.patch(a);
    std::string file = serializeArtifact(a);
    kilnModel model = reinterpret_cast<kilnModel>(0x1);
    EXPECT_STATUS(kilnModelLoadFromMemory(file.data(), file.size(), &model), c.code, c.phrase);
    EXPECT_EQ(model, nullptr) << c.what;
  }
  // The CPU side of the feature message lists what this CPU has.
  Artifact a = fixtures::makeChainArtifact(code());
  a.meta.features = {"avx2", "kiln_fake_feature"};
  std::string file = serializeArtifact(a);
  kilnModel model = nullptr;
  Status s(kilnModelLoadFromMemory(file.data(), file.size(), &model));
  EXPECT_NE(s.message().find(" sse2"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("compiled for cpu 'x86-64'"), std::string::npos) << s.message();
}

TEST(RuntimeModel, TruncatedArtifactsAreRefused) {
  std::string file = serializeArtifact(fixtures::makeChainArtifact(code()));
  // Every prefix is refused by the parser (ArtifactFormatTest); through the C API a dense
  // sample plus every cut inside the code object's header.
  for (size_t n = 0; n < file.size(); n += (n < 400 || n + 200 > file.size()) ? 1 : 37) {
    kilnModel model = nullptr;
    Status s(kilnModelLoadFromMemory(file.data(), n, &model));
    ASSERT_FALSE(s.ok()) << n;
    EXPECT_EQ(s.code(), KILN_DATA_LOSS) << n << ": " << s.message();
    EXPECT_EQ(model, nullptr);
  }
  kilnModel model = nullptr;
  EXPECT_STATUS(kilnModelLoadFromMemory(nullptr, 10, &model), KILN_INVALID_ARGUMENT,
                "data is NULL");
  EXPECT_STATUS(kilnModelLoadFromMemory(file.data(), file.size(), nullptr), KILN_INVALID_ARGUMENT,
                "model is NULL");
}

//===----------------------------------------------------------------------===//
// Running
//===----------------------------------------------------------------------===//

TEST(RuntimeSession, RunsTheChain) {
  kilnModel model = load(fixtures::makeChainArtifact(code()));
  kilnSession s = session(model);
  EXPECT_EQ(kilnSessionGetNumThreads(s), 1u);
  runAndCheckChain(s, 1);
  const void *data = nullptr;
  size_t bytes = 0;
  ASSERT_OK(kilnSessionGetOutputByName(s, "scale", &data, &bytes));
  ASSERT_EQ(bytes, 64u);
  for (int64_t i = 0; i < fixtures::kScales; ++i) {
    EXPECT_EQ(static_cast<const float *>(data)[i], fixtures::chainScale(i)); // the copy
  }
  const void *z0 = nullptr;
  ASSERT_OK(kilnSessionGetOutputByName(s, "z", &z0, &bytes));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(z0) % 64, 0u);
  EXPECT_STATUS(kilnSessionGetOutputByName(s, "w", &data, &bytes), KILN_NOT_FOUND,
                "no output named 'w' (outputs: z, scale)");
  EXPECT_STATUS(kilnSessionGetOutput(s, 2, &data, &bytes), KILN_INVALID_ARGUMENT,
                "output index 2 is out of range: the model has 2 outputs (z, scale)");
  // Inputs stay bound: rebinding one input and running again uses the other's old value.
  runAndCheckChain(s, 2);
  HostTensor x = makeRandom(KILN_DTYPE_F32, {10, 100}, 77);
  ASSERT_OK(
      kilnSessionBindInputByName(s, "x", KILN_DTYPE_F32, kDims, 2, x.data.data(), x.data.size()));
  ASSERT_OK(kilnSessionRun(s));
  HostTensor y = makeRandom(KILN_DTYPE_F32, {10, 100}, 2 + 1000);
  ASSERT_OK(kilnSessionGetOutput(s, 0, &data, &bytes));
  const float *xs = reinterpret_cast<const float *>(x.data.data());
  const float *ys = reinterpret_cast<const float *>(y.data.data());
  for (int64_t i = 0; i < fixtures::kElements; ++i) {
    ASSERT_EQ(static_cast<const float *>(data)[i], (xs[i] + ys[i]) * fixtures::chainScale(i));
  }
  kilnSessionDestroy(s);
  kilnModelRelease(model);
}

TEST(RuntimeSession, BindingIsACopy) {
  kilnModel model = load(fixtures::makeChainArtifact(code()));
  kilnSession s = session(model);
  HostTensor x = makeRandom(KILN_DTYPE_F32, {10, 100}, 3);
  HostTensor zero = x;
  std::fill(zero.data.begin(), zero.data.end(), 0);
  ASSERT_OK(bindF32(s, 0, x));
  ASSERT_OK(bindF32(s, 1, zero));
  std::fill(x.data.begin(), x.data.end(), 0xFF); // the caller reuses its memory (NaNs)
  ASSERT_OK(kilnSessionRun(s));
  const void *data = nullptr;
  size_t bytes = 0;
  ASSERT_OK(kilnSessionGetOutput(s, 0, &data, &bytes));
  HostTensor original = makeRandom(KILN_DTYPE_F32, {10, 100}, 3);
  EXPECT_EQ(static_cast<const float *>(data)[5],
            reinterpret_cast<const float *>(original.data.data())[5] * fixtures::chainScale(5));
  kilnSessionDestroy(s);
  kilnModelRelease(model);
}

TEST(RuntimeSession, InputValidation) {
  kilnModel model = load(fixtures::makeChainArtifact(code()));
  kilnSession s = session(model);
  HostTensor x = makeRandom(KILN_DTYPE_F32, {10, 100}, 1);
  const void *data = nullptr;
  size_t bytes = 0;
  EXPECT_STATUS(kilnSessionGetOutput(s, 0, &data, &bytes), KILN_INVALID_ARGUMENT,
                "output 'z' is not computed yet");
  EXPECT_STATUS(kilnSessionRun(s), KILN_INVALID_ARGUMENT, "input 'x' (f32[10x100]) is not bound");
  ASSERT_OK(bindF32(s, 0, x));
  EXPECT_STATUS(kilnSessionRun(s), KILN_INVALID_ARGUMENT, "input 'y' (f32[10x100]) is not bound");

  const int64_t shortDims[] = {10, 99};
  const int64_t rank3[] = {10, 100, 1};
  EXPECT_STATUS(kilnSessionBindInput(s, 1, KILN_DTYPE_F16, kDims, 2, x.data.data(), 2000),
                KILN_INVALID_ARGUMENT, "input 'y': expected f32[10x100], got f16[10x100]");
  EXPECT_STATUS(kilnSessionBindInput(s, 1, KILN_DTYPE_F32, shortDims, 2, x.data.data(), 3960),
                KILN_INVALID_ARGUMENT, "input 'y': expected f32[10x100], got f32[10x99]");
  EXPECT_STATUS(kilnSessionBindInput(s, 1, KILN_DTYPE_F32, kDims, 1, x.data.data(), 40),
                KILN_INVALID_ARGUMENT, "input 'y': expected f32[10x100], got f32[10]");
  EXPECT_STATUS(kilnSessionBindInput(s, 1, KILN_DTYPE_F32, rank3, 3, x.data.data(), 4000),
                KILN_INVALID_ARGUMENT, "input 'y': expected f32[10x100], got f32[10x100x1]");
  EXPECT_STATUS(kilnSessionBindInput(s, 1, KILN_DTYPE_F32, kDims, 2, x.data.data(), 3999),
                KILN_INVALID_ARGUMENT, "input 'y': f32[10x100] is 4000 bytes, got 3999");
  EXPECT_STATUS(kilnSessionBindInput(s, 1, KILN_DTYPE_F32, kDims, 2, nullptr, 4000),
                KILN_INVALID_ARGUMENT, "input 'y': data is NULL");
  EXPECT_STATUS(kilnSessionBindInput(s, 1, KILN_DTYPE_F32, nullptr, 2, x.data.data(), 4000),
                KILN_INVALID_ARGUMENT, "input 'y': rank 2 but no dims");
  EXPECT_STATUS(kilnSessionBindInput(s, 2, KILN_DTYPE_F32, kDims, 2, x.data.data(), 4000),
                KILN_INVALID_ARGUMENT,
                "input index 2 is out of range: the model has 2 inputs (x, y)");
  EXPECT_STATUS(kilnSessionBindInputByName(s, "q", KILN_DTYPE_F32, kDims, 2, x.data.data(), 4000),
                KILN_NOT_FOUND, "the model has no input named 'q' (inputs: x, y)");
  // Failed binds leave y unbound.
  EXPECT_STATUS(kilnSessionRun(s), KILN_INVALID_ARGUMENT, "input 'y'");
  ASSERT_OK(kilnSessionBindInputByName(s, "y", KILN_DTYPE_F32, kDims, 2, x.data.data(), 4000));
  ASSERT_OK(kilnSessionRun(s));
  kilnSessionDestroy(s);
  kilnModelRelease(model);
}

TEST(RuntimeSession, ThreadCountsGiveIdenticalResults) {
  kilnModel model = load(fixtures::makeChainArtifact(code()));
  std::vector<uint8_t> reference;
  for (int32_t threads = 1; threads <= 4; ++threads) {
    kilnSession s = session(model, threads);
    ASSERT_EQ(kilnSessionGetNumThreads(s), static_cast<size_t>(threads));
    runAndCheckChain(s, 9);
    const void *data = nullptr;
    size_t bytes = 0;
    ASSERT_OK(kilnSessionGetOutput(s, 0, &data, &bytes));
    std::vector<uint8_t> z(static_cast<const uint8_t *>(data),
                           static_cast<const uint8_t *>(data) + bytes);
    if (threads == 1) {
      reference = z;
    } else {
      EXPECT_EQ(z, reference) << threads << " threads";
    }
    kilnSessionDestroy(s);
  }
  kilnModelRelease(model);
}

TEST(RuntimeSession, WorkItemsAreSplitInContiguousChunks) {
  for (int64_t items : {1, 3, 37}) {
    kilnModel model = load(fixtures::makeChunksArtifact(code(), items));
    for (int32_t threads = 1; threads <= 4; ++threads) {
      kilnSession s = session(model, threads);
      ASSERT_OK(kilnSessionRun(s)); // no inputs
      const void *begins = nullptr, *ends = nullptr;
      size_t bytes = 0;
      ASSERT_OK(kilnSessionGetOutput(s, 0, &begins, &bytes));
      ASSERT_OK(kilnSessionGetOutput(s, 1, &ends, &bytes));
      int64_t chunks = std::min<int64_t>(items, threads);
      for (int64_t c = 0; c < chunks; ++c) {
        int64_t b, e;
        ThreadPool::chunkBounds(items, chunks, c, b, e);
        for (int64_t i = b; i < e; ++i) {
          EXPECT_EQ(static_cast<const int64_t *>(begins)[i], b) << items << "/" << threads;
          EXPECT_EQ(static_cast<const int64_t *>(ends)[i], e) << items << "/" << threads;
        }
      }
      kilnSessionDestroy(s);
    }
    kilnModelRelease(model);
  }
}

TEST(RuntimeSession, ConcurrentSessionsShareOneModel) {
  kilnModel model = load(fixtures::makeChainArtifact(code()));
  constexpr int kThreads = 8;
  constexpr int kRuns = 50;
  std::vector<kilnSession> sessions;
  for (int t = 0; t < kThreads; ++t) {
    sessions.push_back(session(model, 1 + t % 2)); // some sessions run two threads each
  }
  // Sessions hold the model: releasing the caller's reference now changes nothing.
  kilnModelRelease(model);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRuns; ++r) {
        runAndCheckChain(sessions[t], static_cast<uint64_t>(t * 1000 + r));
      }
    });
  }
  for (std::thread &t : threads) {
    t.join();
  }
  for (kilnSession s : sessions) {
    kilnSessionDestroy(s);
  }
}

TEST(RuntimeSession, BuffersAre64ByteAligned) {
  kilnModel model = load(fixtures::makeAlignmentArtifact(code()));
  kilnSession s = session(model);
  const int64_t dims[] = {3};
  const float a[] = {1, 2, 3};
  ASSERT_OK(kilnSessionBindInput(s, 0, KILN_DTYPE_F32, dims, 1, a, sizeof(a)));
  ASSERT_OK(kilnSessionRun(s));
  const void *data = nullptr;
  size_t bytes = 0;
  ASSERT_OK(kilnSessionGetOutput(s, 0, &data, &bytes));
  ASSERT_EQ(bytes, 24u);
  const int64_t *misalignment = static_cast<const int64_t *>(data);
  EXPECT_EQ(misalignment[0], 0); // input
  EXPECT_EQ(misalignment[1], 0); // constants + 64
  EXPECT_EQ(misalignment[2], 0); // arena + 64
  kilnSessionDestroy(s);
  kilnModelRelease(model);
}

TEST(RuntimeSession, ModelWithoutKernels) {
  // An identity model: the output is a copy of the input, no code at all.
  Artifact a;
  a.meta.target = "cpu";
  a.meta.triple = "x86_64-unknown-linux-gnu";
  TensorDesc t;
  t.name = "x";
  t.dtype = KILN_DTYPE_I32;
  t.dims = {4};
  a.signature.inputs = {t};
  t.name = "y";
  a.signature.outputs = {t};
  Copy c;
  c.output = 0;
  c.source.space = BindingSpace::Input;
  c.source.index = 0;
  c.source.bytes = 16;
  a.plan.copies = {c};
  kilnModel model = load(a);
  ASSERT_NE(model, nullptr);
  kilnSession s = session(model, 3);
  const int64_t dims[] = {4};
  const int32_t x[] = {1, -2, 3, -4};
  ASSERT_OK(kilnSessionBindInput(s, 0, KILN_DTYPE_I32, dims, 1, x, sizeof(x)));
  ASSERT_OK(kilnSessionRun(s));
  const void *data = nullptr;
  size_t bytes = 0;
  ASSERT_OK(kilnSessionGetOutputByName(s, "y", &data, &bytes));
  ASSERT_EQ(bytes, sizeof(x));
  EXPECT_EQ(std::memcmp(data, x, sizeof(x)), 0);
  kilnSessionDestroy(s);
  kilnModelRelease(model);
}

TEST(RuntimeSession, OptionsAndHostileSizes) {
  kilnSessionOptions options = nullptr;
  ASSERT_OK(kilnSessionOptionsCreate(&options));
  EXPECT_STATUS(kilnSessionOptionsSetNumThreads(options, -1), KILN_INVALID_ARGUMENT,
                "num_threads -1 is out of range");
  EXPECT_STATUS(kilnSessionOptionsSetNumThreads(options, 5000), KILN_INVALID_ARGUMENT,
                "num_threads 5000 is out of range");
  ASSERT_OK(kilnSessionOptionsSetNumThreads(options, 0));
  kilnModel model = load(fixtures::makeChainArtifact(code()));
  kilnSession s = nullptr;
  ASSERT_OK(kilnSessionCreate(model, options, &s));
  unsigned hw = std::thread::hardware_concurrency();
  EXPECT_EQ(kilnSessionGetNumThreads(s), hw ? hw : 1u);
  runAndCheckChain(s, 4);
  kilnSessionDestroy(s);
  kilnSessionOptionsDestroy(options);
  EXPECT_STATUS(kilnSessionCreate(nullptr, nullptr, &s), KILN_INVALID_ARGUMENT, "model is NULL");
  kilnModelRelease(model);

  // A valid file can still ask for more memory than there is: a status, not a crash.
  Artifact a = fixtures::makeChainArtifact(code());
  a.plan.arenaBytes = uint64_t(1) << 62;
  model = load(a);
  ASSERT_NE(model, nullptr);
  EXPECT_STATUS(kilnSessionCreate(model, nullptr, &s), KILN_OUT_OF_MEMORY,
                "cannot allocate 4611686018427387904 bytes for the arena");
  EXPECT_EQ(s, nullptr);
  kilnModelRelease(model);
}

//===----------------------------------------------------------------------===//
// Profiling
//===----------------------------------------------------------------------===//

TEST(RuntimeSession, ProfilingRecordsEveryKernel) {
  kilnModel model = load(fixtures::makeChainArtifact(code()));
  kilnSession s = session(model, 2);
  EXPECT_EQ(kilnSessionGetProfileEventCount(s), 0u);
  ASSERT_OK(kilnSessionSetProfiling(s, 1));
  runAndCheckChain(s, 3);
  ASSERT_EQ(kilnSessionGetProfileEventCount(s), 2u);
  kilnProfileEvent e[2];
  ASSERT_OK(kilnSessionGetProfileEvent(s, 0, &e[0]));
  ASSERT_OK(kilnSessionGetProfileEvent(s, 1, &e[1]));
  EXPECT_STREQ(e[0].label, "add_0 (Add)");
  EXPECT_STREQ(e[0].symbol, "kiln_test_add");
  EXPECT_EQ(e[0].kernel, 0u);
  EXPECT_EQ(e[0].work_items, fixtures::kWorkItems);
  EXPECT_STREQ(e[1].label, "mul_0 (Mul)");
  EXPECT_EQ(e[1].kernel, 1u);
  EXPECT_GT(e[0].start_ns, 0);
  EXPECT_LE(e[0].start_ns, e[0].end_ns);
  EXPECT_LE(e[0].end_ns, e[1].start_ns); // plan order, no overlap
  EXPECT_LE(e[1].start_ns, e[1].end_ns);
  EXPECT_STATUS(kilnSessionGetProfileEvent(s, 2, &e[0]), KILN_INVALID_ARGUMENT,
                "profile event 2 is out of range: the latest run recorded 2");
  // A second run replaces the events.
  runAndCheckChain(s, 4);
  EXPECT_EQ(kilnSessionGetProfileEventCount(s), 2u);
  kilnProfileEvent again;
  ASSERT_OK(kilnSessionGetProfileEvent(s, 0, &again));
  EXPECT_GE(again.start_ns, e[1].end_ns);
  ASSERT_OK(kilnSessionSetProfiling(s, 0));
  runAndCheckChain(s, 5);
  EXPECT_EQ(kilnSessionGetProfileEventCount(s), 0u);
  kilnSessionDestroy(s);

  // On from the options.
  kilnSessionOptions options = nullptr;
  ASSERT_OK(kilnSessionOptionsCreate(&options));
  ASSERT_OK(kilnSessionOptionsSetProfiling(options, 1));
  ASSERT_OK(kilnSessionCreate(model, options, &s));
  runAndCheckChain(s, 6);
  EXPECT_EQ(kilnSessionGetProfileEventCount(s), 2u);
  kilnSessionDestroy(s);
  kilnSessionOptionsDestroy(options);
  kilnModelRelease(model);
}

} // namespace
