//===- Compile.cpp - model file -> artifact (or an intermediate stage) ------===//
//
// Stages: import (lib/onnx or an .mlir file) -> --kiln-cpu-pipeline (codegen/) ->
// LLVM IR -> -O3 for the chosen CPU -> object code -> ld.lld -shared -> artifact. The
// memory plan and signature travel from the pipeline to the artifact as the module
// attributes `kiln.plan` / `kiln.signature` (codegen/common/KernelInfo.h).
//
//===----------------------------------------------------------------------------===//
#include "lib/driver/Compile.h"
#include "lib/driver/CudaEmulation.h"

#include "codegen/Pipelines.h"
#include "codegen/common/KernelInfo.h"
#include "lib/driver/ModelLoader.h"
#include "lib/interp/Interpreter.h"
#include "lib/runtime/ArtifactFormat.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/Linker/Linker.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#include <chrono>

using namespace mlir;

namespace kiln::driver {
namespace {

/// Prints "kiln-compile: <stage> <ms> ms" when timing is on.
class StageTimer {
public:
  explicit StageTimer(bool enabled) : enabled(enabled) { restart(); }
  void restart() { start = std::chrono::steady_clock::now(); }
  void done(llvm::StringRef stage) {
    if (enabled) {
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                            start)
                      .count();
      llvm::errs() << llvm::format("kiln-compile: %-22s %9.1f ms\n", stage.str().c_str(), ms);
    }
    restart();
  }

private:
  bool enabled;
  std::chrono::steady_clock::time_point start;
};

/// Collects diagnostics as text ("error: loc: message").
class DiagnosticCollector {
public:
  DiagnosticCollector(MLIRContext &ctx, std::string &out)
      : handler(&ctx, [&out](Diagnostic &d) {
          llvm::raw_string_ostream os(out);
          os << d.getLocation() << ": "
             << (d.getSeverity() == DiagnosticSeverity::Error     ? "error: "
                 : d.getSeverity() == DiagnosticSeverity::Warning ? "warning: "
                                                                  : "note: ")
             << d << "\n";
          // A warning's notes are the pass manager's dump of the kernel: noise for a
          // model that compiled.
          if (d.getSeverity() == DiagnosticSeverity::Warning) {
            return success();
          }
          for (Diagnostic &note : d.getNotes()) {
            os << note.getLocation() << ": note: " << note << "\n";
          }
          return success();
        }) {}

private:
  ScopedDiagnosticHandler handler;
};

/// LLVM feature name -> /proc/cpuinfo spelling, for every x86 feature LLVM's code for
/// these CPUs may use; the artifact lists those the target has, the runtime checks them.
constexpr std::pair<const char *, const char *> kFeatureNames[] = {
    {"sse4.1", "sse4_1"},          {"sse4.2", "sse4_2"},          {"ssse3", "ssse3"},
    {"popcnt", "popcnt"},          {"avx", "avx"},                {"avx2", "avx2"},
    {"fma", "fma"},                {"f16c", "f16c"},              {"bmi", "bmi1"},
    {"bmi2", "bmi2"},              {"lzcnt", "abm"},              {"movbe", "movbe"},
    {"avx512f", "avx512f"},        {"avx512bw", "avx512bw"},      {"avx512cd", "avx512cd"},
    {"avx512dq", "avx512dq"},      {"avx512vl", "avx512vl"},      {"avx512vnni", "avx512_vnni"},
    {"avx512bf16", "avx512_bf16"}, {"avx512fp16", "avx512_fp16"}, {"avx512vbmi", "avx512vbmi"},
    {"avx512vbmi2", "avx512_vbmi2"}, {"avx512ifma", "avx512ifma"},
    {"avx512bitalg", "avx512_bitalg"}, {"avx512vpopcntdq", "avx512_vpopcntdq"},
    {"avxvnni", "avx_vnni"},       {"gfni", "gfni"},              {"vaes", "vaes"},
    {"vpclmulqdq", "vpclmulqdq"},
};

struct Target {
  std::unique_ptr<llvm::TargetMachine> machine;
  std::string cpu;
  std::vector<std::string> features; // /proc/cpuinfo spelling
};

FailureOr<Target> createTarget(const CompileSettings &s, std::string &errors) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target) {
    errors += "codegen: no LLVM target for " + triple.str() + ": " + error + "\n";
    return failure();
  }
  Target t;
  std::string featureString;
  if (s.cpu == "host") {
    t.cpu = llvm::sys::getHostCPUName().str();
    for (const auto &f : llvm::sys::getHostCPUFeatures()) {
      featureString += (featureString.empty() ? "" : ",") + std::string(f.second ? "+" : "-") +
                       f.first().str();
    }
  } else {
    t.cpu = s.cpu;
  }
  if (!target->createMCSubtargetInfo(triple, t.cpu, "")->isCPUStringValid(t.cpu)) {
    errors += "codegen: unknown CPU '" + s.cpu +
              "' (use host, x86-64-v3, x86-64-v4 or an LLVM CPU name such as znver4)\n";
    return failure();
  }
  llvm::CodeGenOptLevel level = s.optLevel == 0   ? llvm::CodeGenOptLevel::None
                                : s.optLevel == 1 ? llvm::CodeGenOptLevel::Less
                                : s.optLevel == 2 ? llvm::CodeGenOptLevel::Default
                                                  : llvm::CodeGenOptLevel::Aggressive;
  llvm::TargetOptions options;
  t.machine.reset(target->createTargetMachine(triple, t.cpu, featureString, options,
                                              llvm::Reloc::PIC_, std::nullopt, level));
  const llvm::MCSubtargetInfo *sti = t.machine->getMCSubtargetInfo();
  for (auto [llvmName, cpuinfoName] : kFeatureNames) {
    if (sti->checkFeatures(std::string("+") + llvmName)) {
      t.features.push_back(cpuinfoName);
    }
  }
  return t;
}

