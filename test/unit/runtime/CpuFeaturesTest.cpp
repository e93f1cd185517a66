//===- CpuFeaturesTest.cpp - cpuid detection against /proc/cpuinfo ----------------===//
#include "lib/runtime/CpuFeatures.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

using namespace kiln::runtime;

namespace {

bool has(const std::vector<std::string> &v, const std::string &s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(CpuFeatures, SpellingsCompareAsOneFeature) {
  EXPECT_EQ(featureKey("avx512_vnni"), featureKey("avx512vnni"));
  EXPECT_EQ(featureKey("AVX512_BF16"), featureKey("avx512bf16"));
  EXPECT_EQ(featureKey("sse4.1"), featureKey("sse4_1"));
  EXPECT_EQ(featureKey("sse3"), featureKey("pni"));
  EXPECT_EQ(featureKey("lzcnt"), featureKey("abm"));
  EXPECT_EQ(featureKey("bmi"), featureKey("bmi1"));
  EXPECT_EQ(featureKey("sha"), featureKey("sha_ni"));
  EXPECT_NE(featureKey("avx512f"), featureKey("avx512fp16"));
  EXPECT_NE(featureKey("avx2"), featureKey("avx"));
}

TEST(CpuFeatures, MissingFeaturesNameBothSides) {
  const std::vector<std::string> cpu = {"sse2", "avx2", "fma", "avx512_vnni"};
  EXPECT_TRUE(missingCpuFeatures({"avx2", "FMA", "avx512vnni"}, cpu).empty());
  EXPECT_EQ(missingCpuFeatures({"avx2", "avx512f", "avx512bw"}, cpu),
            (std::vector<std::string>{"avx512f", "avx512bw"}));
  std::string error;
  EXPECT_TRUE(checkCpuFeatures({}, cpu, error));
  EXPECT_FALSE(checkCpuFeatures({"avx512f", "fma"}, cpu, error));
  EXPECT_EQ(error, "model needs avx512f; this CPU has: sse2 avx2 fma avx512_vnni");
  EXPECT_FALSE(checkCpuFeatures({"kiln_fake_feature"}, {}, error));
  EXPECT_EQ(error, "model needs kiln_fake_feature; this CPU has: (no features detected)");
}

TEST(CpuFeatures, HostDetectionMatchesProcCpuinfo) {
  const std::vector<std::string> &host = hostCpuFeatures();
#if defined(__x86_64__)
  EXPECT_TRUE(has(host, "sse2")); // the x86-64 baseline
  EXPECT_TRUE(has(host, "lm"));
#endif
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  std::set<std::string> flags;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("flags", 0) == 0) {
      std::istringstream words(line.substr(line.find(':') + 1));
      std::string w;
      while (words >> w) {
        flags.insert(w);
      }
      break;
    }
  }
  if (flags.empty()) {
    GTEST_SKIP() << "no /proc/cpuinfo flags on this machine";
  }
  // Every name the detector knows is spelled as the kernel spells it and agrees with it.
  for (const std::string &name : knownCpuFeatures()) {
    EXPECT_EQ(has(host, name), flags.count(name) == 1) << name;
  }
}

} // namespace
