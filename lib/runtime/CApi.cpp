//===- CApi.cpp - the C API of include/kiln/runtime.h over Model and Session ----===//
//
// Thin: argument checks, handle plumbing, and a guard that turns any C++ exception
// (allocation failure above all) into a status, since none may cross the C boundary.
//
//===----------------------------------------------------------------------------===//
#include "kiln/runtime.h"
#include "lib/runtime/Model.h"
#include "lib/runtime/Session.h"

#include <cstring>
#include <new>

using namespace kiln::runtime;

struct kilnModelImpl {
  std::shared_ptr<const Model> model;
};

struct kilnSessionOptionsImpl {
  SessionOptions options;
};

struct kilnSessionImpl {
  std::unique_ptr<Session> session;
};

namespace {

template <typename Fn> kilnStatus guard(Fn &&fn) {
  try {
    return fn();
  } catch (const std::bad_alloc &) {
    return kilnStatusCreate(KILN_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception &e) {
    return kilnStatusCreate(KILN_INTERNAL, e.what());
  } catch (...) {
    return kilnStatusCreate(KILN_INTERNAL, "unknown C++ exception in the kiln runtime");
  }
}

kilnStatus nullArgument(const char *function, const char *argument) {
  return kilnStatusCreate(KILN_INVALID_ARGUMENT,
                          (std::string(function) + ": " + argument + " is NULL").c_str());
}

kilnStatus fillInfo(const TensorDesc &t, kilnTensorInfo *info) {
  info->name = t.name.c_str();
  info->dtype = t.dtype;
  info->rank = t.dims.size();
  info->dims = t.dims.data();
  info->bytes = static_cast<size_t>(t.bytes);
  return nullptr;
}

kilnStatus tensorInfo(kilnModel model, size_t index, kilnTensorInfo *info, bool input,
                      const char *function) {
  if (!model) {
    return nullArgument(function, "model");
  }
  if (!info) {
    return nullArgument(function, "info");
  }
  const Signature &sig = model->model->signature();
  const std::vector<TensorDesc> &tensors = input ? sig.inputs : sig.outputs;
  if (index >= tensors.size()) {
    return guard([&] {
      return kilnStatusCreate(KILN_INVALID_ARGUMENT,
                              (std::string(input ? "input" : "output") + " index " +
                               std::to_string(index) + " is out of range: the model has " +
                               std::to_string(tensors.size()))
                                  .c_str());
    });
  }
  return fillInfo(tensors[index], info);
}

const Meta *meta(kilnModel model) { return model ? &model->model->artifact().meta : nullptr; }

kilnStatus loadInto(kilnModel *model, const char *function,
                    kilnStatus (*load)(const void *, size_t, const char *,
                                       std::shared_ptr<const Model> &),
                    const void *data, size_t size, const char *path) {
  if (!model) {
    return nullArgument(function, "model");
  }
  *model = nullptr;
  return guard([&]() -> kilnStatus {
    std::shared_ptr<const Model> loaded;
    if (kilnStatus s = load(data, size, path, loaded)) {
      return s;
    }
    *model = new kilnModelImpl{std::move(loaded)};
    return nullptr;
  });
}

} // namespace

extern "C" {

kilnStatus kilnModelLoadFromFile(const char *path, kilnModel *model) {
  if (!path) {
    return nullArgument("kilnModelLoadFromFile", "path");
  }
  return loadInto(
      model, "kilnModelLoadFromFile",
      [](const void *, size_t, const char *p, std::shared_ptr<const Model> &out) {
        return Model::loadFile(p, LoadOptions(), out);
      },
      nullptr, 0, path);
}

kilnStatus kilnModelLoadFromMemory(const void *data, size_t size, kilnModel *model) {
  if (!data && size > 0) {
    return nullArgument("kilnModelLoadFromMemory", "data");
  }
  return loadInto(
      model, "kilnModelLoadFromMemory",
      [](const void *d, size_t n, const char *, std::shared_ptr<const Model> &out) {
        AlignedBuffer copy;
        if (!copy.allocate(n)) {
          return kilnStatusCreate(
              KILN_OUT_OF_MEMORY,
              ("cannot allocate " + std::to_string(n) + " bytes for the artifact").c_str());
        }
        if (n > 0) {
          std::memcpy(copy.data(), d, n);
        }
        return Model::load(std::move(copy), LoadOptions(), out);
      },
      data, size, nullptr);
}

void kilnModelRelease(kilnModel model) { delete model; }

size_t kilnModelGetInputCount(kilnModel model) {
  return model ? model->model->signature().inputs.size() : 0;
}

size_t kilnModelGetOutputCount(kilnModel model) {
  return model ? model->model->signature().outputs.size() : 0;
}

kilnStatus kilnModelGetInputInfo(kilnModel model, size_t index, kilnTensorInfo *info) {
  return tensorInfo(model, index, info, /*input=*/true, "kilnModelGetInputInfo");
}

kilnStatus kilnModelGetOutputInfo(kilnModel model, size_t index, kilnTensorInfo *info) {
  return tensorInfo(model, index, info, /*input=*/false, "kilnModelGetOutputInfo");
}

kilnStatus kilnModelFindInput(kilnModel model, const char *name, size_t *index) {
  if (!model || !name || !index) {
    return nullArgument("kilnModelFindInput", !model ? "model" : !name ? "name" : "index");
  }
  return guard([&]() -> kilnStatus {
    const std::vector<TensorDesc> &in = model->model->signature().inputs;
    std::string names;
    for (size_t i = 0; i < in.size(); ++i) {
      if (in[i].name == name) {
        *index = i;
        return nullptr;
      }
      names += (i ? ", " : "") + in[i].name;
    }
    return kilnStatusCreate(KILN_NOT_FOUND, ("the model has no input named '" + std::string(name) +
                                             "' (inputs: " + names + ")")
                                                .c_str());
  });
}

kilnStatus kilnModelFindOutput(kilnModel model, const char *name, size_t *index) {
  if (!model || !name || !index) {
    return nullArgument("kilnModelFindOutput", !model ? "model" : !name ? "name" : "index");
  }
  return guard([&]() -> kilnStatus {
    const std::vector<TensorDesc> &out = model->model->signature().outputs;
    std::string names;
    for (size_t i = 0; i < out.size(); ++i) {
      if (out[i].name == name) {
        *index = i;
        return nullptr;
      }
      names += (i ? ", " : "") + out[i].name;
    }
    return kilnStatusCreate(KILN_NOT_FOUND, ("the model has no output named '" + std::string(name) +
                                             "' (outputs: " + names + ")")
                                                .c_str());
  });
}

const char *kilnModelGetCompilerVersion(kilnModel model) {
  return model ? meta(model)->compilerVersion.c_str() : "";
}
const char *kilnModelGetTarget(kilnModel model) { return model ? meta(model)->target.c_str() : ""; }
const char *kilnModelGetTriple(kilnModel model) { return model ? meta(model)->triple.c_str() : ""; }
const char *kilnModelGetCpu(kilnModel model) { return model ? meta(model)->cpu.c_str() : ""; }
const char *kilnModelGetFeatures(kilnModel model) {
  return model ? model->model->featuresString().c_str() : "";
}
const char *kilnModelGetFlags(kilnModel model) { return model ? meta(model)->flags.c_str() : ""; }

uint64_t kilnModelGetArenaBytes(kilnModel model) {
  return model ? model->model->plan().arenaBytes : 0;
}
uint64_t kilnModelGetUnplannedBytes(kilnModel model) {
  return model ? model->model->plan().unplannedBytes : 0;
}
uint64_t kilnModelGetConstantBytes(kilnModel model) {
  return model ? model->model->constantsBytes() : 0;
}
size_t kilnModelGetKernelCount(kilnModel model) {
  return model ? model->model->plan().kernels.size() : 0;
}
const char *kilnModelGetKernelLabel(kilnModel model, size_t index) {
  if (!model || index >= model->model->plan().kernels.size()) {
    return nullptr;
  }
  return model->model->plan().kernels[index].label.c_str();
}

kilnStatus kilnSessionOptionsCreate(kilnSessionOptions *options) {
  if (!options) {
    return nullArgument("kilnSessionOptionsCreate", "options");
  }
  *options = new (std::nothrow) kilnSessionOptionsImpl();
  return *options ? nullptr : kilnStatusCreate(KILN_OUT_OF_MEMORY, "out of memory");
}

void kilnSessionOptionsDestroy(kilnSessionOptions options) { delete options; }

const char *kilnDeviceGetName(kilnDevice device) {
  switch (device) {
  case KILN_DEVICE_CPU:
    return "cpu";
  case KILN_DEVICE_CUDA:
    return "cuda";
  case KILN_DEVICE_AUTO:
    return "auto";
  case KILN_DEVICE_MAX_ENUM:
    break;
  }
  return "unknown";
}

kilnStatus kilnSessionOptionsSetDevice(kilnSessionOptions options, kilnDevice device,
                                       int32_t ordinal) {
  if (!options) {
    return nullArgument("kilnSessionOptionsSetDevice", "options");
  }
  return guard([&]() -> kilnStatus {
    if (device != KILN_DEVICE_CPU && device != KILN_DEVICE_CUDA && device != KILN_DEVICE_AUTO) {
      return kilnStatusCreate(KILN_INVALID_ARGUMENT,
                              ("unknown device " + std::to_string(static_cast<int>(device)) +
                               " (KILN_DEVICE_CPU, KILN_DEVICE_CUDA or KILN_DEVICE_AUTO)")
                                  .c_str());
    }
    if (ordinal < 0 || (device == KILN_DEVICE_CPU && ordinal != 0)) {
      return kilnStatusCreate(
          KILN_INVALID_ARGUMENT,
          ("device ordinal " + std::to_string(ordinal) + " for " + kilnDeviceGetName(device) +
           (device == KILN_DEVICE_CPU ? ": the CPU is device 0" : ": ordinals start at 0"))
              .c_str());
    }
    options->options.device = device;
    options->options.ordinal = ordinal;
    return nullptr;
  });
}

kilnStatus kilnSessionOptionsSetCudaGraph(kilnSessionOptions options, int enabled) {
  if (!options) {
    return nullArgument("kilnSessionOptionsSetCudaGraph", "options");
  }
  options->options.cudaGraph = enabled != 0;
  return nullptr;
}

kilnStatus kilnSessionOptionsSetNumThreads(kilnSessionOptions options, int32_t num_threads) {
  if (!options) {
    return nullArgument("kilnSessionOptionsSetNumThreads", "options");
  }
  if (num_threads < 0 || num_threads > 1024) {
    return guard([&] {
      return kilnStatusCreate(KILN_INVALID_ARGUMENT,
                              ("num_threads " + std::to_string(num_threads) +
                               " is out of range: 1..1024, or 0 for one per hardware thread")
                                  .c_str());
    });
  }
  options->options.numThreads = static_cast<unsigned>(num_threads);
  return nullptr;
}

kilnStatus kilnSessionOptionsSetProfiling(kilnSessionOptions options, int enabled) {
  if (!options) {
    return nullArgument("kilnSessionOptionsSetProfiling", "options");
  }
  options->options.profiling = enabled != 0;
  return nullptr;
}

kilnStatus kilnSessionCreate(kilnModel model, kilnSessionOptions options, kilnSession *session) {
  if (!model || !session) {
    return nullArgument("kilnSessionCreate", !model ? "model" : "session");
  }
  *session = nullptr;
  const SessionOptions defaults;
  const SessionOptions &o = options ? options->options : defaults;
  return guard([&]() -> kilnStatus {
    std::unique_ptr<Session> s;
    if (kilnStatus status = Session::create(model->model, o, s)) {
      return status;
    }
    *session = new kilnSessionImpl{std::move(s)};
    return nullptr;
  });
}

void kilnSessionDestroy(kilnSession session) { delete session; }

size_t kilnSessionGetNumThreads(kilnSession session) {
  return session ? session->session->numThreads() : 0;
}

kilnDevice kilnSessionGetDevice(kilnSession session) {
  return session ? session->session->device() : KILN_DEVICE_CPU;
}

const char *kilnSessionGetDeviceInfo(kilnSession session) {
  return session ? session->session->deviceInfo().c_str() : "";
}

kilnStatus kilnSessionBindInput(kilnSession session, size_t index, kilnDType dtype,
                                const int64_t *dims, size_t rank, const void *data, size_t bytes) {
  if (!session) {
    return nullArgument("kilnSessionBindInput", "session");
  }
  return guard([&] { return session->session->bindInput(index, dtype, dims, rank, data, bytes); });
}

kilnStatus kilnSessionBindInputByName(kilnSession session, const char *name, kilnDType dtype,
                                      const int64_t *dims, size_t rank, const void *data,
                                      size_t bytes) {
  if (!session || !name) {
    return nullArgument("kilnSessionBindInputByName", !session ? "session" : "name");
  }
  return guard([&]() -> kilnStatus {
    size_t index;
    if (kilnStatus s = session->session->findInput(name, index)) {
      return s;
    }
    return session->session->bindInput(index, dtype, dims, rank, data, bytes);
  });
}

kilnStatus kilnSessionRun(kilnSession session) {
  if (!session) {
    return nullArgument("kilnSessionRun", "session");
  }
  return guard([&] { return session->session->run(); });
}

kilnStatus kilnSessionGetOutput(kilnSession session, size_t index, const void **data,
                                size_t *bytes) {
  if (!session || !data || !bytes) {
    return nullArgument("kilnSessionGetOutput", !session ? "session" : !data ? "data" : "bytes");
  }
  return guard([&] { return session->session->getOutput(index, *data, *bytes); });
}

kilnStatus kilnSessionGetOutputByName(kilnSession session, const char *name, const void **data,
                                      size_t *bytes) {
  if (!session || !name || !data || !bytes) {
    return nullArgument("kilnSessionGetOutputByName", !session ? "session"
                                                      : !name  ? "name"
                                                      : !data  ? "data"
                                                               : "bytes");
  }
  return guard([&]() -> kilnStatus {
    size_t index;
    if (kilnStatus s = session->session->findOutput(name, index)) {
      return s;
    }
    return session->session->getOutput(index, *data, *bytes);
  });
}

kilnStatus kilnSessionSetProfiling(kilnSession session, int enabled) {
  if (!session) {
    return nullArgument("kilnSessionSetProfiling", "session");
  }
  return guard([&]() -> kilnStatus {
    session->session->setProfiling(enabled != 0);
    return nullptr;
  });
}

size_t kilnSessionGetProfileEventCount(kilnSession session) {
  return session ? session->session->profile().size() : 0;
}

kilnStatus kilnSessionGetProfileEvent(kilnSession session, size_t index, kilnProfileEvent *event) {
  if (!session || !event) {
    return nullArgument("kilnSessionGetProfileEvent", !session ? "session" : "event");
  }
  const std::vector<ProfileEvent> &events = session->session->profile();
  if (index >= events.size()) {
    return guard([&] {
      return kilnStatusCreate(KILN_INVALID_ARGUMENT, ("profile event " + std::to_string(index) +
                                                      " is out of range: the latest run recorded " +
                                                      std::to_string(events.size()))
                                                         .c_str());
    });
  }
  const ProfileEvent &e = events[index];
  const Kernel &k = session->session->model().plan().kernels[e.kernel];
  event->label = k.label.c_str();
  event->symbol = k.symbol.c_str();
  event->kernel = e.kernel;
  event->work_items = k.workItems;
  event->start_ns = e.startNs;
  event->end_ns = e.endNs;
  return nullptr;
}

} // extern "C"
