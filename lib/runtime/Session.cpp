//===- Session.cpp - bind, run, read outputs -----------------------------------===//
//
// Binding checks the caller's tensor against the signature and copies it into the
// session's own input buffer: the caller's memory may be reused as soon as bind returns,
// and kernels always see aligned buffers. On the CPU a run is the plan: each kernel over
// its work items on the pool, then the output copies. `Session::create` picks the device
// and checks it against the model's target.
//
//===----------------------------------------------------------------------------===//
#include "lib/runtime/Session.h"
#include "lib/runtime/CudaSession.h"

#include <chrono>
#include <cstring>
#include <thread>

namespace kiln::runtime {

namespace {

constexpr unsigned kMaxThreads = 1024;

kilnStatus error(kilnStatusCode code, const std::string &message) {
  return kilnStatusCreate(code, message.c_str());
}

std::string describeDesc(const TensorDesc &t) {
  return describeTensor(t.dtype, t.dims.data(), t.dims.size());
}

std::string nameList(const std::vector<TensorDesc> &tensors) {
  std::string s;
  for (const TensorDesc &t : tensors) {
    s += (s.empty() ? "" : ", ") + t.name;
  }
  return s.empty() ? "none" : s;
}

int64_t nowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct KernelCall {
  KernelFn fn;
  void *const *buffers;
};

void callChunk(void *context, int64_t begin, int64_t end) {
  const KernelCall *call = static_cast<const KernelCall *>(context);
  call->fn(call->buffers, begin, end);
}

} // namespace

kilnStatus Session::create(std::shared_ptr<const Model> model, const SessionOptions &options,
                           std::unique_ptr<Session> &out) {
  const kilnDevice target = model->isCuda() ? KILN_DEVICE_CUDA : KILN_DEVICE_CPU;
  const kilnDevice device = options.device == KILN_DEVICE_AUTO ? target : options.device;
  if (device != KILN_DEVICE_CPU && device != KILN_DEVICE_CUDA) {
    return error(KILN_INVALID_ARGUMENT,
                 "unknown device " + std::to_string(static_cast<int>(options.device)));
  }
  if (device != target) {
    const char *other = kilnDeviceGetName(device);
    const std::string &compiled = model->artifact().meta.target;
    return error(KILN_INVALID_ARGUMENT, "model was compiled for " + compiled +
                                            "; run it with --device=" + compiled +
                                            " or recompile with --target=" + other);
  }
  std::unique_ptr<Session> s;
  kilnStatus status = device == KILN_DEVICE_CUDA
                          ? CudaSession::create(std::move(model), options, s)
                          : CpuSession::create(std::move(model), options.numThreads, s);
  if (status) {
    return status;
  }
  s->setProfiling(options.profiling);
  out = std::move(s);
  return nullptr;
}

Session::Session(std::shared_ptr<const Model> model)
    : shared(std::move(model)), bound(shared->signature().inputs.size(), false) {}

kilnStatus CpuSession::create(std::shared_ptr<const Model> model, unsigned numThreads,
                              std::unique_ptr<Session> &out) {
  if (numThreads == 0) {
    numThreads = std::thread::hardware_concurrency();
    numThreads = numThreads ? numThreads : 1;
  }
  if (numThreads > kMaxThreads) {
    return error(KILN_INVALID_ARGUMENT, "num_threads " + std::to_string(numThreads) +
                                            " is more than the limit of " +
                                            std::to_string(kMaxThreads));
  }
  std::unique_ptr<CpuSession> s(new CpuSession(std::move(model)));
  const Model &m = *s->shared;
  const Signature &sig = m.signature();
  const Plan &plan = m.plan();

  auto outOfMemory = [&](const std::string &what, uint64_t bytes) {
    return error(KILN_OUT_OF_MEMORY,
                 "cannot allocate " + std::to_string(bytes) + " bytes for " + what);
  };
  if (!s->arena.allocate(plan.arenaBytes)) {
    return outOfMemory("the arena", plan.arenaBytes);
  }
  s->inputs.resize(sig.inputs.size());
  for (size_t i = 0; i < sig.inputs.size(); ++i) {
    if (!s->inputs[i].allocate(sig.inputs[i].bytes)) {
      return outOfMemory("input '" + sig.inputs[i].name + "'", sig.inputs[i].bytes);
    }
  }
  s->outputs.resize(sig.outputs.size());
  for (size_t i = 0; i < sig.outputs.size(); ++i) {
    if (!s->outputs[i].allocate(sig.outputs[i].bytes)) {
      return outOfMemory("output '" + sig.outputs[i].name + "'", sig.outputs[i].bytes);
    }
  }

  // Every address is fixed from here on: resolve each binding once. The parser checked
  // every index and range against these buffers' sizes.
  auto address = [&](const Binding &b) -> uint8_t * {
    switch (b.space) {
    case BindingSpace::Input:
      return s->inputs[b.index].data();
    case BindingSpace::Output:
      return s->outputs[b.index].data();
    case BindingSpace::Constant:
      return const_cast<uint8_t *>(m.constants()) + b.index;
    case BindingSpace::Arena:
      return s->arena.data() + b.index;
    }
    return nullptr;
  };
  for (const Kernel &k : plan.kernels) {
    s->bufferStart.push_back(s->buffers.size());
    for (const Binding &b : k.bindings) {
      s->buffers.push_back(address(b));
    }
  }
  s->bufferStart.push_back(s->buffers.size());
  for (const Copy &c : plan.copies) {
    s->copies.push_back(CopyStep{s->outputs[c.output].data(), address(c.source),
                                 static_cast<size_t>(c.source.bytes)});
  }

  std::string message;
  s->pool = ThreadPool::create(numThreads, message);
  if (!s->pool) {
    return error(KILN_INTERNAL, message);
  }
  s->info = "cpu, " + std::to_string(numThreads) + (numThreads == 1 ? " thread" : " threads");
  out = std::move(s);
  return nullptr;
}

kilnStatus Session::findInput(const char *name, size_t &index) const {
  const std::vector<TensorDesc> &in = model().signature().inputs;
  for (size_t i = 0; name && i < in.size(); ++i) {
    if (in[i].name == name) {
      index = i;
      return nullptr;
    }
  }
  return error(KILN_NOT_FOUND, std::string("the model has no input named '") +
                                   (name ? name : "(null)") + "' (inputs: " + nameList(in) + ")");
}

kilnStatus Session::findOutput(const char *name, size_t &index) const {
  const std::vector<TensorDesc> &outs = model().signature().outputs;
  for (size_t i = 0; name && i < outs.size(); ++i) {
    if (outs[i].name == name) {
      index = i;
      return nullptr;
    }
  }
  return error(KILN_NOT_FOUND, std::string("the model has no output named '") +
                                   (name ? name : "(null)") + "' (outputs: " + nameList(outs) +
                                   ")");
}

kilnStatus Session::bindInput(size_t index, kilnDType dtype, const int64_t *dims, size_t rank,
                              const void *data, size_t bytes) {
  const std::vector<TensorDesc> &in = model().signature().inputs;
  if (index >= in.size()) {
    return error(KILN_INVALID_ARGUMENT,
                 "input index " + std::to_string(index) + " is out of range: the model has " +
                     std::to_string(in.size()) + " inputs (" + nameList(in) + ")");
  }
  const TensorDesc &t = in[index];
  std::string context = "input '" + t.name + "': ";
  if (rank > 0 && !dims) {
    return error(KILN_INVALID_ARGUMENT,
                 context + "rank " + std::to_string(rank) + " but no dims were given");
  }
  bool same = dtype == t.dtype && rank == t.dims.size();
  for (size_t i = 0; same && i < rank; ++i) {
    same = dims[i] == t.dims[i];
  }
  if (!same) {
    return error(KILN_INVALID_ARGUMENT, context + "expected " + describeDesc(t) + ", got " +
                                            describeTensor(dtype, dims, rank));
  }
  if (bytes != t.bytes) {
    return error(KILN_INVALID_ARGUMENT, context + describeDesc(t) + " is " +
                                            std::to_string(t.bytes) + " bytes, got " +
                                            std::to_string(bytes));
  }
  if (bytes > 0 && !data) {
    return error(KILN_INVALID_ARGUMENT, context + "data is NULL");
  }
  if (kilnStatus s = storeInput(index, data, bytes)) {
    return s;
  }
  bound[index] = true;
  return nullptr;
}

kilnStatus CpuSession::storeInput(size_t index, const void *data, size_t bytes) {
  if (bytes > 0) {
    std::memcpy(inputs[index].data(), data, bytes);
  }
  return nullptr;
}

kilnStatus Session::run() {
  const Model &m = model();
  const Signature &sig = m.signature();
  for (size_t i = 0; i < bound.size(); ++i) {
    if (!bound[i]) {
      return error(KILN_INVALID_ARGUMENT, "input '" + sig.inputs[i].name + "' (" +
                                              describeDesc(sig.inputs[i]) +
                                              ") is not bound; bind every input before running");
    }
  }
  events.clear();
  if (kilnStatus s = execute()) {
    hasRun = false; // the outputs are partly written, or stale
    events.clear();
    return s;
  }
  hasRun = true;
  return nullptr;
}

kilnStatus CpuSession::execute() {
  const Model &m = model();
  const std::vector<Kernel> &kernels = m.plan().kernels;
  for (size_t k = 0; k < kernels.size(); ++k) {
    KernelCall call{m.kernel(k), buffers.data() + bufferStart[k]};
    int64_t start = profiling ? nowNs() : 0;
    pool->parallelFor(kernels[k].workItems, callChunk, &call);
    if (profiling) {
      events.push_back(ProfileEvent{k, start, nowNs()});
    }
  }
  for (const CopyStep &c : copies) {
    if (c.bytes > 0) {
      std::memcpy(c.dst, c.src, c.bytes);
    }
  }
  return nullptr;
}

kilnStatus Session::getOutput(size_t index, const void *&data, size_t &bytes) const {
  const std::vector<TensorDesc> &outs = model().signature().outputs;
  if (index >= outs.size()) {
    return error(KILN_INVALID_ARGUMENT,
                 "output index " + std::to_string(index) + " is out of range: the model has " +
                     std::to_string(outs.size()) + " outputs (" + nameList(outs) + ")");
  }
  if (!hasRun) {
    return error(KILN_INVALID_ARGUMENT,
                 "output '" + outs[index].name + "' is not computed yet: run the session first");
  }
  data = outputData(index);
  bytes = static_cast<size_t>(outs[index].bytes);
  return nullptr;
}

void Session::setProfiling(bool enabled) {
  profiling = enabled;
  events.clear();
  if (enabled) {
    events.reserve(model().plan().kernels.size());
  }
}

} // namespace kiln::runtime
