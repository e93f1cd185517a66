//===- NpyFormat.cpp - numpy .npy files ------------------------------------===//
//
// Reads .npy format 1.0, 2.0 and 3.0 and writes 1.0 (2.0 only when the header would not
// fit a 16-bit length). The header is a Python dict literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// parsed here by a small tolerant scanner (any spacing, either quote, trailing commas,
// Python 2 `3L` dims). Only C-order arrays of the plain numeric dtypes are accepted;
// big-endian data is byte-swapped on read. bfloat16 has no numpy dtype, so bf16 tensors
// are refused on write (use .pb).
//
//===----------------------------------------------------------------------------===//
#include "lib/tensorio/TensorIO.h"
#include "lib/tensorio/TensorIOInternal.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace kiln::io {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
constexpr size_t kAlign = 64;

/// numpy dtype string <-> kilnDType for the kinds we support.
struct NpyType {
  char kind;
  unsigned size;
  kilnDType dtype;
};
constexpr NpyType kNpyTypes[] = {
    {'f', 2, KILN_DTYPE_F16}, {'f', 4, KILN_DTYPE_F32}, {'f', 8, KILN_DTYPE_F64},
    {'i', 1, KILN_DTYPE_I8},  {'i', 2, KILN_DTYPE_I16}, {'i', 4, KILN_DTYPE_I32},
    {'i', 8, KILN_DTYPE_I64}, {'u', 1, KILN_DTYPE_U8},  {'u', 2, KILN_DTYPE_U16},
    {'u', 4, KILN_DTYPE_U32}, {'u', 8, KILN_DTYPE_U64}, {'b', 1, KILN_DTYPE_BOOL},
};

/// The three keys of a .npy header, as found.
struct NpyHeader {
  bool hasDescr = false, hasFortran = false, hasShape = false;
  std::string descr;
  bool fortranOrder = false;
  std::vector<int64_t> shape;
};

/// Scanner for the header's dict literal. Every method returns false and sets `error`
/// (without the file prefix) on malformed text.
class HeaderParser {
public:
  HeaderParser(const std::string &text, std::string &error) : text(text), error(error) {}

