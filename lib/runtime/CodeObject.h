//===- CodeObject.h - load an artifact's CODE_ELF shared object --------------===//
//
// The kernels of a CPU artifact are an x86-64 ELF shared object carried inside the
// artifact. It is loaded from memory: written to a memfd and dlopen'ed through
// /proc/self/fd/N, or, where memfd or /proc is unavailable, through a private temporary
// file that is unlinked right after dlopen. The ELF header is checked first so a
// foreign or corrupt object is refused with a message, not handed to the dynamic loader.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_LIB_RUNTIME_CODEOBJECT_H
#define KILN_LIB_RUNTIME_CODEOBJECT_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace kiln::runtime {

/// Checks the ELF identification and header: 64-bit, little-endian, ET_DYN, EM_X86_64.
bool checkElfHeader(const uint8_t *bytes, size_t size, std::string &error);

class CodeObject {
public:
  enum class Method {
    Auto,     // memfd, then a temporary file
    MemFd,    // memfd only
    TempFile, // temporary file only
  };

  /// Checks the header and loads `size` bytes with RTLD_NOW | RTLD_LOCAL.
  static std::unique_ptr<CodeObject> load(const uint8_t *bytes, size_t size, Method method,
                                          std::string &error);
  ~CodeObject();
  CodeObject(const CodeObject &) = delete;
  CodeObject &operator=(const CodeObject &) = delete;

  /// The address of a symbol the object itself defines and exports, or nullptr (also for
  /// names that only its dependencies, such as libc, define).
  void *lookup(const std::string &symbol) const;
  /// How the object was loaded (MemFd or TempFile).
  Method method() const { return how; }

private:
  CodeObject(void *handle, Method how, int fd) : handle(handle), how(how), fd(fd) {}
  void *handle;
  Method how;
  int fd; // the memfd behind /proc/self/fd/N, open while loaded; -1 for a temp file
};

} // namespace kiln::runtime

#endif // KILN_LIB_RUNTIME_CODEOBJECT_H
