//===- RunModel.cpp - kiln-run: bind, run, benchmark, profile, compare ----------===//
//
// Everything goes through the public C API, so kiln-run exercises exactly what embedders
// get. Reference files are read and every input is bound before the first run: a bad
// file fails fast (exit 2) instead of after a long benchmark.
//
//===----------------------------------------------------------------------------===//
#include "lib/runtime/tool/RunTool.h"
#include "lib/tensorio/ResolveBindings.h"
#include "lib/tensorio/TensorCompare.h"
#include "lib/tensorio/TensorIO.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <ostream>

namespace kiln::runtime::tool {

namespace {

struct ModelDeleter {
  void operator()(kilnModelImpl *m) const { kilnModelRelease(m); }
};
struct SessionDeleter {
  void operator()(kilnSessionImpl *s) const { kilnSessionDestroy(s); }
};
struct OptionsDeleter {
  void operator()(kilnSessionOptionsImpl *o) const { kilnSessionOptionsDestroy(o); }
};

int64_t nowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// Milliseconds with 0.1 us resolution below 1 ms (small models run in tens of us) and
/// 1 us above.
std::string ms(int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), ns < 1000000 ? "%.4f" : "%.3f", static_cast<double>(ns) / 1e6);
  return buf;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

std::string sci(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%e", v);
  return buf;
}

/// "[i, j, k]" of a flat row-major index.
std::string coordinates(size_t flat, const std::vector<int64_t> &shape) {
  std::vector<int64_t> c(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    int64_t extent = shape[d] > 0 ? shape[d] : 1;
    c[d] = static_cast<int64_t>(flat % static_cast<size_t>(extent));
    flat /= static_cast<size_t>(extent);
  }
  std::string s = "[";
  for (size_t d = 0; d < c.size(); ++d) {
    s += (d ? ", " : "") + std::to_string(c[d]);
  }
  return s + "]";
}

io::HostTensor hostTensor(const kilnTensorInfo &info, const void *data, size_t bytes) {
  io::HostTensor t;
  t.name = info.name;
  t.dtype = info.dtype;
  t.shape.assign(info.dims, info.dims + info.rank);
  const uint8_t *p = static_cast<const uint8_t *>(data);
  t.data.assign(p, p + bytes);
  return t;
}

} // namespace

