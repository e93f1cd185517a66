//===- TestArtifacts.cpp - artifacts composed around the test kernels -----------===//
//
// Plans written by hand the way the compiler writes them: 64-byte aligned arena and
// constant offsets, bindings of the exact tensor sizes, a copy for an output that is a
// constant.
//
//===----------------------------------------------------------------------------===//
#include "test/unit/runtime/TestArtifacts.h"

#include <cstring>
#include <fstream>
#include <iterator>

#ifndef KILN_TEST_KERNELS_PATH
#error "KILN_TEST_KERNELS_PATH must name the test kernels' shared object"
#endif

namespace kiln::runtime::fixtures {

namespace {

Meta testMeta() {
  Meta m;
  m.compilerVersion = "kiln-test 0.1.0";
  m.target = "cpu";
  m.triple = "x86_64-unknown-linux-gnu";
  m.cpu = "x86-64";
  m.features = {"sse2"};
  m.flags = "hand-written test artifact";
  return m;
}

TensorDesc tensor(const std::string &name, kilnDType dtype, std::vector<int64_t> dims) {
  TensorDesc t;
  t.name = name;
  t.dtype = dtype;
  t.dims = std::move(dims);
  return t;
}

Binding bind(BindingSpace space, uint64_t index, uint64_t bytes) {
  Binding b;
  b.space = space;
  b.index = index;
  b.bytes = bytes;
  return b;
}

} // namespace

const char *testKernelPath() { return KILN_TEST_KERNELS_PATH; }

std::vector<uint8_t> testKernelCode(std::string &error) {
  std::ifstream f(KILN_TEST_KERNELS_PATH, std::ios::binary);
  if (!f) {
    error = std::string("cannot open ") + KILN_TEST_KERNELS_PATH;
    return {};
  }
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)),
                              std::istreambuf_iterator<char>());
}

float chainScale(int64_t i) { return 0.5f + 0.25f * static_cast<float>(i % kScales); }

Artifact makeChainArtifact(const std::vector<uint8_t> &code) {
  const uint64_t bytes = kElements * 4;
  Artifact a;
  a.meta = testMeta();
  a.signature.inputs = {tensor("x", KILN_DTYPE_F32, {10, 100}),
                        tensor("y", KILN_DTYPE_F32, {10, 100})};
  a.signature.outputs = {tensor("z", KILN_DTYPE_F32, {10, 100}),
                         tensor("scale", KILN_DTYPE_F32, {kScales})};
  a.constants.resize(kScales * 4);
  for (int64_t i = 0; i < kScales; ++i) {
    float s = chainScale(i);
    std::memcpy(a.constants.data() + 4 * i, &s, 4);
  }
  a.plan.arenaBytes = 4032; // 4000 rounded up to 64
  a.plan.unplannedBytes = bytes;
  Kernel add;
  add.symbol = "kiln_test_add";
  add.label = "add_0 (Add)";
  add.workItems = kWorkItems;
  add.bindings = {bind(BindingSpace::Input, 0, bytes), bind(BindingSpace::Input, 1, bytes),
                  bind(BindingSpace::Arena, 0, bytes)};
  Kernel scale;
  scale.symbol = "kiln_test_scale";
  scale.label = "mul_0 (Mul)";
  scale.workItems = kWorkItems;
  scale.bindings = {bind(BindingSpace::Arena, 0, bytes),
                    bind(BindingSpace::Constant, 0, kScales * 4),
                    bind(BindingSpace::Output, 0, bytes)};
  a.plan.kernels = {add, scale};
  Copy copy;
  copy.output = 1;
  copy.source = bind(BindingSpace::Constant, 0, kScales * 4);
  a.plan.copies = {copy};
  a.code = code;
  return a;
}

Artifact makeChunksArtifact(const std::vector<uint8_t> &code, int64_t workItems) {
  const uint64_t bytes = static_cast<uint64_t>(workItems) * 8;
  Artifact a;
  a.meta = testMeta();
  a.signature.outputs = {tensor("begins", KILN_DTYPE_I64, {workItems}),
                         tensor("ends", KILN_DTYPE_I64, {workItems})};
  Kernel k;
  k.symbol = "kiln_test_chunks";
  k.label = "chunks";
  k.workItems = workItems;
  k.bindings = {bind(BindingSpace::Output, 0, bytes), bind(BindingSpace::Output, 1, bytes)};
  a.plan.kernels = {k};
  a.code = code;
  return a;
}

Artifact makeAlignmentArtifact(const std::vector<uint8_t> &code) {
  Artifact a;
  a.meta = testMeta();
  a.signature.inputs = {tensor("a", KILN_DTYPE_F32, {3})};
  a.signature.outputs = {tensor("misalignment", KILN_DTYPE_I64, {3})};
  a.constants.assign(128, 0);
  a.plan.arenaBytes = 128;
  a.plan.unplannedBytes = 64;
  Kernel k;
  k.symbol = "kiln_test_alignment";
  k.label = "alignment";
  k.workItems = 1;
  k.bindings = {bind(BindingSpace::Input, 0, 12), bind(BindingSpace::Constant, 64, 64),
                bind(BindingSpace::Arena, 64, 64), bind(BindingSpace::Output, 0, 24)};
  a.plan.kernels = {k};
  a.code = code;
  return a;
}

} // namespace kiln::runtime::fixtures
