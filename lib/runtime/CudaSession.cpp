//===- CudaSession.cpp - create, bind, run on a GPU ------------------------------===//
//
// Everything a run needs is set up once in `create`, so a run is only launches and
// copies: the kernels' parameter arrays hold the device addresses of their bindings
// (constants + offset, arena + offset, the input/output buffers) and of their TMA tensor
// maps (encoded against those addresses), fixed for the session's life, which is also
// what lets a captured CUDA graph be replayed with new inputs.
//
// Ordering: every transfer and launch goes on the session's one non-blocking stream, in
// program order. Binding an input waits for its upload (the caller may reuse its memory
// on return, even pinned memory); a run waits for the outputs to be back on the host.
// Each call into the session pushes the device's primary context and pops it on return,
// so the calling thread's own CUDA context is left as it was.
//
//===----------------------------------------------------------------------------===//
#include "lib/runtime/CudaSession.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>

namespace kiln::runtime {

using namespace cuda;

namespace {

kilnStatus error(kilnStatusCode code, const std::string &message) {
  return kilnStatusCreate(code, message.c_str());
}

int64_t nowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string smName(unsigned major, unsigned minor) {
  return "sm_" + std::to_string(major) + std::to_string(minor);
}

std::string dims(const uint32_t d[3]) {
  return std::to_string(d[0]) + "x" + std::to_string(d[1]) + "x" + std::to_string(d[2]);
}

std::string describeKernel(size_t index, const Kernel &k) {
  return "kernel " + std::to_string(index) + " (" + k.symbol + ", '" + k.label + "')";
}

/// The CUtensorMapDataType of an element type: TMA copies bytes, so integers of the same
/// width share one (bool and i8 as UINT8, i16 as UINT16).
CUtensorMapDataType tensorMapDataType(kilnDType dtype) {
  switch (dtype) {
  case KILN_DTYPE_F32:
    return CU_TENSOR_MAP_DATA_TYPE_FLOAT32;
  case KILN_DTYPE_F16:
    return CU_TENSOR_MAP_DATA_TYPE_FLOAT16;
  case KILN_DTYPE_BF16:
    return CU_TENSOR_MAP_DATA_TYPE_BFLOAT16;
  case KILN_DTYPE_F64:
    return CU_TENSOR_MAP_DATA_TYPE_FLOAT64;
  case KILN_DTYPE_I32:
    return CU_TENSOR_MAP_DATA_TYPE_INT32;
  case KILN_DTYPE_U32:
    return CU_TENSOR_MAP_DATA_TYPE_UINT32;
  case KILN_DTYPE_I64:
    return CU_TENSOR_MAP_DATA_TYPE_INT64;
  case KILN_DTYPE_U64:
    return CU_TENSOR_MAP_DATA_TYPE_UINT64;
  case KILN_DTYPE_I16:
  case KILN_DTYPE_U16:
    return CU_TENSOR_MAP_DATA_TYPE_UINT16;
  default: // i8, u8, bool; the parser admits no other value
    return CU_TENSOR_MAP_DATA_TYPE_UINT8;
  }
}

/// CU_TENSOR_MAP_SWIZZLE_* of a swizzle span in bytes (0, 32, 64 or 128, as validated).
CUtensorMapSwizzle tensorMapSwizzle(uint32_t bytes) {
  switch (bytes) {
  case 32:
    return CU_TENSOR_MAP_SWIZZLE_32B;
  case 64:
    return CU_TENSOR_MAP_SWIZZLE_64B;
  case 128:
    return CU_TENSOR_MAP_SWIZZLE_128B;
  default:
    return CU_TENSOR_MAP_SWIZZLE_NONE;
  }
}

/// Makes `context` current on the calling thread for one call into the session and
/// restores the thread's previous context when it ends.
class ContextScope {
public:
  ContextScope(const Driver &driver, CUcontext context) : driver(driver) {
    result = driver.api().cuCtxPushCurrent(context);
  }
  ~ContextScope() {
    if (result == CUDA_SUCCESS) {
      CUcontext popped = nullptr;
      driver.api().cuCtxPopCurrent(&popped);
    }
  }
  ContextScope(const ContextScope &) = delete;
  ContextScope &operator=(const ContextScope &) = delete;

