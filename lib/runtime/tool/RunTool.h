//===- RunTool.h - the kiln-run command line ------------------------------------===//
//
//   kiln-run model.kiln --input=[NAME=]@x.npy|@x.pb|random:SEED ... --output=[NAME=]@o.npy
//            [--expected-output=[NAME=]@ref.npy --atol=1e-5 --rtol=1e-4]
//            [--benchmark=N --warmup=N] [--threads=N] [--profile=trace.json]
//            [--device=cpu|cuda[:N]] [--cuda-graph]
//   kiln-run --inspect model.kiln
//
// Runs a compiled artifact through the C API of include/kiln/runtime.h (the tool is its
// first user) and reads inputs/writes outputs with lib/tensorio, with the same binding
// grammar and random generator as kiln-interpret, so one seed means one tensor in both.
// Exit codes (as kiln-interpret): 0 success, 1 run failure or output mismatch, 2 bad
// usage or input (unreadable or corrupt artifact, wrong input files or shapes).
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_LIB_RUNTIME_TOOL_RUNTOOL_H
#define KILN_LIB_RUNTIME_TOOL_RUNTOOL_H

#include "kiln/runtime.h"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace kiln::runtime::tool {

struct RunOptions {
  std::string model;
  bool inspect = false;
  bool help = false;
  std::vector<std::string> inputs;   // [NAME=]@file | [NAME=]random:SEED
  std::vector<std::string> outputs;  // [NAME=]@file
  std::vector<std::string> expected; // [NAME=]@file
  int64_t randomSeed = -1;           // seed for unbound inputs (seed + index); -1: none
  double atol = 1e-5;
  double rtol = 1e-4;
  int64_t benchmarkRuns = 0;            // 0: one plain run
  int64_t warmupRuns = -1;              // -1: 1 when benchmarking, else 0
  int32_t threads = 1;                  // 0: one per hardware thread
  std::string profilePath;              // Chrome trace JSON
  kilnDevice device = KILN_DEVICE_AUTO; // --device; auto: the model's target
  int32_t deviceOrdinal = 0;            // --device=cuda:N
  bool cudaGraph = false;
};

/// Parses the command line (argv[0] is skipped). `--flag=value` and `--flag value` both
/// work, with one or two dashes. Returns false with a message for bad usage.
bool parseRunOptions(int argc, const char *const *argv, RunOptions &options, std::string &error);
std::string usageText();

/// `--inspect`: header, sections, META, signature, memory, kernels with their bindings
/// (and launch dimensions for cuda), copies and sizes; everything but the code. Loads no
/// code and needs no CPU features, GPU or driver.
int inspectArtifact(const std::string &path, std::ostream &out, std::ostream &err);

/// Loads, binds, runs (benchmarks, profiles), writes and compares. Returns the exit code.
int runModel(const RunOptions &options, std::ostream &out, std::ostream &err);

/// The whole tool: parse, then inspect or run.
int runToolMain(int argc, const char *const *argv, std::ostream &out, std::ostream &err);

/// Exit code for a runtime status: 2 for what the user's files or arguments got wrong
/// (KILN_INVALID_ARGUMENT, KILN_NOT_FOUND, KILN_DATA_LOSS), else 1.
int exitCodeFor(kilnStatusCode code);

/// One profiled kernel call, or a whole run (`kernel` < 0), in steady-clock ns.
struct TraceEvent {
  std::string name;
  int64_t run;    // index of the measured run
  int64_t kernel; // -1 for the run itself
  std::string symbol;
  int64_t workItems = 0;
  int64_t startNs;
  int64_t endNs;
};

/// Writes Chrome trace-event JSON ("traceEvents", ph "X", ts/dur in microseconds relative
/// to the earliest event; runs on tid 0, kernels on tid 1) to `path`.
bool writeChromeTrace(const std::string &path, const std::vector<TraceEvent> &events,
                      int32_t threads, std::string &error);

} // namespace kiln::runtime::tool

#endif // KILN_LIB_RUNTIME_TOOL_RUNTOOL_H
