//===- TensorIO.cpp - dtypes, file dispatch and input bindings ------------===//
//
// The format-independent half of lib/tensorio: ONNX data_type numbers, descriptions for
// messages, whole-file reads and writes, dispatch by extension, the `[NAME=]@PATH` /
// `[NAME=]random:SEED` grammar and loadInput, which turns a binding into a tensor that
// matches an input signature. The formats live in NpyFormat.cpp and
// TensorProtoFormat.cpp, the generator in RandomTensor.cpp.
//
//===----------------------------------------------------------------------------===//
#include "lib/tensorio/TensorIO.h"
#include "lib/tensorio/TensorIOInternal.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <limits>

namespace kiln::io {

int64_t HostTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) {
      return -1;
    }
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / d) {
      return -1;
    }
    n *= d;
  }
  return n;
}

//===----------------------------------------------------------------------===//
// DTypes and descriptions
//===----------------------------------------------------------------------===//

kilnDType dtypeFromOnnx(int32_t onnxDataType) {
  switch (onnxDataType) {
  case 1:
    return KILN_DTYPE_F32;
  case 2:
    return KILN_DTYPE_U8;
  case 3:
    return KILN_DTYPE_I8;
  case 4:
    return KILN_DTYPE_U16;
  case 5:
    return KILN_DTYPE_I16;
  case 6:
    return KILN_DTYPE_I32;
  case 7:
    return KILN_DTYPE_I64;
  case 9:
    return KILN_DTYPE_BOOL;
  case 10:
    return KILN_DTYPE_F16;
  case 11:
    return KILN_DTYPE_F64;
  case 12:
    return KILN_DTYPE_U32;
  case 13:
    return KILN_DTYPE_U64;
  case 16:
    return KILN_DTYPE_BF16;
  default:
    return KILN_DTYPE_INVALID;
  }
}

int32_t dtypeToOnnx(kilnDType dtype) {
  switch (dtype) {
  case KILN_DTYPE_F32:
    return 1;
  case KILN_DTYPE_U8:
    return 2;
  case KILN_DTYPE_I8:
    return 3;
  case KILN_DTYPE_U16:
    return 4;
  case KILN_DTYPE_I16:
    return 5;
  case KILN_DTYPE_I32:
    return 6;
  case KILN_DTYPE_I64:
    return 7;
  case KILN_DTYPE_BOOL:
    return 9;
  case KILN_DTYPE_F16:
    return 10;
  case KILN_DTYPE_F64:
    return 11;
  case KILN_DTYPE_U32:
    return 12;
  case KILN_DTYPE_U64:
    return 13;
  case KILN_DTYPE_BF16:
    return 16;
  case KILN_DTYPE_INVALID:
  case KILN_DTYPE_MAX_ENUM:
    break;
  }
  return 0;
}

std::string describe(kilnDType dtype, const std::vector<int64_t> &shape) {
  std::string s = kilnDTypeGetName(dtype);
  s += '[';
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i != 0) {
      s += 'x';
    }
    // A negative dim is a dynamic one in a signature (or garbage from a file).
    s += shape[i] < 0 ? std::string("?") : std::to_string(shape[i]);
  }
  s += ']';
  return s;
}

//===----------------------------------------------------------------------===//
// Shared helpers (TensorIOInternal.h)
//===----------------------------------------------------------------------===//

namespace detail {

bool readFileBytes(const std::string &path, std::vector<uint8_t> &bytes, std::string &error) {
  bytes.clear();
  std::FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) {
    error = "cannot open '" + path + "' for reading: " + std::strerror(errno);
    return false;
  }
  uint8_t chunk[1 << 16];
  while (true) {
    size_t n = std::fread(chunk, 1, sizeof(chunk), f);
    bytes.insert(bytes.end(), chunk, chunk + n);
    if (n < sizeof(chunk)) {
      break;
    }
  }
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) {
    error = "error while reading '" + path + "'";
    return false;
  }
  return true;
}

bool writeFileBytes(const std::string &path, const uint8_t *bytes, size_t size,
                    std::string &error) {
  std::FILE *f = std::fopen(path.c_str(), "wb");
  if (!f) {
    error = "cannot open '" + path + "' for writing: " + std::strerror(errno);
    return false;
  }
  bool ok = size == 0 || std::fwrite(bytes, 1, size, f) == size;
  // fclose flushes: a full disk shows up here, not in fwrite.
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) {
    error = "error while writing '" + path + "'";
    return false;
  }
  return true;
}