  const Driver &driver;
  CUresult result;
};

} // namespace

kilnStatus CudaSession::create(std::shared_ptr<const Model> model, const SessionOptions &options,
                               std::unique_ptr<Session> &out) {
  std::unique_ptr<CudaSession> s(new CudaSession(std::move(model)));
  const Model &m = *s->shared;
  if (kilnStatus status = openCudaDriver(s->driver)) {
    return status;
  }
  const Driver &d = *s->driver;
  const DriverApi &api = d.api();

  int count = 0;
  if (CUresult r = api.cuDeviceGetCount(&count)) {
    return d.error("cannot count the GPUs", "cuDeviceGetCount", r, KILN_UNSUPPORTED);
  }
  if (count <= 0) {
    return error(KILN_UNSUPPORTED, "CUDA: no GPU found (cuDeviceGetCount: 0 devices); run on a "
                                   "machine with a GPU and its driver, or compile with "
                                   "--target=cpu");
  }
  if (options.ordinal < 0 || options.ordinal >= count) {
    return error(KILN_INVALID_ARGUMENT,
                 "CUDA: there is no GPU " + std::to_string(options.ordinal) +
                     ": this machine has " + std::to_string(count) +
                     (count == 1 ? " GPU (ordinal 0)"
                                 : " GPUs (ordinals 0.." + std::to_string(count - 1) + ")"));
  }
  s->ordinal = options.ordinal;
  std::string which = "GPU " + std::to_string(s->ordinal);
  if (CUresult r = api.cuDeviceGet(&s->dev, s->ordinal)) {
    return d.error("cannot open " + which, "cuDeviceGet", r, KILN_UNSUPPORTED);
  }
  char name[256] = {};
  int major = 0, minor = 0, maxShared = 0;
  if (CUresult r = api.cuDeviceGetName(name, sizeof(name) - 1, s->dev)) {
    return d.error("cannot query " + which, "cuDeviceGetName", r);
  }
  s->gpuName = name;
  const std::pair<CUdevice_attribute, int *> attributes[] = {
      {CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, &major},
      {CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, &minor},
      {CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, &maxShared},
  };
  for (const auto &[attribute, value] : attributes) {
    if (CUresult r = api.cuDeviceGetAttribute(value, attribute, s->dev)) {
      return d.error("cannot query " + which + " (" + s->gpuName + ")", "cuDeviceGetAttribute", r);
    }
  }
  if (CUresult r = api.cuDeviceTotalMem(&s->gpuMemory, s->dev)) {
    return d.error("cannot query " + s->gpu(), "cuDeviceTotalMem_v2", r);
  }
  s->gpuArch.major = static_cast<unsigned>(major);
  s->gpuArch.minor = static_cast<unsigned>(minor);

  // The architecture: the CUBIN runs on exactly its compute capability; the PTX is
  // JIT-compiled for the same one or any newer one, except for an `a` architecture, whose
  // features exist on that compute capability only.
  const SmArch &want = m.smArch();
  const unsigned have = s->gpuArch.major * 10 + s->gpuArch.minor;
  const unsigned need = want.major * 10 + want.minor;
  const bool useCubin = have == need && m.cubinBytes() > 0;
  const bool jit = !useCubin && (have == need || (have > need && !want.archSpecific));
  if (!useCubin && !jit) {
    std::string mine = have == 90 ? "sm_90a" : smName(s->gpuArch.major, s->gpuArch.minor);
    return error(KILN_UNSUPPORTED, "model compiled for " + m.artifact().meta.cpu + "; this GPU (" +
                                       s->gpuName + ") is " +
                                       smName(s->gpuArch.major, s->gpuArch.minor) +
                                       ": recompile with --cuda-arch=" + mine);
  }
  const std::vector<Kernel> &kernels = m.plan().kernels;
  for (size_t k = 0; k < kernels.size(); ++k) {
    uint32_t shared = kernels[k].launch.sharedBytes;
    if (shared > static_cast<uint32_t>(maxShared)) {
      return error(KILN_UNSUPPORTED,
                   describeKernel(k, kernels[k]) + " needs " + std::to_string(shared) +
                       " bytes of shared memory; this GPU (" + s->gpuName + ", " +
                       smName(s->gpuArch.major, s->gpuArch.minor) + ") allows " +
                       std::to_string(maxShared) + " per block: recompile with --cuda-arch=" +
                       smName(s->gpuArch.major, s->gpuArch.minor));
    }
  }

  // Tensor maps are encoded by the driver on the host, through an entry point drivers
  // older than CUDA 12 lack (they load, and run every model without TMA).
  const bool usesTensorMaps = std::any_of(kernels.begin(), kernels.end(),
                                          [](const Kernel &k) { return !k.tensorMaps.empty(); });
  if (usesTensorMaps && !api.cuTensorMapEncodeTiled) {
    return error(KILN_UNSUPPORTED,
                 "CUDA: this model's kernels use TMA tensor maps, which need "
                 "cuTensorMapEncodeTiled (CUDA 12 or newer driver); the NVIDIA driver '" +
                     d.path() + "' does not export it: update the NVIDIA driver");
  }

  if (CUresult r = api.cuDevicePrimaryCtxRetain(&s->context, s->dev)) {
    s->context = nullptr;
    return d.error("cannot open the primary context of " + s->gpu(), "cuDevicePrimaryCtxRetain", r,
                   KILN_UNSUPPORTED);
  }
  ContextScope scope(d, s->context);
  if (scope.result != CUDA_SUCCESS) {
    return d.error("cannot make the context of " + s->gpu() + " current", "cuCtxPushCurrent_v2",
                   scope.result);
  }
  if (CUresult r = api.cuStreamCreate(&s->stream, CU_STREAM_NON_BLOCKING)) {
    s->stream = nullptr;
    return d.error("cannot create a stream on " + s->gpu(), "cuStreamCreate", r);
  }
  // A plan without kernels (every output a copy) needs no module, as on the CPU.
  if (!kernels.empty()) {
    if (kilnStatus status = s->loadModule(useCubin)) {
      return status;
    }
  }
  if (kilnStatus status = s->allocateBuffers()) {
    return status;
  }
  s->useGraph = options.cudaGraph && !(kernels.empty() && m.plan().copies.empty());
  s->info = "cuda:" + std::to_string(s->ordinal) + " " + s->gpuName + " (" +
            smName(s->gpuArch.major, s->gpuArch.minor) + "), " +
            (kernels.empty() ? std::string("no kernels")
             : useCubin      ? "CUBIN for " + m.artifact().meta.cpu
                             : "PTX for " + m.artifact().meta.cpu + " JIT-compiled by the driver") +
            (s->useGraph ? ", CUDA graph" : "");
  out = std::move(s);
  return nullptr;
}

CudaSession::~CudaSession() {
  if (!context) {
    return; // nothing was created on the device
  }
  const DriverApi &api = driver->api();
  {
    ContextScope scope(*driver, context);
    if (scope.result == CUDA_SUCCESS) {
      // Errors are ignored: there is no one to report them to, and a failed run may have
      // left the context unusable, in which case the driver frees everything with it.
      if (stream) {
        api.cuStreamSynchronize(stream);
      }
      if (graph) {
        api.cuGraphExecDestroy(graph);
      }
      for (CUevent e : timing) {
        api.cuEventDestroy(e);
      }
      for (CUdeviceptr p : allocations) {
        api.cuMemFree(p);
      }
      if (module) {
        api.cuModuleUnload(module);
      }
      if (stream) {
        api.cuStreamDestroy(stream);
      }
    }
  }
  api.cuDevicePrimaryCtxRelease(dev);
}

std::string CudaSession::gpu() const {
  return "GPU " + std::to_string(ordinal) + " (" + gpuName + ", " +
         smName(gpuArch.major, gpuArch.minor) + ")";
}

kilnStatus CudaSession::loadModule(bool useCubin) {
  const Model &m = model();
  const DriverApi &api = driver->api();
  const std::string &arch = m.artifact().meta.cpu;
  // The driver writes ptxas' errors here when it JIT-compiles (and a few words for a bad
  // CUBIN); the size option is an integer passed in a pointer, as cuda.h specifies.
  std::vector<char> log(16384, '\0');
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void *values[] = {log.data(), reinterpret_cast<void *>(static_cast<uintptr_t>(log.size() - 1))};
  const void *image =
      useCubin ? static_cast<const void *>(m.cubin()) : static_cast<const void *>(m.ptx().c_str());
  if (CUresult r = api.cuModuleLoadDataEx(&module, image, 2, options, values)) {
    module = nullptr;
    std::string message = driver->message(
        (useCubin ? "cannot load the CUBIN for " : "cannot JIT-compile the PTX for ") + arch +
            " on " + gpu(),
        "cuModuleLoadDataEx", r);
    log.back() = '\0';
    std::string text = log.data();
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
      text.pop_back();
    }
    if (!text.empty()) {
      message += "; driver log: " + text;
    }
    constexpr CUresult kInvalidImage = 200, kInvalidPtx = 218, kUnsupportedPtxVersion = 222;
    kilnStatusCode code = KILN_UNSUPPORTED;
    if (r == CUDA_ERROR_OUT_OF_MEMORY) {
      code = KILN_OUT_OF_MEMORY;
    } else if (r == kInvalidImage || r == kInvalidPtx) {
      code = KILN_DATA_LOSS;
    } else if (r == kUnsupportedPtxVersion) {
      message += "; the model was compiled with a newer CUDA than this driver supports: update "
                 "the NVIDIA driver";
    }
    return error(code, message);
  }

