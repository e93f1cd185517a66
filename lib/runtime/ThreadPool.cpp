//===- ThreadPool.cpp - static-split parallel for ---------------------------===//
//
// One mutex and two condition variables: workers wait until the generation changes,
// take their chunk of the current job (if it has one for them), and the last to finish
// wakes the caller. A worker that has no chunk in a job may sleep through it; it can
// never miss a job it owes work to, because the caller waits for every owed chunk.
//
// Every wait first polls its condition (generation, pending) for up to kSpinNs, then
// blocks. The conditions are atomics so that polling takes no lock; they still change
// under the mutex (or, for pending, are followed by a notify under it), so a thread that
// blocks cannot miss the change it waits for.
//
//===----------------------------------------------------------------------------===//
#include "lib/runtime/ThreadPool.h"

#include <chrono>
#include <system_error>

namespace kiln::runtime {

std::unique_ptr<ThreadPool> ThreadPool::create(unsigned numThreads, std::string &error) {
  if (numThreads == 0) {
    error = "a thread pool needs at least one thread";
    return nullptr;
  }
  std::unique_ptr<ThreadPool> pool(new ThreadPool(numThreads));
  try {
    pool->workers.reserve(numThreads - 1);
    for (unsigned i = 1; i < numThreads; ++i) {
      pool->workers.emplace_back(&ThreadPool::workerLoop, pool.get(), i);
    }
  } catch (const std::system_error &e) {
    error = "cannot start " + std::to_string(numThreads - 1) + " worker threads (" +
            std::to_string(pool->workers.size()) + " started): " + e.what();
    return nullptr; // the destructor joins the ones that started
  }
  return pool;
}

namespace {

/// One polling step's pause (lets the sibling hyper-thread run).
inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

/// Polls `ready` for up to `ns` nanoseconds; whether it became true.
template <typename Pred>
bool spinUntil(Pred ready, int64_t ns) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(ns);
  for (unsigned i = 1;; ++i) {
    if (ready()) {
      return true;
    }
    cpuRelax();
    if (i % 64 == 0 && std::chrono::steady_clock::now() > deadline) {
      return ready();
    }
  }
}

} // namespace

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping.store(true, std::memory_order_release);
  }
  workReady.notify_all();
  for (std::thread &t : workers) {
    t.join();
  }
}

void ThreadPool::chunkBounds(int64_t total, int64_t chunks, int64_t i, int64_t &begin,
                             int64_t &end) {
  int64_t base = total / chunks;
  int64_t extra = total % chunks;
  // i * base <= total and i, extra < chunks, so nothing here overflows.
  begin = i * base + (i < extra ? i : extra);
  end = begin + base + (i < extra ? 1 : 0);
}

void ThreadPool::parallelFor(int64_t total, ChunkFn fn, void *context) {
  if (total <= 0) {
    return;
  }
  int64_t chunks = total < static_cast<int64_t>(numThreads) ? total : numThreads;
  if (chunks == 1) {
    fn(context, 0, total);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex);
    job = Job{total, chunks, fn, context};
    pending.store(chunks - 1, std::memory_order_relaxed);
    generation.fetch_add(1, std::memory_order_release);
  }
  workReady.notify_all();
  int64_t begin, end;
  chunkBounds(total, chunks, 0, begin, end);
  fn(context, begin, end);
  auto done = [&] { return pending.load(std::memory_order_acquire) == 0; };
  if (!spinUntil(done, kSpinNs)) {
    std::unique_lock<std::mutex> lock(mutex);
    workDone.wait(lock, done);
  }
}

void ThreadPool::workerLoop(unsigned index) {
  uint64_t seen = 0;
  for (;;) {
    auto woken = [&] {
      return stopping.load(std::memory_order_acquire) ||
             generation.load(std::memory_order_acquire) != seen;
    };
    if (!spinUntil(woken, kSpinNs)) {
      std::unique_lock<std::mutex> lock(mutex);
      workReady.wait(lock, woken);
    }
    Job current;
    {
      // The job is read under the mutex: a worker with no chunk in this job may still be
      // here when the caller writes the next one.
      std::lock_guard<std::mutex> lock(mutex);
      if (stopping.load(std::memory_order_relaxed)) {
        return;
      }
      seen = generation.load(std::memory_order_relaxed);
      current = job;
    }
    if (index >= current.chunks) {
      continue;
    }
    int64_t begin, end;
    chunkBounds(current.total, current.chunks, index, begin, end);
    current.fn(current.context, begin, end);
    if (pending.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      // Under the mutex: the caller either saw pending reach 0 or is blocked and woken.
      std::lock_guard<std::mutex> lock(mutex);
      workDone.notify_one();
    }
  }
}

} // namespace kiln::runtime
