//===- ArtifactFormat.cpp - the .kiln artifact: writer and checked reader --===//
//
// Writer and reader of docs/artifact.md, format 1.2 (the reader reads 1.1 too). The reader
// decodes through a cursor that checks every read against the bytes left in its section,
// caps every count by those bytes before it reserves anything, and names the section and
// field in each message. Decoding is followed by `validate`, the semantic checks the
// writer side can also run on its own artifacts.
//
//===----------------------------------------------------------------------------===//
#include "lib/runtime/ArtifactFormat.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>

namespace kiln::runtime {

std::string sectionKindName(uint32_t kind) {
  switch (static_cast<SectionKind>(kind)) {
  case SectionKind::Meta:
    return "META";
  case SectionKind::Signature:
    return "SIGNATURE";
  case SectionKind::Constants:
    return "CONSTANTS";
  case SectionKind::Plan:
    return "PLAN";
  case SectionKind::CodeElf:
    return "CODE_ELF";
  case SectionKind::Ptx:
    return "PTX";
  case SectionKind::Cubin:
    return "CUBIN";
  case SectionKind::Launch:
    return "LAUNCH";
  }
  return "kind " + std::to_string(kind);
}

std::string bindingSpaceName(uint32_t space) {
  switch (static_cast<BindingSpace>(space)) {
  case BindingSpace::Input:
    return "input";
  case BindingSpace::Output:
    return "output";
  case BindingSpace::Constant:
    return "constant";
  case BindingSpace::Arena:
    return "arena";
  }
  return "space " + std::to_string(space);
}

//===----------------------------------------------------------------------===//
// Equality
//===----------------------------------------------------------------------===//

bool operator==(const Meta &a, const Meta &b) {
  return a.compilerVersion == b.compilerVersion && a.target == b.target && a.triple == b.triple &&
         a.cpu == b.cpu && a.features == b.features && a.flags == b.flags;
}

bool operator==(const TensorDesc &a, const TensorDesc &b) {
  return a.name == b.name && a.dtype == b.dtype && a.dims == b.dims;
}

bool operator==(const Binding &a, const Binding &b) {
  return a.space == b.space && a.index == b.index && a.bytes == b.bytes;
}

bool operator==(const Kernel::Launch &a, const Kernel::Launch &b) {
  for (int d = 0; d < 3; ++d) {
    if (a.grid[d] != b.grid[d] || a.block[d] != b.block[d]) {
      return false;
    }
  }
  return a.sharedBytes == b.sharedBytes;
}

bool operator==(const TensorMap &a, const TensorMap &b) {
  return a.binding == b.binding && a.offset == b.offset && a.dtype == b.dtype &&
         a.swizzle == b.swizzle && a.dims == b.dims && a.strides == b.strides && a.box == b.box;
}

bool operator==(const Kernel &a, const Kernel &b) {
  return a.symbol == b.symbol && a.label == b.label && a.workItems == b.workItems &&
         a.bindings == b.bindings && a.launch == b.launch && a.tensorMaps == b.tensorMaps;
}

bool operator==(const Copy &a, const Copy &b) {
  return a.output == b.output && a.source == b.source;
}

bool operator==(const Plan &a, const Plan &b) {
  return a.arenaBytes == b.arenaBytes && a.unplannedBytes == b.unplannedBytes &&
         a.kernels == b.kernels && a.copies == b.copies;
}

bool operator==(const Artifact &a, const Artifact &b) {
  return a.formatMajor == b.formatMajor && a.formatMinor == b.formatMinor && a.meta == b.meta &&
         a.signature.inputs == b.signature.inputs && a.signature.outputs == b.signature.outputs &&
         a.plan == b.plan && a.constants == b.constants && a.code == b.code && a.ptx == b.ptx &&
         a.cubin == b.cubin;
}

std::string describeTensorMap(const TensorMap &map) {
  auto list = [](const auto &values) {
    std::string s = "[";
    for (size_t i = 0; i < values.size(); ++i) {
      s += (i ? "," : "") + std::to_string(values[i]);
    }
    return s + "]";
  };
  return "binding " + std::to_string(map.binding) + " +" + std::to_string(map.offset) + " " +
         kilnDTypeGetName(map.dtype) + " dims " + list(map.dims) + " strides " + list(map.strides) +
         " box " + list(map.box) + " swizzle " + std::to_string(map.swizzle);
}

bool isCudaArtifact(const Artifact &artifact) { return artifact.meta.target == kCudaTarget; }

bool parseSmArch(const std::string &name, SmArch &arch) {
  if (name.rfind("sm_", 0) != 0) {
    return false;
  }
  std::string digits = name.substr(3);
  bool archSpecific = !digits.empty() && digits.back() == 'a';
  if (archSpecific) {
    digits.pop_back();
  }
  if (digits.size() < 2 || digits.size() > 3 || digits[0] == '0') {
    return false;
  }
  for (char c : digits) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  unsigned value = static_cast<unsigned>(std::stoul(digits));
  arch.major = value / 10;
  arch.minor = value % 10;
  arch.archSpecific = archSpecific;
  return true;
}

//===----------------------------------------------------------------------===//
// Writer
//===----------------------------------------------------------------------===//

namespace {

class Writer {
public:
  void u32(uint32_t v) { le(v, 4); }
  void u64(uint64_t v) { le(v, 8); }
  void i64(int64_t v) { le(static_cast<uint64_t>(v), 8); }
  void str(const std::string &s) {
    u32(static_cast<uint32_t>(s.size()));
    out.append(s);
  }
  void bytes(const void *p, size_t n) { out.append(static_cast<const char *>(p), n); }
  void padTo(uint64_t alignment) {
    while (out.size() % alignment != 0) {
      out.push_back('\0');
    }
  }
  std::string out;

private:
  void le(uint64_t v, unsigned n) {
    for (unsigned i = 0; i < n; ++i) {
      out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    }
  }
};

void writeTensorDesc(Writer &w, const TensorDesc &t) {
  w.str(t.name);
  w.u32(static_cast<uint32_t>(t.dtype));
  w.u32(static_cast<uint32_t>(t.dims.size()));
  for (int64_t d : t.dims) {
    w.i64(d);
  }
}

void writeBinding(Writer &w, const Binding &b) {
  w.u32(static_cast<uint32_t>(b.space));
  w.u32(0);
  w.u64(b.index);
  w.u64(b.bytes);
}

std::string encodeMeta(const Meta &m) {
  Writer w;
  w.str(m.compilerVersion);
  w.str(m.target);
  w.str(m.triple);
  w.str(m.cpu);
  w.u32(static_cast<uint32_t>(m.features.size()));
  for (const std::string &f : m.features) {
    w.str(f);
  }
  w.str(m.flags);
  return w.out;
}

std::string encodeSignature(const Signature &s) {
  Writer w;
  w.u32(static_cast<uint32_t>(s.inputs.size()));
  for (const TensorDesc &t : s.inputs) {
    writeTensorDesc(w, t);
  }
  w.u32(static_cast<uint32_t>(s.outputs.size()));
  for (const TensorDesc &t : s.outputs) {
    writeTensorDesc(w, t);
  }
  return w.out;
}

std::string encodePlan(const Plan &p) {
  Writer w;
  w.u64(p.arenaBytes);
  w.u64(p.unplannedBytes);
  w.u32(static_cast<uint32_t>(p.kernels.size()));
  for (const Kernel &k : p.kernels) {
    w.str(k.symbol);
    w.str(k.label);
    w.i64(k.workItems);
    w.u32(static_cast<uint32_t>(k.bindings.size()));
    for (const Binding &b : k.bindings) {
      writeBinding(w, b);
    }
  }
  w.u32(static_cast<uint32_t>(p.copies.size()));
  for (const Copy &c : p.copies) {
    w.u32(c.output);
    writeBinding(w, c.source);
  }
  return w.out;
}

std::string encodeLaunch(const Plan &p, uint32_t formatMinor) {
  Writer w;
  w.u32(static_cast<uint32_t>(p.kernels.size()));
  for (const Kernel &k : p.kernels) {
    for (uint32_t g : k.launch.grid) {
      w.u32(g);
    }
    for (uint32_t b : k.launch.block) {
      w.u32(b);
    }
    w.u32(k.launch.sharedBytes);
    if (formatMinor < kTensorMapsMinor) {
      continue; // validate refuses tensor maps a 1.1 file cannot carry
    }
    w.u32(static_cast<uint32_t>(k.tensorMaps.size()));
    for (const TensorMap &m : k.tensorMaps) {
      w.u32(m.binding);
      w.u64(m.offset);
      w.u32(static_cast<uint32_t>(m.dtype));
      w.u32(m.swizzle);
      w.u32(static_cast<uint32_t>(m.dims.size()));
      for (uint64_t d : m.dims) {
        w.u64(d);
      }
      for (uint64_t s : m.strides) {
        w.u64(s);
      }
      for (uint32_t b : m.box) {
        w.u32(b);
      }
    }
  }
  return w.out;
}

} // namespace

std::string serializeArtifact(const Artifact &artifact) {
  struct Pending {
    SectionKind kind;
    const char *data;
    size_t size;
  };
  std::string meta = encodeMeta(artifact.meta);
  std::string signature = encodeSignature(artifact.signature);
  std::string plan = encodePlan(artifact.plan);
  std::string launch;
  auto bytesOf = [](const std::vector<uint8_t> &v) {
    return reinterpret_cast<const char *>(v.data());
  };
  std::vector<Pending> sections = {
      {SectionKind::Meta, meta.data(), meta.size()},
      {SectionKind::Signature, signature.data(), signature.size()},
      {SectionKind::Plan, plan.data(), plan.size()},
  };
  if (isCudaArtifact(artifact)) {
    launch = encodeLaunch(artifact.plan, artifact.formatMinor);
    sections.push_back({SectionKind::Launch, launch.data(), launch.size()});
    sections.push_back(
        {SectionKind::Constants, bytesOf(artifact.constants), artifact.constants.size()});
    sections.push_back({SectionKind::Ptx, artifact.ptx.data(), artifact.ptx.size()});
    sections.push_back({SectionKind::Cubin, bytesOf(artifact.cubin), artifact.cubin.size()});
  } else {
    sections.push_back(
        {SectionKind::Constants, bytesOf(artifact.constants), artifact.constants.size()});
    sections.push_back({SectionKind::CodeElf, bytesOf(artifact.code), artifact.code.size()});
  }
  const size_t n = sections.size();

  // Lay the sections out after the table, each at the next multiple of 64.
  std::vector<uint64_t> offsets(n);
  uint64_t pos = kHeaderBytes + n * kSectionEntryBytes;
  for (size_t i = 0; i < n; ++i) {
    pos = (pos + kSectionAlignment - 1) / kSectionAlignment * kSectionAlignment;
    offsets[i] = pos;
    pos += sections[i].size;
  }

  Writer w;
  w.out.reserve(pos);
  w.bytes(kArtifactMagic, sizeof(kArtifactMagic));
  w.u32(artifact.formatMajor);
  w.u32(artifact.formatMinor);
  w.u64(kHeaderBytes);
  w.u64(n);
  for (size_t i = 0; i < n; ++i) {
    w.u32(static_cast<uint32_t>(sections[i].kind));
    w.u32(0);
    w.u64(offsets[i]);
    w.u64(sections[i].size);
  }
  for (size_t i = 0; i < n; ++i) {
    w.padTo(kSectionAlignment);
    w.bytes(sections[i].data, sections[i].size);
  }
  return w.out;
}

bool writeArtifactFile(const std::string &path, const Artifact &artifact, std::string &error) {
  std::string bytes = serializeArtifact(artifact);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) {
    error = "cannot open '" + path + "' for writing: " + std::strerror(errno);
    return false;
  }
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.close();
  if (!f) {
    error = "cannot write '" + path + "'";
    return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Reader
//===----------------------------------------------------------------------===//

namespace {

uint64_t loadLE(const uint8_t *p, unsigned n) {
  uint64_t v = 0;
  for (unsigned i = 0; i < n; ++i) {
    v |= static_cast<uint64_t>(p[i]) << (8 * i);
  }
  return v;
}

/// A bounds-checked cursor over one section. Every read checks the bytes left; the first
/// failure records a message naming the section and the field, later reads fail too.
class Cursor {
public:
  Cursor(const uint8_t *data, uint64_t size, const char *section)
      : data(data), size(size), section(section) {}

  bool u32(uint32_t &v, const std::string &what) {
    if (!need(4, what)) {
      return false;
    }
    v = static_cast<uint32_t>(loadLE(data + pos, 4));
    pos += 4;
    return true;
  }
  bool u64(uint64_t &v, const std::string &what) {
    if (!need(8, what)) {
      return false;
    }
    v = loadLE(data + pos, 8);
    pos += 8;
    return true;
  }
  bool i64(int64_t &v, const std::string &what) {
    uint64_t u;
    if (!u64(u, what)) {
      return false;
    }
    std::memcpy(&v, &u, sizeof(v));
    return true;
  }
  bool str(std::string &s, const std::string &what) {
    uint32_t n;
    if (!u32(n, what + " length")) {
      return false;
    }
    if (n > kMaxStringLength) {
      return fail(what + " is " + std::to_string(n) + " bytes long, more than the 1 MiB limit");
    }
    if (!need(n, what)) {
      return false;
    }
    s.assign(reinterpret_cast<const char *>(data + pos), n);
    pos += n;
    return true;
  }
  /// Reads an array count and checks that `n * minElementBytes` bytes remain, so no
  /// reservation can exceed the section.
  bool count(uint32_t &n, uint64_t minElementBytes, const std::string &what) {
    if (!u32(n, what + " count")) {
      return false;
    }
    if (n > (size - pos) / minElementBytes) {
      return fail(what + " count " + std::to_string(n) + " needs at least " +
                  std::to_string(n * minElementBytes) + " bytes but only " +
                  std::to_string(size - pos) + " remain");
    }
    return true;
  }
  uint64_t left() const { return size - pos; }
  bool finish() {
    if (pos != size) {
      return fail(std::to_string(size - pos) + " trailing bytes after the last field");
    }
    return true;
  }
  bool fail(const std::string &message) {
    if (error.empty()) {
      error = std::string(section) + ": " + message;
    }
    return false;
  }

  std::string error;

private:
  bool need(uint64_t n, const std::string &what) {
    if (n > size - pos) {
      return fail("truncated at " + what + " (needs " + std::to_string(n) + " bytes at offset " +
                  std::to_string(pos) + ", the section has " + std::to_string(size) + ")");
    }
    return true;
  }

  const uint8_t *data;
  uint64_t size;
  uint64_t pos = 0;
  const char *section;
};

// Smallest encodings, used to cap counts by the bytes left.
constexpr uint64_t kMinStringBytes = 4;
constexpr uint64_t kMinTensorDescBytes = 4 + 4 + 4;
constexpr uint64_t kBindingBytes = 4 + 4 + 8 + 8;
constexpr uint64_t kMinKernelBytes = 4 + 4 + 8 + 4;
constexpr uint64_t kCopyBytes = 4 + kBindingBytes;
constexpr uint64_t kLaunchBytes = 7 * 4;
constexpr uint64_t kTensorMapCountBytes = 4; // after the launch fields, from format 1.2
// binding, offset, dtype, swizzle, rank, then (rank 1) one dim, no stride, one box entry.
constexpr uint64_t kMinTensorMapBytes = 4 + 8 + 4 + 4 + 4 + 8 + 4;

bool readMeta(Cursor &c, Meta &m) {
  uint32_t n;
  if (!c.str(m.compilerVersion, "compiler_version") || !c.str(m.target, "target") ||
      !c.str(m.triple, "triple") || !c.str(m.cpu, "cpu") ||
      !c.count(n, kMinStringBytes, "features")) {
    return false;
  }
  m.features.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    if (!c.str(m.features[i], "feature " + std::to_string(i))) {
      return false;
    }
  }
  return c.str(m.flags, "flags") && c.finish();
}

bool readTensorDesc(Cursor &c, TensorDesc &t, const std::string &what) {
  uint32_t dtype, rank;
  if (!c.str(t.name, what + " name") || !c.u32(dtype, what + " dtype") ||
      !c.u32(rank, what + " rank")) {
    return false;
  }
  // Range-check before the cast: kilnDType cannot hold arbitrary values.
  if (dtype == KILN_DTYPE_INVALID || dtype > KILN_DTYPE_LAST) {
    return c.fail(what + " ('" + t.name + "') has unknown dtype " + std::to_string(dtype));
  }
  if (rank > kMaxRank) {
    return c.fail(what + " ('" + t.name + "') has rank " + std::to_string(rank) + ", more than " +
                  std::to_string(kMaxRank));
  }
  t.dtype = static_cast<kilnDType>(dtype);
  t.dims.resize(rank);
  for (uint32_t i = 0; i < rank; ++i) {
    if (!c.i64(t.dims[i], what + " dim " + std::to_string(i))) {
      return false;
    }
  }
  return true;
}

bool readSignature(Cursor &c, Signature &s) {
  uint32_t n;
  if (!c.count(n, kMinTensorDescBytes, "inputs")) {
    return false;
  }
  s.inputs.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    if (!readTensorDesc(c, s.inputs[i], "input " + std::to_string(i))) {
      return false;
    }
  }
  if (!c.count(n, kMinTensorDescBytes, "outputs")) {
    return false;
  }
  s.outputs.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    if (!readTensorDesc(c, s.outputs[i], "output " + std::to_string(i))) {
      return false;
    }
  }
  return c.finish();
}

