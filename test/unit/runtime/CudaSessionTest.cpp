//===- CudaSessionTest.cpp - CUDA models and sessions through the C API ----------===//
//
// Loading cuda artifacts needs no GPU; creating a session without one fails with the
// driver's message (no library, a library without the entry points, cuInit failing, no
// device). The fake driver (FakeCudaDriver.h) then runs CudaSession end to end on the
// host: architecture choice, module loading, buffers and parameters, TMA tensor maps,
// shared memory opt-in, graphs, profiling, failures and the release of every resource.
// The last tests launch the PTX on a real GPU and are skipped where there is none.
//
//===----------------------------------------------------------------------------===//
#include "kiln/runtime.h"
#include "lib/runtime/ArtifactFormat.h"
#include "lib/tensorio/TensorIO.h"
#include "test/unit/runtime/CudaTestSupport.h"
#include "test/unit/runtime/TestArtifacts.h"

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <iostream>
#include <optional>
#include <thread>

using namespace kiln::runtime;
using fixtures::FakeCuda;
using fixtures::ScopedEnv;
using kiln::io::HostTensor;
using kiln::io::makeRandom;

namespace {

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

/// Owns a model and a session.
struct Handles {
  ~Handles() {
    kilnSessionDestroy(session);
    kilnModelRelease(model);
  }
  kilnModel model = nullptr;
  kilnSession session = nullptr;
};

kilnModel load(const Artifact &a) {
  std::string file = serializeArtifact(a);
  kilnModel model = nullptr;
  Status s(kilnModelLoadFromMemory(file.data(), file.size(), &model));
  EXPECT_TRUE(s.ok()) << s.message();
  return model;
}

struct Options {
  kilnDevice device = KILN_DEVICE_AUTO;
  int32_t ordinal = 0;
  bool graph = false;
  bool profiling = false;
};

kilnStatus createSession(kilnModel model, const Options &o, kilnSession *session) {
  kilnSessionOptions options = nullptr;
  EXPECT_EQ(kilnSessionOptionsCreate(&options), nullptr);
  EXPECT_EQ(kilnSessionOptionsSetDevice(options, o.device, o.ordinal), nullptr);
  EXPECT_EQ(kilnSessionOptionsSetCudaGraph(options, o.graph), nullptr);
  EXPECT_EQ(kilnSessionOptionsSetProfiling(options, o.profiling), nullptr);
  kilnStatus s = kilnSessionCreate(model, options, session);
  kilnSessionOptionsDestroy(options);
  return s;
}

/// Binds x from `seed`, runs, and checks y = (x + 1) * scale exactly and the scale copy.
void runAndCheck(kilnSession s, uint64_t seed) {
  HostTensor x = makeRandom(KILN_DTYPE_F32, {10, 100}, seed);
  ASSERT_OK(kilnSessionBindInputByName(s, "x", KILN_DTYPE_F32, x.shape.data(), x.shape.size(),
                                       x.data.data(), x.data.size()));
  ASSERT_OK(kilnSessionRun(s));
  std::vector<float> xs(fixtures::kElements);
  std::memcpy(xs.data(), x.data.data(), x.data.size());
  std::vector<float> expect = fixtures::cudaChainExpected(xs);
  const void *data = nullptr;
  size_t bytes = 0;
  ASSERT_OK(kilnSessionGetOutputByName(s, "y", &data, &bytes));
  ASSERT_EQ(bytes, 4000u);
  ASSERT_EQ(reinterpret_cast<uintptr_t>(data) % 64, 0u);
  const float *y = static_cast<const float *>(data);
  for (int64_t i = 0; i < fixtures::kElements; ++i) {
    ASSERT_EQ(y[i], expect[i]) << "element " << i << " seed " << seed;
  }
  ASSERT_OK(kilnSessionGetOutputByName(s, "scale", &data, &bytes));
  ASSERT_EQ(bytes, 64u);
  for (int64_t i = 0; i < fixtures::kScales; ++i) {
    ASSERT_EQ(static_cast<const float *>(data)[i], fixtures::chainScale(i)) << i;
  }
}

/// Every resource the fake driver handed out has been given back.
void expectNothingAlive(const FakeCuda &fake) {
  KilnFakeCudaStats s = fake.stats();
  EXPECT_EQ(s.primaryContexts, 0);
  EXPECT_EQ(s.allocations, 0);
  EXPECT_EQ(s.streams, 0);
  EXPECT_EQ(s.modules, 0);
  EXPECT_EQ(s.events, 0);
  EXPECT_EQ(s.graphs, 0);
  EXPECT_EQ(s.graphExecs, 0);
  EXPECT_EQ(fake.contextDepth(), 0);
}

/// On the fake configured as `config`, creating a session for `model` fails with `code`
/// and `phrase`, leaves no session and gives back everything it took.
void expectCreationRefused(FakeCuda &fake, kilnModel model, const KilnFakeCudaConfig &config,
                           kilnStatusCode code, const std::string &phrase) {
  fake.configure(config);
  kilnSession session = reinterpret_cast<kilnSession>(0x1);
  EXPECT_STATUS(createSession(model, Options(), &session), code, phrase);
  EXPECT_EQ(session, nullptr);
  expectNothingAlive(fake);
}

//===----------------------------------------------------------------------===//
// Loading and choosing a device: no GPU needed
//===----------------------------------------------------------------------===//

TEST(CudaModel, LoadsWithoutAGpu) {
  ScopedEnv nowhere("KILN_CUDA_DRIVER", "/nonexistent/libcuda.so.1");
  kilnModel model = load(fixtures::makeCudaChainArtifact("sm_90a"));
  ASSERT_NE(model, nullptr);
  EXPECT_STREQ(kilnModelGetTarget(model), "cuda");
  EXPECT_STREQ(kilnModelGetTriple(model), "nvptx64-nvidia-cuda");
  EXPECT_STREQ(kilnModelGetCpu(model), "sm_90a");
  EXPECT_STREQ(kilnModelGetFeatures(model), "");
  EXPECT_EQ(kilnModelGetKernelCount(model), 2u);
  EXPECT_STREQ(kilnModelGetKernelLabel(model, 1), "mul_0 (Mul)");
  EXPECT_EQ(kilnModelGetConstantBytes(model), 64u);
  EXPECT_EQ(kilnModelGetArenaBytes(model), 4032u);
  kilnModelRelease(model);
}

TEST(CudaModel, LoadRefusals) {
  struct Case {
    const char *what;
    std::function<void(Artifact &)> patch;
    kilnStatusCode code;
    const char *phrase;
  };
  const Case cases[] = {
      {"CUBIN not ELF", [](Artifact &a) { a.cubin.assign(100, 0x11); }, KILN_DATA_LOSS,
       "CUBIN: not an ELF object; expected ptxas output"},
      {"CUBIN too short",
       [](Artifact &a) {
         a.cubin = {0x7f, 'E', 'L', 'F'};
       },
       KILN_DATA_LOSS, "CUBIN: not an ELF object"},
      {"CUBIN for x86",
       [](Artifact &a) {
         a.cubin = fixtures::fakeCubin("sm_80");
         a.cubin[18] = 62;
       },
       KILN_DATA_LOSS, "CUBIN: an ELF object, but not for CUDA"},
      {"unknown target",
       [](Artifact &a) {
         a.meta.target = "tpu";
         a.ptx.clear();
         a.plan.kernels.clear();
       },
       KILN_UNSUPPORTED, "the model targets 'tpu'; this runtime runs 'cpu' and 'cuda' models"},
  };
  for (const Case &c : cases) {
    Artifact a = fixtures::makeCudaChainArtifact();
    c.patch(a);
    std::string file = serializeArtifact(a);
    kilnModel model = reinterpret_cast<kilnModel>(0x1);
    EXPECT_STATUS(kilnModelLoadFromMemory(file.data(), file.size(), &model), c.code, c.phrase);
    EXPECT_EQ(model, nullptr) << c.what;
  }
}

TEST(CudaDriver, NoDriverLibrary) {
  ScopedEnv nowhere("KILN_CUDA_DRIVER", "/nonexistent/libcuda.so.1");
  Handles h;
  h.model = load(fixtures::makeCudaChainArtifact());
  ASSERT_NE(h.model, nullptr);
  h.session = reinterpret_cast<kilnSession>(0x1);
  Status s(createSession(h.model, Options(), &h.session));
  EXPECT_EQ(h.session, nullptr);
  EXPECT_EQ(s.code(), KILN_UNSUPPORTED) << s.message();
  EXPECT_EQ(
      s.message().rfind("CUDA: no NVIDIA driver on this machine (/nonexistent/libcuda.so.1", 0), 0u)
      << s.message();
  EXPECT_NE(s.message().find("run on a machine with a GPU and its driver, or compile with "
                             "--target=cpu"),
            std::string::npos)
      << s.message();
}

TEST(CudaDriver, DefaultLibraryIsLibcuda) {
  ScopedEnv unset("KILN_CUDA_DRIVER", nullptr);
  if (void *real = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL)) {
    dlclose(real);
    GTEST_SKIP() << "this machine has an NVIDIA driver";
  }
  Handles h;
  h.model = load(fixtures::makeCudaChainArtifact());
  Status s(createSession(h.model, Options(), &h.session));
  EXPECT_EQ(s.code(), KILN_UNSUPPORTED) << s.message();
  EXPECT_NE(s.message().find("CUDA: no NVIDIA driver on this machine (libcuda.so.1: "),
            std::string::npos)
      << s.message();
}

