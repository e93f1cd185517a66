//===- CodeObjectTest.cpp - loading CODE_ELF from memory -------------------------===//
//
// ELF header checks with messages, both loading paths (memfd and the unlinked temporary
// file) and symbol lookup restricted to the code object itself.
//
//===----------------------------------------------------------------------------===//
#include "lib/runtime/CodeObject.h"
#include "test/unit/runtime/TestArtifacts.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <dlfcn.h>
#include <filesystem>
#include <sys/mman.h>
#include <unistd.h>

using namespace kiln::runtime;

namespace {

using KernelFn = void (*)(void *const *, int64_t, int64_t);

std::vector<uint8_t> kernels() {
  std::string error;
  std::vector<uint8_t> code = fixtures::testKernelCode(error);
  EXPECT_FALSE(code.empty()) << error;
  return code;
}

TEST(CodeObject, ElfHeaderChecks) {
  const std::vector<uint8_t> good = kernels();
  ASSERT_GE(good.size(), 64u);
  std::string error;
  EXPECT_TRUE(checkElfHeader(good.data(), good.size(), error)) << error;

  struct Case {
    const char *what;
    size_t at;
    uint8_t value;
    const char *phrase;
  };
  const Case cases[] = {
      {"magic", 1, 'X', "not an ELF object"},
      {"32-bit", 4, 1, "ELF class 1 / data encoding 1, this runtime loads 64-bit"},
      {"big-endian", 5, 2, "data encoding 2"},
      {"aarch64", 18, 183, "ELF machine 183, this runtime loads x86-64 (62)"},
      {"executable", 16, 2, "ELF type 2, this runtime loads shared objects (ET_DYN, 3)"},
      {"relocatable", 16, 1, "ELF type 1"},
  };
  for (const Case &c : cases) {
    std::vector<uint8_t> bad = good;
    bad[c.at] = c.value;
    EXPECT_FALSE(checkElfHeader(bad.data(), bad.size(), error)) << c.what;
    EXPECT_NE(error.find(c.phrase), std::string::npos) << c.what << ": " << error;
    // load() refuses before dlopen sees the bytes.
    EXPECT_EQ(CodeObject::load(bad.data(), bad.size(), CodeObject::Method::Auto, error), nullptr);
    EXPECT_NE(error.find(c.phrase), std::string::npos) << c.what << ": " << error;
  }
  EXPECT_FALSE(checkElfHeader(good.data(), 63, error));
  EXPECT_NE(error.find("63 bytes, too short for an ELF header"), std::string::npos) << error;
  EXPECT_FALSE(checkElfHeader(good.data(), 0, error));
}

void expectWorkingKernels(const CodeObject &code) {
  auto add = reinterpret_cast<KernelFn>(code.lookup("kiln_test_add"));
  ASSERT_NE(add, nullptr);
  std::vector<float> x(fixtures::kElements), y(fixtures::kElements), t(fixtures::kElements, -1);
  for (int64_t i = 0; i < fixtures::kElements; ++i) {
    x[i] = static_cast<float>(i);
    y[i] = 0.5f;
  }
  void *buffers[] = {x.data(), y.data(), t.data()};
  add(buffers, 1, 2); // work item 1: elements [16, 32)
  EXPECT_EQ(t[15], -1.0f);
  EXPECT_EQ(t[16], 16.5f);
  EXPECT_EQ(t[31], 31.5f);
  EXPECT_EQ(t[32], -1.0f);
  EXPECT_NE(code.lookup("kiln_test_scale"), nullptr);
  EXPECT_EQ(code.lookup("kiln_test_not_there"), nullptr);
  EXPECT_EQ(code.lookup("kiln_test_hidden"), nullptr); // not exported
  EXPECT_EQ(code.lookup("memcpy"), nullptr);           // libc's, not the object's
  EXPECT_EQ(code.lookup(""), nullptr);
}

TEST(CodeObject, LoadsThroughMemFd) {
  std::vector<uint8_t> code = kernels();
  std::string error;
  std::unique_ptr<CodeObject> obj =
      CodeObject::load(code.data(), code.size(), CodeObject::Method::MemFd, error);
  ASSERT_NE(obj, nullptr) << error;
  EXPECT_EQ(obj->method(), CodeObject::Method::MemFd);
  expectWorkingKernels(*obj);
}

TEST(CodeObject, LoadsThroughAnUnlinkedTempFile) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("kiln-code-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const char *old = std::getenv("TMPDIR");
  std::string saved = old ? old : "";
  ::setenv("TMPDIR", dir.c_str(), 1);
  std::vector<uint8_t> code = kernels();
  std::string error;
  std::unique_ptr<CodeObject> obj =
      CodeObject::load(code.data(), code.size(), CodeObject::Method::TempFile, error);
  if (old) {
    ::setenv("TMPDIR", saved.c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
  ASSERT_NE(obj, nullptr) << error;
  EXPECT_EQ(obj->method(), CodeObject::Method::TempFile);
  EXPECT_TRUE(std::filesystem::is_empty(dir)); // unlinked right after dlopen
  expectWorkingKernels(*obj);
  std::filesystem::remove_all(dir);
}

TEST(CodeObject, TwoLoadsAreIndependent) {
  std::vector<uint8_t> code = kernels();
  std::string error;
  auto a = CodeObject::load(code.data(), code.size(), CodeObject::Method::Auto, error);
  auto b = CodeObject::load(code.data(), code.size(), CodeObject::Method::Auto, error);
  ASSERT_NE(a, nullptr) << error;
  ASSERT_NE(b, nullptr) << error;
  EXPECT_NE(a->lookup("kiln_test_add"), b->lookup("kiln_test_add"));
  a.reset();
  expectWorkingKernels(*b); // unloading one leaves the other intact
}

TEST(CodeObject, StaleLoaderNamesAreNeverReused) {
  // An object that cannot be unloaded keeps its name "/proc/self/fd/N" after N is closed.
  // glibc matches names as strings, so a later load through the same N would silently
  // get the stale object's code. Provoke exactly that and check we load our own copy.
  std::vector<uint8_t> code = kernels();
  int fd = memfd_create("stale", MFD_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, code.data(), code.size()), static_cast<ssize_t>(code.size()));
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  void *stale = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  ASSERT_NE(stale, nullptr) << dlerror();
  void *staleAdd = dlsym(stale, "kiln_test_add");
  ASSERT_NE(staleAdd, nullptr);
  ::close(fd); // the next memfd gets the same number
  dlclose(stale);
  std::string error;
  std::unique_ptr<CodeObject> obj =
      CodeObject::load(code.data(), code.size(), CodeObject::Method::MemFd, error);
  ASSERT_NE(obj, nullptr) << error;
  EXPECT_NE(obj->lookup("kiln_test_add"), staleAdd);
  expectWorkingKernels(*obj);
  // The same holds for the temporary-file path's names.
  obj = CodeObject::load(code.data(), code.size(), CodeObject::Method::TempFile, error);
  ASSERT_NE(obj, nullptr) << error;
  EXPECT_NE(obj->lookup("kiln_test_add"), staleAdd);
}

TEST(CodeObject, CorruptBodyIsAnErrorNotACrash) {
  std::vector<uint8_t> code = kernels();
  code.resize(64); // a valid header and nothing behind it
  std::string error;
  EXPECT_EQ(CodeObject::load(code.data(), code.size(), CodeObject::Method::Auto, error), nullptr);
  EXPECT_NE(error.find("cannot load the code object"), std::string::npos) << error;
  EXPECT_NE(error.find("temporary file"), std::string::npos) << error; // both tried
}

} // namespace