bool readBinding(Cursor &c, Binding &b, const std::string &what) {
  uint32_t space, reserved;
  if (!c.u32(space, what + " space") || !c.u32(reserved, what + " reserved") ||
      !c.u64(b.index, what + " index") || !c.u64(b.bytes, what + " bytes")) {
    return false;
  }
  if (space > static_cast<uint32_t>(BindingSpace::Arena)) {
    return c.fail(what + " has space " + std::to_string(space) +
                  " (0 input, 1 output, 2 constant, 3 arena)");
  }
  b.space = static_cast<BindingSpace>(space);
  return true;
}

bool readPlan(Cursor &c, Plan &p) {
  uint32_t n;
  if (!c.u64(p.arenaBytes, "arena_bytes") || !c.u64(p.unplannedBytes, "unplanned_bytes") ||
      !c.count(n, kMinKernelBytes, "kernels")) {
    return false;
  }
  p.kernels.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    Kernel &k = p.kernels[i];
    std::string what = "kernel " + std::to_string(i);
    uint32_t nb;
    if (!c.str(k.symbol, what + " symbol") || !c.str(k.label, what + " label") ||
        !c.i64(k.workItems, what + " work_items") ||
        !c.count(nb, kBindingBytes, what + " bindings")) {
      return false;
    }
    k.bindings.resize(nb);
    for (uint32_t j = 0; j < nb; ++j) {
      if (!readBinding(c, k.bindings[j], what + " binding " + std::to_string(j))) {
        return false;
      }
    }
  }
  if (!c.count(n, kCopyBytes, "copies")) {
    return false;
  }
  p.copies.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    std::string what = "copy " + std::to_string(i);
    if (!c.u32(p.copies[i].output, what + " output") ||
        !readBinding(c, p.copies[i].source, what + " source")) {
      return false;
    }
  }
  return c.finish();
}