  const std::vector<Kernel> &kernels = m.plan().kernels;
  functions.resize(kernels.size());
  for (size_t k = 0; k < kernels.size(); ++k) {
    const Kernel &kernel = kernels[k];
    CUresult r = api.cuModuleGetFunction(&functions[k], module, kernel.symbol.c_str());
    if (r == CUDA_ERROR_NOT_FOUND) {
      return error(KILN_DATA_LOSS, std::string(useCubin ? "CUBIN" : "PTX") + ": kernel " +
                                       std::to_string(k) + " ('" + kernel.label + "') needs '" +
                                       kernel.symbol +
                                       "', which the loaded module does not define");
    }
    if (r != CUDA_SUCCESS) {
      return driver->error("cannot find " + describeKernel(k, kernel) + " in the module",
                           "cuModuleGetFunction", r);
    }
    // Above 48 KiB of dynamic shared memory a kernel must opt in.
    uint32_t shared = kernel.launch.sharedBytes;
    if (shared > kDefaultSharedBytes) {
      if (CUresult r =
              api.cuFuncSetAttribute(functions[k], CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                     static_cast<int>(shared))) {
        return driver->error("cannot give " + describeKernel(k, kernel) + " " +
                                 std::to_string(shared) + " bytes of dynamic shared memory on " +
                                 gpu(),
                             "cuFuncSetAttribute", r, KILN_UNSUPPORTED);
      }
    }
  }
  return nullptr;
}

