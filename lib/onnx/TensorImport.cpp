//===- TensorImport.cpp - ONNX TensorProto -> kiln constant attributes -----===//
//
// Initializers and Constant values become attributes: `dense<...>` when small (so they
// print and fold), `dense_resource` blobs otherwise. Raw data is moved out of the
// protobuf into the blob (no copy). Every length is checked against dims x dtype, and
// external data is confined to the model's folder.
//
//===----------------------------------------------------------------------------===//
#include "lib/onnx/GraphImporter.h"

#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cstring>
#include <fstream>
#include <limits>

using namespace mlir;

namespace kiln::onnx_import {

Type getElementType(MLIRContext *ctx, int32_t onnxType) {
  Builder b(ctx);
  switch (onnxType) {
  case onnx::TensorProto::FLOAT: return b.getF32Type();
  case onnx::TensorProto::DOUBLE: return b.getF64Type();
  case onnx::TensorProto::FLOAT16: return b.getF16Type();
  case onnx::TensorProto::BFLOAT16: return b.getBF16Type();
  case onnx::TensorProto::INT8: return b.getIntegerType(8);
  case onnx::TensorProto::INT16: return b.getIntegerType(16);
  case onnx::TensorProto::INT32: return b.getIntegerType(32);
  case onnx::TensorProto::INT64: return b.getIntegerType(64);
  case onnx::TensorProto::UINT8: return b.getIntegerType(8, /*isSigned=*/false);
  case onnx::TensorProto::UINT16: return b.getIntegerType(16, false);
  case onnx::TensorProto::UINT32: return b.getIntegerType(32, false);
  case onnx::TensorProto::UINT64: return b.getIntegerType(64, false);
  case onnx::TensorProto::BOOL: return b.getI1Type();
  default: return {};
  }
}

bool isSupportedOnnxType(int32_t onnxType) {
  switch (onnxType) {
  case onnx::TensorProto::FLOAT: case onnx::TensorProto::DOUBLE:
  case onnx::TensorProto::FLOAT16: case onnx::TensorProto::BFLOAT16:
  case onnx::TensorProto::INT8: case onnx::TensorProto::INT16:
  case onnx::TensorProto::INT32: case onnx::TensorProto::INT64:
  case onnx::TensorProto::UINT8: case onnx::TensorProto::UINT16:
  case onnx::TensorProto::UINT32: case onnx::TensorProto::UINT64:
  case onnx::TensorProto::BOOL:
    return true;
  default:
    return false;
  }
}

std::string getOnnxTypeName(int32_t onnxType) {
  if (onnx::TensorProto::DataType_IsValid(onnxType)) {
    return onnx::TensorProto::DataType_Name(
        static_cast<onnx::TensorProto::DataType>(onnxType));
  }
  return "data type " + std::to_string(onnxType);
}

/// Bytes per element as stored in raw_data (bool: 1).
static int64_t storageBytes(Type et) {
  unsigned w = et.getIntOrFloatBitWidth();
  return w == 1 ? 1 : w / 8;
}

/// Validates `path` (relative, no "..", resolves inside `modelDir`) and reads
/// [offset, offset + length) of it into a heap buffer.
static bool readExternal(const onnx::TensorProto &t, const std::string &modelDir,
                         int64_t expectedBytes, std::string *&out, std::string &error) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto &kv : t.external_data()) {
    auto parseInt = [&](const std::string &s, int64_t &v) {
      char *end = nullptr;
      errno = 0;
      long long x = std::strtoll(s.c_str(), &end, 10);
      if (s.empty() || *end != '\0' || errno != 0 || x < 0) {
        error = "external data " + kv.key() + " '" + s + "' is not a non-negative integer";
        return false;
      }
      v = x;
      return true;
    };
    if (kv.key() == "location") {
      location = kv.value();
    } else if (kv.key() == "offset") {
      if (!parseInt(kv.value(), offset)) return false;
    } else if (kv.key() == "length") {
      if (!parseInt(kv.value(), length)) return false;
    }
  }
  if (location.empty()) {
    error = "external data has no location";
    return false;
  }
  if (llvm::sys::path::is_absolute(location)) {
    error = "external data location '" + location +
            "' is absolute; external files must lie in the model's folder";
    return false;
  }
  for (auto it = llvm::sys::path::begin(location), e = llvm::sys::path::end(location);
       it != e; ++it) {
    if (*it == "..") {
      error = "external data location '" + location +
              "' contains '..'; external files must lie in the model's folder";
      return false;
    }
  }
  llvm::SmallString<256> dirReal, fileReal;
  llvm::SmallString<256> joined(modelDir.empty() ? "." : modelDir);
  llvm::sys::path::append(joined, location);
  if (llvm::sys::fs::real_path(modelDir.empty() ? "." : modelDir, dirReal) ||
      llvm::sys::fs::real_path(joined, fileReal)) {
    error = "external data file '" + std::string(joined) + "' cannot be opened";
    return false;
  }
  llvm::StringRef dirRef(dirReal), fileRef(fileReal);
  if (!fileRef.starts_with(dirRef) || fileRef.size() <= dirRef.size() ||
      !llvm::sys::path::is_separator(fileRef[dirRef.size()])) {
    error = "external data file '" + location + "' resolves to '" + std::string(fileReal) +
            "', outside the model's folder (a symlink escape); copy it into the folder";
    return false;
  }
  uint64_t fileSize = 0;
  if (llvm::sys::fs::file_size(fileReal, fileSize)) {
    error = "external data file '" + location + "' cannot be read";
    return false;
  }
  if (static_cast<uint64_t>(offset) > fileSize) {
    error = "external data offset " + std::to_string(offset) + " is past the end of '" +
            location + "' (" + std::to_string(fileSize) + " bytes)";
    return false;
  }
  if (length < 0) {
    length = static_cast<int64_t>(fileSize - offset);
  }
  if (static_cast<uint64_t>(length) > fileSize - offset) {
    error = "external data [" + std::to_string(offset) + ", +" + std::to_string(length) +
            ") runs past the end of '" + location + "' (" + std::to_string(fileSize) +
            " bytes)";
    return false;
  }
  if (length != expectedBytes) {
    error = "external data length " + std::to_string(length) + " does not match the " +
            std::to_string(expectedBytes) + " bytes the tensor's dims and type need";
    return false;
  }
  std::ifstream in(std::string(fileReal), std::ios::binary);
  auto buffer = std::make_unique<std::string>(length, '\0');
  in.seekg(offset);
  in.read(buffer->data(), length);
  if (!in) {
    error = "reading external data from '" + location + "' failed";
    return false;
  }
  out = buffer.release();
  return true;
}