  bool parse(NpyHeader &header) {
    skipSpace();
    if (!consume('{')) {
      return fail("the header does not start with '{'");
    }
    while (true) {
      skipSpace();
      if (consume('}')) {
        break;
      }
      std::string key;
      if (!parseString(key, "a dict key")) {
        return false;
      }
      skipSpace();
      if (!consume(':')) {
        return fail("expected ':' after '" + key + "'");
      }
      skipSpace();
      if (key == "descr") {
        if (peek() == '[') {
          return fail("structured dtypes (a list 'descr') are not supported");
        }
        if (!parseString(header.descr, "a dtype string for 'descr'")) {
          return false;
        }
        header.hasDescr = true;
      } else if (key == "fortran_order") {
        if (!parseBool(header.fortranOrder)) {
          return false;
        }
        header.hasFortran = true;
      } else if (key == "shape") {
        if (!parseShape(header.shape)) {
          return false;
        }
        header.hasShape = true;
      } else {
        return fail("unexpected key '" + key +
                    "' (a .npy header has 'descr', "
                    "'fortran_order' and 'shape')");
      }
      skipSpace();
      if (consume(',')) {
        continue;
      }
      skipSpace();
      if (consume('}')) {
        break;
      }
      return fail("expected ',' or '}' after the value of '" + key + "'");
    }
    // Only padding may follow the dict.
    skipSpace();
    if (pos != text.size()) {
      return fail("unexpected text after the header dict");
    }
    if (!header.hasDescr || !header.hasFortran || !header.hasShape) {
      return fail(std::string("the header lacks '") +
                  (!header.hasDescr     ? "descr"
                   : !header.hasFortran ? "fortran_order"
                                        : "shape") +
                  "'");
    }
    return true;
  }

private:
  char peek() const { return pos < text.size() ? text[pos] : '\0'; }
  bool consume(char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  void skipSpace() {
    while (pos < text.size() &&
           (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r')) {
      ++pos;
    }
  }
  bool fail(const std::string &message) {
    error = message;
    return false;
  }

  bool parseString(std::string &out, const char *what) {
    char quote = peek();
    if (quote != '\'' && quote != '"') {
      return fail(std::string("expected ") + what + " in quotes");
    }
    size_t end = text.find(quote, pos + 1);
    if (end == std::string::npos) {
      return fail(std::string("unterminated string for ") + what);
    }
    out = text.substr(pos + 1, end - pos - 1);
    pos = end + 1;
    return true;
  }

  bool parseBool(bool &out) {
    if (text.compare(pos, 4, "True") == 0) {
      pos += 4;
      out = true;
      return true;
    }
    if (text.compare(pos, 5, "False") == 0) {
      pos += 5;
      out = false;
      return true;
    }
    return fail("'fortran_order' must be True or False");
  }

  bool parseDim(int64_t &out) {
    if (peek() == '-') {
      return fail("the shape has a negative dim");
    }
    if (peek() < '0' || peek() > '9') {
      return fail("expected a dim (a decimal integer) in 'shape'");
    }
    int64_t v = 0;
    while (peek() >= '0' && peek() <= '9') {
      int64_t digit = peek() - '0';
      if (v > (std::numeric_limits<int64_t>::max() - digit) / 10) {
        return fail("a dim in 'shape' does not fit in 64 bits");
      }
      v = v * 10 + digit;
      ++pos;
    }
    consume('L'); // Python 2 longs
    out = v;
    return true;
  }

  bool parseShape(std::vector<int64_t> &shape) {
    shape.clear();
    if (!consume('(')) {
      return fail("'shape' must be a tuple such as (2, 3), (3,) or ()");
    }
    skipSpace();
    if (consume(')')) {
      return true;
    }
    while (true) {
      int64_t d = 0;
      if (!parseDim(d)) {
        return false;
      }
      shape.push_back(d);
      skipSpace();
      if (consume(')')) {
        return true;
      }
      if (!consume(',')) {
        return fail("expected ',' or ')' in 'shape'");
      }
      skipSpace();
      if (consume(')')) {
        return true;
      }
    }
  }

  const std::string &text;
  std::string &error;
  size_t pos = 0;
};

/// Maps a descr such as '<f4' to a dtype; `bigEndian` is set for '>' multi-byte types.
bool dtypeFromDescr(const std::string &descr, kilnDType &dtype, bool &bigEndian,
                    std::string &error) {
  std::string hint = " (supported: f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1, little-endian or "
                     "big-endian; numpy has no bfloat16, so bf16 tensors go in .pb files)";
  if (descr.size() < 3 || std::strchr("<>|=", descr[0]) == nullptr) {
    error = "unsupported dtype '" + descr + "'" + hint;
    return false;
  }
  char order = descr[0];
  char kind = descr[1];
  std::string sizeText = descr.substr(2);
  unsigned size = 0;
  if (sizeText.size() == 1 && sizeText[0] >= '1' && sizeText[0] <= '8') {
    size = static_cast<unsigned>(sizeText[0] - '0');
  }
  for (const NpyType &t : kNpyTypes) {
    if (t.kind == kind && t.size == size) {
      dtype = t.dtype;
      bigEndian = order == '>' && size > 1;
      return true;
    }
  }
  error = "unsupported dtype '" + descr + "'" + hint;
  return false;
}

std::string shapeLiteral(const std::vector<int64_t> &shape) {
  // Python's repr of a tuple: (), (3,), (2, 3).
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i != 0) {
      s += ", ";
    }
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) {
    s += ',';
  }
  s += ')';
  return s;
}

} // namespace

