//===- DType.cpp - kiln runtime element types ------------------------------===//
//
// Element-type sizes, names and overflow-checked tensor byte sizes. Shapes reach the
// runtime from artifact files and from callers, so every product is checked.
//
//===----------------------------------------------------------------------------===//
#include "kiln/runtime.h"

#include <cstring>
#include <limits>
#include <string>

extern "C" {

size_t kilnDTypeGetSize(kilnDType dtype) {
  switch (dtype) {
  case KILN_DTYPE_F32:
  case KILN_DTYPE_I32:
  case KILN_DTYPE_U32:
    return 4;
  case KILN_DTYPE_F16:
  case KILN_DTYPE_BF16:
  case KILN_DTYPE_I16:
  case KILN_DTYPE_U16:
    return 2;
  case KILN_DTYPE_I8:
  case KILN_DTYPE_U8:
  case KILN_DTYPE_BOOL:
    return 1;
  case KILN_DTYPE_I64:
  case KILN_DTYPE_U64:
  case KILN_DTYPE_F64:
    return 8;
  case KILN_DTYPE_INVALID:
  case KILN_DTYPE_MAX_ENUM:
    break;
  }
  return 0;
}

const char *kilnDTypeGetName(kilnDType dtype) {
  switch (dtype) {
  case KILN_DTYPE_F32:
    return "f32";
  case KILN_DTYPE_F16:
    return "f16";
  case KILN_DTYPE_BF16:
    return "bf16";
  case KILN_DTYPE_I8:
    return "i8";
  case KILN_DTYPE_U8:
    return "u8";
  case KILN_DTYPE_I32:
    return "i32";
  case KILN_DTYPE_I64:
    return "i64";
  case KILN_DTYPE_BOOL:
    return "bool";
  case KILN_DTYPE_F64:
    return "f64";
  case KILN_DTYPE_I16:
    return "i16";
  case KILN_DTYPE_U16:
    return "u16";
  case KILN_DTYPE_U32:
    return "u32";
  case KILN_DTYPE_U64:
    return "u64";
  case KILN_DTYPE_INVALID:
  case KILN_DTYPE_MAX_ENUM:
    break;
  }
  return "invalid";
}

kilnDType kilnDTypeFromName(const char *name) {
  if (!name) {
    return KILN_DTYPE_INVALID;
  }
  struct Alias {
    const char *name;
    kilnDType dtype;
  };
  static const Alias aliases[] = {
      {"f32", KILN_DTYPE_F32},     {"float32", KILN_DTYPE_F32}, {"float", KILN_DTYPE_F32},
      {"f16", KILN_DTYPE_F16},     {"float16", KILN_DTYPE_F16}, {"half", KILN_DTYPE_F16},
      {"bf16", KILN_DTYPE_BF16},   {"bfloat16", KILN_DTYPE_BF16}, {"i8", KILN_DTYPE_I8},
      {"int8", KILN_DTYPE_I8},     {"u8", KILN_DTYPE_U8},       {"uint8", KILN_DTYPE_U8},
      {"i32", KILN_DTYPE_I32},     {"int32", KILN_DTYPE_I32},   {"i64", KILN_DTYPE_I64},
      {"int64", KILN_DTYPE_I64},   {"bool", KILN_DTYPE_BOOL},   {"i1", KILN_DTYPE_BOOL},
      {"f64", KILN_DTYPE_F64},     {"float64", KILN_DTYPE_F64}, {"double", KILN_DTYPE_F64},
      {"i16", KILN_DTYPE_I16},     {"int16", KILN_DTYPE_I16},   {"u16", KILN_DTYPE_U16},
      {"uint16", KILN_DTYPE_U16},  {"u32", KILN_DTYPE_U32},     {"uint32", KILN_DTYPE_U32},
      {"u64", KILN_DTYPE_U64},     {"uint64", KILN_DTYPE_U64},
  };
  for (const Alias &a : aliases) {
    if (std::strcmp(a.name, name) == 0) {
      return a.dtype;
    }
  }
  return KILN_DTYPE_INVALID;
}

kilnStatus kilnTensorGetByteSize(kilnDType dtype, const int64_t *dims, size_t rank,
                                 size_t *bytes) {
  if (!bytes || (rank > 0 && !dims)) {
    return kilnStatusCreate(KILN_INVALID_ARGUMENT,
                            "kilnTensorGetByteSize: null dims or result pointer");
  }
  size_t elemSize = kilnDTypeGetSize(dtype);
  if (elemSize == 0) {
    return kilnStatusCreate(KILN_INVALID_ARGUMENT,
                            ("kilnTensorGetByteSize: unknown dtype " +
                             std::to_string(static_cast<int>(dtype)))
                                .c_str());
  }
  size_t total = elemSize;
  for (size_t i = 0; i < rank; ++i) {
    if (dims[i] < 0) {
      return kilnStatusCreate(KILN_INVALID_ARGUMENT,
                              ("tensor dim " + std::to_string(i) + " is negative (" +
                               std::to_string(dims[i]) + ")")
                                  .c_str());
    }
    size_t d = static_cast<size_t>(dims[i]);
    if (d != 0 && total > std::numeric_limits<size_t>::max() / d) {
      return kilnStatusCreate(KILN_INVALID_ARGUMENT,
                              ("tensor byte size overflows at dim " + std::to_string(i))
                                  .c_str());
    }
    total *= d;
  }
  *bytes = total;
  return nullptr;
}

} // extern "C"