/// -O<level> over the module with the target's cost model.
void optimize(llvm::Module &module, llvm::TargetMachine &tm, int optLevel) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopUnrolling = optLevel >= 2;
  tuning.LoopVectorization = optLevel >= 2;
  tuning.SLPVectorization = optLevel >= 2;
  llvm::PassBuilder pb(&tm, tuning);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::OptimizationLevel level = optLevel == 0   ? llvm::OptimizationLevel::O0
                                  : optLevel == 1 ? llvm::OptimizationLevel::O1
                                  : optLevel == 2 ? llvm::OptimizationLevel::O2
                                                  : llvm::OptimizationLevel::O3;
  llvm::ModulePassManager mpm = optLevel == 0 ? pb.buildO0DefaultPipeline(level)
                                              : pb.buildPerModuleDefaultPipeline(level);
  mpm.run(module, mam);
}

bool emitMachineCode(llvm::Module &module, llvm::TargetMachine &tm, bool assembly,
                     std::string &out, std::string &errors) {
  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager pm;
  if (tm.addPassesToEmitFile(pm, os, nullptr,
                             assembly ? llvm::CodeGenFileType::AssemblyFile
                                      : llvm::CodeGenFileType::ObjectFile)) {
    errors += "codegen: the LLVM target cannot emit this file type\n";
    return false;
  }
  pm.run(module);
  out.assign(buffer.begin(), buffer.end());
  return true;
}

/// Links object code into a shared object with ld.lld (found beside LLVM's tools or on
/// PATH); returns the .so bytes.
bool linkSharedObject(const std::string &object, std::string &so, std::string &errors) {
  std::string lld;
  for (const char *name : {"ld.lld-22", "ld.lld"}) {
    llvm::ErrorOr<std::string> found =
        llvm::sys::findProgramByName(name, {"/usr/lib/llvm-22/bin"});
    if (!found) {
      found = llvm::sys::findProgramByName(name);
    }
    if (found) {
      lld = *found;
      break;
    }
  }
  if (lld.empty()) {
    errors += "link: ld.lld not found (install lld-22)\n";
    return false;
  }
  llvm::SmallString<128> objPath, soPath;
  int fd;
  if (llvm::sys::fs::createTemporaryFile("kiln-kernels", "o", fd, objPath) ||
      llvm::sys::fs::createTemporaryFile("kiln-kernels", "so", soPath)) {
    errors += "link: cannot create temporary files\n";
    return false;
  }
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << object;
  }
  llvm::SmallString<128> logPath;
  llvm::sys::fs::createTemporaryFile("kiln-lld", "log", logPath);
  llvm::SmallVector<llvm::StringRef> args = {lld,      "-shared", "-O2", "--gc-sections",
                                             "-z",     "now",     "-z",  "noexecstack",
                                             "-o",     soPath,    objPath};
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, llvm::StringRef(logPath),
                                                llvm::StringRef(logPath)};
  std::string execError;
  int rc = llvm::sys::ExecuteAndWait(lld, args, std::nullopt, redirects, 0, 0, &execError);
  bool ok = rc == 0;
  if (!ok) {
    auto log = llvm::MemoryBuffer::getFile(logPath);
    errors += "link: " + lld + " failed (exit " + std::to_string(rc) + ")" +
              (execError.empty() ? "" : ": " + execError) + "\n" +
              (log ? (*log)->getBuffer().str() : "");
  } else if (auto bytes = llvm::MemoryBuffer::getFile(soPath, false, false)) {
    so = (*bytes)->getBuffer().str();
  } else {
    errors += "link: cannot read " + soPath.str().str() + "\n";
    ok = false;
  }
  llvm::sys::fs::remove(objPath);
  llvm::sys::fs::remove(soPath);
  llvm::sys::fs::remove(logPath);
  return ok;
}

