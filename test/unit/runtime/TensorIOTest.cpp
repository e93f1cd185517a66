//===- TensorIOTest.cpp - .npy, TensorProto, random tensors and bindings ---===//
//
// Units for lib/tensorio. The file formats are checked against bytes assembled by hand
// here (a .npy header byte for byte, TensorProtos with packed and unpacked fields, the
// float16-in-int32_data rule), never only against the library's own writer; malformed
// files must fail with a message that says what is wrong.
//
//===----------------------------------------------------------------------------===//
#include "lib/tensorio/TensorIO.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

using namespace kiln::io;

namespace {

using Bytes = std::vector<uint8_t>;

const kilnDType kAllDTypes[] = {
    KILN_DTYPE_F32, KILN_DTYPE_F16,  KILN_DTYPE_BF16, KILN_DTYPE_I8,  KILN_DTYPE_I32,
    KILN_DTYPE_I64, KILN_DTYPE_BOOL, KILN_DTYPE_U8,   KILN_DTYPE_F64, KILN_DTYPE_I16,
    KILN_DTYPE_U16, KILN_DTYPE_U32,  KILN_DTYPE_U64,
};

Bytes operator+(Bytes a, const Bytes &b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Bytes bytesOf(const std::string &s) { return Bytes(s.begin(), s.end()); }

Bytes readAll(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void writeAll(const std::string &path, const Bytes &bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char *>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

float f32At(const HostTensor &t, size_t i) {
  float f;
  std::memcpy(&f, t.data.data() + 4 * i, 4);
  return f;
}

double f64At(const HostTensor &t, size_t i) {
  double d;
  std::memcpy(&d, t.data.data() + 8 * i, 8);
  return d;
}

uint64_t uintAt(const HostTensor &t, size_t i) {
  size_t n = kilnDTypeGetSize(t.dtype);
  uint64_t v = 0;
  for (size_t b = 0; b < n; ++b) {
    v |= static_cast<uint64_t>(t.data[i * n + b]) << (8 * b);
  }
  return v;
}

int64_t intAt(const HostTensor &t, size_t i) {
  size_t n = kilnDTypeGetSize(t.dtype);
  uint64_t v = uintAt(t, i);
  if (n < 8 && (v >> (8 * n - 1)) & 1) {
    v |= ~uint64_t(0) << (8 * n); // sign-extend
  }
  return static_cast<int64_t>(v);
}

/// binary16 bits -> float, written independently of the library.
float halfToFloat(uint16_t h) {
  int sign = (h >> 15) ? -1 : 1;
  int exp = (h >> 10) & 0x1F;
  int mant = h & 0x3FF;
  if (exp == 0) {
    return sign * std::ldexp(static_cast<float>(mant), -24);
  }
  if (exp == 31) {
    return mant ? NAN : sign * INFINITY;
  }
  return sign * std::ldexp(static_cast<float>(mant | 0x400), exp - 25);
}

float bf16ToFloat(uint16_t b) {
  uint32_t u = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

/// A .npy file: magic, version, header length, header text as given, data.
Bytes npyFile(uint8_t major, const std::string &header, const Bytes &data) {
  Bytes b = bytesOf(std::string("\x93NUMPY", 6));
  b.push_back(major);
  b.push_back(0);
  size_t lengthBytes = major == 1 ? 2 : 4;
  for (size_t i = 0; i < lengthBytes; ++i) {
    b.push_back(static_cast<uint8_t>(header.size() >> (8 * i)));
  }
  return b + bytesOf(header) + data;
}

/// Gives every test its own directory, removed afterwards.
class TensorIOFiles : public ::testing::Test {
protected:
  void SetUp() override {
    std::random_device rd;
    dir = std::filesystem::temp_directory_path() /
          ("kiln-tensorio-" + std::to_string(rd()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(dir);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::string path(const std::string &name) const { return (dir / name).string(); }

  std::filesystem::path dir;
};

//===----------------------------------------------------------------------===//
// DTypes, describe, numElements
//===----------------------------------------------------------------------===//

TEST(TensorIODType, OnnxTableBothWays) {
  const std::pair<int32_t, kilnDType> table[] = {
      {1, KILN_DTYPE_F32},   {2, KILN_DTYPE_U8},   {3, KILN_DTYPE_I8},   {4, KILN_DTYPE_U16},
      {5, KILN_DTYPE_I16},   {6, KILN_DTYPE_I32},  {7, KILN_DTYPE_I64},  {9, KILN_DTYPE_BOOL},
      {10, KILN_DTYPE_F16},  {11, KILN_DTYPE_F64}, {12, KILN_DTYPE_U32}, {13, KILN_DTYPE_U64},
      {16, KILN_DTYPE_BF16},
  };
  for (const auto &[onnx, dtype] : table) {
    EXPECT_EQ(dtypeFromOnnx(onnx), dtype) << onnx;
    EXPECT_EQ(dtypeToOnnx(dtype), onnx) << kilnDTypeGetName(dtype);
  }
  // Every kiln dtype has an ONNX number.
  for (int d = 1; d <= KILN_DTYPE_LAST; ++d) {
    kilnDType dtype = static_cast<kilnDType>(d);
    EXPECT_EQ(dtypeFromOnnx(dtypeToOnnx(dtype)), dtype) << kilnDTypeGetName(dtype);
  }
  for (int32_t none : {0, 8, 14, 15, 17, -1, 1000}) {
    EXPECT_EQ(dtypeFromOnnx(none), KILN_DTYPE_INVALID) << none;
  }
  EXPECT_EQ(dtypeToOnnx(KILN_DTYPE_INVALID), 0);
}

TEST(TensorIODescribe, Formats) {
  EXPECT_EQ(describe(KILN_DTYPE_F32, {1, 3, 224, 224}), "f32[1x3x224x224]");
  EXPECT_EQ(describe(KILN_DTYPE_F32, {}), "f32[]");
  EXPECT_EQ(describe(KILN_DTYPE_BOOL, {0}), "bool[0]");
  EXPECT_EQ(describe(KILN_DTYPE_I64, {-1, 4}), "i64[?x4]");
}

TEST(TensorIOHostTensor, NumElements) {
  HostTensor t;
  EXPECT_EQ(t.numElements(), 1); // rank 0
  t.shape = {2, 3, 5};
  EXPECT_EQ(t.numElements(), 30);
  t.shape = {4, 0, 7};
  EXPECT_EQ(t.numElements(), 0);
  t.shape = {2, -1};
  EXPECT_EQ(t.numElements(), -1);
  t.shape = {int64_t(1) << 32, int64_t(1) << 31};
  EXPECT_EQ(t.numElements(), -1); // 2^63 overflows
  t.shape = {int64_t(1) << 31, int64_t(1) << 31};
  EXPECT_EQ(t.numElements(), int64_t(1) << 62);
  t.shape = {0, int64_t(1) << 62, int64_t(1) << 62};
  EXPECT_EQ(t.numElements(), 0);
}

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

TEST_F(TensorIOFiles, NpyWriteIsByteExact) {
  HostTensor t;
  t.dtype = KILN_DTYPE_I16;
  t.shape = {3};
  t.data = {0x01, 0x00, 0xFE, 0xFF, 0x2C, 0x01}; // 1, -2, 300
  std::string error;
  ASSERT_TRUE(writeNpy(path("a.npy"), t, error)) << error;

  // 10-byte prefix + 57-byte dict + 60 spaces + '\n' = 128: data starts 64-byte aligned.
  Bytes expected = bytesOf(std::string("\x93NUMPY\x01\x00\x76\x00", 10)) +
                   bytesOf("{'descr': '<i2', 'fortran_order': False, 'shape': (3,), }") +
                   bytesOf(std::string(60, ' ')) + bytesOf("\n") +
                   Bytes{0x01, 0x00, 0xFE, 0xFF, 0x2C, 0x01};
  EXPECT_EQ(readAll(path("a.npy")), expected);
}

TEST_F(TensorIOFiles, NpyWriteShapeLiteralsAndByteOrderChars) {
  struct Case {
    kilnDType dtype;
    std::vector<int64_t> shape;
    std::string dict;
  };
  const Case cases[] = {
      {KILN_DTYPE_F32, {2, 3}, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"},
      {KILN_DTYPE_BOOL, {}, "{'descr': '|b1', 'fortran_order': False, 'shape': (), }"},
      {KILN_DTYPE_U8, {0}, "{'descr': '|u1', 'fortran_order': False, 'shape': (0,), }"},
      {KILN_DTYPE_I8, {1, 1, 1}, "{'descr': '|i1', 'fortran_order': False, 'shape': (1, 1, 1), }"},
      {KILN_DTYPE_F16, {1}, "{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }"},
      {KILN_DTYPE_F64, {1}, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }"},
      {KILN_DTYPE_U64, {1}, "{'descr': '<u8', 'fortran_order': False, 'shape': (1,), }"},
  };
  for (const Case &c : cases) {
    HostTensor t = makeRandom(c.dtype, c.shape, 1);
    std::string error;
    ASSERT_TRUE(writeNpy(path("t.npy"), t, error)) << error;
    Bytes file = readAll(path("t.npy"));
    ASSERT_GE(file.size(), 10u + c.dict.size());
    size_t headerLen = file[8] | (file[9] << 8);
    size_t dataStart = 10 + headerLen;
    EXPECT_EQ(dataStart % 64, 0u) << c.dict;
    ASSERT_EQ(file.size(), dataStart + t.data.size()) << c.dict;
    std::string header(file.begin() + 10, file.begin() + static_cast<std::ptrdiff_t>(dataStart));
    EXPECT_EQ(header.substr(0, c.dict.size()), c.dict);
    EXPECT_EQ(header.back(), '\n');
    EXPECT_EQ(header.find_first_not_of(' ', c.dict.size()), header.size() - 1) << header;
  }
}

TEST_F(TensorIOFiles, NpyRoundTripEveryDType) {
  const std::vector<std::vector<int64_t>> shapes = {{2, 3, 5}, {}, {0, 4}, {7}};
  for (kilnDType dtype : kAllDTypes) {
    if (dtype == KILN_DTYPE_BF16) {
      continue; // no numpy dtype; see NpyRefusesBF16
    }
    for (const auto &shape : shapes) {
      HostTensor t = makeRandom(dtype, shape, 1234);
      std::string error;
      std::string p = path(std::string(kilnDTypeGetName(dtype)) + ".npy");
      ASSERT_TRUE(writeNpy(p, t, error)) << error;
      HostTensor back;
      ASSERT_TRUE(readNpy(p, back, error)) << error;
      EXPECT_EQ(back.dtype, dtype);
      EXPECT_EQ(back.shape, shape);
      EXPECT_EQ(back.data, t.data) << describe(dtype, shape);
      EXPECT_EQ(back.name, "");
    }
  }
}

TEST_F(TensorIOFiles, NpyRefusesBF16) {
  HostTensor t = makeRandom(KILN_DTYPE_BF16, {2}, 0);
  std::string error;
  EXPECT_FALSE(writeNpy(path("b.npy"), t, error));
  EXPECT_NE(error.find("bfloat16"), std::string::npos) << error;
  EXPECT_NE(error.find("use .pb"), std::string::npos) << error;
  EXPECT_FALSE(std::filesystem::exists(path("b.npy")));
}

TEST_F(TensorIOFiles, NpyWriteChecksTheTensor) {
  HostTensor t;
  t.dtype = KILN_DTYPE_F32;
  t.shape = {2};
  t.data = {0, 0, 0, 0}; // 4 bytes where 8 are needed
  std::string error;
  EXPECT_FALSE(writeNpy(path("c.npy"), t, error));
  EXPECT_NE(error.find("needs 8 bytes"), std::string::npos) << error;
  t.shape = {-2};
  EXPECT_FALSE(writeNpy(path("c.npy"), t, error));
  EXPECT_NE(error.find("negative"), std::string::npos) << error;
  t.dtype = KILN_DTYPE_INVALID;
  t.shape = {};
  EXPECT_FALSE(writeNpy(path("c.npy"), t, error));
  EXPECT_NE(error.find("invalid dtype"), std::string::npos) << error;
}

TEST_F(TensorIOFiles, NpyReadsHandAssembledHeaders) {
  std::string error;
  HostTensor t;

  // Version 2.0, double quotes, odd spacing, keys out of order, trailing commas.
  Bytes floats = {0x00, 0x00, 0xC0, 0x3F, 0x00, 0x00, 0x10, 0xC0,
                  0xCD, 0xCC, 0xCC, 0x3D, 0x00, 0x00, 0x00, 0x00};
  writeAll(
      path("v2.npy"),
      npyFile(2, "{ \"shape\" : ( 2 , 2 , ) ,\"fortran_order\":False,'descr':'<f4'  }\n", floats));
  ASSERT_TRUE(readNpy(path("v2.npy"), t, error)) << error;
  EXPECT_EQ(t.dtype, KILN_DTYPE_F32);
  EXPECT_EQ(t.shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(f32At(t, 0), 1.5f);
  EXPECT_EQ(f32At(t, 1), -2.25f);
  EXPECT_EQ(f32At(t, 2), 0.1f);
  EXPECT_EQ(f32At(t, 3), 0.0f);

  // Version 3.0, Python 2 long dims, no trailing comma after the last item.
  writeAll(path("v3.npy"),
           npyFile(3, "{'descr': '|u1', 'fortran_order': False, 'shape': (3L,)}", {7, 8, 255}));
  ASSERT_TRUE(readNpy(path("v3.npy"), t, error)) << error;
  EXPECT_EQ(t.dtype, KILN_DTYPE_U8);
  EXPECT_EQ(t.shape, std::vector<int64_t>{3});
  EXPECT_EQ(t.data, (Bytes{7, 8, 255}));

  // Big-endian data is byte-swapped.
  writeAll(path("be.npy"), npyFile(1, "{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }\n",
                                   {0x00, 0x00, 0x01, 0x02, 0xFF, 0xFF, 0xFF, 0xFE}));
  ASSERT_TRUE(readNpy(path("be.npy"), t, error)) << error;
  EXPECT_EQ(t.dtype, KILN_DTYPE_I32);
  EXPECT_EQ(intAt(t, 0), 258);
  EXPECT_EQ(intAt(t, 1), -2);

  // Rank 0 bool; a nonzero byte reads as true (1).
  writeAll(path("b.npy"),
           npyFile(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (), }\n", {0x05}));
  ASSERT_TRUE(readNpy(path("b.npy"), t, error)) << error;
  EXPECT_EQ(t.dtype, KILN_DTYPE_BOOL);
  EXPECT_TRUE(t.shape.empty());
  EXPECT_EQ(t.data, Bytes{1});

  // float16: 1.0, -2.0 as their bit patterns.
  writeAll(path("h.npy"), npyFile(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }",
                                  {0x00, 0x3C, 0x00, 0xC0}));
  ASSERT_TRUE(readNpy(path("h.npy"), t, error)) << error;
  EXPECT_EQ(t.dtype, KILN_DTYPE_F16);
  EXPECT_EQ(halfToFloat(static_cast<uint16_t>(uintAt(t, 0))), 1.0f);
  EXPECT_EQ(halfToFloat(static_cast<uint16_t>(uintAt(t, 1))), -2.0f);
}

TEST_F(TensorIOFiles, NpyRejectsMalformedFiles) {
  const std::string good = "'fortran_order': False, 'shape': (4,), }";
  const Bytes four = Bytes(16, 0);
  struct Case {
    const char *what;
    Bytes file;
    std::string phrase;
  };
  Bytes truncatedHeader = npyFile(1, "{'descr': '<f4', " + good, {});
  truncatedHeader[8] = 200; // claims 200 header bytes; far fewer follow
  truncatedHeader.resize(40);
  Bytes version4 = npyFile(1, "{'descr': '<f4', " + good, four);
  version4[6] = 4;
  const Case cases[] = {
      {"bad magic", bytesOf("NOTNUMPYATALL"), "not a .npy file"},
      {"header length cut", bytesOf(std::string("\x93NUMPY\x01\x00\x10", 9)), "truncated header"},
      {"header cut", truncatedHeader, "truncated header: it claims 200 bytes"},
      {"version", version4, "unsupported format version 4.0"},
      {"fortran", npyFile(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (4,), }", four),
       "Fortran-order"},
      {"complex", npyFile(1, "{'descr': '<c8', " + good, four), "unsupported dtype '<c8'"},
      {"void", npyFile(1, "{'descr': '<V2', " + good, four), "bfloat16"},
      {"string", npyFile(1, "{'descr': '<U4', " + good, four), "unsupported dtype '<U4'"},
      {"structured", npyFile(1, "{'descr': [('a', '<f4')], " + good, four), "structured dtypes"},
      {"overflow",
       npyFile(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (4294967296, 4294967296), }",
               {}),
       "overflows the element count"},
      {"huge dim",
       npyFile(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (99999999999999999999,), }",
               {}),
       "does not fit in 64 bits"},
      {"negative dim",
       npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-4,), }", four),
       "negative dim"},
      {"short data", npyFile(1, "{'descr': '<f4', " + good, Bytes(12, 0)),
       "needs 16 bytes, got 12 bytes"},
      {"long data", npyFile(1, "{'descr': '<f4', " + good, Bytes(20, 0)),
       "needs 16 bytes, got 20 bytes"},
      {"missing key", npyFile(1, "{'descr': '<f4', 'fortran_order': False}", four),
       "lacks 'shape'"},
      {"unknown key", npyFile(1, "{'descr': '<f4', 'order': 1, " + good, four),
       "unexpected key 'order'"},
      {"unterminated", npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,)", four),
       "expected ',' or '}'"},
      {"trailing text", npyFile(1, "{'descr': '<f4', " + good + " x", four),
       "unexpected text after the header"},
      {"not a dict", npyFile(1, "['descr']", four), "does not start with '{'"},
      {"bad shape", npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': [4], }", four),
       "'shape' must be a tuple"},
  };
  for (const Case &c : cases) {
    std::string p = path("bad.npy");
    writeAll(p, c.file);
    HostTensor t;
    std::string error;
    EXPECT_FALSE(readNpy(p, t, error)) << c.what;
    EXPECT_NE(error.find(c.phrase), std::string::npos) << c.what << ": " << error;
    EXPECT_NE(error.find(p), std::string::npos) << c.what << ": " << error;
    EXPECT_EQ(t.dtype, KILN_DTYPE_INVALID) << c.what; // `out` untouched on failure
  }
}

TEST_F(TensorIOFiles, MissingFileNamesThePath) {
  HostTensor t;
  std::string error;
  EXPECT_FALSE(readNpy(path("nope.npy"), t, error));
  EXPECT_NE(error.find("cannot open '" + path("nope.npy") + "'"), std::string::npos) << error;
  EXPECT_FALSE(readTensorProto(path("nope.pb"), t, error));
  EXPECT_NE(error.find(path("nope.pb")), std::string::npos) << error;
}

//===----------------------------------------------------------------------===//
// TensorProto
//===----------------------------------------------------------------------===//

HostTensor parseOk(const Bytes &bytes) {
  HostTensor t;
  std::string error;
  EXPECT_TRUE(parseTensorProto(bytes.data(), bytes.size(), t, error)) << error;
  return t;
}

TEST_F(TensorIOFiles, TensorProtoRoundTripEveryDType) {
  const std::vector<std::vector<int64_t>> shapes = {{2, 3, 5}, {}, {0, 4}, {300}};
  for (kilnDType dtype : kAllDTypes) {
    for (const auto &shape : shapes) {
      HostTensor t = makeRandom(dtype, shape, 99);
      t.name = "input.1";
      std::string error;
      std::string p = path(std::string(kilnDTypeGetName(dtype)) + ".pb");
      ASSERT_TRUE(writeTensorProto(p, t, error)) << error;
      HostTensor back;
      ASSERT_TRUE(readTensorProto(p, back, error)) << error;
      EXPECT_EQ(back.name, "input.1");
      EXPECT_EQ(back.dtype, dtype);
      EXPECT_EQ(back.shape, shape);
      EXPECT_EQ(back.data, t.data) << describe(dtype, shape);
    }
  }
}

TEST_F(TensorIOFiles, TensorProtoWriteIsByteExact) {
  HostTensor t;
  t.name = "t";
  t.dtype = KILN_DTYPE_I8;
  t.shape = {2, 300};
  t.data.assign(600, 0);
  t.data[1] = 0xFE;
  std::string error;
  ASSERT_TRUE(writeTensorProto(path("t.pb"), t, error)) << error;
  // dims 2 and 300 (unpacked), data_type 3, name "t", raw_data of 600 bytes.
  Bytes expected =
      Bytes{0x08, 0x02, 0x08, 0xAC, 0x02, 0x10, 0x03, 0x42, 0x01, 't', 0x4A, 0xD8, 0x04} + t.data;
  EXPECT_EQ(readAll(path("t.pb")), expected);

  // Rank 0, no name: no dims and no name field.
  HostTensor s;
  s.dtype = KILN_DTYPE_F32;
  s.data = {0x00, 0x00, 0xC0, 0x3F};
  ASSERT_TRUE(writeTensorProto(path("s.pb"), s, error)) << error;
  EXPECT_EQ(readAll(path("s.pb")), (Bytes{0x10, 0x01, 0x4A, 0x04, 0x00, 0x00, 0xC0, 0x3F}));
}

TEST(TensorIOTensorProto, PackedFloatDataAndSkippedFields) {
  Bytes msg = {
      0x08, 0x02, 0x08, 0x02,                               // dims 2, 2 (unpacked)
      0x10, 0x01,                                           // data_type FLOAT
      0x1A, 0x02, 0x08, 0x00,                               // segment {begin: 0}: ignored
      0x42, 0x01, 'w',                                      // name "w"
      0x62, 0x03, 'a',  'b',  'c',                          // doc_string: skipped
      0x98, 0x06, 0x96, 0x01,                               // field 99, varint 150: unknown
      0xA5, 0x01, 1,    2,    3,    4,                      // field 20, fixed32: unknown
      0xA9, 0x01, 1,    2,    3,    4,    5,    6,    7, 8, // field 21, fixed64: unknown
      0x70, 0x00,                                           // data_location DEFAULT
      0x22, 0x10,                                           // float_data, packed, 16 bytes
      0x00, 0x00, 0xC0, 0x3F, 0x00, 0x00, 0x10, 0xC0,       // 1.5, -2.25
      0xCD, 0xCC, 0xCC, 0x3D, 0x00, 0x00, 0x00, 0x00,       // 0.1, 0
  };
  HostTensor t = parseOk(msg);
  EXPECT_EQ(t.name, "w");
  EXPECT_EQ(t.dtype, KILN_DTYPE_F32);
  EXPECT_EQ(t.shape, (std::vector<int64_t>{2, 2}));
  ASSERT_EQ(t.data.size(), 16u);
  EXPECT_EQ(f32At(t, 0), 1.5f);
  EXPECT_EQ(f32At(t, 1), -2.25f);
  EXPECT_EQ(f32At(t, 2), 0.1f);
  EXPECT_EQ(f32At(t, 3), 0.0f);
}

TEST(TensorIOTensorProto, UnpackedFloatDataAndPackedDims) {
  Bytes msg = {
      0x0A, 0x02, 0x01, 0x02,       // dims [1, 2], packed
      0x10, 0x01,                   // FLOAT
      0x25, 0x00, 0x00, 0x80, 0x3F, // float_data 1.0 (fixed32, unpacked)
      0x25, 0x00, 0x00, 0x00, 0xC0, // float_data -2.0
  };
  HostTensor t = parseOk(msg);
  EXPECT_EQ(t.shape, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(f32At(t, 0), 1.0f);
  EXPECT_EQ(f32At(t, 1), -2.0f);
}

TEST(TensorIOTensorProto, UnpackedInt64Data) {
  Bytes msg = {
      0x0A, 0x01, 0x03,                                                 // dims [3], packed
      0x10, 0x07,                                                       // INT64
      0x38, 0x05,                                                       // int64_data 5
      0x38, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, // -1
      0x38, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20,                         // 2^40
  };
  HostTensor t = parseOk(msg);
  EXPECT_EQ(t.dtype, KILN_DTYPE_I64);
  EXPECT_EQ(t.shape, std::vector<int64_t>{3});
  EXPECT_EQ(intAt(t, 0), 5);
  EXPECT_EQ(intAt(t, 1), -1);
  EXPECT_EQ(intAt(t, 2), int64_t(1) << 40);
}

TEST(TensorIOTensorProto, RawData) {
  Bytes msg = {0x08, 0x02, 0x10, 0x04, 0x4A, 0x04, 0x34, 0x12, 0xFF, 0xFF};
  HostTensor t = parseOk(msg);
  EXPECT_EQ(t.dtype, KILN_DTYPE_U16);
  EXPECT_EQ(uintAt(t, 0), 0x1234u);
  EXPECT_EQ(uintAt(t, 1), 0xFFFFu);

  // Bool raw bytes other than 0/1 read as true.
  t = parseOk({0x08, 0x03, 0x10, 0x09, 0x4A, 0x03, 0x00, 0x01, 0x07});
  EXPECT_EQ(t.dtype, KILN_DTYPE_BOOL);
  EXPECT_EQ(t.data, (Bytes{0, 1, 1}));
}

TEST(TensorIOTensorProto, Int32DataHoldsFloat16Bits) {
  Bytes msg = {
      0x08, 0x04,             // dims [4]
      0x10, 0x0A,             // FLOAT16
      0x28, 0x80, 0x78,       // int32_data 0x3C00 (1.0)
      0x28, 0x80, 0x80, 0x03, // 0xC000 (-2.0)
      0x28, 0xFF, 0xF7, 0x01, // 0x7BFF (65504)
      0x28, 0x80, 0x70,       // 0x3800 (0.5)
  };
  HostTensor t = parseOk(msg);
  EXPECT_EQ(t.dtype, KILN_DTYPE_F16);
  ASSERT_EQ(t.data.size(), 8u);
  EXPECT_EQ(t.data, (Bytes{0x00, 0x3C, 0x00, 0xC0, 0xFF, 0x7B, 0x00, 0x38}));
  EXPECT_EQ(halfToFloat(static_cast<uint16_t>(uintAt(t, 2))), 65504.0f);

  // bfloat16 the same way: 0x3F80 is 1.0, 0xC040 is -3.0 (packed this time).
  t = parseOk({0x08, 0x02, 0x10, 0x10, 0x2A, 0x06, 0x80, 0xFF, 0x00, 0xC0, 0x80, 0x03});
  EXPECT_EQ(t.dtype, KILN_DTYPE_BF16);
  EXPECT_EQ(bf16ToFloat(static_cast<uint16_t>(uintAt(t, 0))), 1.0f);
  EXPECT_EQ(bf16ToFloat(static_cast<uint16_t>(uintAt(t, 1))), -3.0f);
}

TEST(TensorIOTensorProto, Int32DataHoldsNarrowIntegersAndBools) {
  // int8 [-3, 127], packed: -3 is a sign-extended 10-byte varint.
  HostTensor t = parseOk({0x08, 0x02, 0x10, 0x03, 0x2A, 0x0B, 0xFD, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                          0xFF, 0xFF, 0xFF, 0x01, 0x7F});
  EXPECT_EQ(t.dtype, KILN_DTYPE_I8);
  EXPECT_EQ(intAt(t, 0), -3);
  EXPECT_EQ(intAt(t, 1), 127);

  // int16 [-2]; uint8 [200]; bool [1, 0, 5].
  t = parseOk(
      {0x08, 0x01, 0x10, 0x05, 0x28, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01});
  EXPECT_EQ(t.dtype, KILN_DTYPE_I16);
  EXPECT_EQ(intAt(t, 0), -2);
  t = parseOk({0x08, 0x01, 0x10, 0x02, 0x28, 0xC8, 0x01});
  EXPECT_EQ(t.data, Bytes{200});
  t = parseOk({0x08, 0x03, 0x10, 0x09, 0x2A, 0x03, 0x01, 0x00, 0x05});
  EXPECT_EQ(t.dtype, KILN_DTYPE_BOOL);
  EXPECT_EQ(t.data, (Bytes{1, 0, 1})); // any nonzero value is true
}

TEST(TensorIOTensorProto, DoubleAndUint64Data) {
  HostTensor t = parseOk({0x08, 0x02, 0x10, 0x0B, 0x52, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00,
                          0x00, 0xE0, 0x3F, 0x9C, 0x75, 0x00, 0x88, 0x3C, 0xE4, 0x37, 0xFE});
  EXPECT_EQ(t.dtype, KILN_DTYPE_F64);
  EXPECT_EQ(f64At(t, 0), 0.5);
  EXPECT_EQ(f64At(t, 1), -1e300);

  // uint32 [7, 4294967295] in uint64_data, packed; uint64 [2^63] unpacked.
  t = parseOk({0x08, 0x02, 0x10, 0x0C, 0x5A, 0x06, 0x07, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F});
  EXPECT_EQ(t.dtype, KILN_DTYPE_U32);
  EXPECT_EQ(uintAt(t, 0), 7u);
  EXPECT_EQ(uintAt(t, 1), 4294967295u);
  t = parseOk({0x10, 0x0D, 0x58, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01});
  EXPECT_EQ(t.dtype, KILN_DTYPE_U64);
  EXPECT_TRUE(t.shape.empty());
  EXPECT_EQ(uintAt(t, 0), uint64_t(1) << 63);
}

TEST(TensorIOTensorProto, EmptyTensorNeedsNoData) {
  HostTensor t = parseOk({0x08, 0x00, 0x08, 0x05, 0x10, 0x01});
  EXPECT_EQ(t.shape, (std::vector<int64_t>{0, 5}));
  EXPECT_TRUE(t.data.empty());
}

TEST(TensorIOTensorProto, RejectsMalformedMessages) {
  struct Case {
    const char *what;
    Bytes msg;
    std::string phrase;
  };
  const Bytes twoToThe62 = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40};
  const Case cases[] = {
      {"empty", {}, "no data_type"},
      {"truncated varint", {0x08, 0x80}, "truncated varint at byte 1"},
      {"truncated tag", {0x10, 0x01, 0x80}, "truncated varint at byte 2"},
      {"overlong varint",
       {0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F},
       "does not fit in 64 bits"},
      {"wire type 7", {0x0F}, "invalid wire type 7"},
      {"wire type 6", {0x10, 0x01, 0x96, 0x01}, "invalid wire type 6"},
      {"group", {0x0B}, "unsupported wire type 3"},
      {"field 0", {0x00, 0x00}, "invalid field number 0"},
      {"length past end", {0x10, 0x01, 0x4A, 0x10, 0x01}, "claims 16 bytes but only 1 remain"},
      {"unknown field past end", {0x10, 0x01, 0xF2, 0x01, 0x05, 0x00}, "claims 5 bytes"},
      {"truncated fixed32", {0x10, 0x01, 0x25, 0x00, 0x00}, "truncated 32-bit value"},
      {"truncated packed", {0x0A, 0x01, 0x80, 0x10, 0x01}, "in packed dims"},
      {"packed floats not x4", {0x10, 0x01, 0x22, 0x03, 0, 0, 0}, "not a multiple of 4"},
      {"data_type wire type", {0x12, 0x00}, "data_type has wire type 2"},
      {"float_data wire type", {0x10, 0x01, 0x20, 0x01}, "float_data has wire type 0"},
      {"string dtype", {0x08, 0x01, 0x10, 0x08}, "string tensors are not supported"},
      {"string_data", {0x10, 0x01, 0x32, 0x01, 'a'}, "string tensors are not supported"},
      {"external_data", {0x10, 0x01, 0x6A, 0x00}, "external data is not supported in tensor files"},
      {"data_location", {0x10, 0x01, 0x70, 0x01}, "external data is not supported in tensor files"},
      {"unsupported dtype", {0x10, 0x0E}, "unsupported data_type 14"},
      {"negative dim",
       {0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x10, 0x01},
       "dim 0 is negative (-1)"},
      {"shape overflow", Bytes{0x10, 0x02, 0x08} + twoToThe62 + Bytes{0x08, 0x04},
       "overflows the element count"},
      {"raw too short",
       {0x08, 0x02, 0x10, 0x01, 0x4A, 0x04, 0, 0, 0, 0},
       "f32[2] needs 8 bytes, got 4 bytes of raw_data"},
      {"raw too long", {0x10, 0x02, 0x4A, 0x02, 0, 0}, "u8[] needs 1 bytes, got 2 bytes"},
      {"no data", {0x08, 0x02, 0x10, 0x01}, "needs 8 bytes, got 0 bytes"},
      {"float count",
       {0x08, 0x03, 0x10, 0x01, 0x22, 0x08, 0, 0, 0, 0, 0, 0, 0, 0},
       "needs 12 bytes (3 values), got 8 bytes (2 values in float_data)"},
      {"wrong typed field", {0x10, 0x01, 0x38, 0x01}, "int64_data cannot hold f32 values"},
      {"raw and typed",
       {0x10, 0x01, 0x4A, 0x04, 0, 0, 0, 0, 0x25, 0, 0, 0, 0},
       "both raw_data and float_data"},
      {"int32_data range", {0x10, 0x02, 0x28, 0xAC, 0x02}, "int32_data[0] = 300 is out of range"},
      {"f16 bits range", {0x10, 0x0A, 0x28, 0x80, 0x80, 0x04}, "out of range for f16"},
      {"uint32 range",
       {0x10, 0x0C, 0x58, 0x80, 0x80, 0x80, 0x80, 0x10},
       "uint64_data[0] = 4294967296 is out of range for u32"},
  };
  for (const Case &c : cases) {
    HostTensor t;
    std::string error;
    EXPECT_FALSE(parseTensorProto(c.msg.data(), c.msg.size(), t, error)) << c.what;
    EXPECT_NE(error.find(c.phrase), std::string::npos) << c.what << ": " << error;
    EXPECT_EQ(error.rfind("TensorProto: ", 0), 0u) << c.what << ": " << error;
    EXPECT_EQ(t.dtype, KILN_DTYPE_INVALID) << c.what;
  }
}

TEST_F(TensorIOFiles, TensorProtoErrorsNameTheFile) {
  writeAll(path("s.pb"), {0x10, 0x08});
  HostTensor t;
  std::string error;
  EXPECT_FALSE(readTensorProto(path("s.pb"), t, error));
  EXPECT_EQ(error.rfind("'" + path("s.pb") + "'", 0), 0u) << error;
  EXPECT_NE(error.find("string tensors"), std::string::npos) << error;
}

//===----------------------------------------------------------------------===//
// Dispatch by extension
//===----------------------------------------------------------------------===//

TEST_F(TensorIOFiles, DispatchByExtension) {
  HostTensor t = makeRandom(KILN_DTYPE_I32, {2, 2}, 5);
  std::string error;
  ASSERT_TRUE(writeTensorFile(path("x.npy"), t, error)) << error;
  ASSERT_TRUE(writeTensorFile(path("x.pb"), t, error)) << error;
  ASSERT_TRUE(writeTensorFile(path("y.NPY"), t, error)) << error;
  EXPECT_EQ(readAll(path("x.npy"))[0], 0x93);
  EXPECT_EQ(readAll(path("y.NPY"))[0], 0x93);
  EXPECT_EQ(readAll(path("x.pb"))[0], 0x08); // dims field
  for (const char *name : {"x.npy", "x.pb", "y.NPY"}) {
    HostTensor back;
    ASSERT_TRUE(readTensorFile(path(name), back, error)) << error;
    EXPECT_EQ(back.data, t.data) << name;
    EXPECT_EQ(back.shape, t.shape) << name;
  }
  HostTensor back;
  EXPECT_FALSE(writeTensorFile(path("x.bin"), t, error));
  EXPECT_NE(error.find("use .npy"), std::string::npos) << error;
  EXPECT_FALSE(std::filesystem::exists(path("x.bin")));
  EXPECT_FALSE(readTensorFile(path("x.npy.txt"), back, error));
  EXPECT_NE(error.find("x.npy.txt"), std::string::npos) << error;
}

//===----------------------------------------------------------------------===//
// Random tensors
//===----------------------------------------------------------------------===//

TEST(TensorIORandom, DeterministicPerSeed) {
  for (kilnDType dtype : kAllDTypes) {
    HostTensor a = makeRandom(dtype, {4, 16}, 7);
    HostTensor b = makeRandom(dtype, {4, 16}, 7);
    HostTensor c = makeRandom(dtype, {4, 16}, 8);
    EXPECT_EQ(a.dtype, dtype);
    EXPECT_EQ(a.shape, (std::vector<int64_t>{4, 16}));
    ASSERT_EQ(a.data.size(), 64 * kilnDTypeGetSize(dtype));
    EXPECT_EQ(a.data, b.data) << kilnDTypeGetName(dtype);
    EXPECT_NE(a.data, c.data) << kilnDTypeGetName(dtype);
  }
}

TEST(TensorIORandom, MatchesSplitMix64Reference) {
  // The first outputs of splitmix64 seeded with 0 (Vigna's reference implementation):
  // 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F. Unsigned values are
  // r % 17, f32 values are ((r >> 39) - 2^24) / 2^24. These pin the bytes across releases.
  HostTensor u = makeRandom(KILN_DTYPE_U64, {3}, 0);
  EXPECT_EQ(uintAt(u, 0), 0xE220A8397B1DCDAFull % 17);
  EXPECT_EQ(uintAt(u, 1), 0x6E789E6AA1B965F4ull % 17);
  EXPECT_EQ(uintAt(u, 2), 0x06C45D188009454Full % 17);
  HostTensor f = makeRandom(KILN_DTYPE_F32, {3}, 0);
  EXPECT_EQ(f32At(f, 0), 0.7666215896606445f);
  EXPECT_EQ(f32At(f, 1), -0.13694405555725098f);
  EXPECT_EQ(f32At(f, 2), -0.9471324682235718f);
}

TEST(TensorIORandom, RangesRespected) {
  const size_t n = 4096;
  for (kilnDType dtype : kAllDTypes) {
    HostTensor t = makeRandom(dtype, {static_cast<int64_t>(n)}, 12345);
    ASSERT_EQ(t.data.size(), n * kilnDTypeGetSize(dtype));
    double lo = 1e9, hi = -1e9;
    for (size_t i = 0; i < n; ++i) {
      double v = 0;
      switch (dtype) {
      case KILN_DTYPE_F32:
        v = f32At(t, i);
        break;
      case KILN_DTYPE_F64:
        v = f64At(t, i);
        break;
      case KILN_DTYPE_F16:
        v = halfToFloat(static_cast<uint16_t>(uintAt(t, i)));
        break;
      case KILN_DTYPE_BF16:
        v = bf16ToFloat(static_cast<uint16_t>(uintAt(t, i)));
        break;
      case KILN_DTYPE_U8:
      case KILN_DTYPE_U16:
      case KILN_DTYPE_U32:
      case KILN_DTYPE_U64:
      case KILN_DTYPE_BOOL:
        v = static_cast<double>(uintAt(t, i));
        break;
      default:
        v = static_cast<double>(intAt(t, i));
        break;
      }
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    const char *name = kilnDTypeGetName(dtype);
    switch (dtype) {
    case KILN_DTYPE_F32:
    case KILN_DTYPE_F64:
    case KILN_DTYPE_F16:
    case KILN_DTYPE_BF16:
      EXPECT_GE(lo, -1.0) << name;
      EXPECT_LT(hi, 1.0) << name;
      EXPECT_LT(lo, -0.95) << name; // spread over the whole range
      EXPECT_GT(hi, 0.95) << name;
      break;
    case KILN_DTYPE_BOOL:
      EXPECT_EQ(lo, 0.0);
      EXPECT_EQ(hi, 1.0);
      break;
    case KILN_DTYPE_U8:
    case KILN_DTYPE_U16:
    case KILN_DTYPE_U32:
    case KILN_DTYPE_U64:
      EXPECT_EQ(lo, 0.0) << name;
      EXPECT_EQ(hi, 16.0) << name;
      break;
    default:
      EXPECT_EQ(lo, -8.0) << name;
      EXPECT_EQ(hi, 8.0) << name;
      break;
    }
  }
}

TEST(TensorIORandom, ShapesAndInvalidRequests) {
  EXPECT_EQ(makeRandom(KILN_DTYPE_F32, {}, 1).data.size(), 4u);
  EXPECT_TRUE(makeRandom(KILN_DTYPE_F32, {3, 0}, 1).data.empty());
  // No way to report an error: an invalid request gives a tensor without data.
  EXPECT_TRUE(makeRandom(KILN_DTYPE_INVALID, {3}, 1).data.empty());
  EXPECT_TRUE(makeRandom(KILN_DTYPE_F32, {-1, 3}, 1).data.empty());
  EXPECT_TRUE(makeRandom(KILN_DTYPE_U8, {int64_t(1) << 62, int64_t(1) << 62}, 1).data.empty());
}

//===----------------------------------------------------------------------===//
// Bindings
//===----------------------------------------------------------------------===//

TEST(TensorIOBinding, ParsesValidSpecs) {
  struct Case {
    std::string spec;
    std::string name;
    Binding::Kind kind;
    std::string path;
    uint64_t seed;
  };
  const Case cases[] = {
      {"x=@a.npy", "x", Binding::Kind::File, "a.npy", 0},
      {"@dir/a.pb", "", Binding::Kind::File, "dir/a.pb", 0},
      {"random:42", "", Binding::Kind::Random, "", 42},
      {"input.1=random:0", "input.1", Binding::Kind::Random, "", 0},
      {"x=random:18446744073709551615", "x", Binding::Kind::Random, "", 18446744073709551615ull},
      {"a=b=@p.npy", "a=b", Binding::Kind::File, "p.npy", 0},         // '=' in the name
      {"x=@dir/a=b.npy", "x", Binding::Kind::File, "dir/a=b.npy", 0}, // '=' in the path
      {"@a=b.npy", "", Binding::Kind::File, "a=b.npy", 0},
      {"@random:1", "", Binding::Kind::File, "random:1", 0}, // a file named random:1
  };
  for (const Case &c : cases) {
    Binding b;
    std::string error;
    ASSERT_TRUE(parseBinding(c.spec, /*allowRandom=*/true, b, error)) << c.spec << ": " << error;
    EXPECT_EQ(b.name, c.name) << c.spec;
    EXPECT_EQ(b.kind, c.kind) << c.spec;
    EXPECT_EQ(b.path, c.path) << c.spec;
    EXPECT_EQ(b.seed, c.seed) << c.spec;
  }
  Binding b;
  std::string error;
  ASSERT_TRUE(parseBinding("y=@out.npy", /*allowRandom=*/false, b, error)) << error;
  EXPECT_EQ(b.name, "y");
  EXPECT_EQ(b.path, "out.npy");
}

TEST(TensorIOBinding, RejectsBadSpecs) {
  struct Case {
    std::string spec;
    bool allowRandom;
    std::string phrase;
  };
  const Case cases[] = {
      {"", true, "empty binding"},
      {"@", true, "empty path after '@'"},
      {"x=@", true, "empty path after '@'"},
      {"a.npy", true, "needs a leading '@'"},
      {"x=a.npy", true, "needs a leading '@'"},
      {"=@a.npy", true, "empty name"},
      {"random:", true, "bad seed ''"},
      {"random:12a", true, "bad seed '12a'"},
      {"random:-1", true, "bad seed '-1'"},
      {"random: 1", true, "bad seed ' 1'"},
      {"random:18446744073709551616", true, "bad seed"},
      {"random:1", false, "random data can only feed inputs"},
      {"y=random:1", false, "random data can only feed inputs"},
  };
  for (const Case &c : cases) {
    Binding b;
    std::string error;
    EXPECT_FALSE(parseBinding(c.spec, c.allowRandom, b, error)) << c.spec;
    EXPECT_NE(error.find(c.phrase), std::string::npos) << c.spec << ": " << error;
  }
}

//===----------------------------------------------------------------------===//
// loadInput
//===----------------------------------------------------------------------===//

TEST_F(TensorIOFiles, LoadInputFromFiles) {
  HostTensor t = makeRandom(KILN_DTYPE_F32, {2, 3}, 3);
  t.name = "in_file";
  std::string error;
  ASSERT_TRUE(writeTensorFile(path("x.npy"), t, error)) << error;
  ASSERT_TRUE(writeTensorFile(path("x.pb"), t, error)) << error;
  for (const char *file : {"x.npy", "x.pb"}) {
    Binding b;
    b.path = path(file);
    HostTensor out;
    ASSERT_TRUE(loadInput(b, "x", KILN_DTYPE_F32, {2, 3}, out, error)) << error;
    EXPECT_EQ(out.name, "x") << file; // the signature's name, not the file's
    EXPECT_EQ(out.data, t.data) << file;
    // A dynamic dim in the signature matches any size.
    ASSERT_TRUE(loadInput(b, "x", KILN_DTYPE_F32, {-1, 3}, out, error)) << error;
    EXPECT_EQ(out.shape, (std::vector<int64_t>{2, 3}));
  }
}

TEST_F(TensorIOFiles, LoadInputMismatchNamesBoth) {
  HostTensor t = makeRandom(KILN_DTYPE_F16, {2, 3}, 3);
  std::string error;
  ASSERT_TRUE(writeNpy(path("h.npy"), t, error)) << error;
  Binding b;
  b.path = path("h.npy");
  HostTensor out;
  EXPECT_FALSE(loadInput(b, "x", KILN_DTYPE_F32, {2, 3}, out, error));
  EXPECT_NE(error.find("input 'x'"), std::string::npos) << error;
  EXPECT_NE(error.find("expected f32[2x3]"), std::string::npos) << error;
  EXPECT_NE(error.find("holds f16[2x3]"), std::string::npos) << error;
  EXPECT_NE(error.find(path("h.npy")), std::string::npos) << error;

  EXPECT_FALSE(loadInput(b, "x", KILN_DTYPE_F16, {3, 2}, out, error));
  EXPECT_NE(error.find("expected f16[3x2]"), std::string::npos) << error;
  EXPECT_NE(error.find("holds f16[2x3]"), std::string::npos) << error;

  EXPECT_FALSE(loadInput(b, "x", KILN_DTYPE_F16, {2, 3, 1}, out, error));
  EXPECT_NE(error.find("expected f16[2x3x1]"), std::string::npos) << error;

  b.path = path("missing.npy");
  EXPECT_FALSE(loadInput(b, "x", KILN_DTYPE_F16, {2, 3}, out, error));
  EXPECT_NE(error.find("input 'x'"), std::string::npos) << error;
  EXPECT_NE(error.find(path("missing.npy")), std::string::npos) << error;
  EXPECT_TRUE(out.data.empty()); // never assigned
}

TEST(TensorIOLoadInput, Random) {
  Binding b;
  b.kind = Binding::Kind::Random;
  b.seed = 77;
  HostTensor out;
  std::string error;
  ASSERT_TRUE(loadInput(b, "x", KILN_DTYPE_BF16, {3, 4}, out, error)) << error;
  EXPECT_EQ(out.name, "x");
  EXPECT_EQ(out.dtype, KILN_DTYPE_BF16);
  EXPECT_EQ(out.shape, (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(out.data, makeRandom(KILN_DTYPE_BF16, {3, 4}, 77).data);

  EXPECT_FALSE(loadInput(b, "x", KILN_DTYPE_F32, {-1, 4}, out, error));
  EXPECT_NE(error.find("random data needs a static shape"), std::string::npos) << error;
  EXPECT_NE(error.find("f32[?x4]"), std::string::npos) << error;
  EXPECT_FALSE(loadInput(b, "x", KILN_DTYPE_INVALID, {4}, out, error));
  EXPECT_NE(error.find("input 'x'"), std::string::npos) << error;
}

} // namespace
