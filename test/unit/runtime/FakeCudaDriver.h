//===- FakeCudaDriver.h - control interface of the fake libcuda for tests --------===//
//
// libkiln-fake-cuda.so exports the driver entry points the runtime resolves
// (lib/runtime/CudaDriver.h) and runs them on the host: device memory is host memory,
// streams run their work at once (or record it while a graph is captured), and the
// kernels of the CUDA test chain (TestArtifacts.h) are implemented in C++ under their
// PTX names. The tests point KILN_CUDA_DRIVER at it, so everything in CudaSession but the
// GPU itself runs on machines without one: the architecture choice, module loading,
// allocation, the parameter arrays, the launch dims, shared memory opt-in, graphs,
// events, context push/pop, errors and the release of every resource.
//
// It is strict where the driver is: a call without a current context fails, device
// pointers must lie inside live allocations, dynamic shared memory above 48 KiB needs the
// function attribute, a PTX `.target` newer than the GPU or a CUBIN for another
// architecture is refused, pageable copies and synchronization are refused while a
// stream is capturing, cuTensorMapEncodeTiled refuses what the real one documents it
// refuses (and a tensor that is not inside one allocation).
//
// Tensor maps: the fake's cuTensorMapEncodeTiled writes a recognizable map
// (KilnFakeTensorMap: the magic "KILNTMAP", the global address, the call's number and
// the encode's arguments) and records every call; the built-in TMA kernel reads its
// input through the map it is given, as TMA would, and so do the emulator's TMA copies.
//
// With KILN_FAKE_CUDA_KERNELS set, the fake GPU is the architecture those kernels were
// built for (an sm_90a build makes it a 9.0 with 227 KiB of opt-in shared memory).
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_TEST_UNIT_RUNTIME_FAKECUDADRIVER_H
#define KILN_TEST_UNIT_RUNTIME_FAKECUDADRIVER_H

#include <cstdint>

extern "C" {

/// What the fake GPU looks like; kiln_fake_cuda_reset restores these defaults.
struct KilnFakeCudaConfig {
  int initResult = 0; // what cuInit returns (100: CUDA_ERROR_NO_DEVICE)
  int deviceCount = 1;
  int ccMajor = 8;
  int ccMinor = 0;
  int maxSharedOptin = 163 * 1024;
  uint64_t memoryBytes = uint64_t(1) << 30;
  int oomAtAllocation = -1;     // the allocation (0, 1, ...) that fails with out of memory
  bool faultNextKernel = false; // the next kernel run fails with an illegal address
  /// cuTensorMapEncodeTiled resolves to null, as in a driver older than CUDA 12. Read when
  /// the runtime looks the symbol up, once per library path and process: set it on a
  /// fresh copy of the library.
  bool withoutTensorMapEncode = false;
  int failTensorMapEncodeAt = -1; // the encode (0, 1, ...) that fails with INVALID_VALUE
};

/// One cuTensorMapEncodeTiled call: its arguments (rank entries of each array) and the
/// map it wrote.
struct KilnFakeCudaTensorMapEncode {
  int dataType;
  uint32_t rank;
  uint64_t globalAddress;
  uint64_t dims[5];
  uint64_t strides[4];
  uint32_t box[5];
  uint32_t elementStrides[5];
  int interleave;
  int swizzle;
  int l2Promotion;
  int oobFill;
  uint64_t map[16];
};

/// One cuLaunchKernel call: the function and the parameter values it was given.
struct KilnFakeCudaLaunch {
  char function[64];
  int params;
  uint64_t values[8];
};

/// The magic of the maps the fake writes: "KILNTMAP" in the first 8 bytes.
constexpr uint64_t kKilnFakeTensorMapMagic = 0x50414D544E4C494Bull;

/// The 128 bytes the fake's cuTensorMapEncodeTiled writes into a CUtensorMap (whose
/// layout is the driver's own): the encode's arguments, so the CUDA emulator's TMA
/// copies (CudaEmulator.h) read the tensor the way the GPU would.
struct KilnFakeTensorMap {
  uint64_t magic; // kKilnFakeTensorMapMagic
  uint64_t globalAddress;
  uint64_t call; // the encode's number since the last reset
  uint64_t dims[5];
  uint64_t strides[4]; // bytes, of dims 1 .. rank - 1
  uint32_t box[5];
  uint8_t elementStrides[5];
  uint8_t dataType, rank, interleave, swizzle, l2Promotion, oobFill;
  uint8_t reserved;
};
static_assert(sizeof(KilnFakeTensorMap) == 128, "a CUtensorMap is 128 bytes");

/// Bytes per element of CU_TENSOR_MAP_DATA_TYPE_UINT8 .. _BFLOAT16 (the ones kiln uses).
constexpr uint64_t kKilnFakeTensorMapElementBytes[] = {1, 2, 4, 4, 8, 8, 2, 4, 8, 2};

/// Counters since the last reset, and resources alive now.
struct KilnFakeCudaStats {
  int primaryContexts; // retained and not released
  int allocations;
  int streams;
  int modules;
  int events;
  int graphs;
  int graphExecs;
  int moduleLoads;
  bool lastLoadWasCubin;
  int kernelRuns;
  int graphLaunches;
  int graphInstantiations;
  int lastCaptureMode;
  int sharedAttribute; // the latest CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES set
  int callsWithoutContext;
  int launchesWithoutSharedOptIn;
};

typedef void (*KilnFakeCudaResetFn)(void);
typedef void (*KilnFakeCudaConfigureFn)(const KilnFakeCudaConfig *config);
typedef void (*KilnFakeCudaStatsFn)(KilnFakeCudaStats *stats);
/// Contexts pushed on the calling thread and not popped (0 between runtime calls).
typedef int (*KilnFakeCudaContextDepthFn)(void);
/// Copies up to `max` records since the last reset into `out`; returns how many there are.
typedef int (*KilnFakeCudaTensorMapEncodesFn)(KilnFakeCudaTensorMapEncode *out, int max);
typedef int (*KilnFakeCudaLaunchesFn)(KilnFakeCudaLaunch *out, int max);

} // extern "C"

#endif // KILN_TEST_UNIT_RUNTIME_FAKECUDADRIVER_H
