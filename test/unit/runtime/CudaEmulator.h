//===- CudaEmulator.h - runs kiln's CUDA kernels on the host, thread by thread --===//
//
// The fake libcuda (FakeCudaDriver.h) runs the kernels of a real kiln model when
// KILN_FAKE_CUDA_KERNELS names their host build (`kiln-compile --target=cuda
// --emit=emulator`, lib/runtime/CudaEmulationAbi.h). `kiln-run --device=cuda` then runs
// the artifact through the whole CUDA runtime on a machine without a GPU, with these
// semantics:
// - blocks run one after another; the threads of a block each run on their own stack and
//   switch only where a GPU thread may wait: a barrier, a warp-wide operation (shuffle,
//   ldmatrix, mma.sync), so every interleaving the code allows between those points is
//   one the GPU could produce;
// - warp operations meet when every lane of their mask arrives, and fail when lanes of
//   one warp arrive at different operations or a lane of the mask has exited;
// - ldmatrix and mma.sync move fragments with the layouts of the PTX ISA (m8n8 x1/x2/x4,
//   .trans; m16n8k16 bf16/f16 and m16n8k8 tf32, which drops the 13 low mantissa bits);
// - cp.async copies are held per thread and land at the cp.async.wait_group that retires
//   their group, the latest a GPU may land them, so a read that does not wait sees
//   stale data;
// - shared memory starts each block filled with 0xff bytes (NaN as f32), so a read of
//   what no thread wrote shows;
// - every load and store is checked: outside device memory, the block's shared memory
//   (the dynamic part up to the launch's size) and the thread's stack, the kernel stops
//   and the launch fails with the kernel, block, thread and address;
// - a block whose threads all wait with none able to go on (a barrier some threads never
//   reach) fails as a deadlock;
// - racecheck (off with KILN_EMU_RACECHECK=0): two accesses of one shared-memory byte by
//   different threads, at least one a write, with no barrier between them fail the launch
//   whichever order the fibers ran them in, naming both threads and the byte. Lanes of
//   one warp are also ordered by a warp-wide operation of all 32 lanes; a cp.async
//   write may land any time from its issue to its wait, so it conflicts with another
//   thread's access anywhere in that span. Plain loads, stores and ldmatrix are
//   tracked; atomics, TMA and wgmma (which mbarriers order) are not;
// - sm_90a: an mbarrier phase ends when its expected arrivals and the transaction bytes
//   announced by arrive.expect_tx are in; a TMA copy (cp.async.bulk.tensor, tile mode)
//   reads its box through the tensor map the fake cuTensorMapEncodeTiled wrote, zero
//   outside the tensor, 128/64/32-byte swizzled, and lands when a thread waits for the
//   phase it completes (the latest a GPU may land it); more bytes than announced is a
//   fault, fewer a deadlock; wgmma.mma_async meets the warpgroup's 128 threads, reads A
//   and B through their matrix descriptors (the canonical K-major and MN-major layouts of
//   the PTX ISA, swizzled by address bits) and returns the m64nNk16 accumulator layout;
//   setmaxnreg and the fences check their operands and do nothing else.
//   wgmma computes when issued, but the shared memory it read stays claimed until
//   wgmma.wait_group retires it: a TMA copy or a store into it before then is a fault
//   (the race of a stage released too early).
// What it does not model: multicast and clusters, timing, and memory ordering between
// blocks.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_TEST_UNIT_RUNTIME_CUDAEMULATOR_H
#define KILN_TEST_UNIT_RUNTIME_CUDAEMULATOR_H

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace kiln::emu {

struct Program;

/// Opens a host build of kernels; null with `error` set when it is not one, or calls an
/// operation the emulator does not implement.
std::shared_ptr<Program> loadProgram(const std::string &path, std::string &error);

/// The architecture a host build of kernels was built for (`sm_80`, `sm_90a`), or ""
/// when `path` is not one.
std::string programArch(const std::string &path);

/// The architecture `program` was built for.
const std::string &programArch(const Program &program);

/// The kernel's parameter count, or -1 when the program has no kernel of that name.
int kernelParams(const Program &program, const std::string &kernel);

/// Why `program` cannot run in place of the kernels of the PTX module `ptx`: another
/// architecture, or a kernel with another parameter count (another model's kernels);
/// "" when it can.
std::string moduleMismatch(const Program &program, const std::string &ptx);

/// Whether [address, address + bytes) is device memory.
using DeviceMemoryCheck = std::function<bool(uint64_t address, uint64_t bytes)>;

/// Runs the grid; on a fault returns false with `error` naming the kernel, block, thread
/// and what went wrong.
bool launch(const Program &program, const std::string &kernel, const unsigned grid[3],
            const unsigned block[3], unsigned sharedBytes, void **params,
            const DeviceMemoryCheck &inDeviceMemory, std::string &error);

} // namespace kiln::emu

#endif // KILN_TEST_UNIT_RUNTIME_CUDAEMULATOR_H