TEST(CudaDriver, LibraryWithoutTheEntryPoints) {
  ScopedEnv libm("KILN_CUDA_DRIVER", "libm.so.6");
  Handles h;
  h.model = load(fixtures::makeCudaChainArtifact());
  Status s(createSession(h.model, Options(), &h.session));
  EXPECT_EQ(s.code(), KILN_UNSUPPORTED) << s.message();
  EXPECT_NE(s.message().find("CUDA: the NVIDIA driver 'libm.so.6' does not export cuGetErrorName: "
                             "the driver is too old for this runtime"),
            std::string::npos)
      << s.message();
  EXPECT_EQ(h.session, nullptr);
}

TEST(CudaDriver, InitFailuresAreNotCached) {
  // A fresh copy of the fake, which this process has not initialized yet (a driver that
  // initialized once stays open for the process, under its path).
  fixtures::FakeCudaCopy copy;
  {
    FakeCuda fake(copy.path);
    ASSERT_TRUE(fake.ok()) << fake.error;
    Handles h;
    h.model = load(fixtures::makeCudaChainArtifact());
    KilnFakeCudaConfig config;
    config.initResult = 100; // CUDA_ERROR_NO_DEVICE
    fake.configure(config);
    EXPECT_STATUS(createSession(h.model, Options(), &h.session), KILN_UNSUPPORTED,
                  "CUDA: no GPU found (cuInit: CUDA_ERROR_NO_DEVICE: no CUDA-capable device is "
                  "detected); run on a machine with a GPU");
    config.initResult = 3; // CUDA_ERROR_NOT_INITIALIZED, which the fake cannot name
    fake.configure(config);
    EXPECT_STATUS(createSession(h.model, Options(), &h.session), KILN_UNSUPPORTED,
                  "CUDA: the NVIDIA driver failed to initialize (cuInit: CUresult 3)");
    fake.configure(KilnFakeCudaConfig());
    ASSERT_OK(createSession(h.model, Options(), &h.session));
    runAndCheck(h.session, 1);
  }
}

