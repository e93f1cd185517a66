//===- TestArtifacts.h - artifacts composed around the test kernels -------------===//
//
// The runtime tests and kiln-make-test-artifact build artifacts with the real writer
// (serializeArtifact) around the hand-written kernels of TestKernels.c, whose shared
// object path CMake passes in as KILN_TEST_KERNELS_PATH, and around hand-written PTX for
// the CUDA ones.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_TEST_UNIT_RUNTIME_TESTARTIFACTS_H
#define KILN_TEST_UNIT_RUNTIME_TESTARTIFACTS_H

#include "lib/runtime/ArtifactFormat.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::runtime::fixtures {

constexpr int64_t kElements = 1000; // x, y, z: f32[10x100]
constexpr int64_t kBlock = 16;
constexpr int64_t kWorkItems = (kElements + kBlock - 1) / kBlock; // 63
constexpr int64_t kScales = 16;

/// The bytes of the test kernels' shared object; empty with `error` when unreadable.
std::vector<uint8_t> testKernelCode(std::string &error);
const char *testKernelPath();

/// Scale factor i of the chain model's constant (exact in f32).
float chainScale(int64_t i);

/// inputs x, y: f32[10x100]; outputs z = (x + y) * scale[i % 16] : f32[10x100] and
/// scale : f32[16] (a copy of the constant). Two kernels through the arena:
///   kiln_test_add   (x, y) -> arena+0
///   kiln_test_scale (arena+0, constants+0) -> z
Artifact makeChainArtifact(const std::vector<uint8_t> &code);

/// No inputs; outputs begins, ends : i64[workItems]; one kernel kiln_test_chunks that
/// records the [begin, end) of the call covering each work item.
Artifact makeChunksArtifact(const std::vector<uint8_t> &code, int64_t workItems);

/// input a : f32[3]; output misalignment : i64[3], the address of the input, constant and
/// arena buffers modulo 64 as the kernel saw them (arena binding at offset 64).
Artifact makeAlignmentArtifact(const std::vector<uint8_t> &code);

/// The PTX of the CUDA chain (sm_80, PTX ISA 7.0): two `.entry` kernels,
///   kiln_cuda_add_one (x, t):        t[i] = x[i] + 1          (i < 1000)
///   kiln_cuda_scale   (t, scale, y): y[i] = t[i] * scale[i % 16]
const char *cudaChainPtx();

/// A cuda artifact for `arch` ("sm_80", "sm_90a", ...): input x : f32[10x100]; outputs
/// y = (x + 1) * scale[i % 16] : f32[10x100] and scale : f32[16] (a copy of the
/// constant). Kernel 0 goes through the arena with grid 4x1x1, block 256x1x1 and 64 KiB
/// of dynamic shared memory (above the 48 KiB default, so the runtime must opt in);
/// kernel 1 with grid 8x1x1, block 128x1x1. `cubin` is the CUBIN section (empty: JIT).
Artifact makeCudaChainArtifact(const std::string &arch = "sm_80",
                               const std::vector<uint8_t> &cubin = {});

/// The cuda chain with TMA tensor maps (format 1.2): kernel 0 is
/// kiln_cuda_add_one_tma (x, t, map 0, map 1), which the fake driver runs reading x
/// through map 0, so the outputs are the chain's:
///   map 0: binding 0 (x) +0,      f32  dims [100,10] strides [400] box [32,8] swizzle 128
///   map 1: binding 1 (arena) +64, bf16 dims [32,2]   strides [64]  box [32,2] swizzle 64
/// Its PTX entry is kiln_cuda_add_one's with the two map parameters added and unused.
Artifact makeCudaTmaArtifact(const std::string &arch = "sm_80");

/// y of the cuda chain for input x, computed on the host the way the kernels do.
std::vector<float> cudaChainExpected(const std::vector<float> &x);

} // namespace kiln::runtime::fixtures

#endif // KILN_TEST_UNIT_RUNTIME_TESTARTIFACTS_H
