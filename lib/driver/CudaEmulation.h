//===- CudaEmulation.h - CUDA kernels retargeted to the host for the emulator ---===//
//
// See lib/runtime/CudaEmulationAbi.h for what the object holds and how the emulator
// (test/unit/runtime/CudaEmulator.cpp) runs it.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_LIB_DRIVER_CUDAEMULATION_H
#define KILN_LIB_DRIVER_CUDAEMULATION_H

#include <string>

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace kiln::driver {

/// Rewrites `module` (NVVM LLVM IR after the GPU's -O3) for `host`, a host target
/// machine: NVVM intrinsics and memory accesses become calls through import slots,
/// shared memory becomes host variables, each kernel gets a host entry point and the
/// tables of CudaEmulationAbi.h are added, with `arch` (the GPU architecture the module
/// was built for). Fails (with a line in `errors`) on what the emulator cannot run.
bool retargetCudaForEmulation(llvm::Module &module, llvm::TargetMachine &host,
                              const std::string &arch, std::string &errors);

} // namespace kiln::driver

#endif // KILN_LIB_DRIVER_CUDAEMULATION_H