TEST(CudaDriver, NoDeviceOrNoSuchOrdinal) {
  FakeCuda fake;
  ASSERT_TRUE(fake.ok()) << fake.error;
  Handles h;
  h.model = load(fixtures::makeCudaChainArtifact());
  KilnFakeCudaConfig config;
  config.deviceCount = 0;
  fake.configure(config);
  EXPECT_STATUS(createSession(h.model, Options(), &h.session), KILN_UNSUPPORTED,
                "CUDA: no GPU found (cuDeviceGetCount: 0 devices)");
  fake.configure(KilnFakeCudaConfig());
  Options second;
  second.ordinal = 1;
  EXPECT_STATUS(createSession(h.model, second, &h.session), KILN_INVALID_ARGUMENT,
                "CUDA: there is no GPU 1: this machine has 1 GPU (ordinal 0)");
  config.deviceCount = 3;
  fake.configure(config);
  second.ordinal = 3;
  EXPECT_STATUS(createSession(h.model, second, &h.session), KILN_INVALID_ARGUMENT,
                "this machine has 3 GPUs (ordinals 0..2)");
  second.ordinal = 2;
  ASSERT_OK(createSession(h.model, second, &h.session));
  EXPECT_NE(std::string(kilnSessionGetDeviceInfo(h.session)).find("cuda:2 Kiln Fake GPU 2"),
            std::string::npos)
      << kilnSessionGetDeviceInfo(h.session);
  runAndCheck(h.session, 2);
  kilnSessionDestroy(h.session);
  h.session = nullptr;
  expectNothingAlive(fake);
}

TEST(CudaDevice, MustMatchTheTarget) {
  std::string error;
  std::vector<uint8_t> code = fixtures::testKernelCode(error);
  ASSERT_FALSE(code.empty()) << error;
  Handles cpu, gpu;
  cpu.model = load(fixtures::makeChainArtifact(code));
  gpu.model = load(fixtures::makeCudaChainArtifact());
  Options cuda;
  cuda.device = KILN_DEVICE_CUDA;
  EXPECT_STATUS(createSession(cpu.model, cuda, &cpu.session), KILN_INVALID_ARGUMENT,
                "model was compiled for cpu; run it with --device=cpu or recompile with "
                "--target=cuda");
  Options host;
  host.device = KILN_DEVICE_CPU;
  EXPECT_STATUS(createSession(gpu.model, host, &gpu.session), KILN_INVALID_ARGUMENT,
                "model was compiled for cuda; run it with --device=cuda or recompile with "
                "--target=cpu");
  // The default is the model's target.
  ASSERT_OK(createSession(cpu.model, Options(), &cpu.session));
  EXPECT_EQ(kilnSessionGetDevice(cpu.session), KILN_DEVICE_CPU);
  EXPECT_STREQ(kilnSessionGetDeviceInfo(cpu.session), "cpu, 1 thread");
  kilnSessionDestroy(cpu.session);
  cpu.session = nullptr;
  ASSERT_OK(createSession(cpu.model, host, &cpu.session));

  kilnSessionOptions options = nullptr;
  ASSERT_OK(kilnSessionOptionsCreate(&options));
  EXPECT_STATUS(kilnSessionOptionsSetDevice(options, KILN_DEVICE_CPU, 1), KILN_INVALID_ARGUMENT,
                "device ordinal 1 for cpu: the CPU is device 0");
  EXPECT_STATUS(kilnSessionOptionsSetDevice(options, KILN_DEVICE_CUDA, -1), KILN_INVALID_ARGUMENT,
                "device ordinal -1 for cuda");
  EXPECT_STATUS(kilnSessionOptionsSetDevice(options, static_cast<kilnDevice>(7), 0),
                KILN_INVALID_ARGUMENT, "unknown device 7");
  EXPECT_STATUS(kilnSessionOptionsSetDevice(nullptr, KILN_DEVICE_CPU, 0), KILN_INVALID_ARGUMENT,
                "options is NULL");
  EXPECT_STATUS(kilnSessionOptionsSetCudaGraph(nullptr, 1), KILN_INVALID_ARGUMENT,
                "options is NULL");
  kilnSessionOptionsDestroy(options);
  EXPECT_STREQ(kilnDeviceGetName(KILN_DEVICE_CPU), "cpu");
  EXPECT_STREQ(kilnDeviceGetName(KILN_DEVICE_CUDA), "cuda");
  EXPECT_STREQ(kilnDeviceGetName(KILN_DEVICE_AUTO), "auto");
  EXPECT_STREQ(kilnDeviceGetName(static_cast<kilnDevice>(9)), "unknown");
  EXPECT_EQ(kilnSessionGetDevice(nullptr), KILN_DEVICE_CPU);
  EXPECT_STREQ(kilnSessionGetDeviceInfo(nullptr), "");
}

