//===- Session.h - one execution context over a shared model ------------------===//
//
// A session owns everything a run writes: its arena, a buffer per input (inputs are
// copied in at bind time) and per output, all allocated once at creation, so the
// per-kernel buffer tables are computed once too. A session is used by one thread at a
// time; many sessions over one model run at once.
//
// `Session` is what the C API sees: it checks every input against the signature, refuses
// runs with unbound inputs and outputs before the first run, and leaves storing, running
// and reading back to its device: `CpuSession` (below: 64-byte aligned host buffers, a
// thread pool) or `CudaSession` (CudaSession.h: device buffers, one stream, the driver).
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_LIB_RUNTIME_SESSION_H
#define KILN_LIB_RUNTIME_SESSION_H

#include "kiln/runtime.h"
#include "lib/runtime/AlignedBuffer.h"
#include "lib/runtime/Model.h"
#include "lib/runtime/ThreadPool.h"

#include <memory>
#include <string>
#include <vector>

namespace kiln::runtime {

struct ProfileEvent {
  size_t kernel;   // index into the plan's kernels
  int64_t startNs; // steady clock
  int64_t endNs;
};

/// What kilnSessionOptions carries.
struct SessionOptions {
  /// KILN_DEVICE_AUTO: the device of the model's target.
  kilnDevice device = KILN_DEVICE_AUTO;
  /// The GPU (cuda); 0 for the CPU.
  int32_t ordinal = 0;
  /// cpu: threads per kernel, the caller included; 0 means one per hardware thread.
  unsigned numThreads = 1;
  /// cuda: capture the kernel launches into a CUDA graph on the first run, replay it after.
  bool cudaGraph = false;
  bool profiling = false;
};

class Session {
public:
  /// Creates the session of `options.device` over `model`. A device other than the
  /// model's target is KILN_INVALID_ARGUMENT ("model was compiled for cpu; run it with
  /// --device=cpu or recompile with --target=cuda").
  static kilnStatus create(std::shared_ptr<const Model> model, const SessionOptions &options,
                           std::unique_ptr<Session> &out);
  virtual ~Session() = default;
  Session(const Session &) = delete;
  Session &operator=(const Session &) = delete;

  const Model &model() const { return *shared; }
  virtual kilnDevice device() const = 0;
  /// Host threads that run each kernel: the pool's size on cpu, 1 on cuda (the calling
  /// thread drives the stream).
  virtual unsigned numThreads() const = 0;
  /// kilnSessionGetDeviceInfo: "cpu, 4 threads", "cuda:0 NVIDIA ... (sm_80), CUBIN ...".
  virtual const std::string &deviceInfo() const = 0;

  /// Copies `bytes` bytes of an input after checking dtype and shape against the
  /// signature; messages name the input and both sides.
  kilnStatus bindInput(size_t index, kilnDType dtype, const int64_t *dims, size_t rank,
                       const void *data, size_t bytes);
  /// Index of the input/output called `name`, or a KILN_NOT_FOUND status listing them.
  kilnStatus findInput(const char *name, size_t &index) const;
  kilnStatus findOutput(const char *name, size_t &index) const;

  /// Runs every kernel in plan order, then the copies. Fails, before running anything,
  /// when an input is unbound.
  kilnStatus run();

  kilnStatus getOutput(size_t index, const void *&data, size_t &bytes) const;

  void setProfiling(bool enabled);
  const std::vector<ProfileEvent> &profile() const { return events; }

protected:
  explicit Session(std::shared_ptr<const Model> model);

  /// Copies a checked input (`bytes` is its exact size, maybe 0) into the session.
  virtual kilnStatus storeInput(size_t index, const void *data, size_t bytes) = 0;
  /// Runs the plan; every input is bound. Appends one event per kernel when profiling.
  virtual kilnStatus execute() = 0;
  /// The host copy of output `index` after a successful run.
  virtual const void *outputData(size_t index) const = 0;

  std::shared_ptr<const Model> shared;
  bool profiling = false;
  std::vector<ProfileEvent> events;

private:
  std::vector<bool> bound;
  bool hasRun = false;
};

/// The CPU executor: kernels from the model's code object over the work items, split on
/// the session's thread pool.
class CpuSession final : public Session {
public:
  /// numThreads: 0 means one per hardware thread.
  static kilnStatus create(std::shared_ptr<const Model> model, unsigned numThreads,
                           std::unique_ptr<Session> &out);

  kilnDevice device() const override { return KILN_DEVICE_CPU; }
  unsigned numThreads() const override { return pool->size(); }
  const std::string &deviceInfo() const override { return info; }

private:
  explicit CpuSession(std::shared_ptr<const Model> model) : Session(std::move(model)) {}
  kilnStatus storeInput(size_t index, const void *data, size_t bytes) override;
  kilnStatus execute() override;
  const void *outputData(size_t index) const override { return outputs[index].data(); }

  struct CopyStep {
    uint8_t *dst;
    const uint8_t *src;
    size_t bytes;
  };

  std::unique_ptr<ThreadPool> pool;
  AlignedBuffer arena;
  std::vector<AlignedBuffer> inputs;
  std::vector<AlignedBuffer> outputs;
  /// Kernel k's buffers are buffers[bufferStart[k] .. bufferStart[k+1]).
  std::vector<void *> buffers;
  std::vector<size_t> bufferStart;
  std::vector<CopyStep> copies;
  std::string info;
};

} // namespace kiln::runtime

#endif // KILN_LIB_RUNTIME_SESSION_H
