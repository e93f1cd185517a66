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

const char *cudaChainPtx() {
  // Checked with `ptxas -arch=sm_80` and `-arch=sm_90a`; the element count is baked in,
  // as the compiler bakes in shapes.
  return R"(//
// kiln runtime tests: hand-written PTX with the CUDA kernel ABI of docs/artifact.md
//
.version 7.0
.target sm_80
.address_size 64

// t[i] = x[i] + 1.0f for i < 1000; bindings: x, t
.visible .entry kiln_cuda_add_one(
	.param .u64 kiln_cuda_add_one_param_0,
	.param .u64 kiln_cuda_add_one_param_1
)
{
	.reg .pred 	%p<2>;
	.reg .b32 	%r<5>;
	.reg .f32 	%f<3>;
	.reg .b64 	%rd<8>;

	ld.param.u64 	%rd1, [kiln_cuda_add_one_param_0];
	ld.param.u64 	%rd2, [kiln_cuda_add_one_param_1];
	mov.u32 	%r1, %ctaid.x;
	mov.u32 	%r2, %ntid.x;
	mov.u32 	%r3, %tid.x;
	mad.lo.s32 	%r4, %r1, %r2, %r3;
	setp.ge.s32 	%p1, %r4, 1000;
	@%p1 bra 	$L__add_one_done;
	cvta.to.global.u64 	%rd3, %rd1;
	cvta.to.global.u64 	%rd4, %rd2;
	mul.wide.s32 	%rd5, %r4, 4;
	add.s64 	%rd6, %rd3, %rd5;
	ld.global.f32 	%f1, [%rd6];
	add.rn.f32 	%f2, %f1, 0f3F800000;
	add.s64 	%rd7, %rd4, %rd5;
	st.global.f32 	[%rd7], %f2;
$L__add_one_done:
	ret;
}

// y[i] = t[i] * scale[i % 16] for i < 1000; bindings: t, scale, y
.visible .entry kiln_cuda_scale(
	.param .u64 kiln_cuda_scale_param_0,
	.param .u64 kiln_cuda_scale_param_1,
	.param .u64 kiln_cuda_scale_param_2
)
{
	.reg .pred 	%p<2>;
	.reg .b32 	%r<6>;
	.reg .f32 	%f<4>;
	.reg .b64 	%rd<12>;

	ld.param.u64 	%rd1, [kiln_cuda_scale_param_0];
	ld.param.u64 	%rd2, [kiln_cuda_scale_param_1];
	ld.param.u64 	%rd3, [kiln_cuda_scale_param_2];
	mov.u32 	%r1, %ctaid.x;
	mov.u32 	%r2, %ntid.x;
	mov.u32 	%r3, %tid.x;
	mad.lo.s32 	%r4, %r1, %r2, %r3;
	setp.ge.s32 	%p1, %r4, 1000;
	@%p1 bra 	$L__scale_done;
	and.b32 	%r5, %r4, 15;
	cvta.to.global.u64 	%rd4, %rd1;
	cvta.to.global.u64 	%rd5, %rd2;
	cvta.to.global.u64 	%rd6, %rd3;
	mul.wide.s32 	%rd7, %r4, 4;
	mul.wide.s32 	%rd8, %r5, 4;
	add.s64 	%rd9, %rd4, %rd7;
	ld.global.f32 	%f1, [%rd9];
	add.s64 	%rd10, %rd5, %rd8;
	ld.global.f32 	%f2, [%rd10];
	mul.rn.f32 	%f3, %f1, %f2;
	add.s64 	%rd11, %rd6, %rd7;
	st.global.f32 	[%rd11], %f3;
$L__scale_done:
	ret;
}
)";
}

Artifact makeCudaChainArtifact(const std::string &arch, const std::vector<uint8_t> &cubin) {
  const uint64_t bytes = kElements * 4;
  Artifact a;
  a.meta.compilerVersion = "kiln-test 0.1.0";
  a.meta.target = kCudaTarget;
  a.meta.triple = kCudaTriple;
  a.meta.cpu = arch;
  a.meta.flags = "hand-written test artifact";
  a.signature.inputs = {tensor("x", KILN_DTYPE_F32, {10, 100})};
  a.signature.outputs = {tensor("y", KILN_DTYPE_F32, {10, 100}),
                         tensor("scale", KILN_DTYPE_F32, {kScales})};
  a.constants.resize(kScales * 4);
  for (int64_t i = 0; i < kScales; ++i) {
    float s = chainScale(i);
    std::memcpy(a.constants.data() + 4 * i, &s, 4);
  }
  a.plan.arenaBytes = 4032;
  a.plan.unplannedBytes = bytes;
  Kernel add;
  add.symbol = "kiln_cuda_add_one";
  add.label = "add_0 (Add)";
  add.bindings = {bind(BindingSpace::Input, 0, bytes), bind(BindingSpace::Arena, 0, bytes)};
  add.launch.grid[0] = 4;
  add.launch.block[0] = 256;
  add.launch.sharedBytes = 64 * 1024;
  Kernel scale;
  scale.symbol = "kiln_cuda_scale";
  scale.label = "mul_0 (Mul)";
  scale.bindings = {bind(BindingSpace::Arena, 0, bytes),
                    bind(BindingSpace::Constant, 0, kScales * 4),
                    bind(BindingSpace::Output, 0, bytes)};
  scale.launch.grid[0] = 8;
  scale.launch.block[0] = 128;
  a.plan.kernels = {add, scale};
  Copy copy;
  copy.output = 1;
  copy.source = bind(BindingSpace::Constant, 0, kScales * 4);
  a.plan.copies = {copy};
  a.ptx = cudaChainPtx();
  a.cubin = cubin;
  return a;
}

Artifact makeCudaTmaArtifact(const std::string &arch) {
  Artifact a = makeCudaChainArtifact(arch);
  const std::string entry = ".entry kiln_cuda_add_one(\n";
  const std::string params = "\t.param .u64 kiln_cuda_add_one_param_1";
  size_t at = a.ptx.find(entry);
  size_t last = a.ptx.find(params, at);
  if (at == std::string::npos || last == std::string::npos) {
    return Artifact(); // refused by every caller's validation
  }
  a.ptx.replace(last, params.size(),
                params + ",\n\t.param .u64 kiln_cuda_add_one_param_2,\n"
                         "\t.param .u64 kiln_cuda_add_one_param_3");
  a.ptx.replace(at, entry.size(), ".entry kiln_cuda_add_one_tma(\n");
  Kernel &add = a.plan.kernels[0];
  add.symbol = "kiln_cuda_add_one_tma";
  // binding, offset, dtype, swizzle, dims, strides, box
  const TensorMap x{0, 0, KILN_DTYPE_F32, 128, {100, 10}, {400}, {32, 8}};
  const TensorMap t{1, 64, KILN_DTYPE_BF16, 64, {32, 2}, {64}, {32, 2}};
  add.tensorMaps = {x, t};
  return a;
}

std::vector<float> cudaChainExpected(const std::vector<float> &x) {
  std::vector<float> y(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    float t = x[i] + 1.0f;
    y[i] = t * chainScale(static_cast<int64_t>(i));
  }
  return y;
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
