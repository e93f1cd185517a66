//===- TensorIO.h - host tensors from and to .npy, .pb and seeded random ---===//
//
// The input/output grammar shared by kiln-interpret and kiln-run: a binding is
// `[NAME=]@file.npy`, `[NAME=]@file.pb` (an ONNX TensorProto) or `[NAME=]random:SEED`.
// This library is on the runtime side of the house: C++ standard library and
// include/kiln/runtime.h only, no LLVM, MLIR or protobuf (the TensorProto wire format is
// read and written by hand). Every size read from a file is checked against the file's
// length before anything is allocated.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_LIB_TENSORIO_TENSORIO_H
#define KILN_LIB_TENSORIO_TENSORIO_H

#include "kiln/runtime.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::io {

/// A dense row-major tensor in host memory. `data` holds numElements() *
/// kilnDTypeGetSize(dtype) little-endian bytes; bool is one byte, 0 or 1.
struct HostTensor {
  std::string name; // from a .pb's name field or from the binding; may be empty
  kilnDType dtype = KILN_DTYPE_INVALID;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;

  /// Product of `shape` (1 for rank 0); -1 if a dim is negative or the product overflows.
  int64_t numElements() const;
};

/// ONNX TensorProto.DataType <-> kilnDType (KILN_DTYPE_INVALID / 0 where there is none).
kilnDType dtypeFromOnnx(int32_t onnxDataType);
int32_t dtypeToOnnx(kilnDType dtype);

/// .npy (format 1.0/2.0/3.0, little-endian or byte-order-free dtypes, C order).
bool readNpy(const std::string &path, HostTensor &out, std::string &error);
bool writeNpy(const std::string &path, const HostTensor &tensor, std::string &error);

/// ONNX TensorProto in protobuf wire format: dims, data_type, name, raw_data and the typed
/// repeated fields (float_data, int32_data, int64_data, double_data, uint64_data), packed
/// or not. External data and strings are rejected with a message.
bool parseTensorProto(const uint8_t *bytes, size_t size, HostTensor &out, std::string &error);
bool readTensorProto(const std::string &path, HostTensor &out, std::string &error);
/// Writes dims, data_type, name and raw_data.
bool writeTensorProto(const std::string &path, const HostTensor &tensor, std::string &error);

/// Reads or writes by extension: `.npy` or `.pb`; anything else is an error.
bool readTensorFile(const std::string &path, HostTensor &out, std::string &error);
bool writeTensorFile(const std::string &path, const HostTensor &tensor, std::string &error);

/// Deterministic pseudo-random tensor: floats uniform in [-1, 1), signed integers in
/// [-8, 8], unsigned in [0, 16], bool 0/1. Same (dtype, shape, seed) -> same bytes on
/// every machine.
HostTensor makeRandom(kilnDType dtype, const std::vector<int64_t> &shape, uint64_t seed);

/// One `--input=` / `--output=` value.
struct Binding {
  std::string name; // empty: bind by position
  enum class Kind { File, Random } kind = Kind::File;
  std::string path; // Kind::File
  uint64_t seed = 0; // Kind::Random
};

/// Parses `[NAME=]@PATH` or `[NAME=]random:SEED`. `allowRandom` is false for outputs.
bool parseBinding(const std::string &spec, bool allowRandom, Binding &out, std::string &error);

/// Produces the tensor for an input binding whose signature is (dtype, shape): reads the
/// file or generates random data, then checks dtype and shape against the signature
/// (a mismatch names both). The result's name is the signature name `name`.
bool loadInput(const Binding &binding, const std::string &name, kilnDType dtype,
               const std::vector<int64_t> &shape, HostTensor &out, std::string &error);

/// "f32[1x3x224x224]" style description for messages.
std::string describe(kilnDType dtype, const std::vector<int64_t> &shape);

} // namespace kiln::io

#endif // KILN_LIB_TENSORIO_TENSORIO_H
