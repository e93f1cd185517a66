/*===- kiln/runtime.h - kiln runtime C API --------------------------------*- C -*-===*
 *
 * The runtime's public C API. It includes no LLVM or MLIR header and links only the C++
 * standard library, so it builds alone (-DKILN_RUNTIME_ONLY=ON) on machines without LLVM.
 *
 * Conventions: functions are `kiln<Noun><Verb>` over opaque handles; a function that can
 * fail returns a `kilnStatus` (NULL means success) that the caller destroys.
 *
 * Use: load a model (kilnModelLoadFromFile / FromMemory), create one session per thread
 * that runs it (kilnSessionCreate), bind every input, run, read the outputs. A model is
 * immutable and may be shared by sessions on any number of threads at once; a session is
 * used by one thread at a time. A session runs on the device of the model's target: the
 * CPU, or an NVIDIA GPU through the CUDA driver, which is opened at run time (the runtime
 * does not link it: CPU models run on machines without CUDA). The artifact format is
 * docs/artifact.md; the runtime's design (threads, loading, profiling, CUDA) is
 * docs/runtime.md.
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
  KILN_STATUS_MAX_ENUM = 0x7fffffff, /* not a code; see KILN_DTYPE_MAX_ENUM */
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
  /* Not a dtype: makes every 32-bit value representable, so the C++ side may receive
   * (and reject) any value a C caller passes without undefined behaviour. */
  KILN_DTYPE_MAX_ENUM = 0x7fffffff,
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

/* ---- Models ----------------------------------------------------------------------- */
typedef struct kilnModelImpl *kilnModel;

/* Loads and checks an artifact: format, every offset and size, target, CPU features
 * (KILN_UNSUPPORTED "model needs avx512f; this CPU has: ..."), the code object and every
 * kernel symbol. Nothing in the file runs before all of that passed. A cuda model is
 * checked the same way but its code is loaded by each session on its GPU: loading one
 * needs no GPU and no driver. Messages of
 * kilnModelLoadFromFile start with the path. Codes: KILN_NOT_FOUND (no such file),
 * KILN_DATA_LOSS (truncated or corrupt), KILN_UNSUPPORTED (another format major, target
 * or CPU), KILN_OUT_OF_MEMORY. */
kilnStatus kilnModelLoadFromFile(const char *path, kilnModel *model);
/* Same from `size` bytes at `data`, which are copied: the caller may free them on return. */
kilnStatus kilnModelLoadFromMemory(const void *data, size_t size, kilnModel *model);
/* Drops the caller's reference. Sessions hold their own, so a model may be released while
 * its sessions live on; the memory and code go when the last of them is destroyed.
 * NULL is a no-op. */
void kilnModelRelease(kilnModel model);

/* One input or output of the signature. Pointers stay valid while the model lives. */
typedef struct kilnTensorInfo {
  const char *name;
  kilnDType dtype;
  size_t rank;
  const int64_t *dims; /* `rank` entries, all >= 0 */
  size_t bytes;        /* dense byte size */
} kilnTensorInfo;

size_t kilnModelGetInputCount(kilnModel model);
size_t kilnModelGetOutputCount(kilnModel model);
kilnStatus kilnModelGetInputInfo(kilnModel model, size_t index, kilnTensorInfo *info);
kilnStatus kilnModelGetOutputInfo(kilnModel model, size_t index, kilnTensorInfo *info);
/* Index of the input/output called `name`; KILN_NOT_FOUND lists the names there are. */
kilnStatus kilnModelFindInput(kilnModel model, const char *name, size_t *index);
kilnStatus kilnModelFindOutput(kilnModel model, const char *name, size_t *index);

/* META strings, valid while the model lives ("" for a NULL model). */
const char *kilnModelGetCompilerVersion(kilnModel model);
const char *kilnModelGetTarget(kilnModel model); /* "cpu" or "cuda" */
const char *kilnModelGetTriple(kilnModel model); /* "x86_64-unknown-linux-gnu" */
/* cpu: the LLVM CPU name ("znver4"); cuda: the SM architecture ("sm_80", "sm_90a"). */
const char *kilnModelGetCpu(kilnModel model);
const char *kilnModelGetFeatures(kilnModel model); /* "avx2 fma ...", space-separated */
const char *kilnModelGetFlags(kilnModel model);    /* the compile command line */