bool readTensorMap(Cursor &c, TensorMap &m, const std::string &what) {
  uint32_t dtype, rank;
  if (!c.u32(m.binding, what + " binding") || !c.u64(m.offset, what + " offset") ||
      !c.u32(dtype, what + " dtype") || !c.u32(m.swizzle, what + " swizzle") ||
      !c.u32(rank, what + " rank")) {
    return false;
  }
  // Range-checked before use: kilnDType cannot hold arbitrary values, and the rank sizes
  // the arrays below.
  if (dtype == KILN_DTYPE_INVALID || dtype > KILN_DTYPE_LAST) {
    return c.fail(what + " has unknown dtype " + std::to_string(dtype));
  }
  if (rank == 0 || rank > kMaxTensorMapRank) {
    return c.fail(what + " has rank " + std::to_string(rank) + " (must be 1.." +
                  std::to_string(kMaxTensorMapRank) + ")");
  }
  m.dtype = static_cast<kilnDType>(dtype);
  m.dims.resize(rank);
  m.strides.resize(rank - 1);
  m.box.resize(rank);
  for (uint32_t i = 0; i < rank; ++i) {
    if (!c.u64(m.dims[i], what + " dim " + std::to_string(i))) {
      return false;
    }
  }
  for (uint32_t i = 0; i + 1 < rank; ++i) {
    if (!c.u64(m.strides[i], what + " stride " + std::to_string(i + 1))) {
      return false;
    }
  }
  for (uint32_t i = 0; i < rank; ++i) {
    if (!c.u32(m.box[i], what + " box " + std::to_string(i))) {
      return false;
    }
  }
  return true;
}