kilnStatus CudaSession::allocate(uint64_t bytes, const std::string &what, CUdeviceptr &out) {
  out = 0;
  if (bytes == 0) {
    return nullptr; // nothing to point at: a zero-byte binding gets address 0
  }
  CUdeviceptr p = 0;
  if (CUresult r = driver->api().cuMemAlloc(&p, static_cast<size_t>(bytes))) {
    return driver->error("cannot allocate " + std::to_string(bytes) + " bytes of GPU memory for " +
                             what + " on " + gpu() + ", which has " + std::to_string(gpuMemory) +
                             " bytes in all",
                         "cuMemAlloc_v2", r);
  }
  allocations.push_back(p);
  out = p;
  return nullptr;
}

kilnStatus CudaSession::allocateBuffers() {
  const Model &m = model();
  const Signature &sig = m.signature();
  const Plan &plan = m.plan();
  const DriverApi &api = driver->api();
  if (kilnStatus s = allocate(plan.arenaBytes, "the arena", arena)) {
    return s;
  }
  // One copy per session for now; sessions on one GPU could share one per model and
  // context later, since kernels only read constants.
  if (kilnStatus s = allocate(m.constantsBytes(), "the constants", constants)) {
    return s;
  }
  if (m.constantsBytes() > 0) {
    if (CUresult r = api.cuMemcpyHtoDAsync(constants, m.constants(),
                                           static_cast<size_t>(m.constantsBytes()), stream)) {
      return driver->error("cannot upload the constants (" + std::to_string(m.constantsBytes()) +
                               " bytes) to " + gpu(),
                           "cuMemcpyHtoDAsync_v2", r);
    }
  }
  inputs.resize(sig.inputs.size());
  for (size_t i = 0; i < sig.inputs.size(); ++i) {
    if (kilnStatus s =
            allocate(sig.inputs[i].bytes, "input '" + sig.inputs[i].name + "'", inputs[i])) {
      return s;
    }
  }
  outputs.resize(sig.outputs.size());
  hostOutputs.resize(sig.outputs.size());
  for (size_t i = 0; i < sig.outputs.size(); ++i) {
    const TensorDesc &t = sig.outputs[i];
    if (kilnStatus s = allocate(t.bytes, "output '" + t.name + "'", outputs[i])) {
      return s;
    }
    if (!hostOutputs[i].allocate(t.bytes)) {
      return error(KILN_OUT_OF_MEMORY, "cannot allocate " + std::to_string(t.bytes) +
                                           " bytes of host memory for output '" + t.name + "'");
    }
  }

  if (kilnStatus s = uploadTensorMaps()) {
    return s;
  }
  // The kernel ABI (docs/artifact.md): the bindings, then one pointer per tensor map.
  size_t map = 0;
  for (const Kernel &k : plan.kernels) {
    paramStart.push_back(params.size());
    for (const Binding &b : k.bindings) {
      params.push_back(bindingAddress(b));
    }
    for (size_t j = 0; j < k.tensorMaps.size(); ++j, ++map) {
      params.push_back(tensorMaps + map * sizeof(CUtensorMap));
    }
  }
  paramStart.push_back(params.size());
  // `params` does not grow from here on: pointers into it stay valid.
  for (CUdeviceptr &p : params) {
    paramPointers.push_back(&p);
  }
  for (const Copy &c : plan.copies) {
    copies.push_back(
        CopyStep{outputs[c.output], bindingAddress(c.source), static_cast<size_t>(c.source.bytes)});
  }
  if (CUresult r = api.cuStreamSynchronize(stream)) {
    std::string maps = hostTensorMaps.empty()
                           ? ""
                           : " and " + std::to_string(hostTensorMaps.size()) + " tensor maps";
    return driver->error("cannot upload the constants (" + std::to_string(m.constantsBytes()) +
                             " bytes)" + maps + " to " + gpu(),
                         "cuStreamSynchronize", r);
  }
  return nullptr;
}

