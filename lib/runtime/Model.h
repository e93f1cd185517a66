//===- Model.h - a loaded, immutable artifact ---------------------------------===//
//
// A Model is an artifact that passed every check of docs/artifact.md. For a cpu artifact
// its code object is loaded and every kernel symbol resolved; a cuda artifact keeps its
// PTX and CUBIN for the sessions to load on their GPU (loading one needs no GPU, no
// driver). It never changes after loading, so any number of sessions on any threads
// share it (through shared_ptr: a session keeps its model alive after the caller
// releases it).
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_LIB_RUNTIME_MODEL_H
#define KILN_LIB_RUNTIME_MODEL_H

#include "kiln/runtime.h"
#include "lib/runtime/AlignedBuffer.h"
#include "lib/runtime/ArtifactFormat.h"
#include "lib/runtime/CodeObject.h"

#include <memory>
#include <string>
#include <vector>

namespace kiln::runtime {

/// The kernel ABI of docs/artifact.md.
using KernelFn = void (*)(void *const *buffers, int64_t begin, int64_t end);

struct LoadOptions {
  CodeObject::Method codeLoading = CodeObject::Method::Auto;
  /// The CPU features to check META against; nullptr: this CPU's (`hostCpuFeatures`).
  const std::vector<std::string> *cpuFeatures = nullptr;
};

class Model {
public:
  /// Checks and loads the artifact in `file` (whose base is 64-byte aligned; the model
  /// keeps it for the constants and the CUBIN). Returns NULL (OK) and sets `out`, or a
  /// status: KILN_DATA_LOSS for a corrupt file or missing kernel symbol,
  /// KILN_UNSUPPORTED for another format major, target, triple or missing CPU features.
  static kilnStatus load(AlignedBuffer file, const LoadOptions &options,
                         std::shared_ptr<const Model> &out);
  /// Reads `path` into memory and calls `load`; messages start with the path.
  static kilnStatus loadFile(const std::string &path, const LoadOptions &options,
                             std::shared_ptr<const Model> &out);

  const Artifact &artifact() const { return art; }
  const Signature &signature() const { return art.signature; }
  const Plan &plan() const { return art.plan; }
  /// The CONSTANTS section, 64-byte aligned (valid even when empty).
  const uint8_t *constants() const { return constantsBase; }
  uint64_t constantsBytes() const { return constantsSize; }
  uint64_t codeBytes() const { return codeSize; }
  /// cpu models only.
  KernelFn kernel(size_t index) const { return kernels[index]; }
  /// True for a cuda artifact; the accessors below are for those only.
  bool isCuda() const { return cudaTarget; }
  /// The SM architecture of META.cpu.
  const SmArch &smArch() const { return arch; }
  /// The PTX module, NUL-terminated as cuModuleLoadDataEx wants it.
  const std::string &ptx() const { return ptxText; }
  /// The CUBIN section (empty: the sessions JIT the PTX).
  const uint8_t *cubin() const { return cubinBase; }
  uint64_t cubinBytes() const { return cubinSize; }
  /// META features joined by single spaces.
  const std::string &featuresString() const { return features; }
  CodeObject::Method codeLoading() const;

private:
  Model() = default;
  /// Points `constantsBase` at the CONSTANTS section (or an empty aligned buffer).
  kilnStatus keepConstants();
  /// The cuda part of `load`: constants, the PTX text and the CUBIN.
  kilnStatus keepCudaCode();

  AlignedBuffer file;
  Artifact art;
  const uint8_t *constantsBase = nullptr;
  uint64_t constantsSize = 0;
  uint64_t codeSize = 0;
  AlignedBuffer emptyConstants;
  std::unique_ptr<CodeObject> code; // null when the plan has no kernels
  std::vector<KernelFn> kernels;
  std::string features;
  bool cudaTarget = false;
  SmArch arch;
  std::string ptxText;
  const uint8_t *cubinBase = nullptr;
  uint64_t cubinSize = 0;
};

/// "f32[1x3x224x224]".
std::string describeTensor(kilnDType dtype, const int64_t *dims, size_t rank);

} // namespace kiln::runtime

#endif // KILN_LIB_RUNTIME_MODEL_H