//===----------------------------------------------------------------------===//
// CudaSession on the fake driver
//===----------------------------------------------------------------------===//

TEST(CudaFake, RunsTheChain) {
  FakeCuda fake;
  ASSERT_TRUE(fake.ok()) << fake.error;
  {
    Handles h;
    h.model = load(fixtures::makeCudaChainArtifact());
    ASSERT_OK(createSession(h.model, Options(), &h.session));
    EXPECT_EQ(fake.contextDepth(), 0);
    EXPECT_EQ(kilnSessionGetDevice(h.session), KILN_DEVICE_CUDA);
    EXPECT_EQ(kilnSessionGetNumThreads(h.session), 1u);
    EXPECT_STREQ(kilnSessionGetDeviceInfo(h.session),
                 "cuda:0 Kiln Fake GPU 0 (sm_80), PTX for sm_80 JIT-compiled by the driver");
    // Outputs before a run, an unbound input, a wrong shape: the same checks as on a CPU.
    const void *data;
    size_t bytes;
    EXPECT_STATUS(kilnSessionGetOutput(h.session, 0, &data, &bytes), KILN_INVALID_ARGUMENT,
                  "output 'y' is not computed yet");
    EXPECT_STATUS(kilnSessionRun(h.session), KILN_INVALID_ARGUMENT,
                  "input 'x' (f32[10x100]) is not bound");
    const int64_t wrong[] = {100, 10};
    std::vector<float> zeros(1000);
    EXPECT_STATUS(kilnSessionBindInput(h.session, 0, KILN_DTYPE_F32, wrong, 2, zeros.data(), 4000),
                  KILN_INVALID_ARGUMENT, "input 'x': expected f32[10x100], got f32[100x10]");
    for (uint64_t seed : {1, 2, 3}) {
      runAndCheck(h.session, seed);
      EXPECT_EQ(fake.contextDepth(), 0);
    }
    KilnFakeCudaStats s = fake.stats();
    EXPECT_FALSE(s.lastLoadWasCubin);
    EXPECT_EQ(s.moduleLoads, 1);
    EXPECT_EQ(s.kernelRuns, 6);
    EXPECT_EQ(s.sharedAttribute, 65536); // kernel 0 asks for 64 KiB
    EXPECT_EQ(s.launchesWithoutSharedOptIn, 0);
    EXPECT_EQ(s.callsWithoutContext, 0);
    EXPECT_EQ(s.graphLaunches, 0);
    // arena, constants, x, y, scale
    EXPECT_EQ(s.allocations, 5);
  }
  expectNothingAlive(fake);
  EXPECT_EQ(fake.stats().callsWithoutContext, 0);
}

TEST(CudaFake, ChoosesTheCubinOrThePtx) {
  FakeCuda fake;
  ASSERT_TRUE(fake.ok()) << fake.error;
  struct Case {
    const char *arch;
    bool cubin;
    int major, minor;
    const char *outcome; // a phrase of the device info, or of the refusal
    bool runs;
  };
  const Case cases[] = {
      {"sm_80", true, 8, 0, "(sm_80), CUBIN for sm_80", true},
      {"sm_80", true, 8, 6, "(sm_86), PTX for sm_80 JIT-compiled by the driver", true},
      {"sm_80", false, 9, 0, "(sm_90), PTX for sm_80 JIT-compiled", true},
      {"sm_89", true, 9, 0, "PTX for sm_89 JIT-compiled", true},
      {"sm_90a", false, 9, 0, "(sm_90), PTX for sm_90a JIT-compiled", true},
      {"sm_90a", true, 9, 0, "(sm_90), CUBIN for sm_90a", true},
      {"sm_86", true, 8, 0,
       "model compiled for sm_86; this GPU (Kiln Fake GPU 0) is sm_80: recompile with "
       "--cuda-arch=sm_80",
       false},
      {"sm_90a", true, 8, 0,
       "model compiled for sm_90a; this GPU (Kiln Fake GPU 0) is sm_80: recompile with "
       "--cuda-arch=sm_80",
       false},
      {"sm_90a", false, 10, 0,
       "model compiled for sm_90a; this GPU (Kiln Fake GPU 0) is sm_100: recompile with "
       "--cuda-arch=sm_100",
       false},
      {"sm_89", false, 8, 6, "is sm_86: recompile with --cuda-arch=sm_86", false},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(std::string(c.arch) + (c.cubin ? " with CUBIN" : "") + " on " +
                 std::to_string(c.major) + "." + std::to_string(c.minor));
    KilnFakeCudaConfig config;
    config.ccMajor = c.major;
    config.ccMinor = c.minor;
    fake.configure(config);
    Handles h;
    h.model = load(fixtures::makeCudaChainArtifact(c.arch, c.cubin ? fixtures::fakeCubin(c.arch)
                                                                   : std::vector<uint8_t>()));
    if (!c.runs) {
      EXPECT_STATUS(createSession(h.model, Options(), &h.session), KILN_UNSUPPORTED, c.outcome);
      continue;
    }
    ASSERT_OK(createSession(h.model, Options(), &h.session));
    EXPECT_NE(std::string(kilnSessionGetDeviceInfo(h.session)).find(c.outcome), std::string::npos)
        << kilnSessionGetDeviceInfo(h.session);
    EXPECT_EQ(fake.stats().lastLoadWasCubin,
              std::string(c.outcome).find("CUBIN") != std::string::npos);
    runAndCheck(h.session, 7);
  }
  expectNothingAlive(fake);
}

