//===- CudaDriverAbiCheck.cpp - CudaDriver.h against the real cuda.h -------------===//
//
// The runtime declares the driver's types, constants and entry points itself so that it
// builds without CUDA (lib/runtime/CudaDriver.h). Where the toolkit is installed, this
// file (compiled only, never linked or run) checks those declarations against cuda.h:
// every entry point has the real one's parameter list (the same number of parameters,
// each of the same size, opaque handles where cuda.h has handles), and every constant
// its real value. A mistake fails the build, not a launch on a GPU machine.
//
//===----------------------------------------------------------------------------===//
#include "lib/runtime/CudaDriver.h"

#include <cuda.h>

#include <cstddef>
#include <type_traits>

// cuda.h maps API names to versioned symbols with macros (cuMemAlloc -> cuMemAlloc_v2);
// the DriverApi members carry the API names, so the macros must not rewrite them here.
#undef cuDeviceTotalMem
#undef cuDevicePrimaryCtxRelease
#undef cuCtxPushCurrent
#undef cuCtxPopCurrent
#undef cuMemAlloc
#undef cuMemFree
#undef cuMemcpyHtoDAsync
#undef cuMemcpyDtoHAsync
#undef cuMemcpyDtoDAsync
#undef cuLaunchKernel
#undef cuStreamSynchronize
#undef cuStreamDestroy
#undef cuStreamBeginCapture
#undef cuStreamEndCapture
#undef cuGraphLaunch
#undef cuEventRecord
#undef cuEventElapsedTime
#undef cuEventDestroy

