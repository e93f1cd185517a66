//===- RandomTensor.cpp - deterministic pseudo-random host tensors --------===//
//
// `random:SEED` inputs. The generator is splitmix64 (one 64-bit draw per element, in
// row-major order) and every value is built with integer arithmetic only, so the bytes
// depend on (dtype, shape, seed) alone, never on the compiler, the host's float
// environment or its endianness.
//
// Ranges (see TensorIO.h): floats uniform on a grid in [-1, 1) that each type represents
// exactly (f64: step 2^-53, f32: 2^-24, f16: 2^-11, bf16: 2^-8), so no rounding can push
// a value onto 1.0; signed integers uniform in [-8, 8]; unsigned in [0, 16]; bool 0/1.
//
//===----------------------------------------------------------------------------===//
#include "lib/tensorio/TensorIO.h"
#include "lib/tensorio/TensorIOInternal.h"

#include <cstring>

namespace kiln::io {

namespace {

/// splitmix64 (Steele, Lea, Flood 2014): a full-period 64-bit generator whose output
/// passes BigCrush; plenty for test data, and trivially reproducible.
class SplitMix64 {
public:
  explicit SplitMix64(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

private:
  uint64_t state;
};

uint32_t floatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof(u));
  return u;
}

/// IEEE binary32 -> binary16, round to nearest even; NaN stays NaN, overflow gives inf.
uint16_t floatToHalfBits(float f) {
  uint32_t x = floatBits(f);
  uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  uint32_t exp = (x >> 23) & 0xFFu;
  uint32_t mant = x & 0x7FFFFFu;
  if (exp == 0xFF) {
    return static_cast<uint16_t>(sign | 0x7C00u | (mant ? 0x200u : 0u));
  }
  int32_t e = static_cast<int32_t>(exp) - 127 + 15;
  if (e >= 31) {
    return static_cast<uint16_t>(sign | 0x7C00u);
  }
  if (e <= 0) {
    // Subnormal half (or zero): shift the full significand, with its implicit one, right.
    if (e < -10) {
      return sign;
    }
    uint32_t m = mant | 0x800000u;
    uint32_t shift = static_cast<uint32_t>(14 - e);
    uint32_t half = m >> shift;
    uint32_t rem = m & ((1u << shift) - 1);
    uint32_t mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1u))) {
      ++half;
    }
    return static_cast<uint16_t>(sign | half);
  }
  uint32_t half = (static_cast<uint32_t>(e) << 10) | (mant >> 13);
  uint32_t rem = mant & 0x1FFFu;
  if (rem > 0x1000u || (rem == 0x1000u && (half & 1u))) {
    ++half; // a carry into the exponent is the correct rounding (up to inf)
  }
  return static_cast<uint16_t>(sign | half);
}

/// IEEE binary32 -> bfloat16 by round to nearest even on the upper 16 bits.
uint16_t floatToBF16Bits(float f) {
  uint32_t x = floatBits(f);
  if ((x & 0x7FFFFFFFu) > 0x7F800000u) {
    return static_cast<uint16_t>((x >> 16) | 0x40u); // keep NaN quiet
  }
  x += 0x7FFFu + ((x >> 16) & 1u);
  return static_cast<uint16_t>(x >> 16);
}

} // namespace

HostTensor makeRandom(kilnDType dtype, const std::vector<int64_t> &shape, uint64_t seed) {
  HostTensor t;
  t.dtype = dtype;
  t.shape = shape;
  size_t bytes = 0;
  std::string error;
  // An invalid dtype or shape gives a tensor with no data; loadInput checks first.
  if (!detail::computeByteSize(dtype, shape, "", bytes, error)) {
    return t;
  }
  size_t elemSize = kilnDTypeGetSize(dtype);
  size_t count = bytes / elemSize;
  t.data.resize(bytes);
  SplitMix64 rng(seed);
  uint8_t *p = t.data.data();
  for (size_t i = 0; i < count; ++i, p += elemSize) {
    uint64_t r = rng.next();
    switch (dtype) {
    case KILN_DTYPE_F64: {
      // m in [-2^53, 2^53): m * 2^-53 is exact in binary64.
      int64_t m = static_cast<int64_t>(r >> 10) - (int64_t(1) << 53);
      double v = static_cast<double>(m) / 9007199254740992.0;
      uint64_t u;
      std::memcpy(&u, &v, sizeof(u));
      detail::storeLE(p, u, 8);
      break;
    }
    case KILN_DTYPE_F32: {
      int64_t m = static_cast<int64_t>(r >> 39) - (int64_t(1) << 24);
      float v = static_cast<float>(m) / 16777216.0f;
      detail::storeLE(p, floatBits(v), 4);
      break;
    }
    case KILN_DTYPE_F16: {
      int64_t m = static_cast<int64_t>(r >> 52) - 2048;
      detail::storeLE(p, floatToHalfBits(static_cast<float>(m) / 2048.0f), 2);
      break;
    }
    case KILN_DTYPE_BF16: {
      int64_t m = static_cast<int64_t>(r >> 55) - 256;
      detail::storeLE(p, floatToBF16Bits(static_cast<float>(m) / 256.0f), 2);
      break;
    }
    case KILN_DTYPE_I8:
    case KILN_DTYPE_I16:
    case KILN_DTYPE_I32:
    case KILN_DTYPE_I64: {
      int64_t v = static_cast<int64_t>(r % 17) - 8;
      detail::storeLE(p, static_cast<uint64_t>(v), static_cast<unsigned>(elemSize));
      break;
    }
    case KILN_DTYPE_U8:
    case KILN_DTYPE_U16:
    case KILN_DTYPE_U32:
    case KILN_DTYPE_U64:
      detail::storeLE(p, r % 17, static_cast<unsigned>(elemSize));
      break;
    case KILN_DTYPE_BOOL:
      *p = static_cast<uint8_t>(r >> 63);
      break;
    case KILN_DTYPE_INVALID:
    case KILN_DTYPE_MAX_ENUM:
      break;
    }
  }
  return t;
}

} // namespace kiln::io
