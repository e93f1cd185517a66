//===- ThreadPoolTest.cpp - static contiguous split over a session's threads ------===//
#include "lib/runtime/ThreadPool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

using namespace kiln::runtime;

namespace {

struct Chunk {
  int64_t begin, end;
  std::thread::id thread;
  bool operator<(const Chunk &o) const { return begin < o.begin; }
};

struct Recorder {
  std::mutex mutex;
  std::vector<Chunk> chunks;
  static void record(void *self, int64_t begin, int64_t end) {
    Recorder *r = static_cast<Recorder *>(self);
    std::lock_guard<std::mutex> lock(r->mutex);
    r->chunks.push_back({begin, end, std::this_thread::get_id()});
  }
};

TEST(ThreadPool, ChunkBoundsCoverEverythingOnce) {
  const int64_t totals[] = {1, 2, 3, 7, 63, 1000, INT64_MAX};
  for (int64_t total : totals) {
    for (int64_t chunks = 1; chunks <= 9 && chunks <= total; ++chunks) {
      int64_t expectBegin = 0;
      for (int64_t i = 0; i < chunks; ++i) {
        int64_t b, e;
        ThreadPool::chunkBounds(total, chunks, i, b, e);
        EXPECT_EQ(b, expectBegin) << total << "/" << chunks << " chunk " << i;
        int64_t size = e - b;
        EXPECT_TRUE(size == total / chunks || size == total / chunks + 1) << size;
        // Bigger chunks come first.
        EXPECT_EQ(size, total / chunks + (i < total % chunks ? 1 : 0));
        expectBegin = e;
      }
      EXPECT_EQ(expectBegin, total) << total << "/" << chunks;
    }
  }
}

TEST(ThreadPool, ParallelForSplitsStatically) {
  for (unsigned threads = 1; threads <= 4; ++threads) {
    std::string error;
    std::unique_ptr<ThreadPool> pool = ThreadPool::create(threads, error);
    ASSERT_NE(pool, nullptr) << error;
    EXPECT_EQ(pool->size(), threads);
    for (int64_t total : {0, 1, 2, 3, 5, 63, 1000}) {
      Recorder r;
      pool->parallelFor(total, &Recorder::record, &r);
      int64_t chunks = std::min<int64_t>(total, threads);
      ASSERT_EQ(static_cast<int64_t>(r.chunks.size()), chunks) << threads << " " << total;
      std::sort(r.chunks.begin(), r.chunks.end());
      std::set<std::thread::id> ids;
      for (int64_t i = 0; i < chunks; ++i) {
        int64_t b, e;
        ThreadPool::chunkBounds(total, chunks, i, b, e);
        EXPECT_EQ(r.chunks[i].begin, b);
        EXPECT_EQ(r.chunks[i].end, e);
        ids.insert(r.chunks[i].thread);
      }
      if (chunks > 0) {
        // The caller takes chunk 0 and every chunk has its own thread.
        EXPECT_EQ(r.chunks[0].thread, std::this_thread::get_id());
        EXPECT_EQ(static_cast<int64_t>(ids.size()), chunks);
      }
    }
  }
  std::string error;
  EXPECT_EQ(ThreadPool::create(0, error), nullptr);
  EXPECT_NE(error.find("at least one thread"), std::string::npos) << error;
}

TEST(ThreadPool, ManyBackToBackJobs) {
  // Exercises the wake-up protocol: jobs alternate between using every worker and only
  // some, so idle workers sleep through jobs that owe them nothing.
  std::string error;
  std::unique_ptr<ThreadPool> pool = ThreadPool::create(4, error);
  ASSERT_NE(pool, nullptr) << error;
  std::atomic<int64_t> sum{0};
  struct Ctx {
    std::atomic<int64_t> *sum;
  } ctx{&sum};
  auto add = [](void *c, int64_t b, int64_t e) {
    int64_t s = 0;
    for (int64_t i = b; i < e; ++i) {
      s += i;
    }
    *static_cast<Ctx *>(c)->sum += s;
  };
  int64_t expected = 0;
  for (int job = 0; job < 5000; ++job) {
    int64_t total = 1 + job % 7;
    pool->parallelFor(total, add, &ctx);
    expected += total * (total - 1) / 2;
  }
  EXPECT_EQ(sum.load(), expected);
}

TEST(ThreadPool, JobsAfterIdleGapsAndSlowChunks) {
  // Waiting polls, then sleeps: gaps between jobs longer than the polling window put the
  // workers to sleep (the condition-variable path), short ones catch them polling; a
  // slow worker chunk makes the caller stop polling and block until it is woken. Every
  // job must still run every chunk exactly once.
  std::string error;
  std::unique_ptr<ThreadPool> pool = ThreadPool::create(3, error);
  ASSERT_NE(pool, nullptr) << error;
  struct Ctx {
    std::atomic<int64_t> items{0};
    bool slowWorker = false;
  } ctx;
  auto count = [](void *c, int64_t b, int64_t e) {
    auto *x = static_cast<Ctx *>(c);
    if (x->slowWorker && b > 0) {
      std::this_thread::sleep_for(std::chrono::microseconds(300));
    }
    x->items += e - b;
  };
  int64_t expected = 0;
  for (int job = 0; job < 60; ++job) {
    ctx.slowWorker = job % 3 == 1;
    pool->parallelFor(3 + job % 5, count, &ctx);
    expected += 3 + job % 5;
    ASSERT_EQ(ctx.items.load(), expected) << "job " << job;
    if (job % 2 == 0) {
      std::this_thread::sleep_for(std::chrono::microseconds(job % 4 == 0 ? 500 : 5));
    }
  }
}

} // namespace