/// LAUNCH: one record per kernel of the (already decoded) plan; from format 1.2 each
/// record ends with the kernel's tensor maps.
bool readLaunch(Cursor &c, Plan &p, uint32_t formatMinor) {
  uint32_t n;
  if (!c.u32(n, "nkernels")) {
    return false;
  }
  // Compared before the count is used: the plan's count is already capped by its bytes.
  if (n != p.kernels.size()) {
    return c.fail("nkernels is " + std::to_string(n) + " but the PLAN has " +
                  std::to_string(p.kernels.size()) + " kernels");
  }
  const bool withMaps = formatMinor >= kTensorMapsMinor;
  const uint64_t recordBytes = kLaunchBytes + (withMaps ? kTensorMapCountBytes : 0);
  if (n > c.left() / recordBytes) {
    return c.fail(std::to_string(n) + " kernels need " + std::to_string(n * recordBytes) +
                  " bytes but only " + std::to_string(c.left()) + " remain");
  }
  static const char *const fields[7] = {"grid_x",  "grid_y",  "grid_z",      "block_x",
                                        "block_y", "block_z", "shared_bytes"};
  for (uint32_t i = 0; i < n; ++i) {
    Kernel &k = p.kernels[i];
    Kernel::Launch &l = k.launch;
    const std::string what = "kernel " + std::to_string(i);
    uint32_t *targets[7] = {&l.grid[0],  &l.grid[1],  &l.grid[2],    &l.block[0],
                            &l.block[1], &l.block[2], &l.sharedBytes};
    for (int f = 0; f < 7; ++f) {
      if (!c.u32(*targets[f], what + " " + fields[f])) {
        return false;
      }
    }
    if (!withMaps) {
      continue;
    }
    uint32_t maps;
    if (!c.count(maps, kMinTensorMapBytes, what + " tensor maps")) {
      return false;
    }
    k.tensorMaps.resize(maps);
    for (uint32_t j = 0; j < maps; ++j) {
      if (!readTensorMap(c, k.tensorMaps[j], what + " tensor map " + std::to_string(j))) {
        return false;
      }
    }
  }
  return c.finish();
}

//===----------------------------------------------------------------------===//
// Semantic checks
//===----------------------------------------------------------------------===//

bool tensorBytes(const TensorDesc &t, uint64_t &bytes, std::string &error,
                 const std::string &what) {
  uint64_t elem = kilnDTypeGetSize(t.dtype);
  if (elem == 0) {
    error = what + " has unknown dtype " + std::to_string(static_cast<uint32_t>(t.dtype));
    return false;
  }
  if (t.dims.size() > kMaxRank) {
    error = what + " has rank " + std::to_string(t.dims.size()) + ", more than " +
            std::to_string(kMaxRank);
    return false;
  }
  uint64_t total = elem;
  for (size_t i = 0; i < t.dims.size(); ++i) {
    if (t.dims[i] < 0) {
      error =
          what + " has negative dim " + std::to_string(i) + " (" + std::to_string(t.dims[i]) + ")";
      return false;
    }
    uint64_t d = static_cast<uint64_t>(t.dims[i]);
    if (d != 0 && total > std::numeric_limits<uint64_t>::max() / d) {
      error = what + " byte size overflows 64 bits";
      return false;
    }
    total *= d;
  }
  if (total > std::numeric_limits<size_t>::max()) {
    error = what + " byte size does not fit this machine's address space";
    return false;
  }
  bytes = total;
  return true;
}