CUdeviceptr CudaSession::bindingAddress(const Binding &b) const {
  // The parser checked every index and range against these buffers' sizes.
  switch (b.space) {
  case BindingSpace::Input:
    return inputs[b.index];
  case BindingSpace::Output:
    return outputs[b.index];
  case BindingSpace::Constant:
    return constants + b.index;
  case BindingSpace::Arena:
    return arena + b.index;
  }
  return 0;
}

kilnStatus CudaSession::uploadTensorMaps() {
  const std::vector<Kernel> &kernels = model().plan().kernels;
  const DriverApi &api = driver->api();
  size_t count = 0;
  for (const Kernel &k : kernels) {
    count += k.tensorMaps.size();
  }
  if (count == 0) {
    return nullptr;
  }
  hostTensorMaps.resize(count);
  size_t n = 0;
  for (size_t k = 0; k < kernels.size(); ++k) {
    const Kernel &kernel = kernels[k];
    for (size_t j = 0; j < kernel.tensorMaps.size(); ++j) {
      const TensorMap &m = kernel.tensorMaps[j];
      // Fixed-size copies: the driver reads rank - 1 strides, none for rank 1, and the
      // parser capped the rank at 5.
      const cuuint32_t rank = static_cast<cuuint32_t>(m.dims.size());
      cuuint64_t dims[kMaxTensorMapRank] = {}, strides[kMaxTensorMapRank] = {};
      cuuint32_t box[kMaxTensorMapRank] = {}, elementStrides[kMaxTensorMapRank] = {};
      for (cuuint32_t i = 0; i < rank; ++i) {
        dims[i] = m.dims[i];
        strides[i] = i + 1 < rank ? m.strides[i] : 0;
        box[i] = m.box[i];
        elementStrides[i] = 1; // every element of the box, no subsampling
      }
      void *base = reinterpret_cast<void *>(
          static_cast<uintptr_t>(bindingAddress(kernel.bindings[m.binding]) + m.offset));
      // Out-of-bounds elements of a box read as zeros (FLOAT_OOB_FILL_NONE), which is what
      // lets tiles overhang a tensor's edge; L2 lines are filled 256 bytes at a time.
      if (CUresult r = api.cuTensorMapEncodeTiled(
              &hostTensorMaps[n++], tensorMapDataType(m.dtype), rank, base, dims, strides, box,
              elementStrides, CU_TENSOR_MAP_INTERLEAVE_NONE, tensorMapSwizzle(m.swizzle),
              CU_TENSOR_MAP_L2_PROMOTION_L2_256B, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE)) {
        return driver->error("cannot encode tensor map " + std::to_string(j) + " of " +
                                 describeKernel(k, kernel) + " (" + describeTensorMap(m) +
                                 ") for " + gpu(),
                             "cuTensorMapEncodeTiled", r);
      }
    }
  }
  const size_t bytes = count * sizeof(CUtensorMap);
  if (kilnStatus s = allocate(bytes, "the tensor maps", tensorMaps)) {
    return s;
  }
  // cuMemAlloc's 256-byte alignment and the 128-byte maps keep every map 128-byte aligned
  // (PTX needs 64).
  if (CUresult r = api.cuMemcpyHtoDAsync(tensorMaps, hostTensorMaps.data(), bytes, stream)) {
    return driver->error("cannot upload the tensor maps (" + std::to_string(bytes) + " bytes) to " +
                             gpu(),
                         "cuMemcpyHtoDAsync_v2", r);
  }
  return nullptr;
}

