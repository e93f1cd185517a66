//===- RunOptions.cpp - kiln-run's command line ---------------------------------===//
//
// A small hand-written parser (the runtime side has no LLVM, so no llvm::cl) that
// accepts what llvm::cl accepts for kiln-interpret: `-flag` or `--flag`, `=value` or a
// separate value argument, repeatable list flags.
//
//===----------------------------------------------------------------------------===//
#include "lib/runtime/tool/RunTool.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <ostream>

namespace kiln::runtime::tool {

namespace {

bool parseInt(const std::string &text, int64_t min, int64_t max, int64_t &value) {
  if (text.empty() || text[0] == ' ' || text[0] == '+') {
    return false;
  }
  char *end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || v < min || v > max) {
    return false;
  }
  value = v;
  return true;
}

bool parseTolerance(const std::string &text, double &value) {
  if (text.empty() || text[0] == ' ') {
    return false;
  }
  char *end = nullptr;
  errno = 0;
  double v = std::strtod(text.c_str(), &end);
  if (errno != 0 || *end != '\0' || !std::isfinite(v) || v < 0) {
    return false;
  }
  value = v;
  return true;
}

/// "cpu", "cuda", "cuda:N".
bool parseDevice(const std::string &text, kilnDevice &device, int32_t &ordinal) {
  ordinal = 0;
  if (text == "cpu") {
    device = KILN_DEVICE_CPU;
    return true;
  }
  if (text == "cuda") {
    device = KILN_DEVICE_CUDA;
    return true;
  }
  int64_t n = 0;
  if (text.rfind("cuda:", 0) == 0 && parseInt(text.substr(5), 0, INT32_MAX, n)) {
    device = KILN_DEVICE_CUDA;
    ordinal = static_cast<int32_t>(n);
    return true;
  }
  return false;
}

} // namespace

std::string usageText() {
  return "usage: kiln-run MODEL.kiln [options]\n"
         "       kiln-run --inspect MODEL.kiln\n"
         "\n"
         "Runs a compiled kiln artifact on this CPU or an NVIDIA GPU.\n"
         "\n"
         "  --input=[NAME=]@FILE.npy|@FILE.pb|random:SEED\n"
         "                         bind an input (by name, or by position); repeatable\n"
         "  --random-inputs=SEED   random data for every input not bound by --input\n"
         "                         (input i gets SEED+i, as in kiln-interpret)\n"
         "  --output=[NAME=]@FILE.npy|@FILE.pb\n"
         "                         write an output; repeatable\n"
         "  --expected-output=[NAME=]@FILE.npy|@FILE.pb\n"
         "                         compare an output with a reference; repeatable\n"
         "  --atol=X --rtol=X      tolerances: |got - ref| <= atol + rtol * |ref|\n"
         "                         (default 1e-5, 1e-4)\n"
         "  --benchmark=N          time N runs; print min, median and p90 in ms\n"
         "  --warmup=N             untimed runs first (default 1 with --benchmark)\n"
         "  --threads=N            threads per kernel, the caller included (default 1;\n"
         "                         0: one per hardware thread)\n"
         "  --profile=FILE.json    per-kernel Chrome trace (chrome://tracing, Perfetto)\n"
         "  --device=cpu|cuda[:N]  the device to run on; it must be the model's target\n"
         "                         (default: the model's target; cuda:N is GPU N)\n"
         "  --cuda-graph           capture the kernels into a CUDA graph on the first run\n"
         "                         and replay it after (cuda only)\n"
         "  --inspect              print the artifact's header, signature, memory plan\n"
         "                         and kernels; load no code\n"
         "\n"
         "Exit codes: 0 success, 1 run failure or mismatch, 2 bad usage or input.\n";
}