/// Raw little-endian bytes of a constant, as the kernels read them (i1: one byte each).
bool appendElements(ElementsAttr attr, std::vector<uint8_t> &out) {
  auto type = cast<ShapedType>(attr.getType());
  int64_t n = type.getNumElements();
  Type et = type.getElementType();
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob) {
      return false;
    }
    ArrayRef<char> data = blob->getData();
    out.insert(out.end(), data.begin(), data.end());
    return true;
  }
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense) {
    return false;
  }
  if (et.isInteger(1)) {
    for (bool v : dense.getValues<bool>()) {
      out.push_back(v ? 1 : 0);
    }
    return true;
  }
  ArrayRef<char> raw = dense.getRawData();
  if (dense.isSplat()) {
    int64_t bytes = (et.getIntOrFloatBitWidth() + 7) / 8;
    for (int64_t i = 0; i < n; ++i) {
      out.insert(out.end(), raw.begin(), raw.begin() + bytes);
    }
  } else {
    out.insert(out.end(), raw.begin(), raw.end());
  }
  return true;
}

FailureOr<runtime::TensorDesc> describeTensor(DictionaryAttr d, std::string &errors) {
  runtime::TensorDesc desc;
  desc.name = d.getAs<StringAttr>("name").str();
  auto type = cast<RankedTensorType>(d.getAs<TypeAttr>("type").getValue());
  Type et = type.getElementType();
  if (auto q = dyn_cast<quant::QuantizedType>(et)) {
    unsigned width = q.getStorageTypeIntegralWidth();
    et = IntegerType::get(et.getContext(), width,
                          q.isSigned() ? IntegerType::Signless : IntegerType::Unsigned);
  }
  desc.dtype = interp::dtypeOf(et);
  if (desc.dtype == KILN_DTYPE_INVALID || !type.hasStaticShape()) {
    errors += "artifact: '" + desc.name + "' has a type the runtime cannot bind\n";
    return failure();
  }
  desc.dims.assign(type.getShape().begin(), type.getShape().end());
  return desc;
}

/// A failing pass leaves a reproducer (the IR before the pipeline plus the pipeline) and
/// MLIR's note says where; --mlir-pass-pipeline-crash-reproducer=FILE overrides this.
void configurePassManager(PassManager &pm) {
  llvm::SmallString<128> reproducer;
  llvm::sys::path::system_temp_directory(/*erasedOnReboot=*/true, reproducer);
  llvm::sys::path::append(reproducer, "kiln-compile-reproducer-" +
                                          std::to_string(llvm::sys::Process::getProcessId()) +
                                          ".mlir");
  pm.enableCrashReproducerGeneration(reproducer, /*genLocalReproducer=*/false);
  if (failed(applyPassManagerCLOptions(pm))) {
    // Not a kiln-compile process (the C API in a framework): no MLIR command-line flags.
  }
}

