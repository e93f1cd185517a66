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
  struct Case {
    const char *what;
    size_t at;
    uint32_t value;
    const char *phrase;
  };
  const Case cases[] = {
      {"string over 1 MiB", meta, (1u << 20) + 1, "more than the 1 MiB limit"},
      {"string past section", meta, 5000, "META: truncated at compiler_version"},
      {"feature count", featureCount, 0xFFFFFFFFu, "features count 4294967295 needs at least"},
      {"input count", signature, 0x10000000u, "SIGNATURE: inputs count"},
      {"rank", signature + 4 + 4 + 1 + 4, 17, "has rank 17, more than 16"},
      {"dtype", signature + 4 + 4 + 1, 99, "SIGNATURE: input 0 ('x') has unknown dtype 99"},
      {"dtype 0", signature + 4 + 4 + 1, 0, "input 0 ('x') has unknown dtype 0"},
      {"kernel count", plan + 16, 0x7FFFFFFFu, "PLAN: kernels count"},
  };
  for (const Case &c : cases) {
    std::string file = good;
    store32(file, c.at, c.value);
    Artifact back;
    ParseError error;
    EXPECT_FALSE(parses(file, back, error)) << c.what;
    EXPECT_EQ(error.code, KILN_DATA_LOSS) << c.what;
    EXPECT_NE(error.message.find(c.phrase), std::string::npos) << c.what << ": " << error.message;
  }
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

} // namespace
