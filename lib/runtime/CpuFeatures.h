//===- CpuFeatures.h - what this x86-64 CPU can run -------------------------===//
//
// Artifacts list the CPU features their code needs in /proc/cpuinfo spelling; the loader
// compares them with what cpuid reports and the OS has enabled (xgetbv), before any code
// is loaded, and refuses with a message that names both sides.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_LIB_RUNTIME_CPUFEATURES_H
#define KILN_LIB_RUNTIME_CPUFEATURES_H

#include <string>
#include <vector>

namespace kiln::runtime {

/// Features of this CPU that this process can use, in /proc/cpuinfo spelling ("avx2",
/// "avx512f", "avx512_bf16", "pni" for SSE3, "abm" for LZCNT ...). A feature whose
/// register state the OS does not save (XCR0) is left out, as the kernel does. Computed
/// once; empty on a machine that is not x86-64.
const std::vector<std::string> &hostCpuFeatures();

/// The names `hostCpuFeatures` can report, in its order (for tests and documentation).
const std::vector<std::string> &knownCpuFeatures();

/// A comparison key for a feature name: lowercase without '_' and '.', with LLVM
/// spellings mapped to cpuinfo ones, so "avx512vnni", "avx512_vnni" and "AVX512_VNNI"
/// are one feature and "sse4.1" matches "sse4_1", "sse3" matches "pni", "lzcnt" "abm".
std::string featureKey(const std::string &name);

/// The entries of `required` that `available` lacks (compared by `featureKey`).
std::vector<std::string> missingCpuFeatures(const std::vector<std::string> &required,
                                            const std::vector<std::string> &available);

/// Checks `required` against `available`; on failure `error` reads
/// "model needs avx512f, avx512bw; this CPU has: sse sse2 ... avx2 fma".
bool checkCpuFeatures(const std::vector<std::string> &required,
                      const std::vector<std::string> &available, std::string &error);

} // namespace kiln::runtime

#endif // KILN_LIB_RUNTIME_CPUFEATURES_H
