//===- CpuFeatures.cpp - cpuid / xgetbv feature detection -------------------===//
//
// A table maps cpuid bits to /proc/cpuinfo names. A feature that needs extended register
// state (AVX: XMM+YMM; AVX-512: also opmask and ZMM; AMX: tile config and data) counts
// only when the OS has enabled that state in XCR0, exactly as Linux drops such flags
// from /proc/cpuinfo; otherwise the first instruction would fault.
//
//===----------------------------------------------------------------------------===//
#include "lib/runtime/CpuFeatures.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace kiln::runtime {

namespace {

enum Reg { EAX, EBX, ECX, EDX };

// XCR0 state masks a feature needs.
constexpr uint64_t kNoState = 0;
constexpr uint64_t kAvxState = 0x6;     // SSE + AVX (YMM upper halves)
constexpr uint64_t kAvx512State = 0xE6; // + opmask, ZMM0-15 upper halves, ZMM16-31
constexpr uint64_t kAmxState = 0x60000; // XTILECFG + XTILEDATA

struct FeatureBit {
  const char *name; // /proc/cpuinfo spelling
  uint32_t leaf;
  uint32_t subleaf;
  Reg reg;
  unsigned bit;
  uint64_t state;
};

const FeatureBit kFeatureBits[] = {
    {"fpu", 1, 0, EDX, 0, kNoState},
    {"cx8", 1, 0, EDX, 8, kNoState},
    {"cmov", 1, 0, EDX, 15, kNoState},
    {"mmx", 1, 0, EDX, 23, kNoState},
    {"fxsr", 1, 0, EDX, 24, kNoState},
    {"sse", 1, 0, EDX, 25, kNoState},
    {"sse2", 1, 0, EDX, 26, kNoState},
    {"pni", 1, 0, ECX, 0, kNoState}, // SSE3
    {"pclmulqdq", 1, 0, ECX, 1, kNoState},
    {"ssse3", 1, 0, ECX, 9, kNoState},
    {"fma", 1, 0, ECX, 12, kAvxState},
    {"cx16", 1, 0, ECX, 13, kNoState},
    {"sse4_1", 1, 0, ECX, 19, kNoState},
    {"sse4_2", 1, 0, ECX, 20, kNoState},
    {"movbe", 1, 0, ECX, 22, kNoState},
    {"popcnt", 1, 0, ECX, 23, kNoState},
    {"aes", 1, 0, ECX, 25, kNoState},
    {"xsave", 1, 0, ECX, 26, kNoState},
    {"avx", 1, 0, ECX, 28, kAvxState},
    {"f16c", 1, 0, ECX, 29, kAvxState},
    {"rdrand", 1, 0, ECX, 30, kNoState},
    {"lahf_lm", 0x80000001, 0, ECX, 0, kNoState},
    {"abm", 0x80000001, 0, ECX, 5, kNoState}, // LZCNT
    {"sse4a", 0x80000001, 0, ECX, 6, kNoState},
    {"fma4", 0x80000001, 0, ECX, 16, kAvxState},
    {"lm", 0x80000001, 0, EDX, 29, kNoState},
    {"bmi1", 7, 0, EBX, 3, kNoState},
    {"avx2", 7, 0, EBX, 5, kAvxState},
    {"bmi2", 7, 0, EBX, 8, kNoState},
    {"avx512f", 7, 0, EBX, 16, kAvx512State},
    {"avx512dq", 7, 0, EBX, 17, kAvx512State},
    {"rdseed", 7, 0, EBX, 18, kNoState},
    {"adx", 7, 0, EBX, 19, kNoState},
    {"avx512ifma", 7, 0, EBX, 21, kAvx512State},
    {"clflushopt", 7, 0, EBX, 23, kNoState},
    {"clwb", 7, 0, EBX, 24, kNoState},
    {"avx512cd", 7, 0, EBX, 28, kAvx512State},
    {"sha_ni", 7, 0, EBX, 29, kNoState},
    {"avx512bw", 7, 0, EBX, 30, kAvx512State},
    {"avx512vl", 7, 0, EBX, 31, kAvx512State},
    {"avx512vbmi", 7, 0, ECX, 1, kAvx512State},
    {"avx512_vbmi2", 7, 0, ECX, 6, kAvx512State},
    {"gfni", 7, 0, ECX, 8, kNoState},
    {"vaes", 7, 0, ECX, 9, kAvxState},
    {"vpclmulqdq", 7, 0, ECX, 10, kAvxState},
    {"avx512_vnni", 7, 0, ECX, 11, kAvx512State},
    {"avx512_bitalg", 7, 0, ECX, 12, kAvx512State},
    {"avx512_vpopcntdq", 7, 0, ECX, 14, kAvx512State},
    {"movdiri", 7, 0, ECX, 27, kNoState},
    {"movdir64b", 7, 0, ECX, 28, kNoState},
    {"serialize", 7, 0, EDX, 14, kNoState},
    {"amx_bf16", 7, 0, EDX, 22, kAmxState},
    {"avx512_fp16", 7, 0, EDX, 23, kAvx512State},
    {"amx_tile", 7, 0, EDX, 24, kAmxState},
    {"amx_int8", 7, 0, EDX, 25, kAmxState},
    {"avx_vnni", 7, 1, EAX, 4, kAvxState},
    {"avx512_bf16", 7, 1, EAX, 5, kAvx512State},
};

#if defined(__x86_64__)
bool cpuid(uint32_t leaf, uint32_t subleaf, uint32_t regs[4]) {
  uint32_t maxLeaf = __get_cpuid_max(leaf & 0x80000000u, nullptr);
  if (maxLeaf < leaf) {
    return false;
  }
  __cpuid_count(leaf, subleaf, regs[0], regs[1], regs[2], regs[3]);
  return true;
}

uint64_t readXcr0() {
  uint32_t regs[4];
  // xgetbv is usable only when the OS set CR4.OSXSAVE (cpuid.1:ECX bit 27).
  if (!cpuid(1, 0, regs) || !(regs[ECX] & (1u << 27))) {
    return 0;
  }
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

std::vector<std::string> detect() {
  std::vector<std::string> found;
  uint64_t xcr0 = readXcr0();
  for (const FeatureBit &f : kFeatureBits) {
    uint32_t regs[4] = {0, 0, 0, 0};
    if (!cpuid(f.leaf, f.subleaf, regs) || !(regs[f.reg] & (1u << f.bit))) {
      continue;
    }
    if ((xcr0 & f.state) != f.state) {
      continue;
    }
    found.push_back(f.name);
  }
  return found;
}
#else
std::vector<std::string> detect() { return {}; }
#endif

} // namespace

const std::vector<std::string> &hostCpuFeatures() {
  static const std::vector<std::string> features = detect();
  return features;
}

const std::vector<std::string> &knownCpuFeatures() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const FeatureBit &f : kFeatureBits) {
      v.push_back(f.name);
    }
    return v;
  }();
  return names;
}

