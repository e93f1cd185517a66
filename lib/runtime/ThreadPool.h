//===- ThreadPool.h - a session's worker threads ------------------------------===//
//
// Each session owns one pool of N threads: N-1 workers plus the thread that calls run.
// A kernel's work items [0, W) are split statically into min(N, W) contiguous chunks of
// sizes differing by at most one; chunk i runs on thread i (the caller takes chunk 0),
// and parallelFor returns when every chunk is done. Static contiguous chunks keep each
// thread on the same part of the outputs from kernel to kernel (cache locality) and make
// the split reproducible. Why a pool and not OpenMP: docs/runtime.md.
//
// Waiting spins before it sleeps: workers poll for the next job, and the caller for the
// last chunk, for up to kSpinNs before blocking on a condition variable. Kernels of small
// models take microseconds, about what a futex wake-up costs; with blocking only, two
// threads ran the 15 us transformer block slower than one.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_LIB_RUNTIME_THREADPOOL_H
#define KILN_LIB_RUNTIME_THREADPOOL_H

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kiln::runtime {

class ThreadPool {
public:
  using ChunkFn = void (*)(void *context, int64_t begin, int64_t end);

  /// Starts `numThreads - 1` workers (numThreads >= 1); nullptr and a message when the
  /// system refuses a thread.
  static std::unique_ptr<ThreadPool> create(unsigned numThreads, std::string &error);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  unsigned size() const { return numThreads; }

  /// Calls fn(context, begin, end) once per chunk of [0, total) (total >= 0) and waits for
  /// all of them. Not reentrant: one parallelFor at a time per pool.
  void parallelFor(int64_t total, ChunkFn fn, void *context);

  /// Bounds of chunk `i` of `chunks` over [0, total): the first total % chunks chunks get
  /// one item more. Never overflows, for any total >= 0.
  static void chunkBounds(int64_t total, int64_t chunks, int64_t i, int64_t &begin, int64_t &end);

private:
  explicit ThreadPool(unsigned numThreads) : numThreads(numThreads) {}
  void workerLoop(unsigned index);

  struct Job {
    int64_t total = 0;
    int64_t chunks = 0;
    ChunkFn fn = nullptr;
    void *context = nullptr;
  };

  /// How long a waiting thread polls before it sleeps.
  static constexpr int64_t kSpinNs = 50000;

  const unsigned numThreads;
  std::vector<std::thread> workers;
  std::mutex mutex;
  std::condition_variable workReady;
  std::condition_variable workDone;
  Job job;                               // guarded by mutex
  std::atomic<uint64_t> generation{0};   // bumped (under mutex) per parallelFor
  std::atomic<int64_t> pending{0};       // worker chunks not yet finished
  std::atomic<bool> stopping{false};     // set (under mutex) by the destructor
};

} // namespace kiln::runtime

#endif // KILN_LIB_RUNTIME_THREADPOOL_H