bool checkTensors(std::vector<TensorDesc> &tensors, const char *kind, std::string &error) {
  for (size_t i = 0; i < tensors.size(); ++i) {
    TensorDesc &t = tensors[i];
    std::string what =
        std::string("SIGNATURE: ") + kind + " " + std::to_string(i) + " ('" + t.name + "')";
    if (t.name.empty()) {
      error = std::string("SIGNATURE: ") + kind + " " + std::to_string(i) + " has no name";
      return false;
    }
    if (!tensorBytes(t, t.bytes, error, what)) {
      return false;
    }
    for (size_t j = 0; j < i; ++j) {
      if (tensors[j].name == t.name) {
        error = std::string("SIGNATURE: ") + kind + "s " + std::to_string(j) + " and " +
                std::to_string(i) + " are both named '" + t.name + "'";
        return false;
      }
    }
  }
  return true;
}

/// Checks one binding (or copy source) against the signature, the constants section and
/// the arena. `what` names it in the message.
bool checkBinding(const Binding &b, const Artifact &a, uint64_t constantsBytes,
                  const std::string &what, std::string &error) {
  auto checkTensor = [&](const std::vector<TensorDesc> &tensors, const char *kind) {
    if (b.index >= tensors.size()) {
      error = what + " names " + kind + " " + std::to_string(b.index) + " but the model has " +
              std::to_string(tensors.size()) + " " + kind + "s";
      return false;
    }
    const TensorDesc &t = tensors[b.index];
    if (b.bytes != t.bytes) {
      error = what + " covers " + std::to_string(b.bytes) + " bytes of " + kind + " '" + t.name +
              "' which has " + std::to_string(t.bytes) + " bytes";
      return false;
    }
    return true;
  };
  auto checkRange = [&](uint64_t limit, const char *kind) {
    if (b.index % kSectionAlignment != 0) {
      error =
          what + ": " + kind + " offset " + std::to_string(b.index) + " is not a multiple of 64";
      return false;
    }
    if (b.index > limit || b.bytes > limit - b.index) {
      error = what + ": " + kind + " range [" + std::to_string(b.index) + ", +" +
              std::to_string(b.bytes) + ") ends past the " + kind + " (" + std::to_string(limit) +
              " bytes)";
      return false;
    }
    return true;
  };
  switch (b.space) {
  case BindingSpace::Input:
    return checkTensor(a.signature.inputs, "input");
  case BindingSpace::Output:
    return checkTensor(a.signature.outputs, "output");
  case BindingSpace::Constant:
    return checkRange(constantsBytes, "constants");
  case BindingSpace::Arena:
    return checkRange(a.plan.arenaBytes, "arena");
  }
  error = what + " has space " + std::to_string(static_cast<uint32_t>(b.space));
  return false;
}

/// What the semantic checks need from the payload sections, whether they are in memory
/// (the writer's side) or still in the file (the reader's).
struct Payloads {
  uint64_t constantsBytes = 0;
  uint64_t codeBytes = 0;
  const char *ptx = nullptr;
  uint64_t ptxBytes = 0;
  uint64_t cubinBytes = 0;
};

/// The names of the `.entry` directives of a PTX module (a `.entry` in a comment counts
/// too, which only makes the check looser; the driver has the last word).
std::vector<std::string> ptxEntries(const char *ptx, uint64_t size) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  std::vector<std::string> names;
  static const char kEntry[] = ".entry";
  const uint64_t n = sizeof(kEntry) - 1;
  for (uint64_t at = 0; at + n < size; ++at) {
    if (std::memcmp(ptx + at, kEntry, n) != 0 || (at > 0 && !space(ptx[at - 1])) ||
        !space(ptx[at + n])) {
      continue;
    }
    uint64_t begin = at + n;
    while (begin < size && space(ptx[begin])) {
      ++begin;
    }
    uint64_t end = begin;
    while (end < size && !space(ptx[end]) && ptx[end] != '(') {
      ++end;
    }
    names.emplace_back(ptx + begin, end - begin);
    at = end;
  }
  return names;
}

