//===- CudaEmulator.cpp - runs kiln's CUDA kernels on the host, thread by thread ===//
//
// See CudaEmulator.h for the semantics. The threads of a block are fibers with their own
// stacks; kiln_emu_switch saves the callee-saved registers, MXCSR and the x87 control
// word on the current stack and moves to another (no system call, unlike swapcontext);
// under ASan each switch is announced to it (__sanitizer_start/finish_switch_fiber).
// A thread runs until it must wait (a barrier, a warp operation whose lanes have not
// all arrived), then the scheduler resumes the next one; waits re-check their condition
// when resumed. A full round of the block with no thread arriving anywhere or exiting is
// a deadlock.
//
//===----------------------------------------------------------------------------===//
#include "test/unit/runtime/CudaEmulator.h"
#include "lib/runtime/CudaEmulationAbi.h"
#include "test/unit/runtime/FakeCudaDriver.h"

#include <dlfcn.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#define KILN_EMU_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KILN_EMU_ASAN 1
#endif
#endif
#ifdef KILN_EMU_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

#include <algorithm>
#include <bitset>
#include <cfenv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <type_traits>
#include <utility>
#include <vector>

namespace abi = kiln::runtime::emu;

extern "C" void kiln_emu_switch(void **save, void *load);
extern "C" void kiln_emu_trampoline();