std::string featureKey(const std::string &name) {
  std::string key;
  for (char c : name) {
    if (c != '_' && c != '.') {
      key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  // LLVM feature names whose cpuinfo spelling differs by more than separators.
  static const std::pair<const char *, const char *> aliases[] = {
      {"sse3", "pni"},  {"lzcnt", "abm"},        {"bmi", "bmi1"},
      {"sha", "shani"}, {"pclmul", "pclmulqdq"}, {"sahf", "lahflm"},
      {"64bit", "lm"},  {"cmpxchg16b", "cx16"},  {"cmpxchg8b", "cx8"},
  };
  for (const auto &a : aliases) {
    if (key == a.first) {
      return a.second;
    }
  }
  return key;
}

std::vector<std::string> missingCpuFeatures(const std::vector<std::string> &required,
                                            const std::vector<std::string> &available) {
  std::vector<std::string> keys;
  keys.reserve(available.size());
  for (const std::string &a : available) {
    keys.push_back(featureKey(a));
  }
  std::vector<std::string> missing;
  for (const std::string &r : required) {
    if (std::find(keys.begin(), keys.end(), featureKey(r)) == keys.end()) {
      missing.push_back(r);
    }
  }
  return missing;
}

bool checkCpuFeatures(const std::vector<std::string> &required,
                      const std::vector<std::string> &available, std::string &error) {
  std::vector<std::string> missing = missingCpuFeatures(required, available);
  if (missing.empty()) {
    return true;
  }
  error = "model needs ";
  for (size_t i = 0; i < missing.size(); ++i) {
    error += (i ? ", " : "") + missing[i];
  }
  error += "; this CPU has:";
  if (available.empty()) {
    error += " (no features detected)";
  }
  for (const std::string &a : available) {
    error += " " + a;
  }
  return false;
}

} // namespace kiln::runtime
