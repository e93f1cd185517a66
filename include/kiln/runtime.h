/*===- kiln/runtime.h - kiln runtime C API --------------------------------*- C -*-===*
 *
 * The runtime's public C API. It includes no LLVM or MLIR header and links only the C++
 * standard library, so it builds alone (-DKILN_RUNTIME_ONLY=ON) on machines without LLVM.
 *
 * Conventions: functions are `kiln<Noun><Verb>` over opaque handles; a function that can
 * fail returns a `kilnStatus` (NULL means success) that the caller destroys. The artifact
 * loader, sessions and executors build on these pieces in later layers.
 *===----------------------------------------------------------------------------------===*/
#ifndef KILN_RUNTIME_H
#define KILN_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version of the runtime library; artifacts record the compiler version beside it. */
#define KILN_VERSION_MAJOR 0
#define KILN_VERSION_MINOR 1
#define KILN_VERSION_PATCH 0
const char *kilnRuntimeGetVersion(void);

/* ---- Status objects --------------------------------------------------------------- */
typedef enum kilnStatusCode {
  KILN_OK = 0,
  KILN_INVALID_ARGUMENT = 1, /* bad input from the caller: wrong dtype, shape, name */
  KILN_NOT_FOUND = 2,        /* a named input/output or file does not exist */
  KILN_UNSUPPORTED = 3,      /* valid request the runtime or this machine cannot serve */
  KILN_DATA_LOSS = 4,        /* truncated or corrupt artifact */
  KILN_OUT_OF_MEMORY = 5,
  KILN_INTERNAL = 6,
} kilnStatusCode;

typedef struct kilnStatusImpl *kilnStatus; /* NULL means OK */

/* Creates a status with a copy of `message`; KILN_OK gives NULL. */
kilnStatus kilnStatusCreate(kilnStatusCode code, const char *message);
kilnStatusCode kilnStatusGetCode(kilnStatus status);
/* The message, valid until the status is destroyed; "" for NULL. */
const char *kilnStatusGetMessage(kilnStatus status);
void kilnStatusDestroy(kilnStatus status);
const char *kilnStatusCodeGetName(kilnStatusCode code);

/* ---- Element types ---------------------------------------------------------------- */
typedef enum kilnDType {
  KILN_DTYPE_INVALID = 0,
  KILN_DTYPE_F32 = 1,
  KILN_DTYPE_F16 = 2,
  KILN_DTYPE_BF16 = 3,
  KILN_DTYPE_I8 = 4,
  KILN_DTYPE_I32 = 5,
  KILN_DTYPE_I64 = 6,
  KILN_DTYPE_BOOL = 7, /* one byte per element */
  KILN_DTYPE_U8 = 8,
  KILN_DTYPE_F64 = 9,
  KILN_DTYPE_I16 = 10,
  KILN_DTYPE_U16 = 11,
  KILN_DTYPE_U32 = 12,
  KILN_DTYPE_U64 = 13,
  KILN_DTYPE_LAST = KILN_DTYPE_U64, /* for iterating over every valid dtype */
} kilnDType;

/* Bytes per element; 0 for KILN_DTYPE_INVALID or an unknown value. */
size_t kilnDTypeGetSize(kilnDType dtype);
/* Short lowercase name ("f32", "bool"); "invalid" for unknown values. */
const char *kilnDTypeGetName(kilnDType dtype);
/* Parses a name as printed by kilnDTypeGetName (also "float32", "int8", "i1" ...). */
kilnDType kilnDTypeFromName(const char *name);

/* Number of bytes of a dense tensor, or a status when a dim is negative or the product
 * overflows `size_t` (never trust shapes from files). */
kilnStatus kilnTensorGetByteSize(kilnDType dtype, const int64_t *dims, size_t rank,
                                 size_t *bytes);

#ifdef __cplusplus
}
#endif
#endif /* KILN_RUNTIME_H */