// kiln_emu_switch(save, load): pushes rbp rbx r12-r15 and MXCSR/FPCW, stores rsp to
// *save, loads `load` as rsp, pops the same. kiln_emu_trampoline starts a fiber: the
// initial frame pops the function into r13 and its argument into r12.
asm(R"(
  .text
  .globl kiln_emu_switch
  .hidden kiln_emu_switch
  .type kiln_emu_switch,@function
kiln_emu_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $8, %rsp
  stmxcsr (%rsp)
  fnstcw 4(%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr (%rsp)
  fldcw 4(%rsp)
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size kiln_emu_switch, .-kiln_emu_switch

  .globl kiln_emu_trampoline
  .hidden kiln_emu_trampoline
  .type kiln_emu_trampoline,@function
kiln_emu_trampoline:
  movq %r12, %rdi
  callq *%r13
  ud2
  .size kiln_emu_trampoline, .-kiln_emu_trampoline
)");

namespace kiln::emu {

struct Program {
  void *handle = nullptr;
  std::string arch;
  std::map<std::string, const abi::Kernel *> kernels;
  const abi::Variable *variables = nullptr;
  int variableCount = 0;
  ~Program() {
    if (handle) {
      dlclose(handle);
    }
  }
};

namespace {

//===----------------------------------------------------------------------===//
// Launch state
//===----------------------------------------------------------------------===//

struct Copy {
  char *dst;
  const char *src;
  uint32_t bytes;
  uint32_t srcBytes;
  uint64_t issued; // the sync epoch it was issued in (racecheck)
};

/// PTX's commit groups (cp.async, wgmma): operations issued since the last commit, then
/// one group per commit, oldest first, until a wait retires them.
template <typename T> struct CommitGroups {
  std::vector<T> open;
  std::deque<std::vector<T>> committed;
  void commit() {
    committed.push_back(std::move(open));
    open.clear();
  }
  /// Retires all but the `keep` most recent groups, oldest first, through `retire`.
  template <typename F> void retireAllBut(size_t keep, F retire) {
    while (committed.size() > keep) {
      retire(committed.front());
      committed.pop_front();
    }
  }
};

struct Thread {
  void *sp = nullptr;
  unsigned tid[3] = {0, 0, 0};
  unsigned linear = 0, warp = 0, lane = 0;
  bool done = false;
  void *fakeStack = nullptr;     // ASan's, while the thread is switched out
  const char *waiting = nullptr; // what it waits at, for the deadlock report
  CommitGroups<Copy> copies; // cp.async
  // This thread's wgmma operations, by number (Launch::wgmmaReads).
  CommitGroups<uint64_t> wgmmas;
};

/// Where the lanes of a warp meet for one warp-wide operation: operands written on
/// arrival, results by the last lane to arrive, read on departure.
struct WarpMeet {
  int arrived = 0;
  uint64_t generation = 0;
  const char *op = nullptr;
  uint32_t mask = 0;
  uint32_t value[32], b[32], c[32], out[32];
  const char *address[32];
  uint32_t regs[32][4];
  float A[16][16], B[16][8], C[16][8], D[16][8];
};

struct BarrierState {
  int arrived = 0;
  uint64_t generation = 0;
};

/// One TMA copy (cp.async.bulk.tensor) waiting to land: the map as it was read at issue,
/// the box's first coordinates (innermost first) and its shared-memory destination.
struct BulkCopy {
  KilnFakeTensorMap map;
  int32_t coords[5];
  char *dst;
  uint64_t bytes;
};

/// An mbarrier: the phase in progress, the arrivals and transaction bytes it still
/// waits for, and the TMA copies that will complete its bytes.
struct MBarrier {
  uint32_t expected = 0;
  int64_t pending = 0, tx = 0;
  uint64_t phase = 0;
  std::vector<BulkCopy> copies;
};

/// Where the 128 threads of a warpgroup meet for wgmma.mma_async: every thread's
/// accumulator fragment in, the product's out.
struct WarpgroupMeet {
  int arrived = 0;
  uint64_t generation = 0;
  const char *op = nullptr;
  uint64_t operands[3] = {0, 0, 0}; // descriptors of A (0 from registers) and B, the immediates
  // 128 fragments in and out: a thread that has its result may arrive at the next
  // wgmma before the others have read theirs. aRegs: A's 4 registers per thread, when
  // A comes from registers.
  std::vector<float> in, out;
  std::vector<uint32_t> aRegs;
};

/// The shared memory [lo, hi) of A and B that a wgmma reads, until wgmma.wait_group
/// retires it. A thread may overwrite it once it has retired the wgmma itself, or once
/// every thread of the warpgroup has (and told it, through a barrier or an mbarrier: the
/// release of a pipeline stage).
struct WgmmaReads {
  std::pair<const char *, const char *> spans[2];
  unsigned group = 0;         // the warpgroup
  std::bitset<128> retiredBy; // its threads that have retired it
};

struct Launch {
  const Program *program = nullptr;
  const abi::Kernel *kernel = nullptr;
  unsigned grid[3], block[3], ctaid[3];
  unsigned sharedBytes = 0;
  void **params = nullptr;
  const DeviceMemoryCheck *device = nullptr;
  std::vector<Thread> threads;
  std::vector<WarpMeet> warps;
  std::vector<WarpgroupMeet> warpgroups;
  std::map<const char *, MBarrier> mbarriers;
  std::map<uint64_t, WgmmaReads> wgmmaReads; // by the wgmma's number in the block
  uint64_t wgmmaCount = 0;
  BarrierState barriers[16];
  // Racecheck: on unless KILN_EMU_RACECHECK=0; the shared memory the shadow covers; per
  // warp, its warp-wide operations of all 32 lanes so far.
  bool racecheck = true;
  const char *sharedBase = nullptr, *sharedEnd = nullptr;
  std::vector<uint64_t> warpClocks;
  int live = 0;
  uint64_t progress = 0;
  Thread *current = nullptr;
  void *schedulerSp = nullptr;
  void *schedulerFakeStack = nullptr; // ASan's view of the scheduler's stack
  const void *schedulerBottom = nullptr;
  size_t schedulerSize = 0;
  bool failed = false;
  std::string error;
  std::chrono::steady_clock::time_point deadline;
  uint64_t checks = 0;
};

Launch *gLaunch = nullptr;

/// Sync epochs: a block's start and every barrier it completes begin a new one. Counted
/// over all blocks and launches, so whatever an earlier block did is older than any
/// access of this one.
uint64_t gEpoch = 0;

constexpr size_t kStackBytes = 256 * 1024;
constexpr size_t kGuardBytes = 4096;
std::vector<char *> gStacks;

char *stackTop(size_t i) {
  while (gStacks.size() <= i) {
    void *p = mmap(nullptr, kStackBytes + kGuardBytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
      std::fprintf(stderr, "kiln cuda emulator: cannot map a thread stack\n");
      std::abort();
    }
    mprotect(p, kGuardBytes, PROT_NONE);
    gStacks.push_back(static_cast<char *>(p));
  }
  return gStacks[i] + kGuardBytes + kStackBytes;
}

std::string where() {
  const Launch &L = *gLaunch;
  char text[256];
  std::snprintf(text, sizeof(text), "kernel %s, block (%u,%u,%u), thread (%u,%u,%u)",
                L.kernel->name, L.ctaid[0], L.ctaid[1], L.ctaid[2], L.current->tid[0],
                L.current->tid[1], L.current->tid[2]);
  return text;
}

/// ASan's view of a stack switch, which it cannot see in kiln_emu_switch: before it,
/// the stack being switched to; after it, the fake stack (detect_stack_use_after_return)
/// of the one switched back to. Nothing without ASan.
void beginSwitch(void **fakeStackSave, const void *bottom, size_t size) {
#ifdef KILN_EMU_ASAN
  __sanitizer_start_switch_fiber(fakeStackSave, bottom, size);
#else
  (void)fakeStackSave, (void)bottom, (void)size;
#endif
}
void endSwitch(void *fakeStack, const void **oldBottom, size_t *oldSize) {
#ifdef KILN_EMU_ASAN
  __sanitizer_finish_switch_fiber(fakeStack, oldBottom, oldSize);
#else
  (void)fakeStack, (void)oldBottom, (void)oldSize;
#endif
}

/// Back to the scheduler, to be resumed where it left off.
void yield() {
  Launch &L = *gLaunch;
  Thread &t = *L.current;
  beginSwitch(&t.fakeStack, L.schedulerBottom, L.schedulerSize);
  kiln_emu_switch(&t.sp, L.schedulerSp);
  endSwitch(t.fakeStack, nullptr, nullptr);
}

/// Back to the scheduler for good (the thread exited or failed).
[[noreturn]] void leave() {
  Launch &L = *gLaunch;
  beginSwitch(nullptr, L.schedulerBottom, L.schedulerSize);
  kiln_emu_switch(&L.current->sp, L.schedulerSp);
  __builtin_unreachable();
}

/// Lets the other threads run until `generation` (of a barrier or a meeting point) moves
/// on; `what` names the wait in a deadlock report.
void awaitNext(const uint64_t &generation, const char *what) {
  uint64_t seen = generation;
  gLaunch->current->waiting = what;
  while (generation == seen) {
    yield();
  }
  gLaunch->current->waiting = nullptr;
}

/// Stops the launch: the thread never resumes.
[[noreturn]] void fail(const std::string &what) {
  gLaunch->failed = true;
  gLaunch->error = where() + ": " + what;
  leave();
}

template <typename T> T arg(const void *args, int i) {
  T v;
  std::memcpy(&v, static_cast<const char *>(args) + 16 * i, sizeof(T));
  return v;
}

template <typename T> void put(void *result, int i, T v) {
  std::memcpy(static_cast<char *>(result) + sizeof(T) * i, &v, sizeof(T));
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

/// 1: inside shared memory; 0: not shared memory; -1: in the dynamic variable but past
/// the launch's size.
int inShared(const char *p, uint64_t n) {
  const Launch &L = *gLaunch;
  for (int i = 0; i < L.program->variableCount; ++i) {
    const abi::Variable &v = L.program->variables[i];
    const char *lo = static_cast<const char *>(v.address);
    if (v.kind == abi::kGlobal || p < lo || p >= lo + v.bytes) {
      continue;
    }
    uint64_t size = v.kind == abi::kDynamicShared ? L.sharedBytes : v.bytes;
    return uint64_t(p - lo) + n <= size ? 1 : -1;
  }
  return 0;
}

/// Whether [p, p + n) lies in one of the kernels' own constants.
bool inModuleGlobal(const char *p, uint64_t n) {
  const Launch &L = *gLaunch;
  for (int i = 0; i < L.program->variableCount; ++i) {
    const abi::Variable &v = L.program->variables[i];
    const char *lo = static_cast<const char *>(v.address);
    if (v.kind == abi::kGlobal && p >= lo && uint64_t(p - lo) + n <= v.bytes) {
      return true;
    }
  }
  return false;
}

bool onStack(const char *p, uint64_t n) {
  const char *top = stackTop(gLaunch->current->linear);
  return p >= top - kStackBytes && p + n <= top;
}

/// Fails unless [p, p + n) is device memory, the block's shared memory, the thread's
/// stack or a module constant; returns whether it is shared memory.
bool checkAccess(const char *p, uint64_t n, const char *what) {
  Launch &L = *gLaunch;
  if (++L.checks % 65536 == 0 && std::chrono::steady_clock::now() > L.deadline) {
    fail("the launch ran past KILN_EMU_TIMEOUT_S (a hang, or a grid too large to emulate)");
  }
  int shared = inShared(p, n);
  if (shared == 1) {
    return true;
  }
  if (shared == 0 && (onStack(p, n) || (*L.device)(reinterpret_cast<uintptr_t>(p), n) ||
                      inModuleGlobal(p, n))) {
    return false;
  }
  char text[256];
  std::snprintf(text, sizeof(text), "%s of %llu bytes at %p %s", what,
                static_cast<unsigned long long>(n), static_cast<const void *>(p),
                shared < 0 ? "past the launch's dynamic shared memory"
                           : "outside device memory, shared memory and the thread's stack");
  fail(text);
}

//===----------------------------------------------------------------------===//
// Racecheck
//===----------------------------------------------------------------------===//
//
// Per byte of shared memory, the last write and the reads since, each with its sync
// epoch. Two accesses of one byte by different threads, at least one a write, in the
// same epoch are a hazard: no barrier orders them, so a GPU may run them either way
// round (whatever order the fibers happened to take). Lanes of one warp are ordered
// by a warp-wide operation of all 32 lanes between them (shfl.sync, ldmatrix,
// mma.sync). A cp.async write may land any time from its issue to the wait that
// retires it: it conflicts with another thread's access in any epoch of that span.
// Atomics, TMA copies and wgmma reads are not tracked (mbarriers order those; the
// wgmma claim on shared memory is checked apart).

struct Access {
  uint64_t epoch = 0;
  uint64_t warpClock = 0; // the warp's clock at the access (reads: the latest)
  int32_t thread = -1;    // reads: -1 when several threads read in the epoch
  int32_t warp = -1;      // reads: -1 when threads of several warps read
};
struct ShadowByte {
  Access write, read;
};
std::vector<ShadowByte> gShadow;

std::string threadName(unsigned linear) {
  const Launch &L = *gLaunch;
  return "thread (" + std::to_string(linear % L.block[0]) + "," +
         std::to_string(linear / L.block[0] % L.block[1]) + "," +
         std::to_string(linear / (L.block[0] * L.block[1])) + ")";
}

/// Where byte `p` of shared memory is: the variable and the offset in it.
std::string sharedPlace(const char *p) {
  const Launch &L = *gLaunch;
  for (int i = 0; i < L.program->variableCount; ++i) {
    const abi::Variable &v = L.program->variables[i];
    const char *lo = static_cast<const char *>(v.address);
    if (v.kind != abi::kGlobal && p >= lo && p < lo + v.bytes) {
      return "byte " + std::to_string(p - lo) + " of " +
             (v.kind == abi::kDynamicShared ? std::string("the dynamic shared memory")
                                            : "static shared variable " + std::to_string(i));
    }
  }
  return "shared memory";
}

/// The shared-memory span the shadow covers, sized for this launch's program.
void prepareShadow(Launch &L) {
  L.sharedBase = L.sharedEnd = nullptr;
  for (int i = 0; i < L.program->variableCount; ++i) {
    const abi::Variable &v = L.program->variables[i];
    const char *lo = static_cast<const char *>(v.address);
    if (v.kind == abi::kGlobal) {
      continue;
    }
    if (!L.sharedBase || lo < L.sharedBase) {
      L.sharedBase = lo;
    }
    L.sharedEnd = std::max(L.sharedEnd, lo + v.bytes);
  }
  if (L.sharedBase && gShadow.size() < size_t(L.sharedEnd - L.sharedBase)) {
    gShadow.resize(L.sharedEnd - L.sharedBase);
  }
}

/// Records thread `thread`'s access of shared bytes [p, p + n) and fails on a hazard
/// with an access of another thread since epoch `since` (the current one for a plain
/// access, the issue for a landing cp.async, which `async` says).
void sharedAccess(const char *p, uint64_t n, bool write, unsigned thread, uint64_t since,
                  bool async) {
  Launch &L = *gLaunch;
  if (!L.racecheck || p < L.sharedBase || p + n > L.sharedEnd) {
    return;
  }
  const unsigned warp = thread / 32;
  const uint64_t clock = L.warpClocks[warp];
  // Whether `a`, by another thread of this warp, came before a warp-wide operation.
  auto warpOrdered = [&](const Access &a) {
    return !async && a.warp == int32_t(warp) && a.warpClock < clock;
  };
  auto report = [&](const char *at, const Access &other, const char *otherWhat) {
    std::string subject = threadName(thread);
    std::string text =
        "racecheck: " +
        (async ? "a cp.async of " + subject + " writes " + sharedPlace(at) +
                     " (it lands any time from its issue to its wait)"
               : subject + (write ? " writes " : " reads ") + sharedPlace(at)) +
        ", which " + (other.thread < 0 ? "several threads" : threadName(other.thread)) + " " +
        otherWhat + (async ? " since that issue" : " in the same barrier interval") +
        ": nothing orders the two (a barrier between them is missing)";
    fail(text);
  };
  ShadowByte *shadow = &gShadow[p - L.sharedBase];
  for (uint64_t i = 0; i < n; ++i) {
    ShadowByte &b = shadow[i];
    if (b.write.epoch >= since && b.write.thread != int32_t(thread) && !warpOrdered(b.write)) {
      report(p + i, b.write, "wrote");
    }
    if (write) {
      if (b.read.epoch >= since && b.read.thread != int32_t(thread) && !warpOrdered(b.read)) {
        report(p + i, b.read, "read");
      }
      b.write = {gEpoch, clock, int32_t(thread), int32_t(warp)};
    } else if (b.read.epoch != gEpoch) {
      b.read = {gEpoch, clock, int32_t(thread), int32_t(warp)};
    } else {
      b.read.warpClock = clock;
      b.read.thread = b.read.thread == int32_t(thread) ? b.read.thread : -1;
      b.read.warp = b.read.warp == int32_t(warp) ? b.read.warp : -1;
    }
  }
}

void checkNoWgmmaReads(const char *dst, uint64_t bytes, const char *op);

void accessImport(void *, const void *args) {
  const char *p = arg<const char *>(args, 0);
  uint64_t n = arg<uint64_t>(args, 1);
  int32_t flags = arg<int32_t>(args, 2);
  bool shared = checkAccess(p, n, flags == abi::kStore  ? "a store"
                                  : flags == abi::kLoad ? "a load"
                                                        : "an atomic");
  if (shared && (flags & abi::kStore) && !gLaunch->wgmmaReads.empty()) {
    checkNoWgmmaReads(p, n, flags == abi::kStore ? "a store" : "an atomic");
  }
  if (shared && (flags == abi::kStore || flags == abi::kLoad)) {
    sharedAccess(p, n, flags == abi::kStore, gLaunch->current->linear, gEpoch, false);
  }
}

//===----------------------------------------------------------------------===//
// Thread ids, barriers
//===----------------------------------------------------------------------===//

template <int Kind, int Dim> void sreg(void *result, const void *) {
  const Launch &L = *gLaunch;
  const unsigned *v = Kind == 0 ? L.current->tid : Kind == 1 ? L.block : Kind == 2 ? L.ctaid : L.grid;
  put<uint32_t>(result, 0, v[Dim]);
}

void laneId(void *result, const void *) { put<uint32_t>(result, 0, gLaunch->current->lane); }
void warpSize(void *result, const void *) { put<uint32_t>(result, 0, 32); }

void barrierWait(unsigned id) {
  Launch &L = *gLaunch;
  if (id >= 16) {
    fail("barrier " + std::to_string(id) + " (PTX has 16)");
  }
  BarrierState &b = L.barriers[id];
  ++b.arrived;
  ++L.progress;
  if (b.arrived == L.live) {
    b.arrived = 0;
    ++b.generation;
    ++gEpoch;
    return;
  }
  awaitNext(b.generation, "a barrier");
}

void barrier0(void *, const void *) { barrierWait(0); }
void barrierId(void *, const void *args) { barrierWait(arg<uint32_t>(args, 0)); }

//===----------------------------------------------------------------------===//
// Warp operations
//===----------------------------------------------------------------------===//

template <typename Arrive, typename Complete, typename Depart>
void meet(const char *op, uint32_t mask, Arrive arrive, Complete complete, Depart depart) {
  Launch &L = *gLaunch;
  Thread &t = *L.current;
  WarpMeet &w = L.warps[t.warp];
  if (!(mask >> t.lane & 1)) {
    fail(std::string(op) + " with a mask that leaves out the calling lane");
  }
  if (w.arrived == 0) {
    w.op = op;
    w.mask = mask;
  } else if (std::strcmp(w.op, op) != 0 || w.mask != mask) {
    char text[256];
    std::snprintf(text, sizeof(text),
                  "lanes of warp %u meet at different warp operations: this lane at %s "
                  "(mask %08x), others at %s (mask %08x)",
                  t.warp, op, mask, w.op, w.mask);
    fail(text);
  }
  int expected = 0;
  for (unsigned lane = 0; lane < 32; ++lane) {
    if (!(mask >> lane & 1)) {
      continue;
    }
    unsigned linear = t.warp * 32 + lane;
    if (linear >= L.threads.size() || L.threads[linear].done) {
      fail(std::string(op) + ": lane " + std::to_string(lane) + " of the mask " +
           (linear >= L.threads.size() ? "is not in the block" : "has exited"));
    }
    ++expected;
  }
  arrive(w, t.lane);
  ++w.arrived;
  ++L.progress;
  if (w.arrived == expected) {
    if (mask == 0xffffffffu) {
      ++L.warpClocks[t.warp]; // orders the lanes' shared-memory accesses (racecheck)
    }
    complete(w);
    w.arrived = 0;
    ++w.generation;
  } else {
    awaitNext(w.generation, op);
  }
  depart(w, t.lane);
}

/// shfl.sync: mode 0 up, 1 down, 2 bfly, 3 idx.
template <int Mode, bool WithPredicate> void shfl(void *result, const void *args) {
  static const char *names[] = {"shfl.sync.up", "shfl.sync.down", "shfl.sync.bfly",
                                "shfl.sync.idx"};
  uint32_t mask = arg<uint32_t>(args, 0);
  uint32_t value = arg<uint32_t>(args, 1), b = arg<uint32_t>(args, 2), c = arg<uint32_t>(args, 3);
  bool inRange = false;
  meet(
      names[Mode], mask,
      [&](WarpMeet &w, unsigned lane) {
        w.value[lane] = value;
        w.b[lane] = b;
        w.c[lane] = c;
      },
      [](WarpMeet &w) {
        for (unsigned lane = 0; lane < 32; ++lane) {
          if (!(w.mask >> lane & 1)) {
            continue;
          }
          uint32_t bl = w.b[lane], cl = w.c[lane];
          uint32_t clamp = cl & 0x1f, seg = (cl >> 8) & 0x1f;
          int maxLane = int((lane & seg) | (clamp & ~seg)), minLane = int(lane & seg);
          int j = int(lane);
          bool p = false;
          if (Mode == 0) {
            j = int(lane) - int(bl);
            p = j >= maxLane;
          } else if (Mode == 1) {
            j = int(lane) + int(bl);
            p = j <= maxLane;
          } else if (Mode == 2) {
            j = int(lane ^ bl);
            p = j <= maxLane;
          } else {
            j = minLane | int(bl & ~seg);
            p = j <= maxLane;
          }
          if (!p || j < 0 || j > 31 || !(w.mask >> j & 1)) {
            j = int(lane);
          }
          w.out[lane] = w.value[j];
          w.regs[lane][0] = p;
        }
      },
      [&](WarpMeet &w, unsigned lane) {
        put<uint32_t>(result, 0, w.out[lane]);
        inRange = w.regs[lane][0];
      });
  if (WithPredicate) {
    put<uint8_t>(result, 4, inRange);
  }
}

/// ldmatrix.sync.aligned.m8n8.x{1,2,4}[.trans].b16: lane 8m + r gives the address of row
/// r of matrix m; register m of lane l holds row l/4, columns 2(l%4) and 2(l%4)+1 (of
/// the transposed matrix with .trans).
template <int Count, bool Trans> void ldmatrix(void *result, const void *args) {
  const char *address = arg<const char *>(args, 0);
  meet(
      Trans ? "ldmatrix.trans" : "ldmatrix", 0xffffffffu,
      [&](WarpMeet &w, unsigned lane) {
        if (lane < 8 * Count) {
          if (reinterpret_cast<uintptr_t>(address) % 16 != 0) {
            fail("ldmatrix: a row address that is not 16-byte aligned");
          }
          if (inShared(address, 16) != 1) {
            fail("ldmatrix: a row address outside the block's shared memory");
          }
        }
        w.address[lane] = address;
      },
      [](WarpMeet &w) {
        const unsigned warp = gLaunch->current->warp;
        for (unsigned lane = 0; lane < 8 * Count; ++lane) {
          sharedAccess(w.address[lane], 16, false, 32 * warp + lane, gEpoch, false);
        }
        auto element = [&](int m, int row, int col) {
          uint16_t v;
          std::memcpy(&v, w.address[8 * m + row] + 2 * col, 2);
          return uint32_t(v);
        };
        for (unsigned lane = 0; lane < 32; ++lane) {
          for (int m = 0; m < Count; ++m) {
            int r = lane / 4, c = 2 * (lane % 4);
            w.regs[lane][m] = Trans ? element(m, c, r) | element(m, c + 1, r) << 16
                                    : element(m, r, c) | element(m, r, c + 1) << 16;
          }
        }
      },
      [&](WarpMeet &w, unsigned lane) {
        for (int m = 0; m < Count; ++m) {
          put<uint32_t>(result, m, w.regs[lane][m]);
        }
      });
}

float fromBf16(uint32_t bits) {
  uint32_t v = bits << 16;
  float f;
  std::memcpy(&f, &v, 4);
  return f;
}

float fromF16(uint32_t h) {
  uint32_t sign = (h & 0x8000) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ff, bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000 | (mant << 13);
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  } else if (mant == 0) {
    bits = sign;
  } else {
    int e = -1;
    do {
      ++e;
      mant <<= 1;
    } while (!(mant & 0x400));
    bits = sign | ((112 - e) << 23) | ((mant & 0x3ff) << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

float fromTf32(uint32_t bits) {
  uint32_t v = bits & 0xffffe000u; // the tensor core reads 10 mantissa bits
  float f;
  std::memcpy(&f, &v, 4);
  return f;
}

/// mma.sync.aligned.m16n8k16.row.col (Kind 0: bf16, 1: f16) and m16n8k8 tf32 (Kind 2),
/// f32 accumulators. Fragment layouts of the PTX ISA; g = lane / 4, t = lane % 4.
template <int Kind> void mma(void *result, const void *args) {
  uint32_t a[4], b[2];
  float c[4];
  for (int i = 0; i < 4; ++i) {
    a[i] = arg<uint32_t>(args, i);
    c[i] = arg<float>(args, 6 + i);
  }
  b[0] = arg<uint32_t>(args, 4);
  b[1] = arg<uint32_t>(args, 5);
  constexpr int K = Kind == 2 ? 8 : 16;
  meet(
      Kind == 0 ? "mma.m16n8k16.bf16" : Kind == 1 ? "mma.m16n8k16.f16" : "mma.m16n8k8.tf32",
      0xffffffffu,
      [&](WarpMeet &w, unsigned lane) {
        int g = lane / 4, t = lane % 4;
        auto half = [](uint32_t reg, int e) {
          uint32_t bits = e ? reg >> 16 : reg & 0xffff;
          return Kind == 0 ? fromBf16(bits) : fromF16(bits);
        };
        if (Kind == 2) {
          for (int i = 0; i < 4; ++i) {
            w.A[g + (i & 1 ? 8 : 0)][t + (i & 2 ? 4 : 0)] = fromTf32(a[i]);
          }
          w.B[t][g] = fromTf32(b[0]);
          w.B[t + 4][g] = fromTf32(b[1]);
        } else {
          for (int i = 0; i < 8; ++i) {
            w.A[g + (i & 2 ? 8 : 0)][2 * t + (i & 1) + (i & 4 ? 8 : 0)] = half(a[i / 2], i & 1);
          }
          for (int i = 0; i < 4; ++i) {
            w.B[2 * t + (i & 1) + (i & 2 ? 8 : 0)][g] = half(b[i / 2], i & 1);
          }
        }
        for (int i = 0; i < 4; ++i) {
          w.C[g + (i & 2 ? 8 : 0)][2 * t + (i & 1)] = c[i];
        }
      },
      [](WarpMeet &w) {
        for (int m = 0; m < 16; ++m) {
          for (int n = 0; n < 8; ++n) {
            double sum = w.C[m][n];
            for (int k = 0; k < K; ++k) {
              sum += double(w.A[m][k]) * double(w.B[k][n]);
            }
            w.D[m][n] = float(sum);
          }
        }
      },
      [&](WarpMeet &w, unsigned lane) {
        int g = lane / 4, t = lane % 4;
        for (int i = 0; i < 4; ++i) {
          put<float>(result, i, w.D[g + (i & 2 ? 8 : 0)][2 * t + (i & 1)]);
        }
      });
}

//===----------------------------------------------------------------------===//
// cp.async
//===----------------------------------------------------------------------===//

/// The thread's copies of a group land (in the issuing thread: its wait or its exit).
void land(const std::vector<Copy> &group) {
  for (const Copy &c : group) {
    sharedAccess(c.dst, c.bytes, true, gLaunch->current->linear, c.issued, true);
    std::memcpy(c.dst, c.src, c.srcBytes);
    std::memset(c.dst + c.srcBytes, 0, c.bytes - c.srcBytes);
  }
}

template <int Bytes, bool WithSize> void cpAsync(void *, const void *args) {
  char *dst = arg<char *>(args, 0);
  const char *src = arg<const char *>(args, 1);
  uint32_t srcBytes = WithSize ? arg<uint32_t>(args, 2) : Bytes;
  if (srcBytes > Bytes) {
    fail("cp.async with a source size of " + std::to_string(srcBytes) + " over its " +
         std::to_string(Bytes) + " bytes");
  }
  if (inShared(dst, Bytes) != 1) {
    fail("cp.async to an address outside the block's shared memory");
  }
  if (srcBytes > 0) {
    checkAccess(src, srcBytes, "a cp.async read");
  }
  gLaunch->current->copies.open.push_back({dst, src, Bytes, srcBytes, gEpoch});
}

void cpAsyncCommit(void *, const void *) { gLaunch->current->copies.commit(); }

void cpAsyncWait(void *, const void *args) {
  gLaunch->current->copies.retireAllBut(arg<uint32_t>(args, 0), land);
}

void cpAsyncWaitAll(void *, const void *) {
  CommitGroups<Copy> &copies = gLaunch->current->copies;
  copies.commit();
  copies.retireAllBut(0, land);
}

//===----------------------------------------------------------------------===//
// sm_90a: mbarriers, TMA, wgmma
//===----------------------------------------------------------------------===//

/// The 128-, 64- and 32-byte swizzles of TMA and wgmma act on shared-memory address
/// bits: bits [4, 4 + b) take the XOR of bits [7, 7 + b), b = 3, 2, 1. The dynamic
/// shared variable keeps kiln's 1024-byte alignment on the host, so the host address
/// bits are the GPU's.
const char *swizzled(const char *p, unsigned bits) {
  uintptr_t a = reinterpret_cast<uintptr_t>(p);
  return reinterpret_cast<const char *>(a ^ (((a >> 7) & ((1u << bits) - 1)) << 4));
}

MBarrier &mbarrierAt(const char *p, const char *op) {
  auto it = gLaunch->mbarriers.find(p);
  if (it == gLaunch->mbarriers.end()) {
    char text[160];
    std::snprintf(text, sizeof(text), "%s on %p, which mbarrier.init did not initialize", op,
                  static_cast<const void *>(p));
    fail(text);
  }
  return it->second;
}

/// Ends the phase once its arrivals and its transaction bytes are all in.
void completeIfDone(MBarrier &b) {
  if (b.pending == 0 && b.tx == 0) {
    ++b.phase;
    b.pending = b.expected;
    ++gLaunch->progress;
  }
}

void mbarrierInit(void *, const void *args) {
  char *p = arg<char *>(args, 0);
  uint32_t count = arg<uint32_t>(args, 1);
  if (reinterpret_cast<uintptr_t>(p) % 8 != 0 || inShared(p, 8) != 1) {
    fail("mbarrier.init: the barrier is not an 8-byte aligned word of shared memory");
  }
  if (count == 0 || count >= (1u << 20)) {
    fail("mbarrier.init: an expected arrival count of " + std::to_string(count) +
         " (PTX allows 1 to 2^20 - 1)");
  }
  MBarrier &b = gLaunch->mbarriers[p];
  b = MBarrier();
  b.expected = count;
  b.pending = count;
}

void arriveOn(MBarrier &b, const char *op) {
  if (b.pending == 0) {
    fail(std::string(op) + ": an arrival beyond the phase's expected count");
  }
  --b.pending;
  ++gLaunch->progress;
  completeIfDone(b);
}

void mbarrierArrive(void *result, const void *args) {
  MBarrier &b = mbarrierAt(arg<const char *>(args, 0), "mbarrier.arrive");
  put<uint64_t>(result, 0, b.phase); // the state token: kiln's kernels wait by parity
  arriveOn(b, "mbarrier.arrive");
}

void mbarrierArriveExpectTx(void *result, const void *args) {
  MBarrier &b = mbarrierAt(arg<const char *>(args, 0), "mbarrier.arrive.expect_tx");
  put<uint64_t>(result, 0, b.phase);
  b.tx += arg<uint32_t>(args, 1);
  arriveOn(b, "mbarrier.arrive.expect_tx");
}

/// A TMA copy lands: every element of the box, read from the tensor where its
/// coordinates are inside it and zero where they are not, at its swizzled place.
void landBulk(const BulkCopy &c) {
  const KilnFakeTensorMap &m = c.map;
  const uint64_t e = kKilnFakeTensorMapElementBytes[m.dataType];
  const unsigned bits = m.swizzle; // CU_TENSOR_MAP_SWIZZLE_32B/64B/128B = 1/2/3
  uint64_t rows = 1;
  for (int d = 1; d < m.rank; ++d) {
    rows *= m.box[d];
  }
  for (uint64_t row = 0; row < rows; ++row) {
    // The row's coordinates in dims 1.. and whether they are inside the tensor.
    const char *src = reinterpret_cast<const char *>(m.globalAddress);
    bool inside = true;
    uint64_t rest = row;
    for (int d = 1; d < m.rank; ++d) {
      int64_t x = int64_t(c.coords[d]) + int64_t(rest % m.box[d]);
      rest /= m.box[d];
      inside = inside && x >= 0 && uint64_t(x) < m.dims[d];
      src += x * int64_t(m.strides[d - 1]);
    }
    char *dst = c.dst + row * m.box[0] * e;
    for (uint32_t i = 0; i < m.box[0]; ++i) {
      int64_t x = int64_t(c.coords[0]) + i;
      char *to = const_cast<char *>(swizzled(dst + i * e, bits));
      if (inside && x >= 0 && uint64_t(x) < m.dims[0]) {
        checkAccess(src + x * int64_t(e), e, "a TMA read");
        std::memcpy(to, src + x * int64_t(e), e);
      } else {
        std::memset(to, 0, e);
      }
    }
  }
}

/// The barrier's TMA copies land (the latest a GPU may land them: when a thread waits
/// for the phase they complete) and take their bytes off its transaction count.
void landCopies(MBarrier &b) {
  std::vector<BulkCopy> copies = std::move(b.copies);
  b.copies.clear();
  for (const BulkCopy &c : copies) {
    landBulk(c);
    b.tx -= int64_t(c.bytes);
  }
  ++gLaunch->progress;
  if (b.tx < 0) {
    fail("mbarrier: its TMA copies complete " + std::to_string(-b.tx) +
         " bytes more than arrive.expect_tx announced");
  }
  completeIfDone(b);
}

/// mbarrier.try_wait.parity in a loop (MLIR's blocking wait): returns once the phase of
/// that parity has completed, i.e. the current phase has the other parity.
void mbarrierWaitParity(void *, const void *args) {
  const char *p = arg<const char *>(args, 0);
  uint32_t parity = arg<uint32_t>(args, 1) & 1;
  Thread &t = *gLaunch->current;
  for (;;) {
    MBarrier &b = mbarrierAt(p, "mbarrier.try_wait.parity");
    if ((b.phase & 1) != parity) {
      return;
    }
    if (b.pending == 0 && !b.copies.empty()) {
      landCopies(b);
      continue;
    }
    t.waiting = "an mbarrier wait";
    yield();
    t.waiting = nullptr;
  }
}

/// wgmma.commit_group: the thread's uncommitted wgmma operations become a group.
void wgmmaCommit(void *, const void *) { gLaunch->current->wgmmas.commit(); }

/// wgmma.wait_group N: all but the N most recent groups are retired (their results
/// were computed at issue; what retiring ends is their claim on shared memory).
void wgmmaWait(void *, const void *args) {
  Thread &t = *gLaunch->current;
  t.wgmmas.retireAllBut(arg<uint64_t>(args, 0), [&](const std::vector<uint64_t> &group) {
    for (uint64_t id : group) {
      auto it = gLaunch->wgmmaReads.find(id);
      if (it != gLaunch->wgmmaReads.end() && it->second.retiredBy.set(t.linear % 128).all()) {
        gLaunch->wgmmaReads.erase(it);
      }
    }
  });
}

/// Fails when `op` (a TMA copy or a plain store) writes [dst, dst + bytes) over shared
/// memory that a wgmma reads which neither this thread nor all of the wgmma's threads
/// have retired (WgmmaReads): on a GPU the write may land while the tensor cores still
/// read it.
void checkNoWgmmaReads(const char *dst, uint64_t bytes, const char *op) {
  const Thread &self = *gLaunch->current;
  for (const auto &[id, reads] : gLaunch->wgmmaReads) {
    if (reads.group == self.linear / 128 && reads.retiredBy.test(self.linear % 128)) {
      continue;
    }
    for (const auto &span : reads.spans) {
      if (dst < span.second && span.first < dst + bytes) {
        fail(std::string(op) + " overwrites shared memory that wgmma.mma_async number " +
             std::to_string(id) +
             " of the block still reads (not retired by wgmma.wait_group, here or in all its "
             "threads): release a stage only after the wgmma reading it retires");
      }
    }
  }
}

/// cp.async.bulk.tensor.<Rank>d.shared::cluster.global.tile.mbarrier::complete_tx::bytes:
/// operands dst, mbarrier, tensor map, Rank coordinates, CTA mask, cache hint and the
/// flags that say whether those two are used.
template <int Rank> void tmaLoad(void *, const void *args) {
  char *dst = arg<char *>(args, 0);
  const char *barrier = arg<const char *>(args, 1);
  const char *map = arg<const char *>(args, 2);
  if (arg<uint8_t>(args, 5 + Rank) & 1) {
    fail("cp.async.bulk.tensor with a CTA mask (multicast to a cluster) is not emulated");
  }
  if (reinterpret_cast<uintptr_t>(map) % 64 != 0 ||
      !(*gLaunch->device)(reinterpret_cast<uintptr_t>(map), sizeof(KilnFakeTensorMap))) {
    fail("cp.async.bulk.tensor: the tensor map is not 64-byte aligned device memory");
  }
  BulkCopy c;
  std::memcpy(&c.map, map, sizeof(c.map));
  const KilnFakeTensorMap &m = c.map;
  if (m.magic != kKilnFakeTensorMapMagic) {
    fail("cp.async.bulk.tensor: the tensor map was not written by cuTensorMapEncodeTiled");
  }
  if (m.rank != Rank) {
    fail("cp.async.bulk.tensor." + std::to_string(Rank) + "d with a tensor map of rank " +
         std::to_string(m.rank));
  }
  const uint64_t e = kKilnFakeTensorMapElementBytes[m.dataType];
  const uint64_t swizzleBytes = m.swizzle == 0 ? 0 : uint64_t(16) << m.swizzle;
  bool unitStrides = true;
  c.bytes = e;
  for (int d = 0; d < Rank; ++d) {
    c.coords[d] = arg<int32_t>(args, 3 + d);
    c.bytes *= m.box[d];
    unitStrides = unitStrides && m.elementStrides[d] == 1;
  }
  if (!unitStrides || m.interleave != 0 || m.oobFill != 0 ||
      (swizzleBytes != 0 && m.box[0] * e != swizzleBytes)) {
    fail("cp.async.bulk.tensor: the emulator copies boxes with unit element strides, no "
         "interleave, zero fill and (when swizzled) rows of the swizzle's width");
  }
  if (reinterpret_cast<uintptr_t>(dst) % 128 != 0 || inShared(dst, c.bytes) != 1) {
    fail("cp.async.bulk.tensor: the destination is not " + std::to_string(c.bytes) +
         " bytes of shared memory at a 128-byte aligned address");
  }
  checkNoWgmmaReads(dst, c.bytes, "cp.async.bulk.tensor");
  c.dst = dst;
  mbarrierAt(barrier, "cp.async.bulk.tensor").copies.push_back(c);
}

/// A wgmma matrix descriptor's start, leading and stride byte offsets, and swizzle.
struct MatrixDescriptor {
  const char *start;
  uint64_t lbo, sbo;
  unsigned bits; // address bits the swizzle XORs: 3 (128 bytes), 2 (64), 1 (32), 0
};

MatrixDescriptor decodeDescriptor(uint64_t desc, const char *which) {
  // The start is an 18-bit shared-window address: its offset from the first shared
  // variable, which begins the one block (under 256 KiB) the emulator object lays them
  // out in (CudaEmulation.cpp).
  uint64_t window = (desc & 0x3fff) << 4;
  MatrixDescriptor d{nullptr, ((desc >> 16) & 0x3fff) << 4, ((desc >> 32) & 0x3fff) << 4, 0};
  const Launch &L = *gLaunch;
  const char *block = nullptr;
  for (int i = 0; i < L.program->variableCount; ++i) {
    const abi::Variable &v = L.program->variables[i];
    const char *base = static_cast<const char *>(v.address);
    if (v.kind != abi::kGlobal && (!block || base < block)) {
      block = base;
    }
  }
  if (block) {
    d.start = block + ((window - (reinterpret_cast<uintptr_t>(block) & 0x3ffff)) & 0x3ffff);
  }
  if (!block || inShared(d.start, 16) != 1) {
    fail(std::string("wgmma: the descriptor of ") + which + " starts outside shared memory");
  }
  if ((desc >> 49 & 7) != 0) {
    fail(std::string("wgmma: the descriptor of ") + which +
         " has a base offset (a swizzle pattern that does not start at its period), which "
         "the emulator does not model");
  }
  unsigned mode = unsigned(desc >> 62);
  d.bits = mode == 1 ? 3 : mode == 2 ? 2 : mode == 3 ? 1 : 0;
  return d;
}

/// The address of element (mn, k) of a wgmma operand in shared memory: the canonical
/// layouts of the PTX ISA, in bytes for `e`-byte elements (T = 16 / e elements make 16
/// bytes, W the swizzle's width):
///   K-major, swizzled:   mn % 8 * W + mn / 8 * SBO + k * e
///   K-major, none:       mn % 8 * 16 + mn / 8 * SBO + k % T * e + k / T * LBO
///   MN-major, swizzled:  mn % (W / e) * e + mn / (W / e) * LBO + k % 8 * W + k / 8 * SBO
///   MN-major, none:      mn % T * e + mn / T * SBO + k % 8 * 16 + k / 8 * LBO
/// then swizzled by address bits.
const char *operandAddress(const MatrixDescriptor &d, bool mnMajor, uint64_t mn, uint64_t k,
                           uint64_t e) {
  const uint64_t w = d.bits ? uint64_t(16) << d.bits : 0, t = 16 / e;
  uint64_t offset;
  if (!mnMajor) {
    offset = w ? mn % 8 * w + mn / 8 * d.sbo + k * e
               : mn % 8 * 16 + mn / 8 * d.sbo + k % t * e + k / t * d.lbo;
  } else {
    offset = w ? mn % (w / e) * e + mn / (w / e) * d.lbo + k % 8 * w + k / 8 * d.sbo
               : mn % t * e + mn / t * d.sbo + k % 8 * 16 + k / 8 * d.lbo;
  }
  const char *p = swizzled(d.start + offset, d.bits);
  if (inShared(p, e) != 1) {
    fail("wgmma: an operand element outside the block's shared memory");
  }
  return p;
}

/// wgmma.mma_async.sync.aligned.m64n<N>k16.f32.<Type>.<Type> (Type 0: bf16, 1: f16),
/// with both operands in shared memory or (RegA) A in registers. Operands: the N / 2
/// accumulators; the descriptors of A and B, or A's 4 registers and B's descriptor;
/// scale-d, imm-scale-a, imm-scale-b, [imm-trans-a,] imm-trans-b. It runs when the
/// warpgroup's 128 threads have issued it: the result is there at once, and the shared
/// memory it read stays claimed until wgmma.wait_group retires its group, so a TMA copy
/// into it before then fails (checkNoWgmmaReads). Thread l of warp w holds
/// D[16 w + l / 4 + 8 (i / 2 % 2)][8 (i / 4) + 2 (l % 4) + i % 2] in register i; from
/// registers, A is mma.sync's m16k16 fragment per warp: register j of thread l of warp w
/// holds A[16 w + l / 4 + 8 (j % 2)][2 (l % 4) + 8 (j / 2) + h] in its half h (low
/// first).
template <int N, int Type, bool RegA> void wgmma(void *result, const void *args) {
  constexpr int R = N / 2;
  Launch &L = *gLaunch;
  Thread &self = *L.current;
  unsigned group = self.linear / 128, member = self.linear % 128;
  if ((group + 1) * 128 > L.threads.size()) {
    fail("wgmma.mma_async: the thread's warpgroup is not 128 threads of the block");
  }
  WarpgroupMeet &w = L.warpgroups[group];
  const char *op = Type == 0 ? (RegA ? "wgmma.mma_async.bf16 (A in registers)"
                                     : "wgmma.mma_async.bf16")
                             : (RegA ? "wgmma.mma_async.f16 (A in registers)"
                                     : "wgmma.mma_async.f16");
  // Descriptors and immediates (scale-d, scale-a, scale-b, trans-a, trans-b), which
  // every thread of the warpgroup must issue alike.
  constexpr int kImm = RegA ? R + 5 : R + 2;
  uint64_t operands[3] = {RegA ? 0 : arg<uint64_t>(args, R), arg<uint64_t>(args, kImm - 1), 0};
  for (int i = 0, j = 0; i < 5; ++i) {
    uint64_t imm = RegA && i == 3 ? 0 : arg<uint32_t>(args, kImm + j++) & 0xff;
    operands[2] |= imm << (8 * i);
  }
  if (w.arrived == 0) {
    w.op = op;
    std::copy(operands, operands + 3, w.operands);
    w.in.resize(128 * R);
    w.aRegs.resize(128 * 4);
  } else if (std::strcmp(w.op, op) != 0 || !std::equal(operands, operands + 3, w.operands)) {
    fail("threads of warpgroup " + std::to_string(group) +
         " issue wgmma.mma_async with different types, descriptors or immediates");
  }
  for (unsigned i = group * 128; i < group * 128 + 128; ++i) {
    if (L.threads[i].done) {
      fail("wgmma.mma_async: thread " + std::to_string(i) + " of the warpgroup has exited");
    }
  }
  for (int i = 0; i < R; ++i) {
    w.in[member * R + i] = arg<float>(args, i);
  }
  for (int j = 0; RegA && j < 4; ++j) {
    w.aRegs[member * 4 + j] = arg<uint32_t>(args, R + j);
  }
  ++w.arrived;
  ++L.progress;
  if (w.arrived == 128) {
    const int32_t scaleD = int32_t(operands[2] & 0xff);
    const float scaleA = (operands[2] >> 8 & 0xff) == 0xff ? -1.0f : 1.0f;
    const float scaleB = (operands[2] >> 16 & 0xff) == 0xff ? -1.0f : 1.0f;
    const bool transA = operands[2] >> 24 & 1, transB = operands[2] >> 32 & 1;
    MatrixDescriptor db = decodeDescriptor(operands[1], "B");
    auto fromBits = [](uint32_t bits) { return Type == 0 ? fromBf16(bits) : fromF16(bits); };
    auto value = [&](const char *p) {
      uint16_t bits;
      std::memcpy(&bits, p, 2);
      return fromBits(bits);
    };
    std::vector<double> a(64 * 16), b(16 * N);
    // The bytes each operand spans, for the TMA copies that must not overwrite them
    // until the wgmma is retired (none for A in registers).
    std::pair<const char *, const char *> spanA{nullptr, nullptr}, spanB{db.start, db.start};
    auto read = [&](std::pair<const char *, const char *> &span, const char *p) {
      span = {std::min(span.first, p), std::max(span.second, p + 2)};
      return value(p);
    };
    if (RegA) {
      for (unsigned t = 0; t < 128; ++t) {
        unsigned warp = t / 32, lane = t % 32;
        for (int j = 0; j < 4; ++j) {
          uint32_t bits = w.aRegs[t * 4 + j];
          int m = int(16 * warp + lane / 4 + 8 * (j % 2));
          int k = 2 * int(lane % 4) + 8 * (j / 2);
          a[m * 16 + k] = scaleA * fromBits(bits & 0xffff);
          a[m * 16 + k + 1] = scaleA * fromBits(bits >> 16);
        }
      }
    } else {
      MatrixDescriptor da = decodeDescriptor(operands[0], "A");
      spanA = {da.start, da.start};
      for (int m = 0; m < 64; ++m) {
        for (int k = 0; k < 16; ++k) {
          a[m * 16 + k] = scaleA * read(spanA, operandAddress(da, transA, m, k, 2));
        }
      }
    }
    for (int k = 0; k < 16; ++k) {
      for (int n = 0; n < N; ++n) {
        b[k * N + n] = scaleB * read(spanB, operandAddress(db, transB, n, k, 2));
      }
    }
    uint64_t id = L.wgmmaCount++;
    L.wgmmaReads[id] = WgmmaReads{{spanA, spanB}, group, {}};
    for (unsigned t = group * 128; t < group * 128 + 128; ++t) {
      L.threads[t].wgmmas.open.push_back(id);
    }
    w.out.resize(128 * R);
    for (unsigned t = 0; t < 128; ++t) {
      unsigned warp = t / 32, lane = t % 32;
      for (int i = 0; i < R; ++i) {
        int m = int(16 * warp + lane / 4 + 8 * (i / 2 % 2));
        int n = 8 * (i / 4) + 2 * int(lane % 4) + i % 2;
        double sum = scaleD ? w.in[t * R + i] : 0.0;
        for (int k = 0; k < 16; ++k) {
          sum += a[m * 16 + k] * b[k * N + n];
        }
        w.out[t * R + i] = float(sum);
      }
    }
    w.arrived = 0;
    ++w.generation;
  } else {
    awaitNext(w.generation, op);
  }
  for (int i = 0; i < R; ++i) {
    put<float>(result, i, w.out[member * R + i]);
  }
}

/// "$0, $1, ..., $(n/2 - 1)": the accumulator operands of an m64n<n>k16 wgmma's text.
std::string wgmmaAccumulators(int n) {
  std::string regs;
  for (int i = 0; i < n / 2; ++i) {
    regs += (i ? ", $" : "$") + std::to_string(i);
  }
  return regs;
}

/// The asm text MLIR writes for wgmma.mma_async m64n<n>k16 with f32 accumulators, and
/// the one kiln writes for A in registers (codegen/cuda/Hopper.cpp, wgmmaRegisterA).
std::string wgmmaText(int n, const char *type) {
  std::string regs = wgmmaAccumulators(n);
  auto reg = [&](int i) { return "$" + std::to_string(n + i); };
  return "asm:{\n.reg .pred p;\nsetp.ne.b32 p, " + reg(2) +
         ", 0;\nwgmma.mma_async.sync.aligned.m64n" + std::to_string(n) + "k16.f32." + type + "." +
         type + " {" + regs + "}, " + reg(0) + ", " + reg(1) + ", p, " + reg(3) + ",  " + reg(4) +
         ", " + reg(5) + ",  " + reg(6) + ";\n}\n";
}

std::string wgmmaRegAText(int n, const char *type) {
  std::string regs = wgmmaAccumulators(n);
  auto reg = [&](int i) { return "$" + std::to_string(n + i); };
  return "asm:{\n.reg .pred p;\nsetp.ne.b32 p, " + reg(5) +
         ", 0;\nwgmma.mma_async.sync.aligned.m64n" + std::to_string(n) + "k16.f32." + type + "." +
         type + " {" + regs + "}, {" + reg(0) + ", " + reg(1) + ", " + reg(2) + ", " + reg(3) +
         "}, " + reg(4) + ", p, " + reg(6) + ", " + reg(7) + ", " + reg(8) + ";\n}\n";
}

template <int... I> void addWgmma(std::map<std::string, abi::ImportFn> &t, std::integer_sequence<int, I...>) {
  ((t[wgmmaText(8 * (I + 1), "bf16")] = wgmma<8 * (I + 1), 0, false>), ...);
  ((t[wgmmaText(8 * (I + 1), "f16")] = wgmma<8 * (I + 1), 1, false>), ...);
  ((t[wgmmaRegAText(8 * (I + 1), "bf16")] = wgmma<8 * (I + 1), 0, true>), ...);
  ((t[wgmmaRegAText(8 * (I + 1), "f16")] = wgmma<8 * (I + 1), 1, true>), ...);
}

/// setmaxnreg moves registers between warpgroups; the host has none to move. PTX wants
/// a multiple of 8 in [24, 256].
void setMaxNReg(void *, const void *args) {
  uint32_t n = arg<uint32_t>(args, 0);
  if (n < 24 || n > 256 || n % 8 != 0) {
    fail("setmaxnreg with " + std::to_string(n) + " registers (PTX: a multiple of 8 in 24..256)");
  }
}

/// fence.proxy.tensormap::generic.acquire: the map must be device memory.
void tensorMapAcquire(void *, const void *args) {
  const char *p = arg<const char *>(args, 0);
  checkAccess(p, arg<uint32_t>(args, 1), "a tensor-map fence");
}

/// Fences: nothing to order on the host, where every thread's operations take effect
/// in program order.
void nothing(void *, const void *) {}


//===----------------------------------------------------------------------===//
// The arithmetic libdevice uses
//===----------------------------------------------------------------------===//

float flush(float x) { return std::fpclassify(x) == FP_SUBNORMAL ? std::copysign(0.0f, x) : x; }

template <float (*F)(float), bool Ftz> void unary(void *result, const void *args) {
  float x = arg<float>(args, 0);
  put<float>(result, 0, Ftz ? flush(F(flush(x))) : F(x));
}

float ex2(float x) { return std::exp2(x); }
float lg2(float x) { return std::log2(x); }
float absf(float x) { return std::fabs(x); }
float sqrtf_(float x) { return std::sqrt(x); }
float rsqrt(float x) { return 1.0f / std::sqrt(x); }
float rcp(float x) { return 1.0f / x; }
float sinf_(float x) { return std::sin(x); }
float cosf_(float x) { return std::cos(x); }
float tanhf_(float x) { return std::tanh(x); }
float saturate(float x) { return std::isnan(x) ? 0.0f : std::min(1.0f, std::max(0.0f, x)); }

template <int Rounding> void fmaRounded(void *result, const void *args) {
  float a = arg<float>(args, 0), b = arg<float>(args, 1), c = arg<float>(args, 2);
  int saved = std::fegetround();
  std::fesetround(Rounding);
  volatile float r = std::fma(a, b, c);
  std::fesetround(saved);
  put<float>(result, 0, r);
}

template <bool Max, bool Nan> void minMax(void *result, const void *args) {
  float a = arg<float>(args, 0), b = arg<float>(args, 1);
  float r = Nan && (std::isnan(a) || std::isnan(b)) ? NAN : Max ? std::fmax(a, b) : std::fmin(a, b);
  put<float>(result, 0, r);
}

void divApprox(void *result, const void *args) {
  put<float>(result, 0, arg<float>(args, 0) / arg<float>(args, 1));
}

/// The IEEE operations with an explicit rounding (add.rm.f, div.rn.d, ...) and the
/// reciprocal, square root and subtraction libdevice writes in inline PTX.
enum RoundedOp { kAdd, kSub, kMul, kDiv, kFma, kRcp, kSqrt };
template <typename T, int Op, int Rounding, bool Ftz> void rounded(void *result, const void *args) {
  auto in = [&](int i) {
    T v = arg<T>(args, i);
    return Ftz && std::fpclassify(v) == FP_SUBNORMAL ? std::copysign(T(0), v) : v;
  };
  int saved = std::fegetround();
  std::fesetround(Rounding);
  volatile T a = in(0), b = Op == kRcp || Op == kSqrt ? T(0) : in(1);
  volatile T r = Op == kAdd   ? a + b
                 : Op == kSub ? a - b
                 : Op == kMul ? a * b
                 : Op == kDiv ? a / b
                 : Op == kFma ? std::fma(a, b, in(2))
                 : Op == kRcp ? T(1) / a
                              : std::sqrt(a);
  std::fesetround(saved);
  T out = r;
  put<T>(result, 0, Ftz && std::fpclassify(out) == FP_SUBNORMAL ? std::copysign(T(0), out) : out);
}

/// cvt with a rounding: float <-> integer (saturating, NaN -> 0) and double -> float.
template <typename From, typename To, int Rounding> void convert(void *result, const void *args) {
  From x = arg<From>(args, 0);
  int saved = std::fegetround();
  std::fesetround(Rounding);
  To out;
  if constexpr (std::is_floating_point_v<From> && std::is_integral_v<To>) {
    volatile From r = std::nearbyint(x);
    From lo = From(std::numeric_limits<To>::min()), hi = From(std::numeric_limits<To>::max());
    out = std::isnan(x) ? To(0) : r <= lo ? std::numeric_limits<To>::min()
                              : r >= hi   ? std::numeric_limits<To>::max()
                                          : To(r);
  } else {
    volatile From v = x;
    out = To(v);
  }
  std::fesetround(saved);
  put<To>(result, 0, out);
}

/// cvt.rmi / rpi / rzi / rni: round.f is to nearest even (cvt.rni), not half away.
template <typename T, int Kind> void roundToIntegral(void *result, const void *args) {
  T x = arg<T>(args, 0);
  put<T>(result, 0, Kind == 0 ? std::floor(x) : Kind == 1 ? std::ceil(x) : Kind == 2 ? std::trunc(x)
                                                                                 : std::rint(x));
}

void fabs64(void *result, const void *args) { put<double>(result, 0, std::fabs(arg<double>(args, 0))); }
template <bool Max> void minMax64(void *result, const void *args) {
  double a = arg<double>(args, 0), b = arg<double>(args, 1);
  put<double>(result, 0, Max ? std::fmax(a, b) : std::fmin(a, b));
}
void rsqrt64(void *result, const void *args) { put<double>(result, 0, 1.0 / std::sqrt(arg<double>(args, 0))); }
void rcp64(void *result, const void *args) { put<double>(result, 0, 1.0 / arg<double>(args, 0)); }
void d2iLo(void *result, const void *args) { put<uint32_t>(result, 0, uint32_t(arg<uint64_t>(args, 0))); }
void d2iHi(void *result, const void *args) { put<uint32_t>(result, 0, uint32_t(arg<uint64_t>(args, 0) >> 32)); }
void lohi(void *result, const void *args) {
  put<uint64_t>(result, 0, uint64_t(arg<uint32_t>(args, 0)) | uint64_t(arg<uint32_t>(args, 1)) << 32);
}
template <typename T, typename Wide> void mulhi(void *result, const void *args) {
  put<T>(result, 0, T((Wide(arg<T>(args, 0)) * Wide(arg<T>(args, 1))) >> (8 * sizeof(T))));
}
template <typename T> void sad(void *result, const void *args) {
  T a = arg<T>(args, 0), b = arg<T>(args, 1);
  put<T>(result, 0, T((a > b ? a - b : b - a) + arg<T>(args, 2)));
}
void prmt(void *result, const void *args) {
  uint64_t bytes = uint64_t(arg<uint32_t>(args, 0)) | uint64_t(arg<uint32_t>(args, 1)) << 32;
  uint32_t selector = arg<uint32_t>(args, 2), out = 0;
  for (int i = 0; i < 4; ++i) {
    uint32_t sel = selector >> (4 * i) & 0xf;
    uint32_t b = uint32_t(bytes >> (8 * (sel & 7)) & 0xff);
    if (sel & 8) {
      b = b & 0x80 ? 0xff : 0;
    }
    out |= b << (8 * i);
  }
  put<uint32_t>(result, 0, out);
}

// Inline PTX in libdevice, by its text.
void madLoHi32(void *result, const void *args) { // {lo, hi} of a * b + c, u32
  uint64_t r = uint64_t(arg<uint32_t>(args, 0)) * arg<uint32_t>(args, 1) + arg<uint32_t>(args, 2);
  put<uint32_t>(result, 0, uint32_t(r));
  put<uint32_t>(result, 1, uint32_t(r >> 32));
}
void mulWide64(void *result, const void *args) { // {lo, hi} of a * b, u64
  unsigned __int128 r = (unsigned __int128)arg<uint64_t>(args, 0) * arg<uint64_t>(args, 1);
  put<uint64_t>(result, 0, uint64_t(r));
  put<uint64_t>(result, 1, uint64_t(r >> 64));
}
void madWide64(void *result, const void *args) { // {lo, hi} of a * b + c, u64
  unsigned __int128 r =
      (unsigned __int128)arg<uint64_t>(args, 0) * arg<uint64_t>(args, 1) + arg<uint64_t>(args, 2);
  put<uint64_t>(result, 0, uint64_t(r));
  put<uint64_t>(result, 1, uint64_t(r >> 64));
}
template <bool Subtract> void addSub128(void *result, const void *args) {
  auto wide = [&](int i) {
    return (unsigned __int128)arg<uint64_t>(args, i) | (unsigned __int128)arg<uint64_t>(args, i + 1) << 64;
  };
  unsigned __int128 r = Subtract ? wide(0) - wide(2) : wide(0) + wide(2);
  put<uint64_t>(result, 0, uint64_t(r));
  put<uint64_t>(result, 1, uint64_t(r >> 64));
}
void selectUnorderedEqual(void *result, const void *args) {
  double a = arg<double>(args, 0), b = arg<double>(args, 1);
  put<double>(result, 0, a == b || std::isnan(a) || std::isnan(b) ? arg<double>(args, 2)
                                                                  : arg<double>(args, 3));
}
void bfindShift(void *result, const void *args) {
  uint32_t a = arg<uint32_t>(args, 0);
  put<uint32_t>(result, 0, a == 0 ? 0xffffffffu : uint32_t(__builtin_clz(a)));
}

template <int Rounding> void addRounded(std::map<std::string, abi::ImportFn> &t, const char *mode) {
  std::string m = mode;
  t["llvm.nvvm.add." + m + ".f"] = rounded<float, kAdd, Rounding, false>;
  t["llvm.nvvm.add." + m + ".ftz.f"] = rounded<float, kAdd, Rounding, true>;
  t["llvm.nvvm.add." + m + ".d"] = rounded<double, kAdd, Rounding, false>;
  t["llvm.nvvm.mul." + m + ".f"] = rounded<float, kMul, Rounding, false>;
  t["llvm.nvvm.mul." + m + ".ftz.f"] = rounded<float, kMul, Rounding, true>;
  t["llvm.nvvm.mul." + m + ".d"] = rounded<double, kMul, Rounding, false>;
  t["llvm.nvvm.div." + m + ".f"] = rounded<float, kDiv, Rounding, false>;
  t["llvm.nvvm.div." + m + ".ftz.f"] = rounded<float, kDiv, Rounding, true>;
  t["llvm.nvvm.div." + m + ".d"] = rounded<double, kDiv, Rounding, false>;
  t["llvm.nvvm.fma." + m + ".f"] = rounded<float, kFma, Rounding, false>;
  t["llvm.nvvm.fma." + m + ".ftz.f"] = rounded<float, kFma, Rounding, true>;
  t["llvm.nvvm.fma." + m + ".d"] = rounded<double, kFma, Rounding, false>;
  t["llvm.nvvm.rcp." + m + ".f"] = rounded<float, kRcp, Rounding, false>;
  t["llvm.nvvm.rcp." + m + ".ftz.f"] = rounded<float, kRcp, Rounding, true>;
  t["llvm.nvvm.rcp." + m + ".d"] = rounded<double, kRcp, Rounding, false>;
  t["llvm.nvvm.sqrt." + m + ".f"] = rounded<float, kSqrt, Rounding, false>;
  t["llvm.nvvm.sqrt." + m + ".ftz.f"] = rounded<float, kSqrt, Rounding, true>;
  t["llvm.nvvm.sqrt." + m + ".d"] = rounded<double, kSqrt, Rounding, false>;
  t["asm:sub." + m + ".f32 $0, $1, $2;"] = rounded<float, kSub, Rounding, false>;
  t["asm:sub." + m + ".ftz.f32 $0, $1, $2;"] = rounded<float, kSub, Rounding, true>;
  t["asm:sub." + m + ".f64 $0, $1, $2;"] = rounded<double, kSub, Rounding, false>;
  t["llvm.nvvm.d2f." + m] = convert<double, float, Rounding>;
  t["llvm.nvvm.d2f." + m + ".ftz"] = convert<double, float, Rounding>;
  t["llvm.nvvm.f2i." + m] = convert<float, int32_t, Rounding>;
  t["llvm.nvvm.f2i." + m + ".ftz"] = convert<float, int32_t, Rounding>;
  t["llvm.nvvm.f2ui." + m] = convert<float, uint32_t, Rounding>;
  t["llvm.nvvm.f2ui." + m + ".ftz"] = convert<float, uint32_t, Rounding>;
  t["llvm.nvvm.f2ll." + m] = convert<float, int64_t, Rounding>;
  t["llvm.nvvm.f2ll." + m + ".ftz"] = convert<float, int64_t, Rounding>;
  t["llvm.nvvm.f2ull." + m] = convert<float, uint64_t, Rounding>;
  t["llvm.nvvm.f2ull." + m + ".ftz"] = convert<float, uint64_t, Rounding>;
  t["llvm.nvvm.d2i." + m] = convert<double, int32_t, Rounding>;
  t["llvm.nvvm.d2ui." + m] = convert<double, uint32_t, Rounding>;
  t["llvm.nvvm.d2ll." + m] = convert<double, int64_t, Rounding>;
  t["llvm.nvvm.d2ull." + m] = convert<double, uint64_t, Rounding>;
  t["llvm.nvvm.i2f." + m] = convert<int32_t, float, Rounding>;
  t["llvm.nvvm.ui2f." + m] = convert<uint32_t, float, Rounding>;
  t["llvm.nvvm.ll2f." + m] = convert<int64_t, float, Rounding>;
  t["llvm.nvvm.ull2f." + m] = convert<uint64_t, float, Rounding>;
  t["llvm.nvvm.ll2d." + m] = convert<int64_t, double, Rounding>;
  t["llvm.nvvm.ull2d." + m] = convert<uint64_t, double, Rounding>;
}

const std::map<std::string, abi::ImportFn> &registry() {
  static const std::map<std::string, abi::ImportFn> table = [] {
    std::map<std::string, abi::ImportFn> t;
    t[abi::kAccessCheck] = accessImport;
    const char *dims[] = {"x", "y", "z"};
    abi::ImportFn sregs[4][3] = {{sreg<0, 0>, sreg<0, 1>, sreg<0, 2>},
                                 {sreg<1, 0>, sreg<1, 1>, sreg<1, 2>},
                                 {sreg<2, 0>, sreg<2, 1>, sreg<2, 2>},
                                 {sreg<3, 0>, sreg<3, 1>, sreg<3, 2>}};
    const char *kinds[] = {"tid", "ntid", "ctaid", "nctaid"};
    for (int k = 0; k < 4; ++k) {
      for (int d = 0; d < 3; ++d) {
        t[std::string("llvm.nvvm.read.ptx.sreg.") + kinds[k] + "." + dims[d]] = sregs[k][d];
      }
    }
    t["llvm.nvvm.read.ptx.sreg.laneid"] = laneId;
    t["llvm.nvvm.read.ptx.sreg.warpsize"] = warpSize;
    t["llvm.nvvm.barrier0"] = barrier0;
    t["llvm.nvvm.barrier.cta.sync.aligned.all"] = barrierId;
    t["llvm.nvvm.barrier.cta.sync.all"] = barrierId;
    t["llvm.nvvm.barrier.sync"] = barrierId;
    const char *modes[] = {"up", "down", "bfly", "idx"};
    abi::ImportFn shfls[4][2] = {{shfl<0, false>, shfl<0, true>},
                                 {shfl<1, false>, shfl<1, true>},
                                 {shfl<2, false>, shfl<2, true>},
                                 {shfl<3, false>, shfl<3, true>}};
    for (int m = 0; m < 4; ++m) {
      for (const char *type : {"f32", "i32"}) {
        t[std::string("llvm.nvvm.shfl.sync.") + modes[m] + "." + type] = shfls[m][0];
        t[std::string("llvm.nvvm.shfl.sync.") + modes[m] + "." + type + "p"] = shfls[m][1];
      }
    }
    for (const char *suffix : {"", ".p3"}) {
      std::string base = "llvm.nvvm.ldmatrix.sync.aligned.m8n8.";
      t[base + "x1.b16" + suffix] = ldmatrix<1, false>;
      t[base + "x2.b16" + suffix] = ldmatrix<2, false>;
      t[base + "x4.b16" + suffix] = ldmatrix<4, false>;
      t[base + "x1.trans.b16" + suffix] = ldmatrix<1, true>;
      t[base + "x2.trans.b16" + suffix] = ldmatrix<2, true>;
      t[base + "x4.trans.b16" + suffix] = ldmatrix<4, true>;
    }
    t["llvm.nvvm.mma.m16n8k16.row.col.bf16"] = mma<0>;
    t["llvm.nvvm.mma.m16n8k16.row.col.f32.f32"] = mma<1>;
    t["llvm.nvvm.mma.m16n8k8.row.col.tf32"] = mma<2>;
    for (const char *cache : {"ca", "cg"}) {
      std::string base = std::string("llvm.nvvm.cp.async.") + cache + ".shared.global.";
      t[base + "4"] = cpAsync<4, false>;
      t[base + "8"] = cpAsync<8, false>;
      t[base + "16"] = cpAsync<16, false>;
      t[base + "4.s"] = cpAsync<4, true>;
      t[base + "8.s"] = cpAsync<8, true>;
      t[base + "16.s"] = cpAsync<16, true>;
    }
    t["llvm.nvvm.mbarrier.init.shared"] = mbarrierInit;
    t["llvm.nvvm.mbarrier.init"] = mbarrierInit;
    t["llvm.nvvm.mbarrier.arrive.shared"] = mbarrierArrive;
    t["llvm.nvvm.mbarrier.arrive"] = mbarrierArrive;
    t["llvm.nvvm.mbarrier.arrive.expect.tx.scope.cta.space.cta"] = mbarrierArriveExpectTx;
    t["asm:{\n\t.reg .pred       P1; \n\tLAB_WAIT: \n\tmbarrier.try_wait.parity.shared.b64 P1, "
      "[$0], $1, $2; \n\t@P1 bra.uni DONE; \n\tbra.uni     LAB_WAIT; \n\tDONE: \n\t}"] =
        mbarrierWaitParity;
    t["llvm.nvvm.fence.mbarrier_init.release.cluster"] = nothing;
    t["llvm.nvvm.fence.proxy.tensormap_generic.acquire.sys"] = tensorMapAcquire;
    t["llvm.nvvm.cp.async.bulk.tensor.g2s.tile.1d"] = tmaLoad<1>;
    t["llvm.nvvm.cp.async.bulk.tensor.g2s.tile.2d"] = tmaLoad<2>;
    t["llvm.nvvm.cp.async.bulk.tensor.g2s.tile.3d"] = tmaLoad<3>;
    t["llvm.nvvm.cp.async.bulk.tensor.g2s.tile.4d"] = tmaLoad<4>;
    t["llvm.nvvm.cp.async.bulk.tensor.g2s.tile.5d"] = tmaLoad<5>;
    t["llvm.nvvm.setmaxnreg.inc.sync.aligned.u32"] = setMaxNReg;
    t["llvm.nvvm.setmaxnreg.dec.sync.aligned.u32"] = setMaxNReg;
    t["llvm.nvvm.wgmma.fence.sync.aligned"] = nothing;
    t["llvm.nvvm.wgmma.commit_group.sync.aligned"] = wgmmaCommit;
    t["llvm.nvvm.wgmma.wait_group.sync.aligned"] = wgmmaWait;
    addWgmma(t, std::make_integer_sequence<int, 32>());
    t["llvm.nvvm.cp.async.commit.group"] = cpAsyncCommit;
    t["llvm.nvvm.cp.async.wait.group"] = cpAsyncWait;
    t["llvm.nvvm.cp.async.wait.all"] = cpAsyncWaitAll;
    t["llvm.nvvm.ex2.approx.f32"] = unary<ex2, false>;
    t["llvm.nvvm.ex2.approx.ftz.f32"] = unary<ex2, true>;
    t["llvm.nvvm.ex2.approx.f"] = unary<ex2, false>;
    t["llvm.nvvm.ex2.approx.ftz.f"] = unary<ex2, true>;
    t["llvm.nvvm.lg2.approx.f"] = unary<lg2, false>;
    t["llvm.nvvm.lg2.approx.ftz.f"] = unary<lg2, true>;
    t["llvm.nvvm.fabs.f32"] = unary<absf, false>;
    t["llvm.nvvm.fabs.f"] = unary<absf, false>;
    t["llvm.nvvm.sqrt.approx.f"] = unary<sqrtf_, false>;
    t["llvm.nvvm.sqrt.approx.ftz.f"] = unary<sqrtf_, true>;
    t["llvm.nvvm.sqrt.rn.f"] = unary<sqrtf_, false>;
    t["llvm.nvvm.sqrt.f"] = unary<sqrtf_, false>;
    t["llvm.nvvm.rsqrt.approx.f"] = unary<rsqrt, false>;
    t["llvm.nvvm.rsqrt.approx.ftz.f"] = unary<rsqrt, true>;
    t["llvm.nvvm.rcp.approx.ftz.f"] = unary<rcp, true>;
    t["llvm.nvvm.rcp.rn.f"] = unary<rcp, false>;
    t["llvm.nvvm.sin.approx.f"] = unary<sinf_, false>;
    t["llvm.nvvm.sin.approx.ftz.f"] = unary<sinf_, true>;
    t["llvm.nvvm.cos.approx.f"] = unary<cosf_, false>;
    t["llvm.nvvm.cos.approx.ftz.f"] = unary<cosf_, true>;
    t["llvm.nvvm.tanh.approx.f32"] = unary<tanhf_, false>;
    t["llvm.nvvm.saturate.f"] = unary<saturate, false>;
    t["llvm.nvvm.saturate.ftz.f"] = unary<saturate, true>;
    t["llvm.nvvm.fma.rn.f"] = fmaRounded<FE_TONEAREST>;
    t["llvm.nvvm.fma.rn.ftz.f"] = fmaRounded<FE_TONEAREST>;
    t["llvm.nvvm.fma.rm.f"] = fmaRounded<FE_DOWNWARD>;
    t["llvm.nvvm.fma.rm.ftz.f"] = fmaRounded<FE_DOWNWARD>;
    t["llvm.nvvm.fma.rp.f"] = fmaRounded<FE_UPWARD>;
    t["llvm.nvvm.fma.rz.f"] = fmaRounded<FE_TOWARDZERO>;
    t["llvm.nvvm.fmax.f"] = minMax<true, false>;
    t["llvm.nvvm.fmax.ftz.f"] = minMax<true, false>;
    t["llvm.nvvm.fmax.nan.f"] = minMax<true, true>;
    t["llvm.nvvm.fmin.f"] = minMax<false, false>;
    t["llvm.nvvm.fmin.ftz.f"] = minMax<false, false>;
    t["llvm.nvvm.fmin.nan.f"] = minMax<false, true>;
    addRounded<FE_TONEAREST>(t, "rn");
    addRounded<FE_TOWARDZERO>(t, "rz");
    addRounded<FE_DOWNWARD>(t, "rm");
    addRounded<FE_UPWARD>(t, "rp");
    t["llvm.nvvm.i2d.rn"] = convert<int32_t, double, FE_TONEAREST>;
    t["llvm.nvvm.ui2d.rn"] = convert<uint32_t, double, FE_TONEAREST>;
    const char *integral[] = {"floor", "ceil", "trunc", "round"};
    abi::ImportFn integralF[] = {roundToIntegral<float, 0>, roundToIntegral<float, 1>,
                                 roundToIntegral<float, 2>, roundToIntegral<float, 3>};
    abi::ImportFn integralD[] = {roundToIntegral<double, 0>, roundToIntegral<double, 1>,
                                 roundToIntegral<double, 2>, roundToIntegral<double, 3>};
    for (int i = 0; i < 4; ++i) {
      t[std::string("llvm.nvvm.") + integral[i] + ".f"] = integralF[i];
      t[std::string("llvm.nvvm.") + integral[i] + ".ftz.f"] = integralF[i];
      t[std::string("llvm.nvvm.") + integral[i] + ".d"] = integralD[i];
    }
    t["llvm.nvvm.fabs.ftz.f32"] = unary<absf, true>;
    t["llvm.nvvm.fabs.f64"] = fabs64;
    t["llvm.nvvm.fabs.d"] = fabs64;
    t["llvm.nvvm.fmax.d"] = minMax64<true>;
    t["llvm.nvvm.fmin.d"] = minMax64<false>;
    t["llvm.nvvm.rsqrt.approx.d"] = rsqrt64;
    t["llvm.nvvm.rcp.approx.ftz.d"] = rcp64;
    t["llvm.nvvm.d2i.lo"] = d2iLo;
    t["llvm.nvvm.d2i.hi"] = d2iHi;
    t["llvm.nvvm.lohi.i2d"] = lohi;
    t["llvm.nvvm.mulhi.i"] = mulhi<int32_t, int64_t>;
    t["llvm.nvvm.mulhi.ui"] = mulhi<uint32_t, uint64_t>;
    t["llvm.nvvm.mulhi.ll"] = mulhi<int64_t, __int128>;
    t["llvm.nvvm.mulhi.ull"] = mulhi<uint64_t, unsigned __int128>;
    t["llvm.nvvm.sad.i"] = sad<int32_t>;
    t["llvm.nvvm.sad.ui"] = sad<uint32_t>;
    t["llvm.nvvm.prmt"] = prmt;
    t["asm:rcp.approx.ftz.f32 $0,$1;"] = unary<rcp, true>;
    t["asm:rsqrt.approx.ftz.f64 $0, $1;"] = rsqrt64;
    t["asm:{\n\tmad.lo.cc.u32   $0, $2, $3, $4;\n\tmadc.hi.u32     $1, $2, $3,  0;\n\t}"] =
        madLoHi32;
    t["asm:bfind.shiftamt.u32 $0, $1;"] = bfindShift;
    t["asm:{ .reg .pred __$$temp3;\n  setp.equ.f64 __$$temp3, $1, $2;\n  selp.f64 $0, $3, $4, "
      "__$$temp3;}"] = selectUnorderedEqual;
    t["llvm.nvvm.div.approx.f"] = divApprox;
    t["llvm.nvvm.div.approx.ftz.f"] = divApprox;
    t["llvm.nvvm.div.full"] = divApprox;
    t["llvm.nvvm.div.full.ftz"] = divApprox;
    return t;
  }();
  return table;
}

//===----------------------------------------------------------------------===//
// Blocks
//===----------------------------------------------------------------------===//

void finish(Thread &t) {
  t.copies.commit();
  t.copies.retireAllBut(0, land);
}

[[noreturn]] void threadMain(Thread *t) {
  // Switched to from the scheduler, whose stack ASan now learns.
  endSwitch(nullptr, &gLaunch->schedulerBottom, &gLaunch->schedulerSize);
  gLaunch->kernel->entry(gLaunch->params);
  finish(*t);
  t->done = true;
  --gLaunch->live;
  ++gLaunch->progress;
  leave();
}

std::string deadlockReport(const Launch &L) {
  std::map<std::string, int> waits;
  int exited = 0;
  for (const Thread &t : L.threads) {
    if (t.done) {
      ++exited;
    } else {
      ++waits[t.waiting ? t.waiting : "?"];
    }
  }
  std::string text;
  for (auto &[what, n] : waits) {
    text += (text.empty() ? "" : ", ") + std::to_string(n) + " at " + what;
  }
  return text + ", " + std::to_string(exited) + " exited";
}

bool runBlock(Launch &L) {
  for (int i = 0; i < L.program->variableCount; ++i) {
    const abi::Variable &v = L.program->variables[i];
    if (v.kind != abi::kGlobal) {
      std::memset(v.address, 0xff,
                  v.kind == abi::kDynamicShared ? std::min<uint64_t>(v.bytes, L.sharedBytes)
                                                : v.bytes);
    }
  }
  unsigned n = L.block[0] * L.block[1] * L.block[2];
  L.threads.assign(n, Thread());
  L.warps.assign((n + 31) / 32, WarpMeet());
  L.warpgroups.assign((n + 127) / 128, WarpgroupMeet());
  L.mbarriers.clear();
  L.wgmmaReads.clear();
  for (BarrierState &b : L.barriers) {
    b = BarrierState();
  }
  L.warpClocks.assign((n + 31) / 32, 0);
  ++gEpoch;
  L.live = int(n);
  for (unsigned i = 0; i < n; ++i) {
    Thread &t = L.threads[i];
    t.linear = i;
    t.tid[0] = i % L.block[0];
    t.tid[1] = i / L.block[0] % L.block[1];
    t.tid[2] = i / (L.block[0] * L.block[1]);
    t.warp = i / 32;
    t.lane = i % 32;
    // The frame kiln_emu_switch pops: MXCSR/FPCW, r15, r14, r13 (function), r12
    // (argument), rbx, rbp, the return address; rsp is 16-byte aligned after the ret.
    auto *frame = reinterpret_cast<uint64_t *>(stackTop(i) - 128);
    frame[0] = 0x1f80 | (uint64_t(0x037f) << 32);
    frame[1] = frame[2] = 0;
    frame[3] = reinterpret_cast<uint64_t>(&threadMain);
    frame[4] = reinterpret_cast<uint64_t>(&t);
    frame[5] = frame[6] = 0;
    frame[7] = reinterpret_cast<uint64_t>(&kiln_emu_trampoline);
    t.sp = frame;
  }
  while (L.live > 0) {
    uint64_t before = L.progress;
    for (Thread &t : L.threads) {
      if (t.done) {
        continue;
      }
      L.current = &t;
      beginSwitch(&L.schedulerFakeStack, stackTop(t.linear) - kStackBytes, kStackBytes);
      kiln_emu_switch(&L.schedulerSp, t.sp);
      endSwitch(L.schedulerFakeStack, nullptr, nullptr);
      if (L.failed) {
        return false;
      }
    }
    // Exited threads no longer count at a barrier.
    for (BarrierState &b : L.barriers) {
      if (b.arrived > 0 && b.arrived >= L.live) {
        b.arrived = 0;
        ++b.generation;
        ++gEpoch;
        ++L.progress;
      }
    }
    if (L.progress == before) {
      char text[160];
      std::snprintf(text, sizeof(text), "kernel %s, block (%u,%u,%u): deadlock: ", L.kernel->name,
                    L.ctaid[0], L.ctaid[1], L.ctaid[2]);
      L.error = text + deadlockReport(L);
      return false;
    }
  }
  return true;
}

/// libdevice's multi-instruction PTX for 64 x 64 -> 128-bit products and 128-bit sums
/// (the double-precision trigonometric reductions), by the instructions it holds.
abi::ImportFn wideArithmetic(const std::string &text) {
  if (text.rfind("asm:", 0) != 0) {
    return nullptr;
  }
  if (text.find("mul.lo.u32      r0, alo, blo") != std::string::npos) {
    return mulWide64;
  }
  if (text.find("mad.lo.cc.u32   r0, alo, blo, clo") != std::string::npos) {
    return madWide64;
  }
  if (text.find("sub.cc.u32      r0, a0, b0") != std::string::npos) {
    return addSub128<true>;
  }
  if (text.find("add.cc.u32      r0, a0, b0") != std::string::npos) {
    return addSub128<false>;
  }
  return nullptr;
}

/// dlopen of a file: a name without a slash is the file in the working directory, not
/// a library to search for.
void *openObject(const std::string &path, int flags) {
  return dlopen((path.find('/') == std::string::npos ? "./" + path : path).c_str(),
                flags | RTLD_LOCAL);
}

} // namespace

std::shared_ptr<Program> loadProgram(const std::string &path, std::string &error) {
  auto program = std::make_shared<Program>();
  program->handle = openObject(path, RTLD_NOW);
  if (!program->handle) {
    error = std::string("cannot open the emulated kernels: ") + dlerror();
    return nullptr;
  }
  auto symbol = [&](const char *name) { return dlsym(program->handle, name); };
  auto *version = static_cast<const int32_t *>(symbol(abi::kSymAbiVersion));
  if (!version || *version != abi::kAbiVersion) {
    error = path + " is not a kiln emulator object of ABI version " +
            std::to_string(abi::kAbiVersion) + " (kiln-compile --target=cuda --emit=emulator)";
    return nullptr;
  }
  auto *arch = static_cast<const char *>(symbol(abi::kSymArch));
  program->arch = arch ? arch : "";
  int kernelCount = *static_cast<const int32_t *>(symbol(abi::kSymKernelCount));
  auto *kernels = static_cast<const abi::Kernel *>(symbol(abi::kSymKernels));
  for (int i = 0; i < kernelCount; ++i) {
    program->kernels[kernels[i].name] = &kernels[i];
  }
  program->variableCount = *static_cast<const int32_t *>(symbol(abi::kSymVariableCount));
  program->variables = static_cast<const abi::Variable *>(symbol(abi::kSymVariables));
  int importCount = *static_cast<const int32_t *>(symbol(abi::kSymImportCount));
  auto *imports = static_cast<const abi::Import *>(symbol(abi::kSymImports));
  std::string missing;
  for (int i = 0; i < importCount; ++i) {
    auto it = registry().find(imports[i].name);
    abi::ImportFn fn = it == registry().end() ? wideArithmetic(imports[i].name) : it->second;
    if (!fn) {
      // Inline PTX on one line, shortened.
      std::string name;
      for (const char *c = imports[i].name; *c && name.size() < 60; ++c) {
        bool space = *c == '\n' || *c == '\t' || *c == ' ';
        if (!space || (!name.empty() && name.back() != ' ')) {
          name += space ? ' ' : *c;
        }
      }
      missing += (missing.empty() ? "" : ", ") + name;
      continue;
    }
    *imports[i].slot = reinterpret_cast<void *>(fn);
  }
  if (!missing.empty()) {
    error = "the emulator does not implement " + missing +
            " (it runs kiln's sm_80 and sm_90a kernels: rebuild them with this kiln)";
    return nullptr;
  }
  return program;
}

std::string programArch(const std::string &path) {
  void *handle = openObject(path, RTLD_LAZY);
  if (!handle) {
    return "";
  }
  auto *version = static_cast<const int32_t *>(dlsym(handle, abi::kSymAbiVersion));
  auto *arch = static_cast<const char *>(dlsym(handle, abi::kSymArch));
  std::string result = version && *version == abi::kAbiVersion && arch ? arch : "";
  dlclose(handle);
  return result;
}

const std::string &programArch(const Program &program) { return program.arch; }

int kernelParams(const Program &program, const std::string &kernel) {
  auto it = program.kernels.find(kernel);
  return it == program.kernels.end() ? -1 : it->second->numParams;
}

/// Why the emulated `program` cannot stand in for the kernels of PTX `ptx`: another
/// architecture, or a kernel with another parameter count; "" when it can.
std::string moduleMismatch(const Program &program, const std::string &ptx) {
  size_t target = ptx.find(".target ");
  std::string arch = target == std::string::npos
                         ? ""
                         : ptx.substr(target + 8, ptx.find_first_of(", \n", target + 8) - target - 8);
  if (arch != program.arch) {
    return "the emulated kernels are built for " + program.arch +
           ", the module is " + arch + " PTX: build both with the same --cuda-arch";
  }
  for (size_t at = ptx.find(".entry "); at != std::string::npos; at = ptx.find(".entry ", at + 1)) {
    size_t begin = at + 7, open = ptx.find('(', begin), close = ptx.find(')', open);
    std::string name = ptx.substr(begin, open - begin);
    int params = 0;
    for (size_t p = ptx.find(".param", open); p < close; p = ptx.find(".param", p + 1)) {
      ++params;
    }
    int emulated = kernelParams(program, name);
    if (emulated >= 0 && emulated != params) {
      return "kernel " + name + " takes " + std::to_string(emulated) +
             " parameters there and " + std::to_string(params) +
             " in the module: they are another model's kernels";
    }
  }
  return "";
}

bool launch(const Program &program, const std::string &kernel, const unsigned grid[3],
            const unsigned block[3], unsigned sharedBytes, void **params,
            const DeviceMemoryCheck &inDeviceMemory, std::string &error) {
  auto it = program.kernels.find(kernel);
  if (it == program.kernels.end()) {
    error = "no emulated kernel " + kernel;
    return false;
  }
  Launch L;
  L.program = &program;
  L.kernel = it->second;
  std::copy(grid, grid + 3, L.grid);
  std::copy(block, block + 3, L.block);
  L.sharedBytes = sharedBytes;
  L.params = params;
  L.device = &inDeviceMemory;
  const char *timeout = std::getenv("KILN_EMU_TIMEOUT_S");
  const char *racecheck = std::getenv("KILN_EMU_RACECHECK");
  L.racecheck = !(racecheck && std::string(racecheck) == "0");
  prepareShadow(L);
  L.deadline = std::chrono::steady_clock::now() +
               std::chrono::seconds(timeout ? std::atoi(timeout) : 600);
  if (sharedBytes > abi::kMaxDynamicShared) {
    error = "kernel " + kernel + ": " + std::to_string(sharedBytes) +
            " bytes of dynamic shared memory, over the emulator's " +
            std::to_string(abi::kMaxDynamicShared);
    return false;
  }
  Launch *outer = gLaunch;
  gLaunch = &L;
  bool ok = true;
  for (unsigned z = 0; z < grid[2] && ok; ++z) {
    for (unsigned y = 0; y < grid[1] && ok; ++y) {
      for (unsigned x = 0; x < grid[0] && ok; ++x) {
        L.ctaid[0] = x;
        L.ctaid[1] = y;
        L.ctaid[2] = z;
        ok = runBlock(L);
      }
    }
  }
  gLaunch = outer;
  if (!ok) {
    error = L.error;
  }
  return ok;
}

} // namespace kiln::emu
