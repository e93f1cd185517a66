//===- RunToolTest.cpp - kiln-run's body, the binding resolver, comparisons -------===//
//
// The tool runs here in-process (so the sanitizer build covers it too): command-line
// parsing, binding resolution, allclose, output summaries, and whole runs on test
// artifacts with files, references, benchmarks, profiles and --inspect.
//
//===----------------------------------------------------------------------------===//
#include "lib/runtime/tool/RunTool.h"
#include "lib/tensorio/ResolveBindings.h"
#include "lib/tensorio/TensorCompare.h"
#include "lib/tensorio/TensorIO.h"
#include "test/unit/runtime/CudaTestSupport.h"
#include "test/unit/runtime/TestArtifacts.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <unistd.h>

using namespace kiln::runtime;
using namespace kiln::runtime::tool;
using kiln::io::HostTensor;

namespace {

bool parse(std::vector<const char *> args, RunOptions &o, std::string &error) {
  args.insert(args.begin(), "kiln-run");
  o = RunOptions();
  return parseRunOptions(static_cast<int>(args.size()), args.data(), o, error);
}

TEST(RunToolOptions, ParsesEveryFlag) {
  RunOptions o;
  std::string error;
  ASSERT_TRUE(parse({"m.kiln", "--input=x=@a.npy", "--input", "random:3", "-output=@o.npy",
                     "--expected-output=z=@r.npy", "--atol=1e-3", "--rtol", "0", "--benchmark=10",
                     "--warmup=2", "--threads=4", "--profile=t.json", "--random-inputs=7"},
                    o, error))
      << error;
  EXPECT_EQ(o.model, "m.kiln");
  EXPECT_EQ(o.inputs, (std::vector<std::string>{"x=@a.npy", "random:3"}));
  EXPECT_EQ(o.outputs, (std::vector<std::string>{"@o.npy"}));
  EXPECT_EQ(o.expected, (std::vector<std::string>{"z=@r.npy"}));
  EXPECT_EQ(o.atol, 1e-3);
  EXPECT_EQ(o.rtol, 0.0);
  EXPECT_EQ(o.benchmarkRuns, 10);
  EXPECT_EQ(o.warmupRuns, 2);
  EXPECT_EQ(o.threads, 4);
  EXPECT_EQ(o.profilePath, "t.json");
  EXPECT_EQ(o.randomSeed, 7);
  EXPECT_FALSE(o.inspect);
  EXPECT_EQ(o.device, KILN_DEVICE_AUTO); // the model's target
  EXPECT_FALSE(o.cudaGraph);
  ASSERT_TRUE(parse({"m.kiln", "--device=cuda", "--cuda-graph"}, o, error)) << error;
  EXPECT_EQ(o.device, KILN_DEVICE_CUDA);
  EXPECT_EQ(o.deviceOrdinal, 0);
  EXPECT_TRUE(o.cudaGraph);
  ASSERT_TRUE(parse({"m.kiln", "--device", "cuda:3"}, o, error)) << error;
  EXPECT_EQ(o.device, KILN_DEVICE_CUDA);
  EXPECT_EQ(o.deviceOrdinal, 3);
  ASSERT_TRUE(parse({"m.kiln", "--device=cpu"}, o, error)) << error;
  EXPECT_EQ(o.device, KILN_DEVICE_CPU);
  ASSERT_TRUE(parse({"--inspect", "m.kiln"}, o, error)) << error;
  EXPECT_TRUE(o.inspect);
  EXPECT_EQ(o.model, "m.kiln");
  ASSERT_TRUE(parse({"--help"}, o, error)) << error;
  EXPECT_TRUE(o.help);
  EXPECT_EQ(o.threads, 1); // defaults
  EXPECT_EQ(o.atol, 1e-5);
  EXPECT_EQ(o.rtol, 1e-4);
}

TEST(RunToolOptions, RejectsBadUsage) {
  struct Case {
    std::vector<const char *> args;
    const char *phrase;
  };
  const Case cases[] = {
      {{}, "no model given"},
      {{"a.kiln", "b.kiln"}, "one model at a time: got 'a.kiln' and 'b.kiln'"},
      {{"m.kiln", "--frobnicate"}, "unknown option '--frobnicate'"},
      {{"m.kiln", "--input"}, "--input needs a value"},
      {{"m.kiln", "--atol=-1"}, "--atol=-1: expected a finite number >= 0"},
      {{"m.kiln", "--rtol=abc"}, "--rtol=abc: expected a finite number"},
      {{"m.kiln", "--rtol=nan"}, "--rtol=nan"},
      {{"m.kiln", "--benchmark=0"}, "--benchmark=0: expected a number of runs >= 1"},
      {{"m.kiln", "--benchmark=5x"}, "--benchmark=5x"},
      {{"m.kiln", "--warmup=-1"}, "--warmup=-1"},
      {{"m.kiln", "--threads=2000"}, "--threads=2000: expected 1..1024"},
      {{"m.kiln", "--random-inputs=-3"}, "--random-inputs=-3: expected a seed >= 0"},
      {{"m.kiln", "--profile="}, "--profile needs a file name"},
      {{"--inspect=yes", "m.kiln"}, "--inspect takes no value"},
      {{"m.kiln", "--device=gpu"}, "--device=gpu: expected cpu, cuda or cuda:N"},
      {{"m.kiln", "--device=cuda:"}, "--device=cuda:: expected cpu, cuda or cuda:N"},
      {{"m.kiln", "--device=cuda:-1"}, "expected cpu, cuda or cuda:N"},
      {{"m.kiln", "--cuda-graph=1"}, "--cuda-graph takes no value"},
  };
  for (const Case &c : cases) {
    RunOptions o;
    std::string error;
    EXPECT_FALSE(parse(c.args, o, error)) << c.phrase;
    EXPECT_NE(error.find(c.phrase), std::string::npos) << c.phrase << ": " << error;
  }
}

TEST(RunToolOptions, ExitCodes) {
  EXPECT_EQ(exitCodeFor(KILN_INVALID_ARGUMENT), 2);
  EXPECT_EQ(exitCodeFor(KILN_NOT_FOUND), 2);
  EXPECT_EQ(exitCodeFor(KILN_DATA_LOSS), 2);
  EXPECT_EQ(exitCodeFor(KILN_UNSUPPORTED), 1);
  EXPECT_EQ(exitCodeFor(KILN_OUT_OF_MEMORY), 1);
  EXPECT_EQ(exitCodeFor(KILN_INTERNAL), 1);
}

//===----------------------------------------------------------------------===//
// Binding resolution and comparison (lib/tensorio)
//===----------------------------------------------------------------------===//

TEST(ResolveBindings, NamedAndPositional) {
  std::vector<std::optional<kiln::io::Binding>> chosen;
  std::string error;
  ASSERT_TRUE(kiln::io::resolveBindings({"c=@c.npy", "@first.npy", "random:4"}, true,
                                        {"a", "b", "c"}, "input", "input", chosen, error))
      << error;
  ASSERT_EQ(chosen.size(), 3u);
  // Positional specs take positions 0, 1, ... whatever the named ones took (as in
  // kiln-interpret).
  EXPECT_EQ(chosen[0]->path, "first.npy");
  EXPECT_EQ(chosen[1]->kind, kiln::io::Binding::Kind::Random);
  EXPECT_EQ(chosen[1]->seed, 4u);
  EXPECT_EQ(chosen[2]->path, "c.npy");
  ASSERT_TRUE(kiln::io::resolveBindings({}, true, {"a"}, "input", "input", chosen, error));
  EXPECT_FALSE(chosen[0]);

  struct Case {
    std::vector<std::string> specs;
    const char *phrase;
  };
  const Case cases[] = {
      {{"q=@x.npy"},
       "--expected-output=q=@x.npy: the model has no output named 'q' "
       "(outputs: a, b)"},
      {{"@1.npy", "@2.npy", "@3.npy"}, "--expected-output=@3.npy: the model has only 2 outputs"},
      {{"@1.npy", "a=@2.npy"}, "--expected-output=a=@2.npy: output 'a' is bound twice"},
      {{"random:1"}, "random data can only feed inputs"},
      {{"x.npy"}, "needs a leading '@'"},
  };
  for (const Case &c : cases) {
    EXPECT_FALSE(kiln::io::resolveBindings(c.specs, false, {"a", "b"}, "expected-output", "output",
                                           chosen, error));
    EXPECT_NE(error.find(c.phrase), std::string::npos) << error;
  }
}

HostTensor f32(std::vector<int64_t> shape, std::vector<float> values) {
  HostTensor t;
  t.dtype = KILN_DTYPE_F32;
  t.shape = std::move(shape);
  t.data.resize(values.size() * 4);
  if (!values.empty()) {
    std::memcpy(t.data.data(), values.data(), t.data.size());
  }
  return t;
}

TEST(TensorCompare, AllcloseSemantics) {
  HostTensor ref = f32({2, 3}, {1, -2, 0, 100, NAN, INFINITY});
  HostTensor got = f32({2, 3}, {1.00001f, -2, 1e-6f, 100.01f, NAN, INFINITY});
  kiln::io::CompareResult r;
  std::string error;
  ASSERT_TRUE(kiln::io::compareTensors(got, ref, 1e-5, 1e-4, r, error)) << error;
  EXPECT_EQ(r.elements, 6u);
  EXPECT_EQ(r.mismatches, 0u);
  EXPECT_NEAR(r.maxAbsError, 0.01, 1e-5);
  EXPECT_NEAR(r.maxRelError, 1e-4, 1e-6);

  got = f32({2, 3}, {1, -2.5f, 0, 100, 0, -INFINITY});
  ASSERT_TRUE(kiln::io::compareTensors(got, ref, 1e-5, 1e-4, r, error)) << error;
  EXPECT_EQ(r.mismatches, 3u); // -2.5, NaN vs 0, -inf vs inf
  EXPECT_EQ(r.firstMismatch, 1u);
  EXPECT_EQ(r.firstActual, -2.5);
  EXPECT_EQ(r.firstExpected, -2.0);
  EXPECT_TRUE(std::isinf(r.maxAbsError));
  // Looser tolerances accept the -2.5 only.
  ASSERT_TRUE(kiln::io::compareTensors(got, ref, 1.0, 0, r, error));
  EXPECT_EQ(r.mismatches, 2u);

  EXPECT_FALSE(kiln::io::compareTensors(f32({3, 2}, {0, 0, 0, 0, 0, 0}), ref, 1, 1, r, error));
  EXPECT_EQ(error, "the output is f32[3x2] but the reference is f32[2x3]");
  HostTensor ints = kiln::io::makeRandom(KILN_DTYPE_I32, {2, 3}, 1);
  EXPECT_FALSE(kiln::io::compareTensors(ints, ref, 1, 1, r, error));
  EXPECT_EQ(error, "the output is i32[2x3] but the reference is f32[2x3]");
  ASSERT_TRUE(kiln::io::compareTensors(ints, ints, 0, 0, r, error));
  EXPECT_EQ(r.mismatches, 0u);
  // numpy has no bfloat16: a u16 reference holds bf16 bit patterns.
  HostTensor bf = kiln::io::makeRandom(KILN_DTYPE_BF16, {4}, 2);
  HostTensor bits = bf;
  bits.dtype = KILN_DTYPE_U16;
  ASSERT_TRUE(kiln::io::compareTensors(bf, bits, 0, 0, r, error)) << error;
  EXPECT_EQ(r.mismatches, 0u);
}

TEST(TensorCompare, SummaryMatchesKilnInterpret) {
  EXPECT_EQ(kiln::io::summarizeTensor(f32({2, 2}, {1, -0.5f, 2, 0.25f})),
            "f32[2x2] sum=2.750000e+00 first=[1.000000e+00, -5.000000e-01, 2.000000e+00, "
            "2.500000e-01]");
  EXPECT_EQ(kiln::io::summarizeTensor(f32({1}, {NAN})),
            "f32[1] sum=nan (non-finite values) first=[nan]");
  EXPECT_EQ(kiln::io::summarizeTensor(f32({0}, {})), "f32[0] sum=0.000000e+00");
  HostTensor h;
  h.dtype = KILN_DTYPE_F16;
  h.shape = {3};
  h.data = {0x00, 0x3C, 0x00, 0xC0, 0x01, 0x00}; // 1, -2, smallest subnormal
  EXPECT_DOUBLE_EQ(kiln::io::elementAsDouble(h, 0), 1.0);
  EXPECT_DOUBLE_EQ(kiln::io::elementAsDouble(h, 1), -2.0);
  EXPECT_DOUBLE_EQ(kiln::io::elementAsDouble(h, 2), std::ldexp(1.0, -24));
  HostTensor i8;
  i8.dtype = KILN_DTYPE_I8;
  i8.shape = {2};
  i8.data = {0xFF, 0x05};
  EXPECT_EQ(kiln::io::elementAsDouble(i8, 0), -1.0);
  EXPECT_EQ(kiln::io::elementAsDouble(i8, 1), 5.0);
}

//===----------------------------------------------------------------------===//
// Whole runs
//===----------------------------------------------------------------------===//

class RunToolFiles : public ::testing::Test {
protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("kiln-run-test-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir);
    std::string error;
    std::vector<uint8_t> code = fixtures::testKernelCode(error);
    ASSERT_FALSE(code.empty()) << error;
    ASSERT_TRUE(writeArtifactFile(path("chain.kiln"), fixtures::makeChainArtifact(code), error))
        << error;
    Artifact needy = fixtures::makeChainArtifact(code);
    needy.meta.features.push_back("kiln_fake_feature");
    ASSERT_TRUE(writeArtifactFile(path("needy.kiln"), needy, error)) << error;
    ASSERT_TRUE(writeArtifactFile(path("cuda.kiln"), fixtures::makeCudaChainArtifact(), error))
        << error;
    ASSERT_TRUE(writeArtifactFile(path("tma.kiln"), fixtures::makeCudaTmaArtifact(), error))
        << error;
  }
  void TearDown() override { std::filesystem::remove_all(dir); }