/* The memory plan: the arena one session allocates, what the intermediates would need
 * without reuse, the constants, and the kernels in run order. */
uint64_t kilnModelGetArenaBytes(kilnModel model);
uint64_t kilnModelGetUnplannedBytes(kilnModel model);
uint64_t kilnModelGetConstantBytes(kilnModel model);
size_t kilnModelGetKernelCount(kilnModel model);
/* The label of kernel `index` (ONNX node names / op types); NULL when out of range. */
const char *kilnModelGetKernelLabel(kilnModel model, size_t index);

/* ---- Devices ------------------------------------------------------------------------ */
typedef enum kilnDevice {
  KILN_DEVICE_CPU = 0,
  KILN_DEVICE_CUDA = 1,              /* an NVIDIA GPU, through the CUDA driver (libcuda.so.1) */
  KILN_DEVICE_AUTO = 2,              /* the device of the model's target (the default) */
  KILN_DEVICE_MAX_ENUM = 0x7fffffff, /* not a device; see KILN_DTYPE_MAX_ENUM */
} kilnDevice;

/* "cpu", "cuda", "auto"; "unknown" for other values. */
const char *kilnDeviceGetName(kilnDevice device);

/* ---- Session options ---------------------------------------------------------------- */
typedef struct kilnSessionOptionsImpl *kilnSessionOptions;

/* Defaults: the model's device (GPU 0 for cuda), one thread (the caller's), no CUDA
 * graph, profiling off. */
kilnStatus kilnSessionOptionsCreate(kilnSessionOptions *options);
void kilnSessionOptionsDestroy(kilnSessionOptions options);
/* The device that runs the session. It must be the model's target: a cpu model with
 * KILN_DEVICE_CUDA (or the reverse) fails kilnSessionCreate with KILN_INVALID_ARGUMENT
 * "model was compiled for cpu; run it with --device=cpu or recompile with --target=cuda".
 * `ordinal` picks the GPU (0 for the first; CUDA_VISIBLE_DEVICES applies); it must be 0
 * for KILN_DEVICE_CPU. */
kilnStatus kilnSessionOptionsSetDevice(kilnSessionOptions options, kilnDevice device,
                                       int32_t ordinal);
/* CPU only: threads that run each kernel, the calling thread included (it does its
 * share): 1 runs everything on the caller, 0 means one per hardware thread; at most 1024.
 * A CUDA session ignores it (the calling thread drives the GPU). */
kilnStatus kilnSessionOptionsSetNumThreads(kilnSessionOptions options, int32_t num_threads);
/* CUDA only: capture the kernel launches (and the plan's device-to-device copies) of the
 * first run into a CUDA graph and replay it in later runs, which saves the per-kernel
 * launch cost on models with many small kernels. Profiled runs launch kernel by kernel.
 * Ignored on the CPU. */
kilnStatus kilnSessionOptionsSetCudaGraph(kilnSessionOptions options, int enabled);
/* Starts the session with per-kernel profiling on (see kilnSessionSetProfiling). */
kilnStatus kilnSessionOptionsSetProfiling(kilnSessionOptions options, int enabled);

/* ---- Sessions ----------------------------------------------------------------------- */
typedef struct kilnSessionImpl *kilnSession;

/* Creates a session over `model` (NULL options: the defaults). The session owns its
 * 64-byte aligned arena, input and output buffers (allocated here, once) and its threads,
 * and keeps the model alive. A CUDA session also owns its GPU buffers (arena, constants,
 * inputs, outputs; each at least 256-byte aligned), a stream and the loaded module; it
 * is created on the device's primary context. Without a usable GPU it fails with
 * KILN_UNSUPPORTED saying why: "CUDA: no NVIDIA driver on this machine (...)", a driver
 * too old (a missing entry point), "CUDA: no GPU found (...)", or a GPU the model was not
 * compiled for ("model compiled for sm_90a; this GPU (...) is sm_80: recompile with
 * --cuda-arch=sm_80"). GPU memory running out is KILN_OUT_OF_MEMORY naming the bytes
 * asked for and what for. */