/// The limits cuTensorMapEncodeTiled enforces, checked here so that a bad map is an
/// artifact error naming the kernel and the map rather than a driver error at session
/// creation; and the extent the map spans (docs/artifact.md), which must lie inside its
/// binding. `what` names the map.
bool checkTensorMap(const TensorMap &m, const Kernel &k, const std::string &what,
                    std::string &error) {
  auto fail = [&](const std::string &message) {
    error = what + message;
    return false;
  };
  const uint64_t elem = kilnDTypeGetSize(m.dtype);
  if (elem == 0) {
    return fail(" has unknown dtype " + std::to_string(static_cast<uint32_t>(m.dtype)));
  }
  if (m.binding >= k.bindings.size()) {
    return fail(" names binding " + std::to_string(m.binding) + " but the kernel has " +
                std::to_string(k.bindings.size()) + " bindings");
  }
  if (m.swizzle != 0 && m.swizzle != 32 && m.swizzle != 64 && m.swizzle != 128) {
    return fail(" has swizzle " + std::to_string(m.swizzle) + " (must be 0, 32, 64 or 128)");
  }
  const size_t rank = m.dims.size();
  if (rank == 0 || rank > kMaxTensorMapRank) {
    return fail(" has rank " + std::to_string(rank) + " (must be 1.." +
                std::to_string(kMaxTensorMapRank) + ")");
  }
  if (m.strides.size() != rank - 1 || m.box.size() != rank) {
    return fail(" has rank " + std::to_string(rank) + " but " + std::to_string(m.strides.size()) +
                " strides and " + std::to_string(m.box.size()) + " box entries (needs " +
                std::to_string(rank - 1) + " and " + std::to_string(rank) + ")");
  }
  if (m.offset % kTensorMapAlignment != 0) {
    return fail(" has offset " + std::to_string(m.offset) + ", not a multiple of 16");
  }
  for (size_t i = 0; i < rank; ++i) {
    if (m.dims[i] == 0 || m.dims[i] > kMaxTensorMapDim) {
      return fail(" dim " + std::to_string(i) + " is " + std::to_string(m.dims[i]) +
                  " (must be 1..2^32)");
    }
    if (m.box[i] == 0 || m.box[i] > kMaxTensorMapBox) {
      return fail(" box " + std::to_string(i) + " is " + std::to_string(m.box[i]) +
                  " (must be 1.." + std::to_string(kMaxTensorMapBox) + ")");
    }
  }
  for (size_t i = 0; i + 1 < rank; ++i) {
    uint64_t stride = m.strides[i];
    if (stride % kTensorMapAlignment != 0 || stride >= kMaxTensorMapStride) {
      return fail(" stride " + std::to_string(i + 1) + " is " + std::to_string(stride) +
                  " bytes (must be a multiple of 16 below 2^40)");
    }
  }
  const uint64_t row = m.box[0] * elem;
  if (row % kTensorMapAlignment != 0) {
    return fail(" box 0 spans " + std::to_string(row) + " bytes (" + std::to_string(m.box[0]) +
                " x " + std::to_string(elem) + "), not a multiple of 16");
  }
  if (m.swizzle != 0 && row > m.swizzle) {
    return fail(" box 0 spans " + std::to_string(row) + " bytes, more than its swizzle of " +
                std::to_string(m.swizzle));
  }
  // extent = dims[0] * elem + sum over i >= 1 of (dims[i] - 1) * strides[i - 1]. The first
  // term fits 64 bits (2^32 * 8), the others may not (2^32 * 2^40): each step is checked.
  const Binding &b = k.bindings[m.binding];
  uint64_t extent = m.dims[0] * elem;
  bool fits = true;
  for (size_t i = 1; i < rank && fits; ++i) {
    uint64_t steps = m.dims[i] - 1, stride = m.strides[i - 1];
    if (stride != 0 && steps > (std::numeric_limits<uint64_t>::max() - extent) / stride) {
      fits = false;
    } else {
      extent += steps * stride;
    }
  }
  const std::string binding =
      "binding " + std::to_string(m.binding) + " (" + std::to_string(b.bytes) + " bytes)";
  if (!fits) {
    return fail(" spans more than 2^64 bytes, past the end of " + binding);
  }
  if (m.offset > b.bytes || extent > b.bytes - m.offset) {
    return fail(" spans [" + std::to_string(m.offset) + ", +" + std::to_string(extent) +
                ") bytes, past the end of " + binding);
  }
  return true;
}

/// The cuda-only checks: META, the launch limits, the tensor maps, the PTX, the absence
/// of CODE_ELF.
bool validateCuda(const Artifact &a, const Payloads &payloads, std::string &error) {
  if (a.meta.triple != kCudaTriple) {
    error =
        "META: triple '" + a.meta.triple + "' in a cuda artifact (expected '" + kCudaTriple + "')";
    return false;
  }
  SmArch arch;
  if (!parseSmArch(a.meta.cpu, arch)) {
    error = "META: cpu '" + a.meta.cpu +
            "' of a cuda artifact is not an SM architecture (sm_80, sm_86, sm_89, sm_90a, ...)";
    return false;
  }
  if (!a.meta.features.empty()) {
    error = "META: a cuda artifact lists no CPU features, this one lists " +
            std::to_string(a.meta.features.size()) + " ('" + a.meta.features[0] + "', ...)";
    return false;
  }
  if (payloads.codeBytes > 0) {
    error = "CODE_ELF: a cuda artifact carries no CODE_ELF (got " +
            std::to_string(payloads.codeBytes) + " bytes); its code is PTX and CUBIN";
    return false;
  }
  for (size_t i = 0; i < a.plan.kernels.size(); ++i) {
    const Kernel &k = a.plan.kernels[i];
    const Kernel::Launch &l = k.launch;
    std::string what =
        "LAUNCH: kernel " + std::to_string(i) + " (" + k.symbol + ", '" + k.label + "') ";
    static const char *const gridNames[3] = {"grid_x", "grid_y", "grid_z"};
    static const char *const blockNames[3] = {"block_x", "block_y", "block_z"};
    for (int d = 0; d < 3; ++d) {
      if (l.grid[d] == 0 || l.block[d] == 0) {
        error = what + (l.grid[d] == 0 ? gridNames[d] : blockNames[d]) + " is 0 (must be >= 1)";
        return false;
      }
      uint32_t gridLimit = d == 0 ? kMaxGridX : kMaxGridYZ;
      if (l.grid[d] > gridLimit) {
        error = what + gridNames[d] + " is " + std::to_string(l.grid[d]) + ", more than " +
                std::to_string(gridLimit);
        return false;
      }
    }
    uint64_t threads = uint64_t(l.block[0]) * l.block[1] * l.block[2];
    if (threads > kMaxBlockThreads) {
      error = what + "block " + std::to_string(l.block[0]) + "x" + std::to_string(l.block[1]) +
              "x" + std::to_string(l.block[2]) + " has " + std::to_string(threads) +
              " threads, more than " + std::to_string(kMaxBlockThreads);
      return false;
    }
    if (l.block[2] > kMaxBlockZ) {
      error = what + "block_z is " + std::to_string(l.block[2]) + ", more than " +
              std::to_string(kMaxBlockZ);
      return false;
    }
    if (l.sharedBytes > kMaxSharedBytes) {
      error = what + "shared_bytes is " + std::to_string(l.sharedBytes) + ", more than " +
              std::to_string(kMaxSharedBytes) + " (227 KiB)";
      return false;
    }
    if (!k.tensorMaps.empty() && a.formatMinor < kTensorMapsMinor) {
      error = what + "has tensor maps, which format " + std::to_string(a.formatMajor) + "." +
              std::to_string(a.formatMinor) + " cannot carry (they need 1." +
              std::to_string(kTensorMapsMinor) + ")";
      return false;
    }
    for (size_t j = 0; j < k.tensorMaps.size(); ++j) {
      if (!checkTensorMap(k.tensorMaps[j], k, what + "tensor map " + std::to_string(j), error)) {
        return false;
      }
    }
  }
  if (a.plan.kernels.empty()) {
    return true;
  }
  if (payloads.ptxBytes == 0) {
    error = "PTX: empty, but the plan has " + std::to_string(a.plan.kernels.size()) + " kernels";
    return false;
  }
  if (const void *nul = std::memchr(payloads.ptx, '\0', payloads.ptxBytes)) {
    error = "PTX: NUL byte at offset " +
            std::to_string(static_cast<const char *>(nul) - payloads.ptx) + "; PTX is text";
    return false;
  }
  std::vector<std::string> entries = ptxEntries(payloads.ptx, payloads.ptxBytes);
  for (size_t i = 0; i < a.plan.kernels.size(); ++i) {
    const Kernel &k = a.plan.kernels[i];
    if (std::find(entries.begin(), entries.end(), k.symbol) == entries.end()) {
      error = "PTX: kernel " + std::to_string(i) + " ('" + k.label + "') needs '.entry " +
              k.symbol + "', which the PTX does not define";
      return false;
    }
  }
  return true;
}