/// A kernel's TMA tensor maps from the optional `tensor_maps` of its plan entry: an array
/// of array<i64> [binding, offset_bytes, dtype (kilnDType), swizzle_bytes, rank,
/// dims[rank] (innermost first)..., strides_bytes[rank - 1]..., box[rank]...]. Only the
/// shape of the list and the ranges of the casts are checked here; the limits of a map
/// are validateArtifact's, which runs on the whole artifact.
bool readTensorMaps(DictionaryAttr entry, runtime::Kernel &kernel, std::string &errors) {
  Attribute attr = entry.get("tensor_maps");
  if (!attr) {
    return true;
  }
  auto fail = [&](const std::string &what) {
    errors += "artifact: kernel '" + kernel.symbol + "': " + what + "\n";
    return false;
  };
  auto list = dyn_cast<ArrayAttr>(attr);
  if (!list) {
    return fail("tensor_maps is not an array");
  }
  for (auto [i, element] : llvm::enumerate(list)) {
    const std::string what = "tensor map " + std::to_string(i);
    auto values = dyn_cast<DenseI64ArrayAttr>(element);
    if (!values) {
      return fail(what + " is not an array<i64>");
    }
    ArrayRef<int64_t> v = values.asArrayRef();
    const int64_t rank = v.size() > 4 ? v[4] : 0;
    if (rank < 1 || rank > static_cast<int64_t>(runtime::kMaxTensorMapRank) ||
        static_cast<int64_t>(v.size()) != 5 + 3 * rank - 1) {
      return fail(what + " has " + std::to_string(v.size()) +
                  " values; expected [binding, offset, dtype, swizzle, rank (1..5), dims, "
                  "strides, box] (5 + 3 * rank - 1 values)");
    }
    if (llvm::any_of(v, [](int64_t x) { return x < 0; })) {
      return fail(what + " has a negative value");
    }
    // Fields the format keeps in 32 bits must fit them, and the dtype must be one.
    const int64_t dtype = v[2];
    ArrayRef<int64_t> box = v.take_back(rank);
    if (v[0] > UINT32_MAX || v[3] > UINT32_MAX ||
        llvm::any_of(box, [](int64_t x) { return x > UINT32_MAX; })) {
      return fail(what + " has a binding, swizzle or box entry past 32 bits");
    }
    if (dtype < 1 || dtype > KILN_DTYPE_LAST) {
      return fail(what + " has dtype " + std::to_string(dtype) + ", not a kilnDType");
    }
    runtime::TensorMap map;
    map.binding = static_cast<uint32_t>(v[0]);
    map.offset = static_cast<uint64_t>(v[1]);
    map.dtype = static_cast<kilnDType>(dtype);
    map.swizzle = static_cast<uint32_t>(v[3]);
    for (int64_t d : v.slice(5, rank)) {
      map.dims.push_back(static_cast<uint64_t>(d));
    }
    for (int64_t st : v.slice(5 + rank, rank - 1)) {
      map.strides.push_back(static_cast<uint64_t>(st));
    }
    for (int64_t b : box) {
      map.box.push_back(static_cast<uint32_t>(b));
    }
    kernel.tensorMaps.push_back(std::move(map));
  }
  return true;
}

/// Signature, memory plan (kernels, launches, copies) and constants of the lowered module;
/// the caller fills META and the code.
bool buildPlan(ModuleOp module, const CompileSettings &s, runtime::Artifact &a,
               std::string &errors) {
  auto signature = module->getAttrOfType<DictionaryAttr>(kSignatureAttr);
  auto plan = module->getAttrOfType<DictionaryAttr>(kPlanAttr);
  if (!signature || !plan) {
    errors += "artifact: the pipeline left no kiln.signature / kiln.plan\n";
    return false;
  }
  a.meta.compilerVersion = "kiln " + std::string(kilnRuntimeGetVersion()) + " (LLVM " +
                           LLVM_VERSION_STRING + ")";
  a.meta.flags = s.flags;
  for (auto [key, list] : {std::pair{"inputs", &a.signature.inputs},
                           std::pair{"outputs", &a.signature.outputs}}) {
    for (Attribute d : signature.getAs<ArrayAttr>(key)) {
      FailureOr<runtime::TensorDesc> desc = describeTensor(cast<DictionaryAttr>(d), errors);
      if (failed(desc)) {
        return false;
      }
      list->push_back(*desc);
    }
  }
  a.plan.arenaBytes = plan.getAs<IntegerAttr>("arena_bytes").getInt();
  a.plan.unplannedBytes = plan.getAs<IntegerAttr>("unplanned_bytes").getInt();
  auto binding = [](ArrayRef<int64_t> v) {
    return runtime::Binding{static_cast<runtime::BindingSpace>(v[0]),
                            static_cast<uint64_t>(v[1]), static_cast<uint64_t>(v[2])};
  };
  for (Attribute k : plan.getAs<ArrayAttr>("kernels")) {
    auto d = cast<DictionaryAttr>(k);
    runtime::Kernel kernel;
    kernel.symbol = d.getAs<StringAttr>("symbol").str();
    kernel.label = d.getAs<StringAttr>("label").str();
    kernel.workItems = d.getAs<IntegerAttr>("work_items").getInt();
    if (auto launch = d.getAs<DenseI64ArrayAttr>("launch")) {
      ArrayRef<int64_t> l = launch.asArrayRef();
      for (int i = 0; i < 3; ++i) {
        kernel.launch.grid[i] = static_cast<uint32_t>(l[i]);
        kernel.launch.block[i] = static_cast<uint32_t>(l[3 + i]);
      }
      kernel.launch.sharedBytes = static_cast<uint32_t>(l[6]);
    }
    ArrayRef<int64_t> flat = d.getAs<DenseI64ArrayAttr>("bindings").asArrayRef();
    for (size_t i = 0; i + 3 <= flat.size(); i += 3) {
      kernel.bindings.push_back(binding(flat.slice(i, 3)));
    }
    if (!readTensorMaps(d, kernel, errors)) {
      return false;
    }
    a.plan.kernels.push_back(std::move(kernel));
  }
  for (Attribute c : plan.getAs<ArrayAttr>("copies")) {
    ArrayRef<int64_t> v = cast<DenseI64ArrayAttr>(c).asArrayRef();
    a.plan.copies.push_back({static_cast<uint32_t>(v[0]), binding(v.drop_front())});
  }
  a.constants.resize(plan.getAs<IntegerAttr>("constant_bytes").getInt());
  for (Attribute c : plan.getAs<ArrayAttr>("constants")) {
    auto d = cast<DictionaryAttr>(c);
    std::vector<uint8_t> bytes;
    int64_t offset = d.getAs<IntegerAttr>("offset").getInt();
    int64_t size = d.getAs<IntegerAttr>("bytes").getInt();
    if (!appendElements(cast<ElementsAttr>(d.get("value")), bytes) ||
        static_cast<int64_t>(bytes.size()) != size ||
        offset + size > static_cast<int64_t>(a.constants.size())) {
      errors += "artifact: a constant's data is missing or has the wrong size\n";
      return false;
    }
    std::copy(bytes.begin(), bytes.end(), a.constants.begin() + offset);
  }
  return true;
}

