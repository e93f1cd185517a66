//===- TensorProtoFormat.cpp - ONNX TensorProto in protobuf wire format ----===//
//
// A hand-written reader and writer for onnx.TensorProto, so the runtime side needs no
// protobuf library. Fields (onnx.proto):
//    1 dims          repeated int64        8 name          string
//    2 data_type     int32                 9 raw_data      bytes
//    3 segment       message (ignored)    10 double_data   repeated double
//    4 float_data    repeated float       11 uint64_data   repeated uint64 (also uint32)
//    5 int32_data    repeated int32       12 doc_string    string (ignored)
//    6 string_data   repeated bytes       13 external_data repeated message
//    7 int64_data    repeated int64       14 data_location enum (1 = EXTERNAL)
// Repeated scalars are accepted packed or not. int32_data also carries int8, uint8,
// int16, uint16 and bool values and the uint16 bit patterns of float16 and bfloat16.
// Strings and external data are refused. Unknown fields are skipped by wire type, the
// way protobuf does, so files from newer ONNX versions still read.
//
// Every length is checked against the bytes that remain before it is used, and the
// typed value lists grow one value per at least one input byte, so memory is bounded by
// the input size.
//
//===----------------------------------------------------------------------------===//
#include "lib/tensorio/TensorIO.h"
#include "lib/tensorio/TensorIOInternal.h"

#include <cstring>
#include <limits>

namespace kiln::io {

namespace {

enum WireType : unsigned {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

const char *wireTypeName(unsigned wt) {
  switch (wt) {
  case kVarint:
    return "varint";
  case kFixed64:
    return "64-bit";
  case kLengthDelimited:
    return "length-delimited";
  case kStartGroup:
    return "start-group";
  case kEndGroup:
    return "end-group";
  case kFixed32:
    return "32-bit";
  default:
    return "invalid";
  }
}

/// The values collected from the repeated data fields.
struct TypedData {
  std::vector<uint32_t> floats;  // float_data, as bits
  std::vector<int32_t> int32s;   // int32_data
  std::vector<int64_t> int64s;   // int64_data
  std::vector<uint64_t> doubles; // double_data, as bits
  std::vector<uint64_t> uint64s; // uint64_data
};

/// Reads protobuf wire format from [bytes, bytes + size). Errors carry the byte offset
/// from the start of the message.
class WireReader {
public:
  WireReader(const uint8_t *bytes, size_t size, std::string &error)
      : bytes(bytes), size(size), error(error) {}

  bool atEnd() const { return pos >= size; }
  size_t offset() const { return pos; }

  bool readVarint(uint64_t &value) {
    size_t start = pos;
    uint64_t v = 0;
    for (unsigned i = 0; i < 10; ++i) {
      if (pos >= size) {
        return fail("truncated varint at byte " + std::to_string(start) +
                    " (the data ends inside it)");
      }
      uint8_t b = bytes[pos++];
      // The tenth byte may only contribute bit 63.
      if (i == 9 && (b & 0xFE) != 0) {
        return fail("malformed varint at byte " + std::to_string(start) +
                    " (it does not fit in 64 bits)");
      }
      v |= static_cast<uint64_t>(b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        value = v;
        return true;
      }
    }
    return false; // unreachable: the tenth byte either ends the varint or fails
  }

  bool readFixed(unsigned n, uint64_t &value) {
    if (size - pos < n) {
      return fail("truncated " + std::to_string(8 * n) + "-bit value at byte " +
                  std::to_string(pos));
    }
    value = detail::loadLE(bytes + pos, n);
    pos += n;
    return true;
  }

  /// A length-delimited payload: the length is checked against the remaining bytes.
  bool readBytes(const uint8_t *&data, size_t &length, const char *what) {
    size_t start = pos;
    uint64_t len = 0;
    if (!readVarint(len)) {
      return false;
    }
    if (len > size - pos) {
      return fail(std::string(what) + " at byte " + std::to_string(start) + " claims " +
                  std::to_string(len) + " bytes but only " + std::to_string(size - pos) +
                  " remain");
    }
    data = bytes + pos;
    length = static_cast<size_t>(len);
    pos += length;
    return true;
  }