bool readNpy(const std::string &path, HostTensor &out, std::string &error) {
  std::vector<uint8_t> bytes;
  if (!detail::readFileBytes(path, bytes, error)) {
    return false;
  }
  std::string context = "'" + path + "' (.npy): ";
  if (bytes.size() < kMagicLen + 2 || std::memcmp(bytes.data(), kMagic, kMagicLen) != 0) {
    error = context + "not a .npy file (it does not start with \\x93NUMPY)";
    return false;
  }
  unsigned major = bytes[6], minor = bytes[7];
  size_t lengthBytes = 0;
  if (major == 1 && minor == 0) {
    lengthBytes = 2;
  } else if ((major == 2 || major == 3) && minor == 0) {
    lengthBytes = 4;
  } else {
    error = context + "unsupported format version " + std::to_string(major) + "." +
            std::to_string(minor) + " (supported: 1.0, 2.0, 3.0)";
    return false;
  }
  size_t prefix = kMagicLen + 2 + lengthBytes;
  if (bytes.size() < prefix) {
    error = context + "truncated header: the file ends inside the header length";
    return false;
  }
  uint64_t headerLen =
      detail::loadLE(bytes.data() + kMagicLen + 2, static_cast<unsigned>(lengthBytes));
  if (headerLen > bytes.size() - prefix) {
    error = context + "truncated header: it claims " + std::to_string(headerLen) +
            " bytes but only " + std::to_string(bytes.size() - prefix) + " follow";
    return false;
  }
  std::string text(reinterpret_cast<const char *>(bytes.data() + prefix),
                   static_cast<size_t>(headerLen));
  NpyHeader header;
  std::string parseError;
  if (!HeaderParser(text, parseError).parse(header)) {
    error = context + "bad header: " + parseError;
    return false;
  }
  if (header.fortranOrder) {
    error = context + "Fortran-order arrays are not supported; save a C-order array "
                      "(numpy.ascontiguousarray)";
    return false;
  }
  kilnDType dtype = KILN_DTYPE_INVALID;
  bool bigEndian = false;
  std::string descrError;
  if (!dtypeFromDescr(header.descr, dtype, bigEndian, descrError)) {
    error = context + descrError;
    return false;
  }
  size_t dataBytes = 0;
  if (!detail::computeByteSize(dtype, header.shape, context, dataBytes, error)) {
    return false;
  }
  size_t available = bytes.size() - prefix - static_cast<size_t>(headerLen);
  if (available != dataBytes) {
    error = context + "data length mismatch: " + describe(dtype, header.shape) + " needs " +
            std::to_string(dataBytes) + " bytes, got " + std::to_string(available) + " bytes";
    return false;
  }

  HostTensor t;
  t.dtype = dtype;
  t.shape = std::move(header.shape);
  t.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(bytes.size() - available), bytes.end());
  if (bigEndian) {
    size_t elemSize = kilnDTypeGetSize(dtype);
    for (size_t i = 0; i < t.data.size(); i += elemSize) {
      std::reverse(t.data.begin() + static_cast<std::ptrdiff_t>(i),
                   t.data.begin() + static_cast<std::ptrdiff_t>(i + elemSize));
    }
  }
  detail::normalizeBools(t);
  out = std::move(t);
  return true;
}

bool writeNpy(const std::string &path, const HostTensor &tensor, std::string &error) {
  if (tensor.dtype == KILN_DTYPE_BF16) {
    error = "cannot write '" + path +
            "': numpy has no bfloat16 dtype, so a bf16 tensor "
            "cannot be stored in .npy; use .pb";
    return false;
  }
  if (!detail::checkTensorForWrite(path, tensor, error)) {
    return false;
  }
  std::string descr;
  for (const NpyType &t : kNpyTypes) {
    if (t.dtype == tensor.dtype) {
      descr = std::string(1, t.size == 1 ? '|' : '<') + t.kind + std::to_string(t.size);
    }
  }
  std::string dict = "{'descr': '" + descr +
                     "', 'fortran_order': False, 'shape': " + shapeLiteral(tensor.shape) + ", }";
  // Version 1.0 has a 16-bit header length; a header beyond that (rank in the thousands)
  // needs 2.0. The padded header ends in '\n' and the data starts 64-byte aligned.
  unsigned major = 1;
  size_t prefix = kMagicLen + 4;
  size_t unpadded = prefix + dict.size() + 1;
  size_t total = (unpadded + kAlign - 1) / kAlign * kAlign;
  if (total - prefix > 0xFFFF) {
    major = 2;
    prefix = kMagicLen + 6;
    unpadded = prefix + dict.size() + 1;
    total = (unpadded + kAlign - 1) / kAlign * kAlign;
  }
  std::vector<uint8_t> bytes;
  bytes.reserve(total + tensor.data.size());
  bytes.insert(bytes.end(), kMagic, kMagic + kMagicLen);
  bytes.push_back(static_cast<uint8_t>(major));
  bytes.push_back(0);
  size_t headerLen = total - prefix;
  for (size_t i = 0; i < (major == 1 ? 2u : 4u); ++i) {
    bytes.push_back(static_cast<uint8_t>(headerLen >> (8 * i)));
  }
  bytes.insert(bytes.end(), dict.begin(), dict.end());
  bytes.insert(bytes.end(), total - unpadded, ' ');
  bytes.push_back('\n');
  bytes.insert(bytes.end(), tensor.data.begin(), tensor.data.end());
  return detail::writeFileBytes(path, bytes.data(), bytes.size(), error);
}

} // namespace kiln::io