bool parseRunOptions(int argc, const char *const *argv, RunOptions &options, std::string &error) {
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.size() < 2 || arg[0] != '-') {
      positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      for (++i; i < argc; ++i) {
        positional.push_back(argv[i]);
      }
      break;
    }
    std::string flag = arg.substr(arg[1] == '-' ? 2 : 1);
    std::string value;
    bool hasValue = false;
    size_t eq = flag.find('=');
    if (eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      hasValue = true;
    }
    if (flag == "help" || flag == "h") {
      options.help = true;
      continue;
    }
    if (flag == "inspect") {
      if (hasValue) {
        error = "--inspect takes no value; use: kiln-run --inspect MODEL.kiln";
        return false;
      }
      options.inspect = true;
      continue;
    }
    if (flag == "cuda-graph") {
      if (hasValue) {
        error = "--cuda-graph takes no value";
        return false;
      }
      options.cudaGraph = true;
      continue;
    }
    static const char *const valueFlags[] = {
        "input",     "output", "expected-output", "random-inputs", "atol",   "rtol",
        "benchmark", "warmup", "threads",         "profile",       "device",
    };
    bool known = false;
    for (const char *f : valueFlags) {
      known |= flag == f;
    }
    if (!known) {
      error = "unknown option '" + arg + "'; see kiln-run --help";
      return false;
    }
    if (!hasValue) {
      if (i + 1 >= argc) {
        error = "--" + flag + " needs a value";
        return false;
      }
      value = argv[++i];
    }
    int64_t n = 0;
    if (flag == "input") {
      options.inputs.push_back(value);
    } else if (flag == "output") {
      options.outputs.push_back(value);
    } else if (flag == "expected-output") {
      options.expected.push_back(value);
    } else if (flag == "random-inputs") {
      if (!parseInt(value, 0, INT64_MAX, options.randomSeed)) {
        error = "--random-inputs=" + value + ": expected a seed >= 0";
        return false;
      }
    } else if (flag == "atol" || flag == "rtol") {
      if (!parseTolerance(value, flag == "atol" ? options.atol : options.rtol)) {
        error = "--" + flag + "=" + value + ": expected a finite number >= 0";
        return false;
      }
    } else if (flag == "benchmark") {
      if (!parseInt(value, 1, 100000000, options.benchmarkRuns)) {
        error = "--benchmark=" + value + ": expected a number of runs >= 1";
        return false;
      }
    } else if (flag == "warmup") {
      if (!parseInt(value, 0, 100000000, options.warmupRuns)) {
        error = "--warmup=" + value + ": expected a number of runs >= 0";
        return false;
      }
    } else if (flag == "threads") {
      if (!parseInt(value, 0, 1024, n)) {
        error = "--threads=" + value + ": expected 1..1024, or 0 for one per hardware thread";
        return false;
      }
      options.threads = static_cast<int32_t>(n);
    } else if (flag == "profile") {
      if (value.empty()) {
        error = "--profile needs a file name";
        return false;
      }
      options.profilePath = value;
    } else if (flag == "device") {
      if (!parseDevice(value, options.device, options.deviceOrdinal)) {
        error = "--device=" + value + ": expected cpu, cuda or cuda:N";
        return false;
      }
    }
  }
  if (options.help) {
    return true;
  }
  if (positional.empty()) {
    error = "no model given";
    return false;
  }
  if (positional.size() > 1) {
    error = "one model at a time: got '" + positional[0] + "' and '" + positional[1] + "'";
    return false;
  }
  options.model = positional[0];
  return true;
}

int exitCodeFor(kilnStatusCode code) {
  switch (code) {
  case KILN_INVALID_ARGUMENT:
  case KILN_NOT_FOUND:
  case KILN_DATA_LOSS:
    return 2;
  default:
    return 1;
  }
}

int runToolMain(int argc, const char *const *argv, std::ostream &out, std::ostream &err) {
  RunOptions options;
  std::string error;
  if (!parseRunOptions(argc, argv, options, error)) {
    err << "kiln-run: " << error << "\n"
        << "usage: kiln-run MODEL.kiln [options] | kiln-run --inspect MODEL.kiln "
           "(kiln-run --help for the options)\n";
    return 2;
  }
  if (options.help) {
    out << usageText();
    return 0;
  }
  if (options.inspect) {
    return inspectArtifact(options.model, out, err);
  }
  return runModel(options, out, err);
}

} // namespace kiln::runtime::tool