bool validate(Artifact &a, const Payloads &payloads, std::string &error) {
  if (!checkTensors(a.signature.inputs, "input", error) ||
      !checkTensors(a.signature.outputs, "output", error)) {
    return false;
  }
  const uint64_t constantsBytes = payloads.constantsBytes;
  for (size_t i = 0; i < a.plan.kernels.size(); ++i) {
    const Kernel &k = a.plan.kernels[i];
    std::string what =
        "PLAN: kernel " + std::to_string(i) + " (" + k.symbol + ", '" + k.label + "')";
    if (k.symbol.empty() || k.symbol.find('\0') != std::string::npos) {
      error = "PLAN: kernel " + std::to_string(i) + " ('" + k.label +
              "') has an empty or invalid symbol name";
      return false;
    }
    if (k.workItems < 1) {
      error = what + " has work_items " + std::to_string(k.workItems) + " (must be >= 1)";
      return false;
    }
    if (!k.tensorMaps.empty() && !isCudaArtifact(a)) {
      error = what + " has tensor maps, which only the kernels of a cuda artifact have";
      return false;
    }
    for (size_t j = 0; j < k.bindings.size(); ++j) {
      if (!checkBinding(k.bindings[j], a, constantsBytes, what + " binding " + std::to_string(j),
                        error)) {
        return false;
      }
    }
  }
  for (size_t i = 0; i < a.plan.copies.size(); ++i) {
    const Copy &c = a.plan.copies[i];
    std::string what = "PLAN: copy " + std::to_string(i);
    if (c.output >= a.signature.outputs.size()) {
      error = what + " fills output " + std::to_string(c.output) + " but the model has " +
              std::to_string(a.signature.outputs.size()) + " outputs";
      return false;
    }
    const TensorDesc &out = a.signature.outputs[c.output];
    what += " (to output '" + out.name + "') source";
    if (!checkBinding(c.source, a, constantsBytes, what, error)) {
      return false;
    }
    if (c.source.bytes != out.bytes) {
      error = what + " has " + std::to_string(c.source.bytes) + " bytes, the output has " +
              std::to_string(out.bytes);
      return false;
    }
    if (c.source.space == BindingSpace::Output && c.source.index == c.output) {
      error = what + " is the output itself";
      return false;
    }
  }
  if (isCudaArtifact(a)) {
    return validateCuda(a, payloads, error);
  }
  if (payloads.ptxBytes > 0 || payloads.cubinBytes > 0) {
    error = std::string(payloads.ptxBytes > 0 ? "PTX" : "CUBIN") + ": a '" + a.meta.target +
            "' artifact carries no GPU code; its code is CODE_ELF";
    return false;
  }
  return true;
}

