//===- Model.cpp - check and load an artifact ---------------------------------===//
//
// Load order, cheapest and safest first: parse and validate every byte of the metadata
// (no code runs), check the target, triple and CPU features, check the ELF header, and
// only then dlopen the code and resolve each kernel symbol. A cuda artifact stops after
// the checks: its PTX and CUBIN are loaded by each session on its GPU (CudaSession), so
// loading and inspecting one needs neither a GPU nor a driver.
//
//===----------------------------------------------------------------------------===//
#include "lib/runtime/Model.h"
#include "lib/runtime/CpuFeatures.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kiln::runtime {

std::string describeTensor(kilnDType dtype, const int64_t *dims, size_t rank) {
  std::string s = kilnDTypeGetName(dtype);
  s += '[';
  for (size_t i = 0; i < rank; ++i) {
    s += (i ? "x" : "") + std::to_string(dims[i]);
  }
  s += ']';
  return s;
}

kilnStatus Model::load(AlignedBuffer file, const LoadOptions &options,
                       std::shared_ptr<const Model> &out) {
  std::shared_ptr<Model> model(new Model());
  model->file = std::move(file);
  ParseError parseError;
  if (!parseArtifactInPlace(model->file.data(), model->file.size(), model->art, parseError)) {
    return kilnStatusCreate(parseError.code, parseError.message.c_str());
  }
  const Artifact &a = model->art;
  if (isCudaArtifact(a)) {
    if (kilnStatus s = model->keepCudaCode()) {
      return s;
    }
    out = std::move(model);
    return nullptr;
  }
  if (a.meta.target != "cpu") {
    return kilnStatusCreate(KILN_UNSUPPORTED, ("the model targets '" + a.meta.target +
                                               "'; this runtime runs 'cpu' and 'cuda' models")
                                                  .c_str());
  }
  if (a.meta.triple.rfind("x86_64", 0) != 0 || a.meta.triple.find("linux") == std::string::npos) {
    return kilnStatusCreate(KILN_UNSUPPORTED, ("the model was compiled for '" + a.meta.triple +
                                               "', this runtime runs x86_64 Linux code")
                                                  .c_str());
  }
  for (const std::string &f : a.meta.features) {
    model->features += (model->features.empty() ? "" : " ") + f;
  }
  std::string error;
  const std::vector<std::string> &cpu =
      options.cpuFeatures ? *options.cpuFeatures : hostCpuFeatures();
  if (!checkCpuFeatures(a.meta.features, cpu, error)) {
    error +=
        " (the model was compiled for cpu '" + a.meta.cpu + "'; recompile it for this machine)";
    return kilnStatusCreate(KILN_UNSUPPORTED, error.c_str());
  }

  const SectionInfo *code = findSection(a, SectionKind::CodeElf);
  model->codeSize = code->size;
  if (kilnStatus s = model->keepConstants()) {
    return s;
  }

  if (!a.plan.kernels.empty()) {
    model->code =
        CodeObject::load(model->file.data() + code->offset, code->size, options.codeLoading, error);
    if (!model->code) {
      return kilnStatusCreate(KILN_DATA_LOSS, error.c_str());
    }
    model->kernels.reserve(a.plan.kernels.size());
    for (size_t i = 0; i < a.plan.kernels.size(); ++i) {
      const Kernel &k = a.plan.kernels[i];
      void *fn = model->code->lookup(k.symbol);
      if (!fn) {
        return kilnStatusCreate(KILN_DATA_LOSS, ("CODE_ELF: kernel " + std::to_string(i) + " ('" +
                                                 k.label + "') needs symbol '" + k.symbol +
                                                 "', which the code object does not export")
                                                    .c_str());
      }
      model->kernels.push_back(reinterpret_cast<KernelFn>(fn));
    }
  }
  out = std::move(model);
  return nullptr;
}

kilnStatus Model::keepConstants() {
  const SectionInfo *constants = findSection(art, SectionKind::Constants);
  constantsSize = constants->size;
  if (constants->size > 0) {
    // The file buffer is 64-byte aligned and so is every section offset.
    constantsBase = file.data() + constants->offset;
    return nullptr;
  }
  if (!emptyConstants.allocate(0)) {
    return kilnStatusCreate(KILN_OUT_OF_MEMORY, "out of memory");
  }
  constantsBase = emptyConstants.data();
  return nullptr;
}

kilnStatus Model::keepCudaCode() {
  // The parser checked the triple, the architecture, LAUNCH and that the PTX defines
  // every kernel's entry; the driver checks the rest when a session loads the module.
  cudaTarget = true;
  parseSmArch(art.meta.cpu, arch);
  if (kilnStatus s = keepConstants()) {
    return s;
  }
  const SectionInfo *ptx = findSection(art, SectionKind::Ptx);
  const SectionInfo *cubin = findSection(art, SectionKind::Cubin);
  ptxText.assign(reinterpret_cast<const char *>(file.data() + ptx->offset), ptx->size);
  cubinSize = cubin->size;
  cubinBase = file.data() + cubin->offset;
  if (cubinSize > 0) {
    // ptxas output: an ELF object for EM_CUDA. Refused here, not by the driver on a GPU.
    constexpr uint16_t kEmCuda = 190;
    static const uint8_t kMagic[4] = {0x7f, 'E', 'L', 'F'};
    bool elf = cubinSize >= 20 && std::memcmp(cubinBase, kMagic, 4) == 0;
    if (!elf || (cubinBase[18] | (cubinBase[19] << 8)) != kEmCuda) {
      return kilnStatusCreate(KILN_DATA_LOSS,
                              elf ? "CUBIN: an ELF object, but not for CUDA (e_machine is not "
                                    "EM_CUDA); expected ptxas output"
                                  : "CUBIN: not an ELF object; expected ptxas output (or an "
                                    "empty CUBIN to JIT the PTX)");
    }
  }
  return nullptr;
}

kilnStatus Model::loadFile(const std::string &path, const LoadOptions &options,
                           std::shared_ptr<const Model> &out) {
  auto fail = [&](kilnStatusCode code, const std::string &message) {
    return kilnStatusCreate(code, ("'" + path + "': " + message).c_str());
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    return fail(err == ENOENT ? KILN_NOT_FOUND : KILN_INVALID_ARGUMENT,
                std::string("cannot open: ") + std::strerror(err));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail(KILN_INVALID_ARGUMENT, "not a regular file");
  }
  AlignedBuffer file;
  if (!file.allocate(static_cast<uint64_t>(st.st_size))) {
    ::close(fd);
    return fail(KILN_OUT_OF_MEMORY,
                "cannot allocate " + std::to_string(st.st_size) + " bytes to read it");
  }
  size_t done = 0;
  while (done < file.size()) {
    ssize_t n = ::read(fd, file.data() + done, file.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      return fail(KILN_DATA_LOSS, n == 0 ? "the file shrank while it was read"
                                         : std::string("read failed: ") + std::strerror(err));
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  kilnStatus status = load(std::move(file), options, out);
  if (status) {
    kilnStatus named = fail(kilnStatusGetCode(status), kilnStatusGetMessage(status));
    kilnStatusDestroy(status);
    return named;
  }
  return nullptr;
}

CodeObject::Method Model::codeLoading() const {
  return code ? code->method() : CodeObject::Method::Auto;
}

} // namespace kiln::runtime