int runModel(const RunOptions &o, std::ostream &out, std::ostream &err) {
  auto statusFail = [&](kilnStatus s) {
    err << "kiln-run: " << kilnStatusGetMessage(s) << "\n";
    int code = exitCodeFor(kilnStatusGetCode(s));
    kilnStatusDestroy(s);
    return code;
  };

  kilnModel rawModel = nullptr;
  if (kilnStatus s = kilnModelLoadFromFile(o.model.c_str(), &rawModel)) {
    return statusFail(s);
  }
  std::unique_ptr<kilnModelImpl, ModelDeleter> model(rawModel);

  std::vector<kilnTensorInfo> inputs(kilnModelGetInputCount(model.get()));
  std::vector<kilnTensorInfo> outputs(kilnModelGetOutputCount(model.get()));
  std::vector<std::string> inNames, outNames;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (kilnStatus s = kilnModelGetInputInfo(model.get(), i, &inputs[i])) {
      return statusFail(s);
    }
    inNames.push_back(inputs[i].name);
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (kilnStatus s = kilnModelGetOutputInfo(model.get(), i, &outputs[i])) {
      return statusFail(s);
    }
    outNames.push_back(outputs[i].name);
  }

  std::string error;
  std::vector<std::optional<io::Binding>> inBindings, outBindings, refBindings;
  if (!io::resolveBindings(o.inputs, true, inNames, "input", "input", inBindings, error) ||
      !io::resolveBindings(o.outputs, false, outNames, "output", "output", outBindings, error) ||
      !io::resolveBindings(o.expected, false, outNames, "expected-output", "output", refBindings,
                           error)) {
    err << "kiln-run: " << error << "\n";
    return 2;
  }
  std::vector<std::optional<io::HostTensor>> references(outputs.size());
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (refBindings[i]) {
      io::HostTensor ref;
      if (!io::readTensorFile(refBindings[i]->path, ref, error)) {
        err << "kiln-run: expected output '" << outNames[i] << "': " << error << "\n";
        return 2;
      }
      references[i] = std::move(ref);
    }
  }

  kilnSessionOptions rawOptions = nullptr;
  if (kilnStatus s = kilnSessionOptionsCreate(&rawOptions)) {
    return statusFail(s);
  }
  std::unique_ptr<kilnSessionOptionsImpl, OptionsDeleter> options(rawOptions);
  if (kilnStatus s = kilnSessionOptionsSetNumThreads(options.get(), o.threads)) {
    return statusFail(s);
  }
  if (kilnStatus s = kilnSessionOptionsSetDevice(options.get(), o.device, o.deviceOrdinal)) {
    return statusFail(s);
  }
  if (kilnStatus s = kilnSessionOptionsSetCudaGraph(options.get(), o.cudaGraph ? 1 : 0)) {
    return statusFail(s);
  }
  kilnSession rawSession = nullptr;
  if (kilnStatus s = kilnSessionCreate(model.get(), options.get(), &rawSession)) {
    return statusFail(s);
  }
  std::unique_ptr<kilnSessionImpl, SessionDeleter> session(rawSession);

  for (size_t i = 0; i < inputs.size(); ++i) {
    io::Binding binding;
    if (inBindings[i]) {
      binding = *inBindings[i];
    } else if (o.randomSeed >= 0) {
      binding.kind = io::Binding::Kind::Random;
      binding.seed = static_cast<uint64_t>(o.randomSeed) + i;
    } else {
      err << "kiln-run: input '" << inNames[i] << "' is not bound; pass --input=" << inNames[i]
          << "=@file.npy (or .pb, or random:SEED), or --random-inputs=SEED\n";
      return 2;
    }
    std::vector<int64_t> shape(inputs[i].dims, inputs[i].dims + inputs[i].rank);
    io::HostTensor host;
    if (!io::loadInput(binding, inNames[i], inputs[i].dtype, shape, host, error)) {
      err << "kiln-run: " << error << "\n";
      return 2;
    }
    if (kilnStatus s =
            kilnSessionBindInput(session.get(), i, host.dtype, host.shape.data(), host.shape.size(),
                                 host.data.data(), host.data.size())) {
      return statusFail(s);
    }
  }

  const bool benchmark = o.benchmarkRuns > 0;
  const int64_t warmup = o.warmupRuns >= 0 ? o.warmupRuns : (benchmark ? 1 : 0);
  const int64_t runs = benchmark ? o.benchmarkRuns : 1;
  const bool profile = !o.profilePath.empty();
  for (int64_t r = 0; r < warmup; ++r) {
    if (kilnStatus s = kilnSessionRun(session.get())) {
      return statusFail(s);
    }
  }
  if (profile) {
    if (kilnStatus s = kilnSessionSetProfiling(session.get(), 1)) {
      return statusFail(s);
    }
  }
  std::vector<int64_t> times;
  times.reserve(static_cast<size_t>(runs));
  std::vector<TraceEvent> trace;
  int64_t lastProgress = 0;
  for (int64_t r = 0; r < runs; ++r) {
    int64_t start = nowNs();
    if (kilnStatus s = kilnSessionRun(session.get())) {
      if (benchmark) {
        err << "\n";
      }
      return statusFail(s);
    }
    int64_t end = nowNs();
    times.push_back(end - start);
    if (profile) {
      trace.push_back(TraceEvent{"run " + std::to_string(r), r, -1, "", 0, start, end});
      for (size_t k = 0, n = kilnSessionGetProfileEventCount(session.get()); k < n; ++k) {
        kilnProfileEvent e;
        if (kilnStatus s = kilnSessionGetProfileEvent(session.get(), k, &e)) {
          return statusFail(s);
        }
        trace.push_back(TraceEvent{*e.label ? e.label : e.symbol, r, static_cast<int64_t>(e.kernel),
                                   e.symbol, e.work_items, e.start_ns, e.end_ns});
      }
    }
    // Progress at most ten times a second, and always for the last run.
    if (benchmark && (end - lastProgress > 100000000 || r + 1 == runs)) {
      lastProgress = end;
      err << "\rkiln-run: benchmark run " << (r + 1) << "/" << runs << std::flush;
    }
  }
  if (benchmark) {
    err << "\n";
    std::vector<int64_t> sorted = times;
    std::sort(sorted.begin(), sorted.end());
    size_t n = sorted.size();
    int64_t median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    size_t p90 = (n * 9 + 9) / 10; // nearest rank: ceil(0.9 n)
    size_t threads = kilnSessionGetNumThreads(session.get());
    std::string where = kilnSessionGetDevice(session.get()) == KILN_DEVICE_CUDA
                            ? kilnSessionGetDeviceInfo(session.get())
                            : std::to_string(threads) + (threads == 1 ? " thread" : " threads");
    out << "benchmark: " << n << " runs (" << warmup << " warmup, " << where << "): min "
        << ms(sorted[0]) << " ms, median " << ms(median) << " ms, p90 " << ms(sorted[p90 - 1])
        << " ms\n";
  }
  if (profile) {
    if (!writeChromeTrace(o.profilePath, trace,
                          static_cast<int32_t>(kilnSessionGetNumThreads(session.get())), error)) {
      err << "kiln-run: --profile: " << error << "\n";
      return 2;
    }
  }

  int mismatched = 0;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const void *data = nullptr;
    size_t bytes = 0;
    if (kilnStatus s = kilnSessionGetOutput(session.get(), i, &data, &bytes)) {
      return statusFail(s);
    }
    io::HostTensor host = hostTensor(outputs[i], data, bytes);
    out << outNames[i] << ": " << io::summarizeTensor(host) << "\n";
    if (outBindings[i] && !io::writeTensorFile(outBindings[i]->path, host, error)) {
      err << "kiln-run: output '" << outNames[i] << "': " << error << "\n";
      return 2;
    }
    if (references[i]) {
      io::CompareResult result;
      if (!io::compareTensors(host, *references[i], o.atol, o.rtol, result, error)) {
        err << "kiln-run: output '" << outNames[i] << "' against '" << refBindings[i]->path
            << "': " << error << "\n";
        return 2;
      }
      out << outNames[i] << ": max abs error " << sci(result.maxAbsError) << ", max rel error "
          << sci(result.maxRelError) << ", " << result.mismatches << " of " << result.elements
          << " elements differ (atol " << number(o.atol) << ", rtol " << number(o.rtol) << ")\n";
      if (result.mismatches > 0) {
        ++mismatched;
        err << "kiln-run: output '" << outNames[i] << "' does not match '" << refBindings[i]->path
            << "': first at " << coordinates(result.firstMismatch, host.shape) << ", got "
            << sci(result.firstActual) << ", expected " << sci(result.firstExpected) << "\n";
      }
    }
  }
  if (mismatched > 0) {
    err << "kiln-run: " << mismatched << " output" << (mismatched == 1 ? "" : "s")
        << " differ from the reference\n";
    return 1;
  }
  return 0;
}

} // namespace kiln::runtime::tool