bool parseImpl(const void *data, size_t size, Artifact &out, ParseError &error, bool copyPayloads) {
  auto fail = [&](kilnStatusCode code, std::string message) {
    error.code = code;
    error.message = std::move(message);
    return false;
  };
  const uint8_t *bytes = static_cast<const uint8_t *>(data);
  if (size == 0 || !bytes) {
    return fail(KILN_DATA_LOSS, "empty file, not a kiln artifact");
  }
  size_t magicBytes = size < sizeof(kArtifactMagic) ? size : sizeof(kArtifactMagic);
  if (std::memcmp(bytes, kArtifactMagic, magicBytes) != 0) {
    static const char hex[] = "0123456789abcdef";
    std::string seen;
    for (size_t i = 0; i < magicBytes; ++i) {
      seen += (i ? " " : "");
      seen += hex[bytes[i] >> 4];
      seen += hex[bytes[i] & 15];
    }
    return fail(KILN_DATA_LOSS,
                "not a kiln artifact: the file starts with " + seen + ", not \"KILNART\\0\"");
  }
  if (size < kHeaderBytes) {
    return fail(KILN_DATA_LOSS, "truncated: the file is " + std::to_string(size) +
                                    " bytes, shorter than the 32-byte header");
  }
  out = Artifact();
  out.formatMajor = static_cast<uint32_t>(loadLE(bytes + 8, 4));
  out.formatMinor = static_cast<uint32_t>(loadLE(bytes + 12, 4));
  if (out.formatMajor != kFormatMajor) {
    return fail(KILN_UNSUPPORTED, "artifact format " + std::to_string(out.formatMajor) +
                                      ", this runtime reads format " +
                                      std::to_string(kFormatMajor) +
                                      "; compile the model with a matching kiln");
  }
  uint64_t tableOffset = loadLE(bytes + 16, 8);
  uint64_t count = loadLE(bytes + 24, 8);
  if (count > kMaxSections) {
    return fail(KILN_DATA_LOSS, "section_count " + std::to_string(count) +
                                    " exceeds the limit of " + std::to_string(kMaxSections));
  }
  if (tableOffset > size || count * kSectionEntryBytes > size - tableOffset) {
    return fail(KILN_DATA_LOSS, "truncated: the section table (" + std::to_string(count) +
                                    " entries at offset " + std::to_string(tableOffset) +
                                    ") ends past the end of the file (" + std::to_string(size) +
                                    " bytes)");
  }
  constexpr uint32_t kLastKind = static_cast<uint32_t>(SectionKind::Launch);
  const SectionInfo *known[kLastKind + 1] = {};
  out.sections.resize(count);
  for (uint64_t i = 0; i < count; ++i) {
    const uint8_t *e = bytes + tableOffset + i * kSectionEntryBytes;
    SectionInfo &s = out.sections[i];
    s.kind = static_cast<uint32_t>(loadLE(e, 4));
    s.offset = loadLE(e + 8, 8);
    s.size = loadLE(e + 16, 8);
    std::string name = sectionKindName(s.kind);
    if (s.offset % kSectionAlignment != 0) {
      return fail(KILN_DATA_LOSS, "section " + name + " offset " + std::to_string(s.offset) +
                                      " is not a multiple of 64");
    }
    if (s.offset > size || s.size > size - s.offset) {
      return fail(KILN_DATA_LOSS, "truncated: section " + name + " [offset " +
                                      std::to_string(s.offset) + ", size " +
                                      std::to_string(s.size) + "] ends past the end of the file (" +
                                      std::to_string(size) + " bytes)");
    }
    if (s.kind >= 1 && s.kind <= kLastKind) {
      if (known[s.kind]) {
        return fail(KILN_DATA_LOSS, "section " + name + " appears twice");
      }
      known[s.kind] = &s;
    }
    // Other kinds (newer than this reader) are skipped.
  }
  auto has = [&](SectionKind kind) { return known[static_cast<uint32_t>(kind)] != nullptr; };
  auto missing = [&](SectionKind kind) {
    return fail(KILN_DATA_LOSS, "missing section " + sectionKindName(static_cast<uint32_t>(kind)));
  };
  for (SectionKind kind :
       {SectionKind::Meta, SectionKind::Signature, SectionKind::Constants, SectionKind::Plan}) {
    if (!has(kind)) {
      return missing(kind);
    }
  }

  auto sectionCursor = [&](SectionKind kind, const char *name) {
    const SectionInfo *s = known[static_cast<uint32_t>(kind)];
    return Cursor(bytes + s->offset, s->size, name);
  };
  Cursor meta = sectionCursor(SectionKind::Meta, "META");
  if (!readMeta(meta, out.meta)) {
    return fail(KILN_DATA_LOSS, meta.error);
  }
  // The code sections depend on the target: CODE_ELF for cpu, PTX + CUBIN + LAUNCH for
  // cuda, never both.
  const bool cuda = isCudaArtifact(out);
  const std::vector<SectionKind> gpuCode = {SectionKind::Ptx, SectionKind::Cubin,
                                            SectionKind::Launch};
  const std::vector<SectionKind> cpuCode = {SectionKind::CodeElf};
  const std::vector<SectionKind> &needed = cuda ? gpuCode : cpuCode;
  const std::vector<SectionKind> &foreign = cuda ? cpuCode : gpuCode;
  for (SectionKind kind : needed) {
    if (!has(kind)) {
      return missing(kind);
    }
  }
  for (SectionKind kind : foreign) {
    if (has(kind)) {
      return fail(KILN_DATA_LOSS, "section " + sectionKindName(static_cast<uint32_t>(kind)) +
                                      " in a '" + out.meta.target + "' artifact (" +
                                      (cuda ? "cuda code is PTX and CUBIN"
                                            : "only cuda artifacts carry PTX, CUBIN and LAUNCH") +
                                      ")");
    }
  }
  Cursor signature = sectionCursor(SectionKind::Signature, "SIGNATURE");
  if (!readSignature(signature, out.signature)) {
    return fail(KILN_DATA_LOSS, signature.error);
  }
  Cursor plan = sectionCursor(SectionKind::Plan, "PLAN");
  if (!readPlan(plan, out.plan)) {
    return fail(KILN_DATA_LOSS, plan.error);
  }
  if (cuda) {
    Cursor launch = sectionCursor(SectionKind::Launch, "LAUNCH");
    if (!readLaunch(launch, out.plan, out.formatMinor)) {
      return fail(KILN_DATA_LOSS, launch.error);
    }
  }
  auto section = [&](SectionKind kind) { return known[static_cast<uint32_t>(kind)]; };
  const SectionInfo *constants = section(SectionKind::Constants);
  Payloads payloads;
  payloads.constantsBytes = constants->size;
  if (cuda) {
    payloads.ptx = reinterpret_cast<const char *>(bytes + section(SectionKind::Ptx)->offset);
    payloads.ptxBytes = section(SectionKind::Ptx)->size;
    payloads.cubinBytes = section(SectionKind::Cubin)->size;
  }
  std::string message;
  if (!validate(out, payloads, message)) {
    return fail(KILN_DATA_LOSS, message);
  }
  if (copyPayloads) {
    auto copy = [&](SectionKind kind, auto &to) {
      const SectionInfo *s = section(kind);
      to.assign(bytes + s->offset, bytes + s->offset + s->size);
    };
    copy(SectionKind::Constants, out.constants);
    if (cuda) {
      copy(SectionKind::Ptx, out.ptx);
      copy(SectionKind::Cubin, out.cubin);
    } else {
      copy(SectionKind::CodeElf, out.code);
    }
  }
  return true;
}

} // namespace

bool validateArtifact(Artifact &artifact, std::string &error) {
  Payloads payloads;
  payloads.constantsBytes = artifact.constants.size();
  payloads.codeBytes = artifact.code.size();
  payloads.ptx = artifact.ptx.data();
  payloads.ptxBytes = artifact.ptx.size();
  payloads.cubinBytes = artifact.cubin.size();
  return validate(artifact, payloads, error);
}

bool parseArtifact(const void *data, size_t size, Artifact &out, ParseError &error) {
  return parseImpl(data, size, out, error, /*copyPayloads=*/true);
}

bool parseArtifactInPlace(const void *data, size_t size, Artifact &out, ParseError &error) {
  return parseImpl(data, size, out, error, /*copyPayloads=*/false);
}

const SectionInfo *findSection(const Artifact &artifact, SectionKind kind) {
  for (const SectionInfo &s : artifact.sections) {
    if (s.kind == static_cast<uint32_t>(kind)) {
      return &s;
    }
  }
  return nullptr;
}

} // namespace kiln::runtime