namespace {

namespace ours = kiln::runtime::cuda;

/// A parameter type up to what the ABI sees: integers and enums by size, pointers to
/// structs (handles) as one opaque pointer, other pointers by what they point to.
struct Opaque {};
template <typename T, typename = void> struct Canon { using type = std::remove_cv_t<T>; };
template <typename T>
struct Canon<T, std::enable_if_t<std::is_integral_v<T> || std::is_enum_v<T>>> {
  using type = std::integral_constant<size_t, sizeof(T)>;
};
template <typename T> struct Canon<T *, std::enable_if_t<std::is_class_v<T>>> {
  using type = Opaque *;
};
template <typename T> struct Canon<T *, std::enable_if_t<!std::is_class_v<T>>> {
  using type = typename Canon<T>::type *;
};

template <typename F> struct CanonFn;
template <typename R, typename... A> struct CanonFn<R (*)(A...)> {
  using type = typename Canon<R>::type (*)(typename Canon<A>::type...);
};

template <typename Real, typename Ours>
constexpr bool kSameAbi =
    std::is_same_v<typename CanonFn<Real>::type, typename CanonFn<Ours>::type>;

#define KILN_CHECK_ENTRY(member, real)                                                             \
  static_assert(kSameAbi<decltype(&::real), decltype(ours::DriverApi::member)>,                    \
                "DriverApi::" #member " does not match " #real " in cuda.h")

// The names are those the runtime resolves (CudaDriver.cpp), which cuda.h's macros map
// its API names to.
KILN_CHECK_ENTRY(cuGetErrorName, cuGetErrorName);
KILN_CHECK_ENTRY(cuGetErrorString, cuGetErrorString);
KILN_CHECK_ENTRY(cuInit, cuInit);
KILN_CHECK_ENTRY(cuDeviceGetCount, cuDeviceGetCount);
KILN_CHECK_ENTRY(cuDeviceGet, cuDeviceGet);
KILN_CHECK_ENTRY(cuDeviceGetAttribute, cuDeviceGetAttribute);
KILN_CHECK_ENTRY(cuDeviceGetName, cuDeviceGetName);
KILN_CHECK_ENTRY(cuDeviceTotalMem, cuDeviceTotalMem_v2);
KILN_CHECK_ENTRY(cuDevicePrimaryCtxRetain, cuDevicePrimaryCtxRetain);
KILN_CHECK_ENTRY(cuDevicePrimaryCtxRelease, cuDevicePrimaryCtxRelease_v2);
KILN_CHECK_ENTRY(cuCtxPushCurrent, cuCtxPushCurrent_v2);
KILN_CHECK_ENTRY(cuCtxPopCurrent, cuCtxPopCurrent_v2);
KILN_CHECK_ENTRY(cuMemAlloc, cuMemAlloc_v2);
KILN_CHECK_ENTRY(cuMemFree, cuMemFree_v2);
KILN_CHECK_ENTRY(cuMemcpyHtoDAsync, cuMemcpyHtoDAsync_v2);
KILN_CHECK_ENTRY(cuMemcpyDtoHAsync, cuMemcpyDtoHAsync_v2);
KILN_CHECK_ENTRY(cuMemcpyDtoDAsync, cuMemcpyDtoDAsync_v2);
KILN_CHECK_ENTRY(cuModuleLoadDataEx, cuModuleLoadDataEx);
KILN_CHECK_ENTRY(cuModuleUnload, cuModuleUnload);
KILN_CHECK_ENTRY(cuModuleGetFunction, cuModuleGetFunction);
KILN_CHECK_ENTRY(cuFuncSetAttribute, cuFuncSetAttribute);
KILN_CHECK_ENTRY(cuLaunchKernel, cuLaunchKernel);
KILN_CHECK_ENTRY(cuStreamCreate, cuStreamCreate);
KILN_CHECK_ENTRY(cuStreamSynchronize, cuStreamSynchronize);
KILN_CHECK_ENTRY(cuStreamDestroy, cuStreamDestroy_v2);
KILN_CHECK_ENTRY(cuStreamBeginCapture, cuStreamBeginCapture_v2);
KILN_CHECK_ENTRY(cuStreamEndCapture, cuStreamEndCapture);
KILN_CHECK_ENTRY(cuGraphInstantiateWithFlags, cuGraphInstantiateWithFlags);
KILN_CHECK_ENTRY(cuGraphLaunch, cuGraphLaunch);
KILN_CHECK_ENTRY(cuGraphExecDestroy, cuGraphExecDestroy);
KILN_CHECK_ENTRY(cuGraphDestroy, cuGraphDestroy);
KILN_CHECK_ENTRY(cuEventCreate, cuEventCreate);
KILN_CHECK_ENTRY(cuEventRecord, cuEventRecord);
KILN_CHECK_ENTRY(cuEventElapsedTime, cuEventElapsedTime_v2);
KILN_CHECK_ENTRY(cuEventDestroy, cuEventDestroy_v2);
KILN_CHECK_ENTRY(cuTensorMapEncodeTiled, cuTensorMapEncodeTiled);

static_assert(sizeof(ours::CUdeviceptr) == sizeof(::CUdeviceptr), "CUdeviceptr");
static_assert(sizeof(ours::CUdevice) == sizeof(::CUdevice), "CUdevice");
static_assert(sizeof(ours::CUresult) == sizeof(::CUresult), "CUresult");
// The runtime encodes tensor maps into an array of these and uploads it as is.
static_assert(sizeof(ours::CUtensorMap) == sizeof(::CUtensorMap), "CUtensorMap size");
static_assert(alignof(ours::CUtensorMap) == alignof(::CUtensorMap), "CUtensorMap alignment");
static_assert(sizeof(ours::CUtensorMap) == 128, "a CUtensorMap is 128 bytes (docs/artifact.md)");

#define KILN_CHECK_VALUE(name)                                                                     \
  static_assert(static_cast<long long>(ours::name) == static_cast<long long>(::name),              \
                #name " differs from cuda.h")

KILN_CHECK_VALUE(CUDA_SUCCESS);
KILN_CHECK_VALUE(CUDA_ERROR_INVALID_VALUE);
KILN_CHECK_VALUE(CUDA_ERROR_OUT_OF_MEMORY);
KILN_CHECK_VALUE(CUDA_ERROR_NO_DEVICE);
KILN_CHECK_VALUE(CUDA_ERROR_NOT_FOUND);
KILN_CHECK_VALUE(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
KILN_CHECK_VALUE(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
KILN_CHECK_VALUE(CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
KILN_CHECK_VALUE(CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES);
KILN_CHECK_VALUE(CU_JIT_INFO_LOG_BUFFER);
KILN_CHECK_VALUE(CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES);
KILN_CHECK_VALUE(CU_JIT_ERROR_LOG_BUFFER);
KILN_CHECK_VALUE(CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES);
KILN_CHECK_VALUE(CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
KILN_CHECK_VALUE(CU_STREAM_NON_BLOCKING);
KILN_CHECK_VALUE(CU_EVENT_DEFAULT);
KILN_CHECK_VALUE(CU_TENSOR_MAP_DATA_TYPE_UINT8);
KILN_CHECK_VALUE(CU_TENSOR_MAP_DATA_TYPE_UINT16);
KILN_CHECK_VALUE(CU_TENSOR_MAP_DATA_TYPE_UINT32);
KILN_CHECK_VALUE(CU_TENSOR_MAP_DATA_TYPE_INT32);
KILN_CHECK_VALUE(CU_TENSOR_MAP_DATA_TYPE_UINT64);
KILN_CHECK_VALUE(CU_TENSOR_MAP_DATA_TYPE_INT64);
KILN_CHECK_VALUE(CU_TENSOR_MAP_DATA_TYPE_FLOAT16);
KILN_CHECK_VALUE(CU_TENSOR_MAP_DATA_TYPE_FLOAT32);
KILN_CHECK_VALUE(CU_TENSOR_MAP_DATA_TYPE_FLOAT64);
KILN_CHECK_VALUE(CU_TENSOR_MAP_DATA_TYPE_BFLOAT16);
KILN_CHECK_VALUE(CU_TENSOR_MAP_INTERLEAVE_NONE);
KILN_CHECK_VALUE(CU_TENSOR_MAP_SWIZZLE_NONE);
KILN_CHECK_VALUE(CU_TENSOR_MAP_SWIZZLE_32B);
KILN_CHECK_VALUE(CU_TENSOR_MAP_SWIZZLE_64B);
KILN_CHECK_VALUE(CU_TENSOR_MAP_SWIZZLE_128B);
KILN_CHECK_VALUE(CU_TENSOR_MAP_L2_PROMOTION_L2_256B);
KILN_CHECK_VALUE(CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
// The error codes CudaSession.cpp names locally.
static_assert(::CUDA_ERROR_INVALID_IMAGE == 200 && ::CUDA_ERROR_INVALID_PTX == 218 &&
                  ::CUDA_ERROR_UNSUPPORTED_PTX_VERSION == 222,
              "module-load error codes differ from cuda.h");

} // namespace
