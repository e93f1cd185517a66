//===- AlignedBuffer.h - owned 64-byte aligned memory ------------------------===//
//
// Every buffer the runtime hands a kernel (arena, inputs, outputs, constants) starts at
// a 64-byte boundary, so generated code may use aligned vector loads. Allocation reports
// failure instead of throwing: sizes come from artifact files.
//
//===----------------------------------------------------------------------------===//
#ifndef KILN_LIB_RUNTIME_ALIGNEDBUFFER_H
#define KILN_LIB_RUNTIME_ALIGNEDBUFFER_H

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <utility>

namespace kiln::runtime {

class AlignedBuffer {
public:
  static constexpr size_t kAlignment = 64;

  AlignedBuffer() = default;
  AlignedBuffer(const AlignedBuffer &) = delete;
  AlignedBuffer &operator=(const AlignedBuffer &) = delete;
  AlignedBuffer(AlignedBuffer &&other) noexcept
      : ptr(std::exchange(other.ptr, nullptr)), bytes(std::exchange(other.bytes, 0)) {}
  AlignedBuffer &operator=(AlignedBuffer &&other) noexcept {
    if (this != &other) {
      std::free(ptr);
      ptr = std::exchange(other.ptr, nullptr);
      bytes = std::exchange(other.bytes, 0);
    }
    return *this;
  }
  ~AlignedBuffer() { std::free(ptr); }

  /// Replaces the contents with `size` uninitialized bytes. Even a zero-byte buffer gets
  /// a distinct non-null address. Returns false (and holds nothing) when memory runs out.
  bool allocate(uint64_t size) {
    std::free(ptr);
    ptr = nullptr;
    bytes = 0;
    if (size > SIZE_MAX - kAlignment) {
      return false;
    }
    size_t rounded = (static_cast<size_t>(size) + kAlignment - 1) / kAlignment * kAlignment;
    ptr = static_cast<uint8_t *>(std::aligned_alloc(kAlignment, rounded ? rounded : kAlignment));
    if (!ptr) {
      return false;
    }
    bytes = static_cast<size_t>(size);
    return true;
  }

  uint8_t *data() { return ptr; }
  const uint8_t *data() const { return ptr; }
  size_t size() const { return bytes; }

private:
  uint8_t *ptr = nullptr;
  size_t bytes = 0;
};

} // namespace kiln::runtime

#endif // KILN_LIB_RUNTIME_ALIGNEDBUFFER_H
