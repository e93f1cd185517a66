//===- TensorCompare.h - element values, summaries and allclose ---------------===//
//
// What kiln-run prints about an output and how it checks one against a reference:
// element values as double for every dtype (f16 and bf16 decoded exactly), the
// one-line summary kiln-interpret prints ("y: f32[4x64] sum=... first=[...]"), and a
// numpy-allclose comparison that reports max abs/rel error and the mismatch count.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_LIB_TENSORIO_TENSORCOMPARE_H
#define KILN_LIB_TENSORIO_TENSORCOMPARE_H

#include "lib/tensorio/TensorIO.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace kiln::io {

/// Element `i` of a tensor with valid dtype and data, as a double (exact for every dtype
/// but i64/u64 beyond 2^53).
double elementAsDouble(const HostTensor &tensor, size_t i);

/// "f32[4x64] sum=-3.224092e+00 first=[-4.281874e-01, ...]" (up to 4 values, "%e"), with
/// " (non-finite values)" after the sum when any value is NaN or infinite.
std::string summarizeTensor(const HostTensor &tensor);

struct CompareResult {
  size_t elements = 0;
  size_t mismatches = 0;
  double maxAbsError = 0;   // over all elements (NaN/inf pairs that match count as 0)
  double maxRelError = 0;   // |actual - expected| / |expected|, over expected != 0
  size_t firstMismatch = 0; // flat index; valid when mismatches > 0
  double firstActual = 0;
  double firstExpected = 0;
};

/// numpy.allclose per element: |actual - expected| <= atol + rtol * |expected|; NaN
/// matches NaN and an infinity matches the same infinity. Returns false with `error`
/// (naming both sides) when dtypes or shapes differ; a bf16 reference stored as u16 bit
/// patterns (numpy has no bfloat16) is compared as bf16.
bool compareTensors(const HostTensor &actual, const HostTensor &expected, double atol, double rtol,
                    CompareResult &result, std::string &error);

} // namespace kiln::io

#endif // KILN_LIB_TENSORIO_TENSORCOMPARE_H
