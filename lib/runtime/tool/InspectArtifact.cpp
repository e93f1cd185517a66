//===- InspectArtifact.cpp - kiln-run --inspect ---------------------------------===//
//
// Prints what an artifact holds without loading its code: useful on a machine that
// cannot run it (other CPU, no GPU) and when the loader refuses it (the parse error is
// printed the same way the loader reports it).
//
//===----------------------------------------------------------------------------===//
#include "lib/runtime/ArtifactFormat.h"
#include "lib/runtime/CpuFeatures.h"
#include "lib/runtime/tool/RunTool.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ostream>

namespace kiln::runtime::tool {

namespace {

std::string describeDesc(const TensorDesc &t) {
  std::string s = kilnDTypeGetName(t.dtype);
  s += '[';
  for (size_t i = 0; i < t.dims.size(); ++i) {
    s += (i ? "x" : "") + std::to_string(t.dims[i]);
  }
  return s + "]";
}

std::string describeBinding(const Binding &b, const Signature &sig) {
  std::string s = bindingSpaceName(static_cast<uint32_t>(b.space));
  switch (b.space) {
  case BindingSpace::Input:
    s += " " + std::to_string(b.index) + " '" + sig.inputs[b.index].name + "'";
    break;
  case BindingSpace::Output:
    s += " " + std::to_string(b.index) + " '" + sig.outputs[b.index].name + "'";
    break;
  case BindingSpace::Constant:
  case BindingSpace::Arena:
    s += " +" + std::to_string(b.index);
    break;
  }
  return s + ", " + std::to_string(b.bytes) + " bytes";
}

std::string dims(const uint32_t d[3]) {
  return std::to_string(d[0]) + "x" + std::to_string(d[1]) + "x" + std::to_string(d[2]);
}

std::string percent(uint64_t part, uint64_t whole) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f%%", whole ? 100.0 * part / whole : 0.0);
  return buf;
}

void printTensors(std::ostream &out, const char *title, const std::vector<TensorDesc> &ts) {
  out << title << ": " << ts.size() << "\n";
  for (size_t i = 0; i < ts.size(); ++i) {
    out << "  " << i << " '" << ts[i].name << "': " << describeDesc(ts[i]) << ", " << ts[i].bytes
        << " bytes\n";
  }
}

} // namespace

int inspectArtifact(const std::string &path, std::ostream &out, std::ostream &err) {
  std::vector<char> bytes;
  std::FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) {
    err << "kiln-run: '" << path << "': cannot open: " << std::strerror(errno) << "\n";
    return 2;
  }
  char chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof(chunk), f)) > 0) {
    bytes.insert(bytes.end(), chunk, chunk + n);
  }
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) {
    err << "kiln-run: '" << path << "': cannot read it\n";
    return 2;
  }
  Artifact a;
  ParseError error;
  if (!parseArtifactInPlace(bytes.data(), bytes.size(), a, error)) {
    err << "kiln-run: '" << path << "': " << error.message << "\n";
    return exitCodeFor(error.code);
  }
  const Signature &sig = a.signature;
  const Plan &plan = a.plan;
  const bool cuda = isCudaArtifact(a);
  const SectionInfo *constants = findSection(a, SectionKind::Constants);

  out << "artifact: " << path << " (" << bytes.size() << " bytes), format " << a.formatMajor << "."
      << a.formatMinor << "\n";
  out << "sections: " << a.sections.size() << "\n";
  for (const SectionInfo &s : a.sections) {
    char line[96];
    std::snprintf(line, sizeof(line), "  %-10s offset %8llu  size %8llu\n",
                  sectionKindName(s.kind).c_str(), static_cast<unsigned long long>(s.offset),
                  static_cast<unsigned long long>(s.size));
    out << line;
  }
  out << "compiler: " << a.meta.compilerVersion << "\n";
  out << "target:   " << a.meta.target << "\n";
  out << "triple:   " << a.meta.triple << "\n";
  if (cuda) {
    out << "arch:     " << a.meta.cpu << "\n";
  } else {
    out << "cpu:      " << a.meta.cpu << "\n";
    out << "features:";
    for (const std::string &feature : a.meta.features) {
      out << " " << feature;
    }
    std::vector<std::string> missing = missingCpuFeatures(a.meta.features, hostCpuFeatures());
    if (missing.empty()) {
      out << (a.meta.features.empty() ? " (none)" : "") << " (all present on this CPU)\n";
    } else {
      out << " (missing on this CPU:";
      for (const std::string &m : missing) {
        out << " " << m;
      }
      out << ")\n";
    }
  }
  out << "flags:    " << a.meta.flags << "\n";
  printTensors(out, "inputs", sig.inputs);
  printTensors(out, "outputs", sig.outputs);
  out << "memory: arena " << plan.arenaBytes << " bytes, unplanned " << plan.unplannedBytes
      << " bytes (the plan saves "
      << percent(plan.unplannedBytes > plan.arenaBytes ? plan.unplannedBytes - plan.arenaBytes : 0,
                 plan.unplannedBytes)
      << "), constants " << constants->size << " bytes, ";
  if (cuda) {
    const SectionInfo *cubin = findSection(a, SectionKind::Cubin);
    out << "ptx " << findSection(a, SectionKind::Ptx)->size << " bytes, cubin " << cubin->size
        << " bytes" << (cubin->size == 0 ? " (none: the runtime JIT-compiles the PTX)" : "")
        << "\n";
  } else {
    out << "code " << findSection(a, SectionKind::CodeElf)->size << " bytes\n";
  }
  out << "kernels: " << plan.kernels.size() << "\n";
  for (size_t i = 0; i < plan.kernels.size(); ++i) {
    const Kernel &k = plan.kernels[i];
    out << "  " << i << " " << k.symbol << " '" << k.label << "' ";
    if (cuda) {
      out << "grid " << dims(k.launch.grid) << " block " << dims(k.launch.block) << " shared "
          << k.launch.sharedBytes << "\n";
    } else {
      out << "work_items " << k.workItems << "\n";
    }
    for (size_t j = 0; j < k.bindings.size(); ++j) {
      out << "      " << j << ": " << describeBinding(k.bindings[j], sig) << "\n";
    }
    for (size_t j = 0; j < k.tensorMaps.size(); ++j) {
      out << "      tma[" << j << "]: " << describeTensorMap(k.tensorMaps[j]) << "\n";
    }
  }
  out << "copies: " << plan.copies.size() << "\n";
  for (const Copy &c : plan.copies) {
    out << "  output " << c.output << " '" << sig.outputs[c.output].name << "' <- "
        << describeBinding(c.source, sig) << "\n";
  }
  return 0;
}

} // namespace kiln::runtime::tool
