//===- ThreadPool.cpp - static-split parallel for ---------------------------===//
//
// One mutex and two condition variables: workers sleep until the generation changes,
// take their chunk of the current job (if it has one for them), and the last to finish
// wakes the caller. A worker that has no chunk in a job may sleep through it; it can
// never miss a job it owes work to, because the caller waits for every owed chunk.
//
//===----------------------------------------------------------------------------===//
#include "lib/runtime/ThreadPool.h"

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

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
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
    pending = chunks - 1;
    ++generation;
  }
  workReady.notify_all();
  int64_t begin, end;
  chunkBounds(total, chunks, 0, begin, end);
  fn(context, begin, end);
  std::unique_lock<std::mutex> lock(mutex);
  workDone.wait(lock, [&] { return pending == 0; });
}

void ThreadPool::workerLoop(unsigned index) {
  uint64_t seen = 0;
  for (;;) {
    Job current;
    {
      std::unique_lock<std::mutex> lock(mutex);
      workReady.wait(lock, [&] { return stopping || generation != seen; });
      if (stopping) {
        return;
      }
      seen = generation;
      current = job;
    }
    if (index >= current.chunks) {
      continue;
    }
    int64_t begin, end;
    chunkBounds(current.total, current.chunks, index, begin, end);
    current.fn(current.context, begin, end);
    bool last;
    {
      std::lock_guard<std::mutex> lock(mutex);
      last = --pending == 0;
    }
    if (last) {
      workDone.notify_one();
    }
  }
}

} // namespace kiln::runtime