  std::string path(const std::string &name) const { return (dir / name).string(); }

  int run(std::vector<std::string> args) {
    std::vector<const char *> argv = {"kiln-run"};
    for (const std::string &a : args) {
      argv.push_back(a.c_str());
    }
    out.str("");
    err.str("");
    return runToolMain(static_cast<int>(argv.size()), argv.data(), out, err);
  }

  std::vector<float> expectedZ(uint64_t xSeed, uint64_t ySeed) {
    HostTensor x = kiln::io::makeRandom(KILN_DTYPE_F32, {10, 100}, xSeed);
    HostTensor y = kiln::io::makeRandom(KILN_DTYPE_F32, {10, 100}, ySeed);
    std::vector<float> z(fixtures::kElements);
    for (int64_t i = 0; i < fixtures::kElements; ++i) {
      float a, b;
      std::memcpy(&a, x.data.data() + 4 * i, 4);
      std::memcpy(&b, y.data.data() + 4 * i, 4);
      z[i] = (a + b) * fixtures::chainScale(i);
    }
    return z;
  }

  std::filesystem::path dir;
  std::ostringstream out, err;
};

TEST_F(RunToolFiles, RunsAndWritesOutputs) {
  ASSERT_EQ(run({path("chain.kiln"), "--input=y=random:2", "--input=random:1",
                 "--output=@" + path("z.npy"), "--output=scale=@" + path("s.pb"), "--threads=3"}),
            0)
      << err.str();
  kiln::io::HostTensor z, s;
  std::string error;
  ASSERT_TRUE(kiln::io::readNpy(path("z.npy"), z, error)) << error;
  EXPECT_EQ(z.name, "");
  EXPECT_EQ(z.shape, (std::vector<int64_t>{10, 100}));
  std::vector<float> expect = expectedZ(1, 2);
  EXPECT_EQ(std::memcmp(z.data.data(), expect.data(), 4000), 0);
  ASSERT_TRUE(kiln::io::readTensorProto(path("s.pb"), s, error)) << error;
  EXPECT_EQ(s.name, "scale");
  EXPECT_EQ(s.shape, (std::vector<int64_t>{16}));
  // One summary line per output, in kiln-interpret's format.
  std::string text = out.str();
  EXPECT_EQ(text.rfind("z: f32[10x100] sum=", 0), 0u) << text;
  EXPECT_NE(text.find("\nscale: f32[16] sum=3.800000e+01 first=[5.000000e-01, "
                      "7.500000e-01, 1.000000e+00, 1.250000e+00]\n"),
            std::string::npos)
      << text;
  // --random-inputs gives input i the seed SEED + i, as kiln-interpret does.
  ASSERT_EQ(run({path("chain.kiln"), "--random-inputs=1", "--output=@" + path("z2.npy")}), 0)
      << err.str();
  HostTensor z2;
  ASSERT_TRUE(kiln::io::readNpy(path("z2.npy"), z2, error)) << error;
  EXPECT_EQ(z2.data, z.data);
}

TEST_F(RunToolFiles, ComparesWithReferences) {
  std::vector<float> expect = expectedZ(1, 2);
  HostTensor ref;
  ref.dtype = KILN_DTYPE_F32;
  ref.shape = {10, 100};
  ref.data.resize(4000);
  std::memcpy(ref.data.data(), expect.data(), 4000);
  std::string error;
  ASSERT_TRUE(kiln::io::writeNpy(path("ref.npy"), ref, error)) << error;
  ASSERT_EQ(run({path("chain.kiln"), "--input=x=random:1", "--input=y=random:2",
                 "--expected-output=z=@" + path("ref.npy")}),
            0)
      << err.str();
  EXPECT_NE(out.str().find("z: max abs error 0.000000e+00, max rel error 0.000000e+00, 0 of "
                           "1000 elements differ (atol 1e-05, rtol 0.0001)"),
            std::string::npos)
      << out.str();

  // Perturb element [3, 7] beyond the tolerance: exit 1, naming the element.
  float v;
  std::memcpy(&v, ref.data.data() + 4 * 307, 4);
  v += 0.5f;
  std::memcpy(ref.data.data() + 4 * 307, &v, 4);
  ASSERT_TRUE(kiln::io::writeNpy(path("bad.npy"), ref, error)) << error;
  EXPECT_EQ(run({path("chain.kiln"), "--input=x=random:1", "--input=y=random:2",
                 "--expected-output=@" + path("bad.npy")}),
            1);
  EXPECT_NE(out.str().find("1 of 1000 elements differ"), std::string::npos) << out.str();
  EXPECT_NE(err.str().find("output 'z' does not match '" + path("bad.npy") + "': first at [3, 7]"),
            std::string::npos)
      << err.str();
  EXPECT_NE(err.str().find("1 output differ"), std::string::npos) << err.str();
  // ... and a loose enough atol accepts it.
  EXPECT_EQ(run({path("chain.kiln"), "--input=x=random:1", "--input=y=random:2",
                 "--expected-output=@" + path("bad.npy"), "--atol=0.6"}),
            0)
      << err.str();

  // A reference of the wrong shape is bad input: exit 2 before judging.
  HostTensor small = kiln::io::makeRandom(KILN_DTYPE_F32, {16}, 1);
  ASSERT_TRUE(kiln::io::writeNpy(path("small.npy"), small, error)) << error;
  EXPECT_EQ(
      run({path("chain.kiln"), "--random-inputs=0", "--expected-output=@" + path("small.npy")}), 2);
  EXPECT_NE(err.str().find("the output is f32[10x100] but the reference is f32[16]"),
            std::string::npos)
      << err.str();
  EXPECT_EQ(
      run({path("chain.kiln"), "--random-inputs=0", "--expected-output=@" + path("missing.npy")}),
      2);
  EXPECT_NE(err.str().find("expected output 'z'"), std::string::npos) << err.str();
}

TEST_F(RunToolFiles, BenchmarkAndProfile) {
  ASSERT_EQ(run({path("chain.kiln"), "--random-inputs=0", "--benchmark=5", "--threads=2",
                 "--profile=" + path("trace.json")}),
            0)
      << err.str();
  std::string text = out.str();
  EXPECT_EQ(text.rfind("benchmark: 5 runs (1 warmup, 2 threads): min ", 0), 0u) << text;
  EXPECT_NE(text.find(" ms, median "), std::string::npos) << text;
  EXPECT_NE(text.find(" ms, p90 "), std::string::npos) << text;
  EXPECT_NE(err.str().find("\rkiln-run: benchmark run 5/5"), std::string::npos) << err.str();
  std::ifstream f(path("trace.json"));
  std::string json((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_EQ(json.rfind("{\"traceEvents\": [", 0), 0u) << json;
  auto count = [&](const std::string &needle) {
    size_t n = 0;
    for (size_t at = json.find(needle); at != std::string::npos; at = json.find(needle, at + 1)) {
      ++n;
    }
    return n;
  };
  EXPECT_EQ(count("\"ph\": \"X\""), 15u); // 5 runs + 5 x 2 kernels
  EXPECT_EQ(count("\"name\": \"add_0 (Add)\", \"cat\": \"kernel\""), 5u);
  EXPECT_EQ(count("\"name\": \"mul_0 (Mul)\", \"cat\": \"kernel\""), 5u);
  EXPECT_EQ(count("\"cat\": \"run\""), 5u);
  EXPECT_NE(json.find("\"symbol\": \"kiln_test_scale\", \"work_items\": 63"), std::string::npos);
  EXPECT_NE(json.find("\"ts\": 0.000"), std::string::npos); // relative to the first event
  EXPECT_NE(json.find("\"tid\": 1"), std::string::npos);
  EXPECT_EQ(json.substr(json.size() - 2), "}\n");
}

TEST_F(RunToolFiles, BadInputsExitTwo) {
  struct Case {
    std::vector<std::string> args;
    int code;
    std::string phrase;
  };
  HostTensor h = kiln::io::makeRandom(KILN_DTYPE_F16, {10, 100}, 1);
  std::string error;
  ASSERT_TRUE(kiln::io::writeNpy(path("h.npy"), h, error)) << error;
  const Case cases[] = {
      {{path("chain.kiln")},
       2,
       "input 'x' is not bound; pass --input=x=@file.npy (or .pb, or random:SEED)"},
      {{path("chain.kiln"), "--input=x=@" + path("h.npy"), "--random-inputs=1"},
       2,
       "input 'x': expected f32[10x100] but '" + path("h.npy") + "' holds f16[10x100]"},
      {{path("chain.kiln"), "--input=w=random:1"},
       2,
       "--input=w=random:1: the model has no input named 'w' (inputs: x, y)"},
      {{path("chain.kiln"), "--random-inputs=1", "--output=@" + path("no/such/dir.npy")},
       2,
       "output 'z': "},
      {{path("missing.kiln")}, 2, "'" + path("missing.kiln") + "': cannot open"},
      {{path("needy.kiln"), "--random-inputs=1"},
       1,
       "model needs kiln_fake_feature; this CPU has: "},
      {{"--bogus"}, 2, "unknown option '--bogus'"},
  };
  for (const Case &c : cases) {
    EXPECT_EQ(run(c.args), c.code) << c.phrase << "\n" << err.str();
    EXPECT_NE(err.str().find(c.phrase), std::string::npos) << err.str();
    EXPECT_EQ(err.str().rfind("kiln-run: ", 0), 0u) << err.str();
  }
  // A truncated artifact is a bad input file.
  std::ifstream f(path("chain.kiln"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::ofstream(path("cut.kiln"), std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  EXPECT_EQ(run({path("cut.kiln"), "--random-inputs=1"}), 2);
  EXPECT_NE(err.str().find("truncated"), std::string::npos) << err.str();
  EXPECT_EQ(run({"--inspect", path("cut.kiln")}), 2);
  EXPECT_NE(err.str().find("truncated"), std::string::npos) << err.str();
}

TEST_F(RunToolFiles, Inspect) {
  // Inspect loads no code, so it works on an artifact this CPU cannot run.
  ASSERT_EQ(run({"--inspect", path("needy.kiln")}), 0) << err.str();
  std::string text = out.str();
  const char *lines[] = {
      "format 1.2\n",
      "compiler: kiln-test 0.1.0\n",
      "triple:   x86_64-unknown-linux-gnu\n",
      "cpu:      x86-64\n",
      "features: sse2 kiln_fake_feature (missing on this CPU: kiln_fake_feature)\n",
      "inputs: 2\n  0 'x': f32[10x100], 4000 bytes\n  1 'y': f32[10x100], 4000 bytes\n",
      "outputs: 2\n  0 'z': f32[10x100], 4000 bytes\n  1 'scale': f32[16], 64 bytes\n",
      "memory: arena 4032 bytes, unplanned 4000 bytes (the plan saves 0.0%), constants 64 "
      "bytes, code ",
      "kernels: 2\n  0 kiln_test_add 'add_0 (Add)' work_items 63\n"
      "      0: input 0 'x', 4000 bytes\n      1: input 1 'y', 4000 bytes\n"
      "      2: arena +0, 4000 bytes\n",
      "  1 kiln_test_scale 'mul_0 (Mul)' work_items 63\n      0: arena +0, 4000 bytes\n"
      "      1: constant +0, 64 bytes\n      2: output 0 'z', 4000 bytes\n",
      "copies: 1\n  output 1 'scale' <- constant +0, 64 bytes\n",
      "  CODE_ELF   offset ",
  };
  for (const char *line : lines) {
    EXPECT_NE(text.find(line), std::string::npos) << "missing: " << line << "\nin:\n" << text;
  }
}

TEST_F(RunToolFiles, InspectCuda) {
  // No GPU and no driver needed.
  fixtures::ScopedEnv nowhere("KILN_CUDA_DRIVER", "/nonexistent/libcuda.so.1");
  ASSERT_EQ(run({"--inspect", path("cuda.kiln")}), 0) << err.str();
  std::string text = out.str();
  const std::string lines[] = {
      "format 1.2\nsections: 7\n",
      "  LAUNCH     offset ",
      "  PTX        offset ",
      "  CUBIN      offset ",
      "target:   cuda\ntriple:   nvptx64-nvidia-cuda\narch:     sm_80\nflags:    ",
      "memory: arena 4032 bytes, unplanned 4000 bytes (the plan saves 0.0%), constants 64 "
      "bytes, ptx " +
          std::to_string(std::strlen(fixtures::cudaChainPtx())) +
          " bytes, cubin 0 bytes (none: the runtime JIT-compiles the PTX)\n",
      "kernels: 2\n  0 kiln_cuda_add_one 'add_0 (Add)' grid 4x1x1 block 256x1x1 shared 65536\n"
      "      0: input 0 'x', 4000 bytes\n      1: arena +0, 4000 bytes\n"
      "  1 kiln_cuda_scale 'mul_0 (Mul)' grid 8x1x1 block 128x1x1 shared 0\n",
      "copies: 1\n  output 1 'scale' <- constant +0, 64 bytes\n",
  };
  for (const std::string &line : lines) {
    EXPECT_NE(text.find(line), std::string::npos) << "missing: " << line << "\nin:\n" << text;
  }
  EXPECT_EQ(text.find("features:"), std::string::npos) << text;
  EXPECT_EQ(text.find("CODE_ELF"), std::string::npos) << text;
}

TEST_F(RunToolFiles, InspectCudaTensorMaps) {
  // One line per map, after the kernel's bindings; kernels without maps print none.
  ASSERT_EQ(run({"--inspect", path("tma.kiln")}), 0) << err.str();
  std::string text = out.str();
  const std::string kernels =
      "kernels: 2\n  0 kiln_cuda_add_one_tma 'add_0 (Add)' grid 4x1x1 block 256x1x1 shared "
      "65536\n      0: input 0 'x', 4000 bytes\n      1: arena +0, 4000 bytes\n"
      "      tma[0]: binding 0 +0 f32 dims [100,10] strides [400] box [32,8] swizzle 128\n"
      "      tma[1]: binding 1 +64 bf16 dims [32,2] strides [64] box [32,2] swizzle 64\n"
      "  1 kiln_cuda_scale 'mul_0 (Mul)' grid 8x1x1 block 128x1x1 shared 0\n"
      "      0: arena +0, 4000 bytes\n      1: constant +0, 64 bytes\n"
      "      2: output 0 'y', 4000 bytes\ncopies: 1\n";
  EXPECT_NE(text.find(kernels), std::string::npos) << text;
  EXPECT_NE(text.find("format 1.2\n"), std::string::npos) << text;
}

TEST_F(RunToolFiles, CudaWithoutAGpu) {
  fixtures::ScopedEnv nowhere("KILN_CUDA_DRIVER", "/nonexistent/libcuda.so.1");
  EXPECT_EQ(run({path("cuda.kiln"), "--random-inputs=1"}), 1);
  EXPECT_EQ(err.str().rfind("kiln-run: CUDA: no NVIDIA driver on this machine (", 0), 0u)
      << err.str();
  EXPECT_NE(err.str().find("or compile with --target=cpu"), std::string::npos) << err.str();
  fixtures::ScopedEnv libm("KILN_CUDA_DRIVER", "libm.so.6");
  EXPECT_EQ(run({path("cuda.kiln"), "--random-inputs=1"}), 1);
  EXPECT_NE(err.str().find("does not export cuGetErrorName: the driver is too old"),
            std::string::npos)
      << err.str();
}

TEST_F(RunToolFiles, DeviceMustMatchTheModel) {
  EXPECT_EQ(run({path("chain.kiln"), "--random-inputs=1", "--device=cuda"}), 2);
  EXPECT_NE(err.str().find("kiln-run: model was compiled for cpu; run it with --device=cpu or "
                           "recompile with --target=cuda"),
            std::string::npos)
      << err.str();
  EXPECT_EQ(run({path("cuda.kiln"), "--random-inputs=1", "--device=cpu"}), 2);
  EXPECT_NE(err.str().find("kiln-run: model was compiled for cuda; run it with --device=cuda or "
                           "recompile with --target=cpu"),
            std::string::npos)
      << err.str();
  // --device=cpu on a cpu model is the default made explicit.
  EXPECT_EQ(run({path("chain.kiln"), "--random-inputs=1", "--device=cpu"}), 0) << err.str();
}

TEST_F(RunToolFiles, CudaRunsOnTheFakeDriver) {
  fixtures::FakeCuda fake;
  ASSERT_TRUE(fake.ok()) << fake.error;
  HostTensor x = kiln::io::makeRandom(KILN_DTYPE_F32, {10, 100}, 5);
  std::vector<float> xs(fixtures::kElements);
  std::memcpy(xs.data(), x.data.data(), 4000);
  std::vector<float> y = fixtures::cudaChainExpected(xs);
  HostTensor ref;
  ref.dtype = KILN_DTYPE_F32;
  ref.shape = {10, 100};
  ref.data.resize(4000);
  std::memcpy(ref.data.data(), y.data(), 4000);
  std::string error;
  ASSERT_TRUE(kiln::io::writeNpy(path("y.npy"), ref, error)) << error;
  ASSERT_EQ(run({path("cuda.kiln"), "--input=x=random:5", "--expected-output=y=@" + path("y.npy"),
                 "--output=y=@" + path("out.npy"), "--benchmark=3", "--cuda-graph",
                 "--profile=" + path("trace.json")}),
            0)
      << err.str();
  std::string text = out.str();
  EXPECT_EQ(text.rfind("benchmark: 3 runs (1 warmup, cuda:0 Kiln Fake GPU 0 (sm_80), PTX for "
                       "sm_80 JIT-compiled by the driver, CUDA graph): min ",
                       0),
            0u)
      << text;
  EXPECT_NE(text.find("y: max abs error 0.000000e+00, max rel error 0.000000e+00, 0 of 1000 "
                      "elements differ"),
            std::string::npos)
      << text;
  HostTensor written;
  ASSERT_TRUE(kiln::io::readNpy(path("out.npy"), written, error)) << error;
  EXPECT_EQ(written.data, ref.data);
  std::ifstream f(path("trace.json"));
  std::string json((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t kernels = 0;
  for (size_t at = json.find("\"cat\": \"kernel\""); at != std::string::npos;
       at = json.find("\"cat\": \"kernel\"", at + 1)) {
    ++kernels;
  }
  EXPECT_EQ(kernels, 6u); // 3 runs x 2 kernels, timed by CUDA events
  EXPECT_NE(json.find("\"symbol\": \"kiln_cuda_scale\", \"work_items\": 1"), std::string::npos)
      << json;
  // The warmup run captured the graph; profiled runs launch kernel by kernel.
  KilnFakeCudaStats s = fake.stats();
  EXPECT_EQ(s.graphInstantiations, 1);
  EXPECT_EQ(s.graphLaunches, 1);
  EXPECT_EQ(s.primaryContexts, 0);
  EXPECT_EQ(s.allocations, 0);
}

} // namespace