bool validateBuilt(runtime::Artifact &a, std::string &errors) {
  std::string error;
  if (!runtime::validateArtifact(a, error)) {
    errors += "artifact: internal error, the plan does not validate: " + error + "\n";
    return false;
  }
  return true;
}

/// The CPU artifact from the lowered module and the linked kernels.
bool buildArtifact(ModuleOp module, const Target &target, const CompileSettings &s,
                   std::string code, runtime::Artifact &a, std::string &errors) {
  if (!buildPlan(module, s, a, errors)) {
    return false;
  }
  a.meta.target = "cpu";
  a.meta.triple = target.machine->getTargetTriple().str();
  a.meta.cpu = target.cpu;
  a.meta.features = target.features;
  a.code.assign(code.begin(), code.end());
  return validateBuilt(a, errors);
}

//===----------------------------------------------------------------------------===//
// CUDA: the gpu.module's kernels -> LLVM IR (+ libdevice) -> PTX -> cubin (ptxas)
//===----------------------------------------------------------------------------===//

/// The CUDA toolkit's file `relative` (bin/ptxas, nvvm/libdevice/libdevice.10.bc) under
/// $CUDA_HOME, $CUDA_PATH or /usr/local/cuda; "" if none has it.
std::string findCudaFile(llvm::StringRef relative) {
  for (const char *var : {"CUDA_HOME", "CUDA_PATH"}) {
    if (const char *root = std::getenv(var); root && *root) {
      llvm::SmallString<128> path(root);
      llvm::sys::path::append(path, relative);
      if (llvm::sys::fs::exists(path)) {
        return path.str().str();
      }
    }
  }
  llvm::SmallString<128> path("/usr/local/cuda");
  llvm::sys::path::append(path, relative);
  return llvm::sys::fs::exists(path) ? path.str().str() : "";
}

/// Links the libdevice functions the kernels call (math ops became __nv_* calls) and
/// makes every non-kernel function internal, so -O3 inlines and drops them.
bool linkLibdevice(llvm::Module &module, std::string &errors) {
  bool needed = llvm::any_of(module.functions(), [](llvm::Function &f) {
    return f.isDeclaration() && f.getName().starts_with("__nv_");
  });
  if (needed) {
    std::string path = findCudaFile("nvvm/libdevice/libdevice.10.bc");
    if (path.empty()) {
      errors += "codegen (cuda): the kernels call libdevice math functions and "
                "nvvm/libdevice/libdevice.10.bc was found under neither $CUDA_HOME, "
                "$CUDA_PATH nor /usr/local/cuda: point CUDA_HOME at the CUDA toolkit\n";
      return false;
    }
    auto buffer = llvm::MemoryBuffer::getFile(path);
    if (!buffer) {
      errors += "codegen (cuda): cannot read " + path + "\n";
      return false;
    }
    llvm::Expected<std::unique_ptr<llvm::Module>> libdevice =
        llvm::parseBitcodeFile((*buffer)->getMemBufferRef(), module.getContext());
    if (!libdevice) {
      errors += "codegen (cuda): " + path + ": " + llvm::toString(libdevice.takeError()) + "\n";
      return false;
    }
    (*libdevice)->setTargetTriple(module.getTargetTriple());
    (*libdevice)->setDataLayout(module.getDataLayout());
    if (llvm::Linker::linkModules(module, std::move(*libdevice),
                                  llvm::Linker::Flags::LinkOnlyNeeded)) {
      errors += "codegen (cuda): linking " + path + " failed\n";
      return false;
    }
  }
  for (llvm::Function &f : module.functions()) {
    if (!f.isDeclaration() && f.getCallingConv() != llvm::CallingConv::PTX_Kernel) {
      f.setLinkage(llvm::GlobalValue::InternalLinkage);
    }
  }
  return true;
}

