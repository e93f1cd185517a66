//===- ArtifactFormat.h - the .kiln artifact: structs, writer, reader ------===//
//
// The in-memory form of a `.kiln` artifact (docs/artifact.md, format 1.2), the writer the
// compiler calls (`serializeArtifact`) and the reader the runtime calls (`parseArtifact`).
// The reader trusts nothing: every offset, size, count and string length is checked
// against the bytes that remain before it is used, counts are capped by the bytes left
// (so hostile input can never make it allocate more than the file's own size), and
// every failure is a message, never a crash. C++ standard library only.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_LIB_RUNTIME_ARTIFACTFORMAT_H
#define KILN_LIB_RUNTIME_ARTIFACTFORMAT_H

#include "kiln/runtime.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kiln::runtime {

constexpr char kArtifactMagic[8] = {'K', 'I', 'L', 'N', 'A', 'R', 'T', '\0'};
constexpr uint32_t kFormatMajor = 1;
constexpr uint32_t kFormatMinor = 2;
/// The first minor whose LAUNCH section carries tensor maps.
constexpr uint32_t kTensorMapsMinor = 2;
constexpr size_t kHeaderBytes = 32;
constexpr size_t kSectionEntryBytes = 24;
constexpr uint64_t kMaxSections = 64;
constexpr uint64_t kSectionAlignment = 64;
constexpr uint32_t kMaxStringLength = 1u << 20;
constexpr uint32_t kMaxRank = 16;

// Launch limits of every GPU kiln targets (sm_80 and newer), checked on LAUNCH.
constexpr uint32_t kMaxGridX = 0x7FFFFFFFu;
constexpr uint32_t kMaxGridYZ = 65535;
constexpr uint32_t kMaxBlockThreads = 1024;
constexpr uint32_t kMaxBlockZ = 64;
constexpr uint32_t kMaxSharedBytes = 227 * 1024; // sm_90's opt-in maximum per block

// Limits of a TMA tensor map, those cuTensorMapEncodeTiled enforces (docs/artifact.md).
constexpr uint32_t kMaxTensorMapRank = 5;
constexpr uint64_t kMaxTensorMapDim = uint64_t(1) << 32;
constexpr uint64_t kMaxTensorMapStride = uint64_t(1) << 40; // exclusive
constexpr uint32_t kMaxTensorMapBox = 256;
constexpr uint64_t kTensorMapAlignment = 16; // of offsets, strides and a box row in bytes

/// META of a CUDA artifact: target "cuda", this triple, cpu the SM architecture.
constexpr const char *kCudaTarget = "cuda";
constexpr const char *kCudaTriple = "nvptx64-nvidia-cuda";

/// Section kinds of the section table. Unknown kinds (from a newer minor) are skipped.
enum class SectionKind : uint32_t {
  Meta = 1,
  Signature = 2,
  Constants = 3,
  Plan = 4,
  CodeElf = 5,
  Ptx = 6,
  Cubin = 7,
  Launch = 8,
};
/// "META", "SIGNATURE", ... or "kind N" for a kind this reader does not know.
std::string sectionKindName(uint32_t kind);

/// Where a kernel binding or a copy source points.
enum class BindingSpace : uint32_t {
  Input = 0,
  Output = 1,
  Constant = 2,
  Arena = 3,
};
/// "input", "output", "constant", "arena" (or "space N").
std::string bindingSpaceName(uint32_t space);

struct Meta {
  std::string compilerVersion;
  std::string target = "cpu";
  std::string triple;
  std::string cpu;
  std::vector<std::string> features; // /proc/cpuinfo spelling
  std::string flags;
};

struct TensorDesc {
  std::string name;
  kilnDType dtype = KILN_DTYPE_INVALID;
  std::vector<int64_t> dims;
  /// Byte size of the dense tensor; filled by the parser (and by `computeByteSizes`).
  uint64_t bytes = 0;
};

struct Signature {
  std::vector<TensorDesc> inputs;
  std::vector<TensorDesc> outputs;
};

struct Binding {
  BindingSpace space = BindingSpace::Arena;
  /// Input/output index, or byte offset into the constants section / the arena.
  uint64_t index = 0;
  /// Size of the buffer the kernel may touch.
  uint64_t bytes = 0;
};

/// A TMA tensor map of a cuda kernel: the tensor a `cp.async.bulk.tensor` reads or
/// writes, in the terms of cuTensorMapEncodeTiled, which the runtime calls with it once the
/// binding's device address is known (docs/artifact.md, "The CUDA kernel ABI").
struct TensorMap {
  uint32_t binding = 0; // index into the kernel's bindings: whose device address is the base
  uint64_t offset = 0;  // bytes from that binding's base to the tensor's first element (x16)
  kilnDType dtype = KILN_DTYPE_INVALID; // element type; TMA copies bytes, any dtype maps
  uint32_t swizzle = 0;                 // 0, 32, 64 or 128 (bytes)
  std::vector<uint64_t> dims;           // rank 1..5, innermost first, each 1..2^32
  std::vector<uint64_t> strides;        // rank-1 byte strides of dims 1.., each x16 and < 2^40
  /// rank entries, each 1..256; box[0] * element size a multiple of 16 bytes, and with
  /// swizzle != 0 at most `swizzle` bytes.
  std::vector<uint32_t> box;
};

