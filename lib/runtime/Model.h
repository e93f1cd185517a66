//===- Model.h - a loaded, immutable artifact ---------------------------------===//
//
// A Model is an artifact that passed every check of docs/artifact.md, with its code
// object loaded and every kernel symbol resolved. It never changes after loading, so any
// number of sessions on any threads share it (through shared_ptr: a session keeps its
// model alive after the caller releases it).
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
  /// keeps it for the constants). Returns NULL (OK) and sets `out`, or a status:
  /// KILN_DATA_LOSS for a corrupt file or missing kernel symbol, KILN_UNSUPPORTED for
  /// another format major, target, triple or missing CPU features.
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
  KernelFn kernel(size_t index) const { return kernels[index]; }
  /// META features joined by single spaces.
  const std::string &featuresString() const { return features; }
  CodeObject::Method codeLoading() const;

private:
  Model() = default;

  AlignedBuffer file;
  Artifact art;
  const uint8_t *constantsBase = nullptr;
  uint64_t constantsSize = 0;
  uint64_t codeSize = 0;
  AlignedBuffer emptyConstants;
  std::unique_ptr<CodeObject> code; // null when the plan has no kernels
  std::vector<KernelFn> kernels;
  std::string features;
};

/// "f32[1x3x224x224]".
std::string describeTensor(kilnDType dtype, const int64_t *dims, size_t rank);

} // namespace kiln::runtime

#endif // KILN_LIB_RUNTIME_MODEL_H
