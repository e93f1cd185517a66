//===- FusionReport.cpp - JSON, DOT and HTML fusion reports ----------------===//
#include "passes/fusion/FusionReport.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

namespace kiln::fusion {

namespace {

// Pastel fills, one per group (cycled); nodes outside groups stay white.
const char *const kPalette[] = {"#a6cee3", "#b2df8a", "#fb9a99", "#fdbf6f", "#cab2d6",
                                "#ffff99", "#8dd3c7", "#bebada", "#fb8072", "#80b1d3",
                                "#fdb462", "#b3de69"};

std::string escape(const std::string &s, bool html) {
  std::string out;
  for (char c : s) {
    if (html && c == '<') {
      out += "&lt;";
    } else if (html && c == '>') {
      out += "&gt;";
    } else if (html && c == '&') {
      out += "&amp;";
    } else if (c == '"') {
      out += html ? "&quot;" : "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

void writeJson(const std::vector<FusionReport> &reports, llvm::raw_ostream &os) {
  llvm::json::OStream j(os, 2);
  j.object([&] {
    j.attributeArray("functions", [&] {
      for (const FusionReport &r : reports) {
        j.object([&] {
          j.attribute("function", r.function);
          j.attribute("bytes_moved_unfused", r.bytesBefore);
          j.attribute("bytes_moved_fused", r.bytesAfter);
          j.attribute("kernels_unfused", static_cast<int64_t>(r.nodes.size()));
          int64_t alone = 0;
          for (const ReportNode &n : r.nodes) {
            alone += n.group < 0;
          }
          j.attribute("kernels_fused", alone + static_cast<int64_t>(r.groups.size()));
          j.attributeArray("groups", [&] {
            for (auto [i, g] : llvm::enumerate(r.groups)) {
              j.object([&] {
                j.attribute("id", static_cast<int64_t>(i));
                j.attribute("scheme", g.scheme);
                j.attributeArray("members", [&] {
                  for (int64_t m : g.members) {
                    j.object([&] {
                      j.attribute("node", r.nodes[m].name);
                      j.attribute("op", r.nodes[m].opType);
                    });
                  }
                });
                j.attribute("bytes_in", g.bytesIn);
                j.attribute("bytes_out", g.bytesOut);
                j.attribute("bytes_saved", g.savedBytes);
              });
            }
          });
          j.attributeArray("unfused_edges", [&] {
            for (const ReportEdge &e : r.edges) {
              if (e.fused) {
                continue;
              }
              j.object([&] {
                j.attribute("producer", r.nodes[e.producer].name);
                j.attribute("consumer", r.nodes[e.consumer].name);
                j.attribute("bytes", e.bytes);
                j.attribute("reason", e.reason);
              });
            }
          });
        });
      }
    });
  });
  os << "\n";
}

void writeDot(const std::vector<FusionReport> &reports, llvm::raw_ostream &os) {
  os << "digraph kiln_fusion {\n  rankdir=TB;\n"
     << "  node [shape=box, style=\"rounded,filled\", fillcolor=white, "
        "fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", "
        "fontsize=8];\n";
  for (auto [f, r] : llvm::enumerate(reports)) {
    std::string prefix = "f" + std::to_string(f) + "n";
    for (auto [g, group] : llvm::enumerate(r.groups)) {
      const char *color = kPalette[g % std::size(kPalette)];
      os << "  subgraph cluster_f" << f << "g" << g << " {\n    label=\"group " << g << ": "
         << group.scheme << " (saves " << group.savedBytes << " B)\";\n    style=filled; "
         << "color=\"" << color << "\"; fillcolor=\"" << color << "40\";\n";
      for (int64_t m : group.members) {
        os << "    " << prefix << m << ";\n";
      }
      os << "  }\n";
    }
    for (auto [i, n] : llvm::enumerate(r.nodes)) {
      os << "  " << prefix << i << " [label=\"" << escape(n.name, false) << "\\n"
         << escape(n.opType, false) << "\"";
      if (n.group >= 0) {
        os << ", fillcolor=\"" << kPalette[n.group % std::size(kPalette)] << "\"";
      }
      os << "];\n";
    }
    for (const ReportEdge &e : r.edges) {
      os << "  " << prefix << e.producer << " -> " << prefix << e.consumer;
      if (e.fused) {
        os << " [penwidth=2];\n";
      } else {
        os << " [style=dashed, color=gray40, tooltip=\"" << escape(e.reason, false)
           << "\"];\n";
      }
    }
  }
  os << "}\n";
}

/// The DOT rendered to SVG by Graphviz's `dot`, or "" when it is not installed.
std::string renderSvg(const std::string &dot) {
  llvm::ErrorOr<std::string> program = llvm::sys::findProgramByName("dot");
  if (!program) {
    return "";
  }
  llvm::SmallString<128> in, out;
  if (llvm::sys::fs::createTemporaryFile("kiln-fusion", "dot", in) ||
      llvm::sys::fs::createTemporaryFile("kiln-fusion", "svg", out)) {
    return "";
  }
  {
    std::error_code ec;
    llvm::raw_fd_ostream file(in, ec);
    file << dot;
  }
  std::string svg;
  llvm::StringRef args[] = {*program, "-Tsvg", in, "-o", out};
  if (llvm::sys::ExecuteAndWait(*program, args, std::nullopt, {}, /*SecondsToWait=*/60) == 0) {
    if (auto buffer = llvm::MemoryBuffer::getFile(out)) {
      svg = (*buffer)->getBuffer().str();
      size_t start = svg.find("<svg");
      svg = start == std::string::npos ? "" : svg.substr(start);
    }
  }
  llvm::sys::fs::remove(in);
  llvm::sys::fs::remove(out);
  return svg;
}

void writeHtml(const std::vector<FusionReport> &reports, llvm::raw_ostream &os) {
  std::string dot;
  {
    llvm::raw_string_ostream ds(dot);
    writeDot(reports, ds);
  }
  os << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>kiln fusion report"
        "</title>\n<style>body{font-family:sans-serif} table{border-collapse:collapse} "
        "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}</style></head>"
        "<body>\n<h1>kiln fusion report</h1>\n";
  for (const FusionReport &r : reports) {
    int64_t alone = 0;
    for (const ReportNode &n : r.nodes) {
      alone += n.group < 0;
    }
    os << "<h2>" << escape(r.function, true) << "</h2>\n<p>kernels: "
       << r.nodes.size() << " unfused, " << alone + static_cast<int64_t>(r.groups.size())
       << " fused; modeled bytes moved: " << r.bytesBefore << " unfused, " << r.bytesAfter
       << " fused</p>\n<h3>Groups</h3>\n<table><tr><th>group</th><th>scheme</th>"
          "<th>members</th><th>bytes in</th><th>bytes out</th><th>bytes saved</th></tr>\n";
    for (auto [i, g] : llvm::enumerate(r.groups)) {
      os << "<tr style=\"background:" << kPalette[i % std::size(kPalette)] << "\"><td>" << i
         << "</td><td>" << g.scheme << "</td><td>";
      for (auto [k, m] : llvm::enumerate(g.members)) {
        os << (k ? ", " : "") << escape(r.nodes[m].name, true) << " ("
           << escape(r.nodes[m].opType, true) << ")";
      }
      os << "</td><td>" << g.bytesIn << "</td><td>" << g.bytesOut << "</td><td>"
         << g.savedBytes << "</td></tr>\n";
    }
    os << "</table>\n<h3>Edges left unfused</h3>\n<table><tr><th>producer</th>"
          "<th>consumer</th><th>bytes</th><th>reason</th></tr>\n";
    for (const ReportEdge &e : r.edges) {
      if (!e.fused) {
        os << "<tr><td>" << escape(r.nodes[e.producer].name, true) << "</td><td>"
           << escape(r.nodes[e.consumer].name, true) << "</td><td>" << e.bytes
           << "</td><td>" << escape(e.reason, true) << "</td></tr>\n";
      }
    }
    os << "</table>\n";
  }
  os << "<h3>Graph (coloured by group; dashed edges are not fused)</h3>\n";
  std::string svg = renderSvg(dot);
  if (svg.empty()) {
    os << "<p>Graphviz's <code>dot</code> is not installed (Debian: graphviz); the graph "
          "in DOT:</p>\n<pre>"
       << escape(dot, true) << "</pre>\n";
  } else {
    os << svg << "\n";
  }
  os << "</body></html>\n";
}

} // namespace

bool writeFusionReport(const std::vector<FusionReport> &reports, const std::string &path,
                       std::string &error) {
  llvm::StringRef ext = llvm::sys::path::extension(path);
  if (ext != ".json" && ext != ".dot" && ext != ".html" && ext != ".htm") {
    error = "fusion report '" + path + "': unknown format (use .json, .dot or .html)";
    return false;
  }
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec) {
    error = "fusion report '" + path + "': " + ec.message();
    return false;
  }
  if (ext == ".json") {
    writeJson(reports, os);
  } else if (ext == ".dot") {
    writeDot(reports, os);
  } else {
    writeHtml(reports, os);
  }
  return true;
}

} // namespace kiln::fusion