struct Kernel {
  std::string symbol;    // exported by the CODE_ELF object, or a PTX `.entry`
  std::string label;     // ONNX node names / op types, for profiles and errors
  int64_t workItems = 1; // cpu: the range split over threads; cuda: 1, unused
  std::vector<Binding> bindings;
  /// cuda only (the LAUNCH section): the grid, the block and the dynamic shared memory
  /// the kernel is launched with. Left at the defaults for cpu artifacts.
  struct Launch {
    uint32_t grid[3] = {1, 1, 1};
    uint32_t block[3] = {1, 1, 1};
    uint32_t sharedBytes = 0;
  } launch;
  /// cuda only (LAUNCH, format 1.2): the kernel takes one more parameter per map, after
  /// its bindings: the device address of the encoded CUtensorMap.
  std::vector<TensorMap> tensorMaps;
};

/// An output filled by copying `source` after the last kernel.
struct Copy {
  uint32_t output = 0;
  Binding source;
};

struct Plan {
  uint64_t arenaBytes = 0;
  uint64_t unplannedBytes = 0;
  std::vector<Kernel> kernels;
  std::vector<Copy> copies;
};

/// One entry of the section table, as found by the parser (the writer lays sections out
/// itself and ignores these).
struct SectionInfo {
  uint32_t kind = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
};

struct Artifact {
  uint32_t formatMajor = kFormatMajor;
  uint32_t formatMinor = kFormatMinor;
  Meta meta;
  Signature signature;
  Plan plan;
  std::vector<uint8_t> constants;
  std::vector<uint8_t> code;  // CODE_ELF (cpu): an x86-64 ET_DYN shared object
  std::string ptx;            // PTX (cuda): one module, one `.entry` per kernel
  std::vector<uint8_t> cubin; // CUBIN (cuda): ptxas output for meta.cpu; may be empty
  /// Filled by the parser: the section table in file order.
  std::vector<SectionInfo> sections;
};

bool operator==(const Meta &a, const Meta &b);
bool operator==(const TensorDesc &a, const TensorDesc &b);
bool operator==(const Binding &a, const Binding &b);
bool operator==(const Kernel::Launch &a, const Kernel::Launch &b);
bool operator==(const TensorMap &a, const TensorMap &b);
bool operator==(const Kernel &a, const Kernel &b);
bool operator==(const Copy &a, const Copy &b);
bool operator==(const Plan &a, const Plan &b);
/// Compares everything the file carries (not `sections`, which only the parser fills).
bool operator==(const Artifact &a, const Artifact &b);
inline bool operator!=(const Artifact &a, const Artifact &b) { return !(a == b); }

/// "binding 1 +0 bf16 dims [4096,4096] strides [8192] box [64,128] swizzle 128": one map,
/// as kiln-run --inspect and the runtime's messages print it.
std::string describeTensorMap(const TensorMap &map);

/// True for an artifact whose META target is "cuda" (PTX, CUBIN and LAUNCH instead of
/// CODE_ELF); every other target has the cpu layout.
bool isCudaArtifact(const Artifact &artifact);

/// An SM architecture as META.cpu of a cuda artifact spells it: "sm_80" is 8.0, "sm_90a"
/// is 9.0 with its architecture-specific features (cubin and PTX run on 9.0 only).
struct SmArch {
  unsigned major = 0;
  unsigned minor = 0;
  bool archSpecific = false; // the `a` suffix
};
/// Parses "sm_<major><minor>[a]" (two or three digits, the last one the minor).
bool parseSmArch(const std::string &name, SmArch &arch);

/// Encodes `artifact` as a format-1 file: header, section table, then the sections, each
/// at a multiple of 64, the file ending with the last section: META, SIGNATURE, PLAN,
/// CONSTANTS and CODE_ELF for cpu; META, SIGNATURE, PLAN, LAUNCH, CONSTANTS, PTX and
/// CUBIN for cuda. LAUNCH carries the tensor maps when `formatMinor` >= 2 (a 1.1 file
/// has no room for them). It encodes what it is given; call `validateArtifact` first to
/// catch a bad plan before the runtime does.
std::string serializeArtifact(const Artifact &artifact);

/// Writes `serializeArtifact(artifact)` to `path`.
bool writeArtifactFile(const std::string &path, const Artifact &artifact, std::string &error);

/// The semantic checks the reader runs after decoding (docs/artifact.md): valid dtypes and
/// byte sizes, unique input and output names, bindings that name existing inputs/outputs
/// with their exact byte size, 64-byte aligned constant/arena offsets with
/// `index + bytes` inside the constants section / the arena, work_items >= 1, copies of
/// the output's exact size; for cuda the META triple and SM architecture, the LAUNCH
/// limits, every tensor map's limits and extent inside its binding, a PTX that defines
/// every kernel's `.entry`, and no CODE_ELF (for cpu: no PTX, CUBIN or tensor maps).
/// Fills `TensorDesc::bytes`.
bool validateArtifact(Artifact &artifact, std::string &error);

/// How a parse failed: the status code the runtime reports (KILN_DATA_LOSS for a
/// truncated or corrupt file, KILN_UNSUPPORTED for another format major) and a message.
struct ParseError {
  kilnStatusCode code = KILN_OK;
  std::string message;
};

/// Decodes and validates `size` bytes. On failure `out` is unspecified and `error` says
/// what is wrong, naming the section and the field.
bool parseArtifact(const void *data, size_t size, Artifact &out, ParseError &error);

/// Like `parseArtifact` but leaves `constants`, `code`, `ptx` and `cubin` empty: the
/// caller keeps the buffer and finds them through `findSection`. Used by the loader to
/// avoid copies.
bool parseArtifactInPlace(const void *data, size_t size, Artifact &out, ParseError &error);

/// The entry of `kind` in `artifact.sections`, or nullptr.
const SectionInfo *findSection(const Artifact &artifact, SectionKind kind);

} // namespace kiln::runtime

#endif // KILN_LIB_RUNTIME_ARTIFACTFORMAT_H
