//===- CudaSession.h - a session on an NVIDIA GPU through the driver API -------===//
//
// The CUDA executor behind the same Session surface as the CPU one. At creation it opens
// the driver (CudaDriver.h), picks the GPU, checks the model's SM architecture against
// it, loads the module (the CUBIN when the GPU is exactly that architecture, else the PTX
// JIT-compiled by the driver), and allocates everything a run touches once: the arena,
// the constants (uploaded once per session), one device buffer per input and output and
// a host buffer per output, the kernels' TMA tensor maps (encoded on the host once the
// buffers' addresses are known, uploaded once), the kernels' parameter arrays. A run
// launches the plan's
// kernels in order on the session's stream (or replays them from a CUDA graph), then the
// plan's copies device to device, then copies the outputs back and synchronizes.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_LIB_RUNTIME_CUDASESSION_H
#define KILN_LIB_RUNTIME_CUDASESSION_H

#include "lib/runtime/CudaDriver.h"
#include "lib/runtime/Session.h"

namespace kiln::runtime {

class CudaSession final : public Session {
public:
  /// Fails with KILN_UNSUPPORTED when there is no usable GPU (the driver's message), the
  /// GPU cannot run the model's architecture or its shared memory, KILN_INVALID_ARGUMENT
  /// for an ordinal no GPU has, KILN_OUT_OF_MEMORY when device memory runs out.
  static kilnStatus create(std::shared_ptr<const Model> model, const SessionOptions &options,
                           std::unique_ptr<Session> &out);
  ~CudaSession() override;

  kilnDevice device() const override { return KILN_DEVICE_CUDA; }
  unsigned numThreads() const override { return 1; }
  const std::string &deviceInfo() const override { return info; }

private:
  explicit CudaSession(std::shared_ptr<const Model> model) : Session(std::move(model)) {}
  kilnStatus storeInput(size_t index, const void *data, size_t bytes) override;
  kilnStatus execute() override;
  const void *outputData(size_t index) const override { return hostOutputs[index].data(); }

  /// The creation steps after the driver and the device are known.
  kilnStatus loadModule(bool useCubin);
  kilnStatus allocate(uint64_t bytes, const std::string &what, cuda::CUdeviceptr &out);
  kilnStatus allocateBuffers();
  /// Encodes every kernel's tensor maps (cuTensorMapEncodeTiled) into `hostTensorMaps` and
  /// enqueues their upload to `tensorMaps`; the buffers must be allocated.
  kilnStatus uploadTensorMaps();
  /// The device address of a binding (or copy source) of the plan.
  cuda::CUdeviceptr bindingAddress(const Binding &b) const;
  /// Enqueues the kernels (with timing events around each when `timed`) and the plan's
  /// device-to-device copies on the stream.
  kilnStatus enqueuePlan(bool timed);
  kilnStatus captureGraph();
  kilnStatus readTimings();
  /// "GPU 0 (NVIDIA A100-SXM4-80GB, sm_80)".
  std::string gpu() const;

  struct CopyStep {
    cuda::CUdeviceptr dst;
    cuda::CUdeviceptr src;
    size_t bytes;
  };

  const cuda::Driver *driver = nullptr;
  int32_t ordinal = 0;
  cuda::CUdevice dev = 0;
  std::string gpuName;
  SmArch gpuArch;
  size_t gpuMemory = 0;
  cuda::CUcontext context = nullptr; // the device's primary context, retained
  cuda::CUstream stream = nullptr;
  cuda::CUmodule module = nullptr;
  std::vector<cuda::CUfunction> functions;
  std::vector<cuda::CUdeviceptr> allocations; // freed by the destructor
  cuda::CUdeviceptr arena = 0;
  cuda::CUdeviceptr constants = 0;
  std::vector<cuda::CUdeviceptr> inputs;
  std::vector<cuda::CUdeviceptr> outputs;
  std::vector<AlignedBuffer> hostOutputs;
  /// Every kernel's tensor maps in plan order, 128 bytes each, on the host (kept until
  /// the session ends, so the upload never reads freed memory) and on the device.
  std::vector<cuda::CUtensorMap> hostTensorMaps;
  cuda::CUdeviceptr tensorMaps = 0;
  /// Kernel k's parameters are params[paramStart[k] .. paramStart[k+1]) (the bindings'
  /// device addresses, then those of its tensor maps); cuLaunchKernel gets pointers to
  /// them, paramPointers.
  std::vector<cuda::CUdeviceptr> params;
  std::vector<void *> paramPointers;
  std::vector<size_t> paramStart;
  std::vector<CopyStep> copies;
  bool useGraph = false;
  cuda::CUgraphExec graph = nullptr;
  /// Profiling: timing[0] before the first kernel, timing[k + 1] after kernel k.
  std::vector<cuda::CUevent> timing;
  int64_t timedStartNs = 0;
  std::string info;
};

} // namespace kiln::runtime

#endif // KILN_LIB_RUNTIME_CUDASESSION_H