TEST(CudaFake, SharedMemory) {
  FakeCuda fake;
  ASSERT_TRUE(fake.ok()) << fake.error;
  KilnFakeCudaConfig config;
  config.maxSharedOptin = 48 * 1024;
  fake.configure(config);
  Handles h;
  h.model = load(fixtures::makeCudaChainArtifact());
  EXPECT_STATUS(createSession(h.model, Options(), &h.session), KILN_UNSUPPORTED,
                "kernel 0 (kiln_cuda_add_one, 'add_0 (Add)') needs 65536 bytes of shared memory; "
                "this GPU (Kiln Fake GPU 0, sm_80) allows 49152 per block");
  // At most 48 KiB needs no opt-in.
  Artifact small = fixtures::makeCudaChainArtifact();
  small.plan.kernels[0].launch.sharedBytes = 48 * 1024;
  Handles s;
  s.model = load(small);
  ASSERT_OK(createSession(s.model, Options(), &s.session));
  runAndCheck(s.session, 3);
  EXPECT_EQ(fake.stats().sharedAttribute, 0);
  EXPECT_EQ(fake.stats().launchesWithoutSharedOptIn, 0);
}

TEST(CudaFake, OutOfMemoryNamesWhatFor) {
  FakeCuda fake;
  ASSERT_TRUE(fake.ok()) << fake.error;
  Artifact hostile = fixtures::makeCudaChainArtifact();
  hostile.plan.arenaBytes = uint64_t(1) << 40;
  Handles h;
  h.model = load(hostile);
  EXPECT_STATUS(createSession(h.model, Options(), &h.session), KILN_OUT_OF_MEMORY,
                "CUDA: cannot allocate 1099511627776 bytes of GPU memory for the arena on GPU 0 "
                "(Kiln Fake GPU 0, sm_80), which has 1073741824 bytes in all (cuMemAlloc_v2: "
                "CUDA_ERROR_OUT_OF_MEMORY: out of memory)");
  expectNothingAlive(fake);

  Handles g;
  g.model = load(fixtures::makeCudaChainArtifact());
  struct Case {
    int allocation;
    const char *what;
  };
  // Allocations in order: the arena, the constants, x, y, scale.
  for (const Case &c : {Case{0, "4032 bytes of GPU memory for the arena"},
                        Case{1, "64 bytes of GPU memory for the constants"},
                        Case{2, "4000 bytes of GPU memory for input 'x'"},
                        Case{3, "4000 bytes of GPU memory for output 'y'"},
                        Case{4, "64 bytes of GPU memory for output 'scale'"}}) {
    KilnFakeCudaConfig config;
    config.oomAtAllocation = c.allocation;
    expectCreationRefused(fake, g.model, config, KILN_OUT_OF_MEMORY,
                          std::string("cannot allocate ") + c.what);
  }
}

TEST(CudaFake, GraphsCaptureOnceAndReplay) {
  FakeCuda fake;
  ASSERT_TRUE(fake.ok()) << fake.error;
  {
    Handles h;
    h.model = load(fixtures::makeCudaChainArtifact());
    Options graph;
    graph.graph = true;
    ASSERT_OK(createSession(h.model, graph, &h.session));
    EXPECT_NE(std::string(kilnSessionGetDeviceInfo(h.session)).find(", CUDA graph"),
              std::string::npos);
    for (uint64_t seed : {11, 12, 13}) {
      runAndCheck(h.session, seed); // new inputs every time: the graph reads the buffers
    }
    KilnFakeCudaStats s = fake.stats();
    EXPECT_EQ(s.graphInstantiations, 1);
    EXPECT_EQ(s.graphLaunches, 3);
    EXPECT_EQ(s.kernelRuns, 6);
    EXPECT_EQ(s.lastCaptureMode, 1); // CU_STREAM_CAPTURE_MODE_THREAD_LOCAL
    EXPECT_EQ(s.graphs, 0);          // the captured graph goes once instantiated
    EXPECT_EQ(s.graphExecs, 1);
    // Profiled runs launch kernel by kernel.
    ASSERT_OK(kilnSessionSetProfiling(h.session, 1));
    runAndCheck(h.session, 14);
    EXPECT_EQ(fake.stats().graphLaunches, 3);
    EXPECT_EQ(kilnSessionGetProfileEventCount(h.session), 2u);
    ASSERT_OK(kilnSessionSetProfiling(h.session, 0));
    runAndCheck(h.session, 15);
    EXPECT_EQ(fake.stats().graphLaunches, 4);
  }
  expectNothingAlive(fake);
}