bool computeByteSize(kilnDType dtype, const std::vector<int64_t> &shape, const std::string &context,
                     size_t &bytes, std::string &error) {
  size_t elemSize = kilnDTypeGetSize(dtype);
  if (elemSize == 0) {
    error = context + "invalid dtype " + std::to_string(static_cast<int>(dtype));
    return false;
  }
  size_t total = elemSize;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] < 0) {
      error =
          context + "dim " + std::to_string(i) + " is negative (" + std::to_string(shape[i]) + ")";
      return false;
    }
    uint64_t d = static_cast<uint64_t>(shape[i]);
    // Checked against int64 so that numElements() of the same shape never overflows.
    if (d != 0 && total > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) / d) {
      error = context + "the shape " + describe(dtype, shape) +
              " has more elements than fit in 64 bits (dim " + std::to_string(i) +
              " overflows the element count)";
      return false;
    }
    total *= d;
  }
  bytes = total;
  return true;
}

bool checkTensorForWrite(const std::string &path, const HostTensor &tensor, std::string &error) {
  std::string context = "cannot write '" + path + "': ";
  size_t bytes = 0;
  if (!computeByteSize(tensor.dtype, tensor.shape, context, bytes, error)) {
    return false;
  }
  if (tensor.data.size() != bytes) {
    error = context + describe(tensor.dtype, tensor.shape) + " needs " + std::to_string(bytes) +
            " bytes of data but the tensor holds " + std::to_string(tensor.data.size());
    return false;
  }
  return true;
}

void normalizeBools(HostTensor &tensor) {
  if (tensor.dtype != KILN_DTYPE_BOOL) {
    return;
  }
  for (uint8_t &b : tensor.data) {
    b = b != 0 ? 1 : 0;
  }
}

} // namespace detail

//===----------------------------------------------------------------------===//
// Dispatch by extension
//===----------------------------------------------------------------------===//

namespace {

enum class FileFormat { Unknown, Npy, TensorProto };

FileFormat formatOf(const std::string &path) {
  auto endsWith = [&](const char *suffix) {
    size_t n = std::strlen(suffix);
    if (path.size() < n) {
      return false;
    }
    for (size_t i = 0; i < n; ++i) {
      char c = path[path.size() - n + i];
      if (c >= 'A' && c <= 'Z') {
        c = static_cast<char>(c - 'A' + 'a');
      }
      if (c != suffix[i]) {
        return false;
      }
    }
    return true;
  };
  if (endsWith(".npy")) {
    return FileFormat::Npy;
  }
  if (endsWith(".pb")) {
    return FileFormat::TensorProto;
  }
  return FileFormat::Unknown;
}

std::string unknownFormatMessage(const std::string &path) {
  return "cannot tell the format of '" + path +
         "' from its extension; use .npy (numpy) or .pb (ONNX TensorProto)";
}

} // namespace

bool readTensorFile(const std::string &path, HostTensor &out, std::string &error) {
  switch (formatOf(path)) {
  case FileFormat::Npy:
    return readNpy(path, out, error);
  case FileFormat::TensorProto:
    return readTensorProto(path, out, error);
  case FileFormat::Unknown:
    break;
  }
  error = unknownFormatMessage(path);
  return false;
}

bool writeTensorFile(const std::string &path, const HostTensor &tensor, std::string &error) {
  switch (formatOf(path)) {
  case FileFormat::Npy:
    return writeNpy(path, tensor, error);
  case FileFormat::TensorProto:
    return writeTensorProto(path, tensor, error);
  case FileFormat::Unknown:
    break;
  }
  error = unknownFormatMessage(path);
  return false;
}

//===----------------------------------------------------------------------===//
// Bindings
//===----------------------------------------------------------------------===//

namespace {

constexpr const char kRandomPrefix[] = "random:";
constexpr size_t kRandomPrefixLen = sizeof(kRandomPrefix) - 1;

bool isValue(const std::string &s, size_t pos) {
  return s.compare(pos, 1, "@") == 0 || s.compare(pos, kRandomPrefixLen, kRandomPrefix) == 0;
}

bool parseSeed(const std::string &text, uint64_t &seed) {
  if (text.empty()) {
    return false;
  }
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - digit) / 10) {
      return false;
    }
    v = v * 10 + digit;
  }
  seed = v;
  return true;
}

} // namespace

