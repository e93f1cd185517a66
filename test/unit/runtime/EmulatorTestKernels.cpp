//===- EmulatorTestKernels.cpp - hand-written kernels in the emulator's ABI -----===//
//
// What kiln-compile --emit=emulator would produce for small CUDA kernels, written by
// hand (lib/runtime/CudaEmulationAbi.h), so CudaEmulatorTest can check the emulator's
// semantics and its faults without LLVM: each kernel calls the operations through the
// import slots the emulator fills, with operands in 16-byte slots.
//
//===----------------------------------------------------------------------------===//
#include "lib/runtime/CudaEmulationAbi.h"

#include <cmath>
#include <cstdint>
#include <cstring>

namespace abi = kiln::runtime::emu;

namespace {

void *gAccess, *gTid, *gBarrier, *gShflDown, *gShflIdx, *gCpAsync, *gCommit, *gWait, *gLdmatrix,
    *gLdmatrixTrans, *gMbarrierInit, *gArriveExpectTx, *gWaitParity, *gTma2d, *gWgmma, *gWgmmaRegA,
    *gWgmmaCommit, *gWgmmaWait;
alignas(128) unsigned char gShared[1024];
alignas(1024) unsigned char gShared90[16384]; // the sm_90a kernels': 1024-byte swizzle period

struct Operands {
  alignas(16) unsigned char bytes[16 * 13];
  template <typename T> Operands &set(int i, T v) {
    std::memcpy(bytes + 16 * i, &v, sizeof(T));
    return *this;
  }
};

template <typename R> R call(void *slot, const Operands &in) {
  alignas(16) unsigned char out[16] = {};
  reinterpret_cast<abi::ImportFn>(slot)(out, in.bytes);
  R r;
  std::memcpy(&r, out, sizeof(R));
  return r;
}

unsigned tid() { return call<unsigned>(gTid, Operands()); }
void barrier() { call<int>(gBarrier, Operands().set(0, 0u)); }
float shflDown(float v, unsigned delta) {
  return call<float>(gShflDown, Operands().set(0, ~0u).set(1, v).set(2, delta).set(3, 31u));
}
float shflIdx(float v, unsigned lane) {
  return call<float>(gShflIdx, Operands().set(0, ~0u).set(1, v).set(2, lane).set(3, 31u));
}
template <typename T> T load(const T *p) {
  call<int>(gAccess, Operands().set(0, p).set(1, uint64_t(sizeof(T))).set(2, abi::kLoad));
  return *p;
}
template <typename T> void store(T *p, T v) {
  call<int>(gAccess, Operands().set(0, p).set(1, uint64_t(sizeof(T))).set(2, abi::kStore));
  *p = v;
}

// out[0] = the sum of x[0..31] by a shuffle tree; every lane's broadcast of lane 0 to out[1 + lane].
void reduceKernel(void **params) {
  const float *x = *static_cast<float **>(params[0]);
  float *out = *static_cast<float **>(params[1]);
  unsigned t = tid();
  float v = load(x + t);
  for (unsigned d = 16; d > 0; d /= 2) {
    v += shflDown(v, d);
  }
  float all = shflIdx(v, 0);
  if (t == 0) {
    store(out, v);
  }
  store(out + 1 + t, all);
}

// Thread 0 stores one float past the end of `out` (16 floats).
void outOfBoundsKernel(void **params) {
  float *out = *static_cast<float **>(params[0]);
  if (tid() == 0) {
    store(out + 16, 1.0f);
  }
}

// Lane 0 goes to a shuffle while the others wait at a barrier: neither can complete.
void deadlockKernel(void **) {
  if (tid() == 0) {
    shflDown(1.0f, 1);
  } else {
    barrier();
  }
}

// Even lanes shuffle down, odd lanes shuffle by index.
void divergentKernel(void **) {
  if (tid() % 2 == 0) {
    shflDown(1.0f, 1);
  } else {
    shflIdx(1.0f, 0);
  }
}

// Each thread copies 16 bytes of x into shared memory with cp.async, reads its first
// float before the wait (out[t]) and after it (out[32 + t]).
void copyKernel(void **params) {
  const float *x = *static_cast<float **>(params[0]);
  float *out = *static_cast<float **>(params[1]);
  unsigned t = tid();
  float *slot = reinterpret_cast<float *>(gShared) + 4 * t;
  call<int>(gCpAsync, Operands().set(0, slot).set(1, x + 4 * t).set(2, 16u));
  call<int>(gCommit, Operands());
  store(out + t, load(slot));
  call<int>(gWait, Operands().set(0, 0u));
  store(out + 32 + t, load(slot));
}

// Four 8x8 b16 matrices in shared memory, element (m, r, c) = 256 m + 16 r + c; lane l
// gives row l % 8 of matrix l / 8; the four registers of ldmatrix.x4 (then .trans) go to
// out[4 l + j] (then out[128 + 4 l + j]).
void ldmatrixKernel(void **params) {
  uint32_t *out = *static_cast<uint32_t **>(params[0]);
  unsigned t = tid();
  auto *rows = reinterpret_cast<uint16_t *>(gShared);
  for (unsigned c = 0; c < 8; ++c) {
    store<uint16_t>(rows + 8 * t + c, uint16_t(256 * (t / 8) + 16 * (t % 8) + c));
  }
  barrier();
  for (int trans = 0; trans < 2; ++trans) {
    uint32_t regs[4];
    alignas(16) unsigned char result[16];
    reinterpret_cast<abi::ImportFn>(trans ? gLdmatrixTrans : gLdmatrix)(
        result, Operands().set(0, rows + 8 * t).bytes);
    std::memcpy(regs, result, 16);
    for (int j = 0; j < 4; ++j) {
      store(out + 128 * trans + 4 * t + j, regs[j]);
    }
  }
}

// Racecheck cases on 64 threads (two warps): one float of shared memory handed from a
// writer to a reader, ordered or not; the case is the float at params[0], the source
// (4 floats, for cp.async) params[1], and what the reader read goes to params[2][0].
//   0: thread 0 stores, barrier, thread 32 loads (ordered);
//   1: the same without the barrier;
//   2: thread 32 loads while thread 0 waits at a warp shuffle, then thread 0 stores;
//   3: lane 0 stores, the warp shuffles, lane 1 loads (ordered by the warp operation);
//   4: lane 0 stores, lane 1 loads;
//   5: thread 0 copies with cp.async and waits, barrier, thread 32 loads (ordered);
//   6: thread 0 issues a cp.async, barrier, thread 32 loads, barrier, thread 0 waits.
void handoffKernel(void **params) {
  int mode = int(load(*static_cast<float **>(params[0])));
  const float *x = *static_cast<float **>(params[1]);
  float *out = *static_cast<float **>(params[2]);
  unsigned t = tid();
  auto *slot = reinterpret_cast<float *>(gShared);
  const unsigned reader = mode == 3 || mode == 4 ? 1 : 32;
  if (mode == 2 && t < 32) {
    shflDown(1.0f, 1);
  }
  if (t == 0) {
    if (mode >= 5) {
      call<int>(gCpAsync, Operands().set(0, slot).set(1, x).set(2, 16u));
      call<int>(gCommit, Operands());
      if (mode == 5) {
        call<int>(gWait, Operands().set(0, 0u));
      }
    } else if (mode != 2) {
      store(slot, 7.0f);
    }
  }
  if (mode == 0 || mode >= 5) {
    barrier();
  }
  if (mode == 3 && t < 32) {
    shflDown(1.0f, 1);
  }
  if (t == reader) {
    store(out, load(slot));
  }
  if (mode == 6) {
    barrier();
    if (t == 0) {
      call<int>(gWait, Operands().set(0, 0u));
    }
  }
  if (mode == 2 && t == 0) {
    store(slot, 7.0f);
  }
}

//===----------------------------------------------------------------------===//
// sm_90a: mbarriers, TMA, wgmma (m64n8k16, bf16 -> f32)
//===----------------------------------------------------------------------===//

uint16_t bf16(float f) { // exact for the small integers these kernels use
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  return uint16_t(bits >> 16);
}

/// A wgmma shared-memory descriptor: start, leading and stride byte offsets, swizzle
/// mode (0: none, 1: 128 bytes).
uint64_t descriptor(const void *start, uint64_t lbo, uint64_t sbo, uint64_t swizzle) {
  uint64_t window = reinterpret_cast<uintptr_t>(start) & 0x3ffff;
  return window >> 4 | (lbo >> 4) << 16 | (sbo >> 4) << 32 | swizzle << 62;
}

/// wgmma.mma_async m64n8k16 bf16: the thread's 4 accumulators in and out.
void wgmma(float acc[4], uint64_t a, uint64_t b, int scaleD, int transB) {
  Operands in;
  for (int i = 0; i < 4; ++i) {
    in.set(i, acc[i]);
  }
  in.set(4, a).set(5, b).set(6, scaleD).set(7, 1).set(8, 1).set(9, 0).set(10, transB);
  alignas(16) unsigned char out[16];
  reinterpret_cast<abi::ImportFn>(gWgmma)(out, in.bytes);
  std::memcpy(acc, out, 16);
}

/// A(m, k) and B(k, n) of the wgmma kernel.
float wgmmaA(int m, int k) { return float((3 * m + 5 * k) % 7 - 3); }
float wgmmaB(int k, int n) { return float((2 * k + 3 * n) % 5 - 2); }

// One warpgroup: A (64 x 16) K-major and B (16 x 8) N-major in shared memory without
// swizzle (LBO 128, SBO 256: the PTX ISA's canonical layouts), C = 1, then
// D = C + A B; thread t writes its 4 accumulators to out[4 t ..].
void wgmmaKernel(void **params) {
  float *out = *static_cast<float **>(params[0]);
  unsigned t = tid();
  auto *a = reinterpret_cast<uint16_t *>(gShared90);
  auto *b = reinterpret_cast<uint16_t *>(gShared90 + 2048);
  for (int e = int(t); e < 64 * 16; e += 128) {
    int m = e / 16, k = e % 16;
    store<uint16_t>(a + (m % 8 * 16 + m / 8 * 256 + k % 8 * 2 + k / 8 * 128) / 2, bf16(wgmmaA(m, k)));
  }
  if (t < 128) {
    int k = int(t) / 8, n = int(t) % 8;
    store<uint16_t>(b + (n * 2 + k % 8 * 16 + k / 8 * 128) / 2, bf16(wgmmaB(k, n)));
  }
  barrier();
  float acc[4] = {1, 1, 1, 1};
  wgmma(acc, descriptor(a, 128, 256, 0), descriptor(b, 128, 256, 0), 1, 1);
  for (int i = 0; i < 4; ++i) {
    store(out + 4 * t + i, acc[i]);
  }
}

// The same product with A from registers (the form kiln's sm_90a attention issues for
// P V): thread l of warp w packs A[16 w + l / 4 + 8 (j % 2)][2 (l % 4) + 8 (j / 2) + h]
// into half h of register j, mma.sync's m16k16 fragment.
void wgmmaRegAKernel(void **params) {
  float *out = *static_cast<float **>(params[0]);
  unsigned t = tid();
  auto *b = reinterpret_cast<uint16_t *>(gShared90 + 2048);
  if (t < 128) {
    int k = int(t) / 8, n = int(t) % 8;
    store<uint16_t>(b + (n * 2 + k % 8 * 16 + k / 8 * 128) / 2, bf16(wgmmaB(k, n)));
  }
  barrier();
  int w = int(t) / 32, l = int(t) % 32;
  Operands in;
  for (int i = 0; i < 4; ++i) {
    in.set(i, 1.0f);
  }
  for (int j = 0; j < 4; ++j) {
    int m = 16 * w + l / 4 + 8 * (j % 2), k = 2 * (l % 4) + 8 * (j / 2);
    in.set(4 + j, uint32_t(bf16(wgmmaA(m, k))) | uint32_t(bf16(wgmmaA(m, k + 1))) << 16);
  }
  in.set(8, descriptor(b, 128, 256, 0)).set(9, 1).set(10, 1).set(11, 1).set(12, 1);
  alignas(16) unsigned char acc[16];
  reinterpret_cast<abi::ImportFn>(gWgmmaRegA)(acc, in.bytes);
  for (int i = 0; i < 4; ++i) {
    float x;
    std::memcpy(&x, acc + 4 * i, 4);
    store(out + 4 * t + i, x);
  }
}

void mbarrierInit(void *bar, uint32_t count) {
  call<int>(gMbarrierInit, Operands().set(0, bar).set(1, count));
}
void arriveExpectTx(void *bar, uint32_t bytes) {
  call<uint64_t>(gArriveExpectTx, Operands().set(0, bar).set(1, bytes));
}
void waitParity(void *bar, uint32_t parity) {
  call<int>(gWaitParity, Operands().set(0, bar).set(1, parity).set(2, 1000000u));
}
void tma2d(void *dst, void *bar, const void *map, int32_t x, int32_t y) {
  call<int>(gTma2d, Operands()
                        .set(0, dst)
                        .set(1, bar)
                        .set(2, map)
                        .set(3, x)
                        .set(4, y)
                        .set(5, uint16_t(0))
                        .set(6, uint64_t(0))
                        .set(7, false)
                        .set(8, false)
                        .set(9, 0));
}

// TMA boxes of 64 x 64 (A, [M][K]) and 8 x 64 (B, [N][K]) bf16 into 128-byte-swizzled
// shared memory, completing one mbarrier phase; the four k-steps of wgmma read them
// through 128-byte-swizzle descriptors (SBO 1024, start + 32 bytes per step). Thread 0
// records the first A element's bits before the copies land (out[0], out[1]); thread t's
// accumulators go to out[2 + 4 t ..]. Params: out, the maps of A and B, and the bytes
// arrive.expect_tx announces (out[0] on entry, a float).
void tmaWgmmaKernel(void **params) {
  float *out = *static_cast<float **>(params[0]);
  const void *mapA = *static_cast<void **>(params[1]);
  const void *mapB = *static_cast<void **>(params[2]);
  unsigned t = tid();
  auto *a = reinterpret_cast<uint16_t *>(gShared90);
  auto *b = reinterpret_cast<uint16_t *>(gShared90 + 8192);
  void *bar = gShared90 + 9216;
  uint32_t announced = uint32_t(load(out));
  if (t == 0) {
    mbarrierInit(bar, 1);
  }
  barrier();
  if (t == 0) {
    arriveExpectTx(bar, announced);
    tma2d(a, bar, mapA, 0, 0);
    tma2d(b, bar, mapB, 0, 0);
    store(out, float(load(a)));
    store(out + 1, float(load(a)));
  }
  waitParity(bar, 0);
  float acc[4] = {NAN, NAN, NAN, NAN};
  for (int k = 0; k < 4; ++k) {
    wgmma(acc, descriptor(a + 16 * k, 16, 1024, 1), descriptor(b + 16 * k, 16, 1024, 1), k > 0, 0);
  }
  for (int i = 0; i < 4; ++i) {
    store(out + 2 + 4 * t + i, acc[i]);
  }
}

// A stage released too early: the warpgroup's wgmma reads the A box, and thread 0 copies
// a new box over it with TMA (map: params[0]) before (mode 0) or after (mode 1)
// wgmma.wait_group retires the wgmma, or stores into it before (mode 2); the mode is the
// float at params[1].
void wgmmaRaceKernel(void **params) {
  const void *mapA = *static_cast<void **>(params[0]);
  const float *mode = *static_cast<float **>(params[1]);
  unsigned t = tid();
  auto *a = reinterpret_cast<uint16_t *>(gShared90);
  void *bar = gShared90 + 9216;
  const float m = load(mode);
  bool waitFirst = m == 1.0f;
  if (t == 0) {
    mbarrierInit(bar, 1);
  }
  barrier();
  float acc[4] = {0, 0, 0, 0};
  wgmma(acc, descriptor(a, 16, 1024, 1), descriptor(a, 16, 1024, 1), 0, 0);
  call<int>(gWgmmaCommit, Operands());
  if (waitFirst) {
    call<int>(gWgmmaWait, Operands().set(0, uint64_t(0)));
  }
  if (m == 2.0f) {
    if (t == 0) {
      store<uint16_t>(a + 8, 0);
    }
    call<int>(gWgmmaWait, Operands().set(0, uint64_t(0)));
    return;
  }
  if (t == 0) {
    arriveExpectTx(bar, 64 * 64 * 2);
    tma2d(a, bar, mapA, 0, 0);
  }
  call<int>(gWgmmaWait, Operands().set(0, uint64_t(0)));
  waitParity(bar, 0);
}

} // namespace