TEST(CudaFake, ProfilingTimesEveryKernel) {
  FakeCuda fake;
  ASSERT_TRUE(fake.ok()) << fake.error;
  Handles h;
  h.model = load(fixtures::makeCudaChainArtifact());
  Options profiled;
  profiled.profiling = true;
  ASSERT_OK(createSession(h.model, profiled, &h.session));
  for (int run = 0; run < 2; ++run) {
    runAndCheck(h.session, 21);
    ASSERT_EQ(kilnSessionGetProfileEventCount(h.session), 2u);
    kilnProfileEvent e0, e1;
    ASSERT_OK(kilnSessionGetProfileEvent(h.session, 0, &e0));
    ASSERT_OK(kilnSessionGetProfileEvent(h.session, 1, &e1));
    EXPECT_STREQ(e0.label, "add_0 (Add)");
    EXPECT_STREQ(e1.symbol, "kiln_cuda_scale");
    EXPECT_EQ(e1.kernel, 1u);
    EXPECT_EQ(e0.work_items, 1);
    // The fake GPU takes 1000 ns + 1 ns per thread: 4x256 and 8x128 threads.
    EXPECT_NEAR(e0.end_ns - e0.start_ns, 2024, 1);
    EXPECT_EQ(e1.start_ns, e0.end_ns);
    EXPECT_NEAR(e1.end_ns - e1.start_ns, 2024, 1);
  }
  ASSERT_OK(kilnSessionSetProfiling(h.session, 0));
  runAndCheck(h.session, 22);
  EXPECT_EQ(kilnSessionGetProfileEventCount(h.session), 0u);
}

TEST(CudaFake, FailuresAreMessages) {
  FakeCuda fake;
  ASSERT_TRUE(fake.ok()) << fake.error;
  {
    // A kernel that faults: the run fails at the synchronization and the outputs are gone.
    Handles h;
    h.model = load(fixtures::makeCudaChainArtifact());
    ASSERT_OK(createSession(h.model, Options(), &h.session));
    runAndCheck(h.session, 31);
    KilnFakeCudaConfig config;
    config.faultNextKernel = true;
    fake.configure(config);
    EXPECT_STATUS(kilnSessionRun(h.session), KILN_INTERNAL,
                  "CUDA: running the plan on GPU 0 (Kiln Fake GPU 0, sm_80) failed "
                  "(cuStreamSynchronize: CUDA_ERROR_ILLEGAL_ADDRESS: an illegal memory access "
                  "was encountered)");
    const void *data;
    size_t bytes;
    EXPECT_STATUS(kilnSessionGetOutput(h.session, 0, &data, &bytes), KILN_INVALID_ARGUMENT,
                  "not computed yet");
    EXPECT_EQ(fake.contextDepth(), 0);
  }
  expectNothingAlive(fake);
  {
    // PTX the driver cannot compile: its log is in the message.
    Artifact bad = fixtures::makeCudaChainArtifact();
    bad.ptx = "// kiln_fake_invalid\n" + bad.ptx;
    Handles h;
    h.model = load(bad);
    Status s(createSession(h.model, Options(), &h.session));
    EXPECT_EQ(s.code(), KILN_DATA_LOSS) << s.message();
    EXPECT_NE(s.message().find("CUDA: cannot JIT-compile the PTX for sm_80 on GPU 0 (Kiln Fake "
                               "GPU 0, sm_80) (cuModuleLoadDataEx: CUDA_ERROR_INVALID_PTX: a PTX "
                               "JIT compilation failed); driver log: ptxas application ptx "
                               "input, line 1; error   : syntax error"),
              std::string::npos)
        << s.message();
  }
  {
    // A CUBIN that names no kernel of the plan (the PTX is not consulted).
    Artifact other = fixtures::makeCudaChainArtifact("sm_80", fixtures::fakeCubin("sm_80"));
    other.ptx += "\n.visible .entry kiln_cuda_elsewhere()\n{\n\tret;\n}\n";
    other.plan.kernels[1].symbol = "kiln_cuda_elsewhere";
    Handles h;
    h.model = load(other);
    EXPECT_STATUS(createSession(h.model, Options(), &h.session), KILN_DATA_LOSS,
                  "CUBIN: kernel 1 ('mul_0 (Mul)') needs 'kiln_cuda_elsewhere', which the loaded "
                  "module does not define");
  }
  expectNothingAlive(fake);
}

TEST(CudaFake, ModelWithoutKernels) {
  FakeCuda fake;
  ASSERT_TRUE(fake.ok()) << fake.error;
  Artifact a = fixtures::makeCudaChainArtifact();
  a.plan.kernels.clear();
  a.plan.arenaBytes = 0;
  a.ptx.clear();
  for (bool graph : {false, true}) {
    Handles h;
    h.model = load(a);
    Options o;
    o.graph = graph;
    ASSERT_OK(createSession(h.model, o, &h.session));
    std::vector<float> x(1000, 1.5f);
    const int64_t dims[] = {10, 100};
    ASSERT_OK(kilnSessionBindInput(h.session, 0, KILN_DTYPE_F32, dims, 2, x.data(), 4000));
    ASSERT_OK(kilnSessionRun(h.session));
    const void *data;
    size_t bytes;
    ASSERT_OK(kilnSessionGetOutput(h.session, 1, &data, &bytes));
    EXPECT_EQ(static_cast<const float *>(data)[15], fixtures::chainScale(15));
  }
  expectNothingAlive(fake);
}