bool parseBinding(const std::string &spec, bool allowRandom, Binding &out, std::string &error) {
  const std::string grammar = "expected [NAME=]@PATH";
  const std::string fullGrammar = grammar + (allowRandom ? " or [NAME=]random:SEED" : "");
  out = Binding();
  if (spec.empty()) {
    error = "empty binding; " + fullGrammar;
    return false;
  }
  // The value starts at the beginning or after the first '=' that is followed by '@' or
  // 'random:'; a name may itself contain '=' (and a path after '@' may too).
  size_t valuePos = std::string::npos;
  if (isValue(spec, 0)) {
    valuePos = 0;
  } else {
    for (size_t eq = spec.find('='); eq != std::string::npos; eq = spec.find('=', eq + 1)) {
      if (isValue(spec, eq + 1)) {
        valuePos = eq + 1;
        break;
      }
    }
  }
  if (valuePos == std::string::npos) {
    error = "binding '" + spec + "' names no file or random seed; " + fullGrammar +
            " (a file path needs a leading '@')";
    return false;
  }
  if (valuePos == 1) {
    error = "binding '" + spec +
            "' has an empty name before '='; drop the '=' to bind by "
            "position";
    return false;
  }
  std::string name = valuePos == 0 ? std::string() : spec.substr(0, valuePos - 1);
  std::string value = spec.substr(valuePos);
  if (value[0] == '@') {
    std::string path = value.substr(1);
    if (path.empty()) {
      error = "binding '" + spec + "' has an empty path after '@'";
      return false;
    }
    out.name = name;
    out.kind = Binding::Kind::File;
    out.path = path;
    return true;
  }
  if (!allowRandom) {
    error = "binding '" + spec + "': random data can only feed inputs; an output needs a file (" +
            grammar + ")";
    return false;
  }
  std::string seedText = value.substr(kRandomPrefixLen);
  uint64_t seed = 0;
  if (!parseSeed(seedText, seed)) {
    error = "binding '" + spec + "' has a bad seed '" + seedText +
            "'; expected a decimal number in [0, 18446744073709551615]";
    return false;
  }
  out.name = name;
  out.kind = Binding::Kind::Random;
  out.seed = seed;
  return true;
}

bool loadInput(const Binding &binding, const std::string &name, kilnDType dtype,
               const std::vector<int64_t> &shape, HostTensor &out, std::string &error) {
  std::string context = "input '" + name + "': ";
  HostTensor tensor;
  std::string source;
  if (binding.kind == Binding::Kind::Random) {
    for (int64_t d : shape) {
      if (d < 0) {
        error = context + "random data needs a static shape but the signature is " +
                describe(dtype, shape) + "; pass a file with @PATH instead";
        return false;
      }
    }
    size_t bytes = 0;
    if (!detail::computeByteSize(dtype, shape, context, bytes, error)) {
      return false;
    }
#if defined(__cpp_exceptions)
    // The signature comes from a model file: a huge static shape must not abort.
    try {
      tensor = makeRandom(dtype, shape, binding.seed);
    } catch (const std::exception &) { // bad_alloc or length_error
      error = context + "cannot allocate " + std::to_string(bytes) + " bytes for random " +
              describe(dtype, shape);
      return false;
    }
#else
    tensor = makeRandom(dtype, shape, binding.seed);
#endif
    source = "random:" + std::to_string(binding.seed);
  } else {
    if (!readTensorFile(binding.path, tensor, error)) {
      error = context + error;
      return false;
    }
    source = "'" + binding.path + "'";
  }

  // A negative signature dim is dynamic and matches any size.
  bool shapeMatches = tensor.shape.size() == shape.size();
  for (size_t i = 0; shapeMatches && i < shape.size(); ++i) {
    shapeMatches = shape[i] < 0 || shape[i] == tensor.shape[i];
  }
  // numpy has no bfloat16, so ONNX test data and numpy users store bf16 as uint16 bit
  // patterns: accept those for a bf16 input.
  if (dtype == KILN_DTYPE_BF16 && tensor.dtype == KILN_DTYPE_U16) {
    tensor.dtype = KILN_DTYPE_BF16;
  }
  if (tensor.dtype != dtype || !shapeMatches) {
    error = context + "expected " + describe(dtype, shape) + " but " + source + " holds " +
            describe(tensor.dtype, tensor.shape);
    return false;
  }
  tensor.name = name;
  out = std::move(tensor);
  return true;
}

} // namespace kiln::io
