//===- CudaEmulationAbi.h - kernels built for the host, for the CUDA emulator ---===//
//
// `kiln-compile --target=cuda --emit=emulator` writes the CUDA kernels of a model as a
// host shared object (lib/driver/CudaEmulation.cpp): the NVVM LLVM IR that becomes the
// PTX, after LLVM's -O3 for the GPU, retargeted to x86-64 with every NVVM intrinsic, and
// every memory access, turned into a call through a slot that the emulator fills. The
// emulator (test/unit/runtime/CudaEmulator.cpp, inside the fake libcuda) runs those
// kernels block by block, each thread on its own stack, so barriers, warp shuffles,
// ldmatrix, mma.sync, cp.async and, for sm_90a, mbarriers, TMA and wgmma have their GPU
// semantics, and an access outside device memory or the block's shared memory stops the
// kernel with its address.
//
// This header is the contract between the two: the symbols the object exports and the
// calling convention of an import. It includes nothing (the runtime side has no LLVM).
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_LIB_RUNTIME_CUDAEMULATIONABI_H
#define KILN_LIB_RUNTIME_CUDAEMULATIONABI_H

#include <cstdint>

namespace kiln::runtime::emu {

/// Bumped when anything below changes.
constexpr int32_t kAbiVersion = 2;

/// One kernel: `entry(params)` runs one GPU thread, with cuLaunchKernel's parameter array
/// (params[i] points at the value of parameter i).
struct Kernel {
  const char *name;
  void (*entry)(void **params);
  int32_t numParams;
  int32_t reserved;
};

/// An operation the kernels call: `name` is the NVVM intrinsic (`llvm.nvvm.mma...`) or
/// one of the kAccess* names; the emulator writes its implementation into `*slot`.
struct Import {
  const char *name;
  void **slot;
};

/// A variable of the module: in shared memory (static, or the dynamic one, whose `bytes`
/// are the most a launch may ask for), or in global/constant memory (the kernels' own
/// constants, which the emulator lets them read like device memory).
enum VariableKind : int32_t { kStaticShared = 0, kDynamicShared = 1, kGlobal = 2 };
struct Variable {
  void *address;
  uint64_t bytes;
  int32_t kind;
  int32_t reserved;
};

/// An import's implementation: reads its operands from `args`, one 16-byte slot each in
/// the intrinsic's order (scalars and small vectors stored as LLVM stores them), and
/// writes its result (a struct as LLVM lays it out for x86-64) to `result`.
using ImportFn = void (*)(void *result, const void *args);

/// The access check before every load and store: operands (ptr address, i64 bytes,
/// i32 flags) with flags = kStore for a store (an atomic is both).
constexpr const char *kAccessCheck = "kiln.emu.access";
constexpr int32_t kLoad = 1;
constexpr int32_t kStore = 2;

/// The symbols the object exports.
constexpr const char *kSymAbiVersion = "kiln_emu_abi_version";       // int32_t
constexpr const char *kSymKernelCount = "kiln_emu_kernel_count";     // int32_t
constexpr const char *kSymKernels = "kiln_emu_kernels";              // Kernel[count]
constexpr const char *kSymImportCount = "kiln_emu_import_count";     // int32_t
constexpr const char *kSymImports = "kiln_emu_imports";              // Import[count]
constexpr const char *kSymVariableCount = "kiln_emu_variable_count"; // int32_t
constexpr const char *kSymVariables = "kiln_emu_variables";          // Variable[count]
/// The architecture the kernels were built for (`sm_80`, `sm_90a`, ...): the fake GPU
/// presents itself as one of it.
constexpr const char *kSymArch = "kiln_emu_arch"; // const char[]

/// The dynamic shared memory the object reserves (the most an H100 block may opt into).
constexpr uint64_t kMaxDynamicShared = 227 * 1024;

} // namespace kiln::runtime::emu

#endif // KILN_LIB_RUNTIME_CUDAEMULATIONABI_H
