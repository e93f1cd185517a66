//===- TensorCompare.cpp - element values, summaries and allclose -------------===//
//
// Values are decoded from the little-endian bytes with integer arithmetic (no reliance
// on host float formats for f16/bf16), so the numbers printed and compared are the same
// on every machine.
//
//===----------------------------------------------------------------------------===//
#include "lib/tensorio/TensorCompare.h"
#include "lib/tensorio/TensorIOInternal.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace kiln::io {

namespace {

double halfToDouble(uint16_t h) {
  int sign = (h >> 15) & 1;
  int exp = (h >> 10) & 0x1F;
  int mant = h & 0x3FF;
  double v;
  if (exp == 0) {
    v = std::ldexp(static_cast<double>(mant), -24);
  } else if (exp == 31) {
    v = mant ? NAN : INFINITY;
  } else {
    v = std::ldexp(static_cast<double>(mant | 0x400), exp - 25);
  }
  return sign ? -v : v;
}

double bf16ToDouble(uint16_t b) {
  uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

std::string formatDouble(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%e", v);
  return buf;
}

bool sameValue(double a, double e) {
  if (std::isnan(a) || std::isnan(e)) {
    return std::isnan(a) && std::isnan(e);
  }
  return a == e; // also equal infinities
}

} // namespace

double elementAsDouble(const HostTensor &tensor, size_t i) {
  size_t size = kilnDTypeGetSize(tensor.dtype);
  const uint8_t *p = tensor.data.data() + i * size;
  uint64_t raw = detail::loadLE(p, static_cast<unsigned>(size));
  switch (tensor.dtype) {
  case KILN_DTYPE_F32: {
    uint32_t u = static_cast<uint32_t>(raw);
    float f;
    std::memcpy(&f, &u, sizeof(f));
    return f;
  }
  case KILN_DTYPE_F64: {
    double d;
    std::memcpy(&d, &raw, sizeof(d));
    return d;
  }
  case KILN_DTYPE_F16:
    return halfToDouble(static_cast<uint16_t>(raw));
  case KILN_DTYPE_BF16:
    return bf16ToDouble(static_cast<uint16_t>(raw));
  case KILN_DTYPE_I8:
    return static_cast<int8_t>(raw);
  case KILN_DTYPE_I16:
    return static_cast<int16_t>(raw);
  case KILN_DTYPE_I32:
    return static_cast<int32_t>(raw);
  case KILN_DTYPE_I64:
    return static_cast<double>(static_cast<int64_t>(raw));
  case KILN_DTYPE_BOOL:
  case KILN_DTYPE_U8:
  case KILN_DTYPE_U16:
  case KILN_DTYPE_U32:
  case KILN_DTYPE_U64:
    return static_cast<double>(raw);
  case KILN_DTYPE_INVALID:
  case KILN_DTYPE_MAX_ENUM:
    break;
  }
  return 0;
}

std::string summarizeTensor(const HostTensor &tensor) {
  size_t size = kilnDTypeGetSize(tensor.dtype);
  size_t n = size ? tensor.data.size() / size : 0;
  double sum = 0;
  bool finite = true;
  for (size_t i = 0; i < n; ++i) {
    double v = elementAsDouble(tensor, i);
    finite &= std::isfinite(v);
    sum += v;
  }
  std::string s = describe(tensor.dtype, tensor.shape) + " sum=" + formatDouble(sum) +
                  (finite ? "" : " (non-finite values)");
  if (n > 0) {
    s += " first=[";
    for (size_t i = 0; i < n && i < 4; ++i) {
      s += (i ? ", " : "") + formatDouble(elementAsDouble(tensor, i));
    }
    s += "]";
  }
  return s;
}

bool compareTensors(const HostTensor &actual, const HostTensor &expected, double atol, double rtol,
                    CompareResult &result, std::string &error) {
  kilnDType expectedType = expected.dtype;
  if (actual.dtype == KILN_DTYPE_BF16 && expectedType == KILN_DTYPE_U16) {
    expectedType = KILN_DTYPE_BF16;
  }
  if (actual.dtype != expectedType || actual.shape != expected.shape) {
    error = "the output is " + describe(actual.dtype, actual.shape) + " but the reference is " +
            describe(expected.dtype, expected.shape);
    return false;
  }
  size_t size = kilnDTypeGetSize(actual.dtype);
  if (size == 0 || actual.data.size() != expected.data.size() || actual.data.size() % size != 0) {
    error = "the output holds " + std::to_string(actual.data.size()) +
            " bytes but the reference holds " + std::to_string(expected.data.size());
    return false;
  }
  HostTensor ref = expected;
  ref.dtype = expectedType;
  result = CompareResult();
  result.elements = actual.data.size() / size;
  for (size_t i = 0; i < result.elements; ++i) {
    double a = elementAsDouble(actual, i);
    double e = elementAsDouble(ref, i);
    bool ok;
    double abs = 0;
    if (sameValue(a, e)) {
      ok = true;
    } else {
      // Different non-finite values never match (inf <= atol + rtol * inf would).
      abs = std::isfinite(a) && std::isfinite(e) ? std::fabs(a - e) : INFINITY;
      ok = std::isfinite(abs) && abs <= atol + rtol * std::fabs(e);
    }
    if (abs > result.maxAbsError) {
      result.maxAbsError = abs;
    }
    if (e != 0 && std::isfinite(e)) {
      double rel = abs / std::fabs(e);
      if (rel > result.maxRelError) {
        result.maxRelError = rel;
      }
    }
    if (!ok) {
      if (result.mismatches == 0) {
        result.firstMismatch = i;
        result.firstActual = a;
        result.firstExpected = e;
      }
      ++result.mismatches;
    }
  }
  return true;
}

} // namespace kiln::io