/// Assembles `ptx` for `arch` with ptxas -O3; returns false (with a message) when ptxas
/// rejects it. An empty `ptxasPath` means the toolkit has none: no cubin.
bool assemblePtx(const std::string &ptxasPath, const std::string &ptx, const std::string &arch,
                 std::vector<uint8_t> &cubin, std::string &errors) {
  llvm::SmallString<128> ptxPath, cubinPath, logPath;
  int fd;
  if (llvm::sys::fs::createTemporaryFile("kiln-kernels", "ptx", fd, ptxPath) ||
      llvm::sys::fs::createTemporaryFile("kiln-kernels", "cubin", cubinPath) ||
      llvm::sys::fs::createTemporaryFile("kiln-ptxas", "log", logPath)) {
    errors += "ptxas: cannot create temporary files\n";
    return false;
  }
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << ptx;
  }
  std::string archFlag = "-arch=" + arch;
  llvm::SmallVector<llvm::StringRef> args = {ptxasPath, "-O3", archFlag, ptxPath, "-o",
                                             cubinPath};
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, llvm::StringRef(logPath),
                                                llvm::StringRef(logPath)};
  std::string execError;
  int rc = llvm::sys::ExecuteAndWait(ptxasPath, args, std::nullopt, redirects, 0, 0, &execError);
  bool ok = rc == 0;
  if (!ok) {
    auto log = llvm::MemoryBuffer::getFile(logPath);
    errors += "ptxas: " + ptxasPath + " " + archFlag + " failed (exit " + std::to_string(rc) +
              ")" + (execError.empty() ? "" : ": " + execError) + "\n" +
              (log ? (*log)->getBuffer().str() : "");
  } else if (auto bytes = llvm::MemoryBuffer::getFile(cubinPath, false, false)) {
    llvm::StringRef data = (*bytes)->getBuffer();
    cubin.assign(data.begin(), data.end());
  } else {
    errors += "ptxas: cannot read " + cubinPath.str().str() + "\n";
    ok = false;
  }
  llvm::sys::fs::remove(ptxPath);
  llvm::sys::fs::remove(cubinPath);
  llvm::sys::fs::remove(logPath);
  return ok;
}