kilnStatus kilnSessionCreate(kilnModel model, kilnSessionOptions options,
                             kilnSession *session);
/* Joins the session's threads and frees its buffers. NULL is a no-op. */
void kilnSessionDestroy(kilnSession session);
/* Threads per kernel of a CPU session; 1 for a CUDA session. */
size_t kilnSessionGetNumThreads(kilnSession session);
/* The device the session runs on (never KILN_DEVICE_AUTO); KILN_DEVICE_CPU for NULL. */
kilnDevice kilnSessionGetDevice(kilnSession session);
/* One line on where the session runs, valid while the session lives: "cpu, 4 threads",
 * or "cuda:0 NVIDIA A100-SXM4-80GB (sm_80), CUBIN for sm_80" / "..., PTX for sm_80
 * JIT-compiled by the driver". "" for NULL. */
const char *kilnSessionGetDeviceInfo(kilnSession session);

/* Binds input `index` by COPYING `bytes` bytes from `data` into the session's own
 * buffer (on a GPU: into device memory, finished before this returns): the caller's
 * memory may be reused as soon as this returns, and the value stays
 * bound for later runs until bound again. dtype and dims must equal the signature's and
 * `bytes` its byte size; a mismatch is KILN_INVALID_ARGUMENT naming the input and both
 * sides: "input 'x': expected f32[1x3x224x224], got f32[1x3x224]". */
kilnStatus kilnSessionBindInput(kilnSession session, size_t index, kilnDType dtype,
                                const int64_t *dims, size_t rank, const void *data,
                                size_t bytes);
kilnStatus kilnSessionBindInputByName(kilnSession session, const char *name, kilnDType dtype,
                                      const int64_t *dims, size_t rank, const void *data,
                                      size_t bytes);

/* Runs the plan. KILN_INVALID_ARGUMENT, before anything runs, when an input is unbound.
 * On a GPU the run is complete, outputs copied back to the host, when this returns. */
kilnStatus kilnSessionRun(kilnSession session);

/* The session's (host) buffer of output `index` after a run: `*data` (64-byte aligned)
 * and `*bytes` stay valid until the next run or kilnSessionDestroy. Asking before the
 * first run, or after a failed one, is KILN_INVALID_ARGUMENT. */
kilnStatus kilnSessionGetOutput(kilnSession session, size_t index, const void **data,
                                size_t *bytes);
kilnStatus kilnSessionGetOutputByName(kilnSession session, const char *name,
                                      const void **data, size_t *bytes);

/* ---- Profiling ---------------------------------------------------------------------- */
/* With profiling on, each run records one event per kernel: wall time from dispatch to
 * the last chunk's end, on the steady clock. On a GPU: the kernel's time between CUDA
 * events recorded around it on the stream, placed on the steady clock at the moment the
 * run was issued (so kernels line up with host events up to the launch latency, a few
 * microseconds). Turning it on or off clears the events. */
kilnStatus kilnSessionSetProfiling(kilnSession session, int enabled);

typedef struct kilnProfileEvent {
  const char *label;  /* the kernel's label; valid while the model lives */
  const char *symbol; /* the kernel's symbol in the code object */
  size_t kernel;      /* index in the plan */
  int64_t work_items; /* 1 on a GPU */
  int64_t start_ns;   /* steady clock (CLOCK_MONOTONIC), nanoseconds */
  int64_t end_ns;
} kilnProfileEvent;

/* Events of the latest run, in run order (0 when profiling is off). */
size_t kilnSessionGetProfileEventCount(kilnSession session);
kilnStatus kilnSessionGetProfileEvent(kilnSession session, size_t index,
                                      kilnProfileEvent *event);

#ifdef __cplusplus
}
#endif
#endif /* KILN_RUNTIME_H */
