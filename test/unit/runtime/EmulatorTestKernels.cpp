//===- EmulatorTestKernels.cpp - hand-written kernels in the emulator's ABI -----===//
//
// What kiln-compile --emit=emulator would produce for small CUDA kernels, written by
// hand (lib/runtime/CudaEmulationAbi.h), so CudaEmulatorTest can check the emulator's
// semantics and its faults without LLVM: each kernel calls the operations through the
// import slots the emulator fills, with operands in 16-byte slots.
//
//===----------------------------------------------------------------------------===//
#include "lib/runtime/CudaEmulationAbi.h"

#include <cstring>

namespace abi = kiln::runtime::emu;

namespace {

void *gAccess, *gTid, *gBarrier, *gShflDown, *gShflIdx, *gCpAsync, *gCommit, *gWait, *gLdmatrix,
    *gLdmatrixTrans;
alignas(128) unsigned char gShared[1024];

struct Operands {
  alignas(16) unsigned char bytes[16 * 4];
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

} // namespace

#define EXPORT extern "C" __attribute__((visibility("default")))

EXPORT const int32_t kiln_emu_abi_version = abi::kAbiVersion;
EXPORT const abi::Kernel kiln_emu_kernels[] = {
    {"reduce", reduceKernel, 2, 0},       {"out_of_bounds", outOfBoundsKernel, 1, 0},
    {"deadlock", deadlockKernel, 0, 0},   {"divergent", divergentKernel, 0, 0},
    {"copy", copyKernel, 2, 0},           {"ldmatrix", ldmatrixKernel, 1, 0},
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
};
EXPORT const int32_t kiln_emu_import_count = sizeof(kiln_emu_imports) / sizeof(abi::Import);
EXPORT const abi::Variable kiln_emu_variables[] = {
    {gShared, sizeof(gShared), abi::kStaticShared, 0},
};
EXPORT const int32_t kiln_emu_variable_count = 1;