/// Converts the typed repeated fields into little-endian bytes.
template <typename Field>
static void appendTyped(const Field &field, Type et, std::string &bytes) {
  int64_t eb = storageBytes(et);
  bytes.resize(field.size() * eb);
  for (int i = 0; i < field.size(); ++i) {
    char *p = bytes.data() + i * eb;
    auto v = field.Get(i);
    if (et.isF32()) {
      float f = static_cast<float>(v);
      std::memcpy(p, &f, 4);
    } else if (et.isF64()) {
      double d = static_cast<double>(v);
      std::memcpy(p, &d, 8);
    } else {
      // Integers, bool and the uint16 bit patterns of f16/bf16 (in int32_data).
      uint64_t raw = static_cast<uint64_t>(static_cast<int64_t>(v));
      std::memcpy(p, &raw, eb);
    }
  }
}

FailureOr<ElementsAttr> importTensorProto(onnx::TensorProto &t, MLIRContext *ctx,
                                          const ImportOptions &options,
                                          const std::string &modelDir, std::string &error) {
  Type et = getElementType(ctx, t.data_type());
  if (!et) {
    error = "element type " + getOnnxTypeName(t.data_type()) + " is not supported";
    return failure();
  }
  SmallVector<int64_t> shape;
  int64_t numElements = 1;
  for (int64_t d : t.dims()) {
    if (d < 0) {
      error = "has a negative dim " + std::to_string(d);
      return failure();
    }
    if (d != 0 && numElements > std::numeric_limits<int64_t>::max() / d) {
      error = "dims product overflows int64";
      return failure();
    }
    numElements *= d;
    shape.push_back(d);
  }
  int64_t eb = storageBytes(et);
  if (numElements > options.maxTensorBytes / eb) {
    error = "needs " + std::to_string(numElements) + " x " + std::to_string(eb) +
            " bytes, above the limit of " + std::to_string(options.maxTensorBytes) +
            " bytes (raise it with --max-tensor-bytes)";
    return failure();
  }
  int64_t expectedBytes = numElements * eb;
  auto type = RankedTensorType::get(shape, et);

  std::string *bytes = nullptr; // owned until handed to the blob
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    if (!readExternal(t, modelDir, expectedBytes, bytes, error)) {
      return failure();
    }
  } else if (t.has_raw_data()) {
    if (static_cast<int64_t>(t.raw_data().size()) != expectedBytes) {
      error = "raw_data holds " + std::to_string(t.raw_data().size()) +
              " bytes but dims and type need " + std::to_string(expectedBytes);
      return failure();
    }
    bytes = t.release_raw_data();
  } else {
    auto owned = std::make_unique<std::string>();
    int64_t count = -1;
    switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
      count = t.float_data_size();
      appendTyped(t.float_data(), et, *owned);
      break;
    case onnx::TensorProto::DOUBLE:
      count = t.double_data_size();
      appendTyped(t.double_data(), et, *owned);
      break;
    case onnx::TensorProto::INT64:
      count = t.int64_data_size();
      appendTyped(t.int64_data(), et, *owned);
      break;
    case onnx::TensorProto::UINT32:
    case onnx::TensorProto::UINT64:
      count = t.uint64_data_size();
      appendTyped(t.uint64_data(), et, *owned);
      break;
    default: // int8/16/32, uint8/16, bool, float16, bfloat16 live in int32_data
      count = t.int32_data_size();
      appendTyped(t.int32_data(), et, *owned);
      break;
    }
    if (count != numElements) {
      error = "holds " + std::to_string(count) + " values but its dims need " +
              std::to_string(numElements);
      return failure();
    }
    bytes = owned.release();
  }

  std::unique_ptr<std::string> holder(bytes);
  if (numElements <= options.inlineConstantLimit) {
    // Small: inline dense, decoded through the interpreter's value type.
    FailureOr<interp::Tensor> decoded = interp::tensorFromBytes(
        type, ArrayRef<char>(holder->data(), holder->size()));
    if (failed(decoded)) {
      error = "data cannot be decoded";
      return failure();
    }
    return cast<ElementsAttr>(interp::tensorToAttr(*decoded, type));
  }
  // Large: the blob takes the protobuf's buffer. std::string storage of this size is
  // heap-allocated and 16-byte aligned.
  std::string *raw = holder.release();
  AsmResourceBlob blob(ArrayRef<char>(raw->data(), raw->size()), alignof(std::max_align_t),
                       [raw](void *, size_t, size_t) { delete raw; },
                       /*dataIsMutable=*/false);
  std::string key = t.name().empty() ? "tensor" : t.name();
  return cast<ElementsAttr>(DenseResourceElementsAttr::get(type, key, std::move(blob)));
}

} // namespace kiln::onnx_import