bool compileCuda(ModuleOp module, const CompileSettings &s, StageTimer &timer,
                 std::string &output, std::string &errors) {
  CudaPipelineOptions options;
  options.cudaArch = s.cudaArch;
  options.fusion = s.fusion;
  options.fusionReport = s.fusionReport;
  options.precision = s.precision;
  options.stopAfter = s.emit == "kiln"         ? "kiln"
                      : s.emit == "linalg"     ? "linalg"
                      : s.emit == "bufferized" ? "bufferized"
                      : s.emit == "gpu"        ? "gpu"
                                               : "nvvm";
  PassManager pm(module.getContext());
  configurePassManager(pm);
  if (failed(buildCudaPipeline(pm, options)) || failed(pm.run(module))) {
    errors += "codegen (cuda): the CUDA pipeline failed (replay it with kiln-opt "
              "--kiln-cuda-pipeline on the imported model)\n";
    return false;
  }
  timer.done("kiln-cuda-pipeline");
  if (s.emit == "kiln" || s.emit == "linalg" || s.emit == "bufferized" || s.emit == "gpu" ||
      s.emit == "llvm-mlir") {
    llvm::raw_string_ostream os(output);
    module->print(os);
    return true;
  }

  // The kernels' module on its own: the GPU module's body in a builtin module.
  gpu::GPUModuleOp gpuModule;
  module.walk([&](gpu::GPUModuleOp m) { gpuModule = m; });
  if (!gpuModule) {
    errors += "codegen (cuda): the pipeline left no gpu.module\n";
    return false;
  }
  OpBuilder b(module.getContext());
  OwningOpRef<ModuleOp> kernels = ModuleOp::create(b.getUnknownLoc());
  b.setInsertionPointToStart(kernels->getBody());
  for (Operation &op : gpuModule.getBody()->getOperations()) {
    b.clone(op);
  }
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule = translateModuleToLLVMIR(*kernels, llvmContext);
  if (!llvmModule) {
    errors += "codegen (cuda): translation to LLVM IR failed\n";
    return false;
  }
  LLVMInitializeNVPTXTargetInfo();
  LLVMInitializeNVPTXTarget();
  LLVMInitializeNVPTXTargetMC();
  LLVMInitializeNVPTXAsmPrinter();
  llvm::Triple triple("nvptx64-nvidia-cuda");
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target) {
    errors += "codegen (cuda): LLVM has no NVPTX target: " + error + "\n";
    return false;
  }
  llvm::TargetOptions targetOptions;
  // sm_90a kernels acquire their TMA descriptors with fence.proxy.tensormap (PTX ISA
  // 8.3); LLVM's default for sm_90a is 8.0. Other architectures keep LLVM's minimum.
  std::string features = s.cudaArch == "sm_90a" ? "+ptx83" : "";
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, s.cudaArch, features, targetOptions, std::nullopt, std::nullopt,
      llvm::CodeGenOptLevel::Aggressive));
  llvmModule->setTargetTriple(triple);
  llvmModule->setDataLayout(tm->createDataLayout());
  if (!linkLibdevice(*llvmModule, errors)) {
    return false;
  }
  timer.done("translate to LLVM IR");
  optimize(*llvmModule, *tm, s.optLevel);
  timer.done("LLVM -O" + std::to_string(s.optLevel));
  if (s.emit == "llvm-ir") {
    llvm::raw_string_ostream os(output);
    llvmModule->print(os, nullptr);
    return true;
  }
  if (s.emit == "emulator") {
    // The same kernels for the host (CudaEmulation.h): x86-64-v3, which has F16C for the
    // f16 conversions.
    CompileSettings host = s;
    host.cpu = "x86-64-v3";
    host.optLevel = 1;
    FailureOr<Target> target = createTarget(host, errors);
    std::string object;
    if (failed(target) || !retargetCudaForEmulation(*llvmModule, *target->machine, s.cudaArch, errors) ||
        !emitMachineCode(*llvmModule, *target->machine, /*assembly=*/false, object, errors) ||
        !linkSharedObject(object, output, errors)) {
      errors += "codegen (cuda): cannot build the kernels for the emulator (--emit=emulator)\n";
      return false;
    }
    timer.done("emulator object");
    return true;
  }
  std::string ptx;
  if (!emitMachineCode(*llvmModule, *tm, /*assembly=*/true, ptx, errors)) {
    return false;
  }
  timer.done("PTX (NVPTX backend)");
  if (s.emit == "asm" || s.emit == "ptx") {
    output = std::move(ptx);
    return true;
  }

  runtime::Artifact artifact;
  std::string ptxas = findCudaFile("bin/ptxas");
  if (ptxas.empty()) {
    if (auto found = llvm::sys::findProgramByName("ptxas")) {
      ptxas = *found;
    }
  }
  if (ptxas.empty()) {
    llvm::errs() << "kiln-compile: warning: no ptxas (CUDA toolkit) under $CUDA_HOME, "
                    "/usr/local/cuda or on PATH: the artifact carries PTX only, which the "
                    "driver compiles when the model loads\n";
  } else if (!assemblePtx(ptxas, ptx, s.cudaArch, artifact.cubin, errors)) {
    return false;
  } else {
    timer.done("cubin (ptxas -O3)");
  }
  if (!buildPlan(module, s, artifact, errors)) {
    return false;
  }
  artifact.meta.target = "cuda";
  artifact.meta.triple = triple.str();
  artifact.meta.cpu = s.cudaArch;
  artifact.ptx = std::move(ptx);
  if (!validateBuilt(artifact, errors)) {
    return false;
  }
  output = runtime::serializeArtifact(artifact);
  timer.done("artifact");
  return true;
}

} // namespace

bool isTextStage(const std::string &emit) { return emit != "artifact" && emit != "emulator"; }