  bool skip(unsigned wt, const char *what) {
    uint64_t ignored = 0;
    const uint8_t *data = nullptr;
    size_t length = 0;
    switch (wt) {
    case kVarint:
      return readVarint(ignored);
    case kFixed64:
      return readFixed(8, ignored);
    case kFixed32:
      return readFixed(4, ignored);
    case kLengthDelimited:
      return readBytes(data, length, what);
    default:
      return fail(std::string("cannot skip wire type ") + std::to_string(wt));
    }
  }

  bool fail(const std::string &message) {
    error = message;
    return false;
  }

private:
  const uint8_t *bytes;
  size_t size;
  std::string &error;
  size_t pos = 0;
};

/// Reads one occurrence of a repeated scalar field: either a single value of
/// `scalarWt` or a packed run (wire type 2). `add` receives each raw value.
template <typename Add>
bool readRepeated(WireReader &reader, unsigned wt, unsigned scalarWt, const char *field, Add add) {
  auto readOne = [&](WireReader &r, uint64_t &v) {
    switch (scalarWt) {
    case kVarint:
      return r.readVarint(v);
    case kFixed64:
      return r.readFixed(8, v);
    default:
      return r.readFixed(4, v);
    }
  };
  if (wt == scalarWt) {
    uint64_t v = 0;
    if (!readOne(reader, v)) {
      return false;
    }
    add(v);
    return true;
  }
  if (wt != kLengthDelimited) {
    return reader.fail(std::string(field) + " has wire type " + std::to_string(wt) + " (" +
                       wireTypeName(wt) + "), expected " + wireTypeName(scalarWt) + " or packed");
  }
  size_t start = reader.offset();
  const uint8_t *data = nullptr;
  size_t length = 0;
  if (!reader.readBytes(data, length, field)) {
    return false;
  }
  unsigned fixedSize = scalarWt == kFixed64 ? 8 : scalarWt == kFixed32 ? 4 : 0;
  if (fixedSize != 0 && length % fixedSize != 0) {
    return reader.fail("packed " + std::string(field) + " at byte " + std::to_string(start) +
                       " has " + std::to_string(length) + " bytes, not a multiple of " +
                       std::to_string(fixedSize));
  }
  std::string innerError;
  WireReader inner(data, length, innerError);
  while (!inner.atEnd()) {
    uint64_t v = 0;
    if (!readOne(inner, v)) {
      return reader.fail("in packed " + std::string(field) + " at byte " + std::to_string(start) +
                         ": " + innerError);
    }
    add(v);
  }
  return true;
}

bool expectWireType(WireReader &reader, unsigned wt, unsigned expected, const char *field) {
  if (wt == expected) {
    return true;
  }
  return reader.fail(std::string(field) + " has wire type " + std::to_string(wt) + " (" +
                     wireTypeName(wt) + "), expected " + std::to_string(expected) + " (" +
                     wireTypeName(expected) + ")");
}

const char kExternalMessage[] = "external data is not supported in tensor files";

/// Converts the int32_data values to the element bytes of `dtype`, range-checked.
bool convertInt32Data(const std::vector<int32_t> &values, kilnDType dtype, uint8_t *out,
                      std::string &error) {
  int64_t lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max();
  switch (dtype) {
  case KILN_DTYPE_I8:
    lo = -128, hi = 127;
    break;
  case KILN_DTYPE_U8:
    lo = 0, hi = 255;
    break;
  case KILN_DTYPE_I16:
    lo = -32768, hi = 32767;
    break;
  case KILN_DTYPE_U16:
  case KILN_DTYPE_F16:  // uint16 bit patterns
  case KILN_DTYPE_BF16: // uint16 bit patterns
    lo = 0, hi = 65535;
    break;
  default:
    break; // i32 and bool (any nonzero value is true)
  }
  size_t elemSize = kilnDTypeGetSize(dtype);
  for (size_t i = 0; i < values.size(); ++i) {
    int64_t v = values[i];
    if (v < lo || v > hi) {
      error = "int32_data[" + std::to_string(i) + "] = " + std::to_string(v) +
              " is out of range for " + kilnDTypeGetName(dtype) + " (" + std::to_string(lo) +
              " to " + std::to_string(hi) + ")";
      return false;
    }
    if (dtype == KILN_DTYPE_BOOL) {
      v = v != 0;
    }
    detail::storeLE(out + i * elemSize, static_cast<uint64_t>(v), static_cast<unsigned>(elemSize));
  }
  return true;
}

/// The parser proper; `context` prefixes every message ("'x.pb' (TensorProto): ").
bool parseWithContext(const uint8_t *bytes, size_t size, const std::string &context,
                      HostTensor &out, std::string &error) {
  std::string wireError;
  WireReader reader(bytes, size, wireError);
  auto fail = [&](const std::string &message) {
    error = context + message;
    return false;
  };

  std::vector<int64_t> dims;
  bool hasDataType = false;
  int32_t dataType = 0;
  std::string name;
  bool hasRaw = false;
  const uint8_t *raw = nullptr;
  size_t rawSize = 0;
  TypedData typed;

  while (!reader.atEnd()) {
    size_t tagOffset = reader.offset();
    uint64_t tag = 0;
    if (!reader.readVarint(tag)) {
      return fail(wireError);
    }
    uint64_t field = tag >> 3;
    unsigned wt = static_cast<unsigned>(tag & 7);
    std::string where = " at byte " + std::to_string(tagOffset);
    if (field == 0 || field > 0x1FFFFFFF) {
      return fail("invalid field number " + std::to_string(field) + where);
    }
    if (wt == kStartGroup || wt == kEndGroup) {
      return fail("unsupported wire type " + std::to_string(wt) + " (" + wireTypeName(wt) +
                  ") for field " + std::to_string(field) + where);
    }
    if (wt > kFixed32) {
      return fail("invalid wire type " + std::to_string(wt) + " for field " +
                  std::to_string(field) + where + " (not a TensorProto, or corrupt)");
    }
    bool ok = true;
    switch (field) {
    case 1: // dims
      ok = readRepeated(reader, wt, kVarint, "dims",
                        [&](uint64_t v) { dims.push_back(static_cast<int64_t>(v)); });
      break;
    case 2: { // data_type
      uint64_t v = 0;
      ok = expectWireType(reader, wt, kVarint, "data_type") && reader.readVarint(v);
      hasDataType = true;
      dataType = static_cast<int32_t>(v); // int32 fields truncate, as in protobuf
      break;
    }
    case 4: // float_data
      ok = readRepeated(reader, wt, kFixed32, "float_data",
                        [&](uint64_t v) { typed.floats.push_back(static_cast<uint32_t>(v)); });
      break;
    case 5: // int32_data
      ok = readRepeated(reader, wt, kVarint, "int32_data", [&](uint64_t v) {
        typed.int32s.push_back(static_cast<int32_t>(static_cast<uint32_t>(v)));
      });
      break;
    case 6: // string_data
      return fail("string tensors are not supported (the file has string_data)");
    case 7: // int64_data
      ok = readRepeated(reader, wt, kVarint, "int64_data",
                        [&](uint64_t v) { typed.int64s.push_back(static_cast<int64_t>(v)); });
      break;
    case 8: { // name
      const uint8_t *data = nullptr;
      size_t length = 0;
      ok = expectWireType(reader, wt, kLengthDelimited, "name") &&
           reader.readBytes(data, length, "name");
      if (ok) {
        name.assign(reinterpret_cast<const char *>(data), length);
      }
      break;
    }
    case 9: // raw_data
      ok = expectWireType(reader, wt, kLengthDelimited, "raw_data") &&
           reader.readBytes(raw, rawSize, "raw_data");
      hasRaw = true;
      break;
    case 10: // double_data
      ok = readRepeated(reader, wt, kFixed64, "double_data",
                        [&](uint64_t v) { typed.doubles.push_back(v); });
      break;
    case 11: // uint64_data
      ok = readRepeated(reader, wt, kVarint, "uint64_data",
                        [&](uint64_t v) { typed.uint64s.push_back(v); });
      break;
    case 13: // external_data
      return fail(std::string(kExternalMessage) +
                  " (the TensorProto has external_data; load it with onnx and save the "
                  "tensor with its data inline)");
    case 14: { // data_location
      uint64_t v = 0;
      ok = expectWireType(reader, wt, kVarint, "data_location") && reader.readVarint(v);
      if (ok && v == 1) {
        return fail(std::string(kExternalMessage) + " (data_location is EXTERNAL)");
      }
      break;
    }
    default: // 3 segment, 12 doc_string and fields this reader does not know
      ok = reader.skip(wt, "a length-delimited field");
      break;
    }
    if (!ok) {
      return fail(wireError);
    }
  }

  if (!hasDataType || dataType == 0) {
    return fail("the tensor has no data_type");
  }
  if (dataType == 8) {
    return fail("string tensors are not supported (data_type 8, STRING)");
  }
  kilnDType dtype = dtypeFromOnnx(dataType);
  if (dtype == KILN_DTYPE_INVALID) {
    return fail("unsupported data_type " + std::to_string(dataType) +
                " (supported: 1 FLOAT, 2 UINT8, 3 INT8, 4 UINT16, 5 INT16, 6 INT32, 7 INT64, "
                "9 BOOL, 10 FLOAT16, 11 DOUBLE, 12 UINT32, 13 UINT64, 16 BFLOAT16)");
  }
  size_t byteSize = 0;
  if (!detail::computeByteSize(dtype, dims, context, byteSize, error)) {
    return false;
  }
  size_t elemSize = kilnDTypeGetSize(dtype);
  size_t count = byteSize / elemSize;
  std::string desc = describe(dtype, dims);

  // Which field holds the values: at most one may.
  struct Source {
    const char *field;
    size_t count;
    bool allowed;
  };
  const Source sources[] = {
      {"float_data", typed.floats.size(), dtype == KILN_DTYPE_F32},
      {"int32_data", typed.int32s.size(),
       dtype == KILN_DTYPE_I32 || dtype == KILN_DTYPE_I16 || dtype == KILN_DTYPE_I8 ||
           dtype == KILN_DTYPE_U16 || dtype == KILN_DTYPE_U8 || dtype == KILN_DTYPE_BOOL ||
           dtype == KILN_DTYPE_F16 || dtype == KILN_DTYPE_BF16},
      {"int64_data", typed.int64s.size(), dtype == KILN_DTYPE_I64},
      {"double_data", typed.doubles.size(), dtype == KILN_DTYPE_F64},
      {"uint64_data", typed.uint64s.size(), dtype == KILN_DTYPE_U32 || dtype == KILN_DTYPE_U64},
  };
  const Source *source = nullptr;
  for (const Source &s : sources) {
    if (s.count == 0) {
      continue;
    }
    if (hasRaw || source) {
      return fail(std::string("the tensor has both ") + (hasRaw ? "raw_data" : source->field) +
                  " and " + s.field + "; a TensorProto holds its values in one of them");
    }
    if (!s.allowed) {
      return fail(std::string(s.field) + " cannot hold " + kilnDTypeGetName(dtype) +
                  " values (data_type " + std::to_string(dataType) + "); use raw_data");
    }
    source = &s;
  }

  HostTensor t;
  t.name = std::move(name);
  t.dtype = dtype;
  t.shape = std::move(dims);
  if (hasRaw || !source) {
    size_t got = hasRaw ? rawSize : 0;
    if (got != byteSize) {
      return fail("data length mismatch: " + desc + " needs " + std::to_string(byteSize) +
                  " bytes, got " + std::to_string(got) + " bytes" +
                  (hasRaw ? " of raw_data" : " (no raw_data or typed data field)"));
    }
    t.data.assign(raw, raw + rawSize);
    detail::normalizeBools(t);
    out = std::move(t);
    return true;
  }
  if (source->count != count) {
    return fail("data length mismatch: " + desc + " needs " + std::to_string(byteSize) +
                " bytes (" + std::to_string(count) + " values), got " +
                std::to_string(source->count * elemSize) + " bytes (" +
                std::to_string(source->count) + " values in " + source->field + ")");
  }
  t.data.resize(byteSize);
  uint8_t *p = t.data.data();
  switch (dtype) {
  case KILN_DTYPE_F32:
    for (size_t i = 0; i < count; ++i) {
      detail::storeLE(p + 4 * i, typed.floats[i], 4);
    }
    break;
  case KILN_DTYPE_F64:
    for (size_t i = 0; i < count; ++i) {
      detail::storeLE(p + 8 * i, typed.doubles[i], 8);
    }
    break;
  case KILN_DTYPE_I64:
    for (size_t i = 0; i < count; ++i) {
      detail::storeLE(p + 8 * i, static_cast<uint64_t>(typed.int64s[i]), 8);
    }
    break;
  case KILN_DTYPE_U32:
  case KILN_DTYPE_U64:
    for (size_t i = 0; i < count; ++i) {
      uint64_t v = typed.uint64s[i];
      if (dtype == KILN_DTYPE_U32 && v > 0xFFFFFFFFull) {
        return fail("uint64_data[" + std::to_string(i) + "] = " + std::to_string(v) +
                    " is out of range for u32");
      }
      detail::storeLE(p + elemSize * i, v, static_cast<unsigned>(elemSize));
    }
    break;
  default: {
    std::string rangeError;
    if (!convertInt32Data(typed.int32s, dtype, p, rangeError)) {
      return fail(rangeError);
    }
    break;
  }
  }
  out = std::move(t);
  return true;
}

void appendVarint(std::vector<uint8_t> &buf, uint64_t v) {
  while (v >= 0x80) {
    buf.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  buf.push_back(static_cast<uint8_t>(v));
}

void appendTag(std::vector<uint8_t> &buf, unsigned field, unsigned wt) {
  appendVarint(buf, (static_cast<uint64_t>(field) << 3) | wt);
}

} // namespace

bool parseTensorProto(const uint8_t *bytes, size_t size, HostTensor &out, std::string &error) {
  return parseWithContext(bytes, size, "TensorProto: ", out, error);
}

bool readTensorProto(const std::string &path, HostTensor &out, std::string &error) {
  std::vector<uint8_t> bytes;
  if (!detail::readFileBytes(path, bytes, error)) {
    return false;
  }
  return parseWithContext(bytes.data(), bytes.size(), "'" + path + "' (TensorProto): ", out, error);
}

bool writeTensorProto(const std::string &path, const HostTensor &tensor, std::string &error) {
  if (!detail::checkTensorForWrite(path, tensor, error)) {
    return false;
  }
  // Field order as protobuf serializes it; dims unpacked, as onnx.proto (proto2) declares
  // them.
  std::vector<uint8_t> buf;
  buf.reserve(tensor.data.size() + tensor.name.size() + 16 + 11 * tensor.shape.size());
  for (int64_t d : tensor.shape) {
    appendTag(buf, 1, kVarint);
    appendVarint(buf, static_cast<uint64_t>(d));
  }
  appendTag(buf, 2, kVarint);
  appendVarint(buf, static_cast<uint64_t>(dtypeToOnnx(tensor.dtype)));
  if (!tensor.name.empty()) {
    appendTag(buf, 8, kLengthDelimited);
    appendVarint(buf, tensor.name.size());
    buf.insert(buf.end(), tensor.name.begin(), tensor.name.end());
  }
  appendTag(buf, 9, kLengthDelimited);
  appendVarint(buf, tensor.data.size());
  buf.insert(buf.end(), tensor.data.begin(), tensor.data.end());
  return detail::writeFileBytes(path, buf.data(), buf.size(), error);
}

} // namespace kiln::io