TEST(CudaFake, ConcurrentSessionsShareOneModel) {
  FakeCuda fake;
  ASSERT_TRUE(fake.ok()) << fake.error;
  kilnModel model = load(fixtures::makeCudaChainArtifact());
  ASSERT_NE(model, nullptr);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([model, t] {
      kilnSession s = nullptr;
      Options o;
      o.graph = t % 2 == 1;
      Status st(createSession(model, o, &s));
      ASSERT_TRUE(st.ok()) << st.message();
      for (uint64_t run = 0; run < 10; ++run) {
        runAndCheck(s, 100 * t + run);
      }
      kilnSessionDestroy(s);
    });
  }
  for (std::thread &t : threads) {
    t.join();
  }
  kilnModelRelease(model);
  expectNothingAlive(fake);
  EXPECT_EQ(fake.stats().callsWithoutContext, 0);
}

//===----------------------------------------------------------------------===//
// TMA tensor maps on the fake driver
//===----------------------------------------------------------------------===//

/// The first launch of `function` the fake recorded.
std::optional<KilnFakeCudaLaunch> firstLaunch(const FakeCuda &fake, const std::string &function) {
  for (const KilnFakeCudaLaunch &l : fake.launches()) {
    if (function == l.function) {
      return l;
    }
  }
  return std::nullopt;
}

TEST(CudaFake, TensorMapsAreEncodedUploadedAndPassed) {
  for (bool graph : {false, true}) {
    SCOPED_TRACE(graph ? "CUDA graph" : "stream");
    FakeCuda fake;
    ASSERT_TRUE(fake.ok()) << fake.error;
    {
      Handles h;
      h.model = load(fixtures::makeCudaTmaArtifact());
      Options o;
      o.graph = graph;
      ASSERT_OK(createSession(h.model, o, &h.session));
      // Kernel 0 reads x through map 0's address: right outputs, right address.
      for (uint64_t seed : {41, 42, 43}) {
        runAndCheck(h.session, seed);
      }
      std::vector<KilnFakeCudaTensorMapEncode> encodes = fake.tensorMapEncodes();
      ASSERT_EQ(encodes.size(), 2u); // once per session, not per run
      std::optional<KilnFakeCudaLaunch> launch = firstLaunch(fake, "kiln_cuda_add_one_tma");
      ASSERT_TRUE(launch);
      ASSERT_EQ(launch->params, 4);
      const uint64_t *params = launch->values;

      // The encodes: the binding's address plus the offset, the map as the artifact has it.
      const KilnFakeCudaTensorMapEncode &x = encodes[0], &t = encodes[1];
      EXPECT_EQ(x.globalAddress, params[0]); // x + 0
      EXPECT_EQ(x.dataType, 7);              // CU_TENSOR_MAP_DATA_TYPE_FLOAT32
      EXPECT_EQ(x.rank, 2u);
      EXPECT_EQ(x.dims[0], 100u);
      EXPECT_EQ(x.dims[1], 10u);
      EXPECT_EQ(x.strides[0], 400u);
      EXPECT_EQ(x.box[0], 32u);
      EXPECT_EQ(x.box[1], 8u);
      EXPECT_EQ(x.swizzle, 3);                    // CU_TENSOR_MAP_SWIZZLE_128B
      EXPECT_EQ(t.globalAddress, params[1] + 64); // arena + 64
      EXPECT_EQ(t.dataType, 9);                   // CU_TENSOR_MAP_DATA_TYPE_BFLOAT16
      EXPECT_EQ(t.rank, 2u);
      EXPECT_EQ(t.dims[0], 32u);
      EXPECT_EQ(t.dims[1], 2u);
      EXPECT_EQ(t.strides[0], 64u);
      EXPECT_EQ(t.box[0], 32u);
      EXPECT_EQ(t.box[1], 2u);
      EXPECT_EQ(t.swizzle, 2); // CU_TENSOR_MAP_SWIZZLE_64B
      for (const KilnFakeCudaTensorMapEncode &e : encodes) {
        EXPECT_EQ(e.elementStrides[0], 1u);
        EXPECT_EQ(e.elementStrides[1], 1u);
        EXPECT_EQ(e.interleave, 0);  // CU_TENSOR_MAP_INTERLEAVE_NONE
        EXPECT_EQ(e.l2Promotion, 3); // CU_TENSOR_MAP_L2_PROMOTION_L2_256B
        EXPECT_EQ(e.oobFill, 0);     // CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE
      }

      // The parameters after the bindings: the uploaded maps, 128 bytes each, in device
      // memory (host memory in the fake, so readable here) holding what the encodes wrote.
      EXPECT_EQ(params[2] % 64, 0u);
      EXPECT_EQ(params[3], params[2] + 128);
      EXPECT_EQ(std::memcmp(reinterpret_cast<const void *>(params[2]), x.map, 128), 0);
      EXPECT_EQ(std::memcmp(reinterpret_cast<const void *>(params[3]), t.map, 128), 0);
      EXPECT_EQ(x.map[0], kKilnFakeTensorMapMagic);
      EXPECT_EQ(x.map[1], x.globalAddress);
      // arena, constants, x, y, scale, the maps
      EXPECT_EQ(fake.stats().allocations, 6);
      EXPECT_EQ(fake.stats().graphLaunches, graph ? 3 : 0);
    }
    expectNothingAlive(fake);
  }
}

