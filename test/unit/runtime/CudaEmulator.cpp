//===- CudaEmulator.cpp - runs kiln's CUDA kernels on the host, thread by thread ===//
//
// See CudaEmulator.h for the semantics. The threads of a block are fibers with their own
// stacks; kiln_emu_switch saves the callee-saved registers, MXCSR and the x87 control
// word on the current stack and moves to another (no system call, unlike swapcontext).
// A thread runs until it must wait (a barrier, a warp operation whose lanes have not
// all arrived), then the scheduler resumes the next one; waits re-check their condition
// when resumed. A full round of the block with no thread arriving anywhere or exiting is
// a deadlock.
//
//===----------------------------------------------------------------------------===//
#include "test/unit/runtime/CudaEmulator.h"
#include "lib/runtime/CudaEmulationAbi.h"

#include <dlfcn.h>
#include <sys/mman.h>

#include <algorithm>
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
};

struct Thread {
  void *sp = nullptr;
  unsigned tid[3] = {0, 0, 0};
  unsigned linear = 0, warp = 0, lane = 0;
  bool done = false;
  const char *waiting = nullptr; // what it waits at, for the deadlock report
  std::vector<Copy> open;
  std::deque<std::vector<Copy>> committed;
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

struct Launch {
  const Program *program = nullptr;
  const abi::Kernel *kernel = nullptr;
  unsigned grid[3], block[3], ctaid[3];
  unsigned sharedBytes = 0;
  void **params = nullptr;
  const DeviceMemoryCheck *device = nullptr;
  std::vector<Thread> threads;
  std::vector<WarpMeet> warps;
  BarrierState barriers[16];
  int live = 0;
  uint64_t progress = 0;
  Thread *current = nullptr;
  void *schedulerSp = nullptr;
  bool failed = false;
  std::string error;
  std::chrono::steady_clock::time_point deadline;
  uint64_t checks = 0;
};

Launch *gLaunch = nullptr;

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

void yield() { kiln_emu_switch(&gLaunch->current->sp, gLaunch->schedulerSp); }

/// Stops the launch: the thread never resumes.
[[noreturn]] void fail(const std::string &what) {
  gLaunch->failed = true;
  gLaunch->error = where() + ": " + what;
  yield();
  __builtin_unreachable();
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

void checkAccess(const char *p, uint64_t n, const char *what) {
  Launch &L = *gLaunch;
  if (++L.checks % 65536 == 0 && std::chrono::steady_clock::now() > L.deadline) {
    fail("the launch ran past KILN_EMU_TIMEOUT_S (a hang, or a grid too large to emulate)");
  }
  int shared = inShared(p, n);
  if (shared == 1 ||
      (shared == 0 && (onStack(p, n) || (*L.device)(reinterpret_cast<uintptr_t>(p), n) ||
                       inModuleGlobal(p, n)))) {
    return;
  }
  char text[256];
  std::snprintf(text, sizeof(text), "%s of %llu bytes at %p %s", what,
                static_cast<unsigned long long>(n), static_cast<const void *>(p),
                shared < 0 ? "past the launch's dynamic shared memory"
                           : "outside device memory, shared memory and the thread's stack");
  fail(text);
}

void accessImport(void *, const void *args) {
  int32_t flags = arg<int32_t>(args, 2);
  checkAccess(arg<const char *>(args, 0), arg<uint64_t>(args, 1),
              flags == abi::kStore ? "a store" : flags == abi::kLoad ? "a load" : "an atomic");
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
    return;
  }
  uint64_t generation = b.generation;
  L.current->waiting = "a barrier";
  while (b.generation == generation) {
    yield();
  }
  L.current->waiting = nullptr;
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
    complete(w);
    w.arrived = 0;
    ++w.generation;
  } else {
    uint64_t generation = w.generation;
    t.waiting = op;
    while (w.generation == generation) {
      yield();
    }
    t.waiting = nullptr;
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

void land(const std::vector<Copy> &group) {
  for (const Copy &c : group) {
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
  gLaunch->current->open.push_back({dst, src, Bytes, srcBytes});
}

void cpAsyncCommit(void *, const void *) {
  Thread &t = *gLaunch->current;
  t.committed.push_back(std::move(t.open));
  t.open.clear();
}

void cpAsyncWait(void *, const void *args) {
  Thread &t = *gLaunch->current;
  uint32_t keep = arg<uint32_t>(args, 0);
  while (t.committed.size() > keep) {
    land(t.committed.front());
    t.committed.pop_front();
  }
}

void cpAsyncWaitAll(void *, const void *) {
  Thread &t = *gLaunch->current;
  cpAsyncCommit(nullptr, nullptr);
  while (!t.committed.empty()) {
    land(t.committed.front());
    t.committed.pop_front();
  }
}

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
  land(t.open);
  t.open.clear();
  while (!t.committed.empty()) {
    land(t.committed.front());
    t.committed.pop_front();
  }
}

[[noreturn]] void threadMain(Thread *t) {
  gLaunch->kernel->entry(gLaunch->params);
  finish(*t);
  t->done = true;
  --gLaunch->live;
  ++gLaunch->progress;
  yield();
  __builtin_unreachable();
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
  for (BarrierState &b : L.barriers) {
    b = BarrierState();
  }
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
      kiln_emu_switch(&L.schedulerSp, t.sp);
      if (L.failed) {
        return false;
      }
    }
    // Exited threads no longer count at a barrier.
    for (BarrierState &b : L.barriers) {
      if (b.arrived > 0 && b.arrived >= L.live) {
        b.arrived = 0;
        ++b.generation;
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

} // namespace

std::shared_ptr<Program> loadProgram(const std::string &path, std::string &error) {
  auto program = std::make_shared<Program>();
  program->handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
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
            " (it runs the sm_80 kernels: compile with --cuda-arch=sm_80)";
    return nullptr;
  }
  return program;
}

int kernelParams(const Program &program, const std::string &kernel) {
  auto it = program.kernels.find(kernel);
  return it == program.kernels.end() ? -1 : it->second->numParams;
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
