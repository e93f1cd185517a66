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
// stream is capturing.
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
};

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

} // extern "C"

#endif // KILN_TEST_UNIT_RUNTIME_FAKECUDADRIVER_H
