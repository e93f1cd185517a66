//===- Session.h - one execution context over a shared model ------------------===//
//
// A session owns everything a run writes: its arena, a buffer per input (inputs are
// copied in at bind time) and per output, all 64-byte aligned and allocated once at
// creation, so the per-kernel buffer tables are computed once too. It owns its thread
// pool. A session is used by one thread at a time; many sessions over one model run at
// once.
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

class Session {
public:
  /// numThreads: 0 means one per hardware thread.
  static kilnStatus create(std::shared_ptr<const Model> model, unsigned numThreads,
                           std::unique_ptr<Session> &out);

  const Model &model() const { return *shared; }
  unsigned numThreads() const { return pool->size(); }

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

private:
  Session() = default;

  struct CopyStep {
    uint8_t *dst;
    const uint8_t *src;
    size_t bytes;
  };

  std::shared_ptr<const Model> shared;
  std::unique_ptr<ThreadPool> pool;
  AlignedBuffer arena;
  std::vector<AlignedBuffer> inputs;
  std::vector<bool> bound;
  std::vector<AlignedBuffer> outputs;
  /// Kernel k's buffers are buffers[bufferStart[k] .. bufferStart[k+1]).
  std::vector<void *> buffers;
  std::vector<size_t> bufferStart;
  std::vector<CopyStep> copies;
  bool profiling = false;
  bool hasRun = false;
  std::vector<ProfileEvent> events;
};

} // namespace kiln::runtime

#endif // KILN_LIB_RUNTIME_SESSION_H