#define EXPORT extern "C" __attribute__((visibility("default")))

EXPORT const int32_t kiln_emu_abi_version = abi::kAbiVersion;
EXPORT const abi::Kernel kiln_emu_kernels[] = {
    {"reduce", reduceKernel, 2, 0},       {"out_of_bounds", outOfBoundsKernel, 1, 0},
    {"deadlock", deadlockKernel, 0, 0},   {"divergent", divergentKernel, 0, 0},
    {"copy", copyKernel, 2, 0},           {"ldmatrix", ldmatrixKernel, 1, 0},
    {"wgmma", wgmmaKernel, 1, 0},         {"tma_wgmma", tmaWgmmaKernel, 3, 0},
    {"wgmma_race", wgmmaRaceKernel, 2, 0}, {"handoff", handoffKernel, 3, 0},
    {"wgmma_rega", wgmmaRegAKernel, 1, 0},
};
EXPORT const int32_t kiln_emu_kernel_count = sizeof(kiln_emu_kernels) / sizeof(abi::Kernel);
EXPORT const abi::Import kiln_emu_imports[] = {
    {abi::kAccessCheck, &gAccess},
    {"llvm.nvvm.read.ptx.sreg.tid.x", &gTid},
    {"llvm.nvvm.barrier.cta.sync.aligned.all", &gBarrier},
    {"llvm.nvvm.shfl.sync.down.f32", &gShflDown},
    {"llvm.nvvm.shfl.sync.idx.f32", &gShflIdx},
    {"llvm.nvvm.cp.async.cg.shared.global.16.s", &gCpAsync},
    {"llvm.nvvm.cp.async.commit.group", &gCommit},
    {"llvm.nvvm.cp.async.wait.group", &gWait},
    {"llvm.nvvm.ldmatrix.sync.aligned.m8n8.x4.b16.p3", &gLdmatrix},
    {"llvm.nvvm.ldmatrix.sync.aligned.m8n8.x4.trans.b16.p3", &gLdmatrixTrans},
    {"llvm.nvvm.mbarrier.init.shared", &gMbarrierInit},
    {"llvm.nvvm.mbarrier.arrive.expect.tx.scope.cta.space.cta", &gArriveExpectTx},
    {"asm:{\n\t.reg .pred       P1; \n\tLAB_WAIT: \n\tmbarrier.try_wait.parity.shared.b64 P1, "
     "[$0], $1, $2; \n\t@P1 bra.uni DONE; \n\tbra.uni     LAB_WAIT; \n\tDONE: \n\t}",
     &gWaitParity},
    {"llvm.nvvm.cp.async.bulk.tensor.g2s.tile.2d", &gTma2d},
    {"asm:{\n.reg .pred p;\nsetp.ne.b32 p, $10, 0;\nwgmma.mma_async.sync.aligned.m64n8k16.f32."
     "bf16.bf16 {$0, $1, $2, $3}, $8, $9, p, $11,  $12, $13,  $14;\n}\n",
     &gWgmma},
    // codegen/cuda/Hopper.cpp's wgmmaRegisterA at n = 8.
    {"asm:{\n.reg .pred p;\nsetp.ne.b32 p, $13, 0;\nwgmma.mma_async.sync.aligned.m64n8k16.f32."
     "bf16.bf16 {$0, $1, $2, $3}, {$8, $9, $10, $11}, $12, p, $14, $15, $16;\n}\n",
     &gWgmmaRegA},
    {"llvm.nvvm.wgmma.commit_group.sync.aligned", &gWgmmaCommit},
    {"llvm.nvvm.wgmma.wait_group.sync.aligned", &gWgmmaWait},
};
EXPORT const int32_t kiln_emu_import_count = sizeof(kiln_emu_imports) / sizeof(abi::Import);
EXPORT const abi::Variable kiln_emu_variables[] = {
    {gShared, sizeof(gShared), abi::kStaticShared, 0},
    {gShared90, sizeof(gShared90), abi::kStaticShared, 0},
};
EXPORT const int32_t kiln_emu_variable_count = 2;
EXPORT const char kiln_emu_arch[] = "sm_90a";
