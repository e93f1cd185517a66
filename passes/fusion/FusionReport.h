//===- FusionReport.h - what --kiln-fuse decided, for people -----*- C++ -*-===//
//
// The explainable side of fusion: every group with its member nodes (ONNX node names),
// scheme and modeled bytes, and every edge left unfused with the cost model's reason.
// Written as JSON (for tools), DOT, or HTML (the graph coloured by group, rendered by
// Graphviz's `dot` when it is installed, and the tables).
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_PASSES_FUSION_FUSIONREPORT_H
#define KILN_PASSES_FUSION_FUSIONREPORT_H

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::fusion {

struct ReportNode {
  std::string name;   ///< the model's node name, or op name + position
  std::string opType; ///< "kiln.matmul" ...
  int64_t group = -1; ///< index into FusionReport::groups, -1 when alone
};

struct ReportGroup {
  std::string scheme;
  std::vector<int64_t> members; ///< indices into FusionReport::nodes, program order
  int64_t bytesIn = 0;          ///< inputs the kernel reads
  int64_t bytesOut = 0;         ///< results it writes
  int64_t savedBytes = 0;       ///< intermediates that never reach memory (write + read)
};

struct ReportEdge {
  int64_t producer = 0, consumer = 0; ///< node indices
  int64_t bytes = 0;                  ///< the value's size
  bool fused = false;
  std::string reason; ///< why not, for unfused edges
};

struct FusionReport {
  std::string function;
  std::vector<ReportNode> nodes;
  std::vector<ReportGroup> groups;
  std::vector<ReportEdge> edges;
  int64_t bytesBefore = 0; ///< modeled traffic with one kernel per op
  int64_t bytesAfter = 0;  ///< with the groups
};

/// Writes `reports` (one per graph function) to `path` as .json, .dot or .html; false
/// with `error` set on an unknown extension or an unwritable file.
bool writeFusionReport(const std::vector<FusionReport> &reports, const std::string &path,
                       std::string &error);

} // namespace kiln::fusion

#endif // KILN_PASSES_FUSION_FUSIONREPORT_H