std::string validateSettings(const CompileSettings &s) {
  if (s.target != "cpu" && s.target != "cuda") {
    return "unknown target '" + s.target + "' (--target=cpu or --target=cuda)";
  }
  static const char *arches[] = {"sm_80", "sm_86", "sm_89", "sm_90a"};
  if (!llvm::is_contained(arches, s.cudaArch)) {
    return "unknown CUDA architecture '" + s.cudaArch +
           "' (--cuda-arch=sm_80, sm_86, sm_89 or sm_90a)";
  }
  if (s.optLevel < 0 || s.optLevel > 3) {
    return "optimization level must be 0..3";
  }
  static const char *precisions[] = {"fp32", "tf32", "bf16", "fp16"};
  if (!llvm::is_contained(precisions, s.precision)) {
    return "unknown precision '" + s.precision + "' (--precision=fp32, tf32, bf16 or fp16)";
  }
  static const char *stages[] = {"kiln", "linalg", "bufferized", "llvm-mlir",
                                 "llvm-ir", "asm", "artifact"};
  static const char *cudaStages[] = {"gpu", "ptx", "emulator"};
  if (s.target == "cuda" && llvm::is_contained(cudaStages, s.emit)) {
    return "";
  }
  if (!llvm::is_contained(stages, s.emit)) {
    return "unknown --emit stage '" + s.emit + "' (kiln, linalg, bufferized, " +
           (s.target == "cuda" ? "gpu, " : "") + "llvm-mlir, llvm-ir, asm, " +
           (s.target == "cuda" ? "ptx, emulator, " : "") + "artifact)";
  }
  return "";
}

bool compileModel(const std::string &modelPath, const CompileSettings &s, std::string &output,
                  std::string &errors) {
  if (std::string bad = validateSettings(s); !bad.empty()) {
    errors += bad + "\n";
    return false;
  }
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllToLLVMIRTranslations(registry);
  MLIRContext ctx(registry);
  loadModelDialects(ctx);
  DiagnosticCollector collect(ctx, errors);
  StageTimer timer(s.timing);

  OwningOpRef<ModuleOp> module = loadModel(ctx, modelPath, s.import);
  if (!module) {
    return false;
  }
  timer.done("import");

  if (s.target == "cuda") {
    return compileCuda(*module, s, timer, output, errors);
  }
  FailureOr<Target> target = createTarget(s, errors);
  if (failed(target)) {
    return false;
  }
  CpuPipelineOptions options;
  options.vectorBits = llvm::is_contained(target->features, "avx512f") ? 512 : 256;
  options.fusion = s.fusion;
  options.fusionReport = s.fusionReport;
  options.precision = s.precision;
  options.stopAfter = s.emit == "kiln"          ? "kiln"
                      : s.emit == "linalg"      ? "linalg"
                      : s.emit == "bufferized"  ? "bufferized"
                                                : "llvm";
  PassManager pm(&ctx);
  configurePassManager(pm);
  if (failed(buildCpuPipeline(pm, options)) || failed(pm.run(*module))) {
    errors += "codegen: the CPU pipeline failed (replay it with kiln-opt "
              "--kiln-cpu-pipeline on the imported model)\n";
    return false;
  }
  timer.done("kiln-cpu-pipeline");
  if (s.emit == "kiln" || s.emit == "linalg" || s.emit == "bufferized" ||
      s.emit == "llvm-mlir") {
    llvm::raw_string_ostream os(output);
    module->print(os);
    return true;
  }

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule = translateModuleToLLVMIR(*module, llvmContext);
  if (!llvmModule) {
    errors += "codegen: translation to LLVM IR failed\n";
    return false;
  }
  llvmModule->setTargetTriple(target->machine->getTargetTriple());
  llvmModule->setDataLayout(target->machine->createDataLayout());
  timer.done("translate to LLVM IR");
  optimize(*llvmModule, *target->machine, s.optLevel);
  timer.done("LLVM -O" + std::to_string(s.optLevel));
  if (s.emit == "llvm-ir") {
    llvm::raw_string_ostream os(output);
    llvmModule->print(os, nullptr);
    return true;
  }
  std::string machineCode;
  if (!emitMachineCode(*llvmModule, *target->machine, s.emit == "asm", machineCode, errors)) {
    return false;
  }
  timer.done(s.emit == "asm" ? "assembly" : "object code");
  if (s.emit == "asm") {
    output = std::move(machineCode);
    return true;
  }
  std::string so;
  if (!linkSharedObject(machineCode, so, errors)) {
    return false;
  }
  timer.done("link (ld.lld)");
  runtime::Artifact artifact;
  if (!buildArtifact(*module, *target, s, std::move(so), artifact, errors)) {
    return false;
  }
  output = runtime::serializeArtifact(artifact);
  timer.done("artifact");
  return true;
}

} // namespace kiln::driver