kilnStatus CudaSession::storeInput(size_t index, const void *data, size_t bytes) {
  if (bytes == 0) {
    return nullptr;
  }
  const DriverApi &api = driver->api();
  ContextScope scope(*driver, context);
  std::string what = "cannot copy input '" + model().signature().inputs[index].name + "' (" +
                     std::to_string(bytes) + " bytes) to " + gpu();
  if (scope.result != CUDA_SUCCESS) {
    return driver->error(what, "cuCtxPushCurrent_v2", scope.result);
  }
  if (CUresult r = api.cuMemcpyHtoDAsync(inputs[index], data, bytes, stream)) {
    return driver->error(what, "cuMemcpyHtoDAsync_v2", r);
  }
  // The caller may reuse `data` on return, even when it is pinned memory the copy above
  // would read asynchronously.
  if (CUresult r = api.cuStreamSynchronize(stream)) {
    return driver->error(what, "cuStreamSynchronize", r);
  }
  return nullptr;
}

kilnStatus CudaSession::enqueuePlan(bool timed) {
  const DriverApi &api = driver->api();
  const std::vector<Kernel> &kernels = model().plan().kernels;
  timed = timed && !kernels.empty();
  if (timed && timing.empty()) {
    timing.resize(kernels.size() + 1, nullptr);
    for (CUevent &e : timing) {
      if (CUresult r = api.cuEventCreate(&e, CU_EVENT_DEFAULT)) {
        e = nullptr;
        for (CUevent created : timing) {
          if (created) {
            api.cuEventDestroy(created);
          }
        }
        timing.clear();
        return driver->error("cannot create the events that time the kernels", "cuEventCreate", r);
      }
    }
  }
  auto record = [&](size_t i) -> kilnStatus {
    if (CUresult r = api.cuEventRecord(timing[i], stream)) {
      return driver->error("cannot record a timing event", "cuEventRecord", r);
    }
    return nullptr;
  };
  if (timed) {
    timedStartNs = nowNs();
    if (kilnStatus s = record(0)) {
      return s;
    }
  }
  for (size_t k = 0; k < kernels.size(); ++k) {
    const Kernel::Launch &l = kernels[k].launch;
    void **kernelParams =
        paramStart[k] == paramStart[k + 1] ? nullptr : paramPointers.data() + paramStart[k];
    if (CUresult r = api.cuLaunchKernel(functions[k], l.grid[0], l.grid[1], l.grid[2], l.block[0],
                                        l.block[1], l.block[2], l.sharedBytes, stream, kernelParams,
                                        nullptr)) {
      return driver->error("cannot launch " + describeKernel(k, kernels[k]) + " with grid " +
                               dims(l.grid) + ", block " + dims(l.block) + " and " +
                               std::to_string(l.sharedBytes) +
                               " bytes of dynamic shared memory on " + gpu(),
                           "cuLaunchKernel", r);
    }
    if (timed) {
      if (kilnStatus s = record(k + 1)) {
        return s;
      }
    }
  }
  const Plan &plan = model().plan();
  for (size_t i = 0; i < copies.size(); ++i) {
    const CopyStep &c = copies[i];
    if (c.bytes == 0) {
      continue;
    }
    if (CUresult r = api.cuMemcpyDtoDAsync(c.dst, c.src, c.bytes, stream)) {
      return driver->error("cannot copy " + std::to_string(c.bytes) + " bytes into output '" +
                               model().signature().outputs[plan.copies[i].output].name + "'",
                           "cuMemcpyDtoDAsync_v2", r);
    }
  }
  return nullptr;
}

