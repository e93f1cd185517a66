//===- ProfileTrace.cpp - Chrome trace-event JSON for kiln-run --profile --------===//
//
// The Trace Event Format's complete events (ph "X") with microsecond ts/dur, readable by
// chrome://tracing and Perfetto. Each measured run is one event on tid 0 and its kernels
// are events on tid 1 nested inside it in time.
//
//===----------------------------------------------------------------------------===//
#include "lib/runtime/tool/RunTool.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace kiln::runtime::tool {

namespace {

std::string jsonString(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof(buf), "\\u%04x", c);
        out += buf;
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  return out + "\"";
}

std::string micros(int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f", static_cast<double>(ns) / 1000.0);
  return buf;
}

} // namespace

bool writeChromeTrace(const std::string &path, const std::vector<TraceEvent> &events,
                      int32_t threads, std::string &error) {
  int64_t origin = 0;
  if (!events.empty()) {
    origin = events[0].startNs;
    for (const TraceEvent &e : events) {
      origin = std::min(origin, e.startNs);
    }
  }
  std::string json = "{\"traceEvents\": [\n";
  json += "  {\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": 0, "
          "\"args\": {\"name\": \"runs\"}},\n";
  json += "  {\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": 1, "
          "\"args\": {\"name\": \"kernels (" +
          std::to_string(threads) + " threads)\"}}";
  for (const TraceEvent &e : events) {
    bool isRun = e.kernel < 0;
    json += ",\n  {\"name\": " + jsonString(e.name) + ", \"cat\": \"" + (isRun ? "run" : "kernel") +
            "\", \"ph\": \"X\", \"ts\": " + micros(e.startNs - origin) +
            ", \"dur\": " + micros(e.endNs - e.startNs) +
            ", \"pid\": 1, \"tid\": " + (isRun ? "0" : "1") +
            ", \"args\": {\"run\": " + std::to_string(e.run);
    if (!isRun) {
      json += ", \"kernel\": " + std::to_string(e.kernel) +
              ", \"symbol\": " + jsonString(e.symbol) +
              ", \"work_items\": " + std::to_string(e.workItems);
    }
    json += "}}";
  }
  json += "\n], \"displayTimeUnit\": \"ms\"}\n";
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) {
    error = "cannot open '" + path + "' for writing: " + std::strerror(errno);
    return false;
  }
  f << json;
  f.close();
  if (!f) {
    error = "cannot write '" + path + "'";
    return false;
  }
  return true;
}

} // namespace kiln::runtime::tool
