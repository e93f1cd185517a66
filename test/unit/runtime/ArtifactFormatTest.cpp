//===- ArtifactFormatTest.cpp - writer/reader of the .kiln format ----------------===//
//
// Round trips, the layout docs/artifact.md promises, and the reader's refusal of every
// malformed file: each truncation, each broken header field, hostile counts and string
// lengths, every semantic check, and byte-wise corruption that must never crash.
//
//===----------------------------------------------------------------------------===//
#include "lib/runtime/ArtifactFormat.h"
#include "test/unit/runtime/TestArtifacts.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <unistd.h>

using namespace kiln::runtime;

namespace {

std::vector<uint8_t> fakeCode() {
  // The format does not look inside CODE_ELF; the loader does (CodeObjectTest).
  std::vector<uint8_t> code(300);
  for (size_t i = 0; i < code.size(); ++i) {
    code[i] = static_cast<uint8_t>(i * 7);
  }
  return code;
}

Artifact chain() { return fixtures::makeChainArtifact(fakeCode()); }

uint64_t load64(const std::string &s, size_t at) {
  uint64_t v = 0;
  for (unsigned i = 0; i < 8; ++i) {
    v |= static_cast<uint64_t>(static_cast<uint8_t>(s[at + i])) << (8 * i);
  }
  return v;
}

void store32(std::string &s, size_t at, uint32_t v) {
  for (unsigned i = 0; i < 4; ++i) {
    s[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
  }
}

void store64(std::string &s, size_t at, uint64_t v) {
  for (unsigned i = 0; i < 8; ++i) {
    s[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
  }
}

/// Offset of the table entry of `kind` in a file written by serializeArtifact.
size_t entryOf(const std::string &file, SectionKind kind) {
  uint64_t count = load64(file, 24);
  for (uint64_t i = 0; i < count; ++i) {
    size_t e = 32 + i * 24;
    if (static_cast<uint8_t>(file[e]) == static_cast<uint32_t>(kind)) {
      return e;
    }
  }
  ADD_FAILURE() << "no section " << static_cast<uint32_t>(kind);
  return 0;
}

bool parses(const std::string &file, Artifact &out, ParseError &error) {
  return parseArtifact(file.data(), file.size(), out, error);
}

/// Serializes `a` and expects the reader to refuse it with `phrase` in the message.
void expectRefused(const Artifact &a, const std::string &phrase,
                   kilnStatusCode code = KILN_DATA_LOSS) {
  std::string file = serializeArtifact(a);
  Artifact back;
  ParseError error;
  EXPECT_FALSE(parses(file, back, error)) << phrase;
  EXPECT_EQ(error.code, code) << error.message;
  EXPECT_NE(error.message.find(phrase), std::string::npos)
      << "expected '" << phrase << "' in: " << error.message;
}

/// A u32 written over a well-formed file at `at`, and what the refusal must say.
struct U32Patch {
  const char *what;
  size_t at;
  uint32_t value;
  const char *phrase;
};

/// Applies each patch to its own copy of `good` and expects the reader to refuse it as
/// KILN_DATA_LOSS with the patch's phrase in the message.
void expectPatchesRefused(const std::string &good, const std::vector<U32Patch> &patches) {
  for (const U32Patch &p : patches) {
    std::string file = good;
    store32(file, p.at, p.value);
    Artifact back;
    ParseError error;
    EXPECT_FALSE(parses(file, back, error)) << p.what;
    EXPECT_EQ(error.code, KILN_DATA_LOSS) << p.what;
    EXPECT_NE(error.message.find(p.phrase), std::string::npos) << p.what << ": " << error.message;
  }
}

//===----------------------------------------------------------------------===//
// Writer and round trips
//===----------------------------------------------------------------------===//

TEST(ArtifactFormat, RoundTrip) {
  Artifact a = chain();
  std::string file = serializeArtifact(a);
  Artifact back;
  ParseError error;
  ASSERT_TRUE(parses(file, back, error)) << error.message;
  EXPECT_TRUE(back == a);
  EXPECT_EQ(back.signature.inputs[0].bytes, 4000u);
  EXPECT_EQ(back.signature.outputs[1].bytes, 64u);
  EXPECT_EQ(back.plan.kernels[1].bindings[1].space, BindingSpace::Constant);
  EXPECT_EQ(back.code, fakeCode());
  // Serializing the parsed artifact gives the same bytes.
  EXPECT_EQ(serializeArtifact(back), file);
}

TEST(ArtifactFormat, LayoutFollowsTheSpec) {
  std::string file = serializeArtifact(chain());
  ASSERT_GE(file.size(), 32u);
  EXPECT_EQ(std::memcmp(file.data(), "KILNART\0", 8), 0);
  EXPECT_EQ(static_cast<uint8_t>(file[8]), 1); // format_major, little-endian
  EXPECT_EQ(load64(file, 16), 32u);            // table right after the header
  EXPECT_EQ(load64(file, 24), 5u);
  Artifact back;
  ParseError error;
  ASSERT_TRUE(parses(file, back, error)) << error.message;
  ASSERT_EQ(back.sections.size(), 5u);
  uint64_t end = 0;
  bool seen[6] = {};
  for (const SectionInfo &s : back.sections) {
    EXPECT_EQ(s.offset % 64, 0u) << sectionKindName(s.kind);
    EXPECT_GE(s.offset, 32u + 5 * 24);
    ASSERT_TRUE(s.kind >= 1 && s.kind <= 5);
    seen[s.kind] = true;
    end = std::max(end, s.offset + s.size);
  }
  for (int k = 1; k <= 5; ++k) {
    EXPECT_TRUE(seen[k]) << k;
  }
  EXPECT_EQ(end, file.size()); // no trailing padding: every truncation cuts a section
  const SectionInfo *code = findSection(back, SectionKind::CodeElf);
  ASSERT_NE(code, nullptr);
  EXPECT_EQ(std::memcmp(file.data() + code->offset, fakeCode().data(), code->size), 0);
}

TEST(ArtifactFormat, RoundTripEdgeCases) {
  Artifact a;
  a.meta.target = "cpu";
  a.meta.features = {"avx2", "", "fma"};
  a.formatMinor = 9; // a newer minor is read
  TensorDesc scalar;
  scalar.name = "s";
  scalar.dtype = KILN_DTYPE_BF16;
  TensorDesc wide;
  wide.name = "w";
  wide.dtype = KILN_DTYPE_BOOL;
  wide.dims.assign(16, 1);
  wide.dims[3] = 0; // an empty tensor
  TensorDesc big;
  big.name = "big";
  big.dtype = KILN_DTYPE_U64;
  big.dims = {int64_t(1) << 20, int64_t(1) << 20};
  a.signature.inputs = {scalar, wide};
  a.signature.outputs = {big, scalar};
  a.plan.arenaBytes = uint64_t(1) << 40;
  Kernel k;
  k.symbol = "k";
  k.workItems = INT64_MAX;
  Binding far;
  far.space = BindingSpace::Arena;
  far.index = (uint64_t(1) << 40) - 64;
  far.bytes = 64;
  k.bindings = {far};
  a.plan.kernels = {k};
  Copy c;
  c.output = 1;
  c.source.space = BindingSpace::Input;
  c.source.index = 0;
  c.source.bytes = 2;
  a.plan.copies = {c};
  std::string file = serializeArtifact(a);
  Artifact back;
  ParseError error;
  ASSERT_TRUE(parses(file, back, error)) << error.message;
  EXPECT_TRUE(back == a);
  EXPECT_EQ(back.formatMinor, 9u);
  EXPECT_EQ(back.signature.inputs[1].bytes, 0u);
  EXPECT_EQ(back.signature.outputs[0].bytes, uint64_t(8) << 40);
  EXPECT_TRUE(back.constants.empty());
}

TEST(ArtifactFormat, InPlaceParseLeavesPayloadsInTheBuffer) {
  std::string file = serializeArtifact(chain());
  Artifact back;
  ParseError error;
  ASSERT_TRUE(parseArtifactInPlace(file.data(), file.size(), back, error)) << error.message;
  EXPECT_TRUE(back.constants.empty());
  EXPECT_TRUE(back.code.empty());
  const SectionInfo *constants = findSection(back, SectionKind::Constants);
  ASSERT_NE(constants, nullptr);
  EXPECT_EQ(constants->size, 64u);
  float first;
  std::memcpy(&first, file.data() + constants->offset, 4);
  EXPECT_EQ(first, fixtures::chainScale(0));
}

TEST(ArtifactFormat, UnknownSectionsAreSkipped) {
  std::string file = serializeArtifact(chain());
  // The table ends at 152 and the first section starts at 192: room for a sixth entry.
  store64(file, 24, 6);
  size_t e = 32 + 5 * 24;
  store32(file, e, 99);
  store32(file, e + 4, 0);
  store64(file, e + 8, 0);
  store64(file, e + 16, 32);
  Artifact back;
  ParseError error;
  ASSERT_TRUE(parses(file, back, error)) << error.message;
  EXPECT_EQ(back.sections.size(), 6u);
  EXPECT_EQ(sectionKindName(99), "kind 99");
  EXPECT_TRUE(back == chain());
}

TEST(ArtifactFormat, WriteArtifactFile) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("kiln-format-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "a.kiln").string();
  std::string error;
  ASSERT_TRUE(writeArtifactFile(path, chain(), error)) << error;
  std::ifstream f(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes, serializeArtifact(chain()));
  EXPECT_FALSE(writeArtifactFile((dir / "no" / "such" / "dir.kiln").string(), chain(), error));
  EXPECT_NE(error.find("cannot open"), std::string::npos) << error;
  std::filesystem::remove_all(dir);
}

//===----------------------------------------------------------------------===//
// Header and section table
//===----------------------------------------------------------------------===//

TEST(ArtifactFormat, EveryTruncationIsRefused) {
  std::string file = serializeArtifact(chain());
  for (size_t n = 0; n < file.size(); ++n) {
    Artifact back;
    ParseError error;
    ASSERT_FALSE(parseArtifact(file.data(), n, back, error)) << "prefix of " << n << " bytes";
    EXPECT_EQ(error.code, KILN_DATA_LOSS) << n;
    EXPECT_FALSE(error.message.empty()) << n;
  }
  // Spot-check the messages at the interesting cuts.
  Artifact back;
  ParseError error;
  EXPECT_FALSE(parseArtifact(file.data(), 0, back, error));
  EXPECT_NE(error.message.find("empty file"), std::string::npos) << error.message;
  EXPECT_FALSE(parseArtifact(file.data(), 20, back, error));
  EXPECT_NE(error.message.find("shorter than the 32-byte header"), std::string::npos)
      << error.message;
  EXPECT_FALSE(parseArtifact(file.data(), 100, back, error));
  EXPECT_NE(error.message.find("the section table"), std::string::npos) << error.message;
  EXPECT_FALSE(parseArtifact(file.data(), file.size() - 1, back, error));
  EXPECT_NE(error.message.find("section CODE_ELF"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("ends past the end of the file"), std::string::npos)
      << error.message;
}

TEST(ArtifactFormat, BadMagic) {
  std::string file = serializeArtifact(chain());
  file[0] = 0x7f;
  file[1] = 'E';
  Artifact back;
  ParseError error;
  EXPECT_FALSE(parses(file, back, error));
  EXPECT_EQ(error.code, KILN_DATA_LOSS);
  EXPECT_NE(error.message.find("not a kiln artifact"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("7f 45 4c 4e"), std::string::npos) << error.message;
  std::string text = "hello";
  EXPECT_FALSE(parses(text, back, error));
  EXPECT_NE(error.message.find("not a kiln artifact"), std::string::npos) << error.message;
}

TEST(ArtifactFormat, OtherMajorIsUnsupported) {
  Artifact a = chain();
  a.formatMajor = 2;
  expectRefused(a, "artifact format 2, this runtime reads format 1", KILN_UNSUPPORTED);
  a.formatMajor = 0;
  expectRefused(a, "artifact format 0, this runtime reads format 1", KILN_UNSUPPORTED);
}

TEST(ArtifactFormat, BrokenSectionTable) {
  const std::string good = serializeArtifact(chain());
  struct Case {
    const char *what;
    std::function<void(std::string &)> patch;
    const char *phrase;
  };
  const Case cases[] = {
      {"count", [](std::string &f) { store64(f, 24, 65); }, "section_count 65 exceeds"},
      {"huge count", [](std::string &f) { store64(f, 24, ~uint64_t(0)); }, "exceeds"},
      {"table offset", [](std::string &f) { store64(f, 16, f.size() - 10); }, "the section table"},
      {"table offset overflow", [](std::string &f) { store64(f, 16, ~uint64_t(0) - 8); },
       "the section table"},
      {"misaligned", [](std::string &f) { store64(f, entryOf(f, SectionKind::Meta) + 8, 200); },
       "section META offset 200 is not a multiple of 64"},
      {"past end", [](std::string &f) { store64(f, entryOf(f, SectionKind::Plan) + 16, f.size()); },
       "section PLAN"},
      {"size overflow",
       [](std::string &f) { store64(f, entryOf(f, SectionKind::Plan) + 16, ~uint64_t(0)); },
       "ends past the end of the file"},
      {"offset overflow",
       [](std::string &f) { store64(f, entryOf(f, SectionKind::CodeElf) + 8, ~uint64_t(0) - 63); },
       "ends past the end of the file"},
      {"duplicate", [](std::string &f) { store32(f, entryOf(f, SectionKind::Constants), 1); },
       "section META appears twice"},
      {"missing", [](std::string &f) { store32(f, entryOf(f, SectionKind::Signature), 42); },
       "missing section SIGNATURE"},
      {"fewer entries", [](std::string &f) { store64(f, 24, 4); }, "missing section CODE_ELF"},
  };
  for (const Case &c : cases) {
    std::string file = good;
    c.patch(file);
    Artifact back;
    ParseError error;
    EXPECT_FALSE(parses(file, back, error)) << c.what;
    EXPECT_EQ(error.code, KILN_DATA_LOSS) << c.what;
    EXPECT_NE(error.message.find(c.phrase), std::string::npos) << c.what << ": " << error.message;
  }
}

//===----------------------------------------------------------------------===//
// Records inside sections
//===----------------------------------------------------------------------===//

TEST(ArtifactFormat, HostileCountsAndLengths) {
  const Artifact a = chain();
  const std::string good = serializeArtifact(a);
  const size_t meta = load64(good, entryOf(good, SectionKind::Meta) + 8);
  const size_t signature = load64(good, entryOf(good, SectionKind::Signature) + 8);
  const size_t plan = load64(good, entryOf(good, SectionKind::Plan) + 8);
  const size_t featureCount = meta + 16 + a.meta.compilerVersion.size() + a.meta.target.size() +
                              a.meta.triple.size() + a.meta.cpu.size();
  expectPatchesRefused(
      good,
      {
          {"string over 1 MiB", meta, (1u << 20) + 1, "more than the 1 MiB limit"},
          {"string past section", meta, 5000, "META: truncated at compiler_version"},
          {"feature count", featureCount, 0xFFFFFFFFu, "features count 4294967295 needs at least"},
          {"input count", signature, 0x10000000u, "SIGNATURE: inputs count"},
          {"rank", signature + 4 + 4 + 1 + 4, 17, "has rank 17, more than 16"},
          {"dtype", signature + 4 + 4 + 1, 99, "SIGNATURE: input 0 ('x') has unknown dtype 99"},
          {"dtype 0", signature + 4 + 4 + 1, 0, "input 0 ('x') has unknown dtype 0"},
          {"kernel count", plan + 16, 0x7FFFFFFFu, "PLAN: kernels count"},
      });
}

TEST(ArtifactFormat, TrailingBytesInASection) {
  std::string file = serializeArtifact(chain());
  size_t e = entryOf(file, SectionKind::Meta);
  uint64_t size = load64(file, e + 16);
  ASSERT_NE(size % 64, 0u); // the padding after META is inside the file
  store64(file, e + 16, size + 1);
  Artifact back;
  ParseError error;
  EXPECT_FALSE(parses(file, back, error));
  EXPECT_NE(error.message.find("META: 1 trailing bytes"), std::string::npos) << error.message;
}

TEST(ArtifactFormat, SemanticChecks) {
  using Patch = std::function<void(Artifact &)>;
  struct Case {
    const char *what;
    Patch patch;
    const char *phrase;
  };
  auto binding = [](Artifact &a, size_t k, size_t b) -> Binding & {
    return a.plan.kernels[k].bindings[b];
  };
  const Case cases[] = {
      {"unknown dtype", [](Artifact &a) { a.signature.inputs[0].dtype = kilnDType(14); },
       "input 0 ('x') has unknown dtype 14"},
      {"invalid dtype", [](Artifact &a) { a.signature.outputs[1].dtype = KILN_DTYPE_INVALID; },
       "output 1 ('scale') has unknown dtype 0"},
      {"negative dim", [](Artifact &a) { a.signature.inputs[1].dims[0] = -1; },
       "input 1 ('y') has negative dim 0 (-1)"},
      {"byte size overflow",
       [](Artifact &a) {
         a.signature.inputs[0].dims = {int64_t(1) << 62, int64_t(1) << 62};
       },
       "byte size overflows"},
      {"rank", [](Artifact &a) { a.signature.inputs[0].dims.assign(17, 1); },
       "has rank 17, more than 16"},
      {"empty name", [](Artifact &a) { a.signature.inputs[1].name = ""; }, "input 1 has no name"},
      {"duplicate name", [](Artifact &a) { a.signature.inputs[1].name = "x"; },
       "inputs 0 and 1 are both named 'x'"},
      {"empty symbol", [](Artifact &a) { a.plan.kernels[0].symbol = ""; },
       "kernel 0 ('add_0 (Add)') has an empty or invalid symbol name"},
      {"NUL in symbol",
       [](Artifact &a) { a.plan.kernels[0].symbol = std::string("kiln_test_add\0x", 15); },
       "empty or invalid symbol name"},
      {"work items", [](Artifact &a) { a.plan.kernels[1].workItems = 0; },
       "kernel 1 (kiln_test_scale, 'mul_0 (Mul)') has work_items 0 (must be >= 1)"},
      {"input index", [&](Artifact &a) { binding(a, 0, 1).index = 2; },
       "binding 1 names input 2 but the model has 2 inputs"},
      {"input bytes", [&](Artifact &a) { binding(a, 0, 0).bytes = 3996; },
       "binding 0 covers 3996 bytes of input 'x' which has 4000 bytes"},
      {"output index", [&](Artifact &a) { binding(a, 1, 2).index = 9; },
       "names output 9 but the model has 2 outputs"},
      {"arena past end", [&](Artifact &a) { binding(a, 0, 2).index = 64; },
       "arena range [64, +4000) ends past the arena (4032 bytes)"},
      {"arena misaligned", [&](Artifact &a) { binding(a, 0, 2).index = 32; },
       "arena offset 32 is not a multiple of 64"},
      {"arena overflow",
       [&](Artifact &a) {
         binding(a, 0, 2).index = ~uint64_t(0) - 63;
         binding(a, 0, 2).bytes = 128;
       },
       "ends past the arena"},
      {"constant past end", [&](Artifact &a) { binding(a, 1, 1).bytes = 128; },
       "constants range [0, +128) ends past the constants (64 bytes)"},
      {"constant offset", [&](Artifact &a) { binding(a, 1, 1).index = 64; },
       "ends past the constants"},
      {"copy output", [](Artifact &a) { a.plan.copies[0].output = 2; },
       "copy 0 fills output 2 but the model has 2 outputs"},
      {"copy size",
       [](Artifact &a) {
         a.plan.copies[0].source.space = BindingSpace::Arena;
         a.plan.copies[0].source.bytes = 32;
       },
       "has 32 bytes, the output has 64"},
      {"copy source", [](Artifact &a) { a.plan.copies[0].source.index = 4096; },
       "source: constants range [4096, +64) ends past the constants (64 bytes)"},
      {"copy self",
       [](Artifact &a) {
         a.plan.copies[0].source.space = BindingSpace::Output;
         a.plan.copies[0].source.index = 1;
       },
       "is the output itself"},
  };
  for (const Case &c : cases) {
    Artifact a = chain();
    c.patch(a);
    std::string error;
    Artifact copy = a;
    EXPECT_FALSE(validateArtifact(copy, error)) << c.what; // the writer side's check
    EXPECT_NE(error.find(c.phrase), std::string::npos) << c.what << ": " << error;
    expectRefused(a, c.phrase); // and the reader's
  }
}

TEST(ArtifactFormat, BadBindingSpace) {
  Artifact a = chain();
  a.plan.kernels[0].bindings[0].space = static_cast<BindingSpace>(7);
  expectRefused(a, "kernel 0 binding 0 has space 7");
}

TEST(ArtifactFormat, CorruptedBytesNeverCrash) {
  const std::string good = serializeArtifact(chain());
  Artifact parsed;
  ParseError error;
  ASSERT_TRUE(parses(good, parsed, error));
  // Every byte before the payloads: header, table, META, SIGNATURE and PLAN.
  size_t end = findSection(parsed, SectionKind::Constants)->offset;
  const uint8_t values[] = {0x00, 0x01, 0x7F, 0x80, 0xFF};
  size_t refused = 0;
  for (size_t i = 0; i < end; ++i) {
    for (uint8_t v : values) {
      std::string file = good;
      if (static_cast<uint8_t>(file[i]) == v) {
        continue;
      }
      file[i] = static_cast<char>(v);
      Artifact back;
      ParseError e;
      if (!parses(file, back, e)) {
        EXPECT_FALSE(e.message.empty()) << "byte " << i;
        EXPECT_NE(e.code, KILN_OK) << "byte " << i;
        ++refused;
      } else {
        // Whatever was accepted passes validation again (no check was skipped).
        std::string again;
        back.constants = parsed.constants;
        EXPECT_TRUE(validateArtifact(back, again)) << "byte " << i << ": " << again;
      }
    }
  }
  EXPECT_GT(refused, end); // most corruptions are caught
}

//===----------------------------------------------------------------------===//
// CUDA artifacts (format 1.1, and 1.2 with tensor maps)
//===----------------------------------------------------------------------===//

Artifact cudaChain() {
  // The format does not look inside CUBIN; the loader checks its ELF header.
  return fixtures::makeCudaChainArtifact("sm_80", fakeCode());
}

TEST(ArtifactFormat, CudaRoundTrip) {
  for (bool withCubin : {true, false}) {
    Artifact a = withCubin ? cudaChain() : fixtures::makeCudaChainArtifact("sm_90a");
    std::string file = serializeArtifact(a);
    Artifact back;
    ParseError error;
    ASSERT_TRUE(parses(file, back, error)) << error.message;
    EXPECT_TRUE(back == a);
    EXPECT_EQ(back.formatMinor, kFormatMinor);
    EXPECT_EQ(back.meta.target, "cuda");
    EXPECT_EQ(back.ptx, fixtures::cudaChainPtx());
    EXPECT_EQ(back.cubin, withCubin ? fakeCode() : std::vector<uint8_t>());
    EXPECT_TRUE(back.code.empty());
    const Kernel::Launch &add = back.plan.kernels[0].launch;
    EXPECT_EQ(add.grid[0], 4u);
    EXPECT_EQ(add.grid[1], 1u);
    EXPECT_EQ(add.block[0], 256u);
    EXPECT_EQ(add.block[2], 1u);
    EXPECT_EQ(add.sharedBytes, 65536u);
    EXPECT_EQ(back.plan.kernels[1].launch.grid[0], 8u);
    EXPECT_EQ(back.plan.kernels[1].launch.block[0], 128u);
    EXPECT_EQ(serializeArtifact(back), file); // byte-identical
  }
  // A launch that differs is a different artifact.
  Artifact a = cudaChain(), b = cudaChain();
  b.plan.kernels[1].launch.block[1] = 2;
  EXPECT_TRUE(a != b);
}

TEST(ArtifactFormat, CudaLayoutFollowsTheSpec) {
  const Artifact a = cudaChain();
  std::string file = serializeArtifact(a);
  EXPECT_EQ(static_cast<uint8_t>(file[8]), 1); // format 1.2
  EXPECT_EQ(static_cast<uint8_t>(file[12]), 2);
  EXPECT_EQ(load64(file, 24), 7u); // META SIGNATURE PLAN LAUNCH CONSTANTS PTX CUBIN
  Artifact back;
  ParseError error;
  ASSERT_TRUE(parseArtifactInPlace(file.data(), file.size(), back, error)) << error.message;
  EXPECT_EQ(findSection(back, SectionKind::CodeElf), nullptr);
  uint64_t end = 0;
  for (const SectionInfo &s : back.sections) {
    EXPECT_EQ(s.offset % 64, 0u) << sectionKindName(s.kind);
    end = std::max(end, s.offset + s.size);
  }
  EXPECT_EQ(end, file.size());
  // In place: the payloads stay in the buffer.
  EXPECT_TRUE(back.ptx.empty());
  EXPECT_TRUE(back.cubin.empty());
  const SectionInfo *ptx = findSection(back, SectionKind::Ptx);
  const SectionInfo *cubin = findSection(back, SectionKind::Cubin);
  const SectionInfo *launch = findSection(back, SectionKind::Launch);
  ASSERT_TRUE(ptx && cubin && launch);
  EXPECT_EQ(file.substr(ptx->offset, ptx->size), a.ptx);
  EXPECT_EQ(cubin->size, a.cubin.size());
  // LAUNCH: u32 nkernels, then per kernel 7 u32 and a u32 tensor map count (here 0).
  ASSERT_EQ(launch->size, 4u + 2 * 32);
  auto u32 = [&](size_t at) {
    uint32_t v;
    std::memcpy(&v, file.data() + launch->offset + at, 4);
    return v;
  };
  EXPECT_EQ(u32(0), 2u);
  const uint32_t first[7] = {4, 1, 1, 256, 1, 1, 65536};
  for (size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(u32(4 + 4 * i), first[i]) << "field " << i;
  }
  EXPECT_EQ(u32(4 + 28), 0u);
  EXPECT_EQ(u32(4 + 32), 8u);
  EXPECT_EQ(u32(4 + 32 + 12), 128u);
  EXPECT_EQ(u32(4 + 32 + 28), 0u);
  EXPECT_EQ(sectionKindName(8), "LAUNCH");
}

TEST(ArtifactFormat, Format11CudaFilesStillParse) {
  // What a 1.1 writer wrote: LAUNCH records of 7 u32, no tensor map counts.
  Artifact a = cudaChain();
  a.formatMinor = 1;
  std::string file = serializeArtifact(a);
  EXPECT_EQ(static_cast<uint8_t>(file[12]), 1);
  Artifact back;
  ParseError error;
  ASSERT_TRUE(parses(file, back, error)) << error.message;
  EXPECT_EQ(findSection(back, SectionKind::Launch)->size, 4u + 2 * 28);
  EXPECT_TRUE(back == a);
  EXPECT_EQ(back.formatMinor, 1u);
  EXPECT_EQ(back.plan.kernels[0].launch.sharedBytes, 65536u);
  EXPECT_EQ(back.plan.kernels[1].launch.block[0], 128u);
  EXPECT_TRUE(back.plan.kernels[0].tensorMaps.empty());
  EXPECT_EQ(serializeArtifact(back), file);
  // A 1.2 LAUNCH read as 1.1 has 8 bytes too many: the minor decides the layout.
  std::string relabeled = serializeArtifact(cudaChain());
  store32(relabeled, 12, 1);
  EXPECT_FALSE(parses(relabeled, back, error));
  EXPECT_NE(error.message.find("LAUNCH: 8 trailing bytes"), std::string::npos) << error.message;
}

TEST(ArtifactFormat, TensorMapsRoundTrip) {
  const Artifact a = fixtures::makeCudaTmaArtifact();
  std::string file = serializeArtifact(a);
  Artifact back;
  ParseError error;
  ASSERT_TRUE(parses(file, back, error)) << error.message;
  EXPECT_TRUE(back == a);
  EXPECT_EQ(serializeArtifact(back), file);
  ASSERT_EQ(back.plan.kernels[0].tensorMaps.size(), 2u);
  EXPECT_TRUE(back.plan.kernels[1].tensorMaps.empty());
  const TensorMap &t = back.plan.kernels[0].tensorMaps[1];
  EXPECT_EQ(t.binding, 1u);
  EXPECT_EQ(t.offset, 64u);
  EXPECT_EQ(t.dtype, KILN_DTYPE_BF16);
  EXPECT_EQ(t.swizzle, 64u);
  EXPECT_EQ(t.dims, (std::vector<uint64_t>{32, 2}));
  EXPECT_EQ(t.strides, (std::vector<uint64_t>{64}));
  EXPECT_EQ(t.box, (std::vector<uint32_t>{32, 2}));
  EXPECT_EQ(describeTensorMap(t),
            "binding 1 +64 bf16 dims [32,2] strides [64] box [32,2] swizzle 64");

  // LAUNCH, kernel 0: 7 u32, u32 ntensormaps, then map 0 as docs/artifact.md lays it out.
  const SectionInfo *launch = findSection(back, SectionKind::Launch);
  ASSERT_NE(launch, nullptr);
  const size_t mapBytes = 4 + 8 + 4 + 4 + 4 + 2 * 8 + 8 + 2 * 4;
  EXPECT_EQ(launch->size, 4u + 2 * 32 + 2 * mapBytes);
  const size_t at = launch->offset + 4 + 28;
  auto u32 = [&](size_t offset) {
    uint32_t v;
    std::memcpy(&v, file.data() + at + offset, 4);
    return v;
  };
  EXPECT_EQ(u32(0), 2u);                                     // ntensormaps
  EXPECT_EQ(u32(4), 0u);                                     // binding
  EXPECT_EQ(load64(file, at + 8), 0u);                       // offset
  EXPECT_EQ(u32(16), static_cast<uint32_t>(KILN_DTYPE_F32)); // dtype
  EXPECT_EQ(u32(20), 128u);                                  // swizzle
  EXPECT_EQ(u32(24), 2u);                                    // rank
  EXPECT_EQ(load64(file, at + 28), 100u);                    // dims[0]
  EXPECT_EQ(load64(file, at + 36), 10u);                     // dims[1]
  EXPECT_EQ(load64(file, at + 44), 400u);                    // strides[0]
  EXPECT_EQ(u32(52), 32u);                                   // box[0]
  EXPECT_EQ(u32(56), 8u);                                    // box[1]

  // A map that differs is a different artifact.
  Artifact other = a;
  other.plan.kernels[0].tensorMaps[0].box[1] = 4;
  EXPECT_TRUE(other != a);
}

TEST(ArtifactFormat, TensorMapSemanticChecks) {
  struct Case {
    const char *what;
    std::function<void(Artifact &)> patch;
    const char *phrase;
    bool inFile; // the file carries the mistake (else only the writer's check sees it)
  };
  auto map = [](Artifact &a, size_t j) -> TensorMap & { return a.plan.kernels[0].tensorMaps[j]; };
  const Case cases[] = {
      {"binding", [&](Artifact &a) { map(a, 1).binding = 2; },
       "LAUNCH: kernel 0 (kiln_cuda_add_one_tma, 'add_0 (Add)') tensor map 1 names binding 2 "
       "but the kernel has 2 bindings",
       true},
      {"dtype", [&](Artifact &a) { map(a, 0).dtype = kilnDType(14); },
       "tensor map 0 has unknown dtype 14", true},
      {"dtype 0", [&](Artifact &a) { map(a, 0).dtype = KILN_DTYPE_INVALID; },
       "tensor map 0 has unknown dtype 0", true},
      {"swizzle", [&](Artifact &a) { map(a, 1).swizzle = 48; },
       "tensor map 1 has swizzle 48 (must be 0, 32, 64 or 128)", true},
      {"rank 0",
       [&](Artifact &a) {
         map(a, 0).dims.clear();
         map(a, 0).strides.clear();
         map(a, 0).box.clear();
       },
       "tensor map 0 has rank 0 (must be 1..5)", true},
      {"rank 6",
       [&](Artifact &a) {
         map(a, 0).dims.assign(6, 1);
         map(a, 0).strides.assign(5, 16);
         map(a, 0).box.assign(6, 4);
       },
       "tensor map 0 has rank 6 (must be 1..5)", true},
      {"strides", [&](Artifact &a) { map(a, 0).strides.push_back(4000); },
       "tensor map 0 has rank 2 but 2 strides and 2 box entries (needs 1 and 2)", false},
      {"box entries", [&](Artifact &a) { map(a, 1).box.pop_back(); },
       "tensor map 1 has rank 2 but 1 strides and 1 box entries (needs 1 and 2)", false},
      {"offset", [&](Artifact &a) { map(a, 1).offset = 72; },
       "tensor map 1 has offset 72, not a multiple of 16", true},
      {"dim 0", [&](Artifact &a) { map(a, 0).dims[1] = 0; },
       "tensor map 0 dim 1 is 0 (must be 1..2^32)", true},
      {"dim 2^32 + 1", [&](Artifact &a) { map(a, 0).dims[0] = (uint64_t(1) << 32) + 1; },
       "tensor map 0 dim 0 is 4294967297 (must be 1..2^32)", true},
      {"stride x16", [&](Artifact &a) { map(a, 0).strides[0] = 408; },
       "tensor map 0 stride 1 is 408 bytes (must be a multiple of 16 below 2^40)", true},
      {"stride 2^40", [&](Artifact &a) { map(a, 0).strides[0] = uint64_t(1) << 40; },
       "tensor map 0 stride 1 is 1099511627776 bytes", true},
      {"box 0", [&](Artifact &a) { map(a, 0).box[1] = 0; },
       "tensor map 0 box 1 is 0 (must be 1..256)", true},
      {"box 257", [&](Artifact &a) { map(a, 1).box[1] = 257; },
       "tensor map 1 box 1 is 257 (must be 1..256)", true},
      {"box row", [&](Artifact &a) { map(a, 0).box[0] = 6; },
       "tensor map 0 box 0 spans 24 bytes (6 x 4), not a multiple of 16", true},
      {"box row over the swizzle", [&](Artifact &a) { map(a, 0).swizzle = 64; },
       "tensor map 0 box 0 spans 128 bytes, more than its swizzle of 64", true},
      {"extent", [&](Artifact &a) { map(a, 0).dims[1] = 11; },
       "tensor map 0 spans [0, +4400) bytes, past the end of binding 0 (4000 bytes)", true},
      {"offset past the binding", [&](Artifact &a) { map(a, 1).offset = 4016; },
       "tensor map 1 spans [4016, +128) bytes, past the end of binding 1 (4000 bytes)", true},
      {"extent at the edge", [&](Artifact &a) { map(a, 1).offset = 3888; },
       "tensor map 1 spans [3888, +128) bytes", true},
      {"extent overflows",
       [&](Artifact &a) {
         map(a, 0).dims[1] = uint64_t(1) << 32;
         map(a, 0).strides[0] = (uint64_t(1) << 40) - 16;
       },
       "tensor map 0 spans more than 2^64 bytes, past the end of binding 0 (4000 bytes)", true},
      {"format 1.1", [](Artifact &a) { a.formatMinor = 1; },
       "LAUNCH: kernel 0 (kiln_cuda_add_one_tma, 'add_0 (Add)') has tensor maps, which format "
       "1.1 cannot carry (they need 1.2)",
       false},
  };
  for (const Case &c : cases) {
    Artifact a = fixtures::makeCudaTmaArtifact();
    c.patch(a);
    std::string error;
    Artifact copy = a;
    EXPECT_FALSE(validateArtifact(copy, error)) << c.what;
    EXPECT_NE(error.find(c.phrase), std::string::npos) << c.what << ": " << error;
    if (c.inFile) {
      expectRefused(a, c.phrase);
    }
  }
  // The edges themselves are fine: a map ending exactly at its binding's end, rank 1,
  // rank 5, the largest dim, box and stride.
  Artifact edges = fixtures::makeCudaTmaArtifact();
  map(edges, 1).offset = 3872;
  TensorMap one;
  one.dtype = KILN_DTYPE_U8;
  one.dims = {4000};
  one.box = {256};
  TensorMap five;
  five.dtype = KILN_DTYPE_F16;
  five.swizzle = 32;
  five.dims = {8, 1, 1, 1, 250};
  five.strides = {16, 16, 16, 16};
  five.box = {16, 1, 1, 1, 256};
  TensorMap far;
  far.binding = 1;
  far.dtype = KILN_DTYPE_I8;
  far.dims = {16, 4096};
  far.strides = {(uint64_t(1) << 40) - 16};
  far.box = {16, 256};
  edges.plan.kernels[0].tensorMaps.push_back(one);
  edges.plan.kernels[0].tensorMaps.push_back(five);
  std::string error;
  EXPECT_TRUE(validateArtifact(edges, error)) << error;
  Artifact back;
  ParseError parseError;
  EXPECT_TRUE(parses(serializeArtifact(edges), back, parseError)) << parseError.message;
  EXPECT_TRUE(back == edges);
  // The largest stride is a valid stride, and the extent it gives must fit the binding.
  edges.plan.kernels[0].tensorMaps.push_back(far);
  EXPECT_FALSE(validateArtifact(edges, error));
  EXPECT_NE(error.find("tensor map 4 spans [0, +4502500115677216) bytes, past the end of "
                       "binding 1 (4000 bytes)"),
            std::string::npos)
      << error;

  // A cpu kernel has no tensor maps (and a cpu file no LAUNCH to carry them).
  Artifact cpu = chain();
  cpu.plan.kernels[1].tensorMaps.push_back(map(edges, 0));
  EXPECT_FALSE(validateArtifact(cpu, error));
  EXPECT_NE(error.find("PLAN: kernel 1 (kiln_test_scale, 'mul_0 (Mul)') has tensor maps, which "
                       "only the kernels of a cuda artifact have"),
            std::string::npos)
      << error;
}

TEST(ArtifactFormat, TensorMapHostileCountsAndTruncations) {
  const std::string good = serializeArtifact(fixtures::makeCudaTmaArtifact());
  const size_t launch = load64(good, entryOf(good, SectionKind::Launch) + 8);
  const size_t count = launch + 4 + 28; // kernel 0's ntensormaps
  const size_t map0 = count + 4;
  const size_t map1 = map0 + 4 + 8 + 4 + 4 + 4 + 2 * 8 + 8 + 2 * 4; // the last of kernel 0
  expectPatchesRefused(
      good,
      {
          {"map count", count, 0xFFFFFFFFu,
           "LAUNCH: kernel 0 tensor maps count 4294967295 needs at least"},
          {"map count past the section", count, 5,
           "LAUNCH: kernel 0 tensor maps count 5 needs at least 180 bytes but only 144 remain"},
          {"rank", map0 + 20, 0xFFFFFFFFu,
           "LAUNCH: kernel 0 tensor map 0 has rank 4294967295 (must be 1..5)"},
          {"rank 0", map0 + 20, 0, "LAUNCH: kernel 0 tensor map 0 has rank 0"},
          {"rank past the section", map1 + 20, 5,
           "LAUNCH: truncated at kernel 0 tensor map 1 stride 4"},
          {"dtype", map0 + 12, 99, "LAUNCH: kernel 0 tensor map 0 has unknown dtype 99"},
      });
}

TEST(ArtifactFormat, SmArchitectures) {
  struct Case {
    const char *name;
    unsigned major, minor;
    bool a;
  };
  for (const Case &c :
       {Case{"sm_80", 8, 0, false}, Case{"sm_86", 8, 6, false}, Case{"sm_89", 8, 9, false},
        Case{"sm_90a", 9, 0, true}, Case{"sm_100a", 10, 0, true}, Case{"sm_120", 12, 0, false}}) {
    SmArch arch;
    ASSERT_TRUE(parseSmArch(c.name, arch)) << c.name;
    EXPECT_EQ(arch.major, c.major) << c.name;
    EXPECT_EQ(arch.minor, c.minor) << c.name;
    EXPECT_EQ(arch.archSpecific, c.a) << c.name;
  }
  for (const char *bad : {"", "sm_", "sm_8", "sm_80b", "sm_8a0", "compute_80", "sm_080", "sm_1000",
                          "SM_80", "sm_80aa", "znver4"}) {
    SmArch arch;
    EXPECT_FALSE(parseSmArch(bad, arch)) << bad;
  }
}

TEST(ArtifactFormat, CudaSemanticChecks) {
  struct Case {
    const char *what;
    std::function<void(Artifact &)> patch;
    const char *phrase;
  };
  auto launch = [](Artifact &a, size_t k) -> Kernel::Launch & { return a.plan.kernels[k].launch; };
  const Case cases[] = {
      {"zero grid", [&](Artifact &a) { launch(a, 1).grid[1] = 0; },
       "LAUNCH: kernel 1 (kiln_cuda_scale, 'mul_0 (Mul)') grid_y is 0 (must be >= 1)"},
      {"zero block", [&](Artifact &a) { launch(a, 0).block[0] = 0; },
       "LAUNCH: kernel 0 (kiln_cuda_add_one, 'add_0 (Add)') block_x is 0 (must be >= 1)"},
      {"2048 threads",
       [&](Artifact &a) {
         launch(a, 0).block[0] = 32;
         launch(a, 0).block[1] = 64;
       },
       "block 32x64x1 has 2048 threads, more than 1024"},
      {"threads overflow",
       [&](Artifact &a) {
         launch(a, 0).block[0] = 0x10000;
         launch(a, 0).block[1] = 0x10000;
       },
       "has 4294967296 threads, more than 1024"},
      {"block_z",
       [&](Artifact &a) {
         launch(a, 0).block[0] = 1;
         launch(a, 0).block[2] = 128;
       },
       "block_z is 128, more than 64"},
      {"grid_x", [&](Artifact &a) { launch(a, 0).grid[0] = 0x80000000u; },
       "grid_x is 2147483648, more than 2147483647"},
      {"grid_z", [&](Artifact &a) { launch(a, 1).grid[2] = 65536; },
       "grid_z is 65536, more than 65535"},
      {"shared", [&](Artifact &a) { launch(a, 0).sharedBytes = 228 * 1024; },
       "shared_bytes is 233472, more than 232448 (227 KiB)"},
      {"empty PTX", [](Artifact &a) { a.ptx.clear(); }, "PTX: empty, but the plan has 2 kernels"},
      {"missing entry", [](Artifact &a) { a.plan.kernels[1].symbol = "kiln_cuda_missing"; },
       "PTX: kernel 1 ('mul_0 (Mul)') needs '.entry kiln_cuda_missing', which the PTX does not "
       "define"},
      {"entry prefix", [](Artifact &a) { a.plan.kernels[0].symbol = "kiln_cuda_add"; },
       "needs '.entry kiln_cuda_add'"},
      {"NUL in PTX", [](Artifact &a) { a.ptx[10] = '\0'; }, "PTX: NUL byte at offset 10"},
      {"triple", [](Artifact &a) { a.meta.triple = "x86_64-unknown-linux-gnu"; },
       "META: triple 'x86_64-unknown-linux-gnu' in a cuda artifact (expected "
       "'nvptx64-nvidia-cuda')"},
      {"arch", [](Artifact &a) { a.meta.cpu = "znver4"; },
       "META: cpu 'znver4' of a cuda artifact is not an SM architecture"},
      {"features", [](Artifact &a) { a.meta.features = {"avx2"}; },
       "META: a cuda artifact lists no CPU features, this one lists 1 ('avx2', ...)"},
      {"binding", [](Artifact &a) { a.plan.kernels[0].bindings[1].index = 64; },
       "arena range [64, +4000) ends past the arena (4032 bytes)"},
  };
  for (const Case &c : cases) {
    Artifact a = cudaChain();
    c.patch(a);
    std::string error;
    Artifact copy = a;
    EXPECT_FALSE(validateArtifact(copy, error)) << c.what;
    EXPECT_NE(error.find(c.phrase), std::string::npos) << c.what << ": " << error;
    expectRefused(a, c.phrase);
  }
  // A plan without kernels needs no PTX.
  Artifact copies = cudaChain();
  copies.plan.kernels.clear();
  copies.ptx.clear();
  std::string error;
  EXPECT_TRUE(validateArtifact(copies, error)) << error;
  Artifact back;
  ParseError parseError;
  EXPECT_TRUE(parses(serializeArtifact(copies), back, parseError)) << parseError.message;

  // The writer drops fields of the other target, so its check catches them.
  Artifact withElf = cudaChain();
  withElf.code = fakeCode();
  EXPECT_FALSE(validateArtifact(withElf, error));
  EXPECT_NE(error.find("CODE_ELF: a cuda artifact carries no CODE_ELF (got 300 bytes)"),
            std::string::npos)
      << error;
  Artifact cpuWithPtx = chain();
  cpuWithPtx.ptx = "x";
  EXPECT_FALSE(validateArtifact(cpuWithPtx, error));
  EXPECT_NE(error.find("PTX: a 'cpu' artifact carries no GPU code"), std::string::npos) << error;
  Artifact cpuWithCubin = chain();
  cpuWithCubin.cubin = fakeCode();
  EXPECT_FALSE(validateArtifact(cpuWithCubin, error));
  EXPECT_NE(error.find("CUBIN: a 'cpu' artifact carries no GPU code"), std::string::npos) << error;
}

TEST(ArtifactFormat, CudaSectionTable) {
  const std::string good = serializeArtifact(cudaChain());
  // A 7-entry table ends at 200 and the first section starts at 256: room for two more.
  auto addEntry = [](std::string &f, uint32_t kind) {
    uint64_t n = load64(f, 24);
    size_t e = 32 + n * 24;
    store64(f, 24, n + 1);
    store32(f, e, kind);
    store32(f, e + 4, 0);
    store64(f, e + 8, 0);
    store64(f, e + 16, 0);
  };
  auto launchAt = [](const std::string &f) {
    return load64(f, entryOf(f, SectionKind::Launch) + 8);
  };
  struct Case {
    const char *what;
    std::function<void(std::string &)> patch;
    const char *phrase;
  };
  const Case cases[] = {
      {"more launches", [&](std::string &f) { store32(f, launchAt(f), 3); },
       "LAUNCH: nkernels is 3 but the PLAN has 2 kernels"},
      {"fewer launches", [&](std::string &f) { store32(f, launchAt(f), 1); },
       "LAUNCH: nkernels is 1 but the PLAN has 2 kernels"},
      {"hostile launches", [&](std::string &f) { store32(f, launchAt(f), 0xFFFFFFFFu); },
       "LAUNCH: nkernels is 4294967295 but the PLAN has 2 kernels"},
      {"short LAUNCH",
       [&](std::string &f) {
         size_t e = entryOf(f, SectionKind::Launch);
         store64(f, e + 16, load64(f, e + 16) - 1);
       },
       "LAUNCH: 2 kernels need 64 bytes but only 63 remain"},
      {"long LAUNCH",
       [&](std::string &f) {
         size_t e = entryOf(f, SectionKind::Launch);
         store64(f, e + 16, load64(f, e + 16) + 4);
       },
       "LAUNCH: 4 trailing bytes"},
      {"missing PTX", [](std::string &f) { store32(f, entryOf(f, SectionKind::Ptx), 42); },
       "missing section PTX"},
      {"missing CUBIN", [](std::string &f) { store32(f, entryOf(f, SectionKind::Cubin), 42); },
       "missing section CUBIN"},
      {"missing LAUNCH", [](std::string &f) { store32(f, entryOf(f, SectionKind::Launch), 42); },
       "missing section LAUNCH"},
      {"CODE_ELF", [&](std::string &f) { addEntry(f, 5); },
       "section CODE_ELF in a 'cuda' artifact (cuda code is PTX and CUBIN)"},
      {"two PTX", [&](std::string &f) { addEntry(f, 6); }, "section PTX appears twice"},
  };
  for (const Case &c : cases) {
    std::string file = good;
    c.patch(file);
    Artifact back;
    ParseError error;
    EXPECT_FALSE(parses(file, back, error)) << c.what;
    EXPECT_EQ(error.code, KILN_DATA_LOSS) << c.what;
    EXPECT_NE(error.message.find(c.phrase), std::string::npos) << c.what << ": " << error.message;
  }
  // And the reverse: GPU sections in a cpu artifact.
  for (uint32_t kind : {6u, 7u, 8u}) {
    std::string file = serializeArtifact(chain());
    addEntry(file, kind);
    Artifact back;
    ParseError error;
    EXPECT_FALSE(parses(file, back, error)) << kind;
    EXPECT_NE(error.message.find("section " + sectionKindName(kind) +
                                 " in a 'cpu' artifact "
                                 "(only cuda artifacts carry PTX, CUBIN and LAUNCH)"),
              std::string::npos)
        << error.message;
  }
}

/// Every prefix of `good` is refused, and every file with one byte of its header, table,
/// META, SIGNATURE, PLAN or LAUNCH changed is refused or validates.
void expectTruncationsAndCorruptionRefused(const std::string &good) {
  for (size_t n = 0; n < good.size(); ++n) {
    Artifact back;
    ParseError error;
    ASSERT_FALSE(parseArtifact(good.data(), n, back, error)) << "prefix of " << n << " bytes";
    EXPECT_EQ(error.code, KILN_DATA_LOSS) << n;
  }
  Artifact parsed;
  ParseError error;
  ASSERT_TRUE(parses(good, parsed, error));
  // Every byte of the header, table, META, SIGNATURE, PLAN and LAUNCH.
  size_t end = findSection(parsed, SectionKind::Constants)->offset;
  size_t refused = 0;
  for (size_t i = 0; i < end; ++i) {
    for (uint8_t v : {0x00, 0x01, 0x7F, 0xFF}) {
      std::string file = good;
      if (static_cast<uint8_t>(file[i]) == v) {
        continue;
      }
      file[i] = static_cast<char>(v);
      Artifact back;
      ParseError e;
      if (!parses(file, back, e)) {
        EXPECT_FALSE(e.message.empty()) << "byte " << i;
        ++refused;
      } else {
        std::string again;
        EXPECT_TRUE(validateArtifact(back, again)) << "byte " << i << ": " << again;
      }
    }
  }
  EXPECT_GT(refused, end);
}

TEST(ArtifactFormat, CudaTruncationsAndCorruptionNeverCrash) {
  for (const Artifact &a : {cudaChain(), fixtures::makeCudaTmaArtifact()}) {
    expectTruncationsAndCorruptionRefused(serializeArtifact(a));
  }
}

} // namespace
