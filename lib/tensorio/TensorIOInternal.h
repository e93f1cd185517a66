//===- TensorIOInternal.h - helpers shared by the tensor file formats ------===//
//
// Whole-file reads and writes, little-endian loads and stores and the checks every writer
// runs on a HostTensor before it touches the disk. Private to lib/tensorio: the formats
// (NpyFormat.cpp, TensorProtoFormat.cpp) and the binding code share these, nobody else.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_LIB_TENSORIO_TENSORIOINTERNAL_H
#define KILN_LIB_TENSORIO_TENSORIOINTERNAL_H

#include "lib/tensorio/TensorIO.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kiln::io::detail {

/// Reads the whole file; the buffer grows with the bytes actually read, so its size is
/// bounded by the file, never by a number found inside it.
bool readFileBytes(const std::string &path, std::vector<uint8_t> &bytes, std::string &error);
/// Creates or truncates `path` and writes `size` bytes.
bool writeFileBytes(const std::string &path, const uint8_t *bytes, size_t size, std::string &error);

/// numElements * elemSize of (dtype, shape), or false with a message (prefixed by
/// `context`) when the dtype is invalid, a dim is negative or the product overflows.
bool computeByteSize(kilnDType dtype, const std::vector<int64_t> &shape, const std::string &context,
                     size_t &bytes, std::string &error);

/// The checks every writer runs: a valid dtype, a valid shape and data of exactly the
/// size the shape needs.
bool checkTensorForWrite(const std::string &path, const HostTensor &tensor, std::string &error);

/// Bool tensors hold 0 or 1; files written elsewhere may hold any nonzero byte.
void normalizeBools(HostTensor &tensor);

inline uint64_t loadLE(const uint8_t *p, unsigned n) {
  uint64_t v = 0;
  for (unsigned i = 0; i < n; ++i) {
    v |= static_cast<uint64_t>(p[i]) << (8 * i);
  }
  return v;
}

inline void storeLE(uint8_t *p, uint64_t v, unsigned n) {
  for (unsigned i = 0; i < n; ++i) {
    p[i] = static_cast<uint8_t>(v >> (8 * i));
  }
}

} // namespace kiln::io::detail

#endif // KILN_LIB_TENSORIO_TENSORIOINTERNAL_H
