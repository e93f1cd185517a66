//===- TestArtifacts.h - artifacts composed around the test kernels -------------===//
//
// The runtime tests and kiln-make-test-artifact build artifacts with the real writer
// (serializeArtifact) around the hand-written kernels of TestKernels.c, whose shared
// object path CMake passes in as KILN_TEST_KERNELS_PATH.
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

} // namespace kiln::runtime::fixtures

#endif // KILN_TEST_UNIT_RUNTIME_TESTARTIFACTS_H