TEST(CudaDriver, TensorMapsNeedTheEncodeEntryPoint) {
  // A driver without cuTensorMapEncodeTiled (older than CUDA 12) loads, runs models
  // without tensor maps and refuses the others with a way out. The runtime resolves each
  // library path once, so this needs a copy the process has not opened yet.
  fixtures::FakeCudaCopy copy;
  FakeCuda fake(copy.path);
  ASSERT_TRUE(fake.ok()) << fake.error;
  KilnFakeCudaConfig config;
  config.withoutTensorMapEncode = true;
  fake.configure(config);
  {
    Handles tma, plain;
    tma.model = load(fixtures::makeCudaTmaArtifact());
    plain.model = load(fixtures::makeCudaChainArtifact());
    expectCreationRefused(fake, tma.model, config, KILN_UNSUPPORTED,
                          "CUDA: this model's kernels use TMA tensor maps, which need "
                          "cuTensorMapEncodeTiled (CUDA 12 or newer driver); the NVIDIA driver '" +
                              copy.path + "' does not export it: update the NVIDIA driver");
    ASSERT_OK(createSession(plain.model, Options(), &plain.session));
    runAndCheck(plain.session, 51);
  }
  EXPECT_TRUE(fake.tensorMapEncodes().empty());
  expectNothingAlive(fake);
}

TEST(CudaFake, TensorMapFailuresNameTheKernelAndMap) {
  FakeCuda fake;
  ASSERT_TRUE(fake.ok()) << fake.error;
  Handles h;
  h.model = load(fixtures::makeCudaTmaArtifact());
  KilnFakeCudaConfig failingEncode;
  failingEncode.failTensorMapEncodeAt = 1;
  expectCreationRefused(
      fake, h.model, failingEncode, KILN_INTERNAL,
      "CUDA: cannot encode tensor map 1 of kernel 0 (kiln_cuda_add_one_tma, 'add_0 (Add)') "
      "(binding 1 +64 bf16 dims [32,2] strides [64] box [32,2] swizzle 64) for GPU 0 (Kiln "
      "Fake GPU 0, sm_80) (cuTensorMapEncodeTiled: CUDA_ERROR_INVALID_VALUE: invalid argument)");
  // Allocations in order: the arena, the constants, x, y, scale, then the maps.
  KilnFakeCudaConfig noMemoryForMaps;
  noMemoryForMaps.oomAtAllocation = 5;
  expectCreationRefused(fake, h.model, noMemoryForMaps, KILN_OUT_OF_MEMORY,
                        "cannot allocate 256 bytes of GPU memory for the tensor maps");
}

//===----------------------------------------------------------------------===//
// A real GPU, where there is one
//===----------------------------------------------------------------------===//

/// Creates `h.session` on the machine's own driver: "" when it did, else why the test is
/// skipped (no driver, no GPU, or a GPU of another architecture than the model's); any
/// other failure fails the test.
std::string createOnTheGpu(Handles &h, const Options &o) {
  Status s(createSession(h.model, o, &h.session));
  if (!s.ok() && s.code() == KILN_UNSUPPORTED &&
      (s.message().find("no NVIDIA driver") != std::string::npos ||
       s.message().find("no GPU found") != std::string::npos ||
       s.message().find("recompile with --cuda-arch") != std::string::npos)) {
    return "skipped: no GPU to run it (" + s.message() + ")";
  }
  EXPECT_TRUE(s.ok()) << s.message();
  return "";
}

TEST(CudaGpu, RunsThePtxOnTheGpu) {
  ScopedEnv unset("KILN_CUDA_DRIVER", nullptr);
  Handles h;
  h.model = load(fixtures::makeCudaChainArtifact("sm_80"));
  ASSERT_NE(h.model, nullptr);
  std::string skip = createOnTheGpu(h, Options());
  if (!skip.empty()) {
    GTEST_SKIP() << skip;
  }
  ASSERT_NE(h.session, nullptr);
  std::cout << "[          ] " << kilnSessionGetDeviceInfo(h.session) << "\n";
  for (uint64_t seed : {1, 2}) {
    runAndCheck(h.session, seed);
  }
  ASSERT_OK(kilnSessionSetProfiling(h.session, 1));
  runAndCheck(h.session, 3);
  ASSERT_EQ(kilnSessionGetProfileEventCount(h.session), 2u);
  kilnProfileEvent e;
  ASSERT_OK(kilnSessionGetProfileEvent(h.session, 1, &e));
  EXPECT_GE(e.end_ns, e.start_ns);

  Handles g;
  g.model = load(fixtures::makeCudaChainArtifact("sm_80"));
  Options graph;
  graph.graph = true;
  ASSERT_OK(createSession(g.model, graph, &g.session));
  for (uint64_t seed : {4, 5, 6}) {
    runAndCheck(g.session, seed);
  }
}

TEST(CudaGpu, EncodesTensorMapsWithTheDriver) {
  // The real cuTensorMapEncodeTiled accepts the maps the runtime passes it (on a Hopper
  // GPU: the artifact is sm_90a), and a kernel with map parameters launches and runs. The
  // test kernel ignores its maps: what TMA reads through them is for the compiler's
  // kernels to show.
  ScopedEnv unset("KILN_CUDA_DRIVER", nullptr);
  for (bool graph : {false, true}) {
    Handles h;
    h.model = load(fixtures::makeCudaTmaArtifact("sm_90a"));
    ASSERT_NE(h.model, nullptr);
    Options o;
    o.graph = graph;
    std::string skip = createOnTheGpu(h, o);
    if (!skip.empty()) {
      GTEST_SKIP() << skip;
    }
    ASSERT_NE(h.session, nullptr);
    for (uint64_t seed : {61, 62}) {
      runAndCheck(h.session, seed);
    }
  }
}

} // namespace
