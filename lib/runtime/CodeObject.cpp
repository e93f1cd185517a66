//===- CodeObject.cpp - dlopen a shared object from memory ------------------===//
//
// memfd_create + dlopen("/proc/self/fd/N") keeps the code off the file system; the
// fallback writes a mkstemp file (mode 0600) under $TMPDIR or /tmp and unlinks it as soon
// as dlopen returns, so nothing is left behind even when loading fails.
//
// Names matter: glibc's dlopen first compares the requested name with the names of the
// objects already loaded, as strings, and returns a match without opening the file. Two
// models loaded one after the other through the same fd number would share the first
// one's code. So the memfd stays open while its object is loaded, and a name some other
// object still holds is never used.
//
//===----------------------------------------------------------------------------===//
#include "lib/runtime/CodeObject.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

namespace kiln::runtime {

namespace {

constexpr size_t kElfHeaderBytes = 64;
constexpr uint16_t kEtDyn = 3;
constexpr uint16_t kEmX86_64 = 62;

uint16_t load16(const uint8_t *p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

bool writeAll(int fd, const uint8_t *bytes, size_t size, std::string &error) {
  while (size > 0) {
    ssize_t n = ::write(fd, bytes, size);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      error = std::string("write failed: ") + std::strerror(errno);
      return false;
    }
    bytes += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

std::string dlopenError() {
  const char *e = dlerror();
  return e ? e : "unknown dlopen error";
}

/// True when the dynamic loader already holds an object under `path`. glibc matches
/// dlopen names as strings before it looks at the file, so a name left behind by an
/// object that could not be unloaded (RTLD_NODELETE, STB_GNU_UNIQUE symbols) would hand
/// back that object instead of loading ours.
bool nameTaken(const std::string &path) {
  void *existing = dlopen(path.c_str(), RTLD_LAZY | RTLD_NOLOAD);
  if (existing) {
    dlclose(existing);
    return true;
  }
  dlerror(); // clear the NOLOAD miss
  return false;
}

constexpr int kNameAttempts = 16;

/// Loads through /proc/self/fd/N. The memfd stays open as long as the object is loaded
/// (`fdOut`), so no two live objects ever share N and hence a name.
void *loadThroughMemFd(const uint8_t *bytes, size_t size, int &fdOut, std::string &error) {
  int fd = memfd_create("kiln-code", MFD_CLOEXEC);
  if (fd < 0) {
    error = std::string("memfd_create failed: ") + std::strerror(errno);
    return nullptr;
  }
  if (!writeAll(fd, bytes, size, error)) {
    ::close(fd);
    return nullptr;
  }
  for (int attempt = 0; attempt < kNameAttempts; ++attempt) {
    std::string path = "/proc/self/fd/" + std::to_string(fd);
    if (nameTaken(path)) {
      // Move to another descriptor number (the stale name keeps this one unusable).
      int moved = fcntl(fd, F_DUPFD_CLOEXEC, fd + 1);
      ::close(fd);
      if (moved < 0) {
        error = std::string("dup of the memfd failed: ") + std::strerror(errno);
        return nullptr;
      }
      fd = moved;
      continue;
    }
    void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      error = "dlopen of " + path + " failed: " + dlopenError();
      ::close(fd);
      return nullptr;
    }
    fdOut = fd;
    return handle;
  }
  ::close(fd);
  error = "no unused /proc/self/fd name for the memfd";
  return nullptr;
}

/// Loads through a mkstemp file, unlinked right after dlopen.
void *loadThroughTempFile(const uint8_t *bytes, size_t size, std::string &error) {
  const char *dir = std::getenv("TMPDIR");
  std::string folder = dir && *dir ? dir : "/tmp";
  for (int attempt = 0; attempt < kNameAttempts; ++attempt) {
    std::string path = folder + "/kiln-code-XXXXXX";
    int fd = mkstemp(path.data());
    if (fd < 0) {
      error = "cannot create a temporary file in " + folder + ": " + std::strerror(errno);
      return nullptr;
    }
    if (nameTaken(path)) {
      ::unlink(path.c_str());
      ::close(fd);
      continue;
    }
    void *handle = nullptr;
    if (writeAll(fd, bytes, size, error)) {
      handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (!handle) {
        error = "dlopen of " + path + " failed: " + dlopenError();
      }
    }
    ::unlink(path.c_str());
    ::close(fd);
    return handle;
  }
  error = "no unused temporary file name in " + folder;
  return nullptr;
}

} // namespace

bool checkElfHeader(const uint8_t *bytes, size_t size, std::string &error) {
  if (size < kElfHeaderBytes) {
    error = "CODE_ELF: " + std::to_string(size) + " bytes, too short for an ELF header (64 bytes)";
    return false;
  }
  if (std::memcmp(bytes,
                  "\x7f"
                  "ELF",
                  4) != 0) {
    error = "CODE_ELF: not an ELF object (bad magic)";
    return false;
  }
  if (bytes[4] != 2 || bytes[5] != 1) {
    error = "CODE_ELF: ELF class " + std::to_string(bytes[4]) + " / data encoding " +
            std::to_string(bytes[5]) + ", this runtime loads 64-bit little-endian (2 / 1)";
    return false;
  }
  uint16_t type = load16(bytes + 16);
  uint16_t machine = load16(bytes + 18);
  if (machine != kEmX86_64) {
    error = "CODE_ELF: ELF machine " + std::to_string(machine) + ", this runtime loads x86-64 (62)";
    return false;
  }
  if (type != kEtDyn) {
    error = "CODE_ELF: ELF type " + std::to_string(type) +
            ", this runtime loads shared objects (ET_DYN, 3)";
    return false;
  }
  return true;
}

std::unique_ptr<CodeObject> CodeObject::load(const uint8_t *bytes, size_t size, Method method,
                                             std::string &error) {
  if (!checkElfHeader(bytes, size, error)) {
    return nullptr;
  }
  std::string memfdError, fileError;
  if (method != Method::TempFile) {
    int fd = -1;
    if (void *h = loadThroughMemFd(bytes, size, fd, memfdError)) {
      return std::unique_ptr<CodeObject>(new CodeObject(h, Method::MemFd, fd));
    }
    if (method == Method::MemFd) {
      error = "CODE_ELF: cannot load the code object: " + memfdError;
      return nullptr;
    }
  }
  if (void *h = loadThroughTempFile(bytes, size, fileError)) {
    return std::unique_ptr<CodeObject>(new CodeObject(h, Method::TempFile, -1));
  }
  error = "CODE_ELF: cannot load the code object: ";
  if (!memfdError.empty()) {
    error += memfdError + "; then through a temporary file: ";
  }
  error += fileError;
  return nullptr;
}

CodeObject::~CodeObject() {
  dlclose(handle);
  if (fd >= 0) {
    ::close(fd);
  }
}

void *CodeObject::lookup(const std::string &symbol) const {
  void *address = dlsym(handle, symbol.c_str());
  if (!address) {
    return nullptr;
  }
  // dlsym also searches the object's dependencies: a plan naming `memcpy` must not
  // resolve to libc. Accept only symbols defined by the code object itself.
  struct link_map *self = nullptr;
  struct link_map *owner = nullptr;
  Dl_info info;
  if (dlinfo(handle, RTLD_DI_LINKMAP, &self) != 0 ||
      !dladdr1(address, &info, reinterpret_cast<void **>(&owner), RTLD_DL_LINKMAP) ||
      owner != self) {
    return nullptr;
  }
  return address;
}

} // namespace kiln::runtime