kilnStatus CudaSession::captureGraph() {
  const DriverApi &api = driver->api();
  // Thread-local capture: other threads' sessions may allocate and launch meanwhile.
  if (CUresult r = api.cuStreamBeginCapture(stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL)) {
    return driver->error("cannot start capturing the run into a CUDA graph",
                         "cuStreamBeginCapture_v2", r);
  }
  kilnStatus enqueued = enqueuePlan(/*timed=*/false);
  CUgraph captured = nullptr;
  CUresult r = api.cuStreamEndCapture(stream, &captured);
  if (enqueued || r != CUDA_SUCCESS) {
    if (captured) {
      api.cuGraphDestroy(captured);
    }
    return enqueued
               ? enqueued
               : driver->error("cannot capture the run into a CUDA graph", "cuStreamEndCapture", r);
  }
  r = api.cuGraphInstantiateWithFlags(&graph, captured, 0);
  api.cuGraphDestroy(captured); // the executable graph does not need it
  if (r != CUDA_SUCCESS) {
    graph = nullptr;
    return driver->error("cannot instantiate the CUDA graph of the run",
                         "cuGraphInstantiateWithFlags", r);
  }
  return nullptr;
}

kilnStatus CudaSession::readTimings() {
  const DriverApi &api = driver->api();
  const size_t n = model().plan().kernels.size();
  // GPU time since timing[0], placed on the host's steady clock at the moment the run was
  // issued: the offset between the two clocks (how long the stream took to reach
  // timing[0]) is not corrected, so kernels appear a few microseconds early.
  auto at = [&](size_t i, int64_t &ns) -> kilnStatus {
    if (i == 0) {
      ns = timedStartNs;
      return nullptr;
    }
    float ms = 0;
    if (CUresult r = api.cuEventElapsedTime(&ms, timing[0], timing[i])) {
      return driver->error("cannot read the kernels' timing events", "cuEventElapsedTime_v2", r);
    }
    ns = timedStartNs + static_cast<int64_t>(std::llround(static_cast<double>(ms) * 1e6));
    return nullptr;
  };
  int64_t start = timedStartNs;
  for (size_t k = 0; k < n; ++k) {
    int64_t end = 0;
    if (kilnStatus s = at(k + 1, end)) {
      return s;
    }
    events.push_back(ProfileEvent{k, start, end});
    start = end;
  }
  return nullptr;
}

kilnStatus CudaSession::execute() {
  const DriverApi &api = driver->api();
  ContextScope scope(*driver, context);
  if (scope.result != CUDA_SUCCESS) {
    return driver->error("cannot make the context of " + gpu() + " current", "cuCtxPushCurrent_v2",
                         scope.result);
  }
  // Profiled runs launch kernel by kernel, with an event between each two.
  if (useGraph && !profiling) {
    if (!graph) {
      if (kilnStatus s = captureGraph()) {
        return s;
      }
    }
    if (CUresult r = api.cuGraphLaunch(graph, stream)) {
      return driver->error("cannot launch the CUDA graph of the run on " + gpu(), "cuGraphLaunch",
                           r);
    }
  } else if (kilnStatus s = enqueuePlan(profiling)) {
    return s;
  }
  const Signature &sig = model().signature();
  for (size_t i = 0; i < outputs.size(); ++i) {
    size_t bytes = static_cast<size_t>(sig.outputs[i].bytes);
    if (bytes == 0) {
      continue;
    }
    if (CUresult r = api.cuMemcpyDtoHAsync(hostOutputs[i].data(), outputs[i], bytes, stream)) {
      return driver->error("cannot copy output '" + sig.outputs[i].name + "' (" +
                               std::to_string(bytes) + " bytes) back from " + gpu(),
                           "cuMemcpyDtoHAsync_v2", r);
    }
  }
  // Errors of the kernels themselves (a fault, a trap) surface here.
  if (CUresult r = api.cuStreamSynchronize(stream)) {
    return driver->error("running the plan on " + gpu() + " failed", "cuStreamSynchronize", r);
  }
  if (profiling && !model().plan().kernels.empty()) {
    return readTimings();
  }
  return nullptr;
}

} // namespace kiln::runtime
